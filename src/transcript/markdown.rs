//! Markdown transcripts: front matter, bold labels (`**Naam:** tekst`) and heading labels (`### Naam`).
//!
//! The file is read through pulldown-cmark's event stream with source offsets, so Markdown syntax
//! (emphasis, links, code, escapes, HTML comments) is understood rather than pattern-matched:
//!
//! - YAML front matter between `---` lines at the top becomes [`ParsedTranscript::attributes`];
//!   only flat `key: value` lines (and `#` comments) are allowed.
//! - A paragraph starting with a bold label, `**Naam:** tekst` or `**Naam**: tekst` (optionally
//!   `[00:03:12] **Naam:**` or `**[00:03:12] Naam:**`), starts a turn. So does a line inside a
//!   paragraph that starts with one (turns written on consecutive lines without blank lines).
//! - A heading holding only a label, `### Naam` or `### Naam (00:03:12)`, starts a turn whose
//!   text is the paragraphs after it. Other headings (titles, `## Thema 2: werk en taal`) are
//!   skipped: they are not turns and do not end one.
//! - Paragraphs (and list items, block quotes, code blocks) without a label continue the current
//!   turn; markup is stripped to plain text, and images and raw HTML are dropped.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::text::{LineIndex, TurnBuilder, parse_label_only, parse_timestamp, quoted};
use super::{ParseError, ParsedTranscript, ReadOptions};

/// The message for content found before the first speaker.
const BEFORE_FIRST_SPEAKER: &str = "text before the first speaker: expected a paragraph starting \
with a bold label like \"**Naam:** tekst\" or a heading like \"### Naam\"";

/// One piece of a leaf block's inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Plain text (markup removed).
    Text(String),
    /// `**` opens.
    StrongStart,
    /// `**` closes.
    StrongEnd,
}

/// What kind of leaf block the inline content belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeafKind {
    /// A paragraph, or the loose text of a tight list item.
    Paragraph,
    /// A heading of any level.
    Heading,
    /// A fenced or indented code block: text, never a label.
    Code,
}

/// One line of a leaf block (lines end at soft or hard breaks).
struct LeafLine {
    /// Byte offset where the line's content starts (`None` until its first token).
    start: Option<usize>,
    /// Byte offset where its content ends.
    end: usize,
    toks: Vec<Tok>,
}

impl LeafLine {
    fn new(start: Option<usize>) -> Self {
        LeafLine {
            start,
            end: start.unwrap_or(0),
            toks: Vec::new(),
        }
    }
}

/// A leaf block being collected.
struct Leaf {
    kind: LeafKind,
    /// Opened by inline content outside any paragraph (tight list items).
    implicit: bool,
    range: Range<usize>,
    lines: Vec<LeafLine>,
}

impl Leaf {
    fn new(kind: LeafKind, implicit: bool, range: Range<usize>) -> Self {
        let first = LeafLine::new(Some(range.start));
        Leaf {
            kind,
            implicit,
            range,
            lines: vec![first],
        }
    }

    /// The line being filled, its extent grown to cover `range`.
    fn line(&mut self, range: &Range<usize>) -> &mut LeafLine {
        if self.implicit {
            self.range.end = self.range.end.max(range.end);
        }
        if self.lines.is_empty() {
            self.lines.push(LeafLine::new(Some(range.start)));
        }
        let line = self.lines.last_mut().expect("a leaf has a line");
        let start = *line.start.get_or_insert(range.start);
        line.end = line.end.max(range.end).max(start);
        line
    }

    /// Appends text, merging it with preceding text (pulldown-cmark splits text at `[`, `*`, …).
    fn push_text(&mut self, s: &str, range: &Range<usize>) {
        let line = self.line(range);
        if let Some(Tok::Text(t)) = line.toks.last_mut() {
            t.push_str(s);
        } else {
            line.toks.push(Tok::Text(s.to_string()));
        }
    }

    /// Appends a bold marker.
    fn push(&mut self, tok: Tok, range: &Range<usize>) {
        self.line(range).toks.push(tok);
    }

    /// A soft or hard line break: the next content starts a new line.
    fn line_break(&mut self, range: &Range<usize>) {
        if let Some(line) = self.lines.last_mut()
            && line.start.is_some()
        {
            line.end = line.end.min(range.start).max(line.start.unwrap_or(0));
        }
        self.lines.push(LeafLine::new(None));
    }

    /// All tokens, lines joined by a space.
    fn all_toks(&self) -> Vec<Tok> {
        let mut out = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push(Tok::Text(" ".into()));
            }
            out.extend(l.toks.iter().cloned());
        }
        out
    }
}

/// Collects turns from finished leaf blocks.
struct Builder<'a> {
    input: &'a str,
    lines: LineIndex,
    turns: Vec<super::Turn>,
    current: Option<TurnBuilder>,
}

impl Builder<'_> {
    /// The end of `range` with trailing whitespace removed.
    fn trimmed_end(&self, range: &Range<usize>) -> usize {
        range.start + self.input[range.clone()].trim_end().len()
    }

    fn start_turn(&mut self, speaker: String, start_ms: Option<u64>, start: usize) {
        if let Some(t) = self.current.take() {
            self.turns.push(t.finish());
        }
        let (line, _) = self.lines.position(self.input, start);
        self.current = Some(TurnBuilder::new(Some(speaker), line, start_ms, start));
    }

    fn leaf(&mut self, leaf: Leaf) -> Result<(), ParseError> {
        let leaf_end = self.trimmed_end(&leaf.range);
        if leaf.kind == LeafKind::Heading {
            let text = plain(&leaf.all_toks());
            if let Some((speaker, ms)) = parse_label_only(&text) {
                self.start_turn(speaker, ms, leaf.range.start);
                if let Some(t) = self.current.as_mut() {
                    t.extend_to(leaf_end);
                }
            }
            return Ok(());
        }
        // A bold label may also start a line inside a paragraph (turns written on consecutive
        // lines without a blank line between them).
        let count = leaf.lines.len();
        for (k, line) in leaf.lines.iter().enumerate() {
            let Some(start) = line.start else { continue };
            let end = if k + 1 == count {
                leaf_end
            } else {
                self.trimmed_end(&(start..line.end))
            };
            let label = match leaf.kind {
                LeafKind::Paragraph => bold_label(&line.toks),
                _ => None,
            };
            let text = match label {
                Some((speaker, ms, rest)) => {
                    self.start_turn(speaker, ms, start);
                    rest
                }
                None => plain(&line.toks),
            };
            match self.current.as_mut() {
                Some(t) => {
                    t.push_text(&text);
                    t.extend_to(end);
                }
                None if text.trim().is_empty() => {}
                None => {
                    let (line, column) = self.lines.position(self.input, start);
                    return Err(ParseError {
                        line,
                        column,
                        message: BEFORE_FIRST_SPEAKER.into(),
                    });
                }
            }
        }
        if let Some(t) = self.current.as_mut() {
            t.end_paragraph();
        }
        Ok(())
    }
}

/// The plain text of inline tokens.
fn plain(toks: &[Tok]) -> String {
    let mut s = String::new();
    for t in toks {
        if let Tok::Text(t) = t {
            s.push_str(t);
        }
    }
    s
}

/// Whether `s` is nothing but a timestamp, `[00:03:12]` or `00:03:12`.
fn is_time_only(s: &str) -> bool {
    let s = s.trim();
    let inner = s
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(s);
    parse_timestamp(inner.trim()).is_some()
}

/// A bold label at the start of a paragraph: `**Naam:** tekst`, `**Naam**: tekst`, optionally
/// with a timestamp before the label, inside or outside the bold. Returns the speaker, the time
/// and the text after the label.
fn bold_label(toks: &[Tok]) -> Option<(String, Option<u64>, String)> {
    let (prefix, i) = match toks {
        [Tok::Text(t), Tok::StrongStart, ..] if is_time_only(t) => (t.as_str(), 1),
        [Tok::StrongStart, ..] => ("", 0),
        _ => return None,
    };
    let close = i + toks[i..].iter().position(|t| *t == Tok::StrongEnd)?;
    let inner = plain(&toks[i + 1..close]);
    let after = &toks[close + 1..];
    let inner_trim = inner.trim_end();
    let (label, after_text) = if let Some(label) = inner_trim.strip_suffix(':') {
        (label, plain(after))
    } else {
        let rest = plain(after);
        let stripped = rest.strip_prefix(':')?;
        if !stripped.is_empty() && !stripped.starts_with(char::is_whitespace) {
            return None;
        }
        (inner_trim, stripped.to_string())
    };
    let (speaker, ms) = parse_label_only(&format!("{prefix} {label}"))?;
    Some((speaker, ms, after_text))
}

/// Parses front matter (the text between the `---` lines). `first_line` is the line number of
/// the first content line.
fn front_matter(block: &str, first_line: usize) -> Result<BTreeMap<String, String>, ParseError> {
    let mut attributes = BTreeMap::new();
    for (i, line) in block.lines().enumerate() {
        let line_no = first_line + i;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |why: &str| ParseError {
            line: line_no,
            column: 1,
            message: format!(
                "front matter: expected a flat \"key: value\" line, found {}{why}",
                quoted(line.trim_end())
            ),
        };
        let structure = " (lists, nested maps and multi-line values are not allowed)";
        if line.starts_with([' ', '\t', '-']) {
            return Err(bad(structure));
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(bad(""));
        };
        let key_ok = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !key_ok || !(value.is_empty() || value.starts_with([' ', '\t'])) {
            return Err(bad(""));
        }
        let value = front_matter_value(value.trim()).ok_or_else(|| bad(structure))?;
        if attributes.insert(key.to_string(), value).is_some() {
            return Err(ParseError {
                line: line_no,
                column: 1,
                message: format!("front matter: the key \"{key}\" appears twice"),
            });
        }
    }
    Ok(attributes)
}

/// A scalar front-matter value: quotes removed, a trailing ` # comment` dropped. `None` for
/// YAML structures (`[a, b]`, `{a: b}`, `|`, `>`, anchors and aliases).
fn front_matter_value(v: &str) -> Option<String> {
    if let Some(inner) = v.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        return Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    if let Some(inner) = v.strip_prefix('\'') {
        return Some(inner.strip_suffix('\'')?.replace("''", "'"));
    }
    if v.starts_with(['[', '{', '|', '>', '&', '*', '!']) || v.starts_with("- ") || v == "-" {
        return None;
    }
    let v = match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None => v,
    };
    Some(v.to_string())
}

/// The attributes of the front matter block at `r` (its `---` lines included) in `input`.
pub(crate) fn front_matter_block(
    input: &str,
    r: Range<usize>,
    lines: &LineIndex,
) -> Result<BTreeMap<String, String>, ParseError> {
    let raw = &input[r.clone()];
    // Drop the opening `---` line; the closing line is not a `key: value` either.
    let body_start = raw.find('\n').map_or(raw.len(), |i| i + 1);
    let body = &raw[body_start..];
    let body = body
        .trim_end()
        .strip_suffix("---")
        .or_else(|| body.trim_end().strip_suffix("..."))
        .unwrap_or(body);
    let (first_line, _) = lines.position(input, r.start + body_start);
    front_matter(body, first_line)
}

/// Parses a Markdown transcript.
pub(crate) fn parse(input: &str, _options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    let mut b = Builder {
        input,
        lines: LineIndex::new(input),
        turns: Vec::new(),
        current: None,
    };
    let mut attributes = BTreeMap::new();
    let mut leaf: Option<Leaf> = None;
    let mut meta: Option<Range<usize>> = None;
    let mut skip = 0usize; // inside an image: its alt text is not spoken text
    let parser = Parser::new_ext(input, Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    let opens_front_matter = input.lines().next().is_some_and(|l| l.trim_end() == "---");
    for (i, (event, range)) in parser.into_offset_iter().enumerate() {
        if i == 0 && opens_front_matter && !matches!(event, Event::Start(Tag::MetadataBlock(_))) {
            return Err(ParseError::at(
                1,
                "front matter opened with \"---\" on line 1 is not closed by a \"---\" line \
                 (or is empty)",
            ));
        }
        if meta.is_some() {
            if let Event::End(TagEnd::MetadataBlock(_)) = event {
                let r = meta.take().unwrap_or_default();
                attributes = front_matter_block(input, r, &b.lines)?;
            }
            continue;
        }
        match event {
            Event::Start(Tag::MetadataBlock(_)) => {
                meta = Some(range);
            }
            Event::Start(Tag::Paragraph) => {
                flush(&mut b, &mut leaf)?;
                leaf = Some(Leaf::new(LeafKind::Paragraph, false, range));
            }
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut b, &mut leaf)?;
                leaf = Some(Leaf::new(LeafKind::Heading, false, range));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut b, &mut leaf)?;
                leaf = Some(Leaf::new(LeafKind::Code, false, range));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                flush(&mut b, &mut leaf)?;
            }
            Event::Start(Tag::Image { .. }) => skip += 1,
            Event::End(TagEnd::Image) => skip = skip.saturating_sub(1),
            _ if skip > 0 => {}
            Event::Start(Tag::Strong) => {
                inline(&mut leaf, &range, |l| l.push(Tok::StrongStart, &range))
            }
            Event::End(TagEnd::Strong) => {
                inline(&mut leaf, &range, |l| l.push(Tok::StrongEnd, &range))
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                inline(&mut leaf, &range, |l| l.push_text(&t, &range));
            }
            Event::SoftBreak | Event::HardBreak => {
                inline(&mut leaf, &range, |l| l.line_break(&range))
            }
            // Emphasis, links, strikethrough: keep their text, drop the markup.
            Event::Start(Tag::Emphasis | Tag::Link { .. } | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Link | TagEnd::Strikethrough) => {}
            Event::Html(_) | Event::InlineHtml(_) | Event::TaskListMarker(_) => {}
            Event::FootnoteReference(_) | Event::Rule => {}
            // Any other block boundary (list item, block quote, …) ends loose item text.
            Event::Start(_) | Event::End(_) => {
                if leaf.as_ref().is_some_and(|l| l.implicit) {
                    flush(&mut b, &mut leaf)?;
                }
            }
        }
    }
    flush(&mut b, &mut leaf)?;
    if let Some(t) = b.current.take() {
        b.turns.push(t.finish());
    }
    Ok(ParsedTranscript {
        attributes,
        turns: b.turns,
        source: input.to_string(),
        warnings: Vec::new(),
    })
}

/// Adds inline content to the open leaf, opening an implicit one (tight list item text).
fn inline(leaf: &mut Option<Leaf>, range: &Range<usize>, f: impl FnOnce(&mut Leaf)) {
    f(leaf.get_or_insert_with(|| Leaf::new(LeafKind::Paragraph, true, range.clone())));
}

/// Hands a finished leaf to the builder.
fn flush(b: &mut Builder<'_>, leaf: &mut Option<Leaf>) -> Result<(), ParseError> {
    match leaf.take() {
        Some(l) => b.leaf(l),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser as ingest calls it for a file the manifest says nothing special about.
    fn parse(input: &str) -> Result<ParsedTranscript, ParseError> {
        super::parse(input, &ReadOptions::default())
    }

    fn text(s: &str) -> Tok {
        Tok::Text(s.into())
    }

    #[test]
    fn bold_labels() {
        use Tok::{StrongEnd as E, StrongStart as S};
        assert_eq!(
            bold_label(&[S, text("Interviewer:"), E, text(" Hoe gaat het?")]),
            Some(("Interviewer".into(), None, " Hoe gaat het?".into()))
        );
        assert_eq!(
            bold_label(&[S, text("Anouk de Graaf"), E, text(": Goed.")]),
            Some(("Anouk de Graaf".into(), None, " Goed.".into()))
        );
        assert_eq!(
            bold_label(&[text("[00:01:02] "), S, text("Yonas:"), E, text(" Ja.")]),
            Some(("Yonas".into(), Some(62_000), " Ja.".into()))
        );
        assert_eq!(bold_label(&[S, text("Let op:"), E, text(" x")]), None);
        assert_eq!(bold_label(&[S, text("Belangrijk"), E, text(" x")]), None);
        assert_eq!(bold_label(&[text("Toen "), S, text("Jan:"), E]), None);
    }

    #[test]
    fn front_matter_values() {
        assert_eq!(front_matter_value("\"a: b\""), Some("a: b".into()));
        assert_eq!(front_matter_value("'it''s'"), Some("it's".into()));
        assert_eq!(
            front_matter_value("Havenstad # gemeente"),
            Some("Havenstad".into())
        );
        assert_eq!(front_matter_value("[a, b]"), None);
        assert_eq!(front_matter_value(""), Some(String::new()));
        let e = front_matter("a: 1\n  b: 2\n", 2).unwrap_err();
        assert_eq!(e.line, 3);
        let e = front_matter("a: 1\na: 2\n", 2).unwrap_err();
        assert!(e.message.contains("twice"));
    }

    #[test]
    fn bold_labels_on_consecutive_lines() {
        let src = "**A:** een\ntwee\n**B:** drie  \n**A**: vier\n";
        let p = parse(src).unwrap();
        let got: Vec<(&str, usize, &str, &str)> = p
            .turns
            .iter()
            .map(|t| {
                let sp = t.speaker.as_deref().unwrap_or("");
                (sp, t.line, t.text.as_str(), &src[t.bytes.clone()])
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", 1, "een twee", "**A:** een\ntwee"),
                ("B", 3, "drie", "**B:** drie"),
                ("A", 4, "vier", "**A**: vier"),
            ]
        );
    }

    #[test]
    fn tight_list_items_continue_the_turn() {
        let p = parse("**Interviewer:** Twee dingen:\n\n- het werk\n- de taal\n").unwrap();
        assert_eq!(p.turns.len(), 1);
        assert_eq!(p.turns[0].text, "Twee dingen:\n\nhet werk\n\nde taal");
        assert_eq!(&p.source[p.turns[0].bytes.clone()], p.source.trim_end());
    }
}

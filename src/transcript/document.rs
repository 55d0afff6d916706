//! Documents that are not transcripts (policy documents, interview notes, observation notes,
//! reports): one [`Turn`] without a speaker per paragraph, so that a paragraph is searched,
//! coded and quoted the way a speaker turn is.
//!
//! - Plain text: paragraphs are separated by blank lines; the lines of one paragraph are joined
//!   by a single space.
//! - Markdown: front matter becomes [`ParsedTranscript::attributes`] as for a transcript; each
//!   paragraph, list item, block quote paragraph and code block is a paragraph, markup stripped;
//!   headings are left out (they name a section, they say nothing to code).
//! - Word and PDF: see [`super::docx`] and [`super::pdf`], which hand their paragraphs here.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::text::{LineIndex, parse_label_only, parse_turn_line};
use super::{ParseError, ParsedTranscript, Turn};

/// A paragraph: its text (lines joined), the line it starts on and its bytes in the source.
fn turn(text: String, line: usize, bytes: Range<usize>) -> Turn {
    Turn {
        speaker: None,
        text,
        line,
        start_ms: None,
        end_ms: None,
        bytes,
    }
}

/// Plain text read as paragraphs separated by blank lines.
pub(crate) fn text_paragraphs(input: &str) -> ParsedTranscript {
    let mut turns = Vec::new();
    // (text so far, first line, start byte, end byte)
    let mut current: Option<(String, usize, usize, usize)> = None;
    let mut offset = 0;
    for (i, raw) in input.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some((text, first, start, end)) = current.take() {
                turns.push(turn(text, first, start..end));
            }
        } else {
            let lead = offset + (line.len() - line.trim_start().len());
            let end = lead + trimmed.len();
            match current.as_mut() {
                Some((text, _, _, e)) => {
                    text.push(' ');
                    text.push_str(trimmed);
                    *e = end;
                }
                None => current = Some((trimmed.to_string(), i + 1, lead, end)),
            }
        }
        offset += raw.len();
    }
    if let Some((text, first, start, end)) = current {
        turns.push(turn(text, first, start..end));
    }
    ParsedTranscript {
        attributes: BTreeMap::new(),
        turns,
        source: input.to_string(),
        warnings: Vec::new(),
    }
}

/// Paragraphs given one per line of `source` (Word's and PDF's, already joined), each a turn
/// whose `line` is the number `numbers` gives for that line.
pub(crate) fn line_paragraphs(source: String, numbers: &[usize]) -> ParsedTranscript {
    let mut turns = Vec::new();
    let mut offset = 0;
    for (i, line) in source.split('\n').enumerate() {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = offset + (line.len() - line.trim_start().len());
            let number = numbers.get(i).copied().unwrap_or(i + 1);
            turns.push(turn(
                trimmed.to_string(),
                number,
                lead..lead + trimmed.len(),
            ));
        }
        offset += line.len() + 1;
    }
    ParsedTranscript {
        attributes: BTreeMap::new(),
        turns,
        source,
        warnings: Vec::new(),
    }
}

/// Markdown read as paragraphs; headings are left out, front matter is read as attributes.
pub(crate) fn markdown_paragraphs(input: &str) -> Result<ParsedTranscript, ParseError> {
    let lines = LineIndex::new(input);
    let mut turns = Vec::new();
    let mut attributes = BTreeMap::new();
    // (text, byte range) of the paragraph being read
    let mut current: Option<(String, Range<usize>)> = None;
    let mut heading = false;
    let mut meta = false;
    let mut image = 0usize;
    // Where the paragraph opened, so that a range covers markup before its first word.
    let mut opened: Option<usize> = None;
    let parser = Parser::new_ext(input, Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    let flush = |current: &mut Option<(String, Range<usize>)>, turns: &mut Vec<Turn>| {
        if let Some((text, range)) = current.take() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                let (line, _) = lines.position(input, range.start);
                turns.push(turn(text, line, range));
            }
        }
    };
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => {
                meta = false;
                attributes = super::markdown::front_matter_block(input, range, &lines)?;
            }
            _ if meta => {}
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut current, &mut turns);
                heading = true;
            }
            Event::End(TagEnd::Heading(_)) => heading = false,
            Event::Start(Tag::Image { .. }) => image += 1,
            Event::End(TagEnd::Image) => image = image.saturating_sub(1),
            Event::Start(Tag::Paragraph) => {
                flush(&mut current, &mut turns);
                opened = Some(range.start);
            }
            Event::Start(Tag::Item | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::Table(_))
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => flush(&mut current, &mut turns),
            Event::Text(t) | Event::Code(t) if !heading && image == 0 => {
                let (text, r) = current.get_or_insert_with(|| {
                    let start = opened.take().unwrap_or(range.start);
                    (String::new(), start..range.end)
                });
                text.push_str(&t);
                r.end = r.end.max(range.end);
            }
            Event::SoftBreak | Event::HardBreak if !heading => {
                if let Some((text, _)) = current.as_mut() {
                    text.push(' ');
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((text, _)) = current.as_mut() {
                    text.push_str(" | ");
                }
            }
            _ => {}
        }
    }
    flush(&mut current, &mut turns);
    for t in &mut turns {
        if let Some(stripped) = t.text.strip_suffix(" |") {
            t.text = stripped.trim_end().to_string();
        }
    }
    Ok(ParsedTranscript {
        attributes,
        turns,
        source: input.to_string(),
        warnings: Vec::new(),
    })
}

/// Whether no line of `source` could start a speaker turn (`Naam: tekst`, `**Naam:**`,
/// `### Naam`, a label with a time): then a file read as a transcript is most likely not one.
pub(crate) fn has_no_speaker_labels(source: &str) -> bool {
    !source.lines().any(|line| {
        let line = line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | '*'));
        let line = line.replace("**", "");
        parse_turn_line(&line).is_some()
            || parse_label_only(&line).is_some_and(|(_, ms)| ms.is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &ParsedTranscript) -> Vec<(&str, usize, &str)> {
        p.turns
            .iter()
            .map(|t| (t.text.as_str(), t.line, &p.source[t.bytes.clone()]))
            .collect()
    }

    #[test]
    fn text_paragraphs_join_lines_and_keep_their_place() {
        let p = text_paragraphs(
            "Beleidsnotitie\n\n  De gemeente kiest voor\nduale trajecten.\r\n\n\n\nTaal en werk\ngaan samen.\n",
        );
        assert_eq!(
            texts(&p),
            vec![
                ("Beleidsnotitie", 1, "Beleidsnotitie"),
                (
                    "De gemeente kiest voor duale trajecten.",
                    3,
                    "De gemeente kiest voor\nduale trajecten."
                ),
                ("Taal en werk gaan samen.", 8, "Taal en werk\ngaan samen."),
            ]
        );
        assert!(p.turns.iter().all(|t| t.speaker.is_none()));
    }

    #[test]
    fn a_file_without_any_label_is_told_from_a_transcript() {
        assert!(has_no_speaker_labels(
            "De gemeente kiest voor duale trajecten.\n\nTaal en werk gaan samen."
        ));
        assert!(!has_no_speaker_labels("Intro\n\nAmal: Goed, dank u."));
        assert!(!has_no_speaker_labels("**Amal:** Goed."));
        assert!(!has_no_speaker_labels("Petra van Dijk   00:04:12\nGoed."));
    }

    #[test]
    fn markdown_paragraphs_leave_headings_out() {
        let p = markdown_paragraphs(
            "---\ncase: Havenstad\n---\n# Observatie\n\nDe **klantmanager** opent\nhet gesprek.\n\n- eerste punt\n- tweede `punt`\n\n> Een citaat.\n",
        )
        .unwrap();
        assert_eq!(
            p.attributes.get("case").map(String::as_str),
            Some("Havenstad")
        );
        let got: Vec<(&str, usize)> = p.turns.iter().map(|t| (t.text.as_str(), t.line)).collect();
        assert_eq!(
            got,
            vec![
                ("De klantmanager opent het gesprek.", 6),
                ("eerste punt", 9),
                ("tweede punt", 10),
                ("Een citaat.", 12),
            ]
        );
        assert_eq!(
            &p.source[p.turns[0].bytes.clone()],
            "De **klantmanager** opent\nhet gesprek."
        );
    }
}

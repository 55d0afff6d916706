//! Plain-text transcripts (`Naam: tekst`), and the text helpers the other parsers share.
//!
//! A turn starts at a line `Label: text` (with a timestamp before or after the label, see
//! [`super::label`] for the label grammar and how the manifest's speaker list decides where it is
//! unsure), or at a line holding only a label and a time with the text below it, as Otter.ai
//! exports (`Amal Haddad  0:03`). Every other non-blank line continues the current turn; a blank
//! line starts a new paragraph of the same turn. f4/f5 time marks (`#00:01:23-4#`) are taken out
//! of the text; the last one in a turn is its end time.
//!
//! Lines before the first turn are the document's header, as transcription services and
//! MAXQDA's focus-group import expect one: `Datum: 14 mei 2025` and other known fields become
//! attributes under their lowercased name, the first other line the `title`, later ones the
//! `preamble`. A file with no turn at all is refused.

use std::collections::{BTreeMap, HashMap};

use super::label::{
    KnownLabels, LabelKind, LineStart, classify_turn_line, label_key, read_label, strip_time_marks,
};
use super::{ParseError, ParseWarning, ParsedTranscript, ReadOptions, Turn};

pub(crate) use super::label::{LabelHead, parse_label_only, parse_timestamp, parse_turn_line};

/// Most characters of a source line an error message quotes.
const QUOTE_CHARS: usize = 60;

/// `s` in double quotes for an error message, cut to its first [`QUOTE_CHARS`] characters
/// (with `…`), so that a message about a huge line stays readable.
pub(crate) fn quoted(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_some() {
        format!("\"{head}…\"")
    } else {
        format!("\"{head}\"")
    }
}

/// 1-based column (in characters) of byte offset `at` within `line`.
pub(crate) fn column(line: &str, at: usize) -> usize {
    line[..at].chars().count() + 1
}

/// Byte offsets where each line of `input` starts, for turning offsets into line numbers.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `input` (lines end at `\n`).
    pub(crate) fn new(input: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(input.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    pub(crate) fn position(&self, input: &str, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line - 1];
        (line, input[start..at].chars().count() + 1)
    }
}

/// A turn being collected: paragraphs of lines, and the byte span so far.
pub(crate) struct TurnBuilder {
    speaker: Option<String>,
    line: usize,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    start: usize,
    end: usize,
    paragraphs: Vec<String>,
    current: String,
}

impl TurnBuilder {
    /// Starts a turn at byte `start` on `line`.
    pub(crate) fn new(
        speaker: Option<String>,
        line: usize,
        start_ms: Option<u64>,
        start: usize,
    ) -> Self {
        TurnBuilder {
            speaker,
            line,
            start_ms,
            end_ms: None,
            start,
            end: start,
            paragraphs: Vec::new(),
            current: String::new(),
        }
    }

    /// Adds a piece of text to the current paragraph, joined to it by one space.
    pub(crate) fn push_text(&mut self, text: &str) {
        for w in text.split_whitespace() {
            if !self.current.is_empty() {
                self.current.push(' ');
            }
            self.current.push_str(w);
        }
    }

    /// Ends the current paragraph (a no-op when it is empty).
    pub(crate) fn end_paragraph(&mut self) {
        if !self.current.is_empty() {
            self.paragraphs.push(std::mem::take(&mut self.current));
        }
    }

    /// Extends the turn's byte range to `end` (exclusive).
    pub(crate) fn extend_to(&mut self, end: usize) {
        self.end = self.end.max(end);
    }

    /// Sets the turn's end time.
    pub(crate) fn set_end_ms(&mut self, end_ms: Option<u64>) {
        self.end_ms = end_ms;
    }

    /// The speaker of the turn.
    pub(crate) fn speaker(&self) -> Option<&str> {
        self.speaker.as_deref()
    }

    /// The finished turn: paragraphs joined by a blank line.
    pub(crate) fn finish(mut self) -> Turn {
        self.end_paragraph();
        Turn {
            speaker: self.speaker,
            text: self.paragraphs.join("\n\n"),
            line: self.line,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            bytes: self.start..self.end,
        }
    }
}

/// The message for text found before the first speaker label.
pub(crate) const BEFORE_FIRST_LABEL: &str = "text before the first speaker label: expected a line like \"Naam: tekst\" or \"[00:12:03] Naam: tekst\"";

/// Header fields a transcript may open with (`Datum: 14 mei 2025`), lowercased: Dutch, English
/// and German, as transcription services and f4/MAXQDA users write them. A label the manifest
/// lists for the document is a speaker even when it is in this list.
const HEADER_FIELDS: &[&str] = &[
    "titel",
    "title",
    "datum",
    "date",
    "tijd",
    "time",
    "locatie",
    "location",
    "plaats",
    "place",
    "ort",
    "duur",
    "duration",
    "dauer",
    "lengte",
    "length",
    "onderwerp",
    "subject",
    "thema",
    "topic",
    "project",
    "bestand",
    "bestandsnaam",
    "file",
    "file name",
    "filename",
    "opname",
    "recording",
    "audio",
    "transcript",
    "transcriptie",
    "transcribent",
    "transcriber",
    "transcribed by",
    "getranscribeerd door",
    "deelnemers",
    "participants",
    "aanwezig",
    "aanwezigen",
    "present",
    "sprekers",
    "speakers",
    "taal",
    "language",
    "gemeente",
    "casus",
    "case",
    "groep",
    "group",
    "coder",
    "organisatie",
    "organisation",
    "organization",
];

/// Longest header field name, in bytes (`getranscribeerd door` is 20).
const MAX_FIELD_BYTES: usize = 24;

/// Most line numbers a warning lists before it counts the rest.
const MAX_LISTED_LINES: usize = 8;

/// What is read before the first turn: attributes, and where the first text was.
#[derive(Default)]
struct Header {
    attributes: BTreeMap<String, String>,
    first: Option<(usize, usize)>,
}

impl Header {
    /// Adds `value` under `key`, after a line break when the key is there already.
    fn add(&mut self, key: &str, value: &str) {
        self.attributes
            .entry(key.to_string())
            .and_modify(|v| {
                v.push('\n');
                v.push_str(value);
            })
            .or_insert_with(|| value.to_string());
    }

    /// A header line of free text: the first is the title, the others the preamble.
    fn add_text(&mut self, line: &str) {
        let key = if self.attributes.contains_key("title") {
            "preamble"
        } else {
            "title"
        };
        self.add(key, line);
    }

    /// A header line `Field: value` with a known field, as (field, value).
    fn field<'l>(line: &'l str, known: &KnownLabels) -> Option<(String, &'l str)> {
        let (key, value) = line.split_once(':')?;
        if key.len() > MAX_FIELD_BYTES {
            return None;
        }
        let key = label_key(key);
        if !HEADER_FIELDS.contains(&key.as_str()) || known.contains(&key) {
            return None;
        }
        Some((key, value.trim()))
    }
}

/// Labels read as text because only the manifest could tell them from a sentence, with the
/// lines they start, in order of first appearance.
#[derive(Default)]
struct UnsureLabels {
    labels: Vec<(String, Vec<usize>)>,
    index: HashMap<String, usize>,
}

impl UnsureLabels {
    /// Notes `label` at `line`.
    fn add(&mut self, label: String, line: usize) {
        match self.index.get(&label) {
            Some(&i) => self.labels[i].1.push(line),
            None => {
                self.index.insert(label.clone(), self.labels.len());
                self.labels.push((label, vec![line]));
            }
        }
    }

    /// One warning per label, at its first line.
    fn warnings(&self) -> Vec<ParseWarning> {
        self.labels
            .iter()
            .map(|(label, lines)| ParseWarning {
                line: lines[0],
                message: format!(
                    "{} could be a speaker label or the start of a sentence ({}); it was read as \
                     text. If it is a speaker, list it under [[speakers]] in icamo.toml",
                    quoted(&format!("{label}:")),
                    line_list(lines)
                ),
            })
            .collect()
    }
}

/// `line 4`, `lines 4, 9 and 12`, `lines 1, 2, …, 8 and 5 more`.
fn line_list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines
        .iter()
        .take(MAX_LISTED_LINES)
        .map(ToString::to_string)
        .collect();
    match lines.len() {
        1 => format!("line {}", shown[0]),
        n if n <= MAX_LISTED_LINES => {
            format!("lines {} and {}", shown[..n - 1].join(", "), shown[n - 1])
        }
        n => format!(
            "lines {} and {} more",
            shown.join(", "),
            n - MAX_LISTED_LINES
        ),
    }
}

/// The plain-text reader's state, one line at a time.
struct Reader {
    known: KnownLabels,
    turns: Vec<Turn>,
    current: Option<TurnBuilder>,
    header: Header,
    unsure: UnsureLabels,
    /// Whether the line before was blank (or there was none): where an Otter label may stand.
    after_blank: bool,
    /// The time on a line of its own just before (`00:00:17`), for the turn that follows.
    pending_ms: Option<u64>,
}

/// One non-blank line: its number, where it starts in the input, its text without leading
/// whitespace, and the column of that text.
struct Line<'a> {
    no: usize,
    start: usize,
    content_end: usize,
    trimmed: &'a str,
    column: usize,
}

impl Reader {
    /// Starts a turn at `line` for `speaker`, with the text after the label.
    fn start_turn(&mut self, line: &Line<'_>, speaker: String, ms: Option<u64>, text: &str) {
        if let Some(t) = self.current.take() {
            self.turns.push(t.finish());
        }
        let ms = ms.or(self.pending_ms.take());
        let mut t = TurnBuilder::new(Some(speaker), line.no, ms, line.start);
        Self::push(&mut t, text);
        t.extend_to(line.content_end);
        self.current = Some(t);
    }

    /// Adds text to a turn, without f4/f5 time marks; the last mark is the turn's end time.
    fn push(t: &mut TurnBuilder, text: &str) {
        let (text, mark) = strip_time_marks(text);
        t.push_text(&text);
        if mark.is_some() {
            t.set_end_ms(mark);
        }
    }

    /// Reads one non-blank line.
    fn line(&mut self, line: &Line<'_>) {
        // A time alone on a line marks where the next turn starts; it is no spoken text.
        if let Some(ms) = lone_time(line.trimmed) {
            self.pending_ms = Some(ms);
            return;
        }
        let pending = self.pending_ms.take();
        let in_header = self.current.is_none();
        if in_header && let Some((key, value)) = Header::field(line.trimmed, &self.known) {
            self.header.first.get_or_insert((line.no, line.column));
            self.header.add(&key, value);
            return;
        }
        match classify_turn_line(line.trimmed, &self.known) {
            LineStart::Turn(head) => {
                self.pending_ms = pending;
                let text = &line.trimmed[head.text_start..];
                self.start_turn(line, head.speaker, head.start_ms, text);
                return;
            }
            LineStart::Unsure(head) => self.unsure.add(head.speaker, line.no),
            LineStart::Text => {
                // Otter.ai: the label and a time alone on a line, the text below it.
                if (self.after_blank || in_header)
                    && let Some(c) = read_label(line.trimmed)
                    && (self.known.lists(&c) || (c.kind == LabelKind::Clear && c.time.is_some()))
                {
                    self.pending_ms = pending;
                    self.start_turn(line, c.label, c.time, "");
                    return;
                }
            }
        }
        match self.current.as_mut() {
            Some(t) => {
                Self::push(t, line.trimmed);
                t.extend_to(line.content_end);
            }
            None => {
                self.header.first.get_or_insert((line.no, line.column));
                self.header.add_text(line.trimmed.trim_end());
            }
        }
    }

    /// The transcript, or the error for a file without a single turn.
    fn finish(mut self, input: &str) -> Result<ParsedTranscript, ParseError> {
        if let Some(t) = self.current.take() {
            self.turns.push(t.finish());
        }
        if self.turns.is_empty()
            && let Some((line, column)) = self.header.first
        {
            let mut message = BEFORE_FIRST_LABEL.to_string();
            if let Some((label, _)) = self.unsure.labels.first() {
                message.push_str(&format!(
                    "; if {} is a speaker label, list it under [[speakers]] in icamo.toml",
                    quoted(&format!("{label}:"))
                ));
            }
            return Err(ParseError {
                line,
                column,
                message,
            });
        }
        Ok(ParsedTranscript {
            attributes: self.header.attributes,
            turns: self.turns,
            source: input.to_string(),
            warnings: self.unsure.warnings(),
        })
    }
}

/// The time on a line that holds nothing else: `00:00:17`, `[00:00:44]` or `#00:01:23-4#`.
fn lone_time(line: &str) -> Option<u64> {
    let line = line.trim_end();
    let inner = line
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .unwrap_or(line);
    if let Some(ms) = parse_timestamp(inner.trim()) {
        return Some(ms);
    }
    match strip_time_marks(line) {
        (rest, Some(ms)) if rest.trim().is_empty() => Some(ms),
        _ => None,
    }
}

/// Parses a plain-text transcript; `options.speakers` decides where a label is unsure.
pub(crate) fn parse(input: &str, options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    let mut reader = Reader {
        known: KnownLabels::new(&options.speakers),
        turns: Vec::new(),
        current: None,
        header: Header::default(),
        unsure: UnsureLabels::default(),
        after_blank: true,
        pending_ms: None,
    };
    let mut offset = 0;
    for (i, raw) in input.split('\n').enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        // A BOM left in the text (when the caller did not decode) is not content.
        let skip = if i == 0 && line.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let body = &line[skip..];
        let trimmed = body.trim_start();
        if trimmed.trim_end().is_empty() {
            if let Some(t) = reader.current.as_mut() {
                t.end_paragraph();
            }
            reader.after_blank = true;
            continue;
        }
        let lead = skip + body.len() - trimmed.len();
        reader.line(&Line {
            no: i + 1,
            start: line_start + lead,
            content_end: line_start + line.trim_end().len(),
            trimmed,
            column: column(body, lead - skip),
        });
        reader.after_blank = false;
    }
    reader.finish(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_of_colons_and_hashes_stay_linear() {
        // Rescanning a line per colon or per `#` would take minutes on this; one pass is quick.
        let n = 300_000;
        let src = format!(
            "Titel: {}\nInterviewer: {}\n{}\n{}\nkijk: {}\n",
            "a: ".repeat(n),
            "b: ".repeat(n),
            "#".repeat(n),
            "ja #00:00:01-1# ".repeat(n / 10),
            "c:".repeat(n)
        );
        let p = parse(&src, &ReadOptions::default()).unwrap();
        assert_eq!(p.turns.len(), 1);
        assert_eq!(p.turns[0].end_ms, Some(1_100));
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn quoting_cuts_long_lines() {
        assert_eq!(quoted("kort"), "\"kort\"");
        let long = "é".repeat(100);
        assert_eq!(quoted(&long), format!("\"{}…\"", "é".repeat(60)));
    }

    #[test]
    fn line_index() {
        let s = "ab\ncd\n\nëf";
        let idx = LineIndex::new(s);
        assert_eq!(idx.position(s, 0), (1, 1));
        assert_eq!(idx.position(s, 4), (2, 2));
        assert_eq!(idx.position(s, 6), (3, 1));
        assert_eq!(idx.position(s, 9), (4, 2));
    }
}

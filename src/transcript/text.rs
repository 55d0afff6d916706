//! Plain-text transcripts (`Naam: tekst`), plus the speaker-label grammar the other parsers share.
//!
//! A turn starts at a line `Label: text`, `[hh:mm:ss] Label: text`, `[mm:ss] Label: text` or
//! `Label (hh:mm:ss): text`. A label is one to five words, each starting with a capital letter or
//! a digit; name particles (`van`, `de`, `der`, `el`, `ter`, …) may be lowercase, but at least one
//! word must be capitalised or a number. This is what keeps a continuation line such as
//! `Dus ik zei: dat gaat niet.` from starting a turn. Every other non-blank line continues the
//! current turn; a blank line starts a new paragraph of the same turn.

use std::collections::BTreeMap;

use super::{ParseError, ParsedTranscript, ReadOptions, Turn};

/// Lowercase name particles allowed inside a speaker label (`Anouk de Graaf`, `Nadia el Amrani`).
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "'t", "’t", "te", "ter", "ten", "el", "al", "la", "le", "du",
    "da", "di", "del", "dos", "das", "von", "bin", "ben", "ibn", "bint",
];

/// Most words a speaker label may have.
const MAX_LABEL_WORDS: usize = 5;

/// The start of a turn line: who speaks, when, and where the spoken text begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabelHead {
    /// The label as written (inner whitespace runs collapsed to one space).
    pub speaker: String,
    /// The timestamp given with the label, in milliseconds.
    pub start_ms: Option<u64>,
    /// Byte offset in the line where the spoken text starts (after the colon and spaces).
    pub text_start: usize,
}

/// Parses `hh:mm:ss`, `h:mm:ss`, `mm:ss` with an optional `.mmm` or `,mmm` fraction into
/// milliseconds. Minutes and seconds must be below 60 (minutes may exceed 59 when there are no
/// hours, as in `75:02.000`).
pub(crate) fn parse_timestamp(s: &str) -> Option<u64> {
    let (clock, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let num = |p: &str, max_len: usize| -> Option<u64> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (h, m, sec) = match parts.as_slice() {
        [m, s] => (0, num(m, 3)?, num(s, 2)?),
        [h, m, s] => {
            let m = num(m, 2)?;
            if m >= 60 {
                return None;
            }
            (num(h, 3)?, m, num(s, 2)?)
        }
        _ => return None,
    };
    if sec >= 60 || parts.last()?.len() != 2 {
        return None;
    }
    let ms = match frac {
        None => 0,
        Some(f) => {
            if f.is_empty() || f.len() > 3 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // "5" is 500 ms, "05" is 50 ms, "005" is 5 ms.
            let v: u64 = f.parse().ok()?;
            v * 10u64.pow(3 - f.len() as u32)
        }
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// Whether `word` may stand in a speaker label: capitalised, a number, or a name particle.
/// Returns `Some(true)` for a capitalised/number word, `Some(false)` for a particle.
fn label_word(word: &str) -> Option<bool> {
    let first = word.chars().next()?;
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.' | '_' | '&');
    if !word.chars().all(allowed) {
        return None;
    }
    if first.is_uppercase() || first.is_ascii_digit() {
        Some(true)
    } else if PARTICLES.contains(&word) {
        Some(false)
    } else {
        None
    }
}

/// Checks a label's words and returns it with whitespace runs collapsed.
fn valid_label(label: &str) -> Option<String> {
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_LABEL_WORDS {
        return None;
    }
    let mut strong = false;
    for w in &words {
        strong |= label_word(w)?;
    }
    strong.then(|| words.join(" "))
}

/// Strips a leading timestamp, `[00:12:03]` or bare `00:12:03` followed by whitespace.
fn strip_leading_time(s: &str) -> (Option<u64>, &str) {
    if let Some(rest) = s.strip_prefix('[')
        && let Some(close) = rest.find(']')
        && let Some(ms) = parse_timestamp(rest[..close].trim())
    {
        return (Some(ms), rest[close + 1..].trim_start());
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    if end < s.len()
        && s[..end].contains(':')
        && let Some(ms) = parse_timestamp(&s[..end])
    {
        return (Some(ms), s[end..].trim_start());
    }
    (None, s)
}

/// Strips a trailing timestamp, `(00:12:03)`, `[00:12:03]` or bare ` 00:12:03`.
fn strip_trailing_time(s: &str) -> (&str, Option<u64>) {
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(inner) = s.strip_suffix(close)
            && let Some(i) = inner.rfind(open)
            && let Some(ms) = parse_timestamp(inner[i + 1..].trim())
        {
            return (inner[..i].trim_end(), Some(ms));
        }
    }
    // The last whitespace may be wider than one byte (U+2000 and the like).
    if let Some((i, space)) = s.char_indices().rfind(|&(_, c)| c.is_whitespace()) {
        let last = &s[i + space.len_utf8()..];
        if last.contains(':')
            && let Some(ms) = parse_timestamp(last)
        {
            return (s[..i].trim_end(), Some(ms));
        }
    }
    (s, None)
}

/// Parses a string that holds nothing but a speaker label, optionally with a timestamp before it
/// (`[00:12:03] Naam`) or after it (`Naam (00:12:03)`, `Naam [00:12:03]`, `Naam   00:12:03`).
/// Returns the label and the time.
pub(crate) fn parse_label_only(s: &str) -> Option<(String, Option<u64>)> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let (before, s) = strip_leading_time(s);
    let (label, after) = strip_trailing_time(s);
    let label = valid_label(label)?;
    Some((label, before.or(after)))
}

/// Recognises a turn line: `Label: text`, `[00:12:03] Label: text`, `Label (00:12:03): text`.
/// The label must end at the first colon that is followed by whitespace or the end of the line
/// (colons inside timestamps are skipped).
pub(crate) fn parse_turn_line(line: &str) -> Option<LabelHead> {
    let bytes = line.as_bytes();
    let colon = (0..bytes.len()).find(|&i| {
        bytes[i] == b':'
            && line[i + 1..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace())
    })?;
    let (speaker, start_ms) = parse_label_only(&line[..colon])?;
    let rest = &line[colon + 1..];
    let text_start = colon + 1 + (rest.len() - rest.trim_start().len());
    Some(LabelHead {
        speaker,
        start_ms,
        text_start,
    })
}

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

/// Parses a plain-text transcript.
pub(crate) fn parse(input: &str, _options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    let mut turns = Vec::new();
    let mut current: Option<TurnBuilder> = None;
    let mut offset = 0;
    for (i, raw) in input.split('\n').enumerate() {
        let line_no = i + 1;
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
            if let Some(t) = current.as_mut() {
                t.end_paragraph();
            }
            continue;
        }
        let lead = skip + body.len() - trimmed.len();
        let content_end = line_start + line.trim_end().len();
        if let Some(head) = parse_turn_line(trimmed) {
            if let Some(t) = current.take() {
                turns.push(t.finish());
            }
            let mut t = TurnBuilder::new(
                Some(head.speaker),
                line_no,
                head.start_ms,
                line_start + lead,
            );
            t.push_text(&trimmed[head.text_start..]);
            t.extend_to(content_end);
            current = Some(t);
        } else if let Some(t) = current.as_mut() {
            t.push_text(trimmed);
            t.extend_to(content_end);
        } else {
            return Err(ParseError {
                line: line_no,
                column: column(body, lead - skip),
                message: BEFORE_FIRST_LABEL.to_string(),
            });
        }
    }
    if let Some(t) = current {
        turns.push(t.finish());
    }
    Ok(ParsedTranscript {
        attributes: BTreeMap::new(),
        turns,
        source: input.to_string(),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("00:12:03"), Some(723_000));
        assert_eq!(parse_timestamp("12:03"), Some(723_000));
        assert_eq!(parse_timestamp("1:02:03.5"), Some(3_723_500));
        assert_eq!(parse_timestamp("00:00:01,250"), Some(1_250));
        assert_eq!(parse_timestamp("00:00:01.005"), Some(1_005));
        assert_eq!(parse_timestamp("00:61:00"), None);
        assert_eq!(parse_timestamp("00:00:60"), None);
        assert_eq!(parse_timestamp("0X:00"), None);
        assert_eq!(parse_timestamp("12"), None);
        assert_eq!(parse_timestamp("1:2"), None);
        assert_eq!(parse_timestamp("00:00:01.1234"), None);
    }

    #[test]
    fn labels() {
        let l = |s| parse_label_only(s).map(|(l, _)| l);
        assert_eq!(l("Nadia El Amrani").as_deref(), Some("Nadia El Amrani"));
        assert_eq!(l("Anouk de Graaf").as_deref(), Some("Anouk de Graaf"));
        assert_eq!(l("Deelnemer 3").as_deref(), Some("Deelnemer 3"));
        assert_eq!(l("R1").as_deref(), Some("R1"));
        assert_eq!(l("Dus ik zei"), None);
        assert_eq!(l("de"), None);
        assert_eq!(l("Een Twee Drie Vier Vijf Zes"), None);
        assert_eq!(l(""), None);
        assert_eq!(
            parse_label_only("Petra van Dijk   00:04:12"),
            Some(("Petra van Dijk".into(), Some(252_000)))
        );
        assert_eq!(
            parse_label_only("Bram Kuiper 00:04:20"),
            Some(("Bram Kuiper".into(), Some(260_000)))
        );
        assert_eq!(
            parse_label_only("[01:02] Yonas"),
            Some(("Yonas".into(), Some(62_000)))
        );
        assert_eq!(
            parse_label_only("Yonas [00:01:02]"),
            Some(("Yonas".into(), Some(62_000)))
        );
    }

    #[test]
    fn turn_lines() {
        let h = parse_turn_line("[00:12:03] Naam: tekst hier").unwrap();
        assert_eq!(
            (h.speaker.as_str(), h.start_ms, h.text_start),
            ("Naam", Some(723_000), 17)
        );
        let h = parse_turn_line("Naam (00:12:03): tekst").unwrap();
        assert_eq!((h.speaker.as_str(), h.start_ms), ("Naam", Some(723_000)));
        let h = parse_turn_line("Interviewer:").unwrap();
        assert_eq!(h.text_start, 12);
        assert!(parse_turn_line("Dus ik zei: dat gaat niet.").is_none());
        assert!(parse_turn_line("Om 10:30 begon het.").is_none());
        assert!(parse_turn_line("Geen dubbele punt hier").is_none());
        assert!(parse_turn_line("[lacht] Ja: precies").is_none());
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

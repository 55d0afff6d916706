//! SubRip (SRT) transcripts: numbered cues, speakers as a `Naam:` prefix where the speaker changes.
//!
//! A cue is a number line, a timing line `00:00:01,200 --> 00:00:05,800` (a `.` before the
//! milliseconds is accepted too) and one or more text lines. Stray blank lines between cues and
//! a missing blank line at the end are fine; a cue without a number line (timing line first) is
//! accepted as well. Formatting tags (`<i>`, `<b>`, `<font …>`, `{\an8}`) are removed.
//!
//! Speakers: a text line starting with `Naam:` (the label grammar of the plain-text format)
//! starts a turn of that speaker — also in the middle of a cue. Cues without a prefix continue
//! the current speaker; a repeated prefix of the same speaker continues the turn too, so that,
//! as in WebVTT, consecutive cues of one speaker always make one turn.
//!
//! Cues with no speaker (a file without any prefixes, or cues before the first prefix) give
//! turns with speaker `None`. Rather than one turn per cue (fragments of a sentence) or one turn
//! for the whole file, such cues are merged until a cue ends a sentence: its text, ignoring
//! closing quotes and brackets, ends in `.`, `?`, `!` or `…`.

use std::collections::BTreeMap;

use super::text::{TurnBuilder, parse_turn_line, quoted};
use super::vtt::{
    Line, blocks, cue_time_problem, ends_sentence, first_column, lines, parse_timing,
};
use super::{ParseError, ParsedTranscript, ReadOptions};

/// Removes SRT formatting: HTML-like tags (`<i>`, `</i>`, `<font color="red">`) and ASS override
/// blocks (`{\an8}`).
pub(crate) fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let next = rest.find(['<', '{']);
        let Some(i) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (is_tag, close) = if rest[i..].starts_with('<') {
            let tag_like = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
            (tag_like, '>')
        } else {
            (after.starts_with('\\'), '}')
        };
        match after.find(close) {
            Some(j) if is_tag => rest = &after[j + 1..],
            _ => {
                out.push_str(&rest[i..i + 1]);
                rest = after;
            }
        }
    }
    out
}

/// The error for a broken timing line.
fn timing_error(line: Option<&Line<'_>>, after: &Line<'_>) -> ParseError {
    let (no, col, found) = match line {
        Some(l) => (l.no, first_column(l), quoted(l.text.trim())),
        None => (after.no + 1, 1, "nothing".to_string()),
    };
    ParseError {
        line: no,
        column: col,
        message: format!(
            "expected a timing line like \"00:01:02,000 --> 00:01:05,000\", found {found}"
        ),
    }
}

/// One cue, ready to be turned into turns.
struct Cue<'a> {
    first: Line<'a>,
    start_ms: u64,
    end_ms: u64,
    text: Vec<Line<'a>>,
}

/// Parses an SRT transcript.
pub(crate) fn parse(input: &str, _options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    let all = lines(input);
    let mut cues = Vec::new();
    // The timing line and start of the cue before, to check the order of the cues.
    let mut previous: Option<(usize, u64)> = None;
    for mut block in blocks(&all) {
        if block[0].no == 1 {
            block[0].text = block[0].text.trim_start_matches('\u{feff}');
        }
        let first = block[0];
        let head = first.text.trim();
        let timing_at = if head.contains("-->") {
            0
        } else if !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()) {
            1
        } else {
            return Err(ParseError {
                line: first.no,
                column: first_column(&first),
                message: format!(
                    "expected a cue number like \"12\", found {} (is there a blank line \
                     inside the text of the cue before it?)",
                    quoted(head)
                ),
            });
        };
        let timing = block.get(timing_at);
        let (start_ms, end_ms) = timing
            .and_then(|l| parse_timing(l.text))
            .ok_or_else(|| timing_error(timing, &first))?;
        if let Some(timing) = timing {
            if let Some(message) = cue_time_problem((start_ms, end_ms), previous, ',') {
                return Err(ParseError {
                    line: timing.no,
                    column: first_column(timing),
                    message,
                });
            }
            previous = Some((timing.no, start_ms));
        }
        // A timing line among the text: the blank line (and perhaps the number) before it is
        // missing, and two cues ran together.
        if let Some(l) = block[timing_at + 1..]
            .iter()
            .find(|l| parse_timing(l.text).is_some())
        {
            return Err(ParseError {
                line: l.no,
                column: first_column(l),
                message: format!(
                    "a timing line inside the text of the cue that starts on line {}: is the blank line between the two cues missing?",
                    first.no
                ),
            });
        }
        cues.push(Cue {
            first,
            start_ms,
            end_ms,
            text: block[timing_at + 1..].to_vec(),
        });
    }

    let mut turns = Vec::new();
    let mut current: Option<TurnBuilder> = None;
    for cue in &cues {
        for (i, line) in cue.text.iter().enumerate() {
            let plain = strip_tags(line.text.trim());
            let end = line.start + line.text.trim_end().len();
            let (turn_start, line_no) = if i == 0 {
                (cue.first.start, cue.first.no)
            } else {
                (
                    line.start + line.text.len() - line.text.trim_start().len(),
                    line.no,
                )
            };
            let text = match parse_turn_line(&plain) {
                Some(head) => {
                    let same = current
                        .as_ref()
                        .is_some_and(|t| t.speaker() == Some(head.speaker.as_str()));
                    if !same {
                        if let Some(t) = current.take() {
                            turns.push(t.finish());
                        }
                        current = Some(TurnBuilder::new(
                            Some(head.speaker),
                            line_no,
                            Some(cue.start_ms),
                            turn_start,
                        ));
                    }
                    plain[head.text_start..].to_string()
                }
                None => plain,
            };
            let t = current.get_or_insert_with(|| {
                TurnBuilder::new(None, line_no, Some(cue.start_ms), turn_start)
            });
            t.push_text(&text);
            t.extend_to(end);
            t.set_end_ms(Some(cue.end_ms));
        }
        // Speakerless cues are merged until one ends a sentence.
        let ends = cue
            .text
            .last()
            .is_some_and(|l| ends_sentence(&strip_tags(l.text)));
        if ends
            && current.as_ref().is_some_and(|t| t.speaker().is_none())
            && let Some(t) = current.take()
        {
            turns.push(t.finish());
        }
    }
    if let Some(t) = current {
        turns.push(t.finish());
    }
    turns.retain(|t| !t.text.is_empty() || t.speaker.is_some());
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

    /// The parser as ingest calls it for a file the manifest says nothing special about.
    fn parse(input: &str) -> Result<ParsedTranscript, ParseError> {
        super::parse(input, &ReadOptions::default())
    }

    #[test]
    fn tags() {
        assert_eq!(
            strip_tags("<i>Ja</i>, {\\an8}echt <font color=\"red\">waar</font>"),
            "Ja, echt waar"
        );
        assert_eq!(strip_tags("1 < 2 en {x}"), "1 < 2 en {x}");
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("Klaar."));
        assert!(ends_sentence("Echt?\u{201d}"));
        assert!(ends_sentence("Nou…"));
        assert!(ends_sentence("(lacht)!)"));
        assert!(!ends_sentence("en toen"));
        assert!(!ends_sentence("namelijk:"));
    }

    #[test]
    fn cue_times_and_missing_blank_lines() {
        let e = parse("1\n00:00:09,000 --> 00:00:04,500\nJa.\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("ends at 00:00:04,500"), "{}", e.message);
        let e = parse(
            "1\n00:00:01,000 --> 00:00:04,000\nJa.\n2\n00:00:04,500 --> 00:00:09,000\nNee.\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("starts on line 1"), "{}", e.message);
        let e = parse(
            "1\n00:00:05,000 --> 00:00:06,000\nJa.\n\n2\n00:00:01,000 --> 00:00:02,000\nNee.\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.message.contains("time order"), "{}", e.message);
    }

    #[test]
    fn mid_cue_speaker_change() {
        let p = parse("1\n00:00:01,000 --> 00:00:03,000\nInterviewer: Klopt dat?\nYonas: Ja.\n")
            .unwrap();
        assert_eq!(p.turns.len(), 2);
        assert_eq!(p.turns[1].speaker.as_deref(), Some("Yonas"));
        assert_eq!(p.turns[1].line, 4);
        assert_eq!(&p.source[p.turns[1].bytes.clone()], "Yonas: Ja.");
        assert_eq!(
            &p.source[p.turns[0].bytes.clone()],
            "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: Klopt dat?"
        );
    }
}

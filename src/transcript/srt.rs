//! SubRip (SRT) transcripts: numbered cues, speakers as a `Naam:` prefix where the speaker changes.
//!
//! A cue is a number line, a timing line `00:00:01,200 --> 00:00:05,800` and one or more text
//! lines. Formatting tags (`<i>`, `<b>`, `<font …>`, `{\an8}`) are removed. What the common SRT
//! libraries (`pysrt`, Python's `srt`) read is read: a byte order mark, a `.` or `:` before the
//! milliseconds, no milliseconds, unpadded times, spaces around lines and the arrow, no cue
//! number, stray blank lines between cues, and no blank line at the end; what they read past
//! is read past with a [`ParseWarning`] naming its line (refused under `--strict`):
//! - a cue with no empty line before it starts a cue of its own, the cue number before its
//!   timing line with it (`srt`), with a warning;
//! - text after an empty line inside a cue is read as part of that cue (`srt`), with a warning;
//! - a line that is no number before a timing line is left out (`pysrt` takes it as the
//!   number), with a warning;
//! - a cue whose arrow is broken (`->`, `-- >`) or whose times do not parse, and a cue number
//!   with no timing line after it, are skipped;
//! - a cue that ends before it starts is skipped (`srt` skips it);
//! - a cue that starts before the cue before it is read where it stands, with a warning.
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

use super::text::{TurnBuilder, parse_timestamp, parse_turn_line, quoted};
use super::vtt::{Line, blocks, cue_time_problem, ends_sentence, lines, loose_cue_time};
use super::{ParseError, ParseWarning, ParsedTranscript, ReadOptions};

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

/// What is wrong with a broken timing line.
fn timing_message(line: &Line<'_>) -> String {
    format!(
        "expected a timing line like \"00:01:02,000 --> 00:01:05,000\", found {}",
        quoted(line.text.trim())
    )
}

/// A time as SRT files write it: `hh:mm:ss,mmm`, with `.` or `:` before the milliseconds as
/// well (the `srt` library's delimiters), the milliseconds left out (read by `pysrt`), or
/// without zero padding.
fn srt_time(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(ms) = parse_timestamp(s) {
        return Some(ms);
    }
    match s.rsplit_once(':') {
        Some((clock, frac)) if clock.matches(':').count() == 2 => {
            parse_timestamp(&format!("{clock}.{frac}"))
        }
        _ => loose_cue_time(s),
    }
}

/// A timing line, `start --> end [position]`, spaces around the arrow free.
fn srt_timing(line: &str) -> Option<(u64, u64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((srt_time(start)?, srt_time(end)?))
}

/// Whether a line is a cue number.
fn is_cue_number(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a line is a timing line whose arrow is broken (`->`, `- >`, `-- >`, `–>`).
fn broken_arrow(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(|c: char| c.is_ascii_digit())
        && ["->", "- >", "–>", "—>"].iter().any(|a| t.contains(a))
}

/// Splits a block at each cue that follows the cue before it without an empty line: at a
/// timing line after the block's second line, with the cue number before it (the `srt`
/// library looks ahead for a number and a timing line the same way). Each part says whether
/// it starts without an empty line before it.
fn split_cues<'b, 'a>(block: &'b [Line<'a>]) -> Vec<(&'b [Line<'a>], bool)> {
    let mut parts = Vec::new();
    let mut from = 0;
    for i in 2..block.len() {
        if block[i].text.contains("-->") && i > from + 1 {
            let at = if i - 1 > from && is_cue_number(block[i - 1].text) {
                i - 1
            } else {
                i
            };
            if at > from {
                parts.push((&block[from..at], from > 0));
                from = at;
            }
        }
    }
    parts.push((&block[from..], from > 0));
    parts
}

/// The cues of an SRT file, reading past what the common SRT libraries read past (each with
/// a warning naming its line): see the module documentation.
fn read_cues<'a>(all: &[Line<'a>], warnings: &mut Vec<ParseWarning>) -> Vec<Cue<'a>> {
    let mut cues: Vec<Cue<'a>> = Vec::new();
    // The timing line and start of the cue before, to check the order of the cues.
    let mut previous: Option<(usize, u64)> = None;
    let mut warn = |line: &Line<'_>, message: String| {
        warnings.push(ParseWarning {
            line: line.no,
            message,
        })
    };
    for mut block in blocks(all) {
        if block[0].no == 1 {
            block[0].text = block[0].text.trim_start_matches('\u{feff}');
        }
        for (part, unseparated) in split_cues(&block) {
            let first = part[0];
            let timing_at = if first.text.contains("-->") {
                0
            } else if part.get(1).is_some_and(|l| l.text.contains("-->")) {
                if !is_cue_number(first.text) {
                    warn(
                        &first,
                        format!(
                            "expected a cue number like \"12\", found {}: left out, the cue after it is read",
                            quoted(first.text.trim())
                        ),
                    );
                }
                1
            } else if let Some(l) = part[..part.len().min(2)]
                .iter()
                .find(|l| broken_arrow(l.text))
            {
                warn(l, format!("{}: the cue is skipped", timing_message(l)));
                continue;
            } else if is_cue_number(first.text) {
                // A number with no timing line after it (a file cut short, a line lost):
                // neither library reads such a cue.
                let found = part
                    .get(1)
                    .map_or("nothing".to_string(), |l| quoted(l.text.trim()));
                warn(
                    &first,
                    format!(
                        "expected a timing line like \"00:01:02,000 --> 00:01:05,000\" after the cue number {}, found {found}: the cue is skipped",
                        quoted(first.text.trim())
                    ),
                );
                continue;
            } else if let Some(cue) = cues.last_mut() {
                // An empty line inside a cue's text: the `srt` library reads on to the next
                // number and timing line, and so does icamo.
                warn(
                    &first,
                    format!(
                        "an empty line inside the text of the cue that starts on line {}: the text after it is read as part of that cue",
                        cue.first.no
                    ),
                );
                cue.text.extend_from_slice(part);
                continue;
            } else {
                warn(
                    &first,
                    format!(
                        "text before the first cue, {}: skipped",
                        quoted(first.text.trim())
                    ),
                );
                continue;
            };
            let timing = &part[timing_at];
            let Some((start_ms, end_ms)) = srt_timing(timing.text) else {
                warn(
                    timing,
                    format!("{}: the cue is skipped", timing_message(timing)),
                );
                continue;
            };
            if end_ms < start_ms {
                let problem = cue_time_problem((start_ms, end_ms), None, ',').unwrap_or_default();
                warn(timing, format!("{problem}: the cue is skipped"));
                continue;
            }
            if let Some(problem) = cue_time_problem((start_ms, end_ms), previous, ',') {
                // The SRT libraries read such cues, in file order.
                warn(
                    timing,
                    format!("{problem}; the cue is read where it stands"),
                );
            }
            if unseparated {
                let before = cues.last().map_or(String::new(), |c| {
                    format!(" (the cue on line {})", c.first.no)
                });
                warn(
                    timing,
                    format!(
                        "no empty line between this cue and the text before it{before}: read as a cue of its own; add the empty line"
                    ),
                );
            }
            previous = Some((timing.no, start_ms));
            cues.push(Cue {
                first,
                start_ms,
                end_ms,
                text: part[timing_at + 1..].to_vec(),
            });
        }
    }
    cues
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
    let mut warnings = Vec::new();
    let cues = read_cues(&all, &mut warnings);

    let mut turns = Vec::new();
    let mut current: Option<TurnBuilder> = None;
    for cue in &cues {
        for (i, line) in cue.text.iter().enumerate() {
            let plain = strip_tags(line.text.trim());
            let end = line.start + line.text.trim_end().len();
            let (turn_start, line_no) = if i == 0 {
                let first = &cue.first;
                (
                    first.start + first.text.len() - first.text.trim_start().len(),
                    first.no,
                )
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
        warnings,
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

    /// (text, line) of every turn, (line, message) of every warning.
    type Read = (Vec<(String, usize)>, Vec<(usize, String)>);

    fn read(src: &str) -> Read {
        let p = parse(src).unwrap();
        (
            p.turns.into_iter().map(|t| (t.text, t.line)).collect(),
            p.warnings
                .into_iter()
                .map(|w| (w.line, w.message))
                .collect(),
        )
    }

    #[test]
    fn cue_times_and_missing_blank_lines() {
        let (turns, warnings) = read("1\n00:00:09,000 --> 00:00:04,500\nJa.\n");
        assert!(turns.is_empty());
        assert_eq!(warnings[0].0, 2);
        assert!(
            warnings[0].1.contains("ends at 00:00:04,500"),
            "{warnings:?}"
        );
        let (turns, warnings) =
            read("1\n00:00:01,000 --> 00:00:04,000\nJa.\n2\n00:00:04,500 --> 00:00:09,000\nNee.\n");
        assert_eq!(turns, vec![("Ja.".into(), 1), ("Nee.".into(), 4)]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 5);
        assert!(
            warnings[0].1.contains("(the cue on line 1)"),
            "{warnings:?}"
        );
        let (turns, warnings) = read(
            "1\n00:00:05,000 --> 00:00:06,000\nJa.\n\n2\n00:00:01,000 --> 00:00:02,000\nNee.\n",
        );
        assert_eq!(turns, vec![("Ja.".into(), 1), ("Nee.".into(), 5)]);
        assert_eq!(warnings[0].0, 6);
        assert!(warnings[0].1.contains("time order"), "{warnings:?}");
    }

    #[test]
    fn times_as_srt_files_write_them() {
        assert_eq!(srt_time("01:02:03,456"), Some(3_723_456));
        assert_eq!(srt_time("01:02:03.456"), Some(3_723_456));
        assert_eq!(srt_time("01:02:03:456"), Some(3_723_456));
        assert_eq!(srt_time("01:02:03"), Some(3_723_000));
        assert_eq!(srt_time("0:0:3.5"), Some(3_500));
        assert_eq!(srt_time("01:02:3x"), None);
        assert_eq!(
            srt_timing("  00:00:01,000-->00:00:02,000  X1:10 X2:20"),
            Some((1_000, 2_000))
        );
    }

    #[test]
    fn cues_run_together_stay_linear() {
        let n = 20_000;
        let src = "1\n00:00:01,000 --> 00:00:02,000\nJa.\n".repeat(n);
        let (turns, warnings) = read(&src);
        assert_eq!(turns.len(), n);
        assert_eq!(warnings.len(), n - 1);
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

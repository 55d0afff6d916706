//! WebVTT transcripts as Teams, Zoom and YouTube write them: speakers from `<v Naam>` voice tags,
//! or from a Zoom-style `Naam:` prefix at the start of a cue without voice tags.
//!
//! The file must start with a `WEBVTT` line (header lines after it, such as YouTube's
//! `Kind: captions` and `Language: nl`, are skipped). Blocks are separated by empty lines; a line
//! holding only spaces is cue text, as in the WebVTT parsing algorithm (YouTube writes them),
//! unless a timing line follows it. `NOTE`, `STYLE` and `REGION` blocks are skipped. A cue is an
//! optional id line, a timing line `00:01:02.340 --> 00:01:06.910` (or `01:02.340 --> …`, or
//! the unpadded `0:0:0.570` of older Teams exports; cue settings after the end time are
//! ignored) and one or more payload lines. The speaker comes from the voice tag `<v Naam>`
//! (also `<v.loud Naam>`, closing `</v>` optional, whitespace runs in the name collapsed; text
//! after a `</v>` belongs to no voice when another voice tag follows in the cue); other tags
//! (`<c>`, `<i>`, `<b>`, `<u>`, `<lang>`, `<ruby>`, timestamps `<00:00:01.000>`) are removed
//! and the entities `&amp;` `&lt;` `&gt;` `&nbsp;` `&quot;` `&apos;` `&lrm;` `&rlm;`, numeric
//! ones and the HTML names of Latin-1 letters and common typography (`&euml;`, `&hellip;`)
//! are decoded.
//!
//! In a file without any voice tag (Zoom, YouTube), a cue whose text starts with a speaker label
//! `Naam:` (the label grammar of the plain-text format, and no sentence: `Nee. Kijk: …` is
//! text) is spoken by that speaker, and a cue that repeats the last line of the cue before as
//! its first line (captions that roll up, as YouTube's auto-captions do) has that line read once.
//!
//! Teams splits one utterance over many cues, so consecutive cues of the same speaker (also of no
//! speaker, for cues without a voice tag) are merged into one turn, joined by a space. The turn
//! starts at its first cue's first line (the id line, when there is one), and runs from the
//! first cue's start time to the last cue's end time.

use std::collections::BTreeMap;

use super::text::{LabelHead, TurnBuilder, column, parse_timestamp, parse_turn_line, quoted};
use super::{ParseError, ParsedTranscript, ReadOptions, Turn};

/// One line of the input with its position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub(crate) no: usize,
    /// Byte offset of the line start.
    pub(crate) start: usize,
    /// The line without its `\n` (and without a stray `\r`).
    pub(crate) text: &'a str,
}

/// Splits input into lines with numbers and offsets.
pub(crate) fn lines(input: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, raw) in input.split('\n').enumerate() {
        out.push(Line {
            no: i + 1,
            start,
            text: raw.strip_suffix('\r').unwrap_or(raw),
        });
        start += raw.len() + 1;
    }
    out
}

/// Splits lines into blocks separated by blank lines.
pub(crate) fn blocks<'a>(lines: &[Line<'a>]) -> Vec<Vec<Line<'a>>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for l in lines {
        if l.text.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(*l);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Parses a cue timing line, `start --> end [settings]`, into milliseconds. WebVTT wants `.`
/// before the milliseconds; `,` (SRT style) is accepted too.
pub(crate) fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (start, rest) = line.trim().split_once("-->")?;
    let start = parse_cue_time(start.trim())?;
    let rest = rest.trim_start();
    let end_text = rest.split_whitespace().next()?;
    let end = parse_cue_time(end_text)?;
    Some((start, end))
}

/// A cue time: `hh:mm:ss.mmm` or `mm:ss.mmm` (with `.` or `,`), milliseconds required.
fn parse_cue_time(s: &str) -> Option<u64> {
    let sep = s.rfind(['.', ','])?;
    if s.len() - sep - 1 != 3 {
        return None;
    }
    parse_timestamp(s)
}

/// Parses a WebVTT timing line like [`parse_timing`], and also the unpadded form older Teams
/// exports write (`0:0:0.0 --> 0:0:0.570`): one or more digits for hours, minutes and seconds,
/// one to three for the fraction (which is still required).
fn parse_vtt_timing(line: &str) -> Option<(u64, u64)> {
    parse_timing(line).or_else(|| {
        let (start, rest) = line.trim().split_once("-->")?;
        let start = loose_cue_time(start.trim())?;
        let end = loose_cue_time(rest.split_whitespace().next()?)?;
        Some((start, end))
    })
}

/// A cue time without zero padding: `h:m:s.f` or `m:s.f`.
fn loose_cue_time(s: &str) -> Option<u64> {
    let (clock, frac) = s.rsplit_once(['.', ','])?;
    let digits = |p: &str, max: usize| {
        (!p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    };
    let f = digits(frac, 3)? * 10u64.pow(3 - frac.len() as u32);
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [m, sec] => (0, digits(m, 3)?, digits(sec, 2)?),
        [h, m, sec] => (digits(h, 3)?, digits(m, 2)?, digits(sec, 2)?),
        _ => return None,
    };
    if sec >= 60 || (parts.len() == 3 && m >= 60) {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + f)
}

/// Splits lines into blocks as WebVTT does: only an empty line ends a block, so a line holding
/// only spaces inside a cue (YouTube writes one before or after a cue's text) is cue text. A
/// blank line that is not empty still ends the block when what follows is a new block anyway:
/// a timing line, or a cue id before a timing line.
fn vtt_blocks<'a>(lines: &[Line<'a>]) -> Vec<Vec<Line<'a>>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let ends = l.text.is_empty()
            || l.text.trim().is_empty() && {
                let next = lines.get(i + 1).map(|l| l.text);
                let after = lines.get(i + 2).map(|l| l.text);
                next.is_some_and(|t| t.contains("-->"))
                    || next.is_some_and(|t| !t.trim().is_empty())
                        && after.is_some_and(|t| t.contains("-->"))
                    || cur.is_empty()
            };
        if ends {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(*l);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Decodes the character references WebVTT allows (and numeric ones). `&nbsp;` becomes a plain
/// space; unknown references are kept as written.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Only the first bytes are searched for the `;`, so that a run of `&` stays linear.
        let window = &rest.as_bytes()[..rest.len().min(11)];
        let decoded = window.iter().position(|&b| b == b';').and_then(|j| {
            let name = &rest[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some(' '),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lrm" | "rlm" => None,
                _ if !name.starts_with('#') => {
                    return named_entity(name).map(|c| (Some(c), j));
                }
                _ => {
                    let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    return n.and_then(char::from_u32).map(|c| (Some(c), j));
                }
            };
            if c.is_none() && !matches!(name, "lrm" | "rlm") {
                return None;
            }
            Some((c, j))
        });
        match decoded {
            Some((c, j)) => {
                if let Some(c) = c {
                    out.push(c);
                }
                rest = &rest[j + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML named character references beyond the ones WebVTT itself defines: the Latin-1 letters
/// and signs (`&euml;`, `&eacute;`, `&copy;`) and common typography (`&hellip;`, `&rsquo;`),
/// which caption tools write in cue text.
#[rustfmt::skip]
const NAMED_ENTITIES: &[(&str, char)] = &[
    ("iexcl", '¡'), ("cent", '¢'), ("pound", '£'), ("curren", '¤'), ("yen", '¥'),
    ("brvbar", '¦'), ("sect", '§'), ("uml", '¨'), ("copy", '©'), ("ordf", 'ª'),
    ("laquo", '«'), ("not", '¬'), ("shy", '\u{ad}'), ("reg", '®'), ("macr", '¯'),
    ("deg", '°'), ("plusmn", '±'), ("sup2", '²'), ("sup3", '³'), ("acute", '´'),
    ("micro", 'µ'), ("para", '¶'), ("middot", '·'), ("cedil", '¸'), ("sup1", '¹'),
    ("ordm", 'º'), ("raquo", '»'), ("frac14", '¼'), ("frac12", '½'), ("frac34", '¾'),
    ("iquest", '¿'), ("Agrave", 'À'), ("Aacute", 'Á'), ("Acirc", 'Â'), ("Atilde", 'Ã'),
    ("Auml", 'Ä'), ("Aring", 'Å'), ("AElig", 'Æ'), ("Ccedil", 'Ç'), ("Egrave", 'È'),
    ("Eacute", 'É'), ("Ecirc", 'Ê'), ("Euml", 'Ë'), ("Igrave", 'Ì'), ("Iacute", 'Í'),
    ("Icirc", 'Î'), ("Iuml", 'Ï'), ("ETH", 'Ð'), ("Ntilde", 'Ñ'), ("Ograve", 'Ò'),
    ("Oacute", 'Ó'), ("Ocirc", 'Ô'), ("Otilde", 'Õ'), ("Ouml", 'Ö'), ("times", '×'),
    ("Oslash", 'Ø'), ("Ugrave", 'Ù'), ("Uacute", 'Ú'), ("Ucirc", 'Û'), ("Uuml", 'Ü'),
    ("Yacute", 'Ý'), ("THORN", 'Þ'), ("szlig", 'ß'), ("agrave", 'à'), ("aacute", 'á'),
    ("acirc", 'â'), ("atilde", 'ã'), ("auml", 'ä'), ("aring", 'å'), ("aelig", 'æ'),
    ("ccedil", 'ç'), ("egrave", 'è'), ("eacute", 'é'), ("ecirc", 'ê'), ("euml", 'ë'),
    ("igrave", 'ì'), ("iacute", 'í'), ("icirc", 'î'), ("iuml", 'ï'), ("eth", 'ð'),
    ("ntilde", 'ñ'), ("ograve", 'ò'), ("oacute", 'ó'), ("ocirc", 'ô'), ("otilde", 'õ'),
    ("ouml", 'ö'), ("divide", '÷'), ("oslash", 'ø'), ("ugrave", 'ù'), ("uacute", 'ú'),
    ("ucirc", 'û'), ("uuml", 'ü'), ("yacute", 'ý'), ("thorn", 'þ'), ("yuml", 'ÿ'),
    ("OElig", 'Œ'), ("oelig", 'œ'), ("Scaron", 'Š'), ("scaron", 'š'), ("Yuml", 'Ÿ'),
    ("ndash", '–'), ("mdash", '—'), ("lsquo", '‘'), ("rsquo", '’'), ("sbquo", '‚'),
    ("ldquo", '“'), ("rdquo", '”'), ("bdquo", '„'), ("hellip", '…'), ("bull", '•'),
    ("euro", '€'), ("trade", '™'),
];

/// The character a named reference (without `&` and `;`) stands for, from [`NAMED_ENTITIES`].
fn named_entity(name: &str) -> Option<char> {
    NAMED_ENTITIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| c)
}

/// One stretch of a cue payload spoken by one voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The voice's name, `None` before any voice tag or for `<v>` without a name.
    pub speaker: Option<String>,
    /// The text, tags removed and entities decoded (whitespace not yet collapsed).
    pub text: String,
    /// Byte offset in the payload where the piece starts (its voice tag; 0 for the first).
    pub at: usize,
}

/// Splits a cue payload into pieces at voice tags (`<v Naam>`, `<v.loud Naam>`), removing all
/// other tags. Text before the first voice tag has no speaker; empty pieces are dropped.
pub(crate) fn voice_pieces(payload: &str) -> Vec<Piece> {
    let mut pieces = vec![Piece {
        speaker: None,
        text: String::new(),
        at: 0,
    }];
    let mut pos = 0;
    // The index of the voiceless piece opened by the last `</v>`, while no voice tag followed.
    let mut closed: Option<usize> = None;
    // The indices of the voiceless pieces after a `</v>` that stay pieces of their own.
    let mut unvoiced: Vec<usize> = Vec::new();
    while let Some(rel) = payload[pos..].find('<') {
        let open = pos + rel;
        let text = &payload[pos..open];
        if let Some(p) = pieces.last_mut() {
            p.text.push_str(text);
        }
        let after = &payload[open + 1..];
        let Some(close) = after.find('>') else {
            // No '>' follows: the '<' and everything after it is text (stopping here keeps a
            // run of '<' linear).
            pos = open;
            break;
        };
        let tag = &after[..close];
        if let Some(v) = tag.strip_prefix('v')
            && (v.is_empty() || v.starts_with(['.', ' ', '\t']))
        {
            // `<v Name>` or `<v.class Name>`: the annotation after the first whitespace.
            // Whitespace runs in the name collapse: `<v  Anna   de  Vries >` is `Anna de Vries`.
            let speaker = v
                .split_once([' ', '\t'])
                .map(|(_, n)| {
                    decode_entities(n)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|n| !n.is_empty());
            // Text between a `</v>` and this voice tag belonged to no voice; only blank text
            // stays with the voice before.
            if closed.take().is_some()
                && pieces.last().is_some_and(|p| p.text.trim().is_empty())
                && let Some(p) = pieces.pop()
                && let Some(voice) = pieces.last_mut()
            {
                unvoiced.pop();
                voice.text.push_str(&p.text);
            }
            pieces.push(Piece {
                speaker,
                text: String::new(),
                at: open,
            });
        } else if tag.trim_end() == "/v" && closed.is_none() {
            // After `</v>` the text has no voice, unless no other voice follows in the cue
            // (then it stays with this one, see below).
            closed = Some(pieces.len());
            unvoiced.push(pieces.len());
            pieces.push(Piece {
                speaker: None,
                text: String::new(),
                at: open + 1 + close + 1,
            });
        }
        pos = open + 1 + close + 1;
    }
    if let Some(p) = pieces.last_mut() {
        p.text.push_str(&payload[pos..]);
    }
    // Text after the last `</v>` with no voice after it stays with the voice before it.
    if let Some(after) = closed
        && pieces.len() == after + 1
        && let Some(p) = pieces.pop()
        && let Some(voice) = pieces.last_mut()
    {
        unvoiced.pop();
        voice.text.push_str(&p.text);
    }
    // A voiceless piece starts at its first non-blank character, not at the `</v>` before it.
    for &k in &unvoiced {
        let p = &mut pieces[k];
        p.at += p.text.len() - p.text.trim_start().len();
    }
    pieces
        .into_iter()
        .map(|p| Piece {
            text: decode_entities(&p.text),
            ..p
        })
        .filter(|p| !p.text.trim().is_empty())
        .collect()
}

/// The source offset of byte `at` of the payload made by joining `lines` with `"\n"`.
fn source_offset(lines: &[Line<'_>], at: usize) -> usize {
    let mut acc = 0;
    for l in lines {
        if at <= acc + l.text.len() {
            return l.start + (at - acc);
        }
        acc += l.text.len() + 1;
    }
    lines.last().map_or(0, |l| l.start + l.text.len())
}

/// Whether a line that should be a timing line looks like a failed attempt at one (rather than
/// a cue id).
fn looks_like_timing(s: &str) -> bool {
    s.contains("->") || s.trim_start().starts_with(|c: char| c.is_ascii_digit()) && s.contains(':')
}

/// The error for a broken timing line.
fn timing_error(line: &Line<'_>) -> ParseError {
    ParseError {
        line: line.no,
        column: first_column(line),
        message: format!(
            "expected a timing line like \"00:01:02.000 --> 00:01:05.000\", found {}",
            quoted(line.text.trim())
        ),
    }
}

/// The column of a line's first non-blank character.
pub(crate) fn first_column(line: &Line<'_>) -> usize {
    column(line.text, line.text.len() - line.text.trim_start().len())
}

/// `00:01:02.340` for a time in milliseconds, with `separator` before the milliseconds.
pub(crate) fn cue_clock(ms: u64, separator: char) -> String {
    let s = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        s / 3600,
        (s / 60) % 60,
        s % 60,
        ms % 1000
    )
}

/// Checks a cue's times: it may not end before it starts, nor start before the cue before it
/// (`previous`: that cue's timing line and start). Cues that overlap are fine: in a focus
/// group people talk at the same time, and Teams writes such cues.
pub(crate) fn check_cue_times(
    timing: &Line<'_>,
    (start_ms, end_ms): (u64, u64),
    previous: Option<(usize, u64)>,
    separator: char,
) -> Result<(), ParseError> {
    let clock = |ms| cue_clock(ms, separator);
    if end_ms < start_ms {
        return Err(ParseError {
            line: timing.no,
            column: first_column(timing),
            message: format!(
                "the cue ends at {}, before it starts at {}: the end time after \"-->\" must not be earlier than the start time before it",
                clock(end_ms),
                clock(start_ms)
            ),
        });
    }
    if let Some((line, previous_start)) = previous
        && start_ms < previous_start
    {
        return Err(ParseError {
            line: timing.no,
            column: first_column(timing),
            message: format!(
                "the cue starts at {}, earlier than the cue before it (line {line}, {}): cues must be in time order; were lines moved, or two files pasted together?",
                clock(start_ms),
                clock(previous_start)
            ),
        });
    }
    Ok(())
}

/// The error for a timing line among the text lines of a cue: the blank line that should end
/// the cue before it is missing.
pub(crate) fn missing_blank_line(line: &Line<'_>, cue: &Line<'_>) -> ParseError {
    ParseError {
        line: line.no,
        column: first_column(line),
        message: format!(
            "a timing line inside the text of the cue that starts on line {}: is the blank line between the two cues missing?",
            cue.no
        ),
    }
}

/// Whether a line is a `WEBVTT` header (a byte order mark before it allowed).
fn is_header(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .strip_prefix("WEBVTT")
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// The error for a `WEBVTT` header after the first line.
fn second_header(line: &Line<'_>) -> ParseError {
    ParseError::at(
        line.no,
        "a second \"WEBVTT\" header: were two files joined into one? Keep the header on the first line only, and check that the times of the second part come after those of the first",
    )
}

/// Parses a WebVTT transcript.
pub(crate) fn parse(input: &str, _options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    let all = lines(input);
    // A file with voice tags anywhere is read as before: its voiceless cues stay voiceless.
    let mut turns = VoiceTurns {
        voiceless_file: !all.iter().any(|l| has_voice_tag(l.text)),
        ..VoiceTurns::default()
    };
    // The timing line and start of the cue before, to check the order of the cues.
    let mut previous: Option<(usize, u64)> = None;
    for block in cue_blocks(&all)? {
        let Some((timing_idx, (start_ms, end_ms))) = cue_timing(&block)? else {
            continue;
        };
        check_cue_times(&block[timing_idx], (start_ms, end_ms), previous, '.')?;
        previous = Some((block[timing_idx].no, start_ms));
        let payload_lines = &block[timing_idx + 1..];
        check_payload(payload_lines, &block[0])?;
        turns.add_cue(input, &block[0], payload_lines, (start_ms, end_ms));
    }
    Ok(ParsedTranscript {
        attributes: BTreeMap::new(),
        turns: turns.finish(),
        source: input.to_string(),
        warnings: Vec::new(),
    })
}

/// The blocks after the header, once the header is checked: `WEBVTT` on the first line, and
/// a blank line before the first cue.
fn cue_blocks<'a>(all: &[Line<'a>]) -> Result<Vec<Vec<Line<'a>>>, ParseError> {
    let first = all
        .first()
        .map_or("", |l| l.text.trim_start_matches('\u{feff}'));
    if !is_header(first) {
        let found = first.trim();
        let found = if found.is_empty() {
            "an empty line".to_string()
        } else {
            quoted(found)
        };
        return Err(ParseError::at(
            1,
            format!(
                "expected the header \"WEBVTT\" on the first line of a WebVTT file, found {found}"
            ),
        ));
    }
    let all_blocks = vtt_blocks(all);
    if let Some(l) = all_blocks
        .first()
        .and_then(|header| header.iter().find(|l| l.text.contains("-->")))
    {
        return Err(ParseError::at(
            l.no,
            "expected a blank line between the WEBVTT header and the first cue",
        ));
    }
    // The first block is the header (WEBVTT plus optional metadata lines).
    Ok(all_blocks.into_iter().skip(1).collect())
}

/// Where a cue's timing line is in its block, and its start and end in milliseconds.
type CueTiming = (usize, (u64, u64));

/// Where a cue's timing line is in its block (the first line, or the second after an id) and
/// its times; `None` for a `NOTE`, `STYLE` or `REGION` block.
fn cue_timing(block: &[Line<'_>]) -> Result<Option<CueTiming>, ParseError> {
    if is_header(block[0].text) {
        return Err(second_header(&block[0]));
    }
    let head = block[0].text.trim();
    let keyword = head.split_whitespace().next().unwrap_or("");
    if matches!(keyword, "NOTE" | "STYLE" | "REGION") && !head.contains("-->") {
        return Ok(None);
    }
    let timing = if let Some(t) = parse_vtt_timing(block[0].text) {
        (0, t)
    } else if block[0].text.contains("-->") {
        return Err(timing_error(&block[0]));
    } else {
        match block.get(1) {
            Some(l) if l.text.contains("-->") => {
                (1, parse_vtt_timing(l.text).ok_or_else(|| timing_error(l))?)
            }
            _ if looks_like_timing(block[0].text) => return Err(timing_error(&block[0])),
            Some(l) => return Err(timing_error(l)),
            None => return Err(timing_error(&block[0])),
        }
    };
    Ok(Some(timing))
}

/// Checks that no text line of the cue starting at `cue` is a timing line or a header: the
/// blank line before a next cue, or a next file, is missing.
fn check_payload(payload_lines: &[Line<'_>], cue: &Line<'_>) -> Result<(), ParseError> {
    for l in payload_lines {
        if parse_vtt_timing(l.text).is_some() {
            return Err(missing_blank_line(l, cue));
        }
        if is_header(l.text) {
            return Err(second_header(l));
        }
    }
    Ok(())
}

/// The turns so far, the last still open: consecutive cues (and pieces of a cue) of the same
/// voice merge into one turn.
#[derive(Default)]
struct VoiceTurns {
    turns: Vec<Turn>,
    current: Option<TurnBuilder>,
    /// The last non-blank line of the cue before, as text, when it had no voice tags.
    last_line: Option<String>,
    /// Whether the file has no voice tags at all: only then do `Naam:` prefixes name the
    /// speaker and are rolled-up repeated lines read once.
    voiceless_file: bool,
}

/// Whether a payload line holds a `<v` voice tag.
fn has_voice_tag(line: &str) -> bool {
    line.match_indices("<v").any(|(i, _)| {
        line[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '.' | ' ' | '\t' | '>'))
    })
}

/// A payload line as text: tags removed, entities decoded, whitespace collapsed.
fn plain_line(line: &str) -> String {
    voice_pieces(line)
        .iter()
        .flat_map(|p| p.text.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Title abbreviations that may end in a full stop inside a speaker label (`Dr. Jansen`).
const TITLES: &[&str] = &[
    "dr.", "drs.", "ir.", "mr.", "mrs.", "ms.", "mw.", "mevr.", "dhr.", "prof.", "st.",
];

/// The `Naam:` prefix of a cue's first line, as Zoom writes it: the label grammar of the
/// plain-text format, at the very start of the text, and no sentence: a word before the last
/// that ends in `.`, `?` or `!` must be an initial (`J.`) or a title (`Dr.`), so that
/// `Nee. Kijk: de gemeente…` stays text.
fn zoom_label(line: &str) -> Option<LabelHead> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let head = parse_turn_line(line)?;
    if head.start_ms.is_some() {
        return None;
    }
    let words: Vec<&str> = head.speaker.split(' ').collect();
    let sentence = words[..words.len() - 1].iter().any(|w| {
        w.ends_with(['.', '?', '!'])
            && !(w.chars().count() == 2 || TITLES.contains(&w.to_lowercase().as_str()))
    }) || head.speaker.ends_with(['.', '?', '!']);
    (!sentence).then_some(head)
}

impl VoiceTurns {
    /// Adds the voice pieces of the cue whose first line is `cue` (none for a cue without text).
    fn add_cue(
        &mut self,
        input: &str,
        cue: &Line<'_>,
        payload_lines: &[Line<'_>],
        (start_ms, end_ms): (u64, u64),
    ) {
        let Some(last) = payload_lines.iter().rfind(|l| !l.text.trim().is_empty()) else {
            return;
        };
        let cue_end = last.start + last.text.trim_end().len();
        let voiced = !self.voiceless_file;
        let previous_line = self.last_line.take();
        // Captions that roll up (YouTube) repeat the last line of the cue before as their first.
        let mut payload_lines = payload_lines;
        if !voiced {
            self.last_line = payload_lines
                .iter()
                .rev()
                .map(|l| plain_line(l.text))
                .find(|t| !t.is_empty());
            if payload_lines.len() > 1
                && let Some(k) = payload_lines.iter().position(|l| !l.text.trim().is_empty())
                && previous_line.is_some_and(|p| p == plain_line(payload_lines[k].text))
            {
                payload_lines = &payload_lines[k + 1..];
            }
        }
        let payload: Vec<&str> = payload_lines.iter().map(|l| l.text).collect();
        let mut pieces = voice_pieces(&payload.join("\n"));
        // Zoom: no voice tags, the speaker as a `Naam:` prefix at the start of the cue text.
        if !voiced
            && let Some(first) = payload_lines.first()
            && let Some(head) = zoom_label(first.text)
        {
            let rest = format!(
                "{}{}",
                &first.text[head.text_start..],
                &payload.join("\n")[first.text.len()..]
            );
            pieces = voice_pieces(&rest)
                .into_iter()
                .map(|p| Piece {
                    speaker: Some(head.speaker.clone()),
                    at: 0,
                    ..p
                })
                .collect();
            pieces.truncate(1);
        }
        for (k, piece) in pieces.iter().enumerate() {
            // A piece runs to the next voice tag in the same cue, or to the end of the cue.
            let end = match pieces.get(k + 1) {
                Some(next) => {
                    let to = source_offset(payload_lines, next.at);
                    let from = payload_lines[0].start;
                    from + input[from..to].trim_end().len()
                }
                None => cue_end,
            };
            let same = self
                .current
                .as_ref()
                .is_some_and(|t| t.speaker() == piece.speaker.as_deref());
            if !same {
                if let Some(t) = self.current.take() {
                    self.turns.push(t.finish());
                }
                // The cue's first piece starts at the cue; a later one at its voice tag.
                let (line, start) = if k == 0 {
                    (cue.no, cue.start)
                } else {
                    let start = source_offset(payload_lines, piece.at);
                    let line = payload_lines
                        .iter()
                        .rfind(|l| l.start <= start)
                        .map_or(cue.no, |l| l.no);
                    (line, start)
                };
                self.current = Some(TurnBuilder::new(
                    piece.speaker.clone(),
                    line,
                    Some(start_ms),
                    start,
                ));
            }
            if let Some(t) = self.current.as_mut() {
                t.push_text(&piece.text);
                t.extend_to(end);
                t.set_end_ms(Some(end_ms));
            }
        }
    }

    /// Every turn, the open one closed.
    fn finish(mut self) -> Vec<Turn> {
        if let Some(t) = self.current {
            self.turns.push(t.finish());
        }
        self.turns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser as ingest calls it for a file the manifest says nothing special about.
    fn parse(input: &str) -> Result<ParsedTranscript, ParseError> {
        super::parse(input, &ReadOptions::default())
    }

    #[test]
    fn timings() {
        assert_eq!(
            parse_timing("00:01:02.340 --> 00:01:06.910"),
            Some((62_340, 66_910))
        );
        assert_eq!(
            parse_timing("01:02.340 --> 01:06.910 align:start position:10%"),
            Some((62_340, 66_910))
        );
        assert_eq!(parse_timing("00:0X.600 -> banana"), None);
        assert_eq!(parse_timing("00:01:02 --> 00:01:03"), None);
    }

    #[test]
    fn cue_times_must_be_in_order() {
        let err = |src: &str| parse(src).unwrap_err();
        let e = err("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n<v A>Ja.\n");
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.message.contains("ends at 00:00:02.000"), "{}", e.message);
        let e = err(
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v A>Ja.\n\n00:00:01.000 --> 00:00:02.000\n<v B>Nee.\n",
        );
        assert_eq!(e.line, 6);
        assert!(
            e.message.contains("(line 3, 00:00:05.000)"),
            "{}",
            e.message
        );
        let e = err(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n00:00:02.000 --> 00:00:03.000\n<v B>Nee.\n",
        );
        assert_eq!(e.line, 5);
        assert!(e.message.contains("blank line"), "{}", e.message);
        let e = err(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n\n\u{feff}WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n",
        );
        assert_eq!(e.line, 6);
        assert!(e.message.contains("two files joined"), "{}", e.message);
        // Overlapping cues (people talking at once) are fine.
        let p = parse(
            "WEBVTT\n\n00:00:01.000 --> 00:00:06.000\n<v A>Ja.\n\n00:00:05.000 --> 00:00:07.000\n<v B>Nee.\n",
        )
        .unwrap();
        assert_eq!(p.turns.len(), 2);
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a &amp; b &lt;c&gt;&nbsp;d"), "a & b <c> d");
        assert_eq!(decode_entities("&#233;&#xE9;&lrm;"), "éé");
        assert_eq!(decode_entities("R&D &unknown; &"), "R&D &unknown; &");
    }

    fn pieces(payload: &str) -> Vec<(Option<String>, String, usize)> {
        voice_pieces(payload)
            .into_iter()
            .map(|p| (p.speaker, p.text, p.at))
            .collect()
    }

    fn piece(speaker: Option<&str>, text: &str, at: usize) -> (Option<String>, String, usize) {
        (speaker.map(str::to_string), text.to_string(), at)
    }

    #[test]
    fn voices() {
        assert_eq!(
            pieces("<v Linda Vermeulen>Goedemiddag <i>allemaal</i></v>"),
            vec![piece(Some("Linda Vermeulen"), "Goedemiddag allemaal", 0)]
        );
        assert_eq!(
            pieces("<v.loud Bas>Hé!<00:00:01.000> <c.yellow>Ja</c>"),
            vec![piece(Some("Bas"), "Hé! Ja", 0)]
        );
        assert_eq!(pieces("zonder stem"), vec![piece(None, "zonder stem", 0)]);
        assert_eq!(
            pieces("<v A>een</v> <v B>twee"),
            vec![piece(Some("A"), "een ", 0), piece(Some("B"), "twee", 13)]
        );
        assert_eq!(pieces("1 < 2"), vec![piece(None, "1 < 2", 0)]);
    }

    #[test]
    fn older_teams_timings() {
        assert_eq!(parse_vtt_timing("0:0:0.0 --> 0:0:0.570"), Some((0, 570)));
        assert_eq!(
            parse_vtt_timing("1:2:3.5 --> 1:2:4.25"),
            Some((3_723_500, 3_724_250))
        );
        assert_eq!(parse_vtt_timing("0:0:0 --> 0:0:1"), None);
        assert_eq!(parse_vtt_timing("0:61:0.0 --> 0:0:1.0"), None);
    }

    #[test]
    fn named_entities_and_voice_names() {
        assert_eq!(decode_entities("re&euml;el &eacute;&hellip;"), "reëel é…");
        assert_eq!(
            pieces("<v  Anna   de  Vries >Ja"),
            vec![piece(Some("Anna de Vries"), "Ja", 0)]
        );
        // Text after `</v>` belongs to no voice when another voice follows, and stays with the
        // voice when none does.
        assert_eq!(
            pieces("<v A>Ja</v> (lacht) <v B>Nee</v> hoor"),
            vec![
                piece(Some("A"), "Ja", 0),
                piece(None, " (lacht) ", 12),
                piece(Some("B"), "Nee hoor", 20),
            ]
        );
    }

    #[test]
    fn runs_of_lt_and_amp_stay_linear() {
        // Quadratic scanning would take minutes on this; linear takes milliseconds.
        let n = 400_000;
        let src = format!(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA{}{}\n",
            "<".repeat(n),
            "&".repeat(n)
        );
        let p = parse(&src).unwrap();
        assert_eq!(p.turns[0].text.len(), 2 * n + 1);
    }

    #[test]
    fn prefixes_name_speakers_only_in_files_without_voices() {
        let src = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>Ja.\n\n00:02.000 --> 00:03.000\nNoot: gelach\n";
        let p = parse(src).unwrap();
        let speakers: Vec<Option<&str>> = p.turns.iter().map(|t| t.speaker.as_deref()).collect();
        assert_eq!(speakers, vec![Some("A"), None]);
        let p = parse("WEBVTT\n\n00:02.000 --> 00:03.000\nNoot: gelach\n").unwrap();
        assert_eq!(p.turns[0].speaker.as_deref(), Some("Noot"));
        assert_eq!(p.turns[0].text, "gelach");
    }

    #[test]
    fn zoom_labels() {
        let label = |s: &str| zoom_label(s).map(|h| h.speaker);
        assert_eq!(
            label("Anna de Vries: Goedemorgen."),
            Some("Anna de Vries".into())
        );
        assert_eq!(label("Dr. Jansen: Ja."), Some("Dr. Jansen".into()));
        assert_eq!(label("J. de Wit: Ja."), Some("J. de Wit".into()));
        assert_eq!(label("Nee. Kijk: de gemeente belt niet."), None);
        assert_eq!(label("Dus ik zei: dat gaat niet."), None);
        assert_eq!(label(" Anna: ja"), None);
    }

    #[test]
    fn two_voices_in_one_cue() {
        let src = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v A>Klopt dat?</v>\n<v B>Ja.</v>\n";
        let p = parse(src).unwrap();
        let got: Vec<(Option<&str>, usize, &str)> = p
            .turns
            .iter()
            .map(|t| (t.speaker.as_deref(), t.line, &src[t.bytes.clone()]))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("A"), 3, "00:01.000 --> 00:03.000\n<v A>Klopt dat?</v>"),
                (Some("B"), 5, "<v B>Ja.</v>"),
            ]
        );
    }
}

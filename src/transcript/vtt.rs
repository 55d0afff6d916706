//! WebVTT transcripts as Teams, Zoom and YouTube write them: speakers from `<v Naam>` voice tags,
//! or from a Zoom-style `Naam:` prefix at the start of a cue without voice tags.
//!
//! The file must start with a `WEBVTT` line (header lines after it, such as YouTube's
//! `Kind: captions` and `Language: nl`, are skipped). Blocks are collected as the W3C WebVTT
//! parsing algorithm collects them: an empty line ends a block, and so does a line holding
//! `-->` that is not the block's first line (or its second, after an id): it starts the next
//! cue. A line holding only spaces is cue text (YouTube writes them), unless a timing line
//! follows it. `NOTE`, `STYLE` and `REGION` blocks are skipped.
//!
//! What browsers read past is read past, with a [`ParseWarning`] naming its line (and refused
//! under `--strict`): a cue whose timing line is broken (`-- >`, no milliseconds) or whose
//! times are out of order (ending before it starts, starting before the cue before it), and
//! text after an empty line inside a cue; a cue with no empty line before it is read, with a
//! warning; a second `WEBVTT` header (two files joined) starts the time order again. A cue is an
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
//! Teams splits one utterance over many cues, so consecutive cues of the same speaker are merged
//! into one turn, joined by a space. Cues of no speaker (lectures, Netflix and YouTube
//! captions) are merged into paragraphs instead, ended by a pause or a sentence end (see
//! [`PAUSE_MS`] and the constants after it). The turn starts at its first cue's first line (the
//! id line, when there is one), and runs from the first cue's start time to the last cue's end
//! time.

use std::collections::BTreeMap;

use super::text::{LabelHead, TurnBuilder, parse_timestamp, parse_turn_line, quoted};
use super::{ParseError, ParseWarning, ParsedTranscript, ReadOptions, Turn};

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
pub(crate) fn loose_cue_time(s: &str) -> Option<u64> {
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

/// One block of a WebVTT file, as the WebVTT parsing algorithm collects it.
#[derive(Default)]
struct Block<'a> {
    /// Its lines, none of them empty.
    lines: Vec<Line<'a>>,
    /// Whether the block starts at a timing line that followed text with no empty line
    /// between: the parsing algorithm ends the block before at such a line.
    unseparated: bool,
}

/// Splits the lines after the header into blocks as the WebVTT parsing algorithm does: an
/// empty line ends a block, and so does a line holding `-->` anywhere but as a block's first
/// line or as its second after an id (it starts the next block: the empty line before it is
/// missing). A line holding only spaces inside a cue is cue text (YouTube writes them), unless
/// it stands where an empty line would: before a timing line, or before a cue id and its
/// timing line, or at a block's start. `unseparated` is set for the first block when the
/// header ran into it.
fn vtt_blocks<'a>(lines: &[Line<'a>], unseparated: bool) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    let mut cur = Block {
        lines: Vec::new(),
        unseparated,
    };
    let mut after_blank = false;
    for (i, l) in lines.iter().enumerate() {
        let ends = l.text.is_empty()
            || l.text.trim().is_empty() && {
                let next = lines.get(i + 1).map(|l| l.text);
                let after = lines.get(i + 2).map(|l| l.text);
                next.is_some_and(|t| t.contains("-->"))
                    || next.is_some_and(|t| !t.trim().is_empty())
                        && after.is_some_and(|t| t.contains("-->"))
                    || cur.lines.is_empty()
            };
        if ends {
            if !cur.lines.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            after_blank = true;
            continue;
        }
        let timing_allowed = match cur.lines.as_slice() {
            [] => true,
            [id] => !id.text.contains("-->"),
            _ => false,
        };
        if l.text.contains("-->") && !timing_allowed {
            // Unlike the algorithm, a cue id right before the timing line goes with it (the
            // algorithm would show "4" as the last line of the cue before).
            let id = if cur.lines.len() >= 3 {
                cur.lines.pop_if(|l| looks_like_cue_id(l.text))
            } else {
                None
            };
            out.push(std::mem::take(&mut cur));
            cur.unseparated = !after_blank;
            cur.lines.extend(id);
        }
        after_blank = false;
        cur.lines.push(*l);
    }
    if !cur.lines.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a line looks like a cue id rather than cue text: one word of letters, digits, `-`,
/// `_` and `/` with a digit in it (`4`, or Teams' `3f1c9a2e-…/12-0`).
fn looks_like_cue_id(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && line.bytes().any(|b| b.is_ascii_digit())
        && line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/'))
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

/// What is wrong with a broken timing line.
fn timing_message(line: &Line<'_>) -> String {
    format!(
        "expected a timing line like \"00:01:02.000 --> 00:01:05.000\", found {}",
        quoted(line.text.trim())
    )
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

/// What is wrong with a cue's times, if anything: it may not end before it starts, nor start
/// before the cue before it (`previous`: that cue's timing line and start). Cues that overlap
/// are fine: in a focus group people talk at the same time, and Teams writes such cues.
pub(crate) fn cue_time_problem(
    (start_ms, end_ms): (u64, u64),
    previous: Option<(usize, u64)>,
    separator: char,
) -> Option<String> {
    let clock = |ms| cue_clock(ms, separator);
    if end_ms < start_ms {
        return Some(format!(
            "the cue ends at {}, before it starts at {}: the end time after \"-->\" must not be earlier than the start time before it",
            clock(end_ms),
            clock(start_ms)
        ));
    }
    match previous {
        Some((line, previous_start)) if start_ms < previous_start => Some(format!(
            "the cue starts at {}, earlier than the cue before it (line {line}, {}): cues must be in time order (were lines moved, or two files pasted together?)",
            clock(start_ms),
            clock(previous_start)
        )),
        _ => None,
    }
}

/// Whether a line is a `WEBVTT` header (a byte order mark before it allowed).
fn is_header(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .strip_prefix("WEBVTT")
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

/// Parses a WebVTT transcript, reading past what browsers read past: a cue whose timing line
/// is broken or whose times are out of order, and text after an empty line inside a cue, are
/// skipped with a warning naming their line; two cues without an empty line between them are
/// read as two, with a warning.
pub(crate) fn parse(input: &str, _options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    let all = lines(input);
    // A file with voice tags anywhere is read as before: its voiceless cues stay voiceless.
    let mut turns = VoiceTurns {
        voiceless_file: !all.iter().any(|l| has_voice_tag(l.text)),
        ..VoiceTurns::default()
    };
    let mut warnings = Vec::new();
    // The timing line and start of the cue before, to check the order of the cues.
    let mut previous: Option<(usize, u64)> = None;
    for block in cue_blocks(&all)? {
        let cue = match read_cue(&block, previous) {
            Ok(Some(cue)) => cue,
            Ok(None) => continue,
            Err(CueProblem::Skipped(warning)) => {
                warnings.push(warning);
                continue;
            }
            Err(CueProblem::SecondHeader(warning)) => {
                // Two files joined: the second part's times start again.
                warnings.push(warning);
                previous = None;
                continue;
            }
        };
        let timing = &block.lines[cue.timing];
        if block.unseparated {
            warnings.push(ParseWarning {
                line: timing.no,
                message: format!(
                    "no empty line between this cue and the text before it{}: read as a cue of its own; add the empty line",
                    previous.map_or(String::new(), |(line, _)| format!(" (the cue on line {line})"))
                ),
            });
        }
        previous = Some((timing.no, cue.times.0));
        let payload_lines = &block.lines[cue.timing + 1..];
        turns.add_cue(input, &block.lines[0], payload_lines, cue.times);
    }
    Ok(ParsedTranscript {
        attributes: BTreeMap::new(),
        turns: turns.finish(),
        source: input.to_string(),
        warnings,
    })
}

/// The blocks after the header, once the header is checked: `WEBVTT` on the first line. The
/// header runs to the first empty line, or to a timing line (then the first cue has no empty
/// line before it).
fn cue_blocks<'a>(all: &[Line<'a>]) -> Result<Vec<Block<'a>>, ParseError> {
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
    let header_end = all
        .iter()
        .position(|l| l.text.trim().is_empty() || l.text.contains("-->"))
        .unwrap_or(all.len());
    let unseparated = all.get(header_end).is_some_and(|l| l.text.contains("-->"));
    Ok(vtt_blocks(&all[header_end..], unseparated))
}

/// A cue's timing line (its index in the block) and its times.
struct CueHead {
    timing: usize,
    times: (u64, u64),
}

/// Why a block gives no cue.
enum CueProblem {
    /// The block is read past, as the parsing algorithm does.
    Skipped(ParseWarning),
    /// A `WEBVTT` header: two files joined into one.
    SecondHeader(ParseWarning),
}

/// Reads a block's cue head: `None` for a `NOTE`, `STYLE` or `REGION` block.
fn read_cue(
    block: &Block<'_>,
    previous: Option<(usize, u64)>,
) -> Result<Option<CueHead>, CueProblem> {
    let lines = &block.lines;
    let first = &lines[0];
    if is_header(first.text) {
        return Err(CueProblem::SecondHeader(ParseWarning {
            line: first.no,
            message: "a second \"WEBVTT\" header: were two files joined into one? The cues after it are read as a file of their own; keep the header on the first line only".into(),
        }));
    }
    let head = first.text.trim();
    let keyword = head.split_whitespace().next().unwrap_or("");
    if matches!(keyword, "NOTE" | "STYLE" | "REGION") && !head.contains("-->") {
        return Ok(None);
    }
    let skipped = |line: &Line<'_>, what: String| {
        CueProblem::Skipped(ParseWarning {
            line: line.no,
            message: format!("{what}: the cue is skipped"),
        })
    };
    let timing = if first.text.contains("-->") {
        0
    } else if lines.get(1).is_some_and(|l| l.text.contains("-->")) {
        1
    } else if let Some(l) = lines[..lines.len().min(2)]
        .iter()
        .find(|l| looks_like_timing(l.text))
    {
        return Err(skipped(l, timing_message(l)));
    } else {
        return Err(CueProblem::Skipped(ParseWarning {
            line: first.no,
            message: format!(
                "text without a timing line before it, {}, is skipped: an empty line inside a cue ends the cue, so the text after it belongs to none; remove the empty line to keep it",
                quoted(head)
            ),
        }));
    };
    let line = &lines[timing];
    let times = parse_vtt_timing(line.text).ok_or_else(|| skipped(line, timing_message(line)))?;
    if let Some(problem) = cue_time_problem(times, previous, '.') {
        return Err(skipped(line, problem));
    }
    Ok(Some(CueHead { timing, times }))
}

/// Whether a cue's text ends a sentence: its last character, ignoring closing quotes and
/// brackets, is `.`, `?`, `!` or `…`.
pub(crate) fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .ends_with(['.', '?', '!', '…'])
}

/// A silence between cues (no caption on screen) this long ends a paragraph of speakerless
/// cues, even inside a sentence. Netflix's timing guidelines close gaps of half a second or
/// less between subtitles ("chaining") and let a subtitle stay up to half a second after the
/// speech; a gap of two seconds is a pause of one and a half seconds at least, longer than
/// the pauses inside a speaker's sentence.
const PAUSE_MS: u64 = 2_000;

/// After a cue that ends a sentence, a gap longer than this ends the paragraph: gaps up to
/// half a second are closed by the chaining rule above, so a longer one is a real pause.
const SENTENCE_PAUSE_MS: u64 = 500;

/// After a cue that ends a sentence, a paragraph this long ends even without a pause: lecture
/// captions run cue after cue without gaps; 40 seconds is about a hundred spoken words, the
/// length of a written paragraph.
const PARAGRAPH_MS: u64 = 40_000;

/// A paragraph this long ends at the next cue even inside a sentence: YouTube's automatic
/// captions have neither punctuation nor gaps, and one turn for a whole video cannot be coded.
const LONGEST_PARAGRAPH_MS: u64 = 90_000;

/// The turns so far, the last still open: consecutive cues (and pieces of a cue) of the same
/// voice merge into one turn; cues of no voice merge into paragraphs (see [`PAUSE_MS`]).
#[derive(Default)]
struct VoiceTurns {
    turns: Vec<Turn>,
    current: Option<TurnBuilder>,
    /// The last non-blank line of the cue before, as text, when it had no voice tags.
    last_line: Option<String>,
    /// Whether the file has no voice tags at all: only then do `Naam:` prefixes name the
    /// speaker and are rolled-up repeated lines read once.
    voiceless_file: bool,
    /// When the open turn started, in milliseconds.
    turn_start_ms: u64,
    /// The latest end time of the cues so far.
    last_end_ms: u64,
    /// Whether the last cue's text ended a sentence.
    sentence_ended: bool,
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
                .is_some_and(|t| t.speaker() == piece.speaker.as_deref())
                && !(k == 0 && piece.speaker.is_none() && self.paragraph_ends(start_ms));
            if !same {
                if let Some(t) = self.current.take() {
                    self.turns.push(t.finish());
                }
                self.turn_start_ms = start_ms;
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
        self.last_end_ms = self.last_end_ms.max(end_ms);
        self.sentence_ended = pieces.last().is_some_and(|p| ends_sentence(&p.text));
    }

    /// Whether a cue of no voice starting at `start_ms` starts a new paragraph rather than
    /// continuing the open one: after a pause, or after a sentence end that follows a shorter
    /// pause or closes a long paragraph, or when the paragraph is very long.
    fn paragraph_ends(&self, start_ms: u64) -> bool {
        let gap = start_ms.saturating_sub(self.last_end_ms);
        let length = start_ms.saturating_sub(self.turn_start_ms);
        gap >= PAUSE_MS
            || length >= LONGEST_PARAGRAPH_MS
            || self.sentence_ended && (gap > SENTENCE_PAUSE_MS || length >= PARAGRAPH_MS)
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

    /// (speaker, text) of every turn, and (line, message) of every warning.
    /// A turn as (speaker, text), a warning as (line, message).
    type Read = (Vec<(Option<String>, String)>, Vec<(usize, String)>);

    fn read(src: &str) -> Read {
        let p = parse(src).unwrap();
        (
            p.turns.into_iter().map(|t| (t.speaker, t.text)).collect(),
            p.warnings
                .into_iter()
                .map(|w| (w.line, w.message))
                .collect(),
        )
    }

    fn said(speaker: &str, text: &str) -> (Option<String>, String) {
        (Some(speaker.to_string()), text.to_string())
    }

    #[test]
    fn cues_out_of_time_order_are_skipped_with_a_warning() {
        // A cue that ends before it starts: skipped, the cue after it read.
        let (turns, warnings) = read(
            "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n<v A>Ja.\n\n00:00:06.000 --> 00:00:07.000\n<v B>Nee.\n",
        );
        assert_eq!(turns, vec![said("B", "Nee.")]);
        assert_eq!(warnings[0].0, 3);
        assert!(
            warnings[0].1.contains("ends at 00:00:02.000"),
            "{warnings:?}"
        );
        assert!(
            warnings[0].1.ends_with("the cue is skipped"),
            "{warnings:?}"
        );
        // A cue that starts before the cue before it.
        let (turns, warnings) = read(
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v A>Ja.\n\n00:00:01.000 --> 00:00:02.000\n<v B>Nee.\n",
        );
        assert_eq!(turns, vec![said("A", "Ja.")]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 6);
        assert!(
            warnings[0].1.contains("(line 3, 00:00:05.000)"),
            "{warnings:?}"
        );
        // Overlapping cues (people talking at once) are fine.
        let (turns, warnings) = read(
            "WEBVTT\n\n00:00:01.000 --> 00:00:06.000\n<v A>Ja.\n\n00:00:05.000 --> 00:00:07.000\n<v B>Nee.\n",
        );
        assert_eq!(turns, vec![said("A", "Ja."), said("B", "Nee.")]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_missing_empty_line_starts_the_next_cue_as_browsers_do() {
        let (turns, warnings) = read(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n00:00:02.000 --> 00:00:03.000\n<v B>Nee.\n",
        );
        assert_eq!(turns, vec![said("A", "Ja."), said("B", "Nee.")]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 5);
        assert!(
            warnings[0].1.contains("(the cue on line 3)"),
            "{warnings:?}"
        );
        // Also after the header.
        let (turns, warnings) = read("WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n");
        assert_eq!(turns, vec![said("A", "Ja.")]);
        assert_eq!(warnings[0].0, 2);
    }

    #[test]
    fn lines_holding_arrows_that_are_no_timing_drop_only_their_own_cue() {
        // As web-platform-tests' webvtt/parsing/file-parsing/arrows.vtt expects of browsers: a
        // line with "-->" that is no timing line ends the block before it and gives no cue,
        // and the timing line right after it starts a cue of its own.
        let (turns, warnings) = read(
            "WEBVTT\n\n-->\n00:00:00.000 --> 00:00:01.000\n<v A>nul\nfoo-->\n00:00:01.000 --> 00:00:02.000\n<v B>een\n00:00:02.000 --> 00:00:03.000\n<v A>twee\n\n00:00:03.000 -a -->\n\n00:00:03.000 -- -->\n",
        );
        assert_eq!(
            turns,
            vec![said("A", "nul"), said("B", "een"), said("A", "twee")]
        );
        let lines: Vec<usize> = warnings.iter().map(|w| w.0).collect();
        assert_eq!(lines, vec![3, 4, 6, 7, 9, 12, 14], "{warnings:#?}");
    }

    #[test]
    fn two_joined_files_are_read_as_two_with_a_warning() {
        let (turns, warnings) = read(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n\n\u{feff}WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v B>Nee.\n",
        );
        assert_eq!(turns, vec![said("A", "Ja."), said("B", "Nee.")]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 6);
        assert!(warnings[0].1.contains("two files joined"), "{warnings:?}");
    }

    #[test]
    fn text_after_an_empty_line_inside_a_cue_is_skipped_with_a_warning() {
        let (turns, warnings) = read(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Ja.\n\nen verder\n\n00:00:03.000 --> 00:00:04.000\n<v B>Nee.\n",
        );
        assert_eq!(turns, vec![said("A", "Ja."), said("B", "Nee.")]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 6);
        assert!(
            warnings[0].1.contains("\"en verder\", is skipped"),
            "{warnings:?}"
        );
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
    fn runs_of_broken_and_unseparated_cues_stay_linear() {
        // Every line a block of its own that is skipped or split off: quadratic work on the
        // blocks would take minutes here.
        let n = 20_000;
        let src = format!(
            "WEBVTT\n\n{}",
            "-->\n00:00:01.000 --> 00:00:02.000\n<v A>ja\n".repeat(n)
        );
        let p = parse(&src).unwrap();
        assert_eq!(p.turns.len(), 1);
        assert_eq!(p.warnings.len(), 2 * n);
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
    fn lectures_without_gaps_are_cut_at_a_sentence_end_after_40_s_and_anywhere_after_90_s() {
        // Cues of 5 s back to back, as lecture captions and YouTube's automatic ones run.
        let cues = |texts: &[&str]| {
            let mut src = String::from("WEBVTT\n");
            for (i, t) in texts.iter().enumerate() {
                let ms = i as u64 * 5_000;
                src.push_str(&format!(
                    "\n{} --> {}\n{t}\n",
                    cue_clock(ms, '.'),
                    cue_clock(ms + 5_000, '.')
                ));
            }
            src
        };
        let starts = |src: &str| -> Vec<Option<u64>> {
            parse(src)
                .unwrap()
                .turns
                .iter()
                .map(|t| t.start_ms)
                .collect()
        };
        // A sentence ends in every cue: the paragraph closes at the first end after 40 s.
        let sentences = cues(&["Zin."; 12]);
        assert_eq!(starts(&sentences), vec![Some(0), Some(40_000)]);
        // No punctuation at all: cut at the first cue after 90 s.
        let words = cues(&["en dan"; 24]);
        assert_eq!(starts(&words), vec![Some(0), Some(90_000)]);
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

//! The speaker-label grammar every parser shares: where a line starts with a label and where
//! with a sentence that happens to hold a colon.
//!
//! A label is one to five words, optionally in square brackets (`[SPEAKER_00]`, as WhisperX
//! scripts write it; `[Speaker 1] text` needs no colon when the label is numbered or listed),
//! optionally followed by a qualifier in parentheses (`Tolk (Arabisch)`, `Dr. Jansen (GGD)`),
//! with an optional timestamp before or after it. It is compared in Unicode
//! NFC, so an `Anaïs` typed with a combining diaeresis is the same label as the precomposed one.
//!
//! Every candidate falls in one of three kinds:
//! - *clear*: capitalised words, numbers and name particles (`Nadia El Amrani`, `Deelnemer 3`,
//!   `SPEAKER_00`), or lowercase words with a number (`admin-1`, `spreker 2`);
//! - *unsure*: a lone lowercase word (`interviewer`, `kijk`): a label in some transcripts, the
//!   start of a sentence in others;
//! - *sentence*: a word before the last ending in `.`, `?` or `!` that is no initial or title
//!   (`Nee. Kijk`), a comma, a lowercase word after the first (`Dus ik zei`), more than five
//!   words, or characters no label has.
//!
//! A label the manifest lists for the document is always a label, whatever its kind; an unlisted
//! clear label is a label (ingest names it as a speaker the manifest lacks); an unlisted unsure
//! one is read as text and named in a warning; a sentence is text.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Lowercase name particles allowed inside a speaker label (`Anouk de Graaf`, `Nadia el Amrani`).
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "'t", "’t", "te", "ter", "ten", "el", "al", "la", "le", "du",
    "da", "di", "del", "dos", "das", "von", "bin", "ben", "ibn", "bint",
];

/// Title abbreviations that may end in a full stop inside a label (`Dr. Jansen`), lowercased.
const TITLES: &[&str] = &[
    "dr.", "drs.", "ir.", "ing.", "mr.", "mrs.", "ms.", "mw.", "mevr.", "dhr.", "prof.", "st.",
    "jr.", "sr.", "fam.", "ds.",
];

/// Most words a speaker label may have (the qualifier in parentheses not counted).
const MAX_LABEL_WORDS: usize = 5;

/// Longest text before a colon that is looked at as a label, in bytes. MAXQDA's focus-group
/// import allows 63 characters; the margin covers a timestamp and a qualifier. It also keeps the
/// work per line bounded, whatever the line's length.
const MAX_LABEL_BYTES: usize = 120;

/// Longest qualifier in parentheses after a label (`(Arabisch)`, `(GGD)`), in characters.
const MAX_QUALIFIER_CHARS: usize = 40;

/// The start of a turn line: who speaks, when, and where the spoken text begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabelHead {
    /// The label in NFC, inner whitespace runs collapsed to one space.
    pub speaker: String,
    /// The timestamp given with the label, in milliseconds.
    pub start_ms: Option<u64>,
    /// Byte offset in the line where the spoken text starts (after the colon and spaces).
    pub text_start: usize,
}

/// How sure the grammar is that a candidate is a speaker label (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelKind {
    /// Reads as a label.
    Clear,
    /// A label only where the manifest lists it.
    Unsure,
    /// Reads as the start of a sentence.
    Sentence,
}

/// A candidate label with its kind and the time written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The label in NFC, whitespace collapsed, brackets removed, qualifier kept.
    pub label: String,
    /// The label without its qualifier (`Tolk` for `Tolk (Arabisch)`).
    pub base: String,
    /// The time written before or after the label.
    pub time: Option<u64>,
    /// How sure the grammar is.
    pub kind: LabelKind,
}

/// What a line that may start with a label turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineStart {
    /// A speaker label starts a turn here.
    Turn(LabelHead),
    /// Maybe a label, maybe a sentence; read as text and named in a warning.
    Unsure(LabelHead),
    /// Text.
    Text,
}

/// The speaker labels the manifest lists for a document, compared as ingest compares them
/// (NFC, case and outer spaces ignored).
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownLabels {
    keys: HashSet<String>,
}

impl KnownLabels {
    /// The set of `labels`.
    pub(crate) fn new(labels: &[String]) -> Self {
        KnownLabels {
            keys: labels.iter().map(|l| label_key(l)).collect(),
        }
    }

    /// Whether `label` is listed.
    pub(crate) fn contains(&self, label: &str) -> bool {
        self.keys.contains(&label_key(label))
    }

    /// Whether the candidate's label, or its base without qualifier, is listed.
    pub(crate) fn lists(&self, c: &Candidate) -> bool {
        !self.keys.is_empty()
            && (self.keys.contains(&label_key(&c.label)) || self.keys.contains(&label_key(&c.base)))
    }
}

/// A label as it is compared: NFC, lowercase, whitespace collapsed.
pub(crate) fn label_key(label: &str) -> String {
    let nfc: String = label.nfc().collect();
    nfc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Parses `hh:mm:ss`, `h:mm:ss`, `mm:ss` with an optional `.mmm` or `,mmm` fraction into
/// milliseconds. Minutes and seconds must be below 60 (minutes may exceed 59 when there are no
/// hours, as in `75:02.000`).
pub(crate) fn parse_timestamp(s: &str) -> Option<u64> {
    let (clock, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (clock_ms, _) = parse_clock(clock)?;
    let ms = match frac {
        None => 0,
        Some(f) => fraction_ms(f)?,
    };
    Some(clock_ms + ms)
}

/// `hh:mm:ss`, `h:mm:ss` or `mm:ss` in milliseconds, and the number of parts.
fn parse_clock(clock: &str) -> Option<(u64, usize)> {
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
    Some((((h * 60 + m) * 60 + sec) * 1000, parts.len()))
}

/// A decimal fraction of a second (`5` is 500 ms, `05` is 50 ms, `005` is 5 ms).
fn fraction_ms(f: &str) -> Option<u64> {
    if f.is_empty() || f.len() > 3 || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = f.parse().ok()?;
    Some(v * 10u64.pow(3 - f.len() as u32))
}

/// An f4/f5 time mark, `#00:01:23-4#` (f4transkript and MAXQDA write the tenths after the
/// dash): its length in bytes at the start of `s` and its time.
fn f4_mark(s: &str) -> Option<(usize, u64)> {
    let rest = s.strip_prefix('#')?;
    let close = rest.bytes().take(16).position(|b| b == b'#')?;
    let inner = &rest[..close];
    let (clock, frac) = inner.split_once('-')?;
    let (clock_ms, parts) = parse_clock(clock)?;
    (parts == 3).then_some(())?;
    Some((close + 2, clock_ms + fraction_ms(frac)?))
}

/// `text` without its f4/f5 time marks (`#00:01:23-4#`), and the time of the last one. A line
/// without `#` is returned as it is, so this stays one pass over the line.
pub(crate) fn strip_time_marks(text: &str) -> (std::borrow::Cow<'_, str>, Option<u64>) {
    if !text.contains('#') {
        return (text.into(), None);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = None;
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        match f4_mark(&rest[i..]) {
            Some((len, ms)) => {
                last = Some(ms);
                out.push(' ');
                rest = &rest[i + len..];
            }
            None => {
                out.push('#');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    (out.into(), last)
}

/// A leading time range `[00:00:01.000 --> 00:00:03.500]` or `[00:01 - 00:03]`, as diarisation
/// scripts write one before the speaker: its start.
fn leading_range(inner: &str) -> Option<u64> {
    let (from, _) = inner
        .split_once("-->")
        .or_else(|| inner.split_once(" - "))
        .or_else(|| inner.split_once(" – "))?;
    parse_timestamp(from.trim())
}

/// Strips a leading timestamp, `[00:12:03]`, `[start --> end]` or bare `00:12:03` followed by
/// whitespace.
fn strip_leading_time(s: &str) -> (Option<u64>, &str) {
    if let Some(rest) = s.strip_prefix('[')
        && let Some(close) = rest.find(']')
        && let Some(ms) =
            parse_timestamp(rest[..close].trim()).or_else(|| leading_range(&rest[..close]))
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

/// What one word of a label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// Starts with a capital or a digit.
    Strong,
    /// A name particle (`van`, `de`, `el`).
    Particle,
    /// Lowercase, with a digit in it (`admin-1`, `p01`).
    Numbered,
    /// Any other lowercase word.
    Lower,
}

/// The kind of one word, or `None` when no label has it (quotes, slashes, a comma at its end).
fn word_kind(word: &str, last: bool) -> Option<Word> {
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.' | '_' | '&');
    if !word.chars().all(allowed) {
        return None;
    }
    // A full stop inside a label only ends an initial (`J.`) or a title (`Dr.`).
    if word.ends_with('.') && !last {
        let initial = word.chars().count() == 2;
        if !initial && !TITLES.contains(&word.to_lowercase().as_str()) {
            return None;
        }
    }
    let first = word.chars().next()?;
    Some(if first.is_uppercase() || first.is_ascii_digit() {
        Word::Strong
    } else if PARTICLES.contains(&word) {
        Word::Particle
    } else if word.chars().any(|c| c.is_ascii_digit()) {
        Word::Numbered
    } else {
        Word::Lower
    })
}

/// The kind of a label's words (brackets, qualifier and times already removed).
fn words_kind(words: &[&str]) -> LabelKind {
    if words.is_empty() || words.len() > MAX_LABEL_WORDS {
        return LabelKind::Sentence;
    }
    let mut kinds = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        match word_kind(w, i + 1 == words.len()) {
            Some(k) => kinds.push(k),
            None => return LabelKind::Sentence,
        }
    }
    if kinds[1..].contains(&Word::Lower) {
        return LabelKind::Sentence;
    }
    let strong = kinds.contains(&Word::Strong);
    // `spreker 2`: a lowercase word with a number after it.
    let numbered = kinds.contains(&Word::Numbered)
        || (kinds[0] == Word::Lower
            && words[1..]
                .iter()
                .any(|w| w.bytes().all(|b| b.is_ascii_digit())));
    if (strong && kinds[0] != Word::Lower) || numbered {
        LabelKind::Clear
    } else if kinds == [Word::Lower] {
        LabelKind::Unsure
    } else {
        LabelKind::Sentence
    }
}

/// Splits a trailing qualifier in parentheses off a label: `Tolk (Arabisch)` → (`Tolk`,
/// `Arabisch`).
fn split_qualifier(s: &str) -> (&str, Option<&str>) {
    if let Some(inner) = s.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
    {
        let qualifier = inner[open + 1..].trim();
        let base = inner[..open].trim_end();
        if !base.is_empty()
            && !qualifier.is_empty()
            && qualifier.chars().count() <= MAX_QUALIFIER_CHARS
            && !qualifier.contains(['(', ')', ':'])
        {
            return (base, Some(qualifier));
        }
    }
    (s, None)
}

/// Reads a string that may hold nothing but a speaker label, with a timestamp before it
/// (`[00:12:03] Naam`) or after it (`Naam (00:12:03)`, `Naam   0:03`): the candidate and its
/// kind, or `None` when it is empty or too long to be one.
pub(crate) fn read_label(s: &str) -> Option<Candidate> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if s.is_empty() || s.len() > MAX_LABEL_BYTES {
        return None;
    }
    let (before, s) = strip_leading_time(s);
    let (s, after) = strip_trailing_time(s);
    let nfc: String = s.nfc().collect();
    let unbracketed = nfc
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .filter(|inner| !inner.contains(['[', ']']))
        .unwrap_or(&nfc)
        .trim();
    let (base, qualifier) = split_qualifier(unbracketed);
    let words: Vec<&str> = base.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let base = words.join(" ");
    let label = match qualifier {
        Some(q) => format!(
            "{base} ({})",
            q.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        None => base.clone(),
    };
    Some(Candidate {
        kind: words_kind(&words),
        label,
        base,
        time: before.or(after),
    })
}

/// Parses a string that holds nothing but a clear speaker label, optionally with a timestamp
/// (see [`read_label`]). Returns the label and the time.
pub(crate) fn parse_label_only(s: &str) -> Option<(String, Option<u64>)> {
    let c = read_label(s)?;
    (c.kind == LabelKind::Clear).then_some((c.label, c.time))
}

/// Where the text before the label's colon ends: the first colon followed by whitespace or the
/// end of the line (colons inside timestamps are skipped), within [`MAX_LABEL_BYTES`].
fn label_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let limit = bytes.len().min(MAX_LABEL_BYTES + 1);
    (0..limit).find(|&i| {
        bytes[i] == b':'
            && line[i + 1..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace())
    })
}

/// A speaker id in brackets without a colon, `[Speaker 1] text` (optionally after a time), as
/// diarisation scripts write it: a label only when listed, or clear and numbered, so that
/// `[Applaus] …` and `[lacht] …` stay text.
fn bracket_head(line: &str, known: &KnownLabels) -> Option<LabelHead> {
    let (time, rest) = strip_leading_time(line);
    let inner = rest.strip_prefix('[')?;
    let close = inner
        .bytes()
        .take(MAX_LABEL_BYTES)
        .position(|b| b == b']')?;
    let after = &inner[close + 1..];
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    let c = read_label(&inner[..close])?;
    let numbered = c.kind == LabelKind::Clear && c.label.contains(|ch: char| ch.is_ascii_digit());
    if !(numbered || known.lists(&c)) {
        return None;
    }
    Some(LabelHead {
        speaker: c.label,
        start_ms: time.or(c.time),
        text_start: line.len() - after.trim_start().len(),
    })
}

/// Reads a line that may start with `Label: text`, `[00:12:03] Label: text`,
/// `Label (00:12:03): text` or `[Speaker 1] text`, deciding by `known` where the grammar alone
/// is unsure.
pub(crate) fn classify_turn_line(line: &str, known: &KnownLabels) -> LineStart {
    let by_bracket = || match bracket_head(line, known) {
        Some(head) => LineStart::Turn(head),
        None => LineStart::Text,
    };
    let Some(colon) = label_colon(line) else {
        return by_bracket();
    };
    let Some(c) = read_label(&line[..colon]) else {
        return by_bracket();
    };
    let rest = &line[colon + 1..];
    let text_start = colon + 1 + (rest.len() - rest.trim_start().len());
    let kind = if known.lists(&c) {
        LabelKind::Clear
    } else {
        c.kind
    };
    let head = LabelHead {
        speaker: c.label,
        start_ms: c.time,
        text_start,
    };
    match kind {
        LabelKind::Clear => LineStart::Turn(head),
        LabelKind::Unsure => LineStart::Unsure(head),
        LabelKind::Sentence => by_bracket(),
    }
}

/// Recognises a turn line whose label is clear without the manifest (see
/// [`classify_turn_line`]).
pub(crate) fn parse_turn_line(line: &str) -> Option<LabelHead> {
    match classify_turn_line(line, &KnownLabels::default()) {
        LineStart::Turn(head) => Some(head),
        _ => None,
    }
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
    fn f4_time_marks() {
        let (text, last) = strip_time_marks("Ja, dat klopt. #00:01:23-4#");
        assert_eq!((text.trim_end(), last), ("Ja, dat klopt.", Some(83_400)));
        let (text, last) = strip_time_marks("Eerst #00:00:05-0# toen #00:00:09-15# klaar");
        assert_eq!((text.as_ref(), last), ("Eerst   toen   klaar", Some(9_150)));
        let (text, last) = strip_time_marks("Hashtag #zorg en #12 blijven staan");
        assert_eq!(
            (text.as_ref(), last),
            ("Hashtag #zorg en #12 blijven staan", None)
        );
    }

    #[test]
    fn labels() {
        let l = |s| parse_label_only(s).map(|(l, _)| l);
        assert_eq!(l("Nadia El Amrani").as_deref(), Some("Nadia El Amrani"));
        assert_eq!(l("Anouk de Graaf").as_deref(), Some("Anouk de Graaf"));
        assert_eq!(l("Deelnemer 3").as_deref(), Some("Deelnemer 3"));
        assert_eq!(l("R1").as_deref(), Some("R1"));
        assert_eq!(l("Tolk (Arabisch)").as_deref(), Some("Tolk (Arabisch)"));
        assert_eq!(
            l("Dr. Jansen  ( GGD )").as_deref(),
            Some("Dr. Jansen (GGD)")
        );
        assert_eq!(l("[SPEAKER_00]").as_deref(), Some("SPEAKER_00"));
        assert_eq!(l("admin-1").as_deref(), Some("admin-1"));
        assert_eq!(l("spreker 2").as_deref(), Some("spreker 2"));
        assert_eq!(l("J. de Vries").as_deref(), Some("J. de Vries"));
        // Decomposed (NFD) input comes out composed (NFC).
        assert_eq!(l("Anai\u{308}s").as_deref(), Some("Ana\u{ef}s"));
        assert_eq!(l("Nee. Kijk"), None);
        assert_eq!(l("Dus ik zei"), None);
        assert_eq!(l("Ja, precies"), None);
        assert_eq!(l("interviewer"), None);
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
        assert_eq!(
            parse_label_only("[00:00:01.000 --> 00:00:03.000] SPEAKER_01"),
            Some(("SPEAKER_01".into(), Some(1_000)))
        );
    }

    #[test]
    fn kinds() {
        let k = |s| read_label(s).map(|c| c.kind);
        assert_eq!(k("interviewer"), Some(LabelKind::Unsure));
        assert_eq!(k("kijk"), Some(LabelKind::Unsure));
        assert_eq!(k("Nee. Kijk"), Some(LabelKind::Sentence));
        assert_eq!(k("de tolk"), Some(LabelKind::Sentence));
        assert_eq!(k("Waarom?"), Some(LabelKind::Sentence));
        assert_eq!(k("zegt Amal"), Some(LabelKind::Sentence));
        assert_eq!(k(&"x".repeat(200)), None);
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
        assert!(parse_turn_line("Nee. Kijk: de gemeente wil dat niet.").is_none());
        let h = parse_turn_line("Tolk (Arabisch): Hij zegt dat het goed ging.").unwrap();
        assert_eq!(h.speaker, "Tolk (Arabisch)");
        let h = parse_turn_line("[00:00:41.000] [Speaker 1] Ja: precies.").unwrap();
        assert_eq!(
            (h.speaker.as_str(), h.start_ms, h.text_start),
            ("Speaker 1", Some(41_000), 27)
        );
        assert!(parse_turn_line("[Applaus] Dank u wel.").is_none());
        assert!(parse_turn_line("[Speaker 1]Geen spatie").is_none());
    }

    #[test]
    fn the_manifest_decides_where_the_grammar_is_unsure() {
        let known = KnownLabels::new(&["Interviewer".into(), "Nee. Kijk".into()]);
        assert!(matches!(
            classify_turn_line("interviewer: Welkom.", &known),
            LineStart::Turn(h) if h.speaker == "interviewer"
        ));
        assert!(matches!(
            classify_turn_line("Nee. Kijk: een listed label is always a label", &known),
            LineStart::Turn(_)
        ));
        assert!(matches!(
            classify_turn_line("kijk: de gemeente", &known),
            LineStart::Unsure(h) if h.speaker == "kijk"
        ));
        let tolk = KnownLabels::new(&["Tolk".into()]);
        assert!(matches!(
            classify_turn_line("tolk (arabisch): ja", &tolk),
            LineStart::Turn(_)
        ));
    }
}

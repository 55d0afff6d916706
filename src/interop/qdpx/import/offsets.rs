//! Selection offsets → the turns they cover and the span of each turn's text they select.
//!
//! REFI-QDA says offsets count the code points of the source's text, but tools count
//! differently, and a project does not say how. NVivo counts UTF-16 code units (an emoji is
//! two) and leaves a byte order mark out; ATLAS.ti counts a CR LF line end as one character
//! (QualCoder's importer corrects for it); some tools write the last selected character as the
//! end. So each source's [`Convention`] is picked from its own selections
//! ([`SourceText::convention`]): the one under which the most selections hold the text the
//! project quotes for them (their `name`), and then start and end on word boundaries.
//!
//! The new transcript has LF line ends and no BOM, and a segment's text is a turn without its
//! speaker label (and perhaps with pseudonyms): a selection is mapped into the LF text, the
//! turns it overlaps are found by their code point ranges, and each turn's covered part is
//! found in the segment's text by aligning the turn's words with the segment's, once a turn.
//! Nothing here reads the text once per selection: an import takes time linear in the
//! selections plus the text.

use std::collections::HashMap;

use crate::transcript::Segment;

/// How a tool counted a source's offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Convention {
    /// UTF-16 code units (NVivo) rather than code points (the standard).
    pub utf16: bool,
    /// Whether a byte order mark at the start of the text counts.
    pub bom: bool,
    /// Whether a CR LF line end counts as one character (ATLAS.ti) rather than two.
    pub crlf_one: bool,
    /// Whether the end offset is the last selected character rather than the one after it.
    pub inclusive: bool,
}

impl Convention {
    /// The standard's: code points of the text as it is, the end exclusive.
    pub const STANDARD: Convention = Convention {
        utf16: false,
        bom: true,
        crlf_one: false,
        inclusive: false,
    };
}

/// A source's text as the project has it, and as the new transcript holds it.
pub(super) struct SourceText {
    /// The text as the project has it, a code point an entry.
    original: Vec<char>,
    /// The text as written to `corpus/`: LF line ends, no BOM.
    pub clean: String,
    /// For every code point of `original` (and its end) the code point of `clean` it became.
    map: Vec<usize>,
    /// For every code point of `clean` (and its end) its byte offset.
    clean_bytes: Vec<usize>,
    /// Whether the text starts with a BOM, has CR LF line ends, has characters beyond the BMP:
    /// only then do the conventions differ.
    has_bom: bool,
    has_crlf: bool,
    has_astral: bool,
}

/// A selection as the project writes it: offsets in its tool's units, and its quoted text.
pub(super) struct Written<'a> {
    /// `startPosition`.
    pub start: usize,
    /// `endPosition`.
    pub end: usize,
    /// The selection's `name`: often its text (ATLAS.ti cuts it at 100 characters with "…").
    pub quote: &'a str,
}

impl SourceText {
    /// The text of a source, with its LF form and the maps between the two.
    pub fn new(text: &str) -> SourceText {
        let original: Vec<char> = text.chars().collect();
        let (clean, map) = normalise(&original);
        let mut clean_bytes: Vec<usize> = clean.char_indices().map(|(i, _)| i).collect();
        clean_bytes.push(clean.len());
        SourceText {
            has_bom: original.first() == Some(&'\u{feff}'),
            has_crlf: original.windows(2).any(|w| w == ['\r', '\n']),
            has_astral: original.iter().any(|c| c.len_utf16() > 1),
            original,
            clean,
            map,
            clean_bytes,
        }
    }

    /// The convention under which `selections` fit this text best: most quotes found where
    /// the offsets point, then most starts and ends on word boundaries; the standard's where
    /// nothing tells them apart. Only conventions that differ on this text are tried.
    pub fn convention(&self, selections: &[Written<'_>]) -> Convention {
        let mut best = (Convention::STANDARD, None::<usize>);
        for utf16 in [false, true]
            .into_iter()
            .take(1 + usize::from(self.has_astral))
        {
            for bom in [true, false]
                .into_iter()
                .take(1 + usize::from(self.has_bom))
            {
                for crlf_one in [false, true]
                    .into_iter()
                    .take(1 + usize::from(self.has_crlf))
                {
                    for inclusive in [false, true] {
                        let c = Convention {
                            utf16,
                            bom,
                            crlf_one,
                            inclusive,
                        };
                        let units = self.units(c);
                        let score: usize = selections
                            .iter()
                            .map(|s| self.fit(self.resolve(units.as_deref(), c, s), s.quote))
                            .sum();
                        if best.1.is_none_or(|b| score > b) {
                            best = (c, Some(score));
                        }
                    }
                }
            }
        }
        best.0
    }

    /// What `c` says of this text, for the ledger: the units, and how the BOM, CR LF line
    /// ends and the end offset were read where the text makes that matter.
    pub fn describe(&self, c: Convention) -> String {
        let mut parts = vec![if c.utf16 {
            "UTF-16 code units"
        } else {
            "code points"
        }];
        if self.has_bom {
            parts.push(if c.bom {
                "BOM counted"
            } else {
                "BOM not counted"
            });
        }
        if self.has_crlf {
            parts.push(if c.crlf_one {
                "CR LF as one"
            } else {
                "CR LF as two"
            });
        }
        parts.push(if c.inclusive {
            "end inclusive"
        } else {
            "end exclusive"
        });
        parts.join(", ")
    }

    /// For every unit offset under `c`, the code point of `original` it points at; `None`
    /// when units are code points of the text as it is.
    pub fn units(&self, c: Convention) -> Option<Vec<usize>> {
        let differs = (c.utf16 && self.has_astral)
            || (!c.bom && self.has_bom)
            || (c.crlf_one && self.has_crlf);
        if !differs {
            return None;
        }
        let mut units = Vec::with_capacity(self.original.len() + 1);
        for (i, &ch) in self.original.iter().enumerate() {
            // An uncounted BOM, and the CR of a CR LF counted as one, take no unit.
            let uncounted = (i == 0 && ch == '\u{feff}' && !c.bom)
                || (c.crlf_one && ch == '\r' && self.original.get(i + 1) == Some(&'\n'));
            let width = match (uncounted, c.utf16) {
                (true, _) => 0,
                (false, true) => ch.len_utf16(),
                (false, false) => 1,
            };
            // A unit inside a character (a surrogate's second half) points past it.
            for k in 0..width {
                units.push(i + k.min(1));
            }
        }
        units.push(self.original.len());
        Some(units)
    }

    /// The code points `[a, b)` of `original` the selection `s` covers under `c` (`units`
    /// from [`SourceText::units`]).
    pub fn resolve(
        &self,
        units: Option<&[usize]>,
        c: Convention,
        s: &Written<'_>,
    ) -> (usize, usize) {
        let len = self.original.len();
        let end = s.end + usize::from(c.inclusive);
        let at = |u: usize| units.map_or(u.min(len), |m| m.get(u).copied().unwrap_or(len));
        let (a, b) = (at(s.start), at(end));
        (a, b.max(a))
    }

    /// How well the code points `[a, b)` fit a selection quoted as `quote`: 4 when they hold
    /// the quote exactly (its start, where it is cut with "…"), 3 when they do but for space
    /// at either end, and one more for each end on a word boundary.
    fn fit(&self, (a, b): (usize, usize), quote: &str) -> usize {
        let boundary = |p: usize| {
            let word = |i: usize| self.original.get(i).is_some_and(|c| c.is_alphanumeric());
            p == 0 || p >= self.original.len() || !(word(p - 1) && word(p))
        };
        let text = &self.original[a..b];
        let quoted = if holds(text, quote, true) {
            4
        } else if holds(text, quote, false) {
            3
        } else {
            0
        };
        quoted + usize::from(boundary(a)) + usize::from(boundary(b))
    }

    /// The text of the code points `[a, b)`, for the ledger (at most 200 characters).
    pub fn selected(&self, (a, b): (usize, usize)) -> String {
        let mut s: String = self.original[a..b]
            .iter()
            .filter(|&&c| c != '\u{feff}')
            .take(200)
            .collect();
        if b - a > 200 {
            s.push('…');
        }
        s
    }

    /// Where the code points `[a, b)` of the original text land among `turns`, this text's.
    pub fn land<'s>(
        &self,
        (a, b): (usize, usize),
        turns: &mut Turns<'s>,
    ) -> Vec<(&'s Segment, Option<[usize; 2]>)> {
        let (ca, cb) = (self.map[a], self.map[b]);
        let segs = turns.segments;
        let mut out = Vec::new();
        if ca >= cb {
            return out;
        }
        let first = segs.partition_point(|s| s.char_end <= ca);
        for (i, seg) in segs.iter().enumerate().skip(first) {
            if seg.char_start >= cb {
                break;
            }
            let cs = seg.char_start.min(self.clean_bytes.len() - 1);
            let ce = seg.char_end.min(self.clean_bytes.len() - 1);
            let alignment = turns.aligned.entry(i).or_insert_with(|| {
                let turn = &self.clean[self.clean_bytes[cs]..self.clean_bytes[ce]];
                Alignment::new(turn, &seg.text)
            });
            let base = self.clean_bytes[cs];
            let x = self.clean_bytes[ca.max(cs)] - base;
            let y = self.clean_bytes[cb.min(ce)] - base;
            let (s, e) = (alignment.start(x), alignment.end(y));
            if s >= e {
                // Only the speaker label, or space between turns.
                continue;
            }
            let span = (s > 0 || e < seg.text.len()).then_some([s, e]);
            out.push((seg, span));
        }
        out
    }
}

/// The turns of one transcript, with the alignment of each turn's words that a selection
/// has needed so far.
pub(super) struct Turns<'s> {
    segments: &'s [Segment],
    aligned: HashMap<usize, Alignment>,
}

impl<'s> Turns<'s> {
    /// The turns `segments`, in text order.
    pub fn new(segments: &'s [Segment]) -> Turns<'s> {
        Turns {
            segments,
            aligned: HashMap::new(),
        }
    }
}

/// Whether `text` holds `quote`, whitespace runs counting as one space (a BOM as none); a
/// quote cut with "…" (or "...") need only start it. Unless `strict`, space at the text's
/// ends does not count. Reads no further than the quote.
fn holds(text: &[char], quote: &str, strict: bool) -> bool {
    let quote = quote.trim();
    let (quote, cut) = match quote
        .strip_suffix('…')
        .or_else(|| quote.strip_suffix("..."))
    {
        Some(q) => (q.trim_end(), true),
        None => (quote, false),
    };
    if quote.is_empty() {
        return false;
    }
    let mut t = squashed(text.iter().copied(), !strict);
    let mut q = squashed(quote.chars(), true);
    loop {
        match (q.next(), t.next()) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), _) => return false,
            (None, None) => return true,
            (None, Some(c)) => return cut || (!strict && c == ' ' && t.next().is_none()),
        }
    }
}

/// `chars` with every whitespace run (and a BOM) as one space; none at the start when
/// `trim_start`.
fn squashed(chars: impl Iterator<Item = char>, trim_start: bool) -> impl Iterator<Item = char> {
    let mut space = trim_start;
    chars.filter_map(move |c| {
        if c == '\u{feff}' {
            return None;
        }
        if c.is_whitespace() {
            if space {
                return None;
            }
            space = true;
            Some(' ')
        } else {
            space = false;
            Some(c)
        }
    })
}

/// The text with CR LF and lone CR made LF and a BOM dropped, and for every code point of the
/// original (and its end) the code point it became.
fn normalise(text: &[char]) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut n = 0;
    for (i, &c) in text.iter().enumerate() {
        map.push(n);
        if i == 0 && c == '\u{feff}' {
            continue;
        }
        if c == '\r' {
            if text.get(i + 1) == Some(&'\n') {
                continue;
            }
            out.push('\n');
        } else {
            out.push(c);
        }
        n += 1;
    }
    map.push(n);
    (out, map)
}

/// A turn's words (as the source writes it) paired with the words of its segment's text:
/// the speaker label, timestamps and inline tags have no partner, a pseudonym partners the
/// name it replaced.
struct Alignment {
    /// (start, end) bytes of a word in the turn, (start, end) bytes of its partner in the
    /// segment's text, and whether the two are the same word; in text order.
    pairs: Vec<([usize; 2], [usize; 2], bool)>,
    /// The length of the segment's text.
    len: usize,
}

/// How many words of the turn a segment's word is looked for (an inline tag may stand
/// between two words of the text).
const LOOKAHEAD: usize = 16;

impl Alignment {
    fn new(turn: &str, text: &str) -> Alignment {
        let words = |s: &str| -> Vec<[usize; 2]> {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in s.char_indices() {
                match (c.is_whitespace(), start) {
                    (true, Some(a)) => {
                        out.push([a, i]);
                        start = None;
                    }
                    (false, None) => start = Some(i),
                    _ => {}
                }
            }
            if let Some(a) = start {
                out.push([a, s.len()]);
            }
            out
        };
        let (src, dst) = (words(turn), words(text));
        // From the end backwards: the label stands before the text, so the text's words are
        // met first, and a label word that recurs in the text ("Jan de Vries: de …") is not
        // taken for it.
        let mut pairs = Vec::with_capacity(dst.len());
        let mut j = src.len();
        for &d in dst.iter().rev() {
            let w = &text[d[0]..d[1]];
            let from = j.saturating_sub(LOOKAHEAD);
            match (from..j).rev().find(|&k| &turn[src[k][0]..src[k][1]] == w) {
                Some(k) => {
                    pairs.push((src[k], d, true));
                    j = k;
                }
                None if j > 0 => {
                    pairs.push((src[j - 1], d, false));
                    j -= 1;
                }
                None => {}
            }
        }
        pairs.reverse();
        Alignment {
            pairs,
            len: text.len(),
        }
    }

    /// The byte of the segment's text where a selection starting at byte `x` of the turn
    /// starts: inside a word the two share, the same place; else the next word's start.
    fn start(&self, x: usize) -> usize {
        let i = self.pairs.partition_point(|p| p.0[1] <= x);
        match self.pairs.get(i) {
            Some(&(s, d, same)) if same && x > s[0] => d[0] + (x - s[0]),
            Some(&(_, d, _)) => d[0],
            None => self.len,
        }
    }

    /// The byte of the segment's text where a selection ending at byte `y` of the turn ends:
    /// inside a word the two share, the same place; else the previous word's end.
    fn end(&self, y: usize) -> usize {
        let i = self.pairs.partition_point(|p| p.0[0] < y);
        match i.checked_sub(1).map(|i| self.pairs[i]) {
            Some((s, d, same)) if same && y < s[1] => d[0] + (y - s[0]),
            Some((_, d, _)) => d[1],
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(start: usize, end: usize, quote: &str) -> Written<'_> {
        Written { start, end, quote }
    }

    #[test]
    fn normalising_line_ends_keeps_a_map_of_offsets() {
        let chars: Vec<char> = "a\r\nb\rc".chars().collect();
        let (t, map) = normalise(&chars);
        assert_eq!(t, "a\nb\nc");
        assert_eq!(map, vec![0, 1, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_quote_cut_with_an_ellipsis_need_only_start_the_selection() {
        let t: Vec<char> = "Ik werk nu  drie\r\ndagen".chars().collect();
        assert!(holds(&t, "Ik werk nu drie dagen", true));
        assert!(holds(&t, "Ik werk nu…", true));
        assert!(!holds(&t, "Ik werk nu", false));
        assert!(!holds(&t, "Quotation 6:1", false));
        assert!(!holds(&t, "", false));
        // Space at the ends counts only when strict.
        let t: Vec<char> = " drie dagen".chars().collect();
        assert!(holds(&t, "drie dagen", false) && !holds(&t, "drie dagen", true));
    }

    #[test]
    fn the_convention_is_the_one_the_quotes_fit() {
        // NVivo: UTF-16 units, the BOM left out; each emoji before the selection is two units.
        let text = "\u{feff}Amal: 😀😀 ja. Ik werk nu drie dagen.";
        let src = SourceText::new(text);
        let q = "Ik werk nu drie dagen";
        let at = text.find(q).unwrap();
        let utf16 = text[..at].encode_utf16().count() - 1;
        let sels = [written(utf16, utf16 + q.len(), q)];
        let c = src.convention(&sels);
        assert!(c.utf16 && !c.bom && !c.inclusive, "{c:?}");
        assert_eq!(
            src.describe(c),
            "UTF-16 code units, BOM not counted, end exclusive"
        );
        let r = src.resolve(src.units(c).as_deref(), c, &sels[0]);
        assert_eq!(src.selected(r), q);
        // The standard's where nothing tells the conventions apart.
        assert_eq!(src.convention(&[]), Convention::STANDARD);
    }

    #[test]
    fn an_inclusive_end_is_told_from_the_quote() {
        let text = "Ik werk nu drie dagen. Daarna taalles.";
        let src = SourceText::new(text);
        assert!(
            !src.convention(&[written(0, 21, "Ik werk nu drie dagen")])
                .inclusive
        );
        assert!(
            src.convention(&[written(0, 20, "Ik werk nu drie dagen")])
                .inclusive
        );
    }

    #[test]
    fn a_selection_is_aligned_with_the_words_of_the_segment() {
        let turn = "Amal: ja ja, en toen zei ik ja";
        let a = Alignment::new(turn, "ja ja, en toen zei ik ja");
        // From inside the label to the end of "ja,": the label is dropped.
        assert_eq!((a.start(2), a.end(12)), (0, 6));
        // The last "ja".
        assert_eq!((a.start(28), a.end(30)), (22, 24));
        // Only the label: nothing.
        assert!(a.start(0) >= a.end(5));
        // A pseudonym stands where the name was.
        let p = Alignment::new("Amal: ik ben Amal", "ik ben Sara");
        assert_eq!((p.start(13), p.end(17)), (7, 11));
        // A word of the label that recurs in the text is not taken for it.
        let l = Alignment::new("Jan de Vries: de", "de");
        assert_eq!((l.start(14), l.end(16)), (0, 2));
        assert!(l.start(0) >= l.end(13));
    }
}

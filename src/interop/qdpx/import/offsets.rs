//! Selection offsets → the turns they cover and byte ranges in those turns' segments.
//!
//! A project counts code points in the source's text as it has it (CR LF and all); the new
//! transcript has LF line ends, and a segment's text is a turn without its speaker label. So an
//! offset is first mapped into the LF text, the turns it overlaps are found by their code
//! point ranges, and the covered part is looked up in each segment's text by its words.

use crate::transcript::Segment;

/// A source's text as the project has it, and as the new transcript holds it.
pub(super) struct SourceText<'t> {
    /// The text as the project has it: selections count code points in it.
    original: &'t str,
    /// Its code points.
    len: usize,
    /// The text as written to `corpus/`: LF line ends, no BOM.
    pub clean: String,
    /// For every code point of `original` (and its end) the code point of `clean` it became.
    map: Vec<usize>,
}

/// Where a selection lands.
pub(super) struct Landing<'s> {
    /// Its start, in code points of the original text, within the text.
    pub start: usize,
    /// Its end, exclusive (an inclusive end is made exclusive), within the text.
    pub end: usize,
    /// Whether its end offset was read as inclusive.
    pub inclusive: bool,
    /// The segments it covers, each with the span of its text covered (`None`: all of it).
    pub turns: Vec<(&'s Segment, Option<[usize; 2]>)>,
}

impl<'t> SourceText<'t> {
    /// The text of a source, with its LF form and the map between the two.
    pub fn new(original: &'t str) -> SourceText<'t> {
        let (clean, map) = normalise(original);
        SourceText {
            original,
            len: original.chars().count(),
            clean,
            map,
        }
    }

    /// Where the selection `[start, end)` (code points in the original text, the end perhaps
    /// inclusive, as its `quote` tells) lands among `segments`, the turns of this text.
    pub fn land<'s>(
        &self,
        start: usize,
        end: usize,
        quote: &str,
        segments: &'s [Segment],
    ) -> Landing<'s> {
        let len = self.len;
        let (start, end) = (start.min(len), end.min(len).max(start.min(len)));
        let inclusive = inclusive_end(self.original, start, end, quote);
        let end = if inclusive { (end + 1).min(len) } else { end };
        let (a, b) = (self.map[start], self.map[end]);
        Landing {
            start,
            end,
            inclusive,
            turns: place(&self.clean, a, b, segments),
        }
    }
}

/// The text with CR LF and lone CR made LF and a BOM dropped, and for every code point of the
/// original (and its end) the code point it became.
fn normalise(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut n = 0;
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        map.push(n);
        if first && c == '\u{feff}' {
            first = false;
            continue;
        }
        first = false;
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
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

/// Whether a selection's end offset is inclusive: only when its quoted name matches the text
/// one code point further and not as given.
fn inclusive_end(text: &str, start: usize, end: usize, quote: &str) -> bool {
    let quote = quote.trim_end_matches('…').trim_end_matches("...");
    if quote.is_empty() {
        return false;
    }
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = squash(quote);
    let slice = |a: usize, b: usize| {
        text.chars()
            .skip(a)
            .take(b.saturating_sub(a))
            .collect::<String>()
    };
    let exact = squash(&slice(start, end));
    let longer = squash(&slice(start, end + 1));
    exact != q && longer == q
}

/// The segments a selection `[a, b)` (code points in the LF text) covers, each with the span of
/// its text the selection covers (`None` for the whole turn).
fn place<'s>(
    text: &str,
    a: usize,
    b: usize,
    segments: &'s [Segment],
) -> Vec<(&'s Segment, Option<[usize; 2]>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for s in segments {
        let (cs, ce) = (s.char_start, s.char_end);
        if b <= cs || a >= ce || a == b {
            continue;
        }
        let (x, y) = (a.max(cs), b.min(ce));
        let part: String = chars[x.min(chars.len())..y.min(chars.len())]
            .iter()
            .collect();
        let turn: String = chars[cs.min(chars.len())..ce.min(chars.len())]
            .iter()
            .collect();
        let span = span_in(&s.text, &part, &turn, x - cs);
        out.push((s, span));
    }
    out
}

/// Where `part` (text of a turn as written in the source, `offset` code points into `turn`)
/// stands in the segment's `text`: `None` when it covers all of it.
fn span_in(text: &str, part: &str, turn: &str, offset: usize) -> Option<[usize; 2]> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let p = squash(part);
    let t = squash(text);
    if p.is_empty() || p.contains(&t) {
        return None;
    }
    // The part as it stands in the text: whitespace runs may differ (lines joined by a space).
    let words: Vec<&str> = part.split_whitespace().collect();
    let pattern = words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join(r"\s+");
    let re = regex::Regex::new(&pattern).ok()?;
    // Where the turn's text starts in the source, to prefer the occurrence near `offset`.
    let head: String = text.chars().take(24).collect();
    let text_at = turn
        .find(head.as_str())
        .map_or(0, |i| turn[..i].chars().count());
    let want = offset.saturating_sub(text_at);
    let best = re
        .find_iter(text)
        .min_by_key(|m| text[..m.start()].chars().count().abs_diff(want))?;
    if best.start() == 0 && best.end() == text.len() {
        return None;
    }
    Some([best.start(), best.end()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_line_ends_keeps_a_map_of_offsets() {
        let (t, map) = normalise("a\r\nb\rc");
        assert_eq!(t, "a\nb\nc");
        assert_eq!(map, vec![0, 1, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn an_inclusive_end_is_told_from_the_quote() {
        let text = "Ik werk nu drie dagen. Daarna taalles.";
        assert!(!inclusive_end(text, 0, 21, "Ik werk nu drie dagen"));
        assert!(inclusive_end(text, 0, 20, "Ik werk nu drie dagen"));
        assert!(!inclusive_end(text, 0, 20, ""));
        assert!(!inclusive_end(text, 0, 10, "Ik werk nu…"));
    }

    #[test]
    fn a_span_is_found_near_where_the_selection_was() {
        let text = "ja ja, en toen zei ik ja";
        let turn = format!("Amal: {text}");
        assert_eq!(span_in(text, "ja", &turn, 6 + 22), Some([22, 24]));
        assert_eq!(span_in(text, "ja", &turn, 6), Some([0, 2]));
        assert_eq!(span_in(text, text, &turn, 6), None);
    }
}

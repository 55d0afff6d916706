//! Privacy: what keeps names out of what icamo writes. Today the [`Pseudonyms`] map, applied to
//! speaker labels and turn text at ingest; the redaction and panel rules of the outputs join it
//! here.

use std::borrow::Cow;
use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// The pseudonym map, compiled once: whole-word, longest name first, case-sensitive.
pub struct Pseudonyms {
    matcher: Option<AhoCorasick>,
    replacements: Vec<String>,
}

impl Pseudonyms {
    /// Compiles a real name → pseudonym map.
    pub fn new(map: &BTreeMap<String, String>) -> Pseudonyms {
        let names: Vec<&str> = map.keys().map(String::as_str).collect();
        let matcher = if names.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&names)
                .ok()
        };
        Pseudonyms {
            matcher,
            replacements: map.values().cloned().collect(),
        }
    }

    /// `text` with every real name that stands as a whole word replaced by its pseudonym.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let names = self.names(text);
        if names.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::new();
        let mut last = 0;
        for (range, pattern) in names {
            out.push_str(&text[last..range.start]);
            out.push_str(&self.replacements[pattern]);
            last = range.end;
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }

    /// [`Pseudonyms::apply`], also moving byte `offsets` into `text` to the same places in
    /// the result (an offset inside a replaced name moves to the end of its pseudonym).
    pub fn apply_moving(&self, text: &str, offsets: &mut [usize]) -> String {
        let names = self.names(text);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        // (end in `text`, end in `out`) of each replaced name, to move offsets by.
        let mut moved: Vec<(std::ops::Range<usize>, usize)> = Vec::with_capacity(names.len());
        for (range, pattern) in names {
            out.push_str(&text[last..range.start]);
            out.push_str(&self.replacements[pattern]);
            last = range.end;
            moved.push((range, out.len()));
        }
        out.push_str(&text[last..]);
        for offset in offsets.iter_mut() {
            let mut shifted = *offset;
            for (range, new_end) in &moved {
                if *offset <= range.start {
                    break;
                }
                shifted = if *offset >= range.end {
                    *offset - range.end + new_end
                } else {
                    *new_end
                };
            }
            *offset = shifted;
        }
        out
    }

    /// The byte ranges of the real names in `text` that stand as whole words, with the index
    /// of each one's pseudonym.
    fn names(&self, text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        matcher
            .find_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
            .map(|m| (m.range(), m.pattern().as_usize()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudonyms(pairs: &[(&str, &str)]) -> Pseudonyms {
        Pseudonyms::new(
            &pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn pseudonyms_replace_whole_words_longest_first() {
        let p = pseudonyms(&[
            ("Esra", "Derya"),
            ("Esra Yilmaz", "Derya"),
            ("Bas", "Joost"),
        ]);
        assert_eq!(
            p.apply("Esra Yilmaz zei het, en Esra herhaalde het. Basis blijft Bas."),
            "Derya zei het, en Derya herhaalde het. Basis blijft Joost."
        );
    }

    #[test]
    fn pseudonyms_move_offsets_with_the_text() {
        let p = pseudonyms(&[("Esra Yilmaz", "Derya"), ("Bas", "Joost")]);
        let text = "Esra Yilmaz zei het. Bas knikte.";
        let mut offsets = [0, 20, 21, 32];
        let out = p.apply_moving(text, &mut offsets);
        assert_eq!(out, "Derya zei het. Joost knikte.");
        assert_eq!(&out[offsets[0]..offsets[1]], "Derya zei het.");
        assert_eq!(&out[offsets[2]..offsets[3]], "Joost knikte.");
    }

    #[test]
    fn pseudonyms_respect_accented_neighbours() {
        let p = pseudonyms(&[("Ana", "Julia")]);
        assert_eq!(p.apply("Anaïs en Ana"), "Anaïs en Julia");
    }
}

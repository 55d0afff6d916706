//! Snippets: the part of a segment's text around what a query matched, with the matches marked.
//!
//! The window is cut over the analyser's word offsets, so it starts and ends on whole words,
//! and the highlights are the ranges the query found (a phrase is one range, not one per word).

use std::ops::Range;

use super::analysis::AnalysedToken;

/// About how many characters of text a snippet shows.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// What marks a cut at either end of a snippet.
const ELLIPSIS: &str = "…";

/// A piece of a segment's text with the query's matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// The text shown: the whole segment text if short, else a window with `…` where it is cut.
    pub text: String,
    /// Byte ranges of the matches in [`Snippet::text`], sorted and not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The text with every highlight wrapped in `open` and `close` (as in `marked("[", "]")`).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.highlights.len() * 8);
        let mut done = 0;
        for h in &self.highlights {
            let (Some(before), Some(word)) =
                (self.text.get(done..h.start), self.text.get(h.clone()))
            else {
                continue; // out of order or not on character boundaries: leave it unmarked
            };
            out.push_str(before);
            out.push_str(open);
            out.push_str(word);
            out.push_str(close);
            done = h.end;
        }
        out.push_str(&self.text[done..]);
        out
    }
}

/// The snippet of `text` (analysed as `tokens`) around the densest run of `highlights` (byte
/// ranges into `text`, sorted, not overlapping, on word boundaries).
pub(crate) fn make_snippet(
    text: &str,
    tokens: &[AnalysedToken],
    highlights: &[Range<usize>],
) -> Snippet {
    if text.chars().count() <= SNIPPET_CHARS {
        return Snippet {
            text: text.to_string(),
            highlights: highlights.to_vec(),
        };
    }
    let chars = |r: Range<usize>| text[r].chars().count();

    // The run of highlights that fits the window and holds the most of them (earliest wins).
    let mut focus = 0..0;
    let mut best = 0;
    for (i, first) in highlights.iter().enumerate() {
        let fitting = highlights[i..]
            .iter()
            .take_while(|h| chars(first.start..h.end) <= SNIPPET_CHARS)
            .count()
            .max(1);
        if fitting > best {
            best = fitting;
            focus = first.start..highlights[i + fitting - 1].end;
        }
    }

    // Centre the window on the run, then keep it inside the text.
    let slack = SNIPPET_CHARS.saturating_sub(chars(focus.clone()));
    let mut start = back_chars(text, focus.start, slack / 2);
    let mut end = forward_chars(text, start, SNIPPET_CHARS).max(focus.end);
    if end == text.len() {
        start = back_chars(text, end, SNIPPET_CHARS).min(focus.start);
    }

    // Whole words only: drop a word cut in two at either end (never one that is highlighted).
    if start > 0
        && let Some(t) = tokens.iter().find(|t| t.range.start >= start)
    {
        start = t.range.start.min(focus.start);
    }
    if end < text.len()
        && let Some(t) = tokens.iter().rev().find(|t| t.range.end <= end)
    {
        end = t.range.end.max(focus.end).max(start);
    }

    let prefix = if start > 0 { ELLIPSIS } else { "" };
    let suffix = if end < text.len() { ELLIPSIS } else { "" };
    let shift = |i: usize| i - start + prefix.len();
    Snippet {
        text: format!("{prefix}{}{suffix}", &text[start..end]),
        highlights: highlights
            .iter()
            .filter(|h| h.start >= start && h.end <= end)
            .map(|h| shift(h.start)..shift(h.end))
            .collect(),
    }
}

/// The byte index `n` characters before `from` (or 0).
fn back_chars(text: &str, from: usize, n: usize) -> usize {
    if n == 0 {
        return from;
    }
    text[..from]
        .char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(i, _)| i)
}

/// The byte index `n` characters after `from` (or the end of the text).
fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

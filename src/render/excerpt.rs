//! A quote as an author would cut it: whole sentences only, what is left out marked "[…]"
//! (the Dutch convention, with the ellipsis character), the openers of speech an author
//! drops ("Ja,", "Nou,", "Eh,") left out at the start, and never a word inside changed.
//!
//! Spoken Dutch is hard on sentence ends: "bijv." and "o.a." end no sentence, and a
//! transcriber's "…" before a lower-case word is a pause, not an end. [`sentences`] knows
//! both; [`excerpt`] keeps the sentences with the coded words and as many around them as fit.

use std::collections::BTreeSet;
use std::ops::Range;

/// What marks words left out: square brackets around the ellipsis character.
pub(crate) const LEFT_OUT: &str = "[…]";

/// Abbreviations that end in a full stop but end no sentence (lower case). Tokens with a full
/// stop inside ("z.g.a.n.") are taken as abbreviations without being listed.
const ABBREVIATIONS: [&str; 27] = [
    "bijv.", "bv.", "enz.", "etc.", "ca.", "evt.", "incl.", "excl.", "resp.", "nl.", "dhr.",
    "mevr.", "mw.", "dr.", "drs.", "ir.", "mr.", "prof.", "nr.", "blz.", "zgn.", "vnl.", "jl.",
    "vs.", "wo.", "st.", "fa.",
];

/// Words of speech an author drops at the start of a quote, when a comma or full stop sets
/// them off ("Ja nee," and "Nou ja," are two of them in a row).
const OPENERS: [&str; 8] = ["ja", "nee", "nou", "eh", "ehm", "uh", "uhm", "kijk"];

/// How many words the sentence after an opener must have for the opener to be left out.
const MEANT_WORDS: usize = 5;

/// The byte ranges of `text`'s sentences, in order, without the spaces between them.
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if start.is_none() && !c.is_whitespace() {
            start = Some(at);
        }
        if matches!(c, '.' | '?' | '!' | '…') {
            // The run of end marks and closing quotes or brackets that follow.
            let mut j = i;
            while j < chars.len() && is_end_or_closing(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |(b, _)| *b);
            let next_word = chars[j..].iter().find(|(_, c)| !c.is_whitespace());
            let spaced = chars.get(j).is_none_or(|(_, c)| c.is_whitespace());
            if spaced && ends_here(text, start.unwrap_or(at), at, next_word) {
                out.push(start.unwrap_or(at)..end);
                start = None;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    if let Some(s) = start {
        let end = text.trim_end().len();
        if end > s {
            out.push(s..end);
        }
    }
    out
}

fn is_end_or_closing(c: char) -> bool {
    matches!(
        c,
        '.' | '?' | '!' | '…' | '"' | '\'' | '”' | '’' | ')' | ']'
    )
}

/// Whether the end mark at byte `at` ends the sentence that began at `start`: not a full
/// stop after an abbreviation, and no mark where the next word goes on in lower case (a pause,
/// or a question quoted in a sentence: "Ben je moe?" vroeg ze).
fn ends_here(text: &str, start: usize, at: usize, next: Option<&(usize, char)>) -> bool {
    let token_start = text[start..at]
        .rfind(char::is_whitespace)
        .map_or(start, |p| start + p + 1);
    let token = text[token_start..at].to_lowercase();
    if text[at..].starts_with('.') {
        let with_stop = format!("{token}.");
        if ABBREVIATIONS.contains(&with_stop.as_str()) || token.contains('.') {
            return false;
        }
    }
    next.is_none_or(|(_, c)| !c.is_lowercase())
}

/// How many words `text` has.
pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `text` with its runs of white space (line breaks too) made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to about `max_words` at sentence ends: the sentences that hold the coded
/// `spans` (bytes of `text`; none, or all of it, means the quote is the whole turn), then
/// the sentences after and before them while they fit. Sentences that hold coded words are
/// never cut, even when they alone are longer; what is left out is marked [`LEFT_OUT`].
/// Openers of speech at the start are left out too ([`drop_openers`]).
pub(crate) fn excerpt(text: &str, spans: &[[usize; 2]], max_words: usize) -> String {
    let all = sentences(text);
    if all.is_empty() {
        return String::new();
    }
    let words: Vec<usize> = all.iter().map(|r| word_count(&text[r.clone()])).collect();
    let kept = if words.iter().sum::<usize>() <= max_words {
        (0..all.len()).collect()
    } else {
        kept_sentences(&all, &words, spans, max_words)
    };
    let mut parts = Vec::new();
    let mut last = None;
    for &i in &kept {
        if i > 0 && last.is_none_or(|l: usize| l + 1 < i) {
            parts.push(LEFT_OUT.to_string());
        }
        parts.push(one_line(&text[all[i].clone()]));
        last = Some(i);
    }
    if last.is_some_and(|l| l + 1 < all.len()) {
        parts.push(LEFT_OUT.to_string());
    }
    drop_openers(&parts.join(" "))
}

/// Which sentences to keep of a turn longer than `max_words`: see [`excerpt`].
fn kept_sentences(
    all: &[Range<usize>],
    words: &[usize],
    spans: &[[usize; 2]],
    max_words: usize,
) -> BTreeSet<usize> {
    let touched: BTreeSet<usize> = (0..all.len())
        .filter(|&i| {
            spans
                .iter()
                .any(|[a, b]| *a < all[i].end && *b > all[i].start)
        })
        .collect();
    let (Some(&lo), Some(&hi)) = (touched.first(), touched.last()) else {
        return grow(0, 0, words, max_words);
    };
    if touched.len() == all.len() {
        return grow(0, 0, words, max_words);
    }
    if words[lo..=hi].iter().sum::<usize>() <= max_words {
        grow(lo, hi, words, max_words)
    } else {
        touched
    }
}

/// Sentences `lo..=hi`, then the one after and the one before in turn, while they fit in
/// `max_words` (the first sentence is kept whatever its length).
fn grow(mut lo: usize, mut hi: usize, words: &[usize], max_words: usize) -> BTreeSet<usize> {
    let mut total: usize = words[lo..=hi].iter().sum();
    let (mut after, mut before) = (true, true);
    while after || before {
        if after {
            after = hi + 1 < words.len() && total + words[hi + 1] <= max_words;
            if after {
                hi += 1;
                total += words[hi];
            }
        }
        if before {
            before = lo > 0 && total + words[lo - 1] <= max_words;
            if before {
                lo -= 1;
                total += words[lo];
            }
        }
    }
    (lo..=hi).collect()
}

/// `quote` without the openers of speech it starts with ("Ja, eh, dat klopt" gives "[…] dat
/// klopt"; a first sentence of openers only, like "Ja.", goes whole). Nothing is left out
/// when nothing would remain, and no word after them changes.
pub(crate) fn drop_openers(quote: &str) -> String {
    let body = quote.strip_prefix(LEFT_OUT).map_or(quote, str::trim_start);
    let mut cut = 0;
    let mut offset = 0;
    let mut previous = "";
    for token in body.split_inclusive(' ') {
        let word = token.trim_end();
        let bare = word.trim_end_matches([',', '.', '…', '!']).to_lowercase();
        // "nee" only after "ja": on its own it says no.
        let opener = OPENERS.contains(&bare.as_str()) && (bare != "nee" || previous == "ja");
        if !opener {
            break;
        }
        offset += token.len();
        if word.len() > bare.len() {
            cut = offset;
        }
        previous = if bare == "ja" { "ja" } else { "" };
    }
    let rest = body[cut..].trim_start();
    // "Ja, tijd." answers a question: the opener is part of a short answer and stays.
    let first = sentences(rest).first().map_or(rest, |r| &rest[r.clone()]);
    if cut == 0 || rest.starts_with(LEFT_OUT) || word_count(first) < MEANT_WORDS {
        return quote.to_string();
    }
    format!("{LEFT_OUT} {rest}")
}

/// An interviewer's turn shortened to what a short answer answers: its last question (else
/// its last sentence), with [`LEFT_OUT`] where sentences before or after it are left out.
pub(crate) fn question(turn: &str) -> String {
    let all = sentences(turn);
    let Some(pick) = all
        .iter()
        .rposition(|r| turn[r.clone()].trim_end_matches(is_closing).ends_with('?'))
        .or_else(|| all.len().checked_sub(1))
    else {
        return String::new();
    };
    let mut out = one_line(&turn[all[pick].clone()]);
    if pick > 0 {
        out = format!("{LEFT_OUT} {out}");
    }
    if pick + 1 < all.len() {
        out = format!("{out} {LEFT_OUT}");
    }
    drop_openers(&out)
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn abbreviations_and_pauses_end_no_sentence() {
        assert_eq!(
            split(
                "Er zijn o.a. taalcafés, bijv. in de wijk. Dus … ja, dat helpt. Echt? Ja! \"Ben je moe?\" vroeg ze. Nee."
            ),
            vec![
                "Er zijn o.a. taalcafés, bijv. in de wijk.",
                "Dus … ja, dat helpt.",
                "Echt?",
                "Ja!",
                "\"Ben je moe?\" vroeg ze.",
                "Nee."
            ]
        );
    }

    #[test]
    fn a_turn_without_an_end_mark_is_one_sentence() {
        assert_eq!(
            split("Ik zeg niet dat het geen zin heeft, maar—"),
            vec!["Ik zeg niet dat het geen zin heeft, maar—"]
        );
    }

    #[test]
    fn openers_go_only_when_set_off() {
        assert_eq!(
            drop_openers("Ja nee, dat klopt wel voor de meesten."),
            "[…] dat klopt wel voor de meesten."
        );
        assert_eq!(
            drop_openers("Nou ja, eh, soms gaat het ook goed."),
            "[…] soms gaat het ook goed."
        );
        assert_eq!(
            drop_openers("Ja. Dat klopt voor de meeste mensen."),
            "[…] Dat klopt voor de meeste mensen."
        );
        assert_eq!(
            drop_openers("Kijk naar de cijfers van dit jaar."),
            "Kijk naar de cijfers van dit jaar."
        );
        assert_eq!(
            drop_openers("Nee, dat klopt niet voor iedereen."),
            "Nee, dat klopt niet voor iedereen."
        );
        assert_eq!(
            drop_openers("Ja, tijd. Soms ben ik moe."),
            "Ja, tijd. Soms ben ik moe."
        );
        assert_eq!(drop_openers("Ja."), "Ja.");
        assert_eq!(
            drop_openers("[…] Nou, toen ging ik naar de les."),
            "[…] toen ging ik naar de les."
        );
    }

    #[test]
    fn a_long_turn_keeps_the_coded_sentence_whole() {
        let text =
            "Eerst dit. Dan dat. De kern zit hier, want zonder werk geen taal. En verder niets.";
        let at = text.find("De kern").unwrap();
        assert_eq!(
            excerpt(text, &[[at, at + 7]], 11),
            "[…] Dan dat. De kern zit hier, want zonder werk geen taal. […]"
        );
    }

    #[test]
    fn the_last_question_of_a_turn_is_kept() {
        assert_eq!(
            question("Dank je. Eh, dat is helder. En hoe ging dat dan met de taalles?"),
            "[…] En hoe ging dat dan met de taalles?"
        );
        assert_eq!(
            question("Wat vond je ervan? Neem je tijd."),
            "Wat vond je ervan? […]"
        );
    }
}

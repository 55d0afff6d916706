//! The analysers the index registers with tantivy, all built on [`analyse`]'s words, so a
//! search, a rule and the index agree on what a word is. The analysis itself
//! ([`super::analysis`]) knows nothing of tantivy.

use std::ops::Range;

use tantivy::Index;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

#[cfg(doc)]
use super::analysis::analyse;
use super::analysis::{
    DUTCH_ANALYSER, ENGLISH_ANALYSER, EXACT_ANALYSER, MAX_INDEXED_WORD_BYTES, is_stop_word,
    normalise_into, with_stem, word_ranges,
};
use crate::lang::Language;

/// Registers the three analysers with `index` under [`EXACT_ANALYSER`], [`DUTCH_ANALYSER`]
/// and [`ENGLISH_ANALYSER`].
pub(crate) fn register_analysers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(
        EXACT_ANALYSER,
        TextAnalyzer::from(IcamoTokenizer { stemmed: None }),
    );
    manager.register(
        DUTCH_ANALYSER,
        TextAnalyzer::from(IcamoTokenizer {
            stemmed: Some(Language::Dutch),
        }),
    );
    manager.register(
        ENGLISH_ANALYSER,
        TextAnalyzer::from(IcamoTokenizer {
            stemmed: Some(Language::English),
        }),
    );
}

/// A tantivy tokenizer over [`analyse`]: exact forms when `stemmed` is `None`, else the stems
/// of the non-stop words of that language (at their original positions).
#[derive(Clone)]
struct IcamoTokenizer {
    stemmed: Option<Language>,
}

impl Tokenizer for IcamoTokenizer {
    type TokenStream<'a> = AnalysedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnalysedStream<'a> {
        AnalysedStream {
            text,
            words: Box::new(word_ranges(text)),
            stemmed: self.stemmed,
            exact: String::new(),
            position: 0,
            current: Token::default(),
        }
    }
}

/// The tokens of one text, analysed one at a time as tantivy asks for them, into one reused
/// token: the same terms and positions as [`analyse`], without a string allocated per word.
struct AnalysedStream<'a> {
    text: &'a str,
    words: Box<dyn Iterator<Item = Range<usize>> + 'a>,
    stemmed: Option<Language>,
    /// The current word's exact form.
    exact: String,
    /// The position of the next word (words of no letters after folding are not counted).
    position: usize,
    current: Token,
}

impl TokenStream for AnalysedStream<'_> {
    fn advance(&mut self) -> bool {
        for range in self.words.by_ref() {
            self.exact.clear();
            normalise_into(&self.text[range.clone()], &mut self.exact);
            if self.exact.is_empty() {
                continue;
            }
            let position = self.position;
            self.position += 1;
            let term = &mut self.current.text;
            term.clear();
            match self.stemmed {
                None => term.push_str(&self.exact),
                Some(lang) if is_stop_word(lang, &self.exact) => continue,
                Some(lang) => with_stem(lang, &self.exact, |stem| term.push_str(stem)),
            }
            if term.len() > MAX_INDEXED_WORD_BYTES {
                continue;
            }
            self.current.offset_from = range.start;
            self.current.offset_to = range.end;
            self.current.position = position;
            self.current.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analysis::analyse;

    /// What the index's analysers give, as (term, position, byte range) per token.
    fn streamed(stemmed: Option<Language>, text: &str) -> Vec<(String, usize, Range<usize>)> {
        let mut tokenizer = IcamoTokenizer { stemmed };
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from..t.offset_to));
        }
        out
    }

    #[test]
    fn the_index_analysers_give_the_words_of_analyse() {
        let long = format!("een {} woord", "lang".repeat(70));
        for text in [
            "Geen vertrouwen in de Gemeenten, zei de cliënt: \u{201c}niet één keer\u{201d}.",
            "Œuvre van de coördinator, 12 werkgevers en taal-aanbieders … situaties",
            "",
            long.as_str(),
        ] {
            let fits = |term: &str| term.len() <= MAX_INDEXED_WORD_BYTES;
            let exact: Vec<_> = analyse(Language::Dutch, text)
                .into_iter()
                .filter(|t| fits(&t.exact))
                .map(|t| (t.exact, t.position, t.range))
                .collect();
            assert_eq!(streamed(None, text), exact, "{text}");
            for lang in [Language::Dutch, Language::English] {
                let stems: Vec<_> = analyse(lang, text)
                    .into_iter()
                    .filter(|t| !t.stop && fits(&t.stem))
                    .map(|t| (t.stem, t.position, t.range))
                    .collect();
                assert_eq!(streamed(Some(lang), text), stems, "{text}");
            }
        }
    }
}

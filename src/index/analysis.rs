//! What a word is: the one analysis shared by the search index and the codebook matcher.
//!
//! [`analyse`] splits a text into words (runs of letters and digits, so `taal-aanbieder` is two
//! words, as `crate::transcript::count_words` counts them) and gives each word as an
//! [`AnalysedToken`]: its *exact* form (lower-cased, accents folded: `Cliënten` → `clienten`),
//! its *stem* in the text's language, whether it is a stop word, its byte range and its position.
//!
//! Dutch stems come from Snowball's conservative `dutch_porter` algorithm (via `frostem`), not
//! from the newer Snowball 3 Dutch stemmer that tantivy ships, which strips `ge-`/`be-`
//! prefixes (`gemeente` → `meen`, the stem of `mening`; `begeleiding` → `beleid`). On top of
//! it, the terms of the field are pinned to fixed stems (`protected_stem`), and two plural
//! endings the algorithm leaves alone (`-ies`, `-jes`) lose their `s`. English uses Snowball's
//! `english` stemmer. Both stop lists keep the negations (`niet`, `geen`, `zonder`, `not`, …),
//! because "geen vertrouwen" and "vertrouwen" are opposite findings.
//!
//! The index registers three analysers under fixed names, all built from [`analyse`]:
//! `EXACT_ANALYSER` (exact forms, nothing dropped), `DUTCH_ANALYSER` and
//! `ENGLISH_ANALYSER` (stems, stop words dropped but their positions kept, so phrases still
//! line up). Change anything here and bump [`ANALYSIS_VERSION`].
//!
//! ```
//! use icamo::index::analysis::analyse;
//! use icamo::lang::Language;
//!
//! let words = analyse(Language::Dutch, "Geen vertrouwen in de Gemeenten");
//! let stems: Vec<&str> = words.iter().map(|w| w.stem.as_str()).collect();
//! assert_eq!(stems, ["geen", "vertrouw", "in", "de", "gemeent"]);
//! assert!(words[3].stop && !words[0].stop);
//! ```

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHasher;

use crate::lang::Language;

/// The version of the analysis; recorded by whoever indexes, who re-indexes when it changes.
///
/// Bump it whenever word splitting, folding, stemming, the protected terms or the stop lists
/// change, because an index built with the old analysis would no longer agree with new queries.
pub const ANALYSIS_VERSION: &str = "icamo-analysis-1";

/// Name of the analyser for exact forms: lower-case, accents folded, no stemming, no stop words.
pub(crate) const EXACT_ANALYSER: &str = "icamo_exact";
/// Name of the Dutch analyser: exact forms stemmed with `dutch_porter`, Dutch stop words dropped.
pub(crate) const DUTCH_ANALYSER: &str = "icamo_nl";
/// Name of the English analyser: exact forms stemmed with Snowball English, stop words dropped.
pub(crate) const ENGLISH_ANALYSER: &str = "icamo_en";

/// Words longer than this (in bytes, after folding) are analysed but not put in the index.
pub(crate) const MAX_INDEXED_WORD_BYTES: usize = 255;

/// One word of a text, as both the index and the codebook matcher see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysedToken {
    /// The word lower-cased with its accents folded (`Cliënten` → `clienten`).
    pub exact: String,
    /// The stem in the text's language (`clienten` → `client`), stop words included.
    pub stem: String,
    /// Whether the word is a stop word of the language (left out of the stemmed index).
    pub stop: bool,
    /// Byte range of the word in the analysed text.
    pub range: Range<usize>,
    /// 0-based position of the word among all words of the text, stop words included.
    pub position: usize,
}

/// Splits `text` into words and analyses each in `lang`.
pub fn analyse(lang: Language, text: &str) -> Vec<AnalysedToken> {
    exact_words(text)
        .map(|(position, range, exact)| AnalysedToken {
            stem: stem(lang, &exact),
            stop: is_stop_word(lang, &exact),
            exact,
            range,
            position,
        })
        .collect()
}

/// A buffer to analyse text after text into, as [`analyse`] does: the words' strings stay
/// allocated from one text to the next, which spares [`analyse`]'s two allocations a word
/// where many short texts are analysed one after the other (coding every segment).
#[derive(Debug, Default)]
pub(crate) struct Analyser {
    tokens: Vec<AnalysedToken>,
    len: usize,
}

impl Analyser {
    /// The words of `text` analysed in `lang`, the same as [`analyse`] gives.
    pub fn analyse(&mut self, lang: Language, text: &str) -> &[AnalysedToken] {
        self.len = 0;
        for range in word_ranges(text) {
            if self.len == self.tokens.len() {
                self.tokens.push(AnalysedToken {
                    exact: String::new(),
                    stem: String::new(),
                    stop: false,
                    range: 0..0,
                    position: 0,
                });
            }
            let token = &mut self.tokens[self.len];
            token.exact.clear();
            normalise_into(&text[range.clone()], &mut token.exact);
            if token.exact.is_empty() {
                continue;
            }
            token.stem.clear();
            with_stem(lang, &token.exact, |stem| token.stem.push_str(stem));
            token.stop = is_stop_word(lang, &token.exact);
            token.range = range;
            token.position = self.len;
            self.len += 1;
        }
        &self.tokens[..self.len]
    }
}

/// The words of `text` with their positions, byte ranges and exact forms; the first step of
/// [`analyse`], and all the exact analyser needs.
fn exact_words(text: &str) -> impl Iterator<Item = (usize, Range<usize>, String)> + '_ {
    word_ranges(text)
        .filter_map(|range| {
            let exact = normalise(&text[range.clone()]);
            (!exact.is_empty()).then_some((range, exact))
        })
        .enumerate()
        .map(|(position, (range, exact))| (position, range, exact))
}

/// The byte ranges of the words of `text`: runs of letters and digits (with any combining
/// accents that follow a letter).
pub(crate) fn word_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|&(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if c.is_alphanumeric() || is_combining_mark(c) {
                chars.next();
            } else {
                end = i;
                break;
            }
        }
        Some(start..end)
    })
}

/// The exact form of one word: lower-cased, accents folded, ligatures spelt out.
pub fn normalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalise_into(word, &mut out);
    out
}

/// [`normalise`], appended to `out`.
pub(crate) fn normalise_into(word: &str, out: &mut String) {
    // Most words of a Dutch transcript are plain ASCII: skip the per-character folding.
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        if is_combining_mark(c) {
            continue;
        }
        match fold_char(c) {
            Folded::Char(f) => out.push(f),
            Folded::Str(s) => out.push_str(s),
        }
    }
}

/// The stem of an exact form (as made by [`normalise`]) in `lang`.
pub fn stem(lang: Language, exact: &str) -> String {
    with_stem(lang, exact, str::to_string)
}

/// Calls `f` with the stem of `exact` in `lang`.
pub(crate) fn with_stem<R>(lang: Language, exact: &str, f: impl FnOnce(&str) -> R) -> R {
    // A transcript repeats its words: a per-thread cache spares the stemmer most of its work.
    type Cache = HashMap<String, String, BuildHasherDefault<FxHasher>>;
    thread_local! {
        static CACHE: std::cell::RefCell<[Cache; 2]> = std::cell::RefCell::default();
    }
    const CACHE_LIMIT: usize = 100_000;
    CACHE.with(|caches| {
        let mut caches = caches.borrow_mut();
        let cache = &mut caches[lang as usize];
        if let Some(stem) = cache.get(exact) {
            return f(stem);
        }
        let stem = stem_uncached(lang, exact);
        let result = f(&stem);
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(exact.to_string(), stem);
        result
    })
}

fn stem_uncached(lang: Language, exact: &str) -> String {
    if let Some(fixed) = protected_stem(lang, exact) {
        return fixed.to_string();
    }
    match lang {
        Language::Dutch => {
            // dutch_porter only drops a plural -s after a consonant; `situaties` and
            // `taalmaatjes` would otherwise never meet `situatie` and `taalmaatje`.
            let word = if exact.len() > 5 && (exact.ends_with("ies") || exact.ends_with("jes")) {
                &exact[..exact.len() - 1]
            } else {
                exact
            };
            Stemmer::new(Algorithm::DutchPorter).stem(word).into_owned()
        }
        Language::English => Stemmer::new(Algorithm::English).stem(exact).into_owned(),
    }
}

/// The fixed stem of a protected term of the field, if `exact` is one.
///
/// These are the words of the Wet inburgering evaluations whose stems must not drift with the
/// stemmer: each family maps to one stem, and unrelated words never map onto it.
pub(crate) fn protected_stem(lang: Language, exact: &str) -> Option<&'static str> {
    if lang != Language::Dutch {
        return None;
    }
    Some(match exact {
        "werkgever" | "werkgevers" => "werkgever",
        "werknemer" | "werknemers" => "werknemer",
        "statushouder" | "statushouders" => "statushouder",
        "inburgeraar" | "inburgeraars" => "inburgeraar",
        "inburgering" | "inburgeren" => "inburger",
        "gemeente" | "gemeenten" | "gemeentes" => "gemeent",
        "gezondheid" => "gezond",
        "begeleiding" | "begeleidingen" | "begeleiden" | "begeleid" | "begeleidt" | "begeleide"
        | "begeleider" | "begeleiders" => "begeleid",
        "beleid" => "beleid",
        "mening" | "meningen" => "mening",
        "consulent" | "consulenten" => "consulent",
        "client" | "clienten" | "clients" => "client",
        "coordinator" | "coordinatoren" | "coordinators" => "coordinator",
        "taalaanbieder" | "taalaanbieders" => "taalaanbieder",
        "participatie" => "participatie",
        "participatiecomponent" | "participatiecomponenten" => "participatiecomponent",
        "leerroute" | "leerroutes" => "leerroute",
        "route" | "routes" => "route",
        "kinderopvang" => "kinderopvang",
        "discriminatie" => "discriminatie",
        "arbeidsmarktdiscriminatie" => "arbeidsmarktdiscriminatie",
        "jobcoach" | "jobcoaches" | "jobcoachs" => "jobcoach",
        "taalcoach" | "taalcoaches" | "taalcoachs" => "taalcoach",
        "coach" | "coaches" | "coachs" => "coach",
        "stage" | "stages" => "stage",
        "werkplek" | "werkplekken" => "werkplek",
        "motivatie" | "motivaties" | "gemotiveerd" | "gemotiveerde" | "gemotiveerdheid"
        | "motiveren" | "motiveert" | "motiveerde" => "motiv",
        "vertrouwen" | "vertrouwt" => "vertrouw",
        // Negations stay whole: dutch_porter would make `geen` "gen" and `niets` "niet".
        "niet" => "niet",
        "niets" => "niets",
        "geen" => "geen",
        "nooit" => "nooit",
        "zonder" => "zonder",
        "noch" => "noch",
        "niemand" => "niemand",
        "nergens" => "nergens",
        _ => return None,
    })
}

/// Whether `exact` (a form made by [`normalise`]) is a stop word of `lang`.
///
/// The lists are Snowball's, less every word that negates: Dutch keeps `niet`, `geen`, `niets`
/// and `zonder` (and never had `nooit`, `noch`, `niemand`, `nergens`); English keeps `no`, `nor`
/// and `not` (and never had `never`, `without`).
pub fn is_stop_word(lang: Language, exact: &str) -> bool {
    match lang {
        Language::Dutch => matches!(
            exact,
            "aan"
                | "al"
                | "alles"
                | "als"
                | "altijd"
                | "andere"
                | "ben"
                | "bij"
                | "daar"
                | "dan"
                | "dat"
                | "de"
                | "der"
                | "deze"
                | "die"
                | "dit"
                | "doch"
                | "doen"
                | "door"
                | "dus"
                | "een"
                | "eens"
                | "en"
                | "er"
                | "ge"
                | "geweest"
                | "haar"
                | "had"
                | "heb"
                | "hebben"
                | "heeft"
                | "hem"
                | "het"
                | "hier"
                | "hij"
                | "hoe"
                | "hun"
                | "iemand"
                | "iets"
                | "ik"
                | "in"
                | "is"
                | "ja"
                | "je"
                | "kan"
                | "kon"
                | "kunnen"
                | "maar"
                | "me"
                | "meer"
                | "men"
                | "met"
                | "mij"
                | "mijn"
                | "moet"
                | "na"
                | "naar"
                | "nog"
                | "nu"
                | "of"
                | "om"
                | "omdat"
                | "onder"
                | "ons"
                | "ook"
                | "op"
                | "over"
                | "reeds"
                | "te"
                | "tegen"
                | "toch"
                | "toen"
                | "tot"
                | "u"
                | "uit"
                | "uw"
                | "van"
                | "veel"
                | "voor"
                | "want"
                | "waren"
                | "was"
                | "wat"
                | "werd"
                | "wezen"
                | "wie"
                | "wil"
                | "worden"
                | "wordt"
                | "zal"
                | "ze"
                | "zelf"
                | "zich"
                | "zij"
                | "zijn"
                | "zo"
                | "zou"
        ),
        Language::English => matches!(
            exact,
            "a" | "about"
                | "above"
                | "after"
                | "again"
                | "against"
                | "all"
                | "am"
                | "an"
                | "and"
                | "any"
                | "are"
                | "as"
                | "at"
                | "be"
                | "because"
                | "been"
                | "before"
                | "being"
                | "below"
                | "between"
                | "both"
                | "but"
                | "by"
                | "could"
                | "did"
                | "do"
                | "does"
                | "doing"
                | "down"
                | "during"
                | "each"
                | "few"
                | "for"
                | "from"
                | "further"
                | "had"
                | "has"
                | "have"
                | "having"
                | "he"
                | "her"
                | "here"
                | "hers"
                | "herself"
                | "him"
                | "himself"
                | "his"
                | "how"
                | "i"
                | "if"
                | "in"
                | "into"
                | "is"
                | "it"
                | "its"
                | "itself"
                | "me"
                | "more"
                | "most"
                | "my"
                | "myself"
                | "of"
                | "off"
                | "on"
                | "once"
                | "only"
                | "or"
                | "other"
                | "ought"
                | "our"
                | "ours"
                | "ourselves"
                | "out"
                | "over"
                | "own"
                | "same"
                | "she"
                | "should"
                | "so"
                | "some"
                | "such"
                | "than"
                | "that"
                | "the"
                | "their"
                | "theirs"
                | "them"
                | "themselves"
                | "then"
                | "there"
                | "these"
                | "they"
                | "this"
                | "those"
                | "through"
                | "to"
                | "too"
                | "under"
                | "until"
                | "up"
                | "very"
                | "was"
                | "we"
                | "were"
                | "what"
                | "when"
                | "where"
                | "which"
                | "while"
                | "who"
                | "whom"
                | "why"
                | "with"
                | "would"
                | "you"
                | "your"
                | "yours"
                | "yourself"
                | "yourselves"
        ),
    }
}

/// Combining diacritics (U+0300–U+036F), as in a decomposed `ë`: part of a word, folded away.
fn is_combining_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// A lower-case character with its accent folded: one character, or a spelt-out ligature.
enum Folded {
    Char(char),
    Str(&'static str),
}

/// Folds the accents of the Latin letters (Latin-1 and Latin Extended-A); other characters pass.
fn fold_char(c: char) -> Folded {
    Folded::Char(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' | 'ð' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'æ' => return Folded::Str("ae"),
        'œ' => return Folded::Str("oe"),
        'ĳ' => return Folded::Str("ij"),
        'ß' => return Folded::Str("ss"),
        'þ' => return Folded::Str("th"),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_analyser_buffer_gives_what_analyse_gives() {
        let texts = [
            "Geen vertrouwen in de Gemeenten, zei de cliënt: \u{201c}niet één keer\u{201d}.",
            "Ja.",
            "",
            "Œuvre van de coördinator, 12 werkgevers en taal-aanbieders … situaties",
            "Ik werk bij een bakkerij.",
        ];
        let mut buffer = Analyser::default();
        let long = "x".repeat(MAX_INDEXED_WORD_BYTES + 1);
        let texts: Vec<&str> = texts.iter().copied().chain([long.as_str()]).collect();
        for lang in [Language::Dutch, Language::English] {
            for text in texts.iter().chain(texts.iter().rev()) {
                assert_eq!(buffer.analyse(lang, text), analyse(lang, text), "{text}");
            }
        }
    }
}

//! The rule language: what a keyword, a NEAR rule and a regex say, in analysed words.
//!
//! A keyword is turned into a [`Term`]: a row of [`WordTest`]s, one per word that
//! [`analyse`] finds in it, each matched against one token of a segment. Checks, the matcher
//! and the pattern export all read rules through here, so they agree on what a rule means.

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

use super::model::{RuleKind, SynonymGroup};
use crate::index::analysis::{AnalysedToken, analyse};
use crate::lang::Language;

/// The fewest letters before a `*` (as in search: one letter would match half the text).
pub(crate) const MIN_PREFIX_CHARS: usize = 2;
/// The fewest letters after a leading `*` (`*en` would match every plural).
pub(crate) const MIN_COMPOUND_CHARS: usize = 3;
/// The largest distance a NEAR rule may ask for.
pub(crate) const MAX_NEAR: usize = 1000;

/// How one word of a rule matches one analysed token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum WordTest {
    /// Same stem.
    Stem(String),
    /// Same exact form (`=PIP`).
    Exact(String),
    /// Exact form starts with it (`werkgever*`).
    Prefix(String),
    /// Exact form ends with `exact`, or stem ends with `stem` (`*aanbieder` matches
    /// `zorgaanbieders`, whose stem is `zorgaanbieder`).
    Suffix {
        /// The part's exact form.
        exact: String,
        /// The part's stem.
        stem: String,
    },
}

impl WordTest {
    /// Whether `token` is this word.
    pub(crate) fn matches(&self, token: &AnalysedToken) -> bool {
        match self {
            WordTest::Stem(s) => token.stem == *s,
            WordTest::Exact(e) => token.exact == *e,
            WordTest::Prefix(p) => token.exact.starts_with(p.as_str()),
            WordTest::Suffix { exact, stem } => {
                token.exact.ends_with(exact.as_str()) || token.stem.ends_with(stem.as_str())
            }
        }
    }
}

/// A row of words that must match consecutive tokens.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    /// One test per word, in order; never empty.
    pub words: Vec<WordTest>,
    /// The exact form of each word as written (for the pattern export).
    pub forms: Vec<String>,
}

/// A keyword rule (or a NEAR side, an exclusion, a synonym term), read.
#[derive(Debug, Clone)]
pub(crate) struct Keyword {
    /// How it is written.
    pub kind: RuleKind,
    /// What it matches itself.
    pub term: Term,
    /// The stems of its words, markers left out: how synonym groups recognise it.
    pub key: String,
}

/// What is wrong with a rule, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// What was wrong.
    pub message: String,
    /// What would be right.
    pub hint: String,
    /// Character offset in the rule's text where the problem is, when known.
    pub offset: Option<usize>,
}

impl Problem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            hint: hint.into(),
            offset: None,
        }
    }
}

/// Reads a keyword: words and phrases, with `word*`, `*part` and `=exact`. A keyword of stop
/// words only (`de`, `zelf`) is a problem: it would match almost every segment.
pub(crate) fn parse_keyword(lang: Language, text: &str) -> Result<Keyword, Problem> {
    let (keyword, only_stop_words) = read_keyword(lang, text)?;
    if only_stop_words {
        return Err(only_stop_words_problem(text.trim(), &keyword.key));
    }
    Ok(keyword)
}

/// "…" is only stop words.
fn only_stop_words_problem(text: &str, key: &str) -> Problem {
    Problem::new(
        format!(
            "\"{text}\" is only stop words ({key}): it would match almost every segment, and search leaves such words out"
        ),
        "add a word that carries meaning (\"geen vertrouwen\", not \"geen\" alone), or drop the rule",
    )
}

/// Reads a keyword as [`parse_keyword`] does, and says whether all its words are stop words
/// instead of refusing it: next to a word that carries meaning (the other side of a NEAR
/// rule) a stop word is as precise as a phrase.
fn read_keyword(lang: Language, text: &str) -> Result<(Keyword, bool), Problem> {
    let trimmed = text.trim();
    let (exact, body) = match trimmed.strip_prefix('=') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    let mut words = Vec::new();
    let mut forms = Vec::new();
    let mut key = Vec::new();
    let mut all_stop = true;
    for chunk in body.split_whitespace() {
        let (inner, prefix, suffix) = read_stars(chunk, trimmed, exact)?;
        let analysed = analyse(lang, inner);
        if analysed.is_empty() {
            if suffix || prefix {
                return Err(Problem::new(
                    format!("\"{chunk}\" has no letters or digits around its *"),
                    "put the * directly before or after a word: werkgever*, *aanbieder",
                ));
            }
            continue;
        }
        let last = analysed.len() - 1;
        for (i, token) in analysed.into_iter().enumerate() {
            key.push(token.stem.clone());
            forms.push(token.exact.clone());
            let (test, stop) = word_test(token, prefix && i == last, suffix && i == 0, exact)?;
            all_stop &= stop;
            words.push(test);
        }
    }
    if words.is_empty() {
        return Err(Problem::new(
            format!("\"{text}\" has no words in it, so it can never match"),
            "a keyword needs letters or digits: one word or a phrase",
        ));
    }
    let keyword = Keyword {
        kind: keyword_kind(exact, &words),
        term: Term { words, forms },
        key: key.join(" "),
    };
    Ok((keyword, all_stop))
}

/// A word of a keyword without its stars, and whether it had one at its end (a prefix) and
/// at its start (a compound part); `keyword` is the whole rule, `exact` whether it is `=`.
fn read_stars<'t>(
    chunk: &'t str,
    keyword: &str,
    exact: bool,
) -> Result<(&'t str, bool, bool), Problem> {
    let suffix = chunk.starts_with('*');
    let inner = chunk.trim_start_matches('*');
    let prefix = inner.ends_with('*');
    let inner = inner.trim_end_matches('*');
    if inner.contains('*') || chunk.starts_with("**") || chunk.ends_with("**") {
        return Err(Problem::new(
            format!("\"{chunk}\" has a * inside a word"),
            "a * goes at the end of a word (werkgever*: words starting with it) or at its start (*aanbieder: words ending in it)",
        ));
    }
    if suffix && prefix {
        return Err(Problem::new(
            format!("\"{chunk}\" has a * on both sides, which icamo does not support"),
            format!(
                "write *{inner} for words ending in \"{inner}\", or {inner}* for words starting with it"
            ),
        ));
    }
    if exact && (suffix || prefix) {
        return Err(Problem::new(
            format!("\"{keyword}\" combines = (exact form) with * (any ending)"),
            "use either =word for the exact form or word* for words starting with it",
        ));
    }
    Ok((inner, prefix, suffix))
}

/// The test for one analysed word of a keyword, and whether it is a stop word (a prefix or
/// a compound part never is): `prefix` when a `*` follows it, `suffix` when one precedes it.
fn word_test(
    token: AnalysedToken,
    prefix: bool,
    suffix: bool,
    exact: bool,
) -> Result<(WordTest, bool), Problem> {
    if prefix {
        if token.exact.chars().count() < MIN_PREFIX_CHARS {
            return Err(Problem::new(
                format!("the prefix \"{}*\" is too short", token.exact),
                format!("give at least {MIN_PREFIX_CHARS} letters before the *, or list the words"),
            ));
        }
        Ok((WordTest::Prefix(token.exact), false))
    } else if suffix {
        if token.exact.chars().count() < MIN_COMPOUND_CHARS {
            return Err(Problem::new(
                format!("the compound part \"*{}\" is too short", token.exact),
                format!(
                    "give at least {MIN_COMPOUND_CHARS} letters after the *, or list the words"
                ),
            ));
        }
        let test = WordTest::Suffix {
            exact: token.exact,
            stem: token.stem,
        };
        Ok((test, false))
    } else if exact {
        Ok((WordTest::Exact(token.exact), token.stop))
    } else {
        Ok((WordTest::Stem(token.stem), token.stop))
    }
}

/// How a keyword is written, for reports: exact, a phrase, or its one word's kind.
fn keyword_kind(exact: bool, words: &[WordTest]) -> RuleKind {
    if exact {
        RuleKind::Exact
    } else if words.len() > 1 {
        RuleKind::Phrase
    } else {
        match words[0] {
            WordTest::Prefix(_) => RuleKind::Prefix,
            WordTest::Suffix { .. } => RuleKind::Compound,
            _ => RuleKind::Keyword,
        }
    }
}

/// A NEAR rule, read.
#[derive(Debug, Clone)]
pub(crate) struct Near {
    /// The words before `NEAR/N`.
    pub left: Keyword,
    /// The words after it.
    pub right: Keyword,
    /// N: the positions of the two may differ by at most this much.
    pub distance: usize,
}

/// Reads `A NEAR/N B`: `A` and `B` in keyword syntax, `N` a number of words.
pub(crate) fn parse_near(lang: Language, text: &str) -> Result<Near, Problem> {
    // The words with their character offsets, so a problem can point at its word.
    let mut parts: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (chars, (i, c)) in text.char_indices().chain([(text.len(), ' ')]).enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((chars, i)),
            (true, Some((at, from))) => {
                parts.push((at, &text[from..i]));
                start = None;
            }
            _ => {}
        }
    }
    let is_near = |p: &str| {
        p.len() >= 4
            && p.is_char_boundary(4)
            && p[..4].eq_ignore_ascii_case("near")
            && (p.len() == 4 || p[4..].starts_with('/'))
    };
    let nears: Vec<usize> = (0..parts.len()).filter(|&i| is_near(parts[i].1)).collect();
    let example = "write it as `jobcoach NEAR/10 werkgever*`: words on both sides, N the largest distance in words";
    let at = match nears.as_slice() {
        [] => {
            return Err(Problem::new(format!("\"{text}\" has no NEAR/N"), example));
        }
        [one] => *one,
        [_, second, ..] => {
            return Err(Problem {
                offset: Some(parts[*second].0),
                ..Problem::new(
                    format!("\"{text}\" has more than one NEAR"),
                    "a NEAR rule joins two sides; use several rules for more words",
                )
            });
        }
    };
    let (offset, near) = parts[at];
    let located = |p: Problem| Problem {
        offset: Some(offset),
        ..p
    };
    if near.len() == 4 {
        return Err(located(Problem::new(
            format!("\"{near}\" does not say how near"),
            "give the largest distance in words, as in NEAR/10",
        )));
    }
    let distance: usize = near[5..].parse().map_err(|_| {
        located(Problem::new(
            format!("\"{near}\": the distance must be a whole number"),
            "write NEAR/10 for at most 10 words apart",
        ))
    })?;
    if distance == 0 || distance > MAX_NEAR {
        return Err(located(Problem::new(
            format!("NEAR/{distance}: the distance must be between 1 and {MAX_NEAR}"),
            "NEAR/1 means directly next to each other, NEAR/10 at most 10 words apart",
        )));
    }
    let words: Vec<&str> = parts.iter().map(|p| p.1).collect();
    let side = |words: &[&str], which: &str| {
        if words.is_empty() {
            return Err(located(Problem::new(
                format!("\"{text}\" has nothing {which} NEAR/{distance}"),
                example,
            )));
        }
        read_keyword(lang, &words.join(" ")).map_err(|p| Problem {
            message: format!("{which} NEAR/{distance}: {}", p.message),
            ..p
        })
    };
    let (left, left_stop) = side(&words[..at], "before")?;
    let (right, right_stop) = side(&words[at + 1..], "after")?;
    // One side of stop words is fine (`zelf NEAR/4 bellen`): the other side carries the meaning.
    if left_stop && right_stop {
        let key = format!("{} … {}", left.key, right.key);
        return Err(only_stop_words_problem(text.trim(), &key));
    }
    Ok(Near {
        left,
        right,
        distance,
    })
}

/// Compiles a regex rule as the matcher runs it: case-insensitive, Unicode.
pub(crate) fn compile_regex(text: &str) -> Result<Regex, Problem> {
    let mut parser = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build();
    let hir = parser.parse(text).map_err(|e| {
        let (kind, span) = match &e {
            regex_syntax::Error::Parse(e) => (e.kind().to_string(), Some(*e.span())),
            regex_syntax::Error::Translate(e) => (e.kind().to_string(), Some(*e.span())),
            other => (other.to_string(), None),
        };
        Problem {
            message: format!("invalid regular expression: {kind}"),
            hint: "regexes use Rust's syntax (https://docs.rs/regex); a literal \\ . ( ) [ ] needs a \\ before it"
                .into(),
            offset: span.map(|s| text[..s.start.offset.min(text.len())].chars().count()),
        }
    })?;
    if hir.properties().maximum_len() == Some(0) {
        return Err(Problem::new(
            format!("the regex '{text}' can only match the empty string, so it never finds a word"),
            "match some text, as in '\\bpip(?:s)?\\b'",
        ));
    }
    RegexBuilder::new(text)
        .case_insensitive(true)
        .build()
        .map_err(|e| Problem::new(format!("invalid regular expression: {e}"), "simplify it"))
}

/// A looser copy of a (valid) regex, without its word-boundary assertions (`\b`, `\B`, `\<`,
/// …), or `None` when it has none. Every match of the regex is a match of the copy, so text the
/// copy does not match needs no further look. The copy is what makes that look cheap: a
/// Unicode `\b` keeps the regex engine's fast automaton off any text with a non-ASCII
/// character (a curly quote is enough), and the slow engine that takes over was a sixth of
/// `icamo code`'s time with five regexes.
pub(crate) fn loose_regex(text: &str) -> Option<Regex> {
    use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};
    fn is_word_look(look: Look) -> bool {
        !matches!(
            look,
            Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
        )
    }
    fn loosen(hir: &Hir, changed: &mut bool) -> Hir {
        match hir.kind() {
            HirKind::Look(look) if is_word_look(*look) => {
                *changed = true;
                Hir::empty()
            }
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(loosen(&r.sub, changed)),
                ..r.clone()
            }),
            HirKind::Capture(c) => Hir::capture(Capture {
                sub: Box::new(loosen(&c.sub, changed)),
                ..c.clone()
            }),
            HirKind::Concat(subs) => Hir::concat(subs.iter().map(|h| loosen(h, changed)).collect()),
            HirKind::Alternation(subs) => {
                Hir::alternation(subs.iter().map(|h| loosen(h, changed)).collect())
            }
            _ => hir.clone(),
        }
    }
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(text)
        .ok()?;
    let mut changed = false;
    let loose = loosen(&hir, &mut changed);
    if !changed {
        return None;
    }
    Regex::new(&loose.to_string()).ok()
}

/// Whether a (valid) regex can match the empty string, which the matcher skips.
pub(crate) fn regex_can_match_empty(text: &str) -> bool {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(text)
        .is_ok_and(|hir| hir.properties().minimum_len() == Some(0))
}

/// The synonym groups, read: which keywords stand for which terms.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    /// Each group's readable terms.
    groups: Vec<Vec<Keyword>>,
    /// Key of a term → the groups it is in.
    by_key: HashMap<String, Vec<usize>>,
}

impl Synonyms {
    /// Reads the groups; a term that does not read is left out (checks report it).
    pub(crate) fn new(lang: Language, groups: &[SynonymGroup]) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for group in groups {
            let terms: Vec<Keyword> = group
                .terms
                .iter()
                .filter_map(|t| parse_keyword(lang, &t.text).ok())
                .collect();
            let g = synonyms.groups.len();
            for term in &terms {
                let groups = synonyms.by_key.entry(term.key.clone()).or_default();
                if !groups.contains(&g) {
                    groups.push(g);
                }
            }
            synonyms.groups.push(terms);
        }
        synonyms
    }

    /// The terms a keyword stands for: its own, then those of every group that has a term
    /// with the same words (markers aside), without repeats.
    pub(crate) fn expand(&self, keyword: &Keyword) -> Vec<Term> {
        let mut terms = vec![keyword.term.clone()];
        for &g in self.by_key.get(&keyword.key).into_iter().flatten() {
            for other in &self.groups[g] {
                if other.key != keyword.key && !terms.iter().any(|t| t.words == other.term.words) {
                    terms.push(other.term.clone());
                }
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loose_regex_matches_wherever_the_regex_does() {
        let pattern = r"\b(?:veertig|\d{2,3})\s+(?:dossiers|cli[eë]nten)\b";
        let strict = compile_regex(pattern).unwrap();
        let loose = loose_regex(pattern).expect("the pattern has word boundaries");
        for text in [
            "Ik heb nu veertig cliënten, \u{201c}te veel\u{201d}.",
            "zo'n 120 DOSSIERS per jaar",
            "tweeënveertig cliënten",
            "honderdveertig dossiers",
            "geen getal hier",
        ] {
            if strict.is_match(text) {
                assert!(loose.is_match(text), "{text}");
            }
        }
        let inside = "honderdveertig dossiers";
        assert!(loose.is_match(inside) && !strict.is_match(inside));
        assert!(
            loose_regex(r"^ja\s+jaar$").is_none(),
            "no word boundary, no copy"
        );
    }

    fn kw(text: &str) -> Keyword {
        parse_keyword(Language::Dutch, text).unwrap()
    }

    #[test]
    fn keywords_are_read_into_word_tests() {
        assert_eq!(
            kw("werkgevers").term.words,
            [WordTest::Stem("werkgever".into())]
        );
        assert_eq!(kw("Werkgever*").kind, RuleKind::Prefix);
        assert_eq!(
            kw("werkgever*").term.words,
            [WordTest::Prefix("werkgever".into())]
        );
        assert_eq!(kw("*aanbieder").kind, RuleKind::Compound);
        assert_eq!(kw("=PIP").term.words, [WordTest::Exact("pip".into())]);
        assert_eq!(kw("=PIP").kind, RuleKind::Exact);
        let phrase = kw("geen vertrouwen");
        assert_eq!(phrase.kind, RuleKind::Phrase);
        assert_eq!(phrase.key, "geen vertrouw");
        assert_eq!(kw("taal-aanbieder").term.words.len(), 2);
        assert_eq!(kw("Cliënten").term.words, [WordTest::Stem("client".into())]);
    }

    #[test]
    fn keywords_that_cannot_match_are_problems() {
        for bad in [
            "", "  ", "--", "de het", "=de", "a*", "*en", "*taal*", "wer*ker", "=pip*", "*",
        ] {
            assert!(parse_keyword(Language::Dutch, bad).is_err(), "{bad:?}");
        }
        assert!(parse_keyword(Language::Dutch, "de*").is_ok());
        assert!(parse_keyword(Language::Dutch, "juist niet").is_ok());
    }

    #[test]
    fn near_rules_read_both_sides_and_the_distance() {
        let near = parse_near(Language::Dutch, "jobcoach NEAR/10 werkgever*").unwrap();
        assert_eq!(near.distance, 10);
        assert_eq!(near.right.kind, RuleKind::Prefix);
        for bad in [
            "jobcoach werkgever",
            "jobcoach NEAR werkgever",
            "jobcoach NEAR/x werkgever",
            "jobcoach NEAR/0 werkgever",
            "NEAR/5 werkgever",
            "jobcoach NEAR/5",
            "a NEAR/2 b NEAR/3 c",
            "zelf NEAR/4 de",
        ] {
            assert!(parse_near(Language::Dutch, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_stop_word_next_to_a_word_that_carries_meaning_is_a_near_rule() {
        let near = parse_near(Language::Dutch, "zelf NEAR/4 bellen").unwrap();
        assert_eq!(near.left.term.words, [WordTest::Stem("zelf".into())]);
        assert_eq!(near.right.term.words, [WordTest::Stem("bell".into())]);
        assert!(parse_near(Language::Dutch, "bellen NEAR/2 zelf").is_ok());
        // Alone, a stop word still is no rule.
        let p = parse_keyword(Language::Dutch, "zelf").unwrap_err();
        assert!(p.message.contains("only stop words"), "{}", p.message);
        let p = parse_near(Language::Dutch, "zelf NEAR/4 de").unwrap_err();
        assert_eq!(
            p.message,
            "\"zelf NEAR/4 de\" is only stop words (zelf … de): it would match almost every segment, and search leaves such words out"
        );
    }

    #[test]
    fn regexes_report_the_offset_of_the_error() {
        let p = compile_regex(r"\bpip(s\b").unwrap_err();
        assert_eq!(p.offset, Some(5));
        assert!(compile_regex(r"\b").is_err());
        assert!(compile_regex(r"\bpips?\b").is_ok());
        assert!(regex_can_match_empty("(pip)?"));
        assert!(!regex_can_match_empty("pip"));
    }

    #[test]
    fn synonyms_expand_a_keyword_to_every_term_of_its_group() {
        use super::super::model::{Position, Rule};
        let group = SynonymGroup {
            terms: ["leerbaarheidstoets", "taalleerbaarheidstoets", "LBT"]
                .iter()
                .map(|t| Rule {
                    text: t.to_string(),
                    at: Position::default(),
                    verbatim: false,
                })
                .collect(),
            at: Position::default(),
        };
        let synonyms = Synonyms::new(Language::Dutch, &[group]);
        let terms = synonyms.expand(&kw("lbt"));
        assert_eq!(terms.len(), 3);
        assert_eq!(terms[0].words, [WordTest::Stem("lbt".into())]);
        assert_eq!(synonyms.expand(&kw("toets")).len(), 1);
    }
}

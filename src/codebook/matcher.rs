//! The matcher: every rule of every code compiled into one structure, applied to a segment in
//! one pass over its analysed words.
//!
//! A keyword, a phrase, each side of a NEAR rule and each exclusion is a [`Term`]: a row of
//! word tests. Terms are indexed by their *first* word: a hash map from stem (and one from
//! exact form, for `=TERM`), a byte trie of prefixes (`werkgever*`) walked over each token's
//! exact form, and two tries of reversed compound parts (`*aanbieder`) walked backwards over
//! each token's exact form and stem. For each token the pass collects the terms that start
//! there and verifies the rest of each on the following tokens; the cost is one lookup per
//! index per token, however many codes the codebook has. Regex rules run afterwards over the
//! text, each on its own, and only when the codebook has any: a single regex finds its
//! literal part with a fast prefilter, which a `RegexSet` cannot do (with Unicode `\b` a set
//! falls back to a slow engine, measured at under 1 MB/s). A regex with word boundaries is
//! tried first without them ([`syntax::loose_regex`]), which the fast engine can run on any
//! text; only a segment that copy matches is searched with the regex itself. NEAR rules pair
//! the positions their two sides were found at; exclusions veto their code; scope filters by
//! role and speaker.
//!
//! Measured on the bundled corpus repeated to 60 MB, with 300 rules in 60 codes: matching
//! the analysed words runs at 20–40 MB/s on one core (depending on how many hits there are),
//! about as fast as [`analyse`] itself, which takes half of [`Matcher::match_segment`]'s time.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use regex::Regex;
use rustc_hash::FxHasher;
use serde::Serialize;

use super::check::Severity;
use super::model::{Code, Codebook, Rule, RuleKind};
use super::syntax::{self, Synonyms, Term, WordTest};
use super::trie::{Trie, TrieBuilder};
use crate::error::Error;
use crate::index::analysis::{AnalysedToken, analyse, normalise};
use crate::lang::Language;
use crate::transcript::Segment;

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Words that negate what follows them (and `niet`, what stands right before it: "werkt
/// niet"). Dutch and English; "juist niet" counts through its `niet`. A negation the rule is
/// itself made of never counts: "niet de enige" and `geen NEAR/2 schulden` find what they say.
pub const NEGATIONS: [&str; 16] = [
    "niet", "geen", "nooit", "niets", "niemand", "nergens", "zonder", "noch", "not", "no", "never",
    "without", "nothing", "nobody", "nowhere", "cannot",
];

/// How many words before a hit a negation may stand to count.
pub(crate) const NEGATION_WINDOW: usize = 3;

/// The codes found in one segment: one entry per code, sorted by code id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeMatch {
    /// The code's id.
    pub code: String,
    /// What found it, sorted by span; one hit per span (the code's first rule wins).
    pub hits: Vec<RuleHit>,
    /// How many of the hits have a negation just before them (or `niet` just after) that is not
    /// part of the rule itself: a hint for the stance, not a veto.
    pub negated: usize,
}

/// One place a rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleHit {
    /// How the rule is written.
    pub kind: RuleKind,
    /// The rule as written in the codebook.
    pub pattern: String,
    /// Byte range in the segment's text (for NEAR: from the first side to the last).
    pub span: Range<usize>,
    /// The matched words' exact forms, space-separated (`geen vertrouwen`; for NEAR the two
    /// sides' words, `jobcoach werkgevers`; for a regex, the words it overlaps).
    pub term: String,
    /// Whether a negation stands within `NEGATION_WINDOW` words before the hit, between
    /// the two sides of a NEAR hit, or (`niet`) directly after it. The rule's own words never
    /// count, nor any negation word written in the rule: the rule "niet de enige" finds "niet
    /// de enige" unnegated.
    pub negated: bool,
}

/// A codebook compiled for matching. Build it once, then match any number of segments
/// (from any number of threads: it is `Sync`).
#[derive(Debug)]
pub struct Matcher {
    lang: Language,
    codes: Vec<CodeInfo>,
    rules: Vec<CompiledRule>,
    terms: Vec<CompiledTerm>,
    nears: Vec<NearRule>,
    /// Regex rules: the rule, the regex, and its copy without word boundaries that rules
    /// text out cheaply ([`syntax::loose_regex`]).
    regexes: Vec<(u32, Regex, Option<Regex>)>,
    by_stem: FxMap<Box<str>, Vec<u32>>,
    by_exact: FxMap<Box<str>, Vec<u32>>,
    prefixes: Trie,
    suffixes: Trie,
    stem_suffixes: Trie,
}

#[derive(Debug)]
struct CodeInfo {
    id: String,
    /// Position of the id in sorted order, so matches come out sorted by id.
    rank: u32,
    roles: Vec<String>,
    speakers: Vec<String>,
}

#[derive(Debug)]
struct CompiledRule {
    code: u32,
    kind: RuleKind,
    pattern: String,
    /// The negation words written in the rule (one bit per entry of [`NEGATIONS`]): they are
    /// what the rule finds, so they do not negate its hits.
    written_negations: u16,
}

#[derive(Debug)]
struct CompiledTerm {
    words: Vec<WordTest>,
    targets: Vec<Target>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A hit of this rule.
    Rule(u32),
    /// One side of this NEAR rule (`false`: before the NEAR, `true`: after it).
    Near(u32, bool),
    /// An exclusion of this code.
    Veto(u32),
}

#[derive(Debug)]
struct NearRule {
    rule: u32,
    distance: usize,
}

/// A hit before scope, vetoes and de-duplication.
#[derive(Debug, Clone)]
struct RawHit {
    rule: u32,
    /// Token range (may be empty for a regex that matched between words).
    tokens: Range<usize>,
    bytes: Range<usize>,
    /// For NEAR hits: the token ranges of the two sides, in text order.
    pair: Option<(Range<usize>, Range<usize>)>,
}

impl Matcher {
    /// Compiles every rule of every codable code of `book`.
    ///
    /// Fails on the first error [`Codebook::check`] finds: a codebook with errors would match
    /// wrongly or not at all.
    pub fn new(book: &Codebook) -> Result<Matcher, Error> {
        refuse_errors(book)?;
        let mut compiler = Compiler::new(book);
        for (code, rank) in book.codes.iter().zip(id_ranks(book)) {
            if code.codable {
                compiler.code(code, rank)?;
            }
        }
        Ok(compiler.finish())
    }

    /// The language segments are analysed in for matching (the codebook's).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// The codes `segment` matches, sorted by code id.
    ///
    /// The text is analysed in the codebook's language (see `Matcher::match_analysed`).
    pub fn match_segment(&self, segment: &Segment) -> Vec<CodeMatch> {
        let tokens = analyse(self.lang, &segment.text);
        self.match_analysed(segment, &tokens)
    }

    /// The codes `segment` matches, given its text already analysed in
    /// [`Matcher::language`] (by [`analyse`]).
    pub(crate) fn match_analysed(
        &self,
        segment: &Segment,
        tokens: &[AnalysedToken],
    ) -> Vec<CodeMatch> {
        let mut raw: Vec<RawHit> = Vec::new();
        let mut sides: Vec<(u32, bool, Range<usize>)> = Vec::new();
        let mut vetoed: Vec<u32> = Vec::new();
        let mut candidates: Vec<u32> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            candidates.clear();
            if let Some(ts) = self.by_stem.get(token.stem.as_str()) {
                candidates.extend_from_slice(ts);
            }
            if !self.by_exact.is_empty()
                && let Some(ts) = self.by_exact.get(token.exact.as_str())
            {
                candidates.extend_from_slice(ts);
            }
            self.prefixes.walk(token.exact.bytes(), &mut candidates);
            self.suffixes
                .walk(token.exact.bytes().rev(), &mut candidates);
            self.stem_suffixes
                .walk(token.stem.bytes().rev(), &mut candidates);
            if candidates.is_empty() {
                continue;
            }
            if candidates.len() > 1 {
                candidates.sort_unstable();
                candidates.dedup();
            }
            for &t in &candidates {
                let term = &self.terms[t as usize];
                if !matches_at(&term.words, tokens, i) {
                    continue;
                }
                let range = i..i + term.words.len();
                for target in &term.targets {
                    match *target {
                        Target::Rule(rule) => raw.push(RawHit {
                            rule,
                            bytes: byte_span(tokens, &range),
                            tokens: range.clone(),
                            pair: None,
                        }),
                        Target::Near(n, right) => sides.push((n, right, range.clone())),
                        Target::Veto(code) => vetoed.push(code),
                    }
                }
            }
        }
        if raw.is_empty() && sides.is_empty() && self.regexes.is_empty() {
            return Vec::new();
        }
        vetoed.sort_unstable();
        vetoed.dedup();
        // Per code: 0 not yet known, 1 wanted, 2 vetoed or out of scope.
        let mut in_scope = vec![0u8; self.codes.len()];
        let mut wanted = |code: u32| -> bool {
            let known = &mut in_scope[code as usize];
            if *known == 0 {
                let ok = vetoed.binary_search(&code).is_err()
                    && self.codes[code as usize].covers(segment);
                *known = if ok { 1 } else { 2 };
            }
            *known == 1
        };
        self.pair_nears(tokens, sides, &mut raw);
        for (rule, regex, loose) in &self.regexes {
            if !wanted(self.rules[*rule as usize].code)
                || loose.as_ref().is_some_and(|l| !l.is_match(&segment.text))
            {
                continue;
            }
            for m in regex.find_iter(&segment.text) {
                if m.is_empty() {
                    continue;
                }
                raw.push(RawHit {
                    rule: *rule,
                    tokens: token_span(tokens, m.range()),
                    bytes: m.range(),
                    pair: None,
                });
            }
        }
        raw.retain(|h| wanted(self.rules[h.rule as usize].code));
        self.assemble(segment, tokens, raw)
    }

    /// Turns the positions found for each side of each NEAR rule into hits: every occurrence
    /// of the first side with an occurrence of the second within the distance, the nearest
    /// (the earlier of two as near) taken as its partner. The two must not overlap.
    fn pair_nears(
        &self,
        tokens: &[AnalysedToken],
        mut sides: Vec<(u32, bool, Range<usize>)>,
        raw: &mut Vec<RawHit>,
    ) {
        if sides.is_empty() {
            return;
        }
        sides.sort_unstable_by_key(|(n, right, r)| (*n, *right, r.start, r.end));
        sides.dedup();
        let mut rest = sides.as_slice();
        while let Some(&(n, _, _)) = rest.first() {
            let len = rest.iter().take_while(|s| s.0 == n).count();
            let (group, tail) = rest.split_at(len);
            rest = tail;
            let split = group.iter().take_while(|s| !s.1).count();
            let (lefts, rights) = group.split_at(split);
            let near = &self.nears[n as usize];
            for (_, _, a) in lefts {
                let best = rights
                    .iter()
                    .filter_map(|(_, _, b)| near_distance(a, b).map(|d| (d, b)))
                    .filter(|&(d, _)| d <= near.distance)
                    .min_by_key(|&(d, b)| (d, b.start, b.end));
                if let Some((_, b)) = best {
                    let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
                    let span = first.start.min(second.start)..first.end.max(second.end);
                    raw.push(RawHit {
                        rule: near.rule,
                        bytes: byte_span(tokens, &span),
                        tokens: span,
                        pair: Some((first.clone(), second.clone())),
                    });
                }
            }
        }
    }

    /// Groups raw hits by code, keeps one per span, and counts negations.
    fn assemble(
        &self,
        segment: &Segment,
        tokens: &[AnalysedToken],
        mut raw: Vec<RawHit>,
    ) -> Vec<CodeMatch> {
        raw.sort_unstable_by_key(|h| {
            let code = &self.codes[self.rules[h.rule as usize].code as usize];
            (code.rank, h.bytes.start, h.bytes.end, h.rule)
        });
        raw.dedup_by(|later, first| {
            self.rules[later.rule as usize].code == self.rules[first.rule as usize].code
                && later.bytes == first.bytes
        });
        let mut out: Vec<CodeMatch> = Vec::new();
        let mut last_code = u32::MAX;
        for hit in raw {
            let rule = &self.rules[hit.rule as usize];
            if rule.code != last_code {
                last_code = rule.code;
                out.push(CodeMatch {
                    code: self.codes[rule.code as usize].id.clone(),
                    hits: Vec::new(),
                    negated: 0,
                });
            }
            let term = match &hit.pair {
                Some((a, b)) => format!("{} {}", exact_forms(tokens, a), exact_forms(tokens, b)),
                None if hit.tokens.is_empty() => normalise(segment.text[hit.bytes.clone()].trim()),
                None => exact_forms(tokens, &hit.tokens),
            };
            let negated = is_negated(tokens, &hit, rule.written_negations);
            let current = out.last_mut().expect("pushed above");
            current.negated += usize::from(negated);
            current.hits.push(RuleHit {
                kind: rule.kind,
                pattern: rule.pattern.clone(),
                span: hit.bytes,
                term,
                negated,
            });
        }
        out
    }
}

impl CodeInfo {
    /// Whether the code's role and speaker scope admit the segment.
    fn covers(&self, segment: &Segment) -> bool {
        (self.roles.is_empty() || self.roles.contains(&scope_key(&segment.role)))
            && (self.speakers.is_empty() || self.speakers.contains(&scope_key(&segment.speaker)))
    }
}

/// Roles and speakers are compared ignoring case and outer spaces, as the manifest does.
fn scope_key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The first error [`Codebook::check`] finds, as the error of [`Matcher::new`].
pub(crate) fn refuse_errors(book: &Codebook) -> Result<(), Error> {
    match book
        .check()
        .into_iter()
        .find(|d| d.severity == Severity::Error)
    {
        Some(d) => Err(Error::Codebook {
            path: d.path,
            line: d.line,
            column: d.column,
            message: format!(
                "{} ({}); run `icamo codebook check` to see every problem",
                d.message, d.hint
            ),
        }),
        None => Ok(()),
    }
}

/// Each code's position in id order, so matches come out sorted by id.
fn id_ranks(book: &Codebook) -> Vec<u32> {
    let mut order: Vec<usize> = (0..book.codes.len()).collect();
    order.sort_by(|&a, &b| book.codes[a].id.cmp(&book.codes[b].id));
    let mut rank = vec![0u32; book.codes.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// Compiles the rules of a codebook code by code, then indexes every term by its first word.
struct Compiler<'a> {
    book: &'a Codebook,
    synonyms: Synonyms,
    terms: Builder,
    codes: Vec<CodeInfo>,
    rules: Vec<CompiledRule>,
    nears: Vec<NearRule>,
    regexes: Vec<(u32, Regex, Option<Regex>)>,
}

impl<'a> Compiler<'a> {
    fn new(book: &'a Codebook) -> Compiler<'a> {
        Compiler {
            book,
            synonyms: Synonyms::new(book.language, &book.synonyms),
            terms: Builder::default(),
            codes: Vec::new(),
            rules: Vec::new(),
            nears: Vec::new(),
            regexes: Vec::new(),
        }
    }

    /// A rule that does not read (which [`Codebook::check`] would have reported), at its place.
    fn error(&self, rule: &Rule, p: syntax::Problem) -> Error {
        Error::Codebook {
            path: self.book.path.clone(),
            line: rule.at.line,
            column: rule.at.column,
            message: format!("{} ({})", p.message, p.hint),
        }
    }

    /// Adds a rule of code `c` written with the negation words `written_negations`; its
    /// number.
    fn rule(&mut self, c: u32, kind: RuleKind, rule: &Rule, written_negations: u16) -> u32 {
        let r = self.rules.len() as u32;
        self.rules.push(CompiledRule {
            code: c,
            kind,
            pattern: rule.text.clone(),
            written_negations,
        });
        r
    }

    /// Compiles a codable code: its scope, then its keywords, regexes, NEAR rules and
    /// exclusions.
    fn code(&mut self, code: &Code, rank: u32) -> Result<(), Error> {
        let lang = self.book.language;
        let c = self.codes.len() as u32;
        self.codes.push(CodeInfo {
            id: code.id.clone(),
            rank,
            roles: code.rules.roles.iter().map(|r| scope_key(r)).collect(),
            speakers: code.rules.speakers.iter().map(|s| scope_key(s)).collect(),
        });
        for rule in &code.rules.keywords {
            let keyword =
                syntax::parse_keyword(lang, &rule.text).map_err(|p| self.error(rule, p))?;
            let terms = self.synonyms.expand(&keyword);
            let r = self.rule(c, keyword.kind, rule, term_negations(&terms));
            for term in terms {
                self.terms.add(term, Target::Rule(r));
            }
        }
        for rule in &code.rules.regex {
            let regex = syntax::compile_regex(&rule.text).map_err(|p| self.error(rule, p))?;
            let written = negation_bits(regex_words(lang, &rule.text).iter().map(String::as_str));
            let r = self.rule(c, RuleKind::Regex, rule, written);
            self.regexes
                .push((r, regex, syntax::loose_regex(&rule.text)));
        }
        for rule in &code.rules.near {
            let near = syntax::parse_near(lang, &rule.text).map_err(|p| self.error(rule, p))?;
            let left = self.synonyms.expand(&near.left);
            let right = self.synonyms.expand(&near.right);
            let written = term_negations(&left) | term_negations(&right);
            let r = self.rule(c, RuleKind::Near, rule, written);
            let n = self.nears.len() as u32;
            self.nears.push(NearRule {
                rule: r,
                distance: near.distance,
            });
            for term in left {
                self.terms.add(term, Target::Near(n, false));
            }
            for term in right {
                self.terms.add(term, Target::Near(n, true));
            }
        }
        for rule in &code.rules.not {
            let keyword =
                syntax::parse_keyword(lang, &rule.text).map_err(|p| self.error(rule, p))?;
            for term in self.synonyms.expand(&keyword) {
                self.terms.add(term, Target::Veto(c));
            }
        }
        Ok(())
    }

    /// The matcher, with every term indexed by its first word.
    fn finish(self) -> Matcher {
        let terms = self.terms.terms;
        let mut by_stem: FxMap<Box<str>, Vec<u32>> = FxMap::default();
        let mut by_exact: FxMap<Box<str>, Vec<u32>> = FxMap::default();
        let (mut prefixes, mut suffixes, mut stem_suffixes) = Default::default();
        for (t, term) in terms.iter().enumerate() {
            let t = t as u32;
            match &term.words[0] {
                WordTest::Stem(s) => by_stem.entry(s.as_str().into()).or_default().push(t),
                WordTest::Exact(e) => by_exact.entry(e.as_str().into()).or_default().push(t),
                WordTest::Prefix(p) => TrieBuilder::insert(&mut prefixes, p.bytes(), t),
                WordTest::Suffix { exact, stem } => {
                    TrieBuilder::insert(&mut suffixes, exact.bytes().rev(), t);
                    TrieBuilder::insert(&mut stem_suffixes, stem.bytes().rev(), t);
                }
            }
        }
        Matcher {
            lang: self.book.language,
            codes: self.codes,
            rules: self.rules,
            terms,
            nears: self.nears,
            regexes: self.regexes,
            by_stem,
            by_exact,
            prefixes: prefixes.build(),
            suffixes: suffixes.build(),
            stem_suffixes: stem_suffixes.build(),
        }
    }
}

/// Gathers terms, sharing one compiled term between every rule that has the same words.
#[derive(Default)]
struct Builder {
    terms: Vec<CompiledTerm>,
    seen: HashMap<Vec<WordTest>, usize>,
}

impl Builder {
    fn add(&mut self, term: Term, target: Target) {
        let t = *self.seen.entry(term.words.clone()).or_insert_with(|| {
            self.terms.push(CompiledTerm {
                words: term.words,
                targets: Vec::new(),
            });
            self.terms.len() - 1
        });
        let targets = &mut self.terms[t].targets;
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
}

fn matches_at(words: &[WordTest], tokens: &[AnalysedToken], at: usize) -> bool {
    tokens.len() >= at + words.len() && words.iter().zip(&tokens[at..]).all(|(w, t)| w.matches(t))
}

/// The byte range covered by a non-empty range of tokens.
fn byte_span(tokens: &[AnalysedToken], range: &Range<usize>) -> Range<usize> {
    tokens[range.start].range.start..tokens[range.end - 1].range.end
}

/// The tokens overlapping a byte range (empty, at the next token, when none does).
fn token_span(tokens: &[AnalysedToken], bytes: Range<usize>) -> Range<usize> {
    let start = tokens.partition_point(|t| t.range.end <= bytes.start);
    let end = start + tokens[start..].partition_point(|t| t.range.start < bytes.end);
    start..end
}

/// How many positions apart two non-overlapping token ranges are (1: adjacent).
fn near_distance(a: &Range<usize>, b: &Range<usize>) -> Option<usize> {
    if a.end <= b.start {
        Some(b.start - (a.end - 1))
    } else if b.end <= a.start {
        Some(a.start - (b.end - 1))
    } else {
        None
    }
}

fn exact_forms(tokens: &[AnalysedToken], range: &Range<usize>) -> String {
    let mut out = String::new();
    for t in &tokens[range.clone()] {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.exact);
    }
    out
}

/// The bit of `exact` in a set of [`NEGATIONS`], or `None` when it is no negation (a
/// `match`, which compiles to far fewer comparisons than a search of the list).
fn negation_bit(exact: &str) -> Option<u16> {
    let i = match exact {
        "niet" => 0,
        "geen" => 1,
        "nooit" => 2,
        "niets" => 3,
        "niemand" => 4,
        "nergens" => 5,
        "zonder" => 6,
        "noch" => 7,
        "not" => 8,
        "no" => 9,
        "never" => 10,
        "without" => 11,
        "nothing" => 12,
        "nobody" => 13,
        "nowhere" => 14,
        "cannot" => 15,
        _ => return None,
    };
    Some(1 << i)
}

/// The words a regex spells out (`geen\s+\w+\s+schulden`: geen, schulden), as exact forms:
/// an escape such as `\b` or `\s` is taken out first, so that `\bniet\b` reads as `niet`.
fn regex_words(lang: Language, pattern: &str) -> Vec<String> {
    let mut plain = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            plain.push(' ');
        } else {
            plain.push(c);
        }
    }
    analyse(lang, &plain).into_iter().map(|t| t.exact).collect()
}

/// The negations written in any of `terms` (a rule's words and their synonyms').
fn term_negations(terms: &[Term]) -> u16 {
    negation_bits(
        terms
            .iter()
            .flat_map(|t| t.forms.iter().map(String::as_str)),
    )
}

/// The set of the negations among `words` (exact forms).
fn negation_bits<'w>(words: impl IntoIterator<Item = &'w str>) -> u16 {
    words
        .into_iter()
        .filter_map(negation_bit)
        .fold(0, |set, bit| set | bit)
}

/// Whether a negation stands in the window before the hit, between the two sides of a NEAR
/// hit, or `niet` right after, leaving out the hit's own words and the negation words its
/// rule is written with (`written`, from [`negation_bits`]).
fn is_negated(tokens: &[AnalysedToken], hit: &RawHit, written: u16) -> bool {
    let own = |i: usize| match &hit.pair {
        Some((a, b)) => a.contains(&i) || b.contains(&i),
        None => hit.tokens.contains(&i),
    };
    let negates =
        |i: usize| !own(i) && negation_bit(&tokens[i].exact).is_some_and(|bit| written & bit == 0);
    let span = &hit.tokens;
    let from = span.start.saturating_sub(NEGATION_WINDOW);
    (from..span.end.max(from)).any(negates)
        || tokens.get(span.end).is_some_and(|t| t.exact == "niet") && negates(span.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(role: &str, text: &str) -> Segment {
        Segment {
            id: "d:0001".into(),
            doc: "d".into(),
            ordinal: 1,
            speaker: "Amal".into(),
            respondent: None,
            role: role.into(),
            case: None,
            group: None,
            interviewer: false,
            lang: Language::Dutch,
            start_ms: None,
            end_ms: None,
            line: 1,
            byte_start: 0,
            byte_end: text.len(),
            char_start: 0,
            char_end: text.chars().count(),
            text: text.into(),
        }
    }

    fn matcher(rules: &str) -> Matcher {
        let text = format!(
            "[codebook]\nname = \"t\"\n\n[[synonyms]]\nterms = [\"LBT\", \"taalleerbaarheidstoets\"]\n\n[[codes]]\nid = \"c\"\nlabel = \"C\"\nkind = \"other\"\n[codes.rules]\n{rules}\n"
        );
        Matcher::new(&Codebook::parse("t.toml", &text).unwrap()).unwrap()
    }

    fn terms(m: &Matcher, text: &str) -> Vec<String> {
        m.match_segment(&segment("statushouder", text))
            .into_iter()
            .flat_map(|c| c.hits)
            .map(|h| h.term)
            .collect()
    }

    #[test]
    fn a_matcher_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Matcher>();
    }

    #[test]
    fn the_negation_match_and_list_agree() {
        for (i, word) in NEGATIONS.iter().enumerate() {
            assert_eq!(negation_bit(word), Some(1 << i), "{word}");
        }
        assert!(negation_bit("nie").is_none() && negation_bit("noot").is_none());
    }

    #[test]
    fn keywords_match_inflections_and_folded_accents() {
        let m = matcher("keywords = [\"werkgever\", \"cliënten\", \"coördinator\"]");
        assert_eq!(
            terms(&m, "De werkgevers en de clienten; de Coordinatoren."),
            ["werkgevers", "clienten", "coordinatoren"]
        );
    }

    #[test]
    fn compounds_and_prefixes_match_inside_words() {
        let m = matcher("keywords = [\"*aanbieder\", \"werkgever*\"]");
        assert_eq!(
            terms(
                &m,
                "De taalaanbieder, zorgaanbieders en werkgeversdienstverlening."
            ),
            [
                "taalaanbieder",
                "zorgaanbieders",
                "werkgeversdienstverlening"
            ]
        );
    }

    #[test]
    fn synonyms_stand_for_each_other() {
        let m = matcher("keywords = [\"LBT\"]");
        assert_eq!(
            terms(&m, "Eerst de taalleerbaarheidstoets, toen de lbt."),
            ["taalleerbaarheidstoets", "lbt"]
        );
    }

    #[test]
    fn negations_are_counted_not_vetoed() {
        let m = matcher("keywords = [\"vertrouwen\", \"werkt\"]");
        let found = m.match_segment(&segment("x", "Er is geen vertrouwen, het werkt niet."));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].hits.len(), 2);
        assert_eq!(found[0].negated, 2);
    }

    /// Each hit's matched words and whether it counts as negated.
    fn negated(m: &Matcher, text: &str) -> Vec<(String, bool)> {
        m.match_segment(&segment("x", text))
            .into_iter()
            .flat_map(|c| c.hits)
            .map(|h| (h.term, h.negated))
            .collect()
    }

    fn hit(term: &str, negated: bool) -> (String, bool) {
        (term.to_string(), negated)
    }

    #[test]
    fn a_negation_the_rule_is_made_of_does_not_negate_its_hit() {
        let m = matcher("keywords = [\"niet de enige\"]");
        assert_eq!(
            negated(&m, "U bent echt niet de enige."),
            [hit("niet de enige", false)]
        );
        let m = matcher("near = [\"geen NEAR/2 schulden\"]");
        assert_eq!(
            negated(&m, "Sindsdien heb ik geen nieuwe schulden gemaakt."),
            [hit("geen schulden", false)]
        );
        let m = matcher("regex = ['\\bgeen\\s+\\w+\\s+schulden\\b']");
        assert_eq!(
            negated(&m, "Sindsdien heb ik geen nieuwe schulden gemaakt."),
            [hit("geen nieuwe schulden", false)]
        );
        // The same word once more before it, in a list, is not a negation of the hit either.
        let m = matcher("keywords = [\"geen schulden\"]");
        assert_eq!(
            negated(&m, "Geen huur, geen schulden."),
            [hit("geen schulden", false)]
        );
    }

    #[test]
    fn a_negation_outside_the_rule_still_negates() {
        let m = matcher("keywords = [\"schulden\"]");
        assert_eq!(
            negated(&m, "Sindsdien heb ik geen nieuwe schulden gemaakt."),
            [hit("schulden", true)]
        );
        let m = matcher("keywords = [\"enige\"]");
        assert_eq!(
            negated(&m, "U bent echt niet de enige."),
            [hit("enige", true)]
        );
        // Between the two sides of a NEAR rule, a negation counts.
        let m = matcher("near = [\"jobcoach NEAR/4 bellen\"]");
        assert_eq!(
            negated(&m, "De jobcoach wil niet bellen."),
            [hit("jobcoach bellen", true)]
        );
        // A different negation than the rule's, just before it.
        let m = matcher("keywords = [\"geen schulden\"]");
        assert_eq!(
            negated(&m, "Nooit geen schulden."),
            [hit("geen schulden", true)]
        );
    }

    #[test]
    fn english_negations_in_the_rule_do_not_negate_either() {
        let text = "[codebook]\nname = \"t\"\nlanguage = \"en\"\n[[codes]]\nid = \"c\"\nlabel = \"C\"\nkind = \"outcome\"\n[codes.rules]\nkeywords = [\"not alone\", \"debts\"]\n";
        let m = Matcher::new(&Codebook::parse("t.toml", text).unwrap()).unwrap();
        let mut seg = segment("x", "You are really not alone; I have no debts now.");
        seg.lang = Language::English;
        let found: Vec<(String, bool)> = m
            .match_segment(&seg)
            .into_iter()
            .flat_map(|c| c.hits)
            .map(|h| (h.term, h.negated))
            .collect();
        assert_eq!(found, [hit("not alone", false), hit("debts", true)]);
    }

    #[test]
    fn near_pairs_within_the_distance_in_either_order() {
        let m = matcher("near = [\"jobcoach NEAR/3 werkgever*\"]");
        assert_eq!(
            terms(&m, "de jobcoach belt de werkgever"),
            ["jobcoach werkgever"]
        );
        assert_eq!(
            terms(&m, "de werkgevers bellen de jobcoach"),
            ["werkgevers jobcoach"]
        );
        assert!(terms(&m, "de jobcoach belt vaak de werkgever").is_empty());
    }

    #[test]
    fn exclusions_veto_and_scope_filters() {
        let m = matcher("keywords = [\"pip\"]\nnot = [\"pip-show\"]\nroles = [\"Statushouder\"]");
        assert_eq!(terms(&m, "het PIP"), ["pip"]);
        assert!(terms(&m, "het PIP en de pip-show").is_empty());
        assert!(m.match_segment(&segment("werkgever", "het PIP")).is_empty());
    }

    #[test]
    fn regexes_give_byte_spans_in_the_text() {
        let m = matcher("regex = ['\\bpips?\\b']");
        let found = m.match_segment(&segment("x", "Één PIPs"));
        assert_eq!(found[0].hits[0].span, 6..10);
        assert_eq!(found[0].hits[0].term, "pips");
    }
}

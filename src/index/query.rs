//! The query language: words, "phrases", `prefix*`, `AND`, `OR`, `NOT`, `+`, `-` and brackets.
//!
//! A query is parsed here, not by tantivy's `QueryParser`, for three reasons: a trailing `*`
//! becomes a prefix query on the exact field; a phrase must stay one unit so its highlight is
//! one range; and a syntax error can say, in the researcher's terms, what is wrong and where.
//!
//! Words next to each other must all match (`werkgever motivatie` = `werkgever AND
//! motivatie`); `OR` binds looser than `AND`; `NOT x` and `-x` exclude; `+x` is accepted and
//! means the same as `x`. A word that analysis splits (`taal-aanbieder`) is searched as a
//! phrase. Every word is looked up as its exact form (boosted) and as its stem in each language.

use std::ops::Range;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;

use super::analysis::{AnalysedToken, analyse};
use super::schema::Fields;
use crate::lang::Language;

/// How much more an exact-form match counts than a stem match.
const EXACT_BOOST: f32 = 2.0;

/// The fewest letters a prefix may have before its `*` (one letter would match half the index).
const MIN_PREFIX_CHARS: usize = 2;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// Any of these.
    Or(Vec<Expr>),
    /// All of the clauses that are not negated, none of those that are.
    And(Vec<Clause>),
    /// A bare word as typed (a phrase if analysis splits it).
    Word(String),
    /// The text between double quotes.
    Phrase(String),
    /// The text before a trailing `*`.
    Prefix(String),
}

/// One member of an [`Expr::And`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    /// Whether the clause must not match (`NOT x`, `-x`).
    pub negated: bool,
    /// What the clause matches.
    pub expr: Expr,
}

/// Parses `query`; `Ok(None)` for a query with nothing in it. The error is the problem, in words.
pub(crate) fn parse(query: &str) -> Result<Option<Expr>, String> {
    let tokens = lex(query)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut parser = Parser { tokens, next: 0 };
    let expr = parser.or_expr(None)?;
    if let Some((Tok::Close, at)) = parser.tokens.get(parser.next) {
        return Err(format!("the ) at character {at} has no matching ("));
    }
    Ok(Some(expr))
}

/// A lexical token of a query.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Prefix(String),
    Phrase(String),
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
}

/// Splits a query into tokens, each with its 1-based character position.
fn lex(query: &str) -> Result<Vec<(Tok, usize)>, String> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let ends_word = |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"');
    while i < chars.len() {
        let at = i + 1;
        match chars[i] {
            c if c.is_whitespace() => i += 1,
            '"' => {
                let Some(len) = chars[i + 1..].iter().position(|&c| c == '"') else {
                    return Err(format!(
                        "the quote at character {at} is never closed; \
                         add a closing \" or remove it"
                    ));
                };
                let phrase: String = chars[i + 1..i + 1 + len].iter().collect();
                i += len + 2;
                if chars.get(i) == Some(&'*') {
                    return Err(format!(
                        "a * after a phrase (character {}) is not supported; \
                         put the * after a single word, as in werkgever*",
                        i + 1
                    ));
                }
                tokens.push((Tok::Phrase(phrase), at));
            }
            '(' => {
                tokens.push((Tok::Open, at));
                i += 1;
            }
            ')' => {
                tokens.push((Tok::Close, at));
                i += 1;
            }
            c @ ('+' | '-') => {
                i += 1;
                // A lone sign ("werk - privé") is punctuation, not an operator.
                if chars
                    .get(i)
                    .is_some_and(|&n| !n.is_whitespace() && n != ')')
                {
                    tokens.push((if c == '+' { Tok::Plus } else { Tok::Minus }, at));
                }
            }
            _ => {
                let len = chars[i..]
                    .iter()
                    .position(|&c| ends_word(c))
                    .unwrap_or(chars.len() - i);
                let word: String = chars[i..i + len].iter().collect();
                i += len;
                let tok = match word.as_str() {
                    "AND" | "&&" => Tok::And,
                    "OR" | "||" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => match word.find('*') {
                        None => Tok::Word(word),
                        Some(star) if star + 1 == word.len() => {
                            Tok::Prefix(word[..star].to_string())
                        }
                        Some(_) => {
                            return Err(format!(
                                "a * can only end a word, as in werkgever*, \
                                 but \"{word}\" (character {at}) has one elsewhere"
                            ));
                        }
                    },
                };
                tokens.push((tok, at));
            }
        }
    }
    Ok(tokens)
}

/// A recursive-descent parser over the tokens.
struct Parser {
    tokens: Vec<(Tok, usize)>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.next).map(|(t, _)| t)
    }

    /// `and_expr (OR and_expr)*`; `open` is the position of the enclosing `(`, if any.
    fn or_expr(&mut self, open: Option<usize>) -> Result<Expr, String> {
        let mut alternatives = vec![self.and_expr(open)?];
        while let Some((Tok::Or, at)) = self.tokens.get(self.next) {
            let at = *at;
            self.next += 1;
            if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                return Err(format!("OR at character {at} has nothing after it"));
            }
            alternatives.push(self.and_expr(open)?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.swap_remove(0)
        } else {
            Expr::Or(alternatives)
        })
    }

    /// `unary ((AND)? unary)*`, stopping at `OR`, `)` or the end.
    fn and_expr(&mut self, open: Option<usize>) -> Result<Expr, String> {
        let mut clauses = Vec::new();
        while let Some((tok, at)) = self.tokens.get(self.next) {
            let at = *at;
            match tok {
                Tok::Or | Tok::Close => break,
                Tok::And => {
                    self.next += 1;
                    if clauses.is_empty() {
                        return Err(format!("AND at character {at} has nothing before it"));
                    }
                    if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                        return Err(format!("AND at character {at} has nothing after it"));
                    }
                }
                _ => clauses.push(self.unary()?),
            }
        }
        if clauses.is_empty() {
            return Err(match (self.tokens.get(self.next), open) {
                (Some((Tok::Or, at)), _) => format!("OR at character {at} has nothing before it"),
                (_, Some(open)) => format!("the brackets at character {open} hold nothing"),
                (Some((_, at)), None) => format!("the ) at character {at} has no matching ("),
                (None, None) => "it has nothing to search for".to_string(),
            });
        }
        Ok(Expr::And(clauses))
    }

    /// `(NOT | - | +)* primary`.
    fn unary(&mut self) -> Result<Clause, String> {
        let (tok, at) = self.tokens[self.next].clone();
        let negates = match tok {
            Tok::Not | Tok::Minus => true,
            Tok::Plus => false,
            _ => {
                return Ok(Clause {
                    negated: false,
                    expr: self.primary()?,
                });
            }
        };
        self.next += 1;
        if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
            let name = match tok {
                Tok::Not => "NOT",
                Tok::Minus => "-",
                _ => "+",
            };
            return Err(format!("{name} at character {at} has nothing after it"));
        }
        let inner = self.unary()?;
        Ok(Clause {
            negated: inner.negated != negates,
            expr: inner.expr,
        })
    }

    /// A word, prefix, phrase or bracketed query.
    fn primary(&mut self) -> Result<Expr, String> {
        let (tok, at) = self.tokens[self.next].clone();
        self.next += 1;
        match tok {
            Tok::Word(w) => Ok(Expr::Word(w)),
            Tok::Prefix(p) => Ok(Expr::Prefix(p)),
            Tok::Phrase(p) => Ok(Expr::Phrase(p)),
            Tok::Open => {
                let inner = self.or_expr(Some(at))?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(format!("the ( at character {at} is never closed"));
                }
                self.next += 1;
                Ok(inner)
            }
            // and_expr stops at these, so they never reach here.
            Tok::Close | Tok::And | Tok::Or | Tok::Not | Tok::Plus | Tok::Minus => {
                Err(format!("unexpected operator at character {at}"))
            }
        }
    }
}

/// A word of a query, analysed in both languages (the index holds both).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryWord {
    /// The exact form.
    pub exact: String,
    /// Dutch stem and whether it is a Dutch stop word.
    pub nl: (String, bool),
    /// English stem and whether it is an English stop word.
    pub en: (String, bool),
}

impl QueryWord {
    /// The stem and stop flag in `lang`.
    pub fn stem(&self, lang: Language) -> (&str, bool) {
        let (stem, stop) = match lang {
            Language::Dutch => &self.nl,
            Language::English => &self.en,
        };
        (stem, *stop)
    }
}

/// The words of a piece of query text.
fn query_words(text: &str) -> Vec<QueryWord> {
    let nl = analyse(Language::Dutch, text);
    let en = analyse(Language::English, text);
    nl.into_iter()
        .zip(en)
        .map(|(n, e)| QueryWord {
            exact: n.exact,
            nl: (n.stem, n.stop),
            en: (e.stem, e.stop),
        })
        .collect()
}

/// The exact form a prefix query looks for (`Werkgever*` → `werkgever`).
fn prefix_form(text: &str) -> Result<String, String> {
    let mut words = analyse(Language::Dutch, text);
    if words.len() > 1 {
        return Err(format!(
            "a * can only follow a single word, not \"{text}*\""
        ));
    }
    let word = words.pop().map(|w| w.exact).unwrap_or_default();
    if word.chars().count() < MIN_PREFIX_CHARS {
        return Err(format!(
            "\"{text}*\" is too short: put at least {MIN_PREFIX_CHARS} letters before the *"
        ));
    }
    Ok(word)
}

/// Turns a parsed query into a tantivy query; `Ok(None)` when no word of it is searchable.
pub(crate) fn compile(expr: &Expr, fields: &Fields) -> Result<Option<Box<dyn Query>>, String> {
    Ok(match expr {
        Expr::Word(text) | Expr::Phrase(text) => words_query(&query_words(text), fields),
        Expr::Prefix(text) => {
            let pattern: String = prefix_form(text)?
                .chars()
                .flat_map(|c| {
                    let escape = (!c.is_alphanumeric()).then_some('\\');
                    escape.into_iter().chain([c])
                })
                .chain(".*".chars())
                .collect();
            let regex = RegexQuery::from_pattern(&pattern, fields.text)
                .map_err(|e| format!("\"{text}*\" cannot be searched ({e})"))?;
            Some(Box::new(BoostQuery::new(Box::new(regex), EXACT_BOOST)))
        }
        Expr::Or(alternatives) => {
            let mut queries = Vec::new();
            for alternative in alternatives {
                queries.extend(compile(alternative, fields)?);
            }
            match queries.len() {
                0 => None,
                1 => queries.pop(),
                _ => Some(Box::new(BooleanQuery::union(queries))),
            }
        }
        Expr::And(clauses) => {
            let mut required = Vec::new();
            let mut excluded = Vec::new();
            for clause in clauses {
                if let Some(q) = compile(&clause.expr, fields)? {
                    if clause.negated {
                        excluded.push((Occur::MustNot, q));
                    } else {
                        required.push((Occur::Must, q));
                    }
                }
            }
            match (required.len(), excluded.len()) {
                (0, 0) => None,
                (1, 0) => required.pop().map(|(_, q)| q),
                (0, _) => {
                    required.push((Occur::Must, Box::new(AllQuery)));
                    required.extend(excluded);
                    Some(Box::new(BooleanQuery::new(required)))
                }
                _ => {
                    required.extend(excluded);
                    Some(Box::new(BooleanQuery::new(required)))
                }
            }
        }
    })
}

/// A word or phrase, looked up as exact forms (boosted) and as stems in each language.
fn words_query(words: &[QueryWord], fields: &Fields) -> Option<Box<dyn Query>> {
    if words.is_empty() {
        return None;
    }
    let exact = terms_query(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (i, Term::from_field_text(fields.text, &w.exact))),
    )?;
    let mut alternatives: Vec<Box<dyn Query>> = vec![Box::new(BoostQuery::new(exact, EXACT_BOOST))];
    for lang in [Language::Dutch, Language::English] {
        let field = fields.stemmed(lang);
        // Stop words are not in the stemmed field; the others keep their offsets.
        let stems = words.iter().enumerate().filter_map(|(i, w)| {
            let (stem, stop) = w.stem(lang);
            (!stop).then(|| (i, Term::from_field_text(field, stem)))
        });
        alternatives.extend(terms_query(stems));
    }
    Some(Box::new(BooleanQuery::union(alternatives)))
}

/// One term as a term query, several as a phrase at their offsets, none as nothing.
fn terms_query(terms: impl Iterator<Item = (usize, Term)>) -> Option<Box<dyn Query>> {
    let mut terms: Vec<(usize, Term)> = terms.collect();
    match terms.len() {
        0 => None,
        1 => terms.pop().map(|(_, term)| -> Box<dyn Query> {
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        }),
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
    }
}

/// Something in a text to highlight: a word, a phrase, or the words with a prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Needle {
    /// One word, or the words of a phrase in order.
    Words(Vec<QueryWord>),
    /// Exact forms starting with this.
    Prefix(String),
}

/// What the query looks for, as highlights: every word, phrase and prefix not under a NOT.
pub(crate) fn needles(expr: &Expr) -> Vec<Needle> {
    let mut found = Vec::new();
    collect_needles(expr, &mut found);
    found
}

fn collect_needles(expr: &Expr, found: &mut Vec<Needle>) {
    match expr {
        Expr::Word(text) | Expr::Phrase(text) => {
            let words = query_words(text);
            if !words.is_empty() {
                found.push(Needle::Words(words));
            }
        }
        Expr::Prefix(text) => found.extend(prefix_form(text).ok().map(Needle::Prefix)),
        Expr::Or(alternatives) => alternatives.iter().for_each(|e| collect_needles(e, found)),
        Expr::And(clauses) => clauses
            .iter()
            .filter(|c| !c.negated)
            .for_each(|c| collect_needles(&c.expr, found)),
    }
}

/// The byte ranges of `tokens` (a text analysed in `lang`) that the needles match, sorted and
/// with overlaps merged; a phrase is one range from its first word to its last.
pub(crate) fn find(
    needles: &[Needle],
    lang: Language,
    tokens: &[AnalysedToken],
) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for needle in needles {
        match needle {
            Needle::Prefix(prefix) => ranges.extend(
                tokens
                    .iter()
                    .filter(|t| t.exact.starts_with(prefix.as_str()))
                    .map(|t| t.range.clone()),
            ),
            Needle::Words(words) => {
                for window in tokens.windows(words.len()) {
                    ranges.extend(phrase_match(words, lang, window));
                }
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Where `words` match `window` (of the same length) as the index would match them: all exact
/// forms equal, or the stems of the words that are not stop words equal.
fn phrase_match(
    words: &[QueryWord],
    lang: Language,
    window: &[AnalysedToken],
) -> Option<Range<usize>> {
    let pairs = || words.iter().zip(window);
    if pairs().all(|(w, t)| w.exact == t.exact) {
        return Some(window.first()?.range.start..window.last()?.range.end);
    }
    let mut matched: Option<Range<usize>> = None;
    for (w, t) in pairs() {
        let (stem, stop) = w.stem(lang);
        if stop {
            continue;
        }
        if t.stop || t.stem != stem {
            return None;
        }
        let start = matched.as_ref().map_or(t.range.start, |m| m.start);
        matched = Some(start..t.range.end);
    }
    matched
}

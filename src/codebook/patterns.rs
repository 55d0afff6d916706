//! The codebook's rules as plain regular expressions, one a line, for `rg -c -f` and friends.
//!
//! These approximate the analysed matching of [`super::Matcher`]; they do not reproduce it.
//! A keyword becomes its stem as a prefix at the start of a word (`werkgever` becomes
//! `(?:^|[^\p{Latin}0-9])werkgever[\p{Latin}0-9]*`, which also finds
//! `werkgeversdienstverlening`, as the matcher does not); when the stemmer changed the word
//! (`taal` → `tal`) both forms are given. `=EXACT` is a whole word, `prefix*` a prefix,
//! `*part` becomes `[\p{Latin}0-9]*part[\p{Latin}0-9]*`, a phrase's words are joined by
//! `[^\p{Latin}0-9]+` (the analysis splits words at anything that is not a letter or digit),
//! and a synonym group's terms are alternatives. A vowel after a vowel (where Dutch puts a
//! trema) also matches its trema form (`cli[eë]nt`), and each line starts with `(?i)`; other
//! accents are not folded. `A NEAR/N B` allows up to N−1 words between the two, either order.
//! Exclusions (`not`) and scope are left out: a pattern finds candidates, it does not veto
//! them.
//!
//! Word edges are written without `\b` and `\w`, so that ripgrep (and the `regex` crate) can
//! run all the patterns at once in a lazy DFA: with a Unicode `\b` anywhere in the set, that
//! DFA gives up at the first non-ASCII byte and a slow engine takes over, and an ASCII `\b`
//! is wrong next to accented letters (it sees a word end inside `cliënten`). A word starts
//! after the start of a line or a character that is not a word character
//! (`(?:^|[^\p{Latin}0-9])`, which takes that character into the match: fine for counting
//! lines, visible with `rg -o`), and an exact word ends the same way at its other side. A word
//! character is a Latin letter, accented ones included, or a digit: the analysis also counts
//! letters of other scripts, but Dutch transcripts hardly write those against a Dutch word,
//! and the smaller class keeps ripgrep's DFA about twice as fast as `[\p{L}\p{N}]`
//! (measured; see BENCHMARKS.md). A regex rule is passed on as written, except that a `\b`
//! (or `\<`, `\>`, `\b{start}`, `\b{end}`) at its very start or end becomes the same edge.

use super::model::{Codebook, RuleKind};
use super::syntax::{self, Synonyms, Term, WordTest};

/// One rule as a regular expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePattern {
    /// The id of the code the rule belongs to.
    pub code: String,
    /// How the rule is written.
    pub kind: RuleKind,
    /// The rule as written.
    pub rule: String,
    /// The regular expression (Rust / ripgrep syntax), case-insensitive.
    pub regex: String,
}

/// A word character: a Latin letter (accented ones included) or a digit.
const WORD: &str = r"[\p{Latin}0-9]";
/// Anything but a word character: what separates words.
const NOT_WORD: &str = r"[^\p{Latin}0-9]";
/// Where a word starts: the start of a line, or a character that is not a word character.
const WORD_START: &str = r"(?:^|[^\p{Latin}0-9])";
/// Where a word ends: the end of a line, or a character that is not a word character.
const WORD_END: &str = r"(?:$|[^\p{Latin}0-9])";

impl Codebook {
    /// Every rule of every codable code as one regular expression, in file order. Rules that
    /// do not read (see [`Codebook::check`]) are left out.
    pub fn patterns(&self) -> Vec<RulePattern> {
        let lang = self.language;
        let synonyms = Synonyms::new(lang, &self.synonyms);
        let mut out = Vec::new();
        for code in self.codes.iter().filter(|c| c.codable) {
            let mut push = |kind, rule: &str, regex: String| {
                out.push(RulePattern {
                    code: code.id.clone(),
                    kind,
                    rule: rule.to_string(),
                    regex: format!("(?i){}", regex.replace('\n', "\\n")),
                })
            };
            for rule in &code.rules.keywords {
                if let Ok(k) = syntax::parse_keyword(lang, &rule.text) {
                    push(
                        k.kind,
                        &rule.text,
                        alternatives(&synonyms.expand(&k), Edges::BOTH),
                    );
                }
            }
            for rule in &code.rules.regex {
                if syntax::compile_regex(&rule.text).is_ok() {
                    push(RuleKind::Regex, &rule.text, plain_edges(&rule.text));
                }
            }
            for rule in &code.rules.near {
                if let Ok(near) = syntax::parse_near(lang, &rule.text) {
                    let left = synonyms.expand(&near.left);
                    let right = synonyms.expand(&near.right);
                    let gap = if near.distance > 1 {
                        format!("(?:{NOT_WORD}+{WORD}+){{0,{}}}", near.distance - 1)
                    } else {
                        String::new()
                    };
                    let (first, then) = (Edges::START, Edges::END);
                    push(
                        RuleKind::Near,
                        &rule.text,
                        format!(
                            "(?:{}{gap}{NOT_WORD}+{}|{}{gap}{NOT_WORD}+{})",
                            alternatives(&left, first),
                            alternatives(&right, then),
                            alternatives(&right, first),
                            alternatives(&left, then),
                        ),
                    );
                }
            }
        }
        out
    }
}

/// Which edges of a term the pattern must check itself; an edge next to a separator the
/// pattern already requires (between the two sides of a NEAR rule) needs no check.
#[derive(Debug, Clone, Copy)]
struct Edges {
    start: bool,
    end: bool,
}

impl Edges {
    const BOTH: Edges = Edges {
        start: true,
        end: true,
    };
    const START: Edges = Edges {
        start: true,
        end: false,
    };
    const END: Edges = Edges {
        start: false,
        end: true,
    };
}

/// Terms as one regex: `(?:a|b)`, or just `a`.
fn alternatives(terms: &[Term], edges: Edges) -> String {
    let parts: Vec<String> = terms.iter().map(|t| term_regex(t, edges)).collect();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        format!("(?:{})", parts.join("|"))
    }
}

fn term_regex(term: &Term, edges: Edges) -> String {
    let last = term.words.len().saturating_sub(1);
    term.words
        .iter()
        .zip(&term.forms)
        .enumerate()
        .map(|(i, (word, form))| {
            word_regex(word, form, edges.start && i == 0, edges.end && i == last)
        })
        .collect::<Vec<_>>()
        .join(&format!("{NOT_WORD}+"))
}

/// One word. `start`: the pattern must check that a word starts here; `end`: that it ends.
fn word_regex(word: &WordTest, form: &str, start: bool, end: bool) -> String {
    let start = if start { WORD_START } else { "" };
    match word {
        WordTest::Stem(stem) if form.starts_with(stem.as_str()) => {
            format!("{start}{}{WORD}*", folded(stem))
        }
        WordTest::Stem(stem) => format!("{start}(?:{}|{}){WORD}*", folded(form), folded(stem)),
        WordTest::Exact(exact) => {
            let end = if end { WORD_END } else { "" };
            format!("{start}{}{end}", folded(exact))
        }
        WordTest::Prefix(prefix) => format!("{start}{}{WORD}*", folded(prefix)),
        WordTest::Suffix { exact, .. } => format!("{WORD}*{}{WORD}*", folded(exact)),
    }
}

/// A regex rule with the word boundaries at its very start and end written as [`WORD_START`]
/// and [`WORD_END`]; a boundary anywhere else stays as written (the edges cannot be told
/// apart from the text alone), and so does a regex that does not parse.
fn plain_edges(regex: &str) -> String {
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(regex) else {
        return regex.to_string();
    };
    let mut edits = Vec::new();
    find_edges(&ast, true, true, &mut edits);
    let mut out = regex.to_string();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, with) in edits {
        out.replace_range(range, with);
    }
    out
}

/// The word boundaries in `ast` that nothing can be matched before (`at_start`) or after
/// (`at_end`), with what replaces each.
fn find_edges(
    ast: &regex_syntax::ast::Ast,
    at_start: bool,
    at_end: bool,
    edits: &mut Vec<(std::ops::Range<usize>, &'static str)>,
) {
    use regex_syntax::ast::{AssertionKind as K, Ast};
    match ast {
        Ast::Assertion(a) => {
            let with = match a.kind {
                K::WordBoundary if at_start => WORD_START,
                K::WordBoundary if at_end => WORD_END,
                K::WordBoundaryStart | K::WordBoundaryStartAngle if at_start => WORD_START,
                K::WordBoundaryEnd | K::WordBoundaryEndAngle if at_end => WORD_END,
                _ => return,
            };
            edits.push((a.span.start.offset..a.span.end.offset, with));
        }
        Ast::Group(g) => find_edges(&g.ast, at_start, at_end, edits),
        Ast::Alternation(alt) => {
            for branch in &alt.asts {
                find_edges(branch, at_start, at_end, edits);
            }
        }
        Ast::Concat(concat) => {
            let items = &concat.asts;
            // Flags and empty items match nothing: an item after them is still at the start.
            let zero = |a: &Ast| matches!(a, Ast::Flags(_) | Ast::Empty(_));
            let first = items.iter().position(|a| !zero(a));
            let last = items.iter().rposition(|a| !zero(a));
            for (i, item) in items.iter().enumerate() {
                find_edges(
                    item,
                    at_start && Some(i) == first,
                    at_end && Some(i) == last,
                    edits,
                );
            }
        }
        _ => {}
    }
}

/// A folded word as a regex. A vowel right after another vowel also matches its trema form,
/// because that is where Dutch writes one (`cli[eë]nt`, `co[oö]rdinator`, `ide[eë]en`);
/// other letters stay plain, to keep the patterns readable.
fn folded(word: &str) -> String {
    let mut out = String::new();
    let mut after_vowel = false;
    for c in word.chars() {
        let trema = trema(c);
        match trema {
            Some(t) if after_vowel => {
                out.push('[');
                out.push(c);
                out.push(t);
                out.push(']');
            }
            _ => out.push_str(&regex_syntax::escape(c.encode_utf8(&mut [0; 4]))),
        }
        after_vowel = trema.is_some();
    }
    out
}

/// The vowel with a trema that the analysis folds to `vowel`, if `vowel` is one.
fn trema(vowel: char) -> Option<char> {
    Some(match vowel {
        'a' => 'ä',
        'e' => 'ë',
        'i' => 'ï',
        'o' => 'ö',
        'u' => 'ü',
        'y' => 'ÿ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(rules: &str) -> Vec<String> {
        let text = format!(
            "[codebook]\nname = \"t\"\n\n[[synonyms]]\nterms = [\"LBT\", \"leerbaarheidstoets\"]\n\n[[codes]]\nid = \"c\"\nlabel = \"C\"\nkind = \"other\"\n[codes.rules]\n{rules}\n"
        );
        Codebook::parse("t.toml", &text)
            .unwrap()
            .patterns()
            .into_iter()
            .map(|p| p.regex)
            .collect()
    }

    fn finds(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn trema_forms_fold_to_their_vowel() {
        for v in "aeiouy".chars() {
            let t = trema(v).unwrap().to_string();
            assert_eq!(crate::index::analysis::normalise(&t), v.to_string());
        }
        assert_eq!(folded("coordinatie"), "co[oö]rdinati[eë]");
    }

    /// Whether a pattern asks for a Unicode word boundary, which keeps a lazy DFA (ripgrep's
    /// fast engine) off any text with a non-ASCII byte.
    fn has_unicode_boundary(pattern: &str) -> bool {
        regex_syntax::Parser::new()
            .parse(pattern)
            .unwrap()
            .properties()
            .look_set()
            .contains_word_unicode()
    }

    #[test]
    fn keywords_become_stems_at_a_word_start() {
        let p = patterns(
            "keywords = [\"werkgever\", \"cliënten\", \"geen vertrouwen\", \"=PIP\", \"*aanbieder\", \"taal\"]",
        );
        assert_eq!(p[0], "(?i)(?:^|[^\\p{Latin}0-9])werkgever[\\p{Latin}0-9]*");
        assert!(finds(&p[0], "De Werkgevers") && finds(&p[0], "werkgever"));
        assert!(!finds(&p[0], "oudwerkgever"));
        assert!(
            finds(&p[1], "cliënten") && finds(&p[1], "Clienten") && !finds(&p[1], "ingredient")
        );
        assert!(finds(&p[2], "geen  vertrouwen") && finds(&p[2], "Geen vertrouwd"));
        assert!(finds(&p[3], "het PIP.") && finds(&p[3], "PIP") && !finds(&p[3], "pips"));
        assert!(finds(&p[4], "zorgaanbieders"));
        assert!(finds(&p[5], "taal") && finds(&p[5], "talen"));
    }

    #[test]
    fn word_edges_hold_next_to_accented_letters() {
        let p = patterns("keywords = [\"=idee\", \"personeel\", \"coördinator\", \"café\"]");
        // An ASCII \b sees a word end inside "ideeën" and a word start inside "cafépersoneel".
        assert!(finds(&p[0], "een idee.") && !finds(&p[0], "twee ideeën"));
        assert!(finds(&p[1], "het personeel") && !finds(&p[1], "het cafépersoneel"));
        assert!(finds(&p[2], "de coördinator") && !finds(&p[2], "hoofdcoördinator"));
        assert!(finds(&p[3], "«café»") && finds(&p[3], "cafés"));
    }

    #[test]
    fn no_pattern_needs_a_unicode_word_boundary() {
        let p = patterns(
            "keywords = [\"werkgever\", \"=PIP\", \"*aanbieder\", \"geen vertrouwen\"]\n\
             regex = ['\\bpips?\\b', '(?:\\bA1|\\bB1)\\b', '\\<leer[a-z]+\\>', '(?i)\\b{start}taal']\n\
             near = [\"jobcoach NEAR/3 =PIP\"]",
        );
        assert_eq!(p.len(), 9);
        for pattern in &p {
            assert!(!has_unicode_boundary(pattern), "{pattern}");
            assert!(
                !pattern.contains("\\w") && !pattern.contains("\\W"),
                "{pattern}"
            );
        }
        assert_eq!(
            p[4],
            "(?i)(?:^|[^\\p{Latin}0-9])pips?(?:$|[^\\p{Latin}0-9])"
        );
        assert!(finds(&p[4], "het PIP.") && !finds(&p[4], "PIPje"));
        assert!(finds(&p[5], "niveau B1") && !finds(&p[5], "B12"));
        assert!(finds(&p[6], "leerbaar") && !finds(&p[6], "geleerd"));
        assert!(finds(&p[7], "Taalles") && !finds(&p[7], "Bitaal"));
    }

    #[test]
    fn a_boundary_inside_a_regex_stays_as_written() {
        let p = patterns("regex = ['taal\\bles', '(?:\\bB1)+']");
        assert_eq!(p, ["(?i)taal\\bles", "(?i)(?:\\bB1)+"]);
    }

    #[test]
    fn synonyms_and_near_become_alternatives() {
        let p = patterns("keywords = [\"lbt\"]\nnear = [\"jobcoach NEAR/3 werkgever*\"]");
        assert!(finds(&p[0], "de leerbaarheidstoetsen"));
        assert!(finds(&p[1], "jobcoach belt de werkgever"));
        assert!(finds(&p[1], "werkgever, zegt de jobcoach"));
        assert!(!finds(&p[1], "jobcoach belt heel vaak werkgever"));
        assert!(finds(&p[1], "jobcoach: werkgevers") && !finds(&p[1], "jobcoachwerkgever"));
        assert!(!finds(&p[1], "zijn jobcoach belde de oudwerkgever"));
    }
}

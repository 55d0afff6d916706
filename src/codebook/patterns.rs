//! The codebook's rules as plain regular expressions, one a line, for `rg -c -f` and friends.
//!
//! These approximate the analysed matching of [`super::Matcher`]; they do not reproduce it.
//! A keyword becomes its stem as a word-start-anchored prefix (`\bwerkgever\w*`, which also
//! finds `werkgeversdienstverlening`, as the matcher does not); when the stemmer changed the
//! word (`taal` → `tal`) both forms are given. `=EXACT` is a whole word, `prefix*` a prefix,
//! `*part` becomes `\w*part\w*`, a phrase's words are joined by `\W+` (the analysis splits
//! words at anything that is not a letter or digit), and a synonym group's terms are
//! alternatives. A vowel after a vowel (where Dutch puts a trema) also matches its trema form
//! (`cli[eë]nt`), and each line starts with `(?i)`; other accents are not folded.
//! `A NEAR/N B` allows up to N−1 words between the two, either order. Exclusions (`not`)
//! and scope are left out: a pattern finds candidates, it does not veto them.

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
                    push(k.kind, &rule.text, alternatives(&synonyms.expand(&k)));
                }
            }
            for rule in &code.rules.regex {
                if syntax::compile_regex(&rule.text).is_ok() {
                    push(RuleKind::Regex, &rule.text, rule.text.clone());
                }
            }
            for rule in &code.rules.near {
                if let Ok(near) = syntax::parse_near(lang, &rule.text) {
                    let a = alternatives(&synonyms.expand(&near.left));
                    let b = alternatives(&synonyms.expand(&near.right));
                    let gap = if near.distance > 1 {
                        format!("(?:\\W+\\w+){{0,{}}}", near.distance - 1)
                    } else {
                        String::new()
                    };
                    push(
                        RuleKind::Near,
                        &rule.text,
                        format!("(?:{a}{gap}\\W+{b}|{b}{gap}\\W+{a})"),
                    );
                }
            }
        }
        out
    }
}

/// Terms as one regex: `(?:a|b)`, or just `a`.
fn alternatives(terms: &[Term]) -> String {
    let parts: Vec<String> = terms.iter().map(term_regex).collect();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        format!("(?:{})", parts.join("|"))
    }
}

fn term_regex(term: &Term) -> String {
    term.words
        .iter()
        .zip(&term.forms)
        .map(|(word, form)| word_regex(word, form))
        .collect::<Vec<_>>()
        .join("\\W+")
}

fn word_regex(word: &WordTest, form: &str) -> String {
    match word {
        WordTest::Stem(stem) if form.starts_with(stem.as_str()) => {
            format!("\\b{}\\w*", folded(stem))
        }
        WordTest::Stem(stem) => format!("\\b(?:{}|{})\\w*", folded(form), folded(stem)),
        WordTest::Exact(exact) => format!("\\b{}\\b", folded(exact)),
        WordTest::Prefix(prefix) => format!("\\b{}\\w*", folded(prefix)),
        WordTest::Suffix { exact, .. } => format!("\\w*{}\\w*", folded(exact)),
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

    #[test]
    fn keywords_become_anchored_stems() {
        let p = patterns(
            "keywords = [\"werkgever\", \"cliënten\", \"geen vertrouwen\", \"=PIP\", \"*aanbieder\", \"taal\"]",
        );
        assert_eq!(p[0], "(?i)\\bwerkgever\\w*");
        assert!(finds(&p[0], "De Werkgevers"));
        assert!(
            finds(&p[1], "cliënten") && finds(&p[1], "Clienten") && !finds(&p[1], "ingredient")
        );
        assert!(finds(&p[2], "geen  vertrouwen") && finds(&p[2], "Geen vertrouwd"));
        assert!(finds(&p[3], "het PIP.") && !finds(&p[3], "pips"));
        assert!(finds(&p[4], "zorgaanbieders"));
        assert!(finds(&p[5], "taal") && finds(&p[5], "talen"));
    }

    #[test]
    fn synonyms_and_near_become_alternatives() {
        let p = patterns("keywords = [\"lbt\"]\nnear = [\"jobcoach NEAR/3 werkgever*\"]");
        assert!(finds(&p[0], "de leerbaarheidstoetsen"));
        assert!(finds(&p[1], "jobcoach belt de werkgever"));
        assert!(finds(&p[1], "werkgever, zegt de jobcoach"));
        assert!(!finds(&p[1], "jobcoach belt heel vaak werkgever"));
    }
}

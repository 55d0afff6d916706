//! Validation: everything about a codebook that is wrong or suspect, each with where and why.
//!
//! [`Codebook::check`] returns [`Diagnostic`]s: errors (the matcher refuses the codebook until
//! they are fixed) and warnings (it runs, but something is probably not what was meant).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use super::model::{Code, CodeKind, Codebook, Position, Rule};
use super::syntax::{self, Problem};
use crate::filter::closest;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The codebook cannot be used until this is fixed.
    Error,
    /// The codebook works, but probably not as meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One finding of [`Codebook::check`]: what, where, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The codebook file.
    pub path: PathBuf,
    /// 1-based line (0: the file as a whole).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub hint: String,
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: error: message`, then an indented `hint:` line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.path.display())?;
        }
        write!(f, "{}: {}", self.severity, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl Codebook {
    /// Everything wrong or suspect in the codebook, in file order (errors and warnings mixed).
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut out = Checker {
            book: self,
            found: Vec::new(),
        };
        out.synonyms();
        out.ids();
        out.tree();
        for code in &self.codes {
            out.code(code);
        }
        let mut found = out.found;
        found.sort_by_key(|d| (d.line, d.column, d.severity));
        found
    }
}

struct Checker<'a> {
    book: &'a Codebook,
    found: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        severity: Severity,
        at: Position,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.found.push(Diagnostic {
            severity,
            path: self.book.path.clone(),
            line: at.line,
            column: at.column,
            message: message.into(),
            hint: hint.into(),
        });
    }

    fn error(&mut self, at: Position, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Error, at, message, hint);
    }

    fn warning(&mut self, at: Position, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Warning, at, message, hint);
    }

    /// A rule's problem, pointed at the offending character where it is known.
    fn problem(&mut self, rule: &Rule, what: &str, p: Problem) {
        let mut at = rule.at;
        if let (Some(offset), true) = (p.offset, rule.verbatim) {
            at.column += 1 + offset;
        }
        self.error(at, format!("{what}: {}", p.message), p.hint);
    }

    fn synonyms(&mut self) {
        let lang = self.book.language;
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        for (g, group) in self.book.synonyms.iter().enumerate() {
            if group.terms.len() < 2 {
                self.warning(
                    group.at,
                    "a synonym group with fewer than two terms stands for nothing else",
                    "list at least two terms, as in [\"LBT\", \"leerbaarheidstoets\"]",
                );
            }
            for term in &group.terms {
                match syntax::parse_keyword(lang, &term.text) {
                    Err(p) => self.problem(term, "synonym", p),
                    Ok(k) => {
                        let first = *seen.entry(k.key.clone()).or_insert((g, term.at.line));
                        if let (other, line) = first
                            && other != g
                        {
                            self.warning(
                                term.at,
                                format!(
                                    "synonym \"{}\" is also in the group at line {line}; the groups act as one",
                                    term.text
                                ),
                                "merge the two groups, or remove one of the terms",
                            );
                        }
                    }
                }
            }
        }
    }

    fn ids(&mut self) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for code in &self.book.codes {
            if let Some(c) = code
                .id
                .chars()
                .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_')))
            {
                self.error(
                    code.at,
                    format!("code id \"{}\" contains {c:?}", code.id),
                    "use letters, digits, '.', '-' and '_' only, as in \"ctx.inst.kinderopvang\"",
                );
            } else if code.id.is_empty() {
                self.error(
                    code.at,
                    "a code id is empty",
                    "give the code an id such as \"int.pip\"",
                );
            }
            if let Some(line) = first.insert(&code.id, code.at.line) {
                self.error(
                    code.at,
                    format!(
                        "code id \"{}\" is used twice (first at line {line})",
                        code.id
                    ),
                    "give each [[codes]] entry its own id",
                );
                first.insert(&code.id, line);
            }
        }
    }

    /// Unknown parents and cycles in the parent tree.
    fn tree(&mut self) {
        let book = self.book;
        let mut in_cycle: HashSet<usize> = HashSet::new();
        for (i, code) in book.codes.iter().enumerate() {
            let Some(parent) = &code.parent else { continue };
            let at = code.places.parent.unwrap_or(code.at);
            if book.position_of(parent).is_none() {
                let hint = match closest_id(book, parent) {
                    Some(id) => format!("did you mean \"{id}\"?"),
                    None => "name the id of another [[codes]] entry, or leave parent out for a top-level code".into(),
                };
                self.error(
                    at,
                    format!(
                        "code \"{}\" has parent \"{parent}\", which is not a code in this codebook",
                        code.id
                    ),
                    hint,
                );
                continue;
            }
            if in_cycle.contains(&i) {
                continue;
            }
            // Walk up; a walk that comes back to this code is a cycle.
            let mut path = vec![i];
            let mut seen: HashSet<usize> = HashSet::from([i]);
            let mut current = i;
            while let Some(next) = book.codes[current]
                .parent
                .as_deref()
                .and_then(|p| book.position_of(p))
            {
                if next == i {
                    let names: Vec<&str> = path
                        .iter()
                        .chain(std::iter::once(&i))
                        .map(|&k| book.codes[k].id.as_str())
                        .collect();
                    in_cycle.extend(path.iter().copied());
                    self.error(
                        at,
                        format!(
                            "the parents of \"{}\" go round in a circle: {}",
                            code.id,
                            names.join(" → ")
                        ),
                        "a code cannot be its own ancestor; give one of these codes another parent",
                    );
                    break;
                }
                if !seen.insert(next) {
                    break; // a cycle above this code, reported from its own members
                }
                path.push(next);
                current = next;
            }
        }
    }

    /// Everything about one code: whether it can be applied, the fields its kind allows, its
    /// weight and scope, and each of its rules.
    fn code(&mut self, code: &Code) {
        self.codable(code);
        self.kind_fields(code);
        self.weight_and_scope(code);
        self.duplicate_rules(code);
        self.rule_syntax(code);
        for (at, message, hint) in super::sentence::code_warnings(code)
            .into_iter()
            .chain(super::plain::code_warnings(code))
        {
            self.warning(at, message, hint);
        }
    }

    /// A codable code needs rules or examples; a category (`codable = false`) needs children
    /// and no rules.
    fn codable(&mut self, code: &Code) {
        let rules = &code.rules;
        if code.codable && rules.is_empty() && code.examples.is_empty() {
            self.warning(
                code.at,
                format!("code \"{}\" has neither rules nor examples", code.id),
                "add keywords under [codes.rules] so it can be suggested, or example quotes for coders; a grouping code takes codable = false",
            );
        }
        if !code.codable && !rules.is_empty() {
            let first = rules
                .keywords
                .first()
                .or(rules.regex.first())
                .or(rules.near.first())
                .map_or(code.at, |r| r.at);
            self.warning(
                first,
                format!(
                    "code \"{}\" has codable = false, so its rules are never applied",
                    code.id
                ),
                "move the rules to a code under it, or remove codable = false",
            );
        }
        if !code.codable
            && !self
                .book
                .codes
                .iter()
                .any(|c| c.parent.as_deref() == Some(code.id.as_str()))
        {
            self.warning(
                code.places.codable.unwrap_or(code.at),
                format!(
                    "code \"{}\" has codable = false but no codes under it",
                    code.id
                ),
                "a code that is not applied to text only makes sense as a category; give it children or remove codable = false",
            );
        }
    }

    /// A level only on context codes, a process or subgoal only on mechanisms.
    fn kind_fields(&mut self, code: &Code) {
        match (code.kind, code.level) {
            // A category such as `ctx` groups the levels and needs none itself.
            (CodeKind::Context, None) if code.codable => self.error(
                code.places.kind,
                format!("context code \"{}\" has no level", code.id),
                "add level = \"individueel\", \"institutioneel\" or \"maatschappelijk\"",
            ),
            (kind, Some(_)) if kind != CodeKind::Context => self.error(
                code.places.level.unwrap_or(code.at),
                format!(
                    "code \"{}\" has kind = \"{kind}\" and a level; only context codes have one",
                    code.id
                ),
                "remove level, or make the code kind = \"context\"",
            ),
            _ => {}
        }
        if code.kind != CodeKind::Mechanism {
            for (field, at) in [
                ("process", code.places.process),
                ("subgoal", code.places.subgoal),
            ] {
                if let Some(at) = at {
                    self.error(
                        at,
                        format!(
                            "code \"{}\" has kind = \"{}\" and a {field}; only mechanisms have one",
                            code.id, code.kind
                        ),
                        "remove it, or make the code kind = \"mechanism\"",
                    );
                }
            }
        }
    }

    /// A weight of zero or more, and no empty role or speaker in the scope.
    fn weight_and_scope(&mut self, code: &Code) {
        let rules = &code.rules;
        if !code.weight.is_finite() || code.weight < 0.0 {
            self.error(
                code.places.weight.unwrap_or(code.at),
                format!("weight {} is not a number of zero or more", code.weight),
                "weights multiply a code's score: 1.0 is the default, 0.5 halves it",
            );
        }
        for (what, list) in [("role", &rules.roles), ("speaker", &rules.speakers)] {
            if list.iter().any(|r| r.trim().is_empty()) {
                self.error(
                    code.places.rules.unwrap_or(code.at),
                    format!("code \"{}\" has an empty {what} in its scope", code.id),
                    format!(
                        "name each {what} as the manifest does, or leave the list empty for all"
                    ),
                );
            }
        }
    }

    /// The same rule given twice in one code.
    fn duplicate_rules(&mut self, code: &Code) {
        let rules = &code.rules;
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for (list, what) in [
            (&rules.keywords, "keyword"),
            (&rules.regex, "regex"),
            (&rules.near, "near"),
            (&rules.not, "not"),
        ] {
            for rule in list {
                if !seen.insert((what, rule.text.trim())) {
                    self.warning(
                        rule.at,
                        format!(
                            "{what} rule \"{}\" is given twice in code \"{}\"",
                            rule.text, code.id
                        ),
                        "remove one of them",
                    );
                }
            }
        }
    }

    /// Each rule read as the matcher reads it; a regex that can match nothing is suspect.
    fn rule_syntax(&mut self, code: &Code) {
        let lang = self.book.language;
        let rules = &code.rules;
        for rule in &rules.keywords {
            if let Err(p) = syntax::parse_keyword(lang, &rule.text) {
                self.problem(rule, "keyword", p);
            }
        }
        for rule in &rules.not {
            if let Err(p) = syntax::parse_keyword(lang, &rule.text) {
                self.problem(rule, "exclusion", p);
            }
        }
        for rule in &rules.near {
            if let Err(p) = syntax::parse_near(lang, &rule.text) {
                self.problem(rule, "near", p);
            }
        }
        for rule in &rules.regex {
            match syntax::compile_regex(&rule.text) {
                Err(p) => self.problem(rule, "regex", p),
                Ok(_) if syntax::regex_can_match_empty(&rule.text) => self.warning(
                    rule.at,
                    format!(
                        "regex '{}' can match the empty string; such matches are skipped",
                        rule.text
                    ),
                    "make it match at least one character, as in 'pips?' rather than '(pips?)?'",
                ),
                Ok(_) => {}
            }
        }
    }
}

/// The known id most like `wanted`, if one is close (a typo, a missing level).
fn closest_id<'a>(book: &'a Codebook, wanted: &str) -> Option<&'a str> {
    closest(book.codes.iter().map(|c| c.id.as_str()), wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Diagnostic> {
        Codebook::parse("c.toml", text).unwrap().check()
    }

    #[test]
    fn a_parent_typo_suggests_the_id() {
        let d = check(
            "[codebook]\nname = \"x\"\n[[codes]]\nid = \"int\"\nlabel = \"I\"\nkind = \"intervention\"\nexamples = [\"x\"]\n[[codes]]\nid = \"int.pip\"\nparent = \"itn\"\nlabel = \"P\"\nkind = \"intervention\"\nexamples = [\"x\"]\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (10, 10));
        assert!(d[0].hint.contains("\"int\""), "{}", d[0]);
    }

    #[test]
    fn a_diagnostic_prints_with_its_hint() {
        let d = Diagnostic {
            severity: Severity::Warning,
            path: "c.toml".into(),
            line: 3,
            column: 7,
            message: "m".into(),
            hint: "h".into(),
        };
        assert_eq!(d.to_string(), "c.toml:3:7: warning: m\n  hint: h");
    }
}

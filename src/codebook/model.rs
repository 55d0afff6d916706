//! The codebook as the researcher wrote it: codes, their rules and synonym groups, read from
//! TOML with the line and column of everything that can be wrong.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::wording::{ContextEffect, MechanismWording};
use crate::error::{Error, LineIndex, line_col};
use crate::lang::Language;

/// One codebook file: its header, its synonym groups and its codes, in file order.
#[derive(Debug, Clone)]
pub struct Codebook {
    /// Where the codebook was read from (for messages).
    pub path: PathBuf,
    /// The codebook's name, from `[codebook] name`.
    pub name: String,
    /// The language the rules are analysed in (`nl` unless said otherwise).
    pub language: Language,
    /// Free-text version, shown in reports.
    pub version: Option<String>,
    /// `[[synonyms]]`: groups whose terms stand for each other in every rule.
    pub synonyms: Vec<SynonymGroup>,
    /// `[[codes]]`, in file order.
    pub codes: Vec<Code>,
    /// Id → index of the first code with that id.
    index: HashMap<String, usize>,
    /// The start of the BLAKE3 hash of the file's text.
    digest: String,
}

/// A 1-based line and column (in characters) in a codebook file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    /// 1-based line (0 when the file as a whole is meant).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A text written in the codebook (a rule, a synonym term) and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The text as written, without the TOML quotes.
    pub text: String,
    /// Where its opening quote is.
    pub at: Position,
    /// Whether the file has the text as it is between one-line quotes (a `'...'` string, or a
    /// `"..."` one without escapes), so that a character offset in the text is the same
    /// offset from the quote in the file.
    pub(crate) verbatim: bool,
}

/// `[[synonyms]]`: terms (keyword syntax) that each stand for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    /// The terms, as written.
    pub terms: Vec<Rule>,
    /// Where the group's `terms` key is.
    pub at: Position,
}

/// The kind of a code: which ICAMO element it is evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeKind {
    /// What the municipality and partners do.
    Intervention,
    /// Whom the intervention targets, or in whom a mechanism happens.
    Actor,
    /// The process set going, with its sub-goal.
    Mechanism,
    /// A condition, at one of three [`ContextLevel`]s.
    Context,
    /// An intended end goal.
    Outcome,
    /// Anything else (helps/hinders, counter-mechanisms, …).
    Other,
}

impl CodeKind {
    /// The name as written in a codebook.
    pub fn name(self) -> &'static str {
        match self {
            CodeKind::Intervention => "intervention",
            CodeKind::Actor => "actor",
            CodeKind::Mechanism => "mechanism",
            CodeKind::Context => "context",
            CodeKind::Outcome => "outcome",
            CodeKind::Other => "other",
        }
    }
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The level of a context factor, as the ICAMO model distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContextLevel {
    /// `individueel`: the inburgeraar's own situation (motivation, health, family).
    #[serde(rename = "individueel")]
    Individual,
    /// `institutioneel`: organisations and arrangements (capacity, offer, childcare).
    #[serde(rename = "institutioneel")]
    Institutional,
    /// `maatschappelijk`: society and the economy (labour market, discrimination).
    #[serde(rename = "maatschappelijk")]
    Societal,
}

impl ContextLevel {
    /// The name as written in a codebook.
    pub fn name(self) -> &'static str {
        match self {
            ContextLevel::Individual => "individueel",
            ContextLevel::Institutional => "institutioneel",
            ContextLevel::Societal => "maatschappelijk",
        }
    }
}

impl fmt::Display for ContextLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a rule is written, and so how it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// One word, matched on its stem (`werkgever` matches `werkgevers`).
    Keyword,
    /// Several words in a row, each matched on its stem (or as marked).
    Phrase,
    /// `word*`: any word starting with it.
    Prefix,
    /// `*part`: any word ending in it (compounds: `taalaanbieder`).
    Compound,
    /// `=word`: the exact form only, no stemming.
    Exact,
    /// A regular expression over the segment text.
    Regex,
    /// `A NEAR/N B`: both within N words of each other.
    Near,
}

impl RuleKind {
    /// The name shown in listings.
    pub fn name(self) -> &'static str {
        match self {
            RuleKind::Keyword => "keyword",
            RuleKind::Phrase => "phrase",
            RuleKind::Prefix => "prefix",
            RuleKind::Compound => "compound",
            RuleKind::Exact => "exact",
            RuleKind::Regex => "regex",
            RuleKind::Near => "near",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One `[[codes]]` entry.
#[derive(Debug, Clone)]
pub struct Code {
    /// The unique id (`int.pip`, `icamo1.m1`, `ctx.inst.kinderopvang`).
    pub id: String,
    /// The id of the code above it in the tree.
    pub parent: Option<String>,
    /// The label reports show.
    pub label: String,
    /// The label in plain words (B1 Dutch) that the quote site shows readers who do not know
    /// the theory's terms; the site falls back on `label` without it.
    pub plain: Option<String>,
    /// Which ICAMO element it is evidence for.
    pub kind: CodeKind,
    /// Whether it is applied to text (`false` for categories that only group codes).
    pub codable: bool,
    /// The colour other QDA tools show it in, as `#RRGGBB` or `#RGB` (REFI-QDA's form).
    pub color: Option<String>,
    /// What the code means.
    pub definition: Option<String>,
    /// When to apply it.
    pub include: Option<String>,
    /// When not to apply it.
    pub exclude: Option<String>,
    /// Example quotes.
    pub examples: Vec<String>,
    /// Multiplier on the code's score (default 1.0).
    pub weight: f32,
    /// The level of a context code.
    pub level: Option<ContextLevel>,
    /// A mechanism's underlying process.
    pub process: Option<String>,
    /// A mechanism's sub-goal.
    pub subgoal: Option<String>,
    /// `in_use = false` on an intervention that was not yet in use when the study was done (a
    /// tool still in development): the quote site says so where its mechanisms have no quotes.
    pub in_use: bool,
    /// Whether a context factor is a condition, a barrier, or works either way.
    pub effect: Option<ContextEffect>,
    /// A mechanism's clauses for the report's causal sentence, in the author's words.
    pub sentence: MechanismWording,
    /// How the code is found in text.
    pub rules: Rules,
    /// Where the code's `id` is written.
    pub at: Position,
    /// Where its other fields are written, for diagnostics.
    pub(crate) places: Places,
}

/// Where the fields of a code that checks can complain about are written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Places {
    pub parent: Option<Position>,
    pub kind: Position,
    pub codable: Option<Position>,
    pub plain: Option<Position>,
    pub in_use: Option<Position>,
    pub weight: Option<Position>,
    pub level: Option<Position>,
    pub process: Option<Position>,
    pub subgoal: Option<Position>,
    pub effect: Option<Position>,
    pub sentence: Option<Position>,
    pub rules: Option<Position>,
}

/// `[codes.rules]`: how a code is found in a segment.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Words and phrases (`werkgever`, `werkgever*`, `*aanbieder`, `=PIP`, `geen vertrouwen`).
    pub keywords: Vec<Rule>,
    /// Regular expressions over the segment text, case-insensitive.
    pub regex: Vec<Rule>,
    /// `A NEAR/N B` rules.
    pub near: Vec<Rule>,
    /// Exclusions (keyword syntax): any of them in a segment vetoes the code there.
    pub not: Vec<Rule>,
    /// Only in turns of these roles (empty: all roles).
    pub roles: Vec<String>,
    /// Only in turns of these speakers (pseudonyms; empty: all speakers).
    pub speakers: Vec<String>,
}

impl Rules {
    /// Whether there is no rule that can find the code (exclusions and scope find nothing).
    pub fn is_empty(&self) -> bool {
        self.keywords.is_empty() && self.regex.is_empty() && self.near.is_empty()
    }

    /// How many rules can find the code.
    pub fn count(&self) -> usize {
        self.keywords.len() + self.regex.len() + self.near.len()
    }
}

impl Codebook {
    /// Reads and parses the codebook at `path` (see [`Codebook::parse`]).
    pub fn load(path: &Path) -> Result<Codebook, Error> {
        Codebook::parse(path, &read_text(path)?)
    }

    /// Parses codebook text; `path` only names the file in errors.
    ///
    /// This reads the TOML and rejects unknown keys and wrong types, with the line and column;
    /// whether the codes make sense together is for [`Codebook::check`].
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Codebook, Error> {
        let path = path.as_ref();
        let raw: RawCodebook = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            Error::Codebook {
                path: path.to_path_buf(),
                line,
                column,
                message: explain(e.message().trim()),
            }
        })?;
        let lines = LineIndex::new(text);
        let at = |span: Range<usize>| {
            let (line, column) = lines.line_col(span.start);
            Position { line, column }
        };
        let rule = |s: Spanned<String>| Rule {
            at: at(s.span()),
            verbatim: verbatim(&text[s.span()]),
            text: s.into_inner(),
        };
        let rules_of = |r: Vec<Spanned<String>>| r.into_iter().map(rule).collect::<Vec<_>>();
        let synonyms = raw
            .synonyms
            .into_iter()
            .map(|g| SynonymGroup {
                at: at(g.terms.span()),
                terms: rules_of(g.terms.into_inner()),
            })
            .collect();
        let mut codes = Vec::with_capacity(raw.codes.len());
        for c in raw.codes {
            if let Some(color) = &c.color
                && !is_rgb(color.get_ref())
            {
                let place = at(color.span());
                return Err(Error::Codebook {
                    path: path.to_path_buf(),
                    line: place.line,
                    column: place.column,
                    message: format!(
                        "color \"{}\" is not a colour: write it as \"#RRGGBB\" (six hex digits) or \"#RGB\"",
                        color.get_ref()
                    ),
                });
            }
            let places = Places {
                parent: c.parent.as_ref().map(|p| at(p.span())),
                kind: at(c.kind.span()),
                codable: c.codable.as_ref().map(|s| at(s.span())),
                plain: c.plain.as_ref().map(|s| at(s.span())),
                in_use: c.in_use.as_ref().map(|s| at(s.span())),
                weight: c.weight.as_ref().map(|s| at(s.span())),
                level: c.level.as_ref().map(|s| at(s.span())),
                process: c.process.as_ref().map(|s| at(s.span())),
                subgoal: c.subgoal.as_ref().map(|s| at(s.span())),
                effect: c.effect.as_ref().map(|s| at(s.span())),
                sentence: c.sentence.as_ref().map(|s| at(s.span())),
                rules: c.rules.as_ref().map(|s| at(s.span())),
            };
            let rules = c.rules.map(Spanned::into_inner).unwrap_or_default();
            codes.push(Code {
                at: at(c.id.span()),
                id: c.id.into_inner(),
                parent: c.parent.map(Spanned::into_inner),
                label: c.label,
                plain: c.plain.map(Spanned::into_inner),
                kind: c.kind.into_inner(),
                codable: c.codable.is_none_or(Spanned::into_inner),
                color: c.color.map(Spanned::into_inner),
                definition: c.definition,
                include: c.include,
                exclude: c.exclude,
                examples: c.examples,
                weight: c.weight.map_or(1.0, Spanned::into_inner),
                level: c.level.map(Spanned::into_inner),
                process: c.process.map(Spanned::into_inner),
                subgoal: c.subgoal.map(Spanned::into_inner),
                in_use: c.in_use.is_none_or(Spanned::into_inner),
                effect: c.effect.map(Spanned::into_inner),
                sentence: c.sentence.map(Spanned::into_inner).unwrap_or_default(),
                rules: Rules {
                    keywords: rules_of(rules.keywords),
                    regex: rules_of(rules.regex),
                    near: rules_of(rules.near),
                    not: rules_of(rules.not),
                    roles: rules.roles,
                    speakers: rules.speakers,
                },
                places,
            });
        }
        let mut index = HashMap::with_capacity(codes.len());
        for (i, code) in codes.iter().enumerate() {
            index.entry(code.id.clone()).or_insert(i);
        }
        Ok(Codebook {
            path: path.to_path_buf(),
            name: raw.codebook.name,
            language: raw.codebook.language,
            version: raw.codebook.version,
            synonyms,
            codes,
            index,
            digest: digest(text),
        })
    }

    /// The start of the BLAKE3 hash of the text it was parsed from: what tells that the file
    /// has changed since something was made with it.
    pub(crate) fn digest(&self) -> &str {
        &self.digest
    }

    /// The code with this id (the first, should the id be used twice).
    pub fn code(&self, id: &str) -> Option<&Code> {
        self.index.get(id).map(|&i| &self.codes[i])
    }

    /// The index in [`Codebook::codes`] of the code with this id.
    pub(crate) fn position_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// The start of the BLAKE3 hash of a codebook's text (see [`Codebook::digest`]).
pub(crate) fn digest(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}

/// Reads a codebook file as text: UTF-8 (with or without a byte-order mark) or UTF-16 with
/// one, line ends made LF; any other encoding is an error with the line and column where the
/// text stops being readable.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    crate::transcript::decode(&bytes)
        .map(|d| d.text)
        .map_err(|e| Error::Codebook {
            path: path.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message,
        })
}

/// Whether `s` is a colour as REFI-QDA writes one: `#` and six or three hex digits.
pub(crate) fn is_rgb(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| matches!(h.len(), 3 | 6) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether a TOML string is written so that its characters stand one for one in the file.
fn verbatim(written: &str) -> bool {
    (written.starts_with('\'') && !written.starts_with("'''"))
        || (written.starts_with('"') && !written.starts_with("\"\"\"") && !written.contains('\\'))
}

/// A TOML error message, with what would be right where serde's words leave it open.
fn explain(message: &str) -> String {
    let hint = if message.contains("missing field `codebook`") {
        "; a codebook starts with a [codebook] table with name = \"...\""
    } else if message.contains("missing field `kind`") {
        "; every code needs kind = \"intervention\", \"actor\", \"mechanism\", \"context\", \"outcome\" or \"other\""
    } else if message.contains("missing field `label`") {
        "; every code needs a label = \"...\" for reports"
    } else if message.contains("missing field `id`") {
        "; every code needs an id = \"...\" (letters, digits, '.', '-', '_')"
    } else {
        ""
    };
    format!("{message}{hint}")
}

// The file as TOML sees it: spans kept for every value a diagnostic may point at.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    codebook: RawHeader,
    #[serde(default)]
    synonyms: Vec<RawSynonyms>,
    #[serde(default)]
    codes: Vec<RawCode>,
    /// `[[configurations]]` belong to [`crate::chain`], which reads them from the same file.
    #[serde(default)]
    #[allow(dead_code)]
    configurations: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    #[serde(default)]
    language: Language,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonyms {
    terms: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    id: Spanned<String>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    label: String,
    #[serde(default)]
    plain: Option<Spanned<String>>,
    kind: Spanned<CodeKind>,
    #[serde(default)]
    codable: Option<Spanned<bool>>,
    #[serde(default)]
    color: Option<Spanned<String>>,
    #[serde(default)]
    definition: Option<String>,
    #[serde(default)]
    include: Option<String>,
    #[serde(default)]
    exclude: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    weight: Option<Spanned<f32>>,
    #[serde(default)]
    level: Option<Spanned<ContextLevel>>,
    #[serde(default)]
    process: Option<Spanned<String>>,
    #[serde(default)]
    subgoal: Option<Spanned<String>>,
    #[serde(default)]
    in_use: Option<Spanned<bool>>,
    #[serde(default)]
    effect: Option<Spanned<ContextEffect>>,
    #[serde(default)]
    sentence: Option<Spanned<MechanismWording>>,
    #[serde(default)]
    rules: Option<Spanned<RawRules>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    #[serde(default)]
    regex: Vec<Spanned<String>>,
    #[serde(default)]
    near: Vec<Spanned<String>>,
    #[serde(default)]
    not: Vec<Spanned<String>>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    speakers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"[codebook]
name = "Proef"

[[synonyms]]
terms = ["LBT", "taalleerbaarheidstoets"]

[[codes]]
id = "int"
label = "Interventies"
kind = "intervention"
codable = false

[[codes]]
id = "int.pip"
parent = "int"
label = "PIP"
kind = "intervention"

[codes.rules]
keywords = ["PIP", 'werkgever*']
"#;

    #[test]
    fn parse_keeps_positions_of_ids_and_rules() {
        let book = Codebook::parse("c.toml", SMALL).unwrap();
        assert_eq!(book.codes.len(), 2);
        let pip = book.code("int.pip").unwrap();
        assert_eq!(
            pip.at,
            Position {
                line: 14,
                column: 6
            }
        );
        assert_eq!(
            pip.places.parent,
            Some(Position {
                line: 15,
                column: 10
            })
        );
        assert_eq!(
            pip.rules.keywords[1].at,
            Position {
                line: 20,
                column: 20
            }
        );
        assert!(pip.rules.keywords[1].verbatim && pip.rules.keywords[0].verbatim);
        assert!(!book.code("int").unwrap().codable);
        assert_eq!(book.synonyms[0].terms[1].text, "taalleerbaarheidstoets");
    }

    #[test]
    fn unknown_keys_are_errors_with_line_and_column() {
        let text = SMALL.replace("keywords =", "keyword =");
        let err = Codebook::parse("c.toml", &text).unwrap_err().to_string();
        assert!(err.starts_with("c.toml:20:1:"), "{err}");
        assert!(err.contains("unknown field `keyword`"), "{err}");
        assert!(err.contains("`keywords`"), "{err}");
    }

    #[test]
    fn unknown_kinds_list_the_known_ones() {
        let text = SMALL.replace(
            "kind = \"intervention\"\n\n[codes",
            "kind = \"interventie\"\n\n[codes",
        );
        let err = Codebook::parse("c.toml", &text).unwrap_err().to_string();
        assert!(err.starts_with("c.toml:17:8:"), "{err}");
        assert!(err.contains("mechanism"), "{err}");
    }
}

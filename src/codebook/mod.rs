//! The codebook: codes and their rules, read from TOML, checked, and compiled into a matcher.
//!
//! A [`Codebook`] is one TOML file as the researcher wrote it: [`Code`]s with a [`CodeKind`]
//! (a context code with its [`ContextLevel`]), their [`Rules`], and [`SynonymGroup`]s whose
//! terms stand for each other in every rule. [`Codebook::load`] reads it with line-accurate
//! errors; [`Codebook::check`] lists every [`Diagnostic`] (unknown parents, cycles, rules that
//! can never match, …); [`Codebook::tree`] draws the code tree and [`Codebook::descendants`]
//! walks it; [`Codebook::patterns`] gives each rule as a plain regex for `rg`.
//!
//! A [`Matcher`] compiles every rule of every code into one structure and finds the codes of a
//! segment in one pass over its words, analysed exactly as the search index analyses them
//! ([`crate::index::analysis`]), so a rule and a search agree on what a word is. It returns a
//! [`CodeMatch`] per code, with the [`RuleHit`]s that found it.
//!
//! ```
//! use icamo::codebook::{Codebook, Matcher};
//! use icamo::lang::Language;
//! use icamo::transcript::Segment;
//!
//! let book = Codebook::parse("codebook.toml", r#"
//!     [codebook]
//!     name = "Proef"
//!
//!     [[codes]]
//!     id = "act.werkgever"
//!     label = "Werkgevers"
//!     kind = "actor"
//!
//!     [codes.rules]
//!     keywords = ["werkgever*", "vertrouwen"]
//! "#)?;
//! assert!(book.check().is_empty());
//!
//! let matcher = Matcher::new(&book)?;
//! let text = "Werkgevers hadden geen vertrouwen in de taalaanbieder.";
//! let segment = Segment {
//!     id: Segment::make_id("int-1", 1), doc: "int-1".into(), ordinal: 1,
//!     speaker: "Amal".into(), respondent: None, role: "statushouder".into(),
//!     case: None, group: None, interviewer: false, lang: Language::Dutch,
//!     start_ms: None, end_ms: None, line: 1,
//!     byte_start: 0, byte_end: text.len(), char_start: 0, char_end: text.chars().count(),
//!     text: text.into(),
//! };
//! let found = matcher.match_segment(&segment);
//! assert_eq!(found[0].code, "act.werkgever");
//! assert_eq!(found[0].hits[0].term, "werkgevers");
//! assert_eq!(found[0].hits[1].term, "vertrouwen");
//! // "geen" negates "vertrouwen"; the rule "geen vertrouwen" would find its phrase unnegated.
//! assert_eq!(found[0].negated, 1);
//! # Ok::<(), icamo::Error>(())
//! ```

mod check;
pub mod config;
mod matcher;
mod model;
mod patterns;
pub mod plain;
pub mod sentence;
mod set;
mod syntax;
mod tree;
mod trie;
mod wording;

pub(crate) use crate::filter::closest;
pub use check::{Diagnostic, Severity};
pub use matcher::{CodeMatch, Matcher, NEGATIONS, RuleHit};
pub(crate) use model::digest;
pub(crate) use model::is_rgb;
pub use model::read_text;
pub use model::{
    Code, CodeKind, Codebook, ContextLevel, Position, Rule, RuleKind, Rules, SynonymGroup,
};
pub use patterns::RulePattern;
pub use sentence::ContextEffect;
pub use set::{CodebookSet, Codes, duplicate_ids};

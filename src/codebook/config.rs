//! `[[configurations]]` as the researcher writes them in a codebook file, with the line and
//! column of every code they name.
//!
//! ```toml
//! [[configurations]]
//! id = "icamo1"
//! title = "Benadering gericht op inburgeraars"
//! interventions = ["int.brede-intake", "int.pip"]
//! actors = ["act.statushouders", "act.gezinsmigranten"]
//! outcome = "out.dualiteit"
//!
//! [[configurations.mechanisms]]
//! code = "icamo1.m1"
//! happens_in = ["act.uitvoerders"]      # the mechanism happens in another actor
//! triggered_by = ["int.brede-intake"]   # default: every intervention
//!
//! [[configurations.mechanisms]]
//! code = "icamo1.m2"
//! triggered_by = ["icamo1.m1"]          # a mechanism: the first leads to the second
//!
//! [configurations.context]
//! individueel = ["ctx.ind.motivatie"]
//! institutioneel = ["ctx.inst.kinderopvang"]
//! maatschappelijk = ["ctx.maat.krapte"]
//! ```
//!
//! A context factor has, in a configuration, the level it is listed under; that may differ from
//! its code's level (the reference study puts employers' willingness at the individual level in
//! one configuration and at the societal level in two others).
//!
//! A mechanism's steps (process ⇒ sub-goal) come from its code's `process` and `subgoal`, or
//! from `[[configurations.mechanisms.steps]]` when it runs in several steps. The outcome of one
//! configuration may be an intervention of another: that is how configurations chain.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::codebook::wording::{ConfigurationWording, TriggerWording};
use crate::codebook::{ContextLevel, Position};
use crate::error::{Error, line_col};

/// A code id as written in a configuration, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRef {
    /// The code id.
    pub id: String,
    /// Where its opening quote is.
    pub at: Position,
}

/// One step of a mechanism written out in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSpec {
    /// The underlying process.
    pub process: String,
    /// The sub-goal it reaches.
    pub subgoal: String,
}

/// A mechanism of a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MechanismSpec {
    /// The mechanism's code.
    pub code: CodeRef,
    /// Actors the mechanism happens in when they are not (only) the targeted ones.
    pub happens_in: Vec<CodeRef>,
    /// Interventions, or earlier mechanisms, that set it going (empty: every intervention).
    pub triggered_by: Vec<CodeRef>,
    /// Steps written in the configuration (empty: the code's own process and sub-goal).
    pub steps: Vec<StepSpec>,
    /// Its own "als" clause, where only some interventions set it going.
    pub sentence: TriggerWording,
}

/// One `[[configurations]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configuration {
    /// The codebook file it is written in.
    pub path: PathBuf,
    /// Its id (`icamo1`).
    pub id: String,
    /// Where the id is written.
    pub at: Position,
    /// Its title.
    pub title: String,
    /// Its title in plain words, which the quote site shows first (`plain = "…"`).
    pub plain: Option<String>,
    /// The interventions (possibly the outcome of another configuration).
    pub interventions: Vec<CodeRef>,
    /// Whom the interventions target.
    pub actors: Vec<CodeRef>,
    /// Whom the configuration is for without targeting them.
    pub beneficiaries: Vec<CodeRef>,
    /// The mechanisms, in order.
    pub mechanisms: Vec<MechanismSpec>,
    /// Counter-mechanisms reported in practice, outside the programme theory.
    pub counter_mechanisms: Vec<CodeRef>,
    /// The outcome.
    pub outcome: CodeRef,
    /// Context factors with the level they have in this configuration.
    pub context: Vec<(ContextLevel, CodeRef)>,
    /// The author's clauses for the causal sentence (`[configurations.sentence]`).
    pub sentence: ConfigurationWording,
}

impl Configuration {
    /// Every code the configuration names, with the slot it is named in.
    pub fn references(&self) -> Vec<(Slot, &CodeRef)> {
        let mut out = Vec::new();
        out.extend(self.interventions.iter().map(|r| (Slot::Intervention, r)));
        out.extend(self.actors.iter().map(|r| (Slot::Actor, r)));
        out.extend(self.beneficiaries.iter().map(|r| (Slot::Actor, r)));
        for m in &self.mechanisms {
            out.push((Slot::Mechanism, &m.code));
            out.extend(m.happens_in.iter().map(|r| (Slot::Actor, r)));
            out.extend(m.triggered_by.iter().map(|r| (Slot::Trigger, r)));
        }
        out.extend(self.counter_mechanisms.iter().map(|r| (Slot::Mechanism, r)));
        out.push((Slot::Outcome, &self.outcome));
        out.extend(self.context.iter().map(|(l, r)| (Slot::Context(*l), r)));
        out
    }
}

/// Where in a configuration a code is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `interventions`.
    Intervention,
    /// `actors`, `beneficiaries` or a mechanism's `happens_in`.
    Actor,
    /// `mechanisms` or `counter_mechanisms`.
    Mechanism,
    /// A mechanism's `triggered_by` (an intervention or a mechanism).
    Trigger,
    /// `outcome`.
    Outcome,
    /// `context.<level>`.
    Context(ContextLevel),
}

impl Slot {
    /// How the slot is written in the file.
    pub fn name(self) -> String {
        match self {
            Slot::Intervention => "interventions".into(),
            Slot::Actor => "actors".into(),
            Slot::Mechanism => "mechanisms".into(),
            Slot::Trigger => "triggered_by".into(),
            Slot::Outcome => "outcome".into(),
            Slot::Context(l) => format!("context.{l}"),
        }
    }
}

/// Reads the `[[configurations]]` of the codebook file at `path` (none is fine).
pub fn load(path: &Path) -> Result<Vec<Configuration>, Error> {
    let text = crate::codebook::read_text(path)?;
    parse(path, &text)
}

/// Parses the `[[configurations]]` of codebook text; `path` only names the file in errors.
/// The rest of the file is the codebook's business and is not looked at here.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Configuration>, Error> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        Error::Codebook {
            path: path.to_path_buf(),
            line,
            column,
            message: format!("in [[configurations]]: {}", e.message().trim()),
        }
    })?;
    let at = |span: Range<usize>| {
        let (line, column) = line_col(text, span.start);
        Position { line, column }
    };
    let code = |s: Spanned<String>| CodeRef {
        at: at(s.span()),
        id: s.into_inner(),
    };
    let codes = |v: Vec<Spanned<String>>| v.into_iter().map(code).collect::<Vec<_>>();
    Ok(raw
        .configurations
        .into_iter()
        .map(|c| {
            let mut context = Vec::new();
            let ctx = c.context.unwrap_or_default();
            for (level, refs) in [
                (ContextLevel::Individual, ctx.individueel),
                (ContextLevel::Institutional, ctx.institutioneel),
                (ContextLevel::Societal, ctx.maatschappelijk),
            ] {
                context.extend(codes(refs).into_iter().map(|r| (level, r)));
            }
            Configuration {
                path: path.to_path_buf(),
                at: at(c.id.span()),
                id: c.id.into_inner(),
                title: c.title,
                plain: c.plain,
                interventions: codes(c.interventions),
                actors: codes(c.actors),
                beneficiaries: codes(c.beneficiaries),
                mechanisms: c
                    .mechanisms
                    .into_iter()
                    .map(|m| MechanismSpec {
                        code: code(m.code),
                        happens_in: codes(m.happens_in),
                        triggered_by: codes(m.triggered_by),
                        steps: m
                            .steps
                            .into_iter()
                            .map(|s| StepSpec {
                                process: s.process,
                                subgoal: s.subgoal,
                            })
                            .collect(),
                        sentence: m.sentence.unwrap_or_default(),
                    })
                    .collect(),
                counter_mechanisms: codes(c.counter_mechanisms),
                outcome: code(c.outcome),
                context,
                sentence: c.sentence.unwrap_or_default(),
            }
        })
        .collect())
}

// The file as this module sees it: only `configurations`, every id with its span.

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    configurations: Vec<RawConfiguration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfiguration {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    plain: Option<String>,
    #[serde(default)]
    interventions: Vec<Spanned<String>>,
    #[serde(default)]
    actors: Vec<Spanned<String>>,
    #[serde(default)]
    beneficiaries: Vec<Spanned<String>>,
    #[serde(default)]
    mechanisms: Vec<RawMechanism>,
    #[serde(default)]
    counter_mechanisms: Vec<Spanned<String>>,
    outcome: Spanned<String>,
    #[serde(default)]
    context: Option<RawContext>,
    #[serde(default)]
    sentence: Option<ConfigurationWording>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMechanism {
    code: Spanned<String>,
    #[serde(default)]
    happens_in: Vec<Spanned<String>>,
    #[serde(default)]
    triggered_by: Vec<Spanned<String>>,
    #[serde(default)]
    steps: Vec<RawStep>,
    #[serde(default)]
    sentence: Option<TriggerWording>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    process: String,
    subgoal: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawContext {
    #[serde(default)]
    individueel: Vec<Spanned<String>>,
    #[serde(default)]
    institutioneel: Vec<Spanned<String>>,
    #[serde(default)]
    maatschappelijk: Vec<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_slots_and_positions() {
        let text = r#"
[codebook]
name = "x"

[[configurations]]
id = "c1"
title = "Een"
interventions = ["int.a"]
actors = ["act.a"]
outcome = "out.a"

[[configurations.mechanisms]]
code = "m.a"
triggered_by = ["int.a"]

[configurations.context]
institutioneel = ["ctx.b"]
"#;
        let configs = parse(Path::new("cb.toml"), text).unwrap();
        assert_eq!(configs.len(), 1);
        let c = &configs[0];
        assert_eq!(c.id, "c1");
        assert_eq!(c.at, Position { line: 6, column: 6 });
        assert_eq!(c.mechanisms[0].code.at.line, 13);
        assert_eq!(c.context[0].0, ContextLevel::Institutional);
        assert_eq!(c.references().len(), 6);
    }

    #[test]
    fn unknown_key_names_line() {
        let text =
            "[[configurations]]\nid = \"c\"\ntitle = \"t\"\noutcome = \"o\"\nmechanims = []\n";
        let err = parse(Path::new("cb.toml"), text).unwrap_err().to_string();
        assert!(err.contains("cb.toml:5:1"), "{err}");
        assert!(err.contains("mechanims"), "{err}");
    }
}

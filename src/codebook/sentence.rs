//! The theory's own words for the report's causal sentence ("Als …, dan …, waardoor …, wat
//! vervolgens leidt tot …, mits …, tenzij …"), written by the author in the codebook, and what
//! is still missing from them.
//!
//! icamo does not make Dutch out of labels: word order after "dan" (the verb first) and after
//! "waardoor", "als", "mits" and "tenzij" (the verb last) is the author's to write. A mechanism
//! code carries its [`MechanismWording`] (`[codes.sentence]` with `dan` and `waardoor`), a
//! configuration its [`ConfigurationWording`] (`[configurations.sentence]` with `als`, `mits`,
//! `tenzij`, `uitkomst`), and a mechanism of a configuration may have its own `als` when only
//! some of the interventions set it going. A context code says with `effect` whether it is a
//! [`ContextEffect::Condition`] (it belongs after "mits"), a [`ContextEffect::Barrier`] (after
//! "tenzij", never after "mits") or [`ContextEffect::Varies`]. [`gaps`] names, per mechanism
//! and configuration, what the report cannot say in a sentence yet.

use std::collections::BTreeSet;

use super::config::{Configuration, MechanismSpec};
pub(crate) use super::wording::written;
pub use super::wording::{ConfigurationWording, ContextEffect, MechanismWording, TriggerWording};
use super::{Code, CodeKind, Codes, Diagnostic, Position, Severity};

/// The "als" clause of mechanism `m` in configuration `c`: its own; else, when earlier
/// mechanisms set it going, their "waardoor" clauses joined with "en"; else, when only
/// interventions do, the configuration's. `None` when the words for it are not written.
pub fn als_clause(c: &Configuration, m: &MechanismSpec, codes: &Codes) -> Option<String> {
    if let Some(own) = written(&m.sentence.als) {
        return Some(own.to_string());
    }
    let mechanisms: Vec<Option<&Code>> = m
        .triggered_by
        .iter()
        .map(|t| {
            codes
                .get(&t.id)
                .filter(|code| code.kind == CodeKind::Mechanism)
        })
        .collect();
    if mechanisms.iter().all(Option::is_none) {
        return written(&c.sentence.als).map(str::to_string);
    }
    let clauses: Option<Vec<&str>> = mechanisms
        .into_iter()
        .map(|code| code.and_then(|code| written(&code.sentence.waardoor)))
        .collect();
    clauses.map(|clauses| clauses.join(" en "))
}

/// Whether `m` is set going by earlier mechanisms only (its "als" is their "waardoor").
fn chained(m: &MechanismSpec, codes: &Codes) -> bool {
    !m.triggered_by.is_empty()
        && m.triggered_by.iter().all(|t| {
            codes
                .get(&t.id)
                .is_some_and(|code| code.kind == CodeKind::Mechanism)
        })
}

/// Warnings about a code's own `effect` and `sentence`: on a code of another kind, blank,
/// or with the connective the report already writes.
pub(crate) fn code_warnings(code: &Code) -> Vec<(Position, String, String)> {
    let mut out = Vec::new();
    if let Some(at) = code.places.effect
        && code.kind != CodeKind::Context
    {
        out.push((
            at,
            format!(
                "effect is for context codes, not for the {} code \"{}\"",
                code.kind, code.id
            ),
            "remove effect, or make the code kind = \"context\"".into(),
        ));
    }
    let Some(at) = code.places.sentence else {
        return out;
    };
    if code.kind != CodeKind::Mechanism {
        out.push((
            at,
            format!(
                "[codes.sentence] is for mechanism codes, not for the {} code \"{}\"; the report does not use it",
                code.kind, code.id
            ),
            "write an intervention's words in [configurations.sentence] als = \"...\"".into(),
        ));
        return out;
    }
    for (name, clause) in [
        ("dan", &code.sentence.dan),
        ("waardoor", &code.sentence.waardoor),
    ] {
        if let Some(problem) = clause_problem(name, clause) {
            out.push((
                at,
                format!("sentence.{name} of \"{}\" {problem}", code.id),
                hint(name),
            ));
        }
    }
    out
}

/// What is wrong with a written clause that follows the connective `name`, if anything.
fn clause_problem(name: &str, clause: &Option<String>) -> Option<String> {
    let text = clause.as_deref()?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Some("is empty".into())
    } else if trimmed
        .to_lowercase()
        .strip_prefix(name)
        .is_some_and(|rest| rest.starts_with(' '))
    {
        Some(format!(
            "starts with \"{name}\", which the report writes itself"
        ))
    } else if trimmed.ends_with(['.', ';', ',']) {
        Some("ends in a punctuation mark; the report ends the sentence itself".into())
    } else {
        None
    }
}

/// What to write for clause `name`, with an example.
fn hint(name: &str) -> String {
    match name {
        "dan" => "write the main clause that follows \"dan\", verb first, as in dan = \"krijgen uitvoerders een helderder beeld van de inburgeraar\"".into(),
        "waardoor" => "write the clause that follows \"waardoor\", verb last, as in waardoor = \"uitvoerders gerichter kunnen begeleiden\"".into(),
        "als" => "write the clause that follows \"Als\", verb last, as in als = \"de gemeente inburgeraars met een brede intake begeleidt\"".into(),
        "mits" => "write what follows \"mits\", as in mits = \"er kinderopvang is en de les en het werk op elkaar zijn afgestemd\"".into(),
        "tenzij" => "write what follows \"tenzij\", as in tenzij = \"werkgevers mensen om hun naam of hoofddoek afwijzen\"".into(),
        _ => String::new(),
    }
}

/// What the report cannot yet say in a sentence, per mechanism and configuration of `configs`:
/// warnings at the mechanism code or the configuration that lacks the words (a mechanism
/// named in several configurations is named once). Only codes `codes` has are looked at;
/// unknown ids are `icamo chain check`'s business.
pub fn gaps(configs: &[Configuration], codes: &Codes) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let at_code = |code: &Code, message: String, hint: String| Diagnostic {
        severity: Severity::Warning,
        path: codes.path_of(&code.id).unwrap_or_default(),
        line: code.at.line,
        column: code.at.column,
        message,
        hint,
    };
    for c in configs {
        let at_config = |message: String, hint: String| Diagnostic {
            severity: Severity::Warning,
            path: c.path.clone(),
            line: c.at.line,
            column: c.at.column,
            message,
            hint,
        };
        let mechanisms = c
            .mechanisms
            .iter()
            .map(|m| &m.code)
            .chain(&c.counter_mechanisms)
            .filter_map(|r| codes.get(&r.id))
            .filter(|code| code.kind == CodeKind::Mechanism);
        for code in mechanisms {
            if !seen.insert(&code.id) {
                continue;
            }
            for (name, clause) in [
                ("dan", &code.sentence.dan),
                ("waardoor", &code.sentence.waardoor),
            ] {
                if written(clause).is_none() {
                    found.push(at_code(
                        code,
                        format!(
                            "mechanism \"{}\" has no sentence.{name}, so the report cannot write its causal sentence{}",
                            code.id,
                            if name == "waardoor" { " in full" } else { "" }
                        ),
                        format!("under [codes.sentence], {}", hint(name)),
                    ));
                }
            }
        }
        let clauses = std::iter::once(("als", &c.sentence.als))
            .chain(c.mechanisms.iter().map(|m| ("als", &m.sentence.als)))
            .chain([("mits", &c.sentence.mits), ("tenzij", &c.sentence.tenzij)]);
        for (name, clause) in clauses {
            if let Some(problem) = clause_problem(name, clause) {
                found.push(at_config(
                    format!("a sentence.{name} of configuration \"{}\" {problem}", c.id),
                    hint(name),
                ));
            }
        }
        let needing_als: Vec<&str> = c
            .mechanisms
            .iter()
            .filter(|m| written(&m.sentence.als).is_none() && !chained(m, codes))
            .map(|m| m.code.id.as_str())
            .collect();
        if written(&c.sentence.als).is_none() && !needing_als.is_empty() {
            found.push(at_config(
                format!(
                    "configuration \"{}\" has no sentence.als, so the report lists {} without a causal sentence",
                    c.id,
                    needing_als.join(", ")
                ),
                format!("under [configurations.sentence], {}", hint("als")),
            ));
        }
        for (effect, name, clause) in [
            (ContextEffect::Condition, "mits", &c.sentence.mits),
            (ContextEffect::Barrier, "tenzij", &c.sentence.tenzij),
        ] {
            let marked: Vec<&str> = c
                .context
                .iter()
                .filter(|(_, r)| codes.get(&r.id).and_then(|code| code.effect) == Some(effect))
                .map(|(_, r)| r.id.as_str())
                .collect();
            if written(clause).is_none() && !marked.is_empty() {
                found.push(at_config(
                    format!(
                        "configuration \"{}\" has no sentence.{name} for its {} {}",
                        c.id,
                        if effect == ContextEffect::Condition {
                            "conditions"
                        } else {
                            "barriers"
                        },
                        marked.join(", ")
                    ),
                    format!("under [configurations.sentence], {}", hint(name)),
                ));
            }
        }
        for (_, r) in &c.context {
            if let Some(code) = codes.get(&r.id)
                && code.effect.is_none()
                && seen.insert(&code.id)
            {
                found.push(at_code(
                    code,
                    format!(
                        "context factor \"{}\" is not marked as a condition or a barrier",
                        code.id
                    ),
                    "add effect = \"condition\" (it belongs after \"mits\"), \"barrier\" (after \"tenzij\") or \"varies\" (neither)".into(),
                ));
            }
        }
    }
    found.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    found
}

//! The plain labels (`plain = "…"`) the quote site shows its readers, and what `icamo codebook
//! check` says about them.
//!
//! An advisory panel of former newcomers reads the site in plain Dutch (B1); a code's `label`
//! is written for researchers ("Leidt tot steviger sociaal netwerk en belonging"). A code the
//! site shows (a configuration's mechanisms, counter-mechanisms, context factors and outcome)
//! should therefore carry a `plain` label, which the site puts first with the official label
//! small below it; so should each configuration's title.

use std::collections::BTreeSet;

use super::config::Configuration;
use super::wording::written;
use super::{Code, CodeKind, Codes, Diagnostic, Position, Severity};

/// The ids of the codes the quote site shows by name, in the configurations' order: every
/// configuration's mechanisms, counter-mechanisms, outcome and context factors.
pub fn shown_on_site(configs: &[Configuration]) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    configs
        .iter()
        .flat_map(|c| {
            c.mechanisms
                .iter()
                .map(|m| &m.code)
                .chain(&c.counter_mechanisms)
                .chain(std::iter::once(&c.outcome))
                .chain(c.context.iter().map(|(_, r)| r))
        })
        .map(|r| r.id.as_str())
        .filter(|id| seen.insert(*id))
        .collect()
}

/// A code's own `plain` and `in_use` as written: a warning when `plain` is blank, or
/// `in_use` stands on a code that is not an intervention.
pub(crate) fn code_warnings(code: &Code) -> Vec<(Position, String, String)> {
    let mut out = Vec::new();
    if let Some(at) = code.places.plain
        && written(&code.plain).is_none()
    {
        out.push((
            at,
            format!("plain of \"{}\" is empty", code.id),
            "write the label in plain words, or remove plain so the site shows the label".into(),
        ));
    }
    if let Some(at) = code.places.in_use
        && code.kind != CodeKind::Intervention
    {
        out.push((
            at,
            format!(
                "in_use is for interventions, not for the {} code \"{}\"",
                code.kind, code.id
            ),
            "put in_use = false on the intervention that was not yet in use; the site then says so at the mechanisms it sets going".into(),
        ));
    }
    out
}

/// Warnings for the codes the quote site shows without a `plain` label. A study whose
/// codebooks have no plain label at all gets one warning (at the first configuration), not
/// one per code: it has not started on them.
pub fn gaps(configs: &[Configuration], codes: &Codes) -> Vec<Diagnostic> {
    let hint = "add plain = \"...\" with the label in plain words (B1 Dutch for a Dutch panel), as in plain = \"Ik krijg betere hulp van mijn begeleider\"; the quote site shows it first, the label small below it".to_string();
    let missing: Vec<&Code> = shown_on_site(configs)
        .into_iter()
        .filter_map(|id| codes.get(id))
        .filter(|code| code.plain.is_none())
        .collect();
    let untitled: Vec<&Configuration> = configs
        .iter()
        .filter(|c| written(&c.plain).is_none())
        .collect();
    if missing.is_empty() && untitled.is_empty() {
        return Vec::new();
    }
    if codes.iter().all(|code| written(&code.plain).is_none())
        && configs.iter().all(|c| written(&c.plain).is_none())
    {
        let first = &configs[0];
        return vec![Diagnostic {
            severity: Severity::Warning,
            path: first.path.clone(),
            line: first.at.line,
            column: first.at.column,
            message: format!(
                "no code has a plain label, so the quote site shows the {} codes of the configurations with the labels written for researchers",
                missing.len()
            ),
            hint,
        }];
    }
    let titles = untitled.into_iter().map(|c| Diagnostic {
        severity: Severity::Warning,
        path: c.path.clone(),
        line: c.at.line,
        column: c.at.column,
        message: format!(
            "configuration \"{}\" is shown on the quote site but has no plain title",
            c.id
        ),
        hint: "add plain = \"...\" with the title in plain words, as in plain = \"Hulp aan nieuwkomers\"".into(),
    });
    missing
        .into_iter()
        .map(|code| Diagnostic {
            severity: Severity::Warning,
            path: codes.path_of(&code.id).unwrap_or_default(),
            line: code.at.line,
            column: code.at.column,
            message: format!(
                "{} \"{}\" is shown on the quote site but has no plain label",
                code.kind, code.id
            ),
            hint: hint.clone(),
        })
        .chain(titles)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::Codebook;
    use std::path::Path;

    const BOOK: &str = r#"[codebook]
name = "Proef"

[[codes]]
id = "int.kader"
label = "Afwegingskader"
kind = "intervention"
in_use = false
examples = ["x"]

[[codes]]
id = "m1"
label = "Leidt tot gerichtere ondersteuning"
plain = "Begeleiders helpen gerichter"
kind = "mechanism"
examples = ["x"]

[[codes]]
id = "ctx.opvang"
label = "Kinderopvang"
kind = "context"
level = "institutioneel"
examples = ["x"]

[[codes]]
id = "out.werk"
label = "Dualiteit"
plain = "  "
kind = "outcome"
examples = ["x"]

[[configurations]]
id = "c1"
title = "Proef"
plain = "Een proef"
interventions = ["int.kader"]
outcome = "out.werk"

[[configurations.mechanisms]]
code = "m1"

[configurations.context]
institutioneel = ["ctx.opvang"]
"#;

    fn gaps_of(text: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let book = Codebook::parse("c.toml", text).unwrap();
        let configs = crate::codebook::config::parse(Path::new("c.toml"), text).unwrap();
        let books = vec![book];
        (books[0].check(), gaps(&configs, &Codes::new(&books)))
    }

    #[test]
    fn a_code_the_site_shows_without_plain_is_named_and_a_blank_one_too() {
        let (check, gaps) = gaps_of(BOOK);
        let check: Vec<String> = check.iter().map(ToString::to_string).collect();
        assert_eq!(check.len(), 1, "{check:?}");
        assert!(check[0].starts_with("c.toml:28:9: warning: plain of \"out.werk\" is empty"));
        let gaps: Vec<String> = gaps.iter().map(ToString::to_string).collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(
            gaps[0].starts_with(
                "c.toml:19:6: warning: context \"ctx.opvang\" is shown on the quote site but has no plain label"
            ),
            "{gaps:?}"
        );
        assert!(
            Codebook::parse("c.toml", BOOK)
                .unwrap()
                .code("int.kader")
                .is_some_and(|c| !c.in_use)
        );
    }

    #[test]
    fn a_codebook_without_any_plain_label_gets_one_warning() {
        let text = BOOK
            .replace("plain = \"Begeleiders helpen gerichter\"\n", "")
            .replace("plain = \"  \"\n", "")
            .replace("plain = \"Een proef\"\n", "");
        let (_, gaps) = gaps_of(&text);
        assert_eq!(gaps.len(), 1);
        assert!(
            gaps[0]
                .message
                .starts_with("no code has a plain label, so the quote site shows the 3 codes")
        );
    }

    #[test]
    fn in_use_on_a_code_that_is_no_intervention_is_a_warning() {
        let text = BOOK.replace(
            "kind = \"mechanism\"\n",
            "kind = \"mechanism\"\nin_use = false\n",
        );
        let (check, _) = gaps_of(&text);
        assert!(
            check
                .iter()
                .any(|d| d.message
                    == "in_use is for interventions, not for the mechanism code \"m1\""),
            "{check:?}"
        );
    }
}

//! Verdicts on the bundled study as an author reads them: counted in people, judged per
//! perspective with the theory's authors shown apart, open suggestions named, a
//! counter-mechanism worded as the bad news it is, and a legend that states the rules the
//! code applies.

use crate::common;

use std::fs;

use common::{bundled_study, icamo};
use icamo::chain::verdict::RULES;

/// The lines of `report` between the heading that starts with `heading` and the next heading
/// of that level or higher.
fn section<'a>(report: &'a str, heading: &str) -> &'a str {
    let start = report
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading}"));
    let level = heading.chars().take_while(|c| *c == '#').count();
    let rest = &report[start + heading.len()..];
    let end = rest
        .match_indices("\n#")
        .find(|(at, _)| {
            let hashes = rest[at + 1..].chars().take_while(|c| *c == '#').count();
            hashes <= level
        })
        .map_or(rest.len(), |(at, _)| at);
    &report[start..start + heading.len() + end]
}

#[test]
fn the_bundled_report_judges_people_per_perspective_and_states_its_rules() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let report = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let summary = fs::read_to_string(dir.path().join("out/summary.md")).unwrap();

    // The legend is written from the rules the verdicts follow, in their order.
    let mut at = 0;
    for rule in &RULES {
        let line = format!(
            "**{}**",
            rule.verdict.word(icamo::chain::verdict::Subject::Mechanism)
        );
        let found = report[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("{line} missing or out of order"));
        at += found;
        let when = rule.legend();
        assert!(report[at..].starts_with(&line), "{line}");
        assert!(report.contains(&format!(": {when}.\n")), "{when}");
        assert!(summary.contains(&format!(": {when}.\n")), "{when}");
    }
    assert!(
        report.contains(
            "De opstellers van de programmatheorie (respondenten met de rol ‘professional beleid’) tellen niet"
        )
    );

    // ICAMO 1, M1: the policy professional who spoke is the theory's source, not support; each
    // perspective has its own verdict.
    let m1 = section(
        &report,
        "### Leidt tot gerichtere ondersteuning door uitvoerders",
    );
    assert!(
        m1.contains(
            "7 fragmenten van 6 respondenten in 2 casussen; oordeel: **herkend met kanttekeningen**.\n\
             Daarnaast is er 1 fragment van de opstellers van de programmatheorie; dat telt niet mee voor het oordeel.\n\
             11 automatisch voorgestelde coderingen moeten nog door een onderzoeker worden beoordeeld (`icamo sheet export --code icamo1.m1`).\n"
        ),
        "{m1}"
    );
    for row in [
        "| beleid | 1 | 1 | 1 | 0 | 0 | 1 | 0 | bron van de theorie |",
        "| uitvoering | 3 | 3 | 2 | 1 | 2 | 0 | 0 | ⚠ weersproken |",
        "| inburgeraars | 4 | 3 | 2 | 3 | 0 | 1 | 0 | herkend |",
    ] {
        assert!(m1.contains(row), "{row} in\n{m1}");
    }
    assert!(m1.contains("#### Wat de opstellers van de programmatheorie erover zeggen"));
    // The newcomers split by route, as the manifest asks (split_by = "route").
    assert!(
        m1.contains(
            "| inburgeraars | 4 | 3 | 2 | 3 | 0 | 1 | 0 | herkend |\n\
             | — B1-route | 3 | 2 | 1 | 2 | 0 | 1 | 0 | codering loopt nog |\n\
             | — Z-route | 1 | 1 | 1 | 1 | 0 | 0 | 0 | codering loopt nog |\n"
        ),
        "{m1}"
    );

    // ICAMO 3 has no confirmed evidence yet, and twelve suggestions wait for review: it is
    // not judged "insufficient".
    let icamo3 = section(&report, "## ICAMO 3");
    assert!(icamo3.contains(
        "| Leidt tot gemakkelijker en meer uniform gesprek | 0 | 0 | 0 | 0 | 0 | 0 | 0 | codering loopt nog |"
    ));
    assert!(
        icamo3.contains(
            "Bij deze mechanismen moeten nog 12 automatisch voorgestelde coderingen door een onderzoeker worden beoordeeld."
        )
    );
    assert!(!icamo3.contains("onvoldoende bewijs"));

    // The counter-mechanism at work is bad news, and reads so.
    assert!(report.contains(
        "| Tegenmechanisme — taal en werk zitten elkaar in de weg | 7 | 5 | 2 | 4 | 0 | 2 | 0 | ⚠ doet zich voor |"
    ));
    assert!(
        summary.contains(
            "**Tegenmechanisme — taal en werk zitten elkaar in de weg: ⚠ doet zich voor.**"
        )
    );
    assert!(!report.contains("Tegenmechanisme — taal en werk zitten elkaar in de weg | 7 | 5 | 2 | 4 | 0 | 2 | 0 | herkend"));
}

#[test]
fn a_contradiction_beside_a_barrier_is_reported_as_the_barrier() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let report = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    // int-sh-02:0048 contradicts icamo4.m3 and is coded with ctx.maat.discriminatie, which the
    // codebook marks effect = "barrier".
    let m3 = section(
        &report,
        "### Leidt tot aanleren van nieuwe en toepassen van oude vaardigheden",
    );
    assert!(
        m3.contains(
            "\n\n**Belemmering:** volgens 1 respondent werkt het mechanisme niet bij arbeidsmarktdiscriminatie.\n"
        ),
        "{m3}"
    );
    assert!(m3.contains("| statushouder | 2 | 1 | 0 | 0 | 1 |"), "{m3}");
    let barred = section(m3, "#### Citaten over een belemmering");
    assert!(barred.contains("`int-sh-02:0048`"), "{barred}");
    let contradicting = section(m3, "#### Citaten die het mechanisme weerspreken");
    assert!(
        !contradicting.contains("`int-sh-02:0048`"),
        "{contradicting}"
    );
}

#[test]
fn without_perspectives_every_role_counts_and_none_is_the_theory() {
    let dir = bundled_study();
    let manifest = fs::read_to_string(dir.path().join("icamo.toml")).unwrap();
    let start = manifest.find("[[perspectives]]").unwrap();
    let end = manifest.find("# ---------------------------------------------------------------------------------------------\n# Pseudonyms").unwrap();
    fs::write(
        dir.path().join("icamo.toml"),
        format!("{}{}", &manifest[..start], &manifest[end..]),
    )
    .unwrap();
    icamo(dir.path()).arg("build").assert().success();
    let report = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let m1 = section(
        &report,
        "### Leidt tot gerichtere ondersteuning door uitvoerders",
    );
    assert!(
        m1.contains("8 fragmenten van 7 respondenten in 2 casussen; oordeel: **herkend met kanttekeningen**.\n"),
        "{m1}"
    );
    assert!(!report.contains("opstellers van de programmatheorie"));
    assert!(!report.contains("| perspectief |"));
}

#[test]
fn a_perspective_naming_a_role_nobody_has_is_refused_with_its_line() {
    let dir = bundled_study();
    let path = dir.path().join("icamo.toml");
    let manifest = fs::read_to_string(&path).unwrap();
    let bad = manifest.replace(
        "roles = [\"statushouder\", \"gezinsmigrant\"]",
        "roles = [\"statushouders\", \"gezinsmigrant\"]",
    );
    assert_ne!(bad, manifest);
    fs::write(&path, &bad).unwrap();
    let line = bad
        .lines()
        .position(|l| l.contains("\"statushouders\""))
        .unwrap()
        + 1;
    let out = icamo(dir.path()).arg("build").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("icamo.toml:{line}:")), "{stderr}");
    assert!(
        stderr.contains("perspective \"inburgeraars\" names the role \"statushouders\", which no [[speakers]] entry or document type has"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
    assert_eq!(fs::read_to_string(&path).unwrap(), bad);
}

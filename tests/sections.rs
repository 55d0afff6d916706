//! The report's sections beside the mechanisms, on a small study built here so every count is
//! known: context factors counted in people with the theory's authors apart, the factors
//! nobody mentioned in one line, outcomes, the codes coded outside every configuration, and
//! the case × mechanism appendix counted in respondents. Codings are inline tags
//! (`{{CODE +}}`), icamo's own transcript convention (see src/coding/tags.rs).

use crate::common;

use std::fs;
use std::path::Path;

use common::{bundled_study, icamo};

const MANIFEST: &str = r#"
[study]
name = "Kinderopvangstudie"
language = "nl"
transcripts = ["corpus"]
analysis_variables = ["route"]

[[documents]]
file = "corpus/fg-beleid.txt"
case = "Havenstad"
type = "focusgroep"

[[documents]]
file = "corpus/fg-uitvoering.txt"
case = "Havenstad"
type = "focusgroep"

[[documents]]
file = "corpus/int-r1.txt"
case = "Veenoord"
type = "interview"

[[documents]]
file = "corpus/int-r2.txt"
case = "Havenstad"
type = "interview"

[[speakers]]
label = "Moderator"
interviewer = true

[[speakers]]
label = "Beleid"
respondent = "B01"
role = "professional beleid"

[[speakers]]
label = "Anouk"
respondent = "U01"
role = "professional uitvoering"

[[speakers]]
label = "Bram"
respondent = "U02"
role = "professional uitvoering"

[[speakers]]
label = "Samira"
respondent = "R01"
role = "statushouder"
attributes = { route = "B1-route" }

[[speakers]]
label = "Yonas"
respondent = "R02"
role = "statushouder"
attributes = { route = "Z-route" }

[[perspectives]]
name = "beleid"
roles = ["professional beleid"]
theory = true

[[perspectives]]
name = "uitvoering"
roles = ["professional uitvoering"]

[[perspectives]]
name = "inburgeraars"
roles = ["statushouder"]
split_by = "route"
"#;

const CODEBOOK: &str = r#"
[codebook]
name = "Opvang"
version = "2"
language = "nl"

[[codes]]
id = "int.taalles"
label = "Taalles naast werk"
kind = "intervention"

[[codes]]
id = "act.inburgeraars"
label = "Inburgeraars"
kind = "actor"

[[codes]]
id = "m.oefenen"
label = "Oefenen op het werk"
kind = "mechanism"
process = "Nederlands spreken op het werk"
subgoal = "Sneller Nederlands leren"

[[codes]]
id = "out.dualiteit"
label = "Dualiteit"
kind = "outcome"

[[codes]]
id = "ctx.leeftijd"
label = "Leeftijd"
kind = "context"
level = "individueel"
effect = "varies"

[[codes]]
id = "ctx.kinderopvang"
label = "Kinderopvang"
kind = "context"
level = "institutioneel"
effect = "condition"

[[codes]]
id = "ctx.reizen"
label = "Reistijd"
kind = "context"
level = "institutioneel"
effect = "barrier"

[[codes]]
id = "other.hindert"
label = "Hindert (knelpunt)"
kind = "other"

[[configurations]]
id = "icamo1"
title = "Taal en werk"
interventions = ["int.taalles"]
actors = ["act.inburgeraars"]
outcome = "out.dualiteit"

[[configurations.mechanisms]]
code = "m.oefenen"

[configurations.context]
individueel = ["ctx.leeftijd"]
institutioneel = ["ctx.kinderopvang", "ctx.reizen"]
"#;

/// The transcripts: who says what, each turn tagged with its codes.
const TRANSCRIPTS: [(&str, &str); 4] = [
    (
        "fg-beleid.txt",
        "Moderator: Wat is nodig?\n\
         Beleid: Zonder kinderopvang lukt het niet. {{ctx.kinderopvang}}\n\
         Beleid: Op het werk oefenen ze de taal. {{m.oefenen +}}\n",
    ),
    (
        "fg-uitvoering.txt",
        "Moderator: Wat zien jullie?\n\
         Anouk: De reistijd naar de les is te lang. {{ctx.reizen}}\n\
         Anouk: Op het werk spreken ze Nederlands. {{m.oefenen +}}\n\
         Bram: Kinderopvang blijft een knelpunt. {{ctx.kinderopvang; other.hindert}}\n",
    ),
    (
        "int-r1.txt",
        "Moderator: Hoe gaat het?\n\
         Samira: Mijn kinderen gaan naar de opvang, anders kon ik niet werken. {{ctx.kinderopvang}}\n\
         Samira: De opvang is gelukkig dichtbij. {{ctx.kinderopvang}}\n\
         Samira: Op mijn werk oefen ik Nederlands. {{m.oefenen +}}\n",
    ),
    (
        "int-r2.txt",
        "Moderator: Hoe gaat het?\n\
         Yonas: De opvang was vol, dus ik moest thuisblijven. {{ctx.kinderopvang}}\n\
         Yonas: Op mijn werk praat ik Nederlands met collega's. {{m.oefenen +}}\n\
         Yonas: Het papierwerk van de gemeente is een drama. {{other.hindert}}\n",
    ),
];

/// The study above in a temporary folder.
fn study() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("icamo.toml"), MANIFEST).unwrap();
    fs::create_dir_all(root.join("codebooks")).unwrap();
    fs::write(root.join("codebooks/opvang.toml"), CODEBOOK).unwrap();
    fs::create_dir_all(root.join("corpus")).unwrap();
    for (name, text) in TRANSCRIPTS {
        fs::write(root.join("corpus").join(name), text).unwrap();
    }
    dir
}

/// `icamo build` on `root`, which must succeed, and the report it wrote.
fn built_report(root: &Path) -> String {
    let out = icamo(root).arg("build").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read_to_string(root.join("out/report.md")).unwrap()
}

/// The lines of `report` from the heading `heading` to the next heading of that level or
/// higher.
fn section<'a>(report: &'a str, heading: &str) -> &'a str {
    let start = report
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading} in\n{report}"));
    let level = heading.chars().take_while(|c| *c == '#').count();
    let rest = &report[start + heading.len()..];
    let end = rest
        .match_indices("\n#")
        .find(|(at, _)| rest[at + 1..].chars().take_while(|c| *c == '#').count() <= level)
        .map_or(rest.len(), |(at, _)| at);
    &report[start..start + heading.len() + end]
}

#[test]
fn a_context_factor_counts_people_with_the_theorys_authors_apart() {
    let dir = study();
    let report = built_report(dir.path());
    let chapter = section(&report, "## Contextfactoren");
    // Samira names it twice and counts once; the policy author is not among the respondents.
    assert!(
        chapter.contains(
            "| Kinderopvang | voorwaarde | ICAMO 1 | 3 | 2 | 4 | 1 |\n\
             | Reistijd | belemmering | ICAMO 1 | 1 | 1 | 1 | 0 |\n"
        ),
        "{chapter}"
    );
    let factor = section(&report, "### Kinderopvang (`ctx.kinderopvang`)");
    assert!(
        factor.contains(
            "*Voorwaarde op institutioneel niveau, in ICAMO 1.*\n\n\
             Genoemd door 3 respondenten in 2 casussen (4 fragmenten).\n\
             Respondenten per perspectief: uitvoering 1, inburgeraars 2 (B1-route 1, Z-route 1).\n\
             Ook 1 opsteller van de programmatheorie noemt deze factor (1 fragment); die telt hierboven niet mee.\n"
        ),
        "{factor}"
    );
    // Three quotes, one per respondent before a second of anyone; roles, never names.
    assert_eq!(factor.matches("\n> — *").count(), 3, "{factor}");
    assert!(factor.contains("— *statushouder, Veenoord*"), "{factor}");
    assert!(!factor.contains("Samira") && !factor.contains("professional beleid"));
    let barrier = section(&report, "### Reistijd (`ctx.reizen`)");
    assert!(
        barrier.contains("*Belemmering op institutioneel niveau, in ICAMO 1.*"),
        "{barrier}"
    );
}

#[test]
fn factors_nobody_mentioned_share_one_line_and_get_no_section() {
    let dir = study();
    let report = built_report(dir.path());
    let chapter = section(&report, "## Contextfactoren");
    assert!(chapter.contains("\nNiet genoemd: Leeftijd.\n"), "{chapter}");
    assert!(!report.contains("### Leeftijd"), "{report}");
    let actors = section(&report, "## Interventies en actoren");
    assert!(
        actors.contains("Niet genoemde interventies: Taalles naast werk.")
            && actors.contains("Niet genoemde actoren: Inburgeraars."),
        "{actors}"
    );
    // The outcome nobody spoke of is named, not dropped.
    let outcomes = section(&report, "## Uitkomsten");
    assert!(outcomes.contains("Niet genoemd: Dualiteit."), "{outcomes}");
}

#[test]
fn a_code_coded_outside_every_configuration_has_its_own_chapter() {
    let dir = study();
    let report = built_report(dir.path());
    let outside = section(&report, "## Buiten de configuraties");
    assert!(
        outside.contains("| Hindert (knelpunt) | overig | 2 | 1 | 2 | 0 |"),
        "{outside}"
    );
    let theme = section(&report, "### Hindert (knelpunt) (`other.hindert`)");
    assert!(
        theme.contains("Genoemd door 2 respondenten in 1 casus (2 fragmenten).\n"),
        "{theme}"
    );
    assert!(
        theme.contains("> Het papierwerk van de gemeente is een drama.\n"),
        "{theme}"
    );
    // The appendix says how many codings lie outside the configurations.
    let appendix = section(&report, "## Bijlage C — Verantwoording");
    assert!(
        appendix.contains(
            "Als bewijs tellen alleen coderingen die een onderzoeker heeft bevestigd: 10 met een code uit de configuraties, en daarnaast 2 met een code daarbuiten (zie ‘Buiten de configuraties’).\n"
        ),
        "{appendix}"
    );
    assert!(
        appendix.contains("het codeboek ‘Opvang’ (versie 2)"),
        "{appendix}"
    );
    assert!(appendix.contains("`icamo show FRAGMENT`"), "{appendix}");
    assert!(appendix.contains("```\nicamo build\n```"), "{appendix}");
    // The intro no longer carries the command line.
    let intro = &report[..report.find("\n## ").unwrap()];
    assert!(!intro.contains("icamo show"), "{intro}");
}

#[test]
fn the_case_by_mechanism_appendix_counts_respondents_like_the_text() {
    let dir = study();
    let report = built_report(dir.path());
    let appendix = section(
        &report,
        "## Bijlage B — Respondenten per casus en mechanisme",
    );
    // Havenstad: three fragments, one of them the policy author's; two respondents.
    assert!(
        appendix.contains(
            "| mechanisme | Havenstad | Veenoord |\n|---|---:|---:|\n| Oefenen op het werk | 2 | 1 |\n"
        ),
        "{appendix}"
    );
    assert!(
        appendix.contains("de opstellers van de programmatheorie tellen niet mee"),
        "{appendix}"
    );
    let mechanism = section(&report, "### Oefenen op het werk (`m.oefenen`)");
    assert!(
        mechanism.contains("3 fragmenten van 3 respondenten in 2 casussen"),
        "{mechanism}"
    );
}

#[test]
fn no_label_of_the_bundled_report_runs_into_a_second_colon() {
    let dir = bundled_study();
    let report = built_report(dir.path());
    let summary = fs::read_to_string(dir.path().join("out/summary.md")).unwrap();
    for text in [&report, &summary] {
        for bad in [
            "::",
            ": :",
            "Tegenmechanisme: taal en werk zitten elkaar in de weg:",
        ] {
            assert!(!text.contains(bad), "{bad} in\n{text}");
        }
    }
    assert!(
        report.contains(
            "### Tegenmechanisme — taal en werk zitten elkaar in de weg (`icamo4.tegen`)"
        )
    );
    // The most coded theme of the bundled study lies outside the configurations, and shows.
    let outside = section(&report, "## Buiten de configuraties");
    assert!(
        outside.contains("### Hindert (knelpunt) (`other.hindert`)"),
        "{outside}"
    );
}

//! The causal sentence in the author's words: the sentences of the bundled study as report.md
//! shows them (snapshot), and on a small codebook made here what the report does with
//! missing words (a list, never a broken sentence), with conditions and barriers, and what
//! `icamo codebook check` says is missing, with file and line.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::common::{bundled_study, fixture_study, icamo};

/// The lines of report.md that carry the theory's sentences: configuration and mechanism
/// headings, the causal sentences, the conditions sentence, and what stands where a sentence
/// cannot be written; from the first configuration's chapter to the last one's end (the
/// chapters on context factors and the rest come after them).
fn sentences(report: &str) -> String {
    report
        .lines()
        .skip_while(|l| !l.starts_with("## ICAMO"))
        .take_while(|l| !l.starts_with("## ") || l.starts_with("## ICAMO"))
        .filter(|l| {
            l.starts_with("## ICAMO")
                || l.starts_with("### ")
                || l.starts_with("Als ")
                || l.starts_with("Volgens de programmatheorie")
                || l.starts_with("- Volgt op:")
                || l.starts_with("- Interventies:")
                || l.starts_with("- **Voorwaarden:**")
                || l.starts_with("- **Belemmeringen:**")
                || l.starts_with("*Tegenmechanisme")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn the_bundled_study_states_its_theory_in_the_authors_sentences() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let report = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let shown = sentences(&report);
    // Every mechanism has its sentence, every configuration its conditions: nothing falls back.
    assert_eq!(shown.matches("\n\nAls ").count(), 16, "{shown}");
    assert_eq!(shown.matches("Volgens de programmatheorie").count(), 4);
    assert!(!shown.contains("- Interventies:") && !shown.contains("- Volgt op:"));
    // Gender and age are no condition; the barriers follow "tenzij", never "mits".
    assert!(!shown.contains("geslacht") && !shown.contains("leeftijd"));
    let icamo1 = shown
        .lines()
        .find(|l| {
            l.starts_with(
                "Volgens de programmatheorie werken de mechanismen hieronder mits inburgeraars",
            )
        })
        .unwrap();
    let (mits, tenzij) = icamo1.split_once(", tenzij ").unwrap();
    assert!(tenzij.contains("hoofddoek") && !mits.contains("hoofddoek"));
    insta::assert_snapshot!("bundled_causal_sentences", shown);
}

/// A codebook for the fixture study with two configurations: `c1` with the author's words
/// (one mechanism fully worded, one following it without its own "waardoor", one without any
/// words), `c2` without any.
const CODEBOOK: &str = r#"[codebook]
name = "Zinnen"
language = "nl"

[[codes]]
id = "int.jobcoach"
label = "Jobcoaching"
kind = "intervention"
examples = ["De jobcoach kwam elke week langs op de werkvloer."]

[[codes]]
id = "int.pip"
label = "PIP"
kind = "intervention"
examples = ["Het plan lag bij mij in een la."]

[[codes]]
id = "act.werkgevers"
label = "Werkgevers"
kind = "actor"
examples = ["De werkgever belde zelf."]

[[codes]]
id = "m.verbinding"
label = "Verbinding werkgever en inburgeraar"
kind = "mechanism"
process = "Meer vertrouwen in en bekendheid met elkaar"
subgoal = "Wederzijdse verbinding"
examples = ["Nu zijn het gewoon collega's."]

[codes.sentence]
dan = "leren werkgever en inburgeraar elkaar kennen"
waardoor = "werkgever en inburgeraar elkaar meer vertrouwen"

[[codes]]
id = "m.blijven"
label = "Blijft bij de werkgever"
kind = "mechanism"
examples = ["Hij werkt er nu al twee jaar."]

[codes.sentence]
dan = "blijft de inburgeraar langer bij dezelfde werkgever"

[[codes]]
id = "m.zonder"
label = "Zonder woorden"
kind = "mechanism"
process = "Meer zicht op werk"
subgoal = "Gerichter zoeken"
examples = ["Ik weet nu waar ik moet zoeken."]

[[codes]]
id = "ctx.opvang"
label = "Kinderopvang"
kind = "context"
level = "institutioneel"
effect = "condition"
examples = ["Zonder opvang kan ik niet werken."]

[[codes]]
id = "ctx.discriminatie"
label = "Arbeidsmarktdiscriminatie"
kind = "context"
level = "maatschappelijk"
effect = "barrier"
examples = ["Met mijn naam word ik nooit uitgenodigd."]

[[codes]]
id = "ctx.krapte"
label = "Krapte op de arbeidsmarkt"
kind = "context"
level = "maatschappelijk"
effect = "varies"
examples = ["Door de krapte willen werkgevers nu wel."]

[[codes]]
id = "ctx.reistijd"
label = "Reistijd"
kind = "context"
level = "institutioneel"
examples = ["Het is een uur fietsen naar de les."]

[[codes]]
id = "out.dualiteit"
label = "Dualiteit"
kind = "outcome"
examples = ["Ik werk en ik leer tegelijk."]

[[configurations]]
id = "c1"
title = "Met woorden"
interventions = ["int.jobcoach", "int.pip"]
actors = ["act.werkgevers"]
outcome = "out.dualiteit"

[configurations.sentence]
als = "de gemeente werkgevers een jobcoach aanbiedt"
mits = "er kinderopvang is"
tenzij = "werkgevers sollicitanten afwijzen om hun naam"

[[configurations.mechanisms]]
code = "m.verbinding"
triggered_by = ["int.jobcoach"]

[[configurations.mechanisms]]
code = "m.blijven"
triggered_by = ["m.verbinding"]

[[configurations.mechanisms]]
code = "m.zonder"
triggered_by = ["int.pip"]

[configurations.mechanisms.sentence]
als = "de inburgeraar een PIP heeft"

[configurations.context]
institutioneel = ["ctx.opvang"]
maatschappelijk = ["ctx.discriminatie", "ctx.krapte"]

[[configurations]]
id = "c2"
title = "Zonder woorden"
interventions = ["int.pip"]
actors = ["act.werkgevers"]
outcome = "out.dualiteit"

[[configurations.mechanisms]]
code = "m.zonder"

[configurations.context]
institutioneel = ["ctx.opvang", "ctx.reistijd"]
maatschappelijk = ["ctx.discriminatie", "ctx.krapte"]
"#;

/// The fixture study with [`CODEBOOK`] as its codebook.
fn study() -> tempfile::TempDir {
    let dir = fixture_study("study");
    fs::write(dir.path().join("codebooks/test.toml"), CODEBOOK).unwrap();
    dir
}

/// The part of `report` from the heading that starts with `from` to the next `## ` heading.
fn section<'a>(report: &'a str, from: &str) -> &'a str {
    let start = report
        .find(from)
        .unwrap_or_else(|| panic!("{from}\n{report}"));
    let rest = &report[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 4);
    &rest[..end]
}

/// The 1-based line of `text` where `needle` first stands.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].lines().count() + 1
}

#[test]
fn a_sentence_is_built_from_the_words_written_and_a_missing_clause_gives_a_list() {
    let dir = study();
    icamo(dir.path()).arg("build").assert().success();
    let report = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let c1 = section(&report, "## C1 — ");
    assert!(
        c1.contains("\nAls de gemeente werkgevers een jobcoach aanbiedt, dan leren werkgever en inburgeraar elkaar kennen, waardoor werkgever en inburgeraar elkaar meer vertrouwen, wat vervolgens leidt tot dualiteit.\n"),
        "{c1}"
    );
    // Set going by the first mechanism, the second takes its "waardoor" as its "als"; without
    // a "waardoor" of its own, its sentence goes straight on to the outcome.
    assert!(
        c1.contains("\nAls werkgever en inburgeraar elkaar meer vertrouwen, dan blijft de inburgeraar langer bij dezelfde werkgever, wat vervolgens leidt tot dualiteit.\n"),
        "{c1}"
    );
    // No "dan" clause: no sentence, the parts as a list; no label pasted into a slot.
    let zonder = section(c1, "### Zonder woorden");
    assert!(
        zonder.contains(
            "\n- Interventies: PIP\n- Proces: Meer zicht op werk ⇒ subdoel: Gerichter zoeken\n"
        ),
        "{zonder}"
    );
    assert!(
        !zonder.contains("Als ") && !zonder.contains(" dan "),
        "{zonder}"
    );
}

#[test]
fn only_conditions_follow_mits_and_barriers_follow_tenzij() {
    let dir = study();
    icamo(dir.path()).arg("build").assert().success();
    let report = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    // Said once per configuration, with the author's words; the factor that works either way
    // (krapte) is in neither clause, only in the list of its level.
    let c1 = section(&report, "## C1 — ");
    assert!(
        c1.contains("\nVolgens de programmatheorie werken de mechanismen hieronder mits er kinderopvang is, tenzij werkgevers sollicitanten afwijzen om hun naam.\n"),
        "{c1}"
    );
    assert_eq!(c1.matches("mits").count(), 1, "{c1}");
    assert!(c1.contains("- **Context, maatschappelijk-economisch:** Arbeidsmarktdiscriminatie, Krapte op de arbeidsmarkt\n"));
    assert!(!c1.contains("**Voorwaarden:**") && !c1.contains("**Belemmeringen:**"));
    // Without the words, the marked factors are listed by what they are, and no "mits" is
    // written at all.
    let c2 = section(&report, "## C2 — ");
    assert!(
        c2.contains(
            "\n- **Voorwaarden:** Kinderopvang\n- **Belemmeringen:** Arbeidsmarktdiscriminatie\n"
        ),
        "{c2}"
    );
    assert!(!c2.contains("mits") && !c2.contains("tenzij"), "{c2}");
}

#[test]
fn codebook_check_names_the_missing_words_with_file_and_line() {
    let dir = study();
    let file = dir.path().join("codebooks/test.toml");
    let at = |needle: &str| format!("{}:{}:", file.display(), line_of(CODEBOOK, needle));
    let out = icamo(dir.path())
        .args(["codebook", "check", "--codebook"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "warnings only: {stdout}");
    for (place, warning) in [
        (
            at("id = \"m.blijven\""),
            "warning: mechanism \"m.blijven\" has no sentence.waardoor, so the report cannot write its causal sentence in full",
        ),
        (
            at("id = \"m.zonder\""),
            "warning: mechanism \"m.zonder\" has no sentence.dan, so the report cannot write its causal sentence",
        ),
        (
            at("id = \"m.zonder\""),
            "warning: mechanism \"m.zonder\" has no sentence.waardoor",
        ),
        (
            at("id = \"c2\""),
            "warning: configuration \"c2\" has no sentence.als, so the report lists m.zonder without a causal sentence",
        ),
        (
            at("id = \"c2\""),
            "warning: configuration \"c2\" has no sentence.mits for its conditions ctx.opvang",
        ),
        (
            at("id = \"c2\""),
            "warning: configuration \"c2\" has no sentence.tenzij for its barriers ctx.discriminatie",
        ),
        (
            at("id = \"ctx.reistijd\""),
            "warning: context factor \"ctx.reistijd\" is not marked as a condition or a barrier",
        ),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&place) && l.contains(warning)),
            "{place} {warning}\nnot in\n{stdout}"
        );
    }
    assert!(stdout.contains(
        "hint: under [codes.sentence], write the main clause that follows \"dan\", verb first"
    ));
    // The eighth: the quote site would show these codes without a label in plain words.
    assert!(stdout.contains("warning: no code has a plain label, so the quote site shows the"));
    assert!(
        stdout.ends_with("1 codebook, 11 codes: 0 errors, 8 warnings\n"),
        "{stdout}"
    );
    // c1 has its "als", "mits" and "tenzij": nothing is asked of it.
    assert!(!stdout.contains("\"c1\""), "{stdout}");
}

#[test]
fn codebook_check_warns_of_words_in_the_wrong_place_and_refuses_an_unknown_effect() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zinnen.toml");
    let text = CODEBOOK
        .replace("dan = \"leren werkgever", "dan = \"dan leren werkgever")
        .replace(
            "label = \"Dualiteit\"\nkind = \"outcome\"",
            "label = \"Dualiteit\"\nkind = \"outcome\"\neffect = \"condition\"",
        );
    fs::write(&path, &text).unwrap();
    let out = icamo(dir.path())
        .args(["codebook", "check", "--codebook"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let at = |needle: &str| format!("{}:{}:", path.display(), line_of(&text, needle));
    assert!(
        stdout.contains(&format!("{}1: warning: sentence.dan of \"m.verbinding\" starts with \"dan\", which the report writes itself", at("[codes.sentence]\ndan = \"dan"))),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{}10: warning: effect is for context codes, not for the outcome code \"out.dualiteit\"", at("kind = \"outcome\"\neffect").replace(&format!(":{}:", line_of(&text, "kind = \"outcome\"\neffect")), &format!(":{}:", line_of(&text, "kind = \"outcome\"\neffect") + 1)))),
        "{stdout}"
    );
    // A Dutch value where the codebook takes English ones is an error at its place, naming
    // the right values; nothing else is read from the file.
    fs::write(
        &path,
        CODEBOOK.replace("effect = \"barrier\"", "effect = \"belemmering\""),
    )
    .unwrap();
    icamo(dir.path())
        .args(["codebook", "check", "--codebook"])
        .arg(&path)
        .assert()
        .failure()
        .stdout(predicate::str::contains(format!(
            "{}:{}:10: error: unknown variant `belemmering`, expected one of `condition`, `barrier`, `varies`",
            path.display(),
            line_of(CODEBOOK, "effect = \"barrier\"")
        )));
    assert!(Path::new(&path).exists());
}

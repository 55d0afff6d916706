//! A study's codebooks read as one set: a code id declared in two files, a codebook with
//! errors, or a coding whose code no codebook has (a code renamed by hand) stops every command
//! that draws evidence from them, with the file and line to fix; `icamo codebook rename`
//! renames a code everywhere at once.

use std::fs;
use std::path::Path;

use crate::common::{bundled_study, icamo};

/// A second codebook that declares the bundled codebook's first mechanism again, on line 7.
const SECOND: &str = r#"[codebook]
name = "Aanvulling"

# A mechanism the first codebook already has: which of the two counts?

[[codes]]
id = "icamo1.m1"
label = "Gerichtere ondersteuning (tweede definitie)"
kind = "mechanism"
process = "p"
subgoal = "s"
[codes.rules]
keywords = ["beeld van"]
"#;

fn stderr_of(study: &Path, args: &[&str]) -> String {
    let out = icamo(study).args(args).output().unwrap();
    assert!(
        !out.status.success(),
        "icamo {args:?} should fail, but printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_code_id_in_two_codebooks_stops_every_evidence_command_naming_both_places() {
    let dir = bundled_study();
    let study = dir.path();
    let bundled = fs::read_to_string(study.join("codebooks/dualiteit.toml")).unwrap();
    let first = format!(
        "dualiteit.toml:{}",
        bundled[..bundled.find("id = \"icamo1.m1\"").unwrap()]
            .lines()
            .count()
            + 1
    );
    icamo(study).args(["ingest", "-q"]).assert().success();
    fs::write(study.join("codebooks/aanvulling.toml"), SECOND).unwrap();
    for args in [
        &["report"][..],
        &["quotes", "--code", "icamo1.m1"],
        &["sheet", "export"],
        &["export", "matrix", "--by", "case"],
        &["site"],
    ] {
        let err = stderr_of(study, args);
        assert!(
            err.contains("code id \"icamo1.m1\" is also declared in")
                && err.contains("aanvulling.toml:7")
                && err.contains(&first),
            "icamo {args:?} said: {err}"
        );
    }
    let check = icamo(study).args(["codebook", "check"]).output().unwrap();
    assert!(!check.status.success());
    let said = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        said.contains("aanvulling.toml:7")
            && said.contains(&first)
            && said.contains("rename one of them"),
        "codebook check said: {said}"
    );
}

#[test]
fn a_codebook_with_an_error_stops_the_report_the_site_and_quotes_too() {
    let dir = bundled_study();
    let study = dir.path();
    icamo(study).args(["ingest", "-q"]).assert().success();
    let path = study.join("codebooks/dualiteit.toml");
    let text = fs::read_to_string(&path).unwrap();
    // The second mechanism's parent becomes a code no codebook has.
    let broken = text.replacen(
        "id = \"icamo1.m2\"\nparent = \"icamo1\"",
        "id = \"icamo1.m2\"\nparent = \"icamo-een\"",
        1,
    );
    assert_ne!(
        broken, text,
        "the bundled codebook changed: update this test"
    );
    fs::write(&path, broken).unwrap();
    for args in [
        &["report"][..],
        &["site"],
        &["quotes", "--code", "icamo1.m1"],
        &["sheet", "export"],
    ] {
        let err = stderr_of(study, args);
        assert!(
            err.contains("dualiteit.toml:") && err.contains("icamo-een"),
            "icamo {args:?} said: {err}"
        );
    }
}

#[test]
fn a_code_renamed_by_hand_stops_the_build_and_codebook_rename_keeps_its_evidence() {
    let dir = bundled_study();
    let study = dir.path();
    icamo(study).args(["build", "-q"]).assert().success();
    let report = fs::read_to_string(study.join("out/report.md")).unwrap();

    // Renamed in the codebook only: its eight codings would count nowhere.
    let path = study.join("codebooks/dualiteit.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("\"icamo1.m1\"", "\"icamo1.m1b\"")).unwrap();
    let err = stderr_of(study, &["build"]);
    assert!(
        err.contains("8 codings name a code that no codebook has")
            && err.contains(
                "codings/codeur-a.csv:5: code \"icamo1.m1\" is in no codebook; did you mean \"icamo1.m1b\"?"
            ),
        "{err}"
    );
    for args in [
        &["report"][..],
        &["quotes", "--code", "icamo1.m2"],
        &["site"],
    ] {
        let err = stderr_of(study, args);
        assert!(
            err.contains("8 codings name a code"),
            "icamo {args:?} said: {err}"
        );
    }

    // Renamed everywhere at once: the report counts the same evidence under the new id.
    fs::write(&path, &text).unwrap();
    let out = icamo(study)
        .args(["codebook", "rename", "icamo1.m1", "icamo1.beeld"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "renamed icamo1.m1 to icamo1.beeld: 1 codebook, 8 codings in 1 coder file, and the findings file"
        ),
        "{said}"
    );
    // The finding that rests on it follows the new id.
    let findings = fs::read_to_string(study.join("findings.toml")).unwrap();
    assert!(
        findings.contains("codes = [\"icamo1.beeld\"]"),
        "{findings}"
    );
    icamo(study).args(["build", "-q"]).assert().success();
    let renamed = fs::read_to_string(study.join("out/report.md")).unwrap();
    // The id is in the mechanism's heading, so in the anchors that link to it as well.
    let renamed = renamed
        .replace("icamo1.beeld", "icamo1.m1")
        .replace("icamo1beeld", "icamo1m1");
    assert_eq!(renamed, report);
    // Renaming to an id that exists is refused, and changes nothing.
    let before = fs::read(&path).unwrap();
    let err = stderr_of(study, &["codebook", "rename", "icamo1.beeld", "icamo1.m2"]);
    assert!(err.contains("a code \"icamo1.m2\" exists already"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn suggestions_made_before_a_rule_or_a_transcript_changed_are_not_offered() {
    let dir = bundled_study();
    let study = dir.path();
    icamo(study).args(["build", "-q"]).assert().success();
    icamo(study)
        .args(["sheet", "export", "--coder", "anna", "-q"])
        .assert()
        .success();

    let path = study.join("codebooks/dualiteit.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replacen("keywords = [", "keywords = [\"dagbesteding\", ", 1),
    )
    .unwrap();
    for args in [
        &["sheet", "export", "--coder", "bas"][..],
        &["quotes", "--code", "icamo1.m2", "--include-suggestions"],
        &["report", "--include-suggestions"],
    ] {
        let err = stderr_of(study, args);
        assert!(
            err.contains("the stored suggestions are out of date: codebooks/dualiteit.toml has changed since. Run `icamo code`"),
            "icamo {args:?} said: {err}"
        );
    }
    icamo(study).args(["code", "-q"]).assert().success();
    icamo(study)
        .args(["sheet", "export", "--coder", "bas", "-q"])
        .assert()
        .success();

    // A transcript ingested again: its suggestions are of the old turns.
    let corpus = study.join("corpus/int-sh-03.txt");
    let transcript = fs::read_to_string(&corpus).unwrap();
    fs::write(&corpus, transcript.replacen("Oké?", "Goed?", 1)).unwrap();
    icamo(study).args(["ingest", "-q"]).assert().success();
    let err = stderr_of(study, &["sheet", "export", "--coder", "cas"]);
    assert!(err.contains("int-sh-03 was ingested again since"), "{err}");
}

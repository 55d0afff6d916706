//! Filters on the command line (`--role`, `--case`, `--doc`, `--speaker`, `--code`,
//! `--mechanism`): capitals never matter, and a value the study does not have is a usage error
//! (exit status 2) that names the known values, never an empty result that looks like "no
//! evidence".

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::common::{bundled_study, fixture_study, icamo};

/// `icamo ARGS` on `study`, which must succeed; its standard output.
fn stdout(study: &Path, args: &[&str]) -> String {
    let out = icamo(study).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "icamo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `icamo ARGS` on `study`, which must fail with a usage error (exit status 2) and print
/// nothing on standard output; its standard error.
fn usage_error(study: &Path, args: &[&str]) -> String {
    let out: Output = icamo(study).args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "icamo {args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "icamo {args:?} printed a result");
    stderr
}

#[test]
fn search_filters_ignore_capitals() {
    let dir = fixture_study("study");
    icamo(dir.path()).arg("ingest").assert().success();
    let query = "taal OR loonkostensubsidie OR werkgevers";
    for (given, written) in [
        (["--role", "Werkgever"], ["--role", "werkgever"]),
        (["--case", "VEENOORD"], ["--case", "Veenoord"]),
        (["--doc", "Int-SH"], ["--doc", "int-sh"]),
        (["--speaker", "selam"], ["--speaker", "Selam"]),
    ] {
        let found = stdout(dir.path(), &[&["search", query][..], &given].concat());
        let expected = stdout(dir.path(), &[&["search", query][..], &written].concat());
        assert_eq!(found, expected, "{given:?}");
        assert!(
            found.contains("(score"),
            "{given:?} found nothing:\n{found}"
        );
    }
    let werkgever = stdout(dir.path(), &["search", query, "--role", "WERKGEVER"]);
    assert!(werkgever.contains("  werkgever · Veenoord"), "{werkgever}");
}

#[test]
fn an_unknown_search_filter_names_the_known_values() {
    let dir = fixture_study("study");
    icamo(dir.path()).arg("ingest").assert().success();
    let study = dir.path();
    assert_eq!(
        usage_error(study, &["search", "taal", "--role", "Inwoner"]),
        "error: unknown role \"Inwoner\"; known roles: interviewer, professional uitvoering, statushouder, werkgever\n"
    );
    assert_eq!(
        usage_error(study, &["search", "taal", "--case", "lindenhorst"]),
        "error: unknown case \"lindenhorst\"; known cases: Havenstad, Veenoord\n"
    );
    assert_eq!(
        usage_error(study, &["search", "taal", "--doc", "int-werkgevr"]),
        "error: unknown document \"int-werkgevr\" (did you mean \"int-werkgever\"?); known documents: fg-uitvoering, int-sh, int-werkgever\n"
    );
    // A list of speakers is a list of people: not printed.
    assert_eq!(
        usage_error(study, &["search", "taal", "--speaker", "Selma"]),
        "error: unknown speaker \"Selma\" (did you mean \"Selam\"?); a speaker is given by the label `icamo search --names` shows beside the role\n"
    );
    assert!(
        usage_error(study, &["search", "taal", "--code", "int.pipp"]).starts_with(
            "error: unknown code \"int.pipp\" (did you mean \"int.pip\"?); known codes: "
        )
    );
}

/// The bundled study, ingested (the quotes come from its coders' files).
fn bundled() -> tempfile::TempDir {
    let dir = bundled_study();
    icamo(dir.path()).arg("ingest").assert().success();
    dir
}

#[test]
fn quotes_filters_ignore_capitals_and_name_the_known_values() {
    let dir = bundled();
    let study = dir.path();
    for (given, written) in [
        (
            ["--code", "ICAMO1.M3", "--role", "Statushouder"],
            ["--code", "icamo1.m3", "--role", "statushouder"],
        ),
        (
            ["--code", "icamo1", "--case", "veenoord"],
            ["--code", "icamo1", "--case", "Veenoord"],
        ),
        (
            ["--mechanism", "ICAMO4", "--case", "HAVENSTAD"],
            ["--mechanism", "icamo4", "--case", "Havenstad"],
        ),
    ] {
        let found = stdout(study, &[&["quotes"][..], &given].concat());
        let expected = stdout(study, &[&["quotes"][..], &written].concat());
        assert_eq!(found, expected, "{given:?}");
        assert!(
            found.contains("    — "),
            "{given:?} found nothing:\n{found}"
        );
    }
    let statushouder = stdout(
        study,
        &["quotes", "--code", "icamo1", "--role", "STATUSHOUDER"],
    );
    assert!(statushouder.contains("— statushouder, "), "{statushouder}");

    assert_eq!(
        usage_error(study, &["quotes", "--code", "icamo1", "--role", "Inwoner"]),
        "error: unknown role \"Inwoner\"; known roles: gezinsmigrant, interviewer, professional beleid, professional expertgroep, professional uitvoering, statushouder, werkgever\n"
    );
    assert_eq!(
        usage_error(study, &["quotes", "--case", "Lindenhorst"]),
        "error: unknown case \"Lindenhorst\"; known cases: Havenstad, Veenoord\n"
    );
    assert!(
        usage_error(study, &["quotes", "--mechanism", "icamo1.m9"]).starts_with(
            "error: unknown mechanism or configuration \"icamo1.m9\" (did you mean \"icamo1.m1\"?); known mechanisms and configurations: icamo1, icamo1.m1, "
        )
    );
}

#[test]
fn under_the_panel_rules_a_role_is_matched_as_the_panel_shows_it() {
    let dir = bundled();
    let study = dir.path();
    let rows = |args: &[&str]| -> Vec<Value> {
        let json = stdout(
            study,
            &[&["quotes", "--panel", "--format", "json"][..], args].concat(),
        );
        serde_json::from_str::<Value>(&json)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let all = rows(&[]);
    let mut roles: Vec<&str> = all.iter().map(|r| r["role"].as_str().unwrap()).collect();
    roles.sort_unstable();
    roles.dedup();
    assert!(roles.len() > 2, "{roles:?}");
    for role in roles {
        let shouted = role.to_uppercase();
        let picked = rows(&["--role", &shouted]);
        let expected: Vec<&Value> = all.iter().filter(|r| r["role"] == role).collect();
        assert_eq!(picked.iter().collect::<Vec<_>>(), expected, "{role}");
    }
    let err = usage_error(study, &["quotes", "--panel", "--role", "burgemeester"]);
    assert!(
        err.starts_with("error: unknown role \"burgemeester\"; known roles: "),
        "{err}"
    );
}

#[test]
fn a_sheet_for_a_code_in_other_capitals_is_the_codes_sheet() {
    let dir = bundled();
    let study = dir.path();
    icamo(study).arg("code").assert().success();
    let said = stdout(
        study,
        &["sheet", "export", "--code", "ICAMO1.M3", "--coder", "anna"],
    );
    let sheet = study.join("sheets/icamo1.m3-anna.csv");
    assert!(said.contains("sheets/icamo1.m3-anna.csv"), "{said}");
    let other = study.join("other.csv");
    let other_arg = other.to_str().unwrap();
    stdout(
        study,
        &[
            "sheet",
            "export",
            "--code",
            "icamo1.m3",
            "--coder",
            "anna",
            "--out",
            other_arg,
        ],
    );
    let written = fs::read_to_string(&sheet).unwrap();
    assert_eq!(written, fs::read_to_string(&other).unwrap());
    assert!(written.lines().count() > 1, "{written}");

    let err = usage_error(study, &["sheet", "export", "--code", "icamo1.m33"]);
    assert!(
        err.starts_with(
            "error: unknown code \"icamo1.m33\" (did you mean \"icamo1.m3\"?); known codes: "
        ),
        "{err}"
    );
    assert!(!study.join("sheets/icamo1.m33.csv").exists());
}

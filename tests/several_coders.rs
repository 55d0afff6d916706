//! Several coders, one explicit rule: the manifest's `[evidence]` says whose decisions count
//! and how disagreements resolve; the report says which rule it used, never whose names; and
//! `icamo agree --evidence` lists the disagreements.

use std::fs;
use std::path::Path;

use crate::common;

use common::{fixture_study, icamo};

/// The agreement study (coders anna and bert) with an adjudicator, lotte, who settled the
/// stance anna and bert disagree on, and `evidence` as its `[evidence]` table.
fn study_with_adjudicator(evidence: &str) -> tempfile::TempDir {
    let dir = fixture_study("agreement/study");
    let manifest = dir.path().join("icamo.toml");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!("\n[evidence]\n{evidence}"));
    fs::write(&manifest, text).unwrap();
    fs::write(
        dir.path().join("codings/lotte.csv"),
        "segment,code,stance,origin,span,note,decision\n\
         fg-uitvoering:0006,m.verbinding,contradicts,manual,,\"wantrouwen overheerst, zegt Orhan\",accept\n",
    )
    .unwrap();
    dir
}

fn build(dir: &Path) -> String {
    let out = icamo(dir).arg("build").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path).unwrap()
}

#[test]
fn renaming_a_coders_file_changes_nothing_in_the_report_and_the_disagreements_are_listed() {
    let dir = study_with_adjudicator("adjudicator = \"lotte\"\n");
    let stdout = build(dir.path());
    assert!(
        stdout.contains(
            "coders: 2 counted (anna, bert), agreement = \"any\", adjudicator lotte: 2 disagreements, 1 settled by the adjudicator (icamo agree --evidence lists them)\n"
        ),
        "{stdout}"
    );
    let report = read(dir.path().join("out/report.md"));
    assert!(
        report.contains(
            "De telling volgt de regel dat één codeur volstaat: een fragment krijgt een code als ten minste\n\
             één van de 2 codeurs de code toekende, ook als een andere codeur de code afwees.\n\
             Een houding (ondersteunt, weerspreekt, nuanceert) telt alleen als alle codeurs die de code\n\
             toekenden, dezelfde houding gaven; anders telt het fragment mee zonder houding.\n\
             Waar de eindbeoordelaar over een code bij een fragment besliste, gaf dat besluit de doorslag.\n\
             De codeurs verschilden van oordeel over 2 coderingen; de eindbeoordelaar besliste over 1 daarvan (zie `icamo agree --evidence`).\n"
        ),
        "{report}"
    );
    // The adjudicator's stance counts in 0006 (contradicts); bert alone coded 0007 (supports).
    assert!(
        report.contains(
            "| Verbinding werkgever en inburgeraar | 2 | 2 | 1 | 1 | 1 | 0 | 0 | onvoldoende bewijs |"
        ),
        "{report}"
    );
    let html = read(dir.path().join("out/report.html"));
    for name in ["anna", "bert", "lotte"] {
        assert!(!report.contains(name), "{name} in report.md");
        assert!(!html.contains(name), "{name} in report.html");
    }

    // bert becomes zoe, lotte becomes aaron: other names, another order.
    fs::rename(
        dir.path().join("codings/bert.csv"),
        dir.path().join("codings/zoe.csv"),
    )
    .unwrap();
    fs::rename(
        dir.path().join("codings/lotte.csv"),
        dir.path().join("codings/aaron.csv"),
    )
    .unwrap();
    let manifest = dir.path().join("icamo.toml");
    fs::write(&manifest, read(&manifest).replace("\"lotte\"", "\"aaron\"")).unwrap();
    let stdout = build(dir.path());
    assert!(
        stdout.contains("coders: 2 counted (anna, zoe), agreement = \"any\", adjudicator aaron: 2 disagreements, 1 settled"),
        "{stdout}"
    );
    assert_eq!(read(dir.path().join("out/report.md")), report);
    assert_eq!(read(dir.path().join("out/report.html")), html);

    // The agreement figures compare the coders, not the adjudicator.
    icamo(dir.path())
        .arg("agree")
        .assert()
        .success()
        .stdout(predicates::str::starts_with("2 coders; unit: segment;"))
        .stderr(predicates::str::contains(
            "not compared: aaron ([evidence] in icamo.toml does not count them as coders)",
        ));
    let out = icamo(dir.path())
        .args(["agree", "--evidence"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "2 disagreements among the coders whose decisions count (agreement = \"any\" among anna, zoe; adjudicator: aaron): 1 settled by the adjudicator, 1 open\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\nint.jobcoach  Jobcoaching\n  fg-uitvoering:0006  werkgeversadviseur  anna: accept · zoe: reject → counts; open\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\nm.verbinding  Verbinding werkgever en inburgeraar\n  fg-uitvoering:0006  werkgeversadviseur  stance: anna: accept (contradicts) · zoe: accept (supports) · aaron (adjudicator): accept (contradicts) → counts (contradicts); settled\n      anna: \"geen vertrouwen\"\n      aaron: \"wantrouwen overheerst, zegt [naam]\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "the adjudicator adds a decision on its segment and code to codings/aaron.csv"
        ),
        "{text}"
    );
    for name in ["Greetje", "Orhan", "Hiwet", "P01", "R01"] {
        assert!(!text.contains(name), "{name} in:\n{text}");
    }
    icamo(dir.path())
        .args(["agree", "--evidence", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "code,label,segment,role,about,outcome,anna,zoe,aaron (adjudicator),notes\n\
             int.jobcoach,Jobcoaching,fg-uitvoering:0006,werkgeversadviseur,presence,counts,accept,reject,,\n\
             m.verbinding,Verbinding werkgever en inburgeraar,fg-uitvoering:0006,werkgeversadviseur,stance,counts (contradicts),accept (contradicts),accept (supports),accept (contradicts),\"anna: geen vertrouwen | aaron: wantrouwen overheerst, zegt [naam]\"\n",
        ));
}

/// The quotes of `code` that count, as (segment, stance).
fn counted(dir: &Path, code: &str) -> Vec<(String, String)> {
    common::json_rows(dir, "quotes", &["--code", code])
        .iter()
        .map(|q| {
            (
                q["segment"].as_str().unwrap().to_string(),
                q["stance"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_rule_decides_whether_one_coders_reject_cancels_anothers_accept() {
    let dir = fixture_study("agreement/study");
    icamo(dir.path()).args(["ingest", "-q"]).assert().success();
    // Without [evidence]: any. anna accepted int.jobcoach in 0006, bert rejected it.
    assert_eq!(
        counted(dir.path(), "int.jobcoach"),
        [("fg-uitvoering:0006".to_string(), "none".to_string())]
    );
    // Their stances on m.verbinding in 0006 differ: it counts without one, whoever is first.
    assert_eq!(
        counted(dir.path(), "m.verbinding"),
        [
            ("fg-uitvoering:0006".to_string(), "none".to_string()),
            ("fg-uitvoering:0007".to_string(), "supports".to_string())
        ]
    );
    let manifest = dir.path().join("icamo.toml");
    let text = read(&manifest);
    fs::write(
        &manifest,
        format!("{text}\n[evidence]\nagreement = \"all\"\n"),
    )
    .unwrap();
    assert!(counted(dir.path(), "int.jobcoach").is_empty());
    let stdout = build(dir.path());
    assert!(
        stdout.contains("coders: 2 counted (anna, bert), agreement = \"all\": 2 disagreements (icamo agree --evidence lists them)"),
        "{stdout}"
    );
    let report = read(dir.path().join("out/report.md"));
    assert!(
        report.contains(
            "De telling volgt de regel dat de codeurs het eens moeten zijn: een fragment krijgt een code\n\
             alleen als ten minste één van de 2 codeurs de code toekende en geen van hen de\n\
             code afwees.\n"
        ),
        "{report}"
    );
    // Only anna counts: bert's file is named as left out, and there is nothing to disagree on.
    fs::write(
        &manifest,
        format!("{text}\n[evidence]\ncoders = [\"anna\"]\n"),
    )
    .unwrap();
    let stdout = build(dir.path());
    assert!(
        stdout.contains("  not counted: bert (not in [evidence] coders in icamo.toml)\n"),
        "{stdout}"
    );
    assert_eq!(
        counted(dir.path(), "m.verbinding"),
        [("fg-uitvoering:0006".to_string(), "contradicts".to_string())]
    );
    let report = read(dir.path().join("out/report.md"));
    assert!(
        report.contains(
            "De telling berust op de coderingen van één codeur.\nDe coderingen van één andere codeur tellen niet mee.\n"
        ),
        "{report}"
    );
}

#[test]
fn a_coder_the_manifest_names_who_has_no_file_stops_every_evidence_command() {
    let dir = study_with_adjudicator("coders = [\"anna\", \"bret\"]\n");
    icamo(dir.path()).args(["ingest", "-q"]).assert().success();
    let before = read(dir.path().join("codings/bert.csv"));
    for args in [
        &["build"][..],
        &["quotes", "--code", "m.taal"],
        &["agree", "--evidence"],
    ] {
        let out = icamo(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("icamo.toml:42:19: [evidence] coders: \"bret\" has no decisions in this study: there is no codings/bret.csv and no inline tag by that coder (did you mean \"bert\"?); the study's coders: anna, bert, lotte"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("out").exists());
    assert_eq!(read(dir.path().join("codings/bert.csv")), before);
}

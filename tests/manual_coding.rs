//! Manual coding as a researcher does it: inline tags in transcripts, coding sheets exported,
//! filled in and applied, and the coders' files that `icamo code` never touches.

use std::fs;
use std::path::{Path, PathBuf};

use icamo::coding::Stance;
use icamo::coding::manual::{Origin, Status, effective_codings};
use icamo::study::Study;
use predicates::prelude::*;
use serde_json::Value;

use crate::common;

use common::{fixture_study as study, icamo};

/// The tagged study, ingested and coded.
fn coded_study() -> tempfile::TempDir {
    let dir = study("study-tags");
    icamo(dir.path()).arg("ingest").assert().success();
    icamo(dir.path()).arg("code").assert().success();
    dir
}

/// A sheet's rows as (header, rows of fields).
fn read_sheet(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn write_sheet(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

/// Fills in the row for (segment, code): the decision, new_code and stance columns.
fn decide(
    rows: &mut [Vec<String>],
    segment: &str,
    code: &str,
    decision: &str,
    new_code: &str,
    stance: &str,
) {
    let row = rows
        .iter_mut()
        .find(|r| r[0] == segment && r[3] == code)
        .unwrap_or_else(|| panic!("no row for {segment} {code}"));
    row[7] = decision.into();
    row[8] = new_code.into();
    row[9] = stance.into();
}

/// Exports anna's sheet of all codes, fills it in as a coder would, and returns its path.
fn filled_sheet(dir: &Path) -> PathBuf {
    icamo(dir)
        .args(["sheet", "export", "--coder", "anna"])
        .assert()
        .success()
        .stdout(predicate::str::contains("7 suggestions to decide on"));
    let sheet = dir.join("sheets/all-anna.csv");
    let (header, mut rows) = read_sheet(&sheet);
    decide(&mut rows, "fg-uitvoering:0003", "int.pip", "a", "", "");
    decide(
        &mut rows,
        "fg-uitvoering:0006",
        "m.verbinding",
        "ja",
        "",
        "~",
    );
    decide(
        &mut rows,
        "fg-uitvoering:0006",
        "int.jobcoach",
        "nee",
        "",
        "",
    );
    decide(
        &mut rows,
        "int-werkgever:0002",
        "m.verbinding",
        "c",
        "ctx.krapte",
        "",
    );
    write_sheet(&sheet, &header, &rows);
    sheet
}

/// A coder's file `codings/anna.csv` without its anchors, after checking that each anchor is
/// the stored text of the segment its row names.
fn decisions(study: &Path) -> String {
    let segments = Study::open(study).unwrap().all_segments().unwrap();
    let mut reader = csv::Reader::from_path(study.join("codings/anna.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.get(7), Some("text"), "{header:?}");
    let mut out = header.iter().take(7).collect::<Vec<_>>().join(",") + "\n";
    for row in reader.records() {
        let row = row.unwrap();
        let segment = segments.iter().find(|s| s.id == row[0]).unwrap();
        assert_eq!(&row[7], segment.text, "the anchor of {row:?}");
        out.push_str(&row.iter().take(7).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

fn apply(dir: &Path, sheet: &Path) -> assert_cmd::assert::Assert {
    icamo(dir)
        .args(["sheet", "apply"])
        .arg(sheet)
        .args(["--coder", "anna"])
        .assert()
}

#[test]
fn inline_tags_are_taken_out_of_the_text_and_recorded_with_their_stance() {
    let dir = study("study-tags");
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "corpus/fg-tags.txt:9: in the turn starting on this line: a \"{{\" without a closing \"}}\"",
        ));
    let stored = fs::read_to_string(dir.path().join(".icamo/segments/fg-tags.jsonl")).unwrap();
    let texts: Vec<String> = stored
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        texts[1],
        "Het PIP ligt vaak in een la. Anke zegt dat Serkan het bijhoudt. Maar dat is niet zo."
    );
    assert_eq!(
        texts[2],
        "De jobcoach komt elke week langs.\n\nDat helpt echt."
    );

    let out = icamo(dir.path())
        .args([
            "search",
            "bijhoudt OR jobcoach",
            "--format",
            "json",
            "--doc",
            "fg-tags",
        ])
        .output()
        .unwrap();
    let hits: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 2, "{hits}");
    for hit in hits.as_array().unwrap() {
        assert!(!hit["snippet"].as_str().unwrap().contains("{{"), "{hit}");
    }

    // The span is the sentence before the tag, in the stored (pseudonymised) text: 29-63 is
    // "Anke zegt dat Serkan het bijhoudt."
    assert_eq!(
        fs::read_to_string(dir.path().join(".icamo/tag-codings.csv")).unwrap(),
        "segment,code,stance,origin,span,note,decision,text,coder\n\
         fg-tags:0001,int.pip,none,tag,0-29,,accept,,transcript\n\
         fg-tags:0002,ctx.krapte,none,tag,29-63,,accept,,transcript\n\
         fg-tags:0002,int.pip,contradicts,tag,0-28,,accept,,transcript\n\
         fg-tags:0002,m.verbinding,supports,tag,29-63,,accept,,transcript\n\
         fg-tags:0003,int.jobcoach,none,tag,,,accept,,transcript\n\
         fg-tags:0003,m.verbinding,nuance,tag,,,accept,,transcript\n"
    );
    assert_eq!(&texts[1][29..63], "Anke zegt dat Serkan het bijhoudt.");
}

#[test]
fn tag_codings_follow_the_transcript_and_name_the_documents_coder() {
    let dir = study("study-tags");
    icamo(dir.path()).arg("ingest").assert().success();
    let manifest = dir.path().join("icamo.toml");
    let text = fs::read_to_string(&manifest).unwrap().replace(
        "file = \"corpus/fg-tags.txt\"\n",
        "file = \"corpus/fg-tags.txt\"\nattributes = { coder = \"els\" }\n",
    );
    fs::write(&manifest, text).unwrap();
    let transcript = dir.path().join("corpus/fg-tags.txt");
    let text = fs::read_to_string(&transcript)
        .unwrap()
        .replace("{{m.verbinding ~}}", "");
    fs::write(&transcript, text).unwrap();
    icamo(dir.path()).arg("ingest").assert().success();
    let tags = fs::read_to_string(dir.path().join(".icamo/tag-codings.csv")).unwrap();
    assert_eq!(tags.lines().count(), 6, "{tags}");
    assert!(tags.lines().skip(1).all(|l| l.ends_with(",els")), "{tags}");
    assert!(!tags.contains("nuance"), "{tags}");
}

#[test]
fn a_filled_in_sheet_becomes_the_coders_sorted_file() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    let (header, rows) = read_sheet(&sheet);
    assert_eq!(
        header.join(","),
        "segment,role,case,code,label,score,suggested_stance,decision,new_code,stance,note,text"
    );
    let jobcoach = rows.iter().find(|r| r[3] == "int.jobcoach").unwrap();
    assert!(jobcoach[11].contains("«jobcoach»"), "{jobcoach:?}");
    assert!(
        rows.iter().all(|r| !r.join(" ").contains("Orhan")),
        "names in the sheet"
    );
    let md = fs::read_to_string(dir.path().join("sheets/all-anna.md")).unwrap();
    assert!(
        md.contains("## m.verbinding — Verbinding werkgever en inburgeraar (2)"),
        "{md}"
    );

    apply(dir.path(), &sheet)
        .success()
        .stdout(predicate::str::contains(
            "4 decisions read (2 accept, 1 reject, 1 change of code), 3 rows without a decision",
        ));
    assert_eq!(
        decisions(dir.path()),
        "segment,code,stance,origin,span,note,decision\n\
         fg-uitvoering:0003,int.pip,none,manual,,,accept\n\
         fg-uitvoering:0006,int.jobcoach,none,manual,,,reject\n\
         fg-uitvoering:0006,m.verbinding,nuance,manual,,,accept\n\
         int-werkgever:0002,ctx.krapte,none,manual,,,accept\n\
         int-werkgever:0002,m.verbinding,none,manual,,,reject\n"
    );
}

/// Excel on a Dutch Windows saves "CSV (Comma delimited)" in Windows-1252, with ";" between
/// the fields and CRLF line ends: such a sheet is read as it is, with a note saying how.
#[test]
fn a_sheet_saved_by_excel_as_windows_1252_is_read_with_a_note() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    let (header, mut rows) = read_sheet(&sheet);
    let row = rows
        .iter_mut()
        .find(|r| r[0] == "fg-uitvoering:0003" && r[3] == "int.pip")
        .unwrap();
    row[10] = "één keer ‘gezien’ – café".into();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable, "the sheet has characters Windows-1252 lacks");
    assert!(std::str::from_utf8(&bytes).is_err());
    fs::write(&sheet, &bytes).unwrap();
    apply(dir.path(), &sheet)
        .success()
        .stdout(predicate::str::contains(format!(
            "note: {} is not UTF-8: read as windows-1252, the encoding Excel saves \"CSV (Comma delimited)\" in",
            sheet.display()
        )))
        .stdout(predicate::str::contains("4 decisions read"));
    let coder = fs::read_to_string(dir.path().join("codings/anna.csv")).unwrap();
    assert!(
        coder.contains("fg-uitvoering:0003,int.pip,none,manual,,één keer ‘gezien’ – café,accept"),
        "{coder}"
    );
}

#[test]
fn a_change_gives_the_new_code_no_stance_unless_the_row_writes_one() {
    let dir = coded_study();
    icamo(dir.path())
        .args(["sheet", "export", "--coder", "anna"])
        .assert()
        .success();
    let sheet = dir.path().join("sheets/all-anna.csv");
    let (header, mut rows) = read_sheet(&sheet);
    // Both suggested with a stance on m.verbinding (supports, contradicts): that stance says
    // nothing about the code the coder moves the turn to.
    let suggested = |rows: &[Vec<String>], segment: &str| {
        rows.iter()
            .find(|r| r[0] == segment && r[3] == "m.verbinding")
            .map(|r| r[6].clone())
            .unwrap()
    };
    assert_eq!(suggested(&rows, "int-werkgever:0002"), "supports");
    assert_eq!(suggested(&rows, "fg-uitvoering:0006"), "contradicts");
    decide(
        &mut rows,
        "int-werkgever:0002",
        "m.verbinding",
        "c",
        "ctx.krapte",
        "",
    );
    decide(
        &mut rows,
        "fg-uitvoering:0006",
        "m.verbinding",
        "c",
        "int.pip",
        "~",
    );
    write_sheet(&sheet, &header, &rows);
    apply(dir.path(), &sheet)
        .success()
        .stdout(predicate::str::contains(
            "2 decisions read (0 accept, 0 reject, 2 change of code)",
        ));
    assert_eq!(
        decisions(dir.path()),
        "segment,code,stance,origin,span,note,decision\n\
         fg-uitvoering:0006,int.pip,nuance,manual,,,accept\n\
         fg-uitvoering:0006,m.verbinding,none,manual,,,reject\n\
         int-werkgever:0002,ctx.krapte,none,manual,,,accept\n\
         int-werkgever:0002,m.verbinding,none,manual,,,reject\n"
    );
}

#[test]
fn a_sheet_takes_the_dutch_stance_words_of_the_report() {
    let dir = coded_study();
    icamo(dir.path())
        .args(["sheet", "export", "--coder", "anna"])
        .assert()
        .success();
    let sheet = dir.path().join("sheets/all-anna.csv");
    let (header, mut rows) = read_sheet(&sheet);
    decide(
        &mut rows,
        "fg-uitvoering:0006",
        "m.verbinding",
        "a",
        "",
        "ondersteund",
    );
    write_sheet(&sheet, &header, &rows);
    apply(dir.path(), &sheet).code(1).stderr(predicate::str::contains(
        "unknown stance \"ondersteund\": expected supports (+, ondersteunt), contradicts (-, weerspreekt), nuance (~, nuanceert) or none (empty, geen houding)",
    ));
    assert!(!dir.path().join("codings/anna.csv").exists());

    decide(
        &mut rows,
        "fg-uitvoering:0006",
        "m.verbinding",
        "a",
        "",
        "Ondersteunt",
    );
    decide(
        &mut rows,
        "int-werkgever:0002",
        "m.verbinding",
        "a",
        "",
        "weerspreekt",
    );
    decide(
        &mut rows,
        "fg-tags:0003",
        "int.jobcoach",
        "c",
        "m.verbinding",
        "nuanceert",
    );
    write_sheet(&sheet, &header, &rows);
    apply(dir.path(), &sheet).success();
    assert_eq!(
        decisions(dir.path()),
        "segment,code,stance,origin,span,note,decision\n\
         fg-tags:0003,int.jobcoach,none,manual,,,reject\n\
         fg-tags:0003,m.verbinding,nuance,manual,,,accept\n\
         fg-uitvoering:0006,m.verbinding,supports,manual,,,accept\n\
         int-werkgever:0002,m.verbinding,contradicts,manual,,,accept\n"
    );
}

#[test]
fn applying_the_same_sheet_again_changes_nothing() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    apply(dir.path(), &sheet).success();
    let file = dir.path().join("codings/anna.csv");
    let first = fs::read(&file).unwrap();
    apply(dir.path(), &sheet)
        .success()
        .stdout(predicate::str::contains(
            "0 codings added, 0 replaced, 5 already recorded",
        ));
    assert_eq!(fs::read(&file).unwrap(), first);
}

#[test]
fn wrong_rows_are_named_by_file_and_line_and_nothing_is_written() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    apply(dir.path(), &sheet).success();
    let file = dir.path().join("codings/anna.csv");
    let before = fs::read(&file).unwrap();

    let (header, mut rows) = read_sheet(&sheet);
    let open: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r[7].is_empty())
        .map(|r| (r[0].clone(), r[3].clone()))
        .collect();
    decide(&mut rows, &open[0].0, &open[0].1, "misschien", "", "");
    decide(
        &mut rows,
        &open[1].0,
        &open[1].1,
        "c",
        "int.bestaatniet",
        "",
    );
    decide(&mut rows, &open[2].0, &open[2].1, "a", "", "heel erg");
    let mut unknown = vec![String::new(); header.len()];
    (unknown[0], unknown[3], unknown[7]) = ("fg-tags:0099".into(), "int.pip".into(), "a".into());
    rows.push(unknown);
    let bad = dir.path().join("sheets/bad.csv");
    write_sheet(&bad, &header, &rows);
    let line_of = |segment: &str, code: &str| {
        2 + rows
            .iter()
            .position(|r| r[0] == segment && r[3] == code)
            .unwrap()
            + rows
                .iter()
                .take_while(|r| !(r[0] == segment && r[3] == code))
                .map(|r| r.get(11).map_or(0, |t| t.matches('\n').count()))
                .sum::<usize>()
    };
    let out = icamo(dir.path())
        .args(["sheet", "apply"])
        .arg(&bad)
        .args(["--coder", "anna"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let name = bad.display().to_string();
    for (line, message) in [
        (
            line_of(&open[0].0, &open[0].1),
            "unknown decision \"misschien\"",
        ),
        (
            line_of(&open[1].0, &open[1].1),
            "unknown code \"int.bestaatniet\"",
        ),
        (
            line_of(&open[2].0, &open[2].1),
            "unknown stance \"heel erg\"",
        ),
        (
            line_of("fg-tags:0099", "int.pip"),
            "unknown segment \"fg-tags:0099\"",
        ),
    ] {
        assert!(
            err.contains(&format!("{name}:{line}: {message}")),
            "line {line}: {err}"
        );
    }
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), before);
}

#[test]
fn changing_an_earlier_decision_needs_replace() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    apply(dir.path(), &sheet).success();
    let file = dir.path().join("codings/anna.csv");
    let before = fs::read(&file).unwrap();

    let (header, mut rows) = read_sheet(&sheet);
    decide(&mut rows, "fg-uitvoering:0003", "int.pip", "r", "", "");
    decide(&mut rows, "fg-tags:0003", "int.jobcoach", "a", "", "");
    write_sheet(&sheet, &header, &rows);
    apply(dir.path(), &sheet).failure().stderr(
        predicate::str::contains("fg-uitvoering:0003 int.pip was already decided (accept)")
            .and(predicate::str::contains("--replace")),
    );
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "a conflict writes nothing"
    );

    icamo(dir.path())
        .args(["sheet", "apply"])
        .arg(&sheet)
        .args(["--coder", "anna", "--replace"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 codings added, 1 replaced"));
    let text = decisions(dir.path());
    assert!(
        text.contains("fg-uitvoering:0003,int.pip,none,manual,,,reject\n"),
        "{text}"
    );
    assert!(
        text.contains("fg-tags:0003,int.jobcoach,none,manual,,,accept\n"),
        "{text}"
    );
}

#[test]
fn code_never_overwrites_a_coders_decision() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    apply(dir.path(), &sheet).success();
    let file = dir.path().join("codings/anna.csv");
    let before = fs::read(&file).unwrap();
    icamo(dir.path()).arg("code").assert().success();
    icamo(dir.path())
        .args(["ingest", "--rebuild"])
        .assert()
        .success();
    icamo(dir.path()).arg("build").assert().success();
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path().join("codings")).unwrap().count(), 1);
}

#[test]
fn a_new_sheet_leaves_out_what_the_coder_decided_and_never_overwrites_one() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    apply(dir.path(), &sheet).success();
    icamo(dir.path())
        .args(["sheet", "export", "--coder", "anna"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists"));
    icamo(dir.path())
        .args(["sheet", "export", "--coder", "anna", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 suggestions to decide on"))
        .stdout(predicate::str::contains("4 already decided, left out"));
    let (_, rows) = read_sheet(&sheet);
    assert!(rows.iter().all(|r| r[7].is_empty()));
}

#[test]
fn a_sheet_for_a_code_includes_the_codes_under_it_best_first() {
    let dir = coded_study();
    let out = dir.path().join("pip.csv");
    icamo(dir.path())
        .args(["sheet", "export", "--code", "int", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(dir.path().join("pip.md").is_file());
    let (_, rows) = read_sheet(&out);
    let codes: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        codes,
        ["int.pip", "int.pip", "int.jobcoach", "int.jobcoach"]
    );
    let score = |i: usize| rows[i][5].parse::<f32>().unwrap();
    assert!(score(0) >= score(1) && score(2) >= score(3));
    icamo(dir.path())
        .args(["sheet", "export", "--code", "int.nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown code \"int.nope\""));
}

#[test]
fn manual_codings_win_over_suggestions_and_a_reject_hides_one() {
    let dir = coded_study();
    let sheet = filled_sheet(dir.path());
    apply(dir.path(), &sheet).success();
    let study = Study::open(dir.path()).unwrap();
    let all = effective_codings(&study).unwrap();
    let find = |segment: &str, code: &str| {
        all.iter()
            .find(|c| c.segment == segment && c.code == code)
            .cloned()
    };
    // Suggested as contradicting; anna said nuance: hers counts.
    let verbinding = find("fg-uitvoering:0006", "m.verbinding").unwrap();
    assert_eq!(verbinding.status, Status::Confirmed);
    assert_eq!(verbinding.stance, Stance::Nuance);
    assert_eq!(verbinding.origin, Origin::Manual);
    assert_eq!(verbinding.coders, ["anna"]);
    assert!(verbinding.score.is_some());
    // Rejected: gone; changed: the new code instead of the old.
    assert!(find("fg-uitvoering:0006", "int.jobcoach").is_none());
    assert!(find("int-werkgever:0002", "m.verbinding").is_none());
    assert_eq!(
        find("int-werkgever:0002", "ctx.krapte").unwrap().status,
        Status::Confirmed
    );
    // Nobody decided: still a suggestion.
    let krapte = find("fg-uitvoering:0006", "ctx.krapte").unwrap();
    assert_eq!(
        (krapte.status, krapte.origin),
        (Status::Suggested, Origin::Rule)
    );
    // A tag confirms, with its stance and span.
    let tagged = find("fg-tags:0002", "int.pip").unwrap();
    assert_eq!(
        (tagged.status, tagged.origin, tagged.stance),
        (Status::Confirmed, Origin::Tag, Stance::Contradicts)
    );
    assert_eq!(tagged.spans, [[0, 28]]);
    assert_eq!(tagged.coders, ["transcript"]);
}

#[test]
fn quotes_search_and_export_use_the_confirmed_codings() {
    let dir = study("study-tags");
    icamo(dir.path()).arg("build").assert().success();

    // Tags confirm m.verbinding twice: supports (fg-tags:0002) and nuance (fg-tags:0003).
    let out = icamo(dir.path())
        .args(["quotes", "--code", "m.verbinding", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let found: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["segment"].as_str().unwrap(),
                r["stance"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("fg-tags:0002", "supports"), ("fg-tags:0003", "nuance")]
    );
    assert!(
        rows.iter()
            .all(|r| r["status"] == "confirmed" && r["role"] == "professional uitvoering")
    );
    assert!(
        rows.iter()
            .all(|r| !r["text"].as_str().unwrap().contains("{{"))
    );

    icamo(dir.path())
        .args(["quotes", "--code", "m.verbinding", "--stance", "nuance"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "De jobcoach komt elke week langs.",
        ))
        .stdout(predicate::str::contains("fg-tags:0002").not());

    // Search restricted to a code: "jobcoach" occurs in other documents too.
    let out = icamo(dir.path())
        .args([
            "search",
            "jobcoach",
            "--code",
            "int.jobcoach",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["segment"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["fg-tags:0003"]);

    let out = icamo(dir.path())
        .args(["export", "codings"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text.contains(r#""code":"ctx.krapte""#), "{text}");
    assert!(
        !text.contains("Greetje") && !text.contains("\"speaker\""),
        "{text}"
    );

    let target = dir.path().join("segments.csv");
    icamo(dir.path())
        .args(["export", "segments", "--format", "csv", "--out"])
        .arg(&target)
        .assert()
        .success();
    let csv = fs::read_to_string(&target).unwrap();
    assert!(
        csv.starts_with("segment,doc,role,case,group,interviewer,start_ms,end_ms,codes,text\n"),
        "{csv}"
    );
    assert!(
        csv.contains("fg-tags:0002,fg-tags,professional uitvoering"),
        "{csv}"
    );
    icamo(dir.path())
        .args(["export", "segments", "--out"])
        .arg(&target)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("give --force"));
}

// ---------------------------------------------------------------------------------------------
// Inline tags that name codes the codebooks do not have (fixture study-tag-ids)

/// The four warnings the tags of study-tag-ids give: two typos, a category and an id with no
/// code like it, each at the tag's own line and column.
const TAG_ID_WARNINGS: [&str; 4] = [
    "corpus/fg-typos.txt:3:40: warning: the inline tag {{int.jobcoach +; m.verbindng +}} names the code \"m.verbindng\", which is in none of the codebooks: the coding is stored but not counted\n  hint: did you mean \"m.verbinding\"?",
    "corpus/fg-typos.txt:4:19: warning: the inline tag {{int}} names \"int\", a category (codable = false), not a code to apply\n  hint: tag one of the codes under it: int.pip, int.jobcoach\n",
    "corpus/fg-typos.txt:6:32: warning: the inline tag {{icamo9.onbekend ~}} names the code \"icamo9.onbekend\", which is in none of the codebooks: the coding is stored but not counted\n  hint: correct the tag in the transcript, or add the code to a codebook",
    "corpus/int-typo.md:9:36: warning: the inline tag {{ctx.krpte}} names the code \"ctx.krpte\", which is in none of the codebooks: the coding is stored but not counted\n  hint: did you mean \"ctx.krapte\"?",
];

#[test]
fn code_and_build_name_each_tag_with_an_unknown_code_by_file_line_and_column() {
    let dir = study("study-tag-ids");
    icamo(dir.path()).arg("ingest").assert().success();
    for command in ["code", "build"] {
        let out = icamo(dir.path()).arg(command).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{command}: {stderr}");
        for warning in TAG_ID_WARNINGS {
            assert!(
                stderr.contains(warning),
                "{command}: {warning}\nnot in\n{stderr}"
            );
        }
        // The correct tags of the same turns give no warning.
        assert_eq!(stderr.matches("warning:").count(), 4, "{command}: {stderr}");
    }

    // Corrected in the transcript and ingested again, the warnings are gone.
    let transcript = dir.path().join("corpus/fg-typos.txt");
    let text = fs::read_to_string(&transcript)
        .unwrap()
        .replace("m.verbindng", "m.verbinding")
        .replace("{{int}}", "{{int.pip}}")
        .replace(" {{icamo9.onbekend ~}}", "");
    fs::write(&transcript, text).unwrap();
    icamo(dir.path()).arg("ingest").assert().success();
    let out = icamo(dir.path()).arg("code").output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(stderr.contains("corpus/int-typo.md:9:36:"), "{stderr}");
}

#[test]
fn codebook_check_in_a_study_also_checks_its_inline_tags() {
    let dir = study("study-tag-ids");
    // Before ingest there are no tags to check.
    icamo(dir.path())
        .args(["codebook", "check"])
        .assert()
        .success()
        .stdout("1 codebook, 5 codes: 0 errors, 0 warnings\n");
    icamo(dir.path()).arg("ingest").assert().success();
    let out = icamo(dir.path())
        .args(["codebook", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "warnings do not fail the check: {stdout}"
    );
    for warning in TAG_ID_WARNINGS {
        assert!(stdout.contains(warning), "{warning}\nnot in\n{stdout}");
    }
    assert!(
        stdout.ends_with("\n1 codebook, 5 codes: 0 errors, 4 warnings\n"),
        "{stdout}"
    );
    // A codebook given by name may not be the study's: its tags are not checked against it.
    icamo(dir.path())
        .args(["codebook", "check", "--codebook", "codebooks/test.toml"])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout("1 codebook, 5 codes: 0 errors, 0 warnings\n");
}

#[test]
fn a_tag_with_an_unknown_code_is_stored_but_not_counted() {
    let dir = study("study-tag-ids");
    icamo(dir.path()).arg("build").assert().success();
    let tags = fs::read_to_string(dir.path().join(".icamo/tag-codings.csv")).unwrap();
    assert!(
        tags.contains("fg-typos:0002,m.verbindng,supports,tag,"),
        "{tags}"
    );
    // Quotes by code count the correct tag (int-typo) and pass the typo (fg-typos) by.
    let out = icamo(dir.path())
        .args(["quotes", "--code", "m.verbinding", "--format", "json"])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let segments: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["segment"].as_str().unwrap())
        .collect();
    assert_eq!(segments, ["int-typo:0002"]);
    icamo(dir.path())
        .args(["quotes", "--code", "m.verbindng"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown code \"m.verbindng\" (did you mean \"m.verbinding\"?); known codes: ",
        ));
}

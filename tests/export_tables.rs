//! `icamo export codings` and `icamo export matrix` as a researcher uses them: real files
//! read back with a CSV parser, and counts checked against `icamo quotes`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common;

use common::{fixture_study, icamo, json_rows};

/// The columns of `icamo export codings --format csv` on the fixture study, without --names.
const CODINGS_HEADER: &str = "segment,doc,role,case,group,doc_type,date,language,doc_locatie,\
speaker_functie,speaker_sector,interviewer,start_ms,end_ms,code,code_label,code_kind,\
context_level,code_path,code_path_ids,status,origin,coders,score,stance,disputed,note,text";

/// The codes of the fixture codebook, in file order.
const CODES: [&str; 8] = [
    "int",
    "int.begeleiding",
    "int.jobcoach",
    "int.pip",
    "m.verbinding",
    "ctx",
    "ctx.krapte",
    "out.werk",
];

/// Names and respondent ids of the fixture study, as stored: none may leave without --names.
const NAMES: [&str; 9] = [
    "Anke",
    "Serkan",
    "Ruben",
    "Bea",
    "Onderzoeker",
    "P01",
    "P02",
    "P03",
    "E01",
];

/// A copy of tests/fixtures/export-tables, ingested and coded.
fn study() -> tempfile::TempDir {
    let dir = fixture_study("export-tables");
    icamo(dir.path()).arg("ingest").assert().success();
    icamo(dir.path()).arg("code").assert().success();
    dir
}

/// `icamo export ARGS` on `study` (which must succeed), as its standard output.
fn export(study: &Path, args: &[&str]) -> String {
    let out = icamo(study).arg("export").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "icamo export {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A CSV text read with the `csv` crate (which refuses rows of unequal length), as its header
/// and rows of named fields.
fn read_csv(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        assert_eq!(record.len(), header.len(), "{record:?}");
        rows.push(
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect(),
        );
    }
    (header, rows)
}

/// The row of `rows` for a segment and code.
fn row<'r>(
    rows: &'r [BTreeMap<String, String>],
    segment: &str,
    code: &str,
) -> &'r BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["segment"] == segment && r["code"] == code)
        .unwrap_or_else(|| panic!("no row for {segment} {code}"))
}

#[test]
fn codings_csv_has_a_fixed_header_and_rows_of_equal_length() {
    let dir = study();
    let text = export(dir.path(), &["codings", "--format", "csv"]);
    assert_eq!(text.lines().next().unwrap(), CODINGS_HEADER);
    let (header, rows) = read_csv(&text);
    assert_eq!(header.join(","), CODINGS_HEADER);
    // Tags, anna's file and the rules' suggestions of tagged turns; only confirmed ones.
    assert!(rows.len() >= 10, "{}", rows.len());
    assert!(rows.iter().all(|r| r["status"] == "confirmed"));
    let with = export(
        dir.path(),
        &["codings", "--format", "csv", "--include-suggestions"],
    );
    let (_, all) = read_csv(&with);
    assert!(all.iter().any(|r| r["status"] == "suggested"));
    assert!(all.len() > rows.len());
}

#[test]
fn a_known_quote_has_its_code_path_and_attributes() {
    let dir = study();
    let (_, rows) = read_csv(&export(dir.path(), &["codings", "--format", "csv"]));

    // Orhan's turn, coded by an inline tag: three levels of the code tree.
    let r = row(&rows, "fg-havenstad:0003", "int.jobcoach");
    assert_eq!(r["doc"], "fg-havenstad");
    assert_eq!(r["role"], "professional uitvoering");
    assert_eq!(r["case"], "Havenstad");
    assert_eq!(r["group"], "focusgroep 1");
    assert_eq!(r["doc_type"], "focusgroep");
    assert_eq!(r["date"], "2025-03-11");
    assert_eq!(r["language"], "nl");
    assert_eq!(r["doc_locatie"], "stadhuis");
    assert_eq!(r["speaker_functie"], "jobcoach");
    assert_eq!(r["speaker_sector"], "gemeente");
    assert_eq!(r["interviewer"], "false");
    assert_eq!(r["start_ms"], "30000");
    assert_eq!(r["code_label"], "Jobcoaching");
    assert_eq!(r["code_kind"], "intervention");
    assert_eq!(
        r["code_path"],
        "Interventies > Begeleiding naar werk > Jobcoaching"
    );
    assert_eq!(r["code_path_ids"], "int > int.begeleiding > int.jobcoach");
    assert_eq!(r["origin"], "tag");
    assert_eq!(r["coders"], "transcript");
    assert!(r["text"].starts_with("De jobcoach komt elke week langs"));
    assert!(!r["text"].contains("{{"));

    // A coder's accept, with her note and stance.
    let r = row(&rows, "fg-havenstad:0005", "int.jobcoach");
    assert_eq!(r["origin"], "manual");
    assert_eq!(r["coders"], "anna");
    assert_eq!(r["note"], "zonder jobcoach geen vertrouwen");
    let r = row(&rows, "fg-havenstad:0005", "m.verbinding");
    assert_eq!(r["stance"], "contradicts");
    assert_eq!(r["code_path"], "Verbinding werkgever en inburgeraar");

    // Confirmed by a tag and by anna: both coders, anna's note.
    let r = row(&rows, "fg-havenstad:0002", "int.pip");
    assert_eq!(r["coders"], "anna;transcript");
    assert_eq!(r["note"], "ligt in een la, zegt ze");
    assert_eq!(r["speaker_functie"], "klantmanager");

    // A context code with its level; a speaker entry without some attributes.
    let r = row(&rows, "fg-havenstad:0004", "ctx.krapte");
    assert_eq!(r["context_level"], "maatschappelijk");
    assert_eq!(r["code_path_ids"], "ctx > ctx.krapte");
    let r = row(&rows, "int-werkgever:0002", "int.jobcoach");
    assert_eq!(r["case"], "Veenoord");
    assert_eq!(r["speaker_sector"], "horeca");
    assert_eq!(r["speaker_functie"], "");
    assert_eq!(r["doc_locatie"], "");
    assert_eq!(r["end_ms"], "15800");

    // A document without a case, analysed in English; an interviewer's tagged turn.
    let r = row(&rows, "int-expert:0002", "m.verbinding");
    assert_eq!(r["case"], "");
    assert_eq!(r["language"], "en");
    assert_eq!(r["stance"], "nuance");
    assert_eq!(r["speaker_functie"], "onderzoeker");
    let r = row(&rows, "fg-havenstad:0001", "int.pip");
    assert_eq!(r["role"], "interviewer");
    assert_eq!(r["interviewer"], "true");
}

#[test]
fn names_and_respondent_ids_appear_only_with_names() {
    let dir = study();
    for format in ["csv", "jsonl"] {
        let text = export(dir.path(), &["codings", "--format", format]);
        for name in NAMES {
            assert!(!text.contains(name), "{format} shows {name}");
        }
    }
    let (header, _) = read_csv(&export(dir.path(), &["codings", "--format", "csv"]));
    assert!(!header.iter().any(|c| c == "speaker" || c == "respondent"));

    let text = export(dir.path(), &["codings", "--format", "csv", "--names"]);
    let (header, rows) = read_csv(&text);
    let at = |c: &str| header.iter().position(|h| h == c).unwrap();
    assert!(at("language") < at("speaker") && at("speaker") < at("respondent"));
    let r = row(&rows, "fg-havenstad:0003", "int.jobcoach");
    assert_eq!(r["speaker"], "Serkan");
    assert_eq!(r["respondent"], "P02");
    let r = row(&rows, "fg-havenstad:0001", "int.pip");
    assert_eq!(r["speaker"], "Moderator");
    assert_eq!(r["respondent"], "");
    assert!(!text.contains("Orhan") && !text.contains("Greetje"));

    let jsonl = export(dir.path(), &["codings", "--names"]);
    let first: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert!(first.get("speaker").is_some() && first.get("respondent").is_some());
}

#[test]
fn an_attribute_that_is_no_analysis_variable_stays_out_without_names_and_a_note_says_so() {
    let dir = study();
    // Orhan (Serkan) has leeftijd, which the manifest does not list under analysis_variables.
    let out = icamo(dir.path())
        .args(["export", "codings", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let (header, rows) = read_csv(&text);
    assert!(
        !header.iter().any(|c| c == "speaker_leeftijd"),
        "{header:?}"
    );
    assert!(!text.contains("25-34"));
    assert_eq!(
        row(&rows, "fg-havenstad:0003", "int.jobcoach")["speaker_functie"],
        "jobcoach"
    );
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("left out the speaker attribute(s) leeftijd: not analysis variables (analysis_variables in [study] of icamo.toml); --names includes them"),
        "{note}"
    );

    // With --names it is there, and nothing is said.
    let out = icamo(dir.path())
        .args(["export", "codings", "--format", "csv", "--names"])
        .output()
        .unwrap();
    let (_, rows) = read_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(
        row(&rows, "fg-havenstad:0003", "int.jobcoach")["speaker_leeftijd"],
        "25-34"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("left out"));
}

#[test]
fn names_said_in_a_turn_are_replaced_in_exports_without_names() {
    let dir = fixture_study("export-tables");
    // Orhan names Greetje in his coded turn (stored with her pseudonym, Anke).
    let file = dir.path().join("corpus/fg-havenstad.txt");
    let text = fs::read_to_string(&file).unwrap();
    let named = text.replacen(
        "Orhan: Sommige werkgevers",
        "Orhan: Greetje zei het al. Sommige werkgevers",
        1,
    );
    assert_ne!(named, text, "the turn to name someone in has moved");
    fs::write(&file, named).unwrap();
    icamo(dir.path()).arg("ingest").assert().success();

    let (_, rows) = read_csv(&export(dir.path(), &["codings", "--format", "csv"]));
    let r = row(&rows, "fg-havenstad:0005", "int.jobcoach");
    assert!(
        r["text"].starts_with("[naam] zei het al. Sommige werkgevers"),
        "{}",
        r["text"]
    );
    let segments = export(dir.path(), &["segments"]);
    assert!(segments.contains("[naam] zei het al."), "{segments}");
    assert!(!segments.contains("Anke") && !segments.contains("Greetje"));

    // With --names, the text as stored: the pseudonym, never the real name.
    let (_, rows) = read_csv(&export(
        dir.path(),
        &["codings", "--format", "csv", "--names"],
    ));
    let r = row(&rows, "fg-havenstad:0005", "int.jobcoach");
    assert!(r["text"].starts_with("Anke zei het al."), "{}", r["text"]);
    assert!(export(dir.path(), &["segments", "--names"]).contains("Anke zei het al."));
}

#[test]
fn jsonl_codings_have_the_csv_columns_and_values() {
    let dir = study();
    let (header, rows) = read_csv(&export(dir.path(), &["codings", "--format", "csv"]));
    let jsonl = export(dir.path(), &["codings"]);
    let objects: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), rows.len());
    for (object, row) in objects.iter().zip(&rows) {
        let object = object.as_object().unwrap();
        let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        let columns: BTreeSet<&str> = header.iter().map(String::as_str).collect();
        assert_eq!(keys, columns);
        for (column, field) in row {
            let shown = match &object[column] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            assert_eq!(&shown, field, "{column}");
        }
    }
}

/// A matrix CSV as (columns after the code columns, without total) and rows by code id.
fn read_matrix(text: &str) -> (Vec<String>, BTreeMap<String, BTreeMap<String, String>>) {
    let (header, rows) = read_csv(text);
    assert_eq!(
        header[..7].join(","),
        "code,code_label,code_kind,context_level,codable,code_path,code_path_ids"
    );
    assert_eq!(header.last().unwrap(), "total");
    let columns = header[7..header.len() - 1].to_vec();
    let codes: Vec<&str> = rows.iter().map(|r| r["code"].as_str()).collect();
    assert_eq!(
        codes, CODES,
        "every code, categories too, in codebook order"
    );
    let by_code = rows.into_iter().map(|r| (r["code"].clone(), r)).collect();
    (columns, by_code)
}

#[test]
fn matrix_columns_are_the_studys_cases_and_roles() {
    let dir = study();
    let text = export(dir.path(), &["matrix", "--by", "case"]);
    assert_eq!(
        text.lines().next().unwrap(),
        "code,code_label,code_kind,context_level,codable,code_path,code_path_ids,Havenstad,Veenoord,(no case),total"
    );
    let (columns, rows) = read_matrix(&text);
    assert_eq!(columns, ["Havenstad", "Veenoord", "(no case)"]);
    let int = &rows["int"];
    assert_eq!(int["codable"], "false");
    assert_eq!(int["code_path"], "Interventies");
    // out.werk: nobody coded it, and it still has its row of zeros.
    assert!(columns.iter().all(|c| rows["out.werk"][c] == "0"));

    let (columns, rows) = read_matrix(&export(dir.path(), &["matrix", "--by", "role"]));
    assert_eq!(
        columns,
        [
            "expert",
            "interviewer",
            "professional uitvoering",
            "werkgever"
        ]
    );
    // The moderator's tagged question counts, as icamo quotes lists it.
    assert_eq!(rows["int.pip"]["interviewer"], "1");
}

/// Per case or role: the distinct segments `icamo quotes --code ID --format json` lists.
fn quote_counts(study: &Path, code: &str, by: &str, suggestions: bool) -> BTreeMap<String, usize> {
    let mut args = vec!["--code", code];
    if suggestions {
        args.push("--include-suggestions");
    }
    let mut segments: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for q in json_rows(study, "quotes", &args) {
        let mut column = q[by].as_str().unwrap().to_string();
        if column.is_empty() {
            column = "(no case)".into();
        }
        segments
            .entry(column)
            .or_default()
            .insert(q["segment"].as_str().unwrap().to_string());
    }
    segments.into_iter().map(|(k, v)| (k, v.len())).collect()
}

#[test]
fn matrix_counts_are_the_segments_icamo_quotes_lists_per_case_and_role() {
    let dir = study();
    for suggestions in [false, true] {
        for by in ["case", "role"] {
            let mut args = vec!["matrix", "--by", by];
            if suggestions {
                args.push("--include-suggestions");
            }
            let (columns, rows) = read_matrix(&export(dir.path(), &args));
            for code in CODES {
                let expected = quote_counts(dir.path(), code, by, suggestions);
                for key in expected.keys() {
                    assert!(columns.contains(key), "{key} has no column");
                }
                for column in &columns {
                    let want = expected.get(column).copied().unwrap_or(0);
                    assert_eq!(
                        rows[code][column],
                        want.to_string(),
                        "{code} × {column} (by {by}, suggestions {suggestions})"
                    );
                }
                let total: usize = expected.values().sum();
                assert_eq!(rows[code]["total"], total.to_string(), "{code} total");
            }
        }
    }
    // fg-havenstad:0003, coded with int.jobcoach and int.begeleiding, counts once for each;
    // int counts it and turns 1 and 2 (int.pip) and 5 (int.jobcoach).
    let (_, rows) = read_matrix(&export(dir.path(), &["matrix", "--by", "case"]));
    assert_eq!(rows["int.begeleiding"]["Havenstad"], "2");
    assert_eq!(rows["int.jobcoach"]["Havenstad"], "2");
    assert_eq!(rows["int"]["Havenstad"], "4");
    assert_eq!(rows["int"]["(no case)"], "1");
}

#[test]
fn a_binary_matrix_has_only_ones_and_zeros_where_counts_are_zero() {
    let dir = study();
    for by in ["case", "role"] {
        let (columns, counts) = read_matrix(&export(dir.path(), &["matrix", "--by", by]));
        let (binary_columns, binary) =
            read_matrix(&export(dir.path(), &["matrix", "--by", by, "--binary"]));
        assert_eq!(columns, binary_columns);
        let mut ones = 0;
        for code in CODES {
            for column in columns.iter().map(String::as_str).chain(["total"]) {
                let n: usize = counts[code][column].parse().unwrap();
                let b = binary[code][column].as_str();
                assert!(b == "0" || b == "1", "{code} × {column}: {b}");
                assert_eq!(b == "1", n > 0, "{code} × {column}");
                ones += usize::from(b == "1");
            }
        }
        assert!(ones > 0);
    }
}

#[test]
fn matrix_json_holds_the_csv_counts() {
    let dir = study();
    let (columns, rows) = read_matrix(&export(dir.path(), &["matrix", "--by", "role"]));
    let json: Value = serde_json::from_str(&export(
        dir.path(),
        &["matrix", "--by", "role", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["by"], "role");
    assert_eq!(json["binary"], false);
    let json_columns: Vec<&str> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(json_columns, columns);
    for r in json["rows"].as_array().unwrap() {
        let code = r["code"].as_str().unwrap();
        for column in &columns {
            assert_eq!(r["counts"][column].to_string(), rows[code][column]);
        }
        assert_eq!(r["total"].to_string(), rows[code]["total"]);
        assert_eq!(r["code_path_ids"], rows[code]["code_path_ids"].as_str());
    }
}

#[test]
fn out_keeps_an_existing_file_unless_force() {
    let dir = study();
    let path = dir.path().join("matrix.csv");
    fs::write(&path, "keep me\n").unwrap();
    let out = icamo(dir.path())
        .args(["export", "matrix", "--by", "case", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("matrix.csv exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "keep me\n");
    icamo(dir.path())
        .args(["export", "matrix", "--by", "case", "--force", "--out"])
        .arg(&path)
        .assert()
        .success();
    let written = fs::read_to_string(&path).unwrap();
    assert_eq!(written, export(dir.path(), &["matrix", "--by", "case"]));
}

#[test]
fn wrong_combinations_say_what_would_be_right() {
    let dir = study();
    // Usage errors, clap's (export matrix without --by) and the command's own (options that
    // do not go together), exit with 2.
    icamo(dir.path())
        .args(["export", "matrix"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--by"));
    let out = icamo(dir.path())
        .args(["export", "codings", "--binary"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only apply to export matrix"));
    let out = icamo(dir.path())
        .args(["export", "matrix", "--by", "case", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format csv or --format json"));
}

#[test]
fn help_shows_how_to_read_the_tables_in_r() {
    let out = assert_cmd::Command::cargo_bin("icamo")
        .unwrap()
        .args(["export", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("read.csv("), "{help}");
    assert!(help.contains("(no case)"), "{help}");
    assert!(help.contains("any code under it"), "{help}");
}

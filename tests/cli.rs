//! The `icamo` command as a user runs it, on real study folders copied to a temporary place.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::common;

use common::{bundled_study, copy_dir, fixture_study, fixtures, icamo};

/// A fresh copy of the small test study.
fn study() -> tempfile::TempDir {
    fixture_study("study")
}

fn ingest(study: &Path) {
    icamo(study).arg("ingest").assert().success();
}

fn search_json(study: &Path, args: &[&str]) -> Vec<Value> {
    common::json_rows(study, "search", args)
}

fn ids(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| h["segment"].as_str().unwrap().to_string())
        .collect()
}

/// Every file under `dir`, with its bytes, so a test can tell whether anything changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.file_name() != "lock" {
            files.push((entry.path().to_path_buf(), fs::read(entry.path()).unwrap()));
        }
    }
    files
}

#[test]
fn build_ingests_the_study_and_prints_a_summary() {
    let dir = study();
    icamo(dir.path())
        .arg("build")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 parsed, 0 unchanged, 0 removed"))
        .stdout(predicate::str::contains("Teststudie"))
        .stdout(predicate::str::contains("3 documents"))
        .stdout(predicate::str::contains("professional uitvoering"))
        .stdout(predicate::str::contains("werkgever"));
}

#[test]
fn stats_counts_speakers_per_role_and_case_without_names() {
    let dir = study();
    ingest(dir.path());
    let out = icamo(dir.path())
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 3);
    assert_eq!(stats["roles"]["professional uitvoering"]["speakers"], 2);
    assert_eq!(
        stats["speakers_by_role_and_case"]["statushouder"]["Veenoord"],
        1
    );
    assert_eq!(
        stats["speakers_by_role_and_case"]["werkgever"]["Veenoord"],
        1
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for name in ["Greetje", "Anke", "Hiwet", "Selam", "P01", "R01"] {
        assert!(!text.contains(name), "stats show {name}");
    }
}

#[test]
fn search_finds_inflections_and_shows_roles_not_names() {
    let dir = study();
    ingest(dir.path());
    let hits = search_json(dir.path(), &["werkgever"]);
    assert!(
        ids(&hits).contains(&"fg-uitvoering:0006".to_string()),
        "{hits:?}"
    );
    let hit = &hits[0];
    assert!(hit["role"].is_string());
    assert!(hit.get("speaker").is_none(), "names only with --names");

    icamo(dir.path())
        .args(["search", "werkgevers"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "professional uitvoering · Havenstad",
        ))
        .stdout(predicate::str::contains("**"))
        .stdout(predicate::str::contains("Orhan").not());
}

#[test]
fn search_filters_by_role_case_document_and_speaker() {
    let dir = study();
    ingest(dir.path());
    let query = "taal OR loonkostensubsidie OR werkgevers";
    let all = ids(&search_json(dir.path(), &[query, "--limit", "50"]));
    assert_eq!(all.len(), 3, "{all:?}");

    let werkgever = search_json(dir.path(), &[query, "--role", "werkgever"]);
    assert!(!werkgever.is_empty());
    assert!(werkgever.iter().all(|h| h["role"] == "werkgever"));

    let veenoord = search_json(dir.path(), &[query, "--case", "Veenoord"]);
    assert_eq!(veenoord.len(), 2);
    assert!(veenoord.iter().all(|h| h["case"] == "Veenoord"));

    let doc = search_json(dir.path(), &[query, "--doc", "int-sh"]);
    assert!(!doc.is_empty());
    assert!(doc.iter().all(|h| h["doc"] == "int-sh"));

    let speaker = search_json(dir.path(), &[query, "--speaker", "Selam", "--names"]);
    assert!(!speaker.is_empty());
    assert!(speaker.iter().all(|h| h["speaker"] == "Selam"));
}

#[test]
fn interviewer_turns_are_left_out_unless_asked_for() {
    let dir = study();
    ingest(dir.path());
    assert!(
        search_json(dir.path(), &["brede intake"])
            .iter()
            .all(|h| h["role"] != "interviewer")
    );
    let with = search_json(dir.path(), &["\"brede intake\"", "--interviewers"]);
    assert_eq!(ids(&with), vec!["fg-uitvoering:0001"]);
    assert!(search_json(dir.path(), &["\"brede intake\""]).is_empty());
}

#[test]
fn phrase_search_highlights_the_phrase_and_keeps_negation() {
    let dir = study();
    ingest(dir.path());
    let hits = search_json(dir.path(), &["\"geen vertrouwen\""]);
    assert_eq!(ids(&hits), vec!["fg-uitvoering:0006"]);
    let snippet = hits[0]["snippet"].as_str().unwrap();
    let h = &hits[0]["highlights"][0];
    let (a, b) = (
        h[0].as_u64().unwrap() as usize,
        h[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&snippet[a..b], "geen vertrouwen");
}

#[test]
fn pseudonyms_replace_names_in_speakers_and_text() {
    let dir = study();
    ingest(dir.path());
    for (path, bytes) in snapshot(&dir.path().join(".icamo/segments")) {
        let text = String::from_utf8(bytes).unwrap();
        for name in ["Greetje", "Orhan", "Marco", "Hiwet", "Wim Peeters"] {
            assert!(
                !text.contains(name),
                "{} still holds {name}",
                path.display()
            );
        }
    }
    let hits = search_json(dir.path(), &["woord", "--names"]);
    assert_eq!(hits[0]["speaker"], "Ruben");
    assert!(
        hits[0]["text"]
            .as_str()
            .unwrap()
            .contains("Ruben, zeggen ze dan")
    );
}

#[test]
fn show_prints_a_turn_with_its_context() {
    let dir = study();
    ingest(dir.path());
    icamo(dir.path())
        .args(["show", "fg-uitvoering:2", "--context", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  fg-uitvoering:0001  interviewer",
        ))
        .stdout(predicate::str::contains(
            "> fg-uitvoering:0002  professional uitvoering · Havenstad",
        ))
        .stdout(predicate::str::contains("corpus/fg-uitvoering.txt:3"))
        .stdout(predicate::str::contains("En dat scheelt maanden"))
        .stdout(predicate::str::contains("fg-uitvoering:0003"))
        .stdout(predicate::str::contains("fg-uitvoering:0004").not());
    icamo(dir.path())
        .args(["show", "fg-uitvoering:99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no segment 99"));
}

#[test]
fn reingest_parses_only_what_changed_and_drops_removed_files() {
    let dir = study();
    ingest(dir.path());
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 parsed, 3 unchanged, 0 removed"));

    let md = dir.path().join("corpus/int-statushouder.md");
    let text = fs::read_to_string(&md)
        .unwrap()
        .replace("startbaan", "leerwerktraject");
    fs::write(&md, text).unwrap();
    fs::remove_file(dir.path().join("corpus/int-werkgever.vtt")).unwrap();
    let manifest = dir.path().join("icamo.toml");
    let m = fs::read_to_string(&manifest).unwrap();
    let m = m.replace(
        "[[documents]]\nfile = \"corpus/int-werkgever.vtt\"\ncase = \"Veenoord\"\ntype = \"interview\"\n",
        "",
    );
    let m = m.replace(
        "[[speakers]]\nlabel = \"Marco de Boer\"\nrespondent = \"P03\"\nrole = \"werkgever\"\ndocuments = [\"int-werkgever\"]\n",
        "",
    );
    fs::write(&manifest, m).unwrap();

    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 parsed, 1 unchanged, 1 removed"));
    assert!(search_json(dir.path(), &["loonkostensubsidie"]).is_empty());
    assert!(search_json(dir.path(), &["startbaan"]).is_empty());
    assert_eq!(ids(&search_json(dir.path(), &["leerwerktraject"])).len(), 2);
    assert!(
        !dir.path()
            .join(".icamo/segments/int-werkgever.jsonl")
            .exists()
    );
}

#[test]
fn a_changed_role_in_the_manifest_reingests_that_document() {
    let dir = study();
    ingest(dir.path());
    let manifest = dir.path().join("icamo.toml");
    let m = fs::read_to_string(&manifest)
        .unwrap()
        .replace("role = \"werkgever\"", "role = \"ondernemer\"");
    fs::write(&manifest, m).unwrap();
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 parsed, 2 unchanged"));
    assert!(!search_json(dir.path(), &["loonkostensubsidie", "--role", "ondernemer"]).is_empty());
}

/// Each malformed file: the error names it and its line, the run fails, and nothing changes.
#[test]
fn bad_input_is_reported_with_file_and_line_and_changes_nothing() {
    let cases = [
        ("no-speaker-first.txt", ":1:", "before the first speaker"),
        ("latin1.txt", ":1:", "UTF-8"),
        ("unreadable.docx", "unreadable.docx", "docx"),
    ];
    for (file, position, message) in cases {
        let dir = study();
        ingest(dir.path());
        let before = snapshot(&dir.path().join(".icamo"));
        fs::copy(
            fixtures().join("bad").join(file),
            dir.path().join("corpus").join(file),
        )
        .unwrap();
        let out = icamo(dir.path()).arg("ingest").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected_path = format!("corpus/{file}");
        assert!(stderr.contains(&expected_path), "{file}: {stderr}");
        assert!(stderr.contains(position), "{file}: {stderr}");
        assert!(
            stderr.to_lowercase().contains(&message.to_lowercase()),
            "{file}: {stderr}"
        );
        assert!(stderr.contains("nothing was changed"), "{file}: {stderr}");
        assert_eq!(
            before,
            snapshot(&dir.path().join(".icamo")),
            "{file} changed the study"
        );
        assert!(!search_json(dir.path(), &["werkgever"]).is_empty());
    }
}

#[test]
fn keep_going_ingests_the_rest_and_lists_the_failures() {
    let dir = study();
    fs::copy(
        fixtures().join("bad/broken-timing.vtt"),
        dir.path().join("corpus/broken-timing.vtt"),
    )
    .unwrap();
    // Without --strict the broken cue is skipped with a warning (see the test below).
    icamo(dir.path())
        .args(["ingest", "--keep-going", "--strict"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3 parsed"))
        .stderr(predicate::str::contains("1 transcript(s) failed"))
        .stderr(predicate::str::contains("corpus/broken-timing.vtt:6:"));
    assert!(!search_json(dir.path(), &["loonkostensubsidie"]).is_empty());
}

/// A broken cue loses that cue, not the file, and says so; `--strict` refuses the file and
/// leaves the study as it was.
#[test]
fn a_broken_cue_is_skipped_with_a_warning_and_refused_under_strict() {
    let dir = study();
    ingest(dir.path());
    fs::copy(
        fixtures().join("bad/broken-timing.vtt"),
        dir.path().join("corpus/broken-timing.vtt"),
    )
    .unwrap();
    let before = snapshot(&dir.path().join(".icamo"));
    icamo(dir.path())
        .args(["ingest", "--strict"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "corpus/broken-timing.vtt:6:1: expected a timing line like \"00:01:02.000 --> 00:01:05.000\", found \"00:0X.600 -> banana\": the cue is skipped (refused under --strict)",
        ));
    assert_eq!(before, snapshot(&dir.path().join(".icamo")));
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: corpus/broken-timing.vtt:6: expected a timing line like \"00:01:02.000 --> 00:01:05.000\", found \"00:0X.600 -> banana\": the cue is skipped",
        ));
    // The file holds one turn: the cue before the broken one.
    icamo(dir.path())
        .args(["show", "broken-timing:1", "-C", "3"])
        .assert()
        .success()
        .stdout(
            "> broken-timing:0001  interviewer · 00:01–00:04  (corpus/broken-timing.vtt:3)\n>     Welkom allemaal.\n\n",
        );
}

/// A transcript saved as Windows-1252 (Word's "Plain Text", Notepad's "ANSI") is read when the
/// manifest says so; an unknown label is an error at its line in the manifest.
#[test]
fn a_documents_encoding_in_the_manifest_decodes_it() {
    let dir = study();
    fs::copy(
        fixtures().join("transcripts/encoding_latin1.txt"),
        dir.path().join("corpus/int-zoe.txt"),
    )
    .unwrap();
    let manifest = dir.path().join("icamo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let entry = "\n[[documents]]\nfile = \"corpus/int-zoe.txt\"\nencoding = \"klingon\"\n";
    let (before, after) = text.split_at(text.find("[[speakers]]").unwrap());
    fs::write(&manifest, format!("{before}{entry}\n{after}")).unwrap();
    let line = before.lines().count() + 4;
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "icamo.toml:{line}:12: unknown encoding \"klingon\""
        )));
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("klingon", "windows-1252")).unwrap();
    ingest(dir.path());
    icamo(dir.path())
        .args(["show", "int-zoe:2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            ">     Ik vond het één van de beste dingen. Ik sprak er voor het eerst Nederlands met een buurvrouw.\n",
        ));
    // Notes read as a document, typed in Notepad ("ANSI"): the same.
    fs::write(
        dir.path().join("corpus/notitie.txt"),
        b"Gesprek met de co\xf6rdinator over het caf\xe9.\r\n",
    )
    .unwrap();
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replacen(
            "[[speakers]]",
            "[[documents]]\nfile = \"corpus/notitie.txt\"\nread_as = \"document\"\ntype = \"notitie\"\nencoding = \"windows-1252\"\n\n[[speakers]]",
            1,
        ),
    )
    .unwrap();
    ingest(dir.path());
    icamo(dir.path())
        .args(["show", "notitie:1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            ">     Gesprek met de coördinator over het café.\n",
        ));
}

#[test]
fn a_speaker_missing_from_the_manifest_is_a_warning_with_file_and_line() {
    let dir = study();
    let path = dir.path().join("corpus/fg-uitvoering.txt");
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("[00:01:50] Sjaak: Mag ik ook iets zeggen?\n");
    let line = text.lines().count();
    fs::write(&path, text).unwrap();
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: corpus/fg-uitvoering.txt:{line}: speaker \"Sjaak\" is not in the manifest"
        )));
}

#[test]
fn a_speaker_missing_from_the_manifest_is_named_on_every_run_until_listed() {
    let dir = bundled_study();
    let study = dir.path();
    fs::write(
        study.join("corpus/int-extra.txt"),
        "Interviewer (00:00:04): Hoe ging het met de taalles?\n\
         Fatima (00:00:10): De les was goed, maar de werkgever had geen tijd voor mij.\n",
    )
    .unwrap();
    let warning = "warning: corpus/int-extra.txt:2: speaker \"Fatima\" is not in the manifest: add a [[speakers]] entry with its role (stored as \"onbekend\" for now)\n";
    let stderr = |args: &[&str]| {
        let out = icamo(study).args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{args:?}: {stderr}");
        (stderr, String::from_utf8(out.stdout).unwrap())
    };
    let (first, _) = stderr(&["build"]);
    assert_eq!(first, warning);
    // Nothing is parsed again, and the speaker is still unknown: said again.
    let (second, said) = stderr(&["build"]);
    assert!(said.contains("0 parsed, 12 unchanged"), "{said}");
    assert_eq!(second, warning);
    for command in [
        &["ingest"][..],
        &["report"],
        &["site"],
        &["quotes", "--code", "icamo1.m3"],
        &["export", "codings"],
        &["stats"],
    ] {
        assert!(stderr(command).0.contains(warning), "{command:?}");
    }
    // Listed in the manifest: the document is parsed again, and the warning is gone for good.
    let manifest = study.join("icamo.toml");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text = text.replacen(
        "[[speakers]]",
        "[[speakers]]\nlabel = \"Fatima\"\nrole = \"statushouder\"\n\n[[speakers]]",
        1,
    );
    fs::write(&manifest, text).unwrap();
    assert_eq!(stderr(&["build"]).0, "");
    assert_eq!(stderr(&["report"]).0, "");
}

#[test]
fn a_second_writer_is_told_the_study_is_locked() {
    let dir = study();
    let study = icamo::study::Study::open(dir.path()).unwrap();
    let lock = study.lock().unwrap();
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "is locked by another icamo process",
        ))
        .stderr(predicate::str::contains(format!(
            "pid {}",
            std::process::id()
        )));
    drop(lock);
    ingest(dir.path());
}

#[test]
fn a_bad_manifest_names_its_line() {
    let dir = study();
    let manifest = dir.path().join("icamo.toml");
    let m = fs::read_to_string(&manifest)
        .unwrap()
        .replace("language = \"nl\"", "language = \"fr\"");
    fs::write(&manifest, m).unwrap();
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("icamo.toml:5:"))
        .stderr(predicate::str::contains("fr"));
}

#[test]
fn init_makes_a_study_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("nieuw");
    Command::cargo_bin("icamo")
        .unwrap()
        .arg("init")
        .arg(&target)
        .assert()
        .success();
    for folder in ["corpus", "codebooks", "templates"] {
        assert!(target.join(folder).is_dir());
    }
    let manifest = fs::read_to_string(target.join("icamo.toml")).unwrap();
    assert!(manifest.contains("name = \"nieuw\""));
    fs::write(
        target.join("icamo.toml"),
        "# mine\n[study]\nname = \"mijn\"\n",
    )
    .unwrap();
    let before = snapshot(&target);
    Command::cargo_bin("icamo")
        .unwrap()
        .arg("init")
        .arg(&target)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("never overwrites"));
    assert_eq!(snapshot(&target), before);
}

/// Takes the "# " off a commented block of the manifest `icamo init` wrote, from the line
/// `first` to the next empty line, as its comments tell a user to.
fn uncomment(manifest: &str, first: &str) -> String {
    let at = manifest
        .find(first)
        .unwrap_or_else(|| panic!("no {first:?}"));
    let end = at + manifest[at..].find("\n\n").unwrap();
    let block: Vec<String> = manifest[at..end]
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l).to_string())
        .filter(|l| !l.starts_with("language =") && !l.starts_with("format ="))
        .collect();
    format!(
        "{}{}{}",
        &manifest[..at],
        block.join("\n"),
        &manifest[end..]
    )
}

#[test]
fn init_starts_a_new_study_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("schuldhulp");
    Command::cargo_bin("icamo")
        .unwrap()
        .arg("init")
        .arg(&target)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  codebooks/codeboek.toml  a starter codebook: one code of each kind, one configuration\n",
        ))
        .stdout(predicate::str::contains(format!(
            "next steps:\n  cd {}\n  1. put your transcripts (.txt .md .vtt .srt .docx) in corpus/\n",
            target.display()
        )))
        .stdout(predicate::str::contains(
            "3. make codebooks/codeboek.toml your own, then run: icamo codebook check && icamo chain check\n",
        ))
        .stdout(predicate::str::contains(
            "4. run: icamo build   (ingests, codes, and writes the report to out/report.md)\n",
        ))
        .stdout(predicate::str::contains("Havenstad").not());
    assert_eq!(
        fs::read_to_string(target.join(".gitignore")).unwrap(),
        "# What icamo derives from this study's sources: rebuilt by `icamo build`.\n/.icamo/\n/out/\n"
    );
    let codebook = fs::read_to_string(target.join("codebooks/codeboek.toml")).unwrap();
    for kind in ["intervention", "actor", "context", "mechanism", "outcome"] {
        assert!(
            codebook.contains(&format!("kind = \"{kind}\"")),
            "no {kind} code"
        );
    }
    icamo(&target)
        .args(["codebook", "check"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "1 codebook, 5 codes: 0 errors, 0 warnings\n",
        ));
    icamo(&target)
        .args(["chain", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 configuration, 5 codes in the graph, 4 edges: 0 errors, 0 warnings",
        ));

    // One transcript, listed with its speakers as the manifest's comments explain.
    fs::write(
        target.join("corpus/interview-01.txt"),
        "Interviewer: Hoe gaat het met de begeleiding?\n\
         Noor: Goed. Bij mijn begeleider durf ik te zeggen dat het niet goed gaat.\n\
         Interviewer: Wat is er veranderd?\n\
         Noor: Nu bel ik zelf de woningcorporatie als er iets is.\n",
    )
    .unwrap();
    let manifest = fs::read_to_string(target.join("icamo.toml")).unwrap();
    let manifest = uncomment(&manifest, "# [[documents]]");
    let manifest = uncomment(&manifest, "# [[speakers]]\n# label = \"Interviewer\"");
    fs::write(target.join("icamo.toml"), manifest).unwrap();
    icamo(&target)
        .arg("build")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 suggestions in 2 segments"))
        .stderr(predicate::str::contains("not in the manifest").not());
    let report = fs::read_to_string(target.join("out/report.md")).unwrap();
    assert!(
        report.contains("## ICAMO 1 — Persoonlijke begeleiding naar zelfredzaamheid"),
        "{report}"
    );
    assert!(
        report.contains("| deelnemer | Gemeente A | 1 ⚠ |"),
        "{report}"
    );
    assert!(!report.contains("Noor"), "{report}");
}

#[test]
fn init_names_a_file_it_would_overwrite_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gitignore"), "target/\n").unwrap();
    let out = Command::cargo_bin("icamo")
        .unwrap()
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "{} already exists: icamo init never overwrites a file, and wrote nothing",
            dir.path().join(".gitignore").display()
        )),
        "{err}"
    );
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [".gitignore"]);
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "target/\n"
    );
}

#[test]
fn without_a_study_icamo_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("icamo")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("ICAMO_STUDY")
        .arg("stats")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no study here"))
        .stderr(predicate::str::contains("icamo init"));
}

#[test]
fn the_study_is_found_from_a_subfolder() {
    let dir = study();
    Command::cargo_bin("icamo")
        .unwrap()
        .current_dir(dir.path().join("corpus"))
        .env_remove("ICAMO_STUDY")
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 parsed"));
}

/// The README's main job, on a copy of the bundled example study.
#[test]
fn the_bundled_study_builds_with_every_document_and_role() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repo.join("icamo.toml"), dir.path().join("icamo.toml")).unwrap();
    copy_dir(&repo.join("corpus"), &dir.path().join("corpus"));
    copy_dir(&repo.join("codebooks"), &dir.path().join("codebooks"));
    let out = icamo(dir.path()).arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "the bundled study should ingest cleanly: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("11 parsed"), "{stdout}");
    for role in [
        "professional beleid",
        "professional uitvoering",
        "professional expertgroep",
        "werkgever",
        "statushouder",
        "gezinsmigrant",
        "tolk",
    ] {
        assert!(stdout.contains(role), "{role} missing from:\n{stdout}");
    }
    let stats: Value = serde_json::from_slice(
        &icamo(dir.path())
            .args(["stats", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(stats["documents"], 11);
    assert_eq!(
        stats["speakers_by_role_and_case"]["statushouder"]["Havenstad"],
        2
    );
    assert_eq!(
        stats["speakers_by_role_and_case"]["gezinsmigrant"]["Veenoord"],
        2
    );
    // Every real name in the pseudonym map is gone from what icamo stored.
    let manifest = icamo::manifest::Manifest::load(&dir.path().join("icamo.toml")).unwrap();
    for (path, bytes) in snapshot(&dir.path().join(".icamo/segments")) {
        let text = String::from_utf8(bytes).unwrap();
        for real in manifest.pseudonyms.keys() {
            let leaked = text.match_indices(real.as_str()).any(|(i, m)| {
                let before = text[..i].chars().next_back();
                let after = text[i + m.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            });
            assert!(!leaked, "{} holds the real name {real}", path.display());
        }
    }
}

#[test]
fn a_damaged_index_is_rebuilt_from_the_transcripts() {
    let dir = study();
    ingest(dir.path());
    fs::write(
        dir.path().join(".icamo/index/meta.json"),
        "{ niet kapot maken",
    )
    .unwrap();
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "rebuilding it from the transcripts",
        ))
        .stdout(predicate::str::contains("3 parsed"))
        .stdout(predicate::str::contains("index rebuilt"));
    assert!(!search_json(dir.path(), &["loonkostensubsidie"]).is_empty());
}

#[test]
fn a_new_analysis_version_rebuilds_the_index() {
    let dir = study();
    ingest(dir.path());
    let state_path = dir.path().join(".icamo/state.json");
    let mut state: Value = serde_json::from_str(&fs::read_to_string(&state_path).unwrap()).unwrap();
    assert_eq!(state["analysis_version"], icamo::index::ANALYSIS_VERSION);
    state["analysis_version"] = Value::from("icamo-analysis-0");
    fs::write(&state_path, serde_json::to_string(&state).unwrap()).unwrap();
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 parsed, 0 unchanged"))
        .stdout(predicate::str::contains("index rebuilt"));
    assert_eq!(search_json(dir.path(), &["werkgevers"]).len(), 1);
}

fn suggestions(study: &Path) -> Vec<Value> {
    fs::read_to_string(study.join(".icamo/suggestions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn code_suggests_codes_for_respondent_turns_and_is_repeatable() {
    let dir = study();
    icamo(dir.path())
        .arg("build")
        .assert()
        .success()
        .stdout(predicate::str::contains("coded 9 segments"));
    let first = fs::read_to_string(dir.path().join(".icamo/suggestions.jsonl")).unwrap();
    let all = suggestions(dir.path());
    let of = |segment: &str| -> Vec<String> {
        all.iter()
            .filter(|s| s["segment"] == segment)
            .map(|s| s["code"].as_str().unwrap().to_string())
            .collect()
    };
    // "Sommige werkgevers hebben geen vertrouwen in statushouders, zeker niet zonder jobcoach.
    //  Anderen willen wel, door de krapte op de arbeidsmarkt."
    let mut codes = of("fg-uitvoering:0006");
    codes.sort();
    assert_eq!(codes, ["ctx.krapte", "int.jobcoach", "m.verbinding"]);
    let verbinding = all
        .iter()
        .find(|s| s["segment"] == "fg-uitvoering:0006" && s["code"] == "m.verbinding")
        .unwrap();
    assert_eq!(
        verbinding["stance"], "contradicts",
        "\"geen vertrouwen\" is a negation"
    );
    // The synonym group: "persoonlijk plan" is the PIP.
    assert!(of("fg-uitvoering:0003").contains(&"int.pip".to_string()));
    // Interviewers' turns are not coded.
    assert!(of("fg-uitvoering:0001").is_empty());
    assert!(all.iter().all(|s| {
        !s["segment"]
            .as_str()
            .unwrap()
            .starts_with("int-werkgever:0001")
    }));

    icamo(dir.path()).arg("code").assert().success();
    assert_eq!(
        first,
        fs::read_to_string(dir.path().join(".icamo/suggestions.jsonl")).unwrap()
    );
}

#[test]
fn suggest_ranks_a_segments_codes_and_says_why() {
    let dir = study();
    icamo(dir.path()).arg("build").assert().success();
    let out = icamo(dir.path())
        .args(["suggest", "fg-uitvoering:6"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("geen vertrouwen**"), "{text}");
    assert!(text.contains("**jobcoach**"), "{text}");
    assert!(
        text.contains("stance: contradicts (a negation stands next to a match)"),
        "{text}"
    );
    assert!(text.contains("matched \"krapte\""), "{text}");
    assert!(text.contains("example similarity"), "{text}");
    // Ranked: the scores printed are in descending order.
    let scores: Vec<f32> = text
        .lines()
        .filter_map(|l| l.split("  score ").nth(1))
        .map(|s| s.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(scores.len(), 3, "{text}");
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn build_on_a_study_without_codebooks_says_so_and_changes_nothing() {
    let dir = study();
    fs::remove_dir_all(dir.path().join("codebooks")).unwrap();
    let out = icamo(dir.path()).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has no codebook, so there is nothing to code or report: put a codebook")
            && stderr.contains("`icamo init OTHER-FOLDER` writes a starter one")
            && stderr.contains("in its codebooks/ folder"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(!dir.path().join(".icamo").exists());
    assert!(!dir.path().join("out").exists());
    icamo(dir.path())
        .arg("code")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no codebook"));
    // The transcripts can still be read without one.
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("3 parsed"));
}

/// The second gold study (eval/dijkwaard-lindebeek) still reads as it was coded: every row of
/// its gold file names a respondent's turn, the turns are the ones the coder read, and every
/// speaker is in its manifest. A parser change that renumbered its turns would make the gold
/// file measure other words.
#[test]
fn the_second_gold_study_names_the_turns_it_was_coded_on() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::repo().join("eval/dijkwaard-lindebeek"), dir.path());
    icamo(dir.path())
        .arg("ingest")
        .assert()
        .success()
        .stdout(predicate::str::contains("8 parsed"))
        .stderr(predicate::str::contains("warning").not());
    let out = icamo(dir.path())
        .args(["export", "segments", "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let turns: std::collections::BTreeMap<String, (bool, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let r: Value = serde_json::from_str(line).unwrap();
            (
                r["segment"].as_str().unwrap().to_string(),
                (
                    r["interviewer"].as_bool().unwrap(),
                    r["text"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let gold = fs::read_to_string(dir.path().join("gold.csv")).unwrap();
    let mut mechanisms = 0;
    for line in gold.lines().skip(2) {
        let (segment, rest) = line.split_once(',').unwrap();
        let (interviewer, _) = turns
            .get(segment)
            .unwrap_or_else(|| panic!("gold.csv names {segment}, which is not a turn"));
        assert!(!interviewer, "{segment} is the interviewer's");
        let code = rest.split(',').next().unwrap();
        mechanisms += usize::from(code.starts_with("icamo"));
    }
    assert!(mechanisms >= 60, "{mechanisms} mechanism rows");
    // An interpreter's turn, as the coder read it.
    assert!(
        turns["int-sh-lindebeek-01:0009"]
            .1
            .starts_with("Hij zegt dat het zwaar is.")
    );
}

#[test]
fn eval_measures_the_suggestions_against_a_gold_file() {
    let dir = study();
    icamo(dir.path()).arg("build").assert().success();
    let gold = dir.path().join("gold.csv");
    let out = icamo(dir.path())
        .arg("eval")
        .arg(&gold)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["segments"], 5);
    assert_eq!(e["overall"]["gold"], 6);
    assert_eq!(e["overall"]["suggested"], 5);
    assert_eq!(e["overall"]["true_positives"], 5);
    assert_eq!(e["per_kind"]["intervention"]["gold"], 3);
    assert_eq!(e["per_kind"]["intervention"]["true_positives"], 2);
    assert_eq!(e["per_kind"]["mechanism"]["recall"], 1.0);
    assert_eq!(e["mechanism_segments"], 2);
    assert_eq!(e["top1"], 1.0);
    assert_eq!(e["stance_agreed"], 2);

    icamo(dir.path())
        .arg("eval")
        .arg(&gold)
        .assert()
        .success()
        .stdout(predicate::str::contains("intervention"))
        .stdout(predicate::str::contains("top 1 1.00, top 3 1.00"));

    // The same gold file as a spreadsheet saves it: byte-order mark and CRLF line ends.
    let excel = dir.path().join("gold-excel.csv");
    let text = fs::read_to_string(&gold).unwrap().replace('\n', "\r\n");
    fs::write(&excel, format!("\u{feff}{text}")).unwrap();
    let out = icamo(dir.path())
        .arg("eval")
        .arg(&excel)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), e);

    let bad = dir.path().join("bad-gold.csv");
    fs::write(&bad, "segment,code,stance\nfg-uitvoering:0003,int.pipp,\n").unwrap();
    icamo(dir.path())
        .arg("eval")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad-gold.csv:2:"))
        .stderr(predicate::str::contains("unknown code \"int.pipp\""));
}

/// `icamo ARGS` on `study` with its standard output a pipe whose reader has gone before the
/// first byte is written, as `| head -1` leaves it once it has its line.
fn into_closed_pipe(study: &Path, args: &[&str]) -> Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_icamo"))
        .arg("--study")
        .arg(study)
        .args(args)
        .env_remove("ICAMO_STUDY")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let dir = bundled_study();
    icamo(dir.path()).args(["ingest", "-q"]).assert().success();
    for args in [
        &["search", "werkgever"][..],
        &["export", "segments"],
        &["quotes", "--code", "icamo1.m3"],
        &["quotes", "--code", "icamo1.m3", "--format", "csv"],
        &["chain", "--all", "--format", "dot"],
    ] {
        // Each has something to write…
        let out = icamo(dir.path()).args(args).output().unwrap();
        assert!(out.status.success() && !out.stdout.is_empty(), "{args:?}");
        // …and stops with status 0 and not a word when nobody reads it.
        let out = into_closed_pipe(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn an_import_whose_reader_stops_early_still_imports_and_ends_with_status_0() {
    let dir = bundled_study();
    icamo(dir.path()).args(["ingest", "-q"]).assert().success();
    let qdpx = dir.path().join("study.qdpx");
    icamo(dir.path())
        .args(["export", "qdpx", "--out"])
        .arg(&qdpx)
        .assert()
        .success();
    let into = dir.path().join("imported");
    let qdpx = qdpx.to_str().unwrap();
    let into_arg = into.to_str().unwrap();
    let out = into_closed_pipe(dir.path(), &["import", "qdpx", qdpx, "--into", into_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(into.join("icamo.toml").is_file());
    assert!(into.join("refi-import.csv").is_file());
}

#[test]
fn help_names_every_exit_status_and_the_usage_errors_end_as_it_says() {
    let out = common::icamo_cmd().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for status in [
        "0  success",
        "1  an error",
        "2  the command line",
        "3  the study is locked",
    ] {
        assert!(help.contains(status), "{status}\n{help}");
    }
    let dir = study();
    // Options clap knows exclude each other: 2.
    icamo(dir.path())
        .args(["quotes", "--code", "int", "--mechanism", "icamo1"])
        .assert()
        .code(2);
    // Options only the command can tell do not go together: 2 as well.
    icamo(dir.path())
        .args(["export", "codings", "--binary"])
        .assert()
        .code(2);
    // A code the codebooks do not have: 2.
    icamo(dir.path())
        .args(["quotes", "--code", "int.nope"])
        .assert()
        .code(2);
    // A role the study's turns do not have: 2.
    ingest(dir.path());
    icamo(dir.path())
        .args(["search", "werk", "--role", "burgemeester"])
        .assert()
        .code(2);
    // Bad input in the study's files: 1.
    fs::write(dir.path().join("icamo.toml"), "[study\n").unwrap();
    icamo(dir.path()).arg("stats").assert().code(1);
}

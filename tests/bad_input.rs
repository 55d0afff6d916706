//! The bad-input suite (issue 7): malformed files of every format icamo reads, each with the
//! exit status and the error it must give, and the promise that bad input changes nothing.
//!
//! The cases are a table, `tests/fixtures/bad-input/cases.toml`, that says for each one the
//! fixture, where it goes in a copy of the small study `tests/fixtures/study`, the commands run
//! on the good study first, the command run, and what must come out. Each case runs in its own
//! copy of the study. For a case that fails, every file the study had before the command (its
//! derived state in `.icamo/` included) must be byte-identical afterwards, no file may appear,
//! and `icamo search` must still find what the earlier ingest indexed.
//!
//! `BAD_INPUT_CASE=WORD cargo test --test tests bad_input::` runs only the cases whose name has
//! WORD.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;

use serde::Deserialize;

use crate::common;

use common::{copy_dir, fixtures, icamo};

/// The folder of the suite's fixtures.
fn suite() -> PathBuf {
    fixtures().join("bad-input")
}

/// The whole table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    case: Vec<Case>,
}

/// One row of the table (see the comment at the top of cases.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    fixture: Option<String>,
    #[serde(default)]
    generate: Option<Generate>,
    place: String,
    #[serde(default = "default_setup")]
    setup: Vec<String>,
    #[serde(default)]
    also: Vec<[String; 2]>,
    run: String,
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    stdout: Vec<String>,
    #[serde(default)]
    no_line: Option<String>,
    #[serde(default)]
    why: Option<String>,
    #[serde(default)]
    finds: Option<String>,
    #[serde(default)]
    max_stderr: Option<usize>,
}

/// A fixture too big to keep in the repository: `head`, `repeat` × `times`, `tail`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    head: String,
    repeat: String,
    times: usize,
    tail: String,
}

fn default_setup() -> Vec<String> {
    vec!["ingest".to_string()]
}

impl Case {
    /// The bytes of the malformed file.
    fn bytes(&self) -> Vec<u8> {
        match (&self.fixture, &self.generate) {
            (Some(f), None) => fs::read(suite().join(f))
                .unwrap_or_else(|e| panic!("case {}: fixture {f}: {e}", self.name)),
            (None, Some(g)) => {
                let mut s = g.head.clone();
                s.push_str(&g.repeat.repeat(g.times));
                s.push_str(&g.tail);
                s.into_bytes()
            }
            _ => panic!(
                "case {}: give either fixture or generate, not both or neither",
                self.name
            ),
        }
    }

    /// The kind of input the case is about: the fixture's folder (`txt`, `manifest`, …), or
    /// the extension of a generated file.
    fn kind(&self) -> String {
        match &self.fixture {
            Some(f) => f.split('/').next().unwrap_or_default().to_string(),
            None => Path::new(&self.place)
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    /// The command line as a user types it.
    fn command(&self) -> String {
        format!("icamo {}", self.run)
    }
}

fn table() -> Table {
    let path = suite().join("cases.toml");
    let text = fs::read_to_string(&path).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir` with its bytes, but the lock file, which only holds the pid of the
/// last process that took the lock.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        if entry.file_type().is_file() && rel != Path::new(".icamo/lock") {
            files.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// `icamo ARGS` in `study`, run from inside it (so relative paths are the study's).
fn run(study: &Path, args: &str) -> Output {
    icamo(study)
        .current_dir(study)
        .args(args.split_whitespace())
        .output()
        .unwrap()
}

/// What a good study is made of before a case: its good files and setup commands.
type BaseKey = (Vec<String>, Vec<[String; 2]>);

/// A good study after `setup`, made once for every case that asks for the same.
struct Bases {
    made: Mutex<HashMap<BaseKey, tempfile::TempDir>>,
}

impl Bases {
    /// Copies the good study with `case`'s good files and setup into `to`.
    fn copy(&self, case: &Case, to: &Path) -> Result<(), String> {
        let key = (case.setup.clone(), case.also.clone());
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if !made.contains_key(&key) {
            let dir = tempfile::tempdir().unwrap();
            copy_dir(&fixtures().join("study"), dir.path());
            for [fixture, place] in &case.also {
                let target = dir.path().join(place);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::copy(suite().join(fixture), &target).unwrap();
            }
            for command in &case.setup {
                let out = run(dir.path(), command);
                if !out.status.success() {
                    return Err(format!(
                        "setup `icamo {command}` on the good study failed:\n{}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
            made.insert(key.clone(), dir);
        }
        copy_dir(made[&key].path(), to);
        Ok(())
    }
}

/// Runs one case; `Err` says everything that was not as expected.
fn check(case: &Case, bases: &Bases) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path();
    bases.copy(case, study)?;
    let target = study.join(&case.place);
    let original = fs::read(&target).ok();
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::write(&target, case.bytes()).unwrap();
    let before = snapshot(study);

    let out = run(study, &case.run);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut wrong = Vec::new();
    if out.status.code() != Some(case.exit) {
        wrong.push(format!(
            "exit status {:?}, expected {}",
            out.status.code(),
            case.exit
        ));
    }
    for (name, text, expected) in [
        ("stderr", &stderr, &case.stderr),
        ("stdout", &stdout, &case.stdout),
    ] {
        for want in expected {
            if !text.contains(want.as_str()) {
                wrong.push(format!("{name} lacks {want:?}"));
            }
        }
    }
    if let Some(max) = case.max_stderr
        && stderr.len() > max
    {
        wrong.push(format!(
            "stderr has {} bytes, more than {max}",
            stderr.len()
        ));
    }
    if out.status.code().unwrap_or(-1) != 0 {
        // Bad input leaves every file as it was, and adds none.
        let after = snapshot(study);
        for (path, bytes) in &before {
            match after.get(path) {
                None => wrong.push(format!("{} was removed", path.display())),
                Some(b) if b != bytes => wrong.push(format!("{} was changed", path.display())),
                Some(_) => {}
            }
        }
        for path in after.keys().filter(|p| !before.contains_key(*p)) {
            wrong.push(format!("{} was created", path.display()));
        }
        // What the earlier ingest indexed is still there and searchable. Search needs a
        // manifest that reads, so a broken one is put back first.
        if case.setup.iter().any(|c| c == "ingest") && wrong.is_empty() {
            if case.place == "icamo.toml" {
                fs::write(&target, original.as_deref().unwrap_or_default()).unwrap();
            }
            if let Err(e) = finds(study, "werkgevers") {
                wrong.push(format!("after the failed run, {e}"));
            }
        }
    } else if let Some(query) = &case.finds
        && let Err(e) = finds(study, query)
    {
        wrong.push(e);
    }
    if wrong.is_empty() {
        return Ok(());
    }
    let mut report = format!(
        "case {}: `{}` (fixture {}, placed at {})\n",
        case.name,
        case.command(),
        case.fixture.as_deref().unwrap_or("generated"),
        case.place
    );
    for w in wrong {
        let _ = writeln!(report, "  - {w}");
    }
    let _ = writeln!(report, "  exit status: {:?}", out.status.code());
    let _ = writeln!(report, "  stderr:\n{}", indent(&stderr));
    if !case.stdout.is_empty() || case.exit == 0 {
        let _ = writeln!(report, "  stdout:\n{}", indent(&stdout));
    }
    Err(report)
}

/// `icamo search ARGS --format json` finds at least one segment.
fn finds(study: &Path, args: &str) -> Result<(), String> {
    let out = run(study, &format!("search {args} --format json"));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    if out.status.success() && !hits.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "`icamo search {args}` found nothing (exit status {:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Text indented for a failure report, cut at 3000 characters.
fn indent(text: &str) -> String {
    let mut cut: String = text.chars().take(3000).collect();
    if cut.len() < text.len() {
        cut.push_str("\n[…]");
    }
    cut.lines()
        .map(|l| format!("    | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_bad_input_fails_as_its_case_says_and_changes_nothing() {
    let filter = std::env::var("BAD_INPUT_CASE").unwrap_or_default();
    let cases: Vec<Case> = table()
        .case
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .collect();
    assert!(!cases.is_empty(), "no case has {filter:?} in its name");
    let bases = Bases {
        made: Mutex::new(HashMap::new()),
    };
    let next = Mutex::new(cases.iter());
    let failures = Mutex::new(Vec::new());
    // Two at a time: each case is mostly waiting for the icamo process it runs.
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let Some(case) = next.lock().unwrap_or_else(|e| e.into_inner()).next() else {
                        break;
                    };
                    if let Err(report) = check(case, &bases) {
                        failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(report);
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases are not as expected:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The table itself: enough cases, every format, every fixture used, and every expectation
/// able to show the file, the line and what was wrong.
#[test]
fn the_case_table_covers_every_format_and_names_file_and_line() {
    let table = table();
    let mut problems = Vec::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut names = BTreeSet::new();
    let mut used = BTreeSet::new();
    for case in &table.case {
        *per_kind.entry(case.kind()).or_default() += 1;
        if !names.insert(case.name.clone()) {
            problems.push(format!("{}: the name is used twice", case.name));
        }
        if let Some(f) = &case.fixture {
            used.insert(PathBuf::from(f));
        }
        for [f, _] in &case.also {
            used.insert(PathBuf::from(f));
        }
        let file = Path::new(&case.place)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let expected: Vec<&String> = case.stderr.iter().chain(&case.stdout).collect();
        if case.exit == 0 {
            if case.why.as_deref().is_none_or(|w| w.trim().is_empty()) {
                problems.push(format!("{}: accepted (exit 0) without a `why`", case.name));
            }
            continue;
        }
        if !expected.iter().any(|e| e.contains(&file)) {
            problems.push(format!(
                "{}: no expected message names the file {file}",
                case.name
            ));
        }
        let with_line = expected.iter().any(|e| {
            e.split(&format!("{file}:")).skip(1).any(|rest| {
                rest.split(':')
                    .next()
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        });
        if !with_line && case.no_line.is_none() {
            problems.push(format!(
                "{}: no expected message gives {file}:LINE; give one, or say in `no_line` why none makes sense",
                case.name
            ));
        }
        if !expected
            .iter()
            .any(|e| e.split_whitespace().filter(|w| w.len() > 2).count() >= 3)
        {
            problems.push(format!(
                "{}: no expected message says in words what was wrong",
                case.name
            ));
        }
    }
    for kind in [
        "txt", "md", "vtt", "srt", "docx", "manifest", "codebook", "codings", "sheet", "gold",
    ] {
        if per_kind.get(kind).copied().unwrap_or(0) < 2 {
            problems.push(format!("fewer than two cases of {kind}"));
        }
    }
    if table.case.len() < 35 {
        problems.push(format!(
            "{} cases, the issue asks for 35 at least",
            table.case.len()
        ));
    }
    for entry in walkdir::WalkDir::new(suite()) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(suite()).unwrap().to_path_buf();
        let top_level = rel.components().count() == 1;
        if entry.file_type().is_file() && !top_level && !used.contains(&rel) {
            problems.push(format!("{} is in no case", rel.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "cases.toml ({per_kind:?}):\n{}",
        problems.join("\n")
    );
}

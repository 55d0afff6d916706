//! The fixtures the tests share: the repository and its `tests/fixtures` folder, copies of a
//! fixture study or of the bundled study in a temporary folder, and the `icamo` binary run on
//! one of them.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub mod embeddings;

/// This repository: the bundled study (`icamo.toml`, `corpus/`, `codebooks/`, `codings/`).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures` in this repository.
pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh copy of the fixture study `tests/fixtures/NAME`, in a temporary folder.
pub fn fixture_study(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join(name), dir.path());
    dir
}

/// The bundled study (manifest, findings, transcripts, codebook, codings) in a temporary folder.
pub fn bundled_study() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["icamo.toml", "findings.toml"] {
        fs::copy(repo().join(file), dir.path().join(file)).unwrap();
    }
    for sub in ["corpus", "codebooks", "codings"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

/// The `icamo` binary with no colour, and no study or embeddings server from the environment.
pub fn icamo_cmd() -> Command {
    let mut cmd = Command::cargo_bin("icamo").unwrap();
    cmd.env_remove("ICAMO_STUDY")
        .env_remove("ICAMO_EMBEDDINGS_URL")
        .env("NO_COLOR", "1");
    cmd
}

/// The `icamo` binary run in `dir`, with no study from the environment (and none above a
/// temporary folder).
pub fn icamo_in(dir: &Path) -> Command {
    let mut cmd = icamo_cmd();
    cmd.current_dir(dir);
    cmd
}

/// The `icamo` binary on `study`, with no colour and no study from the environment.
pub fn icamo(study: &Path) -> Command {
    let mut cmd = icamo_cmd();
    cmd.arg("--study").arg(study);
    cmd
}

/// `icamo COMMAND ARGS --format json` on `study`, which must succeed, as its array of rows.
pub fn json_rows(study: &Path, command: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let out = icamo(study)
        .arg(command)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).unwrap() {
        serde_json::Value::Array(rows) => rows,
        other => panic!("icamo {command} --format json gave no array: {other}"),
    }
}

//! What the command-line tests share: copies of fixture studies, and the `icamo` binary run on
//! one of them.

#![allow(dead_code)] // each test file uses its own part of this

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `tests/fixtures` in this repository.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
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

/// The `icamo` binary on `study`, with no colour and no study from the environment.
pub fn icamo(study: &Path) -> Command {
    let mut cmd = Command::cargo_bin("icamo").unwrap();
    cmd.arg("--study")
        .arg(study)
        .env_remove("ICAMO_STUDY")
        .env("NO_COLOR", "1");
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

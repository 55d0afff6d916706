//! Inputs the fuzz targets (see fuzz/README.md) found to crash, hang or exhaust memory, kept so
//! the defects stay fixed: every file in `tests/fixtures/fuzz/TARGET/` goes through the same
//! entry point as fuzz target TARGET, which must return (`Ok` or `Err`) without panicking.

use crate::common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use icamo::transcript::Format;

#[path = "../fuzz/harness.rs"]
mod harness;

/// The files kept for one target, sorted (none is fine: the target has found nothing yet).
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = common::fixtures().join("fuzz").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Feeds every kept input of `target` to `run`, and fails naming each input that panicked.
fn replay(target: &str, run: impl Fn(&[u8])) {
    let mut panicked = Vec::new();
    for file in inputs(target) {
        let bytes = std::fs::read(&file).unwrap();
        if catch_unwind(AssertUnwindSafe(|| run(&bytes))).is_err() {
            panicked.push(file.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "{target} panicked on {panicked:?}");
}

#[test]
fn transcript_text() {
    replay("transcript_text", |b| harness::transcript(Format::Text, b));
}

#[test]
fn transcript_markdown() {
    replay("transcript_markdown", |b| {
        harness::transcript(Format::Markdown, b)
    });
}

#[test]
fn transcript_vtt() {
    replay("transcript_vtt", |b| harness::transcript(Format::Vtt, b));
}

#[test]
fn transcript_srt() {
    replay("transcript_srt", |b| harness::transcript(Format::Srt, b));
}

#[test]
fn transcript_docx() {
    replay("transcript_docx", harness::transcript_docx);
}

#[test]
fn transcript_docx_xml() {
    replay("transcript_docx_xml", harness::transcript_docx_xml);
}

#[test]
fn codebook() {
    replay("codebook", harness::codebook);
}

#[test]
fn refi_xml() {
    replay("refi_xml", harness::refi_xml);
}

#[test]
fn qdpx() {
    replay("qdpx", harness::qdpx);
}

#[test]
fn qdpx_qde() {
    replay("qdpx_qde", harness::qdpx_qde);
}

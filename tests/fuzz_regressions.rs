//! Inputs the fuzz targets (see fuzz/README.md) found to crash, hang or exhaust memory, kept so
//! the defects stay fixed: every file in `tests/fixtures/fuzz/TARGET/` goes through the same
//! entry point as fuzz target TARGET, which must return (`Ok` or `Err`) without panicking.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use icamo::codebook::Codebook;
use icamo::interop::qdpx::{DEFAULT_MAX_UNPACKED, ImportOptions, import_qdpx};
use icamo::interop::{qdc, xml};
use icamo::transcript::{Format, decode, parse, parse_bytes};

/// The files kept for one target, sorted (none is fine: the target has found nothing yet).
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
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

fn transcript(target: &str, format: Format) {
    replay(target, |bytes| {
        if let Ok(decoded) = decode(bytes) {
            let _ = parse(format, &decoded.text);
        }
    });
}

#[test]
fn transcript_text() {
    transcript("transcript_text", Format::Text);
}

#[test]
fn transcript_markdown() {
    transcript("transcript_markdown", Format::Markdown);
}

#[test]
fn transcript_vtt() {
    transcript("transcript_vtt", Format::Vtt);
}

#[test]
fn transcript_srt() {
    transcript("transcript_srt", Format::Srt);
}

#[test]
fn transcript_docx() {
    replay("transcript_docx", |bytes| {
        let _ = parse_bytes(Format::Docx, bytes);
    });
}

/// Packs the NUL-separated parts of `data` into a ZIP archive under `names`, stored, as the
/// structure-aware fuzz targets do.
fn pack<W: Write + std::io::Seek>(out: W, names: &[&str], data: &[u8]) -> W {
    let mut zip = zip::ZipWriter::new(out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in names.iter().zip(data.splitn(names.len(), |&b| b == 0)) {
        zip.start_file(*name, options).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap()
}

#[test]
fn transcript_docx_xml() {
    replay("transcript_docx_xml", |bytes| {
        let parts = ["word/document.xml", "word/styles.xml", "_rels/.rels"];
        let archive = pack(std::io::Cursor::new(Vec::new()), &parts, bytes).into_inner();
        let _ = parse_bytes(Format::Docx, &archive);
    });
}

#[test]
fn codebook() {
    replay("codebook", |bytes| {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let path = Path::new("fuzz.toml");
        if let Ok(book) = Codebook::parse(path, text) {
            let _ = book.check();
        }
        let _ = icamo::icamo::config::parse(path, text);
    });
}

#[test]
fn refi_xml() {
    replay("refi_xml", |bytes| {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let Ok(root) = xml::parse(text) else {
            return;
        };
        let (codes, sets) = match root.name.as_str() {
            "CodeBook" => (root.child("Codes"), root.child("Sets")),
            "Project" => (
                root.child("CodeBook").and_then(|c| c.child("Codes")),
                root.child("Sets"),
            ),
            _ => return,
        };
        let _ = qdc::read_codes(codes, sets, "fuzz", "nl", Path::new("fuzz.qdc"));
    });
}

/// Imports the archive at `file` into a new study folder next to it.
fn import(file: &Path) {
    let options = ImportOptions {
        into: file.with_file_name("study"),
        language: "nl".into(),
        max_unpacked: DEFAULT_MAX_UNPACKED,
    };
    let _ = import_qdpx(file, &options);
}

#[test]
fn qdpx() {
    replay("qdpx", |bytes| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fuzz.qdpx");
        std::fs::write(&file, bytes).unwrap();
        import(&file);
    });
}

#[test]
fn qdpx_qde() {
    replay("qdpx_qde", |bytes| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fuzz.qdpx");
        let parts = [
            "project.qde",
            "sources/44444444-4444-4444-8444-444444444444.txt",
        ];
        pack(std::fs::File::create(&file).unwrap(), &parts, bytes);
        import(&file);
    });
}

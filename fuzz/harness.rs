//! What each fuzz target does with its input: one function per target, shared by the targets in
//! `fuzz_targets/` and by `tests/fuzz_regressions.rs`, so that a kept crasher is replayed
//! through exactly the code that found it. Each returns whatever the reader returns; only a
//! panic, a hang or running out of memory is a finding.
#![allow(dead_code)] // each fuzz target uses one function

use std::io::{Seek, Write};
use std::path::Path;

use icamo::chain::graph::ChainGraph;
use icamo::codebook::CodebookSet;
use icamo::interop::qdpx::{DEFAULT_MAX_UNPACKED, ImportOptions, import_qdpx};
use icamo::interop::{qdc, xml};
use icamo::transcript::{Format, decode, parse, parse_bytes};

/// Raw bytes decoded as a transcript file is (BOM, UTF-16, CR LF), then parsed as `format`.
pub fn transcript(format: Format, data: &[u8]) {
    if let Ok(decoded) = decode(data) {
        let _ = parse(format, &decoded.text);
    }
}

/// The bytes as a Word file.
pub fn transcript_docx(data: &[u8]) {
    let _ = parse_bytes(Format::Docx, data);
}

/// `word/document.xml`, `word/styles.xml` and `_rels/.rels`, split at NUL bytes, packed into a
/// valid archive and read as a Word file.
pub fn transcript_docx_xml(data: &[u8]) {
    let parts = ["word/document.xml", "word/styles.xml", "_rels/.rels"];
    let archive = pack(std::io::Cursor::new(Vec::new()), &parts, data).into_inner();
    let _ = parse_bytes(Format::Docx, &archive);
}

/// A TOML codebook, parsed and checked; the same text as `icamo.toml`.
pub fn codebook(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.toml");
    if let Ok(set) = CodebookSet::parse(path, text) {
        let _ = set.books[0].check();
        let _ = ChainGraph::new(&set.configurations).check(&set);
    }
}

/// REFI-QDA XML, and the codes of a `<CodeBook>` root (a `.qdc`) or of a `<Project>`'s
/// codebook (a `.qde`, as the `.qdpx` import reads it).
pub fn refi_xml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
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
}

/// The bytes as a `.qdpx`, imported into a new study in a temporary folder.
pub fn qdpx(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("fuzz.qdpx");
    std::fs::write(&file, data).expect("writing the archive");
    import(&file);
}

/// `project.qde` and the text of one source, split at a NUL byte, packed into a valid `.qdpx`
/// and imported into a new study in a temporary folder.
pub fn qdpx_qde(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("fuzz.qdpx");
    let parts = [
        "project.qde",
        "sources/44444444-4444-4444-8444-444444444444.txt",
    ];
    pack(
        std::fs::File::create(&file).expect("the archive"),
        &parts,
        data,
    );
    import(&file);
}

/// Imports the archive at `file` into a new study folder beside it.
fn import(file: &Path) {
    let options = ImportOptions {
        into: file.with_file_name("study"),
        language: Some("nl".into()),
        max_unpacked: DEFAULT_MAX_UNPACKED,
    };
    let _ = import_qdpx(file, &options);
}

/// Packs the NUL-separated parts of `data` into a ZIP archive under `names`, stored.
fn pack<W: Write + Seek>(out: W, names: &[&str], data: &[u8]) -> W {
    let mut zip = zip::ZipWriter::new(out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in names.iter().zip(data.splitn(names.len(), |&b| b == 0)) {
        zip.start_file(*name, options).expect("a part");
        zip.write_all(body).expect("writing a part");
    }
    zip.finish().expect("an archive")
}

//! Fuzzes the Word (.docx) reader past the ZIP layer: the input is the XML of the document's
//! parts, packed into a valid archive before parsing (mutated archives rarely get past the
//! checksums, so `transcript_docx` alone seldom reaches the paragraph and label logic).
//!
//! The input is split at NUL bytes: `word/document.xml`, then `word/styles.xml`, then
//! `_rels/.rels` (each part only when present).
#![no_main]

use std::io::Write;

use icamo::transcript::{Format, parse_bytes};
use libfuzzer_sys::fuzz_target;

const PARTS: [&str; 3] = ["word/document.xml", "word/styles.xml", "_rels/.rels"];

fuzz_target!(|data: &[u8]| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in PARTS.iter().zip(data.splitn(PARTS.len(), |&b| b == 0)) {
        zip.start_file(*name, options).expect("a part");
        zip.write_all(body).expect("writing a part");
    }
    let archive = zip.finish().expect("an archive").into_inner();
    let _ = parse_bytes(Format::Docx, &archive);
});

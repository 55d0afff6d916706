//! Fuzzes the REFI-QDA project import past the ZIP layer: the input is `project.qde` and the
//! text of one source, packed into a valid archive, then imported into a fresh temporary study
//! folder (mutated archives rarely get past the checksums, so `qdpx` alone seldom reaches the
//! selections, offsets and codings).
//!
//! The input is split at the first NUL byte: `project.qde`, then
//! `sources/44444444-4444-4444-8444-444444444444.txt` (the source the seeds' `<TextSource>`
//! points at with `plainTextPath="internal://44444444-4444-4444-8444-444444444444.txt"`).
#![no_main]

use std::io::Write;

use icamo::interop::qdpx::{DEFAULT_MAX_UNPACKED, ImportOptions, import_qdpx};
use libfuzzer_sys::fuzz_target;

const PARTS: [&str; 2] = [
    "project.qde",
    "sources/44444444-4444-4444-8444-444444444444.txt",
];

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("fuzz.qdpx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&file).expect("the archive"));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in PARTS.iter().zip(data.splitn(PARTS.len(), |&b| b == 0)) {
        zip.start_file(*name, options).expect("a part");
        zip.write_all(body).expect("writing a part");
    }
    zip.finish().expect("an archive");
    let options = ImportOptions {
        into: dir.path().join("study"),
        language: "nl".into(),
        max_unpacked: DEFAULT_MAX_UNPACKED,
    };
    let _ = import_qdpx(&file, &options);
});

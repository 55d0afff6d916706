//! Fuzzes the REFI-QDA project (.qdpx) import: the bytes are written to a temporary archive
//! and imported into a fresh temporary study folder. Slow (it ingests): seed it with small
//! archives.
#![no_main]

use icamo::interop::qdpx::{DEFAULT_MAX_UNPACKED, ImportOptions, import_qdpx};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("fuzz.qdpx");
    std::fs::write(&file, data).expect("writing the archive");
    let options = ImportOptions {
        into: dir.path().join("study"),
        language: "nl".into(),
        max_unpacked: DEFAULT_MAX_UNPACKED,
    };
    let _ = import_qdpx(&file, &options);
});

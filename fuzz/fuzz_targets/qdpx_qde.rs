//! Fuzzes the REFI-QDA project import past the ZIP layer: the input is `project.qde` and the
//! text of one source, packed into a valid archive, then imported into a fresh temporary study
//! folder (mutated archives rarely get past the checksums, so `qdpx` alone seldom reaches the
//! selections, offsets and codings).
//!
//! The input is split at the first NUL byte: `project.qde`, then
//! `sources/44444444-4444-4444-8444-444444444444.txt` (the source the seeds' `<TextSource>`
//! points at with `plainTextPath="internal://44444444-4444-4444-8444-444444444444.txt"`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::qdpx_qde(data);
});

//! Fuzzes the REFI-QDA project (.qdpx) import: the bytes are written to a temporary archive
//! and imported into a fresh temporary study folder. Slow (it ingests): seed it with small
//! archives.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::qdpx(data);
});

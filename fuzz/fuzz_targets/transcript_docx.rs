//! Fuzzes the Word (.docx) transcript reader: the bytes are the archive.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::transcript_docx(data);
});

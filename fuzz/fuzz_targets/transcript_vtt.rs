//! Fuzzes the vtt transcript parser: raw bytes are decoded (BOM, UTF-16, CRLF), then parsed.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::transcript(icamo::transcript::Format::Vtt, data);
});

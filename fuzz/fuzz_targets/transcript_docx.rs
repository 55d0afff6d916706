//! Fuzzes the Word (.docx) transcript reader: the bytes are the archive.
#![no_main]

use icamo::transcript::{Format, parse_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_bytes(Format::Docx, data);
});

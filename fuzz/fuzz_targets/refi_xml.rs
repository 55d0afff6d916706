//! Fuzzes the REFI-QDA XML reader, and the code reader on a `<CodeBook>` root (a `.qdc`) or
//! on the codebook of a `<Project>` root (a `.qde`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::refi_xml(data);
});

//! Fuzzes the TOML codebook: the codebook parser (and its checks when it parses) and the
//! `[[configurations]]` parser, on the same text.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::codebook(data);
});

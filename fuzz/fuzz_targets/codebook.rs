//! Fuzzes the TOML codebook: the codebook parser (and its checks when it parses) and the
//! `[[configurations]]` parser, on the same text.
#![no_main]

use std::path::Path;

use icamo::codebook::Codebook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.toml");
    if let Ok(book) = Codebook::parse(path, text) {
        let _ = book.check();
    }
    let _ = icamo::icamo::config::parse(path, text);
});

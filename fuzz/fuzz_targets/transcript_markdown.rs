//! Fuzzes the markdown transcript parser: raw bytes are decoded (BOM, UTF-16, CRLF), then parsed.
#![no_main]

use icamo::transcript::{Format, decode, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = decode(data) {
        let _ = parse(Format::Markdown, &decoded.text);
    }
});

//! Fuzzes the REFI-QDA XML reader, and the code reader on a `<CodeBook>` root (a `.qdc`) or
//! on the codebook of a `<Project>` root (a `.qde`).
#![no_main]

use std::path::Path;

use icamo::interop::{qdc, xml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(root) = xml::parse(text) else {
        return;
    };
    // A codebook file, or the codebook of a project (as the .qdpx import reads it).
    let (codes, sets) = match root.name.as_str() {
        "CodeBook" => (root.child("Codes"), root.child("Sets")),
        "Project" => (
            root.child("CodeBook").and_then(|c| c.child("Codes")),
            root.child("Sets"),
        ),
        _ => return,
    };
    let _ = qdc::read_codes(codes, sets, "fuzz", "nl", Path::new("fuzz.qdc"));
});

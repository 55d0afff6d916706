//! Fuzzes the Word (.docx) reader past the ZIP layer: the input is the XML of the document's
//! parts, packed into a valid archive before parsing (mutated archives rarely get past the
//! checksums, so `transcript_docx` alone seldom reaches the paragraph and label logic).
//!
//! The input is split at NUL bytes: `word/document.xml`, then `word/styles.xml`, then
//! `_rels/.rels` (each part only when present).
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    harness::transcript_docx_xml(data);
});

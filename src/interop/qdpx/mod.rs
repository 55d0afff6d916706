//! REFI-QDA projects (`.qdpx`): a whole study out to other QDA tools, and their projects in.
//!
//! **Export** ([`export_qdpx`]) writes a ZIP with `project.qde` and one UTF-8 text per
//! transcript in `sources/`. The text is the study's segments as icamo stores them (pseudonyms
//! applied), one turn a paragraph: `[00:01:02.500] Speaker: text`, so that a team that codes
//! in ATLAS.ti, NVivo or MAXQDA works on exactly the text icamo's offsets point into. Each
//! coder's accepted codings become `PlainTextSelection`s with `Coding`s by that user, offsets
//! in Unicode code points; a coding's stance and note travel as a note on it. Respondents
//! become `Cases` with their role and attributes as `Variables`, document attributes become
//! variable values on the sources, and the ICAMO configurations' edges become `Links` between
//! codes. GUIDs are derived from ids ([`super::guid`]), so two exports of the same study are
//! byte-identical. The `.qde` validates against REFI-QDA 1.0's `Project.xsd`.
//!
//! **Import** ([`import_qdpx`]) makes a new study folder from a project: users become coders,
//! the codebook an icamo codebook ([`super::qdc`]), text sources transcripts in `corpus/`,
//! codings `codings/<user>.csv` on the segments their selections cover, notes Markdown memos
//! in `memos/`. It reads what real tools write: `Project.qde` or a `.qde` named after the
//! project, `Sources/` in any case, with or without the namespace, `plainTextPath` with or
//! without `internal://`, and offsets counted as each tool counts them (UTF-16 units or code
//! points, the BOM and CR LF counted or not, the end inclusive or not: picked per source from
//! what its selections fit). Every coding of the project, placed or not (a picture region, a
//! source whose text is not in the archive), is listed in `refi-import.csv` with the reason,
//! so nothing is dropped without a trace. The caller ingests the new study ([`Imported`]) and
//! decides whether lost codings fail the import ([`ImportSummary::lost`]).

mod export;
mod import;

pub use export::{ExportSummary, export_qdpx};
pub use import::{DEFAULT_MAX_UNPACKED, ImportOptions, ImportSummary, Imported, import_qdpx};

/// The namespace of a REFI-QDA project.
pub(crate) const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";

//! `icamo export qdc|qdpx`: the study's codebook or whole project for other QDA tools.

use std::path::PathBuf;

use icamo::error::Error;
use icamo::interop::qdpx::ExportSummary;
use icamo::interop::{qdc, qdpx};
use icamo::pipeline::load_codebooks;
use icamo::study::Study;

use super::emit::{Target, emit, note};

/// Which REFI-QDA file to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refi {
    /// The codebook (.qdc).
    Qdc,
    /// The whole project (.qdpx).
    Qdpx,
}

/// Writes the study's codebooks as a `.qdc`, or the study as a `.qdpx`, to `target` (a `.qdc`
/// may go to standard output; a `.qdpx` is binary and needs a file).
pub(super) fn export(
    study: &Study,
    what: Refi,
    target: Target,
    codebooks: &[PathBuf],
    global: &super::Global,
) -> Result<(), Error> {
    // Refused before the work, which for a whole project takes a while.
    target.check()?;
    match (what, target) {
        (Refi::Qdc, _) => {
            let xml = qdc::export_qdc(&load_codebooks(study, codebooks)?);
            emit(xml.as_bytes(), target)
        }
        (Refi::Qdpx, Target::Stdout) => Err(Error::Usage(
            "a .qdpx project is a ZIP archive: give --out FILE.qdpx".into(),
        )),
        (Refi::Qdpx, Target::File { path, .. }) => {
            let (bytes, summary) = qdpx::export_qdpx(study)?;
            emit(&bytes, target)?;
            if !global.quiet {
                tell(&path.display().to_string(), &summary);
            }
            Ok(())
        }
    }
}

/// What a `.qdpx` holds, and what it leaves out.
fn tell(path: &str, s: &ExportSummary) {
    note!(
        "{path}: {} codes, {} transcripts, {} codings by {} coder{}, {} ICAMO links",
        s.codes,
        s.sources,
        s.codings,
        s.users,
        if s.users == 1 { "" } else { "s" },
        s.links
    );
    if s.rejections_left_out > 0 {
        note!(
            "  {} rejected suggestions are not in it: REFI-QDA has no place for a decision against a code",
            s.rejections_left_out
        );
    }
    note!(
        "  It holds the transcripts with pseudonyms applied, respondent ids and every speaker attribute: personal data, to share only as you would the study itself."
    );
}

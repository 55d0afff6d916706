//! `icamo code`: apply the codebook's rules to every segment, as ranked suggestions.

use std::path::PathBuf;

use icamo::error::Error;
use icamo::pipeline::{self, Coded};

use super::emit::{note, say};

/// Apply the codebooks' rules to every segment and rank the codes each one suggests.
///
/// All rules of all codes are compiled into one matcher and run once over the text. The
/// suggestions (segment, code, matched words, score, suggested stance) go to the study's
/// .icamo/suggestions.jsonl; look at one segment's with `icamo suggest SEGMENT`. Suggestions
/// are proposals: a coder's decisions are kept elsewhere and never overwritten by this command.
/// Inline tags whose code id none of the codebooks has are named, with file and line.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A codebook file to use instead of the manifest's (may be given more than once).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let codebooks = pipeline::load_codebooks(&study, &args.codebook)?;
    pipeline::code(&study, &codebooks.books, &mut super::Printer::new(global))?;
    Ok(())
}

/// Prints what coding did: the inline tags with unknown codes, and a summary unless `quiet`.
pub(super) fn print(coded: &Coded, quiet: bool) -> Result<(), Error> {
    match &coded.tags {
        Ok(found) => {
            for d in found {
                note!("{d}");
            }
        }
        Err(e) => note!("warning: the inline tags were not checked: {e}"),
    }
    if !quiet {
        let report = &coded.report;
        let mb = report.bytes as f64 / 1_000_000.0;
        let secs = report.elapsed.as_secs_f64();
        say!(
            "coded {} segments ({:.2} MB in {:.2} s, {:.1} MB/s): {} suggestions in {} segments",
            report.segments,
            mb,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 },
            report.suggestions,
            report.coded_segments
        )?;
        let mut kinds: Vec<_> = report.per_kind.iter().collect();
        kinds.sort_by_key(|(k, _)| k.to_string());
        for (kind, n) in kinds {
            say!("  {:<14} {n:>7}", kind.to_string())?;
        }
    }
    Ok(())
}

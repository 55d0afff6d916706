//! `icamo ingest`: parse the transcripts and build or refresh the index.

use icamo::error::Error;
use icamo::ingest::{IngestOptions, IngestReport};
use icamo::pipeline;
use icamo::study::Study;

use super::emit::{note, say};

/// Parse every transcript and build or refresh the search index.
///
/// Only files whose bytes or manifest entries changed are parsed again; removed files leave
/// the index. A transcript that cannot be read stops the run with its file and line, and the
/// index stays exactly as it was.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(flatten)]
    pub(super) options: Options,
}

/// Options shared with `icamo build`.
#[derive(Debug, clap::Args)]
pub(super) struct Options {
    /// Ingest the transcripts that parse, and list the ones that failed at the end.
    #[arg(long)]
    keep_going: bool,
    /// Parse everything again and rebuild the index from scratch.
    #[arg(long)]
    rebuild: bool,
    /// Refuse a transcript at the first cue or line its parser would skip (by default it is
    /// skipped with a warning naming its line).
    #[arg(long)]
    strict: bool,
}

impl Options {
    /// The library's options; a progress bar unless `--quiet`.
    pub(super) fn to_ingest(&self, global: &super::Global) -> IngestOptions {
        IngestOptions {
            keep_going: self.keep_going,
            rebuild: self.rebuild,
            progress: !global.quiet,
            strict: self.strict,
        }
    }
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let options = args.options.to_ingest(global);
    pipeline::ingest(&study, &options, &mut super::Printer::new(global))?;
    Ok(())
}

/// Prints what an ingest did: warnings, a summary unless `quiet`, and the transcripts that
/// failed.
pub(super) fn print(study: &Study, report: &IngestReport, quiet: bool) -> Result<(), Error> {
    for w in &report.warnings {
        note!("warning: {w}");
    }
    if !quiet {
        let mb = report.bytes_parsed as f64 / 1_000_000.0;
        say!(
            "ingested {}: {} parsed, {} unchanged, {} removed; {} segments written ({:.2} MB in {:.2} s: parsing {:.2} s, indexing {:.2} s){}",
            study.root.display(),
            report.parsed.len(),
            report.unchanged.len(),
            report.removed.len(),
            report.segments_written,
            mb,
            report.elapsed.as_secs_f64(),
            report.parse_time.as_secs_f64(),
            report.index_time.as_secs_f64(),
            if report.rebuilt {
                ", index rebuilt"
            } else {
                ""
            }
        )?;
    }
    if !report.failed.is_empty() {
        note!(
            "{} transcript(s) failed and were left as they were:",
            report.failed.len()
        );
        for e in &report.failed {
            note!("  {e}");
        }
    }
    Ok(())
}

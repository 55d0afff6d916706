//! `icamo ingest`: parse the transcripts and build or refresh the index.

use icamo::error::Error;
use icamo::ingest::{IngestOptions, IngestReport, ingest};
use icamo::study::Study;

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
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    run(&study, &args.options, global)?;
    Ok(())
}

/// Ingests and prints what happened; shared with `icamo build`.
pub(super) fn run(
    study: &Study,
    options: &Options,
    global: &super::Global,
) -> Result<IngestReport, Error> {
    let report = ingest(
        study,
        &IngestOptions {
            keep_going: options.keep_going,
            rebuild: options.rebuild,
            progress: !global.quiet,
        },
    )?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if !global.quiet {
        let mb = report.bytes_parsed as f64 / 1_000_000.0;
        println!(
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
        );
    }
    if !report.failed.is_empty() {
        eprintln!(
            "{} transcript(s) failed and were left as they were:",
            report.failed.len()
        );
        for e in &report.failed {
            eprintln!("  {e}");
        }
        return Err(Error::Other(format!(
            "{} transcript(s) could not be ingested (see above)",
            report.failed.len()
        )));
    }
    Ok(report)
}

//! `icamo build`: the main job, run on a study from its sources.

use icamo::error::Error;
use icamo::pipeline::{self, BuildOptions};

use super::emit::{Target, emit, say};

/// Run the whole pipeline on a study: ingest → code → chains → report
///
/// Ingests the transcripts, codes them with the study's codebooks, checks the ICAMO
/// configurations declared in them, and writes the report, the summary and the figures into
/// out/ (see `icamo report --help`), and checks what it wrote for names: one found fails the
/// run, naming file:line:column and its kind. Every step is incremental: a second run with
/// nothing changed parses nothing and rewrites no file. A study without a codebook is refused
/// before anything runs (`icamo ingest` reads its transcripts without one).
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(flatten)]
    options: super::ingest::Options,
    #[command(flatten)]
    report: super::report::ReportOptions,
    /// Code with the rules only, even where icamo.toml has a [semantic] table.
    #[arg(long)]
    no_semantic: bool,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let options = BuildOptions {
        ingest: args.options.to_ingest(global),
        report: args.report.into(),
        stats: !global.quiet,
        coding: icamo::coding::CodeOptions {
            no_semantic: args.no_semantic,
            progress: !global.quiet,
        },
    };
    let built = pipeline::build(&study, &options, &mut super::Printer::new(global))?;
    if let Some(stats) = built.stats {
        say!()?;
        emit(
            stats.to_text(&study.manifest.study.name).as_bytes(),
            Target::Stdout,
        )?;
    }
    Ok(())
}

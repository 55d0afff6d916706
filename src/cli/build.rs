//! `icamo build`: the main job, run on a study from its sources.

use icamo::chain::Model;
use icamo::error::Error;
use icamo::stats::Stats;

/// Run the whole pipeline on a study: ingest → code → chains → report
///
/// Ingests the transcripts, codes them with the study's codebooks (when it has any), checks the
/// ICAMO configurations declared in them, and writes the report, the summary and the figures
/// into out/ (see `icamo report --help`). Every step is incremental: a second run with nothing
/// changed parses nothing and rewrites no file.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(flatten)]
    options: super::ingest::Options,
    #[command(flatten)]
    report: super::report::ReportOptions,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    super::ingest::run(&study, &args.options, global)?;
    let paths = study.codebook_paths()?;
    if !paths.is_empty() {
        let codebooks = super::code::load(&study, &[])?;
        super::code::run(&study, &codebooks, global)?;
        let model = Model::load(&paths)?;
        if !model.configurations().is_empty() {
            super::report::run(&study, &model, &args.report, global)?;
        }
    }
    if !global.quiet {
        let stats = Stats::of_study(&study)?;
        println!();
        print!("{}", stats.to_text(&study.manifest.study.name));
    }
    Ok(())
}

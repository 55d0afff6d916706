//! `icamo build`: the main job, run on a study from its sources.

use crate::error::Error;
use crate::stats::Stats;

/// Run the whole pipeline on a study: ingest the transcripts, code them with the study's
/// codebooks (when it has any), then summarise.
///
/// Later stages (ICAMO figures, reports) join this command as they are built.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(flatten)]
    options: super::ingest::Options,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    super::ingest::run(&study, &args.options, global)?;
    if !study.codebook_paths()?.is_empty() {
        let codebooks = super::code::load(&study, &[])?;
        super::code::run(&study, &codebooks, global)?;
    }
    if !global.quiet {
        let stats = Stats::of(&study.all_segments()?);
        println!();
        print!("{}", stats.to_text(&study.manifest.study.name));
    }
    Ok(())
}

//! `icamo stats`: what the study holds.

use icamo::error::Error;
use icamo::stats::Stats;

use super::emit::{Target, emit};

/// Summarise the ingested study: documents, segments, words, and speakers per role and case.
///
/// Speakers are counted, never named.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: super::OutputFormat,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.evidence_study()?;
    let stats = Stats::of_study(&study)?;
    let out = match args.format {
        super::OutputFormat::Text => stats.to_text(&study.manifest.study.name).into_bytes(),
        super::OutputFormat::Json => super::json(&stats)?,
    };
    emit(&out, Target::Stdout)
}

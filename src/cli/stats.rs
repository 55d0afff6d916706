//! `icamo stats`: what the study holds.

use icamo::error::Error;
use icamo::stats::Stats;

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
    let study = global.study()?;
    let stats = Stats::of_study(&study)?;
    match args.format {
        super::OutputFormat::Text => print!("{}", stats.to_text(&study.manifest.study.name)),
        super::OutputFormat::Json => {
            let json =
                serde_json::to_string_pretty(&stats).map_err(|e| Error::Other(e.to_string()))?;
            println!("{json}");
        }
    }
    Ok(())
}

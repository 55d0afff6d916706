//! `icamo code`: apply the codebook's rules to every segment, as ranked suggestions.

use std::path::PathBuf;

use icamo::coding::SemanticRun;
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
///
/// With a [semantic] table in icamo.toml, meaning joins the rules: every turn and every code's
/// description is embedded by the local embeddings server it names (cached in .icamo/, so a
/// second run embeds only changed turns), and a code is suggested where a rule matched it or
/// the turn is unusually near what the code means (see README, "Suggestions by meaning").
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A codebook file to use instead of the manifest's (may be given more than once).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
    /// The rules only, even where icamo.toml has a [semantic] table.
    #[arg(long)]
    no_semantic: bool,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let codebooks = pipeline::load_codebooks(&study, &args.codebook)?;
    let options = icamo::coding::CodeOptions {
        no_semantic: args.no_semantic,
        progress: !global.quiet,
    };
    pipeline::code(
        &study,
        &codebooks.books,
        &options,
        &mut super::Printer::new(global),
    )?;
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
        match &report.semantic {
            SemanticRun::NotConfigured => say!(
                "rules only: for suggestions by meaning too, add a [semantic] table to icamo.toml (see README, \"Suggestions by meaning\")"
            )?,
            SemanticRun::Off => say!("rules only (--no-semantic)")?,
            SemanticRun::On {
                model,
                turns,
                fetched,
                cached,
                by_meaning,
            } => say!(
                "meaning by {model} for {turns} turns: {fetched} texts embedded now, {cached} from the cache; {by_meaning} suggestions by meaning alone"
            )?,
        }
    }
    Ok(())
}

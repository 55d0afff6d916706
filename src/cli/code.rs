//! `icamo code`: apply the codebook's rules to every segment, as ranked suggestions.

use std::path::PathBuf;

use icamo::codebook::Codebook;
use icamo::coding::code_study;
use icamo::coding::tag_check::check_tag_codes;
use icamo::error::Error;
use icamo::study::Study;

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
    let codebooks = load(&study, &args.codebook)?;
    run(&study, &codebooks, global)
}

/// Codes the study and prints what happened; shared with `icamo build`.
pub(super) fn run(
    study: &Study,
    codebooks: &[Codebook],
    global: &super::Global,
) -> Result<(), Error> {
    let report = code_study(study, codebooks)?;
    // The suggestions are written; a tag-codings file that cannot be read is no reason to fail.
    match check_tag_codes(study, codebooks) {
        Ok(found) => {
            for d in found {
                eprintln!("{d}");
            }
        }
        Err(e) => eprintln!("warning: the inline tags were not checked: {e}"),
    }
    if !global.quiet {
        let mb = report.bytes as f64 / 1_000_000.0;
        let secs = report.elapsed.as_secs_f64();
        println!(
            "coded {} segments ({:.2} MB in {:.2} s, {:.1} MB/s): {} suggestions in {} segments",
            report.segments,
            mb,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 },
            report.suggestions,
            report.coded_segments
        );
        let mut kinds: Vec<_> = report.per_kind.iter().collect();
        kinds.sort_by_key(|(k, _)| k.to_string());
        for (kind, n) in kinds {
            println!("  {:<14} {n:>7}", kind.to_string());
        }
    }
    Ok(())
}

/// The codebooks named on the command line, or else the study's; at least one.
pub(super) fn load(study: &Study, explicit: &[PathBuf]) -> Result<Vec<Codebook>, Error> {
    super::codebook_files(study, explicit)?
        .iter()
        .map(|p| Codebook::load(p))
        .collect()
}

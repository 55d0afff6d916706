//! `icamo init DIR`: a new study, with a starter codebook.

use std::path::{Path, PathBuf};

use icamo::error::Error;
use icamo::study::Study;

use super::emit::say;

/// Make a new study: icamo.toml, a starter codebook, a .gitignore, and the folders corpus/,
/// codebooks/ and templates/.
///
/// The starter codebook (codebooks/codeboek.toml) has one code of each kind (intervention,
/// actor, context, mechanism, outcome) and one configuration that joins them, with comments
/// that explain the format: replace them with your own. The .gitignore keeps .icamo/ and out/
/// (what icamo derives) out of git. Never overwrites: if any of these files exists, icamo init
/// names it and writes nothing.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Folder for the new study (made if missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = Study::init(&args.dir)?;
    if !global.quiet {
        say!(
            "new study \"{}\" in {}",
            study.manifest.study.name,
            args.dir.display()
        )?;
        say!("  icamo.toml               the manifest: transcripts, speakers and their roles")?;
        say!(
            "  codebooks/codeboek.toml  a starter codebook: one code of each kind, one configuration"
        )?;
        say!("  .gitignore               keeps .icamo/ and out/ (rebuilt by icamo) out of git")?;
        say!("  corpus/                  for the transcripts")?;
        say!("  templates/               for report templates of your own (optional)")?;
        next_steps(&args.dir)?;
    }
    Ok(())
}

/// What to do next in a new study, in order.
fn next_steps(dir: &Path) -> Result<(), Error> {
    say!("next steps:")?;
    if dir != Path::new(".") {
        say!("  cd {}", dir.display())?;
    }
    say!("  1. put your transcripts (.txt .md .vtt .srt .docx) in corpus/")?;
    say!(
        "  2. list each transcript and its speakers, with their roles, in icamo.toml (its comments show how)"
    )?;
    say!(
        "  3. make codebooks/codeboek.toml your own, then run: icamo codebook check && icamo chain check"
    )?;
    say!("  4. run: icamo build   (ingests, codes, and writes the report to out/report.md)")?;
    Ok(())
}

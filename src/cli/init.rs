//! `icamo init DIR`: a new, empty study.

use std::path::PathBuf;

use icamo::error::Error;
use icamo::study::{INIT_FOLDERS, Study};

use super::emit::say;

/// Make a new study: icamo.toml, corpus/, codebooks/ and templates/.
///
/// Never overwrites: a folder that already has an icamo.toml is left alone.
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
        say!("  icamo.toml     describe documents, speakers, roles, cases and pseudonyms")?;
        for folder in INIT_FOLDERS {
            say!("  {folder}/")?;
        }
        say!(
            "Put transcripts (.txt .md .vtt .srt .docx) in corpus/, then run: icamo ingest --study {}",
            args.dir.display()
        )?;
    }
    Ok(())
}

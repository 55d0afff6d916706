//! `icamo export qdc|qdpx`: the study's codebook or whole project for other QDA tools.

use std::io::Write;
use std::path::{Path, PathBuf};

use icamo::error::Error;
use icamo::fsutil::write_atomic;
use icamo::interop::{qdc, qdpx};

/// Which REFI-QDA file to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refi {
    /// The codebook (.qdc).
    Qdc,
    /// The whole project (.qdpx).
    Qdpx,
}

/// Writes the study's codebooks as a `.qdc`, or the study as a `.qdpx`, to `out` (a `.qdc` may
/// go to standard output; a `.qdpx` is binary and needs a file).
pub(super) fn export(
    what: Refi,
    out: Option<&Path>,
    force: bool,
    codebooks: &[PathBuf],
    global: &super::Global,
) -> Result<(), Error> {
    let study = global.study()?;
    if let Some(path) = out
        && path.exists()
        && !force
    {
        return Err(Error::Other(format!(
            "{} exists: give --force to replace it, or another --out",
            path.display()
        )));
    }
    let (bytes, summary) = match what {
        Refi::Qdc => {
            let paths = super::codebook_files(&study, codebooks)?;
            let xml = qdc::export_qdc(&paths)?;
            (xml.into_bytes(), None)
        }
        Refi::Qdpx => {
            if out.is_none() {
                return Err(Error::Other(
                    "a .qdpx project is a ZIP archive: give --out FILE.qdpx".into(),
                ));
            }
            let (bytes, s) = qdpx::export_qdpx(&study)?;
            (bytes, Some(s))
        }
    };
    match out {
        Some(path) => write_atomic(path, &bytes)?,
        None => {
            let mut stdout = std::io::stdout();
            if let Err(e) = stdout.write_all(&bytes)
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(Error::io(Path::new("standard output"), e));
            }
        }
    }
    if let (Some(s), Some(path)) = (summary, out)
        && !global.quiet
    {
        let mut err = std::io::stderr();
        let _ = writeln!(
            err,
            "{}: {} codes, {} transcripts, {} codings by {} coder{}, {} ICAMO links",
            path.display(),
            s.codes,
            s.sources,
            s.codings,
            s.users,
            if s.users == 1 { "" } else { "s" },
            s.links
        );
        if s.rejections_left_out > 0 {
            let _ = writeln!(
                err,
                "  {} rejected suggestions are not in it: REFI-QDA has no place for a decision against a code",
                s.rejections_left_out
            );
        }
        let _ = writeln!(
            err,
            "  Its transcripts are the study's text with pseudonyms applied: still personal data."
        );
    }
    Ok(())
}

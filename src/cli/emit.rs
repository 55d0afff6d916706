//! What a command writes: its result, to standard output or to `--out FILE` ([`emit`]), and the
//! lines that say what it did: [`say!`] on standard output, [`note!`] on standard error.
//!
//! A reader that stops early (`icamo search … | head -1`) makes the next write to standard
//! output fail with a broken pipe. That error goes back up like any other, and `main` ends the
//! run quietly when it finds one in the error's chain. Every file icamo writes goes through a
//! temporary file and a rename, so stopping there leaves nothing half-written.

use std::io::Write;
use std::path::Path;

use icamo::Error;
use icamo::fsutil::write_atomic;

/// Where a command's result goes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target<'a> {
    /// Standard output.
    Stdout,
    /// A file (`--out FILE`); one that exists is replaced only with `replace` (`--force`).
    File {
        /// The file.
        path: &'a Path,
        /// Whether an existing file may be replaced.
        replace: bool,
    },
}

impl<'a> Target<'a> {
    /// `--out FILE` when it is given, else standard output.
    pub(super) fn new(out: Option<&'a Path>, replace: bool) -> Target<'a> {
        match out {
            Some(path) => Target::File { path, replace },
            None => Target::Stdout,
        }
    }

    /// An error when the target is a file that exists and may not be replaced. [`emit`] checks
    /// it too; a command with slow work to do checks it first.
    pub(super) fn check(&self) -> Result<(), Error> {
        match self {
            Target::File {
                path,
                replace: false,
            } if path.exists() => Err(Error::Exists(path.to_path_buf())),
            _ => Ok(()),
        }
    }
}

/// Writes a command's result: to standard output, or to the file through a temporary file and
/// a rename.
pub(super) fn emit(bytes: &[u8], to: Target) -> Result<(), Error> {
    to.check()?;
    match to {
        Target::Stdout => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(stdout_error)
        }
        Target::File { path, .. } => write_atomic(path, bytes),
    }
}

/// Writes one line to standard output (what [`say!`] does).
pub(super) fn say_line(line: std::fmt::Arguments) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{line}").map_err(stdout_error)
}

/// Writes one line to standard error (what [`note!`] does). A failure is not reported: standard
/// error is where it would be reported.
pub(super) fn note_line(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::io(Path::new("standard output"), e)
}

/// `println!` that returns the error instead of panicking: `say!("{n} files")?;`.
macro_rules! say {
    () => {
        $crate::cli::emit::say_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::emit::say_line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics: for warnings and what a command did, on standard error.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::emit::note_line(format_args!($($arg)*))
    };
}

pub(super) use {note, say};

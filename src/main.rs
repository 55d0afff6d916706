//! The `icamo` command: parses the command line and hands each command to [`cli`], which calls
//! the `icamo` library.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(cli::exit_code(&e))
        }
    }
}

/// Whether the error, or one it wraps, is a write to a pipe whose reader has gone: `icamo
/// search … | head -1` ends that way, and like other Unix tools icamo then stops quietly. Every
/// file it writes goes through a temporary file and a rename, so nothing is left half-written.
fn closed_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        next = error.source();
    }
    false
}

//! The `icamo` command: parses the command line and hands each command to [`cli`], which calls
//! the `icamo` library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

// `cli/import.rs` still names these library modules as `crate::…`, as it did when the command
// line lived in the library.
use icamo::{codebook, error, fsutil, ingest, interop};

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(cli::exit_code(&e))
        }
    }
}

/// `icamo search … | head` closes the pipe early; like other Unix tools, stop quietly then
/// instead of reporting a panic. Every file icamo writes goes through a temporary file and a
/// rename, so stopping mid-output leaves nothing half-written.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

//! The `icamo` command: parses the command line and hands each command to `icamo::cli`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = icamo::cli::Cli::parse();
    match icamo::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(icamo::cli::exit_code(&e))
        }
    }
}

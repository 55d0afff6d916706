//! The command line: one file per command, each an `Args` and an `execute` that calls the
//! library and writes what it gives through [`emit`]. No analysis happens here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use icamo::coding::Stance;
use icamo::coding::anchor::Placements;
use icamo::error::Error;
use icamo::ingest::IngestReport;
use icamo::pipeline;
use icamo::study::Study;

mod emit;

use emit::note;

mod agree;
mod build;
mod chain;
mod code;
mod codebook;
mod codings;
mod eval;
mod export;
mod import;
mod ingest;
mod init;
mod quotes;
mod refi;
mod report;
mod search;
mod sheet;
mod show;
mod site;
mod stats;
mod suggest;

const AFTER_HELP: &str = "\
A study is a folder with an icamo.toml. Without --study, icamo uses $ICAMO_STUDY, or the
nearest folder from here upwards that has an icamo.toml; inside the icamo repository that is
the bundled example study.

Exit status:
  0  success; also when the reader of the output stops early (icamo search x | head -1)
  1  an error in the study or the machine: bad input (named with its file and line; nothing
     is changed), a file --out would replace without --force, a study without a codebook
  2  the command line is wrong: an unknown command or option, a missing or invalid value,
     options that do not go together (quotes --code with --mechanism, export codings
     --binary), or a segment, code, configuration, role, case, document or speaker the
     study does not have (the error lists the ones it has)
  3  the study is locked by another icamo process

Start with: icamo build, then icamo search 'werkgever*' --role werkgever";

/// icamo: code interview and focus-group transcripts for realist evaluation (ICAMO).
#[derive(Debug, Parser)]
#[command(name = "icamo", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// The study folder (or its icamo.toml); default: $ICAMO_STUDY, else the nearest icamo.toml.
    #[arg(long, global = true, value_name = "DIR")]
    pub study: Option<PathBuf>,
    /// Print nothing but results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Agree(agree::Args),
    Build(build::Args),
    Chain(chain::Args),
    Code(code::Args),
    Codebook(codebook::Args),
    Codings(codings::Args),
    Eval(eval::Args),
    Export(export::Args),
    Import(import::Args),
    Init(init::Args),
    Ingest(ingest::Args),
    Quotes(quotes::Args),
    Report(report::Args),
    Search(search::Args),
    Sheet(sheet::Args),
    Site(site::Args),
    Show(show::Args),
    Stats(stats::Args),
    Suggest(suggest::Args),
}

/// Runs one command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    let global = Global {
        study: cli.study,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Agree(a) => agree::execute(a, &global),
        Command::Build(a) => build::execute(a, &global),
        Command::Chain(a) => chain::execute(a, &global),
        Command::Code(a) => code::execute(a, &global),
        Command::Codebook(a) => codebook::execute(a, &global),
        Command::Codings(a) => codings::execute(a, &global),
        Command::Eval(a) => eval::execute(a, &global),
        Command::Export(a) => export::execute(a, &global),
        Command::Import(a) => import::execute(a, &global),
        Command::Init(a) => init::execute(a, &global),
        Command::Ingest(a) => ingest::execute(a, &global),
        Command::Quotes(a) => quotes::execute(a, &global),
        Command::Report(a) => report::execute(a, &global),
        Command::Search(a) => search::execute(a, &global),
        Command::Sheet(a) => sheet::execute(a, &global),
        Command::Site(a) => site::execute(a, &global),
        Command::Show(a) => show::execute(a, &global),
        Command::Stats(a) => stats::execute(a, &global),
        Command::Suggest(a) => suggest::execute(a, &global),
    }
}

/// The exit status for an error (see `--help`): 2 for a command line the library finds
/// wrong ([`Error::is_usage`]), as clap's own usage errors; 3 for a locked study; 1 else.
pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Locked { .. } => 3,
        e if e.is_usage() => 2,
        _ => 1,
    }
}

/// Options every command shares.
struct Global {
    study: Option<PathBuf>,
    quiet: bool,
}

impl Global {
    fn study(&self) -> Result<Study, Error> {
        Study::locate(self.study.as_deref())
    }

    /// The study, for a command that counts or shows its evidence: the speakers the manifest
    /// lacks, whose turns count under the role "onbekend", are said again on every such run
    /// while they are so (the ingest that found them may be long past).
    fn evidence_study(&self) -> Result<Study, Error> {
        let study = self.study()?;
        for w in study.state()?.unknown_speakers() {
            note!("warning: {w}");
        }
        Ok(study)
    }
}

/// Prints what each stage of a run did, as soon as it is done: what `icamo build` shows, and
/// `icamo ingest`, `code` and `report` each their part of it.
struct Printer {
    quiet: bool,
}

impl Printer {
    fn new(global: &Global) -> Printer {
        Printer {
            quiet: global.quiet,
        }
    }
}

impl pipeline::Progress for Printer {
    fn ingested(&mut self, study: &Study, report: &IngestReport) -> Result<(), Error> {
        ingest::print(study, report, self.quiet)
    }

    fn coded(&mut self, coded: &pipeline::Coded) -> Result<(), Error> {
        code::print(coded, self.quiet)
    }

    fn placed(&mut self, placements: &Placements) -> Result<(), Error> {
        codings::print(placements, self.quiet);
        Ok(())
    }

    fn reported(&mut self, study: &Study, written: &pipeline::Written) -> Result<(), Error> {
        report::print(study, written, self.quiet)
    }
}

/// The stance given with `--stance`, if any.
fn stance(given: Option<&str>) -> Result<Option<Stance>, Error> {
    given.map(str::parse).transpose().map_err(Error::Usage)
}

/// `value` as pretty JSON on a line of its own.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut json = serde_json::to_vec_pretty(value)?;
    json.push(b'\n');
    Ok(json)
}

/// Output format of commands that print records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// Aligned text for reading.
    Text,
    /// JSON for other programs.
    Json,
}

/// Whether to colour terminal output: only on a terminal, and never with NO_COLOR set.
fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `12:03` or `1:02:03` for a time in milliseconds.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// The label an output shows for a segment's speaker: the role, unless names were asked for.
fn who(segment: &icamo::transcript::Segment, names: bool) -> String {
    let role = if segment.interviewer && segment.role == icamo::transcript::UNKNOWN_ROLE {
        "interviewer"
    } else {
        segment.role.as_str()
    };
    if names {
        format!("{} ({role})", segment.speaker)
    } else {
        role.to_string()
    }
}

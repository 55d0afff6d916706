//! `icamo codebook`: check, show and export the study's codebooks.

use std::fmt::Write as _;
use std::path::PathBuf;

use icamo::codebook::{Codebook, Diagnostic, Severity};
use icamo::coding::stray::rename_code;
use icamo::coding::tag_check::check_tag_codes;
use icamo::error::Error;
use icamo::study::Study;

use super::emit::{Target, emit, note};

/// Check, show or export codebooks
///
/// Without --codebook, works on the study's codebooks: the files and folders its icamo.toml
/// lists under `codebooks` (a folder means every *.toml in it).
///
/// Examples:
///   icamo codebook check
///   icamo codebook show --codebook codebooks/dualiteit.toml
///   icamo codebook patterns > rules.txt && rg -c -f rules.txt corpus/
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Report everything wrong or suspect: unknown parents, duplicate ids, cycles, invalid
    /// regexes and NEAR rules, rules that can never match, codes without rules or examples;
    /// the words the report's causal sentence still lacks (a mechanism's sentence.dan and
    /// sentence.waardoor, a configuration's sentence.als, .mits and .tenzij, a context
    /// factor's effect), as warnings; the codes the quote site shows (mechanisms, context
    /// factors, outcomes) without a plain label (plain = "..."), as warnings; on the study's codebooks, also inline tags in its ingested transcripts that name a code
    /// none of them has. Exits with 1 when there are errors.
    Check(Files),
    /// Print the code tree with each code's kind and number of rules.
    Show(Files),
    /// Print every rule as one regular expression a line, for `rg -c -f FILE`; an
    /// approximation of the analysed matching (stems become prefixes, accents classes).
    Patterns(PatternArgs),
    /// Rename a code everywhere its id is kept: its id, the parent of the codes under it and
    /// the configurations that name it, in the study's codebooks, the findings that rest on it
    /// in findings.toml, and every coding of it in the coders' files. All files change
    /// together or none does. Inline tags in the
    /// transcripts are not rewritten: they are listed, to be corrected by hand.
    ///
    /// Example: icamo codebook rename m.overzicht m.rust
    Rename(RenameArgs),
}

#[derive(Debug, clap::Args)]
struct RenameArgs {
    /// The code's id now.
    old: String,
    /// Its new id.
    new: String,
}

#[derive(Debug, clap::Args)]
struct Files {
    /// A codebook file (repeat for several); default: the study's codebooks.
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct PatternArgs {
    #[command(flatten)]
    files: Files,
    /// Put the code id and a tab before each pattern.
    #[arg(long)]
    with_ids: bool,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let mut out = String::new();
    let result = match args.command {
        Command::Check(files) => {
            // Inline tags are checked against the study's own codebooks, not files given.
            let study = if files.codebook.is_empty() {
                Some(global.study()?)
            } else {
                None
            };
            check(&files.paths(global)?, study.as_ref(), global, &mut out)
        }
        Command::Show(files) => show(&files.paths(global)?, &mut out),
        Command::Patterns(args) => patterns(&args.files.paths(global)?, args.with_ids, &mut out),
        Command::Rename(args) => rename(&args, global),
    };
    emit(out.as_bytes(), Target::Stdout)?;
    result
}

fn show(paths: &[PathBuf], out: &mut String) -> Result<(), Error> {
    for (i, path) in paths.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&Codebook::load(path)?.tree());
    }
    Ok(())
}

fn patterns(paths: &[PathBuf], with_ids: bool, out: &mut String) -> Result<(), Error> {
    for path in paths {
        let book = Codebook::load(path)?;
        let errors = book
            .check()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            note!(
                "warning: {} has {errors} error{}; rules that do not read are left out (see `icamo codebook check`)",
                path.display(),
                plural(errors)
            );
        }
        for p in book.patterns() {
            if with_ids {
                out.push_str(&p.code);
                out.push('\t');
            }
            out.push_str(&p.regex);
            out.push('\n');
        }
    }
    Ok(())
}

impl Files {
    /// The files given, or the study's codebooks.
    fn paths(&self, global: &super::Global) -> Result<Vec<PathBuf>, Error> {
        if !self.codebook.is_empty() {
            return Ok(self.codebook.clone());
        }
        icamo::pipeline::codebook_files(&global.study()?, &[])
    }
}

/// Checks the codebooks and, inside a study, the inline tags of its transcripts against them.
fn check(
    paths: &[PathBuf],
    study: Option<&Study>,
    global: &super::Global,
    out: &mut String,
) -> Result<(), Error> {
    let (mut codes, mut errors, mut warnings) = (0, 0, 0);
    let mut books = Vec::new();
    let mut configurations = Vec::new();
    let mut report = |found: Vec<Diagnostic>, out: &mut String| {
        for d in found {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            let _ = writeln!(out, "{d}");
        }
    };
    for path in paths {
        let read = icamo::codebook::read_text(path)
            .and_then(|text| Codebook::parse(path, &text).map(|book| (book, text)));
        let found = match read {
            Ok((book, text)) => {
                codes += book.codes.len();
                let mut found = book.check();
                // The [[configurations]] are read by `icamo chain`; a file they cannot be read
                // from is an error here too.
                match icamo::codebook::config::parse(path, &text) {
                    Ok(mut these) => configurations.append(&mut these),
                    Err(Error::Codebook {
                        path,
                        line,
                        column,
                        message,
                    }) => found.push(Diagnostic {
                        severity: Severity::Error,
                        path,
                        line,
                        column,
                        message,
                        hint: "see the [[configurations]] format in `icamo chain --help`".into(),
                    }),
                    Err(e) => return Err(e),
                }
                books.push(book);
                found
            }
            Err(Error::Codebook {
                path,
                line,
                column,
                message,
            }) => vec![Diagnostic {
                severity: Severity::Error,
                path,
                line,
                column,
                message,
                hint:
                    "the file must be valid TOML in the codebook format; nothing else was checked"
                        .into(),
            }],
            Err(e) => return Err(e),
        };
        report(found, out);
    }
    report(icamo::codebook::duplicate_ids(&books), out);
    // What the report cannot yet say in a sentence: the author's words still to write.
    report(
        icamo::codebook::sentence::gaps(&configurations, &icamo::codebook::Codes::new(&books)),
        out,
    );
    // The codes the quote site shows its readers without a label in plain words.
    report(
        icamo::codebook::plain::gaps(&configurations, &icamo::codebook::Codes::new(&books)),
        out,
    );
    // Only against every codebook: with one missing, its codes would all look unknown.
    if let Some(study) = study
        && books.len() == paths.len()
    {
        report(check_tag_codes(study, &books)?, out);
    }
    let summary = format!(
        "{} codebook{}, {codes} code{}: {errors} error{}, {warnings} warning{}",
        paths.len(),
        plural(paths.len()),
        plural(codes),
        plural(errors),
        plural(warnings)
    );
    if errors > 0 {
        return Err(Error::Other(summary));
    }
    if !global.quiet {
        let _ = writeln!(out, "{summary}");
    }
    Ok(())
}

fn rename(args: &RenameArgs, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let paths = icamo::pipeline::codebook_files(&study, &[])?;
    let done = rename_code(&study, &paths, &args.old, &args.new)?;
    for tag in &done.tags {
        note!(
            "warning: {} inline tag{} in {} still name{} \"{}\": correct {} in the transcript",
            tag.1,
            plural(tag.1),
            tag.0,
            if tag.1 == 1 { "s" } else { "" },
            args.old,
            if tag.1 == 1 { "it" } else { "them" }
        );
    }
    if !global.quiet {
        for path in done
            .codebooks
            .iter()
            .chain(&done.coder_files)
            .chain(&done.findings)
        {
            note!("wrote {}", path.display());
        }
        note!(
            "renamed {} to {}: {} codebook{}, {} coding{} in {} coder file{}{}",
            args.old,
            args.new,
            done.codebooks.len(),
            plural(done.codebooks.len()),
            done.codings,
            plural(done.codings),
            done.coder_files.len(),
            plural(done.coder_files.len()),
            if done.findings.is_some() {
                ", and the findings file"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

//! `icamo sheet export|apply`: coding sheets to decide on suggestions in a spreadsheet.

use std::fs;
use std::path::{Path, PathBuf};

use icamo::coding::manual::check_coder;
use icamo::coding::sheet::{SheetOrder, apply_sheet, export_rows, sheet_csv, sheet_markdown};
use icamo::error::Error;
use icamo::fsutil::write_atomic;

use super::emit::say;

/// Decide on suggested codes in a spreadsheet: export a coding sheet, fill it in, apply it.
///
/// A sheet has one row per suggested (segment, code), with the matched words in «guillemets»:
///
///   segment,role,case,code,label,score,suggested_stance,decision,new_code,stance,note,text
///   fg-1:0012,werkgever,Havenstad,m.verbinding,Verbinding,3.17,supports,a,,,,"… «vertrouwen» …"
///
/// Fill in `decision` (a = accept, r = reject, c = change, with new_code), and if you like a
/// stance (+, -, ~) and a note, then `icamo sheet apply FILE --coder NAME`. Decisions go to
/// codings/NAME.csv in the study, one coding a line; `icamo code` never changes that file.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(subcommand)]
    command: SheetCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SheetCommand {
    Export(ExportArgs),
    Apply(ApplyArgs),
}

/// Write the open suggestions as a CSV to fill in, and a Markdown page to read.
///
/// One row per suggested (segment, code) that the coder has not decided yet, code by code,
/// best score first. Run `icamo code` first. Example:
///
///   icamo sheet export --code icamo1 --coder anna
///   → sheets/icamo1-anna.csv and sheets/icamo1-anna.md
#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Only this code and the codes under it.
    #[arg(long, value_name = "ID")]
    code: Option<String>,
    /// Leave out what this coder already decided (and name the sheet after them).
    #[arg(long, value_name = "NAME")]
    coder: Option<String>,
    /// The CSV to write (the Markdown view goes beside it, as .md); default:
    /// sheets/<code or all>-<coder>.csv in the study.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite an existing sheet (it may hold decisions not applied yet).
    #[arg(long)]
    force: bool,
    /// A codebook file to use instead of the manifest's (may be given more than once).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
    /// The rows' order: `codes` (code by code, best score first) or `teaching` (where rules
    /// and meaning disagree first, then the suggestions meaning is least sure of: deciding
    /// those teaches the suggestions most; needs `icamo code` with a [semantic] table).
    #[arg(long, value_enum, default_value = "codes")]
    order: Order,
}

/// `--order`: the library's [`SheetOrder`].
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Order {
    Codes,
    Teaching,
}

/// Record the decisions of a filled-in sheet in codings/NAME.csv.
///
/// decision: accept (a, ja, yes, +), reject (r, nee, no, -) or change (c; put the code that
/// applies in new_code); empty rows are skipped. stance: supports (+, ondersteunt), contradicts
/// (-, weerspreekt), nuance (~, nuanceert) or none (geen houding); empty takes the suggested stance, or none for a change (the suggested stance
/// was about the suggested code). A filled-in row:
///
///   int-sh:0003,statushouder,Veenoord,m.verbinding,Verbinding,1.20,supports,a,,~,alleen soms,…
///
/// Any wrong row (unknown decision, code, segment or stance) stops the run with FILE:LINE and
/// nothing is written. Applying the same sheet twice changes nothing; a row that contradicts an
/// earlier decision of the coder is refused unless --replace is given.
#[derive(Debug, clap::Args)]
struct ApplyArgs {
    /// The filled-in sheet (CSV, with "," or ";" between fields).
    file: PathBuf,
    /// Whose decisions these are: letters, digits, '-' and '_'.
    #[arg(long, value_name = "NAME")]
    coder: String,
    /// Let rows replace the coder's earlier decisions on the same segment and code.
    #[arg(long)]
    replace: bool,
    /// A codebook file to use instead of the manifest's (may be given more than once).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    match args.command {
        SheetCommand::Export(a) => export(a, global),
        SheetCommand::Apply(a) => apply(a, global),
    }
}

fn export(args: ExportArgs, global: &super::Global) -> Result<(), Error> {
    if let Some(coder) = &args.coder {
        check_coder(coder).map_err(Error::Usage)?;
    }
    let study = global.evidence_study()?;
    let codebooks = icamo::pipeline::load_codebooks(&study, &args.codebook)?;
    super::codings::warn(&study, global, Some(&codebooks.codes()))?;
    let export = export_rows(
        &study,
        &codebooks.books,
        args.code.as_deref(),
        args.coder.as_deref(),
        match args.order {
            Order::Codes => SheetOrder::Codes,
            Order::Teaching => SheetOrder::Teaching,
        },
    )?;
    let csv_path = args.out.clone().unwrap_or_else(|| {
        let mut name = export.code.clone().unwrap_or_else(|| "all".to_string());
        if let Some(coder) = &args.coder {
            name = format!("{name}-{coder}");
        }
        study.root.join("sheets").join(format!("{name}.csv"))
    });
    let md_path = csv_path.with_extension("md");
    if csv_path == md_path {
        return Err(Error::Usage(format!(
            "--out {}: give the sheet a .csv name; its Markdown view is written beside it as .md",
            csv_path.display()
        )));
    }
    if !args.force {
        for path in [&csv_path, &md_path] {
            if path.exists() {
                return Err(Error::Other(format!(
                    "{} already exists and may hold decisions not applied yet: apply it first, choose another --out, or give --force to overwrite it",
                    path.display()
                )));
            }
        }
    }
    let mut title = format!(
        "Coding sheet: {}",
        export.code.as_deref().unwrap_or("all codes")
    );
    if let Some(coder) = &args.coder {
        title.push_str(&format!(" (coder {coder})"));
    }
    let csv_name = file_name(&csv_path);
    let markdown = sheet_markdown(&export.rows, &title, &csv_name);
    if let Some(dir) = csv_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    write_atomic(&csv_path, &sheet_csv(&export.rows)?)?;
    write_atomic(&md_path, markdown.as_bytes())?;
    if !global.quiet {
        say!(
            "{} suggestions to decide on in {} (to read: {})",
            export.rows.len(),
            csv_path.display(),
            file_name(&md_path)
        )?;
        if export.decided > 0 {
            say!("  {} already decided, left out", export.decided)?;
        }
        if let Some(why) = &export.unlearned {
            say!("  note: {why}")?;
        }
        if export.stale > 0 {
            say!(
                "  {} suggestions for codes or segments the study no longer has were left out: run `icamo code` again",
                export.stale
            )?;
        }
        if let Some(coder) = &args.coder {
            say!(
                "fill in the decision column, then: icamo sheet apply {} --coder {coder}",
                csv_path.display()
            )?;
        }
    }
    Ok(())
}

fn apply(args: ApplyArgs, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let codebooks = icamo::pipeline::load_codebooks(&study, &args.codebook)?;
    let applied = apply_sheet(
        &study,
        &codebooks.books,
        &args.file,
        &args.coder,
        args.replace,
    )?;
    for n in &applied.notes {
        say!("note: {n}")?;
    }
    if !global.quiet {
        say!(
            "{} decisions read ({} accept, {} reject, {} change of code), {} rows without a decision",
            applied.accepted + applied.rejected + applied.changed,
            applied.accepted,
            applied.rejected,
            applied.changed,
            applied.skipped
        )?;
        say!(
            "{}: {} codings added, {} replaced, {} already recorded",
            applied.file.display(),
            applied.added,
            applied.replaced,
            applied.unchanged
        )?;
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

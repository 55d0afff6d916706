//! `icamo import qdc|qdpx FILE`: codebooks and projects from other QDA tools (REFI-QDA 1.0).

use std::path::{Path, PathBuf};

use icamo::codebook::Codebook;
use icamo::error::Error;
use icamo::fsutil::write_atomic;
use icamo::ingest::{IngestOptions, ingest};
use icamo::interop::{qdc, qdpx};

use super::emit::say;

/// Bring in work done in ATLAS.ti, NVivo, MAXQDA, QualCoder or another tool that speaks
/// REFI-QDA, or an icamo export.
///
/// A codebook (.qdc) becomes an icamo codebook: the code tree, names, colours and descriptions,
/// and, for codebooks icamo exported, every kind, level, rule and configuration. Codes from
/// other tools get an id made from their name and kind "other"; give them their ICAMO kind in
/// the TOML afterwards.
///
/// A project (.qdpx) becomes a new study folder: its users become coders
/// (codings/USER.csv), its text sources transcripts (corpus/), its codebook
/// codebooks/NAME.toml, its notes memos (memos/), and every coding of the project is listed in
/// refi-import.csv with the turns it landed on, or why it could not be placed (a picture
/// region, a source whose text is not in the archive). Each coding lands on the passage
/// its selection covers, whichever way the tool counted offsets (code points or UTF-16
/// units, BOM, CR LF, end inclusive or not: picked per source from what its selections
/// fit, and written in the ledger). Code groups, links and comments on passages without a
/// code become memos; document groups and cases become document attributes; what has no
/// place in icamo (graphs, cases made of passages) is named. The study is ingested at once.
///
/// When a coding of the project cannot be placed, the import stops with exit status 1 and
/// leaves no study, unless --allow-lost-codings is given.
///
/// Examples:
///   icamo import qdpx project.qdpx --into ../havenstad-atlas
///   icamo import qdc codebook.qdc                 # into this study's codebooks/
///   icamo import qdc codebook.qdc --out codebooks/atlas.toml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// A REFI-QDA codebook (.qdc) as an icamo codebook.
    Qdc {
        /// The .qdc file.
        file: PathBuf,
        /// Where to write the codebook (default: the study's codebooks/NAME.toml).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace a codebook file that exists.
        #[arg(long)]
        force: bool,
        /// The language its rules are analysed in, where the file does not say.
        #[arg(long, default_value = "nl")]
        language: String,
    },
    /// A REFI-QDA project (.qdpx) as a new study.
    Qdpx {
        /// The .qdpx file.
        file: PathBuf,
        /// The new study folder (must not exist, or be empty).
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// The language of the transcripts (nl or en), where the project does not say;
        /// by default told from their text.
        #[arg(long)]
        language: Option<String>,
        /// Import the study even when some of the project's codings cannot be placed (each is
        /// listed in refi-import.csv with the reason); without it such an import fails.
        #[arg(long)]
        allow_lost_codings: bool,
    },
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    match args.what {
        What::Qdc {
            file,
            out,
            force,
            language,
        } => import_codebook(&file, out.as_deref(), force, &language, global),
        What::Qdpx {
            file,
            into,
            language,
            allow_lost_codings,
        } => import_project(&file, &into, language, allow_lost_codings, global),
    }
}

/// `icamo import qdc`: the codebooks of the file into `out`, or into the study.
fn import_codebook(
    file: &Path,
    out: Option<&Path>,
    force: bool,
    language: &str,
    global: &super::Global,
) -> Result<(), Error> {
    let imported = qdc::import_qdc(file, language)?;
    let targets: Vec<PathBuf> = match out {
        Some(out) if imported.books.len() == 1 => vec![out.to_path_buf()],
        Some(out) => {
            return Err(Error::Other(format!(
                "{} holds {} icamo codebooks; give --out a folder instead of {}, or leave it out",
                file.display(),
                imported.books.len(),
                out.display()
            )));
        }
        None => targets_in_study(file, &imported, global)?,
    };
    for t in &targets {
        if t.exists() && !force {
            return Err(Error::Other(format!(
                "{} exists: give --force to replace it, or --out another file",
                t.display()
            )));
        }
    }
    for (book, target) in imported.books.iter().zip(&targets) {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic(target, book.toml.as_bytes())?;
        if !global.quiet {
            say!(
                "codebook \"{}\": {} codes → {}",
                book.name,
                book.codes,
                target.display()
            )?;
        }
    }
    if !global.quiet {
        for n in &imported.notes {
            say!("note: {n}")?;
        }
    }
    Ok(())
}

/// Where the imported codebooks go in the study: a codebook of the same name replaces its file
/// (with --force); another goes beside the study's codebooks, and may not repeat their code ids.
fn targets_in_study(
    file: &Path,
    imported: &qdc::ImportedCodes,
    global: &super::Global,
) -> Result<Vec<PathBuf>, Error> {
    let study = global.study()?;
    let existing: Vec<(PathBuf, Codebook)> = study
        .codebook_paths()?
        .into_iter()
        .filter_map(|p| Codebook::load(&p).ok().map(|b| (p, b)))
        .collect();
    let dir = study.root.join("codebooks");
    let mut targets = Vec::new();
    for book in &imported.books {
        let target = existing
            .iter()
            .find(|(_, b)| b.name == book.name)
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| dir.join(format!("{}.toml", file_name(&book.name))));
        let ids = Codebook::parse(&target, &book.toml)?;
        for (path, other) in existing.iter().filter(|(p, _)| *p != target) {
            let clash: Vec<&str> = ids
                .codes
                .iter()
                .filter(|c| other.code(&c.id).is_some())
                .map(|c| c.id.as_str())
                .take(3)
                .collect();
            if !clash.is_empty() {
                return Err(Error::Other(format!(
                    "the codes of {} ({}…) are already in {}: import it with --out into another study, or remove that codebook first",
                    file.display(),
                    clash.join(", "),
                    path.display()
                )));
            }
        }
        targets.push(target);
    }
    Ok(targets)
}

/// `icamo import qdpx`: the project as a new study in `into`, ingested at once. When ingest
/// fails, or a coding could not be placed and `allow_lost` is not given, the new study is
/// removed again: a failed import leaves no study behind.
fn import_project(
    file: &Path,
    into: &Path,
    language: Option<String>,
    allow_lost: bool,
    global: &super::Global,
) -> Result<(), Error> {
    let imported = qdpx::import_qdpx(
        file,
        &qdpx::ImportOptions {
            into: into.to_path_buf(),
            language,
            max_unpacked: qdpx::DEFAULT_MAX_UNPACKED,
        },
    )?;
    let options = IngestOptions {
        keep_going: true,
        ..Default::default()
    };
    let report = match ingest(&imported.study, &options) {
        Ok(report) => report,
        Err(e) => {
            let _ = imported.discard();
            return Err(e);
        }
    };
    let summary = &imported.summary;
    let lost = summary.lost();
    if !global.quiet || (lost > 0 && !allow_lost) {
        print_project_summary(file, into, summary, &report.failed, allow_lost)?;
    }
    if lost > 0 && !allow_lost {
        let _ = imported.discard();
        return Err(Error::Other(format!(
            "{lost} of the {} codings in {} could not be placed (the reasons are above), so nothing was imported; give --allow-lost-codings to import the study without them (each is then listed in refi-import.csv)",
            summary.codings,
            file.display()
        )));
    }
    Ok(())
}

/// What the import of a project did, and what to do next; `failed` are the transcripts
/// ingest could not read.
fn print_project_summary(
    file: &Path,
    into: &Path,
    s: &qdpx::ImportSummary,
    failed: &[Error],
    kept: bool,
) -> Result<(), Error> {
    say!(
        "imported {} ({}) into {}",
        file.display(),
        s.qde,
        into.display()
    )?;
    say!("  codes       {}", s.codes)?;
    say!(
        "  documents   {} of {} text sources ingested",
        s.documents.saturating_sub(failed.len()),
        s.sources
    )?;
    if s.sources > s.documents {
        say!(
            "              {} without their text in the archive",
            s.sources - s.documents
        )?;
    }
    for f in failed {
        say!("              not read as a transcript: {f}")?;
    }
    say!("  coders      {}", s.coders)?;
    say!(
        "  codings     {} of {} placed, as {} codings on turns",
        s.codings - s.lost(),
        s.codings,
        s.placed
    )?;
    for (reason, n) in &s.unplaced {
        say!("              {n} not placed: {reason}")?;
    }
    for (source, convention) in &s.conventions {
        say!("  offsets     \"{source}\" read as {convention} (what its selections fit)")?;
    }
    if s.memos > 0 {
        say!("  memos       {} (memos/)", s.memos)?;
    }
    for n in &s.not_carried {
        say!("  left out    {n}")?;
    }
    for n in &s.notes {
        say!("note: {n}")?;
    }
    if s.lost() > 0 && !kept {
        return Ok(());
    }
    let next = if s.speakers == 0 {
        format!(
            "give the speakers in the transcripts their roles in {} ([[speakers]]), then run icamo build --study {}",
            into.join("icamo.toml").display(),
            into.display()
        )
    } else {
        format!("icamo build --study {}", into.display())
    };
    say!(
        "Every coding is listed in {}. Next: {next}",
        into.join("refi-import.csv").display()
    )
}

/// A file name for a codebook name: lower case, letters and digits, one `-` between words.
fn file_name(name: &str) -> String {
    let mut s = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() || c == '_' {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "imported".into() } else { s }
}

//! A REFI-QDA project in, as a new study folder.
//!
//! [`import_qdpx`] reads the archive (`archive`), works out what the project holds and where
//! each part goes (`plan`), and writes the study into a staging folder beside its
//! destination: the transcripts, the manifest (`manifest`), the codebooks, the coders' files
//! with every selection placed on the words it covers in each turn (`codings`, `offsets`),
//! the ledger of every coding and of what has no place in icamo (`ledger`) and the memos
//! (`memos`). Only a complete study is moved into place. The caller ingests it: the import
//! parses the new transcripts only to place the codings on their turns.
//!
//! Every source becomes a plain-text transcript read for speaker labels. A source that is no
//! transcript (notes, papers, NVivo sources without `Name:` labels) is better read by
//! paragraph (`read_as = "document"` in its `[[documents]]` entry): that is decided where
//! `manifest` writes the entry, and read back through [`Corpus::read`] in `turns`; placing
//! codings needs nothing more, as it works on whatever segments a document has, speakers or
//! not.

mod archive;
mod codings;
mod ledger;
mod manifest;
mod memos;
mod offsets;
mod plan;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use self::archive::Archive;
use self::offsets::SourceText;
use self::plan::{Plan, qdc_slug};
use crate::corpus::Corpus;
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::study::{CODINGS_DIR, Study};
use crate::transcript::Segment;

/// How to import a project.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The new study folder; it must not exist, or be empty.
    pub into: PathBuf,
    /// The language of the transcripts, where the project does not say (icamo's own exports
    /// do); `None`: told from their text.
    pub language: Option<String>,
    /// Most bytes unpacked from the archive in all ([`DEFAULT_MAX_UNPACKED`] by default).
    pub max_unpacked: u64,
}

/// How many bytes an import unpacks at most: far above any real project's text (a thousand
/// hour-long transcripts are about 100 MB), far below what a zip bomb would fill.
pub const DEFAULT_MAX_UNPACKED: u64 = 4 * 1024 * 1024 * 1024;

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    /// The `.qde` file read inside the archive.
    pub qde: String,
    /// Codes read.
    pub codes: usize,
    /// Text sources that became transcripts.
    pub documents: usize,
    /// Coders (users with codings).
    pub coders: usize,
    /// Text sources in the project (each became a transcript where its text is there).
    pub sources: usize,
    /// The project's codings.
    pub codings: usize,
    /// Codings placed on segments (one per segment a selection covers).
    pub placed: usize,
    /// Codings of the project not placed, by reason.
    pub unplaced: BTreeMap<String, usize>,
    /// The offset convention of each source read under another than the standard's (code
    /// points, end exclusive): the source's name and how its offsets were read.
    pub conventions: Vec<(String, String)>,
    /// Notes written as memos.
    pub memos: usize,
    /// `[[speakers]]` entries in the new manifest (from an icamo export; none otherwise).
    pub speakers: usize,
    /// The parts of the project not carried over, each with why (also in the ledger).
    pub not_carried: Vec<String>,
    /// Things worth telling the user.
    pub notes: Vec<String>,
}

impl ImportSummary {
    /// How many of the project's codings were not placed.
    pub fn lost(&self) -> usize {
        self.unplaced.values().sum()
    }
}

/// A project imported as a new study, which the caller ingests next.
#[derive(Debug)]
pub struct Imported {
    /// The new study, in its folder.
    pub study: Study,
    /// What the import did.
    pub summary: ImportSummary,
    /// Whether the folder was there (empty) before the import.
    folder_existed: bool,
}

impl Imported {
    /// Removes the new study, leaving its folder as the import found it: for a caller whose
    /// next step (ingest) failed, so that a failed import leaves no study behind.
    pub fn discard(&self) -> Result<(), Error> {
        let root = &self.study.root;
        std::fs::remove_dir_all(root).map_err(|e| Error::io(root, e))?;
        if self.folder_existed {
            std::fs::create_dir(root).map_err(|e| Error::io(root, e))?;
        }
        Ok(())
    }
}

/// Imports a `.qdpx` project as a new study in `options.into`, not yet ingested.
pub fn import_qdpx(file: &Path, options: &ImportOptions) -> Result<Imported, Error> {
    let into = &options.into;
    refuse_a_folder_in_use(into)?;
    let folder_existed = into.exists();
    let mut archive = Archive::open(file, options.max_unpacked)?;
    let qde = archive.qde()?;
    let plan = Plan::read(&qde, options.language.as_deref(), &mut archive)?;
    let staging = staging_folder(into)?;
    let summary = match write_study(&staging, &plan, &mut archive) {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if into.exists() {
        std::fs::remove_dir(into).map_err(|e| Error::io(into, e))?;
    }
    std::fs::rename(&staging, into).map_err(|e| Error::io(into, e))?;
    Ok(Imported {
        study: Study::open(into)?,
        summary,
        folder_existed,
    })
}

/// Refuses a destination that is not empty: icamo never writes over a study.
fn refuse_a_folder_in_use(into: &Path) -> Result<(), Error> {
    if into.exists()
        && std::fs::read_dir(into)
            .map_err(|e| Error::io(into, e))?
            .next()
            .is_some()
    {
        return Err(Error::Other(format!(
            "{} is not empty: import a project into a new folder (icamo never writes over a study)",
            into.display()
        )));
    }
    Ok(())
}

/// A new, empty staging folder beside the destination `into` (hidden, named after it).
fn staging_folder(into: &Path) -> Result<PathBuf, Error> {
    let parent = into
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let staging = parent.join(format!(
        ".{}.icamo-import-{}",
        into.file_name()
            .map_or("study".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    Ok(staging)
}

/// Writes the study `plan` describes into the folder `dir`.
fn write_study(dir: &Path, plan: &Plan<'_>, archive: &mut Archive) -> Result<ImportSummary, Error> {
    let mut summary = ImportSummary {
        qde: plan.qde.name.clone(),
        codes: plan.codes.books.iter().map(|b| b.codes).sum(),
        notes: plan
            .language_notes
            .iter()
            .chain(&plan.codes.notes)
            .cloned()
            .collect(),
        ..Default::default()
    };
    for sub in ["corpus", "codebooks", CODINGS_DIR] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| Error::io(&dir.join(sub), e))?;
    }
    let texts = write_transcripts(dir, plan)?;
    summary.documents = texts.iter().flatten().count();
    write_atomic(&dir.join("icamo.toml"), manifest::manifest(plan).as_bytes())?;
    summary.speakers = plan
        .block
        .as_ref()
        .and_then(|b| b.get("speakers")?.as_array().map(Vec::len))
        .unwrap_or(0);
    for b in &plan.codes.books {
        let file = format!("{}.toml", qdc_slug(&b.name));
        write_atomic(&dir.join("codebooks").join(file), b.toml.as_bytes())?;
    }
    let (turns, unread) = turns(&Study::open(dir)?)?;
    let mut placed = codings::place(plan, &texts, &turns, &unread);
    summary.sources = plan.sources.len();
    summary.codings = placed.ledger.len();
    let not_carried = ledger::not_carried(plan);
    summary.not_carried = not_carried.iter().map(|r| r.describe()).collect();
    placed.ledger.extend(not_carried);
    summary.placed = placed.placed;
    summary.conventions = placed.conventions;
    summary.unplaced = ledger::unplaced_by_reason(&placed.ledger);
    summary.coders = placed.per_coder.len();
    codings::write_coders(dir, placed.per_coder)?;
    ledger::write(dir, &placed.ledger)?;
    summary.memos = memos::write(dir, plan, archive, &placed.comments)?;
    Ok(summary)
}

/// The transcripts in `corpus/`, with line ends made LF (as icamo reads them); returns each
/// source's text, where the archive has it, for placing its selections.
fn write_transcripts(dir: &Path, plan: &Plan<'_>) -> Result<Vec<Option<SourceText>>, Error> {
    let mut texts = Vec::new();
    for (s, id) in plan.sources.iter().zip(&plan.doc_ids) {
        let text = s.text.as_deref().map(SourceText::new);
        if let Some(t) = &text {
            let file = dir.join("corpus").join(format!("{id}.txt"));
            write_atomic(&file, t.clean.as_bytes())?;
        }
        texts.push(text);
    }
    Ok(texts)
}

/// The segments of each new document by id, and why a document has none.
type TurnsRead = (HashMap<String, Vec<Segment>>, HashMap<String, String>);

/// The turns ingest will make of the new transcripts, by document id: [`Corpus::read`], as
/// ingest reads them, so the codings are placed on the segments the ingested study will
/// hold. A transcript that does not parse has none; the second map says why.
fn turns(study: &Study) -> Result<TurnsRead, Error> {
    let corpus = Corpus::new(&study.root, &study.manifest);
    let mut by_doc = HashMap::new();
    let mut unread = HashMap::new();
    for doc in corpus.discover()? {
        match corpus.read(&doc) {
            Ok(read) => {
                by_doc.insert(doc.id, read.made.segments);
            }
            Err(e) => {
                unread.insert(doc.id, e.to_string());
            }
        }
    }
    Ok((by_doc, unread))
}

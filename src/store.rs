//! The study's derived state, `.icamo/`, in one place: the ingest [`State`], the stored
//! segments (one JSON Lines file per document), the search index folder, and whether the study
//! has been ingested at all.
//!
//! ```text
//! .icamo/
//!   state.json            what the last ingest recorded (State)
//!   index/                the tantivy index
//!   segments/DOC.jsonl    each document's segments, in order
//!   staging/              an ingest's segments until it commits
//!   index.new, index.old  a rebuild's index until it is swapped in (ingest)
//!   suggestions.jsonl     the rules' suggestions (coding)
//!   embeddings/MODEL.bin  vectors by model and text hash (semantic::cache)
//!   tag-codings.csv       the inline tags' codings (ingest writes, coding::manual reads)
//!   tmp/                  write_atomic's temporary files (fsutil)
//!   lock                  the study's write lock (Study::lock)
//! ```
//!
//! Everything here can be rebuilt from the study's sources by `icamo ingest --rebuild`.
//!
//! Stages that need every stored document read them in one pass, [`Study::scan`], which hands
//! each document to every [`DocumentSink`] (ripgrep's `Sink` is the model): a command that
//! codes, gathers evidence and counts reads each segment file once.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Warning};
use crate::fsutil::{STATE_DIR, write_atomic};
use crate::study::Study;
use crate::transcript::{Format, Segment, UNKNOWN_ROLE};

/// Documents read at a time by [`Study::scan`], per thread: enough to keep every core busy for a
/// sink that works on a batch in parallel, few enough that memory holds only their segments.
const DOCS_PER_THREAD: usize = 4;

/// One stored document as [`Study::scan`] hands it to the sinks.
#[derive(Debug, Clone)]
pub(crate) struct StoredDocument {
    /// The document id.
    pub id: String,
    /// Its segments, in order.
    pub segments: Vec<Segment>,
}

/// A consumer of the stored documents in one [`Study::scan`].
///
/// Documents come in segment id order (`DOC:` order, which is id order but for ids of which
/// one extends another), each once. An error from a sink ends the scan and is returned.
pub(crate) trait DocumentSink {
    /// Takes one document.
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error>;

    /// Takes the next documents in order; by default one at a time through
    /// [`DocumentSink::document`]. A sink with heavy work per document overrides it to work on
    /// the batch in parallel.
    fn batch(&mut self, docs: &[StoredDocument]) -> Result<(), Error> {
        docs.iter().try_for_each(|d| self.document(d))
    }

    /// Whether the sink needs document `id` at all; a document no sink needs is not read.
    fn wants(&self, _id: &str) -> bool {
        true
    }
}

/// The file, inside `.icamo/`, of the ingest state.
const STATE_FILE: &str = "state.json";

/// The file of the segments' fingerprints in the state folder.
const PRINTS_FILE: &str = "prints.json";

impl Study {
    /// Whether an ingest has finished in this study: its index and its state are both there.
    /// An index without a state is an ingest that was stopped before it finished.
    pub fn is_ingested(&self) -> bool {
        self.index_dir().exists() && self.state_dir().join(STATE_FILE).exists()
    }

    /// [`Study::is_ingested`], or the error that tells the user to run `icamo ingest`.
    pub fn ensure_ingested(&self) -> Result<(), Error> {
        if self.is_ingested() {
            Ok(())
        } else {
            Err(Error::NotIngested(self.root.clone()))
        }
    }

    /// The search index folder.
    pub fn index_dir(&self) -> PathBuf {
        self.state_dir().join("index")
    }

    /// Where a rebuild builds its index (`new`), and where it moves the live one while it swaps
    /// (`old`): beside the live index, so a killed rebuild leaves the live one whole.
    pub(crate) fn rebuild_index_dirs(&self) -> (PathBuf, PathBuf) {
        (
            self.state_dir().join("index.new"),
            self.state_dir().join("index.old"),
        )
    }

    /// The rules' suggestions of the last `icamo code`, as JSON Lines.
    pub(crate) fn suggestions_path(&self) -> PathBuf {
        self.state_dir().join("suggestions.jsonl")
    }

    /// The embeddings cache of `model`: the file is named by a hash of the model's name, which
    /// may hold characters a file name cannot.
    pub(crate) fn embeddings_path(&self, model: &str) -> PathBuf {
        let hash = blake3::hash(model.as_bytes()).to_hex();
        self.state_dir()
            .join("embeddings")
            .join(format!("{}.bin", &hash[..16]))
    }

    /// What the suggestions were made with (codebooks and documents), to tell when they are
    /// stale.
    pub(crate) fn suggestions_made_with_path(&self) -> PathBuf {
        self.state_dir().join("suggestions-made-with.json")
    }

    /// The codings of the transcripts' inline tags, as ingest last read them.
    pub(crate) fn tag_codings_path(&self) -> PathBuf {
        self.state_dir().join("tag-codings.csv")
    }

    /// The file whose operating-system lock is the study's write lock.
    pub(crate) fn lock_path(&self) -> PathBuf {
        self.state_dir().join("lock")
    }

    /// The folder of stored segments, one JSON Lines file per document.
    pub(crate) fn segments_dir(&self) -> PathBuf {
        self.state_dir().join("segments")
    }

    /// The state the last ingest left, or an empty one.
    pub fn state(&self) -> Result<State, Error> {
        let path = self.state_dir().join(STATE_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::Other(format!(
                    "{}: the ingest state is damaged ({e}); delete the {STATE_DIR} folder and run `icamo ingest` to rebuild it",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Writes the ingest state (atomically), and first the fingerprints of its documents'
    /// segments: those `state` holds, else the ones stored for the same content before.
    pub(crate) fn save_state(&self, state: &State) -> Result<(), Error> {
        let mut stored = self.prints()?;
        let prints: BTreeMap<&str, StoredPrints> = state
            .documents
            .iter()
            .map(|(id, d)| {
                let kept = stored
                    .remove(id.as_str())
                    .filter(|p| d.prints.is_empty() && p.content_hash == d.content_hash);
                let prints = match kept {
                    Some(p) => p,
                    // Made in this run, or (for a study ingested before fingerprints) made
                    // now from the stored segments, once.
                    None if d.prints.is_empty() => StoredPrints {
                        content_hash: d.content_hash.clone(),
                        prints: self
                            .document_segments(id)?
                            .iter()
                            .map(|s| fingerprint(&s.text))
                            .collect(),
                    },
                    None => StoredPrints {
                        content_hash: d.content_hash.clone(),
                        prints: d.prints.concat(),
                    },
                };
                Ok((id.as_str(), prints))
            })
            .collect::<Result<_, Error>>()?;
        let json = serde_json::to_vec(&prints).map_err(|e| Error::Other(e.to_string()))?;
        write_atomic(&self.state_dir().join(PRINTS_FILE), &json)?;
        let path = self.state_dir().join(STATE_FILE);
        let mut text =
            serde_json::to_string_pretty(state).map_err(|e| Error::Other(e.to_string()))?;
        text.push('\n');
        write_atomic(&path, text.as_bytes())
    }

    /// The stored fingerprints of each document's segments, by document id (see
    /// `DocState::prints`); none before the first ingest that recorded them.
    pub fn prints(&self) -> Result<BTreeMap<String, StoredPrints>, Error> {
        let path = self.state_dir().join(PRINTS_FILE);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Other(format!(
                    "{}: the stored fingerprints are damaged ({e}); run `icamo ingest --rebuild`",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Where an ingest puts the segments it made until they are committed.
    pub(crate) fn staging_dir(&self) -> PathBuf {
        self.state_dir().join("staging")
    }

    /// The stored segments of one document, in order.
    pub fn document_segments(&self, doc: &str) -> Result<Vec<Segment>, Error> {
        read_segments(&self.segments_dir().join(format!("{doc}.jsonl")))
    }

    /// The ids of the ingested documents, in id order: to read their segments one document at
    /// a time ([`Study::document_segments`]) where [`Study::all_segments`] would hold a large
    /// study's all at once.
    pub(crate) fn document_ids(&self) -> Result<Vec<String>, Error> {
        let state = self.state()?;
        if state.documents.is_empty() && !self.is_ingested() {
            return Err(Error::NotIngested(self.root.clone()));
        }
        Ok(state.documents.into_keys().collect())
    }

    /// Reads every stored document once, in segment id order, and hands it to each sink in
    /// turn. Documents are read a batch at a time, in parallel, and the next batch is read
    /// while the sinks work on this one.
    pub(crate) fn scan(&self, sinks: &mut [&mut dyn DocumentSink]) -> Result<(), Error> {
        let mut ids = self.document_ids()?;
        ids.sort_by_cached_key(|d| format!("{d}:"));
        ids.retain(|id| sinks.iter().any(|s| s.wants(id)));
        let batch_size = rayon::current_num_threads().max(1) * DOCS_PER_THREAD;
        let mut batches = ids.chunks(batch_size);
        let Some(first) = batches.next() else {
            return Ok(());
        };
        let mut docs = self.read_batch(first)?;
        for next in batches {
            let read = std::thread::scope(|scope| {
                let reading = scope.spawn(|| self.read_batch(next));
                let fed = sinks.iter_mut().try_for_each(|sink| sink.batch(&docs));
                let read = reading.join().expect("reading a batch does not panic");
                fed.and(read)
            });
            docs = read?;
        }
        sinks.iter_mut().try_for_each(|sink| sink.batch(&docs))
    }

    /// The stored documents `ids`, read in parallel.
    fn read_batch(&self, ids: &[String]) -> Result<Vec<StoredDocument>, Error> {
        ids.par_iter()
            .map(|id| {
                Ok(StoredDocument {
                    id: id.clone(),
                    segments: self.document_segments(id)?,
                })
            })
            .collect()
    }

    /// Every stored segment, document by document in id order.
    pub fn all_segments(&self) -> Result<Vec<Segment>, Error> {
        let mut all = Vec::new();
        for doc in self.document_ids()? {
            all.extend(self.document_segments(&doc)?);
        }
        Ok(all)
    }

    /// Removes one document's stored segments.
    pub(crate) fn remove_segments(&self, doc: &str) -> Result<(), Error> {
        let path = self.segments_dir().join(format!("{doc}.jsonl"));
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&path, e)),
            _ => Ok(()),
        }
    }
}

/// What the last ingest recorded, so the next one can skip unchanged files, and what it found
/// that stays true until the file or the manifest changes (the speakers the manifest lacks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The analysis version the index was built with; a different one forces a rebuild.
    pub analysis_version: String,
    /// Every ingested document by id.
    pub documents: BTreeMap<String, DocState>,
}

/// The fingerprints of one document's segments as stored: valid while the document's
/// content hash is this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPrints {
    /// The content hash of the document they were made from.
    pub content_hash: String,
    /// The fingerprints, each [`PRINT_LEN`] characters, one after the other.
    pub prints: String,
}

impl StoredPrints {
    /// The fingerprint of the `ordinal`-th segment (1-based).
    pub fn at(&self, ordinal: u32) -> Option<&str> {
        let start = (ordinal as usize).checked_sub(1)? * PRINT_LEN;
        self.prints.get(start..start + PRINT_LEN)
    }

    /// How many fingerprints there are.
    pub fn len(&self) -> usize {
        self.prints.len() / PRINT_LEN
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.prints.is_empty()
    }
}

/// The length of a segment's fingerprint, in hex digits.
pub const PRINT_LEN: usize = 16;

/// A segment's fingerprint: the start of the BLAKE3 hash of its text, exactly as stored.
pub fn fingerprint(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..PRINT_LEN].to_string()
}

/// One ingested document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocState {
    /// Path relative to the study folder.
    pub path: String,
    /// The format it was parsed as.
    pub format: Format,
    /// BLAKE3 of the file's bytes.
    pub content_hash: String,
    /// Digest of the manifest entries that shape its segments.
    pub metadata_hash: String,
    /// Number of segments stored.
    pub segments: usize,
    /// Each segment's fingerprint (`coding::anchor::fingerprint`), in order: how a coding
    /// checks that its words still stand where it points without reading the segments. Kept
    /// in a file of their own (`Study::prints`), so that reading the state stays cheap in a
    /// large study; empty in a state read back, and for documents ingested before anchors.
    #[serde(skip)]
    pub prints: Vec<String>,
    /// The speaker labels the manifest has no entry for, as the ingest that parsed the file
    /// found them. `None` in a state an older icamo wrote, which did not record them: the next
    /// ingest parses the document again.
    #[serde(default)]
    pub unknown_speakers: Option<Vec<UnknownSpeaker>>,
}

/// A speaker label of a transcript that no `[[speakers]]` entry of the manifest has (empty:
/// turns without a label), with the line of its first turn. Its turns are stored with the
/// role "onbekend", which is worth saying on every run that counts them, not only on the one
/// that parsed the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownSpeaker {
    /// The label as the transcript writes it.
    pub label: String,
    /// 1-based line of the label's first turn.
    pub line: usize,
}

impl UnknownSpeaker {
    /// The warning for this speaker in the transcript at `path` (relative to the study).
    pub fn warning(&self, path: &str) -> Warning {
        let message = if self.label.is_empty() {
            format!("turns without a speaker label: stored with role \"{UNKNOWN_ROLE}\"")
        } else {
            format!(
                "speaker \"{}\" is not in the manifest: add a [[speakers]] entry with its role (stored as \"{UNKNOWN_ROLE}\" for now)",
                self.label
            )
        };
        Warning {
            path: PathBuf::from(path),
            line: self.line,
            message,
        }
    }
}

impl State {
    /// The warnings about speakers the manifest lacks, for every ingested document, in
    /// document order: true until the transcript or the manifest changes, so every command
    /// that counts the evidence says them again.
    pub fn unknown_speakers(&self) -> Vec<Warning> {
        self.documents
            .values()
            .flat_map(DocState::unknown_speaker_warnings)
            .collect()
    }
}

impl DocState {
    /// The warnings about this document's speakers that the manifest lacks.
    pub(crate) fn unknown_speaker_warnings(&self) -> Vec<Warning> {
        self.unknown_speakers
            .iter()
            .flatten()
            .map(|u| u.warning(&self.path))
            .collect()
    }
}

/// Segments as JSON Lines: one object a line, in order.
pub(crate) fn segments_jsonl(segments: &[Segment]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(segments.len() * 400);
    for s in segments {
        serde_json::to_writer(&mut out, s).map_err(|e| Error::Other(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Reads a JSON Lines file of segments.
pub(crate) fn read_segments(path: &Path) -> Result<Vec<Segment>, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut segments = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        let segment = serde_json::from_str(&line).map_err(|e| {
            Error::Other(format!(
                "{}:{}: a stored segment is damaged ({e}); run `icamo ingest --rebuild`",
                path.display(),
                n + 1
            ))
        })?;
        segments.push(segment);
    }
    Ok(segments)
}

//! The ingest stage: transcripts on disk → stored segments and the search index.
//!
//! [`ingest`] takes the study's lock, finds every transcript, parses only those whose bytes or
//! manifest entries changed since the last run, and then writes: the index in one commit, the
//! segment files, and last the [`State`]. A transcript that fails to parse
//! stops the run before anything is written, unless `keep_going` is set.
//!
//! ```no_run
//! use icamo::{ingest::{ingest, IngestOptions}, study::Study};
//! let study = Study::locate(None)?;
//! let report = ingest(&study, &IngestOptions::default())?;
//! println!("{} documents parsed", report.parsed.len());
//! # Ok::<(), icamo::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::corpus::{Corpus, SourceDoc};
use crate::error::{Error, Warning};
use crate::index::{ANALYSIS_VERSION, SegmentIndex};
use crate::study::{DocState, State, Study};
use crate::transcript::{self, Format, Segment};

/// How to ingest.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Ingest the transcripts that parse and list the failures, instead of stopping.
    pub keep_going: bool,
    /// Parse everything again and rebuild the index from scratch.
    pub rebuild: bool,
    /// Show a progress bar on the terminal (it stays hidden when stderr is not a terminal).
    pub progress: bool,
}

/// What an ingest did.
#[derive(Debug, Default)]
pub struct IngestReport {
    /// Documents parsed in this run (new or changed).
    pub parsed: Vec<String>,
    /// Documents left as they were.
    pub unchanged: Vec<String>,
    /// Documents whose files are gone, removed from the index.
    pub removed: Vec<String>,
    /// Transcripts that failed (only with `keep_going`); their previous version is kept.
    pub failed: Vec<Error>,
    /// Things worth knowing: unknown speakers, empty files.
    pub warnings: Vec<Warning>,
    /// Segments written in this run.
    pub segments_written: usize,
    /// Whether the index was built from scratch.
    pub rebuilt: bool,
    /// Bytes of transcript read and parsed in this run.
    pub bytes_parsed: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// One transcript to parse, with the hashes that decide whether it changed.
struct Pending {
    doc: SourceDoc,
    bytes: Vec<u8>,
    content_hash: String,
    metadata_hash: String,
}

/// Brings the study's segments and index up to date with its transcripts.
pub fn ingest(study: &Study, options: &IngestOptions) -> Result<IngestReport, Error> {
    let started = Instant::now();
    let _lock = study.lock()?;
    let corpus = Corpus::new(&study.root, &study.manifest);
    let docs = corpus.discover()?;
    let old = study.state()?;
    let mut report = IngestReport::default();
    let mut rebuild =
        options.rebuild || old.analysis_version != ANALYSIS_VERSION || !study.index_dir().exists();
    // The index is derived state: one that cannot be opened is rebuilt, not mended.
    let mut index = None;
    if !rebuild {
        match SegmentIndex::open_or_create(&study.index_dir()) {
            Ok(i) => index = Some(i),
            Err(e) => {
                report.warnings.push(Warning {
                    path: study.index_dir(),
                    line: 0,
                    message: format!("{e}; rebuilding it from the transcripts"),
                });
                rebuild = true;
            }
        }
    }
    report.rebuilt = rebuild;
    let mut state = State {
        analysis_version: ANALYSIS_VERSION.to_string(),
        documents: BTreeMap::new(),
    };
    let mut pending = Vec::new();
    for doc in &docs {
        let path = corpus.path_of(doc);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                report.failed.push(Error::io(Path::new(&doc.path), e));
                keep_previous(&old, &doc.id, &mut state, rebuild);
                continue;
            }
        };
        let content_hash = blake3::hash(&bytes).to_hex().to_string();
        let metadata_hash = corpus.metadata_digest(doc);
        let previous = old.documents.get(&doc.id);
        let unchanged = !rebuild
            && previous.is_some_and(|p| {
                p.content_hash == content_hash
                    && p.metadata_hash == metadata_hash
                    && p.path == doc.path
            })
            && study
                .segments_dir()
                .join(format!("{}.jsonl", doc.id))
                .is_file();
        if unchanged {
            report.unchanged.push(doc.id.clone());
            state
                .documents
                .insert(doc.id.clone(), previous.cloned().expect("checked above"));
        } else {
            pending.push(Pending {
                doc: doc.clone(),
                bytes,
                content_hash,
                metadata_hash,
            });
        }
    }

    let progress = progress_bar(
        options.progress,
        pending.iter().map(|p| p.bytes.len() as u64).sum(),
    );
    let mut parsed: Vec<(String, Vec<Segment>)> = Vec::new();
    for p in pending {
        progress.set_message(p.doc.path.clone());
        let format = if corpus.format_is_explicit(&p.doc) {
            p.doc.format
        } else {
            transcript::detect(Path::new(&p.doc.path), &p.bytes).unwrap_or(Format::Text)
        };
        report.bytes_parsed += p.bytes.len() as u64;
        match transcript::parse_bytes(format, &p.bytes) {
            Ok(transcript) => {
                if transcript.turns.is_empty() {
                    report.warnings.push(Warning {
                        path: PathBuf::from(&p.doc.path),
                        line: 0,
                        message: format!("no speaker turns found (read as {format})"),
                    });
                }
                let (segments, warnings) = corpus.segments(&p.doc, &transcript);
                report.warnings.extend(warnings);
                state.documents.insert(
                    p.doc.id.clone(),
                    DocState {
                        path: p.doc.path.clone(),
                        format,
                        content_hash: p.content_hash,
                        metadata_hash: p.metadata_hash,
                        segments: segments.len(),
                    },
                );
                report.parsed.push(p.doc.id.clone());
                parsed.push((p.doc.id, segments));
            }
            Err(e) => {
                report.failed.push(Error::Parse {
                    path: PathBuf::from(&p.doc.path),
                    line: e.line,
                    column: e.column,
                    message: e.message,
                });
                keep_previous(&old, &p.doc.id, &mut state, rebuild);
            }
        }
        progress.inc(p.bytes.len() as u64);
    }
    progress.finish_and_clear();

    if !report.failed.is_empty() && !options.keep_going {
        return Err(Error::Ingest(std::mem::take(&mut report.failed)));
    }

    let present: BTreeSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    report.removed = old
        .documents
        .keys()
        .filter(|id| !present.contains(id.as_str()))
        .cloned()
        .collect();

    let added: Vec<Segment> = parsed.iter().flat_map(|(_, s)| s.iter().cloned()).collect();
    report.segments_written = added.len();
    let indexing = spinner(options.progress && !added.is_empty(), added.len());
    match index {
        Some(mut index) if !rebuild => {
            let mut replace: Vec<String> = parsed.iter().map(|(id, _)| id.clone()).collect();
            replace.extend(report.removed.iter().cloned());
            if !replace.is_empty() {
                index.update(&replace, &added)?;
            }
        }
        _ => rebuild_index(study, &added)?,
    }
    indexing.finish_and_clear();
    for (id, segments) in &parsed {
        study.store_segments(id, segments)?;
    }
    for id in &report.removed {
        study.remove_segments(id)?;
    }
    if rebuild {
        // Segment files of documents that are no longer in the state would be orphans.
        remove_orphan_segment_files(study, &state)?;
    }
    study.save_state(&state)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// A transcript that failed keeps its previous version, so the next run tries it again.
fn keep_previous(old: &State, id: &str, state: &mut State, rebuild: bool) {
    if rebuild {
        return;
    }
    if let Some(previous) = old.documents.get(id) {
        let mut previous = previous.clone();
        // A hash that cannot match makes the next run parse the file again.
        previous.content_hash = String::from("failed");
        state.documents.insert(id.to_string(), previous);
    }
}

/// Builds a fresh index beside the old one and swaps it in only when it is complete.
fn rebuild_index(study: &Study, segments: &[Segment]) -> Result<(), Error> {
    let live = study.index_dir();
    let fresh = study.state_dir().join("index.new");
    let old = study.state_dir().join("index.old");
    for dir in [&fresh, &old] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
    }
    {
        let mut index = SegmentIndex::open_or_create(&fresh)?;
        index.update(&[], segments)?;
    }
    if live.exists() {
        fs::rename(&live, &old).map_err(|e| Error::io(&live, e))?;
    }
    fs::rename(&fresh, &live).map_err(|e| Error::io(&fresh, e))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    }
    Ok(())
}

fn remove_orphan_segment_files(study: &Study, state: &State) -> Result<(), Error> {
    let dir = study.segments_dir();
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".jsonl")
            && !state.documents.contains_key(id)
        {
            let path = entry.path();
            fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

fn spinner(enabled: bool, segments: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} indexing {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(format!("{segments} segments"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    if !enabled || total == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} parsing [{bar:30}] {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

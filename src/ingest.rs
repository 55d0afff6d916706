//! The ingest stage: transcripts on disk → stored segments and the search index.
//!
//! [`ingest`] takes the study's lock, finds every transcript, parses only those whose bytes or
//! manifest entries changed since the last run, feeding each one's segments to the index as it
//! is parsed, and then writes: the index in one commit, the segment files, and last the
//! `State`. A transcript that fails to parse stops the run before anything is visible,
//! unless `keep_going` is set.
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
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::coding::anchor::fingerprint;
use crate::coding::manual::{Coding, codings_csv, load_tag_codings, sort_codings};
use crate::corpus::{Corpus, SourceDoc};
use crate::error::{Error, Warning};
use crate::fsutil::write_atomic;
use crate::index::{ANALYSIS_VERSION, IndexUpdate, SegmentIndex};
use crate::store::{DocState, State, segments_jsonl};
use crate::study::Study;
use crate::transcript::SegmentId;

/// How to ingest.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Ingest the transcripts that parse and list the failures, instead of stopping.
    pub keep_going: bool,
    /// Parse everything again and rebuild the index from scratch.
    pub rebuild: bool,
    /// Show a progress bar on the terminal (it stays hidden when stderr is not a terminal).
    pub progress: bool,
    /// Refuse a transcript at the first thing its parser would skip with a warning (a bad
    /// cue, a line it cannot place).
    pub strict: bool,
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
    /// Things worth knowing: unknown speakers (of the unchanged documents too, for they are
    /// still unknown), empty files.
    pub warnings: Vec<Warning>,
    /// Segments written in this run.
    pub segments_written: usize,
    /// Whether the index was built from scratch.
    pub rebuilt: bool,
    /// Bytes of transcript read and parsed in this run.
    pub bytes_parsed: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Of which parsing the changed transcripts into segments.
    pub parse_time: Duration,
    /// Of which writing and committing the index.
    pub index_time: Duration,
}

/// One transcript to parse, with the hashes that decide whether it changed.
struct Pending {
    doc: SourceDoc,
    size: u64,
    content_hash: String,
    metadata_hash: String,
}

/// A transcript parsed into the staging folder.
struct Staged {
    id: String,
    state: DocState,
    warnings: Vec<Warning>,
    segments: usize,
    /// The codings of its inline tags.
    tags: Vec<Coding>,
}

/// Brings the study's segments and index up to date with its transcripts.
///
/// Memory stays bounded by the largest transcript and the index writer's budget, whatever the
/// size of the corpus: changed transcripts are parsed in parallel, each document's segments
/// added to one index update as soon as it is parsed and written to `.icamo/staging/`. Only
/// when every one of them parsed (or `keep_going` is set) is the update committed and are the
/// segment files moved into place; otherwise the update is dropped and readers never see it.
pub fn ingest(study: &Study, options: &IngestOptions) -> Result<IngestReport, Error> {
    let started = Instant::now();
    let _lock = study.lock()?;
    remove_rebuild_leftovers(study)?;
    let corpus = Corpus::new(&study.root, &study.manifest).strict(options.strict);
    let docs = corpus.discover()?;
    let mut run = Run::new(study, options)?;
    let index = run.open_index();
    // The tag codings are derived with the segments: without their file, parse again. A
    // damaged one is derived data too: parse everything again and write it anew.
    let old_tags = if study.tag_codings_path().is_file() {
        load_tag_codings(study).ok()
    } else {
        None
    };

    // 1. Which transcripts changed, by the hash of their bytes and of their manifest entries.
    let pending = run.changed(&corpus, &docs, old_tags.is_some());
    let present: BTreeSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    run.report.removed = run
        .old
        .documents
        .keys()
        .filter(|id| !present.contains(id.as_str()))
        .cloned()
        .collect();

    // 2. Parse the changed ones in parallel, each straight into the index update (invisible
    //    until the commit) and into the staging folder (moved into place after the commit).
    let staging = study.staging_dir();
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let mut target = match index {
        Some(index) if !run.rebuild => IndexTarget::Live(index),
        _ => IndexTarget::fresh(study)?,
    };
    let mut staged = Vec::new();
    if target.is_fresh() || !pending.is_empty() || !run.report.removed.is_empty() {
        let update = target.index().begin_update(&run.report.removed)?;
        staged = run.parse(&corpus, &pending, &staging, &update);
        if !run.report.failed.is_empty() && !options.keep_going {
            // The update is dropped uncommitted: the index stays as it was.
            drop(update);
            target.discard(study)?;
            let _ = fs::remove_dir_all(&staging);
            return Err(Error::Ingest(std::mem::take(&mut run.report.failed)));
        }
        // 3. Commit the index once, and swap a rebuilt one in.
        let index_started = Instant::now();
        update.commit()?;
        target.put_in_place(study)?;
        run.report.index_time = index_started.elapsed();
    }

    // 4. Move the segments into place, then the tag codings, then record the state.
    let tags = merge_tag_codings(old_tags.unwrap_or_default(), &staged);
    run.put_in_place(staged, &staging)?;
    let tags: Vec<Coding> = tags
        .into_iter()
        .filter(|c| run.state.documents.contains_key(document_of(&c.segment)))
        .collect();
    write_atomic(&study.tag_codings_path(), &codings_csv(&tags, true)?)?;
    study.save_state(&run.state)?;
    let mut report = run.report;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// One ingest under way: the state it started from, the state it is making, and its report.
struct Run<'s> {
    study: &'s Study,
    options: &'s IngestOptions,
    old: State,
    state: State,
    report: IngestReport,
    rebuild: bool,
}

impl<'s> Run<'s> {
    fn new(study: &'s Study, options: &'s IngestOptions) -> Result<Run<'s>, Error> {
        let old = study.state()?;
        let rebuild = options.rebuild
            || old.analysis_version != ANALYSIS_VERSION
            || !study.index_dir().exists();
        Ok(Run {
            study,
            options,
            old,
            state: State {
                analysis_version: ANALYSIS_VERSION.to_string(),
                documents: BTreeMap::new(),
            },
            report: IngestReport::default(),
            rebuild,
        })
    }

    /// The live index, unless the run rebuilds. The index is derived state: one that cannot be
    /// opened is rebuilt, not mended.
    fn open_index(&mut self) -> Option<SegmentIndex> {
        let mut index = None;
        if !self.rebuild {
            match SegmentIndex::open_or_create(&self.study.index_dir()) {
                Ok(i) => index = Some(i),
                Err(e) => {
                    self.report.warnings.push(Warning {
                        path: self.study.index_dir(),
                        line: 0,
                        message: format!("{e}; rebuilding it from the transcripts"),
                    });
                    self.rebuild = true;
                }
            }
        }
        self.report.rebuilt = self.rebuild;
        index
    }

    /// The documents to parse: new, changed, or without their stored segments. The others keep
    /// their state.
    fn changed(&mut self, corpus: &Corpus, docs: &[SourceDoc], tags_present: bool) -> Vec<Pending> {
        let mut pending = Vec::new();
        for doc in docs {
            let path = corpus.path_of(doc);
            let content_hash = match hash_file(&path) {
                Ok(h) => h,
                Err(e) => {
                    self.report.failed.push(Error::io(Path::new(&doc.path), e));
                    self.keep_previous(&doc.id);
                    continue;
                }
            };
            let metadata_hash = corpus.metadata_digest(doc);
            let previous = self.old.documents.get(&doc.id).filter(|p| {
                !self.rebuild
                    && tags_present
                    && p.content_hash == content_hash
                    && p.metadata_hash == metadata_hash
                    && p.path == doc.path
                    && p.unknown_speakers.is_some()
                    && self
                        .study
                        .segments_dir()
                        .join(format!("{}.jsonl", doc.id))
                        .is_file()
            });
            if let Some(previous) = previous {
                self.report.unchanged.push(doc.id.clone());
                // Still true, so said again: the run that parsed the file is long past.
                self.report
                    .warnings
                    .extend(previous.unknown_speaker_warnings());
                self.state
                    .documents
                    .insert(doc.id.clone(), previous.clone());
            } else {
                pending.push(Pending {
                    doc: doc.clone(),
                    size: fs::metadata(&path).map_or(0, |m| m.len()),
                    content_hash,
                    metadata_hash,
                });
            }
        }
        pending
    }

    /// Parses `pending` in parallel into `update` and `staging`; the documents that failed
    /// are in the report, and keep their previous state.
    fn parse(
        &mut self,
        corpus: &Corpus,
        pending: &[Pending],
        staging: &Path,
        update: &IndexUpdate,
    ) -> Vec<Staged> {
        let started = Instant::now();
        let progress = progress_bar(self.options.progress, pending.iter().map(|p| p.size).sum());
        let outcomes: Vec<Result<Staged, Error>> = pending
            .par_iter()
            .map(|p| {
                let outcome = stage(corpus, p, staging, update);
                progress.inc(p.size);
                outcome
            })
            .collect();
        progress.finish_and_clear();
        self.report.parse_time = started.elapsed();
        let mut staged = Vec::new();
        for (p, outcome) in pending.iter().zip(outcomes) {
            match outcome {
                Ok(s) => {
                    self.report.bytes_parsed += p.size;
                    self.report.warnings.extend(s.warnings.iter().cloned());
                    staged.push(s);
                }
                Err(e) => {
                    self.report.failed.push(e);
                    self.keep_previous(&p.doc.id);
                }
            }
        }
        staged
    }

    /// After the commit: the staged segment files take their documents' places, and the
    /// segment files of removed documents go.
    fn put_in_place(&mut self, staged: Vec<Staged>, staging: &Path) -> Result<(), Error> {
        let segments_dir = self.study.segments_dir();
        fs::create_dir_all(&segments_dir).map_err(|e| Error::io(&segments_dir, e))?;
        for s in staged {
            let target = segments_dir.join(format!("{}.jsonl", s.id));
            fs::rename(staging.join(format!("{}.jsonl", s.id)), &target)
                .map_err(|e| Error::io(&target, e))?;
            self.report.segments_written += s.segments;
            self.report.parsed.push(s.id.clone());
            self.state.documents.insert(s.id, s.state);
        }
        let _ = fs::remove_dir_all(staging);
        for id in &self.report.removed {
            self.study.remove_segments(id)?;
        }
        if self.rebuild {
            // Segment files of documents that are no longer in the state would be orphans.
            remove_orphan_segment_files(self.study, &self.state)?;
        }
        Ok(())
    }

    /// A transcript that failed keeps its previous version, so the next run tries it again.
    fn keep_previous(&mut self, id: &str) {
        if self.rebuild {
            return;
        }
        if let Some(previous) = self.old.documents.get(id) {
            let mut previous = previous.clone();
            // A hash that cannot match makes the next run parse the file again.
            previous.content_hash = String::from("failed");
            self.state.documents.insert(id.to_string(), previous);
        }
    }
}

/// BLAKE3 of a file, read in blocks.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(fs::File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Parses one transcript, writes its segments to the staging folder, and puts them in the
/// index update in place of the document's old ones.
fn stage(
    corpus: &Corpus,
    p: &Pending,
    staging: &Path,
    update: &IndexUpdate,
) -> Result<Staged, Error> {
    let read = corpus.read(&p.doc)?;
    let format = read.format;
    let segments = read.made.segments;
    let warnings = read.made.warnings;
    let unknown_speakers = Some(read.made.unknown_speakers);
    let path = staging.join(format!("{}.jsonl", p.doc.id));
    fs::write(&path, segments_jsonl(&segments)?).map_err(|e| Error::io(&path, e))?;
    update.replace(&p.doc.id, &segments)?;
    Ok(Staged {
        id: p.doc.id.clone(),
        state: DocState {
            path: p.doc.path.clone(),
            format,
            content_hash: p.content_hash.clone(),
            metadata_hash: p.metadata_hash.clone(),
            segments: segments.len(),
            prints: segments.iter().map(|s| fingerprint(&s.text)).collect(),
            unknown_speakers,
        },
        warnings,
        segments: segments.len(),
        tags: read.made.tags,
    })
}

/// The tag codings after this run: the previous ones of documents not parsed again, and the
/// staged ones, sorted. (Documents no longer ingested are dropped by the caller.)
fn merge_tag_codings(old: Vec<Coding>, staged: &[Staged]) -> Vec<Coding> {
    let parsed: BTreeSet<&str> = staged.iter().map(|s| s.id.as_str()).collect();
    let mut tags: Vec<Coding> = old
        .into_iter()
        .filter(|c| !parsed.contains(document_of(&c.segment)))
        .collect();
    tags.extend(staged.iter().flat_map(|s| s.tags.iter().cloned()));
    sort_codings(&mut tags);
    tags
}

/// The document id of a segment id (`int-sh:0007` → `int-sh`).
fn document_of(segment: &str) -> &str {
    SegmentId::parse(segment).map_or(segment, |id| id.doc)
}

/// Removes what a rebuild killed midway left beside the live index. Without a live index
/// there is nothing to remove: that ingest rebuilds, and clears both on its way.
fn remove_rebuild_leftovers(study: &Study) -> Result<(), Error> {
    if !study.index_dir().exists() {
        return Ok(());
    }
    let (fresh, old) = study.rebuild_index_dirs();
    for dir in [fresh, old] {
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
    }
    Ok(())
}

/// The index an ingest writes to: the live one, updated in place, or a fresh one built beside
/// it and swapped in only when it is complete (a rebuild).
enum IndexTarget {
    Live(SegmentIndex),
    Fresh(SegmentIndex),
}

impl IndexTarget {
    /// An empty index in `.icamo/index.new`, replacing what a killed rebuild left there.
    fn fresh(study: &Study) -> Result<IndexTarget, Error> {
        let (fresh, old) = study.rebuild_index_dirs();
        for dir in [&fresh, &old] {
            if dir.exists() {
                fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
        }
        Ok(IndexTarget::Fresh(SegmentIndex::open_or_create(&fresh)?))
    }

    fn is_fresh(&self) -> bool {
        matches!(self, IndexTarget::Fresh(_))
    }

    fn index(&mut self) -> &mut SegmentIndex {
        match self {
            IndexTarget::Live(index) | IndexTarget::Fresh(index) => index,
        }
    }

    /// After a commit: a fresh index takes the live one's place.
    fn put_in_place(self, study: &Study) -> Result<(), Error> {
        let IndexTarget::Fresh(index) = self else {
            return Ok(());
        };
        drop(index);
        let live = study.index_dir();
        let (fresh, old) = study.rebuild_index_dirs();
        if live.exists() {
            fs::rename(&live, &old).map_err(|e| Error::io(&live, e))?;
        }
        fs::rename(&fresh, &live).map_err(|e| Error::io(&fresh, e))?;
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }

    /// After a failed run: a fresh index is removed; the live one was never changed.
    fn discard(self, study: &Study) -> Result<(), Error> {
        if let IndexTarget::Fresh(index) = self {
            drop(index);
            let (fresh, _) = study.rebuild_index_dirs();
            fs::remove_dir_all(&fresh).map_err(|e| Error::io(&fresh, e))?;
        }
        Ok(())
    }
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

fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    if !enabled || total == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} parsing [{bar:30}] {bytes}/{total_bytes}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

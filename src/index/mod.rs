//! The search index: every [`Segment`] of a study, searchable by word, phrase and prefix.
//!
//! A [`SegmentIndex`] is a tantivy index in one folder. [`SegmentIndex::update`] (or, streaming,
//! an `IndexUpdate`) replaces the segments of changed documents in one commit; [`SegmentIndex::search`] takes a
//! [`SearchRequest`] and returns ranked [`Hit`]s, each a full segment with a [`Snippet`].
//!
//! What counts as a word, and which words are the same, is decided once, in [`analysis`]: the
//! codebook matcher uses the same [`analysis::analyse`], so a rule and a search agree. Each
//! segment's text is indexed as exact forms (lower-case, accents folded) and as stems in its
//! language (Dutch or English); a query looks in both and counts exact matches double, so
//! `werkgever` finds `werkgevers` but ranks `werkgever` first.
//!
//! ```
//! use icamo::index::{SearchRequest, SegmentIndex};
//! use icamo::lang::Language;
//! use icamo::transcript::Segment;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut index = SegmentIndex::open_or_create(dir.path()).unwrap();
//! let text = "Er was geen vertrouwen in de gemeente.";
//! let segment = Segment {
//!     id: Segment::make_id("int-sh-01", 1),
//!     doc: "int-sh-01".into(),
//!     ordinal: 1,
//!     speaker: "Amal".into(),
//!     respondent: None,
//!     role: "statushouder".into(),
//!     case: Some("Havenstad".into()),
//!     group: None,
//!     interviewer: false,
//!     lang: Language::Dutch,
//!     start_ms: None,
//!     end_ms: None,
//!     line: 1,
//!     byte_start: 0,
//!     byte_end: text.len(),
//!     char_start: 0,
//!     char_end: text.chars().count(),
//!     text: text.into(),
//! };
//! index.update(&[], &[segment]).unwrap();
//!
//! let request = SearchRequest { query: "\"geen vertrouwen\"".into(), ..Default::default() };
//! let hits = index.search(&request).unwrap();
//! assert_eq!(hits[0].snippet.marked("[", "]"), "Er was [geen vertrouwen] in de gemeente.");
//! ```

pub mod analysis;
mod query;
mod schema;
mod search;
mod snippet;
mod tokenizer;

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError,
    Term,
};

pub use analysis::{ANALYSIS_VERSION, AnalysedToken, analyse};
pub use search::{Hit, SearchRequest};
pub use snippet::Snippet;

use crate::lang::Language;
use crate::transcript::Segment;
use schema::{Fields, build_schema};

/// Memory the index writer may use per thread.
const WRITER_MEMORY_PER_THREAD: usize = 50_000_000;

/// The most threads the index writer uses.
const MAX_WRITER_THREADS: usize = 2;

/// The search index of a study's segments, in one folder.
pub struct SegmentIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// What can go wrong with the index, said so that the user knows what to do next.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index folder could not be created.
    #[error("cannot create the index folder {}: {cause}", dir.display())]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// The index exists but cannot be opened (damaged, or not an index).
    #[error(
        "cannot open the search index in {}: {cause}; \
         re-run `icamo ingest --rebuild` to build it anew",
        dir.display()
    )]
    Open {
        /// The index folder.
        dir: PathBuf,
        /// What tantivy reported.
        cause: TantivyError,
    },
    /// The index was written by a version of icamo with other fields.
    #[error(
        "the search index in {} was made by another version of icamo; \
         re-run `icamo ingest --rebuild` to build it anew",
        dir.display()
    )]
    OtherLayout {
        /// The index folder.
        dir: PathBuf,
    },
    /// Another process is writing the index.
    #[error(
        "the search index in {} is being updated by another icamo process; wait for it to \
         finish and try again (if none is running, delete {})",
        dir.display(),
        dir.join(".tantivy-writer.lock").display()
    )]
    Locked {
        /// The index folder.
        dir: PathBuf,
    },
    /// An update failed; nothing of it was committed.
    #[error(
        "updating the search index in {} failed, and it was left as it was: {cause}",
        dir.display()
    )]
    Update {
        /// The index folder.
        dir: PathBuf,
        /// What tantivy reported.
        cause: TantivyError,
    },
    /// Reading the index failed.
    #[error(
        "cannot read the search index in {}: {cause}; \
         re-run `icamo ingest --rebuild` to build it anew",
        dir.display()
    )]
    Read {
        /// The index folder.
        dir: PathBuf,
        /// What tantivy reported.
        cause: TantivyError,
    },
    /// A stored segment lacks a field it must have.
    #[error(
        "a segment in the search index in {} is damaged ({problem}); \
         re-run `icamo ingest --rebuild` to build it anew",
        dir.display()
    )]
    Damaged {
        /// The index folder.
        dir: PathBuf,
        /// What is missing or wrong.
        problem: String,
    },
    /// The query cannot be read.
    #[error("cannot search for `{query}`: {problem}")]
    Query {
        /// The query as given.
        query: String,
        /// What is wrong with it, and where.
        problem: String,
    },
}

impl SegmentIndex {
    /// Opens the index in `dir`, creating the folder and an empty index if there is none.
    ///
    /// An index that exists but cannot be used ([`IndexError::Open`],
    /// [`IndexError::OtherLayout`]) is left untouched.
    pub fn open_or_create(dir: &Path) -> Result<SegmentIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(|cause| IndexError::Folder {
            dir: dir.to_path_buf(),
            cause,
        })?;
        let open_error = |cause| IndexError::Open {
            dir: dir.to_path_buf(),
            cause,
        };
        let (schema, fields) = build_schema();
        let directory = MmapDirectory::open(dir).map_err(|e| open_error(e.into()))?;
        let index = if Index::exists(&directory).map_err(|e| open_error(e.into()))? {
            let index = Index::open(directory).map_err(open_error)?;
            if index.schema() != schema {
                return Err(IndexError::OtherLayout {
                    dir: dir.to_path_buf(),
                });
            }
            index
        } else {
            Index::create(directory, schema, IndexSettings::default()).map_err(open_error)?
        };
        tokenizer::register_analysers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(open_error)?;
        Ok(SegmentIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
        })
    }

    /// Replaces documents in one commit: deletes every segment of each document in
    /// `remove_docs` and of each document that `add` has segments of, then adds `add`. On
    /// failure the index stays as it was.
    pub fn update(&mut self, remove_docs: &[String], add: &[Segment]) -> Result<(), IndexError> {
        let mut docs: Vec<String> = remove_docs.to_vec();
        docs.extend(add.iter().map(|s| s.doc.clone()));
        docs.sort_unstable();
        docs.dedup();
        let update = self.begin_update(&docs)?;
        update.add(add)?;
        update.commit()
    }

    /// Starts an update that deletes every segment of the documents in `remove_docs`. Add
    /// segments with [`IndexUpdate::add`] as they come, then [`IndexUpdate::commit`]; an update
    /// dropped without a commit changes nothing that readers see.
    pub(crate) fn begin_update(
        &mut self,
        remove_docs: &[String],
    ) -> Result<IndexUpdate<'_>, IndexError> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_WRITER_THREADS);
        let writer: IndexWriter<TantivyDocument> = self
            .index
            .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
            .map_err(|cause| match cause {
                TantivyError::LockFailure(..) => IndexError::Locked {
                    dir: self.dir.clone(),
                },
                cause => self.update_error(cause),
            })?;
        // A delete only reaches documents added before it, so deletes go first.
        for doc in remove_docs {
            writer.delete_term(Term::from_field_text(self.fields.doc, doc));
        }
        Ok(IndexUpdate {
            index: self,
            writer,
        })
    }

    /// How many segments the index holds.
    pub fn num_segments(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// In how many segments an exact form (as [`analysis::normalise`] makes it) occurs.
    pub(crate) fn exact_doc_freq(&self, exact: &str) -> Result<u64, IndexError> {
        let term = Term::from_field_text(self.fields.text, exact);
        self.reader
            .searcher()
            .doc_freq(&term)
            .map_err(|cause| self.read_error(cause))
    }

    /// In how many segments of a language a stem occurs.
    pub(crate) fn stem_doc_freq(&self, lang: Language, stem: &str) -> Result<u64, IndexError> {
        let term = Term::from_field_text(self.fields.stemmed(lang), stem);
        self.reader
            .searcher()
            .doc_freq(&term)
            .map_err(|cause| self.read_error(cause))
    }

    /// The folder the index is in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn update_error(&self, cause: TantivyError) -> IndexError {
        IndexError::Update {
            dir: self.dir.clone(),
            cause,
        }
    }

    fn read_error(&self, cause: TantivyError) -> IndexError {
        IndexError::Read {
            dir: self.dir.clone(),
            cause,
        }
    }
}

/// An update in progress: documents deleted and segments added, not yet visible to readers.
pub(crate) struct IndexUpdate<'a> {
    index: &'a mut SegmentIndex,
    writer: IndexWriter<TantivyDocument>,
}

impl IndexUpdate<'_> {
    /// Replaces every segment of document `doc` with `segments`. Needs only `&self`, so the
    /// threads that parse transcripts can each feed the update as they go (tantivy's writer
    /// takes adds and deletes from any thread): a delete reaches only what was added before it,
    /// so the document's new segments stay.
    pub fn replace(&self, doc: &str, segments: &[Segment]) -> Result<(), IndexError> {
        self.writer
            .delete_term(Term::from_field_text(self.index.fields.doc, doc));
        self.add(segments)
    }

    /// Adds segments. Their documents must have been named in `remove_docs` if they were in
    /// the index before, or the old segments stay beside the new ones.
    pub fn add(&self, segments: &[Segment]) -> Result<(), IndexError> {
        for segment in segments {
            self.writer
                .add_document(self.index.fields.document(segment))
                .map_err(|cause| self.index.update_error(cause))?;
        }
        Ok(())
    }

    /// Makes the update durable and visible, all at once.
    pub fn commit(mut self) -> Result<(), IndexError> {
        self.writer
            .commit()
            .map_err(|cause| self.index.update_error(cause))?;
        // The commit is durable now. A failed merge only leaves more, smaller index segments,
        // which the next update merges again: not worth failing an ingest for.
        let _ = self.writer.wait_merging_threads();
        self.index
            .reader
            .reload()
            .map_err(|cause| self.index.read_error(cause))
    }
}

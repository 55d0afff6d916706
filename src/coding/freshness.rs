//! Whether the stored suggestions still fit the study: they were made by the codebooks' rules
//! on the segments of one ingest, and a rule changed or a transcript ingested again since
//! makes them stale. `icamo code` (and `icamo build`) records what it made them with; a
//! command that offers suggestions to a coder or counts them refuses stale ones, saying why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::codebook::{Codebook, digest, read_text};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::store::State;
use crate::study::Study;

/// What a run of the rules was made with: each codebook's digest by its path, and each
/// document's content hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MadeWith {
    /// Codebook path → digest of its text.
    pub codebooks: BTreeMap<PathBuf, String>,
    /// Document id → the content hash it was ingested with.
    pub documents: BTreeMap<String, String>,
}

impl MadeWith {
    /// What suggestions made now, with `codebooks` on the segments of `state`, are made with.
    pub fn new(codebooks: &[Codebook], state: &State) -> MadeWith {
        MadeWith {
            codebooks: codebooks
                .iter()
                .map(|b| (b.path.clone(), b.digest().to_string()))
                .collect(),
            documents: state
                .documents
                .iter()
                .map(|(id, d)| (id.clone(), d.content_hash.clone()))
                .collect(),
        }
    }

    /// Records it beside the suggestions.
    pub fn save(&self, study: &Study) -> Result<(), Error> {
        let json = serde_json::to_vec_pretty(self)?;
        write_atomic(&study.suggestions_made_with_path(), &json)
    }
}

/// Why the stored suggestions are stale, if they are: the first codebook that changed, or
/// the first document ingested, changed or removed since. `None` also when there are none.
pub(crate) fn stale_suggestions(study: &Study) -> Result<Option<String>, Error> {
    if !study.suggestions_path().exists() {
        return Ok(None);
    }
    let path = study.suggestions_made_with_path();
    let made: MadeWith = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Parse {
            path: path.clone(),
            line: e.line(),
            column: e.column(),
            message: format!("{e}; run `icamo code` to make the suggestions again"),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(
                "they were made by an earlier icamo, which did not record with which codebooks"
                    .into(),
            ));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    for (book, was) in &made.codebooks {
        if !same_text(book, was) {
            return Ok(Some(format!("{} has changed since", shown(study, book))));
        }
    }
    let state = study.state()?;
    for (id, d) in &state.documents {
        match made.documents.get(id) {
            None => return Ok(Some(format!("{id} was ingested since"))),
            Some(hash) if *hash != d.content_hash => {
                return Ok(Some(format!("{id} was ingested again since")));
            }
            Some(_) => {}
        }
    }
    if let Some(id) = made
        .documents
        .keys()
        .find(|id| !state.documents.contains_key(*id))
    {
        return Ok(Some(format!("{id} has been removed since")));
    }
    Ok(None)
}

/// An error saying why, when the stored suggestions are stale.
pub(crate) fn ensure_fresh_suggestions(study: &Study) -> Result<(), Error> {
    match stale_suggestions(study)? {
        None => Ok(()),
        Some(why) => Err(Error::Other(format!(
            "the stored suggestions are out of date: {why}. Run `icamo code` (or `icamo build`) \
             to make them again"
        ))),
    }
}

/// Whether the codebook at `path` still has the text whose digest is `was`.
fn same_text(path: &Path, was: &str) -> bool {
    read_text(path).is_ok_and(|text| digest(&text) == was)
}

/// A path relative to the study, as a user sees it.
fn shown(study: &Study, path: &Path) -> String {
    path.strip_prefix(&study.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

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

/// What a run of the rules was made with: each codebook's digest by its path, each
/// document's content hash, and when meaning took part, its settings and what it learned from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MadeWith {
    /// Codebook path → digest of its text.
    pub codebooks: BTreeMap<PathBuf, String>,
    /// Document id → the content hash it was ingested with.
    pub documents: BTreeMap<String, String>,
    /// Suggestions by meaning: `None` when the rules ran alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<MeaningMade>,
}

/// What suggestions by meaning were made with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MeaningMade {
    /// [`crate::semantic::Settings::fingerprint`].
    pub settings: String,
    /// [`super::meaning::learned_digest`] of the coders' decisions then.
    pub learned: String,
}

impl MadeWith {
    /// What suggestions made now, with `codebooks` on the segments of `state` (and meaning,
    /// when `meaning` says with what), are made with.
    pub fn new(codebooks: &[Codebook], state: &State, meaning: Option<MeaningMade>) -> MadeWith {
        MadeWith {
            meaning,
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

/// Why the stored suggestions are stale, if they are: the first codebook that changed, the
/// `[semantic]` settings they were made with changed or removed, or the first document
/// ingested, changed or removed since. `None` also when there are none.
pub(crate) fn stale_suggestions(study: &Study) -> Result<Option<String>, Error> {
    let Some(made) = made_with(study)? else {
        return Ok(None);
    };
    let made = match made {
        Ok(made) => made,
        Err(why) => return Ok(Some(why)),
    };
    for (book, was) in &made.codebooks {
        if !same_text(book, was) {
            return Ok(Some(format!("{} has changed since", shown(study, book))));
        }
    }
    if let Some(meaning) = &made.meaning {
        match crate::semantic::Settings::from_manifest(&study.manifest)? {
            None => {
                return Ok(Some(
                    "they were made with suggestions by meaning, and the [semantic] table has been removed from icamo.toml since".into(),
                ));
            }
            Some(now) if now.fingerprint() != meaning.settings => {
                return Ok(Some(
                    "the [semantic] table in icamo.toml has changed since".into(),
                ));
            }
            Some(_) => {}
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

/// What the stored suggestions were made with: `None` when there are none, `Err(why)` when
/// an earlier icamo did not record it.
fn made_with(study: &Study) -> Result<Option<Result<MadeWith, String>>, Error> {
    if !study.suggestions_path().exists() {
        return Ok(None);
    }
    let path = study.suggestions_made_with_path();
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(|made| Some(Ok(made)))
            .map_err(|e| Error::Parse {
                path: path.clone(),
                line: e.line(),
                column: e.column(),
                message: format!("{e}; run `icamo code` to make the suggestions again"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Some(Err(
            "they were made by an earlier icamo, which did not record with which codebooks".into(),
        ))),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// A note when coders have decided on suggestions since the suggestions by meaning were made:
/// those decisions are not learned from until `icamo code` runs again. `None` otherwise, and
/// when meaning took no part.
pub(crate) fn unlearned_decisions(study: &Study) -> Result<Option<String>, Error> {
    let Some(Ok(MadeWith {
        meaning: Some(meaning),
        ..
    })) = made_with(study)?
    else {
        return Ok(None);
    };
    let decided = super::manual::decided_codings(study)?;
    Ok((super::meaning::learned_digest(&decided) != meaning.learned).then(|| {
        "coders have decided on codings since the suggestions by meaning were made; run `icamo code` to let the suggestions learn from them".to_string()
    }))
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

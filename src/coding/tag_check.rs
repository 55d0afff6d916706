//! Inline tags checked against the codebooks: a tag that names a code no codebook has (a typo,
//! a code renamed since), or a category that cannot be applied, is reported at the file, line
//! and column where the tag stands, with the id it probably meant.
//!
//! Ingest knows no codebook, so it stores such a tag like any other (in
//! `.icamo/tag-codings.csv`): the transcript is the coder's record, and the id may be right
//! for a codebook given with `--codebook` or added later. Nothing that works from codes counts
//! it: `icamo quotes --code`, `icamo search --code`, sheets, evidence and reports look codes up
//! in the codebooks, so an id that is in none of them is passed by (`icamo export` still
//! lists it, as the raw record). `icamo code` (and so `icamo build`) and
//! `icamo codebook check` print the warnings on every run until the tag or the codebook is
//! fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use super::manual::load_tag_codings;
use super::tags::find_tags;
use crate::codebook::{Codebook, Codes, Diagnostic, Severity};
use crate::error::{Error, line_col};
use crate::study::Study;
use crate::transcript::{self, SegmentId};

/// How many codes under a category a hint names.
const HINT_CODES: usize = 5;

/// A warning for each inline tag of the ingested transcripts that names a code id which none
/// of `codebooks` has, or a category (`codable = false`), sorted by file and position. Empty
/// before the first ingest. The path of each is the transcript's, relative to the study.
pub fn check_tag_codes(study: &Study, codebooks: &[Codebook]) -> Result<Vec<Diagnostic>, Error> {
    let tags = load_tag_codings(study)?;
    let codes = Codes::new(codebooks);
    let usable = |id: &str| codes.get(id).is_some_and(|c| c.codable);
    // Per document, the turns whose tags name a code that cannot be applied, with those ids.
    let mut wrong: BTreeMap<&str, BTreeMap<u32, BTreeSet<&str>>> = BTreeMap::new();
    for tag in tags.iter().filter(|t| !usable(&t.code)) {
        if let Some(SegmentId { doc, ordinal }) = SegmentId::parse(&tag.segment) {
            wrong
                .entry(doc)
                .or_default()
                .entry(ordinal)
                .or_default()
                .insert(&tag.code);
        }
    }
    if wrong.is_empty() {
        return Ok(Vec::new());
    }
    let state = study.state()?;
    let mut out = Vec::new();
    for (doc, turns) in wrong {
        let Some(doc_state) = state.documents.get(doc) else {
            continue;
        };
        let path = PathBuf::from(&doc_state.path);
        // The source as ingest read it, to find each tag's own line; the stored turns' first
        // lines if it cannot be read or no longer has the tag.
        let parsed = std::fs::read(study.root.join(&path))
            .ok()
            .and_then(|bytes| transcript::parse_bytes(doc_state.format, &bytes).ok());
        let mut stored: Option<HashMap<u32, usize>> = None;
        for (ordinal, ids) in turns {
            let mut found = false;
            let turn = parsed
                .as_ref()
                .and_then(|p| Some((p, p.turns.get(ordinal.checked_sub(1)? as usize)?)));
            if let Some((parsed, turn)) = turn
                && let Some(text) = parsed.source.get(turn.bytes.clone())
            {
                for (range, tag_codes) in find_tags(text) {
                    for c in tag_codes.iter().filter(|c| ids.contains(c.code.as_str())) {
                        let (line, column) =
                            line_col(&parsed.source, turn.bytes.start + range.start);
                        let written = &text[range.clone()];
                        out.push(warning(&path, line, column, written, &c.code, &codes));
                        found = true;
                    }
                }
            }
            if !found {
                let lines = stored.get_or_insert_with(|| {
                    study
                        .document_segments(doc)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| (s.ordinal, s.line))
                        .collect()
                });
                let line = lines.get(&ordinal).copied().unwrap_or(0);
                for id in ids {
                    let mut d = warning(&path, line, 1, "", id, &codes);
                    d.message = format!("in the turn starting on this line, {}", d.message);
                    out.push(d);
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(out)
}

/// The warning for one tag (`written` as it stands, if known) that names `id`.
fn warning(
    path: &std::path::Path,
    line: usize,
    column: usize,
    written: &str,
    id: &str,
    codes: &Codes,
) -> Diagnostic {
    let tag = if written.is_empty() {
        "an inline tag".to_string()
    } else {
        format!("the inline tag {written}")
    };
    let (message, hint) = match codes.get(id) {
        Some(_) => {
            let under: Vec<&str> = codes
                .with_descendants(id)
                .into_iter()
                .filter(|d| *d != id && codes.get(d).is_some_and(|c| c.codable))
                .collect();
            let mut names = under
                .iter()
                .take(HINT_CODES)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if under.len() > HINT_CODES {
                names.push_str(", …");
            }
            (
                format!("{tag} names \"{id}\", a category (codable = false), not a code to apply"),
                if names.is_empty() {
                    "tag a code that may be applied to text".to_string()
                } else {
                    format!("tag one of the codes under it: {names}")
                },
            )
        }
        None => {
            let meant = codes.closest(id);
            (
                format!(
                    "{tag} names the code \"{id}\", which is in none of the codebooks: the coding is stored but not counted"
                ),
                match meant {
                    Some(m) => format!(
                        "did you mean \"{m}\"? Correct the tag in the transcript, or add the code to a codebook"
                    ),
                    None => "correct the tag in the transcript, or add the code to a codebook (`icamo codebook show` lists the codes)".to_string(),
                },
            )
        }
    };
    Diagnostic {
        severity: Severity::Warning,
        path: path.to_path_buf(),
        line,
        column,
        message,
        hint,
    }
}

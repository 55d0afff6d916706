//! `refi-import.csv`: every coding of the project, one row each, with the turns it landed on
//! or the reason it could not be placed, so that nothing is dropped without a trace.

use std::collections::BTreeMap;
use std::path::Path;

use super::plan::Plan;
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::interop::xml::Element;

/// One row of `refi-import.csv`: a coding of the project and where it went.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct LedgerRow {
    source: String,
    selection: String,
    kind: String,
    start: Option<usize>,
    end: Option<usize>,
    code: String,
    /// The coder the coding was made by.
    pub coder: String,
    quote: String,
    segments: String,
    /// Why the coding was not placed; empty when it was.
    pub reason: String,
    /// How the selection's offsets were read (units, BOM, line ends, end).
    convention: String,
    /// The text the offsets point at, read so.
    selected: String,
}

/// A selection (or a whole source) as its codings' rows describe it.
pub(super) struct Selection<'a> {
    /// The source's name.
    pub source: &'a str,
    /// The selection's element (the source's, for a coding of the whole source).
    pub el: &'a Element,
    /// What it selects: `text`, `picture`, `audio`…
    pub kind: &'a str,
    /// Its start and end offsets, as read.
    pub start: Option<usize>,
    /// See `start`.
    pub end: Option<usize>,
    /// The text the project quotes for it.
    pub quote: &'a str,
}

impl Selection<'_> {
    /// The row of `coding` on this selection: the segments it landed on (`;` between), or
    /// why it did not.
    pub fn row(
        &self,
        plan: &Plan<'_>,
        coding: &Element,
        segments: &str,
        reason: &str,
    ) -> LedgerRow {
        // A code the codebook lacks is named by its GUID.
        let code = Plan::code_guid(coding)
            .map(|g| plan.codes.ids.get(&g).cloned().unwrap_or(g))
            .unwrap_or_default();
        LedgerRow {
            source: self.source.to_string(),
            selection: self.el.attr("guid").unwrap_or_default().to_string(),
            kind: self.kind.to_string(),
            start: self.start,
            end: self.end,
            code,
            coder: plan.coder_of(coding, self.el),
            quote: self.quote.to_string(),
            segments: segments.to_string(),
            reason: reason.to_string(),
            convention: String::new(),
            selected: String::new(),
        }
    }
}

impl LedgerRow {
    /// Says how the selection's offsets were read (`convention`) and what they point at.
    pub fn read_as(&mut self, convention: &str, selected: &str) {
        self.convention = convention.to_string();
        self.selected = selected.to_string();
    }
}

/// The rows of the codings on selections that are not of text.
pub(super) fn unplaced_rows(plan: &Plan<'_>) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for u in &plan.unplaced {
        let selection = Selection {
            source: u.source.attr("name").unwrap_or_default(),
            el: u.sel,
            kind: u.kind,
            start: None,
            end: None,
            quote: u.sel.attr("name").unwrap_or_default(),
        };
        for c in u.sel.children_named("Coding") {
            rows.push(selection.row(plan, c, "", u.reason));
        }
    }
    rows
}

/// How many codings were not placed, by reason.
pub(super) fn unplaced_by_reason(rows: &[LedgerRow]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for row in rows {
        if !row.reason.is_empty() {
            *out.entry(row.reason.clone()).or_default() += 1;
        }
    }
    out
}

/// Writes the rows as `refi-import.csv` in the study folder `dir`.
pub(super) fn write(dir: &Path, rows: &[LedgerRow]) -> Result<(), Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row).map_err(|e| Error::Other(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Other(e.to_string()))?;
    write_atomic(&dir.join("refi-import.csv"), &bytes)
}

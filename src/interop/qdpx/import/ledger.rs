//! `refi-import.csv`: every coding of the project, one row each, with the turns it landed on
//! or the reason it could not be placed, and a row for each part of the project icamo has no
//! place for (a graph, a case that points at passages), so that nothing is dropped without a
//! trace.

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
    /// Whether the row is a coding's (else a part of the project not carried over).
    #[serde(skip)]
    pub coding: bool,
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
            coding: true,
        }
    }
}

impl LedgerRow {
    /// A part of the project not carried over, for the summary: its kind, name and why.
    pub fn describe(&self) -> String {
        format!("{} \"{}\" {}", self.kind, self.source, self.reason)
    }

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

/// The parts of the project icamo has no place for, a row each (not for icamo's own export,
/// whose block carries what they would).
pub(super) fn not_carried(plan: &Plan<'_>) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    if plan.block.is_some() {
        return rows;
    }
    let root = &plan.qde.root;
    let mut row = |kind: &str, el: &Element, reason: &str| {
        rows.push(LedgerRow {
            source: el.attr("name").unwrap_or_default().to_string(),
            selection: el.attr("guid").unwrap_or_default().to_string(),
            kind: kind.to_string(),
            start: None,
            end: None,
            code: String::new(),
            coder: String::new(),
            quote: String::new(),
            segments: String::new(),
            reason: reason.to_string(),
            convention: String::new(),
            selected: String::new(),
            coding: false,
        });
    };
    for g in root
        .child("Graphs")
        .into_iter()
        .flat_map(|g| g.children_named("Graph"))
    {
        row(
            "graph",
            g,
            "not carried over: a drawing of the project's objects (icamo draws its own figures from the configurations)",
        );
    }
    for case in root
        .child("Cases")
        .into_iter()
        .flat_map(|c| c.children_named("Case"))
    {
        if case.child("SourceRef").is_none() {
            row(
                "case",
                case,
                "not carried over: a case made of passages or codes, not of whole sources (give the respondents as [[speakers]] in icamo.toml)",
            );
        }
    }
    for set in root
        .child("Sets")
        .into_iter()
        .flat_map(|s| s.children_named("Set"))
    {
        if set.child("MemberNote").is_some() {
            row(
                "group",
                set,
                "not carried over: a group of notes (the notes are memos)",
            );
        }
    }
    rows
}

/// How many codings were not placed, by reason.
pub(super) fn unplaced_by_reason(rows: &[LedgerRow]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for row in rows.iter().filter(|r| r.coding) {
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

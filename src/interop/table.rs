//! Tables a researcher opens in a spreadsheet or in R: one row per coded quote with every
//! attribute and its code path, and code × case or code × role matrices, as counts or as 0/1.
//!
//! Everything here is a pure function of data the caller has loaded, gathered in [`Sources`]:
//! the manifest, the stored segments, the codebooks, the quotes that count
//! ([`crate::coding::quotes`]) and the coders' decisions (for their notes).
//! `codings_table` gives the quotes as a [`Table`]; [`matrix`] counts, per code and case
//! (or role), the segments coded with the code or with any code under it, and
//! `Matrix::to_table` lays it out. A [`Table`] is written as CSV (`Table::to_csv`) or JSON
//! Lines (`Table::to_jsonl`), every row with the same columns in the same order.
//!
//! Privacy: rows carry role labels and cases, the speaker attributes that are analysis
//! variables, and text with names replaced; a speaker's pseudonym, respondent id, other
//! attributes and the text as stored only when names are asked for.
//!
//! ```
//! use icamo::codebook::Codebook;
//! use icamo::interop::table::code_list;
//! let book = Codebook::parse("codes.toml", r#"
//!     [codebook]
//!     name = "Proef"
//!
//!     [[codes]]
//!     id = "int"
//!     label = "Interventies"
//!     kind = "intervention"
//!     codable = false
//!
//!     [[codes]]
//!     id = "int.pip"
//!     parent = "int"
//!     label = "PIP"
//!     kind = "intervention"
//! "#)?;
//! let codes = code_list(&[book]);
//! assert_eq!(codes[1].code_path, "Interventies > PIP");
//! assert_eq!(codes[1].code_path_ids, "int > int.pip");
//! # Ok::<(), icamo::Error>(())
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::codebook::{Code, CodeKind, Codebook, Codes, ContextLevel};
use crate::coding::Quote;
use crate::coding::manual::{Coding, Decision, Status};
use crate::error::Error;
use crate::manifest::{DocumentEntry, Manifest, SpeakerDirectory};
use crate::privacy::{Identities, Pseudonyms, speaker_attributes, unlisted_labels};
use crate::transcript::Segment;

/// What joins the labels (and the ids) of a code path: `Interventies > Begeleiding > PIP`.
pub(crate) const PATH_SEPARATOR: &str = " > ";

/// The matrix column of segments whose document has no case.
pub(crate) const NO_CASE_COLUMN: &str = "(no case)";

/// The matrix column that counts over every case or role.
pub(crate) const TOTAL_COLUMN: &str = "total";

/// What joins several values in one cell (coders, notes of several coders).
const LIST_SEPARATOR: &str = ";";

/// Joins the notes of several coders for one coding.
const NOTE_SEPARATOR: &str = " | ";

/// Prefix of the columns that hold a document's free attributes from the manifest.
pub(crate) const DOC_ATTRIBUTE_PREFIX: &str = "doc_";

/// Prefix of the columns that hold a speaker's attributes from the manifest.
pub(crate) const SPEAKER_ATTRIBUTE_PREFIX: &str = "speaker_";

/// The study's data the tables are made from, loaded by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The manifest: document entries (type, date, attributes), speaker entries (attributes)
    /// and the pseudonyms that tie stored speakers back to their entries.
    pub manifest: &'a Manifest,
    /// Every stored segment of the study: the cases and roles a matrix has columns for.
    pub segments: &'a [Segment],
    /// The codebooks, in the study's order: code labels, kinds and the code tree.
    pub codebooks: &'a [Codebook],
    /// The codings that count, each with its segment ([`crate::coding::quotes`]).
    pub quotes: &'a [Quote],
    /// Every coder's decisions (`codings/*.csv`), for the notes of the accepted codings.
    pub decisions: &'a [Coding],
}

/// One cell of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text; an empty string where a text value is not known.
    Text(String),
    /// A whole number (milliseconds, counts).
    Int(u64),
    /// A score.
    Number(f32),
    /// Yes or no: `true`/`false` in CSV and JSON.
    Bool(bool),
    /// No value: an empty CSV field, `null` in JSON.
    Null,
}

impl Cell {
    fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    fn optional(value: Option<&str>) -> Cell {
        Cell::Text(value.unwrap_or_default().to_string())
    }

    /// The cell as a CSV field.
    fn field(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(x) => x.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Null => String::new(),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(s) => serializer.serialize_str(s),
            Cell::Int(n) => serializer.serialize_u64(*n),
            Cell::Number(x) => serializer.serialize_f32(*x),
            Cell::Bool(b) => serializer.serialize_bool(*b),
            Cell::Null => serializer.serialize_none(),
        }
    }
}

/// A table: named columns and rows of cells, every row as long as `columns`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The column names, in order.
    pub columns: Vec<String>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// One row as a JSON object, its keys in column order.
struct RowObject<'a> {
    columns: &'a [String],
    cells: &'a [Cell],
}

impl Serialize for RowObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (column, cell) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(column, cell)?;
        }
        map.end()
    }
}

impl Table {
    /// The table as CSV (UTF-8, comma-separated, `\n` line ends): a header, then one line a
    /// row, fields quoted where they need it.
    pub(crate) fn to_csv(&self) -> Result<Vec<u8>, Error> {
        let fail = |e: csv::Error| Error::Other(format!("writing CSV: {e}"));
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(&self.columns).map_err(fail)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::field)).map_err(fail)?;
        }
        w.into_inner()
            .map_err(|e| Error::Other(format!("writing CSV: {}", e.error())))
    }

    /// The table as JSON Lines: one object a row, with the columns as keys, in order.
    pub(crate) fn to_jsonl(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        for row in &self.rows {
            let object = RowObject {
                columns: &self.columns,
                cells: row,
            };
            serde_json::to_writer(&mut out, &object)
                .map_err(|e| Error::Other(format!("writing JSON: {e}")))?;
            out.push(b'\n');
        }
        Ok(out)
    }
}

/// A code of the codebooks with its place in the code tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeInfo {
    /// The code id.
    pub code: String,
    /// Its label.
    pub code_label: String,
    /// Its kind.
    pub code_kind: CodeKind,
    /// The level of a context code.
    pub context_level: Option<ContextLevel>,
    /// `false` for a category that only groups the codes under it.
    pub codable: bool,
    /// The labels from the root of the code tree down to the code, joined by
    /// `PATH_SEPARATOR`.
    pub code_path: String,
    /// The same path as code ids.
    pub code_path_ids: String,
}

/// What the tables say of a code: its label, kind, level and path in the code tree.
fn code_info(codes: &Codes, code: &Code) -> CodeInfo {
    let lineage = codes.lineage(&code.id);
    let path = |f: fn(&Code) -> &str| {
        lineage
            .iter()
            .rev()
            .map(|c| f(c))
            .collect::<Vec<_>>()
            .join(PATH_SEPARATOR)
    };
    CodeInfo {
        code: code.id.clone(),
        code_label: code.label.clone(),
        code_kind: code.kind,
        context_level: code.level,
        codable: code.codable,
        code_path: path(|c| c.label.as_str()),
        code_path_ids: path(|c| c.id.as_str()),
    }
}

/// Every code of the codebooks, codebook by codebook in file order, categories included; an
/// id defined twice is listed once, as first defined.
pub fn code_list(codebooks: &[Codebook]) -> Vec<CodeInfo> {
    let index = Codes::new(codebooks);
    let mut seen = HashSet::new();
    codebooks
        .iter()
        .flat_map(|cb| &cb.codes)
        .filter(|c| seen.insert(c.id.as_str()))
        .map(|c| code_info(&index, c))
        .collect()
}

/// The column names of [`codings_table`] for a manifest: the fixed ones with the document
/// attribute keys (`doc_*`) and the speaker attribute keys (`speaker_*`) an export carries,
/// sorted.
pub(crate) fn codings_columns(manifest: &Manifest, names: bool) -> Vec<String> {
    let (doc_keys, speaker_keys) = attribute_keys(manifest, names);
    let mut columns: Vec<String> = [
        "segment", "doc", "role", "case", "group", "doc_type", "date", "language",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(
        doc_keys
            .iter()
            .map(|k| format!("{DOC_ATTRIBUTE_PREFIX}{k}")),
    );
    if names {
        columns.extend(["speaker", "respondent"].map(String::from));
    }
    columns.extend(
        speaker_keys
            .iter()
            .map(|k| format!("{SPEAKER_ATTRIBUTE_PREFIX}{k}")),
    );
    columns.extend(
        [
            "interviewer",
            "start_ms",
            "end_ms",
            "code",
            "code_label",
            "code_kind",
            "context_level",
            "code_path",
            "code_path_ids",
            "status",
            "origin",
            "coders",
            "score",
            "stance",
            "disputed",
            "note",
            "text",
        ]
        .map(String::from),
    );
    columns
}

/// The attribute keys of the manifest's documents, and of its speakers those an export
/// carries (all with `names`, else the analysis variables: [`speaker_attributes`]), each
/// sorted.
fn attribute_keys(manifest: &Manifest, names: bool) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let docs = manifest
        .documents
        .iter()
        .flat_map(|d| d.attributes.keys().map(String::as_str))
        .collect();
    (docs, speaker_attributes(manifest, names).0)
}

/// One row per coded quote (a segment and a code that counts), in the order of `quotes`, with
/// the columns of [`codings_columns`]:
///
/// - the segment id, the document, the role, the case and group (empty when the document has
///   none), the document's type and date from the manifest, the language its text is analysed
///   in, and one `doc_KEY` column per document attribute key of the manifest;
/// - with `names` only: the speaker as stored (pseudonym or label) and the respondent id;
/// - one `speaker_KEY` column per `[[speakers]]` attribute key of the manifest that is an
///   analysis variable (every key with `names`; empty where the speaker's entry lacks it),
///   whether the speaker is an interviewer, and the start and end in milliseconds where the
///   source has them;
/// - the code id, its label, kind, context level and its path in the code tree as labels and
///   as ids (empty for a code no codebook has, such as an inline tag with a typo);
/// - the status (`confirmed`, `suggested`), origin, the confirming coders (joined by `;`),
///   the rules' score, the stance, whether the coders' stances differ, the coders' notes on
///   their accepts (joined by ` | `), and the text (without `names`, with names and
///   respondent ids replaced as in every output: [`Identities::redact`]).
pub(crate) fn codings_table(sources: &Sources, names: bool) -> Table {
    let manifest = sources.manifest;
    let (doc_keys, speaker_keys) = attribute_keys(manifest, names);
    let docs: HashMap<String, &DocumentEntry> =
        manifest.documents.iter().map(|d| (d.id(), d)).collect();
    let pseudonyms = Pseudonyms::new(&manifest.pseudonyms);
    let speakers = SpeakerDirectory::new(manifest, |l| pseudonyms.apply(l).into_owned());
    // Without names, the text too is shown as every output shows it: names replaced.
    let identities =
        (!names).then(|| Identities::new(manifest, &unlisted_labels(sources.segments)));
    let index = Codes::new(sources.codebooks);
    let infos: HashMap<&str, CodeInfo> = index
        .iter()
        .map(|code| (code.id.as_str(), code_info(&index, code)))
        .collect();
    let mut notes: HashMap<(&str, &str), Vec<(&str, &str)>> = HashMap::new();
    for d in sources.decisions {
        if d.decision == Decision::Accept
            && let Some(note) = d.note.as_deref().map(str::trim).filter(|n| !n.is_empty())
        {
            notes
                .entry((d.segment.as_str(), d.code.as_str()))
                .or_default()
                .push((d.coder.as_str(), note));
        }
    }

    let mut rows = Vec::with_capacity(sources.quotes.len());
    for q in sources.quotes {
        let s = &q.segment;
        let c = &q.coding;
        let doc = docs.get(&s.doc).copied();
        let mut row = vec![
            Cell::text(&s.id),
            Cell::text(&s.doc),
            Cell::text(&s.role),
            Cell::optional(s.case.as_deref()),
            Cell::optional(s.group.as_deref()),
            Cell::optional(doc.and_then(|d| d.kind.as_deref())),
            Cell::optional(doc.and_then(|d| d.date.as_deref())),
            Cell::text(s.lang.to_string()),
        ];
        row.extend(
            doc_keys.iter().map(|k| {
                Cell::optional(doc.and_then(|d| d.attributes.get(*k)).map(String::as_str))
            }),
        );
        if names {
            row.push(Cell::text(&s.speaker));
            row.push(Cell::optional(s.respondent.as_deref()));
        }
        let entry = speakers.of_segment(&s.doc, &s.speaker, s.respondent.as_deref());
        row.extend(
            speaker_keys.iter().map(|k| {
                Cell::optional(entry.and_then(|e| e.attributes.get(*k)).map(String::as_str))
            }),
        );
        row.push(Cell::Bool(s.interviewer));
        row.push(s.start_ms.map_or(Cell::Null, Cell::Int));
        row.push(s.end_ms.map_or(Cell::Null, Cell::Int));
        let info = infos.get(c.code.as_str());
        row.push(Cell::text(&c.code));
        row.push(Cell::optional(info.map(|i| i.code_label.as_str())));
        row.push(Cell::optional(info.map(|i| i.code_kind.name())));
        row.push(Cell::optional(
            info.and_then(|i| i.context_level).map(ContextLevel::name),
        ));
        row.push(Cell::optional(info.map(|i| i.code_path.as_str())));
        row.push(Cell::optional(info.map(|i| i.code_path_ids.as_str())));
        row.push(Cell::text(status_name(c.status)));
        row.push(Cell::text(c.origin.name()));
        row.push(Cell::text(c.coders.join(LIST_SEPARATOR)));
        row.push(c.score.map_or(Cell::Null, Cell::Number));
        row.push(Cell::text(c.stance.to_string()));
        row.push(Cell::Bool(c.disputed));
        let mut these: Vec<(&str, &str)> = notes
            .get(&(s.id.as_str(), c.code.as_str()))
            .cloned()
            .unwrap_or_default();
        these.sort_unstable();
        let mut texts: Vec<&str> = Vec::with_capacity(these.len());
        for (_, note) in these {
            if !texts.contains(&note) {
                texts.push(note);
            }
        }
        row.push(Cell::text(texts.join(NOTE_SEPARATOR)));
        row.push(Cell::text(match &identities {
            Some(identities) => identities.redact(&s.text),
            None => s.text.clone(),
        }));
        rows.push(row);
    }
    Table {
        columns: codings_columns(manifest, names),
        rows,
    }
}

/// The name of a coding's status, as the exports write it.
fn status_name(status: Status) -> &'static str {
    match status {
        Status::Confirmed => "confirmed",
        Status::Suggested => "suggested",
    }
}

/// What the columns of a [`Matrix`] are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatrixBy {
    /// The cases (documents' `case`), with `NO_CASE_COLUMN` for documents without one.
    Case,
    /// The speakers' role labels (`interviewer` for interviewers without a role).
    Role,
}

/// How to count a [`Matrix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatrixOptions {
    /// Cases or roles as columns.
    pub by: MatrixBy,
    /// 1 where a count is above 0, else 0, instead of the count.
    pub binary: bool,
    /// Count the rules' undecided suggestions too (the quotes must then hold them).
    pub include_suggestions: bool,
}

/// A code × case or code × role matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// How it was counted.
    pub options: MatrixOptions,
    /// The cases or roles, sorted; `NO_CASE_COLUMN` last where some document has no case.
    pub columns: Vec<String>,
    /// One row per code, in [`code_list`] order.
    pub rows: Vec<MatrixRow>,
}

/// One code's row of a [`Matrix`].
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    /// The code and its path.
    pub code: CodeInfo,
    /// Per column of [`Matrix::columns`]: the segments coded with the code or a code under it
    /// (0 or 1 when binary).
    pub counts: Vec<usize>,
    /// The same over all columns.
    pub total: usize,
}

/// `{"Havenstad": 3, ...}` in column order.
struct OrderedCounts<'a> {
    columns: &'a [String],
    counts: &'a [usize],
}

impl Serialize for OrderedCounts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (column, n) in self.columns.iter().zip(self.counts) {
            map.serialize_entry(column, n)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct RowView<'a> {
    #[serde(flatten)]
    code: &'a CodeInfo,
    counts: OrderedCounts<'a>,
    total: usize,
}

impl Serialize for Matrix {
    /// `{"by", "binary", "include_suggestions", "columns", "rows": [{code…, "counts": {column:
    /// n}, "total"}]}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<RowView> = self
            .rows
            .iter()
            .map(|r| RowView {
                code: &r.code,
                counts: OrderedCounts {
                    columns: &self.columns,
                    counts: &r.counts,
                },
                total: r.total,
            })
            .collect();
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("by", &self.options.by)?;
        map.serialize_entry("binary", &self.options.binary)?;
        map.serialize_entry("include_suggestions", &self.options.include_suggestions)?;
        map.serialize_entry("columns", &self.columns)?;
        map.serialize_entry("rows", &rows)?;
        map.end()
    }
}

/// The column a segment counts in.
fn column_of(segment: &Segment, by: MatrixBy) -> &str {
    match by {
        MatrixBy::Case => segment.case.as_deref().unwrap_or(NO_CASE_COLUMN),
        MatrixBy::Role => &segment.role,
    }
}

/// Counts, for every code of the codebooks (categories included, in [`code_list`] order) and
/// every case or role of the study's segments, the segments that have a coding of the code or
/// of any code under it in the code tree (that is, whose `code_path_ids` holds it). A segment
/// counts once per code however many of the codes under it it has.
///
/// Only confirmed codings count unless `include_suggestions`. A segment counts under its case,
/// or `NO_CASE_COLUMN`, and under its speaker's role as stored: interviewers' turns count
/// as `interviewer`, as in `icamo quotes` (the rules never suggest codes for them, so only a
/// coder or a tag puts them there). The columns are every case (or role) of `segments`, so the
/// header does not depend on what is coded.
pub fn matrix(sources: &Sources, options: MatrixOptions) -> Matrix {
    let codes = code_list(sources.codebooks);
    let index = Codes::new(sources.codebooks);
    let quotes: Vec<&Quote> = sources
        .quotes
        .iter()
        .filter(|q| options.include_suggestions || q.coding.status == Status::Confirmed)
        .collect();

    let mut found: BTreeSet<&str> = BTreeSet::new();
    let mut no_case = false;
    for s in sources
        .segments
        .iter()
        .chain(quotes.iter().map(|q| &q.segment))
    {
        let column = column_of(s, options.by);
        if column == NO_CASE_COLUMN && options.by == MatrixBy::Case {
            no_case = true;
        } else {
            found.insert(column);
        }
    }
    let mut columns: Vec<String> = found.into_iter().map(str::to_string).collect();
    if no_case {
        columns.push(NO_CASE_COLUMN.to_string());
    }
    let column_index: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let row_index: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str(), i))
        .collect();

    let mut counts = vec![vec![0usize; columns.len()]; codes.len()];
    let mut totals = vec![0usize; codes.len()];
    let mut counted: HashSet<(usize, &str)> = HashSet::new();
    let mut rows_for: HashMap<&str, Vec<usize>> = HashMap::new();
    for q in &quotes {
        let code = q.coding.code.as_str();
        let rows = rows_for.entry(code).or_insert_with(|| {
            index
                .lineage(code)
                .iter()
                .filter_map(|c| row_index.get(c.id.as_str()).copied())
                .collect()
        });
        let Some(&column) = column_index.get(column_of(&q.segment, options.by)) else {
            continue;
        };
        for &row in rows.iter() {
            if counted.insert((row, q.segment.id.as_str())) {
                counts[row][column] += 1;
                totals[row] += 1;
            }
        }
    }
    let rows = codes
        .into_iter()
        .zip(counts.into_iter().zip(totals))
        .map(|(code, (mut counts, mut total))| {
            if options.binary {
                counts.iter_mut().for_each(|n| *n = (*n).min(1));
                total = total.min(1);
            }
            MatrixRow {
                code,
                counts,
                total,
            }
        })
        .collect();
    Matrix {
        options,
        columns,
        rows,
    }
}

impl Matrix {
    /// The matrix as a table: `code, code_label, code_kind, context_level, codable, code_path,
    /// code_path_ids`, then one column per case or role, then [`TOTAL_COLUMN`].
    pub(crate) fn to_table(&self) -> Table {
        let mut columns: Vec<String> = [
            "code",
            "code_label",
            "code_kind",
            "context_level",
            "codable",
            "code_path",
            "code_path_ids",
        ]
        .map(String::from)
        .to_vec();
        columns.extend(self.columns.iter().cloned());
        columns.push(TOTAL_COLUMN.to_string());
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let c = &r.code;
                let mut row = vec![
                    Cell::text(&c.code),
                    Cell::text(&c.code_label),
                    Cell::text(c.code_kind.name()),
                    Cell::optional(c.context_level.map(ContextLevel::name)),
                    Cell::Bool(c.codable),
                    Cell::text(&c.code_path),
                    Cell::text(&c.code_path_ids),
                ];
                row.extend(r.counts.iter().map(|&n| Cell::Int(n as u64)));
                row.push(Cell::Int(r.total as u64));
                row
            })
            .collect();
        Table { columns, rows }
    }

    /// The matrix as pretty-printed JSON (see its `Serialize`), with a final newline.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        let mut out = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Other(format!("writing JSON: {e}")))?;
        out.push(b'\n');
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::Stance;
    use crate::coding::manual::{EffectiveCoding, Origin};
    use crate::lang::Language;

    const CODEBOOK: &str = r#"
        [codebook]
        name = "Proef"

        [[codes]]
        id = "int"
        label = "Interventies"
        kind = "intervention"
        codable = false

        [[codes]]
        id = "int.begeleiding"
        parent = "int"
        label = "Begeleiding"
        kind = "intervention"

        [[codes]]
        id = "int.jobcoach"
        parent = "int.begeleiding"
        label = "Jobcoaching"
        kind = "intervention"

        [[codes]]
        id = "ctx.krapte"
        label = "Krapte"
        kind = "context"
        level = "maatschappelijk"
    "#;

    const MANIFEST: &str = r#"
        [study]
        name = "Proef"
        analysis_variables = ["functie", "sector"]

        [[documents]]
        file = "corpus/a.txt"
        case = "Havenstad"
        type = "focusgroep"
        date = "2025-03-11"
        attributes = { locatie = "stadhuis" }

        [[documents]]
        file = "corpus/b.txt"

        [[speakers]]
        label = "Greetje"
        respondent = "P01"
        role = "uitvoering"
        attributes = { functie = "klantmanager" }

        [[speakers]]
        label = "Marco"
        respondent = "P02"
        role = "werkgever"
        documents = ["b"]
        attributes = { sector = "horeca" }

        [pseudonyms]
        "Greetje" = "Anke"
    "#;

    fn segment(doc: &str, ordinal: u32, speaker: &str, role: &str, case: Option<&str>) -> Segment {
        Segment {
            id: Segment::make_id(doc, ordinal),
            doc: doc.into(),
            ordinal,
            speaker: speaker.into(),
            respondent: None,
            role: role.into(),
            case: case.map(str::to_string),
            group: None,
            interviewer: false,
            lang: Language::Dutch,
            start_ms: Some(1000 * u64::from(ordinal)),
            end_ms: None,
            line: 1,
            byte_start: 0,
            byte_end: 4,
            char_start: 0,
            char_end: 4,
            text: "Tekst".into(),
        }
    }

    fn quote(segment: &Segment, code: &str, status: Status) -> Quote {
        Quote {
            coding: EffectiveCoding {
                segment: segment.id.clone(),
                code: code.into(),
                status,
                origin: if status == Status::Confirmed {
                    Origin::Manual
                } else {
                    Origin::Rule
                },
                stance: Stance::None,
                disputed: false,
                coders: vec!["anna".into()],
                score: None,
                spans: Vec::new(),
                versions: Default::default(),
            },
            segment: segment.clone(),
            asked: None,
        }
    }

    struct Fixture {
        manifest: Manifest,
        codebooks: Vec<Codebook>,
        segments: Vec<Segment>,
        quotes: Vec<Quote>,
        decisions: Vec<Coding>,
    }

    impl Fixture {
        fn new() -> Fixture {
            let a1 = segment("a", 1, "Anke", "uitvoering", Some("Havenstad"));
            let a2 = segment("a", 2, "Anke", "uitvoering", Some("Havenstad"));
            let b1 = segment("b", 1, "Marco", "werkgever", None);
            let quotes = vec![
                quote(&a1, "int.begeleiding", Status::Confirmed),
                quote(&a1, "int.jobcoach", Status::Confirmed),
                quote(&a2, "ctx.krapte", Status::Suggested),
                quote(&b1, "int.jobcoach", Status::Confirmed),
                quote(&b1, "typo.code", Status::Confirmed),
            ];
            let decisions = vec![Coding {
                segment: a1.id.clone(),
                code: "int.jobcoach".into(),
                origin: Origin::Manual,
                coder: "anna".into(),
                stance: Stance::None,
                span: None,
                note: Some("over de jobcoach".into()),
                decision: Decision::Accept,
                text: None,
                versions: Default::default(),
                line: 0,
            }];
            Fixture {
                manifest: Manifest::parse("icamo.toml", MANIFEST).unwrap(),
                codebooks: vec![Codebook::parse("codes.toml", CODEBOOK).unwrap()],
                segments: vec![a1, a2, b1],
                quotes,
                decisions,
            }
        }

        fn sources(&self) -> Sources<'_> {
            Sources {
                manifest: &self.manifest,
                segments: &self.segments,
                codebooks: &self.codebooks,
                quotes: &self.quotes,
                decisions: &self.decisions,
            }
        }
    }

    fn value<'t>(table: &'t Table, row: usize, column: &str) -> &'t Cell {
        let i = table.columns.iter().position(|c| c == column).unwrap();
        &table.rows[row][i]
    }

    #[test]
    fn code_paths_run_from_the_root_down() {
        let f = Fixture::new();
        let codes = code_list(&f.codebooks);
        let jobcoach = codes.iter().find(|c| c.code == "int.jobcoach").unwrap();
        assert_eq!(
            jobcoach.code_path,
            "Interventies > Begeleiding > Jobcoaching"
        );
        assert_eq!(
            jobcoach.code_path_ids,
            "int > int.begeleiding > int.jobcoach"
        );
        assert_eq!(codes[0].code, "int");
        assert!(!codes[0].codable);
    }

    #[test]
    fn a_coding_row_has_the_documents_and_speakers_attributes() {
        let f = Fixture::new();
        let table = codings_table(&f.sources(), false);
        assert!(
            !table
                .columns
                .iter()
                .any(|c| c == "speaker" || c == "respondent")
        );
        assert!(table.columns.contains(&"doc_locatie".to_string()));
        assert!(table.columns.contains(&"speaker_functie".to_string()));
        assert!(table.columns.contains(&"speaker_sector".to_string()));
        assert!(table.rows.iter().all(|r| r.len() == table.columns.len()));
        // Row 1: a:0001 int.jobcoach, spoken by Greetje (stored as her pseudonym Anke).
        assert_eq!(value(&table, 1, "code"), &Cell::text("int.jobcoach"));
        assert_eq!(
            value(&table, 1, "speaker_functie"),
            &Cell::text("klantmanager")
        );
        assert_eq!(value(&table, 1, "doc_locatie"), &Cell::text("stadhuis"));
        assert_eq!(value(&table, 1, "date"), &Cell::text("2025-03-11"));
        assert_eq!(value(&table, 1, "note"), &Cell::text("over de jobcoach"));
        assert_eq!(value(&table, 1, "start_ms"), &Cell::Int(1000));
        assert_eq!(value(&table, 3, "speaker_sector"), &Cell::text("horeca"));
        assert_eq!(value(&table, 3, "case"), &Cell::text(""));
        // A code no codebook has keeps its id, with no label or path.
        assert_eq!(value(&table, 4, "code_path"), &Cell::text(""));
        let named = codings_table(&f.sources(), true);
        assert_eq!(value(&named, 1, "speaker"), &Cell::text("Anke"));
    }

    #[test]
    fn a_matrix_counts_each_segment_once_per_code_and_its_ancestors() {
        let f = Fixture::new();
        let options = MatrixOptions {
            by: MatrixBy::Case,
            binary: false,
            include_suggestions: false,
        };
        let m = matrix(&f.sources(), options);
        assert_eq!(m.columns, ["Havenstad", NO_CASE_COLUMN]);
        let row = |id: &str| m.rows.iter().find(|r| r.code.code == id).unwrap();
        assert_eq!(row("int").counts, [1, 1]);
        assert_eq!(row("int").total, 2);
        assert_eq!(row("int.begeleiding").counts, [1, 1]);
        assert_eq!(row("ctx.krapte").counts, [0, 0]);
        let with = matrix(
            &f.sources(),
            MatrixOptions {
                include_suggestions: true,
                ..options
            },
        );
        let krapte = with
            .rows
            .iter()
            .find(|r| r.code.code == "ctx.krapte")
            .unwrap();
        assert_eq!(krapte.counts, [1, 0]);
        let table = m.to_table();
        assert_eq!(table.columns.last().unwrap(), TOTAL_COLUMN);
        let csv = String::from_utf8(table.to_csv().unwrap()).unwrap();
        assert!(csv.starts_with("code,code_label,code_kind,context_level,codable,code_path,code_path_ids,Havenstad,(no case),total\nint,Interventies,intervention,,false,Interventies,int,1,1,2\n"), "{csv}");
    }

    #[test]
    fn a_binary_matrix_has_ones_where_counts_are_above_zero() {
        let f = Fixture::new();
        let m = matrix(
            &f.sources(),
            MatrixOptions {
                by: MatrixBy::Role,
                binary: true,
                include_suggestions: false,
            },
        );
        assert_eq!(m.columns, ["uitvoering", "werkgever"]);
        let row = m.rows.iter().find(|r| r.code.code == "int").unwrap();
        assert_eq!(row.counts, [1, 1]);
        assert_eq!(row.total, 1);
        let json: serde_json::Value = serde_json::from_slice(&m.to_json().unwrap()).unwrap();
        assert_eq!(json["rows"][0]["counts"]["werkgever"], 1);
        assert_eq!(json["by"], "role");
    }
}

//! Manual codings: a coder's decisions, kept in plain files in the study, and how they win.
//!
//! A [`Coding`] says that a segment has a code (or, with [`Decision::Reject`], that a
//! suggested code was turned down), by whom ([`Origin`] and coder) and with which stance.
//! Each coder's codings live in `codings/<coder>.csv` in the study folder: the coder's own
//! work, never derived and never touched by `icamo code`. The file is sorted by segment, then
//! code, one coding a line, so `git diff` shows each decision and two coders' files can be
//! compared line by line:
//!
//! ```text
//! segment,code,stance,origin,span,note,decision
//! fg-beleid:0012,icamo1.m3,supports,manual,,,accept
//! fg-beleid:0012,int.pip,none,manual,,,reject
//! int-sh-01:0007,icamo2.m1,contradicts,manual,120-188,alleen in het begin,accept
//! ```
//!
//! Inline tags in the transcripts ([`super::tags`]) become codings with origin `tag` at
//! ingest, in `.icamo/tag-codings.csv` (derived, with a `coder` column). [`effective_codings`]
//! merges all of it with the suggestions: a coder's decision or a tag always wins over a
//! suggestion, and where coders disagree the study's [`EvidenceRule`] (the manifest's
//! `[evidence]`, see [`super::rule`]) decides what counts.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::anchor::{self, Placements, Turns, Updated};
use super::rule::{Disagreement, EvidenceRule, Outcome, disagreement, resolve};
use super::{Stance, Suggestion, for_each_suggestion};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::study::{CODINGS_DIR, Study};
use crate::transcript::{Decoded, ParseError};

pub(crate) use super::model::{CODING_COLUMNS, QUOTE_COLUMNS, sort_codings};
pub use super::model::{Coding, Decision, Origin, QuoteVersions, check_coder};

/// The file of one coder's codings: `codings/<coder>.csv` in the study.
pub(crate) fn coder_file(study: &Study, coder: &str) -> PathBuf {
    study.root.join(CODINGS_DIR).join(format!("{coder}.csv"))
}

/// One coder's codings (none when the coder has no file yet).
pub(crate) fn load_coder(study: &Study, coder: &str) -> Result<Vec<Coding>, Error> {
    check_coder(coder).map_err(Error::Other)?;
    let path = coder_file(study, coder);
    if !path.exists() {
        return Ok(Vec::new());
    }
    read_codings(&path, Some(coder))
}

/// Writes one coder's codings, sorted, through a temporary file.
pub(crate) fn save_coder(study: &Study, coder: &str, codings: &mut [Coding]) -> Result<(), Error> {
    check_coder(coder).map_err(Error::Other)?;
    let path = coder_file(study, coder);
    let dir = path.parent().unwrap_or(&study.root);
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    sort_codings(codings);
    write_atomic(&path, &codings_csv(codings, false)?)
}

/// Every coder's codings, coder by coder in name order: the files in `codings/`.
pub fn load_all_coders(study: &Study) -> Result<BTreeMap<String, Vec<Coding>>, Error> {
    let dir = study.root.join(CODINGS_DIR);
    let mut all = BTreeMap::new();
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(all);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "csv") {
            continue;
        }
        let Some(coder) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if check_coder(coder).is_err() {
            continue;
        }
        all.insert(coder.to_string(), read_codings(&path, Some(coder))?);
    }
    Ok(all)
}

/// Every coder's codings placed on the transcripts as they are now
/// ([`anchor::place`]): what evidence is counted from. The files are not touched.
pub fn placed_coders(study: &Study) -> Result<(BTreeMap<String, Vec<Coding>>, Placements), Error> {
    anchor::place(study, load_all_coders(study)?)
}

/// Writes where each coding's words are now into the coders' files (`icamo codings update`,
/// see `anchor::update_codings`), under the study's lock; a file is rewritten, through a
/// temporary file, only when something in it changed. Anchors written for codings without
/// one record the words their ids name now: right only while the transcripts are as they
/// were coded.
pub fn update_anchors(
    study: &Study,
    accept_review: bool,
    drop_orphans: bool,
) -> Result<Updated, Error> {
    study.ensure_ingested()?;
    let _lock = study.lock()?;
    let mut turns = Turns::new(study)?;
    let mut updated = Updated::default();
    for (coder, codings) in load_all_coders(study)? {
        let (mut codings, changed) = anchor::update_codings(
            &mut turns,
            codings,
            accept_review,
            drop_orphans,
            &mut updated,
        )?;
        if changed {
            save_coder(study, &coder, &mut codings)?;
            updated.files.push(coder_file(study, &coder));
        }
    }
    Ok(updated)
}

/// The codings ingest read from inline tags (none before the first ingest).
pub(crate) fn load_tag_codings(study: &Study) -> Result<Vec<Coding>, Error> {
    let path = study.tag_codings_path();
    if !path.exists() {
        return Ok(Vec::new());
    }
    read_codings(&path, None)
}

/// Codings as CSV: a header and one coding a line, in the order given; the quote columns
/// ([`QUOTE_COLUMNS`]) when a coding fills one in; with `coder`, a last column names each
/// coding's coder (the tag codings file).
pub(crate) fn codings_csv(codings: &[Coding], coder: bool) -> Result<Vec<u8>, Error> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let csv_error = |e| Error::csv(Some("codings"), e);
    let mut header = CODING_COLUMNS.to_vec();
    let versions = codings.iter().any(|c| !c.versions.is_empty());
    if versions {
        header.extend(QUOTE_COLUMNS);
    }
    if coder {
        header.push("coder");
    }
    out.write_record(&header).map_err(csv_error)?;
    for c in codings {
        let span = c.span.map(|[a, b]| format!("{a}-{b}")).unwrap_or_default();
        let stance = c.stance.to_string();
        let mut row = vec![
            c.segment.as_str(),
            c.code.as_str(),
            stance.as_str(),
            c.origin.name(),
            span.as_str(),
            c.note.as_deref().unwrap_or(""),
            c.decision.name(),
            c.text.as_deref().unwrap_or(""),
        ];
        if versions {
            row.push(c.versions.readable.as_deref().unwrap_or(""));
            row.push(c.versions.translation.as_deref().unwrap_or(""));
        }
        if coder {
            row.push(c.coder.as_str());
        }
        out.write_record(&row).map_err(csv_error)?;
    }
    out.into_inner()
        .map_err(|e| Error::csv(Some("codings"), e.into_error()))
}

/// Reads a codings file. `coder` is the coder of every row (a coder's file); without it the
/// file must have a `coder` column. Every wrong row is reported with its line.
pub fn read_codings(path: &Path, coder: Option<&str>) -> Result<Vec<Coding>, Error> {
    let bytes = read_csv_bytes(path)?;
    let rows = |problems| Error::Rows {
        path: path.to_path_buf(),
        problems,
    };
    if let Some(problem) = unclosed_quote(&bytes, b',') {
        return Err(rows(vec![problem]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| rows(vec![(1, format!("not a CSV header: {e}"))]))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(seg_col), Some(code_col)) = (column("segment"), column("code")) else {
        return Err(rows(vec![(
            1,
            format!(
                "expected the header {} (segment and code at least){}",
                CODING_COLUMNS.join(","),
                if bytes.is_empty() {
                    "; the file is empty".to_string()
                } else {
                    delimiter_hint(&headers, b',')
                }
            ),
        )]));
    };
    let coder_col = column("coder");
    if coder.is_none() && coder_col.is_none() {
        return Err(rows(vec![(1, "expected a coder column".to_string())]));
    }
    let (readable_col, translation_col) = (column(QUOTE_COLUMNS[0]), column(QUOTE_COLUMNS[1]));
    let (stance_col, origin_col, span_col, note_col, decision_col, text_col) = (
        column("stance"),
        column("origin"),
        column("span"),
        column("note"),
        column("decision"),
        column("text"),
    );
    let mut codings = Vec::new();
    let mut problems = Vec::new();
    let mut twice = Twice::default();
    for row in numbered_records(&mut reader) {
        let (line, record) = match row {
            Ok(row) => row,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |col: Option<usize>| col.and_then(|i| record.get(i)).unwrap_or("").trim();
        match coding_from_row(
            field(Some(seg_col)),
            field(Some(code_col)),
            field(stance_col),
            field(origin_col),
            field(span_col),
            field(note_col),
            field(decision_col),
            coder.unwrap_or_else(|| field(coder_col)),
        ) {
            Ok(mut c) => {
                c.line = line;
                // The anchor is kept as written: its bytes are what `span` counts.
                let text = text_col.and_then(|i| record.get(i)).unwrap_or("");
                c.text = (!text.is_empty()).then(|| text.to_string());
                let written = |col| Some(field(col)).filter(|t| !t.is_empty()).map(String::from);
                c.versions = QuoteVersions {
                    readable: written(readable_col),
                    translation: written(translation_col),
                };
                let clash = twice.clash(&c, line);
                if coder.is_some()
                    && let Some(first) = clash
                {
                    problems.push((
                        line,
                        format!(
                            "{} {} is coded twice (also on line {first}): keep one line",
                            c.segment, c.code
                        ),
                    ));
                }
                codings.push(c);
            }
            Err(message) => problems.push((line, message)),
        }
    }
    if !problems.is_empty() {
        return Err(rows(problems));
    }
    Ok(codings)
}

/// The lines of a coder's file seen so far, to find a segment and code coded twice. One line
/// per segment and code, except that one coder may mark several passages of a turn with a
/// code: accepts on different spans (as a REFI-QDA import writes two selections in one turn).
#[derive(Default)]
struct Twice {
    /// (segment, code, the accepted span) → first line; `None` for a whole-turn line.
    seen: HashMap<(String, String, Option<[usize; 2]>), usize>,
    /// (segment, code) → the first line that accepted a span of it.
    spanned: HashMap<(String, String), usize>,
}

impl Twice {
    /// Records coding `c` on `line`, and gives the earlier line it clashes with, if any.
    fn clash(&mut self, c: &Coding, line: usize) -> Option<usize> {
        let passage = (c.decision == Decision::Accept).then_some(c.span).flatten();
        let pair = (c.segment.clone(), c.code.clone());
        let key = (pair.0.clone(), pair.1.clone(), passage);
        let whole = (pair.0.clone(), pair.1.clone(), None);
        let clash = if passage.is_some() {
            self.seen.get(&whole).or(self.seen.get(&key)).copied()
        } else {
            self.seen
                .get(&whole)
                .copied()
                .or_else(|| self.spanned.get(&pair).copied())
        };
        if passage.is_some() {
            self.spanned.entry(pair).or_insert(line);
        }
        self.seen.entry(key).or_insert(line);
        clash
    }
}

/// How to save a CSV file from a spreadsheet so that icamo reads it.
const SAVE_AS_CSV: &str = "in Excel, choose Save As and the type \"CSV UTF-8 (comma delimited)\"; in LibreOffice, \
     Save As \"Text CSV\" with the character set UTF-8";

/// A CSV file's text as UTF-8 bytes, without a byte order mark and with LF line ends, as
/// spreadsheets may save them otherwise (and the csv reader counts lines one short after CRLF
/// ends). UTF-16 with a byte order mark (Excel's "Unicode text") is read too.
///
/// A file in another encoding (Excel's plain "CSV" is Windows-1252), with NUL bytes, or a
/// workbook saved under a `.csv` name is an error with the line and column of the first bad
/// byte and how to save the file instead.
pub(crate) fn read_csv_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    read_csv_with(path, crate::transcript::decode).map(|d| d.text.into_bytes())
}

/// [`read_csv_bytes`] for a coding sheet, which a coder fills in in a spreadsheet: a sheet
/// that is not UTF-8 and holds no UTF-8 character is read as Windows-1252, the encoding of
/// Excel's plain "CSV (Comma delimited)" in Western Europe. The encoding read is returned.
pub(crate) fn read_sheet_csv(path: &Path) -> Result<Decoded, Error> {
    read_csv_with(path, crate::transcript::decode_or_windows_1252)
}

/// A CSV file's text, decoded by `decode`.
fn read_csv_with(
    path: &Path,
    decode: fn(&[u8]) -> Result<Decoded, ParseError>,
) -> Result<Decoded, Error> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let bad = |line, column, message: String| Error::Parse {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(bad(
            0,
            0,
            format!(
                "the file is a ZIP archive, probably a spreadsheet workbook (.xlsx or .ods) saved under a .csv name, not a CSV file: {SAVE_AS_CSV}"
            ),
        ));
    }
    decode(&bytes).map_err(|e| bad(e.line, e.column, format!("{}; {SAVE_AS_CSV}", e.message)))
}

/// The first quoted field of CSV `bytes` whose closing quote is missing, as the line it opens
/// on and a message. The csv reader would take the rest of the file (or everything up to the
/// next quote) into that field without a word, and so lose the rows in between.
///
/// A quoted field is unclosed when the file ends inside it, or when the quote that ends it is
/// followed by more text instead of a delimiter or the end of the line: then that quote was
/// the opening quote of a later field.
pub(crate) fn unclosed_quote(bytes: &[u8], delimiter: u8) -> Option<(usize, String)> {
    let (mut line, mut column) = (1, 0);
    let mut field_start = true;
    let mut open: Option<(usize, usize)> = None;
    let fix = "add the closing quote (\"), and write a quote inside a quoted field as two (\"\")";
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Columns count characters: skip UTF-8 continuation bytes.
        if b & 0xC0 != 0x80 {
            column += 1;
        }
        if let Some((open_line, open_column)) = open {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                    column += 1;
                } else {
                    let next = bytes.get(i + 1);
                    if next.is_some_and(|n| *n != delimiter && *n != b'\n') {
                        return Some((
                            open_line,
                            format!(
                                "the quoted field that opens at column {open_column} has no closing quote of its own: the quote at line {line}, column {column} ends it and more text follows, so the rows in between would be read as its text; {fix}"
                            ),
                        ));
                    }
                    open = None;
                    field_start = false;
                }
            }
        } else if b == delimiter {
            field_start = true;
        } else if b == b'"' && field_start {
            open = Some((line, column));
            field_start = false;
        } else {
            field_start = b == b'\n';
        }
        if b == b'\n' {
            line += 1;
            column = 0;
        }
        i += 1;
    }
    open.map(|(line, column)| {
        (
            line,
            format!(
                "the quoted field that opens at column {column} is never closed: everything after it, to the end of the file, would be read as its text; {fix}"
            ),
        )
    })
}

/// What a header that lacks the columns it needs may have instead: another delimiter.
pub(crate) fn delimiter_hint(header: &csv::StringRecord, delimiter: u8) -> String {
    let first = header.get(0).unwrap_or("");
    match [b';', b'\t', b',']
        .into_iter()
        .find(|d| *d != delimiter && first.as_bytes().contains(d))
    {
        Some(d) if header.len() == 1 => format!(
            " (this header has {} between the columns: save the file with \"{}\" between them)",
            if d == b'\t' {
                "tabs".to_string()
            } else {
                format!("\"{}\"", char::from(d))
            },
            char::from(delimiter)
        ),
        _ => String::new(),
    }
}

/// The records of a CSV reader, each with the line it starts on; a row that is not valid CSV
/// becomes a `(line, message)` problem, so a caller can report every bad row at once.
pub(crate) fn numbered_records<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
) -> impl Iterator<Item = Result<(usize, csv::StringRecord), (usize, String)>> + '_ {
    reader.records().map(|row| match row {
        Ok(record) => Ok((record.position().map_or(0, |p| p.line() as usize), record)),
        Err(e) => Err((
            e.position().map_or(0, |p| p.line() as usize),
            format!("not a valid CSV row: {e}"),
        )),
    })
}

/// One row of a codings file, checked.
#[allow(clippy::too_many_arguments)]
fn coding_from_row(
    segment: &str,
    code: &str,
    stance: &str,
    origin: &str,
    span: &str,
    note: &str,
    decision: &str,
    coder: &str,
) -> Result<Coding, String> {
    if segment.is_empty() || code.is_empty() {
        return Err("the segment and code columns must both be filled in".to_string());
    }
    check_coder(coder)?;
    let span = if span.is_empty() {
        None
    } else {
        let bad = || format!("span \"{span}\": expected START-END in bytes, like 12-48");
        let (a, b) = span.split_once('-').ok_or_else(bad)?;
        let (a, b): (usize, usize) = (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        );
        if a > b {
            return Err(bad());
        }
        Some([a, b])
    };
    let decision = match decision.to_lowercase().as_str() {
        "" | "accept" => Decision::Accept,
        "reject" => Decision::Reject,
        other => {
            return Err(format!(
                "unknown decision \"{other}\": expected accept or reject"
            ));
        }
    };
    Ok(Coding {
        segment: segment.to_string(),
        code: code.to_string(),
        origin: origin.parse()?,
        coder: coder.to_string(),
        stance: stance.parse()?,
        span,
        note: (!note.is_empty()).then(|| note.to_string()),
        decision,
        text: None,
        versions: QuoteVersions::default(),
        line: 0,
    })
}

/// Whether a code is confirmed by a person or only suggested by the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A coder accepted it, or a tag gives it.
    Confirmed,
    /// Only the rules suggest it; nobody has decided.
    Suggested,
}

impl Status {
    /// The name output shows: `confirmed` or `suggested`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Suggested => "suggested",
        }
    }
}

/// The coding of one code for one segment that counts, after coders, tags and suggestions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveCoding {
    /// The segment id.
    pub segment: String,
    /// The code id.
    pub code: String,
    /// Confirmed or only suggested.
    pub status: Status,
    /// Where the coding that counts comes from (`rule` for a suggestion).
    pub origin: Origin,
    /// The stance: the one the study's rule gives (the adjudicator's, or the one the
    /// accepting coders agree on, else none), or the suggested one.
    pub stance: Stance,
    /// Whether the counted coders disagreed about it: one accepted and another rejected, or
    /// the accepting coders gave different stances (also where the adjudicator settled it).
    pub disputed: bool,
    /// Who accepted it among the coders who count and the adjudicator, in name order (empty
    /// for a suggestion).
    pub coders: Vec<String>,
    /// The suggestion's score, where the rules also suggested it.
    pub score: Option<f32>,
    /// Bytes of the segment the confirmations point at, or the matched words of a suggestion.
    pub spans: Vec<[usize; 2]>,
    /// The readable version and translation an accepting coder wrote (the first in `coders`
    /// who wrote each), for the report.
    #[serde(flatten)]
    pub versions: QuoteVersions,
}

/// Coders' files, tag codings and suggestions merged under the study's rule
/// ([`evidence_rule`]), one entry per (segment, code), sorted.
///
/// Where the rule makes a segment carry a code, it is confirmed, with the stance the rule
/// gives; where the coders who count decided otherwise, the suggestion is hidden; a
/// suggestion no counted coder decided stays a suggestion.
pub fn effective_codings(study: &Study) -> Result<Vec<EffectiveCoding>, Error> {
    effective_codings_where(study, |_, _| true)
}

/// The effective codings `keep` keeps, given each one's code and status: as
/// [`effective_codings`], reading the suggestions a line at a time and holding only what is
/// kept, so that asking for a few codes, or for confirmed codings only, costs little memory
/// however many suggestions a large study has.
pub(crate) fn effective_codings_where(
    study: &Study,
    keep: impl Fn(&str, Status) -> bool,
) -> Result<Vec<EffectiveCoding>, Error> {
    let decided = decided_codings(study)?;
    let rule = evidence_rule(study)?;
    let mut out = Vec::new();
    if study.suggestions_path().exists() {
        for_each_suggestion(study, |s| {
            out.extend(merge_suggested(&decided, [s], &keep, &rule));
            Ok(())
        })?;
    }
    out.extend(merge_unsuggested(&decided, &out_keys(&out), &keep, &rule));
    out.sort_by(|a, b| (&a.segment, &a.code).cmp(&(&b.segment, &b.code)));
    Ok(out)
}

/// The coders' decisions and the inline tags' codings, by (segment, code).
pub(crate) type Decided = BTreeMap<(String, String), Vec<Coding>>;

/// Every coder's file and the tag codings, by (segment, code): each coder's coding where its
/// words are now, orphans left out ([`placed_coders`]).
pub fn decided_codings(study: &Study) -> Result<Decided, Error> {
    let mut decided = Decided::new();
    let (coders, _) = placed_coders(study)?;
    for coding in coders
        .into_values()
        .flatten()
        .chain(load_tag_codings(study)?)
    {
        decided
            .entry((coding.segment.clone(), coding.code.clone()))
            .or_default()
            .push(coding);
    }
    Ok(decided)
}

/// The study's rule for several coders: the manifest's `[evidence]`, checked against the
/// coders the study has (each file in `codings/`, each inline tags' coder).
pub fn evidence_rule(study: &Study) -> Result<EvidenceRule, Error> {
    let mut known: BTreeSet<String> = coder_names(study);
    known.extend(load_tag_codings(study)?.into_iter().map(|c| c.coder));
    EvidenceRule::new(&study.manifest, &known)
}

/// The coders who have a file in `codings/`, by the file's name.
fn coder_names(study: &Study) -> BTreeSet<String> {
    let Ok(entries) = fs::read_dir(study.root.join(CODINGS_DIR)) else {
        return BTreeSet::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .filter(|c| check_coder(c).is_ok())
        .collect()
}

/// The disagreements among the coders `rule` counts, by segment and code: a pure function of
/// the decisions, like `merge`.
pub fn disagreements(decided: &Decided, rule: &EvidenceRule) -> Vec<Disagreement> {
    decided
        .values()
        .filter_map(|codings| disagreement(codings, rule))
        .collect()
}

/// The merge, as a pure function: the decisions in `decided` and the rules' `suggestions` as
/// one effective coding per (segment, code) that `keep` keeps, sorted. Where `rule` makes a
/// segment carry a code it is confirmed, with the stance the rule gives (and the suggestion's
/// score, where there is one); where the coders it counts decided otherwise, the suggestion
/// is hidden; a suggestion none of them decided stays a suggestion. Give it a whole study's
/// codings, or one document's: the result depends only on the decisions, never on the
/// coders' names or the order of their files.
pub(crate) fn merge(
    decided: &Decided,
    suggestions: impl IntoIterator<Item = Suggestion>,
    keep: &impl Fn(&str, Status) -> bool,
    rule: &EvidenceRule,
) -> Vec<EffectiveCoding> {
    let mut out = merge_suggested(decided, suggestions, keep, rule);
    out.extend(merge_unsuggested(decided, &out_keys(&out), keep, rule));
    out.sort_by(|a, b| (&a.segment, &a.code).cmp(&(&b.segment, &b.code)));
    out
}

/// The effective codings of suggested pairs: as the rule has it where a counted coder or
/// the adjudicator decided them, else suggestions.
fn merge_suggested(
    decided: &Decided,
    suggestions: impl IntoIterator<Item = Suggestion>,
    keep: &impl Fn(&str, Status) -> bool,
    rule: &EvidenceRule,
) -> Vec<EffectiveCoding> {
    let mut out = Vec::new();
    for s in suggestions {
        let key = (s.segment, s.code);
        let outcome = decided.get(&key).and_then(|codings| resolve(codings, rule));
        if let Some(outcome) = outcome {
            if outcome.carries && keep(&key.1, Status::Confirmed) {
                let versions = versions_of(&decided[&key], &outcome.coders);
                let mut confirmed = confirmed(key.0, key.1, outcome, versions);
                confirmed.score = Some(s.score);
                out.push(confirmed);
            }
        } else if keep(&key.1, Status::Suggested) {
            out.push(EffectiveCoding {
                segment: key.0,
                code: key.1,
                status: Status::Suggested,
                origin: if s.why.patterns.is_empty() && s.meaning.is_some() {
                    Origin::Meaning
                } else {
                    Origin::Rule
                },
                stance: s.stance,
                disputed: false,
                coders: Vec::new(),
                score: Some(s.score),
                spans: s.spans,
                versions: QuoteVersions::default(),
            });
        }
    }
    out
}

/// The confirmed codings of the decided pairs not among `done` (those the rules did not
/// suggest; a suggested pair was settled by [`merge_suggested`], kept or not).
fn merge_unsuggested(
    decided: &Decided,
    done: &HashSet<(&str, &str)>,
    keep: &impl Fn(&str, Status) -> bool,
    rule: &EvidenceRule,
) -> Vec<EffectiveCoding> {
    decided
        .iter()
        .filter(|((segment, code), _)| !done.contains(&(segment.as_str(), code.as_str())))
        .filter(|((_, code), _)| keep(code, Status::Confirmed))
        .filter_map(|((segment, code), codings)| {
            let outcome = resolve(codings, rule).filter(|o| o.carries)?;
            let versions = versions_of(codings, &outcome.coders);
            Some(confirmed(segment.clone(), code.clone(), outcome, versions))
        })
        .collect()
}

/// The (segment, code) pairs of `codings`.
fn out_keys(codings: &[EffectiveCoding]) -> HashSet<(&str, &str)> {
    codings
        .iter()
        .map(|c| (c.segment.as_str(), c.code.as_str()))
        .collect()
}

/// The readable version and translation of a decided pair: each from the first of `coders`
/// (those whose acceptance counts, in name order) who wrote it.
fn versions_of(codings: &[Coding], coders: &[String]) -> QuoteVersions {
    let mut out = QuoteVersions::default();
    for coder in coders {
        for c in codings
            .iter()
            .filter(|c| &c.coder == coder && c.decision == Decision::Accept)
        {
            out.readable = out.readable.or_else(|| c.versions.readable.clone());
            out.translation = out.translation.or_else(|| c.versions.translation.clone());
        }
    }
    out
}

/// The confirmed coding of `segment` and `code` that `outcome` gives.
fn confirmed(
    segment: String,
    code: String,
    outcome: Outcome,
    versions: QuoteVersions,
) -> EffectiveCoding {
    EffectiveCoding {
        segment,
        code,
        status: Status::Confirmed,
        origin: outcome.origin,
        stance: outcome.stance,
        disputed: outcome.disputed,
        coders: outcome.coders,
        score: None,
        spans: outcome.spans,
        versions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::rule::AgreementRule;

    fn coding(segment: &str, code: &str, decision: Decision) -> Coding {
        Coding {
            segment: segment.into(),
            code: code.into(),
            origin: Origin::Manual,
            coder: "anna".into(),
            stance: Stance::Supports,
            span: None,
            note: None,
            decision,
            text: None,
            versions: Default::default(),
            line: 0,
        }
    }

    #[test]
    fn a_codings_file_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anna.csv");
        let mut a = coding("d:0002", "m.x", Decision::Accept);
        a.span = Some([3, 17]);
        a.note = Some("alleen \"soms\", zegt ze".into());
        a.text = Some("Ja, soms.\nMaar   niet altijd, zegt ze.".into());
        let mut codings = vec![a, coding("d:0001", "int.pip", Decision::Reject)];
        sort_codings(&mut codings);
        fs::write(&path, codings_csv(&codings, false).unwrap()).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("segment,code,stance,origin,span,note,decision,text\nd:0001,"),
            "{text}"
        );
        assert_eq!(read_codings(&path, Some("anna")).unwrap(), codings);
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anna.csv");
        fs::write(
            &path,
            "segment,code,stance,origin,span,note,decision\nd:0001,a,+,manual,,,accept\nd:0002,b,ja,manual,,,accept\nd:0001,a,,,,,\n",
        )
        .unwrap();
        let err = read_codings(&path, Some("anna")).unwrap_err().to_string();
        assert!(err.contains("anna.csv:3: unknown stance \"ja\""), "{err}");
        assert!(
            err.contains("anna.csv:4: d:0001 a is coded twice (also on line 2)"),
            "{err}"
        );
    }

    #[test]
    fn a_coder_may_mark_two_passages_of_a_turn_with_one_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anna.csv");
        let head = "segment,code,stance,origin,span,note,decision\n";
        fs::write(
            &path,
            format!("{head}d:0001,a,,import,0-5,,accept\nd:0001,a,,import,9-14,,accept\n"),
        )
        .unwrap();
        let spans: Vec<_> = read_codings(&path, Some("anna"))
            .unwrap()
            .into_iter()
            .map(|c| c.span)
            .collect();
        assert_eq!(spans, vec![Some([0, 5]), Some([9, 14])]);
        // The same passage twice, or a passage beside the whole turn, is one decision too many.
        for rows in [
            "d:0001,a,,import,0-5,,accept\nd:0001,a,,import,0-5,,accept\n",
            "d:0001,a,,import,0-5,,accept\nd:0001,a,,import,,,accept\n",
            "d:0001,a,,import,,,accept\nd:0001,a,,import,0-5,,accept\n",
            "d:0001,a,,import,0-5,,accept\nd:0001,a,,import,9-14,,reject\n",
        ] {
            fs::write(&path, format!("{head}{rows}")).unwrap();
            let err = read_codings(&path, Some("anna")).unwrap_err().to_string();
            assert!(
                err.contains("anna.csv:3: d:0001 a is coded twice (also on line 2)"),
                "{rows}: {err}"
            );
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(
            unclosed_quote(b"a,b\n1,\"x, \"\"y\"\"\n\nz\"\n", b','),
            None
        );
        let (line, message) =
            unclosed_quote(b"a,b\n1,2\n\xc3\xa9,\"niet dicht\n3,4\n", b',').unwrap();
        assert_eq!(line, 3);
        assert!(message.contains("column 3"), "{message}");
        // A quote inside an unquoted field is text, not an opening quote.
        assert_eq!(unclosed_quote(b"a;b\n1;2\"\n", b';'), None);
        // The next row's opening quote "closes" the field: the text after it gives it away.
        let (line, message) = unclosed_quote(b"a,b\n1,\"open\n2,\"next\"\n", b',').unwrap();
        assert_eq!(line, 2);
        assert!(message.contains("line 3, column 3"), "{message}");
    }

    #[test]
    fn a_codings_file_in_windows_1252_or_a_workbook_is_named_with_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anna.csv");
        fs::write(&path, b"segment,code,note\nd:0001,a,caf\xe9\n").unwrap();
        let err = read_codings(&path, Some("anna")).unwrap_err().to_string();
        assert!(
            err.contains("anna.csv:2:13: the file is not UTF-8"),
            "{err}"
        );
        assert!(err.contains("CSV UTF-8"), "{err}");
        fs::write(&path, b"PK\x03\x04rest").unwrap();
        let err = read_codings(&path, Some("anna")).unwrap_err().to_string();
        assert!(err.contains("workbook"), "{err}");
        fs::write(&path, b"segment;code\nd:0001;a\n").unwrap();
        let err = read_codings(&path, Some("anna")).unwrap_err().to_string();
        assert!(err.contains("\";\" between the columns"), "{err}");
    }

    #[test]
    fn coder_names_are_safe_file_names() {
        assert!(check_coder("anna_2-b").is_ok());
        for bad in ["", "../x", "an na", "a.b"] {
            assert!(check_coder(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_accept_beats_a_reject_and_different_stances_leave_none() {
        let mut b = coding("d:0001", "m.x", Decision::Accept);
        b.coder = "bert".into();
        b.stance = Stance::Nuance;
        let mut c = coding("d:0001", "m.x", Decision::Reject);
        c.coder = "carl".into();
        let decided = Decided::from([(
            ("d:0001".to_string(), "m.x".to_string()),
            vec![c, b, coding("d:0001", "m.x", Decision::Accept)],
        )]);
        let rule = EvidenceRule::counting(["anna", "bert", "carl"], AgreementRule::Any);
        let merged = merge(&decided, [], &|_: &str, _| true, &rule);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].coders, ["anna", "bert"]);
        assert_eq!(merged[0].stance, Stance::None);
        assert!(merged[0].disputed);
        let only_carl = EvidenceRule::counting(["carl"], AgreementRule::Any);
        assert!(merge(&decided, [], &|_: &str, _| true, &only_carl).is_empty());
    }
}

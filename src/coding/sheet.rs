//! Coding sheets: the open suggestions as a CSV a coder fills in, and its decisions recorded.
//!
//! [`export_rows`] lists the suggestions a coder has not decided yet as [`SheetRow`]s, one per
//! (segment, code), best score first within each code; [`sheet_csv`] writes them with the
//! columns of `SHEET_COLUMNS` and [`sheet_markdown`] as a view to read. The coder fills in
//! `decision` (accept, reject or change), and where needed `new_code`, `stance` and `note`:
//!
//! ```text
//! segment,role,case,code,label,score,suggested_stance,decision,new_code,stance,note,text
//! fg-beleid:0012,werkgever,Havenstad,icamo1.m5,Verbinding,3.17,supports,a,,,,"Door de «jobcoach» …"
//! ```
//!
//! [`apply_sheet`] checks every row (decision, code ids, segment ids, stance) and then records
//! them in the coder's file ([`super::manual`]) all at once, or, if any row is wrong or would
//! change an earlier decision without `replace`, writes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::anchor;
use super::manual::{
    Coding, Decision, Origin, QuoteVersions, check_coder, coder_file, delimiter_hint, load_coder,
    load_tag_codings, numbered_records, read_sheet_csv, save_coder, unclosed_quote,
};
use super::{Stance, load_suggestions};
use crate::codebook::{Code, Codebook, Codes};
use crate::error::Error;
use crate::study::Study;
use crate::transcript::Encoding;

/// The columns of a coding sheet, in order.
pub(crate) const SHEET_COLUMNS: [&str; 12] = [
    "segment",
    "role",
    "case",
    "code",
    "label",
    "score",
    "suggested_stance",
    "decision",
    "new_code",
    "stance",
    "note",
    "text",
];

/// One open suggestion, as a sheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// The segment id.
    pub segment: String,
    /// The speaker's role (never the name).
    pub role: String,
    /// The case, if known.
    pub case: String,
    /// The suggested code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// The suggestion's score.
    pub score: f32,
    /// The suggested stance.
    pub stance: Stance,
    /// The segment's text with the matched words in «guillemets».
    pub text: String,
}

/// The order of a sheet's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetOrder {
    /// Code by code in codebook order, best score first.
    #[default]
    Codes,
    /// What teaches the suggestions most first: rows where the rules and meaning disagree (a
    /// rule matched but meaning is below the threshold, or meaning alone suggests it), then
    /// those whose meaning is nearest the threshold (the least certain). Needs `icamo code`
    /// with a `[semantic]` table; suggestions without meaning come last, in codes order.
    Teaching,
}

/// How much deciding a suggestion teaches, smaller first: whether rules and meaning
/// disagree on it, then how near the threshold its meaning is.
fn teaching_key(s: &super::Suggestion, threshold: f32) -> (u8, f32) {
    let Some(m) = &s.meaning else {
        return (2, f32::INFINITY);
    };
    let rules = !s.why.patterns.is_empty();
    let meaning = m.calibrated >= threshold;
    (u8::from(rules == meaning), (m.calibrated - threshold).abs())
}

/// What [`export_rows`] found.
#[derive(Debug, Default)]
pub struct Export {
    /// The code asked for, as its codebook writes it.
    pub code: Option<String>,
    /// The open suggestions, code by code in codebook order, best score first.
    pub rows: Vec<SheetRow>,
    /// Suggestions the coder already decided on, left out.
    pub decided: usize,
    /// Suggestions for codes or segments the study no longer has (run `icamo code` again).
    pub stale: usize,
    /// Why suggestions by meaning have not learned from every decision yet, when they have not.
    pub unlearned: Option<String>,
}

/// The suggestions of the codes selected by `code` (it and every code under it; all codes
/// when `None`) that `coder` has not decided on yet (all of them when `None`). `code` is found
/// ignoring capitals; one no codebook has is an error naming the known codes.
/// Rows come in the order `sort` says.
pub fn export_rows(
    study: &Study,
    codebooks: &[Codebook],
    code: Option<&str>,
    coder: Option<&str>,
    sort: SheetOrder,
) -> Result<Export, Error> {
    let threshold = crate::semantic::Settings::from_manifest(&study.manifest)?
        .map_or(crate::semantic::DEFAULT_THRESHOLD, |s| s.threshold);
    super::freshness::ensure_fresh_suggestions(study)?;
    let order: HashMap<&str, (usize, &Code)> = codebooks
        .iter()
        .flat_map(|cb| cb.codes.iter())
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), (i, c)))
        .collect();
    let code = code
        .map(|id| Codes::new(codebooks).resolve(id))
        .transpose()?;
    let selected: Option<HashSet<&str>> = code
        .as_deref()
        .map(|id| codebooks.iter().flat_map(|cb| cb.descendants(id)).collect());
    let decided: HashSet<(String, String)> = match coder {
        None => HashSet::new(),
        Some(name) => load_coder(study, name)?
            .into_iter()
            .chain(
                load_tag_codings(study)?
                    .into_iter()
                    .filter(|c| c.coder == name),
            )
            .map(|c| (c.segment, c.code))
            .collect(),
    };
    let segments: HashMap<String, crate::transcript::Segment> = study
        .all_segments()?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let mut export = Export {
        code: code.clone(),
        unlearned: super::freshness::unlearned_decisions(study)?,
        ..Export::default()
    };
    let mut rows = Vec::new();
    for s in load_suggestions(study)? {
        if selected
            .as_ref()
            .is_some_and(|ids| !ids.contains(s.code.as_str()))
        {
            continue;
        }
        let (Some((rank, code)), Some(segment)) =
            (order.get(s.code.as_str()), segments.get(&s.segment))
        else {
            export.stale += 1;
            continue;
        };
        if decided.contains(&(s.segment.clone(), s.code.clone())) {
            export.decided += 1;
            continue;
        }
        let teaching = match sort {
            SheetOrder::Codes => (0, 0.0),
            SheetOrder::Teaching => teaching_key(&s, threshold),
        };
        rows.push((
            (teaching, *rank),
            SheetRow {
                segment: s.segment.clone(),
                role: segment.role.clone(),
                case: segment.case.clone().unwrap_or_default(),
                code: s.code.clone(),
                label: code.label.clone(),
                score: s.score,
                stance: s.stance,
                text: mark(&segment.text, &s.spans),
            },
        ));
    }
    rows.sort_by(|((ta, ra), a), ((tb, rb), b)| {
        ta.0.cmp(&tb.0)
            .then(ta.1.total_cmp(&tb.1))
            .then(ra.cmp(rb))
            .then(b.score.total_cmp(&a.score))
            .then(a.segment.cmp(&b.segment))
    });
    export.rows = rows.into_iter().map(|(_, r)| r).collect();
    Ok(export)
}

/// `text` with each of `spans` (merged where they touch) in «guillemets».
fn mark(text: &str, spans: &[[usize; 2]]) -> String {
    let mut spans: Vec<[usize; 2]> = spans
        .iter()
        .copied()
        .filter(|[a, b]| {
            a < b && *b <= text.len() && text.is_char_boundary(*a) && text.is_char_boundary(*b)
        })
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len() + spans.len() * 4);
    let mut done = 0;
    let mut i = 0;
    while i < spans.len() {
        let [start, mut end] = spans[i];
        while i + 1 < spans.len() && spans[i + 1][0] <= end {
            end = end.max(spans[i + 1][1]);
            i += 1;
        }
        let start = start.max(done);
        out.push_str(&text[done..start]);
        out.push('«');
        out.push_str(&text[start..end]);
        out.push('»');
        done = end;
        i += 1;
    }
    out.push_str(&text[done..]);
    out
}

/// A sheet as CSV: the header of `SHEET_COLUMNS` and one row per open suggestion, with the
/// columns to fill in left empty.
pub fn sheet_csv(rows: &[SheetRow]) -> Result<Vec<u8>, Error> {
    let csv_error = |e| Error::csv(Some("the sheet"), e);
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    out.write_record(SHEET_COLUMNS).map_err(csv_error)?;
    for r in rows {
        let score = format!("{:.2}", r.score);
        let stance = r.stance.to_string();
        out.write_record([
            r.segment.as_str(),
            &r.role,
            &r.case,
            &r.code,
            &r.label,
            &score,
            &stance,
            "",
            "",
            "",
            "",
            &r.text,
        ])
        .map_err(csv_error)?;
    }
    out.into_inner()
        .map_err(|e| Error::csv(Some("the sheet"), e.into_error()))
}

/// A sheet as Markdown to read (the CSV is the one to fill in): a list per code.
pub fn sheet_markdown(rows: &[SheetRow], title: &str, csv_name: &str) -> String {
    let mut out = format!("# {title}\n\n");
    let _ = writeln!(
        out,
        "{} suggestions. Fill in `{csv_name}`, not this page: decision `a` (accept), `r` (reject) or `c` (change, with `new_code`); stance `+`, `-`, `~` or empty for the suggested one (for a change: empty is none).",
        rows.len()
    );
    let mut i = 0;
    while i < rows.len() {
        let code = &rows[i].code;
        let n = rows[i..].iter().take_while(|r| &r.code == code).count();
        let _ = write!(out, "\n## {code} — {} ({n})\n", rows[i].label);
        for (k, r) in rows[i..i + n].iter().enumerate() {
            let case = if r.case.is_empty() {
                String::new()
            } else {
                format!(" · {}", r.case)
            };
            let stance = if r.stance == Stance::None {
                String::new()
            } else {
                format!(" · suggested: {}", r.stance)
            };
            let _ = writeln!(
                out,
                "\n{}. **{}** · {}{case} · score {:.2}{stance}\n\n   > {}",
                k + 1,
                r.segment,
                r.role,
                r.score,
                r.text.replace("\n\n", " ¶ ").replace('\n', " ")
            );
        }
        i += n;
    }
    out
}

/// What [`apply_sheet`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The coder's file written (or that would have been, when nothing changed).
    pub file: PathBuf,
    /// Rows that accept the suggested code.
    pub accepted: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// Rows that changed the code.
    pub changed: usize,
    /// Codings added to the coder's file.
    pub added: usize,
    /// Codings the file already held, just so.
    pub unchanged: usize,
    /// Earlier decisions replaced (only with `replace`).
    pub replaced: usize,
    /// Rows without a decision.
    pub skipped: usize,
    /// What the user should know about how the sheet was read (its encoding).
    pub notes: Vec<String>,
}

/// Records the decisions of a filled-in sheet in `coder`'s file: all of them, or, when a row
/// is wrong or would change an earlier decision without `replace`, none.
pub fn apply_sheet(
    study: &Study,
    codebooks: &[Codebook],
    sheet: &Path,
    coder: &str,
    replace: bool,
) -> Result<Applied, Error> {
    check_coder(coder).map_err(Error::Usage)?;
    let _lock = study.lock()?;
    let codes = Codes::new(codebooks);
    let texts: HashMap<String, String> = study
        .all_segments()?
        .into_iter()
        .map(|s| (s.id, s.text))
        .collect();
    let segments: HashSet<String> = texts.keys().cloned().collect();
    let (mut decisions, mut applied) = read_sheet(sheet, coder, &codes, &segments)?;
    // Each decision is anchored to the words it was made on (see `anchor`).
    for (_, c) in &mut decisions {
        c.text = texts.get(&c.segment).cloned();
    }

    let path = coder_file(study, coder);
    let mut existing = load_coder(study, coder)?;
    ensure_placed(study, coder, &existing)?;
    let mut index: HashMap<(String, String), usize> = existing
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.segment.clone(), c.code.clone()), i))
        .collect();
    let mut conflicts = Vec::new();
    let mut changed = false;
    for (line, coding) in decisions {
        let key = (coding.segment.clone(), coding.code.clone());
        match index.get(&key) {
            Some(&i) if same_decision(&existing[i], &coding) => applied.unchanged += 1,
            Some(&i) if replace => {
                // The sheet has no columns for the readable version and translation: the
                // ones the coder wrote stay with the decision that replaces theirs.
                let versions = std::mem::take(&mut existing[i].versions);
                existing[i] = Coding { versions, ..coding };
                applied.replaced += 1;
                changed = true;
            }
            Some(&i) => {
                let old = &existing[i];
                conflicts.push((
                    line,
                    format!(
                        "{} {} was already decided ({}{}) in {}; this row says {}{}. Run again with --replace to replace the earlier decision",
                        key.0,
                        key.1,
                        old.decision.name(),
                        stance_words(old),
                        path.display(),
                        coding.decision.name(),
                        stance_words(&coding),
                    ),
                ));
            }
            None => {
                index.insert(key, existing.len());
                existing.push(coding);
                applied.added += 1;
                changed = true;
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(Error::Rows {
            path: sheet.to_path_buf(),
            problems: conflicts,
        });
    }
    if changed {
        save_coder(study, coder, &mut existing)?;
    }
    applied.file = path;
    Ok(applied)
}

/// `, supports` for an accept with a stance, else nothing.
fn stance_words(c: &Coding) -> String {
    if c.decision == Decision::Accept && c.stance != Stance::None {
        format!(", {}", c.stance)
    } else {
        String::new()
    }
}

/// What a row's decision column says.
enum RowDecision {
    Accept,
    Reject,
    Change,
}

fn parse_decision(text: &str) -> Result<Option<RowDecision>, String> {
    Ok(Some(match text.to_lowercase().as_str() {
        "" => return Ok(None),
        "accept" | "a" | "ja" | "j" | "yes" | "y" | "+" => RowDecision::Accept,
        "reject" | "r" | "nee" | "n" | "no" | "-" => RowDecision::Reject,
        "change" | "c" | "wijzig" => RowDecision::Change,
        other => {
            return Err(format!(
                "unknown decision \"{other}\": expected accept (a, ja, yes, +), reject (r, nee, no, -) or change (c, with new_code), or leave it empty"
            ));
        }
    }))
}

/// Reads and checks every row of a sheet; the codings it asks for, each with its line.
fn read_sheet(
    path: &Path,
    coder: &str,
    codes: &Codes,
    segments: &HashSet<String>,
) -> Result<(Vec<(usize, Coding)>, Applied), Error> {
    let decoded = read_sheet_csv(path)?;
    let bytes = decoded.text.as_bytes();
    let delimiter = guess_delimiter(bytes);
    let rows = |problems| Error::Rows {
        path: path.to_path_buf(),
        problems,
    };
    if let Some(problem) = unclosed_quote(bytes, delimiter) {
        return Err(rows(vec![problem]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let columns = SheetColumns::read(&mut reader, bytes.is_empty(), delimiter)
        .map_err(|problem| rows(vec![problem]))?;
    let mut decisions = SheetDecisions {
        coder,
        codes,
        segments,
        applied: Applied::default(),
        problems: Vec::new(),
        codings: Vec::new(),
        seen: HashMap::new(),
    };
    for row in numbered_records(&mut reader) {
        match row {
            Ok((line, record)) => decisions.row(line, &columns, &record),
            Err(problem) => decisions.problems.push(problem),
        }
    }
    if !decisions.problems.is_empty() {
        return Err(rows(decisions.problems));
    }
    if let Encoding::Other(name) = decoded.encoding {
        decisions.applied.notes.push(format!(
            "{} is not UTF-8: read as {name}, the encoding Excel saves \"CSV (Comma delimited)\" in; check that its accented letters read right",
            path.display()
        ));
    }
    Ok((decisions.codings, decisions.applied))
}

/// The field delimiter the sheet's first line uses most: spreadsheets in a Dutch locale save
/// with ";" between fields.
fn guess_delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| count(*d))
        .unwrap_or(b',')
}

/// Where a sheet's columns are: segment, code and decision are required, the rest optional.
struct SheetColumns {
    segment: usize,
    code: usize,
    decision: usize,
    new_code: Option<usize>,
    stance: Option<usize>,
    suggested: Option<usize>,
    note: Option<usize>,
}

impl SheetColumns {
    /// The columns, from the header; a problem on line 1 when it is not a sheet's header.
    fn read(
        reader: &mut csv::Reader<&[u8]>,
        empty: bool,
        delimiter: u8,
    ) -> Result<SheetColumns, (usize, String)> {
        let headers = reader
            .headers()
            .map_err(|e| (1, format!("not a CSV header: {e}")))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.trim() == name);
        let (Some(segment), Some(code), Some(decision)) =
            (column("segment"), column("code"), column("decision"))
        else {
            return Err((
                1,
                format!(
                    "expected the header of a coding sheet ({}), with segment, code and decision at least{}",
                    SHEET_COLUMNS.join(","),
                    if empty {
                        "; the file is empty".to_string()
                    } else {
                        delimiter_hint(&headers, delimiter)
                    }
                ),
            ));
        };
        Ok(SheetColumns {
            segment,
            code,
            decision,
            new_code: column("new_code"),
            stance: column("stance"),
            suggested: column("suggested_stance"),
            note: column("note"),
        })
    }
}

/// The rows of a sheet read so far: the codings they ask for and what is wrong with them.
struct SheetDecisions<'a> {
    coder: &'a str,
    codes: &'a Codes<'a>,
    segments: &'a HashSet<String>,
    applied: Applied,
    problems: Vec<(usize, String)>,
    /// The codings, each with its line.
    codings: Vec<(usize, Coding)>,
    /// (segment, code) → the line that first decided it.
    seen: HashMap<(String, String), usize>,
}

impl SheetDecisions<'_> {
    /// Reads one row: a row without a decision is skipped, any other asks for codings.
    fn row(&mut self, line: usize, columns: &SheetColumns, record: &csv::StringRecord) {
        let field = |col: Option<usize>| col.and_then(|i| record.get(i)).unwrap_or("").trim();
        let decision = match parse_decision(field(Some(columns.decision))) {
            Ok(Some(d)) => d,
            Ok(None) => {
                if record.iter().any(|f| !f.trim().is_empty()) {
                    self.applied.skipped += 1;
                }
                return;
            }
            Err(message) => {
                self.problems.push((line, message));
                return;
            }
        };
        match row_codings(
            decision,
            [
                field(Some(columns.segment)),
                field(Some(columns.code)),
                field(columns.new_code),
                field(columns.stance),
                field(columns.suggested),
                field(columns.note),
            ],
            self.coder,
            self.codes,
            self.segments,
        ) {
            Ok(codings) => self.add(line, codings),
            Err(message) => self.problems.push((line, message)),
        }
    }

    /// Counts a row's decision and keeps its codings; a (segment, code) decided on an earlier
    /// line is kept from there, and is a problem when this row decides it differently.
    fn add(&mut self, line: usize, codings: Vec<Coding>) {
        match codings.len() {
            2 => self.applied.changed += 1,
            _ if codings[0].decision == Decision::Reject => self.applied.rejected += 1,
            _ => self.applied.accepted += 1,
        }
        for c in codings {
            let key = (c.segment.clone(), c.code.clone());
            if let Some(&first) = self.seen.get(&key) {
                let earlier = self
                    .codings
                    .iter()
                    .find(|(l, o)| *l == first && o.code == c.code);
                if earlier.is_some_and(|(_, o)| *o != c) {
                    self.problems.push((
                        line,
                        format!(
                            "{} {} is decided differently on line {first}: keep one",
                            key.0, key.1
                        ),
                    ));
                }
                continue;
            }
            self.seen.insert(key, line);
            self.codings.push((line, c));
        }
    }
}

/// The codings one row asks for: one for accept and reject; for change, a reject of the
/// suggested code and an accept of the new one, with the row's stance or none.
fn row_codings(
    decision: RowDecision,
    [segment, code, new_code, stance, suggested, note]: [&str; 6],
    coder: &str,
    codes: &Codes,
    segments: &HashSet<String>,
) -> Result<Vec<Coding>, String> {
    if segment.is_empty() || code.is_empty() {
        return Err("the segment and code columns must both be filled in".to_string());
    }
    if !segments.contains(segment) {
        return Err(format!(
            "unknown segment \"{segment}\": the study has no such segment (was the sheet made for another study, or was a transcript changed since?)"
        ));
    }
    known_code(code, codes)?;
    // The suggested stance is about the suggested code: a change starts the new code from none.
    let stance = match (stance.is_empty(), &decision) {
        (false, _) => stance.parse::<Stance>()?,
        (true, RowDecision::Change) => Stance::None,
        (true, _) => suggested
            .parse::<Stance>()
            .map_err(|e| format!("suggested_stance: {e}"))?,
    };
    let coding = |code: &str, decision, stance| Coding {
        segment: segment.to_string(),
        code: code.to_string(),
        origin: Origin::Manual,
        coder: coder.to_string(),
        stance,
        span: None,
        note: (!note.is_empty()).then(|| note.to_string()),
        decision,
        text: None,
        versions: QuoteVersions::default(),
        line: 0,
    };
    match decision {
        RowDecision::Change => {
            if new_code.is_empty() {
                return Err("decision change needs the new code in the new_code column".to_string());
            }
            known_code(new_code, codes)?;
            if new_code == code {
                return Err(format!(
                    "new_code is the suggested code {code}: write accept instead of change"
                ));
            }
            Ok(vec![
                coding(code, Decision::Reject, Stance::None),
                coding(new_code, Decision::Accept, stance),
            ])
        }
        _ if !new_code.is_empty() => Err(format!(
            "new_code is filled in ({new_code}) but the decision is not change: write c (change) to code the segment with {new_code} instead"
        )),
        RowDecision::Accept => Ok(vec![coding(code, Decision::Accept, stance)]),
        RowDecision::Reject => Ok(vec![coding(code, Decision::Reject, Stance::None)]),
    }
}

/// Whether two codings say the same, anchors aside (an earlier decision may predate them),
/// and the readable version and translation aside (a sheet has no columns for them).
fn same_decision(a: &Coding, b: &Coding) -> bool {
    let anchorless = |c: &Coding| Coding {
        text: None,
        versions: QuoteVersions::default(),
        ..c.clone()
    };
    anchorless(a) == anchorless(b)
}

/// An error when some of the coder's codings no longer stand where their ids point: the
/// sheet's ids are today's, and mixing them with stale ones would put decisions on the wrong
/// turns. `icamo codings update` settles the file first.
fn ensure_placed(study: &Study, coder: &str, codings: &[Coding]) -> Result<(), Error> {
    let coders = BTreeMap::from([(coder.to_string(), codings.to_vec())]);
    let (_, placements) = anchor::place(study, coders)?;
    match placements.summary() {
        None => Ok(()),
        Some(summary) => Err(Error::Other(format!(
            "{}: {summary} since the transcripts changed; run `icamo codings status` to see them \
             and `icamo codings update` to write where they are now, then apply the sheet again \
             (nothing was written)",
            coder_file(study, coder).display()
        ))),
    }
}

/// Checks that a code id is in the codebooks and may be applied to text.
fn known_code(id: &str, codes: &Codes) -> Result<(), String> {
    match codes.get(id) {
        None => Err(format!(
            "unknown code \"{id}\": it is in none of the study's codebooks (`icamo codebook show` lists them)"
        )),
        Some(code) if !code.codable => Err(format!(
            "code \"{id}\" is a category (codable = false): choose one of the codes under it"
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_words_are_marked_and_overlaps_merged() {
        assert_eq!(
            mark(
                "geen vertrouwen in de werkgever",
                &[[5, 15], [0, 15], [22, 31]]
            ),
            "«geen vertrouwen» in de «werkgever»"
        );
        assert_eq!(mark("é", &[[1, 2]]), "é");
    }

    #[test]
    fn decisions_in_dutch_and_english_and_signs() {
        for word in ["a", "JA", "yes", "+", "accept"] {
            assert!(matches!(
                parse_decision(word),
                Ok(Some(RowDecision::Accept))
            ));
        }
        for word in ["r", "nee", "No", "-", "reject"] {
            assert!(matches!(
                parse_decision(word),
                Ok(Some(RowDecision::Reject))
            ));
        }
        assert!(matches!(parse_decision(""), Ok(None)));
        assert!(parse_decision("misschien").is_err());
    }
}

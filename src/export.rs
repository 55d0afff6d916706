//! The study as tables for R, Python or a spreadsheet: every segment with the codes that count
//! for it, every coded quote with its attributes, or a code × case (or code × role) matrix,
//! written as JSON Lines, CSV or JSON.
//!
//! [`format()`] says which [`Format`] a [`Table`] is written in; [`table()`] loads what the table
//! is made from (segments, codings, codebooks, the coders' decisions) and writes it. The
//! codings table and the matrix are laid out by [`crate::interop::table`]. Only codings a person
//! confirmed count unless `include_suggestions`; rows carry role labels, cases, the speaker
//! attributes that are analysis variables and text with names replaced, and speakers'
//! pseudonyms, respondent ids, other attributes and the text as stored only with `names`
//! ([`left_out`] names the attributes an export leaves out).
//!
//! ```no_run
//! use icamo::{export, study::Study};
//! let study = Study::locate(None)?;
//! let table = export::Table::Codings;
//! let format = export::format(table, Some(export::Format::Csv))?;
//! let csv = export::table(&study, table, format, &export::Options::default())?;
//! # Ok::<(), icamo::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::codebook::CodebookSet;
use crate::coding::manual::{Coding, Status, effective_codings, placed_coders};
use crate::coding::quotes;
use crate::error::Error;
use crate::interop::table::{self, MatrixBy, MatrixOptions, Sources};
use crate::pipeline::load_codebooks;
use crate::privacy::{Identities, speaker_attributes, unlisted_labels};
use crate::study::Study;

/// Which table to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Every segment, with the codes that count for it.
    Segments,
    /// One row per segment and code that counts, with every attribute and the code path.
    Codings,
    /// Codes × cases or codes × roles, as counts or 0/1 ([`Options::binary`]).
    Matrix(MatrixBy),
}

/// How a table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines: one object a line (segments, codings).
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON document (matrix).
    Json,
}

/// What goes into a table.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Include speakers' pseudonyms, respondent ids and every attribute, and the text as stored
    /// (segments, codings).
    pub names: bool,
    /// Count the rules' undecided suggestions too.
    pub include_suggestions: bool,
    /// Matrix: 1 where a code occurs, 0 where it does not, instead of counts.
    pub binary: bool,
    /// Codebook files for labels and code paths; none: the study's.
    pub codebooks: Vec<PathBuf>,
}

/// The format `table` is written in: `given`, else JSON Lines for segments and codings and CSV
/// for a matrix. A format the table has no form in is an error that names those it has.
pub fn format(table: Table, given: Option<Format>) -> Result<Format, Error> {
    match (table, given) {
        (Table::Matrix(_), None) => Ok(Format::Csv),
        (_, None) => Ok(Format::Jsonl),
        (Table::Matrix(_), Some(Format::Jsonl)) => Err(Error::Usage(
            "export matrix is written as --format csv or --format json, not jsonl".into(),
        )),
        (Table::Segments | Table::Codings, Some(Format::Json)) => Err(Error::Usage(
            "export segments and codings are written as --format jsonl (one JSON object a line) or --format csv; json is for export matrix".into(),
        )),
        (_, Some(format)) => Ok(format),
    }
}

/// `table` of `study`, written in `format` (see [`format()`]).
pub fn table(
    study: &Study,
    table: Table,
    format: Format,
    options: &Options,
) -> Result<Vec<u8>, Error> {
    if table == Table::Segments {
        return segments(study, format, options);
    }
    // Codings are exported without codebooks too (then without labels and paths); a matrix
    // has one row per code and needs them.
    let codebooks = if table == Table::Codings
        && options.codebooks.is_empty()
        && study.codebook_paths()?.is_empty()
    {
        CodebookSet::default()
    } else {
        load_codebooks(study, &options.codebooks)?
    };
    if options.include_suggestions {
        crate::coding::freshness::ensure_fresh_suggestions(study)?;
    }
    let found = quotes(study, None, options.include_suggestions)?;
    let segments = study.all_segments()?;
    let decisions: Vec<Coding> = placed_coders(study)?.0.into_values().flatten().collect();
    let sources = Sources {
        manifest: &study.manifest,
        segments: &segments,
        codebooks: &codebooks.books,
        quotes: &found,
        decisions: &decisions,
    };
    match (table, format) {
        (Table::Matrix(by), format) => {
            let matrix = table::matrix(
                &sources,
                MatrixOptions {
                    by,
                    binary: options.binary,
                    include_suggestions: options.include_suggestions,
                },
            );
            match format {
                Format::Json => matrix.to_json(),
                _ => matrix.to_table().to_csv(),
            }
        }
        (_, Format::Csv) => table::codings_table(&sources, options.names).to_csv(),
        (_, _) => table::codings_table(&sources, options.names).to_jsonl(),
    }
}

/// The speaker attributes `table` leaves out under `options`: those that are not analysis
/// variables (`[study] analysis_variables`), unless names are asked for; sorted.
pub fn left_out(study: &Study, table: Table, options: &Options) -> Vec<String> {
    if table != Table::Codings {
        return Vec::new();
    }
    let (_, left_out) = speaker_attributes(&study.manifest, options.names);
    left_out.into_iter().map(str::to_string).collect()
}

/// One segment as a row of the segments table.
#[derive(Serialize)]
struct SegmentRow<'a> {
    segment: &'a str,
    doc: &'a str,
    role: &'a str,
    case: &'a str,
    group: &'a str,
    interviewer: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    respondent: Option<&'a str>,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    codes: String,
    text: &'a str,
}

/// Every segment with the codes that count for it, as JSON Lines or CSV.
fn segments(study: &Study, format: Format, options: &Options) -> Result<Vec<u8>, Error> {
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in effective_codings(study)? {
        if c.status == Status::Confirmed || options.include_suggestions {
            codes.entry(c.segment).or_default().push(c.code);
        }
    }
    let segments = study.all_segments()?;
    // Without names, the text is shown as every output shows it: names replaced.
    let identities =
        (!options.names).then(|| Identities::new(&study.manifest, &unlisted_labels(&segments)));
    let texts: Vec<Cow<str>> = segments
        .iter()
        .map(|s| match &identities {
            Some(identities) => Cow::Owned(identities.redact(&s.text)),
            None => Cow::Borrowed(s.text.as_str()),
        })
        .collect();
    let rows = segments.iter().zip(&texts).map(|(s, text)| SegmentRow {
        segment: &s.id,
        doc: &s.doc,
        role: &s.role,
        case: s.case.as_deref().unwrap_or(""),
        group: s.group.as_deref().unwrap_or(""),
        interviewer: s.interviewer,
        speaker: options.names.then_some(s.speaker.as_str()),
        respondent: if options.names {
            s.respondent.as_deref()
        } else {
            None
        },
        start_ms: s.start_ms,
        end_ms: s.end_ms,
        codes: codes.get(&s.id).map(|c| c.join(";")).unwrap_or_default(),
        text: text.as_ref(),
    });
    let mut out = Vec::new();
    match format {
        Format::Jsonl => {
            for row in rows {
                serde_json::to_writer(&mut out, &row)?;
                out.push(b'\n');
            }
        }
        Format::Csv | Format::Json => {
            let mut w = csv::Writer::from_writer(&mut out);
            for row in rows {
                w.serialize(row).map_err(|e| Error::csv(None, e))?;
            }
            w.flush().map_err(|e| Error::csv(None, e))?;
        }
    }
    Ok(out)
}

//! `icamo export`: segments and codings as JSON Lines or CSV, for other tools.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::coding::manual::{Status, effective_codings};
use crate::coding::quotes;
use crate::error::Error;
use crate::study::write_atomic;

/// Write the study's segments or codings as JSON Lines or CSV, for R, Python or a spreadsheet.
///
/// Rows carry role labels and cases; speakers' pseudonyms and respondent ids only with --names.
///
/// Examples:
///   icamo export segments --out segments.jsonl
///   icamo export codings --format csv --out codings.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    /// What to export.
    #[arg(value_enum)]
    what: What,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// The file to write (default: standard output); an existing file is kept unless --force.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
    /// Include speakers' pseudonyms and respondent ids.
    #[arg(long)]
    names: bool,
    /// With codings: count the rules' undecided suggestions too.
    #[arg(long)]
    include_suggestions: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum What {
    /// Every segment, with the codes that count for it.
    Segments,
    /// One row per segment and code that counts.
    Codings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

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

#[derive(Serialize)]
struct CodingRow<'a> {
    segment: &'a str,
    doc: &'a str,
    role: &'a str,
    case: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
    code: &'a str,
    status: &'static str,
    origin: &'a str,
    coders: String,
    score: Option<f32>,
    stance: String,
    text: &'a str,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let mut out = Vec::new();
    match args.what {
        What::Segments => {
            let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for c in effective_codings(&study).unwrap_or_default() {
                if c.status == Status::Confirmed || args.include_suggestions {
                    codes.entry(c.segment).or_default().push(c.code);
                }
            }
            let segments = study.all_segments()?;
            let rows = segments.iter().map(|s| SegmentRow {
                segment: &s.id,
                doc: &s.doc,
                role: &s.role,
                case: s.case.as_deref().unwrap_or(""),
                group: s.group.as_deref().unwrap_or(""),
                interviewer: s.interviewer,
                speaker: args.names.then_some(s.speaker.as_str()),
                respondent: if args.names {
                    s.respondent.as_deref()
                } else {
                    None
                },
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                codes: codes.get(&s.id).map(|c| c.join(";")).unwrap_or_default(),
                text: &s.text,
            });
            write_rows(&mut out, args.format, rows)?;
        }
        What::Codings => {
            let found = quotes(&study, None, args.include_suggestions)?;
            let rows = found.iter().map(|q| CodingRow {
                segment: &q.segment.id,
                doc: &q.segment.doc,
                role: &q.segment.role,
                case: q.segment.case.as_deref().unwrap_or(""),
                speaker: args.names.then_some(q.segment.speaker.as_str()),
                code: &q.coding.code,
                status: match q.coding.status {
                    Status::Confirmed => "confirmed",
                    Status::Suggested => "suggested",
                },
                origin: q.coding.origin.name(),
                coders: q.coding.coders.join(";"),
                score: q.coding.score,
                stance: q.coding.stance.to_string(),
                text: &q.segment.text,
            });
            write_rows(&mut out, args.format, rows)?;
        }
    }
    match &args.out {
        Some(path) => {
            if path.exists() && !args.force {
                return Err(Error::Other(format!(
                    "{} exists: give --force to replace it, or another --out",
                    path.display()
                )));
            }
            write_atomic(path, &out)
        }
        None => match std::io::stdout().write_all(&out) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Error::io(Path::new("standard output"), e))
            }
            _ => Ok(()),
        },
    }
}

fn write_rows<T: Serialize>(
    out: &mut Vec<u8>,
    format: Format,
    rows: impl Iterator<Item = T>,
) -> Result<(), Error> {
    let fail = |e: &dyn std::fmt::Display| Error::Other(e.to_string());
    match format {
        Format::Jsonl => {
            for row in rows {
                serde_json::to_writer(&mut *out, &row).map_err(|e| fail(&e))?;
                out.push(b'\n');
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            for row in rows {
                w.serialize(row).map_err(|e| fail(&e))?;
            }
            w.flush().map_err(|e| fail(&e))?;
        }
    }
    Ok(())
}

//! `icamo export`: segments, codings and code matrices as CSV or JSON, for other tools; the
//! tables themselves are made in [`icamo::interop::table`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use icamo::coding::manual::{Coding, Status, effective_codings, load_all_coders};
use icamo::coding::quotes;
use icamo::error::Error;
use icamo::fsutil::write_atomic;
use icamo::interop::table;

/// Write the study's segments, codings or a code matrix as CSV or JSON, for R, Python or a
/// spreadsheet.
///
/// segments  every turn, with the codes that count for it.
/// codings   one row per coded quote (a segment and a code that counts): segment, document,
///           role, case, group, doc_type, date, language, the document's attributes from
///           icamo.toml (doc_KEY), the speaker's [[speakers]] attributes (speaker_KEY),
///           interviewer, start_ms, end_ms, the code with its label, kind, context level and
///           path in the code tree (code_path as labels "Interventies > PIP", code_path_ids
///           as ids), status, origin, coders, score, stance, disputed, the coders' notes and
///           the text. Every row has the same columns.
/// matrix    codes x cases (--by case) or codes x roles (--by role), as CSV or JSON: one row
///           per code of the codebooks, categories included, in codebook order, with its id,
///           label, kind, level and path first; then one column per case or role of the
///           study, sorted, and a total. A cell counts the segments with a coding of the code
///           or of any code under it in the code tree, each segment once (the numbers
///           `icamo quotes --code ID` gives per case or role); --binary writes 1 where that
///           count is above 0, else 0 (the total too). Turns of documents without a case
///           count in the column "(no case)". Interviewers' turns count under their role
///           ("interviewer") when a coder or a tag coded them, as in icamo quotes.
///
/// Only codings a person confirmed (a coder's accept, an inline tag) count, unless
/// --include-suggestions. Rows carry role labels and cases; speakers' pseudonyms and
/// respondent ids only with --names.
///
/// Examples:
///   icamo export segments --out segments.jsonl
///   icamo export codings --format csv --out codings.csv
///   icamo export matrix --by case --out codes-by-case.csv
///   icamo export matrix --by role --binary --format json
///
/// In R:
///   quotes <- read.csv("codings.csv", fileEncoding = "UTF-8")
///   table(quotes$code_kind, quotes$case)
///   m <- read.csv("codes-by-case.csv", fileEncoding = "UTF-8", check.names = FALSE)
///   m[m$code_kind == "mechanism", c("code", "Havenstad", "Veenoord")]
///
/// For ATLAS.ti, NVivo, MAXQDA and other tools that read REFI-QDA 1.0:
/// qdc       the codebook: code tree, labels, colours, definitions; icamo's ids, kinds,
///           levels, rules and configurations follow each description in an [icamo] block
///           that other tools keep as text, so the codebook comes back whole.
/// qdpx      the whole study (--out FILE.qdpx): transcripts as UTF-8 text with the study's
///           pseudonyms applied, every coder's accepted codings with offsets in code points,
///           stance and notes as notes, respondents as cases with their role and attributes,
///           ICAMO edges as links. GUIDs come from ids, so two exports are identical.
///   icamo export qdpx --out havenstad.qdpx
///   icamo export qdc --out dualiteit.qdc
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    /// What to export.
    #[arg(value_enum)]
    what: What,
    /// Output format [default: jsonl for segments and codings, csv for matrix].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The file to write (default: standard output); an existing file is kept unless --force.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
    /// Include speakers' pseudonyms and respondent ids (segments, codings).
    #[arg(long)]
    names: bool,
    /// Count the rules' undecided suggestions too.
    #[arg(long)]
    include_suggestions: bool,
    /// With matrix: cases or roles as columns.
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        required_if_eq("what", "matrix")
    )]
    by: Option<By>,
    /// With matrix: 1 where a code occurs, 0 where it does not, instead of counts.
    #[arg(long)]
    binary: bool,
    /// Codebook files for labels and code paths (default: the study's).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum What {
    /// Every segment, with the codes that count for it.
    Segments,
    /// One row per segment and code that counts, with every attribute and the code path.
    Codings,
    /// Codes x cases or codes x roles (--by), as counts or 0/1 (--binary).
    Matrix,
    /// The codebook as a REFI-QDA codebook (.qdc).
    Qdc,
    /// The study as a REFI-QDA project (.qdpx; needs --out).
    Qdpx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// JSON Lines: one object a line (segments, codings).
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON document (matrix).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum By {
    /// The documents' cases.
    Case,
    /// The speakers' roles.
    Role,
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

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let format = match (args.what, args.format) {
        (What::Matrix, None) => Format::Csv,
        (_, None) => Format::Jsonl,
        (What::Matrix, Some(Format::Jsonl)) => {
            return Err(Error::Other(
                "export matrix is written as --format csv or --format json, not jsonl".into(),
            ));
        }
        (What::Segments | What::Codings, Some(Format::Json)) => {
            return Err(Error::Other(
                "export segments and codings are written as --format jsonl (one JSON object a line) or --format csv; json is for export matrix".into(),
            ));
        }
        (_, Some(format)) => format,
    };
    if args.what != What::Matrix && (args.by.is_some() || args.binary) {
        return Err(Error::Other(
            "--by and --binary only apply to export matrix, as in: icamo export matrix --by case --binary".into(),
        ));
    }
    let study = global.study()?;
    let mut out = Vec::new();
    match args.what {
        What::Segments => {
            let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for c in effective_codings(&study)? {
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
            write_rows(&mut out, format, rows)?;
        }
        What::Codings | What::Matrix => {
            // Codings are exported without codebooks too (then without labels and paths); a
            // matrix has one row per code and needs them.
            let codebooks = if args.what == What::Codings
                && args.codebook.is_empty()
                && study.codebook_paths()?.is_empty()
            {
                Vec::new()
            } else {
                super::code::load(&study, &args.codebook)?
            };
            let found = quotes(&study, None, args.include_suggestions)?;
            let segments = study.all_segments()?;
            let decisions: Vec<Coding> = load_all_coders(&study)?.into_values().flatten().collect();
            let sources = table::Sources {
                manifest: &study.manifest,
                segments: &segments,
                codebooks: &codebooks,
                quotes: &found,
                decisions: &decisions,
            };
            out = match (args.what, args.by) {
                (What::Matrix, Some(by)) => {
                    let options = table::MatrixOptions {
                        by: match by {
                            By::Case => table::MatrixBy::Case,
                            By::Role => table::MatrixBy::Role,
                        },
                        binary: args.binary,
                        include_suggestions: args.include_suggestions,
                    };
                    let matrix = table::matrix(&sources, options);
                    match format {
                        Format::Json => matrix.to_json()?,
                        _ => matrix.to_table().to_csv()?,
                    }
                }
                _ => {
                    let rows = table::codings_table(&sources, args.names);
                    match format {
                        Format::Csv => rows.to_csv()?,
                        _ => rows.to_jsonl()?,
                    }
                }
            };
        }
        What::Qdc | What::Qdpx => {
            if args.format.is_some() || args.names || args.include_suggestions {
                return Err(Error::Other(
                    "--format, --names and --include-suggestions do not apply to qdc and qdpx: a REFI-QDA file has one form, and holds what coders accepted".into(),
                ));
            }
            let what = if args.what == What::Qdc {
                super::refi::Refi::Qdc
            } else {
                super::refi::Refi::Qdpx
            };
            return super::refi::export(
                what,
                args.out.as_deref(),
                args.force,
                &args.codebook,
                global,
            );
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

/// Rows of a serialisable type as JSON Lines or CSV (segments).
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
        Format::Csv | Format::Json => {
            let mut w = csv::Writer::from_writer(&mut *out);
            for row in rows {
                w.serialize(row).map_err(|e| fail(&e))?;
            }
            w.flush().map_err(|e| fail(&e))?;
        }
    }
    Ok(())
}

//! `icamo search`: ranked segments with highlighted snippets.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Serialize;

use icamo::error::Error;
use icamo::index::{Hit, SearchRequest, SegmentIndex};
use icamo::pipeline;
use icamo::quotes::{self, Query};

use super::emit::{Target, emit, note};

/// Search the study's segments
///
/// QUERY words are matched on their exact form and on their Dutch (or English) stem, exact
/// matches first. "Phrases in quotes", AND / OR / NOT, +required and -excluded words, and
/// prefixes (werkgever*) work. Interviewer turns are left out unless --interviewers is given.
/// Results show role labels and cases, never names, unless --names is given.
///
/// Examples:
///   icamo search 'werkgever*' --role werkgever
///   icamo search '"geen vertrouwen"' --case Veenoord
///   icamo search 'kinderopvang AND NOT reiskosten' --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    /// The query.
    query: String,
    /// Only turns of speakers with this role (as in the manifest, e.g. "statushouder").
    /// Capitals need not match here, nor in --case, --doc and --speaker; a value no turn has
    /// is an error that lists the known ones.
    #[arg(long, value_name = "R")]
    role: Option<String>,
    /// Only this case (e.g. the municipality).
    #[arg(long, value_name = "C")]
    case: Option<String>,
    /// Only this document (its id).
    #[arg(long, value_name = "D")]
    doc: Option<String>,
    /// Only this speaker (the stored pseudonym).
    #[arg(long, value_name = "S")]
    speaker: Option<String>,
    /// How many results at most.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    limit: usize,
    /// Only segments coded with this code or a code under it (confirmed codings, unless
    /// --include-suggestions).
    #[arg(long, value_name = "ID")]
    code: Option<String>,
    /// With --code: only codings with this stance (supports, contradicts, nuance, none, or the
    /// report's ondersteunt, weerspreekt, nuanceert, geen houding).
    #[arg(long, value_name = "S", requires = "code")]
    stance: Option<String>,
    /// With --code: count the rules' undecided suggestions too.
    #[arg(long, requires = "code")]
    include_suggestions: bool,
    /// Codebook files for --code (default: the study's).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<std::path::PathBuf>,
    /// Include the interviewers' and moderators' turns.
    #[arg(long)]
    interviewers: bool,
    /// Show speakers' pseudonyms beside their roles.
    #[arg(long)]
    names: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: super::OutputFormat,
}

/// With --code: the ids of the segments coded with it (or a code under it), else `None`.
fn coded_segments(
    study: &icamo::study::Study,
    args: &Args,
) -> Result<Option<HashSet<String>>, Error> {
    let Some(id) = &args.code else {
        return Ok(None);
    };
    let codes = quotes::codes_under(&pipeline::load_codebooks(study, &args.codebook)?.books, id)?;
    let query = Query {
        codes: Some(codes),
        stance: super::stance(args.stance.as_deref())?,
        include_suggestions: args.include_suggestions,
        ..Query::default()
    };
    let rows = quotes::select(study, &query)?;
    Ok(Some(rows.into_iter().map(|r| r.segment).collect()))
}

#[derive(Serialize)]
struct JsonHit<'a> {
    segment: &'a str,
    doc: &'a str,
    role: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
    case: Option<&'a str>,
    group: Option<&'a str>,
    start_ms: Option<u64>,
    score: f32,
    snippet: &'a str,
    highlights: Vec<[usize; 2]>,
    text: &'a str,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    study.ensure_ingested()?;
    let coded = coded_segments(&study, &args)?;
    let index = SegmentIndex::open_or_create(&study.index_dir())?;
    let mut request = SearchRequest {
        query: args.query.clone(),
        role: args.role.clone(),
        case: args.case.clone(),
        doc: args.doc.clone(),
        speaker: args.speaker.clone(),
        // With --code the hits are filtered afterwards, so ask the index for all of them.
        limit: if coded.is_some() {
            usize::MAX
        } else {
            args.limit.max(1)
        },
        include_interviewers: args.interviewers,
    };
    request.resolve(&index.filter_values()?)?;
    let mut hits = index.search(&request)?;
    if let Some(coded) = &coded {
        hits.retain(|h| coded.contains(&h.segment.id));
        hits.truncate(args.limit.max(1));
    }
    if hits.is_empty() && args.format == super::OutputFormat::Text && !global.quiet {
        note!("no segments match {:?}", args.query);
    }
    let out = match args.format {
        super::OutputFormat::Json => json(&hits, args.names)?,
        super::OutputFormat::Text => text(&hits, args.names).into_bytes(),
    };
    emit(&out, Target::Stdout)
}

/// The hits as one JSON array.
fn json(hits: &[Hit], names: bool) -> Result<Vec<u8>, Error> {
    let rows: Vec<JsonHit> = hits
        .iter()
        .map(|h| JsonHit {
            segment: &h.segment.id,
            doc: &h.segment.doc,
            role: &h.segment.role,
            speaker: names.then_some(h.segment.speaker.as_str()),
            case: h.segment.case.as_deref(),
            group: h.segment.group.as_deref(),
            start_ms: h.segment.start_ms,
            score: h.score,
            snippet: &h.snippet.text,
            highlights: h
                .snippet
                .highlights
                .iter()
                .map(|r| [r.start, r.end])
                .collect(),
            text: &h.segment.text,
        })
        .collect();
    super::json(&rows)
}

/// The hits for reading: id, who and where, score, and the snippet with its matches marked.
fn text(hits: &[Hit], names: bool) -> String {
    let (open, close) = if super::use_colour() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut out = String::new();
    for h in hits {
        let s = &h.segment;
        let mut place = vec![super::who(s, names)];
        place.extend(s.case.clone());
        place.extend(s.group.clone());
        if let Some(ms) = s.start_ms {
            place.push(super::clock(ms));
        }
        let _ = writeln!(
            out,
            "{}  {}  (score {:.2})",
            s.id,
            place.join(" · "),
            h.score
        );
        let _ = writeln!(
            out,
            "    {}\n",
            h.snippet.marked(open, close).replace('\n', " ")
        );
    }
    out
}

//! `icamo search`: ranked segments with highlighted snippets.

use serde::Serialize;

use icamo::error::Error;
use icamo::index::{SearchRequest, SegmentIndex};

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
    /// With --code: only codings with this stance (supports, contradicts, nuance, none).
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
) -> Result<Option<std::collections::HashSet<String>>, Error> {
    let Some(id) = &args.code else {
        return Ok(None);
    };
    let codebooks = super::code::load(study, &args.codebook)?;
    let codes: std::collections::HashSet<String> = codebooks
        .iter()
        .flat_map(|cb| cb.descendants(id).into_iter().map(str::to_string))
        .collect();
    if codes.is_empty() {
        return Err(Error::Other(format!(
            "no code \"{id}\" in the study's codebooks"
        )));
    }
    let stance: Option<icamo::coding::Stance> = args
        .stance
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(Error::Other)?;
    Ok(Some(
        icamo::coding::quotes(study, Some(&codes), args.include_suggestions)?
            .into_iter()
            .filter(|q| stance.is_none_or(|s| q.coding.stance == s))
            .map(|q| q.segment.id)
            .collect(),
    ))
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
    if !study.index_dir().exists() {
        return Err(Error::NotIngested(study.root.clone()));
    }
    let coded = coded_segments(&study, &args)?;
    let index = SegmentIndex::open_or_create(&study.index_dir())?;
    let mut hits = index.search(&SearchRequest {
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
    })?;
    if let Some(coded) = &coded {
        hits.retain(|h| coded.contains(&h.segment.id));
        hits.truncate(args.limit.max(1));
    }
    match args.format {
        super::OutputFormat::Json => {
            let out: Vec<JsonHit> = hits
                .iter()
                .map(|h| JsonHit {
                    segment: &h.segment.id,
                    doc: &h.segment.doc,
                    role: &h.segment.role,
                    speaker: args.names.then_some(h.segment.speaker.as_str()),
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
            let json =
                serde_json::to_string_pretty(&out).map_err(|e| Error::Other(e.to_string()))?;
            println!("{json}");
        }
        super::OutputFormat::Text => {
            let (open, close) = if super::use_colour() {
                ("\x1b[1;33m", "\x1b[0m")
            } else {
                ("**", "**")
            };
            if hits.is_empty() && !global.quiet {
                eprintln!("no segments match {:?}", args.query);
            }
            for h in &hits {
                let s = &h.segment;
                let mut place = vec![super::who(s, args.names)];
                place.extend(s.case.clone());
                place.extend(s.group.clone());
                if let Some(ms) = s.start_ms {
                    place.push(super::clock(ms));
                }
                println!("{}  {}  (score {:.2})", s.id, place.join(" · "), h.score);
                println!("    {}", h.snippet.marked(open, close).replace('\n', " "));
                println!();
            }
        }
    }
    Ok(())
}

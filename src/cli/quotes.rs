//! `icamo quotes`: coded segments as quotes, with role and case.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::PathBuf;

use serde::Serialize;

use icamo::chain::Model;
use icamo::coding::{Quote, Stance, quotes};
use icamo::error::Error;
use icamo::render::site;

/// List coded segments as quotes, with role labels and cases (never names).
///
/// Only codings a person confirmed (a coder's accept, an inline tag) count, unless
/// --include-suggestions is given. --code includes the codes under it.
///
/// --mechanism takes a mechanism code or a configuration id (all its mechanisms). --panel
/// applies the quote site's privacy rules (see icamo site --help): the rows are then the
/// site's quotes for the same filters, one per code, without segment ids or documents.
///
/// Examples:
///   icamo quotes --code icamo1.m5
///   icamo quotes --code icamo4 --stance contradicts --format md
///   icamo quotes --mechanism icamo1 --role statushouder --panel --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    /// Only this code and the codes under it.
    #[arg(long, value_name = "ID")]
    code: Option<String>,
    /// Only this mechanism (and the codes under it), or every mechanism of a configuration.
    #[arg(long, value_name = "ID", conflicts_with = "code")]
    mechanism: Option<String>,
    /// What the quote site shows: its privacy rules (role labels, names replaced, no case for
    /// a role with one person in it), no segment ids; with no --code or --mechanism only the
    /// site's mechanisms and context factors.
    #[arg(long, conflicts_with = "include_suggestions")]
    panel: bool,
    /// Only codings with this stance: supports, contradicts, nuance or none.
    #[arg(long, value_name = "S")]
    stance: Option<String>,
    /// Only turns of speakers with this role.
    #[arg(long, value_name = "R")]
    role: Option<String>,
    /// Only this case.
    #[arg(long, value_name = "C")]
    case: Option<String>,
    /// Count the rules' suggestions nobody has decided on, too.
    #[arg(long)]
    include_suggestions: bool,
    /// Codebook files (default: the study's).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Md,
    Csv,
    Json,
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    segment: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    doc: &'a str,
    role: Cow<'a, str>,
    case: Cow<'a, str>,
    code: &'a str,
    stance: String,
    status: &'static str,
    text: Cow<'a, str>,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let model = if args.mechanism.is_some() || args.panel {
        Some(Model::load(&super::codebook_files(
            &study,
            &args.codebook,
        )?)?)
    } else {
        None
    };
    let wanted: Option<HashSet<String>> = match (&args.code, &args.mechanism, &model) {
        (_, Some(id), Some(model)) => {
            let set = site::mechanism_codes(model, id).ok_or_else(|| {
                let known: Vec<&str> = model
                    .configurations()
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect();
                Error::Other(format!(
                    "no mechanism or configuration \"{id}\" in the study's codebooks; configurations: {}",
                    known.join(", ")
                ))
            })?;
            Some(set.into_iter().collect())
        }
        (None, _, Some(model)) => Some(site::findable_codes(model).into_iter().collect()),
        (None, _, _) => None,
        (Some(id), _, _) => {
            let codebooks = super::code::load(&study, &args.codebook)?;
            let set: HashSet<String> = codebooks
                .iter()
                .flat_map(|cb| cb.descendants(id).into_iter().map(str::to_string))
                .collect();
            if set.is_empty() {
                return Err(Error::Other(format!(
                    "no code \"{id}\" in the study's codebooks"
                )));
            }
            Some(set)
        }
    };
    let stance: Option<Stance> = args
        .stance
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(Error::Other)?;
    let rules = if args.panel {
        Some(site::PanelRules::new(&study)?)
    } else {
        None
    };
    // Role and case as shown: under --panel, as the site shows them.
    let role = |q: &Quote| -> String {
        match &rules {
            Some(r) => r.role(&q.segment),
            None => q.segment.role.clone(),
        }
    };
    let case = |q: &Quote| -> Option<String> {
        match &rules {
            Some(r) => r.case(&q.segment),
            None => q.segment.case.clone(),
        }
    };
    let found: Vec<Quote> = quotes(&study, wanted.as_ref(), args.include_suggestions)?
        .into_iter()
        .filter(|q| stance.is_none_or(|s| q.coding.stance == s))
        .filter(|q| args.role.as_ref().is_none_or(|r| &role(q) == r))
        .filter(|q| {
            args.case
                .as_ref()
                .is_none_or(|c| case(q).as_ref() == Some(c))
        })
        .collect();
    let rows: Vec<Row> = found
        .iter()
        .map(|q| Row {
            segment: if args.panel { "" } else { &q.segment.id },
            doc: if args.panel { "" } else { &q.segment.doc },
            role: Cow::Owned(role(q)),
            case: Cow::Owned(case(q).unwrap_or_default()),
            code: &q.coding.code,
            stance: q.coding.stance.to_string(),
            status: match q.coding.status {
                icamo::coding::manual::Status::Confirmed => "confirmed",
                icamo::coding::manual::Status::Suggested => "suggested",
            },
            text: match &rules {
                Some(r) => Cow::Owned(r.redact(&q.segment.text)),
                None => Cow::Borrowed(&q.segment.text),
            },
        })
        .collect();
    match args.format {
        Format::Json => {
            let json =
                serde_json::to_string_pretty(&rows).map_err(|e| Error::Other(e.to_string()))?;
            println!("{json}");
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            for r in &rows {
                w.serialize(r).map_err(|e| Error::Other(e.to_string()))?;
            }
            w.flush()
                .map_err(|e| Error::io(std::path::Path::new("standard output"), e))?;
        }
        Format::Md => {
            for r in &rows {
                // Under --panel there is no segment id to trace back to.
                let trace = if r.segment.is_empty() {
                    String::new()
                } else {
                    format!(", `{}`", r.segment)
                };
                println!(
                    "> {}\n>\n> — *{}*{}{} ({}{trace})\n",
                    r.text.replace('\n', "\n> "),
                    r.role,
                    if r.case.is_empty() { "" } else { ", " },
                    r.case,
                    r.code,
                );
            }
        }
        Format::Text => {
            if rows.is_empty() && !global.quiet {
                eprintln!(
                    "no quotes: nothing {}coded{}",
                    if args.include_suggestions {
                        ""
                    } else {
                        "confirmed by a coder is "
                    },
                    args.code
                        .as_ref()
                        .map(|c| format!(" with {c}"))
                        .unwrap_or_default()
                );
            }
            for r in &rows {
                let mut place = vec![r.role.to_string()];
                if !r.case.is_empty() {
                    place.push(r.case.to_string());
                }
                let stance = if r.stance == "none" {
                    String::new()
                } else {
                    format!(" {}", r.stance)
                };
                println!("\"{}\"", r.text.replace('\n', " "));
                let trace = if r.segment.is_empty() {
                    String::new()
                } else {
                    format!(", {}", r.segment)
                };
                println!(
                    "    — {}  [{}{stance}, {}{trace}]",
                    place.join(", "),
                    r.code,
                    r.status,
                );
                println!();
            }
        }
    }
    Ok(())
}

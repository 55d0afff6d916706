//! `icamo quotes`: coded segments as quotes, with role and case.

use std::path::PathBuf;

use icamo::error::Error;
use icamo::quotes::{self, Query, Selection};

use super::emit::{Target, emit, note};

/// List coded segments as quotes, with role labels and cases (never names).
///
/// Only codings a person confirmed (a coder's accept, an inline tag) count, unless
/// --include-suggestions is given. --code includes the codes under it. Names, pseudonyms,
/// respondent ids and unlisted speakers' labels in the text become [naam] / [nummer]; a turn
/// an interpreter spoke stands under the role of whom they interpret for, with `via` (the
/// interpreter's role): "gezinsmigrant (via tolk)". Capitals in --code, --mechanism, --role and
/// --case need not match; a value the study does not have is an error that lists the known
/// ones (--role as the rows show it).
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
    /// Only codings with this stance: supports, contradicts, nuance or none (or the report's
    /// ondersteunt, weerspreekt, nuanceert, geen houding).
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

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.evidence_study()?;
    super::codings::warn(&study, global, None)?;
    let selection = Selection {
        code: args.code.clone(),
        mechanism: args.mechanism,
        panel: args.panel,
        codebooks: args.codebook,
    };
    let codes = quotes::codes(&study, &selection)?;
    let query = Query {
        codes,
        stance: super::stance(args.stance.as_deref())?,
        role: args.role,
        case: args.case,
        include_suggestions: args.include_suggestions,
        panel: args.panel,
    };
    let rows = quotes::select(&study, &query)?;
    let format = match args.format {
        Format::Text => quotes::Format::Text,
        Format::Md => quotes::Format::Markdown,
        Format::Csv => quotes::Format::Csv,
        Format::Json => quotes::Format::Json,
    };
    if rows.is_empty() && format == quotes::Format::Text && !global.quiet {
        note!(
            "no quotes: nothing {}coded{}",
            if args.include_suggestions {
                ""
            } else {
                "confirmed by a coder is "
            },
            args.code.map(|c| format!(" with {c}")).unwrap_or_default()
        );
    }
    emit(&quotes::write(&rows, format)?, Target::Stdout)
}

//! `icamo export`: segments, codings and code matrices as CSV or JSON, for other tools (made
//! by [`icamo::export`]), and the REFI-QDA files (see [`super::refi`]).

use std::path::PathBuf;

use icamo::error::Error;
use icamo::export::{self, Table};
use icamo::interop::table::MatrixBy;
use icamo::study::Study;

use super::emit::{Target, emit, note};

/// Write the study's segments, codings or a code matrix as CSV or JSON, for R, Python or a
/// spreadsheet.
///
/// segments  every turn, with the codes that count for it.
/// codings   one row per coded quote (a segment and a code that counts): segment, document,
///           role, case, group, doc_type, date, language, the document's attributes from
///           icamo.toml (doc_KEY), the speaker's [[speakers]] attributes that are analysis
///           variables ([study] analysis_variables; all of them with --names) (speaker_KEY),
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
/// --include-suggestions. Rows carry role labels and cases, and text with the names,
/// pseudonyms and respondent ids it holds replaced by [naam] / [nummer]; speakers' pseudonyms,
/// respondent ids, attributes that are not analysis variables (a note names them) and the text
/// as stored only with --names.
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
///           pseudonyms applied, every coder's accepted codings with offsets in code points
///           (one selection per coding, by its coder, as NVivo writes them), stance and notes
///           as notes, respondents as cases with their role and attributes (in a focus group,
///           the case holds their own turns), ICAMO edges as links. GUIDs come from ids, in
///           lower case, so two exports are identical. It is
///           the study itself for another analysis tool, not something to publish: it holds
///           the pseudonyms, respondent ids and every attribute, as with --names.
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
    /// Include speakers' pseudonyms, respondent ids and every attribute, and the text as stored
    /// (segments, codings).
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

impl Args {
    /// The table asked for; `None` for the REFI-QDA files.
    fn table(&self) -> Option<Table> {
        match self.what {
            What::Segments => Some(Table::Segments),
            What::Codings => Some(Table::Codings),
            // clap requires --by with matrix.
            What::Matrix => Some(Table::Matrix(match self.by {
                Some(By::Role) => MatrixBy::Role,
                Some(By::Case) | None => MatrixBy::Case,
            })),
            What::Qdc | What::Qdpx => None,
        }
    }

    fn format(&self) -> Option<export::Format> {
        self.format.map(|f| match f {
            Format::Jsonl => export::Format::Jsonl,
            Format::Csv => export::Format::Csv,
            Format::Json => export::Format::Json,
        })
    }
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let table = args.table();
    let format = table
        .map(|t| export::format(t, args.format()))
        .transpose()?;
    if args.what != What::Matrix && (args.by.is_some() || args.binary) {
        return Err(Error::Usage(
            "--by and --binary only apply to export matrix, as in: icamo export matrix --by case --binary".into(),
        ));
    }
    let study = global.evidence_study()?;
    let (Some(table), Some(format)) = (table, format) else {
        return refi(&args, &study, global);
    };
    super::codings::warn(&study, global, None)?;
    let options = export::Options {
        names: args.names,
        include_suggestions: args.include_suggestions,
        binary: args.binary,
        codebooks: args.codebook.clone(),
    };
    let out = export::table(&study, table, format, &options)?;
    emit(&out, Target::new(args.out.as_deref(), args.force))?;
    let left_out = export::left_out(&study, table, &options);
    if !left_out.is_empty() && !global.quiet {
        note!(
            "left out the speaker attribute(s) {}: not analysis variables (analysis_variables in [study] of icamo.toml); --names includes them",
            left_out.join(", ")
        );
    }
    Ok(())
}

/// `export qdc` and `export qdpx`.
fn refi(args: &Args, study: &Study, global: &super::Global) -> Result<(), Error> {
    if args.format.is_some() || args.names || args.include_suggestions {
        return Err(Error::Usage(
            "--format, --names and --include-suggestions do not apply to qdc and qdpx: a REFI-QDA file has one form, and holds what coders accepted".into(),
        ));
    }
    let what = if args.what == What::Qdc {
        super::refi::Refi::Qdc
    } else {
        super::refi::Refi::Qdpx
    };
    let target = Target::new(args.out.as_deref(), args.force);
    super::refi::export(study, what, target, &args.codebook, global)
}

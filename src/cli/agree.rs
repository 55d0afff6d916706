//! `icamo agree`: intercoder agreement between coders' files, and the disagreements to talk
//! through.

use std::collections::BTreeMap;
use std::path::PathBuf;

use icamo::agree::{
    Agreement, EvidenceDisagreement, EvidenceReport, Input, Options, Report, Unit, compare,
    evidence_disagreements, unknown_codes,
};
use icamo::chain::Model;
use icamo::coding::Stance;
use icamo::coding::manual::{Coding, check_coder, decided_codings, evidence_rule, read_codings};
use icamo::coding::rule::{Disagreement, Dispute, EvidenceRule};
use icamo::error::Error;
use icamo::privacy::{Identities, unlisted_labels};
use icamo::study::{CODINGS_DIR, Study};

use super::emit::{Target, emit, note};

/// Intercoder agreement: how far coders' hand codings agree, and where they differ
///
/// Compares coders' files (codings/<coder>.csv; the coder is the file name) and reports,
/// per code and over all codes: percent agreement, Cohen's kappa (two coders) and
/// Krippendorff's alpha (nominal; any number of coders; missing data allowed); the same for
/// the stance of codes both coders applied; and, when the codebooks declare configurations,
/// whether coders link a unit to the same configuration and the same mechanism. Then the
/// disagreements to talk through, by code, with each segment's role (never a name).
///
/// A coder has looked at a segment when their file has a row for it (any code, accepted or
/// rejected). For each code, every segment a coder looked at is a unit: 1 for a coder who
/// accepted the code there, 0 for one who looked at the segment and rejected the code or did
/// not code it, and missing for one who did not look at the segment. "—" marks a figure that
/// is not defined (no unit two coders gave a value, or only one value throughout).
///
/// With --unit sentence each sentence of a segment is a unit (needs `icamo ingest`): an
/// accept with a span covers the sentences the span overlaps, one without a span the whole
/// segment.
///
/// Without files, the coders compared are those whose decisions count as evidence: the
/// [evidence] table of icamo.toml (its `coders`, never its `adjudicator`), else every file.
///
/// With --evidence: instead of figures, the disagreements that bear on the evidence, by code
/// and segment: where coders whose decisions count accepted and rejected a code, or accepted
/// it with different stances. Each shows every coder's decision, stance and note, the
/// adjudicator's decision where there is one (then it is settled), and what counts under the
/// study's rule ([evidence] agreement = "any" | "all" | "majority"). A coder with no row for a
/// segment and code has not decided it and is not part of a disagreement about it. Names
/// in the notes are replaced by [naam], as in every output.
///
/// Examples:
///   icamo agree
///   icamo agree codings/anna.csv codings/bert.csv --code icamo1
///   icamo agree --unit sentence --format json | jq '.overall.presence.alpha'
///   icamo agree --format csv > te-bespreken.csv
///   icamo agree --evidence --code icamo1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    /// Coders' files; default: the study's coders whose decisions count (codings/).
    #[arg(value_name = "CODINGS")]
    files: Vec<PathBuf>,
    /// List the disagreements among the coders whose decisions count, with what counts under
    /// the study's rule, instead of agreement figures.
    #[arg(long, conflicts_with_all = ["files", "unit"])]
    evidence: bool,
    /// Only this code and the codes under it.
    #[arg(long, value_name = "ID")]
    code: Option<String>,
    /// What a unit is: a segment (speaker turn) or a sentence of one.
    #[arg(long, value_enum, default_value_t = UnitArg::Segment)]
    unit: UnitArg,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Codebook file(s), for --code, unknown codes and configurations; default: the study's.
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
}

/// Units on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum UnitArg {
    /// A segment (speaker turn).
    Segment,
    /// A sentence of a segment.
    Sentence,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Tables and the disagreements, for reading.
    Text,
    /// Every figure and disagreement, for other programs.
    Json,
    /// The disagreements, one a row, a column per coder, to talk through in a spreadsheet.
    Csv,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    if args.evidence {
        return evidence(&args, &global.study()?);
    }
    let study = match global.study() {
        Ok(study) => Some(study),
        Err(Error::NoStudy(_)) if !args.files.is_empty() => None,
        Err(e) => return Err(e),
    };
    let (files, left_out) = coder_files(study.as_ref(), &args.files)?;
    if !global.quiet && !left_out.is_empty() {
        note!(
            "not compared: {} ([evidence] in icamo.toml does not count them as coders)",
            left_out.join(", ")
        );
    }
    let mut coders: BTreeMap<String, Vec<Coding>> = BTreeMap::new();
    for (coder, path) in &files {
        coders.insert(coder.clone(), read_codings(path, Some(coder))?);
    }
    let codebooks = if !args.codebook.is_empty() {
        args.codebook.clone()
    } else if let Some(study) = &study {
        study.codebook_paths()?
    } else {
        Vec::new()
    };
    let model = Model::load(&codebooks)?;
    let segments = match &study {
        Some(study) => match study.all_segments() {
            Ok(segments) => segments,
            Err(Error::NotIngested(_)) => Vec::new(),
            Err(e) => return Err(e),
        },
        None => Vec::new(),
    };
    if !global.quiet && !model.books().is_empty() {
        for (_, path) in &files {
            for w in unknown_codes(path, path, model.books())? {
                note!("warning: {w}");
            }
        }
    }
    if !global.quiet && !segments.is_empty() {
        // A row on a segment the study does not have still counts here; say so, once a file.
        let known: std::collections::HashSet<&str> =
            segments.iter().map(|s| s.id.as_str()).collect();
        for (coder, path) in &files {
            let unknown: Vec<&str> = coders[coder]
                .iter()
                .map(|c| c.segment.as_str())
                .filter(|s| !known.contains(s))
                .collect();
            if let Some(first) = unknown.first() {
                note!(
                    "warning: {}: {} coding{} on segments the study does not have (first: {first}); they count in the agreement as coded",
                    path.display(),
                    unknown.len(),
                    if unknown.len() == 1 { "" } else { "s" }
                );
            }
        }
    }
    let input = Input {
        coders: &coders,
        segments: &segments,
        books: model.books(),
        configurations: model.configurations(),
    };
    let options = Options {
        unit: match args.unit {
            UnitArg::Segment => Unit::Segment,
            UnitArg::Sentence => Unit::Sentence,
        },
        code: args.code.clone(),
    };
    let report = compare(&input, &options)?;
    if !global.quiet
        && !model.books().is_empty()
        && let Some(id) = &args.code
        && model.codes().resolve(id).is_err()
    {
        note!(
            "warning: no codebook has the code \"{id}\"; comparing \"{id}\" and the codes whose id starts with \"{id}.\""
        );
    }
    let out = match args.format {
        Format::Json => super::json(&report)?,
        Format::Csv => disagreements_csv(&report)?,
        Format::Text => text(&report, segments.is_empty()).into_bytes(),
    };
    emit(&out, Target::Stdout)
}

/// Coders by name, each with their file.
type CoderFiles = Vec<(String, PathBuf)>;

/// The coders and their files: those given (the coder is the file name), else the `.csv`
/// files in the study's codings/ folder of the coders whose decisions count (with the coders
/// [evidence] leaves out). Two at least.
fn coder_files(
    study: Option<&Study>,
    given: &[PathBuf],
) -> Result<(CoderFiles, Vec<String>), Error> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    // The study's files that [evidence] leaves out (the adjudicator, coders not listed).
    let mut left_out: Vec<String> = Vec::new();
    if given.is_empty() {
        let Some(study) = study else {
            return Err(Error::Other("no coders' files given and no study".into()));
        };
        let dir = study.root.join(CODINGS_DIR);
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for path in entries.flatten().map(|e| e.path()) {
                if path.extension().is_some_and(|x| x == "csv")
                    && let Some(coder) = path.file_stem().and_then(|s| s.to_str())
                    && check_coder(coder).is_ok()
                {
                    files.push((coder.to_string(), path.clone()));
                }
            }
        }
        files.sort();
        let rule = evidence_rule(study)?;
        left_out = files
            .iter()
            .filter(|(c, _)| !rule.coders.contains(c))
            .map(|(c, _)| c.clone())
            .collect();
        files.retain(|(c, _)| rule.coders.contains(c));
    } else {
        for path in given {
            let coder = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            check_coder(&coder).map_err(|e| {
                Error::Other(format!(
                    "{}: the file name names the coder: {e}",
                    path.display()
                ))
            })?;
            if let Some((_, other)) = files.iter().find(|(c, _)| *c == coder) {
                return Err(Error::Other(format!(
                    "{} and {} both name the coder \"{coder}\": a coder's file is named after the coder",
                    other.display(),
                    path.display()
                )));
            }
            files.push((coder, path.clone()));
        }
    }
    if files.len() < 2 {
        let mut place = match study {
            Some(s) if given.is_empty() => format!(" in {}", s.root.join(CODINGS_DIR).display()),
            _ => String::new(),
        };
        if !left_out.is_empty() {
            place.push_str(&format!(
                " whose decisions count ([evidence] in icamo.toml leaves out {})",
                left_out.join(", ")
            ));
        }
        return Err(Error::Other(format!(
            "agreement needs two coders or more, and there {}{place}: give two coders' files or more (icamo agree codings/anna.csv codings/bert.csv), or put them in the study's codings/ folder",
            match files.as_slice() {
                [] => "are none".to_string(),
                [(one, _)] => format!("is one ({one})"),
                _ => unreachable!(),
            }
        )));
    }
    Ok((files, left_out))
}

/// A proportion as a percentage, or "—".
fn percent(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:.1}%", x * 100.0))
}

/// A coefficient to three decimals, or "—".
fn coefficient(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.3}"))
}

/// One table row: name, units, pairable, agreement, (kappa,) alpha.
fn row(out: &mut String, width: usize, name: &str, a: &Agreement, kappa: bool) {
    out.push_str(&format!(
        "  {name:<width$} {:>6} {:>9} {:>10}",
        a.units,
        a.pairable,
        percent(a.agreement)
    ));
    if kappa {
        out.push_str(&format!(" {:>7}", coefficient(a.kappa)));
    }
    out.push_str(&format!(" {:>7}\n", coefficient(a.alpha)));
}

fn header(out: &mut String, width: usize, first: &str, kappa: bool) {
    out.push_str(&format!(
        "  {first:<width$} {:>6} {:>9} {:>10}",
        "units", "pairable", "agreement"
    ));
    if kappa {
        out.push_str(&format!(" {:>7}", "kappa"));
    }
    out.push_str(&format!(" {:>7}\n", "alpha"));
}

/// The report as text: figures, then the disagreements by code.
fn text(report: &Report, no_roles: bool) -> String {
    let kappa = report.coders.len() == 2;
    let unit = match report.unit {
        Unit::Segment => "segment",
        Unit::Sentence => "sentence",
    };
    let mut out = format!(
        "{} coders; unit: {unit}; {} {unit}{} looked at by at least one coder\n",
        report.coders.len(),
        report.units,
        if report.units == 1 { "" } else { "s" }
    );
    let name_width = report
        .coders
        .iter()
        .map(|c| c.coder.len())
        .max()
        .unwrap_or(0);
    for c in &report.coders {
        out.push_str(&format!(
            "  {:<name_width$}  looked at {} segment{}, {} code{} accepted\n",
            c.coder,
            c.segments,
            if c.segments == 1 { "" } else { "s" },
            c.accepted,
            if c.accepted == 1 { "" } else { "s" },
        ));
    }
    let width = report
        .codes
        .iter()
        .map(|c| c.code.chars().count())
        .chain([13])
        .max()
        .unwrap_or(13);
    out.push_str(&format!(
        "\nWhether a code applies (agreement; {}Krippendorff's alpha, nominal):\n",
        if kappa { "Cohen's kappa; " } else { "" }
    ));
    header(&mut out, width, "code", kappa);
    for c in &report.codes {
        row(&mut out, width, &c.code, &c.presence, kappa);
    }
    row(
        &mut out,
        width,
        "all codes",
        &report.overall.presence,
        kappa,
    );
    out.push_str("\nStance, where two coders or more applied the code:\n");
    header(&mut out, width, "code", kappa);
    for c in report.codes.iter().filter(|c| c.stance.pairable > 0) {
        row(&mut out, width, &c.code, &c.stance, kappa);
    }
    row(&mut out, width, "all codes", &report.overall.stance, kappa);
    if let Some(conf) = &report.configurations {
        out.push_str(&format!(
            "\nConfigurations: is a {unit} linked to the same configuration, and the same mechanism of it?\n"
        ));
        header(&mut out, width, "level", kappa);
        row(&mut out, width, "configuration", &conf.configuration, kappa);
        row(&mut out, width, "mechanism", &conf.mechanism, kappa);
    }
    out.push_str("\n— : not defined (no unit with two values, or one value throughout)\n");
    if report.disagreements.is_empty() {
        out.push_str("\nNo disagreements.\n");
        return out;
    }
    out.push_str(&format!(
        "\nDisagreements to talk through: {}{}\n",
        report.disagreements.len(),
        if no_roles {
            " (roles unknown: run `icamo ingest` in the study to see them)"
        } else {
            ""
        }
    ));
    let unit_width = report
        .disagreements
        .iter()
        .map(|d| d.unit.chars().count())
        .max()
        .unwrap_or(0);
    let role_width = report
        .disagreements
        .iter()
        .map(|d| d.role.as_deref().unwrap_or("?").chars().count())
        .max()
        .unwrap_or(0);
    let mut current = "";
    for d in &report.disagreements {
        if d.code != current {
            out.push_str(&format!("\n{}\n", d.code));
            current = &d.code;
        }
        let said: Vec<String> = d
            .said
            .iter()
            .map(|s| format!("{}: {}", s.coder, s.label()))
            .collect();
        out.push_str(&format!(
            "  {:<unit_width$}  {:<role_width$}  {}{}\n",
            d.unit,
            d.role.as_deref().unwrap_or("?"),
            match d.about {
                icamo::agree::About::Presence => "",
                icamo::agree::About::Stance => "stance: ",
            },
            said.join(" · ")
        ));
    }
    out
}

/// The disagreements as CSV: code, unit, segment, sentence, role, about, then a column per
/// coder with what they said.
fn disagreements_csv(report: &Report) -> Result<Vec<u8>, Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let error = |e| Error::csv(Some("CSV"), e);
    let mut header: Vec<&str> = vec!["code", "unit", "segment", "sentence", "role", "about"];
    header.extend(report.coders.iter().map(|c| c.coder.as_str()));
    w.write_record(&header).map_err(error)?;
    for d in &report.disagreements {
        let mut row = vec![
            d.code.clone(),
            d.unit.clone(),
            d.segment.clone(),
            d.sentence.map(|s| s.to_string()).unwrap_or_default(),
            d.role.clone().unwrap_or_default(),
            match d.about {
                icamo::agree::About::Presence => "presence".into(),
                icamo::agree::About::Stance => "stance".into(),
            },
        ];
        row.extend(d.said.iter().map(|s| s.label()));
        w.write_record(&row).map_err(error)?;
    }
    w.into_inner().map_err(|e| error(e.into_error().into()))
}

/// `icamo agree --evidence`: the disagreements among the coders whose decisions count, and
/// what the study's rule made of each.
fn evidence(args: &Args, study: &Study) -> Result<(), Error> {
    let decided = decided_codings(study)?;
    let rule = evidence_rule(study)?;
    let codebooks = if args.codebook.is_empty() {
        study.codebook_paths()?
    } else {
        args.codebook.clone()
    };
    let model = Model::load(&codebooks)?;
    let segments = match study.all_segments() {
        Ok(segments) => segments,
        Err(Error::NotIngested(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    let identities = Identities::new(&study.manifest, &unlisted_labels(&segments));
    let report = evidence_disagreements(
        &decided,
        &rule,
        &segments,
        model.books(),
        args.code.as_deref(),
        &identities,
    )?;
    let out = match args.format {
        Format::Json => super::json(&report)?,
        Format::Csv => evidence_csv(&report)?,
        Format::Text => evidence_text(&report, segments.is_empty()).into_bytes(),
    };
    emit(&out, Target::Stdout)
}

/// What counts under the rule: `counts (supports)`, `counts, without a stance`, `does not
/// count`.
fn outcome(d: &Disagreement) -> String {
    let stances_given = d
        .coders
        .iter()
        .chain(&d.adjudicator)
        .any(|s| s.stance != Stance::None);
    match (d.carries, d.stance) {
        (false, _) => "does not count".to_string(),
        (true, Stance::None) if stances_given => "counts, without a stance".to_string(),
        (true, Stance::None) => "counts".to_string(),
        (true, s) => format!("counts ({s})"),
    }
}

/// The rule in one line: `agreement = "any" among anna, bert; adjudicator: lotte`.
fn rule_line(rule: &EvidenceRule) -> String {
    let mut line = format!(
        "agreement = \"{}\" among {}",
        rule.agreement.name(),
        if rule.coders.is_empty() {
            "no coder".to_string()
        } else {
            rule.coders.iter().cloned().collect::<Vec<_>>().join(", ")
        }
    );
    if let Some(a) = &rule.adjudicator {
        line.push_str(&format!("; adjudicator: {a}"));
    }
    if !rule.not_counted.is_empty() {
        line.push_str(&format!(
            "; not counted: {}",
            rule.not_counted
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    line
}

/// The evidence disagreements as text: by code, one line per segment, notes below it, and
/// how to settle them.
fn evidence_text(report: &EvidenceReport, no_roles: bool) -> String {
    let rule = &report.rule;
    let n = report.disagreements.len();
    let mut out = format!(
        "{n} disagreement{} among the coders whose decisions count ({})",
        if n == 1 { "" } else { "s" },
        rule_line(rule)
    );
    if rule.adjudicator.is_some() && n > 0 {
        out.push_str(&format!(
            ": {} settled by the adjudicator, {} open",
            report.settled,
            n - report.settled
        ));
    }
    out.push('\n');
    if n == 0 {
        if rule.coders.len() < 2 {
            out.push_str("Only one coder's decisions count: there is nothing to disagree on.\n");
        }
        return out;
    }
    if no_roles {
        out.push_str("(roles unknown: run `icamo ingest` in the study to see them)\n");
    }
    let width = |f: &dyn Fn(&EvidenceDisagreement) -> usize| {
        report.disagreements.iter().map(f).max().unwrap_or(0)
    };
    let seg_width = width(&|d| d.disagreement.segment.chars().count());
    let role_width = width(&|d| d.role.as_deref().unwrap_or("?").chars().count());
    let mut current = "";
    for listed in &report.disagreements {
        let d = &listed.disagreement;
        if d.code != current {
            match &listed.label {
                Some(label) => out.push_str(&format!("\n{}  {label}\n", d.code)),
                None => out.push_str(&format!("\n{}\n", d.code)),
            }
            current = &d.code;
        }
        let mut said: Vec<String> = d
            .coders
            .iter()
            .map(|s| format!("{}: {}", s.coder, s.label()))
            .collect();
        if let Some(a) = &d.adjudicator {
            said.push(format!("{} (adjudicator): {}", a.coder, a.label()));
        }
        let status = match (&rule.adjudicator, &d.adjudicator) {
            (None, _) => "",
            (Some(_), Some(_)) => "; settled",
            (Some(_), None) => "; open",
        };
        out.push_str(&format!(
            "  {:<seg_width$}  {:<role_width$}  {}{} → {}{status}\n",
            d.segment,
            listed.role.as_deref().unwrap_or("?"),
            match d.about {
                Dispute::Presence => "",
                Dispute::Stance => "stance: ",
            },
            said.join(" · "),
            outcome(d),
        ));
        for s in d.coders.iter().chain(&d.adjudicator) {
            if let Some(note) = &s.note {
                out.push_str(&format!("      {}: \"{note}\"\n", s.coder));
            }
        }
    }
    out.push_str("\nRead a turn with `icamo show SEGMENT`. ");
    match &rule.adjudicator {
        Some(a) => out.push_str(&format!(
            "To settle an open one, the adjudicator adds a decision on its segment and code to {CODINGS_DIR}/{a}.csv: it then counts, whatever the coders decided.\n"
        )),
        None => out.push_str(
            "To settle them, name an adjudicator in icamo.toml ([evidence] adjudicator = \"NAME\"), whose decision counts wherever they made one, or choose another rule ([evidence] agreement = \"any\", \"all\" or \"majority\").\n",
        ),
    }
    out
}

/// The evidence disagreements as CSV: code, label, segment, role, about, what counts, then a column
/// per counted coder (empty where they did not decide), the adjudicator's, and the notes.
fn evidence_csv(report: &EvidenceReport) -> Result<Vec<u8>, Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let error = |e| Error::csv(Some("CSV"), e);
    let rule = &report.rule;
    let mut header: Vec<String> = ["code", "label", "segment", "role", "about", "outcome"]
        .map(String::from)
        .to_vec();
    header.extend(rule.coders.iter().cloned());
    if let Some(a) = &rule.adjudicator {
        header.push(format!("{a} (adjudicator)"));
    }
    header.push("notes".into());
    w.write_record(&header).map_err(error)?;
    for listed in &report.disagreements {
        let d = &listed.disagreement;
        let mut row = vec![
            d.code.clone(),
            listed.label.clone().unwrap_or_default(),
            d.segment.clone(),
            listed.role.clone().unwrap_or_default(),
            match d.about {
                Dispute::Presence => "presence".into(),
                Dispute::Stance => "stance".into(),
            },
            outcome(d),
        ];
        for coder in &rule.coders {
            row.push(
                d.coders
                    .iter()
                    .find(|s| &s.coder == coder)
                    .map(|s| s.label())
                    .unwrap_or_default(),
            );
        }
        if rule.adjudicator.is_some() {
            row.push(
                d.adjudicator
                    .as_ref()
                    .map(|s| s.label())
                    .unwrap_or_default(),
            );
        }
        let notes: Vec<String> = d
            .coders
            .iter()
            .chain(&d.adjudicator)
            .filter_map(|s| Some(format!("{}: {}", s.coder, s.note.as_deref()?)))
            .collect();
        row.push(notes.join(" | "));
        w.write_record(&row).map_err(error)?;
    }
    w.into_inner().map_err(|e| error(e.into_error().into()))
}

//! `icamo report`: the Markdown and HTML report, the summary and the figures, into one folder.

use std::path::{Path, PathBuf};

use icamo::coding::rule::Counting;
use icamo::error::Error;
use icamo::findings::FINDINGS_FILE;
use icamo::pipeline::{self, Written};
use icamo::render;
use icamo::study::Study;

use super::emit::say;

/// Write the ICAMO report, its summary and its figures
///
/// Writes into the output folder (default: out/ in the study):
///   report.md       per configuration the figure (an image of figures/*.png with a numbered
///                   caption; Mermaid with --mermaid), the causal sentence, and per
///                   mechanism the evidence table (role × stance) and the best quotes
///                   supporting, contradicting and nuancing it (cut at sentence ends with
///                   […], a short answer under its question, a coder's readable version and
///                   translation); a chapter each on the context factors (condition, barrier
///                   or varies) and the outcomes, with respondents per perspective and quotes,
///                   one on the interventions and actors, and one on the codes coded outside
///                   every configuration, so nothing coded is left out; appendices with
///                   respondents per role and case, a case × mechanism matrix in respondents,
///                   the quotes shown readable, word for word, and how the report was made
///                   (codebook version, codings counted, the command to make it again)
///   report.html     the same report with the figures drawn inline (SVG)
///   summary.md      a letter to a city council: how the study was done (sources, people per
///                   role, cases, period), the numbered conclusions with the advice that
///                   follows from them, and the verdicts per mechanism in short
///   figures/        keten (the chain at a glance) and one figure per configuration, each as
///                   SVG and PNG (for Word), about 600 px wide so that the text prints at 9 pt
///                   when the figure is 16 cm wide; keten.json with what the chain shows
///
/// Quotes carry role labels and cases, never names: names, pseudonyms, respondent ids and the
/// labels of speakers the manifest does not list become [naam] / [nummer] in every text the
/// report, the summary and the figures show. After writing, every file is checked for them; a
/// name found (one a template of the study's wrote, say) is an error naming file:line:column
/// and its kind, not the name (`icamo site --check out` shows it). Only confirmed codings
/// count as evidence unless --include-suggestions. Where several coders' decisions count, the
/// [evidence] table of icamo.toml says how their disagreements resolve, and the report says
/// which rule it used (never the coders' names); `icamo agree --evidence` lists the
/// disagreements. Files whose content did not change are left untouched, so a second run with
/// nothing changed rewrites nothing.
///
/// Findings: findings.toml in the study holds the authors' conclusions and recommendations.
/// Each [[finding]] has an id, a headline, a text (Markdown), the codes it rests on and,
/// optionally, the quotes (segment ids) it rests on; each [[recommendation]] a text and the
/// ids of the findings it follows from. The report's chapters "Bevindingen" and
/// "Aanbevelingen" and the summary's conclusions show them with each code's verdict and people
/// count, the quotes under role labels, and links to the mechanisms' sections. An unknown code,
/// segment or finding is an error naming findings.toml:line:column. Without the file the
/// report drafts one finding per mechanism, marked as a draft; `--draft-findings` writes that
/// draft to findings.toml for you to rewrite (never over an existing file).
///
/// Templates (minijinja, the Jinja2 syntax): `--template FILE` renders your report template;
/// otherwise report.md.j2 and summary.md.j2 in the study's templates/ folder are used when they
/// are there, and the built-in ones when not. `--export-templates DIR` writes the built-in ones
/// out for editing (`--export-templates templates` puts them where the study will use them).
/// A template sees its data under `report`; figure("icamo1") or figure("keten") draws a figure
/// with its caption ("Figuur 2. ICAMO 1 — …"), numbered in the order the template draws them.
///
/// Examples:
///   icamo report
///   icamo report --include-suggestions --out /tmp/concept
///   icamo report --export-templates templates      # then edit templates/report.md.j2
///   icamo report --template elders/report.md.j2
///   icamo report --draft-findings                  # then rewrite findings.toml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(flatten)]
    options: ReportOptions,
    /// Write the built-in templates into DIR for editing, and stop.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["template", "out"])]
    export_templates: Option<PathBuf>,
    /// Draft findings.toml from the evidence (one finding per mechanism) for you to rewrite,
    /// and stop; refused when the file exists.
    #[arg(long, conflicts_with_all = ["template", "out", "export_templates"])]
    draft_findings: bool,
}

/// Report options `icamo build` shares.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct ReportOptions {
    /// Count suggestions nobody has confirmed as evidence too (the report says so).
    #[arg(long)]
    include_suggestions: bool,
    /// A report template (report.md.j2) to use instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// The output folder; default: out/ in the study.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Report even when some codings are orphaned (their words are in no transcript any
    /// more): they are left out, and listed. See `icamo codings --help`.
    #[arg(long)]
    allow_orphans: bool,
    /// Draw the figures in report.md as Mermaid blocks (for GitHub, GitLab, Obsidian) instead
    /// of images of figures/*.png (which paste into Word).
    #[arg(long)]
    mermaid: bool,
}

impl From<ReportOptions> for pipeline::ReportOptions {
    fn from(o: ReportOptions) -> pipeline::ReportOptions {
        pipeline::ReportOptions {
            include_suggestions: o.include_suggestions,
            template: o.template,
            out: o.out,
            allow_orphans: o.allow_orphans,
            mermaid: o.mermaid,
        }
    }
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    if let Some(dir) = args.export_templates {
        for path in render::report::export_templates(&dir)? {
            say!("{}", path.display())?;
        }
        return Ok(());
    }
    let study = global.evidence_study()?;
    let model = pipeline::load_model(&study, &[])?;
    let options = args.options.into();
    if args.draft_findings {
        let mut printer = super::Printer::new(global);
        let (path, n) = pipeline::draft_findings(&study, &model, &options, &mut printer)?;
        say!(
            "{}: {n} finding{} drafted, one per mechanism; rewrite them as your conclusions, add recommendations, and remove `draft = true` when they are yours",
            display(path.strip_prefix(&study.root).unwrap_or(&path)),
            if n == 1 { "" } else { "s" }
        )?;
        return Ok(());
    }
    pipeline::report(&study, &model, &options, &mut super::Printer::new(global))?;
    Ok(())
}

/// Prints what a report run wrote, unless `quiet`.
pub(super) fn print(study: &Study, written: &Written, quiet: bool) -> Result<(), Error> {
    if quiet {
        return Ok(());
    }
    let shown = written
        .dir
        .strip_prefix(&study.root)
        .unwrap_or(&written.dir);
    say!(
        "report: {} file{} written, {} unchanged, in {} ({} codings counted as evidence{})",
        written.changed.len(),
        if written.changed.len() == 1 { "" } else { "s" },
        written.unchanged,
        display(shown),
        written.codings,
        if written.include_suggestions {
            ", suggestions included"
        } else {
            ", confirmed only"
        }
    )?;
    match &written.findings_file {
        None => say!(
            "findings: no {FINDINGS_FILE}, so the report drafts one finding per mechanism; `icamo report --draft-findings` writes them to {FINDINGS_FILE} for you to rewrite"
        )?,
        Some(path) if written.findings_draft => say!(
            "findings: {} is still marked `draft = true`, so the report and the summary show its findings as a draft",
            path.display()
        )?,
        Some(_) => {}
    }
    match &written.counting {
        Some(counting) => print_counting(counting),
        None => Ok(()),
    }
}

/// Whose decisions counted and how many disagreements the rule met, where there is more than
/// one coder's work to speak of.
fn print_counting(counting: &Counting) -> Result<(), Error> {
    let rule = &counting.rule;
    if !rule.combines() && rule.not_counted.is_empty() {
        return Ok(());
    }
    let names = |set: &std::collections::BTreeSet<String>| {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    };
    let n = counting.disagreements;
    say!(
        "coders: {} counted ({}), agreement = \"{}\"{}: {n} disagreement{}{} (icamo agree --evidence lists them)",
        rule.coders.len(),
        names(&rule.coders),
        rule.agreement.name(),
        rule.adjudicator
            .as_ref()
            .map(|a| format!(", adjudicator {a}"))
            .unwrap_or_default(),
        if n == 1 { "" } else { "s" },
        if rule.adjudicator.is_some() {
            format!(", {} settled by the adjudicator", counting.settled)
        } else {
            String::new()
        },
    )?;
    if !rule.not_counted.is_empty() {
        say!(
            "  not counted: {} (not in [evidence] coders in icamo.toml)",
            names(&rule.not_counted)
        )?;
    }
    Ok(())
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    if s.is_empty() { ".".into() } else { s }
}

//! `icamo report`: the Markdown and HTML report, the summary and the figures, into one folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use icamo::chain::Model;
use icamo::error::Error;
use icamo::fsutil::write_atomic;
use icamo::render;
use icamo::render::report::{ReportData, TEMPLATES, Target};
use icamo::study::Study;

/// Write the ICAMO report, its summary and its figures
///
/// Writes into the output folder (default: out/ in the study):
///   report.md       per configuration the figure (Mermaid), the causal sentence, and per
///                   mechanism the evidence table (role × stance) and the best quotes
///                   supporting, contradicting and nuancing it; appendices with respondents
///                   per role and case and a case × mechanism matrix
///   report.html     the same report with the figures drawn inline (SVG)
///   summary.md      one numbered conclusion per mechanism, for a letter to a city council
///   figures/        keten.svg and one SVG per configuration, keten.json with what they show
///
/// Quotes carry role labels and cases, never names. Only confirmed codings count as evidence
/// unless --include-suggestions. Files whose content did not change are left untouched, so a
/// second run with nothing changed rewrites nothing.
///
/// Templates (minijinja, the Jinja2 syntax): `--template FILE` renders your report template;
/// otherwise report.md.j2 and summary.md.j2 in the study's templates/ folder are used when they
/// are there, and the built-in ones when not. `--export-templates DIR` writes the built-in ones
/// out for editing (`--export-templates templates` puts them where the study will use them).
/// A template sees its data under `report`; figure("icamo1") or figure("keten") draws a figure.
///
/// Examples:
///   icamo report
///   icamo report --include-suggestions --out /tmp/concept
///   icamo report --export-templates templates      # then edit templates/report.md.j2
///   icamo report --template elders/report.md.j2
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(flatten)]
    pub(super) options: ReportOptions,
    /// Write the built-in templates into DIR for editing, and stop.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["template", "out"])]
    export_templates: Option<PathBuf>,
}

/// Report options `icamo build` shares.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct ReportOptions {
    /// Count suggestions nobody has confirmed as evidence too (the report says so).
    #[arg(long)]
    pub(super) include_suggestions: bool,
    /// A report template (report.md.j2) to use instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub(super) template: Option<PathBuf>,
    /// The output folder; default: out/ in the study.
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    if let Some(dir) = args.export_templates {
        for path in render::report::export_templates(&dir)? {
            println!("{}", path.display());
        }
        return Ok(());
    }
    let study = global.study()?;
    let model = Model::load(&super::codebook_files(&study, &[])?)?;
    run(&study, &model, &args.options, global).map(|_| ())
}

/// What one report run wrote.
pub(super) struct Written {
    /// Files whose content changed.
    pub changed: Vec<PathBuf>,
    /// Files that were already up to date.
    pub unchanged: usize,
}

/// Renders everything into the output folder.
pub(super) fn run(
    study: &Study,
    model: &Model,
    options: &ReportOptions,
    global: &super::Global,
) -> Result<Written, Error> {
    model.ensure_sound()?;
    if model.configurations().is_empty() {
        return Err(Error::Other(
            "the codebooks declare no [[configurations]]; a report needs at least one (see codebooks/dualiteit.toml)".into(),
        ));
    }
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| study.root.join("out"));
    let evidence = model.evidence(study, &[], options.include_suggestions)?;
    let data = ReportData::new(&study.manifest.study.name, model, &evidence);

    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut mermaid = BTreeMap::new();
    let mut svgs = BTreeMap::new();
    let mut charts = vec![("keten".to_string(), model.chart(&[], &evidence)?)];
    for c in model.configurations() {
        charts.push((
            c.id.clone(),
            model.chart(std::slice::from_ref(&c.id), &evidence)?,
        ));
    }
    for (name, chart) in &charts {
        let svg = render::svg::to_svg(chart, render::svg::Engine::Builtin)?;
        files.push((
            dir.join("figures").join(format!("{name}.svg")),
            svg.clone().into_bytes(),
        ));
        svgs.insert(name.clone(), svg);
        mermaid.insert(name.clone(), render::mermaid::to_mermaid(chart));
    }
    files.push((
        dir.join("figures").join("keten.json"),
        charts[0].1.to_json().into_bytes(),
    ));

    let (report_name, report_source) = template(study, options.template.as_deref(), 0)?;
    let (summary_name, summary_source) = template(study, None, 1)?;
    let markdown = render::report::render(
        &report_name,
        &report_source,
        &data,
        Target::Markdown,
        &mermaid,
    )?;
    let html_markdown =
        render::report::render(&report_name, &report_source, &data, Target::Html, &svgs)?;
    let html = render::report::to_html(&study.manifest.study.name, &html_markdown);
    let summary = render::report::render(
        &summary_name,
        &summary_source,
        &data,
        Target::Markdown,
        &mermaid,
    )?;
    files.push((dir.join("report.md"), markdown.into_bytes()));
    files.push((dir.join("report.html"), html.into_bytes()));
    files.push((dir.join("summary.md"), summary.into_bytes()));

    let mut written = Written {
        changed: Vec::new(),
        unchanged: 0,
    };
    for (path, bytes) in files {
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            written.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_atomic(&path, &bytes)?;
        written.changed.push(path);
    }
    if !global.quiet {
        let shown = dir.strip_prefix(&study.root).unwrap_or(&dir);
        println!(
            "report: {} file{} written, {} unchanged, in {} ({} codings counted as evidence{})",
            written.changed.len(),
            if written.changed.len() == 1 { "" } else { "s" },
            written.unchanged,
            display(shown),
            evidence.codings,
            if options.include_suggestions {
                ", suggestions included"
            } else {
                ", confirmed only"
            }
        );
    }
    Ok(written)
}

/// The template `TEMPLATES[which]` to use, with the name errors show: the file given, else
/// one of that name in the study's templates/ folder, else the built-in one.
fn template(study: &Study, given: Option<&Path>, which: usize) -> Result<(String, String), Error> {
    let (name, builtin) = TEMPLATES[which];
    let in_study = study.root.join("templates").join(name);
    let path = match given {
        Some(path) => path.to_path_buf(),
        None if in_study.is_file() => in_study,
        None => return Ok((name.to_string(), builtin.to_string())),
    };
    let source = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    Ok((path.display().to_string(), source))
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    if s.is_empty() { ".".into() } else { s }
}

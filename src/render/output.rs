//! The outputs of a study's evidence, and the one step that writes them: each [`Output`] (the
//! [`Figures`], the [`Report`]) makes its files from a [`RenderContext`], and [`write`] puts
//! in place each file whose content changed, leaving the others untouched (mdBook's renderers
//! are the model). A renderer is handed what it draws and never opens a transcript.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::findings::{FindingsView, MethodView};
use super::report::{ReportData, TEMPLATES, Target};
use crate::chain::Model;
use crate::chain::chart::Chart;
use crate::chain::evidence::Evidence;
use crate::error::Error;
use crate::findings::Findings;
use crate::fsutil::write_atomic;
use crate::privacy::Identities;
use crate::study::Study;

/// What every output is handed: the study (its name, its templates folder), its
/// configurations and their evidence.
#[derive(Clone, Copy)]
pub struct RenderContext<'a> {
    /// The study.
    pub study: &'a Study,
    /// Its codebooks and configurations.
    pub model: &'a Model,
    /// The evidence of the configurations' codes.
    pub evidence: &'a Evidence,
}

impl RenderContext<'_> {
    /// Every string that names a person in the study: the manifest's, and the speakers the
    /// evidence met that it does not list. Every text an output shows passes through
    /// `Identities::redact`.
    pub fn identities(&self) -> Identities {
        Identities::new(&self.study.manifest, &self.evidence.unlisted)
    }
}

/// One kind of output: the files it consists of, made from a [`RenderContext`], with their
/// paths under the output folder `dir`.
pub trait Output {
    /// The files, in the order they are written.
    fn files(&self, ctx: &RenderContext, dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, Error>;
}

/// Makes every output's files and writes those whose content differs from what is in `dir`;
/// returns the files written and how many were already up to date. Then checks every text file
/// for the study's names (`Identities::ensure_none`; a PNG through the SVG it is drawn from): a
/// name there is an error naming the file, line and column.
pub fn write(
    outputs: &[&dyn Output],
    ctx: &RenderContext,
    dir: &Path,
) -> Result<(Vec<PathBuf>, usize), Error> {
    let mut files = Vec::new();
    for output in outputs {
        files.extend(output.files(ctx, dir)?);
    }
    let written = write_changed(files.clone())?;
    // A PNG is drawn from its SVG, which is checked: its bytes are pixels, not text.
    let text: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter(|(path, _)| path.extension().is_none_or(|e| e != "png"))
        .collect();
    ctx.identities().ensure_none(&text)?;
    Ok(written)
}

/// The report's figures: the chain of every configuration at a glance ("keten") and one
/// figure per configuration, as charts, as SVG (for HTML, and as PNG for Word) and as
/// Mermaid (for Markdown with `--mermaid`).
pub struct Figures {
    charts: Vec<(String, Chart)>,
    svg: BTreeMap<String, String>,
    mermaid: BTreeMap<String, String>,
    titles: BTreeMap<String, String>,
}

/// The title of the chain's overview figure.
const CHAIN_TITLE: &str = "De keten van configuraties in één oogopslag";

impl Figures {
    /// Draws every chart of `model` with `evidence`.
    pub fn draw(model: &Model, evidence: &Evidence) -> Result<Figures, Error> {
        let mut charts = vec![("keten".to_string(), model.chart(&[], evidence)?)];
        for c in model.configurations() {
            charts.push((
                c.id.clone(),
                model.chart(std::slice::from_ref(&c.id), evidence)?,
            ));
        }
        let mut svg = BTreeMap::new();
        let mut mermaid = BTreeMap::new();
        let mut titles = BTreeMap::new();
        for (i, (name, chart)) in charts.iter().enumerate() {
            // The chain in full is too wide for a page: the report shows it at a glance.
            let drawn = if i == 0 {
                super::svg::to_svg_overview(chart)
            } else {
                super::svg::to_svg(chart, super::svg::Engine::Builtin)?
            };
            svg.insert(name.clone(), drawn);
            mermaid.insert(name.clone(), super::mermaid::to_mermaid(chart));
            let title = match chart.configurations.first() {
                Some(c) if i > 0 => super::figure::cluster_title(c),
                _ => CHAIN_TITLE.to_string(),
            };
            titles.insert(name.clone(), title);
        }
        Ok(Figures {
            charts,
            svg,
            mermaid,
            titles,
        })
    }
}

impl Output for Figures {
    /// figures/NAME.svg and figures/NAME.png for each chart, in chart order, and
    /// figures/keten.json; their labels redacted (the PNG is drawn from the redacted SVG).
    fn files(&self, ctx: &RenderContext, dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, Error> {
        let identities = ctx.identities();
        let figures = dir.join("figures");
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for (name, _) in &self.charts {
            let svg = identities.redact(&self.svg[name]);
            let png = super::png::svg_to_png(&svg, super::png::SCALE)?;
            files.push((figures.join(format!("{name}.svg")), svg.into_bytes()));
            files.push((figures.join(format!("{name}.png")), png));
        }
        if let Some((_, chain)) = self.charts.first() {
            files.push((
                figures.join("keten.json"),
                identities.redact(&chain.to_json()).into_bytes(),
            ));
        }
        Ok(files)
    }
}

/// Each figure's text with `identities` redacted.
fn redacted(
    figures: &BTreeMap<String, String>,
    identities: &Identities,
) -> BTreeMap<String, String> {
    figures
        .iter()
        .map(|(name, text)| (name.clone(), identities.redact(text)))
        .collect()
}

/// The report (Markdown and HTML) and the summary, from their templates, with the figures drawn
/// in them.
pub struct Report<'f> {
    /// The figures the documents show.
    pub figures: &'f Figures,
    /// A report template to use instead of the study's or the built-in one.
    pub template: Option<&'f Path>,
    /// The findings and recommendations the report and the summary show.
    pub findings: &'f Findings,
    /// Figures in report.md as Mermaid blocks rather than images (`--mermaid`).
    pub mermaid: bool,
}

impl Output for Report<'_> {
    /// report.md, report.html and summary.md.
    fn files(&self, ctx: &RenderContext, dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, Error> {
        let RenderContext {
            study,
            model,
            evidence,
        } = *ctx;
        // Everything the templates are given from the study passes through its privacy rules.
        let identities = ctx.identities();
        let mermaid = redacted(&self.figures.mermaid, &identities);
        let svg = redacted(&self.figures.svg, &identities);
        let titles = redacted(&self.figures.titles, &identities);
        let markdown_target = if self.mermaid {
            Target::Mermaid
        } else {
            Target::Markdown
        };
        let name = identities.redact(&study.manifest.study.name);
        let reading = model.reading(study);
        let data = ReportData::new(&name, model, evidence, &reading);
        let findings = FindingsView::new(
            self.findings,
            &data.configurations,
            &model.codes(),
            evidence,
        );
        let data = super::report::shown(
            &Shown {
                method: MethodView::new(&study.manifest, evidence),
                report: &data,
                findings,
            },
            &identities,
        );
        let [report_builtin, summary_builtin] = TEMPLATES;
        let (report_name, report) = template(study, self.template, report_builtin)?;
        let (summary_name, summary) = template(study, None, summary_builtin)?;
        let markdown = super::report::render(
            &report_name,
            &report,
            &data,
            markdown_target,
            &mermaid,
            &titles,
        )?;
        let html_markdown =
            super::report::render(&report_name, &report, &data, Target::Html, &svg, &titles)?;
        let html = super::report::to_html(&name, &html_markdown);
        let summary = super::report::render(
            &summary_name,
            &summary,
            &data,
            markdown_target,
            &mermaid,
            &titles,
        )?;
        Ok(vec![
            (dir.join("report.md"), markdown.into_bytes()),
            (dir.join("report.html"), html.into_bytes()),
            (dir.join("summary.md"), summary.into_bytes()),
        ])
    }
}

/// What the report templates see under `report`: the report's data, and the findings and the
/// method paragraph beside it.
#[derive(Serialize)]
struct Shown<'r> {
    #[serde(flatten)]
    report: &'r ReportData,
    /// The findings and recommendations with their evidence.
    findings: FindingsView,
    /// What the study heard, from whom, where and when.
    method: MethodView,
}

/// The template to use for the built-in `(name, source)`, with the name errors show: the file
/// given, else one of that name in the study's templates/ folder, else the built-in one.
fn template(
    study: &Study,
    given: Option<&Path>,
    (name, builtin): (&str, &str),
) -> Result<(String, String), Error> {
    let in_study = study.root.join("templates").join(name);
    let path = match given {
        Some(path) => path.to_path_buf(),
        None if in_study.is_file() => in_study,
        None => return Ok((name.to_string(), builtin.to_string())),
    };
    let source = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    Ok((path.display().to_string(), source))
}

/// Writes each file whose content differs from what is there; returns the files written and
/// how many were already up to date.
pub(crate) fn write_changed(
    files: Vec<(PathBuf, Vec<u8>)>,
) -> Result<(Vec<PathBuf>, usize), Error> {
    let mut changed = Vec::new();
    let mut unchanged = 0;
    for (path, bytes) in files {
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_atomic(&path, &bytes)?;
        changed.push(path);
    }
    Ok((changed, unchanged))
}

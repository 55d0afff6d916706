//! The whole run on a study, as `icamo build` does it: ingest → code → chains → outputs.
//!
//! Each stage is a plain function from the study (and what the stage before made) to its own
//! result: [`ingest`] parses the transcripts into the store and the search index, [`code`]
//! applies the codebooks' rules, and [`report`] gathers the configurations' evidence, draws
//! the figures and writes the report, the summary and the figures into `out/`. [`build`] runs
//! them in that order: a study without codebooks is refused before anything runs (there would
//! be nothing to code or report), one whose codebooks declare no configurations stops after
//! coding. Each stage tells a [`Progress`] what it did as soon
//! as it is done, which is how `icamo` prints its lines in order while the run goes on.
//!
//! ```no_run
//! use icamo::{pipeline, study::Study};
//! let study = Study::locate(None)?;
//! let built = pipeline::build(&study, &pipeline::BuildOptions::default(), &mut ())?;
//! if let Some(written) = built.written {
//!     println!("{} files written in {}", written.changed.len(), written.dir.display());
//! }
//! # Ok::<(), icamo::Error>(())
//! ```

use std::path::PathBuf;

use crate::chain::EvidenceGatherer;
use crate::chain::Model;
use crate::chain::evidence::Evidence;
use crate::codebook::{Codebook, CodebookSet, Codes, Diagnostic};
use crate::coding::anchor::Placements;
use crate::coding::freshness::ensure_fresh_suggestions;
use crate::coding::manual::placed_coders;
use crate::coding::rule::Counting;
use crate::coding::stray::ensure_known_codes;
use crate::coding::tag_check::check_tag_codes;
use crate::coding::{CodeOptions, CodeReport, Coder, CodingSession, code_study_with};
use crate::error::Error;
use crate::findings::Findings;
use crate::ingest::{IngestOptions, IngestReport};
use crate::render::{self, Figures, RenderContext, Report};
use crate::stats::{Stats, Tally};
use crate::store::{DocumentSink, StoredDocument};
use crate::study::Study;

/// How to build: how to ingest, and how to write the report.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Passed on to [`ingest`].
    pub ingest: IngestOptions,
    /// Passed on to [`report`].
    pub report: ReportOptions,
    /// Passed on to the coding: meaning or rules only, progress or not.
    pub coding: CodeOptions,
    /// Count the study's documents, segments and speakers too ([`Built::stats`]), in the same
    /// pass over the stored documents.
    pub stats: bool,
}

/// How to write the report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Count suggestions nobody has confirmed as evidence too (the report says so).
    pub include_suggestions: bool,
    /// A report template (report.md.j2) to use instead of the study's or the built-in one.
    pub template: Option<PathBuf>,
    /// The output folder; `None`: out/ in the study.
    pub out: Option<PathBuf>,
    /// Report even when some codings are orphaned (their words are in no transcript any
    /// more; see [`crate::coding::anchor`]); without it that is an error.
    pub allow_orphans: bool,
    /// Figures in report.md as Mermaid blocks rather than images of figures/*.png.
    pub mermaid: bool,
}

/// What coding did: the suggestions written, and the check of the inline tags' code ids.
#[derive(Debug)]
pub struct Coded {
    /// The suggestions' summary.
    pub report: CodeReport,
    /// Tags naming codes no codebook has; an error when the tags could not be read, which does
    /// not stop a run (the suggestions are written by then).
    pub tags: Result<Vec<Diagnostic>, Error>,
}

/// What one report run wrote.
#[derive(Debug)]
pub struct Written {
    /// The output folder.
    pub dir: PathBuf,
    /// Files whose content changed.
    pub changed: Vec<PathBuf>,
    /// Files that were already up to date, and were left untouched.
    pub unchanged: usize,
    /// Codings counted as evidence.
    pub codings: usize,
    /// Whether suggestions nobody confirmed were counted.
    pub include_suggestions: bool,
    /// Whose decisions counted as evidence, by which rule, and the disagreements it met.
    pub counting: Option<Counting>,
    /// The findings file the report and the summary show; `None`: the study has none, and
    /// they show findings drafted from the evidence.
    pub findings_file: Option<PathBuf>,
    /// Whether the findings shown are a draft (drafted, or a file marked `draft = true`).
    pub findings_draft: bool,
}

/// What [`build`] did, stage by stage; a stage the study had nothing for is `None`.
#[derive(Debug)]
pub struct Built {
    /// The ingest.
    pub ingested: IngestReport,
    /// The coding.
    pub coded: Coded,
    /// The report, when the codebooks declare configurations.
    pub written: Option<Written>,
    /// The study's statistics, when [`BuildOptions::stats`] asked for them.
    pub stats: Option<Stats>,
}

/// What a run tells as it goes: each method is called once, as soon as its stage is done, and
/// an error it returns (a closed output, say) stops the run. The defaults ignore everything;
/// `&mut ()` is a `Progress` that is told nothing.
pub trait Progress {
    /// The transcripts are ingested; `report.failed` lists those that were not (the run then
    /// stops with [`Error::IngestIncomplete`]).
    fn ingested(&mut self, study: &Study, report: &IngestReport) -> Result<(), Error> {
        let _ = (study, report);
        Ok(())
    }

    /// The segments are coded.
    fn coded(&mut self, coded: &Coded) -> Result<(), Error> {
        let _ = coded;
        Ok(())
    }

    /// The coders' codings are placed on the transcripts as they are now; `placements` lists
    /// those that moved, need review or are orphaned.
    fn placed(&mut self, placements: &Placements) -> Result<(), Error> {
        let _ = placements;
        Ok(())
    }

    /// The report, the summary and the figures are written.
    fn reported(&mut self, study: &Study, written: &Written) -> Result<(), Error> {
        let _ = (study, written);
        Ok(())
    }
}

impl Progress for () {}

/// Runs every stage on `study`, in order: [`ingest`], then [`code`] with the study's
/// codebooks, then [`report`] on the configurations they declare. A study without a codebook
/// is an error ([`Error::NoCodebook`]) before anything runs.
///
/// After ingest, one pass over the stored documents (`Study::scan`) codes them and gathers
/// the report's evidence (from the fresh suggestions) and the statistics, so each stored
/// segment file is read once.
pub fn build(
    study: &Study,
    options: &BuildOptions,
    progress: &mut dyn Progress,
) -> Result<Built, Error> {
    let paths = study.codebook_paths()?;
    if paths.is_empty() {
        return Err(Error::NoCodebook(study.root.clone()));
    }
    let ingested = ingest(study, &options.ingest, progress)?;
    let model = load_model(study, &paths)?;
    check_codings(study, &model.codes(), &options.report, progress)?;
    let reporting = !model.configurations().is_empty();
    let findings = Findings::load(study, &model.codes())?;
    let findings_codes = findings.as_ref().map(Findings::codes).unwrap_or_default();
    let include = options.report.include_suggestions;
    let mut tally = options.stats.then(Tally::default);
    let session = CodingSession::open(study)?;
    let mut pass = CodeAndGather {
        coder: session.coder(model.books(), &options.coding)?,
        gatherer: match reporting {
            true => Some(model.gatherer(study, &findings_codes, include, true)?),
            false => None,
        },
    };
    {
        let mut sinks: Vec<&mut dyn DocumentSink> = vec![&mut pass];
        sinks.extend(tally.as_mut().map(|t| t as &mut dyn DocumentSink));
        study.scan(&mut sinks)?;
    }
    let CodeAndGather { coder, gatherer } = pass;
    let coded = Coded {
        report: coder.finish()?,
        tags: check_tag_codes(study, model.books()),
    };
    drop(session);
    progress.coded(&coded)?;
    let mut built = Built {
        ingested,
        coded,
        written: None,
        stats: tally.map(Tally::finish),
    };
    if let Some(gatherer) = gatherer {
        model.ensure_sound()?;
        let evidence = gatherer.finish(&model);
        let findings = checked_findings(study, &model, findings, &evidence)?;
        built.written = Some(write_report(
            study,
            &model,
            &evidence,
            &findings,
            &options.report,
            progress,
        )?);
    }
    Ok(built)
}

/// The pass of [`build`]: codes each batch of documents, and gathers the report's evidence from
/// the codings as they stand after it (the fresh suggestions, not the stored ones).
struct CodeAndGather<'c> {
    coder: Coder<'c>,
    gatherer: Option<EvidenceGatherer>,
}

impl DocumentSink for CodeAndGather<'_> {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        self.batch(std::slice::from_ref(doc))
    }

    fn batch(&mut self, docs: &[StoredDocument]) -> Result<(), Error> {
        let fresh = self.coder.code(docs)?;
        if let Some(gatherer) = &mut self.gatherer {
            for (doc, suggestions) in docs.iter().zip(fresh) {
                gatherer.document_with(doc, suggestions);
            }
        }
        Ok(())
    }
}

/// Parses the transcripts that changed into the store and the index. With `keep_going`, the
/// transcripts that failed are listed to `progress`, and then the run stops.
pub fn ingest(
    study: &Study,
    options: &IngestOptions,
    progress: &mut dyn Progress,
) -> Result<IngestReport, Error> {
    let report = crate::ingest::ingest(study, options)?;
    progress.ingested(study, &report)?;
    if !report.failed.is_empty() {
        return Err(Error::IngestIncomplete(report.failed.len()));
    }
    Ok(report)
}

/// Applies the codebooks' rules (and meaning, see [`crate::coding::meaning`]) to every stored
/// segment, and checks the inline tags' code ids against the codebooks.
pub fn code(
    study: &Study,
    codebooks: &[Codebook],
    options: &CodeOptions,
    progress: &mut dyn Progress,
) -> Result<Coded, Error> {
    let coded = Coded {
        report: code_study_with(study, codebooks, options)?,
        tags: check_tag_codes(study, codebooks),
    };
    progress.coded(&coded)?;
    Ok(coded)
}

/// Writes the report (Markdown and HTML), the summary and the figures of the configurations
/// into the output folder. A file whose content did not change is left untouched.
pub fn report(
    study: &Study,
    model: &Model,
    options: &ReportOptions,
    progress: &mut dyn Progress,
) -> Result<Written, Error> {
    model.ensure_sound()?;
    if model.configurations().is_empty() {
        return Err(Error::Other(
            "the codebooks declare no [[configurations]]; a report needs at least one (see codebooks/dualiteit.toml)".into(),
        ));
    }
    check_codings(study, &model.codes(), options, progress)?;
    if options.include_suggestions {
        ensure_fresh_suggestions(study)?;
    }
    let findings = Findings::load(study, &model.codes())?;
    let codes = findings.as_ref().map(Findings::codes).unwrap_or_default();
    let evidence = model.evidence(study, &codes, options.include_suggestions)?;
    let findings = checked_findings(study, model, findings, &evidence)?;
    write_report(study, model, &evidence, &findings, options, progress)
}

/// The study's findings with their quotes checked against `evidence`, or, where it has no
/// findings file, findings drafted from the evidence.
fn checked_findings(
    study: &Study,
    model: &Model,
    findings: Option<Findings>,
    evidence: &Evidence,
) -> Result<Findings, Error> {
    match findings {
        Some(findings) => {
            findings.check_quotes(&study.state()?, evidence)?;
            Ok(findings)
        }
        None => Ok(Findings::draft(model, evidence)),
    }
}

/// Writes the study's findings file drafted from the evidence (one finding per mechanism), for
/// the author to rewrite; refuses when the file exists. Returns the path and how many findings
/// it drafted.
pub fn draft_findings(
    study: &Study,
    model: &Model,
    options: &ReportOptions,
    progress: &mut dyn Progress,
) -> Result<(PathBuf, usize), Error> {
    model.ensure_sound()?;
    // Refused before the evidence is gathered: the answer does not depend on it.
    crate::findings::ensure_no_file(study)?;
    check_codings(study, &model.codes(), options, progress)?;
    let evidence = model.evidence(study, &[], options.include_suggestions)?;
    let draft = Findings::draft(model, &evidence);
    let path = crate::findings::write_draft(study, &draft)?;
    Ok((path, draft.findings.len()))
}

/// [`report`] of a sound model, with the evidence gathered already.
fn write_report(
    study: &Study,
    model: &Model,
    evidence: &Evidence,
    findings: &Findings,
    options: &ReportOptions,
    progress: &mut dyn Progress,
) -> Result<Written, Error> {
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| study.root.join("out"));
    let ctx = RenderContext {
        study,
        model,
        evidence,
    };
    let figures = Figures::draw(model, evidence)?;
    let report = Report {
        figures: &figures,
        template: options.template.as_deref(),
        findings,
        mermaid: options.mermaid,
    };
    let (changed, unchanged) = render::write(&[&figures, &report], &ctx, &dir)?;
    let written = Written {
        dir,
        changed,
        unchanged,
        codings: evidence.codings,
        include_suggestions: options.include_suggestions,
        counting: evidence.counting.clone(),
        findings_file: findings.path.clone(),
        findings_draft: findings.draft,
    };
    progress.reported(study, &written)?;
    Ok(written)
}

/// Places the coders' codings on the transcripts as they are now and tells `progress`; an
/// error when a coding names a code that `codes` lacks, or when some are orphaned and
/// `options` do not allow it: either way the evidence would shrink without a word.
pub(crate) fn check_codings(
    study: &Study,
    codes: &Codes,
    options: &ReportOptions,
    progress: &mut dyn Progress,
) -> Result<Placements, Error> {
    let (coders, placements) = placed_coders(study)?;
    ensure_known_codes(&coders, codes)?;
    progress.placed(&placements)?;
    let orphans = placements.orphans.len();
    if orphans > 0 && !options.allow_orphans {
        return Err(Error::Other(format!(
            "{orphans} coding{} orphaned: {} words are in no transcript any more (listed above; \
             `icamo codings status` lists them again). Restore the text, delete them with \
             `icamo codings update --drop-orphans`, or give --allow-orphans to report without them",
            if orphans == 1 { " is" } else { "s are" },
            if orphans == 1 { "its" } else { "their" },
        )));
    }
    Ok(placements)
}

/// The codebook files a run uses: those given, or else the study's; an error when there is
/// none.
pub fn codebook_files(study: &Study, explicit: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if !explicit.is_empty() {
        return Ok(explicit.to_vec());
    }
    let paths = study.codebook_paths()?;
    if paths.is_empty() {
        return Err(Error::NoCodebook(study.root.clone()));
    }
    Ok(paths)
}

/// The codebooks a run uses (see [`codebook_files`]), each file read once; a codebook with
/// errors stops the run (see [`CodebookSet::ensure_sound`]).
pub fn load_codebooks(study: &Study, explicit: &[PathBuf]) -> Result<CodebookSet, Error> {
    let set = CodebookSet::load(&codebook_files(study, explicit)?)?;
    set.ensure_sound()?;
    Ok(set)
}

/// The model (codebooks and configurations) a run draws evidence with: the codebooks of
/// [`load_codebooks`].
pub fn load_model(study: &Study, explicit: &[PathBuf]) -> Result<Model, Error> {
    Ok(Model::new(load_codebooks(study, explicit)?))
}

//! Coding: the codebook's rules applied to every segment, as ranked suggestions.
//!
//! [`code_study`] runs the compiled [`Matcher`] once over every stored segment, scores each
//! code that matched (see [`score`]) and writes the [`Suggestion`]s, sorted, to
//! `.icamo/suggestions.jsonl`. Suggestions are derived data: a person confirms them, and a
//! coder's decisions are never kept here but in [`manual`]'s files, filled from inline
//! [`tags`] in the transcripts and from coding [`sheet`]s; [`manual::effective_codings`]
//! merges them, and a person's decision always wins. [`tag_check`] names the tags whose code
//! id no codebook has.
//!
//! ```no_run
//! use icamo::{codebook::Codebook, coding, study::Study};
//! let study = Study::locate(None)?;
//! let codebook = Codebook::load(&study.root.join("codebooks/dualiteit.toml"))?;
//! let report = coding::code_study(&study, &[codebook])?;
//! println!("{} suggestions", report.suggestions);
//! # Ok::<(), icamo::Error>(())
//! ```

pub mod anchor;
pub mod eval;
pub(crate) mod freshness;
pub mod manual;
pub mod meaning;
pub mod model;
pub mod rule;
pub mod score;
pub mod sheet;
pub mod stray;
pub mod tag_check;
pub mod tags;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::codebook::{Code, CodeKind, Codebook, Matcher};
use crate::error::Error;
use crate::fsutil::AtomicFile;
use crate::index::SegmentIndex;
use crate::index::analysis::{AnalysedToken, Analyser};
use crate::store::{DocumentSink, StoredDocument};
use crate::study::{Study, StudyLock};
use crate::transcript::{Segment, SegmentId};
pub use model::Stance;
use score::{Explanation, Scorer};

/// A code the rules suggest for a segment, with its score and the reasons for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The segment id.
    pub segment: String,
    /// The code id.
    pub code: String,
    /// The score that ranks a segment's codes (see [`score`]).
    pub score: f32,
    /// The suggested stance: for mechanisms and outcomes, `contradicts` when a negation stands
    /// next to a matched word (not one the rule is written with), else `supports`; `none` for
    /// other kinds. A suggestion only.
    pub stance: Stance,
    /// Byte ranges of the matched words in the segment's text.
    pub spans: Vec<[usize; 2]>,
    /// Why the code scored as it did by its rules.
    pub why: Explanation,
    /// What meaning added, when suggestions by meaning are on (see [`meaning`]); the score is
    /// then the calibrated meaning score plus the rules' score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<meaning::Meaning>,
}

/// How to code: whether meaning may join the rules, and whether to show progress.
#[derive(Debug, Clone, Default)]
pub struct CodeOptions {
    /// Rules only, even where the manifest has a `[semantic]` table (`--no-semantic`).
    pub no_semantic: bool,
    /// A progress bar on standard error while texts are embedded.
    pub progress: bool,
}

/// Whether meaning took part in a run of `icamo code`.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SemanticRun {
    /// The manifest has no `[semantic]` table: rules only.
    #[default]
    NotConfigured,
    /// Turned off for this run (`--no-semantic`).
    Off,
    /// Meaning joined the rules.
    On {
        /// The model.
        model: String,
        /// Respondents' turns scored by meaning.
        turns: usize,
        /// Texts the server was asked for.
        fetched: usize,
        /// Texts that came from the cache.
        cached: usize,
        /// Suggestions that meaning alone made (no rule matched).
        by_meaning: usize,
    },
}

/// What `icamo code` did.
#[derive(Debug, Default)]
pub struct CodeReport {
    /// Segments looked at (interviewers' turns are not coded).
    pub segments: usize,
    /// Bytes of segment text matched.
    pub bytes: u64,
    /// Suggestions written.
    pub suggestions: usize,
    /// Segments with at least one suggestion.
    pub coded_segments: usize,
    /// Suggestions per code kind.
    pub per_kind: HashMap<CodeKind, usize>,
    /// Time spent matching and scoring (and embedding).
    pub elapsed: Duration,
    /// Whether meaning took part.
    pub semantic: SemanticRun,
}

/// One codebook, ready to code with.
struct Compiled<'c, 'i> {
    matcher: Matcher,
    scorer: Scorer<'i>,
    codes: HashMap<&'c str, &'c Code>,
}

/// What coding one document gave: its suggestions, sorted and written as JSON Lines.
#[derive(Default)]
struct DocCoding {
    segments: usize,
    bytes: u64,
    suggestions: Vec<Suggestion>,
    coded_segments: usize,
    by_meaning: usize,
    per_kind: HashMap<CodeKind, usize>,
    jsonl: Vec<u8>,
}

/// Applies every codebook's rules to every stored segment and writes the suggestions.
///
/// Documents are coded in batches, in parallel within a batch, and each batch's suggestions are
/// written before the next is coded, so memory does not grow with the corpus. The file appears
/// whole when every document is coded, or not at all.
///
/// Meaning joins the rules when the manifest has a `[semantic]` table (see [`meaning`]), as
/// [`code_study_with`] does with its default options.
pub fn code_study(study: &Study, codebooks: &[Codebook]) -> Result<CodeReport, Error> {
    code_study_with(study, codebooks, &CodeOptions::default())
}

/// [`code_study`] with `options`: meaning or rules only, a progress bar or not.
pub fn code_study_with(
    study: &Study,
    codebooks: &[Codebook],
    options: &CodeOptions,
) -> Result<CodeReport, Error> {
    let session = CodingSession::open(study)?;
    let mut coder = session.coder(codebooks, options)?;
    study.scan(&mut [&mut coder])?;
    coder.finish()
}

/// What coding needs for as long as it runs: the study's write lock and its index.
pub(crate) struct CodingSession<'s> {
    study: &'s Study,
    _lock: StudyLock,
    index: SegmentIndex,
}

impl<'s> CodingSession<'s> {
    /// Takes the study's lock and opens its index; the study must have been ingested.
    pub fn open(study: &'s Study) -> Result<CodingSession<'s>, Error> {
        let lock = study.lock()?;
        study.ensure_ingested()?;
        let index = SegmentIndex::open_or_create(&study.index_dir())?;
        Ok(CodingSession {
            study,
            _lock: lock,
            index,
        })
    }

    /// A [`Coder`] with `codebooks`, to hand to [`Study::scan`].
    ///
    /// With a `[semantic]` table and without `options.no_semantic`, every turn is embedded
    /// first ([`meaning::Meanings::prepare`]): a server that fails stops here, before anything
    /// is written.
    pub fn coder<'c>(
        &'c self,
        codebooks: &'c [Codebook],
        options: &CodeOptions,
    ) -> Result<Coder<'c>, Error> {
        let started = Instant::now();
        let settings = crate::semantic::Settings::from_manifest(&self.study.manifest)?;
        let (meanings, semantic) = match settings {
            None => (None, SemanticRun::NotConfigured),
            Some(_) if options.no_semantic => (None, SemanticRun::Off),
            Some(settings) => {
                let model = settings.model.clone();
                let fingerprint = settings.fingerprint();
                let m = meaning::Meanings::prepare(
                    self.study,
                    codebooks,
                    settings,
                    options.progress,
                    true,
                )?;
                let on = SemanticRun::On {
                    model,
                    turns: m.turns,
                    fetched: m.fetched,
                    cached: m.texts - m.fetched,
                    by_meaning: 0,
                };
                let made = freshness::MeaningMade {
                    settings: fingerprint,
                    learned: m.learned.clone(),
                };
                (Some((m, made)), on)
            }
        };
        let compiled = codebooks
            .iter()
            .map(|cb| {
                Ok(Compiled {
                    matcher: Matcher::new(cb)?,
                    scorer: Scorer::new(&self.index, cb.language, &cb.codes),
                    codes: cb.codes.iter().map(|c| (c.id.as_str(), c)).collect(),
                })
            })
            .collect::<Result<_, Error>>()?;
        let kinds = codebooks
            .iter()
            .flat_map(|cb| cb.codes.iter().map(|c| (c.id.as_str(), c.kind)))
            .collect();
        Ok(Coder {
            compiled,
            kinds,
            made_with: freshness::MadeWith::new(
                codebooks,
                &self.study.state()?,
                meanings.as_ref().map(|m| m.1.clone()),
            ),
            study: self.study,
            out: AtomicFile::create(&self.study.suggestions_path())?,
            report: CodeReport {
                semantic,
                ..CodeReport::default()
            },
            meanings: meanings.map(|m| m.0),
            started,
        })
    }
}

/// The codebooks' rules as a [`DocumentSink`]: codes each document it is handed and writes its
/// suggestions; [`Coder::finish`] puts the file in place. Documents come in segment id order
/// (see [`Study::scan`]), so the suggestions are written in the order `sort_suggestions` gives.
pub(crate) struct Coder<'c> {
    compiled: Vec<Compiled<'c, 'c>>,
    kinds: HashMap<&'c str, CodeKind>,
    study: &'c Study,
    made_with: freshness::MadeWith,
    out: AtomicFile,
    report: CodeReport,
    meanings: Option<meaning::Meanings>,
    started: Instant,
}

impl DocumentSink for Coder<'_> {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        self.batch(std::slice::from_ref(doc))
    }

    fn batch(&mut self, docs: &[StoredDocument]) -> Result<(), Error> {
        self.code(docs).map(drop)
    }
}

impl Coder<'_> {
    /// Codes `docs` in parallel, writes their suggestions in order, and returns each one's
    /// suggestions (sorted), for a sink that needs them in the same pass.
    pub fn code(&mut self, docs: &[StoredDocument]) -> Result<Vec<Vec<Suggestion>>, Error> {
        let coded: Vec<Result<DocCoding, Error>> = docs
            .par_iter()
            .map(|doc| {
                code_document(
                    &doc.segments,
                    &self.compiled,
                    &self.kinds,
                    self.meanings.as_ref(),
                )
            })
            .collect();
        let mut out = Vec::with_capacity(docs.len());
        for doc in coded {
            let doc = doc?;
            let report = &mut self.report;
            report.segments += doc.segments;
            report.bytes += doc.bytes;
            report.suggestions += doc.suggestions.len();
            report.coded_segments += doc.coded_segments;
            if let SemanticRun::On { by_meaning, .. } = &mut report.semantic {
                *by_meaning += doc.by_meaning;
            }
            for (kind, n) in doc.per_kind {
                *report.per_kind.entry(kind).or_default() += n;
            }
            self.out.write(&doc.jsonl)?;
            out.push(doc.suggestions);
        }
        Ok(out)
    }

    /// Puts the suggestions file in place, with what they were made with, and says what was
    /// done.
    pub fn finish(self) -> Result<CodeReport, Error> {
        self.out.commit()?;
        self.made_with.save(self.study)?;
        let mut report = self.report;
        report.elapsed = self.started.elapsed();
        Ok(report)
    }
}

/// Codes the respondents' segments of one document, with meaning when `meanings` are given.
fn code_document(
    segments: &[Segment],
    compiled: &[Compiled],
    kinds: &HashMap<&str, CodeKind>,
    meanings: Option<&meaning::Meanings>,
) -> Result<DocCoding, Error> {
    let mut coded = DocCoding::default();
    let mut suggestions = Vec::new();
    let mut analyser = Analyser::default();
    for segment in segments.iter().filter(|s| !s.interviewer) {
        coded.segments += 1;
        coded.bytes += segment.text.len() as u64;
        let mut of_segment = Vec::new();
        for c in compiled {
            let tokens = analyser.analyse(c.matcher.language(), &segment.text);
            of_segment.extend(suggest_analysed(
                segment, tokens, &c.matcher, &c.scorer, &c.codes,
            ));
        }
        if let Some(meanings) = meanings {
            of_segment = meaning::combine(meanings, &segment.id, of_segment);
        }
        suggestions.extend(of_segment);
    }
    sort_suggestions(&mut suggestions);
    let mut last_segment = "";
    for s in &suggestions {
        if s.segment != last_segment {
            coded.coded_segments += 1;
            last_segment = &s.segment;
        }
        if s.why.patterns.is_empty() {
            coded.by_meaning += 1;
        }
        if let Some(kind) = kinds.get(s.code.as_str()) {
            *coded.per_kind.entry(*kind).or_default() += 1;
        }
        serde_json::to_writer(&mut coded.jsonl, s)?;
        coded.jsonl.push(b'\n');
    }
    coded.suggestions = suggestions;
    Ok(coded)
}

/// The suggestions for one segment from one compiled codebook, unsorted, the segment already
/// analysed in the matcher's language.
fn suggest_analysed(
    segment: &Segment,
    tokens: &[AnalysedToken],
    matcher: &Matcher,
    scorer: &Scorer,
    codes: &HashMap<&str, &Code>,
) -> Vec<Suggestion> {
    let matches = matcher.match_analysed(segment, tokens);
    if matches.is_empty() {
        return Vec::new();
    }
    let vector = if scorer.language() == matcher.language() {
        scorer.vector_of(tokens)
    } else {
        scorer.vector(&segment.text)
    };
    matches
        .iter()
        .filter_map(|m| {
            let code = codes.get(m.code.as_str())?;
            let (score, why) = scorer.score(code, m, &vector);
            let stance = match code.kind {
                CodeKind::Mechanism | CodeKind::Outcome if m.negated > 0 => Stance::Contradicts,
                CodeKind::Mechanism | CodeKind::Outcome => Stance::Supports,
                _ => Stance::None,
            };
            Some(Suggestion {
                segment: segment.id.clone(),
                code: m.code.clone(),
                score,
                stance,
                spans: m.hits.iter().map(|h| [h.span.start, h.span.end]).collect(),
                why,
                meaning: None,
            })
        })
        .collect()
}

/// Segment id order, then best score first, then code id: the order of the suggestions file.
pub(crate) fn sort_suggestions(suggestions: &mut [Suggestion]) {
    suggestions.sort_by(|a, b| {
        a.segment
            .cmp(&b.segment)
            .then(b.score.total_cmp(&a.score))
            .then(a.code.cmp(&b.code))
    });
}

/// The suggestions of the last `icamo code`, in file order.
pub fn load_suggestions(study: &Study) -> Result<Vec<Suggestion>, Error> {
    let mut all = Vec::new();
    for_each_suggestion(study, |s| {
        all.push(s);
        Ok(())
    })?;
    Ok(all)
}

/// Calls `f` with each suggestion of the last `icamo code`, in file order, reading the file a
/// line at a time (a large study's suggestions need not fit in memory).
pub(crate) fn for_each_suggestion(
    study: &Study,
    mut f: impl FnMut(Suggestion) -> Result<(), Error>,
) -> Result<(), Error> {
    for suggestion in SuggestionReader::open(study)? {
        f(suggestion?)?;
    }
    Ok(())
}

/// The suggestions of the last `icamo code`, read a line at a time, in file order (segment
/// order); a damaged line is an error naming its line.
pub(crate) struct SuggestionReader {
    path: PathBuf,
    lines: std::iter::Enumerate<std::io::Lines<std::io::BufReader<std::fs::File>>>,
}

impl SuggestionReader {
    /// Opens the study's suggestions; an error saying what to run when there are none.
    pub fn open(study: &Study) -> Result<SuggestionReader, Error> {
        let path = study.suggestions_path();
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Other(format!(
                    "the study in {} has no suggestions yet: run `icamo code` first",
                    study.root.display()
                )));
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        let lines = std::io::BufRead::lines(std::io::BufReader::new(file)).enumerate();
        Ok(SuggestionReader { path, lines })
    }
}

impl Iterator for SuggestionReader {
    type Item = Result<Suggestion, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (n, line) = self.lines.next()?;
        Some(line.map_err(|e| Error::io(&self.path, e)).and_then(|line| {
            serde_json::from_str(&line).map_err(|e| {
                Error::Other(format!(
                    "{}:{}: a stored suggestion is damaged ({e}); run `icamo code` again",
                    self.path.display(),
                    n + 1
                ))
            })
        }))
    }
}

/// A coding together with the segment it codes: a quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The coding that counts for this segment and code.
    #[serde(flatten)]
    pub coding: manual::EffectiveCoding,
    /// The segment it codes.
    #[serde(skip)]
    pub segment: Segment,
    /// The interviewer's turn just before it, if the turn before it is an interviewer's: what
    /// a short answer answers.
    #[serde(skip)]
    pub asked: Option<Segment>,
}

/// The codings of `codes` (none: every code) that count, each with its segment, in segment
/// order: confirmed ones only unless `include_suggestions`.
pub fn quotes(
    study: &Study,
    codes: Option<&std::collections::HashSet<String>>,
    include_suggestions: bool,
) -> Result<Vec<Quote>, Error> {
    let mut sink = QuoteSink::new(study, codes, include_suggestions)?;
    study.scan(&mut [&mut sink])?;
    Ok(sink.finish())
}

/// [`quotes`] as a [`DocumentSink`], to gather quotes in a scan that feeds other sinks too.
/// The coders' decisions and the study's rule for them are read when it is made; as each
/// document comes by they are merged ([`manual::merge`]) with that document's suggestions and
/// joined to its segments.
pub(crate) struct QuoteSink {
    /// Document id → the decisions about its segments.
    decided: HashMap<String, manual::Decided>,
    /// Whose decisions count and how they combine.
    rule: rule::EvidenceRule,
    /// What the rule made of the coders' disagreements, over the whole study.
    counting: rule::Counting,
    /// Where each document's suggestions come from.
    suggestions: SuggestionSource,
    codes: Option<std::collections::HashSet<String>>,
    include_suggestions: bool,
    quotes: Vec<Quote>,
}

/// Where a [`QuoteSink`] takes each document's suggestions from.
enum SuggestionSource {
    /// The study's suggestions file, read along with the scan (both are in segment order).
    Stored(Option<Box<std::iter::Peekable<SuggestionReader>>>),
    /// Handed over with each document by [`QuoteSink::document_with`]: a pass that codes the
    /// documents as it goes.
    Handed,
}

impl QuoteSink {
    /// The codings of `codes` (none: every code) that count: confirmed ones only unless
    /// `include_suggestions`; the suggestions are those of the last `icamo code`.
    pub fn new(
        study: &Study,
        codes: Option<&std::collections::HashSet<String>>,
        include_suggestions: bool,
    ) -> Result<QuoteSink, Error> {
        let reader = if study.suggestions_path().exists() {
            Some(Box::new(SuggestionReader::open(study)?.peekable()))
        } else {
            None
        };
        QuoteSink::with_source(
            study,
            codes,
            include_suggestions,
            SuggestionSource::Stored(reader),
        )
    }

    /// As [`QuoteSink::new`], for a pass that codes the documents as it goes and hands each
    /// one's fresh suggestions to [`QuoteSink::document_with`].
    pub(crate) fn handed(
        study: &Study,
        codes: Option<&std::collections::HashSet<String>>,
        include_suggestions: bool,
    ) -> Result<QuoteSink, Error> {
        QuoteSink::with_source(study, codes, include_suggestions, SuggestionSource::Handed)
    }

    fn with_source(
        study: &Study,
        codes: Option<&std::collections::HashSet<String>>,
        include_suggestions: bool,
        suggestions: SuggestionSource,
    ) -> Result<QuoteSink, Error> {
        let all = manual::decided_codings(study)?;
        let rule = manual::evidence_rule(study)?;
        let counting = rule::Counting::new(rule.clone(), &manual::disagreements(&all, &rule));
        let mut decided: HashMap<String, manual::Decided> = HashMap::new();
        for (key, codings) in all {
            if let Some(id) = SegmentId::parse(&key.0) {
                decided
                    .entry(id.doc.to_string())
                    .or_default()
                    .insert(key, codings);
            }
        }
        Ok(QuoteSink {
            decided,
            rule,
            counting,
            suggestions,
            codes: codes.cloned(),
            include_suggestions,
            quotes: Vec::new(),
        })
    }

    /// Takes document `doc` with its `suggestions` (in segment order).
    pub(crate) fn document_with(&mut self, doc: &StoredDocument, suggestions: Vec<Suggestion>) {
        let decided = self.decided.remove(&doc.id).unwrap_or_default();
        let keep = |code: &str, status: manual::Status| {
            self.codes.as_ref().is_none_or(|set| set.contains(code))
                && (self.include_suggestions || status == manual::Status::Confirmed)
        };
        let codings = manual::merge(&decided, suggestions, &keep, &self.rule);
        let by_ordinal: HashMap<u32, &Segment> =
            doc.segments.iter().map(|s| (s.ordinal, s)).collect();
        for coding in codings {
            let ordinal = SegmentId::parse(&coding.segment).map(|id| id.ordinal);
            // A coding of a segment the study no longer has is left out, not an error: the
            // transcript may have been edited since it was coded.
            if let Some(segment) = ordinal.and_then(|n| by_ordinal.get(&n)) {
                let asked = segment
                    .ordinal
                    .checked_sub(1)
                    .and_then(|n| by_ordinal.get(&n))
                    .filter(|s| s.interviewer);
                self.quotes.push(Quote {
                    segment: (*segment).clone(),
                    asked: asked.map(|s| (*s).clone()),
                    coding,
                });
            }
        }
    }

    /// The quotes, in segment order.
    pub fn finish(self) -> Vec<Quote> {
        self.quotes
    }

    /// Whose decisions counted, by which rule, and how many disagreements it met.
    pub fn counting(&self) -> &rule::Counting {
        &self.counting
    }

    /// The stored suggestions of document `doc`, passing over those of documents the scan
    /// did not hand over.
    fn stored_suggestions(&mut self, doc: &str) -> Result<Vec<Suggestion>, Error> {
        let SuggestionSource::Stored(Some(reader)) = &mut self.suggestions else {
            return Ok(Vec::new());
        };
        let prefix = format!("{doc}:");
        let mut out = Vec::new();
        while let Some(next) = reader.peek() {
            let Ok(s) = next else {
                return Err(reader.next().expect("peeked").expect_err("an error"));
            };
            if s.segment.starts_with(&prefix) {
                out.push(reader.next().expect("peeked")?);
            } else if s.segment.as_str() < prefix.as_str() {
                reader.next();
            } else {
                break;
            }
        }
        Ok(out)
    }
}

impl DocumentSink for QuoteSink {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        let suggestions = self.stored_suggestions(&doc.id)?;
        self.document_with(doc, suggestions);
        Ok(())
    }

    fn wants(&self, id: &str) -> bool {
        self.include_suggestions || self.decided.contains_key(id)
    }
}

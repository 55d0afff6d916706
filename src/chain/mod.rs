//! ICAMO configurations as data: declared in the codebook ([`crate::codebook::config`]),
//! checked as one graph of codes ([`graph`]), given evidence from the codings ([`evidence`]),
//! and laid out as a [`chart::Chart`] for the renderers.
//!
//! [`Model`] ties them together for a study: its codebooks and the configurations written in
//! them.

pub mod chart;
pub mod evidence;
pub mod graph;
pub mod verdict;

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use crate::codebook::config::Configuration;
use crate::codebook::{Codebook, CodebookSet, Codes, ContextEffect, Diagnostic, Severity};
use crate::coding;
use crate::error::Error;
use crate::filter::{Filter, resolve};
use crate::store::{DocumentSink, StoredDocument};
use crate::study::Study;

use chart::Chart;
use evidence::{Evidence, Reading};
use graph::ChainGraph;

/// A study's codebooks and the configurations declared in them, as one graph.
pub struct Model {
    /// The codebook files, read.
    pub codebooks: CodebookSet,
    /// The configurations as one graph.
    pub chain: ChainGraph,
}

impl Model {
    /// Reads the codebooks at `paths` and the `[[configurations]]` written in them.
    pub fn load(paths: &[PathBuf]) -> Result<Model, Error> {
        Ok(Model::new(CodebookSet::load(paths)?))
    }

    /// The model of codebooks already read.
    pub fn new(codebooks: CodebookSet) -> Model {
        let chain = ChainGraph::new(&codebooks.configurations);
        Model { codebooks, chain }
    }

    /// The codebooks, in the order of their files.
    pub fn books(&self) -> &[Codebook] {
        &self.codebooks.books
    }

    /// The codes of every codebook, by id.
    pub fn codes(&self) -> Codes<'_> {
        self.codebooks.codes()
    }

    /// The configurations, in file order.
    pub fn configurations(&self) -> &[Configuration] {
        &self.codebooks.configurations
    }

    /// What `icamo chain check` reports (errors first).
    pub fn check(&self) -> Vec<Diagnostic> {
        self.chain.check(&self.codebooks)
    }

    /// An error listing the check's errors, if there are any: figures and reports are drawn
    /// only from configurations that check.
    pub fn ensure_sound(&self) -> Result<(), Error> {
        let errors: Vec<String> = self
            .check()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.to_string())
            .collect();
        if errors.is_empty() {
            return Ok(());
        }
        Err(Error::Other(format!(
            "the configurations have {} error(s); fix them first (icamo chain check):\n{}",
            errors.len(),
            errors.join("\n")
        )))
    }

    /// The configurations with these ids, in the order given; all of them for none. An id is
    /// found ignoring capitals; an unknown one is an error that lists the known ones.
    pub fn select(&self, ids: &[String]) -> Result<Vec<&Configuration>, Error> {
        if ids.is_empty() {
            return Ok(self.configurations().iter().collect());
        }
        let known = || self.configurations().iter().map(|c| c.id.as_str());
        ids.iter()
            .map(|id| {
                let id = resolve(Filter::Configuration, id, known())?;
                Ok(self
                    .configurations()
                    .iter()
                    .find(|c| c.id == id)
                    .expect("a resolved id is a configuration's"))
            })
            .collect()
    }

    /// Every code the configurations name (triggers included).
    pub(crate) fn named_codes(&self) -> BTreeSet<String> {
        self.configurations()
            .iter()
            .flat_map(|c| c.references())
            .map(|(_, r)| r.id.clone())
            .collect()
    }

    /// Every code no configuration names and that is under no code one names (a theme that
    /// came up beside the theory): the report counts these apart, so nothing coded vanishes.
    pub(crate) fn outside_codes(&self) -> BTreeSet<String> {
        let named = self.named_codes();
        let codes = self.codes();
        codes
            .iter()
            .filter(|c| !codes.lineage(&c.id).iter().any(|a| named.contains(&a.id)))
            .map(|c| c.id.clone())
            .collect()
    }

    /// The evidence in `study` for every code the configurations name, and for `extra` codes.
    pub fn evidence(
        &self,
        study: &Study,
        extra: &[String],
        include_suggestions: bool,
    ) -> Result<Evidence, Error> {
        let mut gatherer = self.gatherer(study, extra, include_suggestions, false)?;
        study.scan(&mut [&mut gatherer])?;
        Ok(gatherer.finish(self))
    }

    /// A sink that gathers [`Model::evidence`] in a scan that may feed other sinks too: the
    /// decisions about the counted codes are read now, their segments and suggestions as the
    /// scan goes. With `handed`, the suggestions are not the stored ones but handed with each
    /// document to [`EvidenceGatherer::document_with`] by a pass that codes as it goes.
    pub(crate) fn gatherer(
        &self,
        study: &Study,
        extra: &[String],
        include_suggestions: bool,
        handed: bool,
    ) -> Result<EvidenceGatherer, Error> {
        let codes = self.codes();
        let reading = self.reading(study);
        // The barrier codes are read too: a contradiction coded beside one is the barrier's.
        let counted: HashSet<String> = self
            .wanted(extra)
            .iter()
            .flat_map(|w| codes.with_descendants(w))
            .map(str::to_string)
            .chain(reading.barriers.iter().cloned())
            .chain(self.outside_codes())
            .collect();
        // Suggestions are gathered even when they do not count: the evidence counts the open
        // ones, so a report can say what waits for review.
        let quotes = if handed {
            coding::QuoteSink::handed(study, Some(&counted), true)?
        } else {
            coding::QuoteSink::new(study, Some(&counted), true)?
        };
        Ok(EvidenceGatherer {
            quotes,
            population: evidence::Population::default(),
            extra: extra.to_vec(),
            include_suggestions,
            reading,
        })
    }

    /// The evidence for every code the configurations name, and for `extra` codes, from
    /// `quotes` gathered in a scan that fed other sinks too; quotes of other codes are passed
    /// over.
    pub(crate) fn evidence_of(
        &self,
        quotes: &[coding::Quote],
        population: &evidence::Population,
        extra: &[String],
        include_suggestions: bool,
        reading: &Reading,
    ) -> Evidence {
        evidence::gather(
            &self.wanted(extra),
            &self.outside_codes(),
            &self.codes(),
            quotes,
            population,
            include_suggestions,
            reading,
        )
    }

    /// How `study`'s evidence is read: its manifest's perspectives, and the context codes
    /// these codebooks mark as barriers.
    pub fn reading(&self, study: &Study) -> Reading {
        let mut reading = Reading::of(&study.manifest);
        let codes = self.codes();
        reading.barriers = codes
            .iter()
            .filter(|c| c.effect == Some(ContextEffect::Barrier))
            .flat_map(|c| codes.with_descendants(&c.id))
            .map(str::to_string)
            .collect();
        reading
    }

    /// The codes the configurations name, and `extra`.
    fn wanted(&self, extra: &[String]) -> BTreeSet<String> {
        let mut wanted = self.named_codes();
        wanted.extend(extra.iter().cloned());
        wanted
    }

    /// The chart of the configurations `ids` (all for none) with `evidence`.
    pub fn chart(&self, ids: &[String], evidence: &Evidence) -> Result<Chart, Error> {
        let selected = self.select(ids)?;
        Ok(Chart::new(&selected, &self.codes(), evidence))
    }
}

/// The quotes and the people [`Model::evidence`] needs, gathered as a [`DocumentSink`].
pub(crate) struct EvidenceGatherer {
    quotes: coding::QuoteSink,
    population: evidence::Population,
    extra: Vec<String>,
    include_suggestions: bool,
    reading: Reading,
}

impl DocumentSink for EvidenceGatherer {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        self.quotes.document(doc)?;
        self.population.document(doc)
    }

    fn wants(&self, id: &str) -> bool {
        self.quotes.wants(id) || self.population.wants(id)
    }
}

impl EvidenceGatherer {
    /// Takes document `doc` with its fresh `suggestions` (see [`Model::gatherer`]).
    pub(crate) fn document_with(
        &mut self,
        doc: &StoredDocument,
        suggestions: Vec<coding::Suggestion>,
    ) {
        self.quotes.document_with(doc, suggestions);
        self.population.add_document(&doc.segments);
    }

    /// The evidence of `model`'s configurations, from what was gathered, with whose
    /// decisions counted and by which rule.
    pub fn finish(self, model: &Model) -> Evidence {
        let counting = self.quotes.counting().clone();
        let mut evidence = model.evidence_of(
            &self.quotes.finish(),
            &self.population,
            &self.extra,
            self.include_suggestions,
            &self.reading,
        );
        evidence.counting = Some(counting);
        evidence
    }
}

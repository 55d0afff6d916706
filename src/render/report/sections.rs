//! The report's sections beside the mechanisms: for each context factor, outcome, intervention
//! and actor the configurations name, what respondents said of it; and the codes coded outside
//! every configuration, so that nothing coded vanishes from the report.
//!
//! They are counted as the mechanisms are: in respondents (who mentions a factor three times
//! counts once), with the theory's authors apart, per perspective, and with the best quotes.
//! An element nobody mentioned is named in one line, not given an empty section.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{QuoteView, quote_view};
use crate::chain::Model;
use crate::chain::evidence::{CodeEvidence, Evidence, Voices};
use crate::codebook::config::Slot;
use crate::codebook::{CodeKind, Codes, ContextEffect, ContextLevel};

/// How many quotes an element of these sections carries: enough to show what was said,
/// few enough that the mechanisms stay the report's body.
const QUOTES: usize = 3;

/// The sections: one chapter per kind of element the configurations name, and the codes
/// outside them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Sections {
    /// The context factors.
    pub context: Chapter,
    /// The outcomes.
    pub outcomes: Chapter,
    /// The interventions (an outcome that sets another configuration going is an outcome).
    pub interventions: Chapter,
    /// The actors, those a mechanism happens in and those it is for included.
    pub actors: Chapter,
    /// The codes outside every configuration that were coded, most respondents first.
    pub outside: Vec<ElementView>,
    /// How many codings of codes outside the configurations count.
    pub outside_codings: usize,
}

/// The elements of one kind.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Chapter {
    /// Those someone mentioned, most respondents first.
    pub mentioned: Vec<ElementView>,
    /// The labels of those nobody mentioned, in codebook order.
    pub not_mentioned: Vec<String>,
    /// Of those, the ones with suggestions that wait for review.
    pub waiting: Vec<String>,
}

/// One element with what was said of it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ElementView {
    /// The code id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its kind in the report's words (`contextfactor`, `uitkomst`, `overig`…).
    pub kind: &'static str,
    /// For a context factor, how the codebook marks it: `voorwaarde`, `belemmering` or
    /// `wisselend`.
    pub effect: Option<&'static str>,
    /// For a context factor, its level as the codebook gives it.
    pub level: Option<&'static str>,
    /// The configurations that name it (`ICAMO 1`).
    pub configurations: Vec<String>,
    /// The labels of the codes under it, whose fragments count for it too (none for a code
    /// outside the configurations, which counts as coded).
    pub includes: Vec<String>,
    /// What the respondents said, the theory's authors left out.
    pub voices: Voices,
    /// What the theory's authors said.
    pub theory: Voices,
    /// The perspectives that mentioned it, the theory's authors' left out, in the manifest's
    /// order.
    pub perspectives: Vec<PerspectiveCount>,
    /// The respondents' best quotes.
    pub quotes: Vec<QuoteView>,
    /// The theory's authors' best quotes, shown only where no respondent mentioned it.
    pub theory_quotes: Vec<QuoteView>,
}

/// How many of one perspective mentioned an element.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PerspectiveCount {
    /// The perspective's name.
    pub name: String,
    /// Respondents.
    pub people: usize,
    /// Fragments.
    pub fragments: usize,
    /// Respondents per value of the attribute the perspective is split by (`B1-route`).
    pub parts: Vec<(String, usize)>,
}

/// Which chapter a slot puts a code in; the lowest wins when a code has several (the outcome
/// of one configuration that is the intervention of the next is an outcome).
fn chapter_of(slot: Slot, kind: Option<CodeKind>) -> Option<usize> {
    match slot {
        Slot::Outcome => Some(0),
        Slot::Context(_) => Some(1),
        Slot::Intervention => Some(2),
        Slot::Trigger if kind != Some(CodeKind::Mechanism) => Some(2),
        Slot::Actor => Some(3),
        Slot::Trigger | Slot::Mechanism => None,
    }
}

impl Sections {
    /// The sections of `model`'s configurations with `evidence`.
    pub fn new(model: &Model, evidence: &Evidence) -> Sections {
        let codes = model.codes();
        let order: HashMap<&str, usize> = model
            .books()
            .iter()
            .flat_map(|b| &b.codes)
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        // Per code: its chapter and the configurations that name it, in codebook order.
        let mut named: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
        for c in model.configurations() {
            for (slot, r) in c.references() {
                let kind = codes.get(&r.id).map(|code| code.kind);
                let Some(chapter) = chapter_of(slot, kind) else {
                    continue;
                };
                let entry = named.entry(r.id.as_str()).or_insert((chapter, Vec::new()));
                entry.0 = entry.0.min(chapter);
                let name = configuration_name(&c.id);
                if !entry.1.contains(&name) {
                    entry.1.push(name);
                }
            }
        }
        let mut chapters: [Chapter; 4] = Default::default();
        let mut ids: Vec<(&str, &(usize, Vec<String>))> =
            named.iter().map(|(id, e)| (*id, e)).collect();
        ids.sort_by_key(|(id, _)| order.get(id).copied().unwrap_or(usize::MAX));
        for (id, (chapter, configurations)) in ids {
            let ev = evidence.of(id);
            let chapter = &mut chapters[*chapter];
            if ev.voices.fragments + ev.theory.fragments == 0 {
                let label = label(&codes, id);
                if ev.voices.open + ev.theory.open > 0 {
                    chapter.waiting.push(label.clone());
                }
                chapter.not_mentioned.push(label);
                continue;
            }
            let mut view = element(&codes, id, &ev);
            view.configurations = configurations.clone();
            view.includes = codes
                .with_descendants(id)
                .into_iter()
                .filter(|d| *d != id)
                .map(|d| label(&codes, d))
                .collect();
            chapter.mentioned.push(view);
        }
        let rank = |views: &mut Vec<ElementView>| {
            // Stable: equal counts keep codebook order.
            views.sort_by_key(|v| {
                (
                    std::cmp::Reverse(v.voices.people),
                    std::cmp::Reverse(v.voices.fragments),
                    std::cmp::Reverse(v.theory.people),
                )
            });
        };
        chapters.iter_mut().for_each(|c| rank(&mut c.mentioned));
        let mut outside: Vec<(&String, &CodeEvidence)> = evidence
            .outside
            .iter()
            .filter(|(_, ev)| ev.voices.fragments + ev.theory.fragments > 0)
            .collect();
        outside.sort_by_key(|(id, _)| order.get(id.as_str()).copied().unwrap_or(usize::MAX));
        let mut outside: Vec<ElementView> = outside
            .into_iter()
            .map(|(id, ev)| element(&codes, id, ev))
            .collect();
        rank(&mut outside);
        let [outcomes, context, interventions, actors] = chapters;
        Sections {
            context,
            outcomes,
            interventions,
            actors,
            outside,
            outside_codings: evidence.outside.values().map(|ev| ev.counts.segments).sum(),
        }
    }
}

impl Sections {
    /// The quotes the built-in template shows, in its order: the context factors', the
    /// outcomes', then those of the codes outside the configurations.
    pub fn shown_quotes(&self) -> impl Iterator<Item = &QuoteView> {
        self.context
            .mentioned
            .iter()
            .chain(&self.outcomes.mentioned)
            .chain(&self.outside)
            .flat_map(|e| e.quotes.iter().chain(&e.theory_quotes))
    }
}

/// `ICAMO 1` for `icamo1`, as the report's headings write it.
fn configuration_name(id: &str) -> String {
    id.to_uppercase().replace("ICAMO", "ICAMO ")
}

/// A code's label, its id when no codebook has it.
fn label(codes: &Codes, id: &str) -> String {
    codes
        .get(id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

/// The view of code `id` with its evidence `ev`; no configurations yet.
fn element(codes: &Codes, id: &str, ev: &CodeEvidence) -> ElementView {
    let code = codes.get(id);
    let quotes: Vec<QuoteView> = ev
        .quotes
        .iter()
        .filter(|q| !q.theory)
        .take(QUOTES)
        .map(quote_view)
        .collect();
    let theory_quotes = if quotes.is_empty() {
        ev.quotes
            .iter()
            .filter(|q| q.theory)
            .take(QUOTES)
            .map(quote_view)
            .collect()
    } else {
        Vec::new()
    };
    ElementView {
        id: id.to_string(),
        label: label(codes, id),
        kind: code.map_or("code", |c| kind_word(c.kind)),
        effect: code.and_then(|c| c.effect).map(effect_word),
        level: code.and_then(|c| c.level).map(level_word),
        configurations: Vec::new(),
        includes: Vec::new(),
        voices: ev.voices.clone(),
        theory: ev.theory.clone(),
        perspectives: ev
            .by_perspective
            .iter()
            .filter(|p| !p.theory && p.voices.fragments > 0)
            .map(|p| PerspectiveCount {
                name: p.name.clone(),
                people: p.voices.people,
                fragments: p.voices.fragments,
                parts: p
                    .parts
                    .iter()
                    .filter(|(_, v)| v.people > 0)
                    .map(|(value, v)| (value.clone(), v.people))
                    .collect(),
            })
            .collect(),
        quotes,
        theory_quotes,
    }
}

/// A code's kind as the report names it.
fn kind_word(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Intervention => "interventie",
        CodeKind::Actor => "actor",
        CodeKind::Mechanism => "mechanisme",
        CodeKind::Context => "contextfactor",
        CodeKind::Outcome => "uitkomst",
        CodeKind::Other => "overig",
    }
}

/// How a context factor bears on the mechanisms, as the report names it.
fn effect_word(effect: ContextEffect) -> &'static str {
    match effect {
        ContextEffect::Condition => "voorwaarde",
        ContextEffect::Barrier => "belemmering",
        ContextEffect::Varies => "wisselend",
    }
}

/// A context level as the report's configuration lists name it.
fn level_word(level: ContextLevel) -> &'static str {
    match level {
        ContextLevel::Individual => "individueel",
        ContextLevel::Institutional => "institutioneel",
        ContextLevel::Societal => "maatschappelijk-economisch",
    }
}

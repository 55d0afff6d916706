//! Evidence: for each code a configuration names, the coded segments that count, by role, by
//! case and by stance, and the best quotes, chosen so one talkative respondent does not
//! dominate.
//!
//! Only confirmed codings count unless suggestions are asked for. A code's evidence includes
//! the codes under it in the code tree; a segment counts once per code. A role × case cell
//! with a single respondent is flagged: a quote from it could identify the person.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::codebook::Codes;
use crate::coding::manual::Status;
use crate::coding::rule::Counting;
use crate::coding::{Quote, Stance};
use crate::privacy::{case_of, person};

/// Evidence counts for one code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Coded segments.
    pub segments: usize,
    /// Distinct respondents (speakers) among them.
    pub respondents: usize,
    /// Segments that support the code.
    pub supports: usize,
    /// Segments that contradict it.
    pub contradicts: usize,
    /// Segments that nuance it.
    pub nuance: usize,
}

/// Stance counts for one group of segments (a role, a case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StanceCounts {
    /// Segments.
    pub segments: usize,
    /// Of which supporting.
    pub supports: usize,
    /// Of which contradicting.
    pub contradicts: usize,
    /// Of which nuancing.
    pub nuance: usize,
}

impl StanceCounts {
    fn add(&mut self, stance: Stance) {
        self.segments += 1;
        match stance {
            Stance::Supports => self.supports += 1,
            Stance::Contradicts => self.contradicts += 1,
            Stance::Nuance => self.nuance += 1,
            Stance::None => {}
        }
    }
}

/// One quote of the evidence: a coded segment, as reports may show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceQuote {
    /// The segment id (`int-sh-01:0012`), so a reader can trace the quote back.
    pub segment: String,
    /// The speaker's role label.
    pub role: String,
    /// The case, if the document has one.
    pub case: Option<String>,
    /// The segment text.
    pub text: String,
    /// The interpreter's role, when an interpreter spoke the respondent's words.
    pub via: Option<String>,
    /// The stance of the coding.
    pub stance: Stance,
    /// Whether a person confirmed the coding.
    pub confirmed: bool,
    /// The suggestion's score, where the rules suggested it.
    pub score: Option<f32>,
    /// Whether the speaker is the only respondent of their role in their case.
    pub identifying: bool,
    /// Who spoke, for the spread over speakers; reports do not print it.
    #[serde(skip)]
    pub speaker: String,
}

/// The evidence for one code.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CodeEvidence {
    /// Totals.
    pub counts: Counts,
    /// Per role label.
    pub by_role: BTreeMap<String, StanceCounts>,
    /// Per case (`—` for documents without a case).
    pub by_case: BTreeMap<String, StanceCounts>,
    /// Every quote, best first, spread over speakers (see [`spread`]).
    pub quotes: Vec<EvidenceQuote>,
}

impl CodeEvidence {
    /// The best `n` quotes with the given stance (any stance: `None`).
    pub fn best(&self, stance: Option<Stance>, n: usize) -> Vec<&EvidenceQuote> {
        self.quotes
            .iter()
            .filter(|q| stance.is_none_or(|s| q.stance == s))
            .take(n)
            .collect()
    }
}

/// The evidence for a set of codes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Whether suggestions nobody confirmed are counted.
    pub include_suggestions: bool,
    /// Per code id.
    pub codes: BTreeMap<String, CodeEvidence>,
    /// Respondents per role and case, over the whole study (for the appendix and the flags).
    pub respondents: BTreeMap<(String, String), usize>,
    /// How many codings were counted for at least one code.
    pub codings: usize,
    /// The labels of speakers the manifest does not list, which outputs treat as names
    /// ([`crate::privacy::Identities`]); never serialised.
    #[serde(skip)]
    pub unlisted: BTreeSet<String>,
    /// Whose decisions counted and by which rule, where the codings were read from a study.
    pub counting: Option<Counting>,
}

impl Evidence {
    /// The evidence for one code (empty when it has none).
    pub fn of(&self, code: &str) -> CodeEvidence {
        self.codes.get(code).cloned().unwrap_or_default()
    }
}

// Who the study heard is privacy's to know: the evidence counts from the same population the
// quote site and `icamo quotes` show quotes by.
pub(crate) use crate::privacy::{NO_CASE, Population};

/// Gathers the evidence for `wanted` codes (each with the codes under it) from `quotes`
/// (confirmed codings, and suggestions if they were asked for), and counts respondents per
/// role × case in `population`, the study's.
pub(crate) fn gather(
    wanted: &BTreeSet<String>,
    codes: &Codes,
    quotes: &[Quote],
    population: &Population,
    include_suggestions: bool,
) -> Evidence {
    let respondents = population.respondents();

    // Which wanted codes a coded code counts for: itself and every wanted ancestor.
    let mut counts_for: HashMap<&str, Vec<&str>> = HashMap::new();
    for w in wanted {
        for d in codes.with_descendants(w) {
            counts_for.entry(d).or_default().push(w.as_str());
        }
    }
    let quotes: Vec<(Quote, Option<String>)> = quotes
        .iter()
        .filter(|q| include_suggestions || q.coding.status == Status::Confirmed)
        .map(|q| {
            let (segment, via) = population.speaking_for(&q.segment);
            let coding = q.coding.clone();
            (Quote { coding, segment }, via)
        })
        .collect();
    let mut via: HashMap<&str, &str> = HashMap::new();
    for (q, v) in &quotes {
        if let Some(v) = v {
            via.insert(q.segment.id.as_str(), v.as_str());
        }
    }
    let mut per_code: BTreeMap<String, BTreeMap<String, &Quote>> = BTreeMap::new();
    let mut counted = 0;
    for q in quotes.iter().map(|(q, _)| q) {
        let Some(targets) = counts_for.get(q.coding.code.as_str()) else {
            continue;
        };
        counted += 1;
        for &t in targets {
            // A segment counts once per code: a confirmed coding, then the higher score, wins.
            let slot = per_code.entry(t.to_string()).or_default();
            match slot.get(&q.segment.id) {
                Some(old) if rank_key(old) <= rank_key(q) => {}
                _ => {
                    slot.insert(q.segment.id.clone(), q);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (code, by_segment) in per_code {
        let mut ev = CodeEvidence::default();
        let mut speakers = BTreeSet::new();
        let mut ranked: Vec<&Quote> = by_segment.into_values().collect();
        ranked.sort_by_key(|q| rank_key(q));
        for q in &ranked {
            let s = &q.segment;
            if !s.is_written() {
                speakers.insert(person(s));
            }
            let stance = q.coding.stance;
            ev.by_role.entry(s.role.clone()).or_default().add(stance);
            ev.by_case.entry(case_of(s)).or_default().add(stance);
            ev.counts.segments += 1;
            match stance {
                Stance::Supports => ev.counts.supports += 1,
                Stance::Contradicts => ev.counts.contradicts += 1,
                Stance::Nuance => ev.counts.nuance += 1,
                Stance::None => {}
            }
        }
        ev.counts.respondents = speakers.len();
        let quotes: Vec<EvidenceQuote> = ranked
            .iter()
            .map(|q| {
                let s = &q.segment;
                EvidenceQuote {
                    segment: s.id.clone(),
                    role: s.role.clone(),
                    case: s.case.clone(),
                    text: s.text.clone(),
                    stance: q.coding.stance,
                    confirmed: q.coding.status == Status::Confirmed,
                    score: q.coding.score,
                    via: via.get(s.id.as_str()).map(|v| v.to_string()),
                    identifying: respondents
                        .get(&(s.role.clone(), case_of(s)))
                        .is_some_and(|&n| n == 1),
                    speaker: person(s),
                }
            })
            .collect();
        ev.quotes = spread(quotes);
        out.insert(code, ev);
    }
    Evidence {
        include_suggestions,
        codes: out,
        respondents,
        codings: counted,
        unlisted: population.unlisted().clone(),
        counting: None,
    }
}

/// How good a quote is, smallest first: confirmed before suggested, then the higher score
/// (a confirmed coding the rules never suggested ranks after those they did), then the
/// segment id, so the order is the same on every run.
fn rank_key(q: &Quote) -> (u8, i64, String) {
    let confirmed = u8::from(q.coding.status != Status::Confirmed);
    let score = q.coding.score.map_or(1, |s| -((s * 1000.0).round() as i64));
    (confirmed, score, q.segment.id.clone())
}

/// Reorders quotes (best first) so no speaker gets a second quote before every speaker with
/// evidence has one, a third before every speaker has two, and so on; within a round the
/// better quote comes first.
pub fn spread(quotes: Vec<EvidenceQuote>) -> Vec<EvidenceQuote> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut keyed: Vec<(usize, usize, EvidenceQuote)> = quotes
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let n = seen.entry(q.speaker.clone()).or_default();
            let round = *n;
            *n += 1;
            (round, i, q)
        })
        .collect();
    keyed.sort_by_key(|(round, i, _)| (*round, *i));
    keyed.into_iter().map(|(_, _, q)| q).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(speaker: &str, segment: &str) -> EvidenceQuote {
        EvidenceQuote {
            segment: segment.into(),
            role: "statushouder".into(),
            case: None,
            text: String::new(),
            via: None,
            stance: Stance::Supports,
            confirmed: true,
            score: None,
            identifying: false,
            speaker: speaker.into(),
        }
    }

    #[test]
    fn a_talkative_speaker_waits_for_the_others() {
        let ranked = vec![
            q("a", "1"),
            q("a", "2"),
            q("a", "3"),
            q("b", "4"),
            q("c", "5"),
            q("b", "6"),
        ];
        let spread = spread(ranked);
        let order: Vec<&str> = spread.iter().map(|q| q.segment.as_str()).collect();
        assert_eq!(order, ["1", "4", "5", "2", "6", "3"]);
    }
}

//! Suggestions by meaning: how near a turn is to what a code means, calibrated per code, and
//! combined with the rules into one ranked list.
//!
//! For every codable code, `Meanings::prepare` embeds (through [`crate::semantic`]) its
//! description (label, process, sub-goal, definition, include criteria) and each example as
//! passages, its exclusion criteria as a passage, and every respondent turn as a query. A
//! turn's meaning score for a code has three signals, each shown by `icamo suggest`:
//! - **description**: the cosine with the description, averaged with the best example's
//!   cosine where the code has examples;
//! - **confirmed**: the best cosine with a quote coders confirmed for the code (not the turn
//!   itself), averaged in when there is one: suggestions learn from the coders' work;
//! - **against**: how much nearer the turn is to a suggestion coders rejected for the code
//!   than to its confirmed quotes (or description), plus how much nearer to the exclusion
//!   criteria than to the description; subtracted.
//!
//! Raw cosines mean different things for different codes (a long definition sits nearer every
//! turn than a short label), so the score is **calibrated**: how many standard deviations the
//! turn is above the code's mean over all the study's respondent turns. A threshold (1.5 by
//! default) then means the same for every code. Meaning alone suggests, of each kind, only the
//! code the turn is most like, when that code reaches the threshold: on both gold files a turn
//! rarely says two mechanisms, and letting every code above the threshold through halved the
//! precision (see BENCHMARKS.md, "Suggestions by meaning"). A code is suggested when a rule
//! matched it or meaning alone suggests it; its score
//! is `calibrated + rules score`, so meaning and rules rank in one list.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Suggestion;
use super::manual::{self, Decided};
use super::model::{Decision, Stance};
use super::score::Explanation;
use crate::codebook::{Code, CodeKind, Codebook};
use crate::error::Error;
use crate::semantic::{Embedder, Role, Settings, Vector, cosine};
use crate::store::{DocumentSink, StoredDocument};
use crate::study::Study;

/// The meaning part of a suggestion: its signals and the calibrated score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meaning {
    /// Cosine with the code's description (label, process, sub-goal, definition, include).
    pub description: f32,
    /// The best cosine with one of the code's examples, when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<f32>,
    /// The best cosine with a quote coders confirmed for the code, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<f32>,
    /// What rejected suggestions and exclusion criteria take off (0 when nothing does).
    pub against: f32,
    /// Standard deviations above the code's mean over the study's respondent turns.
    pub calibrated: f32,
}

/// One codable code's texts as vectors, and its mean and spread over the study's turns.
struct Profile {
    code: String,
    kind: CodeKind,
    description: Vector,
    examples: Vec<Vector>,
    exclude: Option<Vector>,
    confirmed: Vec<(String, Vector)>,
    rejected: Vec<(String, Vector)>,
    mean: f32,
    spread: f32,
}

/// What meaning says about every respondent turn of the study, ready for the coder.
pub(crate) struct Meanings {
    profiles: Vec<Profile>,
    /// Segment id → one [`Meaning`] per profile, in profile order.
    scores: HashMap<String, Vec<Meaning>>,
    /// The settings' threshold.
    pub threshold: f32,
    /// Texts the server was asked for (the rest came from the cache).
    pub fetched: usize,
    /// Texts embedded in all (turns, codes' texts, coders' quotes).
    pub texts: usize,
    /// Respondents' turns scored.
    pub turns: usize,
    /// [`learned_digest`] of the coders' decisions the scores learned from.
    pub learned: String,
}

/// A digest of what suggestions by meaning learn from: every decided (segment, code) pair and
/// whether a coder accepted it. Another decision gives another digest.
pub(crate) fn learned_digest(decided: &Decided) -> String {
    let lines: Vec<String> = decided
        .iter()
        .map(|((segment, code), codings)| {
            let accepted = codings.iter().any(|c| c.decision == Decision::Accept);
            format!("{segment}\t{code}\t{accepted}")
        })
        .collect();
    crate::codebook::digest(&lines.join("\n"))
}

/// The turns of the study, as a scan hands them over.
#[derive(Default)]
struct Turns {
    /// (segment id, text, whether a respondent's), in segment order.
    turns: Vec<(String, String, bool)>,
}

impl DocumentSink for Turns {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        for s in &doc.segments {
            self.turns
                .push((s.id.clone(), s.text.clone(), !s.interviewer));
        }
        Ok(())
    }
}

/// The text a code is described by: label, process, sub-goal, definition, include criteria.
pub(crate) fn description(code: &Code) -> String {
    [
        Some(&code.label),
        code.process.as_ref(),
        code.subgoal.as_ref(),
        code.definition.as_ref(),
        code.include.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.trim())
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(". ")
}

impl Meanings {
    /// Embeds the codes of `codebooks` and the study's turns (from the cache where it can),
    /// and scores every respondent turn against every codable code. The cache is written when
    /// everything was embedded (with `prune`, only what this run used); a failing server leaves
    /// it as it was.
    pub fn prepare(
        study: &Study,
        codebooks: &[Codebook],
        settings: Settings,
        progress: bool,
        prune: bool,
    ) -> Result<Meanings, Error> {
        let mut turns = Turns::default();
        study.scan(&mut [&mut turns])?;
        let decided = manual::decided_codings(study)?;
        let codes: Vec<&Code> = codebooks
            .iter()
            .flat_map(|cb| cb.codes.iter())
            .filter(|c| c.codable)
            .collect();
        let mut embedder = Embedder::open(study, settings.clone())?;
        let mut profiles = profiles(&mut embedder, &codes, &decided, &turns, progress)?;
        let respondents: Vec<(&str, &str)> = turns
            .turns
            .iter()
            .filter(|t| t.2)
            .map(|(id, text, _)| (id.as_str(), text.as_str()))
            .collect();
        let queries: Vec<(Role, &str)> = respondents.iter().map(|t| (Role::Query, t.1)).collect();
        let vectors = embedder.embed(&queries, progress)?;
        embedder.save(study, prune)?;
        let raw: Vec<Vec<Meaning>> = respondents
            .par_iter()
            .zip(&vectors)
            .map(|((id, _), v)| profiles.iter().map(|p| p.meaning(id, v)).collect())
            .collect();
        calibrate(&mut profiles, &raw);
        let scores = respondents
            .iter()
            .zip(raw)
            .map(|((id, _), mut row)| {
                for (m, p) in row.iter_mut().zip(&profiles) {
                    m.calibrated = p.calibrated(m);
                }
                (id.to_string(), row)
            })
            .collect();
        Ok(Meanings {
            profiles,
            scores,
            threshold: settings.threshold,
            fetched: embedder.fetched(),
            texts: embedder.asked(),
            turns: queries.len(),
            learned: learned_digest(&decided),
        })
    }

    /// The codes meaning alone suggests for segment `id` at `threshold`: of each kind, the
    /// one the turn is most like, when its calibrated score reaches the threshold. A turn
    /// seldom says two mechanisms at once; rules can still suggest a second.
    pub fn alone(&self, id: &str, threshold: f32) -> Vec<&str> {
        let mut best: Vec<(CodeKind, &str, f32)> = Vec::new();
        for (code, kind, m) in self.of(id) {
            match best.iter_mut().find(|b| b.0 == kind) {
                Some(b) if m.calibrated > b.2 => *b = (kind, code, m.calibrated),
                Some(_) => {}
                None => best.push((kind, code, m.calibrated)),
            }
        }
        best.into_iter()
            .filter(|b| b.2 >= threshold)
            .map(|b| b.1)
            .collect()
    }

    /// Each codable code with its meaning for segment `id` (none for an interviewer's turn).
    pub fn of(&self, id: &str) -> impl Iterator<Item = (&str, CodeKind, &Meaning)> {
        self.scores.get(id).into_iter().flat_map(move |row| {
            self.profiles
                .iter()
                .zip(row)
                .map(|(p, m)| (p.code.as_str(), p.kind, m))
        })
    }
}

/// The codes' profiles: their texts embedded as passages, the coders' confirmed and rejected
/// quotes as queries.
fn profiles(
    embedder: &mut Embedder,
    codes: &[&Code],
    decided: &Decided,
    turns: &Turns,
    progress: bool,
) -> Result<Vec<Profile>, Error> {
    let text_of: HashMap<&str, &str> = turns
        .turns
        .iter()
        .map(|(id, text, _)| (id.as_str(), text.as_str()))
        .collect();
    // A segment is confirmed for a code when some coder accepted it, rejected when coders
    // only rejected it.
    let mut quotes: HashMap<&str, (Vec<&str>, Vec<&str>)> = HashMap::new();
    for ((segment, code), codings) in decided {
        if !text_of.contains_key(segment.as_str()) {
            continue;
        }
        let entry = quotes.entry(code.as_str()).or_default();
        if codings.iter().any(|c| c.decision == Decision::Accept) {
            entry.0.push(segment);
        } else {
            entry.1.push(segment);
        }
    }
    let mut texts: Vec<(Role, &str)> = Vec::new();
    let descriptions: Vec<String> = codes.iter().map(|c| description(c)).collect();
    for (code, desc) in codes.iter().zip(&descriptions) {
        texts.push((Role::Passage, desc));
        texts.extend(code.examples.iter().map(|e| (Role::Passage, e.as_str())));
        texts.extend(code.exclude.iter().map(|e| (Role::Passage, e.as_str())));
        if let Some((yes, no)) = quotes.get(code.id.as_str()) {
            texts.extend(yes.iter().chain(no).map(|s| (Role::Query, text_of[s])));
        }
    }
    let mut vectors = embedder.embed(&texts, progress)?.into_iter();
    let mut next = || vectors.next().expect("one vector per text");
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let description = next();
        let examples = code.examples.iter().map(|_| next()).collect();
        let exclude = code.exclude.as_ref().map(|_| next());
        let (yes, no) = quotes.get(code.id.as_str()).cloned().unwrap_or_default();
        let confirmed = yes.iter().map(|s| (s.to_string(), next())).collect();
        let rejected = no.iter().map(|s| (s.to_string(), next())).collect();
        out.push(Profile {
            code: code.id.clone(),
            kind: code.kind,
            description,
            examples,
            exclude,
            confirmed,
            rejected,
            mean: 0.0,
            spread: 1.0,
        });
    }
    Ok(out)
}

impl Profile {
    /// The raw signals for turn `id` with vector `v`; `calibrated` holds the raw score until
    /// [`calibrate`] has the code's mean and spread.
    fn meaning(&self, id: &str, v: &Vector) -> Meaning {
        let best = |quotes: &[(String, Vector)]| {
            quotes
                .iter()
                .filter(|(s, _)| s != id)
                .map(|(_, q)| cosine(v, q))
                .reduce(f32::max)
        };
        let description = cosine(v, &self.description);
        let examples = self.examples.iter().map(|e| cosine(v, e)).reduce(f32::max);
        let own = examples.map_or(description, |e| (description + e) / 2.0);
        let confirmed = best(&self.confirmed);
        let base = confirmed.map_or(own, |c| (own + c) / 2.0);
        let mut against = 0.0;
        if let Some(r) = best(&self.rejected) {
            against += (r - confirmed.unwrap_or(own)).max(0.0);
        }
        if let Some(x) = &self.exclude {
            against += (cosine(v, x) - description).max(0.0);
        }
        Meaning {
            description,
            examples,
            confirmed,
            against,
            calibrated: base - against,
        }
    }

    fn calibrated(&self, m: &Meaning) -> f32 {
        (m.calibrated - self.mean) / self.spread
    }
}

/// Each profile's mean and standard deviation of the raw scores over the turns.
fn calibrate(profiles: &mut [Profile], raw: &[Vec<Meaning>]) {
    let n = raw.len().max(1) as f64;
    for (i, p) in profiles.iter_mut().enumerate() {
        let mean = raw.iter().map(|r| r[i].calibrated as f64).sum::<f64>() / n;
        let var = raw
            .iter()
            .map(|r| (r[i].calibrated as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        p.mean = mean as f32;
        // A spread of zero (one turn, or all alike) would divide by nothing.
        p.spread = (var.sqrt() as f32).max(1e-3);
    }
}

/// Segment `id`'s rule suggestions (`rules`) with meaning added: each code's calibrated score
/// joins its rules score, and a code no rule matched is suggested when meaning alone
/// suggests it ([`Meanings::alone`]). The part of each is kept in [`Suggestion::meaning`].
pub(crate) fn combine(
    meanings: &Meanings,
    id: &str,
    mut rules: Vec<Suggestion>,
) -> Vec<Suggestion> {
    let alone = meanings.alone(id, meanings.threshold);
    for (code, kind, m) in meanings.of(id) {
        if let Some(s) = rules.iter_mut().find(|s| s.code == code) {
            s.score += m.calibrated;
            s.meaning = Some(m.clone());
        } else if alone.contains(&code) {
            rules.push(by_meaning(id, code, kind, m));
        }
    }
    rules
}

/// Every codable code for segment `id`, scored as [`combine`] scores them, whether or not it
/// reaches the threshold: for ranking every code (`icamo eval`'s top 1 and top 3).
pub(crate) fn combine_all(
    meanings: &Meanings,
    id: &str,
    mut rules: Vec<Suggestion>,
) -> Vec<Suggestion> {
    for (code, kind, m) in meanings.of(id) {
        if let Some(s) = rules.iter_mut().find(|s| s.code == code) {
            s.score += m.calibrated;
            s.meaning = Some(m.clone());
        } else {
            rules.push(by_meaning(id, code, kind, m));
        }
    }
    rules
}

/// The suggestion of a code that meaning alone makes.
fn by_meaning(id: &str, code: &str, kind: CodeKind, m: &Meaning) -> Suggestion {
    Suggestion {
        segment: id.to_string(),
        code: code.to_string(),
        score: m.calibrated,
        stance: match kind {
            CodeKind::Mechanism | CodeKind::Outcome => Stance::Supports,
            _ => Stance::None,
        },
        spans: Vec::new(),
        why: Explanation::default(),
        meaning: Some(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vector {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    fn profile() -> Profile {
        Profile {
            code: "m".into(),
            kind: CodeKind::Mechanism,
            description: unit(&[1.0, 0.0, 0.0]),
            examples: vec![],
            exclude: None,
            confirmed: vec![],
            rejected: vec![],
            mean: 0.0,
            spread: 1.0,
        }
    }

    #[test]
    fn confirmed_quotes_pull_a_turn_up_and_rejected_ones_and_exclusions_push_it_down() {
        let turn = unit(&[0.6, 0.8, 0.0]);
        let plain = profile().meaning("a:1", &turn);
        assert!((plain.description - 0.6).abs() < 1e-5);
        assert_eq!(plain.calibrated, plain.description);

        let mut learnt = profile();
        learnt.confirmed = vec![("a:2".into(), unit(&[0.0, 1.0, 0.0]))];
        let m = learnt.meaning("a:1", &turn);
        assert_eq!(m.confirmed, Some(0.8));
        assert!(m.calibrated > plain.calibrated, "{m:?}");
        // A turn is not compared with its own confirmation.
        assert_eq!(learnt.meaning("a:2", &turn).confirmed, None);

        let mut rejected = profile();
        rejected.rejected = vec![("a:3".into(), unit(&[0.6, 0.8, 0.01]))];
        let m = rejected.meaning("a:1", &turn);
        assert!(m.against > 0.3 && m.calibrated < plain.calibrated, "{m:?}");

        let mut excluded = profile();
        excluded.exclude = Some(unit(&[0.0, 1.0, 0.0]));
        let m = excluded.meaning("a:1", &turn);
        assert!((m.against - 0.2).abs() < 1e-5, "{m:?}");
    }

    #[test]
    fn calibration_puts_every_code_on_the_same_scale() {
        // Two codes whose raw cosines differ by an offset and a spread score alike.
        let mut profiles = vec![profile(), profile()];
        let raw: Vec<Vec<Meaning>> = [(0.5, 0.80), (0.6, 0.84), (0.7, 0.88)]
            .iter()
            .map(|&(a, b)| {
                [a, b]
                    .iter()
                    .map(|&x| Meaning {
                        description: x,
                        examples: None,
                        confirmed: None,
                        against: 0.0,
                        calibrated: x,
                    })
                    .collect()
            })
            .collect();
        calibrate(&mut profiles, &raw);
        let top = |i: usize| profiles[i].calibrated(&raw[2][i]);
        assert!((top(0) - top(1)).abs() < 1e-3, "{} {}", top(0), top(1));
        assert!((top(0) - 1.2247).abs() < 1e-3);
    }
}

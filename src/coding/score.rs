//! Scoring a code's matches in a segment, so a segment's codes rank meaningfully.
//!
//! A suggestion's score has two parts, both shown by `icamo suggest`:
//! - the rule score: for each distinct pattern that matched, its rule strength (a phrase or a
//!   NEAR rule says more than a single word; a prefix or compound part says less) times the
//!   rarity of the matched term in the corpus (inverse document frequency, scaled to 0–1), so a
//!   rare word counts more than a common one and repeats of one word count once;
//! - the example similarity: the TF-IDF cosine between the segment's stems and the stems of the
//!   code's example quotes, so a turn that reads like the examples ranks higher.
//!
//! `score = weight × (rule score + 2 × similarity)`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::RwLock;

use rustc_hash::FxHasher;

use crate::codebook::{Code, CodeMatch, RuleKind};
use crate::index::analysis::AnalysedToken;
use crate::index::{SegmentIndex, analyse};
use crate::lang::Language;

/// How much one matched pattern of a kind says, before rarity.
pub(crate) fn strength(kind: RuleKind) -> f32 {
    match kind {
        RuleKind::Phrase | RuleKind::Near => 1.5,
        RuleKind::Keyword | RuleKind::Exact | RuleKind::Regex => 1.0,
        RuleKind::Prefix | RuleKind::Compound => 0.8,
    }
}

/// The weight of example similarity against the rule score.
pub(crate) const SIMILARITY_WEIGHT: f32 = 2.0;

/// Term rarity and example vectors for one index and one codebook language.
pub(crate) struct Scorer<'i> {
    index: &'i SegmentIndex,
    lang: Language,
    segments: f32,
    max_idf: f32,
    examples: FxMap<String, Examples>,
    /// Rarity of stems and of exact forms, looked up in the index once each: a term-dictionary
    /// lookup per word of every coded segment was a third of the coding time.
    stem_rarity: RwLock<FxMap<String, f32>>,
    exact_rarity: RwLock<FxMap<String, f32>>,
}

/// A sparse TF-IDF vector over stems, sorted by stem, with its norm. Sums over it are taken
/// in stem order, so scores come out bit-identical from run to run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vector {
    weights: Vec<(String, f32)>,
    norm: f32,
}

/// A code's examples as a vector to look stems up in.
struct Examples {
    weights: FxMap<String, f32>,
    norm: f32,
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Why a code scored as it did by its rules (all zero for a suggestion by meaning alone).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Explanation {
    /// Each distinct pattern that matched, with its contribution.
    pub patterns: Vec<PatternScore>,
    /// The sum of the patterns' contributions.
    pub rule_score: f32,
    /// TF-IDF cosine with the code's examples (0–1).
    pub similarity: f32,
    /// The code's weight from the codebook.
    pub weight: f32,
    /// Hits with a negation nearby.
    pub negated: usize,
}

/// One matched pattern's part of a score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PatternScore {
    /// The pattern as written in the codebook.
    pub pattern: String,
    /// The rule kind, lower-case (`keyword`, `phrase`, …).
    pub kind: String,
    /// The matched term, normalised.
    pub term: String,
    /// How often it matched in the segment.
    pub hits: usize,
    /// Rarity of the term in the corpus, 0–1.
    pub rarity: f32,
    /// strength × rarity.
    pub contribution: f32,
}

impl Explanation {
    /// The rules' score as the scorer gave it: `weight × (rule score + 2 × similarity)`;
    /// 0 when no rule matched.
    pub fn rules_score(&self) -> f32 {
        if self.patterns.is_empty() {
            return 0.0;
        }
        self.weight * (self.rule_score + SIMILARITY_WEIGHT * self.similarity)
    }
}

impl<'i> Scorer<'i> {
    /// A scorer over `index`, with the example vectors of `codes` analysed in `lang`.
    pub fn new<'c>(
        index: &'i SegmentIndex,
        lang: Language,
        codes: impl IntoIterator<Item = &'c Code>,
    ) -> Scorer<'i> {
        let segments = index.num_segments().max(1) as f32;
        let mut scorer = Scorer {
            index,
            lang,
            segments,
            max_idf: (1.0 + segments).ln(),
            examples: FxMap::default(),
            stem_rarity: RwLock::default(),
            exact_rarity: RwLock::default(),
        };
        for code in codes {
            if !code.examples.is_empty() {
                let text = code.examples.join("\n");
                let vector = scorer.vector(&text);
                let examples = Examples {
                    weights: vector.weights.into_iter().collect(),
                    norm: vector.norm,
                };
                scorer.examples.insert(code.id.clone(), examples);
            }
        }
        scorer
    }

    /// Inverse document frequency for a document frequency, scaled to 0–1.
    fn rarity(&self, df: u64) -> f32 {
        ((1.0 + self.segments / (1.0 + df as f32)).ln() / self.max_idf).min(1.0)
    }

    /// A cached rarity, or `lookup`'s document frequency made one.
    fn cached(
        &self,
        cache: &RwLock<FxMap<String, f32>>,
        key: &str,
        lookup: impl FnOnce() -> u64,
    ) -> f32 {
        if let Some(r) = cache.read().ok().and_then(|c| c.get(key).copied()) {
            return r;
        }
        let r = self.rarity(lookup());
        if let Ok(mut c) = cache.write() {
            c.insert(key.to_string(), r);
        }
        r
    }

    /// Rarity of a stem (1 for a stem in no segment).
    fn stem_rarity(&self, stem: &str) -> f32 {
        self.cached(&self.stem_rarity, stem, || {
            self.index.stem_doc_freq(self.lang, stem).unwrap_or(0)
        })
    }

    /// Rarity of a matched term: that of its rarest word (exact forms).
    fn term_rarity(&self, term: &str) -> f32 {
        term.split_whitespace()
            .map(|w| {
                self.cached(&self.exact_rarity, w, || {
                    self.index.exact_doc_freq(w).unwrap_or(0)
                })
            })
            .fold(0.0, f32::max)
    }

    /// The language whose stems the scorer compares.
    pub fn language(&self) -> Language {
        self.lang
    }

    /// The TF-IDF vector of a text's stems (stop words left out).
    pub(crate) fn vector(&self, text: &str) -> Vector {
        self.vector_of(&analyse(self.lang, text))
    }

    /// The TF-IDF vector of a text already analysed in [`Scorer::language`].
    pub(crate) fn vector_of(&self, tokens: &[AnalysedToken]) -> Vector {
        let mut stems: Vec<&str> = tokens
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem.as_str())
            .collect();
        stems.sort_unstable();
        let mut weights: Vec<(String, f32)> = Vec::new();
        for run in stems.chunk_by(|a, b| a == b) {
            let n = run.len() as f32;
            let w = (1.0 + n.ln()) * self.stem_rarity(run[0]);
            weights.push((run[0].to_string(), w));
        }
        let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        Vector { weights, norm }
    }

    /// Cosine similarity of a segment's vector with a code's examples (0 without examples).
    pub fn similarity(&self, code: &str, segment: &Vector) -> f32 {
        let Some(examples) = self.examples.get(code) else {
            return 0.0;
        };
        if examples.norm == 0.0 || segment.norm == 0.0 {
            return 0.0;
        }
        let dot: f32 = segment
            .weights
            .iter()
            .filter_map(|(stem, w)| examples.weights.get(stem).map(|e| e * w))
            .sum();
        dot / (examples.norm * segment.norm)
    }

    /// Scores one code's matches in a segment whose vector is `segment`.
    pub fn score(&self, code: &Code, matched: &CodeMatch, segment: &Vector) -> (f32, Explanation) {
        let mut patterns: Vec<PatternScore> = Vec::new();
        for hit in &matched.hits {
            if let Some(p) = patterns.iter_mut().find(|p| p.pattern == hit.pattern) {
                p.hits += 1;
                continue;
            }
            let rarity = self.term_rarity(&hit.term);
            let contribution = strength(hit.kind) * rarity;
            patterns.push(PatternScore {
                pattern: hit.pattern.clone(),
                kind: format!("{:?}", hit.kind).to_lowercase(),
                term: hit.term.clone(),
                hits: 1,
                rarity,
                contribution,
            });
        }
        let rule_score: f32 = patterns.iter().map(|p| p.contribution).sum();
        let similarity = self.similarity(&code.id, segment);
        let score = code.weight * (rule_score + SIMILARITY_WEIGHT * similarity);
        (
            score,
            Explanation {
                patterns,
                rule_score,
                similarity,
                weight: code.weight,
                negated: matched.negated,
            },
        )
    }
}

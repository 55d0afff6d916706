//! Measuring the suggestions against a hand-coded gold file.
//!
//! A gold file is a CSV (`segment,code,stance,note`; `#` lines are comments) that a person
//! coded from the code definitions, without looking at the rules. Every segment it names is in
//! the evaluation, also one with an empty code (no code applies). [`evaluate`] compares the
//! suggestions for those segments with it: precision, recall and F1 per code kind and overall,
//! the stance agreement on the mechanisms both found, and at mechanism level whether the best
//! suggested mechanism (top 1) or one of the best three (top 3) is one the coder gave.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::manual::{delimiter_hint, numbered_records, read_csv_bytes, unclosed_quote};
use super::{Stance, Suggestion};
use crate::codebook::CodeKind;
use crate::error::Error;

/// One row of a gold file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldCoding {
    /// The segment id.
    pub segment: String,
    /// The code id; `None` where the coder found that no code applies.
    pub code: Option<String>,
    /// The stance, for mechanisms and outcomes.
    pub stance: Stance,
    /// The 1-based line of the row in the gold file.
    pub line: usize,
}

/// Reads a gold file, checking that every code is known (`known` gives a code's kind).
pub fn read_gold(path: &Path, known: &HashMap<String, CodeKind>) -> Result<Vec<GoldCoding>, Error> {
    // Byte-order mark and CRLF line ends (a spreadsheet's export) are dealt with here.
    let bytes = read_csv_bytes(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let bad = |line: usize, message: String| Error::Parse {
        path: path.to_path_buf(),
        line,
        column: 1,
        message,
    };
    // Comment lines are blanked rather than dropped, so the reader's line numbers stay true.
    let body: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with('#') {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    if let Some((line, message)) = unclosed_quote(body.as_bytes(), b',') {
        return Err(bad(line, message));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| bad(1, format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(seg), Some(code), stance) = (column("segment"), column("code"), column("stance"))
    else {
        // The header is the first line that is not a comment.
        let line = body
            .lines()
            .position(|l| !l.trim().is_empty())
            .map_or(1, |i| i + 1);
        return Err(bad(
            line,
            format!(
                "expected a header with the columns segment,code,stance (note optional){}",
                if body.trim().is_empty() {
                    "; the file is empty".to_string()
                } else {
                    delimiter_hint(&headers, b',')
                }
            ),
        ));
    };
    let mut gold = Vec::new();
    for row in numbered_records(&mut reader) {
        let (line, record) = row.map_err(|(line, message)| bad(line, message))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let segment = field(seg);
        if segment.is_empty() {
            return Err(bad(line, "the segment column is empty".into()));
        }
        let code_id = field(code);
        let code = if code_id.is_empty() {
            None
        } else if known.contains_key(code_id) {
            Some(code_id.to_string())
        } else {
            return Err(bad(
                line,
                format!("unknown code \"{code_id}\": it is in none of the codebooks"),
            ));
        };
        let stance = match stance.map(field).unwrap_or("") {
            "" => Stance::None,
            s => s.parse().map_err(|m: String| bad(line, m))?,
        };
        gold.push(GoldCoding {
            segment: segment.to_string(),
            code,
            stance,
            line,
        });
    }
    Ok(gold)
}

/// Precision, recall and F1 for one group of codes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Suggestions that the gold file has too.
    pub true_positives: usize,
    /// Suggestions for the gold segments.
    pub suggested: usize,
    /// Codings in the gold file.
    pub gold: usize,
    /// true positives / suggested.
    pub precision: f64,
    /// true positives / gold.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Scores {
    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = ratio(self.true_positives, self.suggested);
        self.recall = ratio(self.true_positives, self.gold);
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
    }
}

/// The outcome of comparing suggestions with a gold file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Segments in the gold file.
    pub segments: usize,
    /// Per code kind (`mechanism`, `context`, …).
    pub per_kind: BTreeMap<String, Scores>,
    /// Over all codes.
    pub overall: Scores,
    /// Gold segments with at least one mechanism.
    pub mechanism_segments: usize,
    /// Share of those whose best suggested mechanism is one the coder gave.
    pub top1: f64,
    /// Share of those with a coder's mechanism among the best three suggested.
    pub top3: f64,
    /// Mechanisms both found: how many, and how many with the same stance.
    pub stance_compared: usize,
    /// Of those, the ones where the suggested stance equals the coder's.
    pub stance_agreed: usize,
    /// Rules only, meaning only and both, side by side, when meaning is on (see [`compare_study`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compared: Vec<Compared>,
    /// Meaning only and both at a range of thresholds, for choosing `[semantic] threshold`
    /// (`icamo eval --sweep`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sweep: Vec<Swept>,
}

/// Meaning only and both, measured at one threshold.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Swept {
    /// The threshold, in standard deviations above a code's mean.
    pub threshold: f32,
    /// Mechanisms suggested by meaning alone.
    pub semantic: Scores,
    /// Mechanisms suggested by rules or meaning.
    pub both: Scores,
    /// All codes suggested by rules or meaning.
    pub both_overall: Scores,
}

/// The thresholds `icamo eval --sweep` measures: 0.5 to 3.0 standard deviations, by 0.25.
pub const SWEEP: [f32; 11] = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0];

/// One way of suggesting, measured: rules only, meaning only, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Compared {
    /// `rules`, `semantic` or `both`.
    pub by: String,
    /// Share of gold mechanism segments whose best-ranked mechanism is one the coder gave.
    pub top1: f64,
    /// Share with one the coder gave among the best three.
    pub top3: f64,
    /// Precision, recall and F1 of the mechanisms suggested (above the threshold).
    pub mechanism: Scores,
    /// The same over all codes.
    pub overall: Scores,
}

/// Rules only, meaning only and both side by side on `gold` at the study's threshold, and with
/// `sweep` also meaning only and both at each of [`SWEEP`], when the manifest has a
/// `[semantic]` table; both empty without one. `rules` are the stored suggestions, whose
/// rules' part is used; the turns' vectors come from the cache where `icamo code` left them.
pub fn compare_study(
    study: &crate::study::Study,
    codebooks: &[crate::codebook::Codebook],
    gold: &[GoldCoding],
    rules: &[Suggestion],
    kinds: &HashMap<String, CodeKind>,
    sweep: bool,
    progress: bool,
) -> Result<(Vec<Compared>, Vec<Swept>), Error> {
    let Some(settings) = crate::semantic::Settings::from_manifest(&study.manifest)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let meanings = super::meaning::Meanings::prepare(study, codebooks, settings, progress, false)?;
    let compared = compare(gold, rules, &meanings, kinds, meanings.threshold);
    let swept = if sweep {
        SWEEP
            .iter()
            .map(|&t| {
                let c = compare(gold, rules, &meanings, kinds, t);
                Swept {
                    threshold: t,
                    semantic: c[1].mechanism.clone(),
                    both: c[2].mechanism.clone(),
                    both_overall: c[2].overall.clone(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((compared, swept))
}

/// Measures the three ways side by side on `gold`: `rules` are the rules' suggestions (their
/// rules' part is used), and `meanings` score every codable code of a segment; `threshold`
/// is what makes a suggestion by meaning alone.
pub(crate) fn compare(
    gold: &[GoldCoding],
    rules: &[Suggestion],
    meanings: &super::meaning::Meanings,
    kinds: &HashMap<String, CodeKind>,
    threshold: f32,
) -> Vec<Compared> {
    let segments: BTreeSet<&str> = gold.iter().map(|g| g.segment.as_str()).collect();
    let mut by_rules: Vec<Suggestion> = rules
        .iter()
        .filter(|s| segments.contains(s.segment.as_str()) && !s.why.patterns.is_empty())
        .cloned()
        .collect();
    for s in &mut by_rules {
        s.score = s.why.rules_score();
        s.meaning = None;
    }
    let mut semantic_all = Vec::new();
    let mut both_all = Vec::new();
    for id in &segments {
        let of_rules: Vec<Suggestion> = by_rules
            .iter()
            .filter(|s| s.segment == *id)
            .cloned()
            .collect();
        let all = super::meaning::combine_all(meanings, id, of_rules);
        for s in &all {
            let mut m = s.clone();
            m.score = s.meaning.as_ref().map_or(f32::MIN, |m| m.calibrated);
            semantic_all.push(m);
        }
        both_all.extend(all);
    }
    let alone: HashSet<(&str, &str)> = segments
        .iter()
        .flat_map(|id| meanings.alone(id, threshold).into_iter().map(|c| (*id, c)))
        .collect();
    let above = |s: &&Suggestion| alone.contains(&(s.segment.as_str(), s.code.as_str()));
    let semantic: Vec<Suggestion> = semantic_all.iter().filter(above).cloned().collect();
    let both: Vec<Suggestion> = both_all
        .iter()
        .filter(|s| above(s) || !s.why.patterns.is_empty())
        .cloned()
        .collect();
    [
        ("rules", &by_rules, &by_rules),
        ("semantic", &semantic, &semantic_all),
        ("both", &both, &both_all),
    ]
    .into_iter()
    .map(|(by, suggested, ranked)| {
        let e = evaluate_ranked(gold, suggested, ranked, kinds);
        Compared {
            by: by.into(),
            top1: e.top1,
            top3: e.top3,
            mechanism: e.per_kind.get("mechanism").cloned().unwrap_or_default(),
            overall: e.overall,
        }
    })
    .collect()
}

/// Compares `suggestions` with `gold`; `kinds` gives each code's kind.
pub fn evaluate(
    gold: &[GoldCoding],
    suggestions: &[Suggestion],
    kinds: &HashMap<String, CodeKind>,
) -> Evaluation {
    evaluate_ranked(gold, suggestions, suggestions, kinds)
}

/// [`evaluate`], with the mechanisms' top 1 and top 3 taken from `ranked` (every code scored,
/// also those below the threshold) rather than from the suggestions.
fn evaluate_ranked(
    gold: &[GoldCoding],
    suggestions: &[Suggestion],
    ranked: &[Suggestion],
    kinds: &HashMap<String, CodeKind>,
) -> Evaluation {
    let segments: BTreeSet<&str> = gold.iter().map(|g| g.segment.as_str()).collect();
    let gold_pairs: HashMap<(&str, &str), Stance> = gold
        .iter()
        .filter_map(|g| {
            g.code
                .as_deref()
                .map(|c| ((g.segment.as_str(), c), g.stance))
        })
        .collect();
    let kind_of = |code: &str| {
        kinds
            .get(code)
            .map_or("other".to_string(), |k| k.to_string())
    };

    let mut eval = Evaluation {
        segments: segments.len(),
        ..Evaluation::default()
    };
    for (_, code) in gold_pairs.keys() {
        eval.per_kind.entry(kind_of(code)).or_default().gold += 1;
        eval.overall.gold += 1;
    }
    let mut suggested_mechanisms: HashMap<&str, Vec<&Suggestion>> = HashMap::new();
    for s in suggestions
        .iter()
        .filter(|s| segments.contains(s.segment.as_str()))
    {
        let kind = kind_of(&s.code);
        let scores = eval.per_kind.entry(kind).or_default();
        scores.suggested += 1;
        eval.overall.suggested += 1;
        if let Some(stance) = gold_pairs.get(&(s.segment.as_str(), s.code.as_str())) {
            scores.true_positives += 1;
            eval.overall.true_positives += 1;
            if kinds.get(&s.code) == Some(&CodeKind::Mechanism) && *stance != Stance::None {
                eval.stance_compared += 1;
                if *stance == s.stance {
                    eval.stance_agreed += 1;
                }
            }
        }
    }
    for s in ranked
        .iter()
        .filter(|s| segments.contains(s.segment.as_str()))
    {
        if kinds.get(&s.code) == Some(&CodeKind::Mechanism) {
            suggested_mechanisms.entry(&s.segment).or_default().push(s);
        }
    }
    for scores in eval.per_kind.values_mut() {
        scores.finish();
    }
    eval.overall.finish();

    let mut gold_mechanisms: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (segment, code) in gold_pairs.keys() {
        if kinds.get(*code) == Some(&CodeKind::Mechanism) {
            gold_mechanisms.entry(segment).or_default().insert(code);
        }
    }
    let (mut top1, mut top3) = (0, 0);
    for (segment, wanted) in &gold_mechanisms {
        let mut ranked = suggested_mechanisms
            .get(segment)
            .cloned()
            .unwrap_or_default();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.code.cmp(&b.code)));
        if ranked
            .first()
            .is_some_and(|s| wanted.contains(s.code.as_str()))
        {
            top1 += 1;
        }
        if ranked
            .iter()
            .take(3)
            .any(|s| wanted.contains(s.code.as_str()))
        {
            top3 += 1;
        }
    }
    eval.mechanism_segments = gold_mechanisms.len();
    if eval.mechanism_segments > 0 {
        eval.top1 = top1 as f64 / eval.mechanism_segments as f64;
        eval.top3 = top3 as f64 / eval.mechanism_segments as f64;
    }
    eval
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::score::Explanation;

    fn suggestion(segment: &str, code: &str, score: f32, stance: Stance) -> Suggestion {
        Suggestion {
            segment: segment.into(),
            code: code.into(),
            score,
            stance,
            spans: vec![],
            why: Explanation {
                patterns: vec![],
                rule_score: score,
                similarity: 0.0,
                weight: 1.0,
                negated: 0,
            },
            meaning: None,
        }
    }

    fn gold(segment: &str, code: Option<&str>, stance: Stance) -> GoldCoding {
        GoldCoding {
            segment: segment.into(),
            code: code.map(str::to_string),
            stance,
            line: 0,
        }
    }

    #[test]
    fn precision_recall_and_top_k_follow_their_definitions() {
        let kinds: HashMap<String, CodeKind> = [
            ("m1", CodeKind::Mechanism),
            ("m2", CodeKind::Mechanism),
            ("m3", CodeKind::Mechanism),
            ("i1", CodeKind::Intervention),
        ]
        .into_iter()
        .map(|(c, k)| (c.to_string(), k))
        .collect();
        let gold = vec![
            gold("a:1", Some("m1"), Stance::Supports),
            gold("a:1", Some("i1"), Stance::None),
            gold("a:2", Some("m2"), Stance::Contradicts),
            gold("a:3", None, Stance::None),
        ];
        let suggestions = vec![
            // a:1: m3 ranks above m1, so top 1 misses and top 3 hits.
            suggestion("a:1", "m3", 2.0, Stance::Supports),
            suggestion("a:1", "m1", 1.0, Stance::Supports),
            suggestion("a:1", "i1", 1.0, Stance::None),
            // a:2: m2 first, but with the wrong stance.
            suggestion("a:2", "m2", 1.0, Stance::Supports),
            // a:3: nothing applies, one false positive.
            suggestion("a:3", "i1", 0.5, Stance::None),
            // Not a gold segment: ignored.
            suggestion("b:1", "m1", 9.0, Stance::Supports),
        ];
        let e = evaluate(&gold, &suggestions, &kinds);
        assert_eq!(e.segments, 3);
        let m = &e.per_kind["mechanism"];
        assert_eq!((m.true_positives, m.suggested, m.gold), (2, 3, 2));
        assert!((m.precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.recall - 1.0).abs() < 1e-9);
        let i = &e.per_kind["intervention"];
        assert_eq!((i.true_positives, i.suggested, i.gold), (1, 2, 1));
        assert_eq!(
            (
                e.overall.true_positives,
                e.overall.suggested,
                e.overall.gold
            ),
            (3, 5, 3)
        );
        assert_eq!(e.mechanism_segments, 2);
        assert!((e.top1 - 0.5).abs() < 1e-9);
        assert!((e.top3 - 1.0).abs() < 1e-9);
        assert_eq!((e.stance_compared, e.stance_agreed), (2, 1));
    }
}

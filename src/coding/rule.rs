//! The rule that turns several coders' decisions into evidence: whose decisions count, when a
//! segment carries a code they disagree on, and which stance it then has.
//!
//! An [`EvidenceRule`] comes from the manifest's `[evidence]` table ([`EvidenceRule::new`]):
//!
//! ```toml
//! [evidence]
//! coders = ["anna", "bas"]     # whose decisions count (default: every coder)
//! agreement = "majority"       # "any" (default) | "all" | "majority"
//! adjudicator = "lotte"        # optional: wherever she decided, her decision counts
//! ```
//!
//! A coder is a file `codings/NAME.csv`, or the coder of inline tags (the document's `coder`
//! attribute, else `transcript`). For one segment and code, each counted coder has at most one
//! decision (a coder's file goes before their tags): accept, with a stance, or reject. A coder
//! without a row for the segment and code has not decided it and counts neither way.
//! [`resolve`] applies the rule to the decisions about one segment and code:
//!
//! - *Where the adjudicator decided*, that decision counts, whatever the coders said: an
//!   accept with the adjudicator's stance, or a reject.
//! - Otherwise the counted coders who decided vote. The segment carries the code with
//!   `any` when at least one of them accepted it; with `all` when at least one accepted and
//!   none rejected; with `majority` when more accepted than rejected (a tie leaves it out).
//! - Its stance is the stance every accepting coder gave (`any`, `all`), or the stance more
//!   than half of the accepting coders gave (`majority`); when there is no such stance, the
//!   segment carries the code with no stance.
//!
//! The result depends only on the decisions, never on the coders' names or the order of their
//! files. Where the counted coders disagree (one accepted and another rejected, or the
//! accepting coders gave different stances), [`disagreement`] lists what each decided and what
//! the rule made of it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::model::{Coding, Decision, Origin, Stance, check_coder};
use crate::codebook::closest;
use crate::error::Error;
pub(crate) use crate::manifest::AgreementRule;
use crate::manifest::Manifest;

/// Whose decisions count and how they combine: the manifest's `[evidence]` table, resolved
/// against the coders the study has. [`resolve`] applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRule {
    /// When the counted coders' decisions make a segment carry a code.
    pub agreement: AgreementRule,
    /// The coders whose decisions count, in name order.
    pub coders: BTreeSet<String>,
    /// The coder whose decision counts wherever they made one.
    pub adjudicator: Option<String>,
    /// The coders with decisions in the study that do not count: not in `[evidence] coders`.
    pub not_counted: BTreeSet<String>,
}

impl EvidenceRule {
    /// The rule `manifest` gives, for a study whose coders (files and tags' coders) are
    /// `known`. A coder or adjudicator the manifest names who is not among them is an error at
    /// the name's line: a typo would otherwise leave a coder's work out without a word.
    pub fn new(manifest: &Manifest, known: &BTreeSet<String>) -> Result<EvidenceRule, Error> {
        let section = &manifest.evidence;
        let listed = |name: &toml::Spanned<String>, what: &str| -> Result<String, Error> {
            let n = name.get_ref();
            check_coder(n)
                .map_err(|m| manifest.evidence_error(name, format!("[evidence] {what}: {m}")))?;
            if known.contains(n) {
                return Ok(n.clone());
            }
            let hint = closest(known.iter().map(String::as_str), n)
                .map(|c| format!(" (did you mean \"{c}\"?)"))
                .unwrap_or_default();
            let coders = if known.is_empty() {
                "none yet".to_string()
            } else {
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            };
            Err(manifest.evidence_error(
                name,
                format!(
                    "[evidence] {what} \"{n}\" has no decisions in this study: there is no codings/{n}.csv and no inline tag by that coder{hint}; the study's coders: {coders}. A coder who has not started yet can begin with a file that holds only the header line segment,code,stance,origin,span,note,decision"
                ),
            ))
        };
        let adjudicator = match &section.adjudicator {
            Some(name) => Some(listed(name, "adjudicator")?),
            None => None,
        };
        let coders: BTreeSet<String> = match &section.coders {
            Some(names) => names
                .get_ref()
                .iter()
                .map(|n| listed(n, "coders:"))
                .collect::<Result<_, _>>()?,
            None => known
                .iter()
                .filter(|n| Some(*n) != adjudicator.as_ref())
                .cloned()
                .collect(),
        };
        let not_counted = known
            .iter()
            .filter(|n| !coders.contains(*n) && Some(*n) != adjudicator.as_ref())
            .cloned()
            .collect();
        Ok(EvidenceRule {
            agreement: section.agreement,
            coders,
            adjudicator,
            not_counted,
        })
    }

    /// A rule that counts each of `coders`, with `agreement` and no adjudicator.
    pub fn counting<'a>(
        coders: impl IntoIterator<Item = &'a str>,
        agreement: AgreementRule,
    ) -> EvidenceRule {
        EvidenceRule {
            agreement,
            coders: coders.into_iter().map(str::to_string).collect(),
            adjudicator: None,
            not_counted: BTreeSet::new(),
        }
    }

    /// Whether the rule has anything to decide: two coders or more count, or an adjudicator
    /// settles what one coder decided. With one coder and no adjudicator, their decisions are
    /// the evidence as they stand.
    pub fn combines(&self) -> bool {
        self.coders.len() > 1 || self.adjudicator.is_some()
    }
}

/// What the rule made of the decisions about one segment and code.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Whether the segment carries the code.
    pub carries: bool,
    /// Its stance, where it carries the code (`none` where the coders' stances left none).
    pub stance: Stance,
    /// Where the deciding accept came from: the adjudicator's, else the first of the
    /// accepting coders' origins (manual before import before tag).
    pub origin: Origin,
    /// Who accepted it: the accepting counted coders and the adjudicator, in name order.
    pub coders: Vec<String>,
    /// The bytes the accepts that count point at, sorted.
    pub spans: Vec<[usize; 2]>,
    /// Whether the counted coders disagreed: one accepted and another rejected, or the
    /// accepting coders gave different stances (also where the adjudicator settled it).
    pub disputed: bool,
    /// Whether the adjudicator decided it.
    pub settled: bool,
}

/// The decisions about one segment and code that the rule weighs: each counted coder's one
/// decision, in coder order, and the adjudicator's.
struct Ballots<'c> {
    coders: BTreeMap<&'c str, &'c Coding>,
    adjudicator: Option<&'c Coding>,
}

impl<'c> Ballots<'c> {
    /// A coder's decision is their file's row, before their tags; of several tags, the one
    /// with the first span.
    fn new(codings: &'c [Coding], rule: &EvidenceRule) -> Ballots<'c> {
        let earlier = |c: &Coding, old: &Coding| (c.origin, c.span) < (old.origin, old.span);
        let mut coders: BTreeMap<&str, &Coding> = BTreeMap::new();
        let mut adjudicator: Option<&Coding> = None;
        for c in codings {
            if rule.adjudicator.as_deref() == Some(c.coder.as_str()) {
                if adjudicator.is_none_or(|old| earlier(c, old)) {
                    adjudicator = Some(c);
                }
            } else if rule.coders.contains(&c.coder) {
                let slot = coders.entry(c.coder.as_str()).or_insert(c);
                if earlier(c, slot) {
                    *slot = c;
                }
            }
        }
        Ballots {
            coders,
            adjudicator,
        }
    }

    fn accepts(&self) -> impl Iterator<Item = &'c Coding> + '_ {
        self.coders
            .values()
            .copied()
            .filter(|c| c.decision == Decision::Accept)
    }

    fn rejects(&self) -> usize {
        self.coders
            .values()
            .filter(|c| c.decision == Decision::Reject)
            .count()
    }

    /// What the counted coders disagree about, if anything.
    fn dispute(&self) -> Option<Dispute> {
        let mut stances = self.accepts().map(|c| c.stance);
        let first = stances.next()?;
        if self.rejects() > 0 {
            Some(Dispute::Presence)
        } else if stances.any(|s| s != first) {
            Some(Dispute::Stance)
        } else {
            None
        }
    }
}

/// The stance the accepting coders agree on: under `any` and `all` the one every one of them
/// gave, under `majority` the one more than half of them gave.
fn agreed_stance(stances: &[Stance], agreement: AgreementRule) -> Option<Stance> {
    let mut counts: Vec<(Stance, usize)> = Vec::new();
    for s in stances {
        match counts.iter_mut().find(|(t, _)| t == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((*s, 1)),
        }
    }
    counts
        .into_iter()
        .find(|(_, n)| match agreement {
            AgreementRule::Any | AgreementRule::All => *n == stances.len(),
            AgreementRule::Majority => 2 * n > stances.len(),
        })
        .map(|(s, _)| s)
}

/// What `rule` makes of `codings`, the decisions about one segment and code (in any order,
/// by any coders); `None` when neither a counted coder nor the adjudicator decided it (a
/// suggestion then stays a suggestion).
pub fn resolve(codings: &[Coding], rule: &EvidenceRule) -> Option<Outcome> {
    let ballots = Ballots::new(codings, rule);
    if ballots.coders.is_empty() && ballots.adjudicator.is_none() {
        return None;
    }
    let accepts: Vec<&Coding> = ballots.accepts().collect();
    let rejects = ballots.rejects();
    let disputed = ballots.dispute().is_some();
    let (carries, stance, counting): (bool, Stance, Vec<&Coding>) = match ballots.adjudicator {
        Some(a) => (
            a.decision == Decision::Accept,
            a.stance,
            vec![a].into_iter().chain(accepts.iter().copied()).collect(),
        ),
        None => {
            let carries = match rule.agreement {
                AgreementRule::Any => !accepts.is_empty(),
                AgreementRule::All => !accepts.is_empty() && rejects == 0,
                AgreementRule::Majority => accepts.len() > rejects,
            };
            let stances: Vec<Stance> = accepts.iter().map(|c| c.stance).collect();
            let stance = agreed_stance(&stances, rule.agreement).unwrap_or(Stance::None);
            (carries, stance, accepts.clone())
        }
    };
    let origin = match ballots.adjudicator {
        Some(a) => a.origin,
        None => accepts
            .iter()
            .map(|c| c.origin)
            .min()
            .unwrap_or(Origin::Manual),
    };
    // The people whose accepts count: the adjudicator's where they decided, else the
    // accepting coders'. Their spans are those of every accept they made (several tags of one
    // coder in one turn included).
    let accepting: BTreeSet<&str> = counting
        .iter()
        .filter(|c| c.decision == Decision::Accept)
        .map(|c| c.coder.as_str())
        .collect();
    let span_givers: BTreeSet<&str> = match ballots.adjudicator {
        Some(a) => accepting
            .iter()
            .copied()
            .filter(|c| *c == a.coder)
            .collect(),
        None => accepting.clone(),
    };
    let mut spans: Vec<[usize; 2]> = codings
        .iter()
        .filter(|c| c.decision == Decision::Accept && span_givers.contains(c.coder.as_str()))
        .filter_map(|c| c.span)
        .collect();
    spans.sort_unstable();
    spans.dedup();
    let coders = accepting.into_iter().map(str::to_string).collect();
    Some(Outcome {
        carries,
        stance: if carries { stance } else { Stance::None },
        origin,
        coders,
        spans,
        disputed,
        settled: ballots.adjudicator.is_some(),
    })
}

/// What counted coders disagree about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dispute {
    /// Whether the segment has the code: one coder accepted it, another rejected it.
    Presence,
    /// Which stance: the coders who accepted it gave different stances.
    Stance,
}

/// One person's decision in a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    /// The coder.
    pub coder: String,
    /// Accept or reject.
    pub decision: Decision,
    /// The stance, for an accept.
    pub stance: Stance,
    /// The coder's note, where they wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Said {
    fn of(c: &Coding) -> Said {
        Said {
            coder: c.coder.clone(),
            decision: c.decision,
            stance: if c.decision == Decision::Accept {
                c.stance
            } else {
                Stance::None
            },
            note: c.note.clone(),
        }
    }

    /// `accept (supports)`, `accept`, `reject`.
    pub fn label(&self) -> String {
        match (self.decision, self.stance) {
            (Decision::Accept, Stance::None) | (Decision::Reject, _) => {
                self.decision.name().to_string()
            }
            (Decision::Accept, s) => format!("accept ({s})"),
        }
    }
}

/// A segment and code the counted coders disagree on, with what each decided and what the
/// rule made of it: something for the team to talk through, or for the adjudicator to settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The segment id.
    pub segment: String,
    /// The code id.
    pub code: String,
    /// Whether they disagree on the code itself or (all of them accepting it) on the stance.
    pub about: Dispute,
    /// What each counted coder who decided it said, in coder order.
    pub coders: Vec<Said>,
    /// What the adjudicator decided, where they did: the disagreement is then settled.
    pub adjudicator: Option<Said>,
    /// Whether, under the rule, the segment carries the code.
    pub carries: bool,
    /// The stance it carries the code with.
    pub stance: Stance,
}

/// The disagreement among the counted coders about one segment and code (`codings`, the
/// decisions about it), if there is one.
pub fn disagreement(codings: &[Coding], rule: &EvidenceRule) -> Option<Disagreement> {
    let ballots = Ballots::new(codings, rule);
    let about = ballots.dispute()?;
    let outcome = resolve(codings, rule)?;
    let first = ballots.coders.values().next()?;
    Some(Disagreement {
        segment: first.segment.clone(),
        code: first.code.clone(),
        about,
        coders: ballots.coders.values().map(|c| Said::of(c)).collect(),
        adjudicator: ballots.adjudicator.map(Said::of),
        carries: outcome.carries,
        stance: outcome.stance,
    })
}

/// What a study's rule made of its coders' decisions, for `build` and the report to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counting {
    /// The rule.
    pub rule: EvidenceRule,
    /// Segments and codes the counted coders disagree on.
    pub disagreements: usize,
    /// Of those, the ones the adjudicator decided.
    pub settled: usize,
}

impl Counting {
    /// The counts of `disagreements` under `rule`.
    pub fn new(rule: EvidenceRule, disagreements: &[Disagreement]) -> Counting {
        Counting {
            rule,
            disagreements: disagreements.len(),
            settled: disagreements
                .iter()
                .filter(|d| d.adjudicator.is_some())
                .count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::manual::{Decided, EffectiveCoding, disagreements, merge};
    use proptest::prelude::*;

    /// A decision by `coder` about `d:0001 m.x`: `+`, `-`, `~` or `0` (accept, with that
    /// stance or none), or `r` (reject).
    fn said(coder: &str, what: &str) -> Coding {
        let (decision, stance) = match what {
            "r" => (Decision::Reject, Stance::None),
            "0" => (Decision::Accept, Stance::None),
            mark => (Decision::Accept, mark.parse().unwrap()),
        };
        Coding {
            segment: "d:0001".into(),
            code: "m.x".into(),
            origin: Origin::Manual,
            coder: coder.into(),
            stance,
            span: None,
            note: None,
            decision,
            text: None,
            versions: Default::default(),
            line: 0,
        }
    }

    /// What `agreement` makes of the decisions `said` (coder a, b, c, … in turn):
    /// `Some(stance)` where the segment carries the code.
    fn outcome(agreement: AgreementRule, decisions: &[&str]) -> Option<Stance> {
        let names = ["a", "b", "c", "d", "e"];
        let codings: Vec<Coding> = decisions
            .iter()
            .zip(names)
            .map(|(d, n)| said(n, d))
            .collect();
        let rule = EvidenceRule::counting(names, agreement);
        let o = resolve(&codings, &rule).expect("decided");
        o.carries.then_some(o.stance)
    }

    #[test]
    fn any_takes_one_accept_even_against_a_reject() {
        use AgreementRule::Any;
        assert_eq!(outcome(Any, &["+", "r"]), Some(Stance::Supports));
        assert_eq!(outcome(Any, &["r", "r", "~"]), Some(Stance::Nuance));
        assert_eq!(outcome(Any, &["r", "r"]), None);
    }

    #[test]
    fn all_leaves_a_code_out_that_one_coder_rejected() {
        use AgreementRule::All;
        assert_eq!(outcome(All, &["+", "r"]), None);
        assert_eq!(outcome(All, &["+", "+"]), Some(Stance::Supports));
        assert_eq!(outcome(All, &["-"]), Some(Stance::Contradicts));
    }

    #[test]
    fn majority_needs_more_accepts_than_rejects_and_a_tie_leaves_it_out() {
        use AgreementRule::Majority;
        assert_eq!(outcome(Majority, &["+", "r"]), None);
        assert_eq!(outcome(Majority, &["+", "+", "r"]), Some(Stance::Supports));
        assert_eq!(outcome(Majority, &["+", "r", "r"]), None);
    }

    #[test]
    fn a_stance_counts_only_where_the_accepting_coders_agree_on_it() {
        use AgreementRule::{Any, Majority};
        // Any: every accepting coder's stance must be the same; a reject has no say in it.
        assert_eq!(outcome(Any, &["+", "-"]), Some(Stance::None));
        assert_eq!(outcome(Any, &["+", "+", "r"]), Some(Stance::Supports));
        assert_eq!(outcome(Any, &["+", "0"]), Some(Stance::None));
        // Majority: more than half of the accepting coders.
        assert_eq!(outcome(Majority, &["+", "+", "-"]), Some(Stance::Supports));
        assert_eq!(outcome(Majority, &["+", "-", "~"]), Some(Stance::None));
        assert_eq!(outcome(Majority, &["+", "-"]), Some(Stance::None));
    }

    #[test]
    fn the_adjudicator_decides_wherever_they_decided() {
        let mut rule = EvidenceRule::counting(["a", "b"], AgreementRule::Any);
        rule.adjudicator = Some("lotte".into());
        let codings = [said("a", "+"), said("b", "-"), said("lotte", "~")];
        let o = resolve(&codings, &rule).unwrap();
        assert!(o.carries && o.settled && o.disputed);
        assert_eq!(o.stance, Stance::Nuance);
        assert_eq!(o.coders, ["a", "b", "lotte"]);
        // A reject by the adjudicator outweighs any number of accepts.
        let codings = [said("a", "+"), said("b", "+"), said("lotte", "r")];
        let o = resolve(&codings, &rule).unwrap();
        assert!(!o.carries && o.settled && !o.disputed);
        // Where the adjudicator did not decide, the coders' rule holds.
        let o = resolve(&[said("a", "+"), said("b", "r")], &rule).unwrap();
        assert!(o.carries && !o.settled && o.disputed);
        let d = disagreement(&[said("a", "+"), said("b", "r"), said("lotte", "r")], &rule).unwrap();
        assert_eq!(d.about, Dispute::Presence);
        assert_eq!(
            d.coders.iter().map(Said::label).collect::<Vec<_>>(),
            ["accept (supports)", "reject"]
        );
        assert_eq!(d.adjudicator.unwrap().label(), "reject");
        assert!(!d.carries);
    }

    #[test]
    fn decisions_of_coders_who_do_not_count_are_passed_over() {
        let rule = EvidenceRule::counting(["a"], AgreementRule::All);
        assert_eq!(resolve(&[said("zoe", "r")], &rule), None);
        let o = resolve(&[said("a", "+"), said("zoe", "r")], &rule).unwrap();
        assert!(o.carries && !o.disputed);
        assert_eq!(o.coders, ["a"]);
    }

    #[test]
    fn a_coders_file_goes_before_their_tags() {
        let rule = EvidenceRule::counting(["a", "b"], AgreementRule::All);
        let mut tag = said("a", "+");
        tag.origin = Origin::Tag;
        tag.span = Some([0, 10]);
        // a's file rejects what a's tag accepted: a rejected it.
        let o = resolve(&[tag.clone(), said("a", "r"), said("b", "+")], &rule).unwrap();
        assert!(!o.carries && o.disputed);
        // Tags alone: a accepted it, with the tag's span.
        let o = resolve(&[tag, said("b", "+")], &rule).unwrap();
        assert!(o.carries);
        assert_eq!(o.origin, Origin::Manual);
        assert_eq!(o.spans, [[0, 10]]);
    }

    fn manifest(evidence: &str) -> Manifest {
        Manifest::parse(
            "icamo.toml",
            &format!("[study]\nname = \"x\"\n\n[evidence]\n{evidence}"),
        )
        .unwrap()
    }

    fn known(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn the_manifest_says_whose_decisions_count() {
        let all = known(&["anna", "bas", "lotte", "transcript"]);
        let rule = EvidenceRule::new(&manifest("adjudicator = \"lotte\"\n"), &all).unwrap();
        assert_eq!(rule.coders, known(&["anna", "bas", "transcript"]));
        assert_eq!(rule.adjudicator.as_deref(), Some("lotte"));
        assert_eq!(rule.agreement, AgreementRule::Any);
        let m = manifest("coders = [\"anna\", \"bas\"]\nagreement = \"majority\"\n");
        let rule = EvidenceRule::new(&m, &all).unwrap();
        assert_eq!(rule.coders, known(&["anna", "bas"]));
        assert_eq!(rule.not_counted, known(&["lotte", "transcript"]));
        assert_eq!(rule.agreement, AgreementRule::Majority);
    }

    #[test]
    fn a_coder_the_study_does_not_have_is_an_error_at_its_line() {
        let all = known(&["anna", "bas"]);
        let m = manifest("coders = [\"anna\",\n  \"bsa\"]\n");
        let err = EvidenceRule::new(&m, &all).unwrap_err().to_string();
        assert!(
            err.starts_with("icamo.toml:6:3: [evidence] coders: \"bsa\""),
            "{err}"
        );
        assert!(err.contains("no codings/bsa.csv"), "{err}");
        assert!(err.contains("did you mean \"bas\"?"), "{err}");
        assert!(err.contains("the study's coders: anna, bas"), "{err}");
        let m = manifest("adjudicator = \"lotte\"\n");
        let err = EvidenceRule::new(&m, &all).unwrap_err().to_string();
        assert!(
            err.starts_with("icamo.toml:5:15: [evidence] adjudicator \"lotte\""),
            "{err}"
        );
    }

    /// Decisions about three segments and two codes by four coders, from
    /// (segment, code, coder, what, tag) with what: 0 reject, 1-4 accept with a stance.
    fn decided(rows: &[(usize, usize, usize, u8, bool)], names: &[String]) -> Decided {
        let stances = [
            Stance::Supports,
            Stance::Contradicts,
            Stance::Nuance,
            Stance::None,
        ];
        let mut out = Decided::new();
        for &(seg, code, coder, what, tag) in rows {
            let c = Coding {
                segment: format!("d:{seg:04}"),
                code: format!("m.{code}"),
                origin: if tag { Origin::Tag } else { Origin::Manual },
                coder: names[coder].clone(),
                stance: stances[usize::from(what.max(1)) - 1],
                span: tag.then_some([seg, seg + 5]),
                note: None,
                decision: if what == 0 {
                    Decision::Reject
                } else {
                    Decision::Accept
                },
                text: None,
                versions: Default::default(),
                line: 0,
            };
            out.entry((c.segment.clone(), c.code.clone()))
                .or_default()
                .push(c);
        }
        out
    }

    fn rule_for(
        names: &[String],
        agreement: u8,
        adjudicator: Option<usize>,
        listed: &Option<BTreeSet<usize>>,
    ) -> EvidenceRule {
        let adjudicator = adjudicator.map(|i| names[i].clone());
        let coders = (0..names.len())
            .filter(|i| listed.as_ref().is_none_or(|l| l.contains(i)))
            .map(|i| names[i].clone())
            .filter(|n| Some(n) != adjudicator.as_ref())
            .collect();
        EvidenceRule {
            agreement: [
                AgreementRule::Any,
                AgreementRule::All,
                AgreementRule::Majority,
            ][usize::from(agreement)],
            coders,
            adjudicator,
            not_counted: BTreeSet::new(),
        }
    }

    /// `codings` with every coder's name put back through `back`.
    fn renamed(
        mut codings: Vec<EffectiveCoding>,
        back: &dyn Fn(&str) -> String,
    ) -> Vec<EffectiveCoding> {
        for c in &mut codings {
            c.coders = c.coders.iter().map(|n| back(n)).collect();
            c.coders.sort();
        }
        codings
    }

    proptest! {
        /// Renaming the coders (their files) and shuffling the order their decisions come in
        /// changes nothing but the names in the merged codings and the disagreements.
        #[test]
        fn the_merge_depends_on_the_decisions_not_on_names_or_file_order(
            rows in proptest::collection::vec((0..3usize, 0..2usize, 0..4usize, 0..5u8, any::<bool>()), 0..30),
            agreement in 0..3u8,
            adjudicator in proptest::option::of(0..4usize),
            listed in proptest::option::of(proptest::collection::btree_set(0..4usize, 1..4)),
            new_names in proptest::collection::btree_set("[a-z][a-z0-9_-]{0,5}", 4),
            order in any::<u64>(),
        ) {
            let names: Vec<String> = ["anna", "bas", "lotte", "zoe"].map(String::from).to_vec();
            // The new names in a shuffled order, so that name order changes too.
            let mut others: Vec<String> = new_names.into_iter().collect();
            others.rotate_left((order % 4) as usize);
            let back = |n: &str| names[others.iter().position(|o| o == n).unwrap()].clone();

            // A coder's file has one row per segment and code (and so have their tags here).
            let mut seen = BTreeSet::new();
            let rows: Vec<_> = rows
                .into_iter()
                .filter(|&(seg, code, coder, _, tag)| seen.insert((seg, code, coder, tag)))
                .collect();
            let mut shuffled = rows.clone();
            let mut state = order;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            let before = decided(&rows, &names);
            let after = decided(&shuffled, &others);
            let rule = rule_for(&names, agreement, adjudicator, &listed);
            let rule_after = rule_for(&others, agreement, adjudicator, &listed);
            let keep = |_: &str, _| true;
            prop_assert_eq!(
                merge(&before, [], &keep, &rule),
                renamed(merge(&after, [], &keep, &rule_after), &back)
            );
            let listed_before: Vec<_> = disagreements(&before, &rule);
            let mut listed_after: Vec<_> = disagreements(&after, &rule_after);
            for d in &mut listed_after {
                for s in d.coders.iter_mut().chain(&mut d.adjudicator) {
                    s.coder = back(&s.coder);
                }
                d.coders.sort_by(|a, b| a.coder.cmp(&b.coder));
            }
            prop_assert_eq!(listed_before, listed_after);
        }
    }
}

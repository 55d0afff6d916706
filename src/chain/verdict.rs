//! Verdicts: what the evidence for a mechanism says, in a word or three, from the respondents
//! who spoke to it ([`Voices`]), not from how many fragments they gave.
//!
//! The rules are data ([`RULES`]): [`verdict`] applies the first that fits, and the report's
//! legend is written from the same rules ([`Rule::legend`]), so what the legend says is what
//! the code does. A counter-mechanism works against the outcome, so the same verdict is worded
//! for it so that "recognised" cannot read as good news ([`Verdict::word`]).
//!
//! ```
//! use icamo::chain::evidence::Voices;
//! use icamo::chain::verdict::{Verdict, verdict};
//! // Three fragments from two respondents: not enough people to judge.
//! let two = Voices { fragments: 3, people: 2, supports: 2, stanced: 2, ..Voices::default() };
//! assert_eq!(verdict(&two), Verdict::Insufficient);
//! ```

use serde::Serialize;

use super::evidence::Voices;

/// How many respondents must have taken a stance before the evidence is judged.
pub const MIN_PEOPLE: usize = 3;
/// How many respondents must contradict a mechanism before it is contested.
pub const MIN_CONTESTING: usize = 2;

/// What the evidence says about a mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Too few respondents took a stance, and suggestions wait for review.
    AwaitingReview,
    /// No respondent's fragment is coded with it.
    NotDiscussed,
    /// Too few respondents took a stance.
    Insufficient,
    /// More respondents contradict it than support it.
    Contradicted,
    /// Support and contradiction are near each other.
    Contested,
    /// Recognised, with nuance, some contradiction or a barrier.
    WithReservations,
    /// Recognised.
    Recognised,
}

/// Whether a verdict is about a mechanism of the theory or a counter-mechanism (which works
/// against the outcome): the same verdict is worded differently for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A mechanism the programme theory expects.
    Mechanism,
    /// A counter-mechanism.
    CounterMechanism,
}

impl Verdict {
    /// The verdict as the report writes it for `subject`.
    pub fn word(self, subject: Subject) -> &'static str {
        let counter = subject == Subject::CounterMechanism;
        match self {
            Verdict::AwaitingReview => "codering loopt nog",
            Verdict::NotDiscussed => "niet besproken",
            Verdict::Insufficient => "onvoldoende bewijs",
            Verdict::Contradicted if counter => "doet zich niet voor",
            Verdict::Contradicted => "weersproken",
            Verdict::Contested => "omstreden",
            Verdict::WithReservations if counter => "doet zich voor, met kanttekeningen",
            Verdict::WithReservations => "herkend met kanttekeningen",
            Verdict::Recognised if counter => "doet zich voor",
            Verdict::Recognised => "herkend",
        }
    }

    /// Whether the verdict is bad news for the programme theory, which the report marks ⚠:
    /// a mechanism contradicted, or a counter-mechanism at work.
    pub fn warns(self, subject: Subject) -> bool {
        match subject {
            Subject::Mechanism => self == Verdict::Contradicted,
            Subject::CounterMechanism => {
                matches!(self, Verdict::Recognised | Verdict::WithReservations)
            }
        }
    }
}

/// One rule of the verdict: when it applies, and how the legend says so.
pub struct Rule {
    /// The verdict it gives.
    pub verdict: Verdict,
    applies: fn(&Voices) -> bool,
    legend: fn() -> String,
}

impl Rule {
    /// When the rule applies, in the report's words (Dutch, without the verdict itself).
    pub fn legend(&self) -> String {
        (self.legend)()
    }

    /// Whether the rule applies to `v`.
    pub fn applies(&self, v: &Voices) -> bool {
        (self.applies)(v)
    }
}

/// The rules in the order [`verdict`] tries them; the last always applies.
pub const RULES: [Rule; 7] = [
    Rule {
        verdict: Verdict::AwaitingReview,
        applies: |v| v.open > 0 && v.stanced < MIN_PEOPLE,
        legend: || {
            format!(
                "er liggen nog automatisch voorgestelde coderingen die een onderzoeker moet beoordelen, en minder dan {} respondenten ondersteunen, weerspreken of nuanceren het mechanisme",
                number_word(MIN_PEOPLE)
            )
        },
    },
    Rule {
        verdict: Verdict::NotDiscussed,
        applies: |v| v.fragments == 0,
        legend: || {
            "geen enkel fragment van een respondent is met het mechanisme gecodeerd".to_string()
        },
    },
    Rule {
        verdict: Verdict::Insufficient,
        applies: |v| v.stanced < MIN_PEOPLE,
        legend: || {
            format!(
                "minder dan {} respondenten ondersteunen, weerspreken of nuanceren het mechanisme",
                number_word(MIN_PEOPLE)
            )
        },
    },
    Rule {
        verdict: Verdict::Contradicted,
        applies: |v| v.contradicts > v.supports,
        legend: || {
            "het mechanisme wordt door meer respondenten weersproken dan ondersteund".to_string()
        },
    },
    Rule {
        verdict: Verdict::Contested,
        applies: |v| v.contradicts >= MIN_CONTESTING && v.supports < 2 * v.contradicts,
        legend: || {
            format!(
                "ten minste {} respondenten weerspreken het mechanisme, en minder dan twee keer zoveel respondenten ondersteunen het",
                number_word(MIN_CONTESTING)
            )
        },
    },
    Rule {
        verdict: Verdict::WithReservations,
        applies: |v| v.contradicts > 0 || v.barred > 0 || v.nuance > v.supports,
        legend: || {
            "ten minste één respondent weerspreekt het mechanisme of noemt een belemmering, of het mechanisme wordt door meer respondenten genuanceerd dan ondersteund".to_string()
        },
    },
    Rule {
        verdict: Verdict::Recognised,
        applies: |_| true,
        legend: || "in alle andere gevallen".to_string(),
    },
];

/// The verdict on `v`: the first of [`RULES`] that applies.
pub fn verdict(v: &Voices) -> Verdict {
    RULES
        .iter()
        .find(|r| r.applies(v))
        .map_or(Verdict::Recognised, |r| r.verdict)
}

/// Small numbers as Dutch words, as running text writes them.
fn number_word(n: usize) -> String {
    match n {
        1 => "één".into(),
        2 => "twee".into(),
        3 => "drie".into(),
        4 => "vier".into(),
        5 => "vijf".into(),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Voices of `supports`, `contradicts` and `nuance` respondents, one fragment each.
    fn people(supports: usize, contradicts: usize, nuance: usize) -> Voices {
        let stanced = supports + contradicts + nuance;
        Voices {
            fragments: stanced,
            people: stanced,
            cases: 1,
            supports,
            contradicts,
            nuance,
            barred: 0,
            stanced,
            open: 0,
        }
    }

    #[test]
    fn verdicts_weigh_people() {
        assert_eq!(verdict(&people(2, 0, 0)), Verdict::Insufficient);
        assert_eq!(verdict(&people(1, 3, 0)), Verdict::Contradicted);
        // Two against four is not contested; two against three is.
        assert_eq!(verdict(&people(4, 2, 0)), Verdict::WithReservations);
        assert_eq!(verdict(&people(3, 2, 0)), Verdict::Contested);
        assert_eq!(verdict(&people(1, 0, 2)), Verdict::WithReservations);
        assert_eq!(verdict(&people(5, 0, 1)), Verdict::Recognised);
        assert_eq!(verdict(&Voices::default()), Verdict::NotDiscussed);
    }

    #[test]
    fn a_talkative_respondent_counts_once() {
        // Three supporting fragments, two of them from one respondent.
        let v = Voices {
            fragments: 3,
            people: 2,
            supports: 2,
            stanced: 2,
            ..Voices::default()
        };
        assert_eq!(verdict(&v), Verdict::Insufficient);
    }

    #[test]
    fn open_suggestions_make_thin_evidence_wait_for_review() {
        let waiting = Voices {
            open: 12,
            ..Voices::default()
        };
        assert_eq!(verdict(&waiting), Verdict::AwaitingReview);
        let judged = Voices {
            open: 2,
            ..people(3, 0, 0)
        };
        assert_eq!(verdict(&judged), Verdict::Recognised);
    }

    #[test]
    fn a_barrier_is_a_reservation_not_a_contradiction() {
        let v = Voices {
            barred: 1,
            stanced: 4,
            ..people(3, 0, 0)
        };
        assert_eq!(verdict(&v), Verdict::WithReservations);
    }

    #[test]
    fn a_counter_mechanism_at_work_is_not_worded_as_good_news() {
        let at_work = verdict(&people(6, 0, 1));
        assert_eq!(at_work.word(Subject::CounterMechanism), "doet zich voor");
        assert!(at_work.warns(Subject::CounterMechanism));
        assert!(!at_work.warns(Subject::Mechanism));
        let absent = verdict(&people(0, 3, 0));
        assert_eq!(
            absent.word(Subject::CounterMechanism),
            "doet zich niet voor"
        );
        assert!(!absent.warns(Subject::CounterMechanism));
        assert_eq!(absent.word(Subject::Mechanism), "weersproken");
        assert!(absent.warns(Subject::Mechanism));
    }

    /// For each rule, voices that its legend describes get its verdict and no earlier rule's:
    /// the legend and the rule cannot drift apart without this failing.
    #[test]
    fn each_rules_legend_describes_the_voices_it_judges() {
        let examples: [(Verdict, Voices); 7] = [
            (
                Verdict::AwaitingReview,
                Voices {
                    open: 1,
                    ..people(2, 0, 0)
                },
            ),
            (Verdict::NotDiscussed, Voices::default()),
            (Verdict::Insufficient, people(1, 1, 0)),
            (Verdict::Contradicted, people(1, 2, 0)),
            (Verdict::Contested, people(3, MIN_CONTESTING, 0)),
            (Verdict::WithReservations, people(5, 1, 0)),
            (Verdict::Recognised, people(MIN_PEOPLE, 0, 0)),
        ];
        for (rule, (expected, voices)) in RULES.iter().zip(examples) {
            assert_eq!(rule.verdict, expected);
            assert_eq!(verdict(&voices), expected, "{}", rule.legend());
        }
        assert!(
            RULES[0]
                .legend()
                .contains(&format!("minder dan {} ", number_word(MIN_PEOPLE)))
        );
        assert!(
            RULES[2]
                .legend()
                .contains(&format!("minder dan {} ", number_word(MIN_PEOPLE)))
        );
        assert!(RULES[4].legend().contains(&format!(
            "ten minste {} respondenten",
            number_word(MIN_CONTESTING)
        )));
        // The last rule catches every case the others leave.
        assert!(RULES[6].applies(&Voices::default()));
    }
}

//! The report: Markdown through templates users can copy and edit (minijinja), and HTML from
//! that Markdown (pulldown-cmark) with the figures inline.
//!
//! A template sees one `ReportData` value: the study, every configuration with its causal
//! sentence, mechanisms, evidence tables and quotes, the respondents per role and case, and the
//! case × mechanism matrix. Besides minijinja's own filters it has one function:
//! `figure(id)` (a configuration id, or `"keten"` for the chain at a glance), which gives the
//! figure with a numbered caption: an image of `figures/ID.png` in Markdown (a Mermaid block
//! with `--mermaid`) and the SVG drawing in HTML. The built-in templates live in
//! `templates/report/` and are compiled into the program; `icamo report --export-templates DIR`
//! writes them out for editing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use minijinja::{Environment, Value, context};
use serde::Serialize;

use crate::chain::Model;
use crate::chain::chart::{Chart, Counts, Node, NodeKind};
use crate::chain::evidence::{CodeEvidence, Evidence, EvidenceQuote, NO_CASE, Reading, Voices};
use crate::chain::verdict::{MIN_PEOPLE, RULES, Subject, Verdict, verdict};
use crate::codebook::config::{CodeRef, Configuration, MechanismSpec};
use crate::codebook::sentence::{als_clause, written};
use crate::codebook::{CodeKind, Codes, ContextEffect, ContextLevel};
use crate::coding::Stance;
use crate::coding::rule::Counting;
use crate::error::Error;
use crate::privacy::Identities;
use crate::render::figure::without_colon;
use crate::render::{escape_html, excerpt};

mod sections;
use sections::Sections;

/// The built-in templates, by name: the full report and the one-page summary.
pub(crate) const TEMPLATES: [(&str, &str); 2] = [
    (
        "report.md.j2",
        include_str!("../../templates/report/report.md.j2"),
    ),
    (
        "summary.md.j2",
        include_str!("../../templates/report/summary.md.j2"),
    ),
];

/// How many quotes of each stance a mechanism carries into the template.
const QUOTES_PER_STANCE: usize = 6;
/// How many of them the built-in template shows (`quotes[:3]`): a quote shown again under a
/// later mechanism is marked there ([`mark_repeats`]).
const QUOTES_SHOWN: usize = 3;
/// Quotes longer than this many words are cut at sentence ends, with "[…]".
const QUOTE_WORDS: usize = 90;
/// An answer shorter than this many words is shown with the question it answers.
const SHORT_ANSWER: usize = 25;

/// Everything a report template can show.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportData {
    /// The study's name.
    pub study: String,
    /// The codebooks used, as "‘name’ (versie version)".
    pub codebooks: Vec<String>,
    /// Whether unconfirmed suggestions were counted as evidence.
    pub include_suggestions: bool,
    /// How many codings were counted.
    pub codings: usize,
    /// How several coders' decisions were counted; `None` when one coder's decisions are the
    /// evidence as they stand.
    pub counting: Option<CountingView>,
    /// The configurations, in codebook order.
    pub configurations: Vec<ConfigurationView>,
    /// Respondents per role and case (counts only).
    pub respondents: Vec<RespondentCell>,
    /// The cases, in order, for the matrix columns.
    pub cases: Vec<String>,
    /// One row per mechanism: coded segments per case.
    pub matrix: Vec<MatrixRow>,
    /// How the verdicts are reached, from the rules the code applies.
    pub legend: Legend,
    /// The quotes shown in a readable version, with their verbatim words, once each in the
    /// order they first appear: the appendix of verbatim quotes.
    pub verbatim: Vec<QuoteView>,
    /// The context factors, outcomes, interventions and actors, and the codes outside the
    /// configurations ([`Sections`]).
    pub sections: Sections,
}

/// The verdict rules as the report states them: written from [`RULES`], the rules
/// [`verdict`] applies, so the legend cannot say one thing while the code does another.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Legend {
    /// The rules in the order they are tried; the first that fits gives the verdict.
    pub rules: Vec<LegendRule>,
    /// How many respondents must take a stance before a mechanism is judged.
    pub min_people: usize,
    /// The roles that wrote the programme theory and do not count as support for it.
    pub theory_roles: Vec<String>,
    /// The perspectives' names, in the manifest's order (empty: every role pooled).
    pub perspectives: Vec<String>,
}

/// One verdict rule: the verdict's words and when it applies.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LegendRule {
    /// The verdict for a mechanism.
    pub word: &'static str,
    /// The verdict for a counter-mechanism, where it is worded otherwise.
    pub counter_word: Option<&'static str>,
    /// When it applies.
    pub when: String,
}

impl Legend {
    /// The legend of [`RULES`] for a study read as `reading` says.
    pub fn new(reading: &Reading) -> Legend {
        Legend {
            rules: RULES
                .iter()
                .map(|r| {
                    let word = r.verdict.word(Subject::Mechanism);
                    let counter = r.verdict.word(Subject::CounterMechanism);
                    LegendRule {
                        word,
                        counter_word: (counter != word).then_some(counter),
                        when: r.legend(),
                    }
                })
                .collect(),
            min_people: MIN_PEOPLE,
            theory_roles: reading.theory_roles(),
            perspectives: reading
                .perspectives
                .iter()
                .map(|g| g.name.clone())
                .collect(),
        }
    }
}

/// One configuration as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConfigurationView {
    /// `icamo1`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Intervention labels.
    pub interventions: Vec<String>,
    /// Actor labels.
    pub actors: Vec<String>,
    /// Beneficiary labels.
    pub beneficiaries: Vec<String>,
    /// The outcome's label.
    pub outcome: String,
    /// Context factor labels per level.
    pub context: ContextView,
    /// The mechanisms, in order.
    pub mechanisms: Vec<MechanismView>,
    /// Counter-mechanisms.
    pub counter_mechanisms: Vec<MechanismView>,
}

/// Context factor labels per level.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ContextView {
    /// Individual level.
    pub individueel: Vec<String>,
    /// Institutional level.
    pub institutioneel: Vec<String>,
    /// Societal and economic level.
    pub maatschappelijk: Vec<String>,
    /// The factors the codebook marks as conditions (`effect = "condition"`), any level.
    pub voorwaarden: Vec<String>,
    /// The factors it marks as barriers (`effect = "barrier"`).
    pub belemmeringen: Vec<String>,
    /// The author's "mits" clause (`[configurations.sentence] mits`).
    pub mits: Option<String>,
    /// The author's "tenzij" clause.
    pub tenzij: Option<String>,
    /// The conditions and barriers in one sentence ([`context_sentence`]).
    pub zin: Option<String>,
}

/// One mechanism with its evidence.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MechanismView {
    /// The code id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Process ⇒ sub-goal steps.
    pub steps: Vec<crate::chain::chart::Step>,
    /// Actors it happens in, where not the targeted ones.
    pub happens_in: Vec<String>,
    /// Interventions (or mechanisms) that set it going, as labels.
    pub triggered_by: Vec<String>,
    /// The causal sentence's slots.
    pub sentence: Sentence,
    /// Totals, in fragments, every role included.
    pub counts: Counts,
    /// What the respondents said, the theory's authors left out: what the verdict weighs.
    pub voices: Voices,
    /// What the theory's authors said.
    pub theory: Voices,
    /// Whether the verdict is that the evidence contradicts it.
    pub contradicted: bool,
    /// The verdict in words (see [`verdict`]), worded for a counter-mechanism where it is one.
    pub verdict: String,
    /// The verdict's name, the same for mechanisms and counter-mechanisms
    /// (`herkend`… as `recognised`, `with-reservations`, `contested`, …).
    pub verdict_key: Verdict,
    /// Whether the verdict is bad news for the theory (marked ⚠).
    pub warning: bool,
    /// One row per perspective (empty when the study has none).
    pub perspectives: Vec<PerspectiveRow>,
    /// The barriers respondents named where the mechanism fails, with how many named each.
    pub barriers: Vec<BarrierView>,
    /// Role × stance table rows.
    pub by_role: Vec<StanceRow>,
    /// Case × stance table rows.
    pub by_case: Vec<StanceRow>,
    /// Best supporting quotes, spread over speakers.
    pub supports: Vec<QuoteView>,
    /// Best contradicting quotes.
    pub contradicts: Vec<QuoteView>,
    /// Best nuancing quotes.
    pub nuance: Vec<QuoteView>,
    /// Coded quotes without a stance.
    pub other: Vec<QuoteView>,
    /// Quotes that say it fails where a barrier stands.
    pub barred: Vec<QuoteView>,
    /// Quotes of the theory's authors, any stance.
    pub theory_quotes: Vec<QuoteView>,
}

/// One perspective's row of a mechanism's table: counts in people, and its own verdict.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PerspectiveRow {
    /// The perspective's name.
    pub name: String,
    /// Whether its roles wrote the theory (then it has no verdict of its own).
    pub theory: bool,
    /// What it said.
    pub voices: Voices,
    /// Its verdict in words; for the theory's authors, that they are the theory's source.
    pub verdict: String,
    /// Whether the verdict is bad news for the theory.
    pub warning: bool,
    /// Its parts, where the manifest splits it by a speaker attribute (`route`).
    pub parts: Vec<PerspectivePart>,
}

/// One part of a split perspective: the respondents with one value of the attribute.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PerspectivePart {
    /// The attribute's value (`B1-route`).
    pub value: String,
    /// What they said.
    pub voices: Voices,
    /// Their verdict in words.
    pub verdict: String,
    /// Whether the verdict is bad news for the theory.
    pub warning: bool,
}

/// A barrier named where a mechanism fails.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BarrierView {
    /// The barrier's label, first letter lower-cased for running text.
    pub label: String,
    /// How many respondents named it.
    pub people: usize,
}

/// A mechanism's causal sentence in the author's words (`zin`), and the older slots filled
/// from labels ("Als `<interventie>`, gericht op `<actoren>`, dan `<proces>` …"), which
/// templates written before `zin` existed still use.
#[derive(Debug, Clone, Serialize)]
pub struct Sentence {
    /// Interventions, joined ("A, B en C").
    pub interventie: String,
    /// Actors, joined.
    pub actoren: String,
    /// The first step's process, first letter lower-cased.
    pub proces: String,
    /// The last step's sub-goal, first letter lower-cased.
    pub subdoel: String,
    /// The outcome.
    pub uitkomst: String,
    /// Context factors, joined.
    pub context: String,
    /// The causal sentence in the author's words ("Als …, dan …, waardoor …"); `None` while the
    /// codebook lacks the words for it, and the report shows the parts as a list instead.
    pub zin: Option<String>,
    /// The labels of the mechanisms that set this one going, where earlier mechanisms do.
    pub volgt_op: Vec<String>,
}

/// The author's clauses of one causal sentence, as [`causal_sentence`] puts them together.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Clauses<'a> {
    /// After "Als": verb last.
    pub als: Option<&'a str>,
    /// After "dan": verb first.
    pub dan: Option<&'a str>,
    /// After "waardoor": verb last.
    pub waardoor: Option<&'a str>,
    /// After "wat vervolgens leidt tot"; `None` for a counter-mechanism, which works against
    /// the outcome and so does not lead to it.
    pub uitkomst: Option<&'a str>,
}

/// "Als …, dan …, waardoor …, wat vervolgens leidt tot …." from the author's clauses, leaving
/// out the optional ones that are not written ("waardoor", the outcome). Without an "als" or a
/// "dan" clause there is no sentence: icamo never turns a label into a clause, so a missing
/// clause gives no sentence rather than a broken one. The conditions are the configuration's,
/// said once for all its mechanisms ([`context_sentence`]).
pub(crate) fn causal_sentence(c: Clauses) -> Option<String> {
    let mut out = format!("Als {}, dan {}", c.als?, c.dan?);
    for (connective, clause) in [
        ("waardoor", c.waardoor),
        ("wat vervolgens leidt tot", c.uitkomst),
    ] {
        if let Some(clause) = clause {
            out.push_str(&format!(", {connective} {clause}"));
        }
    }
    out.push('.');
    Some(out)
}

/// "Volgens de programmatheorie werken de mechanismen hieronder mits …, tenzij …." from a
/// configuration's `mits` and `tenzij` clauses: said once, not after each of its mechanisms,
/// so no sentence carries every condition five times. `None` when neither is written.
pub(crate) fn context_sentence(
    mits: Option<&str>,
    tenzij: Option<&str>,
    mechanisms: usize,
) -> Option<String> {
    if mits.is_none() && tenzij.is_none() {
        return None;
    }
    let mut out = String::from(match mechanisms {
        0 => "Volgens de programmatheorie werkt deze configuratie",
        1 => "Volgens de programmatheorie werkt het mechanisme hieronder",
        _ => "Volgens de programmatheorie werken de mechanismen hieronder",
    });
    if let Some(mits) = mits {
        out.push_str(&format!(" mits {mits}"));
    }
    if let Some(tenzij) = tenzij {
        out.push_str(&format!(", tenzij {tenzij}"));
    }
    out.push('.');
    Some(out)
}

/// One row of a stance table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StanceRow {
    /// The role or case.
    pub name: String,
    /// Segments.
    pub segments: usize,
    /// Supporting.
    pub supports: usize,
    /// Contradicting.
    pub contradicts: usize,
    /// Nuancing.
    pub nuance: usize,
    /// Contradicting where a barrier stands.
    pub barriers: usize,
}

/// A quote as a report prints it: role label, case, text; never a name.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct QuoteView {
    /// The segment id, to trace it back (`icamo show ID`).
    pub segment: String,
    /// `statushouder, Havenstad`.
    pub who: String,
    /// The text as shown: the coder's readable version, else the verbatim words cut at
    /// sentence ends to about ninety words.
    pub text: String,
    /// The whole turn, word for word, where `text` is a readable version.
    pub verbatim: Option<String>,
    /// The coder's translation.
    pub translation: Option<String>,
    /// The interviewer's question, where the answer is short.
    pub question: Option<QuestionView>,
    /// Where the quote was shown first, when this is its second place in the report.
    pub also: Option<FirstPlace>,
    /// Whether the speaker is the only respondent of their role in their case.
    pub identifying: bool,
    /// Whether a person confirmed the coding (else it is a suggestion).
    pub confirmed: bool,
}

/// The interviewer's question a short answer answers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct QuestionView {
    /// The interviewer's role label, capitalised (`Interviewer`).
    pub who: String,
    /// The question: the turn's last question (else last sentence), cut with "[…]".
    pub text: String,
}

/// The mechanism under which a quote was shown first.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FirstPlace {
    /// The mechanism's label.
    pub label: String,
    /// The anchor of the mechanism's heading (as GitHub and report.html make it).
    pub anchor: String,
}

/// The rule that turned several coders' decisions into the report's numbers, without their
/// names: the report says which rule it used.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CountingView {
    /// `any`, `all` or `majority` (the manifest's `[evidence] agreement`).
    pub agreement: &'static str,
    /// How many coders' decisions count.
    pub coders: usize,
    /// Whether an adjudicator's decisions settle the coders' disagreements.
    pub adjudicator: bool,
    /// How many coders with decisions in the study do not count.
    pub not_counted: usize,
    /// Segments and codes the counted coders disagree on.
    pub disagreements: usize,
    /// Of those, the ones the adjudicator decided.
    pub settled: usize,
}

impl CountingView {
    /// The view of `counting`, where there is a rule to speak of: several coders, an
    /// adjudicator, or coders left out.
    fn new(counting: &Counting) -> Option<CountingView> {
        let rule = &counting.rule;
        (rule.combines() || !rule.not_counted.is_empty()).then(|| CountingView {
            agreement: rule.agreement.name(),
            coders: rule.coders.len(),
            adjudicator: rule.adjudicator.is_some(),
            not_counted: rule.not_counted.len(),
            disagreements: counting.disagreements,
            settled: counting.settled,
        })
    }
}

/// Respondents of one role in one case.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RespondentCell {
    /// The role label.
    pub role: String,
    /// The case.
    pub case: String,
    /// How many respondents.
    pub respondents: usize,
    /// Whether that is one person (quotes could identify them).
    pub single: bool,
}

/// One row of the case × mechanism matrix, counted in respondents as the text counts them:
/// the theory's authors left out.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MatrixRow {
    /// The mechanism's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Respondents with a fragment coded with it, per case, in [`ReportData::cases`] order.
    pub cells: Vec<usize>,
    /// Of whom contradicting it, per case.
    pub contradicting: Vec<usize>,
}

/// "A", "A en B", "A, B en C".
fn join_nl(items: &[String]) -> String {
    join_with(items, ", ")
}

/// Like [`join_nl`] with another separator: "A; B en C" for items that hold commas.
fn join_with(items: &[String], separator: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(separator)),
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        // Keep abbreviations (PIP, MAP) as they are.
        Some(_) if chars.clone().next().is_some_and(char::is_uppercase) => s.to_string(),
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn rows(map: &BTreeMap<String, crate::chain::evidence::StanceCounts>) -> Vec<StanceRow> {
    map.iter()
        .map(|(name, c)| StanceRow {
            name: name.clone(),
            segments: c.segments,
            supports: c.supports,
            contradicts: c.contradicts,
            nuance: c.nuance,
            barriers: c.barriers,
        })
        .collect()
}

/// A quote of the evidence as the report prints it.
pub(crate) fn quote_view(q: &EvidenceQuote) -> QuoteView {
    let one_line = |t: &String| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let readable = q.versions.readable.as_ref().map(one_line);
    let text = readable
        .clone()
        .unwrap_or_else(|| excerpt::excerpt(&q.text, &q.spans, QUOTE_WORDS));
    let question = q
        .asked
        .as_ref()
        .filter(|_| excerpt::word_count(&text) < SHORT_ANSWER)
        .map(|a| QuestionView {
            who: upper_first(&a.role),
            text: excerpt::question(&a.text),
        })
        .filter(|v| !v.text.is_empty());
    let role = crate::privacy::role_shown(&q.role, q.via.as_deref());
    let who = match &q.case {
        Some(case) => format!("{role}, {case}"),
        None => role,
    };
    QuoteView {
        segment: q.segment.clone(),
        who,
        text,
        verbatim: readable.map(|_| one_line(&q.text)),
        translation: q.versions.translation.as_ref().map(one_line),
        question,
        also: None,
        identifying: q.identifying,
        confirmed: q.confirmed,
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Marks each quote the built-in template shows again, under a later mechanism, with the
/// first mechanism it was shown under; and gives the quotes shown in a readable version, once
/// each, for the appendix of verbatim quotes. The order is the template's: configurations,
/// their mechanisms and counter-mechanisms, the theory's authors' quotes, then supporting,
/// contradicting, barrier and nuancing ones, [`QUOTES_SHOWN`] of each.
fn mark_repeats(configurations: &mut [ConfigurationView]) -> Vec<QuoteView> {
    let mut first: BTreeMap<String, FirstPlace> = BTreeMap::new();
    let mut verbatim = Vec::new();
    for c in configurations {
        for m in c.mechanisms.iter_mut().chain(&mut c.counter_mechanisms) {
            let here = FirstPlace {
                label: m.label.clone(),
                anchor: slug(&format!("{} ({})", m.label, m.id)),
            };
            for list in [
                &mut m.theory_quotes,
                &mut m.supports,
                &mut m.contradicts,
                &mut m.barred,
                &mut m.nuance,
            ] {
                for q in list.iter_mut().take(QUOTES_SHOWN) {
                    match first.get(&q.segment) {
                        Some(place) if place.anchor != here.anchor => {
                            q.also = Some(place.clone());
                        }
                        Some(_) => {}
                        None => {
                            first.insert(q.segment.clone(), here.clone());
                            if q.verbatim.is_some() {
                                verbatim.push(q.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    verbatim
}

/// A heading's anchor as GitHub makes it, and report.html too ([`to_html`]): lower case,
/// spaces as hyphens, punctuation other than hyphens and underscores left out.
pub(crate) fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The best quotes of `stance` from respondents; the theory's authors' quotes and those that
/// name a barrier are shown apart ([`theory_quotes`], [`barred_quotes`]).
fn quotes(ev: &CodeEvidence, stance: Stance) -> Vec<QuoteView> {
    ev.quotes
        .iter()
        .filter(|q| q.stance == stance && !q.theory && q.barriers.is_empty())
        .take(QUOTES_PER_STANCE)
        .map(quote_view)
        .collect()
}

/// The best quotes that say the code fails where a barrier stands.
fn barred_quotes(ev: &CodeEvidence) -> Vec<QuoteView> {
    ev.quotes
        .iter()
        .filter(|q| !q.theory && !q.barriers.is_empty())
        .take(QUOTES_PER_STANCE)
        .map(quote_view)
        .collect()
}

/// The best quotes of the theory's authors.
fn theory_quotes(ev: &CodeEvidence) -> Vec<QuoteView> {
    ev.quotes
        .iter()
        .filter(|q| q.theory)
        .take(QUOTES_PER_STANCE)
        .map(quote_view)
        .collect()
}

/// The verdict on `voices` for `subject`: its words and whether it warns.
fn judged(voices: &Voices, subject: Subject) -> (Verdict, String, bool) {
    let v = verdict(voices);
    (v, v.word(subject).to_string(), v.warns(subject))
}

/// A mechanism's rows per perspective, each with its own verdict.
fn perspective_rows(ev: &CodeEvidence, subject: Subject) -> Vec<PerspectiveRow> {
    ev.by_perspective
        .iter()
        .map(|p| {
            let (_, word, warning) = judged(&p.voices, subject);
            PerspectiveRow {
                name: p.name.clone(),
                theory: p.theory,
                voices: p.voices.clone(),
                verdict: if p.theory {
                    THEORY_SOURCE.to_string()
                } else {
                    word
                },
                warning: warning && !p.theory,
                parts: p
                    .parts
                    .iter()
                    .map(|(value, voices)| {
                        let (_, word, warning) = judged(voices, subject);
                        PerspectivePart {
                            value: value.clone(),
                            voices: voices.clone(),
                            verdict: if p.theory {
                                THEORY_SOURCE.to_string()
                            } else {
                                word
                            },
                            warning: warning && !p.theory,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// What a perspective of the theory's authors shows in place of a verdict.
const THEORY_SOURCE: &str = "bron van de theorie";

impl ReportData {
    /// The report's data for `study_name` from the model and the evidence.
    pub fn new(
        study_name: &str,
        model: &Model,
        evidence: &Evidence,
        reading: &Reading,
    ) -> ReportData {
        let views = Views {
            codes: model.codes(),
            evidence,
        };
        let cases: Vec<String> = evidence
            .respondents
            .keys()
            .map(|(_, case)| case.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut matrix = Vec::new();
        let mut configurations = Vec::new();
        for c in model.configurations() {
            let view = views.configuration(c);
            for m in view.mechanisms.iter().chain(&view.counter_mechanisms) {
                matrix.push(matrix_row(m, evidence, &cases));
            }
            configurations.push(view);
        }
        let mut verbatim = mark_repeats(&mut configurations);
        let sections = Sections::new(model, evidence);
        // The sections' quotes shown in a readable version join the appendix of verbatim
        // quotes after the mechanisms', once each.
        for q in sections.shown_quotes() {
            if q.verbatim.is_some() && !verbatim.iter().any(|v| v.segment == q.segment) {
                verbatim.push(q.clone());
            }
        }
        ReportData {
            study: study_name.to_string(),
            codebooks: model
                .books()
                .iter()
                .map(|b| match &b.version {
                    Some(v) => format!("‘{}’ (versie {v})", b.name),
                    None => format!("‘{}’", b.name),
                })
                .collect(),
            include_suggestions: evidence.include_suggestions,
            codings: evidence.codings,
            counting: evidence.counting.as_ref().and_then(CountingView::new),
            configurations,
            respondents: respondent_cells(evidence),
            cases,
            matrix,
            legend: Legend::new(reading),
            verbatim,
            sections,
        }
    }
}

/// The report's data as a template sees it: every text in it (quotes, labels, titles, the
/// study's name, the findings beside it) passed through [`Identities::redact`].
pub(crate) fn shown(data: &impl Serialize, identities: &Identities) -> Value {
    let mut json = serde_json::to_value(data).expect("report data serialises");
    redact_texts(&mut json, identities);
    Value::from(minijinja::value::Serde(json))
}

/// Every string in `json` redacted, in place.
fn redact_texts(json: &mut serde_json::Value, identities: &Identities) {
    match json {
        serde_json::Value::String(s) => *s = identities.redact(s),
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|v| redact_texts(v, identities));
        }
        serde_json::Value::Object(map) => {
            map.values_mut().for_each(|v| redact_texts(v, identities));
        }
        _ => {}
    }
}

/// Respondents per role and case, counts only.
fn respondent_cells(evidence: &Evidence) -> Vec<RespondentCell> {
    evidence
        .respondents
        .iter()
        .map(|((role, case), &n)| RespondentCell {
            role: role.clone(),
            case: if case == NO_CASE {
                "(geen casus)".into()
            } else {
                case.clone()
            },
            respondents: n,
            single: n == 1,
        })
        .collect()
}

/// A mechanism's row of the case × mechanism matrix, in `cases` order.
fn matrix_row(m: &MechanismView, evidence: &Evidence, cases: &[String]) -> MatrixRow {
    let ev = evidence.of(&m.id);
    let cell = |case: &String, contra: bool| {
        ev.by_case_people
            .get(case)
            .map_or(0, |v| if contra { v.contradicts } else { v.people })
    };
    MatrixRow {
        id: m.id.clone(),
        label: m.label.clone(),
        cells: cases.iter().map(|k| cell(k, false)).collect(),
        contradicting: cases.iter().map(|k| cell(k, true)).collect(),
    }
}

/// Makes the views of configurations and mechanisms: the codes' labels, the evidence.
struct Views<'a> {
    codes: Codes<'a>,
    evidence: &'a Evidence,
}

impl Views<'_> {
    /// A code's label (its id when no codebook has it).
    fn label(&self, id: &str) -> String {
        self.codes
            .get(id)
            .map_or_else(|| id.to_string(), |c| c.label.clone())
    }

    fn labels(&self, refs: &[CodeRef]) -> Vec<String> {
        refs.iter().map(|r| self.label(&r.id)).collect()
    }

    /// One configuration with its context per level and its mechanisms' evidence.
    fn configuration(&self, c: &Configuration) -> ConfigurationView {
        let mut context = ContextView::default();
        for (level, r) in &c.context {
            let list = match level {
                ContextLevel::Individual => &mut context.individueel,
                ContextLevel::Institutional => &mut context.institutioneel,
                ContextLevel::Societal => &mut context.maatschappelijk,
            };
            list.push(self.label(&r.id));
            match self.codes.get(&r.id).and_then(|code| code.effect) {
                Some(ContextEffect::Condition) => context.voorwaarden.push(self.label(&r.id)),
                Some(ContextEffect::Barrier) => context.belemmeringen.push(self.label(&r.id)),
                _ => {}
            }
        }
        let all_context: Vec<String> = context
            .individueel
            .iter()
            .chain(&context.institutioneel)
            .chain(&context.maatschappelijk)
            .map(|s| lower_first(s))
            .collect();
        context.mits = written(&c.sentence.mits).map(str::to_string);
        context.tenzij = written(&c.sentence.tenzij).map(str::to_string);
        context.zin = context_sentence(
            context.mits.as_deref(),
            context.tenzij.as_deref(),
            c.mechanisms.len(),
        );
        let chart = Chart::new(&[c], &self.codes, self.evidence);
        let of = |id: &str, kind: NodeKind, spec: Option<&MechanismSpec>| {
            let node = chart
                .nodes
                .iter()
                .find(|n| n.code == id && n.kind == kind)
                .expect("a configuration's chart has its mechanisms");
            self.mechanism(c, node, &all_context, spec)
        };
        let mechanisms: Vec<MechanismView> = c
            .mechanisms
            .iter()
            .map(|m| of(&m.code.id, NodeKind::Mechanism, Some(m)))
            .collect();
        let counter: Vec<MechanismView> = c
            .counter_mechanisms
            .iter()
            .map(|r| of(&r.id, NodeKind::CounterMechanism, None))
            .collect();
        ConfigurationView {
            id: c.id.clone(),
            title: c.title.clone(),
            interventions: self.labels(&c.interventions),
            actors: self.labels(&c.actors),
            beneficiaries: self.labels(&c.beneficiaries),
            outcome: self.label(&c.outcome.id),
            context,
            mechanisms,
            counter_mechanisms: counter,
        }
    }

    /// A mechanism of `c` (as `spec` names it) or a counter-mechanism (`spec` is `None`), drawn
    /// as `node`, with its causal sentence, evidence tables and quotes. `all_context` is the
    /// configuration's context factors, lower-cased.
    fn mechanism(
        &self,
        c: &Configuration,
        node: &Node,
        all_context: &[String],
        spec: Option<&MechanismSpec>,
    ) -> MechanismView {
        let id = node.code.as_str();
        let ev = self.evidence.of(id);
        let triggered_by: Vec<String> = spec
            .map(|m| m.triggered_by.iter().map(|t| self.label(&t.id)).collect())
            .unwrap_or_default();
        let volgt_op: Vec<String> = spec
            .map(|m| {
                m.triggered_by
                    .iter()
                    .filter(|t| {
                        self.codes
                            .get(&t.id)
                            .is_some_and(|code| code.kind == CodeKind::Mechanism)
                    })
                    .map(|t| without_colon(&self.label(&t.id)))
                    .collect()
            })
            .unwrap_or_default();
        let zin = self.causal_sentence(c, id, spec);
        let interventions = if triggered_by.is_empty() {
            self.labels(&c.interventions)
        } else {
            triggered_by.clone()
        };
        let lower_all =
            |items: &[String]| -> Vec<String> { items.iter().map(|s| lower_first(s)).collect() };
        let subject = subject(node.kind);
        let (verdict_key, word, warning) = judged(&ev.voices, subject);
        MechanismView {
            id: id.to_string(),
            label: without_colon(&node.label),
            steps: node.steps.clone(),
            happens_in: node.happens_in.clone(),
            triggered_by,
            sentence: Sentence {
                interventie: join_nl(&lower_all(&interventions)),
                actoren: join_nl(&lower_all(&self.labels(&c.actors))),
                proces: node
                    .steps
                    .first()
                    .map_or_else(|| lower_first(&node.label), |s| lower_first(&s.process)),
                subdoel: node
                    .steps
                    .last()
                    .map_or_else(String::new, |s| lower_first(&s.subgoal)),
                uitkomst: lower_first(&self.label(&c.outcome.id)),
                context: join_with(all_context, "; "),
                zin,
                volgt_op,
            },
            verdict: word,
            verdict_key,
            warning,
            contradicted: node.contradicted,
            counts: ev.counts.clone(),
            voices: ev.voices.clone(),
            theory: ev.theory.clone(),
            perspectives: perspective_rows(&ev, subject),
            barriers: ev
                .barriers
                .iter()
                .map(|(code, &people)| BarrierView {
                    label: lower_first(&self.label(code)),
                    people,
                })
                .collect(),
            by_role: rows(&ev.by_role),
            by_case: rows(&ev.by_case),
            supports: quotes(&ev, Stance::Supports),
            contradicts: quotes(&ev, Stance::Contradicts),
            nuance: quotes(&ev, Stance::Nuance),
            other: quotes(&ev, Stance::None),
            barred: barred_quotes(&ev),
            theory_quotes: theory_quotes(&ev),
        }
    }
}

impl Views<'_> {
    /// The causal sentence of mechanism `id` in `c` from the codebook's words: its "als" is
    /// the one [`als_clause`] finds (a counter-mechanism's is the configuration's).
    fn causal_sentence(
        &self,
        c: &Configuration,
        id: &str,
        spec: Option<&MechanismSpec>,
    ) -> Option<String> {
        let code = self.codes.get(id)?;
        let als = match spec {
            Some(m) => als_clause(c, m, &self.codes),
            None => written(&c.sentence.als).map(str::to_string),
        };
        let outcome = lower_first(&self.label(&c.outcome.id));
        causal_sentence(Clauses {
            als: als.as_deref(),
            dan: written(&code.sentence.dan),
            waardoor: written(&code.sentence.waardoor),
            uitkomst: spec.map(|_| written(&c.sentence.uitkomst).unwrap_or(&outcome)),
        })
    }
}

/// Where a report is rendered for: the figure function draws differently in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Markdown: figures as images (`figures/NAME.png`), which paste into Word.
    Markdown,
    /// Markdown with figures as Mermaid blocks (`--mermaid`), for GitHub, GitLab or Obsidian.
    Mermaid,
    /// HTML: figures as inline SVG (`svgs` gives them).
    Html,
}

/// A figure's caption: `Figuur 2. ICAMO 1 — Benadering gericht op inburgeraars`.
fn caption(number: usize, title: &str) -> String {
    format!("Figuur {number}. {title}")
}

/// Renders template `source` (named `name` in errors) with `data` (as `shown` makes it).
/// `figures` maps a configuration id, or `keten`, to its Mermaid text (Mermaid) or SVG (HTML)
/// and `titles` to its title; figures are numbered in the order the template draws them.
pub fn render(
    name: &str,
    source: &str,
    data: &Value,
    target: Target,
    figures: &BTreeMap<String, String>,
    titles: &BTreeMap<String, String>,
) -> Result<String, Error> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // For HTML every value from the study (quotes, labels, names of cases) is escaped, so a
    // transcript that holds `<script>` shows it as text; the template's own HTML stays.
    env.set_auto_escape_callback(move |_| match target {
        Target::Markdown | Target::Mermaid => minijinja::AutoEscape::None,
        Target::Html => minijinja::AutoEscape::Html,
    });
    let figures = figures.clone();
    let titles = titles.clone();
    let drawn = std::sync::atomic::AtomicUsize::new(0);
    env.add_function(
        "figure",
        move |id: String| -> Result<Value, minijinja::Error> {
            let body = figures.get(&id).ok_or_else(|| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!(
                        "figure(\"{id}\"): no such figure; known: {}",
                        figures.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
            let number = drawn.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let caption = caption(number, titles.get(&id).map_or(id.as_str(), String::as_str));
            Ok(match target {
                // The image, and its caption as text a reader sees (an image's alt text is not).
                Target::Markdown => {
                    Value::from(format!("![{caption}](figures/{id}.png)\n\n*{caption}*"))
                }
                Target::Mermaid => Value::from(format!(
                    "```mermaid\n{}\n```\n\n*{caption}*",
                    body.trim_end()
                )),
                // icamo's own drawing: trusted, so not escaped.
                Target::Html => Value::from_safe_string(format!(
                    "<figure class=\"icamo\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    inline_svg(body, &id).trim_end(),
                    escape_html(&caption)
                )),
            })
        },
    );
    env.add_filter("verdict_mark", |v: String| match v.as_str() {
        "weersproken" => "⚠ weersproken".to_string(),
        other => other.to_string(),
    });
    env.add_template_owned(name.to_string(), source.to_string())
        .map_err(|e| template_error(name, &e))?;
    let template = env
        .get_template(name)
        .map_err(|e| template_error(name, &e))?;
    let mut out = template
        .render(context! { report => data.clone(), html => target == Target::Html })
        .map_err(|e| template_error(name, &e))?;
    // One newline at the end, none doubled: Markdown diffs stay clean.
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// An SVG document made fit to sit inside an HTML page beside others: without its XML
/// declaration, and with its element ids (arrow markers) prefixed by the figure's name, so
/// two figures on one page do not share ids.
fn inline_svg(svg: &str, figure: &str) -> String {
    let body = match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(svg, |(_, after)| after.trim_start()),
        None => svg,
    };
    let mut out = body.to_string();
    let mut ids: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find(" id=\"") {
        let tail = &rest[at + 5..];
        let Some(end) = tail.find('"') else { break };
        ids.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    for id in ids {
        let new = format!("{figure}-{id}");
        out = out
            .replace(&format!(" id=\"{id}\""), &format!(" id=\"{new}\""))
            .replace(&format!("url(#{id})"), &format!("url(#{new})"));
    }
    out
}

/// A template error with the template's name and line.
fn template_error(name: &str, e: &minijinja::Error) -> Error {
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    let mut message = format!("{name}{line}: {}", e.kind());
    if let Some(detail) = e.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    Error::Other(format!("template error: {message}"))
}

/// The HTML page for report Markdown: a self-contained document with a little CSS.
pub(crate) fn to_html(title: &str, markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let parser = Parser::new_ext(markdown, options);
    // A link in a quote could still run script (`[klik](javascript:…)`): only web, mail,
    // in-page and relative links become links; of the others only the text stays.
    let mut skipped = Vec::new();
    let events = parser.filter(|e| match e {
        Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
            let unsafe_link = !safe_url(dest_url);
            skipped.push(unsafe_link);
            !unsafe_link
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => !skipped.pop().unwrap_or(false),
        _ => true,
    });
    let mut body = String::new();
    html::push_html(&mut body, heading_ids(events.collect()).into_iter());
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape_html(title),
        CSS
    )
}

/// `events` with an id on every heading that has none: its [`slug`], as GitHub gives it (a
/// second heading with the same slug gets `-1`, a third `-2`), so a link written for the
/// Markdown (`[…](#slug)`) leads to the same place in report.html.
fn heading_ids(mut events: Vec<pulldown_cmark::Event<'_>>) -> Vec<pulldown_cmark::Event<'_>> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[i] else {
            continue;
        };
        let mut text = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let base = slug(&text);
        let n = seen.entry(base.clone()).or_insert(0);
        let anchor = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(anchor.into());
        }
    }
    events
}

/// Whether a link target is one a report may link to: http(s), mail, an in-page anchor or a
/// relative path (no scheme before the first `/`, `?` or `#`).
fn safe_url(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    match url.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &url[..colon];
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

const CSS: &str = "body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0; color: #1b1b1b; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.2rem 0.6rem; text-align: left; }
td:not(:first-child) { text-align: right; }
blockquote { border-left: 4px solid #8aa9c8; margin: 0.5rem 0; padding: 0.1rem 1rem; background: #f5f8fb; }
figure.icamo { margin: 1rem 0; overflow-x: auto; }
figure.icamo svg { max-width: 100%; height: auto; }
figure.icamo figcaption { font-style: italic; margin-top: 0.3rem; }
@media print { figure.icamo { break-inside: avoid; } figure.icamo svg { max-width: 100%; max-height: 23cm; width: auto; } h2 { page-break-before: always; } }
";

/// `icamo chain --format md`: the Mermaid figure of a chart and its mechanisms' evidence.
pub fn chart_markdown(chart: &Chart) -> String {
    let mut out = String::new();
    let titles: Vec<String> = chart
        .configurations
        .iter()
        .map(|c| {
            format!(
                "{} — {}",
                c.id.to_uppercase().replace("ICAMO", "ICAMO "),
                c.title
            )
        })
        .collect();
    out.push_str(&format!("## {}\n\n", titles.join("; ")));
    out.push_str("```mermaid\n");
    out.push_str(super::mermaid::to_mermaid(chart).trim_end());
    out.push_str("\n```\n\n");
    out.push_str("| mechanisme | fragmenten | respondenten | + | − | ~ | oordeel |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---|\n");
    for n in chart
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Mechanism | NodeKind::CounterMechanism))
    {
        let c = &n.evidence;
        out.push_str(&format!(
            "| {} ({}) | {} | {} | {} | {} | {} | {} |\n",
            n.label.replace('|', "\\|"),
            n.code,
            c.segments,
            c.respondents,
            c.supports,
            c.contradicts,
            c.nuance,
            n.verdict.map_or("", |v| v.word(subject(n.kind)))
        ));
    }
    out.push_str(&format!(
        "\nBewijs: {} coderingen, {}.\n",
        chart.evidence.codings,
        if chart.evidence.include_suggestions {
            "bevestigd en voorgesteld"
        } else {
            "alleen bevestigde"
        }
    ));
    out
}

/// Whom a verdict is about: a counter-mechanism's is worded for one.
fn subject(kind: NodeKind) -> Subject {
    match kind {
        NodeKind::CounterMechanism => Subject::CounterMechanism,
        _ => Subject::Mechanism,
    }
}

/// Writes the built-in templates into `dir` for editing; refuses to overwrite a file.
pub fn export_templates(dir: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for (name, _) in TEMPLATES {
        let path = dir.join(name);
        if path.exists() {
            return Err(Error::Other(format!(
                "{} exists; icamo does not overwrite a template you may have edited (remove it, or export into another folder)",
                path.display()
            )));
        }
        written.push(path);
    }
    for ((_, source), path) in TEMPLATES.iter().zip(&written) {
        crate::fsutil::write_atomic(path, source.as_bytes())?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_lists_and_first_letters() {
        let items: Vec<String> = ["PIP", "MAP", "brede intake"].map(String::from).to_vec();
        assert_eq!(join_nl(&items), "PIP, MAP en brede intake");
        assert_eq!(join_with(&items[..2], "; "), "PIP en MAP");
        assert_eq!(
            lower_first("PVT (participatieverklaringstraject)"),
            "PVT (participatieverklaringstraject)"
        );
        assert_eq!(lower_first("Brede intake"), "brede intake");
    }

    #[test]
    fn a_label_before_a_verdict_keeps_no_colon_of_its_own() {
        assert_eq!(
            without_colon("Tegenmechanisme: taal en werk zitten elkaar in de weg"),
            "Tegenmechanisme — taal en werk zitten elkaar in de weg"
        );
        assert_eq!(
            without_colon("Motiveert en activeert"),
            "Motiveert en activeert"
        );
        // A time or a ratio has no space after its colon and stays.
        assert_eq!(without_colon("Werk 2:1 taal"), "Werk 2:1 taal");
    }

    #[test]
    fn a_causal_sentence_needs_als_and_dan_and_leaves_out_what_is_not_written() {
        let full = Clauses {
            als: Some("de gemeente werkgevers een jobcoach aanbiedt"),
            dan: Some("ervaren werkgevers minder risico"),
            waardoor: Some("zij meer werkplekken openen"),
            uitkomst: Some("dualiteit"),
        };
        assert_eq!(
            causal_sentence(full).as_deref(),
            Some(
                "Als de gemeente werkgevers een jobcoach aanbiedt, dan ervaren werkgevers minder risico, waardoor zij meer werkplekken openen, wat vervolgens leidt tot dualiteit."
            )
        );
        // A counter-mechanism does not lead to the outcome; a missing "waardoor" is left out.
        let counter = Clauses {
            waardoor: None,
            uitkomst: None,
            ..full
        };
        assert_eq!(
            causal_sentence(counter).as_deref(),
            Some(
                "Als de gemeente werkgevers een jobcoach aanbiedt, dan ervaren werkgevers minder risico."
            )
        );
        assert_eq!(causal_sentence(Clauses { als: None, ..full }), None);
        assert_eq!(causal_sentence(Clauses { dan: None, ..full }), None);
    }

    #[test]
    fn conditions_and_barriers_are_said_once_with_their_own_connective() {
        assert_eq!(
            context_sentence(
                Some("er kinderopvang is"),
                Some("werkgevers discrimineren"),
                3
            )
            .as_deref(),
            Some(
                "Volgens de programmatheorie werken de mechanismen hieronder mits er kinderopvang is, tenzij werkgevers discrimineren."
            )
        );
        assert_eq!(
            context_sentence(None, Some("werkgevers discrimineren"), 1).as_deref(),
            Some(
                "Volgens de programmatheorie werkt het mechanisme hieronder, tenzij werkgevers discrimineren."
            )
        );
        assert_eq!(context_sentence(None, None, 2), None);
    }

    #[test]
    fn inline_figures_do_not_share_ids() {
        let svg = "<?xml version=\"1.0\"?>\n<svg><marker id=\"pijl\"/><path marker-end=\"url(#pijl)\"/></svg>";
        let inline = inline_svg(svg, "icamo1");
        assert_eq!(
            inline,
            "<svg><marker id=\"icamo1-pijl\"/><path marker-end=\"url(#icamo1-pijl)\"/></svg>"
        );
    }
}

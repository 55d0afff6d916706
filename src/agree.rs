//! Intercoder agreement: how far two or more coders' hand codings agree, and where they differ.
//!
//! The coders' decisions are their files `codings/<coder>.csv` ([`crate::coding::manual`]).
//! [`compare`] turns them into *reliability data* (one row per unit, one value per coder, a
//! value possibly missing) and measures it three ways ([`measure`]): percent agreement,
//! Cohen's kappa (exactly two coders) and Krippendorff's alpha (nominal, any number of coders,
//! missing values allowed).
//!
//! # Units and values
//!
//! A coder has *looked at* a segment when their file has at least one row for it, of any
//! code, accepted or rejected. A coder who has no row at all for a segment has not looked at
//! it, and their value for it is missing; nothing is assumed about it.
//!
//! - **Presence of a code** ([`Unit::Segment`], the default): for every code that any coder's
//!   file names (accepted or rejected; `--code` narrows the list), every segment that at least
//!   one coder looked at is a unit. A coder's value is 1 when they accepted the code for the
//!   segment, 0 when they looked at the segment but rejected the code or have no row for it,
//!   and missing when they did not look at the segment. Note that "looked at" is per segment,
//!   not per code: a coder who worked through a sheet of one configuration's codes says 0 for
//!   every other code in those segments; narrow with `--code` when that is not what happened.
//! - **Presence per sentence** ([`Unit::Sentence`]): the same, with each sentence of a
//!   looked-at segment as a unit (sentences as [`sentences`] splits the stored segment text).
//!   An accept with a span (bytes of the segment text) covers the sentences the span overlaps;
//!   an accept without a span covers every sentence of the segment; a reject covers none.
//! - **Stance**: for each code, the units that two or more coders accepted; each accepting
//!   coder's value is their stance (supports, contradicts, nuance, none), every other coder's
//!   is missing. Only agreement on *how* a unit bears on the code is measured here.
//! - **Configurations**: a coder links a unit to a configuration when they accepted, for it,
//!   a code listed under that configuration's `mechanisms` or `counter_mechanisms`. The units
//!   are those that at least one coder linked to a configuration. At the level of *which
//!   configuration*, a coder's value is the set of configurations they linked the unit to
//!   (the empty set when they looked at it and linked none), compared as a whole: coders agree
//!   only on the same set. At the level of *which mechanism*, the value is the set of
//!   (configuration, mechanism) pairs.
//!
//! *Overall* figures pool the (unit, code) units of every code into one set of reliability
//! data; they are not averages of the per-code figures.
//!
//! # Measures
//!
//! With `n_uc` the number of values `c` in unit `u` and `m_u` the number of values in `u`,
//! only units with `m_u ≥ 2` (*pairable* units) count. The coincidence matrix is
//! `o_ck = Σ_u n_uc · (n_uk − [c = k]) / (m_u − 1)`, `n_c = Σ_k o_ck`, `n = Σ_c n_c`.
//!
//! - Observed agreement (text shows it as a percentage) `A_o = Σ_c o_cc / n`: the share of
//!   agreeing pairs of values within units, each unit weighted by its number of values. For two
//!   coders without missing values it is the plain share of units they agree on.
//! - Krippendorff's alpha, nominal: `α = 1 − (n − 1) · (n − Σ_c o_cc) / (n² − Σ_c n_c²)`
//!   (Krippendorff 2011, *Computing Krippendorff's Alpha-Reliability*). Not defined (`None`)
//!   when there is no pairable unit or when all values are the same.
//! - Cohen's kappa, only for exactly two coders, over the units both gave a value:
//!   `κ = (p_o − p_e) / (1 − p_e)` with `p_e = Σ_c p_1(c) · p_2(c)`, each coder's own share of
//!   value `c`. Not defined when `p_e = 1`.
//!
//! ```no_run
//! use icamo::{agree, coding::manual::load_all_coders, study::Study};
//! let study = Study::locate(None)?;
//! let coders = load_all_coders(&study)?;
//! let input = agree::Input { coders: &coders, segments: &[], books: &[], configurations: &[] };
//! let report = agree::compare(&input, &agree::Options::default())?;
//! println!("alpha over all codes: {:?}", report.overall.presence.alpha);
//! # Ok::<(), icamo::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::codebook::config::Configuration;
use crate::codebook::{Codebook, Codes};
use crate::coding::Stance;
use crate::coding::manual::{
    Coding, Decided, Decision, disagreements, numbered_records, read_csv_bytes,
};
use crate::coding::rule::{self, EvidenceRule};
use crate::error::{Error, Warning};
use crate::filter::{Filter, resolve};
use crate::privacy::Identities;
use crate::transcript::{Segment, UNKNOWN_ROLE};

/// What a unit of coding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A segment (speaker turn).
    #[default]
    Segment,
    /// A sentence of a segment, as [`sentences`] splits the segment's text.
    Sentence,
}

/// Agreement figures for one set of reliability data (see the module doc for the formulas).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Agreement {
    /// Units with at least one value.
    pub units: usize,
    /// Units with two values or more: the only ones that count.
    pub pairable: usize,
    /// Observed agreement, a proportion from 0 to 1; `None` without a pairable unit.
    pub agreement: Option<f64>,
    /// Cohen's kappa; only for exactly two coders, `None` when not defined.
    pub kappa: Option<f64>,
    /// Krippendorff's alpha (nominal); `None` when not defined.
    pub alpha: Option<f64>,
}

/// Measures reliability data: one row per unit, in each row one value per coder (the same
/// coder in the same column), `None` where the coder gave none. Kappa is computed only when
/// every row has exactly two columns.
pub fn measure<V: Eq + Hash + Clone>(units: &[Vec<Option<V>>]) -> Agreement {
    let mut out = Agreement::default();
    // Σ_c o_cc, and n_c per value in the order first seen (so sums add up the same each run).
    let mut agreeing = 0.0;
    let mut index: HashMap<&V, usize> = HashMap::new();
    let mut per_value: Vec<f64> = Vec::new();
    let mut n = 0.0;
    for row in units {
        let values: Vec<&V> = row.iter().flatten().collect();
        if values.is_empty() {
            continue;
        }
        out.units += 1;
        let m = values.len();
        if m < 2 {
            continue;
        }
        out.pairable += 1;
        let mut counts: Vec<(&V, usize)> = Vec::new();
        for v in values {
            match counts.iter_mut().find(|(w, _)| *w == v) {
                Some((_, c)) => *c += 1,
                None => counts.push((v, 1)),
            }
        }
        let scale = 1.0 / (m as f64 - 1.0);
        for (v, c) in counts {
            agreeing += (c * (c - 1)) as f64 * scale;
            let next = index.len();
            let i = *index.entry(v).or_insert(next);
            if i == per_value.len() {
                per_value.push(0.0);
            }
            per_value[i] += c as f64;
        }
        n += m as f64;
    }
    if out.pairable == 0 {
        return out;
    }
    out.agreement = Some(agreeing / n);
    let sum_sq: f64 = per_value.iter().map(|c| c * c).sum();
    let expected = n * n - sum_sq;
    if expected > 0.0 {
        out.alpha = Some(1.0 - (n - 1.0) * (n - agreeing) / expected);
    }
    if units.iter().all(|row| row.len() == 2) {
        out.kappa = cohen_kappa(
            units
                .iter()
                .filter_map(|row| Some((row[0].as_ref()?, row[1].as_ref()?))),
        );
    }
    out
}

/// Cohen's kappa of two coders' values on the same units; `None` without units or when
/// chance agreement is 1 (both coders gave one and the same value throughout).
pub fn cohen_kappa<'v, V: Eq + Hash + 'v>(
    pairs: impl IntoIterator<Item = (&'v V, &'v V)>,
) -> Option<f64> {
    let mut index: HashMap<&V, usize> = HashMap::new();
    // Per value, in the order first seen: how often each coder gave it.
    let mut margins: Vec<[f64; 2]> = Vec::new();
    let (mut total, mut same) = (0.0, 0.0);
    for (a, b) in pairs {
        total += 1.0;
        if a == b {
            same += 1.0;
        }
        for (side, v) in [(0, a), (1, b)] {
            let next = index.len();
            let i = *index.entry(v).or_insert(next);
            if i == margins.len() {
                margins.push([0.0; 2]);
            }
            margins[i][side] += 1.0;
        }
    }
    if total == 0.0 {
        return None;
    }
    let observed = same / total;
    let chance: f64 = margins.iter().map(|[a, b]| a / total * (b / total)).sum();
    (chance < 1.0).then(|| (observed - chance) / (1.0 - chance))
}

/// Characters that end a sentence.
const SENTENCE_ENDS: &[char] = &['.', '!', '?', '…'];

/// Characters that may close a sentence after its end mark (quotes, brackets).
const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];

/// The sentences of a segment's text, as byte ranges without surrounding white space.
///
/// A sentence ends at a line break, or after `.`, `!`, `?` or `…` (with any closing quotes,
/// brackets and further end marks) that is followed by white space or the end of the text: so
/// `3.5` and `z.o.z.` inside a word do not end one. The same rule as a tag after a sentence
/// uses ([`crate::coding::tags`]).
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Range<usize>>, start: usize, end: usize| {
        let piece = &text[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push(start + lead..start + lead + trimmed.len());
        }
    };
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            push(&mut out, start, i);
            start = i + 1;
        } else if SENTENCE_ENDS.contains(&c) {
            let mut end = i + c.len_utf8();
            while let Some(&(k, d)) = chars.peek() {
                if CLOSERS.contains(&d) || SENTENCE_ENDS.contains(&d) {
                    end = k + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if text[end..].is_empty() || text[end..].starts_with(char::is_whitespace) {
                push(&mut out, start, end);
                start = end;
            }
        }
    }
    push(&mut out, start, text.len());
    out
}

/// What [`compare`] works from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Each coder's codings, by coder name (as [`crate::coding::manual::load_all_coders`]
    /// gives them).
    pub coders: &'a BTreeMap<String, Vec<Coding>>,
    /// The study's segments: for role labels, and the texts that sentence units need. May be
    /// empty for segment units (the disagreements then show no role).
    pub segments: &'a [Segment],
    /// Codebooks, for `--code` (a code and every code under it). May be empty.
    pub books: &'a [Codebook],
    /// ICAMO configurations, for agreement at configuration level. May be empty.
    pub configurations: &'a [Configuration],
}

/// How [`compare`] measures.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Segments or sentences.
    pub unit: Unit,
    /// Only this code and the codes under it (in a codebook; without one, the codes whose id
    /// starts with `ID.`).
    pub code: Option<String>,
}

/// What one coder did, in the units compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoderSummary {
    /// The coder's name.
    pub coder: String,
    /// Segments the coder looked at (has a row for).
    pub segments: usize,
    /// Accepted codings among the codes compared.
    pub accepted: usize,
}

/// The figures of one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    /// The code id.
    pub code: String,
    /// Whether coders agree that the code applies to a unit.
    pub presence: Agreement,
    /// Whether coders who both applied it agree on the stance.
    pub stance: Agreement,
}

/// Agreement at configuration level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigurationAgreement {
    /// On the set of configurations a unit is linked to.
    pub configuration: Agreement,
    /// On the set of (configuration, mechanism) pairs a unit is linked to.
    pub mechanism: Agreement,
}

/// What a disagreement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum About {
    /// Whether the code applies.
    Presence,
    /// Which stance, among coders who applied it.
    Stance,
}

/// What one coder said about a code in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Accepted, covering the unit.
    Accept,
    /// Accepted for another sentence of the segment (sentence units only).
    OtherSentence,
    /// Rejected.
    Reject,
    /// Looked at the segment, but has no row for this code.
    NotCoded,
    /// Has no row at all for the segment.
    NotLooked,
}

impl Verdict {
    /// How text output shows it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::OtherSentence => "coded another sentence",
            Verdict::Reject => "reject",
            Verdict::NotCoded => "not coded",
            Verdict::NotLooked => "did not look",
        }
    }
}

/// One coder's word in a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    /// The coder.
    pub coder: String,
    /// What they decided.
    pub verdict: Verdict,
    /// Their stance, for an accept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance: Option<Stance>,
}

impl Said {
    /// `accept (supports)`, `reject`, `did not look`, …
    pub fn label(&self) -> String {
        match self.stance {
            Some(s) if s != Stance::None => format!("{} ({s})", self.verdict.label()),
            _ => self.verdict.label().to_string(),
        }
    }
}

/// A unit and code the coders do not agree on: something to talk through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// The code.
    pub code: String,
    /// The unit: the segment id, with `#N` for the N-th sentence of sentence units.
    pub unit: String,
    /// The segment id.
    pub segment: String,
    /// The 1-based sentence number, for sentence units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<usize>,
    /// The speaker's role label (never a name); `None` when the study's segments are not at
    /// hand.
    pub role: Option<String>,
    /// Whether they disagree on the code or, all of those who applied it, on the stance (a
    /// unit with both is listed once, as presence; `said` shows the stances too).
    pub about: About,
    /// What each coder said, in coder order.
    pub said: Vec<Said>,
}

/// Pooled figures over every code compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overall {
    /// Presence, pooled over the (unit, code) units of every code.
    pub presence: Agreement,
    /// Stance, pooled likewise.
    pub stance: Agreement,
}

/// Everything `icamo agree` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// What a unit is.
    pub unit: Unit,
    /// The coders, in name order.
    pub coders: Vec<CoderSummary>,
    /// Units (segments or sentences) that at least one coder looked at.
    pub units: usize,
    /// Figures pooled over every code.
    pub overall: Overall,
    /// Figures per code, in code order.
    pub codes: Vec<CodeAgreement>,
    /// Agreement at configuration level; `None` without configurations.
    pub configurations: Option<ConfigurationAgreement>,
    /// The disagreements, by code, then unit, presence before stance.
    pub disagreements: Vec<Disagreement>,
}

/// Reliability data: one row per unit, one value per coder (see [`measure`]).
type Data<V> = Vec<Vec<Option<V>>>;

/// The (configuration, mechanism) pairs a coder linked a unit to.
type Links<'a> = BTreeSet<(&'a str, &'a str)>;

/// One unit: a segment, or one of its sentences.
struct UnitRef<'a> {
    segment: &'a str,
    /// 0-based sentence number and its byte range.
    sentence: Option<(usize, Range<usize>)>,
}

impl UnitRef<'_> {
    fn name(&self) -> String {
        match &self.sentence {
            Some((i, _)) => format!("{}#{}", self.segment, i + 1),
            None => self.segment.to_string(),
        }
    }
}

/// The ids of the codes `--code ID` selects among `coded`: the code and the codes under it
/// in any codebook that has it, else `ID` and the codes whose id starts with `ID.`. `ID` is
/// found ignoring capitals among the codebooks' codes and the coded ones (and the ids they
/// start with); one that is neither is an error naming the known codes, and so is one that
/// no coder coded.
pub(crate) fn select_codes(
    id: &str,
    books: &[Codebook],
    coded: &BTreeSet<&str>,
) -> Result<BTreeSet<String>, Error> {
    let known: BTreeSet<&str> = books
        .iter()
        .flat_map(|b| b.codes.iter().map(|c| c.id.as_str()))
        .chain(coded.iter().flat_map(|c| {
            c.match_indices('.')
                .map(|(i, _)| &c[..i])
                .chain(std::iter::once(*c))
        }))
        .collect();
    let id = resolve(Filter::Code, id, known)?;
    let mut wanted: HashSet<&str> = HashSet::new();
    for book in books {
        wanted.extend(book.descendants(&id));
    }
    let prefix = format!("{id}.");
    let chosen: BTreeSet<String> = coded
        .iter()
        .filter(|c| {
            if wanted.is_empty() {
                **c == id || c.starts_with(&prefix)
            } else {
                wanted.contains(**c)
            }
        })
        .map(|c| c.to_string())
        .collect();
    if chosen.is_empty() {
        return Err(Error::Other(format!(
            "no coder coded \"{id}\" or a code under it; the coded codes are: {}",
            coded.iter().copied().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(chosen)
}

/// The role label a disagreement shows for a segment: its role, `interviewer` for an
/// interviewer without one; never the speaker's name.
fn role_label(segment: &Segment) -> String {
    if segment.interviewer && segment.role == UNKNOWN_ROLE {
        "interviewer".to_string()
    } else {
        segment.role.clone()
    }
}

/// Compares the coders' codings (see the module doc for the units and measures).
///
/// Errors: fewer than two coders; `--code` that selects no coded code; sentence units
/// without the segments, or for a segment the study does not have.
pub fn compare(input: &Input, options: &Options) -> Result<Report, Error> {
    let coders = Coders::new(input)?;
    let codes = compared_codes(input, options)?;
    let chosen: HashSet<&str> = codes.iter().map(String::as_str).collect();
    let by_id: HashMap<&str, &Segment> =
        input.segments.iter().map(|s| (s.id.as_str(), s)).collect();
    let units = units(input, options, &coders.segments(), &by_id)?;

    let mut comparison = Comparison::new(&coders, &units, &by_id, input.configurations);
    let mut per_code = Vec::with_capacity(codes.len());
    let mut all_presence: Data<bool> = Vec::new();
    let mut all_stance: Data<Stance> = Vec::new();
    for code in &codes {
        let (presence, stance) = comparison.code(code);
        per_code.push(CodeAgreement {
            code: code.clone(),
            presence: measure(&presence),
            stance: measure(&stance),
        });
        all_presence.extend(presence);
        all_stance.extend(stance);
    }
    let configurations =
        (!input.configurations.is_empty()).then(|| configuration_agreement(&comparison.links));

    Ok(Report {
        unit: options.unit,
        coders: coders.summaries(input, &chosen),
        units: units.len(),
        overall: Overall {
            presence: measure(&all_presence),
            stance: measure(&all_stance),
        },
        codes: per_code,
        configurations,
        disagreements: comparison.disagreements,
    })
}

/// The codes compared: those `--code` selects, else every code a coder's file names.
fn compared_codes(input: &Input, options: &Options) -> Result<Vec<String>, Error> {
    let coded: BTreeSet<&str> = input
        .coders
        .values()
        .flatten()
        .map(|c| c.code.as_str())
        .collect();
    Ok(match &options.code {
        Some(id) => select_codes(id, input.books, &coded)?.into_iter().collect(),
        None => coded.iter().map(|c| c.to_string()).collect(),
    })
}

/// The units: each segment a coder looked at, or each sentence of it.
fn units<'a>(
    input: &Input,
    options: &Options,
    segments: &BTreeSet<&'a str>,
    by_id: &HashMap<&str, &Segment>,
) -> Result<Vec<UnitRef<'a>>, Error> {
    let mut units: Vec<UnitRef> = Vec::new();
    for &segment in segments {
        match options.unit {
            Unit::Segment => units.push(UnitRef {
                segment,
                sentence: None,
            }),
            Unit::Sentence => {
                let Some(seg) = by_id.get(segment) else {
                    return Err(Error::Other(if input.segments.is_empty() {
                        "--unit sentence needs the study's segment texts: run `icamo ingest` in the study first".to_string()
                    } else {
                        format!(
                            "segment {segment} is coded but the study has no such segment: is the coders' file from this study, and has it been ingested since the transcript changed?"
                        )
                    }));
                };
                units.extend(
                    sentences(&seg.text)
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| UnitRef {
                            segment,
                            sentence: Some((i, r)),
                        }),
                );
            }
        }
    }
    Ok(units)
}

/// The coders' decisions, found by segment and code.
struct Coders<'a> {
    names: Vec<&'a str>,
    /// Each coder's rows by (segment, code).
    rows: Vec<HashMap<(&'a str, &'a str), &'a Coding>>,
    /// The segments each coder looked at.
    looked: Vec<HashSet<&'a str>>,
}

impl<'a> Coders<'a> {
    /// The coders of `input`; an error with fewer than two.
    fn new(input: &Input<'a>) -> Result<Coders<'a>, Error> {
        let names: Vec<&str> = input.coders.keys().map(String::as_str).collect();
        if names.len() < 2 {
            return Err(Error::Other(format!(
                "agreement needs two coders or more, and there {}: give two coders' files or more (icamo agree codings/anna.csv codings/bert.csv), or put them in the study's codings/ folder",
                match names.as_slice() {
                    [] => "are none".to_string(),
                    [one] => format!("is one ({one})"),
                    _ => unreachable!(),
                }
            )));
        }
        let rows = input
            .coders
            .values()
            .map(|codings| {
                codings
                    .iter()
                    .map(|c| ((c.segment.as_str(), c.code.as_str()), c))
                    .collect()
            })
            .collect();
        let looked = input
            .coders
            .values()
            .map(|codings| codings.iter().map(|c| c.segment.as_str()).collect())
            .collect();
        Ok(Coders {
            names,
            rows,
            looked,
        })
    }

    /// The segments at least one coder looked at.
    fn segments(&self) -> BTreeSet<&'a str> {
        self.looked.iter().flatten().copied().collect()
    }

    /// What coder `k` said about `code` in `unit`.
    fn verdict(&self, k: usize, unit: &UnitRef, code: &str) -> (Verdict, Option<Stance>) {
        if !self.looked[k].contains(unit.segment) {
            return (Verdict::NotLooked, None);
        }
        let Some(c) = self.rows[k].get(&(unit.segment, code)) else {
            return (Verdict::NotCoded, None);
        };
        match c.decision {
            Decision::Reject => (Verdict::Reject, None),
            Decision::Accept => match (&unit.sentence, c.span) {
                (Some((_, r)), Some([a, b])) if !(a < r.end && b.max(a + 1) > r.start) => {
                    (Verdict::OtherSentence, None)
                }
                _ => (Verdict::Accept, Some(c.stance)),
            },
        }
    }

    /// What each coder did among the codes compared (`chosen`).
    fn summaries(&self, input: &Input, chosen: &HashSet<&str>) -> Vec<CoderSummary> {
        self.names
            .iter()
            .enumerate()
            .map(|(k, name)| CoderSummary {
                coder: name.to_string(),
                segments: self.looked[k].len(),
                accepted: input.coders[*name]
                    .iter()
                    .filter(|c| c.decision == Decision::Accept && chosen.contains(c.code.as_str()))
                    .count(),
            })
            .collect()
    }
}

/// The comparison code by code: the disagreements found, and per unit and coder the
/// (configuration, mechanism) pairs linked so far.
struct Comparison<'a> {
    coders: &'a Coders<'a>,
    units: &'a [UnitRef<'a>],
    by_id: &'a HashMap<&'a str, &'a Segment>,
    /// The configurations each mechanism or counter-mechanism is listed under.
    mechanism_configs: HashMap<&'a str, BTreeSet<&'a str>>,
    /// Per unit and coder; `None` for a coder who did not look at the unit.
    links: Vec<Vec<Option<Links<'a>>>>,
    disagreements: Vec<Disagreement>,
}

impl<'a> Comparison<'a> {
    fn new(
        coders: &'a Coders<'a>,
        units: &'a [UnitRef<'a>],
        by_id: &'a HashMap<&'a str, &'a Segment>,
        configurations: &'a [Configuration],
    ) -> Comparison<'a> {
        let mut mechanism_configs: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for c in configurations {
            for m in c
                .mechanisms
                .iter()
                .map(|m| &m.code)
                .chain(&c.counter_mechanisms)
            {
                mechanism_configs
                    .entry(m.id.as_str())
                    .or_default()
                    .insert(c.id.as_str());
            }
        }
        let links = units
            .iter()
            .map(|u| {
                (0..coders.names.len())
                    .map(|k| coders.looked[k].contains(u.segment).then(BTreeSet::new))
                    .collect()
            })
            .collect();
        Comparison {
            coders,
            units,
            by_id,
            mechanism_configs,
            links,
            disagreements: Vec::new(),
        }
    }

    /// The reliability data of `code`: presence for every unit, stance for the units a
    /// coder accepted it in. Notes its disagreements and the links its accepts make.
    fn code(&mut self, code: &'a str) -> (Data<bool>, Data<Stance>) {
        let mut presence = Vec::with_capacity(self.units.len());
        let mut stance = Vec::new();
        for (ui, unit) in self.units.iter().enumerate() {
            let said: Vec<(Verdict, Option<Stance>)> = (0..self.coders.names.len())
                .map(|k| self.coders.verdict(k, unit, code))
                .collect();
            let values: Vec<Option<bool>> = said
                .iter()
                .map(|(v, _)| match v {
                    Verdict::NotLooked => None,
                    v => Some(*v == Verdict::Accept),
                })
                .collect();
            let stances: Vec<Option<Stance>> = said.iter().map(|(_, s)| *s).collect();
            for (k, (v, _)) in said.iter().enumerate() {
                if *v == Verdict::Accept
                    && let Some(configs) = self.mechanism_configs.get(code)
                    && let Some(set) = &mut self.links[ui][k]
                {
                    set.extend(configs.iter().map(|c| (*c, code)));
                }
            }
            let given: Vec<bool> = values.iter().flatten().copied().collect();
            let about = if given.len() >= 2 && given.iter().any(|v| *v != given[0]) {
                Some(About::Presence)
            } else {
                let s: Vec<Stance> = stances.iter().flatten().copied().collect();
                (s.len() >= 2 && s.iter().any(|v| *v != s[0])).then_some(About::Stance)
            };
            if let Some(about) = about {
                let disagreement = self.disagreement(code, unit, about, &said);
                self.disagreements.push(disagreement);
            }
            if stances.iter().any(Option::is_some) {
                stance.push(stances);
            }
            presence.push(values);
        }
        (presence, stance)
    }

    fn disagreement(
        &self,
        code: &str,
        unit: &UnitRef,
        about: About,
        said: &[(Verdict, Option<Stance>)],
    ) -> Disagreement {
        Disagreement {
            code: code.to_string(),
            unit: unit.name(),
            segment: unit.segment.to_string(),
            sentence: unit.sentence.as_ref().map(|(i, _)| i + 1),
            role: self.by_id.get(unit.segment).map(|s| role_label(s)),
            about,
            said: said
                .iter()
                .zip(&self.coders.names)
                .map(|((verdict, stance), coder)| Said {
                    coder: coder.to_string(),
                    verdict: *verdict,
                    stance: *stance,
                })
                .collect(),
        }
    }
}

/// Agreement on which configurations, and which mechanisms, the units that at least one
/// coder linked are linked to.
fn configuration_agreement(links: &[Vec<Option<Links>>]) -> ConfigurationAgreement {
    let linked: Vec<&Vec<Option<Links>>> = links
        .iter()
        .filter(|row| row.iter().flatten().any(|set| !set.is_empty()))
        .collect();
    let configuration: Vec<Vec<Option<BTreeSet<&str>>>> = linked
        .iter()
        .map(|row| {
            row.iter()
                .map(|set| set.as_ref().map(|s| s.iter().map(|(c, _)| *c).collect()))
                .collect()
        })
        .collect();
    let mechanism: Vec<Vec<Option<Links>>> = linked.into_iter().cloned().collect();
    ConfigurationAgreement {
        configuration: measure(&configuration),
        mechanism: measure(&mechanism),
    }
}

/// A disagreement among the coders whose decisions count as evidence, with its segment's role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceDisagreement {
    /// What each coder and the adjudicator decided, and what counts.
    #[serde(flatten)]
    pub disagreement: rule::Disagreement,
    /// The speaker's role label (never a name); `None` when the study's segments are not at
    /// hand.
    pub role: Option<String>,
    /// The code's label; `None` when no codebook has the code.
    pub label: Option<String>,
}

/// What `icamo agree --evidence` reports: where the coders whose decisions count disagree,
/// and what the study's rule made of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceReport {
    /// The rule: whose decisions count, how they combine, the adjudicator.
    pub rule: EvidenceRule,
    /// The disagreements, by code, then segment.
    pub disagreements: Vec<EvidenceDisagreement>,
    /// How many of them the adjudicator decided.
    pub settled: usize,
}

/// The disagreements among the coders `rule` counts in `decided` (see
/// [`crate::coding::rule`]), by code and then segment, each with its segment's role (from
/// `segments`, which may be empty) and the coders' notes with every name `identities` knows
/// redacted; with `code`, only that code and the codes under it (as `--code` selects them in
/// `books`).
pub fn evidence_disagreements(
    decided: &Decided,
    rule: &EvidenceRule,
    segments: &[Segment],
    books: &[Codebook],
    code: Option<&str>,
    identities: &Identities,
) -> Result<EvidenceReport, Error> {
    let chosen = match code {
        Some(id) => {
            let coded: BTreeSet<&str> = decided.keys().map(|(_, c)| c.as_str()).collect();
            Some(select_codes(id, books, &coded)?)
        }
        None => None,
    };
    let roles: HashMap<&str, &Segment> = segments.iter().map(|s| (s.id.as_str(), s)).collect();
    let codes = Codes::new(books);
    let mut disagreements: Vec<EvidenceDisagreement> = disagreements(decided, rule)
        .into_iter()
        .filter(|d| chosen.as_ref().is_none_or(|c| c.contains(&d.code)))
        .map(|mut d| {
            for said in d.coders.iter_mut().chain(&mut d.adjudicator) {
                said.note = said.note.as_deref().map(|n| identities.redact(n));
            }
            d
        })
        .map(|d| EvidenceDisagreement {
            role: roles.get(d.segment.as_str()).map(|s| role_label(s)),
            label: codes.get(&d.code).map(|c| c.label.clone()),
            disagreement: d,
        })
        .collect();
    disagreements.sort_by(|a, b| {
        let key = |d: &EvidenceDisagreement| {
            (d.disagreement.code.clone(), d.disagreement.segment.clone())
        };
        key(a).cmp(&key(b))
    });
    Ok(EvidenceReport {
        rule: rule.clone(),
        settled: disagreements
            .iter()
            .filter(|d| d.disagreement.adjudicator.is_some())
            .count(),
        disagreements,
    })
}

/// Warnings for the codes a coder's file names that no codebook has: one per code, at the
/// first line that names it. `shown` is how the file is named in the warning.
pub fn unknown_codes(path: &Path, shown: &Path, books: &[Codebook]) -> Result<Vec<Warning>, Error> {
    let bytes = read_csv_bytes(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let Some(code_col) = reader
        .headers()
        .ok()
        .and_then(|h| h.iter().position(|h| h.trim() == "code"))
    else {
        return Ok(Vec::new());
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (line, record) in numbered_records(&mut reader).flatten() {
        let code = record.get(code_col).unwrap_or("").trim();
        if code.is_empty() || books.iter().any(|b| b.code(code).is_some()) {
            continue;
        }
        if seen.insert(code.to_string()) {
            out.push(Warning {
                path: shown.to_path_buf(),
                line,
                message: format!(
                    "code \"{code}\" is in no codebook (a typo, or a code since renamed?); it is compared all the same"
                ),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_end_marks_followed_by_space_and_at_line_breaks() {
        let text = "Eerst dit. Dan \"dat?\" En 3.5 keer z.o.z.\nNieuwe regel zonder punt";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            [
                "Eerst dit.",
                "Dan \"dat?\"",
                "En 3.5 keer z.o.z.",
                "Nieuwe regel zonder punt"
            ]
        );
        assert!(sentences("  \n ").is_empty());
    }

    #[test]
    fn two_coders_who_always_agree_on_one_value_have_no_alpha_or_kappa() {
        let data = vec![vec![Some(1), Some(1)], vec![Some(1), Some(1)]];
        let a = measure(&data);
        assert_eq!(a.agreement, Some(1.0));
        assert_eq!((a.alpha, a.kappa), (None, None));
    }

    #[test]
    fn units_with_one_value_do_not_count() {
        let data = vec![
            vec![Some('a'), None],
            vec![Some('a'), Some('a')],
            vec![Some('b'), Some('b')],
            vec![None, None],
        ];
        let a = measure(&data);
        assert_eq!((a.units, a.pairable), (3, 2));
        assert_eq!(a.alpha, Some(1.0));
        assert_eq!(a.kappa, Some(1.0));
    }
}

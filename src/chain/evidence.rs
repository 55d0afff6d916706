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
use crate::coding::manual::{QuoteVersions, Status};
use crate::coding::rule::Counting;
use crate::coding::{Quote, Stance};
use crate::privacy::{case_of, person};
use crate::transcript::Segment;

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
    /// Segments that contradict it where a barrier stands (see [`Voices::barred`]); not
    /// among `contradicts`.
    pub barriers: usize,
}

impl Counts {
    fn add(&mut self, said: Said) {
        self.segments += 1;
        match said {
            Said::Stance(Stance::Supports) => self.supports += 1,
            Said::Stance(Stance::Contradicts) => self.contradicts += 1,
            Said::Stance(Stance::Nuance) => self.nuance += 1,
            Said::Stance(Stance::None) => {}
            Said::Barrier => self.barriers += 1,
        }
    }
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
    /// Of which contradicting where a barrier stands (not among `contradicts`).
    pub barriers: usize,
}

impl StanceCounts {
    fn add(&mut self, said: Said) {
        self.segments += 1;
        match said {
            Said::Stance(Stance::Supports) => self.supports += 1,
            Said::Stance(Stance::Contradicts) => self.contradicts += 1,
            Said::Stance(Stance::Nuance) => self.nuance += 1,
            Said::Stance(Stance::None) => {}
            Said::Barrier => self.barriers += 1,
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
    /// Whether the speaker's role wrote the programme theory.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub theory: bool,
    /// The barriers the segment names, where it contradicts the code because of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub barriers: Vec<String>,
    /// Who spoke, for the spread over speakers; reports do not print it.
    #[serde(skip)]
    pub speaker: String,
    /// Bytes of `text` the coding points at (none: the whole turn), to cut around them.
    #[serde(skip)]
    pub spans: Vec<[usize; 2]>,
    /// The readable version and translation the coder wrote.
    #[serde(flatten)]
    pub versions: QuoteVersions,
    /// The interviewer's turn just before it, which a short answer answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
}

/// A turn of the interviewer's, as a quote shows what it answers: role label and text, never
/// a name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Asked {
    /// The interviewer's role label (`interviewer`).
    pub role: String,
    /// The turn's text.
    pub text: String,
}

/// The evidence for one code.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CodeEvidence {
    /// Totals, in fragments.
    pub counts: Counts,
    /// What everyone but the theory's authors said, in people and cases: what the verdict
    /// weighs.
    pub voices: Voices,
    /// What the theory's authors said (roles of a perspective marked `theory`).
    pub theory: Voices,
    /// Per perspective, in the manifest's order, roles in none last ([`OTHER_ROLES`]); empty
    /// when the study has no perspectives.
    pub by_perspective: Vec<PerspectiveVoices>,
    /// The barriers named where the code fails, with how many respondents named each.
    pub barriers: BTreeMap<String, usize>,
    /// Per role label.
    pub by_role: BTreeMap<String, StanceCounts>,
    /// Per case (`—` for documents without a case).
    pub by_case: BTreeMap<String, StanceCounts>,
    /// Per case, what the respondents said, the theory's authors left out: the case ×
    /// mechanism appendix counts people, as the text does.
    pub by_case_people: BTreeMap<String, Voices>,
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
    /// Per code id, the codes outside every configuration (see `gather`), each counted as
    /// coded: a fragment counts for the code it was coded with, not for the codes above it.
    pub outside: BTreeMap<String, CodeEvidence>,
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

/// How the evidence is read beyond the codings themselves: which roles form which perspective
/// (and which of them wrote the programme theory), and which context codes the codebook marks
/// as barriers.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The perspectives, in the manifest's order; none: every role pooled.
    pub perspectives: Vec<Group>,
    /// Context codes the codebook marks as barriers (`effect = "barrier"`), with the codes
    /// under them.
    pub barriers: BTreeSet<String>,
    /// Respondent id → attribute → value, for the attributes perspectives are split by.
    pub attributes: HashMap<String, BTreeMap<String, String>>,
}

/// A perspective as the evidence counts it: a name and its roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// The name the report shows.
    pub name: String,
    /// The role labels in it.
    pub roles: BTreeSet<String>,
    /// Whether these roles wrote the programme theory.
    pub theory: bool,
    /// The speaker attribute whose values split it into parts (`route`).
    pub split_by: Option<String>,
}

/// The name under which roles in no perspective are counted, when the manifest has
/// perspectives.
pub const OTHER_ROLES: &str = "overige rollen";

impl Reading {
    /// The reading of a study's `[[perspectives]]`, with no barriers (see [`Reading::barriers`]).
    pub fn of(manifest: &crate::manifest::Manifest) -> Reading {
        let perspectives: Vec<Group> = manifest
            .perspectives
            .iter()
            .map(|p| Group {
                name: p.name.get_ref().clone(),
                roles: p.roles.iter().map(|r| r.get_ref().clone()).collect(),
                theory: p.theory,
                split_by: p.split_by.as_ref().map(|a| a.get_ref().clone()),
            })
            .collect();
        let split: BTreeSet<&String> = perspectives
            .iter()
            .filter_map(|g| g.split_by.as_ref())
            .collect();
        let attributes = manifest
            .speakers
            .iter()
            .filter_map(|s| {
                let values: BTreeMap<String, String> = s
                    .attributes
                    .iter()
                    .filter(|(k, _)| split.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Some((s.respondent.clone()?, values))
            })
            .collect();
        Reading {
            perspectives,
            barriers: BTreeSet::new(),
            attributes,
        }
    }

    /// The value of the attribute `s`'s perspective is split by, for `s`'s respondent.
    fn part_of(&self, s: &Segment) -> Option<String> {
        let attribute = self.group_of(&s.role)?.split_by.as_ref()?;
        let values = self.attributes.get(s.respondent.as_ref()?)?;
        values.get(attribute).cloned()
    }

    /// The perspective `role` belongs to; `None` for a role in none.
    fn group_of(&self, role: &str) -> Option<&Group> {
        self.perspectives.iter().find(|g| g.roles.contains(role))
    }

    /// Whether `role` wrote the programme theory.
    pub fn is_theory(&self, role: &str) -> bool {
        self.group_of(role).is_some_and(|g| g.theory)
    }

    /// The roles that wrote the theory, in the manifest's order.
    pub fn theory_roles(&self) -> Vec<String> {
        self.perspectives
            .iter()
            .filter(|g| g.theory)
            .flat_map(|g| g.roles.iter().cloned())
            .collect()
    }
}

/// What one group of speakers said about a code: fragments, and the people and cases they
/// come from. The verdict weighs people, so one talkative respondent counts once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Voices {
    /// Coded fragments.
    pub fragments: usize,
    /// Distinct respondents (a written document counts as one).
    pub people: usize,
    /// Distinct cases (documents without a case not counted).
    pub cases: usize,
    /// Respondents with at least one fragment that supports the code.
    pub supports: usize,
    /// Respondents with at least one fragment that contradicts it.
    pub contradicts: usize,
    /// Respondents with at least one fragment that nuances it.
    pub nuance: usize,
    /// Respondents who say it fails where a barrier stands (a contradiction coded with a
    /// context code the codebook marks as a barrier): the code works only without it.
    pub barred: usize,
    /// Respondents with any of these stances.
    pub stanced: usize,
    /// Fragments the rules suggest that nobody has reviewed yet, and that do not count.
    pub open: usize,
}

/// How a fragment bears on a code, as the evidence reads it: a contradiction that names a
/// barrier is read as the barrier's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    Stance(Stance),
    Barrier,
}

/// The sets a [`Voices`] is counted from.
#[derive(Debug, Default)]
struct VoiceSets {
    fragments: usize,
    open: usize,
    people: BTreeSet<String>,
    cases: BTreeSet<String>,
    supports: BTreeSet<String>,
    contradicts: BTreeSet<String>,
    nuance: BTreeSet<String>,
    barred: BTreeSet<String>,
}

impl VoiceSets {
    fn add(&mut self, s: &Segment, said: Said) {
        let who = voice(s);
        self.fragments += 1;
        if let Some(case) = &s.case {
            self.cases.insert(case.clone());
        }
        let set = match said {
            Said::Stance(Stance::Supports) => Some(&mut self.supports),
            Said::Stance(Stance::Contradicts) => Some(&mut self.contradicts),
            Said::Stance(Stance::Nuance) => Some(&mut self.nuance),
            Said::Stance(Stance::None) => None,
            Said::Barrier => Some(&mut self.barred),
        };
        if let Some(set) = set {
            set.insert(who.clone());
        }
        self.people.insert(who);
    }

    fn finish(&self) -> Voices {
        let stanced: BTreeSet<&String> = self
            .supports
            .iter()
            .chain(&self.contradicts)
            .chain(&self.nuance)
            .chain(&self.barred)
            .collect();
        Voices {
            fragments: self.fragments,
            people: self.people.len(),
            cases: self.cases.len(),
            supports: self.supports.len(),
            contradicts: self.contradicts.len(),
            nuance: self.nuance.len(),
            barred: self.barred.len(),
            stanced: stanced.len(),
            open: self.open,
        }
    }
}

/// Who a fragment counts for: its respondent, or for a written document the document.
fn voice(s: &Segment) -> String {
    if s.is_written() {
        format!("doc:{}", s.doc)
    } else {
        person(s)
    }
}

/// One perspective's voices on a code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PerspectiveVoices {
    /// The perspective's name ([`OTHER_ROLES`] for roles in none).
    pub name: String,
    /// Whether its roles wrote the programme theory.
    pub theory: bool,
    /// What it said.
    pub voices: Voices,
    /// Per value of the attribute it is split by (`B1-route`, `Z-route`), in value order;
    /// empty when it is not split.
    pub parts: Vec<(String, Voices)>,
}

/// Gathers the evidence for `wanted` codes (each with the codes under it) from `quotes`
/// (confirmed codings, and suggestions if they were asked for; suggestions that do not count
/// are counted as open), and counts respondents per role × case in `population`, the study's.
/// The `outside` codes (those no configuration names) are counted too, each as coded, into
/// [`Evidence::outside`], so a report can show what came up beside the configurations.
pub(crate) fn gather(
    wanted: &BTreeSet<String>,
    outside: &BTreeSet<String>,
    codes: &Codes,
    quotes: &[Quote],
    population: &Population,
    include_suggestions: bool,
    reading: &Reading,
) -> Evidence {
    let respondents = population.respondents();

    // Which wanted codes a coded code counts for: itself and every wanted ancestor; and
    // itself as coded, apart, when it is outside the configurations.
    let mut counts_for: HashMap<&str, Vec<Target>> = HashMap::new();
    for w in wanted {
        for d in codes.with_descendants(w) {
            counts_for
                .entry(d)
                .or_default()
                .push((Scope::Tree, w.as_str()));
        }
    }
    for o in outside {
        counts_for
            .entry(o.as_str())
            .or_default()
            .push((Scope::AsCoded, o.as_str()));
    }
    let quotes: Vec<(Quote, Option<String>)> = quotes
        .iter()
        .map(|q| {
            let (segment, via) = population.speaking_for(&q.segment);
            let coding = q.coding.clone();
            let asked = q.asked.clone();
            (
                Quote {
                    coding,
                    segment,
                    asked,
                },
                via,
            )
        })
        .collect();
    let counts = |q: &Quote| include_suggestions || q.coding.status == Status::Confirmed;
    let mut via: HashMap<&str, &str> = HashMap::new();
    for (q, v) in &quotes {
        if let Some(v) = v {
            via.insert(q.segment.id.as_str(), v.as_str());
        }
    }
    let barriers = barriers_on(quotes.iter().map(|(q, _)| q).filter(|q| counts(q)), reading);
    let mut per_code: BTreeMap<(Scope, String), BTreeMap<String, &Quote>> = BTreeMap::new();
    let mut open: BTreeMap<(Scope, String), BTreeMap<String, &Quote>> = BTreeMap::new();
    let mut counted = 0;
    for q in quotes.iter().map(|(q, _)| q) {
        let Some(targets) = counts_for.get(q.coding.code.as_str()) else {
            continue;
        };
        if !counts(q) {
            for &(scope, t) in targets {
                open.entry((scope, t.to_string()))
                    .or_default()
                    .insert(q.segment.id.clone(), q);
            }
            continue;
        }
        // The codings of the configurations' codes are the evidence the report states the
        // number of; those outside them are counted apart.
        if targets.iter().any(|(scope, _)| *scope == Scope::Tree) {
            counted += 1;
        }
        for &(scope, t) in targets {
            // A segment counts once per code: a confirmed coding, then the higher score, wins.
            let slot = per_code.entry((scope, t.to_string())).or_default();
            match slot.get(&q.segment.id) {
                Some(old) if rank_key(old) <= rank_key(q) => {}
                _ => {
                    slot.insert(q.segment.id.clone(), q);
                }
            }
        }
    }
    let context = Context {
        reading,
        barriers: &barriers,
        respondents: &respondents,
        via: &via,
    };
    let mut out = BTreeMap::new();
    let mut beside = BTreeMap::new();
    let mut all: BTreeSet<(Scope, String)> = per_code.keys().cloned().collect();
    all.extend(open.keys().cloned());
    for key in all {
        let by_segment = per_code.remove(&key).unwrap_or_default();
        let mut waiting = open.remove(&key).unwrap_or_default();
        // A suggestion for a segment that already counts for the code waits for nothing.
        waiting.retain(|segment, _| !by_segment.contains_key(segment));
        let ev = context.code_evidence(by_segment, waiting);
        match key {
            (Scope::Tree, code) => out.insert(code, ev),
            (Scope::AsCoded, code) => beside.insert(code, ev),
        };
    }
    Evidence {
        include_suggestions,
        codes: out,
        outside: beside,
        respondents,
        codings: counted,
        unlisted: population.unlisted().clone(),
        counting: None,
    }
}

/// How a code's evidence is gathered: with the codes under it (a configuration's code), or
/// only its own codings (a code outside the configurations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Tree,
    AsCoded,
}

/// A code a coding counts for, and how.
type Target<'w> = (Scope, &'w str);

/// The barrier codes each segment carries, among `quotes` that count.
fn barriers_on<'q>(
    quotes: impl Iterator<Item = &'q Quote>,
    reading: &Reading,
) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for q in quotes {
        if reading.barriers.contains(&q.coding.code) {
            let list = out.entry(q.segment.id.clone()).or_default();
            if !list.contains(&q.coding.code) {
                list.push(q.coding.code.clone());
            }
        }
    }
    out
}

/// What every code's evidence is read against.
struct Context<'a> {
    reading: &'a Reading,
    /// Segment id → the barrier codes it carries.
    barriers: &'a HashMap<String, Vec<String>>,
    respondents: &'a BTreeMap<(String, String), usize>,
    /// Segment id → the interpreter's role, where an interpreter spoke.
    via: &'a HashMap<&'a str, &'a str>,
}

impl Context<'_> {
    /// A code's evidence from its counted quotes and its open suggestions, both by segment.
    fn code_evidence(
        &self,
        by_segment: BTreeMap<String, &Quote>,
        waiting: BTreeMap<String, &Quote>,
    ) -> CodeEvidence {
        let mut ev = CodeEvidence::default();
        let mut speakers = BTreeSet::new();
        let mut tallies = Tallies::default();
        let mut barred: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut ranked: Vec<&Quote> = by_segment.into_values().collect();
        ranked.sort_by_key(|q| rank_key(q));
        for q in &ranked {
            let s = &q.segment;
            if !s.is_written() {
                speakers.insert(person(s));
            }
            let said = self.said(q);
            if said == Said::Barrier {
                for b in self.barriers_of(q) {
                    barred.entry(b).or_default().insert(voice(s));
                }
            }
            ev.by_role.entry(s.role.clone()).or_default().add(said);
            ev.by_case.entry(case_of(s)).or_default().add(said);
            ev.counts.add(said);
            for set in self.sets(s, &mut tallies) {
                set.add(s, said);
            }
        }
        for q in waiting.values() {
            for set in self.sets(&q.segment, &mut tallies) {
                set.open += 1;
            }
        }
        ev.counts.respondents = speakers.len();
        ev.voices = tallies.pooled.finish();
        ev.theory = tallies.theory.finish();
        ev.by_perspective = self.perspectives(&tallies);
        ev.by_case_people = tallies
            .cases
            .iter()
            .map(|(case, sets)| (case.clone(), sets.finish()))
            .collect();
        ev.barriers = barred.into_iter().map(|(b, who)| (b, who.len())).collect();
        let quotes: Vec<EvidenceQuote> = ranked.iter().map(|q| self.quote(q)).collect();
        ev.quotes = spread(quotes);
        ev
    }

    /// How `q` bears on its code: a contradiction on a segment that names a barrier is the
    /// barrier's, not a contradiction.
    fn said(&self, q: &Quote) -> Said {
        if q.coding.stance == Stance::Contradicts && !self.barriers_of(q).is_empty() {
            Said::Barrier
        } else {
            Said::Stance(q.coding.stance)
        }
    }

    /// The barrier codes on `q`'s segment other than its own code.
    fn barriers_of(&self, q: &Quote) -> Vec<String> {
        self.barriers
            .get(&q.segment.id)
            .map(|list| {
                list.iter()
                    .filter(|b| **b != q.coding.code)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The sets a fragment of `s` counts in: the theory's or the pooled ones, its
    /// perspective's, and its part of that perspective where it is split (see
    /// [`Context::perspectives`]).
    fn sets<'s>(&self, s: &Segment, tallies: &'s mut Tallies) -> Vec<&'s mut VoiceSets> {
        let group = self.group_index(&s.role);
        let main = if self.reading.is_theory(&s.role) {
            &mut tallies.theory
        } else {
            &mut tallies.pooled
        };
        let theory = self.reading.is_theory(&s.role);
        let mut sets = vec![main, tallies.groups.entry(group).or_default()];
        if let Some(part) = self.reading.part_of(s) {
            sets.push(tallies.parts.entry((group, part)).or_default());
        }
        if !theory {
            sets.push(tallies.cases.entry(case_of(s)).or_default());
        }
        sets
    }

    /// The place of `role`'s perspective in the manifest's order; roles in none after them.
    fn group_index(&self, role: &str) -> usize {
        let groups = &self.reading.perspectives;
        groups
            .iter()
            .position(|g| g.roles.contains(role))
            .unwrap_or(groups.len())
    }

    /// The perspectives' voices, in the manifest's order, each one listed (a perspective that
    /// said nothing shows as such); roles in none last, when they said something. Empty when
    /// the study has no perspectives.
    fn perspectives(&self, tallies: &Tallies) -> Vec<PerspectiveVoices> {
        let declared = &self.reading.perspectives;
        if declared.is_empty() {
            return Vec::new();
        }
        let parts = |i: usize| -> Vec<(String, Voices)> {
            tallies
                .parts
                .iter()
                .filter(|((g, _), _)| *g == i)
                .map(|((_, value), sets)| (value.clone(), sets.finish()))
                .collect()
        };
        let mut out: Vec<PerspectiveVoices> = declared
            .iter()
            .enumerate()
            .map(|(i, g)| PerspectiveVoices {
                name: g.name.clone(),
                theory: g.theory,
                voices: tallies
                    .groups
                    .get(&i)
                    .map(VoiceSets::finish)
                    .unwrap_or_default(),
                parts: parts(i),
            })
            .collect();
        if let Some(rest) = tallies.groups.get(&declared.len()) {
            out.push(PerspectiveVoices {
                name: OTHER_ROLES.to_string(),
                theory: false,
                voices: rest.finish(),
                parts: Vec::new(),
            });
        }
        out
    }

    /// `q` as a report may show it.
    fn quote(&self, q: &Quote) -> EvidenceQuote {
        let s = &q.segment;
        let barriers = match self.said(q) {
            Said::Barrier => self.barriers_of(q),
            Said::Stance(_) => Vec::new(),
        };
        EvidenceQuote {
            segment: s.id.clone(),
            role: s.role.clone(),
            case: s.case.clone(),
            text: s.text.clone(),
            stance: q.coding.stance,
            confirmed: q.coding.status == Status::Confirmed,
            score: q.coding.score,
            via: self.via.get(s.id.as_str()).map(|v| v.to_string()),
            identifying: self
                .respondents
                .get(&(s.role.clone(), case_of(s)))
                .is_some_and(|&n| n == 1),
            theory: self.reading.is_theory(&s.role),
            barriers,
            speaker: person(s),
            spans: q.coding.spans.clone(),
            versions: q.coding.versions.clone(),
            asked: q.asked.as_ref().map(|a| Asked {
                role: crate::privacy::role_label(a),
                text: a.text.clone(),
            }),
        }
    }
}

/// What one code's fragments are counted into.
#[derive(Debug, Default)]
struct Tallies {
    /// Everyone but the theory's authors.
    pooled: VoiceSets,
    /// The theory's authors.
    theory: VoiceSets,
    /// Per perspective, by its place in the manifest (roles in none after the last).
    groups: BTreeMap<usize, VoiceSets>,
    /// Per perspective and value of the attribute it is split by.
    parts: BTreeMap<(usize, String), VoiceSets>,
    /// Per case (`—` for none), everyone but the theory's authors.
    cases: BTreeMap<String, VoiceSets>,
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
    use crate::codebook::CodebookSet;
    use crate::coding::manual::{EffectiveCoding, Origin};
    use crate::lang::Language;

    const BOOK: &str = r#"
[codebook]
name = "t"

[[codes]]
id = "m.1"
label = "M1"
kind = "mechanism"
process = "p"
subgoal = "s"
[codes.rules]
keywords = ["m"]

[[codes]]
id = "ctx.discriminatie"
label = "Discriminatie"
kind = "context"
level = "maatschappelijk"
[codes.rules]
keywords = ["d"]
"#;

    /// A turn of respondent `who` (role, case) in document `doc`.
    fn turn(doc: &str, ordinal: u32, who: &str, role: &str, case: &str) -> Segment {
        Segment {
            id: Segment::make_id(doc, ordinal),
            doc: doc.into(),
            ordinal,
            speaker: who.into(),
            respondent: Some(who.into()),
            role: role.into(),
            case: Some(case.into()),
            group: None,
            interviewer: false,
            lang: Language::Dutch,
            start_ms: None,
            end_ms: None,
            line: 1,
            byte_start: 0,
            byte_end: 5,
            char_start: 0,
            char_end: 5,
            text: "Tekst".into(),
        }
    }

    fn coded(segment: &Segment, code: &str, stance: Stance, status: Status) -> Quote {
        Quote {
            coding: EffectiveCoding {
                segment: segment.id.clone(),
                code: code.into(),
                status,
                origin: Origin::Manual,
                stance,
                disputed: false,
                coders: Vec::new(),
                score: None,
                spans: Vec::new(),
                versions: Default::default(),
            },
            segment: segment.clone(),
            asked: None,
        }
    }

    /// The evidence for `m.1` from `quotes`, read as `reading` says.
    fn evidence_of(quotes: &[Quote], reading: &Reading) -> CodeEvidence {
        let set = CodebookSet::parse("cb.toml", BOOK).unwrap();
        let mut population = Population::default();
        let segments: Vec<Segment> = quotes.iter().map(|q| q.segment.clone()).collect();
        population.add_document(&segments);
        let wanted: BTreeSet<String> = ["m.1".to_string()].into();
        let outside = BTreeSet::new();
        gather(
            &wanted,
            &outside,
            &set.codes(),
            quotes,
            &population,
            false,
            reading,
        )
        .of("m.1")
    }

    fn perspectives(theory: bool) -> Reading {
        let group = |name: &str, roles: &[&str], theory: bool| Group {
            name: name.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            theory,
            split_by: None,
        };
        Reading {
            perspectives: vec![
                group("beleid", &["professional beleid"], theory),
                group("inburgeraars", &["statushouder"], false),
            ],
            barriers: BTreeSet::new(),
            attributes: HashMap::new(),
        }
    }

    #[test]
    fn three_fragments_from_two_respondents_count_two_people() {
        let a1 = turn("int-a", 1, "R01", "statushouder", "Havenstad");
        let a2 = turn("int-a", 2, "R01", "statushouder", "Havenstad");
        let b = turn("int-b", 1, "R02", "statushouder", "Veenoord");
        let quotes = [
            coded(&a1, "m.1", Stance::Supports, Status::Confirmed),
            coded(&a2, "m.1", Stance::Supports, Status::Confirmed),
            coded(&b, "m.1", Stance::Supports, Status::Confirmed),
        ];
        let ev = evidence_of(&quotes, &Reading::default());
        assert_eq!(ev.counts.segments, 3);
        assert_eq!(ev.counts.supports, 3);
        assert_eq!(
            ev.voices,
            Voices {
                fragments: 3,
                people: 2,
                cases: 2,
                supports: 2,
                stanced: 2,
                ..Voices::default()
            }
        );
        assert_eq!(
            crate::chain::verdict::verdict(&ev.voices),
            crate::chain::verdict::Verdict::Insufficient
        );
    }

    #[test]
    fn the_theorys_authors_are_shown_apart_not_counted_as_support() {
        let p1 = turn("fg-beleid", 1, "P01", "professional beleid", "Havenstad");
        let p2 = turn("fg-beleid", 2, "P02", "professional beleid", "Havenstad");
        let r = turn("int-a", 1, "R01", "statushouder", "Havenstad");
        let quotes = [
            coded(&p1, "m.1", Stance::Supports, Status::Confirmed),
            coded(&p2, "m.1", Stance::Supports, Status::Confirmed),
            coded(&r, "m.1", Stance::Contradicts, Status::Confirmed),
        ];
        let ev = evidence_of(&quotes, &perspectives(true));
        assert_eq!((ev.voices.people, ev.voices.supports), (1, 0));
        assert_eq!(ev.voices.contradicts, 1);
        assert_eq!((ev.theory.people, ev.theory.supports), (2, 2));
        let names: Vec<(&str, bool, usize)> = ev
            .by_perspective
            .iter()
            .map(|p| (p.name.as_str(), p.theory, p.voices.people))
            .collect();
        assert_eq!(names, [("beleid", true, 2), ("inburgeraars", false, 1)]);
        assert!(
            ev.quotes
                .iter()
                .filter(|q| q.theory)
                .all(|q| q.role == "professional beleid")
        );

        // Unless the manifest says they wrote the theory, they are respondents like any other.
        let ev = evidence_of(&quotes, &perspectives(false));
        assert_eq!((ev.voices.people, ev.voices.supports), (3, 2));
        assert_eq!(ev.theory, Voices::default());
    }

    #[test]
    fn a_contradiction_that_names_a_barrier_is_the_barriers() {
        let a = turn("int-a", 1, "R01", "statushouder", "Havenstad");
        let b = turn("int-b", 1, "R02", "statushouder", "Havenstad");
        let quotes = [
            coded(&a, "m.1", Stance::Contradicts, Status::Confirmed),
            coded(&a, "ctx.discriminatie", Stance::None, Status::Confirmed),
            coded(&b, "m.1", Stance::Contradicts, Status::Confirmed),
        ];
        let mut reading = Reading::default();
        reading.barriers.insert("ctx.discriminatie".into());
        let ev = evidence_of(&quotes, &reading);
        assert_eq!((ev.counts.contradicts, ev.counts.barriers), (1, 1));
        assert_eq!((ev.voices.contradicts, ev.voices.barred), (1, 1));
        assert_eq!(ev.barriers, [("ctx.discriminatie".to_string(), 1)].into());
        let barred: Vec<&str> = ev
            .quotes
            .iter()
            .filter(|q| !q.barriers.is_empty())
            .map(|q| q.segment.as_str())
            .collect();
        assert_eq!(barred, ["int-a:0001"]);

        // Without the codebook marking it a barrier, both are contradictions.
        let ev = evidence_of(&quotes, &Reading::default());
        assert_eq!((ev.counts.contradicts, ev.counts.barriers), (2, 0));
    }

    #[test]
    fn suggestions_nobody_reviewed_are_counted_as_open_not_as_evidence() {
        let a = turn("int-a", 1, "R01", "statushouder", "Havenstad");
        let b = turn("int-b", 1, "R02", "statushouder", "Havenstad");
        let quotes = [
            coded(&a, "m.1", Stance::Supports, Status::Confirmed),
            coded(&b, "m.1", Stance::None, Status::Suggested),
        ];
        let ev = evidence_of(&quotes, &perspectives(true));
        assert_eq!((ev.voices.fragments, ev.voices.open), (1, 1));
        assert_eq!(ev.counts.segments, 1);
        assert_eq!(ev.by_perspective[1].voices.open, 1);
        assert_eq!(
            crate::chain::verdict::verdict(&ev.voices),
            crate::chain::verdict::Verdict::AwaitingReview
        );
    }

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
            theory: false,
            barriers: Vec::new(),
            speaker: speaker.into(),
            spans: Vec::new(),
            versions: Default::default(),
            asked: None,
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

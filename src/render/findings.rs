//! The findings and recommendations as the report and the summary show them: each finding with
//! the evidence it rests on filled in (the verdict and the people per mechanism, as the
//! mechanism's own section has them), its quotes under role labels, and links to the sections
//! that hold the rest; and the method paragraph of the summary (sources, people per role,
//! cases, period).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::report::{ConfigurationView, MechanismView, QuoteView, quote_view};
use crate::chain::evidence::{Evidence, NO_CASE, Voices};
use crate::codebook::{CodeKind, Codes};
use crate::findings::{FINDINGS_FILE, Findings};
use crate::manifest::Manifest;

/// The findings as a template shows them (`report.findings`).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct FindingsView {
    /// Whether the author wrote them (a findings file); `false`: icamo drafted them.
    pub written: bool,
    /// Whether they are a draft: drafted by icamo, or a file that still says `draft = true`.
    pub draft: bool,
    /// The findings file's name, for the note on how to write it.
    pub file: &'static str,
    /// The findings, numbered from 1.
    pub findings: Vec<FindingView>,
    /// The recommendations, numbered from 1.
    pub recommendations: Vec<RecommendationView>,
}

/// One finding with its evidence.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingView {
    /// Its number in the report (Bevinding 1…).
    pub number: usize,
    /// Its id in the findings file.
    pub id: String,
    /// The one-line claim.
    pub headline: String,
    /// The paragraph that weighs the evidence (Markdown, the author's).
    pub text: String,
    /// The codes it rests on, with their evidence.
    pub evidence: Vec<EvidenceLine>,
    /// The quotes it rests on, as the report shows quotes.
    pub quotes: Vec<QuoteView>,
    /// The recommendations that follow from it.
    pub advice: Vec<RecommendationRef>,
    /// The report's sections that hold its evidence, a configuration's once, with the
    /// mechanisms in it: the trace the summary gives.
    pub sections: Vec<SectionRef>,
}

/// A section of the report and the mechanisms in it that a finding rests on.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectionRef {
    /// The configuration's heading ("ICAMO 1 — Benadering…").
    pub section: String,
    /// The mechanisms' labels, in the finding's order.
    pub labels: Vec<String>,
}

/// A code a finding rests on, with what the evidence says of it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EvidenceLine {
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// What it is, in the report's words (`mechanisme`, `tegenmechanisme`, `contextfactor`…).
    pub kind: &'static str,
    /// The verdict, for a mechanism or counter-mechanism: the one its section shows.
    pub verdict: Option<String>,
    /// Whether that verdict is bad news for the theory (marked ⚠).
    pub warning: bool,
    /// What the respondents said, in people and fragments (the theory's authors left out).
    pub voices: Voices,
    /// The in-page anchor of its section in the report, where it has one.
    pub anchor: Option<String>,
    /// The configuration its section is under ("ICAMO 1 — Benadering…"), where it has one.
    pub section: Option<String>,
}

/// A recommendation as a finding points at it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RecommendationRef {
    /// Its number (Aanbeveling 1…).
    pub number: usize,
    /// Its text.
    pub text: String,
    /// The number of the finding it names first: the summary gives its text there and refers
    /// to it at the other findings it follows from.
    pub first_finding: usize,
}

/// A recommendation with the findings it follows from.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RecommendationView {
    /// Its number.
    pub number: usize,
    /// The advice (Markdown).
    pub text: String,
    /// The findings it follows from.
    pub findings: Vec<FindingRef>,
}

/// A finding as a recommendation points at it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingRef {
    /// Its number.
    pub number: usize,
    /// Its headline.
    pub headline: String,
}

/// The anchor the report puts before a mechanism's section: `icamo1-icamo1.m1`.
pub(crate) fn anchor(configuration: &str, code: &str) -> String {
    format!("{configuration}-{code}")
}

impl FindingsView {
    /// The view of `findings`, with the evidence of each code taken from the mechanisms'
    /// views where the code is a mechanism (so a finding shows the verdict its section shows),
    /// else from `evidence`.
    pub fn new(
        findings: &Findings,
        configurations: &[ConfigurationView],
        codes: &Codes,
        evidence: &Evidence,
    ) -> FindingsView {
        let number: BTreeMap<&str, usize> = findings
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i + 1))
            .collect();
        let views: Vec<FindingView> = findings
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let evidence_lines: Vec<EvidenceLine> = f
                    .codes
                    .iter()
                    .map(|code| evidence_line(code, configurations, codes, evidence))
                    .collect();
                FindingView {
                    number: i + 1,
                    id: f.id.clone(),
                    headline: f.headline.clone(),
                    text: f.text.clone(),
                    sections: sections(&evidence_lines),
                    evidence: evidence_lines,
                    quotes: finding_quotes(&f.codes, &f.quotes, evidence),
                    advice: findings
                        .recommendations
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.findings.contains(&f.id))
                        .map(|(j, r)| RecommendationRef {
                            number: j + 1,
                            text: r.text.clone(),
                            first_finding: r
                                .findings
                                .first()
                                .and_then(|id| number.get(id.as_str()).copied())
                                .unwrap_or(i + 1),
                        })
                        .collect(),
                }
            })
            .collect();
        let recommendations = findings
            .recommendations
            .iter()
            .enumerate()
            .map(|(j, r)| RecommendationView {
                number: j + 1,
                text: r.text.clone(),
                findings: r
                    .findings
                    .iter()
                    .filter_map(|id| number.get(id.as_str()))
                    .map(|&n| FindingRef {
                        number: n,
                        headline: views[n - 1].headline.clone(),
                    })
                    .collect(),
            })
            .collect();
        FindingsView {
            written: findings.path.is_some(),
            draft: findings.draft,
            file: FINDINGS_FILE,
            findings: views,
            recommendations,
        }
    }
}

/// The sections `lines` point into, each once, in the order they first appear.
fn sections(lines: &[EvidenceLine]) -> Vec<SectionRef> {
    let mut out: Vec<SectionRef> = Vec::new();
    for line in lines {
        let Some(section) = &line.section else {
            continue;
        };
        match out.iter_mut().find(|s| &s.section == section) {
            Some(s) => s.labels.push(line.label.clone()),
            None => out.push(SectionRef {
                section: section.clone(),
                labels: vec![line.label.clone()],
            }),
        }
    }
    out
}

/// The evidence line of `code`: from its first mechanism view if it is a mechanism of a
/// configuration, else its evidence as counted, without a verdict (verdicts are for
/// mechanisms).
fn evidence_line(
    code: &str,
    configurations: &[ConfigurationView],
    codes: &Codes,
    evidence: &Evidence,
) -> EvidenceLine {
    for c in configurations {
        let counter = c.counter_mechanisms.iter().map(|m| (m, true));
        let found = c
            .mechanisms
            .iter()
            .map(|m| (m, false))
            .chain(counter)
            .find(|(m, _)| m.id == code);
        if let Some((m, counter)) = found {
            return mechanism_line(c, m, counter);
        }
    }
    let kind = codes.get(code).map_or(CodeKind::Other, |c| c.kind);
    EvidenceLine {
        code: code.to_string(),
        label: codes
            .get(code)
            .map_or_else(|| code.to_string(), |c| c.label.clone()),
        kind: kind_word(kind),
        verdict: None,
        warning: false,
        voices: evidence.of(code).voices,
        anchor: None,
        section: None,
    }
}

fn mechanism_line(c: &ConfigurationView, m: &MechanismView, counter: bool) -> EvidenceLine {
    EvidenceLine {
        code: m.id.clone(),
        label: m.label.clone(),
        kind: if counter {
            "tegenmechanisme"
        } else {
            "mechanisme"
        },
        verdict: Some(m.verdict.clone()),
        warning: m.warning,
        voices: m.voices.clone(),
        anchor: Some(anchor(&c.id, &m.id)),
        section: Some(format!(
            "{} — {}",
            c.id.to_uppercase().replace("ICAMO", "ICAMO "),
            c.title
        )),
    }
}

/// What a code is, as the report names it.
fn kind_word(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Intervention => "interventie",
        CodeKind::Actor => "actor",
        CodeKind::Mechanism => "mechanisme",
        CodeKind::Context => "contextfactor",
        CodeKind::Outcome => "uitkomst",
        CodeKind::Other => "code",
    }
}

/// The quotes a finding names, found among the evidence of its codes (which
/// `Findings::check_quotes` made sure of), as the report shows quotes.
fn finding_quotes(
    codes: &[String],
    quotes: &[crate::findings::QuoteRef],
    evidence: &Evidence,
) -> Vec<QuoteView> {
    let evidence: Vec<_> = codes.iter().map(|c| evidence.of(c)).collect();
    quotes
        .iter()
        .filter_map(|q| {
            evidence
                .iter()
                .find_map(|ev| ev.quotes.iter().find(|e| e.segment == q.segment))
                .map(quote_view)
        })
        .collect()
}

/// The summary's method paragraph: what the study heard, from whom, where and when.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct MethodView {
    /// Documents per type, as "5 focusgroepen", in the order of the most first.
    pub sources: Vec<String>,
    /// How many documents in all.
    pub documents: usize,
    /// Respondents per role (role labels, never names), in role order.
    pub roles: Vec<RoleCount>,
    /// How many respondents in all.
    pub respondents: usize,
    /// The cases.
    pub cases: Vec<String>,
    /// The first and the last document date, as Dutch dates ("11 maart" and "17 juni 2025":
    /// the year once where both have it), where the manifest gives dates.
    pub period: Option<(String, String)>,
}

/// Respondents of one role.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RoleCount {
    /// The role label.
    pub role: String,
    /// How many respondents.
    pub respondents: usize,
}

impl MethodView {
    /// The method of a study from its manifest's documents and the respondents the evidence
    /// counted.
    pub fn new(manifest: &Manifest, evidence: &Evidence) -> MethodView {
        let mut types: BTreeMap<String, usize> = BTreeMap::new();
        for d in &manifest.documents {
            let kind = d.kind.clone().unwrap_or_else(|| "document".to_string());
            *types.entry(kind).or_default() += 1;
        }
        let mut sources: Vec<(String, usize)> = types.into_iter().collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut roles: BTreeMap<String, usize> = BTreeMap::new();
        let mut cases = BTreeSet::new();
        for ((role, case), n) in &evidence.respondents {
            *roles.entry(role.clone()).or_default() += n;
            if case != NO_CASE {
                cases.insert(case.clone());
            }
        }
        let mut dates: Vec<&str> = manifest
            .documents
            .iter()
            .filter_map(|d| d.date.as_deref())
            .collect();
        dates.sort_unstable();
        MethodView {
            sources: sources.iter().map(|(t, n)| counted(t, *n)).collect(),
            documents: manifest.documents.len(),
            respondents: roles.values().sum(),
            roles: roles
                .into_iter()
                .map(|(role, respondents)| RoleCount { role, respondents })
                .collect(),
            cases: cases.into_iter().collect(),
            period: dates.first().zip(dates.last()).map(|(a, b)| period(a, b)),
        }
    }
}

/// "5 focusgroepen", "1 interview": a count of documents of one type, with the plurals of the
/// types studies use; another type is named as written.
fn counted(kind: &str, n: usize) -> String {
    if n == 1 {
        return format!("1 {kind}");
    }
    let plural = match kind {
        "focusgroep" => "focusgroepen",
        "interview" => "interviews",
        "groepsgesprek" => "groepsgesprekken",
        "gesprek" => "gesprekken",
        "document" => "documenten",
        "beleidsdocument" => "beleidsdocumenten",
        "notitie" => "notities",
        "verslag" => "verslagen",
        "observatie" => "observaties",
        other => return format!("{n} documenten van het type ‘{other}’"),
    };
    format!("{n} {plural}")
}

/// The first and the last date in Dutch, the year said once where both are in the same one.
fn period(first: &str, last: &str) -> (String, String) {
    let (a, b) = (dutch_date(first), dutch_date(last));
    let year = |d: &str| d.rsplit_once(' ').map(|(_, y)| y.to_string());
    match (year(&a), year(&b)) {
        (Some(x), Some(y)) if x == y && x.len() == 4 => {
            (a.trim_end_matches(&format!(" {x}")).to_string(), b)
        }
        _ => (a, b),
    }
}

/// `2025-03-11` as "11 maart 2025"; a date in another form as written.
fn dutch_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => {
            let month = m
                .parse::<usize>()
                .ok()
                .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
            let day = d.parse::<u32>().ok();
            match (month, day) {
                (Some(month), Some(day)) => format!("{day} {month} {y}"),
                _ => date.to_string(),
            }
        }
        [y, m] if y.len() == 4 => m
            .parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map_or_else(|| date.to_string(), |month| format!("{month} {y}")),
        _ => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_sources_read_as_dutch() {
        assert_eq!(dutch_date("2025-03-11"), "11 maart 2025");
        assert_eq!(dutch_date("2025-06"), "juni 2025");
        assert_eq!(dutch_date("voorjaar 2025"), "voorjaar 2025");
        assert_eq!(dutch_date("2025-13-01"), "2025-13-01");
        assert_eq!(
            period("2025-03-11", "2025-06-17"),
            ("11 maart".to_string(), "17 juni 2025".to_string())
        );
        assert_eq!(
            period("2024-12-02", "2025-01-20"),
            ("2 december 2024".to_string(), "20 januari 2025".to_string())
        );
        assert_eq!(counted("focusgroep", 5), "5 focusgroepen");
        assert_eq!(counted("interview", 1), "1 interview");
        assert_eq!(
            counted("werkbezoek", 2),
            "2 documenten van het type ‘werkbezoek’"
        );
    }
}

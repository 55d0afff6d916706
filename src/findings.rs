//! Findings: the author's conclusions and recommendations, written in the study's
//! `findings.toml`, each finding tied to the codes (mechanisms, context factors, outcomes) and
//! the quotes it rests on, each recommendation to the findings it follows from. The report and
//! the summary render them with the evidence filled in, so every conclusion can be traced to
//! its quotes.
//!
//! A [`Findings`] is read and checked against the codebooks here ([`Findings::load`]), and its
//! quotes against the study and the evidence ([`Findings::check_quotes`]); every problem is an
//! [`Error::Findings`] naming file, line and column, and all of them are listed at once. Where
//! a study has no findings file, [`Findings::draft`] drafts one finding per mechanism from the
//! evidence, marked as a draft, and [`write_draft`] writes that draft out for the author to
//! rewrite (never over an existing file).
//!
//! ```
//! use icamo::chain::Model;
//! use icamo::codebook::CodebookSet;
//! use icamo::findings::Findings;
//!
//! let codebook = r#"
//! [codebook]
//! name = "mini"
//! [[codes]]
//! id = "m.werk"
//! label = "Werk motiveert"
//! kind = "mechanism"
//! "#;
//! let model = Model::new(CodebookSet::parse("codeboek.toml", codebook).unwrap());
//! let file = r#"
//! [[finding]]
//! id = "werk"
//! headline = "Werk motiveert voor de les"
//! text = "Wie werkt, gaat gemotiveerder naar de les."
//! codes = ["m.werk"]
//!
//! [[recommendation]]
//! text = "Zoek werk naast de les."
//! findings = ["werk"]
//! "#;
//! let findings = Findings::parse("findings.toml", file, &model.codes()).unwrap();
//! assert_eq!(findings.findings[0].codes, ["m.werk"]);
//! let wrong = file.replace("findings = [\"werk\"]", "findings = [\"wrek\"]");
//! let err = Findings::parse("findings.toml", &wrong, &model.codes()).unwrap_err();
//! assert!(err.to_string().starts_with("findings.toml:10:13: unknown finding \"wrek\""));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::chain::Model;
use crate::chain::evidence::{CodeEvidence, Evidence, Voices};
use crate::chain::verdict::{Subject, verdict};
use crate::codebook::Codes;
use crate::coding::Stance;
use crate::error::{Error, LineIndex, line_col};
use crate::store::State;
use crate::study::Study;
use crate::transcript::SegmentId;

pub use crate::study::FINDINGS_FILE;

/// A study's findings and recommendations, as the author wrote them or as icamo drafted them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// The file they were read from; `None` for a draft made in memory.
    pub path: Option<PathBuf>,
    /// Whether they are a draft for the author to rewrite (icamo's, or a file that still says
    /// `draft = true`).
    pub draft: bool,
    /// The findings, in the file's order.
    pub findings: Vec<Finding>,
    /// The recommendations, in the file's order.
    pub recommendations: Vec<Recommendation>,
}

/// One finding: a claim in the author's words and what it rests on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finding {
    /// Its id, which recommendations name.
    pub id: String,
    /// The one-line claim.
    pub headline: String,
    /// The paragraph that weighs the evidence (Markdown).
    pub text: String,
    /// The codes it rests on (mechanisms, context factors, outcomes…), as the codebook writes
    /// their ids.
    pub codes: Vec<String>,
    /// The quotes it rests on, as segment ids, with where each is written.
    pub quotes: Vec<QuoteRef>,
}

/// A quote a finding names: a segment id, and where the file writes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteRef {
    /// The segment id, in its full form (`int-sh-01:0028`).
    pub segment: String,
    /// 1-based line and column in the findings file (0, 0 in a draft).
    pub at: (usize, usize),
}

/// One recommendation and the findings it follows from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recommendation {
    /// The advice (Markdown).
    pub text: String,
    /// The ids of the findings it follows from.
    pub findings: Vec<String>,
}

/// The file as TOML, with the places of what is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    finding: Vec<RawFinding>,
    #[serde(default)]
    recommendation: Vec<RawRecommendation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    id: Spanned<String>,
    headline: Spanned<String>,
    text: String,
    codes: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    quotes: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecommendation {
    text: Spanned<String>,
    findings: Spanned<Vec<Spanned<String>>>,
}

/// Problems found in one file, each with its place.
struct Problems<'t> {
    lines: LineIndex<'t>,
    list: Vec<(usize, usize, String)>,
}

impl Problems<'_> {
    fn at(&mut self, span: Range<usize>, message: String) {
        let (line, column) = self.lines.line_col(span.start);
        self.list.push((line, column, message));
    }
}

impl Findings {
    /// The study's findings file checked against `codes`, or `None` when the study has none.
    pub fn load(study: &Study, codes: &Codes) -> Result<Option<Findings>, Error> {
        let path = study.findings_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let shown = path.strip_prefix(&study.root).unwrap_or(&path);
        Findings::parse(shown, &text, codes).map(Some)
    }

    /// Parses findings text and checks it against `codes`: every code a finding names must be
    /// in a codebook, every quote must be a segment id, every finding a recommendation names
    /// must be in the file. `path` names the file in errors and in the result.
    pub fn parse(path: impl AsRef<Path>, text: &str, codes: &Codes) -> Result<Findings, Error> {
        let path = path.as_ref();
        let fail = |problems| Error::Findings {
            path: path.to_path_buf(),
            problems,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            fail(vec![(line, column, e.message().trim().to_string())])
        })?;
        let mut problems = Problems {
            lines: LineIndex::new(text),
            list: Vec::new(),
        };
        let findings = check_findings(raw.finding, codes, &mut problems);
        let ids: BTreeSet<&str> = findings.iter().map(|f| f.id.as_str()).collect();
        let recommendations = check_recommendations(raw.recommendation, &ids, &mut problems);
        if !problems.list.is_empty() {
            return Err(fail(problems.list));
        }
        Ok(Findings {
            path: Some(path.to_path_buf()),
            draft: raw.draft,
            findings,
            recommendations,
        })
    }

    /// Every code the findings rest on, each once: the evidence must be gathered for them.
    pub fn codes(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self.findings.iter().flat_map(|f| &f.codes).collect();
        set.into_iter().cloned().collect()
    }

    /// Checks each finding's quotes against the study as ingested (`state`) and the
    /// `evidence`: the segment must exist, and be coded with one of the codes the finding rests
    /// on by a coding that counts, so the quote is evidence for the finding and not only text.
    pub fn check_quotes(&self, state: &State, evidence: &Evidence) -> Result<(), Error> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut problems = Vec::new();
        for f in &self.findings {
            let evidence: Vec<CodeEvidence> = f.codes.iter().map(|c| evidence.of(c)).collect();
            for q in &f.quotes {
                if let Some(message) = quote_problem(f, q, state, &evidence) {
                    problems.push((q.at.0, q.at.1, message));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Findings {
                path: path.clone(),
                problems,
            })
        }
    }

    /// One finding per mechanism and counter-mechanism of `model`, in configuration order,
    /// drafted from `evidence`: the headline its label and verdict, the text its counts, the
    /// quotes its best supporting and contradicting one. No recommendations: only the author
    /// can write those.
    pub fn draft(model: &Model, evidence: &Evidence) -> Findings {
        let codes = model.codes();
        let mut findings: Vec<Finding> = Vec::new();
        for c in model.configurations() {
            let mechanisms = c
                .mechanisms
                .iter()
                .map(|m| (&m.code.id, Subject::Mechanism));
            let counter = c
                .counter_mechanisms
                .iter()
                .map(|r| (&r.id, Subject::CounterMechanism));
            for (id, subject) in mechanisms.chain(counter) {
                if findings.iter().any(|f| &f.id == id) {
                    continue;
                }
                let label = codes.get(id).map_or(id.as_str(), |code| &code.label);
                let ev = evidence.of(id);
                findings.push(Finding {
                    id: id.clone(),
                    headline: format!("{label}: {}", verdict(&ev.voices).word(subject)),
                    text: draft_text(&ev, subject),
                    codes: vec![id.clone()],
                    quotes: draft_quotes(&ev),
                });
            }
        }
        Findings {
            path: None,
            draft: true,
            findings,
            recommendations: Vec::new(),
        }
    }

    /// The findings as a findings file, with a head that says how to finish it.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(DRAFT_HEAD);
        if self.draft {
            out.push_str("draft = true\n");
        }
        for f in &self.findings {
            out.push_str(&format!(
                "\n[[finding]]\nid = {}\nheadline = {}\ntext = {}\ncodes = {}\n",
                toml_string(&f.id),
                toml_string(&f.headline),
                toml_string(&f.text),
                toml_list(f.codes.iter()),
            ));
            if !f.quotes.is_empty() {
                let quotes = f.quotes.iter().map(|q| &q.segment);
                out.push_str(&format!("quotes = {}\n", toml_list(quotes)));
            }
        }
        for r in &self.recommendations {
            out.push_str(&format!(
                "\n[[recommendation]]\ntext = {}\nfindings = {}\n",
                toml_string(&r.text),
                toml_list(r.findings.iter()),
            ));
        }
        if self.recommendations.is_empty() {
            out.push_str(RECOMMENDATION_EXAMPLE);
        }
        out
    }
}

/// Writes `draft` ([`Findings::draft`]) to the study's findings file; refuses when the file
/// exists, so an author's findings are never overwritten. Returns the path written.
pub fn write_draft(study: &Study, draft: &Findings) -> Result<PathBuf, Error> {
    let path = ensure_no_file(study)?;
    crate::fsutil::write_atomic(&path, draft.to_toml().as_bytes())?;
    Ok(path)
}

/// The path of the study's findings file, or an error when it exists: a draft never
/// replaces findings an author may have written.
pub fn ensure_no_file(study: &Study) -> Result<PathBuf, Error> {
    let path = study.findings_path();
    if path.exists() {
        return Err(Error::Other(format!(
            "{} exists: icamo never overwrites findings an author may have written (rename or remove it to draft anew)",
            path.display()
        )));
    }
    Ok(path)
}

/// The findings checked: ids unique and not empty, headlines written, codes known.
fn check_findings(raw: Vec<RawFinding>, codes: &Codes, problems: &mut Problems) -> Vec<Finding> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for f in raw {
        let id = f.id.get_ref().trim().to_string();
        if id.is_empty() {
            problems.at(
                f.id.span(),
                "a finding needs an id, which recommendations name".into(),
            );
        } else if let Some(line) = seen.get(&id) {
            problems.at(
                f.id.span(),
                format!("finding id \"{id}\" is used twice (first on line {line})"),
            );
        } else {
            seen.insert(id.clone(), problems.lines.line_col(f.id.span().start).0);
        }
        if f.headline.get_ref().trim().is_empty() {
            problems.at(f.headline.span(), "the headline is empty".into());
        }
        if f.codes.get_ref().is_empty() {
            problems.at(
                f.codes.span(),
                "a finding rests on at least one code: list the mechanisms or other codes it rests on".into(),
            );
        }
        let mut known = Vec::new();
        for code in f.codes.into_inner() {
            match codes.get(code.get_ref()) {
                Some(c) => known.push(c.id.clone()),
                None => problems.at(code.span(), unknown_code(code.get_ref(), codes)),
            }
        }
        let mut quotes = Vec::new();
        for q in f.quotes {
            match SegmentId::parse(q.get_ref().trim()) {
                Some(segment) => quotes.push(QuoteRef {
                    segment: segment.to_string(),
                    at: problems.lines.line_col(q.span().start),
                }),
                None => problems.at(
                    q.span(),
                    format!(
                        "\"{}\" is not a segment id: expected DOCUMENT:NUMBER, like int-sh-01:0028 (`icamo quotes` and the report show them)",
                        q.get_ref()
                    ),
                ),
            }
        }
        out.push(Finding {
            id,
            headline: f.headline.into_inner().trim().to_string(),
            text: f.text.trim().to_string(),
            codes: known,
            quotes,
        });
    }
    out
}

/// The recommendations checked: each follows from at least one finding of the file.
fn check_recommendations(
    raw: Vec<RawRecommendation>,
    ids: &BTreeSet<&str>,
    problems: &mut Problems,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for r in raw {
        if r.text.get_ref().trim().is_empty() {
            problems.at(r.text.span(), "the recommendation's text is empty".into());
        }
        if r.findings.get_ref().is_empty() {
            problems.at(
                r.findings.span(),
                "a recommendation follows from at least one finding: list their ids".into(),
            );
        }
        let mut findings = Vec::new();
        for id in r.findings.into_inner() {
            let wanted = id.get_ref().trim();
            if ids.contains(wanted) {
                findings.push(wanted.to_string());
            } else {
                let known: Vec<&str> = ids.iter().copied().collect();
                let hint = crate::filter::closest(known.iter().copied(), wanted)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                problems.at(
                    id.span(),
                    format!(
                        "unknown finding \"{wanted}\"{hint}; the findings in this file are: {}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
            }
        }
        out.push(Recommendation {
            text: r.text.into_inner().trim().to_string(),
            findings,
        });
    }
    out
}

/// What an unknown code's error says, with the closest known code when one is close.
fn unknown_code(wanted: &str, codes: &Codes) -> String {
    let hint = codes
        .closest(wanted)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default();
    format!("unknown code \"{wanted}\"{hint}: no codebook of the study has it")
}

/// What is wrong with quote `q` of finding `f`, if anything.
fn quote_problem(
    f: &Finding,
    q: &QuoteRef,
    state: &State,
    evidence: &[CodeEvidence],
) -> Option<String> {
    let id = SegmentId::parse(&q.segment)?;
    let Some(doc) = state.documents.get(id.doc) else {
        let known: Vec<&str> = state.documents.keys().map(String::as_str).collect();
        let hint = crate::filter::closest(known.iter().copied(), id.doc)
            .map(|c| format!(" (did you mean \"{c}\"?)"))
            .unwrap_or_default();
        return Some(format!(
            "no document \"{}\" in this study{hint}, so no segment {}",
            id.doc, q.segment
        ));
    };
    if id.ordinal as usize > doc.segments {
        return Some(format!(
            "{} has segments 1 to {}; there is no segment {}",
            id.doc, doc.segments, id.ordinal
        ));
    }
    let coded = evidence
        .iter()
        .any(|ev| ev.quotes.iter().any(|quote| quote.segment == q.segment));
    (!coded).then(|| {
        format!(
            "{} is not coded with a code this finding rests on ({}) by a coding that counts: add the code it is coded with to `codes`, or confirm the suggestion first (`icamo show {}` shows the segment)",
            q.segment,
            f.codes.join(", "),
            q.segment
        )
    })
}

/// A drafted finding's text from its counts, in people, with the verdict per perspective.
fn draft_text(ev: &CodeEvidence, subject: Subject) -> String {
    let v = &ev.voices;
    let cases = match v.cases {
        0 => String::new(),
        1 => " in 1 casus".to_string(),
        n => format!(" in {n} casussen"),
    };
    let mut text = match v.people {
        0 => "Geen respondent heeft hier volgens de bevestigde coderingen iets over gezegd."
            .to_string(),
        1 => format!(
            "Hierover sprak 1 respondent{cases}; die {}.",
            stances(v, true)
        ),
        n => format!(
            "Hierover spraken {n} respondenten{cases}: {}.",
            stances(v, false)
        ),
    };
    let judged: Vec<String> = ev
        .by_perspective
        .iter()
        .filter(|p| !p.theory && p.voices.fragments > 0)
        .map(|p| format!("{} *{}*", p.name, verdict(&p.voices).word(subject)))
        .collect();
    if !judged.is_empty() {
        text.push_str(&format!(" Oordeel per perspectief: {}.", join_nl(&judged)));
    }
    let open = v.open + ev.theory.open;
    if open > 0 {
        text.push_str(&format!(
            " Er {} nog {open} automatisch {} op beoordeling.",
            if open == 1 { "wacht" } else { "wachten" },
            if open == 1 {
                "voorgestelde codering"
            } else {
                "voorgestelde coderingen"
            }
        ));
    }
    text
}

/// "2 ondersteunen het, 1 weerspreekt het en 1 nuanceert het" from the respondents' stances;
/// for one respondent (`one`) without the counts: "ondersteunt het en nuanceert het".
fn stances(v: &Voices, one: bool) -> String {
    let mut parts = Vec::new();
    for (n, singular, plural) in [
        (v.supports, "ondersteunt het", "ondersteunen het"),
        (v.contradicts, "weerspreekt het", "weerspreken het"),
        (v.nuance, "nuanceert het", "nuanceren het"),
        (v.barred, "noemt een belemmering", "noemen een belemmering"),
    ] {
        match n {
            0 => {}
            _ if one => parts.push(singular.to_string()),
            1 => parts.push(format!("1 {singular}")),
            n => parts.push(format!("{n} {plural}")),
        }
    }
    if parts.is_empty() {
        return if one {
            "neemt geen duidelijk standpunt in".to_string()
        } else {
            "geen van hen neemt een duidelijk standpunt in".to_string()
        };
    }
    join_nl(&parts)
}

/// "A", "A en B", "A, B en C".
fn join_nl(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

/// A drafted finding's quotes: the best supporting and the best contradicting quote of a
/// respondent (the theory's authors' quotes show the theory, not the finding).
fn draft_quotes(ev: &CodeEvidence) -> Vec<QuoteRef> {
    let mut out = Vec::new();
    for stance in [Stance::Supports, Stance::Contradicts] {
        if let Some(q) = ev.quotes.iter().find(|q| q.stance == stance && !q.theory) {
            out.push(QuoteRef {
                segment: q.segment.clone(),
                at: (0, 0),
            });
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML array of strings on one line.
fn toml_list<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let items: Vec<String> = items.map(|s| toml_string(s)).collect();
    format!("[{}]", items.join(", "))
}

/// What heads a drafted findings file: how to finish it.
const DRAFT_HEAD: &str =
    "# Findings of this study, drafted by `icamo report --draft-findings`: one per mechanism,
# from the evidence as it stood. Rewrite each as a conclusion in your own words:
#   id        the name recommendations use
#   headline  a one-line claim
#   text      the paragraph that weighs the evidence (Markdown)
#   codes     the mechanisms and other codes it rests on (their verdicts and counts are filled in)
#   quotes    segment ids of the quotes it rests on; each must be coded with one of its codes
# Merge, drop and add findings as the evidence asks. Remove `draft = true` when they are yours:
# until then the report and the summary mark them as a draft.
";

/// The example recommendation a drafted file ends with, commented out.
const RECOMMENDATION_EXAMPLE: &str = "
# Recommendations follow from findings:
# [[recommendation]]
# text = \"…\"
# findings = [\"id of a finding\"]
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::CodebookSet;

    const CODEBOOK: &str = r#"
[codebook]
name = "mini"

[[codes]]
id = "m.werk"
label = "Werk motiveert"
kind = "mechanism"

[[codes]]
id = "int.werk"
label = "Werk naast de les"
kind = "intervention"

[[codes]]
id = "act.inburgeraar"
label = "Inburgeraars"
kind = "actor"

[[codes]]
id = "out.inburgering"
label = "Inburgering"
kind = "outcome"

[[configurations]]
id = "c1"
title = "Werk"
interventions = ["int.werk"]
actors = ["act.inburgeraar"]
outcome = "out.inburgering"

[[configurations.mechanisms]]
code = "m.werk"
"#;

    fn model() -> Model {
        Model::new(CodebookSet::parse("codeboek.toml", CODEBOOK).unwrap())
    }

    #[test]
    fn every_problem_is_named_with_its_line_and_column() {
        let text = r#"[[finding]]
id = "werk"
headline = "Werk motiveert"
text = "Tekst."
codes = ["m.werk", "m.wrek"]
quotes = ["int-01:0003", "geen-id"]

[[finding]]
id = "werk"
headline = ""
text = ""
codes = []

[[recommendation]]
text = "Doe iets."
findings = ["werk", "opvang"]
"#;
        let model = model();
        let err = Findings::parse("findings.toml", text, &model.codes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "findings.toml:5:20: unknown code \"m.wrek\" (did you mean \"m.werk\"?): no codebook of the study has it\n\
             findings.toml:6:26: \"geen-id\" is not a segment id: expected DOCUMENT:NUMBER, like int-sh-01:0028 (`icamo quotes` and the report show them)\n\
             findings.toml:9:6: finding id \"werk\" is used twice (first on line 2)\n\
             findings.toml:10:12: the headline is empty\n\
             findings.toml:12:9: a finding rests on at least one code: list the mechanisms or other codes it rests on\n\
             findings.toml:16:21: unknown finding \"opvang\"; the findings in this file are: werk"
        );
    }

    #[test]
    fn a_key_the_format_lacks_is_an_error_at_its_place() {
        let text = "[[finding]]\nid = \"a\"\nheadline = \"b\"\ntext = \"c\"\ncodes = [\"m.werk\"]\nquote = [\"x:1\"]\n";
        let err = Findings::parse("findings.toml", text, &model().codes()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("findings.toml:6:1: unknown field `quote`"),
            "{err}"
        );
    }

    #[test]
    fn a_draft_reads_back_as_it_was_written() {
        let model = model();
        let mut draft = Findings::draft(&model, &Evidence::default());
        assert_eq!(draft.findings.len(), 1);
        assert_eq!(draft.findings[0].headline, "Werk motiveert: niet besproken");
        draft.path = Some("findings.toml".into());
        let read = Findings::parse("findings.toml", &draft.to_toml(), &model.codes()).unwrap();
        assert_eq!(read, draft);
    }
}

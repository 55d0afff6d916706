//! The quote site for advisory panels: one self-contained `index.html` with the ICAMO figures
//! (inline SVG, mechanisms and context factors as links), the confirmed quotes as embedded
//! JSON, and a small script that filters them, under the privacy rules of
//! `crate::privacy::PanelRules` that `icamo quotes --panel` applies too.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::chain::Model;
use crate::chain::chart::Chart;
use crate::chain::evidence::{Evidence, Population};
use crate::codebook::{CodeKind, Codes};
use crate::coding::{self, manual::Status};
use crate::error::Error;
use crate::privacy::{Identities, PanelRules};
use crate::render::escape_html;
use crate::render::figure::{short_name, step_text};
use crate::render::svg;
use crate::study::Study;
use crate::transcript::Segment;

const PAGE: &str = include_str!("../../templates/site/index.html");
const CSS: &str = include_str!("../../templates/site/site.css");
const JS: &str = include_str!("../../templates/site/site.js");

/// The codes `--mechanism ID` (and the site's mechanism filter) select: a configuration id
/// means all its mechanisms and counter-mechanisms, a code id that code; each with the codes
/// under it. `None` when `id` is neither.
pub(crate) fn mechanism_codes(model: &Model, id: &str) -> Option<BTreeSet<String>> {
    let codes = model.codes();
    let roots: Vec<String> = match model.configurations().iter().find(|c| c.id == id) {
        Some(c) => c
            .mechanisms
            .iter()
            .map(|m| m.code.id.clone())
            .chain(c.counter_mechanisms.iter().map(|r| r.id.clone()))
            .collect(),
        None if codes.get(id).is_some() => vec![id.to_string()],
        None => return None,
    };
    Some(
        roots
            .iter()
            .flat_map(|r| codes.with_descendants(r))
            .map(str::to_string)
            .collect(),
    )
}

/// The codes the site finds quotes by: every configuration's mechanisms, counter-mechanisms
/// and context factors, with the codes under them. A quote is on the site when it carries one.
pub(crate) fn findable_codes(model: &Model) -> BTreeSet<String> {
    let codes = model.codes();
    model
        .configurations()
        .iter()
        .flat_map(|c| {
            c.mechanisms
                .iter()
                .map(|m| &m.code)
                .chain(&c.counter_mechanisms)
                .chain(c.context.iter().map(|(_, r)| r))
        })
        .flat_map(|r| codes.with_descendants(&r.id))
        .map(str::to_string)
        .collect()
}

#[derive(Serialize)]
struct Data {
    configs: Vec<ConfigData>,
    codes: BTreeMap<String, CodeData>,
    quotes: Vec<QuoteData>,
    glossary: Vec<Term>,
}

#[derive(Serialize)]
struct ConfigData {
    id: String,
    title: String,
    /// Mechanisms and counter-mechanisms.
    m: Vec<String>,
    /// Context factors.
    c: Vec<String>,
}

#[derive(Serialize)]
struct CodeData {
    /// Label.
    l: String,
    /// Kind: m(echanism), c(ontext), i(ntervention), a(ctor), o(utcome), x (other).
    k: &'static str,
    /// Definition (mechanisms and context factors).
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    /// Steps, `process ⇒ sub-goal` (mechanisms).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    s: Vec<String>,
    /// The code and the codes under it, for filtering (mechanisms and context factors).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    u: Vec<String>,
}

#[derive(Serialize)]
struct QuoteData {
    /// Text.
    t: String,
    /// Role label (for an interpreter's turn, the role of whom they interpret for).
    r: String,
    /// The interpreter's role, when an interpreter spoke the words.
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<String>,
    /// Case, where shown.
    c: Option<String>,
    /// Whether the speaker is the only respondent of their role in their case (⚠, as in the
    /// report).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    w: bool,
    /// Codes with stance.
    k: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Term {
    l: String,
    d: String,
}

fn kind_letter(kind: CodeKind) -> &'static str {
    match kind {
        CodeKind::Mechanism => "m",
        CodeKind::Context => "c",
        CodeKind::Intervention => "i",
        CodeKind::Actor => "a",
        CodeKind::Outcome => "o",
        CodeKind::Other => "x",
    }
}

/// JSON that can stand inside a `<script>` element: `<`, `>` and `&` escaped as `\u003c` etc.
/// (they only occur inside strings), and the line separators JavaScript once choked on.
pub(crate) fn script_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("site data serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The quote site of `study` as one HTML page: only confirmed codings, under the
/// `PanelRules`. Fails when the configurations do not check.
pub fn build(study: &Study, model: &Model) -> Result<String, Error> {
    Ok(page(study, model)?.0)
}

/// [`build`], with the identities the page was kept free of.
fn page(study: &Study, model: &Model) -> Result<(String, Identities), Error> {
    model.ensure_sound()?;
    // One pass over the stored documents: every confirmed quote, and who the study heard (per
    // role and case, through an interpreter, unlisted).
    let mut all_quotes = coding::QuoteSink::new(study, None, false)?;
    let mut population = Population::default();
    study.scan(&mut [&mut all_quotes, &mut population])?;
    let all_quotes = all_quotes.finish();
    let site = Site {
        model,
        rules: PanelRules::of(&study.manifest, &population),
        codes: model.codes(),
        evidence: model.evidence_of(&all_quotes, &population, &[], false, &model.reading(study)),
    };
    let chart = model.chart(&[], &site.evidence)?;

    let (configs, filterable) = site.configurations();
    let (quotes, carried) = site.quotes(all_quotes);
    let code_data = site.code_data(&chart, &filterable, &carried);
    let glossary = site.glossary();
    let figures = site.figures(&filterable, &quotes)?;

    let data = Data {
        configs,
        codes: code_data,
        quotes,
        glossary,
    };
    let name = site.rules.redact(&study.manifest.study.name);
    let title = escape_html(&name);
    let json = script_json(&data);
    let page = fill(
        PAGE,
        &[
            ("{{title}}", &title),
            ("/*{{css}}*/", CSS),
            ("{{figures}}", &figures),
            ("{{data}}", &json),
            ("/*{{js}}*/", JS),
        ],
    );
    Ok((page, site.rules.identities().clone()))
}

/// The codes a quote can be found by, each with the code and the codes under it.
type Filterable = BTreeMap<String, Vec<String>>;

/// What the site is built from: the model, its codes, the evidence of confirmed codings, and
/// the privacy rules every text it shows passes through.
struct Site<'a> {
    model: &'a Model,
    rules: PanelRules,
    codes: Codes<'a>,
    evidence: Evidence,
}

impl Site<'_> {
    /// A code's label as shown (the id for a code no codebook has), redacted.
    fn label(&self, id: &str) -> String {
        self.rules
            .redact(self.codes.get(id).map_or(id, |x| x.label.trim()))
    }

    /// The configurations, and the codes a quote can be found by: their mechanisms and context
    /// factors, with the codes under them.
    fn configurations(&self) -> (Vec<ConfigData>, Filterable) {
        let mut filterable = Filterable::new();
        let mut configs = Vec::new();
        for c in self.model.configurations() {
            let m: Vec<String> = c
                .mechanisms
                .iter()
                .map(|m| m.code.id.clone())
                .chain(c.counter_mechanisms.iter().map(|r| r.id.clone()))
                .collect();
            let ctx: Vec<String> = c.context.iter().map(|(_, r)| r.id.clone()).collect();
            for id in m.iter().chain(&ctx) {
                filterable.insert(
                    id.clone(),
                    self.codes
                        .with_descendants(id)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                );
            }
            let title = self.rules.redact(&c.title);
            configs.push(ConfigData {
                id: c.id.clone(),
                title,
                m,
                c: ctx,
            });
        }
        (configs, filterable)
    }

    /// The quotes: one per segment that carries a findable code, with every code it carries
    /// (confirmed codings only); and the codes they carry.
    fn quotes(&self, all: Vec<coding::Quote>) -> (Vec<QuoteData>, BTreeSet<String>) {
        let findable = findable_codes(self.model);
        let mut by_segment: BTreeMap<String, (Segment, Vec<(String, String)>)> = BTreeMap::new();
        for q in all {
            if q.coding.status != Status::Confirmed {
                continue;
            }
            by_segment
                .entry(q.segment.id.clone())
                .or_insert_with(|| (q.segment.clone(), Vec::new()))
                .1
                .push((q.coding.code.clone(), q.coding.stance.to_string()));
        }
        let mut quotes = Vec::new();
        let mut carried: BTreeSet<String> = BTreeSet::new();
        for (segment, mut k) in by_segment.into_values() {
            if !k.iter().any(|(c, _)| findable.contains(c)) {
                continue;
            }
            k.sort();
            k.dedup();
            carried.extend(k.iter().map(|(c, _)| c.clone()));
            let voice = self.rules.voice(&segment);
            quotes.push(QuoteData {
                t: self.rules.redact(&segment.text),
                r: voice.role,
                v: voice.via,
                c: voice.case,
                w: voice.single,
                k,
            });
        }
        (quotes, carried)
    }

    /// What the page knows of each code it filters by or a quote carries: label, kind, and
    /// for the codes it filters by their definition and the codes under them.
    fn code_data(
        &self,
        chart: &Chart,
        filterable: &Filterable,
        carried: &BTreeSet<String>,
    ) -> BTreeMap<String, CodeData> {
        let mut code_data = BTreeMap::new();
        for id in filterable.keys().chain(carried) {
            if code_data.contains_key(id) {
                continue;
            }
            let code = self.codes.get(id);
            let kind = code.map_or(CodeKind::Other, |c| c.kind);
            let in_filter = filterable.get(id);
            let steps: Vec<String> = chart
                .nodes
                .iter()
                .find(|n| &n.code == id)
                .map(|n| {
                    n.steps
                        .iter()
                        .map(step_text)
                        .map(|s| self.rules.redact(&s))
                        .collect()
                })
                .unwrap_or_default();
            code_data.insert(
                id.clone(),
                CodeData {
                    l: self.label(id),
                    k: kind_letter(kind),
                    d: in_filter
                        .and(code)
                        .and_then(|c| c.definition.as_deref())
                        .map(|d| self.rules.redact(d.trim())),
                    s: steps,
                    u: in_filter.cloned().unwrap_or_default(),
                },
            );
        }
        code_data
    }

    /// The glossary: the interventions and context factors the configurations name, by label.
    fn glossary(&self) -> Vec<Term> {
        let mut glossary: BTreeMap<String, String> = BTreeMap::new();
        for c in self.model.configurations() {
            for id in c
                .interventions
                .iter()
                .chain(c.context.iter().map(|(_, r)| r))
                .map(|r| &r.id)
            {
                if let Some(code) = self.codes.get(id)
                    && let Some(d) = code.definition.as_deref()
                {
                    glossary.insert(
                        self.rules.redact(code.label.trim()),
                        self.rules.redact(d.trim()),
                    );
                }
            }
        }
        glossary.into_iter().map(|(l, d)| Term { l, d }).collect()
    }

    /// Per configuration: its mechanisms and context factors as links, then its figure.
    fn figures(&self, filterable: &Filterable, quotes: &[QuoteData]) -> Result<String, Error> {
        let quoted = |id: &str| {
            let set = filterable.get(id);
            quotes
                .iter()
                .filter(|q| q.k.iter().any(|(c, _)| set.is_some_and(|s| s.contains(c))))
                .count()
        };
        let link = |kind: char, id: &str, text: &str| {
            format!(
                "<li><a class=\"fig-link\" href=\"#{kind}={}\">{}</a> <span class=\"n\">({})</span></li>\n",
                escape_html(id),
                escape_html(text),
                quoted(id)
            )
        };
        let mut figures = String::new();
        for c in self.model.configurations() {
            let title = self.rules.redact(&c.title);
            let _ = write!(
                figures,
                "<section class=\"cfg\" aria-labelledby=\"kop-{id}\">\n<h3 id=\"kop-{id}\">{} — {}</h3>\n<p class=\"lbl\">Mechanismen (aantal citaten)</p>\n<ul class=\"ways\">\n",
                escape_html(&short_name(&c.id)),
                escape_html(&title),
                id = escape_html(&c.id),
            );
            for (i, m) in c.mechanisms.iter().enumerate() {
                let l = self.label(&m.code.id);
                figures.push_str(&link('m', &m.code.id, &format!("M{} · {l}", i + 1)));
            }
            for r in &c.counter_mechanisms {
                let l = self.label(&r.id);
                figures.push_str(&link('m', &r.id, &format!("Tegenmechanisme · {l}")));
            }
            let _ = write!(
                figures,
                "</ul>\n<details class=\"ctx\"><summary>Contextfactoren ({})</summary>\n<ul class=\"ways\">\n",
                c.context.len()
            );
            for (_, r) in &c.context {
                figures.push_str(&link('c', &r.id, &self.label(&r.id)));
            }
            let one = self
                .model
                .chart(std::slice::from_ref(&c.id), &self.evidence)?;
            let svg = svg::to_svg_linked(&one);
            let svg = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
            let _ = write!(
                figures,
                "</ul>\n</details>\n<details class=\"fig\"><summary>Figuur {}</summary>\n<div class=\"fig-scroll\">{}</div>\n</details>\n</section>\n",
                escape_html(&short_name(&c.id)),
                self.rules.redact(svg.trim_end()),
            );
        }
        Ok(figures)
    }
}

/// `template` with each marker replaced by its value, in one pass (a value is never searched
/// for markers, so quote text cannot inject anything).
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    loop {
        let next = slots
            .iter()
            .filter_map(|(m, v)| rest.find(m).map(|i| (i, *m, *v)))
            .min_by_key(|(i, _, _)| *i);
        match next {
            Some((i, marker, value)) => {
                out.push_str(&rest[..i]);
                out.push_str(value);
                rest = &rest[i + marker.len()..];
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// Writes the site of `study` into `out` (created when missing): `index.html`, through the
/// one write-if-changed step of the outputs (`crate::render::write_changed`), then checks it
/// for names (`Identities::ensure_none`). Returns its path.
pub fn write(study: &Study, model: &Model, out: &Path) -> Result<PathBuf, Error> {
    let (page, identities) = page(study, model)?;
    let path = out.join("index.html");
    let files = vec![(path.clone(), page.into_bytes())];
    crate::render::write_changed(files.clone())?;
    identities.ensure_none(&files)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&vec!["</script><b>&"]);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, vec!["</script><b>&"]);
    }
}

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
use crate::codebook::config::Configuration;
use crate::codebook::{CodeKind, Codes};
use crate::coding::{self, manual::Status};
use crate::error::Error;
use crate::manifest::Manifest;
use crate::privacy::{Identities, PanelRules, case_of, person};
use crate::render::escape_html;
use crate::render::figure::short_name;
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
    /// The speaker attributes the site filters by: those a `[[perspectives]]` entry splits by.
    attributes: Vec<String>,
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
    /// Label, as the codebook writes it for researchers.
    l: String,
    /// The label in plain words (`plain` in the codebook), shown first.
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<String>,
    /// Kind: m(echanism), c(ontext), i(ntervention), a(ctor), o(utcome), x (other).
    k: &'static str,
    /// Steps as (process, sub-goal) (mechanisms).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    s: Vec<(String, String)>,
    /// The code and the codes under it, for filtering (mechanisms and context factors).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    u: Vec<String>,
    /// A mechanism whose interventions were not yet in use (`in_use = false`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    nu: bool,
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
    /// Whether the case is left off because role, case and the speaker's attributes together
    /// would point at one person (⚠ too).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    wa: bool,
    /// The speaker's values of [`Data::attributes`].
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    a: BTreeMap<String, String>,
    /// Codes with stance.
    k: Vec<(String, String)>,
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
        attributes: Attributes::of(&study.manifest, &population),
    };
    let chart = model.chart(&[], &site.evidence)?;

    let (configs, filterable) = site.configurations();
    let (quotes, carried) = site.quotes(all_quotes, &population);
    let code_data = site.code_data(&chart, &filterable, &carried);
    let figures = site.figures(&filterable, &quotes)?;

    let data = Data {
        configs,
        codes: code_data,
        quotes,
        attributes: site.attributes.names.clone(),
    };
    let name = site.rules.redact(&study.manifest.study.name);
    let title = escape_html(&name);
    let json = script_json(&data);
    let filters = site.attribute_filters();
    let page = fill(
        PAGE,
        &[
            ("{{title}}", &title),
            ("/*{{css}}*/", CSS),
            ("{{figures}}", &figures),
            ("{{attribute-filters}}", &filters),
            ("{{data}}", &json),
            ("/*{{js}}*/", JS),
        ],
    );
    Ok((page, site.rules.identities().clone()))
}

/// The speaker attributes the site shows and filters by (the ones a `[[perspectives]]` entry
/// splits by, such as `route`), each person's values of them, and how many people the study
/// heard per role, case and values, so that a quote whose role, case and values point at one
/// person is shown without its case.
struct Attributes {
    names: Vec<String>,
    of: BTreeMap<String, BTreeMap<String, String>>,
    people: BTreeMap<(String, String, BTreeMap<String, String>), usize>,
}

impl Attributes {
    fn of(manifest: &Manifest, population: &Population) -> Attributes {
        let mut names: Vec<String> = Vec::new();
        for p in &manifest.perspectives {
            if let Some(a) = &p.split_by
                && !names.contains(a.get_ref())
            {
                names.push(a.get_ref().clone());
            }
        }
        let of: BTreeMap<String, BTreeMap<String, String>> = manifest
            .speakers
            .iter()
            .filter_map(|s| {
                let values: BTreeMap<String, String> = s
                    .attributes
                    .iter()
                    .filter(|(k, v)| names.contains(k) && !v.trim().is_empty())
                    .map(|(k, v)| (k.clone(), v.trim().to_string()))
                    .collect();
                Some((format!("r:{}", s.respondent.as_ref()?), values))
            })
            .filter(|(_, values)| !values.is_empty())
            .collect();
        let mut people = BTreeMap::new();
        for ((role, case), heard) in population.people() {
            for person in heard {
                let values = of.get(person).cloned().unwrap_or_default();
                *people
                    .entry((role.clone(), case.clone(), values))
                    .or_default() += 1;
            }
        }
        Attributes { names, of, people }
    }

    /// The values of the person who said `s` (for an interpreter's turn, of whom they speak
    /// for), and whether their role, case and values together point at them alone.
    fn shown(&self, s: &Segment) -> (BTreeMap<String, String>, bool) {
        let values = self.of.get(&person(s)).cloned().unwrap_or_default();
        if values.is_empty() {
            return (values, false);
        }
        let key = (s.role.clone(), case_of(s), values);
        let alone = self.people.get(&key).is_none_or(|n| *n < 2);
        (key.2, alone)
    }
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
    attributes: Attributes,
}

impl Site<'_> {
    /// A code's label as the codebook writes it (the id for a code no codebook has), redacted.
    fn label(&self, id: &str) -> String {
        self.rules
            .redact(self.codes.get(id).map_or(id, |x| x.label.trim()))
    }

    /// A code's label in plain words, when the codebook has one, redacted.
    fn plain(&self, id: &str) -> Option<String> {
        self.codes
            .get(id)
            .and_then(|c| c.plain.as_deref())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| self.rules.redact(p))
    }

    /// Whether mechanism `m` of `c` is set going only by interventions not yet in use
    /// (`in_use = false`), directly or through earlier mechanisms of `c`.
    fn not_in_use(&self, c: &Configuration, m: &str, depth: usize) -> bool {
        let Some(spec) = c.mechanisms.iter().find(|s| s.code.id == m) else {
            return false;
        };
        let triggers = if spec.triggered_by.is_empty() {
            &c.interventions
        } else {
            &spec.triggered_by
        };
        !triggers.is_empty()
            && depth <= c.mechanisms.len()
            && triggers.iter().all(|t| match self.codes.get(&t.id) {
                Some(code) if code.kind == CodeKind::Mechanism => {
                    self.not_in_use(c, &t.id, depth + 1)
                }
                Some(code) => code.kind == CodeKind::Intervention && !code.in_use,
                None => false,
            })
    }

    /// The mechanisms whose interventions were not yet in use, in any configuration.
    fn not_in_use_anywhere(&self) -> BTreeSet<String> {
        self.model
            .configurations()
            .iter()
            .flat_map(|c| {
                c.mechanisms
                    .iter()
                    .filter(|m| self.not_in_use(c, &m.code.id, 0))
                    .map(|m| m.code.id.clone())
            })
            .collect()
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
            let title = self
                .rules
                .redact(written_or(c.plain.as_deref()).unwrap_or(&c.title));
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
    fn quotes(
        &self,
        all: Vec<coding::Quote>,
        population: &Population,
    ) -> (Vec<QuoteData>, BTreeSet<String>) {
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
            let (a, alone) = self.attributes.shown(&population.speaking_for(&segment).0);
            // Role, case and attribute values together may point at one person where role
            // and case do not: then the case goes, as it does for a role of one.
            let wa = alone && voice.case.is_some();
            quotes.push(QuoteData {
                t: self.rules.redact(&segment.text),
                r: voice.role,
                v: voice.via,
                c: if wa { None } else { voice.case },
                w: voice.single,
                wa,
                a: a.into_iter()
                    .map(|(k, v)| (k, self.rules.redact(&v)))
                    .collect(),
                k,
            });
        }
        (quotes, carried)
    }

    /// What the page knows of each code it filters by or a quote carries: labels, kind, and
    /// for the codes it filters by their steps, the codes under them and whether they were
    /// not yet in use.
    fn code_data(
        &self,
        chart: &Chart,
        filterable: &Filterable,
        carried: &BTreeSet<String>,
    ) -> BTreeMap<String, CodeData> {
        let not_in_use = self.not_in_use_anywhere();
        let mut code_data = BTreeMap::new();
        for id in filterable.keys().chain(carried) {
            if code_data.contains_key(id) {
                continue;
            }
            let kind = self.codes.get(id).map_or(CodeKind::Other, |c| c.kind);
            let in_filter = filterable.get(id);
            let steps: Vec<(String, String)> = chart
                .nodes
                .iter()
                .find(|n| &n.code == id)
                .map(|n| {
                    n.steps
                        .iter()
                        .map(|s| {
                            (
                                self.rules.redact(s.process.trim()),
                                self.rules.redact(s.subgoal.trim()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            code_data.insert(
                id.clone(),
                CodeData {
                    l: self.label(id),
                    p: self.plain(id),
                    k: kind_letter(kind),
                    s: if in_filter.is_some() {
                        steps
                    } else {
                        Vec::new()
                    },
                    u: in_filter.cloned().unwrap_or_default(),
                    nu: not_in_use.contains(id),
                },
            );
        }
        code_data
    }

    /// One filter per speaker attribute the site shows (`route`), filled by the script.
    fn attribute_filters(&self) -> String {
        let mut out = String::new();
        for name in &self.attributes.names {
            let mut label: Vec<char> = name.chars().collect();
            if let Some(first) = label.first_mut() {
                *first = first.to_uppercase().next().unwrap_or(*first);
            }
            let label: String = label.into_iter().collect();
            let _ = writeln!(
                out,
                "<div class=\"f\"><label for=\"f-a-{id}\">{}</label><select id=\"f-a-{id}\" data-key=\"a.{id}\"></select></div>",
                escape_html(&self.rules.redact(&label)),
                id = escape_html(name),
            );
        }
        out
    }

    /// A link to a mechanism's or context factor's quotes: its plain label first, with the
    /// number of quotes (or why there are none), and the codebook's label small below it.
    fn link(&self, kind: char, id: &str, official: &str, n: usize, not_in_use: bool) -> String {
        let plain = self.plain(id);
        let count = match (n, not_in_use) {
            (0, true) => "nog niet in gebruik".to_string(),
            (0, false) => "nog geen citaten".to_string(),
            (1, _) => "1 citaat".to_string(),
            (n, _) => format!("{n} citaten"),
        };
        let head = plain.as_deref().unwrap_or(official);
        let below = if plain.is_some() {
            format!(
                "<br><span class=\"officieel\">In het onderzoek: {}</span>",
                escape_html(official)
            )
        } else {
            String::new()
        };
        let text = if n == 0 {
            format!(
                "<span class=\"leeg\">{}</span> <span class=\"n\">({count})</span>",
                escape_html(head)
            )
        } else {
            format!(
                "<a class=\"fig-link\" href=\"#{kind}={}\">{}</a> <span class=\"n\">({count})</span>",
                escape_html(id),
                escape_html(head),
            )
        };
        format!("<li>{text}{below}</li>\n")
    }

    /// Per configuration: its mechanisms, its outcome and its context factors, each in plain
    /// words where the codebook has them, then the researchers' figure.
    fn figures(&self, filterable: &Filterable, quotes: &[QuoteData]) -> Result<String, Error> {
        let quoted = |id: &str| {
            let set = filterable.get(id);
            quotes
                .iter()
                .filter(|q| q.k.iter().any(|(c, _)| set.is_some_and(|s| s.contains(c))))
                .count()
        };
        let mut figures = String::new();
        for c in self.model.configurations() {
            let title = self.rules.redact(&c.title);
            let plain = written_or(c.plain.as_deref()).map(|p| self.rules.redact(p));
            let official = match &plain {
                Some(_) => format!("{} — {title}", short_name(&c.id)),
                None => short_name(&c.id),
            };
            let _ = write!(
                figures,
                "<section class=\"cfg\" aria-labelledby=\"kop-{id}\">\n<h3 id=\"kop-{id}\">{}</h3>\n<p class=\"officieel\">In het onderzoek: {}</p>\n",
                escape_html(plain.as_deref().unwrap_or(&title)),
                escape_html(&official),
                id = escape_html(&c.id),
            );
            let all_not_in_use = !c.mechanisms.is_empty()
                && c.mechanisms
                    .iter()
                    .all(|m| self.not_in_use(c, &m.code.id, 0));
            if all_not_in_use {
                figures.push_str("<p class=\"nog-niet\">Nog niet in gebruik: deze aanpak werd nog niet gebruikt toen de gesprekken plaatsvonden.</p>\n");
            }
            let outcome = self
                .plain(&c.outcome.id)
                .unwrap_or_else(|| self.label(&c.outcome.id));
            let _ = write!(
                figures,
                "<p class=\"doel\"><span class=\"lbl\">Doel:</span> {}</p>\n<p class=\"lbl\">Wat er verandert, volgens het beleid</p>\n<ul class=\"ways\">\n",
                escape_html(&outcome)
            );
            for m in &c.mechanisms {
                let id = &m.code.id;
                let nu = self.not_in_use(c, id, 0);
                figures.push_str(&self.link('m', id, &self.label(id), quoted(id), nu));
            }
            for r in &c.counter_mechanisms {
                figures.push_str(&self.link('m', &r.id, &self.label(&r.id), quoted(&r.id), false));
            }
            let _ = write!(
                figures,
                "</ul>\n<details class=\"ctx\"><summary>Omstandigheden die meetellen ({})</summary>\n<ul class=\"ways\">\n",
                c.context.len()
            );
            for (_, r) in &c.context {
                figures.push_str(&self.link('c', &r.id, &self.label(&r.id), quoted(&r.id), false));
            }
            let one = self
                .model
                .chart(std::slice::from_ref(&c.id), &self.evidence)?;
            let svg = svg::to_svg_linked(&one);
            let svg = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
            let _ = write!(
                figures,
                "</ul>\n</details>\n<details class=\"fig\"><summary>Tekening van de onderzoekers ({})</summary>\n<div class=\"fig-scroll\">{}</div>\n</details>\n</section>\n",
                escape_html(&short_name(&c.id)),
                self.rules.redact(svg.trim_end()),
            );
        }
        Ok(figures)
    }
}

/// A text the author wrote, `None` when it is missing or blank.
fn written_or(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
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

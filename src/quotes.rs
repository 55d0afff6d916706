//! Quotes as a researcher asks for them: the codings that count for a code, for a mechanism or
//! configuration, or for everything the quote site shows, filtered by stance, role and case,
//! each with its speaker's role and case (never a name), laid out as text, Markdown, CSV or
//! JSON.
//!
//! [`codes`] turns a [`Selection`] into the code ids it means (a code with the codes under it;
//! a configuration's mechanisms); [`select`] gives the [`QuoteRow`]s of a [`Query`] on those
//! codes; [`write()`] lays them out in a [`Format`]. The privacy rules (`PanelRules`) decide
//! the role and the text of every row (names replaced); under `panel`, as on the quote site,
//! the case too, and rows carry no segment id.
//!
//! ```no_run
//! use icamo::{quotes, study::Study};
//! let study = Study::locate(None)?;
//! let selection = quotes::Selection { code: Some("icamo1.m3".into()), ..Default::default() };
//! let query = quotes::Query { codes: quotes::codes(&study, &selection)?, ..Default::default() };
//! let rows = quotes::select(&study, &query)?;
//! print!("{}", String::from_utf8_lossy(&quotes::write(&rows, quotes::Format::Markdown)?));
//! # Ok::<(), icamo::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::chain::Model;
use crate::codebook::{CodeKind, Codebook, Codes};
use crate::coding::manual::Status;
use crate::coding::{Quote, QuoteSink, Stance};
use crate::error::Error;
use crate::filter::{Filter, Values, resolve};
use crate::pipeline::load_model;
use crate::privacy::{PanelRules, Population, Voice};
use crate::render::site;
use crate::store::{DocumentSink, StoredDocument};
use crate::study::Study;
use crate::transcript::Segment;

/// Which codes to take quotes of.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// This code and the codes under it.
    pub code: Option<String>,
    /// This mechanism (and the codes under it), or every mechanism of this configuration.
    pub mechanism: Option<String>,
    /// Without `code` or `mechanism`: the codes the quote site shows (its mechanisms and
    /// context factors); `None` then means every code.
    pub panel: bool,
    /// Codebook files; none: the study's.
    pub codebooks: Vec<PathBuf>,
}

/// Which quotes to give, and how to show them.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The codes (see [`codes`]); `None`: every code.
    pub codes: Option<HashSet<String>>,
    /// Only codings with this stance.
    pub stance: Option<Stance>,
    /// Only segments whose role, as shown, is this.
    pub role: Option<String>,
    /// Only segments whose case, as shown, is this.
    pub case: Option<String>,
    /// Count the rules' suggestions nobody has decided on, too.
    pub include_suggestions: bool,
    /// Apply the quote site's privacy rules.
    pub panel: bool,
}

/// One quote as output shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteRow {
    /// The segment id; empty under `panel`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub segment: String,
    /// The document id; empty under `panel`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The speaker's role label; for an interpreter's turn, the role of whom they interpret
    /// for.
    pub role: String,
    /// The interpreter's role when an interpreter spoke the words (`tolk`), else empty.
    pub via: String,
    /// The case; empty when there is none, or when the panel rules leave it off.
    pub case: String,
    /// The code.
    pub code: String,
    /// The coding's stance.
    pub stance: Stance,
    /// Confirmed by a person, or only suggested.
    pub status: Status,
    /// The segment's text, names and respondent ids replaced.
    pub text: String,
}

impl QuoteRow {
    /// The role as shown: `gezinsmigrant`, or `gezinsmigrant (via tolk)`.
    pub fn who(&self) -> String {
        crate::privacy::role_shown(
            &self.role,
            Some(self.via.as_str()).filter(|v| !v.is_empty()),
        )
    }
}

/// How [`write()`] lays quotes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Each quote in double quotes, with role, case, code and stance under it.
    Text,
    /// Markdown block quotes.
    Markdown,
    /// CSV with a header line.
    Csv,
    /// One JSON array.
    Json,
}

/// The code ids `selection` means: `None` for every code. An id no codebook has is an error.
pub fn codes(study: &Study, selection: &Selection) -> Result<Option<HashSet<String>>, Error> {
    if selection.code.is_none() && selection.mechanism.is_none() && !selection.panel {
        return Ok(None);
    }
    let model = load_model(study, &selection.codebooks)?;
    Ok(Some(match (&selection.code, &selection.mechanism) {
        (_, Some(id)) => mechanism_codes(&model, id)?,
        (Some(id), None) => codes_under(model.books(), id)?,
        (None, None) => site::findable_codes(&model).into_iter().collect(),
    }))
}

/// `id` and the codes under it, in any of `codebooks`; `id` is found ignoring capitals, and
/// one no codebook has is an error naming the known codes.
pub fn codes_under(codebooks: &[Codebook], id: &str) -> Result<HashSet<String>, Error> {
    let id = Codes::new(codebooks).resolve(id)?;
    Ok(codebooks
        .iter()
        .flat_map(|cb| cb.descendants(&id).into_iter().map(str::to_string))
        .collect())
}

/// A mechanism (and the codes under it) or a configuration's mechanisms, as the quote site's
/// mechanism filter takes them. `id` is found ignoring capitals among the configurations, the
/// mechanisms and the codes under the configurations' mechanisms.
fn mechanism_codes(model: &Model, id: &str) -> Result<HashSet<String>, Error> {
    let codes = model.codes();
    let configurations = model.configurations();
    let known: BTreeSet<&str> = configurations
        .iter()
        .map(|c| c.id.as_str())
        .chain(
            codes
                .iter()
                .filter(|c| c.kind == CodeKind::Mechanism)
                .map(|c| c.id.as_str()),
        )
        .chain(
            configurations
                .iter()
                .flat_map(|c| {
                    c.mechanisms
                        .iter()
                        .map(|m| &m.code)
                        .chain(&c.counter_mechanisms)
                })
                .flat_map(|r| codes.with_descendants(&r.id)),
        )
        .collect();
    let id = resolve(Filter::Mechanism, id, known)?;
    let set = site::mechanism_codes(model, &id).unwrap_or_default();
    Ok(set.into_iter().collect())
}

/// The quotes `query` asks for, in segment order. Every row passes through the study's
/// privacy rules (`PanelRules`): its text with names replaced, an interpreter's turn under
/// the role of whom they interpret for; under `panel` also the case left off where it would
/// point at one person, and no segment id. The query's role is found ignoring capitals among
/// the roles the rows can show, its case among the study's cases; one the study does not have
/// is an error naming the known ones.
pub fn select(study: &Study, query: &Query) -> Result<Vec<QuoteRow>, Error> {
    if query.include_suggestions {
        crate::coding::freshness::ensure_fresh_suggestions(study)?;
    }
    let mut sink = QuoteSink::new(study, query.codes.as_ref(), query.include_suggestions)?;
    let mut population = Population::default();
    let mut speakers = Speakers::default();
    study.scan(&mut [&mut sink, &mut population, &mut speakers])?;
    let shown = Shown {
        rules: PanelRules::of(&study.manifest, &population),
        panel: query.panel,
    };
    let values = speakers.values(&shown.rules);
    let role = values.resolve(Filter::Role, query.role.as_deref())?;
    let case = values.resolve(Filter::Case, query.case.as_deref())?;
    Ok(sink
        .finish()
        .iter()
        .filter(|q| query.stance.is_none_or(|s| q.coding.stance == s))
        .map(|q| (q, shown.rules.voice(&q.segment)))
        .filter(|(_, v)| role.as_ref().is_none_or(|r| &v.role == r))
        .filter(|(q, v)| {
            case.as_ref()
                .is_none_or(|c| shown.case(q, v).as_ref() == Some(c))
        })
        .map(|(q, v)| shown.row(q, v))
        .collect())
}

/// One turn of each speaker in each document. Who the privacy rules show as saying a turn
/// depends on the document, the speaker, their role and case, and nothing else in it, so these
/// turns give every role a row can show without holding all the turns.
#[derive(Default)]
struct Speakers(BTreeMap<SpeakerKey, Segment>);

/// A speaker in a document: document, speaker, respondent id, role, interviewer or not, case.
type SpeakerKey = (String, String, Option<String>, String, bool, Option<String>);

impl DocumentSink for Speakers {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        for s in &doc.segments {
            let key = (
                s.doc.clone(),
                s.speaker.clone(),
                s.respondent.clone(),
                s.role.clone(),
                s.interviewer,
                s.case.clone(),
            );
            self.0.entry(key).or_insert_with(|| s.clone());
        }
        Ok(())
    }
}

impl Speakers {
    /// The roles the rows can show (as `rules` show them) and the study's cases.
    fn values(&self, rules: &PanelRules) -> Values {
        let mut values = Values::default();
        for s in self.0.values() {
            values.roles.insert(rules.voice(s).role);
            values.cases.extend(s.case.clone());
        }
        values
    }
}

/// How a quote is shown: under the privacy rules, and with the panel's on top.
struct Shown {
    rules: PanelRules,
    panel: bool,
}

impl Shown {
    fn case(&self, q: &Quote, voice: &Voice) -> Option<String> {
        if self.panel {
            voice.case.clone()
        } else {
            q.segment.case.clone()
        }
    }

    fn row(&self, q: &Quote, voice: Voice) -> QuoteRow {
        // Under the panel rules there is nothing to trace a quote back to a transcript by.
        let (segment, doc) = if self.panel {
            (String::new(), String::new())
        } else {
            (q.segment.id.clone(), q.segment.doc.clone())
        };
        QuoteRow {
            segment,
            doc,
            case: self.case(q, &voice).unwrap_or_default(),
            role: voice.role,
            via: voice.via.unwrap_or_default(),
            code: q.coding.code.clone(),
            stance: q.coding.stance,
            status: q.coding.status,
            text: self.rules.redact(&q.segment.text),
        }
    }
}

/// The rows laid out in `format`.
pub fn write(rows: &[QuoteRow], format: Format) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::Text => to_text(rows).into_bytes(),
        Format::Markdown => to_markdown(rows).into_bytes(),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in rows {
                w.serialize(r).map_err(|e| Error::csv(None, e))?;
            }
            w.into_inner()
                .map_err(|e| Error::csv(None, e.into_error()))?
        }
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(rows)?;
            json.push(b'\n');
            json
        }
    })
}

/// Each quote on one line in double quotes, with its place, code, stance and status under it.
fn to_text(rows: &[QuoteRow]) -> String {
    let mut out = String::new();
    for r in rows {
        let role = r.who();
        let mut place = vec![role.as_str()];
        if !r.case.is_empty() {
            place.push(&r.case);
        }
        let stance = if r.stance == Stance::None {
            String::new()
        } else {
            format!(" {}", r.stance)
        };
        let trace = if r.segment.is_empty() {
            String::new()
        } else {
            format!(", {}", r.segment)
        };
        let _ = writeln!(out, "\"{}\"", r.text.replace('\n', " "));
        let _ = writeln!(
            out,
            "    — {}  [{}{stance}, {}{trace}]\n",
            place.join(", "),
            r.code,
            r.status.name(),
        );
    }
    out
}

/// Each quote as a Markdown block quote, with its role, case, code and segment.
fn to_markdown(rows: &[QuoteRow]) -> String {
    let mut out = String::new();
    for r in rows {
        // Under the panel rules there is no segment id to trace back to.
        let trace = if r.segment.is_empty() {
            String::new()
        } else {
            format!(", `{}`", r.segment)
        };
        let _ = writeln!(
            out,
            "> {}\n>\n> — *{}*{}{} ({}{trace})\n",
            r.text.replace('\n', "\n> "),
            r.who(),
            if r.case.is_empty() { "" } else { ", " },
            r.case,
            r.code,
        );
    }
    out
}

//! The coders' files: each text selection's codings placed on the turns it covers, as codings
//! by the user who made them, with the stance and note their notes carry; and a ledger row
//! for every coding of the project.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::ledger::{self, LedgerRow, Selection};
use super::offsets::SourceText;
use super::plan::{Plan, Source, norm_guid};
use crate::coding::Stance;
use crate::coding::manual::{Coding, Decision, Origin, codings_csv, sort_codings};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::interop::qdc;
use crate::interop::xml::Element;
use crate::study::CODINGS_DIR;
use crate::transcript::Segment;

/// The project's codings, placed.
pub(super) struct Placed {
    /// Each coder's codings; every user with a coding in the project has an entry.
    pub per_coder: BTreeMap<String, Vec<Coding>>,
    /// Every coding of the project, placed or not.
    pub ledger: Vec<LedgerRow>,
    /// Codings placed on segments (one per segment a selection covers).
    pub placed: usize,
    /// Selections whose end offset was read as inclusive.
    pub inclusive_ends: usize,
}

/// Places the codings of every text source's selections on `turns` (the segments of each
/// document, by id); `texts` are the sources' texts, where the archive has them.
pub(super) fn place(
    plan: &Plan<'_>,
    texts: &[Option<SourceText<'_>>],
    turns: &HashMap<String, Vec<Segment>>,
) -> Placed {
    let mut out = Placed {
        per_coder: BTreeMap::new(),
        ledger: ledger::unplaced_rows(plan),
        placed: 0,
        inclusive_ends: 0,
    };
    for ((s, id), text) in plan.sources.iter().zip(&plan.doc_ids).zip(texts) {
        let segs = turns.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        for sel in s.el.children_named("PlainTextSelection") {
            out.place_selection(plan, s, text.as_ref(), sel, segs);
        }
        let whole = Selection {
            source: &s.name,
            el: s.el,
            kind: s.kind,
            start: None,
            end: None,
            quote: "",
        };
        for c in s.el.children_named("Coding") {
            let reason = "a coding of the whole source, not of a passage";
            out.ledger.push(whole.row(plan, c, "", reason));
        }
    }
    // Every user with a coding in the project is a coder, placed or not.
    for row in &out.ledger {
        out.per_coder.entry(row.coder.clone()).or_default();
    }
    out
}

impl Placed {
    /// Places the codings of one `PlainTextSelection` of source `s` on its segments `segs`.
    fn place_selection(
        &mut self,
        plan: &Plan<'_>,
        s: &Source<'_>,
        text: Option<&SourceText<'_>>,
        sel: &Element,
        segs: &[Segment],
    ) {
        let offset = |name| sel.attr(name).and_then(|v| v.trim().parse::<usize>().ok());
        let (start, end) = (offset("startPosition"), offset("endPosition"));
        let quote = sel.attr("name").unwrap_or_default();
        let codings: Vec<&Element> = sel.children_named("Coding").collect();
        let (Some(text), Some(start), Some(end)) = (text, start, end) else {
            let reason = if s.text.is_none() {
                s.missing
                    .clone()
                    .unwrap_or_else(|| "the source's text is not in the archive".into())
            } else {
                "startPosition or endPosition missing or not a number".into()
            };
            let selection = Selection {
                source: &s.name,
                el: sel,
                kind: s.kind,
                start,
                end,
                quote,
            };
            for c in &codings {
                self.ledger.push(selection.row(plan, c, "", &reason));
            }
            return;
        };
        let landing = text.land(start, end, quote, segs);
        if landing.inclusive {
            self.inclusive_ends += 1;
        }
        let seg_ids: Vec<&str> = landing.turns.iter().map(|(s, _)| s.id.as_str()).collect();
        let selection = Selection {
            source: &s.name,
            el: sel,
            kind: s.kind,
            start: Some(landing.start),
            end: Some(landing.end),
            quote,
        };
        for c in &codings {
            let code = plan.code_of(c);
            let reason = if code.is_none() {
                "the code it refers to is not in the codebook"
            } else if landing.turns.is_empty() {
                "the selection covers no turn of the transcript"
            } else {
                ""
            };
            self.ledger
                .push(selection.row(plan, c, &seg_ids.join(";"), reason));
            let Some(code) = code else { continue };
            let coder = plan.coder_of(c);
            let (stance, note) = coding_notes(c, &plan.notes);
            for (seg, span) in &landing.turns {
                self.per_coder
                    .entry(coder.clone())
                    .or_default()
                    .push(Coding {
                        segment: seg.id.clone(),
                        code: code.clone(),
                        origin: Origin::Import,
                        coder: coder.clone(),
                        stance,
                        span: *span,
                        note: note.clone(),
                        decision: Decision::Accept,
                        text: Some(seg.text.clone()),
                        line: 0,
                    });
                self.placed += 1;
            }
        }
    }
}

/// Writes each coder's codings as `codings/CODER.csv` in the study folder `dir`.
pub(super) fn write_coders(
    dir: &Path,
    per_coder: BTreeMap<String, Vec<Coding>>,
) -> Result<(), Error> {
    for (coder, mut codings) in per_coder {
        dedupe(&mut codings);
        sort_codings(&mut codings);
        write_atomic(
            &dir.join(CODINGS_DIR).join(format!("{coder}.csv")),
            &codings_csv(&codings, false)?,
        )?;
    }
    Ok(())
}

/// A coding's stance and note, from the notes it refers to.
fn coding_notes(coding: &Element, notes: &HashMap<String, &Element>) -> (Stance, Option<String>) {
    let mut stance = Stance::None;
    let mut texts = Vec::new();
    for r in coding.children_named("NoteRef") {
        let Some(note) = r.attr("targetGUID").and_then(|g| notes.get(&norm_guid(g))) else {
            continue;
        };
        let content = note.child_text("PlainTextContent").unwrap_or_default();
        // A note whose block does not parse is kept as text.
        let (text, block) =
            qdc::split_description(content).unwrap_or_else(|_| (Some(content.to_string()), None));
        if let Some(s) = block
            .as_ref()
            .and_then(|b| b.get("stance")?.as_str()?.parse::<Stance>().ok())
        {
            stance = s;
        }
        if let Some(t) = text.filter(|t| !t.starts_with("Stance: ")) {
            texts.push(t);
        }
    }
    let note = Some(texts.join("\n\n")).filter(|t| !t.is_empty());
    (stance, note)
}

/// Keeps one coding per (segment, code).
/// A coder's file holds one coding per segment and code, so two selections with the same code
/// on one turn become one coding over both (the whole turn if either covers it).
fn dedupe(codings: &mut Vec<Coding>) {
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut out: Vec<Coding> = Vec::with_capacity(codings.len());
    for c in codings.drain(..) {
        match at.get(&(c.segment.clone(), c.code.clone())) {
            Some(&i) => {
                let kept = &mut out[i];
                kept.span = match (kept.span, c.span) {
                    (Some([a, b]), Some([x, y])) => Some([a.min(x), b.max(y)]),
                    _ => None,
                };
                if kept.stance == Stance::None {
                    kept.stance = c.stance;
                }
                if let Some(n) = c.note.filter(|n| kept.note.as_deref() != Some(n)) {
                    kept.note = Some(match kept.note.take() {
                        Some(k) => format!("{k}\n\n{n}"),
                        None => n,
                    });
                }
            }
            None => {
                at.insert((c.segment.clone(), c.code.clone()), out.len());
                out.push(c);
            }
        }
    }
    *codings = out;
}

//! The coders' files: each text selection's codings placed on the turns it covers, as codings
//! by the user who made them, with the stance and note their notes carry; and a ledger row
//! for every coding of the project.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::ledger::{self, LedgerRow, Selection};
use super::offsets::{Convention, SourceText, Turns, Written};
use super::plan::{Plan, Source, norm_guid};
use crate::coding::Stance;
use crate::coding::manual::{Coding, Decision, Origin, QuoteVersions, codings_csv, sort_codings};
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
    /// The offset convention of each source read under another than the standard's: the
    /// source's name and the convention, as the ledger says it.
    pub conventions: Vec<(String, String)>,
    /// The comments on passages that carry no code, as Markdown for a memo.
    pub comments: String,
}

/// Places the codings of every text source's selections on `turns` (the segments of each
/// document, by id; `unread` says why a document has none); `texts` are the sources' texts,
/// where the archive has them.
pub(super) fn place(
    plan: &Plan<'_>,
    texts: &[Option<SourceText>],
    turns: &HashMap<String, Vec<Segment>>,
    unread: &HashMap<String, String>,
) -> Placed {
    let mut out = Placed {
        per_coder: BTreeMap::new(),
        ledger: ledger::unplaced_rows(plan),
        placed: 0,
        conventions: Vec::new(),
        comments: String::new(),
    };
    for ((s, id), text) in plan.sources.iter().zip(&plan.doc_ids).zip(texts) {
        let segs = turns.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let sels: Vec<&Element> = s.el.children_named("PlainTextSelection").collect();
        let read = text.as_ref().map(|t| {
            let convention = if plan.block.is_some() {
                // icamo's own export counts as the standard says.
                Convention::STANDARD
            } else {
                let written: Vec<Written<'_>> =
                    sels.iter().filter_map(|sel| written(sel)).collect();
                t.convention(&written)
            };
            if convention != Convention::STANDARD {
                out.conventions
                    .push((s.name.clone(), t.describe(convention)));
            }
            Reading {
                text: t,
                convention,
                units: t.units(convention),
                described: t.describe(convention),
                turns: Turns::new(segs),
                unread: unread.get(id.as_str()).map(String::as_str),
            }
        });
        let mut read = read;
        for sel in sels {
            out.place_selection(plan, s, read.as_mut(), sel);
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

/// A source's text as its selections are read: the offset convention picked for it, and
/// the turns they land on.
struct Reading<'t, 's> {
    text: &'t SourceText,
    convention: Convention,
    units: Option<Vec<usize>>,
    described: String,
    turns: Turns<'s>,
    /// Why the transcript could not be read, when it could not.
    unread: Option<&'t str>,
}

/// A selection's offsets and quote, where both offsets are numbers.
fn written<'e>(sel: &'e Element) -> Option<Written<'e>> {
    let offset = |name| sel.attr(name).and_then(|v| v.trim().parse::<usize>().ok());
    Some(Written {
        start: offset("startPosition")?,
        end: offset("endPosition")?,
        quote: sel.attr("name").unwrap_or_default(),
    })
}

impl Placed {
    /// Places the codings of one `PlainTextSelection` of source `s`, read as `read` says.
    fn place_selection(
        &mut self,
        plan: &Plan<'_>,
        s: &Source<'_>,
        read: Option<&mut Reading<'_, '_>>,
        sel: &Element,
    ) {
        let offset = |name| sel.attr(name).and_then(|v| v.trim().parse::<usize>().ok());
        let quote = sel.attr("name").unwrap_or_default();
        let codings: Vec<&Element> = sel.children_named("Coding").collect();
        let mut selection = Selection {
            source: &s.name,
            el: sel,
            kind: s.kind,
            start: offset("startPosition"),
            end: offset("endPosition"),
            quote,
        };
        let comment = selection_comment(sel, &plan.notes);
        let (Some(read), Some(w)) = (read, written(sel)) else {
            if codings.is_empty()
                && let Some(c) = &comment
            {
                self.comment(&s.name, quote, "", c);
            }
            let reason = if s.text.is_none() {
                s.missing
                    .clone()
                    .unwrap_or_else(|| "the source's text is not in the archive".into())
            } else {
                "startPosition or endPosition missing or not a number".into()
            };
            for c in &codings {
                self.ledger.push(selection.row(plan, c, "", &reason));
            }
            return;
        };
        let at = read
            .text
            .resolve(read.units.as_deref(), read.convention, &w);
        let landing = read.text.land(at, &mut read.turns);
        let seg_ids: Vec<&str> = landing.iter().map(|(s, _)| s.id.as_str()).collect();
        let selected = read.text.selected(at);
        selection.start = Some(w.start);
        selection.end = Some(w.end);
        if codings.is_empty()
            && let Some(c) = &comment
        {
            self.comment(&s.name, &selected, &seg_ids.join(", "), c);
        }
        for c in &codings {
            let code = plan.code_of(c);
            let reason = if code.is_none() {
                "the code it refers to is not in the codebook".to_string()
            } else if let (true, Some(why)) = (landing.is_empty(), read.unread) {
                format!("its source could not be read as a transcript: {why}")
            } else if landing.is_empty() {
                "the selection covers no turn of the transcript".to_string()
            } else {
                String::new()
            };
            let mut row = selection.row(plan, c, &seg_ids.join(";"), &reason);
            row.read_as(&read.described, &selected);
            self.ledger.push(row);
            let Some(code) = code else { continue };
            let coder = plan.coder_of(c, sel);
            let (stance, note, versions) = coding_notes(c, &plan.notes);
            let note = join_notes(comment.clone(), note);
            for (seg, span) in &landing {
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
                        versions: versions.clone(),
                        line: 0,
                    });
                self.placed += 1;
            }
        }
    }
}

impl Placed {
    /// Keeps the comment on a passage of `source` without a code, for the memo.
    fn comment(&mut self, source: &str, passage: &str, segments: &str, comment: &str) {
        use std::fmt::Write as _;
        let at = if segments.is_empty() {
            String::new()
        } else {
            format!(", {segments}")
        };
        let _ = writeln!(self.comments, "## \"{source}\"{at}\n");
        for line in passage.lines() {
            let _ = writeln!(self.comments, "> {line}");
        }
        let _ = writeln!(self.comments, "\n{comment}\n");
    }
}

/// The comment on a selection (ATLAS.ti's quotation comment, MAXQDA's and QualCoder's
/// `Description`; notes the selection refers to), which each of its codings carries.
fn selection_comment(sel: &Element, notes: &HashMap<String, &Element>) -> Option<String> {
    let mut texts: Vec<String> = sel
        .child_text("Description")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    for r in sel.children_named("NoteRef") {
        if let Some(t) = r
            .attr("targetGUID")
            .and_then(|g| notes.get(&norm_guid(g)))
            .and_then(|n| n.child_text("PlainTextContent"))
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            texts.push(t.to_string());
        }
    }
    Some(texts.join("\n\n")).filter(|t| !t.is_empty())
}

/// Two notes as one, a blank line between.
fn join_notes(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
        (a, b) => a.or(b),
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

/// A coding's stance, note, readable version and translation, from the notes it refers to
/// (the last two from icamo's block in them: REFI-QDA has no place of its own for them).
fn coding_notes(
    coding: &Element,
    notes: &HashMap<String, &Element>,
) -> (Stance, Option<String>, QuoteVersions) {
    let mut stance = Stance::None;
    let mut versions = QuoteVersions::default();
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
        let written = |key: &str| {
            let value = block.as_ref()?.get(key)?.as_str()?;
            Some(value.to_string()).filter(|v| !v.trim().is_empty())
        };
        versions.readable = versions.readable.or_else(|| written("readable"));
        versions.translation = versions.translation.or_else(|| written("translation"));
        if let Some(t) = text.filter(|t| !t.starts_with("Stance: ")) {
            texts.push(t);
        }
    }
    let note = Some(texts.join("\n\n")).filter(|t| !t.is_empty());
    (stance, note, versions)
}

/// Keeps each selection's coding apart: two selections with the same code in one turn stay
/// two codings, each on its own span. Only codings on the same words merge (their notes
/// joined), and a coding of a whole turn takes in the spans of the same code in it, which it
/// covers: a coder's file holds one line per span, and one per turn for the whole turn.
fn dedupe(codings: &mut Vec<Coding>) {
    let whole: std::collections::HashSet<(String, String)> = codings
        .iter()
        .filter(|c| c.span.is_none())
        .map(|c| (c.segment.clone(), c.code.clone()))
        .collect();
    let mut at: HashMap<(String, String, Option<[usize; 2]>), usize> = HashMap::new();
    let mut out: Vec<Coding> = Vec::with_capacity(codings.len());
    for mut c in codings.drain(..) {
        if whole.contains(&(c.segment.clone(), c.code.clone())) {
            c.span = None;
        }
        match at.get(&(c.segment.clone(), c.code.clone(), c.span)) {
            Some(&i) => {
                let kept = &mut out[i];
                if kept.stance == Stance::None {
                    kept.stance = c.stance;
                }
                if let Some(n) = c.note.filter(|n| kept.note.as_deref() != Some(n)) {
                    kept.note = join_notes(kept.note.take(), Some(n));
                }
                if kept.versions.is_empty() {
                    kept.versions = c.versions;
                }
            }
            None => {
                at.insert((c.segment.clone(), c.code.clone(), c.span), out.len());
                out.push(c);
            }
        }
    }
    *codings = out;
}

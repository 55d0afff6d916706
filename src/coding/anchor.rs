//! Codings anchored to their words.
//!
//! A coding names its segment by id (`DOC:NNNN`, the turn's number in its document), and a
//! number is not the words: insert two turns near the top of a transcript and every later id
//! points two turns further on. So a coding also keeps its anchor, the text of the turn as it
//! stood when the coding was made (the `text` column of a coder's file), and before anything
//! counts evidence each coding is looked for in the study as it is now ([`locate`]):
//!
//! - its words stand where its id points: nothing to do;
//! - they stand, word for word (spacing aside), in another turn: the coding follows them
//!   (*moved*), to the nearest such turn of its own document, or of another document when its
//!   own is gone (a renamed file keeps its codings); when the same words stand in several
//!   turns it follows the nearest and is flagged for review;
//! - a turn of its own document says nearly the same (`SIMILAR` of the words in common or
//!   more: a typo fixed, a word added): the coding follows and is flagged for review;
//! - nothing says them any more: the coding is an *orphan*. It counts nowhere, and is named
//!   by its file and line until someone decides what to do with it.
//!
//! A span follows its words through a character diff of the old and the new turn.
//!
//! The fast path reads no segment: ingest stores each turn's fingerprint beside its state, so
//! a coding whose words stand where it points costs a hash. Only codings that must be looked
//! for read their document's segments, once per document.
//!
//! Nothing here changes a coder's file unless asked: evidence uses the placed codings in
//! memory; [`super::manual::update_anchors`] (`icamo codings update`) writes the moves, the anchors of codings that
//! have none yet, and, when asked, accepts the reviews and drops the orphans.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use similar::{DiffOp, TextDiff};

use super::model::Coding;
use crate::error::Error;
use crate::store::{State, StoredPrints};
use crate::study::{CODINGS_DIR, Study};
use crate::transcript::{Segment, SegmentId};

/// The share of words a turn must have in common with a coding's anchor for the coding to
/// follow it to that turn (flagged for review): a fixed typo or an added word passes, a turn
/// rewritten does not.
pub(crate) const SIMILAR: f32 = 0.8;

pub use crate::store::fingerprint;

/// What became of one coding when its words were looked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Its words stand where it points.
    InPlace,
    /// It has no anchor, and the segment it names exists: it stays there, unchecked.
    Unanchored,
    /// The same words stand in another turn; the coding follows them.
    Moved,
    /// It follows to a turn that needs a person's eye; the reason says why.
    Review(String),
    /// Its words are nowhere in the study; the reason says where it looked.
    Orphan(String),
}

/// Where a coding is now: its segment id and its span there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The segment id.
    pub segment: String,
    /// The span in that segment's text, for a coding of part of a turn.
    pub span: Option<[usize; 2]>,
    /// The segment's text now (the anchor an update writes).
    pub text: String,
}

/// One coding's placement, with where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// What became of it.
    pub placement: Placement,
    /// Where it is now; `None` for an orphan and for a coding that stays as it is.
    pub target: Option<Target>,
}

impl Located {
    fn stays(placement: Placement) -> Located {
        Located {
            placement,
            target: None,
        }
    }
}

/// A coding that did not stay where it pointed, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The coder's file it is in, relative to the study.
    pub file: PathBuf,
    /// Its line in that file.
    pub line: usize,
    /// The code.
    pub code: String,
    /// The segment it named.
    pub from: String,
    /// The segment it follows to (`None` for an orphan).
    pub to: Option<String>,
    /// Why it needs review, or why it is an orphan.
    pub reason: String,
}

impl Placed {
    /// `codings/bas.csv:14: fg-beleid:0012 → fg-beleid:0014 (icamo1.m3): REASON`.
    pub fn line_text(&self) -> String {
        let mut s = format!("{}:{}: {}", self.file.display(), self.line, self.from);
        if let Some(to) = &self.to {
            let _ = write!(s, " → {to}");
        }
        let _ = write!(s, " ({})", self.code);
        if !self.reason.is_empty() {
            let _ = write!(s, ": {}", self.reason);
        }
        s
    }
}

/// What placing a study's codings found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placements {
    /// Codings that followed their words to another turn.
    pub moved: Vec<Placed>,
    /// Codings that followed to a turn a person should look at.
    pub review: Vec<Placed>,
    /// Codings whose words are nowhere; they count nowhere.
    pub orphans: Vec<Placed>,
    /// Codings without an anchor, left on the segment they name.
    pub unanchored: usize,
}

impl Placements {
    /// Whether every anchored coding stands where it points.
    pub fn is_settled(&self) -> bool {
        self.moved.is_empty() && self.review.is_empty() && self.orphans.is_empty()
    }

    /// "3 codings moved, 1 to review, 2 orphaned", or `None` when all is settled.
    pub fn summary(&self) -> Option<String> {
        if self.is_settled() {
            return None;
        }
        let n = |k: usize| if k == 1 { "coding" } else { "codings" };
        Some(format!(
            "{} {} moved, {} to review, {} orphaned",
            self.moved.len(),
            n(self.moved.len()),
            self.review.len(),
            self.orphans.len()
        ))
    }
}

/// The coders' codings (by coder) with each placed in the study as it is now: moved codings
/// point at their words' new turn, orphans are taken out (and listed in the placements).
/// This is what evidence is counted from ([`super::manual::placed_coders`]); the files
/// themselves are not touched.
pub fn place(
    study: &Study,
    mut coders: BTreeMap<String, Vec<Coding>>,
) -> Result<(BTreeMap<String, Vec<Coding>>, Placements), Error> {
    let mut placements = Placements::default();
    if !study.is_ingested() {
        return Ok((coders, placements));
    }
    let mut turns = Turns::new(study)?;
    for (coder, codings) in coders.iter_mut() {
        let file = PathBuf::from(CODINGS_DIR).join(format!("{coder}.csv"));
        let mut kept = Vec::with_capacity(codings.len());
        for mut c in std::mem::take(codings) {
            let located = locate(&mut turns, &c)?;
            let placed = |reason: String, to: Option<&Target>| Placed {
                file: file.clone(),
                line: c.line,
                code: c.code.clone(),
                from: c.segment.clone(),
                to: to.map(|t| t.segment.clone()),
                reason,
            };
            match &located.placement {
                Placement::InPlace => {}
                Placement::Unanchored => placements.unanchored += 1,
                Placement::Moved => placements
                    .moved
                    .push(placed(String::new(), located.target.as_ref())),
                Placement::Review(why) => placements
                    .review
                    .push(placed(why.clone(), located.target.as_ref())),
                Placement::Orphan(why) => {
                    placements.orphans.push(placed(why.clone(), None));
                    continue;
                }
            }
            if let Some(t) = located.target {
                c.segment = t.segment;
                c.span = t.span;
            }
            kept.push(c);
        }
        *codings = kept;
    }
    Ok((coders, placements))
}

/// What `icamo codings update` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Updated {
    /// Codings that had no anchor and got one.
    pub anchored: usize,
    /// Codings whose id (and span) now name where their words moved.
    pub moved: usize,
    /// Codings flagged for review that were moved because that was asked.
    pub reviewed: usize,
    /// Codings flagged for review and left as they were.
    pub left_for_review: usize,
    /// Orphans taken out of their files because that was asked.
    pub dropped: usize,
    /// Orphans left in their files.
    pub orphans: usize,
    /// The coders' files rewritten.
    pub files: Vec<PathBuf>,
}

/// One coder's codings as `icamo codings update` rewrites them (see
/// [`super::manual::update_anchors`]): moved codings get the id and span of where their words
/// are now and that text as anchor; codings without an anchor get the text of the segment
/// they name; with `accept_review`, codings flagged for review move too; with
/// `drop_orphans`, orphans are left out. Counts into `updated`; says whether anything changed.
pub(crate) fn update_codings(
    turns: &mut Turns,
    codings: Vec<Coding>,
    accept_review: bool,
    drop_orphans: bool,
    updated: &mut Updated,
) -> Result<(Vec<Coding>, bool), Error> {
    let mut changed = false;
    let mut out = Vec::with_capacity(codings.len());
    for mut c in codings {
        let located = locate(turns, &c)?;
        let take = match &located.placement {
            Placement::InPlace => false,
            Placement::Unanchored => {
                c.text = turns.text_of(&c.segment)?;
                updated.anchored += usize::from(c.text.is_some());
                changed |= c.text.is_some();
                false
            }
            Placement::Moved => {
                updated.moved += 1;
                true
            }
            Placement::Review(_) if accept_review => {
                updated.reviewed += 1;
                true
            }
            Placement::Review(_) => {
                updated.left_for_review += 1;
                false
            }
            Placement::Orphan(_) if drop_orphans => {
                updated.dropped += 1;
                changed = true;
                continue;
            }
            Placement::Orphan(_) => {
                updated.orphans += 1;
                false
            }
        };
        if take && let Some(t) = located.target {
            c.segment = t.segment;
            c.span = t.span;
            c.text = Some(t.text);
            changed = true;
        }
        out.push(c);
    }
    Ok((out, changed))
}

/// Where the coding `c` is in the study as it is now (see the module documentation).
pub fn locate(turns: &mut Turns, c: &Coding) -> Result<Located, Error> {
    let Some(id) = SegmentId::parse(&c.segment) else {
        return Ok(Located::stays(Placement::Orphan(format!(
            "\"{}\" is not a segment id",
            c.segment
        ))));
    };
    let Some(anchor) = c.text.as_deref() else {
        return Ok(Located::stays(
            match turns.print_at(id.doc, id.ordinal)? {
                Some(_) => Placement::Unanchored,
                None => Placement::Orphan(format!(
                    "the study has no segment {} and the coding has no anchor to find its words by",
                    c.segment
                )),
            },
        ));
    };
    let print = fingerprint(anchor);
    if turns.print_at(id.doc, id.ordinal)?.as_deref() == Some(print.as_str()) {
        return Ok(Located::stays(Placement::InPlace));
    }
    if let Some(found) = turns.same_words(&print, id)? {
        return Ok(found.with_span(c.span));
    }
    if !turns.has_document(id.doc) {
        return Ok(Located::stays(Placement::Orphan(format!(
            "document {} is no longer in the study, and its words are in no other",
            id.doc
        ))));
    }
    turns.nearly_the_same(anchor, id, c.span)
}

/// The study's turns as a coding looks for its words: fingerprints from the ingest state,
/// segments read only for documents where a coding must be looked for, once each.
pub struct Turns<'s> {
    study: &'s Study,
    state: State,
    prints: BTreeMap<String, StoredPrints>,
    read: HashMap<String, Vec<Segment>>,
    by_print: Option<HashMap<String, Vec<(String, u32)>>>,
}

/// Turns found with a coding's exact words, before its span is carried over.
struct Found {
    segment: String,
    text: String,
    placement: Placement,
}

impl Found {
    /// The same bytes: a span stays as it was.
    fn with_span(self, span: Option<[usize; 2]>) -> Located {
        Located {
            placement: self.placement,
            target: Some(Target {
                segment: self.segment,
                span,
                text: self.text,
            }),
        }
    }
}

impl<'s> Turns<'s> {
    /// The turns of an ingested study.
    pub fn new(study: &'s Study) -> Result<Turns<'s>, Error> {
        Ok(Turns {
            study,
            state: study.state()?,
            prints: study.prints()?,
            read: HashMap::new(),
            by_print: None,
        })
    }

    fn has_document(&self, doc: &str) -> bool {
        self.state.documents.contains_key(doc)
    }

    /// A document's segments, read once.
    fn segments(&mut self, doc: &str) -> Result<&[Segment], Error> {
        if !self.read.contains_key(doc) {
            let segments = self.study.document_segments(doc)?;
            self.read.insert(doc.to_string(), segments);
        }
        Ok(&self.read[doc])
    }

    /// The stored fingerprints of a document, when they are of its content now.
    fn stored(&self, doc: &str) -> Option<&StoredPrints> {
        let d = self.state.documents.get(doc)?;
        self.prints
            .get(doc)
            .filter(|p| p.content_hash == d.content_hash && p.len() == d.segments)
    }

    /// A document's fingerprints: the stored ones, or (for a document ingested before
    /// anchors) from its segments.
    fn prints(&mut self, doc: &str) -> Result<Option<Vec<String>>, Error> {
        if !self.state.documents.contains_key(doc) {
            return Ok(None);
        }
        if let Some(p) = self.stored(doc) {
            return Ok(Some(
                (1..=p.len() as u32)
                    .filter_map(|o| p.at(o))
                    .map(str::to_string)
                    .collect(),
            ));
        }
        let prints = self
            .segments(doc)?
            .iter()
            .map(|s| fingerprint(&s.text))
            .collect();
        Ok(Some(prints))
    }

    /// The fingerprint of the turn `ordinal` of `doc`, if the study has it.
    fn print_at(&mut self, doc: &str, ordinal: u32) -> Result<Option<String>, Error> {
        let Some(d) = self.state.documents.get(doc) else {
            return Ok(None);
        };
        if ordinal == 0 || ordinal as usize > d.segments {
            return Ok(None);
        }
        if let Some(p) = self.stored(doc) {
            return Ok(p.at(ordinal).map(str::to_string));
        }
        Ok(self
            .segments(doc)?
            .get(ordinal as usize - 1)
            .map(|s| fingerprint(&s.text)))
    }

    /// The text of segment `id` now, if the study has it.
    fn text_of(&mut self, id: &str) -> Result<Option<String>, Error> {
        let Some(sid) = SegmentId::parse(id) else {
            return Ok(None);
        };
        if !self.has_document(sid.doc) {
            return Ok(None);
        }
        Ok(self
            .segments(sid.doc)?
            .get(sid.ordinal as usize - 1)
            .map(|s| s.text.clone()))
    }

    /// The turns with fingerprint `print`, of every document.
    fn with_print(&mut self, print: &str) -> Result<Vec<(String, u32)>, Error> {
        if self.by_print.is_none() {
            let mut map: HashMap<String, Vec<(String, u32)>> = HashMap::new();
            let docs: Vec<String> = self.state.documents.keys().cloned().collect();
            for doc in docs {
                for (i, p) in self
                    .prints(&doc)?
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                {
                    map.entry(p).or_default().push((doc.clone(), i as u32 + 1));
                }
            }
            self.by_print = Some(map);
        }
        Ok(self
            .by_print
            .as_ref()
            .and_then(|m| m.get(print).cloned())
            .unwrap_or_default())
    }

    /// The turn that has exactly the words with fingerprint `print`: the nearest of `from`'s
    /// own document, or else the one of another document; flagged for review when several
    /// turns of the chosen document have them.
    fn same_words(&mut self, print: &str, from: SegmentId) -> Result<Option<Found>, Error> {
        let all = self.with_print(print)?;
        let own: Vec<&(String, u32)> = all.iter().filter(|(d, _)| d == from.doc).collect();
        let pool: Vec<&(String, u32)> = if own.is_empty() {
            all.iter().collect()
        } else {
            own
        };
        let Some(&&(ref doc, ordinal)) = pool
            .iter()
            .min_by_key(|(d, o)| (d.clone(), o.abs_diff(from.ordinal)))
        else {
            return Ok(None);
        };
        let twins = pool.iter().filter(|(d, _)| d == doc).count();
        let placement = if twins > 1 {
            Placement::Review(format!(
                "the same words stand in {twins} turns of {doc}; it follows the nearest"
            ))
        } else {
            Placement::Moved
        };
        let text = self.segments(doc)?[ordinal as usize - 1].text.clone();
        Ok(Some(Found {
            segment: Segment::make_id(doc, ordinal),
            text,
            placement,
        }))
    }

    /// The turn of `from`'s document that says the same as `anchor` up to spacing (moved), or
    /// nearly the same (review); else the coding is an orphan.
    fn nearly_the_same(
        &mut self,
        anchor: &str,
        from: SegmentId,
        span: Option<[usize; 2]>,
    ) -> Result<Located, Error> {
        let wanted = words(anchor);
        let wanted_counts = counts(&wanted);
        let mut best: Option<(f32, u32, &Segment)> = None;
        for s in self.segments(from.doc)? {
            let theirs = words(&s.text);
            if theirs == wanted {
                best = Some((1.0, s.ordinal.abs_diff(from.ordinal), s));
                break;
            }
            // Most turns share few words with the anchor: skip them before the diff. The words
            // two texts share, counted with repeats, bound the diff's ratio from above.
            let common: usize = counts(&theirs)
                .iter()
                .map(|(w, n)| (*n).min(wanted_counts.get(w).copied().unwrap_or(0)))
                .sum();
            if 2.0 * (common as f32) < SIMILAR * (wanted.len() + theirs.len()) as f32 {
                continue;
            }
            let ratio = TextDiff::from_slices(&wanted, &theirs).ratio();
            let distance = s.ordinal.abs_diff(from.ordinal);
            if ratio >= SIMILAR
                && best.is_none_or(|(r, d, _)| ratio > r || (ratio == r && distance < d))
            {
                best = Some((ratio, distance, s));
            }
        }
        let Some((ratio, _, s)) = best else {
            return Ok(Located::stays(Placement::Orphan(format!(
                "its words are in no turn of {} any more",
                from.doc
            ))));
        };
        let placement = if ratio >= 1.0 {
            Placement::Moved
        } else {
            Placement::Review(format!(
                "the turn's words changed ({:.0}% in common)",
                ratio * 100.0
            ))
        };
        Ok(Located {
            placement,
            target: Some(Target {
                segment: s.id.clone(),
                span: span.map(|sp| carry_span(anchor, &s.text, sp)),
                text: s.text.clone(),
            }),
        })
    }
}

/// A text's words, as the similarity compares them.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// How often each word occurs.
fn counts<'a>(words: &[&'a str]) -> HashMap<&'a str, usize> {
    let mut out = HashMap::new();
    for w in words {
        *out.entry(*w).or_insert(0) += 1;
    }
    out
}

/// The span `span` of `old` (bytes), carried over to `new` through a character diff: an end
/// in text both share lands on the same character; one in deleted text lands where the
/// deletion was.
fn carry_span(old: &str, new: &str, span: [usize; 2]) -> [usize; 2] {
    let diff = TextDiff::from_chars(old, new);
    let old_chars: Vec<usize> = char_starts(old);
    let new_chars: Vec<usize> = char_starts(new);
    let to_char = |byte: usize| old_chars.partition_point(|&b| b < byte);
    let to_byte = |ch: usize| new_chars.get(ch).copied().unwrap_or(new.len());
    let carry = |ch: usize, end: bool| -> usize {
        for op in diff.ops() {
            let (o, n) = (op.old_range(), op.new_range());
            let inside = o.contains(&ch) || (end && ch == o.end && ch > o.start);
            if !inside {
                continue;
            }
            return match op {
                DiffOp::Equal { .. } => n.start + (ch - o.start),
                _ if end => n.end,
                _ => n.start,
            };
        }
        new_chars.len()
    };
    let (a, b) = (to_char(span[0]), to_char(span[1]));
    let (a, b) = (to_byte(carry(a, false)), to_byte(carry(b, true)));
    [a.min(b), b]
}

/// The byte offset of each character of `s`.
fn char_starts(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_follows_its_words_through_an_edit_before_it() {
        let old = "Ik weet het niet. De jobcoach hielp mij echt.";
        let new = "Ik weet het eigenlijk niet. De jobcoach hielp mij echt.";
        let a = old.find("jobcoach").unwrap();
        let span = [a, a + "jobcoach hielp".len()];
        let [x, y] = carry_span(old, new, span);
        assert_eq!(&new[x..y], "jobcoach hielp");
    }

    #[test]
    fn a_span_over_a_fixed_typo_covers_the_fixed_word() {
        let old = "De werkgevr wilde wel.";
        let new = "De werkgever wilde wel.";
        let span = [3, 11];
        let [x, y] = carry_span(old, new, span);
        assert_eq!(&new[x..y], "werkgever");
    }

    #[test]
    fn a_span_keeps_to_character_boundaries_in_accented_text() {
        let old = "Één café, één thé.";
        let new = "Nu: één café, één thé.";
        let a = old.find("café").unwrap();
        let [x, y] = carry_span(old, new, [a, a + "café".len()]);
        assert_eq!(&new[x..y], "café");
    }
}

//! The segment: the unit everything downstream points at.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lang::Language;

/// One speaker turn of one document (or one paragraph of a document that is not a transcript),
/// with everything the manifest says about who spoke.
///
/// Segments are made once, at ingest, and stored; searches, codings, figures and reports refer
/// to them by [`Segment::id`] and never parse a source file again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Stable id: the document id and the 1-based turn number, as in `int-sh-01:0007`.
    pub id: String,
    /// The id of the document the turn comes from.
    pub doc: String,
    /// 1-based position of the turn in its document.
    pub ordinal: u32,
    /// The speaker as stored: the pseudonym where the manifest gives one, else the file's label;
    /// empty for a paragraph of a document that is not a transcript (see [`Segment::is_written`]).
    pub speaker: String,
    /// The respondent id the manifest assigns to the speaker, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent: Option<String>,
    /// The speaker's role (`statushouder`, `professional beleid`, …); `onbekend` when unknown;
    /// for a document's paragraph the document's type (`beleidsdocument`).
    pub role: String,
    /// The case, for example the municipality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The group, for example `focusgroep 4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Whether the speaker is one of the study's interviewers or moderators.
    pub interviewer: bool,
    /// The language the text is analysed in.
    pub lang: Language,
    /// Start time in milliseconds, where the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<u64>,
    /// End time in milliseconds, where the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
    /// 1-based line of the turn in the decoded source (DOCX: paragraph number).
    pub line: usize,
    /// Byte offsets of the turn in the decoded source text (UTF-8, BOM removed, LF line ends).
    pub byte_start: usize,
    /// End of the byte range (exclusive).
    pub byte_end: usize,
    /// The same range in Unicode code points, as REFI-QDA counts.
    pub char_start: usize,
    /// End of the code-point range (exclusive).
    pub char_end: usize,
    /// The spoken text, with the study's pseudonyms applied.
    pub text: String,
}

/// The role stored for a speaker the manifest does not describe.
pub const UNKNOWN_ROLE: &str = "onbekend";

/// A segment id taken apart: `int-sh-01:0007` is turn 7 of document `int-sh-01`. Document ids
/// hold no `:`, so the last `:` separates the two. Written back by its `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SegmentId<'a> {
    /// The document id.
    pub doc: &'a str,
    /// The 1-based turn (or paragraph) number.
    pub ordinal: u32,
}

impl<'a> SegmentId<'a> {
    /// Reads `DOC:NNNN`; `None` unless the document part is not empty and the number is 1 or more.
    pub fn parse(id: &'a str) -> Option<SegmentId<'a>> {
        let (doc, n) = id.rsplit_once(':')?;
        let ordinal: u32 = n.parse().ok()?;
        (!doc.is_empty() && ordinal > 0).then_some(SegmentId { doc, ordinal })
    }
}

impl fmt::Display for SegmentId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{:04}", self.doc, self.ordinal)
    }
}

impl Segment {
    /// The id of the `ordinal`-th turn of document `doc`.
    pub fn make_id(doc: &str, ordinal: u32) -> String {
        SegmentId { doc, ordinal }.to_string()
    }

    /// Whether the segment is a paragraph of a document that is not a transcript (policy
    /// document, notes, report): nobody's words, so it counts as no respondent.
    pub fn is_written(&self) -> bool {
        self.speaker.is_empty() && self.respondent.is_none()
    }

    /// Number of words, counted as runs of letters or digits.
    pub(crate) fn word_count(&self) -> usize {
        count_words(&self.text)
    }
}

/// Counts words as runs of alphanumeric characters (so `taal-aanbieder` is two words).
pub(crate) fn count_words(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

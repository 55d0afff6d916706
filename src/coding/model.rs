//! The coding model: what a coder decided about a code for a segment ([`Coding`]), where it
//! came from ([`Origin`]) and how the segment bears on the code ([`Stance`]). Plain data,
//! shared by the transcripts' inline tags, the coders' files and the exports; it knows no
//! study and no file.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How a coded segment bears on its code (above all on a mechanism).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// The segment shows the mechanism at work (`+`).
    Supports,
    /// The segment shows it failing or absent (`-`).
    Contradicts,
    /// The segment qualifies it: for whom, when, only partly (`~`).
    Nuance,
    /// No stance (interventions, actors, most context).
    #[default]
    None,
}

impl Stance {
    /// The one-character mark used in inline tags and sheets.
    pub fn mark(self) -> &'static str {
        match self {
            Stance::Supports => "+",
            Stance::Contradicts => "-",
            Stance::Nuance => "~",
            Stance::None => "",
        }
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stance::Supports => "supports",
            Stance::Contradicts => "contradicts",
            Stance::Nuance => "nuance",
            Stance::None => "none",
        })
    }
}

/// Reads a stance as files and sheets write it: the English name, its mark, or the Dutch word
/// the report and the quote site print (ondersteunt, weerspreekt, nuanceert, geen houding).
impl FromStr for Stance {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
        match words.to_lowercase().as_str() {
            "+" | "supports" | "ondersteunt" | "steunt" => Ok(Stance::Supports),
            "-" | "contradicts" | "weerspreekt" => Ok(Stance::Contradicts),
            "~" | "nuance" | "nuanceert" => Ok(Stance::Nuance),
            "" | "none" | "geen" | "geen houding" => Ok(Stance::None),
            other => Err(format!(
                "unknown stance \"{other}\": expected supports (+, ondersteunt), contradicts (-, weerspreekt), nuance (~, nuanceert) or none (empty, geen houding)"
            )),
        }
    }
}

/// The coder of inline tags in a document without a `coder` attribute.
pub(crate) const TAG_CODER: &str = "transcript";

/// The columns of a coder's file, in order. `text` is the coding's anchor: the words of the
/// turn it was made on, by which it is found again when the transcript changes.
pub(crate) const CODING_COLUMNS: [&str; 8] = [
    "segment", "code", "stance", "origin", "span", "note", "decision", "text",
];

/// The columns a coder may add to their file for the report's quotes, after
/// [`CODING_COLUMNS`]; written only when a coding in the file fills one in, so a file without
/// them stays as it was.
pub(crate) const QUOTE_COLUMNS: [&str; 2] = ["readable", "translation"];

/// What a coder wrote beside the verbatim words for the report: a readable version of them
/// (the report shows it, and the verbatim words in an appendix) and a translation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct QuoteVersions {
    /// The coded words as an author would print them (hesitations out, grammar mended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readable: Option<String>,
    /// The coded words in another language, for readers of that language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
}

impl QuoteVersions {
    /// Whether the coder wrote neither.
    pub fn is_empty(&self) -> bool {
        self.readable.is_none() && self.translation.is_none()
    }
}

/// Where a coding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A person, in a coding sheet or by hand in the file.
    Manual,
    /// Brought in from another program (REFI-QDA, CSV).
    Import,
    /// An inline tag in a transcript.
    Tag,
    /// The codebook's rules: a suggestion nobody has decided on.
    Rule,
    /// Meaning alone (`[semantic]`), no rule matched: a suggestion nobody has decided on.
    Meaning,
}

impl Origin {
    /// The name written in files.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Manual => "manual",
            Origin::Import => "import",
            Origin::Tag => "tag",
            Origin::Rule => "rule",
            Origin::Meaning => "meaning",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Origin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "" | "manual" => Ok(Origin::Manual),
            "import" => Ok(Origin::Import),
            "tag" => Ok(Origin::Tag),
            "rule" => Ok(Origin::Rule),
            "meaning" => Ok(Origin::Meaning),
            other => Err(format!(
                "unknown origin \"{other}\": expected manual, tag, import, rule or meaning"
            )),
        }
    }
}

/// What a coder decided about a code for a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The segment has the code.
    Accept,
    /// The segment does not have the (suggested) code; kept so it is not offered again.
    Reject,
}

impl Decision {
    /// The name written in files.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
        }
    }
}

/// One coder's decision about one code for one segment.
#[derive(Debug, Clone, Serialize)]
pub struct Coding {
    /// The segment id.
    pub segment: String,
    /// The code id.
    pub code: String,
    /// Where the coding comes from.
    pub origin: Origin,
    /// Who coded (the file name of a coder's file; the tag's coder for tags).
    pub coder: String,
    /// How the segment bears on the code.
    pub stance: Stance,
    /// Bytes of the segment's text the coding is about; `None` for the whole segment.
    pub span: Option<[usize; 2]>,
    /// The coder's note.
    pub note: Option<String>,
    /// Accepted or rejected.
    pub decision: Decision,
    /// The anchor: the turn's text as it stood when the coding was made (`span` counts bytes
    /// of it), so the coding can follow its words when the transcript changes
    /// ([`super::anchor`]). `None` in files written before anchors, and for inline tags,
    /// which move with their text anyway. Left out of JSON: the segment carries the text.
    #[serde(skip)]
    pub text: Option<String>,
    /// The readable version and translation the coder wrote for the report, if any.
    #[serde(flatten)]
    pub versions: QuoteVersions,
    /// The line of the file it was read from (0 when it was not read from a file), to name it
    /// in messages. Not part of the coding: two codings that differ only here are equal.
    #[serde(skip)]
    pub line: usize,
}

impl PartialEq for Coding {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.segment,
            &self.code,
            self.origin,
            &self.coder,
            self.stance,
            self.span,
            &self.note,
            self.decision,
            &self.text,
            &self.versions,
        ) == (
            &other.segment,
            &other.code,
            other.origin,
            &other.coder,
            other.stance,
            other.span,
            &other.note,
            other.decision,
            &other.text,
            &other.versions,
        )
    }
}

impl Eq for Coding {}

impl Coding {
    /// The order of every codings file: segment, code, span, coder.
    fn sort_key(&self) -> (&str, &str, Option<[usize; 2]>, &str) {
        (&self.segment, &self.code, self.span, &self.coder)
    }
}

/// Sorts codings into file order.
pub(crate) fn sort_codings(codings: &mut [Coding]) {
    codings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Checks a coder's name: letters, digits, `-` and `_`, so it makes a safe file name.
pub fn check_coder(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        Ok(())
    } else {
        Err(format!(
            "\"{name}\" is not a coder name: use letters, digits, '-' and '_' (like anna or coder_2)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reports_dutch_stance_words_read_as_their_stance() {
        for (words, stance) in [
            (
                ["supports", "+", "ondersteunt", "Ondersteunt "],
                Stance::Supports,
            ),
            (
                ["contradicts", "-", "weerspreekt", "WEERSPREEKT"],
                Stance::Contradicts,
            ),
            (["nuance", "~", "nuanceert", " nuanceert"], Stance::Nuance),
            (["none", "", "geen houding", "Geen  houding"], Stance::None),
        ] {
            for word in words {
                assert_eq!(word.parse::<Stance>(), Ok(stance), "{word:?}");
            }
        }
    }

    #[test]
    fn an_unknown_stance_lists_the_words_that_are_known() {
        assert_eq!(
            "ondersteund".parse::<Stance>(),
            Err("unknown stance \"ondersteund\": expected supports (+, ondersteunt), contradicts (-, weerspreekt), nuance (~, nuanceert) or none (empty, geen houding)".to_string())
        );
    }
}

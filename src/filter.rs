//! What a command line filters by (a role, a case, a document, a speaker, a code, a
//! configuration), resolved against the values the study has before anything runs.
//!
//! A filter that matches nothing looks exactly like a study without evidence, so a value is
//! never taken as typed: [`resolve`] finds it among the known values ignoring capitals
//! (`--role Werkgever` means `werkgever`), and a value the study does not have is an
//! [`UnknownValue`] that says what the known ones are, with a "did you mean" when one is
//! close. [`Values`] holds a study's roles, cases, documents and speakers as a command shows
//! them; the index, the store's scan and the codebooks each say which values they have.
//!
//! ```
//! use icamo::filter::{Filter, resolve};
//! let roles = ["statushouder", "werkgever"];
//! assert_eq!(resolve(Filter::Role, "Werkgever", roles).unwrap(), "werkgever");
//! let wrong = resolve(Filter::Role, "werkgevr", roles).unwrap_err().to_string();
//! assert_eq!(
//!     wrong,
//!     "unknown role \"werkgevr\" (did you mean \"werkgever\"?); known roles: statushouder, werkgever"
//! );
//! ```

use std::collections::BTreeSet;
use std::fmt;

/// How many known values an error lists before it says how many more there are.
const LISTED: usize = 24;

/// What a filter value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// A speaker's role (`--role`).
    Role,
    /// A document's case (`--case`).
    Case,
    /// A document id (`--doc`).
    Document,
    /// A speaker, by the label stored for them (`--speaker`).
    Speaker,
    /// A code id (`--code`).
    Code,
    /// A configuration id.
    Configuration,
    /// A mechanism code or a configuration id (`quotes --mechanism`).
    Mechanism,
}

impl Filter {
    /// The word for one value, in messages.
    pub(crate) fn singular(self) -> &'static str {
        match self {
            Filter::Role => "role",
            Filter::Case => "case",
            Filter::Document => "document",
            Filter::Speaker => "speaker",
            Filter::Code => "code",
            Filter::Configuration => "configuration",
            Filter::Mechanism => "mechanism or configuration",
        }
    }

    /// The word for several values, in messages.
    pub fn plural(self) -> &'static str {
        match self {
            Filter::Role => "roles",
            Filter::Case => "cases",
            Filter::Document => "documents",
            Filter::Speaker => "speakers",
            Filter::Code => "codes",
            Filter::Configuration => "configurations",
            Filter::Mechanism => "mechanisms and configurations",
        }
    }
}

/// A filter value the study does not have (or that fits several known values equally).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What the value names.
    pub what: Filter,
    /// The value as given.
    pub value: String,
    /// What was wrong, with the known values.
    pub message: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnknownValue {}

/// `wanted` as the study spells it: the known value equal to it, else the one known value equal
/// to it ignoring capitals; otherwise an [`UnknownValue`] naming the known values.
pub fn resolve<'k>(
    what: Filter,
    wanted: &str,
    known: impl IntoIterator<Item = &'k str>,
) -> Result<String, UnknownValue> {
    let known: BTreeSet<&str> = known.into_iter().collect();
    if known.contains(wanted) {
        return Ok(wanted.to_string());
    }
    let folded = wanted.to_lowercase();
    let same: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| k.to_lowercase() == folded)
        .collect();
    let message = match same.as_slice() {
        [one] => return Ok(one.to_string()),
        [] => unknown(what, wanted, &folded, &known),
        several => format!(
            "{} \"{wanted}\" fits several {} that differ only in capitals ({}): give one as it is written",
            what.singular(),
            what.plural(),
            several.join(", ")
        ),
    };
    Err(UnknownValue {
        what,
        value: wanted.to_string(),
        message,
    })
}

/// The message for a value no known value matches: the closest one, and the known ones (a
/// speaker's are not listed: a list of speakers is a list of people).
fn unknown(what: Filter, wanted: &str, folded: &str, known: &BTreeSet<&str>) -> String {
    let lowered: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
    let meant = closest(lowered.iter().map(String::as_str), folded)
        .and_then(|m| lowered.iter().position(|l| l == m))
        .and_then(|i| known.iter().nth(i));
    let mut message = format!("unknown {} \"{wanted}\"", what.singular());
    if let Some(meant) = meant {
        message.push_str(&format!(" (did you mean \"{meant}\"?)"));
    }
    if what == Filter::Speaker {
        message.push_str(
            "; a speaker is given by the label `icamo search --names` shows beside the role",
        );
        return message;
    }
    let listed: Vec<&str> = known.iter().copied().take(LISTED).collect();
    message.push_str(&format!("; known {}: ", what.plural()));
    if listed.is_empty() {
        message.push_str("none");
    } else {
        message.push_str(&listed.join(", "));
    }
    if known.len() > LISTED {
        message.push_str(&format!(", and {} more", known.len() - LISTED));
        if matches!(what, Filter::Code | Filter::Mechanism) {
            message.push_str(" (`icamo codebook show` lists every code)");
        }
    }
    message
}

/// A study's roles, cases, documents and speakers, as the command that filters by them shows
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    /// Role labels.
    pub roles: BTreeSet<String>,
    /// Cases.
    pub cases: BTreeSet<String>,
    /// Document ids.
    pub documents: BTreeSet<String>,
    /// Speakers, as stored (their pseudonyms).
    pub speakers: BTreeSet<String>,
}

impl Values {
    /// `wanted` resolved ([`resolve`]) against the values of its kind; `None` stays `None`.
    /// Codes and configurations are not among these values (the codebooks know them): one is
    /// never found here.
    pub fn resolve(
        &self,
        what: Filter,
        wanted: Option<&str>,
    ) -> Result<Option<String>, UnknownValue> {
        let known = match what {
            Filter::Role => Some(&self.roles),
            Filter::Case => Some(&self.cases),
            Filter::Document => Some(&self.documents),
            Filter::Speaker => Some(&self.speakers),
            Filter::Code | Filter::Configuration | Filter::Mechanism => None,
        };
        let known = known.into_iter().flatten().map(String::as_str);
        wanted.map(|w| resolve(what, w, known)).transpose()
    }
}

/// The id among `ids` most like `wanted`, if one is close (a typo, a missing level).
pub(crate) fn closest<'a>(ids: impl Iterator<Item = &'a str>, wanted: &str) -> Option<&'a str> {
    ids.map(|id| (edit_distance(id, wanted), id))
        .filter(|&(d, id)| d <= 2.max(wanted.chars().count() / 4) && d < id.chars().count())
        .min()
        .map(|(_, id)| id)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_changes() {
        assert_eq!(edit_distance("int.pip", "int.pi"), 1);
        assert_eq!(edit_distance("ctx.inst", "ctx.ins"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }

    #[test]
    fn capitals_do_not_matter_unless_they_must() {
        let cases = ["Havenstad", "Veenoord"];
        assert_eq!(
            resolve(Filter::Case, "havenstad", cases).unwrap(),
            "Havenstad"
        );
        assert_eq!(
            resolve(Filter::Case, "VEENOORD", cases).unwrap(),
            "Veenoord"
        );
        // Two values that differ only in capitals: the exact one, or neither.
        let both = ["Havenstad", "havenstad"];
        assert_eq!(
            resolve(Filter::Case, "havenstad", both).unwrap(),
            "havenstad"
        );
        let err = resolve(Filter::Case, "HAVENSTAD", both).unwrap_err();
        assert_eq!(
            err.message,
            "case \"HAVENSTAD\" fits several cases that differ only in capitals (Havenstad, havenstad): give one as it is written"
        );
    }

    #[test]
    fn an_unknown_value_lists_the_known_ones() {
        let err = resolve(Filter::Case, "Lindenhorst", ["Havenstad", "Veenoord"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown case \"Lindenhorst\"; known cases: Havenstad, Veenoord"
        );
        let err = resolve(Filter::Case, "x", []).unwrap_err();
        assert_eq!(err.to_string(), "unknown case \"x\"; known cases: none");
        let many: Vec<String> = (0..30).map(|i| format!("c{i:02}")).collect();
        let err = resolve(Filter::Code, "zz", many.iter().map(String::as_str)).unwrap_err();
        assert!(
            err.message
                .ends_with("c22, c23, and 6 more (`icamo codebook show` lists every code)"),
            "{err}"
        );
    }

    #[test]
    fn speakers_are_not_listed() {
        let err = resolve(Filter::Speaker, "Derja", ["Derya", "Joost"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown speaker \"Derja\" (did you mean \"Derya\"?); a speaker is given by the label `icamo search --names` shows beside the role"
        );
    }
}

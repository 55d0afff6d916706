//! Privacy: what keeps names out of what icamo writes. The [`Pseudonyms`] map, applied to
//! speaker labels and turn text at ingest; the [`PanelRules`] of the quote site and
//! `icamo quotes --panel` (role labels only, names and respondent ids in text replaced, no case
//! where a role has one person in it); and [`check`], which scans written files for every name,
//! pseudonym, speaker label and respondent id the manifest knows.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::Error;
use crate::manifest::Manifest;
use crate::store::{DocumentSink, StoredDocument};
use crate::study::Study;
use crate::transcript::{Segment, UNKNOWN_ROLE};

/// The pseudonym map, compiled once: whole-word, longest name first, case-sensitive.
pub struct Pseudonyms {
    matcher: Option<AhoCorasick>,
    replacements: Vec<String>,
}

impl Pseudonyms {
    /// Compiles a real name → pseudonym map.
    pub fn new(map: &BTreeMap<String, String>) -> Pseudonyms {
        let names: Vec<&str> = map.keys().map(String::as_str).collect();
        let matcher = if names.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&names)
                .ok()
        };
        Pseudonyms {
            matcher,
            replacements: map.values().cloned().collect(),
        }
    }

    /// `text` with every real name that stands as a whole word replaced by its pseudonym.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let names = self.names(text);
        if names.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::new();
        let mut last = 0;
        for (range, pattern) in names {
            out.push_str(&text[last..range.start]);
            out.push_str(&self.replacements[pattern]);
            last = range.end;
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }

    /// [`Pseudonyms::apply`], also moving byte `offsets` into `text` to the same places in
    /// the result (an offset inside a replaced name moves to the end of its pseudonym).
    pub fn apply_moving(&self, text: &str, offsets: &mut [usize]) -> String {
        let names = self.names(text);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        // (end in `text`, end in `out`) of each replaced name, to move offsets by.
        let mut moved: Vec<(std::ops::Range<usize>, usize)> = Vec::with_capacity(names.len());
        for (range, pattern) in names {
            out.push_str(&text[last..range.start]);
            out.push_str(&self.replacements[pattern]);
            last = range.end;
            moved.push((range, out.len()));
        }
        out.push_str(&text[last..]);
        for offset in offsets.iter_mut() {
            let mut shifted = *offset;
            for (range, new_end) in &moved {
                if *offset <= range.start {
                    break;
                }
                shifted = if *offset >= range.end {
                    *offset - range.end + new_end
                } else {
                    *new_end
                };
            }
            *offset = shifted;
        }
        out
    }

    /// The byte ranges of the real names in `text` that stand as whole words, with the index
    /// of each one's pseudonym.
    fn names(&self, text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        matcher
            .find_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
            .map(|m| (m.range(), m.pattern().as_usize()))
            .collect()
    }
}

/// What replaces a name in quote text on the site.
pub const NAME_MARK: &str = "[naam]";
/// What replaces a respondent id in quote text on the site.
pub const NUMBER_MARK: &str = "[nummer]";

/// What kind of identifying string a manifest entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Identifying {
    /// A key of `[pseudonyms]`.
    RealName,
    /// A value of `[pseudonyms]`.
    Pseudonym,
    /// A `[[speakers]]` label of a person (labels like `Moderator` or `Tolk`, with neither a
    /// respondent id nor a pseudonym, name a function and are not counted).
    SpeakerLabel,
    /// A `[[speakers]]` respondent id.
    RespondentId,
}

impl Identifying {
    /// How the kind is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Identifying::RealName => "real name",
            Identifying::Pseudonym => "pseudonym",
            Identifying::SpeakerLabel => "speaker label",
            Identifying::RespondentId => "respondent id",
        }
    }
}

/// Every string of the manifest that identifies a person, longest first, each once.
pub fn identifying_terms(manifest: &Manifest) -> Vec<(String, Identifying)> {
    let mut terms: BTreeMap<String, Identifying> = BTreeMap::new();
    let mut add = |t: &str, kind: Identifying| {
        let t = t.trim();
        if !t.is_empty() {
            let e = terms.entry(t.to_string()).or_insert(kind);
            *e = (*e).min(kind);
        }
    };
    for (real, pseudonym) in &manifest.pseudonyms {
        add(real, Identifying::RealName);
        add(pseudonym, Identifying::Pseudonym);
    }
    for s in &manifest.speakers {
        let label = s.label.get_ref();
        if s.respondent.is_some() || manifest.pseudonyms.contains_key(label.trim()) {
            add(label, Identifying::SpeakerLabel);
        }
        if let Some(r) = &s.respondent {
            add(r, Identifying::RespondentId);
        }
    }
    let mut out: Vec<(String, Identifying)> = terms.into_iter().collect();
    out.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then(a.cmp(b)));
    out
}

/// Byte offsets where `word` stands in `text` as a whole word (no letter or digit right
/// before or after it). Case-sensitive: names are written with a capital.
pub fn find_word(text: &str, word: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if word.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            out.push(at);
        }
        from = at + word.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Everyone who speaks in a study's transcripts, per role label and case: what [`PanelRules`]
/// needs to know which role × case cells have one person.
#[derive(Debug, Default)]
pub struct PanelPeople(BTreeMap<(String, String), BTreeSet<String>>);

impl DocumentSink for PanelPeople {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        for s in &doc.segments {
            if let Some(case) = &s.case {
                let person = s.respondent.clone().unwrap_or_else(|| s.speaker.clone());
                self.0
                    .entry((role_label(s), case.clone()))
                    .or_default()
                    .insert(person);
            }
        }
        Ok(())
    }
}

/// The privacy rules of the quote site, which `icamo quotes --panel` applies too: role labels
/// only, names and respondent ids in text replaced, and the case left off a quote whose role
/// has only one person in that case (so role and case together do not point at someone).
pub struct PanelRules {
    terms: Vec<(String, Identifying)>,
    single: BTreeSet<(String, String)>,
}

impl PanelRules {
    /// The rules for `study`: its manifest's names and ids, and its role × case cells with
    /// one person (respondent id, else speaker) among everyone who speaks in its transcripts.
    pub fn new(study: &Study) -> Result<PanelRules, Error> {
        let mut people = PanelPeople::default();
        study.scan(&mut [&mut people])?;
        Ok(PanelRules::of(study, people))
    }

    /// The rules for `study` with `people` gathered in a scan that fed other sinks too.
    pub fn of(study: &Study, people: PanelPeople) -> PanelRules {
        PanelRules {
            terms: identifying_terms(&study.manifest),
            single: people
                .0
                .into_iter()
                .filter(|(_, p)| p.len() < 2)
                .map(|(k, _)| k)
                .collect(),
        }
    }

    /// The role label shown for a segment.
    pub fn role(&self, segment: &Segment) -> String {
        role_label(segment)
    }

    /// The case shown for a segment: none when its role has one person in that case.
    pub fn case(&self, segment: &Segment) -> Option<String> {
        let case = segment.case.clone()?;
        if self.single.contains(&(role_label(segment), case.clone())) {
            None
        } else {
            Some(case)
        }
    }

    /// `text` with every name, pseudonym and respondent id of the manifest replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (term, kind) in &self.terms {
            let hits = find_word(&out, term);
            if hits.is_empty() {
                continue;
            }
            let mark = if *kind == Identifying::RespondentId {
                NUMBER_MARK
            } else {
                NAME_MARK
            };
            for at in hits.into_iter().rev() {
                out.replace_range(at..at + term.len(), mark);
            }
        }
        out
    }
}

/// The role label of a segment: its role, or `interviewer` for an interviewer without one.
fn role_label(segment: &Segment) -> String {
    if segment.interviewer && segment.role == UNKNOWN_ROLE {
        "interviewer".to_string()
    } else {
        segment.role.clone()
    }
}

/// A name or id found in a generated site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What was found.
    pub term: String,
    /// What kind of string it is.
    pub kind: Identifying,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} \"{}\"",
            self.path.display(),
            self.line,
            self.column,
            self.kind.name(),
            self.term
        )
    }
}

/// Every real name, pseudonym, speaker label and respondent id of `manifest` that stands as a
/// whole word in a file under `dir` (every file, read as text), in file order.
pub fn check(dir: &Path, manifest: &Manifest) -> Result<Vec<Finding>, Error> {
    let terms = identifying_terms(manifest);
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    if files.is_empty() {
        return Err(Error::Other(format!(
            "{} holds no files: give the folder `icamo site` wrote (default: out/site in the study)",
            dir.display()
        )));
    }
    let mut found = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        for (term, kind) in &terms {
            for at in find_word(&text, term) {
                let before = &text[..at];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                found.push(Finding {
                    path: path.clone(),
                    line,
                    column,
                    term: term.clone(),
                    kind: *kind,
                });
            }
        }
    }
    found.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.term).cmp(&(&b.path, b.line, b.column, &b.term))
    });
    Ok(found)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_files(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudonyms(pairs: &[(&str, &str)]) -> Pseudonyms {
        Pseudonyms::new(
            &pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn pseudonyms_replace_whole_words_longest_first() {
        let p = pseudonyms(&[
            ("Esra", "Derya"),
            ("Esra Yilmaz", "Derya"),
            ("Bas", "Joost"),
        ]);
        assert_eq!(
            p.apply("Esra Yilmaz zei het, en Esra herhaalde het. Basis blijft Bas."),
            "Derya zei het, en Derya herhaalde het. Basis blijft Joost."
        );
    }

    #[test]
    fn pseudonyms_move_offsets_with_the_text() {
        let p = pseudonyms(&[("Esra Yilmaz", "Derya"), ("Bas", "Joost")]);
        let text = "Esra Yilmaz zei het. Bas knikte.";
        let mut offsets = [0, 20, 21, 32];
        let out = p.apply_moving(text, &mut offsets);
        assert_eq!(out, "Derya zei het. Joost knikte.");
        assert_eq!(&out[offsets[0]..offsets[1]], "Derya zei het.");
        assert_eq!(&out[offsets[2]..offsets[3]], "Joost knikte.");
    }

    #[test]
    fn pseudonyms_respect_accented_neighbours() {
        let p = pseudonyms(&[("Ana", "Julia")]);
        assert_eq!(p.apply("Anaïs en Ana"), "Anaïs en Julia");
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(find_word("Ana en Analyse, Ana.", "Ana"), vec![0, 16]);
        assert!(find_word("Marktplaats", "Mark").is_empty());
        assert_eq!(find_word("é Bas é", "Bas"), vec![3]);
    }
}

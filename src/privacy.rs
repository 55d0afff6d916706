//! Privacy: what keeps names out of what icamo writes, in one place.
//!
//! - [`Pseudonyms`]: the manifest's real name → pseudonym map, applied to speaker labels and
//!   turn text at ingest.
//! - `Population`: who the study heard, gathered in the scan over the stored documents: the
//!   respondents per role × case (a cell of one is flagged ⚠), whom an interpreter speaks for,
//!   and the speaker labels the manifest does not list.
//! - [`Identities`]: every string that names a person (the manifest's real names, pseudonyms,
//!   labels and respondent ids, and the unlisted labels), with the one `Identities::redact`
//!   every output's text goes through and the [`Identities::check`] of written files.
//! - `PanelRules`: how a quote is shown (`Voice`): its role (an interpreter's turn under the
//!   role of whom they interpret for, marked "via tolk"), its case unless that would point at
//!   one person, and its text redacted.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    pub(crate) fn apply_moving(&self, text: &str, offsets: &mut [usize]) -> String {
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

/// What replaces a name in the text of an output.
pub(crate) const NAME_MARK: &str = "[naam]";
/// What replaces a respondent id in the text of an output.
pub(crate) const NUMBER_MARK: &str = "[nummer]";

/// What kind of identifying string a term is.
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
    /// A speaker label the transcripts have and the manifest does not list: a person of whom
    /// nothing is known, so their label is taken for a name.
    Unlisted,
}

impl Identifying {
    /// How the kind is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Identifying::RealName => "real name",
            Identifying::Pseudonym => "pseudonym",
            Identifying::SpeakerLabel => "speaker label",
            Identifying::RespondentId => "respondent id",
            Identifying::Unlisted => "speaker label not in the manifest",
        }
    }
}

/// Every string of the manifest that identifies a person, and the `unlisted` speaker labels the
/// manifest does not have: longest first, each once.
fn terms_with(manifest: &Manifest, unlisted: &BTreeSet<String>) -> Vec<(String, Identifying)> {
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
    // A label the manifest lists in some other document (a `Moderator` limited to one file)
    // names a function there as here.
    let listed: BTreeSet<String> = manifest
        .speakers
        .iter()
        .map(|s| crate::manifest::speaker_key(s.label.get_ref()))
        .collect();
    for label in unlisted {
        if !listed.contains(&crate::manifest::speaker_key(label)) {
            add(label, Identifying::Unlisted);
        }
    }
    let mut out: Vec<(String, Identifying)> = terms.into_iter().collect();
    out.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then(a.cmp(b)));
    out
}

/// Byte offsets where `word` stands in `text` as a whole word (no letter or digit right
/// before or after it). Case-sensitive: names are written with a capital.
pub(crate) fn find_word(text: &str, word: &str) -> Vec<usize> {
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

/// The speaker attribute keys of `manifest` an export carries, and those it leaves out, each
/// sorted: with `names` all of them; without, only the analysis variables
/// (`[study] analysis_variables`), because an age band or a gender beside a role and a case
/// can point at one person.
pub(crate) fn speaker_attributes(
    manifest: &Manifest,
    names: bool,
) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let all = manifest
        .speakers
        .iter()
        .flat_map(|s| s.attributes.keys().map(String::as_str));
    all.partition(|k| names || manifest.study.analysis_variables.iter().any(|v| v == k))
}

/// Role labels of interpreters. An interpreter's turn carries the words of the respondent they
/// interpret for, so in a document with one respondent it counts as that respondent's evidence
/// and is shown under their role, "`<role>` (via tolk)"; the interpreter is not counted as a
/// respondent.
pub(crate) const INTERPRETER_ROLES: [&str; 2] = ["tolk", "interpreter"];

/// The case label used for documents that have none.
pub(crate) const NO_CASE: &str = "—";

/// A speaker's identity for counting respondents: the respondent number where the manifest
/// gives one, otherwise the pseudonym within the document.
pub fn person(s: &Segment) -> String {
    match &s.respondent {
        Some(r) => format!("r:{r}"),
        None => format!("{}:{}", s.doc, s.speaker),
    }
}

/// A segment's case, [`NO_CASE`] for a document without one.
pub(crate) fn case_of(s: &Segment) -> String {
    s.case.clone().unwrap_or_else(|| NO_CASE.to_string())
}

fn is_interpreter(s: &Segment) -> bool {
    INTERPRETER_ROLES.contains(&s.role.as_str())
}

/// The labels of speakers no `[[speakers]]` entry describes, among `segments`.
pub fn unlisted_labels(segments: &[Segment]) -> BTreeSet<String> {
    segments
        .iter()
        .filter_map(unlisted_label)
        .map(str::to_string)
        .collect()
}

/// The label of a speaker no `[[speakers]]` entry describes: stored with the unknown role, no
/// respondent id and not as an interviewer. Turns without any label are not a person's.
fn unlisted_label(s: &Segment) -> Option<&str> {
    let unlisted = s.role == UNKNOWN_ROLE && !s.interviewer && s.respondent.is_none();
    let label = s.speaker.trim();
    (unlisted && !label.is_empty() && label != UNKNOWN_ROLE).then_some(label)
}

/// Per document with exactly one respondent besides interviewers and interpreters: that
/// respondent's segment (its speaker, role and respondent number stand in for the
/// interpreter's).
fn interpreted_for(segments: &[Segment]) -> HashMap<String, Segment> {
    let mut respondents: BTreeMap<&str, BTreeMap<String, &Segment>> = BTreeMap::new();
    for s in segments {
        if !s.interviewer && !is_interpreter(s) && !s.is_written() {
            respondents
                .entry(s.doc.as_str())
                .or_default()
                .entry(person(s))
                .or_insert(s);
        }
    }
    respondents
        .into_iter()
        .filter(|(_, people)| people.len() == 1)
        .filter_map(|(doc, people)| {
            let one = people.into_values().next()?;
            Some((doc.to_string(), one.clone()))
        })
        .collect()
}

/// The segment as whose words it counts: an interpreter's turn takes on the respondent's
/// speaker, role and respondent id, and says whose words carried it (the interpreter's role).
fn speaking_for(s: &Segment, interpreted: &HashMap<String, Segment>) -> (Segment, Option<String>) {
    if is_interpreter(s)
        && let Some(r) = interpreted.get(&s.doc)
    {
        let mut as_respondent = s.clone();
        as_respondent.speaker = r.speaker.clone();
        as_respondent.respondent = r.respondent.clone();
        as_respondent.role = r.role.clone();
        return (as_respondent, Some(s.role.clone()));
    }
    (s.clone(), None)
}

/// Who the study heard, taken from its segments one document at a time, so that a large
/// study never has all of its segments in memory: the respondents per role × case, per
/// document with one respondent that respondent (whom an interpreter's turns stand for), and
/// the labels of speakers the manifest does not list.
#[derive(Debug, Default)]
pub(crate) struct Population {
    interpreted: HashMap<String, Segment>,
    people: BTreeMap<(String, String), BTreeSet<String>>,
    unlisted: BTreeSet<String>,
}

impl DocumentSink for Population {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        self.add_document(&doc.segments);
        Ok(())
    }
}

impl Population {
    /// Adds the segments of one document (all of them, in any order).
    pub fn add_document(&mut self, segments: &[Segment]) {
        let interpreted = interpreted_for(segments);
        for s in segments {
            if let Some(label) = unlisted_label(s) {
                self.unlisted.insert(label.to_string());
            }
            // A document's paragraph is nobody's: it counts as no respondent, so its role and
            // case never make a cell of one.
            if s.interviewer
                || s.is_written()
                || (is_interpreter(s) && interpreted.contains_key(&s.doc))
            {
                continue;
            }
            self.people
                .entry((s.role.clone(), case_of(s)))
                .or_default()
                .insert(person(s));
        }
        self.interpreted.extend(interpreted);
    }

    /// The segment as whose words it counts, and the interpreter's role where an interpreter
    /// spoke them (see [`INTERPRETER_ROLES`]).
    pub(crate) fn speaking_for(&self, s: &Segment) -> (Segment, Option<String>) {
        speaking_for(s, &self.interpreted)
    }

    /// The people heard per role and case ([`person`]'s keys): the site counts them per
    /// speaker attribute too, so that role, case and attribute never point at one person.
    pub(crate) fn people(&self) -> &BTreeMap<(String, String), BTreeSet<String>> {
        &self.people
    }

    /// How many respondents each role has in each case ([`NO_CASE`] for documents without one).
    pub fn respondents(&self) -> BTreeMap<(String, String), usize> {
        self.people
            .iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect()
    }

    /// The labels of speakers the transcripts have and the manifest does not list.
    pub fn unlisted(&self) -> &BTreeSet<String> {
        &self.unlisted
    }
}

/// Every string that names a person in a study: the manifest's real names, pseudonyms,
/// speaker labels and respondent ids, and the labels of speakers it does not list. The text of
/// every output passes through `Identities::redact`; [`Identities::check`] looks for them in
/// written files.
#[derive(Debug, Clone)]
pub struct Identities {
    terms: Vec<(String, Identifying)>,
}

impl Identities {
    /// The identities of `manifest`, with `unlisted` speaker labels (see
    /// `Population::unlisted`).
    pub fn new(manifest: &Manifest, unlisted: &BTreeSet<String>) -> Identities {
        Identities {
            terms: terms_with(manifest, unlisted),
        }
    }

    /// The identities of `study`: its manifest's, and the unlisted speakers its store has seen
    /// (none when it has not been ingested).
    pub fn of_study(study: &Study) -> Result<Identities, Error> {
        let mut population = Population::default();
        if study.is_ingested() {
            study.scan(&mut [&mut population])?;
        }
        Ok(Identities::new(&study.manifest, population.unlisted()))
    }

    /// `text` with every name, pseudonym and unlisted label replaced by `[naam]` and every
    /// respondent id by `[nummer]` (whole words, longest first).
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

    /// Every identifying string in `text`, the content of `path`, in text order.
    pub fn find(&self, path: &Path, text: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        for (term, kind) in &self.terms {
            for at in find_word(text, term) {
                let before = &text[..at];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                found.push(Finding {
                    path: path.to_path_buf(),
                    line,
                    column,
                    term: term.clone(),
                    kind: *kind,
                });
            }
        }
        found.sort_by(|a, b| (a.line, a.column, &a.term).cmp(&(b.line, b.column, &b.term)));
        found
    }

    /// Every identifying string that stands as a whole word in a file under `dir` (every file
    /// read as text, but a PNG: its bytes are pixels, and a figure's PNG is drawn from the SVG
    /// beside it, which is read), in file order.
    pub fn check(&self, dir: &Path) -> Result<Vec<Finding>, Error> {
        let mut files = Vec::new();
        collect_files(dir, &mut files)?;
        if files.is_empty() {
            return Err(Error::Other(format!(
                "{} holds no files: give the folder `icamo site` or `icamo build` wrote (default: out/ in the study)",
                dir.display()
            )));
        }
        let mut found = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            if bytes.starts_with(PNG_SIGNATURE) {
                continue;
            }
            found.extend(self.find(&path, &String::from_utf8_lossy(&bytes)));
        }
        Ok(found)
    }

    /// An error naming each place in `files` (path and content, as an output wrote them) where
    /// an identifying string stands, by file, line, column and kind. The strings themselves are
    /// left out of the message, which may end up in a log others read; `icamo site --check`
    /// shows them.
    pub(crate) fn ensure_none(&self, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
        let found: Vec<Finding> = files
            .iter()
            .flat_map(|(path, bytes)| self.find(path, &String::from_utf8_lossy(bytes)))
            .collect();
        if found.is_empty() {
            return Ok(());
        }
        let dirs: BTreeSet<String> = files
            .iter()
            .filter_map(|(p, _)| p.parent())
            .map(|d| d.display().to_string())
            .collect();
        let lines: Vec<String> = found.iter().map(Finding::place).collect();
        Err(Error::Other(format!(
            "{} name(s) or respondent id(s) in what icamo wrote, which shows role labels only:\n{}\nQuotes, labels and titles from the study are written with [naam] and [nummer] in their place; these come from text that is not, such as a template of the study's (templates/). Take them out there and run again; `icamo site --check {}` shows the names themselves.",
            found.len(),
            lines.join("\n"),
            dirs.into_iter().next().unwrap_or_default()
        )))
    }
}

/// How one output shows who said a quote: a role label (never a name), whether an
/// interpreter spoke the words, and the case unless that would point at one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Voice {
    /// The role label: for an interpreter's turn, the role of whom they interpret for.
    pub role: String,
    /// The interpreter's role, when an interpreter spoke the words.
    pub via: Option<String>,
    /// The case shown: none when the document has none or when the role has one person in it.
    pub case: Option<String>,
    /// Whether the speaker is the only respondent of their role in their case (⚠).
    pub single: bool,
}

impl Voice {
    /// The role as shown: `gezinsmigrant`, or `gezinsmigrant (via tolk)`.
    #[cfg(test)]
    pub fn label(&self) -> String {
        role_shown(&self.role, self.via.as_deref())
    }
}

/// A role as every output shows it: `gezinsmigrant`, or with the interpreter who spoke the
/// words, `gezinsmigrant (via tolk)`.
pub(crate) fn role_shown(role: &str, via: Option<&str>) -> String {
    match via {
        Some(via) => format!("{role} (via {via})"),
        None => role.to_string(),
    }
}

/// The privacy rules of quotes shown to others (the quote site, `icamo quotes`): role labels
/// only, an interpreter's turn under the role of whom they interpret for, names and
/// respondent ids in text replaced, and the case left off a quote whose role has only one
/// person in that case (so role and case together do not point at someone), which is flagged.
pub(crate) struct PanelRules {
    identities: Identities,
    single: BTreeSet<(String, String)>,
    interpreted: HashMap<String, Segment>,
}

impl PanelRules {
    /// The rules for a study with `manifest`, whose `population` was gathered in a scan that
    /// fed other sinks too.
    pub fn of(manifest: &Manifest, population: &Population) -> PanelRules {
        PanelRules {
            identities: Identities::new(manifest, population.unlisted()),
            single: population
                .people
                .iter()
                .filter(|(_, p)| p.len() < 2)
                .map(|(k, _)| k.clone())
                .collect(),
            interpreted: population.interpreted.clone(),
        }
    }

    /// Who a segment is shown as said by.
    pub fn voice(&self, segment: &Segment) -> Voice {
        let (s, via) = speaking_for(segment, &self.interpreted);
        let role = role_label(&s);
        let single = !s.interviewer && self.single.contains(&(s.role.clone(), case_of(&s)));
        Voice {
            role,
            via,
            case: if single { None } else { s.case },
            single,
        }
    }

    /// `text` with every name, pseudonym and respondent id replaced ([`Identities::redact`]).
    pub(crate) fn redact(&self, text: &str) -> String {
        self.identities.redact(text)
    }

    /// The identities the rules redact.
    pub fn identities(&self) -> &Identities {
        &self.identities
    }
}

/// The role label of a segment: its role, or `interviewer` for an interviewer without one.
pub(crate) fn role_label(segment: &Segment) -> String {
    if segment.interviewer && segment.role == UNKNOWN_ROLE {
        "interviewer".to_string()
    } else {
        segment.role.clone()
    }
}

/// A name or id found in an output.
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

impl Finding {
    /// `file:line:column: kind`, without the string found.
    pub fn place(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.kind.name()
        )
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} \"{}\"", self.place(), self.term)
    }
}

/// The first bytes of every PNG file.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

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

    fn manifest() -> Manifest {
        Manifest::parse(
            "icamo.toml",
            r#"
[study]
name = "Proef"
analysis_variables = ["route"]

[[documents]]
file = "int-1.txt"
case = "Havenstad"

[[speakers]]
label = "Amal"
respondent = "R01"
role = "gezinsmigrant"
attributes = { route = "B1-route", leeftijd = "25-34" }

[[speakers]]
label = "Tolk"
role = "tolk"

[pseudonyms]
"Amal" = "Noor"
"#,
        )
        .unwrap()
    }

    fn segment(ordinal: u32, speaker: &str, respondent: Option<&str>, role: &str) -> Segment {
        Segment {
            id: Segment::make_id("int-1", ordinal),
            doc: "int-1".into(),
            ordinal,
            speaker: speaker.into(),
            respondent: respondent.map(String::from),
            role: role.into(),
            case: Some("Havenstad".into()),
            group: None,
            interviewer: false,
            lang: crate::lang::Language::default(),
            start_ms: None,
            end_ms: None,
            line: ordinal as usize,
            byte_start: 0,
            byte_end: 0,
            char_start: 0,
            char_end: 0,
            text: String::new(),
        }
    }

    #[test]
    fn an_interpreter_speaks_for_the_one_respondent_and_an_unlisted_speaker_is_a_name() {
        let segments = [
            segment(1, "Noor", Some("R01"), "gezinsmigrant"),
            segment(2, "Tolk", None, "tolk"),
        ];
        let mut elsewhere = segment(1, "Fatima", None, UNKNOWN_ROLE);
        elsewhere.doc = "int-2".into();
        let mut population = Population::default();
        population.add_document(&segments);
        population.add_document(&[elsewhere]);
        assert_eq!(population.unlisted().iter().collect::<Vec<_>>(), ["Fatima"]);
        // The interpreter is no respondent of their own.
        let cells = population.respondents();
        assert_eq!(
            cells.get(&("gezinsmigrant".into(), "Havenstad".into())),
            Some(&1)
        );
        assert_eq!(cells.get(&("tolk".into(), "Havenstad".into())), None);

        let rules = PanelRules::of(&manifest(), &population);
        let voice = rules.voice(&segments[1]);
        assert_eq!(voice.label(), "gezinsmigrant (via tolk)");
        assert_eq!((voice.case, voice.single), (None, true));
        assert_eq!(
            rules.redact("Noor en Fatima zeiden het tegen de Tolk, R01 ook; Amalia niet."),
            "[naam] en [naam] zeiden het tegen de Tolk, [nummer] ook; Amalia niet."
        );
    }

    #[test]
    fn the_check_names_file_line_and_kind_and_its_error_leaves_the_name_out() {
        let identities = Identities::new(&manifest(), &BTreeSet::from(["Fatima".to_string()]));
        let found = identities.find(Path::new("out/report.md"), "# Titel\n\nMet Fatima.\n");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "out/report.md:3:5: speaker label not in the manifest \"Fatima\""
        );
        let err = identities
            .ensure_none(&[(PathBuf::from("out/report.md"), b"Met Fatima.".to_vec())])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("out/report.md:1:5: speaker label not in the manifest\n"),
            "{err}"
        );
        assert!(!err.contains("Fatima"), "{err}");
    }

    #[test]
    fn exports_carry_only_the_analysis_variables_without_names() {
        let m = manifest();
        let (shown, left_out) = speaker_attributes(&m, false);
        assert_eq!(
            (shown, left_out),
            (BTreeSet::from(["route"]), BTreeSet::from(["leeftijd"]))
        );
        let (shown, left_out) = speaker_attributes(&m, true);
        assert_eq!(shown, BTreeSet::from(["leeftijd", "route"]));
        assert!(left_out.is_empty());
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(find_word("Ana en Analyse, Ana.", "Ana"), vec![0, 16]);
        assert!(find_word("Marktplaats", "Mark").is_empty());
        assert_eq!(find_word("é Bas é", "Bas"), vec![3]);
    }
}

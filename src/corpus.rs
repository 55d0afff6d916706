//! The study's manifest (`icamo.toml`): documents, speakers, roles, cases and pseudonyms.
//!
//! A [`Manifest`] says where the transcripts are and what is known about each
//! [`DocumentEntry`] and [`SpeakerEntry`]. [`Corpus`] combines it with the files on disk into
//! [`SourceDoc`]s, and turns a parser's [`Turn`]s into stored [`Segment`]s: speaker labels
//! resolved to respondents and roles, [`Pseudonyms`] applied to labels and text.
//!
//! ```
//! use icamo::corpus::Manifest;
//! let manifest = Manifest::parse(
//!     "icamo.toml",
//!     "[study]\nname = \"Proef\"\n\n[[speakers]]\nlabel = \"Amal\"\nrole = \"statushouder\"\n",
//! )
//! .unwrap();
//! assert_eq!(manifest.study.name, "Proef");
//! assert_eq!(manifest.speakers[0].role.as_deref(), Some("statushouder"));
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::coding::model::{Coding, Decision, Origin, TAG_CODER, check_coder};
use crate::coding::tags::strip_tags;
use crate::error::{Error, Warning, line_col};
use crate::lang::Language;
use crate::transcript::{Format, ParsedTranscript, Segment, Turn, UNKNOWN_ROLE};

/// The manifest's file name inside a study folder.
pub const MANIFEST_FILE: &str = "icamo.toml";

/// The whole `icamo.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The `[study]` table.
    pub study: StudySection,
    /// `[[documents]]`: what is known about each transcript.
    #[serde(default)]
    pub documents: Vec<DocumentEntry>,
    /// `[[speakers]]`: speaker labels as they stand in the files.
    #[serde(default)]
    pub speakers: Vec<SpeakerEntry>,
    /// `[pseudonyms]`: real name → pseudonym, applied to labels and text.
    #[serde(default)]
    pub pseudonyms: BTreeMap<String, String>,
    /// Where the manifest was read from (for error messages).
    #[serde(skip)]
    pub path: PathBuf,
    /// The manifest's text (for turning spans into lines).
    #[serde(skip)]
    source: String,
}

/// The `[study]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudySection {
    /// The study's name, shown in summaries and reports.
    pub name: String,
    /// The default language of the transcripts (`nl` unless said otherwise).
    #[serde(default)]
    pub language: Language,
    /// Folders (or single files) holding transcripts, relative to the study folder.
    #[serde(default = "default_transcripts")]
    pub transcripts: Vec<String>,
    /// Codebook files or folders, relative to the study folder; when none are listed, the
    /// `codebooks/` folder if there is one.
    #[serde(default)]
    pub codebooks: Vec<String>,
}

fn default_transcripts() -> Vec<String> {
    vec!["corpus".to_string()]
}

/// One `[[documents]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    /// The transcript's path, relative to the study folder.
    pub file: Spanned<String>,
    /// The document id; defaults to the file name without extension.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    /// The case, for example the municipality.
    #[serde(default)]
    pub case: Option<String>,
    /// The group, for example `focusgroep 4`.
    #[serde(default)]
    pub group: Option<String>,
    /// The date of the interview, as written (ISO 8601 advised).
    #[serde(default)]
    pub date: Option<String>,
    /// The kind of document: `focusgroep`, `interview`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The language, where it differs from the study's.
    #[serde(default)]
    pub language: Option<Language>,
    /// The format, where detection from extension and content should be overridden.
    #[serde(default)]
    pub format: Option<Format>,
    /// Further attributes of the document.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// One `[[speakers]]` entry: a label as it stands in the files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerEntry {
    /// The label exactly as the transcripts give it (compared ignoring case and outer spaces).
    pub label: Spanned<String>,
    /// The respondent id (for example `R07`), never shown in outputs unless asked.
    #[serde(default)]
    pub respondent: Option<String>,
    /// The role label outputs show (`statushouder`, `professional beleid`, …).
    #[serde(default)]
    pub role: Option<String>,
    /// Whether this speaker is an interviewer or moderator.
    #[serde(default)]
    pub interviewer: bool,
    /// Document ids this entry is limited to; empty means every document.
    #[serde(default)]
    pub documents: Vec<Spanned<String>>,
    /// Free attributes: route, gender, age band, …
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads and validates `path`. The file may be UTF-8 (with or without BOM) or UTF-16 with
    /// BOM; any other encoding is an error with the line and column of the first bad byte.
    pub fn load(path: &Path) -> Result<Manifest, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = crate::transcript::decode(&bytes).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        Manifest::parse(path, &text.text)
    }

    /// Parses manifest text; `path` only names the file in errors.
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Manifest, Error> {
        let path = path.as_ref();
        let mut manifest: Manifest = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let mut message = e.message().trim().to_string();
            if message == "missing field `study`" {
                message.push_str(
                    ": a manifest starts with a [study] table that gives at least the study's name = \"...\" (see `icamo init`)",
                );
            }
            Error::Manifest {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        })?;
        manifest.path = path.to_path_buf();
        manifest.source = text.to_string();
        manifest.validate()?;
        Ok(manifest)
    }

    /// An error positioned at a span of the manifest.
    fn error_at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Error {
        let (line, column) = line_col(&self.source, span.start);
        Error::Manifest {
            path: self.path.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        for (key, entries) in [
            ("transcripts", &self.study.transcripts),
            ("codebooks", &self.study.codebooks),
        ] {
            for entry in entries {
                if let Err(m) = inside_study(entry) {
                    // The entry's place: its quoted text in the file, else the file as a whole.
                    let at = self
                        .source
                        .find(&format!("\"{entry}\""))
                        .or_else(|| self.source.find(&format!("'{entry}'")))
                        .unwrap_or(0);
                    return Err(self.error_at(at..at, format!("[study] {key}: {m}")));
                }
            }
        }
        let mut ids: HashMap<String, std::ops::Range<usize>> = HashMap::new();
        let mut files: HashMap<String, std::ops::Range<usize>> = HashMap::new();
        for doc in &self.documents {
            let id = doc.id();
            let span = doc.id.as_ref().map_or(doc.file.span(), |s| s.span());
            check_document_id(&id).map_err(|m| self.error_at(span.clone(), m))?;
            if let Some(first) = ids.insert(id.clone(), span.clone()) {
                let (line, _) = line_col(&self.source, first.start);
                return Err(self.error_at(
                    span,
                    format!(
                        "document id \"{id}\" is used twice (first at line {line}); give one of them its own `id = \"...\"`"
                    ),
                ));
            }
            inside_study(doc.file.get_ref()).map_err(|m| self.error_at(doc.file.span(), m))?;
            let file = normalise_rel(doc.file.get_ref());
            if let Some(first) = files.insert(file.clone(), doc.file.span()) {
                let (line, _) = line_col(&self.source, first.start);
                return Err(self.error_at(
                    doc.file.span(),
                    format!("\"{file}\" is described twice (first at line {line})"),
                ));
            }
        }
        // (document id, or "" for every document; label) → where the entry's label is.
        let mut labels: HashMap<(String, String), std::ops::Range<usize>> = HashMap::new();
        for speaker in &self.speakers {
            if speaker.label.get_ref().trim().is_empty() {
                return Err(self.error_at(speaker.label.span(), "a speaker label is empty"));
            }
            // Two entries for one label in the same documents: which role would count?
            let label = speaker.label.get_ref().trim();
            let mut scopes: Vec<&str> = speaker
                .documents
                .iter()
                .map(|d| d.get_ref().as_str())
                .collect();
            if scopes.is_empty() {
                scopes.push("");
            }
            scopes.sort_unstable();
            scopes.dedup();
            for scope in scopes {
                let key = (scope.to_string(), speaker_key(label));
                if let Some(first) = labels.insert(key, speaker.label.span()) {
                    let (line, _) = line_col(&self.source, first.start);
                    let within = if scope.is_empty() {
                        String::new()
                    } else {
                        format!(" for document \"{scope}\"")
                    };
                    return Err(self.error_at(
                        speaker.label.span(),
                        format!(
                            "speaker \"{label}\" is described twice{within} (first at line {line}): keep one entry, or limit each to its own documents with `documents = [\"...\"]`"
                        ),
                    ));
                }
            }
            for doc in &speaker.documents {
                if !ids.contains_key(doc.get_ref()) {
                    let known: Vec<&str> = {
                        let mut k: Vec<&str> = ids.keys().map(String::as_str).collect();
                        k.sort_unstable();
                        k
                    };
                    return Err(self.error_at(
                        doc.span(),
                        format!(
                            "speaker \"{}\" names document \"{}\", which no [[documents]] entry has; known ids: {}",
                            speaker.label.get_ref(),
                            doc.get_ref(),
                            if known.is_empty() { "none".to_string() } else { known.join(", ") }
                        ),
                    ));
                }
            }
        }
        for (real, pseudonym) in &self.pseudonyms {
            if real.trim().is_empty() || pseudonym.trim().is_empty() {
                let message = if real.trim().is_empty() {
                    format!(
                        "[pseudonyms] has an empty name (with the pseudonym \"{pseudonym}\"): write the real name as it stands in the transcripts"
                    )
                } else {
                    format!(
                        "[pseudonyms] gives \"{real}\" an empty pseudonym: write the name that should stand in its place"
                    )
                };
                let span = self.spans().pseudonyms.get(real).map(Spanned::span);
                return Err(match span {
                    Some(span) => self.error_at(span, message),
                    None => Error::Manifest {
                        path: self.path.clone(),
                        line: 0,
                        column: 0,
                        message,
                    },
                });
            }
        }
        Ok(())
    }

    /// Where some values stand in the manifest's text, for messages about them.
    fn spans(&self) -> ManifestSpans {
        toml::from_str(&self.source).unwrap_or_default()
    }

    /// An error about an entry of `[study] transcripts`, at its line where it can be found.
    fn transcripts_error(&self, entry: &str, message: String) -> Error {
        let span = self
            .spans()
            .study
            .transcripts
            .into_iter()
            .find(|t| t.get_ref() == entry)
            .map(|t| t.span());
        match span {
            Some(span) => self.error_at(span, message),
            None => Error::Manifest {
                path: self.path.clone(),
                line: 0,
                column: 0,
                message,
            },
        }
    }

    /// The line in the manifest where a document's entry starts, for messages.
    pub fn document_line(&self, entry: &DocumentEntry) -> usize {
        line_col(&self.source, entry.file.span().start).0
    }
}

/// The positions of values the manifest types keep no span for.
#[derive(Debug, Default, Deserialize)]
struct ManifestSpans {
    #[serde(default)]
    study: StudySpans,
    #[serde(default)]
    pseudonyms: BTreeMap<String, Spanned<String>>,
}

/// The positions of `[study]` values.
#[derive(Debug, Default, Deserialize)]
struct StudySpans {
    #[serde(default)]
    transcripts: Vec<Spanned<String>>,
}

impl DocumentEntry {
    /// The entry's document id: `id`, or the file name without extension.
    pub fn id(&self) -> String {
        match &self.id {
            Some(id) => id.get_ref().clone(),
            None => file_stem(Path::new(self.file.get_ref())),
        }
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A path written in the manifest, with `\` as `/` and no leading `./`.
fn normalise_rel(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.trim_start_matches("./").to_string()
}

/// Document ids end up in segment ids (`doc:0007`) and file names, so they are kept plain.
fn check_document_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("a document id is empty".into());
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "document id \"{id}\" contains {c:?}: use letters, digits, '-', '_' and '.' only"
        ));
    }
    Ok(())
}

/// A transcript found on disk, with everything the manifest and the file say about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDoc {
    /// The document id.
    pub id: String,
    /// Path relative to the study folder, with `/` separators.
    pub path: String,
    /// The format to parse it as.
    pub format: Format,
    /// The language its text is analysed in.
    pub lang: Language,
    /// The case, from the manifest or the file's front matter.
    pub case: Option<String>,
    /// The group.
    pub group: Option<String>,
    /// The date.
    pub date: Option<String>,
    /// `focusgroep`, `interview`, …
    pub kind: Option<String>,
    /// Further attributes (manifest over front matter).
    pub attributes: BTreeMap<String, String>,
}

/// Checks that a path from the manifest stays inside the study folder: relative, and never
/// climbing above it with `..`. (A symbolic link inside the study is the user's own choice and
/// is followed.)
fn inside_study(path: &str) -> Result<(), String> {
    use std::path::Component;
    let mut depth: i64 = 0;
    for c in Path::new(path).components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                return Err(format!(
                    "\"{path}\" is an absolute path: icamo reads only files inside the study folder; write it relative to the folder of icamo.toml (copy or link the files into the study)"
                ));
            }
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
        }
        if depth < 0 {
            return Err(format!(
                "\"{path}\" points outside the study folder: icamo reads only files inside it; copy or link the files into the study"
            ));
        }
    }
    Ok(())
}

/// The manifest applied to a study folder: finds transcripts and makes segments.
pub struct Corpus<'m> {
    root: PathBuf,
    manifest: &'m Manifest,
    pseudonyms: Pseudonyms,
    /// (document id, or "" for every document; lower-cased label) → speaker entry.
    speakers: HashMap<(String, String), &'m SpeakerEntry>,
    /// Document id → the entries limited to it, in manifest order.
    speakers_by_doc: HashMap<&'m str, Vec<&'m SpeakerEntry>>,
    /// The entries for every document, in manifest order.
    speakers_everywhere: Vec<&'m SpeakerEntry>,
}

impl<'m> Corpus<'m> {
    /// The corpus of the study in `root` described by `manifest`.
    pub fn new(root: &Path, manifest: &'m Manifest) -> Corpus<'m> {
        let mut speakers = HashMap::new();
        let mut speakers_by_doc: HashMap<&str, Vec<&SpeakerEntry>> = HashMap::new();
        let mut speakers_everywhere = Vec::new();
        for entry in &manifest.speakers {
            let label = speaker_key(entry.label.get_ref());
            if entry.documents.is_empty() {
                speakers
                    .entry((String::new(), label.clone()))
                    .or_insert(entry);
                speakers_everywhere.push(entry);
            }
            for doc in &entry.documents {
                speakers
                    .entry((doc.get_ref().clone(), label.clone()))
                    .or_insert(entry);
                speakers_by_doc
                    .entry(doc.get_ref())
                    .or_default()
                    .push(entry);
            }
        }
        Corpus {
            root: root.to_path_buf(),
            manifest,
            pseudonyms: Pseudonyms::new(&manifest.pseudonyms),
            speakers,
            speakers_by_doc,
            speakers_everywhere,
        }
    }

    /// The pseudonym map in use.
    pub fn pseudonyms(&self) -> &Pseudonyms {
        &self.pseudonyms
    }

    /// Every transcript under the manifest's `transcripts` paths, sorted by path, plus the
    /// documents the manifest names elsewhere. A named file that is missing is an error.
    pub fn discover(&self) -> Result<Vec<SourceDoc>, Error> {
        let mut found: BTreeMap<String, Option<Format>> = BTreeMap::new();
        for entry in &self.manifest.study.transcripts {
            let base = self.root.join(entry);
            if base.is_file() {
                found.insert(normalise_rel(entry), None);
                continue;
            }
            if !base.is_dir() {
                return Err(self.manifest.transcripts_error(
                    entry,
                    format!(
                        "[study] transcripts names \"{entry}\", which is neither a folder nor a file in {}",
                        self.root.display()
                    ),
                ));
            }
            for item in walkdir::WalkDir::new(&base)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| !is_hidden(e.file_name()))
            {
                let item = item.map_err(|e| {
                    let path = e.path().unwrap_or(&base).to_path_buf();
                    Error::io(&path, e.into())
                })?;
                if !item.file_type().is_file() || is_office_lock(item.file_name()) {
                    continue;
                }
                if let Some(format) = Format::from_extension(item.path()) {
                    let rel = self.relative(item.path());
                    found.insert(rel, Some(format));
                }
            }
        }
        let entries: HashMap<String, &DocumentEntry> = self
            .manifest
            .documents
            .iter()
            .map(|d| (normalise_rel(d.file.get_ref()), d))
            .collect();
        for (rel, entry) in &entries {
            if !self.root.join(rel).is_file() {
                return Err(Error::Manifest {
                    path: self.manifest.path.clone(),
                    line: self.manifest.document_line(entry),
                    column: 1,
                    message: format!(
                        "document file \"{rel}\" does not exist in {}",
                        self.root.display()
                    ),
                });
            }
            found.entry(rel.clone()).or_insert(None);
        }
        let mut docs = Vec::with_capacity(found.len());
        let mut ids: HashMap<String, String> = HashMap::new();
        for (rel, format) in found {
            let entry = entries.get(&rel).copied();
            let id = entry
                .map(DocumentEntry::id)
                .unwrap_or_else(|| file_stem(Path::new(&rel)));
            if let Some(other) = ids.insert(id.clone(), rel.clone()) {
                return Err(Error::Manifest {
                    path: self.manifest.path.clone(),
                    line: 0,
                    column: 0,
                    message: format!(
                        "\"{other}\" and \"{rel}\" would both get the document id \"{id}\"; add a [[documents]] entry with its own `id` for one of them"
                    ),
                });
            }
            check_document_id(&id).map_err(|message| Error::Manifest {
                path: self.manifest.path.clone(),
                line: 0,
                column: 0,
                message: format!(
                    "{message} (from the file name \"{rel}\"; set `id` in a [[documents]] entry)"
                ),
            })?;
            let format = entry.and_then(|e| e.format).or(format);
            docs.push(SourceDoc {
                id,
                format: format.unwrap_or(Format::Text),
                lang: entry
                    .and_then(|e| e.language)
                    .unwrap_or(self.manifest.study.language),
                case: entry.and_then(|e| e.case.clone()),
                group: entry.and_then(|e| e.group.clone()),
                date: entry.and_then(|e| e.date.clone()),
                kind: entry.and_then(|e| e.kind.clone()),
                attributes: entry.map(|e| e.attributes.clone()).unwrap_or_default(),
                path: rel,
            });
        }
        Ok(docs)
    }

    /// Whether a document's format still has to be told from its content.
    pub fn format_is_explicit(&self, doc: &SourceDoc) -> bool {
        self.manifest
            .documents
            .iter()
            .any(|d| normalise_rel(d.file.get_ref()) == doc.path && d.format.is_some())
            || Format::from_extension(Path::new(&doc.path)).is_some()
    }

    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The absolute path of a document.
    pub fn path_of(&self, doc: &SourceDoc) -> PathBuf {
        self.root.join(&doc.path)
    }

    /// A digest of everything in the manifest that shapes `doc`'s segments, so a changed role
    /// or pseudonym re-ingests the document even when its file did not change.
    pub fn metadata_digest(&self, doc: &SourceDoc) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(serde_json::to_string(doc).unwrap_or_default().as_bytes());
        for s in self.speakers_for(&doc.id) {
            hasher.update(
                format!(
                    "{}\u{0}{:?}\u{0}{:?}\u{0}{}\u{0}{:?}\n",
                    s.label.get_ref(),
                    s.respondent,
                    s.role,
                    s.interviewer,
                    s.attributes
                )
                .as_bytes(),
            );
        }
        for (real, pseudonym) in &self.manifest.pseudonyms {
            hasher.update(format!("{real}\u{0}{pseudonym}\n").as_bytes());
        }
        hasher.finalize().to_hex().to_string()
    }

    /// The speaker entries that apply to a document: those for every document, then its own.
    fn speakers_for<'a>(&'a self, doc: &str) -> impl Iterator<Item = &'m SpeakerEntry> + 'a {
        let own = self
            .speakers_by_doc
            .get(doc)
            .map(Vec::as_slice)
            .unwrap_or_default();
        self.speakers_everywhere.iter().chain(own).copied()
    }

    /// The manifest entry for a speaker label in a document: an entry limited to the document
    /// wins over one for every document; the first of equal entries wins.
    pub fn speaker(&self, doc: &str, label: &str) -> Option<&'m SpeakerEntry> {
        let label = speaker_key(label);
        let mut key = (doc.to_string(), label);
        if let Some(entry) = self.speakers.get(&key) {
            return Some(entry);
        }
        key.0.clear();
        self.speakers.get(&key).copied()
    }

    /// Turns a parsed transcript into segments, and warns about speakers the manifest lacks.
    ///
    /// Inline coding tags (`{{icamo1.m3 +}}`, see [`crate::coding::tags`]) are taken out of
    /// each segment's text here, the one place turns become segments, and returned as
    /// codings with origin `tag`; their coder is the document's `coder` attribute (manifest,
    /// then front matter), else [`TAG_CODER`]. The segment's byte range still covers the turn
    /// in the source, tags included.
    pub fn segments(&self, doc: &SourceDoc, parsed: &ParsedTranscript) -> DocumentSegments {
        let mut doc = doc.clone();
        for (key, value) in &parsed.attributes {
            match key.as_str() {
                "case" | "casus" | "gemeente" if doc.case.is_none() => {
                    doc.case = Some(value.clone())
                }
                "group" | "groep" if doc.group.is_none() => doc.group = Some(value.clone()),
                "date" | "datum" if doc.date.is_none() => doc.date = Some(value.clone()),
                _ => {}
            }
        }
        let mut warnings = Vec::new();
        let coder = tag_coder(&doc, parsed, &mut warnings);
        let mut warned: Vec<String> = Vec::new();
        let mut segments = Vec::with_capacity(parsed.turns.len());
        let mut tags = Vec::new();
        let mut chars = CharCounter::new(&parsed.source);
        for (i, turn) in parsed.turns.iter().enumerate() {
            let ordinal = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let entry = turn
                .speaker
                .as_deref()
                .and_then(|l| self.speaker(&doc.id, l));
            if entry.is_none() {
                let label = turn.speaker.clone().unwrap_or_default();
                if !warned.contains(&label) {
                    let message = if label.is_empty() {
                        "turns without a speaker label: stored with role \"onbekend\"".to_string()
                    } else {
                        format!(
                            "speaker \"{label}\" is not in the manifest: add a [[speakers]] entry with its role (stored as \"{UNKNOWN_ROLE}\" for now)"
                        )
                    };
                    warnings.push(Warning {
                        path: PathBuf::from(&doc.path),
                        line: turn.line,
                        message,
                    });
                    warned.push(label);
                }
            }
            let tagged = strip_tags(&turn.text);
            for message in &tagged.malformed {
                warnings.push(Warning {
                    path: PathBuf::from(&doc.path),
                    line: turn.line,
                    message: format!(
                        "in the turn starting on this line: {message}; it is left in the text. Write {{{{CODE}}}}, {{{{CODE +}}}}, {{{{CODE -}}}} or {{{{CODE ~}}}}"
                    ),
                });
            }
            // Pseudonyms change lengths: move the tags' spans along with the text.
            let mut bounds: Vec<usize> = tagged
                .tags
                .iter()
                .filter_map(|t| t.span.clone())
                .flat_map(|r| [r.start, r.end])
                .collect();
            let text = self.pseudonyms.apply_moving(&tagged.text, &mut bounds);
            let segment = self.segment(&doc, turn, ordinal, entry, &mut chars, text);
            let mut bounds = bounds.chunks(2);
            for tag in &tagged.tags {
                let span = tag
                    .span
                    .as_ref()
                    .and_then(|_| bounds.next())
                    .map(|b| [b[0], b[1]]);
                for c in &tag.codes {
                    tags.push(Coding {
                        segment: segment.id.clone(),
                        code: c.code.clone(),
                        origin: Origin::Tag,
                        coder: coder.clone(),
                        stance: c.stance,
                        span,
                        note: None,
                        decision: Decision::Accept,
                    });
                }
            }
            segments.push(segment);
        }
        DocumentSegments {
            segments,
            tags,
            warnings,
        }
    }

    fn segment(
        &self,
        doc: &SourceDoc,
        turn: &Turn,
        ordinal: u32,
        entry: Option<&SpeakerEntry>,
        chars: &mut CharCounter,
        text: String,
    ) -> Segment {
        let label = turn.speaker.as_deref().unwrap_or(UNKNOWN_ROLE).trim();
        Segment {
            id: Segment::make_id(&doc.id, ordinal),
            doc: doc.id.clone(),
            ordinal,
            speaker: self.pseudonyms.apply(label).into_owned(),
            respondent: entry.and_then(|e| e.respondent.clone()),
            role: entry.and_then(|e| e.role.clone()).unwrap_or_else(|| {
                if entry.is_some_and(|e| e.interviewer) {
                    "interviewer".to_string()
                } else {
                    UNKNOWN_ROLE.to_string()
                }
            }),
            case: doc.case.clone(),
            group: doc.group.clone(),
            interviewer: entry.is_some_and(|e| e.interviewer),
            lang: doc.lang,
            start_ms: turn.start_ms,
            end_ms: turn.end_ms,
            line: turn.line,
            byte_start: turn.bytes.start,
            byte_end: turn.bytes.end,
            char_start: chars.at(turn.bytes.start),
            char_end: chars.at(turn.bytes.end),
            text,
        }
    }
}

/// What [`Corpus::segments`] makes of one transcript.
#[derive(Debug, Clone, Default)]
pub struct DocumentSegments {
    /// The segments, in order.
    pub segments: Vec<Segment>,
    /// The codings of the inline tags, in text order.
    pub tags: Vec<Coding>,
    /// Unknown speakers, malformed tags.
    pub warnings: Vec<Warning>,
}

/// The coder of a document's inline tags: its `coder` attribute, else [`TAG_CODER`].
fn tag_coder(doc: &SourceDoc, parsed: &ParsedTranscript, warnings: &mut Vec<Warning>) -> String {
    let Some(coder) = doc
        .attributes
        .get("coder")
        .or_else(|| parsed.attributes.get("coder"))
    else {
        return TAG_CODER.to_string();
    };
    match check_coder(coder.trim()) {
        Ok(()) => coder.trim().to_string(),
        Err(message) => {
            warnings.push(Warning {
                path: PathBuf::from(&doc.path),
                line: 0,
                message: format!(
                    "the coder attribute: {message}; the tags are recorded for \"{TAG_CODER}\""
                ),
            });
            TAG_CODER.to_string()
        }
    }
}

/// Labels are compared ignoring case and outer spaces.
fn speaker_key(label: &str) -> String {
    label.trim().to_lowercase()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Word leaves `~$name.docx` files beside open documents; they are not transcripts.
fn is_office_lock(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with("~$"))
}

/// Converts increasing byte offsets to code-point offsets without rescanning from the start.
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

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
    fn char_counter_counts_code_points() {
        let mut c = CharCounter::new("cliënt: één");
        assert_eq!(c.at(7), 6);
        assert_eq!(c.at(13), 10);
        assert_eq!(c.at(14), 11);
    }

    #[test]
    fn manifest_errors_name_the_line() {
        let err = Manifest::parse("icamo.toml", "[study]\nname = \"x\"\nlanguage = \"fr\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("icamo.toml:3:"), "{err}");
        assert!(err.contains("fr"), "{err}");
    }

    #[test]
    fn a_speaker_described_twice_for_a_document_is_an_error() {
        let text = "[study]\nname = \"x\"\n\n[[documents]]\nfile = \"a.txt\"\n\n[[speakers]]\nlabel = \"Amal\"\nrole = \"statushouder\"\ndocuments = [\"a\"]\n\n[[speakers]]\nlabel = \"amal \"\nrole = \"werkgever\"\ndocuments = [\"a\"]\n";
        let err = Manifest::parse("icamo.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("icamo.toml:13:"), "{err}");
        assert!(err.contains("first at line 8"), "{err}");
        // One label for every document and one for a single document: the latter wins there.
        let text = "[study]\nname = \"x\"\n\n[[documents]]\nfile = \"a.txt\"\n\n[[speakers]]\nlabel = \"Amal\"\n\n[[speakers]]\nlabel = \"Amal\"\nrole = \"werkgever\"\ndocuments = [\"a\", \"a\"]\n";
        assert!(Manifest::parse("icamo.toml", text).is_ok());
    }

    #[test]
    fn an_empty_pseudonym_names_its_line() {
        let text = "[study]\nname = \"x\"\n\n[pseudonyms]\n\"Amal\" = \"Noor\"\n\"Bram\" = \"\"\n";
        let err = Manifest::parse("icamo.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("icamo.toml:6:"), "{err}");
        assert!(err.contains("\"Bram\" an empty pseudonym"), "{err}");
    }

    #[test]
    fn a_manifest_in_latin1_names_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("icamo.toml");
        std::fs::write(&path, b"[study]\nname = \"Caf\xe9\"\n").unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(err.contains("icamo.toml:2:12:"), "{err}");
        assert!(err.contains("not UTF-8"), "{err}");
        std::fs::write(&path, b"\xEF\xBB\xBF[study]\r\nname = \"x\"\r\n").unwrap();
        assert_eq!(Manifest::load(&path).unwrap().study.name, "x");
    }

    #[test]
    fn speaker_naming_an_unknown_document_is_an_error() {
        let text =
            "[study]\nname = \"x\"\n\n[[speakers]]\nlabel = \"Amal\"\ndocuments = [\"int-9\"]\n";
        let err = Manifest::parse("icamo.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("icamo.toml:6:"), "{err}");
        assert!(err.contains("int-9"), "{err}");
    }
}

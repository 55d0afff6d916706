//! The study's manifest (`icamo.toml`): documents, speakers, roles, cases and pseudonyms, and
//! whose coding decisions count.
//!
//! A [`Manifest`] says where the transcripts are and what is known about each
//! [`DocumentEntry`] and [`SpeakerEntry`]; it is checked when it is read, and every error names
//! its line and column. [`crate::corpus`] applies it to the files on disk. Its
//! [`EvidenceSection`] says whose decisions count as evidence and how coders' disagreements
//! resolve; [`crate::coding::rule`] applies it.
//!
//! ```
//! use icamo::manifest::Manifest;
//! let manifest = Manifest::parse(
//!     "icamo.toml",
//!     "[study]\nname = \"Proef\"\n\n[[speakers]]\nlabel = \"Amal\"\nrole = \"statushouder\"\n",
//! )
//! .unwrap();
//! assert_eq!(manifest.study.name, "Proef");
//! assert_eq!(manifest.speakers[0].role.as_deref(), Some("statushouder"));
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, line_col};
use crate::lang::Language;
use crate::transcript::{Format, ReadAs};

/// The manifest's file name inside a study folder.
pub(crate) const MANIFEST_FILE: &str = "icamo.toml";

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
    /// `[evidence]`: whose coding decisions count, and how disagreements resolve.
    #[serde(default)]
    pub evidence: EvidenceSection,
    /// `[semantic]`: the embeddings server for suggestions by meaning; none: rules only.
    #[serde(default)]
    pub semantic: Option<SemanticSection>,
    /// `[[perspectives]]`: groups of roles whose evidence the report shows apart.
    #[serde(default)]
    pub perspectives: Vec<PerspectiveEntry>,
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
    /// The speaker attributes that are analysis variables: exports carry them without
    /// `--names`, every other attribute (age, gender, …) only with it.
    #[serde(default)]
    pub analysis_variables: Vec<String>,
}

/// The `[evidence]` table: whose coding decisions count as evidence and how coders'
/// disagreements resolve (the rule itself is [`crate::coding::rule::EvidenceRule`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSection {
    /// The coders whose decisions count; `None`: every coder (each file in `codings/` and
    /// each inline tags' coder) but the adjudicator.
    #[serde(default)]
    pub coders: Option<Spanned<Vec<Spanned<String>>>>,
    /// When a segment carries a code the counted coders disagree on.
    #[serde(default)]
    pub agreement: AgreementRule,
    /// The coder whose decision wins wherever they made one; not one of `coders`.
    #[serde(default)]
    pub adjudicator: Option<Spanned<String>>,
}

/// The `[semantic]` table: an OpenAI-compatible embeddings server that suggestions by meaning
/// come from (`crate::semantic` reads it; `ICAMO_EMBEDDINGS_URL` overrides `url`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SemanticSection {
    /// The server's base URL, up to `/v1` (`http://127.0.0.1:8000/v1`).
    #[serde(default)]
    pub url: Option<String>,
    /// The model name sent with each request; the cache keeps each model's vectors apart.
    pub model: String,
    /// Put before a quote (`query: ` for E5 models on servers that pass text as it is).
    #[serde(default)]
    pub query_prefix: String,
    /// Put before a code's description and examples (`passage: ` for E5 models).
    #[serde(default)]
    pub passage_prefix: String,
    /// Send `"input_type": "query"` or `"passage"` instead of prefixes.
    #[serde(default)]
    pub input_type: bool,
    /// How far above a code's usual similarity a turn must be to be suggested by meaning alone,
    /// in standard deviations (default 2.0).
    #[serde(default)]
    pub threshold: Option<f32>,
    /// Seconds to wait for one answer of the server (default 120).
    #[serde(default)]
    pub timeout: Option<u64>,
}

/// One `[[perspectives]]` entry: a group of roles whose evidence the report counts and judges
/// apart, as a realist evaluation tests the theory per perspective (policy, practice, …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerspectiveEntry {
    /// The name the report shows (`beleid`, `uitvoering`, `inburgeraars`).
    pub name: Spanned<String>,
    /// The roles in it, as `[[speakers]]` (or a document's `type`) give them.
    pub roles: Vec<Spanned<String>>,
    /// Whether these roles wrote the programme theory: what they say shows the theory, and
    /// does not count as support for it.
    #[serde(default)]
    pub theory: bool,
    /// A speaker attribute (one of `[study] analysis_variables`) whose values the report
    /// shows as rows of their own under this perspective, e.g. `route`.
    #[serde(default)]
    pub split_by: Option<Spanned<String>>,
}

impl PerspectiveEntry {
    /// Whether `role` belongs to this perspective.
    pub fn has(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.get_ref() == role)
    }
}

/// When the counted coders' decisions about a segment and code make it carry the code:
/// `agreement = "any" | "all" | "majority"` in `[evidence]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementRule {
    /// One coder's accept is enough, whatever the others decided.
    #[default]
    Any,
    /// Every coder who decided accepted: one reject is enough to leave the code out.
    All,
    /// More of the coders who decided accepted than rejected (a tie leaves it out).
    Majority,
}

impl AgreementRule {
    /// The name the manifest uses: `any`, `all` or `majority`.
    pub fn name(self) -> &'static str {
        match self {
            AgreementRule::Any => "any",
            AgreementRule::All => "all",
            AgreementRule::Majority => "majority",
        }
    }
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
    /// `"document"` for a file that is not a transcript (policy document, notes, report): read
    /// as paragraphs, each attributed to the document's `type`. Default: `"transcript"`.
    #[serde(default)]
    pub read_as: Option<ReadAs>,
    /// The text encoding, where the file is not UTF-8 or UTF-16 with BOM: any label of the
    /// WHATWG Encoding Standard (`windows-1252`, `latin1`, `iso-8859-15`, `macintosh`, …).
    #[serde(default)]
    pub encoding: Option<Spanned<String>>,
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

    /// [`Manifest::error_at`] where the value was found, else an error about the whole file.
    fn error_at_or_file(&self, span: Option<std::ops::Range<usize>>, message: String) -> Error {
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

    /// Checks what serde cannot: the study's paths, and that documents, speakers and
    /// pseudonyms are each described once and completely.
    fn validate(&self) -> Result<(), Error> {
        self.check_study_paths()?;
        let ids = self.check_documents()?;
        self.check_speakers(&ids)?;
        self.check_pseudonyms()?;
        self.check_analysis_variables()?;
        self.check_evidence()?;
        self.check_perspectives()
    }

    /// A perspective is split only by an analysis variable: any other attribute (age, gender)
    /// beside a role and a case can point at one person.
    fn check_split(&self, name: &str, attribute: &Spanned<String>) -> Result<(), Error> {
        let a = attribute.get_ref();
        if self.study.analysis_variables.iter().any(|v| v == a) {
            return Ok(());
        }
        Err(self.error_at(
            attribute.span(),
            format!(
                "perspective \"{name}\" is split by \"{a}\", which is not one of [study] analysis_variables ({}); only an analysis variable may be shown beside a role",
                if self.study.analysis_variables.is_empty() {
                    "none".to_string()
                } else {
                    self.study.analysis_variables.join(", ")
                }
            ),
        ))
    }

    /// Each perspective has a name of its own and roles the study has, and no role is in two:
    /// a misspelt role would drop its people from the perspective without a word.
    fn check_perspectives(&self) -> Result<(), Error> {
        let known: std::collections::BTreeSet<&str> = self
            .speakers
            .iter()
            .filter_map(|s| s.role.as_deref())
            .chain(self.documents.iter().filter_map(|d| d.kind.as_deref()))
            .collect();
        let mut names: HashMap<&str, usize> = HashMap::new();
        let mut roles: HashMap<&str, &str> = HashMap::new();
        for p in &self.perspectives {
            let name = p.name.get_ref();
            if let Some(attribute) = &p.split_by {
                self.check_split(name, attribute)?;
            }
            if name.trim().is_empty() {
                return Err(self.error_at(p.name.span(), "a perspective's name is empty"));
            }
            if let Some(first) = names.insert(name, line_col(&self.source, p.name.span().start).0) {
                return Err(self.error_at(
                    p.name.span(),
                    format!("perspective \"{name}\" is declared twice (first at line {first}); give each its own name"),
                ));
            }
            if p.roles.is_empty() {
                return Err(self.error_at(
                    p.name.span(),
                    format!("perspective \"{name}\" has no roles: list them as roles = [\"...\"]"),
                ));
            }
            for role in &p.roles {
                let r = role.get_ref().as_str();
                if !known.contains(r) {
                    return Err(self.error_at(
                        role.span(),
                        format!(
                            "perspective \"{name}\" names the role \"{r}\", which no [[speakers]] entry or document type has; known: {}",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.iter().copied().collect::<Vec<_>>().join(", ")
                            }
                        ),
                    ));
                }
                if let Some(other) = roles.insert(r, name) {
                    return Err(self.error_at(
                        role.span(),
                        format!("the role \"{r}\" is in perspective \"{other}\" and in \"{name}\": a role belongs to one perspective"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `[evidence]` names each coder once, and the adjudicator is not one of the coders: the
    /// adjudicator's decisions settle theirs, they are not a vote among them.
    fn check_evidence(&self) -> Result<(), Error> {
        let evidence = &self.evidence;
        let Some(coders) = &evidence.coders else {
            return Ok(());
        };
        let at = |name: &Spanned<String>| name.span();
        if coders.get_ref().is_empty() {
            return Err(self.error_at(
                coders.span(),
                "[evidence] coders is empty, so no decision would count: list the coders whose decisions count, or leave `coders` out to count every coder",
            ));
        }
        let mut seen: HashMap<&str, std::ops::Range<usize>> = HashMap::new();
        for name in coders.get_ref() {
            if let Some(first) = seen.insert(name.get_ref(), at(name)) {
                let (line, column) = line_col(&self.source, first.start);
                return Err(self.error_at(
                    at(name),
                    format!(
                        "[evidence] coders names \"{}\" twice (first at {line}:{column}): keep one",
                        name.get_ref()
                    ),
                ));
            }
        }
        if let Some(adjudicator) = &evidence.adjudicator
            && seen.contains_key(adjudicator.get_ref().as_str())
        {
            return Err(self.error_at(
                at(adjudicator),
                format!(
                    "\"{}\" is both the adjudicator and one of the [evidence] coders: the adjudicator's decisions settle the coders' disagreements and are not a vote among them; take the name out of `coders`",
                    adjudicator.get_ref()
                ),
            ));
        }
        Ok(())
    }

    /// An error at a name written in `[evidence]` (a coder or the adjudicator).
    pub(crate) fn evidence_error(&self, name: &Spanned<String>, message: String) -> Error {
        self.error_at(name.span(), message)
    }

    /// `[study] transcripts` and `codebooks` stay inside the study folder.
    fn check_study_paths(&self) -> Result<(), Error> {
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
        Ok(())
    }

    /// Each document's id is valid and its own, and each file is inside the study and
    /// described once; the ids, with where each stands.
    fn check_documents(&self) -> Result<HashMap<String, std::ops::Range<usize>>, Error> {
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
            if let Some(label) = &doc.encoding
                && doc.declared_encoding().is_none()
            {
                return Err(self.error_at(
                    label.span(),
                    format!(
                        "unknown encoding \"{}\": give a label of the WHATWG Encoding Standard, such as \"windows-1252\" (Excel and Word on Windows in Western Europe), \"iso-8859-15\", \"macintosh\" or \"utf-8\"",
                        label.get_ref()
                    ),
                ));
            }
            let file = normalise_rel(doc.file.get_ref());
            if let Some(first) = files.insert(file.clone(), doc.file.span()) {
                let (line, _) = line_col(&self.source, first.start);
                return Err(self.error_at(
                    doc.file.span(),
                    format!("\"{file}\" is described twice (first at line {line})"),
                ));
            }
        }
        Ok(ids)
    }

    /// Each speaker label is given, described once per document, and limited only to
    /// documents that `ids` has.
    fn check_speakers(&self, ids: &HashMap<String, std::ops::Range<usize>>) -> Result<(), Error> {
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
        Ok(())
    }

    /// No pseudonym, and no name it replaces, is empty.
    fn check_pseudonyms(&self) -> Result<(), Error> {
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
                return Err(self.error_at_or_file(span, message));
            }
        }
        Ok(())
    }

    /// Each analysis variable is an attribute some speaker has: a misspelt one would leave the
    /// attribute out of every export.
    fn check_analysis_variables(&self) -> Result<(), Error> {
        let known: std::collections::BTreeSet<&str> = self
            .speakers
            .iter()
            .flat_map(|s| s.attributes.keys().map(String::as_str))
            .collect();
        let Some(unknown) = self
            .study
            .analysis_variables
            .iter()
            .find(|v| !known.contains(v.as_str()))
        else {
            return Ok(());
        };
        let message = format!(
            "[study] analysis_variables names \"{unknown}\", which no [[speakers]] entry has among its attributes; known: {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.into_iter().collect::<Vec<_>>().join(", ")
            }
        );
        let span = self
            .spans()
            .study
            .analysis_variables
            .into_iter()
            .find(|v| v.get_ref() == unknown)
            .map(|v| v.span());
        Err(self.error_at_or_file(span, message))
    }

    /// Where some values stand in the manifest's text, for messages about them.
    fn spans(&self) -> ManifestSpans {
        toml::from_str(&self.source).unwrap_or_default()
    }

    /// An error about an entry of `[study] transcripts`, at its line where it can be found.
    pub(crate) fn transcripts_error(&self, entry: &str, message: String) -> Error {
        let span = self
            .spans()
            .study
            .transcripts
            .into_iter()
            .find(|t| t.get_ref() == entry)
            .map(|t| t.span());
        self.error_at_or_file(span, message)
    }

    /// The line in the manifest where a document's entry starts, for messages.
    pub(crate) fn document_line(&self, entry: &DocumentEntry) -> usize {
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
    #[serde(default)]
    analysis_variables: Vec<Spanned<String>>,
}

impl DocumentEntry {
    /// The entry's document id: `id`, or the file name without extension.
    pub fn id(&self) -> String {
        match &self.id {
            Some(id) => id.get_ref().clone(),
            None => file_stem(Path::new(self.file.get_ref())),
        }
    }

    /// The encoding `encoding` names, if it names one icamo can decode with.
    pub fn declared_encoding(&self) -> Option<&'static encoding_rs::Encoding> {
        let label = self.encoding.as_ref()?.get_ref();
        encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .filter(|e| *e != encoding_rs::REPLACEMENT)
    }
}

pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A path written in the manifest, with `\` as `/` and no leading `./`.
pub(crate) fn normalise_rel(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.trim_start_matches("./").to_string()
}

/// Document ids end up in segment ids (`doc:0007`) and file names, so they are kept plain.
pub(crate) fn check_document_id(id: &str) -> Result<(), String> {
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

/// Labels are compared ignoring case and outer spaces, in Unicode NFC: an `Anaïs` typed with a
/// combining diaeresis is the same label as the precomposed one.
pub(crate) fn speaker_key(label: &str) -> String {
    label.trim().nfc().collect::<String>().to_lowercase()
}

/// The manifest's speakers, found both ways: from a label as a transcript writes it (ingest),
/// and from a stored segment, which carries the pseudonymised label and the respondent id
/// (exports). An entry limited to a document goes before one for every document; among equals
/// the first in the manifest wins.
pub(crate) struct SpeakerDirectory<'m> {
    /// (document id, or "" for every document; label as written, lower-cased) → entry.
    by_label: HashMap<(String, String), &'m SpeakerEntry>,
    /// (document id, or ""; pseudonymised label, lower-cased) → entry.
    by_stored_label: HashMap<(String, String), &'m SpeakerEntry>,
    /// (document id, or ""; respondent id) → entry.
    by_respondent: HashMap<(String, String), &'m SpeakerEntry>,
    /// Document id → the entries limited to it, in manifest order.
    per_document: HashMap<&'m str, Vec<&'m SpeakerEntry>>,
    /// The entries for every document, in manifest order.
    everywhere: Vec<&'m SpeakerEntry>,
}

impl<'m> SpeakerDirectory<'m> {
    /// The directory of `manifest`'s speakers; `pseudonymise` gives a label as ingest stores it
    /// (the study's pseudonyms applied).
    pub fn new(manifest: &'m Manifest, pseudonymise: impl Fn(&str) -> String) -> Self {
        let mut dir = SpeakerDirectory {
            by_label: HashMap::new(),
            by_stored_label: HashMap::new(),
            by_respondent: HashMap::new(),
            per_document: HashMap::new(),
            everywhere: Vec::new(),
        };
        for entry in &manifest.speakers {
            let label = entry.label.get_ref();
            let stored = speaker_key(&pseudonymise(label.trim()));
            let scopes: Vec<String> = if entry.documents.is_empty() {
                dir.everywhere.push(entry);
                vec![String::new()]
            } else {
                for doc in &entry.documents {
                    dir.per_document
                        .entry(doc.get_ref())
                        .or_default()
                        .push(entry);
                }
                entry
                    .documents
                    .iter()
                    .map(|d| d.get_ref().clone())
                    .collect()
            };
            for scope in scopes {
                let first = |map: &mut HashMap<(String, String), &'m SpeakerEntry>, key: String| {
                    map.entry((scope.clone(), key)).or_insert(entry);
                };
                first(&mut dir.by_label, speaker_key(label));
                first(&mut dir.by_stored_label, stored.clone());
                if let Some(r) = &entry.respondent {
                    first(&mut dir.by_respondent, r.clone());
                }
            }
        }
        dir
    }

    /// The entry for `label` as a transcript of document `doc` writes it.
    pub(crate) fn by_label(&self, doc: &str, label: &str) -> Option<&'m SpeakerEntry> {
        scoped(&self.by_label, doc, &speaker_key(label))
    }

    /// The entry for a stored segment's speaker (document, pseudonymised label), else for its
    /// respondent id.
    pub(crate) fn of_segment(
        &self,
        doc: &str,
        stored_label: &str,
        respondent: Option<&str>,
    ) -> Option<&'m SpeakerEntry> {
        scoped(&self.by_stored_label, doc, &speaker_key(stored_label))
            .or_else(|| scoped(&self.by_respondent, doc, respondent?))
    }

    /// The entries that apply to document `doc`: those for every document, then its own.
    pub(crate) fn for_document<'a>(
        &'a self,
        doc: &str,
    ) -> impl Iterator<Item = &'m SpeakerEntry> + 'a {
        let own = self
            .per_document
            .get(doc)
            .map(Vec::as_slice)
            .unwrap_or_default();
        self.everywhere.iter().chain(own).copied()
    }
}

/// `key` in document `doc`'s scope, else in the scope of every document.
fn scoped<'m>(
    map: &HashMap<(String, String), &'m SpeakerEntry>,
    doc: &str,
    key: &str,
) -> Option<&'m SpeakerEntry> {
    map.get(&(doc.to_string(), key.to_string()))
        .or_else(|| map.get(&(String::new(), key.to_string())))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_errors_name_the_line() {
        let err = Manifest::parse("icamo.toml", "[study]\nname = \"x\"\nlanguage = \"fr\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("icamo.toml:3:"), "{err}");
        assert!(err.contains("fr"), "{err}");
    }

    #[test]
    fn a_document_encoding_is_any_whatwg_label_and_an_unknown_one_names_its_line() {
        let manifest = |encoding: &str| {
            Manifest::parse(
                "icamo.toml",
                &format!(
                    "[study]\nname = \"x\"\n\n[[documents]]\nfile = \"a.txt\"\nencoding = \"{encoding}\"\n"
                ),
            )
        };
        for (label, name) in [
            ("windows-1252", "windows-1252"),
            ("cp1252", "windows-1252"),
            ("latin1", "windows-1252"),
            ("ISO-8859-15", "ISO-8859-15"),
            ("utf-8", "UTF-8"),
        ] {
            let m = manifest(label).unwrap();
            let encoding = m.documents[0].declared_encoding().map(|e| e.name());
            assert_eq!(encoding, Some(name), "{label}");
        }
        let err = manifest("klingon").unwrap_err().to_string();
        assert!(
            err.starts_with("icamo.toml:6:12: unknown encoding \"klingon\": give a label"),
            "{err}"
        );
        // A label that encoding_rs maps to its "replacement" decoder decodes nothing.
        assert!(manifest("iso-2022-kr").is_err());
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
    fn perspectives_name_roles_the_study_has_each_role_once() {
        let head = "[study]\nname = \"x\"\n\n[[speakers]]\nlabel = \"A\"\nrole = \"statushouder\"\n\n[[speakers]]\nlabel = \"B\"\nrole = \"professional beleid\"\n";
        let ok = format!(
            "{head}\n[[perspectives]]\nname = \"beleid\"\nroles = [\"professional beleid\"]\ntheory = true\n\n[[perspectives]]\nname = \"inburgeraars\"\nroles = [\"statushouder\"]\n"
        );
        let m = Manifest::parse("icamo.toml", &ok).unwrap();
        assert_eq!(m.perspectives.len(), 2);
        assert!(m.perspectives[0].theory && m.perspectives[0].has("professional beleid"));
        assert!(!m.perspectives[1].theory);

        let misspelt = format!(
            "{head}\n[[perspectives]]\nname = \"inburgeraars\"\nroles = [\"statushouders\"]\n"
        );
        let err = Manifest::parse("icamo.toml", &misspelt)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("icamo.toml:14:"), "{err}");
        assert!(
            err.contains("\"statushouders\", which no [[speakers]] entry or document type has; known: professional beleid, statushouder"),
            "{err}"
        );

        let twice = format!(
            "{head}\n[[perspectives]]\nname = \"a\"\nroles = [\"statushouder\"]\n\n[[perspectives]]\nname = \"b\"\nroles = [\"statushouder\"]\n"
        );
        let err = Manifest::parse("icamo.toml", &twice)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("icamo.toml:18:"), "{err}");
        assert!(
            err.contains("is in perspective \"a\" and in \"b\""),
            "{err}"
        );

        // Only an analysis variable may split a perspective: age beside a role can point at one
        // person.
        let split = format!(
            "{head}\n[[perspectives]]\nname = \"inburgeraars\"\nroles = [\"statushouder\"]\nsplit_by = \"leeftijd\"\n"
        );
        let err = Manifest::parse("icamo.toml", &split)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("icamo.toml:15:"), "{err}");
        assert!(
            err.contains(
                "is split by \"leeftijd\", which is not one of [study] analysis_variables (none)"
            ),
            "{err}"
        );
    }

    #[test]
    fn the_evidence_table_names_each_coder_once_and_the_adjudicator_apart() {
        let parse = |evidence: &str| {
            Manifest::parse(
                "icamo.toml",
                &format!("[study]\nname = \"x\"\n\n[evidence]\n{evidence}"),
            )
        };
        let m =
            parse("coders = [\"anna\", \"bas\"]\nagreement = \"all\"\nadjudicator = \"lotte\"\n")
                .unwrap();
        assert_eq!(m.evidence.agreement, AgreementRule::All);
        assert_eq!(m.evidence.adjudicator.unwrap().into_inner(), "lotte");
        assert_eq!(parse("").unwrap().evidence.agreement, AgreementRule::Any);
        let err = |evidence: &str| parse(evidence).unwrap_err().to_string();
        let e = err("coders = [\"anna\", \"lotte\"]\nadjudicator = \"lotte\"\n");
        assert!(
            e.starts_with("icamo.toml:6:15: \"lotte\" is both the adjudicator"),
            "{e}"
        );
        let e = err("coders = [\"anna\", \"anna\"]\n");
        assert!(
            e.starts_with(
                "icamo.toml:5:19: [evidence] coders names \"anna\" twice (first at 5:11)"
            ),
            "{e}"
        );
        let e = err("coders = []\n");
        assert!(
            e.starts_with("icamo.toml:5:10: [evidence] coders is empty"),
            "{e}"
        );
        let e = err("agreement = \"most\"\n");
        assert!(
            e.starts_with("icamo.toml:5:13:") && e.contains("majority"),
            "{e}"
        );
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

    #[test]
    fn the_speaker_directory_finds_an_entry_from_the_label_and_from_the_stored_segment() {
        let m = Manifest::parse(
            "icamo.toml",
            r#"
[study]
name = "Proef"

[pseudonyms]
"Amal" = "Noor"

[[documents]]
file = "int-1.txt"

[[documents]]
file = "int-2.txt"

[[speakers]]
label = "Amal"
respondent = "R1"
role = "statushouder"

[[speakers]]
label = "Amal"
documents = ["int-2"]
role = "gezinsmigrant"
"#,
        )
        .unwrap();
        let dir = SpeakerDirectory::new(&m, |l| l.replace("Amal", "Noor"));
        let role = |e: Option<&SpeakerEntry>| e.and_then(|e| e.role.clone());
        // From the transcript: case and outer spaces do not count, and an entry limited to a
        // document wins there.
        assert_eq!(
            role(dir.by_label("int-1", " AMAL")),
            Some("statushouder".into())
        );
        assert_eq!(
            role(dir.by_label("int-2", "Amal")),
            Some("gezinsmigrant".into())
        );
        assert_eq!(role(dir.by_label("int-1", "Noor")), None);
        // From a stored segment: the pseudonym, else the respondent id.
        assert_eq!(
            role(dir.of_segment("int-1", "noor", None)),
            Some("statushouder".into())
        );
        assert_eq!(
            role(dir.of_segment("int-2", "Noor", None)),
            Some("gezinsmigrant".into())
        );
        assert_eq!(
            role(dir.of_segment("int-1", "X", Some("R1"))),
            Some("statushouder".into())
        );
        let for_int2: Vec<_> = dir.for_document("int-2").map(|e| role(Some(e))).collect();
        assert_eq!(
            for_int2,
            [Some("statushouder".into()), Some("gezinsmigrant".into())]
        );
    }
}

//! The manifest applied to the study folder: [`Corpus`] finds the transcripts on disk as
//! [`SourceDoc`]s and turns a parser's [`Turn`]s into stored [`Segment`]s: speaker labels
//! resolved to respondents and roles, [`Pseudonyms`] applied to labels and text, inline coding
//! tags taken out.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::coding::model::{Coding, Decision, Origin, TAG_CODER, check_coder};
use crate::coding::tags::strip_tags;
use crate::error::{Error, Warning};
use crate::lang::Language;
use crate::manifest::{
    DocumentEntry, Manifest, SpeakerDirectory, SpeakerEntry, check_document_id, file_stem,
    normalise_rel,
};
use crate::privacy::Pseudonyms;
use crate::store::UnknownSpeaker;
use crate::transcript::{
    self, Format, ParsedTranscript, ReadAs, ReadOptions, Segment, Turn, UNKNOWN_ROLE,
};

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
    /// Whether it is read as a transcript or as a document of paragraphs.
    #[serde(default, skip_serializing_if = "is_transcript")]
    pub read_as: ReadAs,
}

fn is_transcript(r: &ReadAs) -> bool {
    *r == ReadAs::Transcript
}

/// What a file read as a transcript without a single speaker label is told.
const NOT_A_TRANSCRIPT: &str = "no line of the file starts with a speaker label, so it reads as \
a document rather than a transcript: if it is one (a policy document, notes, a report), set \
read_as = \"document\" in its [[documents]] entry, and its paragraphs become the segments";

/// The role a document's paragraphs are attributed to when its entry gives no `type`.
pub const DOCUMENT_ROLE: &str = "document";

impl SourceDoc {
    /// The role label of a document's paragraphs: its `type` (`beleidsdocument`), else
    /// [`DOCUMENT_ROLE`].
    pub fn document_role(&self) -> String {
        self.kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .unwrap_or(DOCUMENT_ROLE)
            .to_string()
    }
}

/// The manifest applied to a study folder: finds transcripts and makes segments.
pub struct Corpus<'m> {
    root: PathBuf,
    manifest: &'m Manifest,
    pseudonyms: Pseudonyms,
    speakers: SpeakerDirectory<'m>,
    strict: bool,
}

impl<'m> Corpus<'m> {
    /// The corpus of the study in `root` described by `manifest`.
    pub fn new(root: &Path, manifest: &'m Manifest) -> Corpus<'m> {
        let pseudonyms = Pseudonyms::new(&manifest.pseudonyms);
        let speakers = SpeakerDirectory::new(manifest, |l| pseudonyms.apply(l).into_owned());
        Corpus {
            root: root.to_path_buf(),
            manifest,
            pseudonyms,
            speakers,
            strict: false,
        }
    }

    /// The same corpus, refusing a file at the first thing its parser would read past (a bad
    /// cue, a line it cannot place) rather than skipping it with a warning.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
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
                // A PDF is rarely a transcript: read as a document unless the entry says so.
                read_as: entry.and_then(|e| e.read_as).unwrap_or(match format {
                    Some(Format::Pdf) => ReadAs::Document,
                    _ => ReadAs::Transcript,
                }),
                path: rel,
            });
        }
        Ok(docs)
    }

    /// The encoding the manifest declares for a document (`encoding = "windows-1252"`).
    fn declared_encoding(&self, doc: &SourceDoc) -> Option<&'static encoding_rs::Encoding> {
        self.manifest
            .documents
            .iter()
            .find(|d| normalise_rel(d.file.get_ref()) == doc.path)
            .and_then(|d| d.declared_encoding())
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
    pub(crate) fn metadata_digest(&self, doc: &SourceDoc) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(serde_json::to_string(doc).unwrap_or_default().as_bytes());
        for s in self.speakers.for_document(&doc.id) {
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
        // Only when declared, so that documents without an encoding keep their digest.
        if let Some(encoding) = self.declared_encoding(doc) {
            hasher.update(format!("encoding\u{0}{}\n", encoding.name()).as_bytes());
        }
        hasher.finalize().to_hex().to_string()
    }

    /// The manifest entry for a speaker label in a document: an entry limited to the document
    /// wins over one for every document; the first of equal entries wins.
    pub fn speaker(&self, doc: &str, label: &str) -> Option<&'m SpeakerEntry> {
        self.speakers.by_label(doc, label)
    }

    /// Reads, parses and segments one document: the one way a source on disk becomes
    /// segments, for ingest and for an import that places codings on them.
    pub fn read(&self, doc: &SourceDoc) -> Result<ReadDocument, Error> {
        let path = Path::new(&doc.path);
        let bytes = std::fs::read(self.path_of(doc)).map_err(|e| Error::io(path, e))?;
        let format = if self.format_is_explicit(doc) {
            doc.format
        } else {
            transcript::detect(path, &bytes).unwrap_or(Format::Text)
        };
        let options = ReadOptions {
            speakers: self
                .speakers
                .for_document(&doc.id)
                .map(|s| s.label.get_ref().clone())
                .collect(),
            strict: self.strict,
        };
        // A declared encoding is for text: Word and PDF files carry their own.
        let encoding = self
            .declared_encoding(doc)
            .filter(|_| !matches!(format, Format::Docx | Format::Pdf));
        let parsed = match (doc.read_as, encoding) {
            (ReadAs::Transcript, None) => transcript::parse_bytes_with(format, &bytes, &options),
            (ReadAs::Transcript, Some(encoding)) => transcript::decode_as(&bytes, encoding)
                .and_then(|decoded| transcript::parse_with(format, &decoded.text, &options)),
            (ReadAs::Document, None) => transcript::parse_document_bytes(format, &bytes),
            // Decoded here, the document reader gets UTF-8.
            (ReadAs::Document, Some(encoding)) => {
                transcript::decode_as(&bytes, encoding).and_then(|decoded| {
                    transcript::parse_document_bytes(format, decoded.text.as_bytes())
                })
            }
        }
        .map_err(|e| Error::Parse {
            path: PathBuf::from(&doc.path),
            line: e.line,
            column: e.column,
            message: if self.unlabelled(doc, format, &bytes) {
                format!("{}; {NOT_A_TRANSCRIPT}", e.message)
            } else {
                e.message
            },
        })?;
        let mut made = self.segments(doc, &parsed);
        made.warnings.splice(
            0..0,
            parsed.warnings.iter().map(|w| Warning {
                path: PathBuf::from(&doc.path),
                line: w.line,
                message: w.message.clone(),
            }),
        );
        let speakerless =
            !parsed.turns.is_empty() && parsed.turns.iter().all(|t| t.speaker.is_none());
        let message = if doc.read_as == ReadAs::Document {
            parsed.turns.is_empty().then(|| match format {
                Format::Pdf => "no text found in the PDF: a scanned PDF holds pictures of \
                                    its pages, not text; run it through text recognition (OCR) \
                                    first"
                    .to_string(),
                _ => format!("no paragraphs found (read as a {format} document)"),
            })
        } else if speakerless && self.unlabelled(doc, format, &bytes) {
            Some(format!("read as {format}: {NOT_A_TRANSCRIPT}"))
        } else {
            parsed
                .turns
                .is_empty()
                .then(|| format!("no speaker turns found (read as {format})"))
        };
        if let Some(message) = message {
            made.warnings.insert(
                0,
                Warning {
                    path: PathBuf::from(&doc.path),
                    line: 0,
                    message,
                },
            );
        }
        Ok(ReadDocument { format, made })
    }

    /// Whether `doc`, read as a transcript, has no speaker label at all.
    fn unlabelled(&self, doc: &SourceDoc, format: Format, bytes: &[u8]) -> bool {
        doc.read_as == ReadAs::Transcript && transcript::has_no_speaker_labels(format, bytes)
    }

    /// Turns a parsed transcript into segments, and warns about speakers the manifest lacks.
    ///
    /// Inline coding tags (`{{icamo1.m3 +}}`, see [`crate::coding::tags`]) are taken out of
    /// each segment's text here, the one place turns become segments, and returned as
    /// codings with origin `tag`; their coder is the document's `coder` attribute (manifest,
    /// then front matter), else `TAG_CODER`. The segment's byte range still covers the turn
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
        let mut unknown: Vec<UnknownSpeaker> = Vec::new();
        let mut segments = Vec::with_capacity(parsed.turns.len());
        let mut tags = Vec::new();
        let mut chars = CharCounter::new(&parsed.source);
        for (i, turn) in parsed.turns.iter().enumerate() {
            let ordinal = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let written = doc.read_as == ReadAs::Document;
            let entry = turn
                .speaker
                .as_deref()
                .filter(|_| !written)
                .and_then(|l| self.speaker(&doc.id, l));
            if entry.is_none() && !written {
                let label = turn.speaker.clone().unwrap_or_default();
                if !unknown.iter().any(|u: &UnknownSpeaker| u.label == label) {
                    let speaker = UnknownSpeaker {
                        label,
                        line: turn.line,
                    };
                    warnings.push(speaker.warning(&doc.path));
                    unknown.push(speaker);
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
                        text: None,
                        versions: Default::default(),
                        line: 0,
                    });
                }
            }
            segments.push(segment);
        }
        DocumentSegments {
            segments,
            tags,
            warnings,
            unknown_speakers: unknown,
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
        // A document's paragraph is nobody's words: no speaker, the document's type as role.
        let (speaker, role) = if doc.read_as == ReadAs::Document {
            (String::new(), doc.document_role())
        } else {
            let label = turn.speaker.as_deref().unwrap_or(UNKNOWN_ROLE).trim();
            let role = entry.and_then(|e| e.role.clone()).unwrap_or_else(|| {
                if entry.is_some_and(|e| e.interviewer) {
                    "interviewer".to_string()
                } else {
                    UNKNOWN_ROLE.to_string()
                }
            });
            (self.pseudonyms.apply(label).into_owned(), role)
        };
        Segment {
            id: Segment::make_id(&doc.id, ordinal),
            doc: doc.id.clone(),
            ordinal,
            speaker,
            respondent: entry.and_then(|e| e.respondent.clone()),
            role,
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

/// One document read by [`Corpus::read`].
#[derive(Debug, Clone)]
pub struct ReadDocument {
    /// The format it was parsed as.
    pub format: Format,
    /// Its segments, inline tags and warnings.
    pub made: DocumentSegments,
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
    /// The speaker labels the manifest has no entry for (their warnings are in `warnings`).
    pub unknown_speakers: Vec<UnknownSpeaker>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_counter_counts_code_points() {
        let mut c = CharCounter::new("cliënt: één");
        assert_eq!(c.at(7), 6);
        assert_eq!(c.at(13), 10);
        assert_eq!(c.at(14), 11);
    }
}

//! Transcripts: one parser per source format, all producing [`Turn`]s.
//!
//! A parser receives the decoded text of one file (see [`decode()`]) and returns a
//! [`ParsedTranscript`]: the speaker turns in order, with the line each starts on, its
//! timestamps where the source has them, and its byte range in the decoded text. Parsers know
//! nothing of the manifest, the index or pseudonyms; [`crate::corpus`] turns turns into
//! [`Segment`]s.
//!
//! ```
//! use icamo::transcript::{parse, Format};
//! let parsed = parse(Format::Text, "Interviewer: Hoe gaat het?\nAmal: Goed, dank u.\n").unwrap();
//! assert_eq!(parsed.turns.len(), 2);
//! assert_eq!(parsed.turns[1].speaker.as_deref(), Some("Amal"));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

mod decode;
mod detect;
mod document;
mod docx;
mod docx_layout;
mod label;
mod markdown;
mod pdf;
mod segment;
mod srt;
mod text;
mod vtt;
mod wordtable;

pub use decode::{Decoded, Encoding, decode, decode_as, decode_or_windows_1252};
pub use detect::detect;
pub use segment::{Segment, SegmentId, UNKNOWN_ROLE};

/// A source format icamo reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text with `Name:` speaker labels, optionally with timestamps.
    Text,
    /// Markdown with optional front matter; speakers as bold labels or headings.
    Markdown,
    /// WebVTT, as Microsoft Teams exports it (`<v Name>` voice tags).
    Vtt,
    /// SubRip subtitles, speaker as a `Name:` prefix or absent.
    Srt,
    /// Word documents (Office Open XML).
    Docx,
    /// PDF: its text, page furniture removed; read as a document unless the manifest says
    /// `read_as = "transcript"`.
    Pdf,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Markdown,
        Format::Vtt,
        Format::Srt,
        Format::Docx,
        Format::Pdf,
    ];

    /// The name used in manifests and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// The format a file extension stands for, if any (`txt`, `md`, `vtt`, `srt`, `docx`, `pdf`).
    pub(crate) fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "vtt" => Some(Format::Vtt),
            "srt" => Some(Format::Srt),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a file is read: as a transcript of speaker turns, or as a document of paragraphs (a
/// policy document, interview or observation notes, a report), each paragraph a turn without a
/// speaker. The manifest's `read_as` per document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadAs {
    /// Speaker turns (the default).
    #[default]
    Transcript,
    /// Paragraphs of a document that is not a transcript.
    Document,
}

impl ReadAs {
    /// The name the manifest uses: `transcript` or `document`.
    pub fn name(self) -> &'static str {
        match self {
            ReadAs::Transcript => "transcript",
            ReadAs::Document => "document",
        }
    }
}

/// One speaker turn as it stands in the source, before the manifest is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// The speaker label exactly as the file gives it (`None` where the source names nobody,
    /// as in an SRT file without speaker prefixes).
    pub speaker: Option<String>,
    /// The spoken text: labels, timestamps and markup removed, paragraphs joined by `"\n\n"`,
    /// lines of one paragraph (and merged cues) joined by a single space.
    pub text: String,
    /// 1-based line in the decoded source where the turn starts (for DOCX: the paragraph number).
    pub line: usize,
    /// Start time in milliseconds, where the source has one.
    pub start_ms: Option<u64>,
    /// End time in milliseconds, where the source has one.
    pub end_ms: Option<u64>,
    /// Byte range of the whole turn (label included) in [`ParsedTranscript::source`].
    pub bytes: std::ops::Range<usize>,
}

/// What a parser makes of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedTranscript {
    /// Document attributes the file declares itself (Markdown front matter), as strings.
    pub attributes: BTreeMap<String, String>,
    /// The turns in source order.
    pub turns: Vec<Turn>,
    /// The text the byte ranges point into: the decoded file, or for DOCX the document's
    /// paragraphs joined by `"\n"`.
    pub source: String,
    /// What the parser read past: a cue it skipped, a line it could not place. With
    /// [`ReadOptions::strict`] the first of them is an error instead.
    pub warnings: Vec<ParseWarning>,
}

/// Something a parser read past without failing, positioned in the decoded source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// 1-based line (for DOCX: paragraph number; 0 for the file as a whole).
    pub line: usize,
    /// What was skipped or guessed, and what the user can do about it.
    pub message: String,
}

/// What the manifest tells a parser about one file beyond its bytes.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The speaker labels the manifest lists for this document (and for every document): where
    /// a line may start with a label or with a sentence, a listed label decides.
    pub speakers: Vec<String>,
    /// Refuse the file at the first thing a parser would read past (see
    /// [`ParsedTranscript::warnings`]) instead of skipping it with a warning.
    pub strict: bool,
}

/// A parse failure, positioned in the decoded source. The caller adds the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line (for DOCX: paragraph number; 0 when the file as a whole is at fault).
    pub line: usize,
    /// 1-based column in characters (1 when unknown).
    pub column: usize,
    /// What was wrong and, where it helps, what was expected.
    pub message: String,
}

impl ParseError {
    /// A failure at `line`, column 1.
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line,
            column: 1,
            message: message.into(),
        }
    }
}

/// Parses decoded text in the given format, knowing nothing of the manifest. DOCX, being
/// binary, goes through [`parse_bytes`].
pub fn parse(format: Format, text: &str) -> Result<ParsedTranscript, ParseError> {
    parse_with(format, text, &ReadOptions::default())
}

/// Parses decoded text in the given format with what the manifest knows of the file.
pub fn parse_with(
    format: Format,
    text: &str,
    options: &ReadOptions,
) -> Result<ParsedTranscript, ParseError> {
    let parsed = match format {
        Format::Text => text::parse(text, options),
        Format::Markdown => markdown::parse(text, options),
        Format::Vtt => vtt::parse(text, options),
        Format::Srt => srt::parse(text, options),
        Format::Docx | Format::Pdf => Err(ParseError::at(
            0,
            format!("a {format} file is binary: read it with parse_bytes"),
        )),
    }?;
    refuse_if_strict(parsed, options)
}

/// Parses a file's raw bytes: decodes text formats (BOM, UTF-16, CRLF), unpacks DOCX and reads
/// a PDF's text.
pub fn parse_bytes(format: Format, bytes: &[u8]) -> Result<ParsedTranscript, ParseError> {
    parse_bytes_with(format, bytes, &ReadOptions::default())
}

/// [`parse_bytes`] with what the manifest knows of the file.
pub fn parse_bytes_with(
    format: Format,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<ParsedTranscript, ParseError> {
    match format {
        Format::Docx => refuse_if_strict(docx::parse(bytes, options)?, options),
        Format::Pdf => refuse_if_strict(pdf::parse(bytes, false, options)?, options),
        _ => {
            let decoded = decode(bytes)?;
            parse_with(format, &decoded.text, options)
        }
    }
}

/// Reads a file that is not a transcript from its bytes: one [`Turn`] without a speaker per
/// paragraph (see [`ReadAs::Document`]).
pub fn parse_document_bytes(format: Format, bytes: &[u8]) -> Result<ParsedTranscript, ParseError> {
    match format {
        Format::Docx => docx::parse_document(bytes),
        Format::Pdf => pdf::parse(bytes, true, &ReadOptions::default()),
        Format::Text => Ok(document::text_paragraphs(&decode(bytes)?.text)),
        Format::Markdown => document::markdown_paragraphs(&decode(bytes)?.text),
        Format::Vtt | Format::Srt => Err(ParseError::at(
            0,
            format!(
                "read_as = \"document\" is for text, Markdown, Word and PDF files; a {format} \
                 file holds captions: read it as a transcript (leave read_as out)"
            ),
        )),
    }
}

/// Whether a file read as a transcript has no line a speaker label could start, so that it is
/// most likely a document (`read_as = "document"`). Only for text, Markdown, Word and PDF.
pub fn has_no_speaker_labels(format: Format, bytes: &[u8]) -> bool {
    match format {
        Format::Vtt | Format::Srt => false,
        _ => parse_document_bytes(format, bytes)
            .is_ok_and(|d| document::has_no_speaker_labels(&d.source)),
    }
}

/// Under [`ReadOptions::strict`], the first thing the parser read past is an error.
fn refuse_if_strict(
    parsed: ParsedTranscript,
    options: &ReadOptions,
) -> Result<ParsedTranscript, ParseError> {
    match parsed.warnings.first() {
        Some(w) if options.strict => Err(ParseError::at(
            w.line,
            format!("{} (refused under --strict)", w.message),
        )),
        _ => Ok(parsed),
    }
}

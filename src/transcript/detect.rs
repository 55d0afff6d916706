//! Guessing a transcript's format: from the extension, else by sniffing the content.

use std::io::Cursor;
use std::path::Path;

use super::{Format, decode, text};

/// The format of a file: by extension (`.txt`, `.md`, `.vtt`, `.srt`, `.docx`, `.pdf`) when it has a
/// known one, else by content:
///
/// - a file starting `%PDF` is [`Format::Pdf`];
/// - a ZIP archive holding `word/document.xml` is [`Format::Docx`];
/// - a first line `WEBVTT` is [`Format::Vtt`];
/// - a cue number followed by a `-->` timing line is [`Format::Srt`];
/// - YAML front matter, a bold label `**Naam:**` / `**Naam**:` at the start of a line, or a
///   first line that is a Markdown heading is [`Format::Markdown`];
/// - a `Naam: tekst` turn line among the first 50 non-blank lines is [`Format::Text`] (so a
///   file with a preamble is still read as text, and parsing then points at the preamble).
///
/// Returns `None` when nothing fits. Content that is not valid UTF-8 is sniffed leniently, so
/// that parsing then reports the encoding problem with its position.
pub fn detect(path: &Path, bytes: &[u8]) -> Option<Format> {
    if let Some(format) = Format::from_extension(path) {
        return Some(format);
    }
    if bytes.starts_with(b"%PDF") {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return is_docx(bytes).then_some(Format::Docx);
    }
    let text = match decode(bytes) {
        Ok(d) => d.text,
        Err(_) => String::from_utf8_lossy(bytes)
            .replace("\r\n", "\n")
            .replace('\r', "\n"),
    };
    sniff_text(text.trim_start_matches('\u{feff}'))
}

/// How many non-blank lines are searched for a `Naam: tekst` turn line.
const SNIFF_LINES: usize = 50;

/// Whether a ZIP archive holds a Word main document.
fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map(|z| {
            z.file_names()
                .any(|n| n.is_ok_and(|n| n == "word/document.xml"))
        })
        .unwrap_or(false)
}

/// Sniffs decoded text.
fn sniff_text(text: &str) -> Option<Format> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t") {
        return Some(Format::Vtt);
    }
    // SRT: the first non-blank line a number, the next a timing line.
    let mut nonblank = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    if let (Some(n), Some(timing)) = (nonblank.next(), nonblank.next())
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && timing.contains("-->")
    {
        return Some(Format::Srt);
    }
    let starts_with_front_matter = text.lines().next().is_some_and(|l| l.trim_end() == "---");
    let heading_first = first.starts_with('#')
        && first.trim_start_matches('#').starts_with([' ', '\t'])
        && first.len() - first.trim_start_matches('#').len() <= 6;
    if starts_with_front_matter || heading_first || text.lines().any(bold_label_line) {
        return Some(Format::Markdown);
    }
    let has_turn_line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(SNIFF_LINES)
        .any(|l| text::parse_turn_line(l).is_some());
    has_turn_line.then_some(Format::Text)
}

/// Whether a line starts with a Markdown bold label, `**Naam:**` or `**Naam**:`.
fn bold_label_line(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("**") else {
        return false;
    };
    let Some(end) = rest.find("**") else {
        return false;
    };
    let inner = &rest[..end];
    let after = &rest[end + 2..];
    let label = if let Some(l) = inner.strip_suffix(':') {
        l
    } else if after.starts_with(':') {
        inner
    } else {
        return false;
    };
    text::parse_label_only(label).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs() {
        assert_eq!(
            sniff_text("WEBVTT\n\n00:01.000 --> 00:02.000\nHoi\n"),
            Some(Format::Vtt)
        );
        assert_eq!(
            sniff_text("\n1\n00:00:01,000 --> 00:00:02,000\nHoi\n"),
            Some(Format::Srt)
        );
        assert_eq!(sniff_text("---\ntitle: x\n---\n"), Some(Format::Markdown));
        assert_eq!(sniff_text("# Titel\n\nIets"), Some(Format::Markdown));
        assert_eq!(sniff_text("**Interviewer:** Hoi"), Some(Format::Markdown));
        assert_eq!(sniff_text("**Interviewer**: Hoi"), Some(Format::Markdown));
        assert_eq!(
            sniff_text("[00:01:02] Interviewer: Hoi"),
            Some(Format::Text)
        );
        assert_eq!(sniff_text("Anouk de Graaf: Hoi"), Some(Format::Text));
        assert_eq!(sniff_text("zomaar wat tekst"), None);
        assert_eq!(
            sniff_text("Voorwoord.\nInterviewer: Hoi"),
            Some(Format::Text)
        );
        assert_eq!(sniff_text(""), None);
        assert_eq!(sniff_text("#hashtag: nee"), None);
    }

    #[test]
    fn bold_labels() {
        assert!(bold_label_line("**Nadia El Amrani:** ja"));
        assert!(!bold_label_line("**Let op:** dit"));
        assert!(!bold_label_line("gewoon tekst"));
    }
}

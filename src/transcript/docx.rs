//! Word (DOCX) transcripts: the paragraphs of `word/document.xml`, read with zip and quick-xml.
//!
//! Paragraph text is the concatenation of its runs' `<w:t>` text (so a label split over several
//! `<w:r>` elements, as Word does after spell-checking or re-formatting, reads as one), with
//! `<w:tab/>` as a tab and `<w:br/>`/`<w:cr/>` as a space. Deleted and moved-away text (track
//! changes), field codes, text boxes, drawings and `mc:Fallback` copies are left out. Smart
//! quotes and other characters are kept as they are (labels like `D’Souza` are fine).
//!
//! Paragraphs whose style is a heading or title (`Heading1`…, `Title`, `Subtitle`, or a style
//! based on one of those, or named so in `word/styles.xml`, as Word's localised ids like `Kop1`
//! are) are skipped: not turns, and not part of [`ParsedTranscript::source`].
//!
//! These layouts are recognised, and may be mixed:
//! (a) a paragraph holding only a speaker and a time, `Petra van Dijk   00:04:12` (also
//!     `Label [00:04:12]`, `Label (00:04:12)`), starts a turn whose text is the following
//!     paragraphs; Teams' download puts the text after a line break (`<w:br/>`) in the same
//!     paragraph, which is read the same way;
//! (b) a paragraph starting `Label: tekst` or `[00:04:12] Label: tekst` starts a turn;
//! (c) Teams' and Stream's older layout: a paragraph `0:0:5.100 --> 0:0:8.250`, then one holding
//!     only the speaker, then the text (or `Label 0:0:5.100 --> 0:0:8.250` on one line);
//! (d) a table, one row per turn, as transcription services export it: see [`super::wordtable`].
//! Paragraphs without a label continue the current turn. Paragraphs before the first speaker
//! are an error, unless that speaker comes with a time (layouts a, c, d): then they are the
//! title and date Teams writes above a transcript, left out with a warning.
//!
//! Positions: [`Turn::line`](super::Turn::line) is the 1-based number of the paragraph in the
//! document body, counting every paragraph (headings, empty ones and table cells included);
//! [`ParsedTranscript::source`] is the text of all non-heading paragraphs joined by `"\n"`, and
//! the byte ranges point into it.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::docx_layout::{self, Paragraph};
use super::{ParseError, ParsedTranscript, ReadOptions, decode};

/// The most a single XML part may unpack to (guards against ZIP bombs).
const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// The part used when `_rels/.rels` names no main document.
const DEFAULT_MAIN_PART: &str = "word/document.xml";

/// A message for a DOCX that cannot be read at all.
fn unreadable(why: impl std::fmt::Display) -> ParseError {
    ParseError::at(
        0,
        format!(
            "the file is not a readable Word document (.docx): {why}; open it in Word (or \
             LibreOffice) and save it again as .docx"
        ),
    )
}

/// Reads one part of the archive as text, `None` if the archive lacks it.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ParseError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(why)) => {
            return Err(unreadable(format!(
                "{name} is stored in a way icamo does not read ({why}; Word itself only \
                 writes deflate-compressed parts)"
            )));
        }
        Err(zip::result::ZipError::CompressionMethodNotSupported(id)) => {
            return Err(unreadable(format!(
                "{name} is compressed with {}, which icamo does not read (Word itself only \
                 writes deflate-compressed parts)",
                zip::CompressionMethod::name_from_u16(id)
            )));
        }
        Err(e) => return Err(unreadable(format!("{name} cannot be read ({e})"))),
    };
    let method = file.compression();
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            let why = if matches!(
                method,
                zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
            ) {
                format!("{name} is damaged ({e})")
            } else {
                format!(
                    "{name} is compressed with {method}, which icamo does not read (Word \
                     itself only writes deflate-compressed parts)"
                )
            };
            unreadable(why)
        })?;
    let decoded = decode(&bytes).map_err(|e| unreadable(format!("{name}: {}", e.message)))?;
    Ok(Some(decoded.text))
}

/// The local name of an element (`p` for `w:p`).
fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// The value of the attribute with local name `name` (`w:val` → `val`).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
            .flatten()
            .map(|v| v.into_owned())
    })
}

/// An XML error in a part.
fn xml_error(part: &str, reader: &Reader<&[u8]>, e: impl std::fmt::Display) -> ParseError {
    unreadable(format!(
        "{part} is not well-formed XML (at byte {}: {e})",
        reader.error_position()
    ))
}

/// The main document part named in `_rels/.rels` (the `officeDocument` relationship).
fn main_part(rels: &str) -> Option<String> {
    let mut reader = Reader::from_str(rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if local(&e) == "Relationship" => {
                let is_main = attr(&e, "Type").is_some_and(|t| t.ends_with("/officeDocument"));
                if is_main {
                    return attr(&e, "Target").map(|t| t.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// Style ids that are headings or titles, from `word/styles.xml` (by name, following
/// `basedOn`), plus the check on the id itself for documents without a styles part.
struct Styles {
    /// style id → (name, based-on id)
    styles: HashMap<String, (String, Option<String>)>,
}

impl Styles {
    fn parse(xml: &str) -> Self {
        let mut styles = HashMap::new();
        let mut reader = Reader::from_str(xml);
        let mut current: Option<(String, String, Option<String>)> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) if local(&e) == "style" => {
                    current = attr(&e, "styleId").map(|id| (id, String::new(), None));
                }
                Ok(Event::Start(e) | Event::Empty(e)) => {
                    if let Some((_, name, based)) = current.as_mut() {
                        match local(&e).as_str() {
                            "name" => *name = attr(&e, "val").unwrap_or_default(),
                            "basedOn" => *based = attr(&e, "val"),
                            _ => {}
                        }
                    }
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                    if let Some((id, name, based)) = current.take() {
                        styles.insert(id, (name, based));
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        Styles { styles }
    }

    /// Whether the style with this id is a heading or title style.
    fn is_heading(&self, id: &str) -> bool {
        let titled = |s: &str| {
            let s = s.to_lowercase();
            s.starts_with("heading") || s == "title" || s == "subtitle"
        };
        let mut id = id.to_string();
        for _ in 0..16 {
            if titled(&id) {
                return true;
            }
            let Some((name, based)) = self.styles.get(&id) else {
                return false;
            };
            if titled(name) {
                return true;
            }
            match based {
                Some(b) => id = b.clone(),
                None => return false,
            }
        }
        false
    }
}

/// Elements whose content is not part of the spoken text.
const SKIPPED: &[&str] = &[
    "txbxContent",
    "Fallback",
    "drawing",
    "pict",
    "object",
    "moveFrom",
    "del",
    "instrText",
    "delText",
];

/// Appends run text to a paragraph; line breaks in it become spaces, so that every paragraph is
/// one line of [`ParsedTranscript::source`].
fn push_inline(text: &mut String, s: &str) {
    text.extend(
        s.chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
}

/// Reads the body paragraphs of the main document part.
fn paragraphs(xml: &str, part: &str, styles: &Styles) -> Result<Vec<Paragraph>, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut body = false;
    let mut skip = 0usize;
    let mut para: Option<(String, bool)> = None;
    let mut in_run = 0usize;
    let mut in_text = false;
    let mut breaks = Vec::new();
    // Outermost tables only: a table inside a cell is part of that cell.
    let mut depth = 0usize;
    let (mut table, mut row, mut col) = (0usize, 0usize, 0usize);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(part, &reader, e))?;
        if skip > 0 {
            match event {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) => match local(&e).as_str() {
                name if SKIPPED.contains(&name) => skip = 1,
                "body" => body = true,
                "p" => para = Some((String::new(), false)),
                "tbl" => {
                    depth += 1;
                    if depth == 1 {
                        (table, row) = (table + 1, 0);
                    }
                }
                "tr" if depth == 1 => (row, col) = (row + 1, 0),
                "tc" if depth == 1 => col += 1,
                "r" => in_run += 1,
                "t" => in_text = para.is_some(),
                _ => {}
            },
            Event::Empty(e) => {
                let name = local(&e);
                match (name.as_str(), para.as_mut()) {
                    ("body", _) => body = true,
                    ("p", _) => out.push(Paragraph {
                        text: String::new(),
                        heading: false,
                        breaks: Vec::new(),
                        cell: (depth > 0).then_some((table, row, col)),
                    }),
                    ("pStyle", Some((_, heading))) => {
                        *heading = attr(&e, "val").is_some_and(|v| styles.is_heading(&v));
                    }
                    ("tab", Some((text, _))) if in_run > 0 => text.push('\t'),
                    ("br" | "cr", Some((text, _))) if in_run > 0 => {
                        breaks.push(text.len());
                        text.push(' ');
                    }
                    ("noBreakHyphen", Some((text, _))) if in_run > 0 => text.push('-'),
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "p" => {
                    if let Some((text, heading)) = para.take() {
                        out.push(Paragraph {
                            text,
                            heading,
                            breaks: std::mem::take(&mut breaks),
                            cell: (depth > 0).then_some((table, row, col)),
                        });
                    }
                }
                "tbl" => depth = depth.saturating_sub(1),
                "r" => in_run = in_run.saturating_sub(1),
                "t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some((text, _)) = para.as_mut() {
                    push_inline(text, &t.xml10_content());
                }
            }
            Event::CData(t) if in_text => {
                if let Some((text, _)) = para.as_mut() {
                    push_inline(text, &t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&r)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("&{};", &*r)),
                    Err(e) => return Err(xml_error(part, &reader, e)),
                };
                if let Some((text, _)) = para.as_mut() {
                    push_inline(text, &c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !body {
        return Err(unreadable(format!(
            "{part} has no document body (<w:body>){}",
            if xml.trim().is_empty() {
                ": the part is empty"
            } else {
                ""
            }
        )));
    }
    Ok(out)
}

/// Unpacks a DOCX and returns its body paragraphs.
fn read_docx(input: &[u8]) -> Result<Vec<Paragraph>, ParseError> {
    if input.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(ParseError::at(
            0,
            "the file is an old binary Word document (.doc), or a password-protected one (Word \
             encrypts those into the same container), not a .docx icamo can read: open it in \
             Word, remove any password, and save it as .docx",
        ));
    }
    if input.is_empty() {
        return Err(unreadable("the file is empty (0 bytes)"));
    }
    if !input.starts_with(b"PK") {
        return Err(unreadable("it is not a ZIP archive"));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(input)).map_err(|e| {
        unreadable(format!(
            "the ZIP archive is damaged, perhaps cut off by an incomplete download or copy ({e})"
        ))
    })?;
    let part = read_part(&mut zip, "_rels/.rels")?
        .and_then(|r| main_part(&r))
        .unwrap_or_else(|| DEFAULT_MAIN_PART.to_string());
    let xml = match read_part(&mut zip, &part)? {
        Some(x) => x,
        None if part != DEFAULT_MAIN_PART => read_part(&mut zip, DEFAULT_MAIN_PART)?
            .ok_or_else(|| unreadable(format!("the archive holds no {part}")))?,
        None => {
            return Err(ParseError::at(
                0,
                "the archive holds no word/document.xml: it is a ZIP file but not a Word \
                 document; open it in Word (or LibreOffice) and save it as .docx",
            ));
        }
    };
    let styles_part = match part.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/styles.xml"),
        None => "styles.xml".to_string(),
    };
    let styles = Styles::parse(&read_part(&mut zip, &styles_part)?.unwrap_or_default());
    paragraphs(&xml, &part, &styles)
}

/// Reads a DOCX that is not a transcript: each paragraph that is not a heading is a turn
/// without a speaker, numbered as [`parse`] numbers paragraphs.
pub(crate) fn parse_document(input: &[u8]) -> Result<ParsedTranscript, ParseError> {
    let paragraphs = read_docx(input)?;
    let (texts, numbers): (Vec<&str>, Vec<usize>) = paragraphs
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.heading)
        .map(|(i, p)| (p.text.as_str(), i + 1))
        .unzip();
    Ok(super::document::line_paragraphs(texts.join("\n"), &numbers))
}

/// Parses a DOCX transcript from the file's bytes.
pub(crate) fn parse(input: &[u8], _options: &ReadOptions) -> Result<ParsedTranscript, ParseError> {
    docx_layout::read(&read_docx(input)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser as ingest calls it for a file the manifest says nothing special about.
    fn parse(input: &[u8]) -> Result<ParsedTranscript, ParseError> {
        super::parse(input, &ReadOptions::default())
    }

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn runs_tabs_breaks_and_entities() {
        let xml = format!(
            r#"<w:document {W}><w:body>
            <w:p><w:pPr><w:pStyle w:val="Heading1"/><w:tabs><w:tab w:val="left" w:pos="1"/></w:tabs></w:pPr><w:r><w:t>Titel</w:t></w:r></w:p>
            <w:p><w:r><w:t>Pe</w:t></w:r><w:r><w:t xml:space="preserve">tra </w:t></w:r><w:r><w:tab/><w:t>00:04:12</w:t></w:r></w:p>
            <w:p><w:r><w:t>A &amp; B</w:t><w:br/><w:t>&#8220;C&#8221;</w:t></w:r><w:del><w:r><w:delText>weg</w:delText></w:r></w:del></w:p>
            <w:p/>
            </w:body></w:document>"#
        );
        let paras = paragraphs(&xml, "word/document.xml", &Styles::parse("")).unwrap();
        let texts: Vec<(&str, bool)> = paras.iter().map(|p| (p.text.as_str(), p.heading)).collect();
        assert_eq!(
            texts,
            vec![
                ("Titel", true),
                ("Petra \t00:04:12", false),
                ("A & B “C”", false),
                ("", false)
            ]
        );
    }

    #[test]
    fn localised_heading_styles() {
        let styles = Styles::parse(&format!(
            r#"<w:styles {W}><w:style w:styleId="Kop1"><w:name w:val="heading 1"/></w:style>
            <w:style w:styleId="MijnKop"><w:name w:val="Mijn kop"/><w:basedOn w:val="Kop1"/></w:style>
            <w:style w:styleId="Standaard"><w:name w:val="Normal"/></w:style></w:styles>"#
        ));
        assert!(styles.is_heading("Kop1"));
        assert!(styles.is_heading("MijnKop"));
        assert!(styles.is_heading("Title"));
        assert!(!styles.is_heading("Standaard"));
        assert!(!styles.is_heading("Onbekend"));
    }

    #[test]
    fn main_part_from_rels() {
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        assert_eq!(main_part(rels).as_deref(), Some("word/document2.xml"));
        assert_eq!(main_part("<x/>"), None);
    }

    #[test]
    fn a_main_part_without_a_body_is_an_error() {
        let e = paragraphs("", "word/document.xml", &Styles::parse("")).unwrap_err();
        assert!(e.message.contains("no document body"), "{}", e.message);
        let empty_body = format!(r#"<w:document {W}><w:body/></w:document>"#);
        assert!(
            paragraphs(&empty_body, "word/document.xml", &Styles::parse(""))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn not_a_zip() {
        let e = parse(b"hello").unwrap_err();
        assert!(e.message.contains("not a ZIP"), "{}", e.message);
        assert_eq!(e.line, 0);
    }
}

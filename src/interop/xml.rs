//! A small element tree for REFI-QDA files, read leniently and written strictly.
//!
//! [`parse`] reads an XML document into an [`Element`] tree keyed by local names, so that
//! `<Project xmlns="urn:QDA-XML:project:1.0">`, a prefixed `<qda:Project>` and a file without a
//! namespace read the same. It refuses a document type declaration outright: REFI-QDA needs
//! none, and refusing it rules out entity-expansion attacks ("billion laughs") and external
//! entities. Depth is capped, and every error gives the line and column in the file.
//!
//! [`Writer`] writes indented XML with every attribute and text escaped; it is how icamo's own
//! `.qdc` and `.qde` files are made.

use quick_xml::escape::{escape, partial_escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Deepest nesting accepted (REFI-QDA's deepest real nesting is a code tree; 256 is generous).
const MAX_DEPTH: usize = 256;

/// One element: its local name, its attributes (local names too) and its content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name, without any namespace prefix.
    pub name: String,
    /// Attributes in document order, by local name, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The element's own text (all text nodes joined, entities resolved).
    pub text: String,
    /// 1-based line of the start tag, for messages.
    pub line: usize,
}

impl Element {
    /// The value of an attribute.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this name.
    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child with this name.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

/// What went wrong reading XML: a message and the 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What was wrong.
    pub message: String,
}

/// Parses a whole XML document and returns its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let fail = |at: u64, message: String| {
        let (line, column) = line_col(text, at as usize);
        XmlError {
            line,
            column,
            message,
        }
    };
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| fail(reader.error_position(), e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() && stack.is_empty() => {
                let _ = e;
                return Err(fail(at, "a second root element".to_string()));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(fail(at, format!("elements nested deeper than {MAX_DEPTH}")));
                }
                stack.push(element(&e, text, at).map_err(|m| fail(at, m))?);
            }
            Event::Empty(e) => {
                let el = element(&e, text, at).map_err(|m| fail(at, m))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| fail(at, "an end tag too many".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name: String = r.to_string();
                        resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .ok_or_else(|| {
                                fail(at, format!("unknown entity &{name};: only the five XML entities and character references are read"))
                            })?
                    }
                    Err(e) => return Err(fail(at, e.to_string())),
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&c);
                }
            }
            Event::DocType(_) => {
                return Err(fail(
                    at,
                    "a <!DOCTYPE> declaration: REFI-QDA files have none, and icamo does not read one (entities could expand without bound)".into(),
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError {
            line: open.line,
            column: 1,
            message: format!("<{}> is never closed (the file ends too early)", open.name),
        });
    }
    root.ok_or_else(|| XmlError {
        line: 1,
        column: 1,
        message: "no root element".into(),
    })
}

fn element(e: &BytesStart<'_>, text: &str, at: u64) -> Result<Element, String> {
    let name = e.local_name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("in <{name}>: {err}"))?;
        let key = a.key.local_name().as_ref().to_string();
        if a.key.as_ref().starts_with("xmlns") {
            continue;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| format!("in <{name}> attribute {key}: {err}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
        line: line_col(text, at as usize).0,
    })
}

/// Reads a REFI-QDA file's bytes (UTF-8, as the standard requires) into its root element;
/// errors name `path` with the line and column.
pub(crate) fn parse_file(bytes: Vec<u8>, path: &std::path::Path) -> Result<Element, crate::Error> {
    let fail = |line, column, message| crate::Error::Parse {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let (line, column) = line_col(&String::from_utf8_lossy(e.as_bytes()), at);
        fail(
            line,
            column,
            format!("not UTF-8 (byte {at}): REFI-QDA files are UTF-8"),
        )
    })?;
    parse(&text).map_err(|e| fail(e.line, e.column, e.message))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let mut at = at;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Writes indented XML, escaping every value.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    /// A document with the XML declaration.
    pub fn new() -> Writer {
        Writer {
            out: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n".to_string(),
            depth: 0,
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape_attr(v));
            self.out.push('"');
        }
    }

    /// `<name attrs…>`, with what follows nested one level deeper.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// `</name>`, closing the element [`Writer::open`] opened.
    pub fn close(&mut self, name: &str) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name attrs…/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name attrs…>text</name>`, the text escaped and kept exactly (line breaks included).
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.tag(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape_text(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// The document written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes an attribute value; line breaks and tabs become character references so that a
/// reader's attribute-value normalisation gives them back unchanged.
fn escape_attr(value: &str) -> String {
    escape(value)
        .replace('\r', "&#13;")
        .replace('\n', "&#10;")
        .replace('\t', "&#9;")
}

/// Escapes text content; a carriage return becomes a character reference so that a reader's
/// line-end normalisation keeps it.
fn escape_text(text: &str) -> String {
    partial_escape(text).replace('\r', "&#13;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_and_prefixes_read_the_same() {
        let a = parse(r#"<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Users/></Project>"#)
            .unwrap();
        let b = parse(
            r#"<q:Project xmlns:q="urn:QDA-XML:project:1:0" q:name="x"><q:Users/></q:Project>"#,
        )
        .unwrap();
        assert_eq!(a.name, "Project");
        assert_eq!(b.name, "Project");
        assert_eq!(a.attr("name"), Some("x"));
        assert_eq!(b.attr("name"), Some("x"));
        assert!(b.child("Users").is_some());
    }

    #[test]
    fn entities_and_character_references_are_resolved() {
        let root = parse("<a t=\"&quot;x&quot; &#233;\">R&amp;D &lt;3 &#x1F600;</a>").unwrap();
        assert_eq!(root.attr("t"), Some("\"x\" é"));
        assert_eq!(root.text, "R&D <3 😀");
    }

    #[test]
    fn a_doctype_is_refused_with_its_line() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\n<a>&lol2;</a>";
        let e = parse(bomb).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("DOCTYPE"), "{}", e.message);
    }

    #[test]
    fn an_unknown_entity_and_a_truncated_file_are_errors() {
        assert!(
            parse("<a>&nbsp;</a>")
                .unwrap_err()
                .message
                .contains("&nbsp;")
        );
        let e = parse("<a>\n  <b>\n").unwrap_err();
        assert!(e.message.contains("never closed") || e.line >= 2, "{e:?}");
    }

    #[test]
    fn what_the_writer_writes_reads_back_exactly() {
        let tricky = "a \"b\" <c> & 'd'\nnew line\r\n\ttab ü";
        let mut w = Writer::new();
        w.open("Root", &[("name", tricky)]);
        w.text("Description", &[], tricky);
        w.close("Root");
        let root = parse(&w.finish()).unwrap();
        assert_eq!(root.attr("name"), Some(tricky));
        assert_eq!(root.child_text("Description"), Some(tricky));
    }
}

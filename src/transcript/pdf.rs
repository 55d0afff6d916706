//! PDF files: their text, read with the pure-Rust `pdf-extract` crate (on `lopdf`), cleaned of
//! what a page adds to the text.
//!
//! `pdf-extract` gives each page's text in reading order, with a blank line where the vertical
//! gap between lines is larger than a line (so between paragraphs) and runs of spaces where
//! justified text was spread. From that, per page:
//!
//! - running headers and footers are dropped: a block at the top or bottom of a page whose
//!   text, with its digits left out, stands at the same place on at least half of the pages
//!   (and on two at least), such as "Gemeente Havenstad · Beleidsnotitie 2025" or
//!   "Vertrouwelijk · pagina 3";
//! - page numbers are dropped: a top or bottom line that is only a number, `- 3 -`, `3/12`,
//!   `3 van 12` or `pagina 3` / `page 3 of 12`;
//! - words hyphenated at a line end are joined (`inburge-` + `ringsvoorziening`), unless the
//!   next line starts with a capital (`Noord-` + `Holland` keeps its hyphen); soft hyphens go;
//! - a paragraph cut by a page break is joined again when the next page goes on with a
//!   lowercase word or the page ended in a hyphenated word.
//!
//! What it reads badly: text in columns side by side comes out line by line across the
//! columns; tables come out cell by cell on lines; a scanned PDF has no text at all (it holds
//! images), and then no paragraph is found. Fonts without a Unicode map may give wrong letters.

use std::collections::HashMap;

use super::{ParseError, ParsedTranscript, ReadOptions, document, text};

/// A paragraph as its lines (whitespace runs collapsed), before they are joined.
type Block = Vec<String>;

/// Reads a PDF's text: one paragraph per turn (a document), or, for a PDF read as a
/// transcript, the cleaned text through the plain-text parser.
pub(crate) fn parse(
    input: &[u8],
    as_document: bool,
    options: &ReadOptions,
) -> Result<ParsedTranscript, ParseError> {
    let pages = extract(input)?;
    let paragraphs = clean(&pages);
    if as_document {
        let joined: Vec<String> = paragraphs.iter().map(|p| join_lines(p)).collect();
        let numbers: Vec<usize> = (1..=joined.len()).collect();
        Ok(document::line_paragraphs(joined.join("\n"), &numbers))
    } else {
        let source = paragraphs
            .iter()
            .map(|p| p.join("\n"))
            .collect::<Vec<_>>()
            .join("\n\n");
        text::parse(&source, options)
    }
}

/// The text of each page, or an error a user can act on. `pdf-extract` panics on some damaged
/// or unusual files instead of returning an error, so a panic is caught and reported as one.
fn extract(input: &[u8]) -> Result<Vec<String>, ParseError> {
    if !input.starts_with(b"%PDF") {
        return Err(ParseError::at(
            0,
            "the file is not a PDF (it does not start with %PDF); if it is a Word document or \
             text, give it the right extension",
        ));
    }
    quiet_panics_of_the_pdf_reader();
    match std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(input)) {
        Ok(Ok(pages)) => Ok(pages),
        Ok(Err(e)) => Err(ParseError::at(
            0,
            format!(
                "the PDF cannot be read ({e}): it may be damaged (cut off by a download or \
                 copy) or password-protected; save a copy without the password, or save the \
                 document again as PDF from the program that made it"
            ),
        )),
        Err(_) => Err(ParseError::at(
            0,
            "the PDF uses a structure or font the PDF reader cannot handle; save the document \
             again as PDF (or as .docx or .txt) from the program that made it",
        )),
    }
}

/// Keeps a panic inside `pdf-extract` or `lopdf` (caught in [`extract`]) off the terminal,
/// leaving every other panic to the hook that was there.
fn quiet_panics_of_the_pdf_reader() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_reader = info.location().is_some_and(|l| {
                let file = l.file();
                file.contains("pdf-extract") || file.contains("lopdf")
            });
            if !in_reader {
                previous(info);
            }
        }));
    });
}

/// The paragraphs of the pages, furniture removed, paragraphs cut by page breaks joined.
fn clean(pages: &[String]) -> Vec<Block> {
    let pages: Vec<Vec<Block>> = pages.iter().map(|p| blocks(p)).collect();
    let running = running_blocks(&pages);
    let mut out: Vec<Block> = Vec::new();
    for page in pages {
        let n = page.len();
        let body = page.into_iter().enumerate().filter(|(i, b)| {
            let edge = *i == 0 || *i + 1 == n;
            !(edge && (running.contains_key(&shape(b)) || is_page_number(b)))
        });
        let body = body.map(|(_, b)| b);
        for (i, block) in body.enumerate() {
            let continues = i == 0
                && out.last().is_some_and(|prev: &Block| {
                    let last = prev.last().map(String::as_str).unwrap_or("");
                    let first = block.first().map(String::as_str).unwrap_or("");
                    last.ends_with('-') || first.chars().next().is_some_and(char::is_lowercase)
                });
            match out.last_mut() {
                Some(prev) if continues => prev.extend(block),
                _ => out.push(block),
            }
        }
    }
    out
}

/// A page's blocks: lines up to a blank line, each line's whitespace runs collapsed.
fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Block = Vec::new();
    for line in page.lines() {
        let line = line
            .replace('\u{ad}', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A block's text with its digits left out, so that "pagina 2" and "pagina 3" are one shape.
fn shape(block: &Block) -> String {
    block
        .join(" ")
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .trim()
        .to_lowercase()
}

/// The shapes of blocks at the top or bottom of at least half of the pages (two at least).
fn running_blocks(pages: &[Vec<Block>]) -> HashMap<String, usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let mut edges: Vec<String> = page.first().into_iter().map(shape).collect();
        if page.len() > 1 {
            edges.extend(page.last().map(shape));
        }
        edges.dedup();
        for e in edges.into_iter().filter(|e| !e.is_empty()) {
            *seen.entry(e).or_default() += 1;
        }
    }
    let needed = pages.len().div_ceil(2).max(2);
    seen.retain(|_, n| *n >= needed);
    seen
}

/// Whether a block is a page number alone: `3`, `- 3 -`, `3/12`, `3 van 12`, `pagina 3`,
/// `Page 3 of 12`, `p. 3`.
fn is_page_number(block: &Block) -> bool {
    if block.len() != 1 {
        return false;
    }
    let words: Vec<String> = block[0]
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '/' | '|'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let number = |w: &String| w.chars().all(|c| c.is_ascii_digit());
    match words.as_slice() {
        [n] => number(n),
        [a, b] => {
            (number(a) && number(b))
                || (matches!(a.as_str(), "pagina" | "page" | "p." | "blz." | "pag.") && number(b))
        }
        [n, of, m] => number(n) && number(m) && matches!(of.as_str(), "van" | "of"),
        [p, n, of, m] => {
            matches!(p.as_str(), "pagina" | "page")
                && number(n)
                && number(m)
                && matches!(of.as_str(), "van" | "of")
        }
        _ => false,
    }
}

/// A paragraph's lines joined by spaces, with words hyphenated at a line end made whole.
fn join_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        let hyphenated = out.ends_with('-')
            && out[..out.len() - 1]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            && line.chars().next().is_some_and(char::is_lowercase);
        if hyphenated {
            out.pop();
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[&str]) -> Vec<String> {
        s.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn hyphens_at_line_ends_are_joined_unless_a_capital_follows() {
        assert_eq!(
            join_lines(&lines(&[
                "de inburgerings-",
                "voorziening in Noord-",
                "Holland"
            ])),
            "de inburgeringsvoorziening in Noord- Holland"
        );
        assert_eq!(
            join_lines(&lines(&["taal en werk -", "samen"])),
            "taal en werk - samen"
        );
    }

    #[test]
    fn page_numbers_in_their_usual_forms() {
        for s in [
            "3",
            "- 3 -",
            "– 12 –",
            "3/12",
            "3 van 12",
            "Pagina 3",
            "Page 3 of 12",
        ] {
            assert!(is_page_number(&lines(&[s])), "{s}");
        }
        assert!(!is_page_number(&lines(&["In 2025 start de pilot"])));
        assert!(!is_page_number(&lines(&["3", "Inleiding"])));
    }

    #[test]
    fn running_headers_and_footers_go_and_a_paragraph_cut_by_a_page_break_is_joined() {
        let pages = vec![
            "Gemeente Havenstad\n\nEerste alinea van de\nnotitie.\n\nTweede alinea loopt\ndoor op de vol-\n\nPagina 1".to_string(),
            "Gemeente Havenstad\n\ngende pagina.\n\nDerde alinea.\n\nPagina 2".to_string(),
        ];
        let joined: Vec<String> = clean(&pages).iter().map(|b| join_lines(b)).collect();
        assert_eq!(
            joined,
            vec![
                "Eerste alinea van de notitie.",
                "Tweede alinea loopt door op de volgende pagina.",
                "Derde alinea.",
            ]
        );
    }

    #[test]
    fn not_a_pdf() {
        let e = extract(b"PK\x03\x04").unwrap_err();
        assert!(e.message.contains("not a PDF"), "{}", e.message);
    }
}

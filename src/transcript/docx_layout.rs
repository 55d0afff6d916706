//! How the paragraphs and table rows of a Word transcript become turns, in the layouts listed
//! in [`super::docx`]; reading the archive and its XML into [`Paragraph`]s is `docx`'s job.

use std::collections::{BTreeMap, HashMap};

use super::text::{TurnBuilder, parse_label_only, parse_turn_line};
use super::wordtable::{self, Columns};
use super::{ParseError, ParseWarning, ParsedTranscript, Turn};

/// One body paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paragraph {
    /// Its text, runs concatenated.
    pub text: String,
    /// Whether its style is a heading or title.
    pub heading: bool,
    /// Byte offsets in `text` of its line breaks (`<w:br/>`, read as spaces), where Teams puts
    /// the speaker line and the text of a turn in one paragraph.
    pub breaks: Vec<usize>,
    /// Where it stands in a table: (table, row, column), counted from 1 over the body's
    /// outermost tables; `None` outside tables.
    pub cell: Option<(usize, usize, usize)>,
}

/// The message for a paragraph before the first speaker label.
const BEFORE_FIRST_LABEL: &str = "text before the first speaker label: expected a paragraph like \
\"Naam: tekst\", \"[00:04:12] Naam: tekst\" or \"Naam   00:04:12\"";

/// The source text (non-heading paragraphs joined by `"\n"`) and, per paragraph, the byte
/// range of its trimmed text in it (`None` for headings and empty paragraphs).
fn lay_out(paragraphs: &[Paragraph]) -> (String, Vec<Option<std::ops::Range<usize>>>) {
    let mut source = String::new();
    let mut spans = Vec::with_capacity(paragraphs.len());
    let mut first = true;
    for p in paragraphs {
        if p.heading {
            spans.push(None);
            continue;
        }
        if !first {
            source.push('\n');
        }
        first = false;
        let offset = source.len();
        source.push_str(&p.text);
        let lead = p.text.len() - p.text.trim_start().len();
        let trimmed = p.text.trim();
        spans.push((!trimmed.is_empty()).then(|| offset + lead..offset + lead + trimmed.len()));
    }
    (source, spans)
}

/// The text of each cell of a table row (by column, from 1), as its paragraphs.
fn row_cells<'s>(
    paragraphs: &[Paragraph],
    spans: &[Option<std::ops::Range<usize>>],
    source: &'s str,
    row: std::ops::Range<usize>,
) -> Vec<Vec<&'s str>> {
    let mut cells: Vec<Vec<&str>> = Vec::new();
    for i in row {
        let col = paragraphs[i].cell.map_or(1, |(_, _, c)| c.max(1));
        if cells.len() < col {
            cells.resize(col, Vec::new());
        }
        if let Some(span) = &spans[i] {
            cells[col - 1].push(&source[span.clone()]);
        }
    }
    cells
}

/// The turns being read, and the time a Teams timing paragraph gave the next speaker.
#[derive(Default)]
struct Turns {
    turns: Vec<Turn>,
    current: Option<TurnBuilder>,
    /// From a paragraph `0:0:5.100 --> 0:0:8.250` (Teams' and Stream's older layout), for the
    /// speaker paragraph that follows it.
    pending: Option<(u64, Option<u64>)>,
    /// Paragraphs before the first speaker: (line of the first, how many). Teams writes the
    /// meeting's title, date and length above the transcript; anywhere else they are an error.
    preamble: Vec<usize>,
    warnings: Vec<ParseWarning>,
}

impl Turns {
    /// Starts a turn. Paragraphs before the first one are left out with a warning when the
    /// speaker comes with a time, as in Teams' layout (whose preamble is the meeting's title
    /// and date), and are an error otherwise.
    fn start(
        &mut self,
        speaker: String,
        line: usize,
        ms: Option<u64>,
        at: usize,
    ) -> Result<(), ParseError> {
        let preamble = std::mem::take(&mut self.preamble);
        if let (Some(&first), n) = (preamble.first(), preamble.len()) {
            if ms.is_none() {
                return Err(ParseError::at(first, BEFORE_FIRST_LABEL));
            }
            self.warnings.push(ParseWarning {
                line: first,
                message: format!(
                    "{n} paragraph(s) before the first speaker left out of the turns (a title \
                     or date, as Teams writes above a transcript)"
                ),
            });
        }
        if let Some(t) = self.current.take() {
            self.turns.push(t.finish());
        }
        self.current = Some(TurnBuilder::new(Some(speaker), line, ms, at));
        Ok(())
    }

    /// Adds text to the current turn as a paragraph of it.
    fn text(&mut self, text: &str, line: usize, end: usize) -> Result<(), ParseError> {
        let Some(t) = self.current.as_mut() else {
            if !text.trim().is_empty() && self.preamble.last() != Some(&line) {
                self.preamble.push(line);
            }
            return Ok(());
        };
        if !text.trim().is_empty() {
            t.push_text(text);
            t.end_paragraph();
        }
        t.extend_to(end);
        Ok(())
    }

    /// Reads one body paragraph outside tables (`text` is its trimmed text at byte `at`).
    fn paragraph(
        &mut self,
        p: &Paragraph,
        text: &str,
        at: usize,
        line: usize,
    ) -> Result<(), ParseError> {
        let end = at + text.len();
        // Teams' older layout: a timing paragraph, then the speaker, then the text.
        if text.contains("-->")
            && let Some(range) = wordtable::time_range(text)
        {
            self.pending = Some(range);
            return Ok(());
        }
        if let Some((speaker, start, end_ms, rest)) = self.head(p, text) {
            self.start(speaker, line, start, at)?;
            if let Some(t) = self.current.as_mut() {
                t.set_end_ms(end_ms);
            }
            return self.text(&text[rest..], line, end);
        }
        self.text(text, line, end)
    }

    /// The speaker a paragraph starts with: its start and end time and where its text begins.
    fn head(
        &mut self,
        p: &Paragraph,
        text: &str,
    ) -> Option<(String, Option<u64>, Option<u64>, usize)> {
        let lead = p.text.len() - p.text.trim_start().len();
        // Teams: `Petra van Dijk   0:03`, a line break, then the text, in one paragraph.
        let first_break = p
            .breaks
            .iter()
            .map(|b| b.saturating_sub(lead))
            .find(|&b| b > 0);
        let line_end = first_break
            .filter(|&b| b < text.len())
            .unwrap_or(text.len());
        let first_line = text[..line_end].trim();
        let pending = self.pending.take();
        if let Some((speaker, ms)) = parse_label_only(first_line)
            && (ms.is_some() || pending.is_some())
        {
            let (start, end) = match (ms, pending) {
                (Some(ms), _) => (Some(ms), None),
                (None, Some((s, e))) => (Some(s), e),
                (None, None) => (None, None),
            };
            let rest = line_end + (text.len() - line_end) - text[line_end..].trim_start().len();
            return Some((speaker, start, end, rest));
        }
        if let Some((speaker, start, end)) = label_with_range(first_line) {
            let rest = line_end + (text.len() - line_end) - text[line_end..].trim_start().len();
            return Some((speaker, Some(start), end, rest));
        }
        // `Label: tekst` or `[00:04:12] Label: tekst` at the paragraph start.
        parse_turn_line(text).map(|h| {
            let (start, end) = match (h.start_ms, pending) {
                (Some(ms), _) => (Some(ms), None),
                (None, Some((s, e))) => (Some(s), e),
                (None, None) => (None, None),
            };
            (h.speaker, start, end, h.text_start)
        })
    }

    /// Reads one table row: a new turn where it names a speaker, else more of the last one.
    fn row(
        &mut self,
        row: &wordtable::Row,
        text: &[&str],
        line: usize,
        bytes: std::ops::Range<usize>,
    ) -> Result<(), ParseError> {
        if let Some(speaker) = &row.speaker {
            self.start(speaker.clone(), line, row.start_ms, bytes.start)?;
            if let Some(t) = self.current.as_mut() {
                t.set_end_ms(row.end_ms);
            }
        } else if text.is_empty() {
            return Ok(());
        }
        for piece in text {
            self.text(piece, line, bytes.end)?;
        }
        if let Some(t) = self.current.as_mut() {
            t.extend_to(bytes.end);
        }
        Ok(())
    }

    /// The turns and warnings; text and no speaker at all is an error at its first paragraph.
    fn finish(mut self) -> Result<(Vec<Turn>, Vec<ParseWarning>), ParseError> {
        if let Some(&first) = self.preamble.first() {
            return Err(ParseError::at(first, BEFORE_FIRST_LABEL));
        }
        if let Some(t) = self.current.take() {
            self.turns.push(t.finish());
        }
        Ok((self.turns, self.warnings))
    }
}

/// `Naam 0:0:5.100 --> 0:0:8.250`: a speaker with a time range on one line.
fn label_with_range(s: &str) -> Option<(String, u64, Option<u64>)> {
    let (left, right) = s.split_once("-->")?;
    let (name, start) = left.trim().rsplit_once(char::is_whitespace)?;
    let (start, end) = wordtable::time_range(&format!("{start} --> {}", right.trim()))?;
    let (speaker, _) = parse_label_only(name)?;
    Some((speaker, start, end))
}

/// Reads the body paragraphs of a Word transcript as turns.
pub(super) fn read(paragraphs: &[Paragraph]) -> Result<ParsedTranscript, ParseError> {
    let (source, spans) = lay_out(paragraphs);
    let mut reader = Turns::default();
    let mut columns: HashMap<usize, Option<Columns>> = HashMap::new();
    let mut i = 0;
    while i < paragraphs.len() {
        if let Some((table, row, _)) = paragraphs[i].cell {
            let end = i + paragraphs[i..]
                .iter()
                .take_while(|p| p.cell.is_some_and(|(t, r, _)| (t, r) == (table, row)))
                .count();
            let cells = row_cells(paragraphs, &spans, &source, i..end);
            let texts: Vec<String> = cells.iter().map(|c| c.join(" ")).collect();
            if row == 1
                && let Some(found) = wordtable::header(&texts)
            {
                columns.insert(table, Some(found));
            } else {
                let layout = columns.get(&table).copied().flatten();
                let read = wordtable::read_row(&texts, layout.as_ref());
                let range = spans[i..end].iter().flatten();
                let start = range.clone().map(|r| r.start).min().unwrap_or(0);
                let stop = range.map(|r| r.end).max().unwrap_or(start);
                let text: &[&str] = read.text.map_or(&[], |c| cells[c].as_slice());
                reader.row(&read, text, i + 1, start..stop)?;
            }
            i = end;
            continue;
        }
        if let Some(span) = &spans[i] {
            reader.paragraph(&paragraphs[i], &source[span.clone()], span.start, i + 1)?;
        }
        i += 1;
    }
    let (turns, warnings) = reader.finish()?;
    Ok(ParsedTranscript {
        attributes: BTreeMap::new(),
        turns,
        source,
        warnings,
    })
}

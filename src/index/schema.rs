//! The index's one schema, and the way a [`Segment`] goes in and comes back out.
//!
//! Every field of a segment is stored, so a hit becomes a full [`Segment`] without any other
//! file. The text is indexed three times: exact forms in `text` (which also stores it), Dutch
//! stems in `text_nl` and English stems in `text_en`; a segment fills only the stemmed field of
//! its own language. `doc`, `role`, `case`, `speaker`, `group`, `lang` and `interviewer` are
//! indexed whole, for filters.

use std::str::FromStr;

use tantivy::TantivyDocument;
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};

use super::analysis::{DUTCH_ANALYSER, ENGLISH_ANALYSER, EXACT_ANALYSER};
use crate::lang::Language;
use crate::transcript::Segment;

/// The fields of the schema, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub doc: Field,
    pub ordinal: Field,
    pub speaker: Field,
    pub respondent: Field,
    pub role: Field,
    pub case: Field,
    pub group: Field,
    pub interviewer: Field,
    pub lang: Field,
    pub start_ms: Field,
    pub end_ms: Field,
    pub line: Field,
    pub byte_start: Field,
    pub byte_end: Field,
    pub char_start: Field,
    pub char_end: Field,
    /// Exact forms, positions, and the stored text.
    pub text: Field,
    /// Dutch stems with positions (Dutch segments only).
    pub text_nl: Field,
    /// English stems with positions (English segments only).
    pub text_en: Field,
}

/// The schema of the segment index, and its fields. The only place the schema is defined.
pub(crate) fn build_schema() -> (Schema, Fields) {
    let analysed = |analyser: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyser)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        doc: b.add_text_field("doc", STRING | STORED),
        ordinal: b.add_u64_field("ordinal", STORED),
        speaker: b.add_text_field("speaker", STRING | STORED),
        respondent: b.add_text_field("respondent", STRING | STORED),
        role: b.add_text_field("role", STRING | STORED),
        case: b.add_text_field("case", STRING | STORED),
        group: b.add_text_field("group", STRING | STORED),
        interviewer: b.add_bool_field("interviewer", INDEXED | STORED),
        lang: b.add_text_field("lang", STRING | STORED),
        start_ms: b.add_u64_field("start_ms", STORED),
        end_ms: b.add_u64_field("end_ms", STORED),
        line: b.add_u64_field("line", STORED),
        byte_start: b.add_u64_field("byte_start", STORED),
        byte_end: b.add_u64_field("byte_end", STORED),
        char_start: b.add_u64_field("char_start", STORED),
        char_end: b.add_u64_field("char_end", STORED),
        text: b.add_text_field("text", analysed(EXACT_ANALYSER).set_stored()),
        text_nl: b.add_text_field("text_nl", analysed(DUTCH_ANALYSER)),
        text_en: b.add_text_field("text_en", analysed(ENGLISH_ANALYSER)),
    };
    (b.build(), fields)
}

impl Fields {
    /// The stemmed field of a language.
    pub fn stemmed(&self, lang: Language) -> Field {
        match lang {
            Language::Dutch => self.text_nl,
            Language::English => self.text_en,
        }
    }

    /// The document stored for a segment.
    pub fn document(&self, s: &Segment) -> TantivyDocument {
        let mut d = TantivyDocument::new();
        d.add_text(self.id, &s.id);
        d.add_text(self.doc, &s.doc);
        d.add_u64(self.ordinal, u64::from(s.ordinal));
        d.add_text(self.speaker, &s.speaker);
        if let Some(r) = &s.respondent {
            d.add_text(self.respondent, r);
        }
        d.add_text(self.role, &s.role);
        if let Some(c) = &s.case {
            d.add_text(self.case, c);
        }
        if let Some(g) = &s.group {
            d.add_text(self.group, g);
        }
        d.add_bool(self.interviewer, s.interviewer);
        d.add_text(self.lang, s.lang.code());
        if let Some(ms) = s.start_ms {
            d.add_u64(self.start_ms, ms);
        }
        if let Some(ms) = s.end_ms {
            d.add_u64(self.end_ms, ms);
        }
        d.add_u64(self.line, s.line as u64);
        d.add_u64(self.byte_start, s.byte_start as u64);
        d.add_u64(self.byte_end, s.byte_end as u64);
        d.add_u64(self.char_start, s.char_start as u64);
        d.add_u64(self.char_end, s.char_end as u64);
        d.add_text(self.text, &s.text);
        d.add_text(self.stemmed(s.lang), &s.text);
        d
    }

    /// The segment a stored document holds; the error names the first field that is missing.
    pub fn segment(&self, d: &TantivyDocument) -> Result<Segment, String> {
        let text = |field, name: &str| -> Result<String, String> {
            opt_text(d, field).ok_or_else(|| format!("no {name}"))
        };
        let num = |field, name: &str| -> Result<u64, String> {
            d.get_first(field)
                .and_then(|v| v.as_u64())
                .ok_or_else(|| format!("no {name}"))
        };
        let size = |field, name: &str| -> Result<usize, String> {
            usize::try_from(num(field, name)?).map_err(|_| format!("{name} out of range"))
        };
        let lang = text(self.lang, "language")?;
        Ok(Segment {
            id: text(self.id, "id")?,
            doc: text(self.doc, "document")?,
            ordinal: u32::try_from(num(self.ordinal, "ordinal")?)
                .map_err(|_| "ordinal out of range".to_string())?,
            speaker: text(self.speaker, "speaker")?,
            respondent: opt_text(d, self.respondent),
            role: text(self.role, "role")?,
            case: opt_text(d, self.case),
            group: opt_text(d, self.group),
            interviewer: d
                .get_first(self.interviewer)
                .and_then(|v| v.as_bool())
                .ok_or("no interviewer flag")?,
            lang: Language::from_str(&lang)?,
            start_ms: d.get_first(self.start_ms).and_then(|v| v.as_u64()),
            end_ms: d.get_first(self.end_ms).and_then(|v| v.as_u64()),
            line: size(self.line, "line")?,
            byte_start: size(self.byte_start, "byte_start")?,
            byte_end: size(self.byte_end, "byte_end")?,
            char_start: size(self.char_start, "char_start")?,
            char_end: size(self.char_end, "char_end")?,
            text: text(self.text, "text")?,
        })
    }
}

/// The first text value of `field` in `d`, if any.
fn opt_text(d: &TantivyDocument, field: Field) -> Option<String> {
    d.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
}

//! Searching: a [`SearchRequest`] in, ranked [`Hit`]s out, each a full segment with a snippet.

use std::collections::BTreeSet;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term};

use super::analysis::analyse;
use super::query::{self, Needle};
use super::snippet::{Snippet, make_snippet};
use super::{IndexError, SegmentIndex};
use crate::filter::{Filter, UnknownValue, Values};
use crate::transcript::Segment;

/// How many hits a search returns when the request says 0.
pub(crate) const DEFAULT_LIMIT: usize = 10;

/// What to search for, and in which segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query: words, "phrases", `prefix*`, `AND`, `OR`, `NOT`, `+`, `-`, brackets. Empty
    /// lists the segments the filters let through, in document order.
    pub query: String,
    /// Only segments of speakers with this role (exact value, e.g. `statushouder`).
    pub role: Option<String>,
    /// Only segments of this case (exact value, e.g. `Havenstad`).
    pub case: Option<String>,
    /// Only segments of this document id.
    pub doc: Option<String>,
    /// Only segments of this speaker (as stored: the pseudonym).
    pub speaker: Option<String>,
    /// The most hits to return; 0 means `DEFAULT_LIMIT` (10).
    pub limit: usize,
    /// Whether the interviewers' and moderators' turns may be hits too.
    pub include_interviewers: bool,
}

impl SearchRequest {
    /// Takes the role, case, document and speaker as the index writes them, found ignoring
    /// capitals among `values` ([`SegmentIndex::filter_values`]): a filter is never left to
    /// find nothing because of a capital or a value no segment has, which is an error naming
    /// the known ones.
    pub fn resolve(&mut self, values: &Values) -> Result<(), UnknownValue> {
        self.role = values.resolve(Filter::Role, self.role.as_deref())?;
        self.case = values.resolve(Filter::Case, self.case.as_deref())?;
        self.doc = values.resolve(Filter::Document, self.doc.as_deref())?;
        self.speaker = values.resolve(Filter::Speaker, self.speaker.as_deref())?;
        Ok(())
    }
}

/// One segment that matched, with its score and a snippet.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The segment, exactly as it was indexed.
    pub segment: Segment,
    /// The BM25 score (exact-form matches count double); 0 when the query was empty.
    pub score: f32,
    /// The text around the best match, with the matches highlighted.
    pub snippet: Snippet,
}

impl SegmentIndex {
    /// The segments that match `req`, best first.
    pub fn search(&self, req: &SearchRequest) -> Result<Vec<Hit>, IndexError> {
        let syntax = |problem: String| IndexError::Query {
            query: req.query.clone(),
            problem,
        };
        let expr = query::parse(&req.query).map_err(syntax)?;
        let words: Box<dyn Query> = match &expr {
            None => Box::new(AllQuery),
            Some(expr) => query::compile(expr, &self.fields)
                .map_err(syntax)?
                .ok_or_else(|| {
                    syntax("it has no words in it, only punctuation or operators".to_string())
                })?,
        };

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, words)];
        let filters = [
            (self.fields.role, &req.role),
            (self.fields.case, &req.case),
            (self.fields.doc, &req.doc),
            (self.fields.speaker, &req.speaker),
        ];
        for (field, value) in filters {
            if let Some(value) = value {
                clauses.push((Occur::Must, filter(Term::from_field_text(field, value))));
            }
        }
        if !req.include_interviewers {
            let interviewer = Term::from_field_bool(self.fields.interviewer, true);
            clauses.push((Occur::MustNot, filter(interviewer)));
        }
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        // tantivy reserves room for `limit` hits: never more than there are segments.
        let limit = if req.limit == 0 {
            DEFAULT_LIMIT
        } else {
            req.limit
        }
        .min(searcher.num_docs().max(1) as usize);
        let read = |e| self.read_error(e);
        let needles = expr.as_ref().map(query::needles).unwrap_or_default();
        match expr {
            Some(_) => {
                let top = searcher
                    .search(&query, &TopDocs::with_limit(limit).order_by_score())
                    .map_err(read)?;
                top.into_iter()
                    .map(|(score, address)| {
                        let segment = self.load(&searcher, address)?;
                        Ok(hit(segment, score, &needles))
                    })
                    .collect()
            }
            None => {
                let all = searcher.search(&query, &DocSetCollector).map_err(read)?;
                let mut segments = all
                    .into_iter()
                    .map(|address| self.load(&searcher, address))
                    .collect::<Result<Vec<_>, _>>()?;
                segments.sort_by(|a, b| (&a.doc, a.ordinal).cmp(&(&b.doc, b.ordinal)));
                segments.truncate(limit);
                Ok(segments
                    .into_iter()
                    .map(|s| hit(s, 0.0, &needles))
                    .collect())
            }
        }
    }

    /// The roles, cases, document ids and speakers of the indexed segments: the values a
    /// [`SearchRequest`] can be filtered by.
    pub fn filter_values(&self) -> Result<Values, IndexError> {
        let searcher = self.reader.searcher();
        let mut values = Values::default();
        for reader in searcher.segment_readers() {
            let fields = [
                (self.fields.role, &mut values.roles),
                (self.fields.case, &mut values.cases),
                (self.fields.doc, &mut values.documents),
                (self.fields.speaker, &mut values.speakers),
            ];
            for (field, found) in fields {
                self.live_terms(reader, field, found)
                    .map_err(|e| self.read_error(e))?;
            }
        }
        Ok(values)
    }

    /// Adds to `found` the terms of `field` that a live document has: a document replaced by a
    /// later ingest keeps its terms in the index until its segment is merged.
    fn live_terms(
        &self,
        reader: &SegmentReader,
        field: Field,
        found: &mut BTreeSet<String>,
    ) -> tantivy::Result<()> {
        let inverted = reader.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if reader
                    .alive_bitset()
                    .is_none_or(|alive| alive.is_alive(doc))
                {
                    found.insert(String::from_utf8_lossy(terms.key()).into_owned());
                    break;
                }
                doc = postings.advance();
            }
        }
        Ok(())
    }

    /// The segment with this id, if the index has it.
    pub fn segment(&self, id: &str) -> Result<Option<Segment>, IndexError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| self.read_error(e))?;
        top.first()
            .map(|&(_, address)| self.load(&searcher, address))
            .transpose()
    }

    /// The stored segment at `address`.
    fn load(&self, searcher: &Searcher, address: DocAddress) -> Result<Segment, IndexError> {
        let document: TantivyDocument = searcher.doc(address).map_err(|e| self.read_error(e))?;
        self.fields
            .segment(&document)
            .map_err(|problem| IndexError::Damaged {
                dir: self.dir.clone(),
                problem,
            })
    }
}

/// A filter on a raw field: must match, adds nothing to the score.
fn filter(term: Term) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        0.0,
    ))
}

/// A hit on `segment`, with its snippet around what `needles` find in it.
fn hit(segment: Segment, score: f32, needles: &[Needle]) -> Hit {
    let tokens = analyse(segment.lang, &segment.text);
    let highlights = query::find(needles, segment.lang, &tokens);
    let snippet = make_snippet(&segment.text, &tokens, &highlights);
    Hit {
        segment,
        score,
        snippet,
    }
}

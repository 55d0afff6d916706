//! The study summary: documents, segments, words, and speakers per role and case.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::Error;
use crate::store::{DocumentSink, StoredDocument};
use crate::transcript::Segment;

/// Counts over a study's stored segments. Speakers are counted, never named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Number of documents.
    pub documents: usize,
    /// Number of segments (speaker turns), interviewers' included.
    pub segments: usize,
    /// Segments spoken by interviewers and moderators.
    pub interviewer_segments: usize,
    /// Words in all segments.
    pub words: usize,
    /// Words spoken by respondents (interviewers left out).
    pub respondent_words: usize,
    /// Per role: distinct speakers, segments and words.
    pub roles: BTreeMap<String, RoleCount>,
    /// Distinct speakers per role and case (`—` for documents without a case).
    pub speakers_by_role_and_case: BTreeMap<String, BTreeMap<String, usize>>,
    /// Per document: segments and words.
    pub per_document: BTreeMap<String, DocCount>,
}

/// Counts for one role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoleCount {
    /// Distinct speakers with this role.
    pub speakers: usize,
    /// Segments they spoke.
    pub segments: usize,
    /// Words they spoke.
    pub words: usize,
}

/// Counts for one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocCount {
    /// Segments in the document.
    pub segments: usize,
    /// Words in the document.
    pub words: usize,
}

/// The label used for segments whose document has no case.
pub(crate) const NO_CASE: &str = "—";

/// Counts segments a document at a time, so a large study's segments need not all be in
/// memory: [`Tally::add`] each document's, then [`Tally::finish`].
#[derive(Debug, Default)]
pub(crate) struct Tally {
    stats: Stats,
    speakers_by_role: BTreeMap<String, BTreeSet<String>>,
    by_role_case: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    docs: BTreeSet<String>,
}

impl DocumentSink for Tally {
    fn document(&mut self, doc: &StoredDocument) -> Result<(), Error> {
        self.add(&doc.segments);
        Ok(())
    }
}

impl Tally {
    /// Counts `segments` (of one document or several).
    pub fn add(&mut self, segments: &[Segment]) {
        let stats = &mut self.stats;
        for s in segments {
            let words = s.word_count();
            if !self.docs.contains(&s.doc) {
                self.docs.insert(s.doc.clone());
            }
            stats.segments += 1;
            stats.words += words;
            let d = stats.per_document.entry(s.doc.clone()).or_default();
            d.segments += 1;
            d.words += words;
            if s.interviewer {
                stats.interviewer_segments += 1;
                continue;
            }
            stats.respondent_words += words;
            // A respondent id identifies a person across documents; without one, the speaker
            // label only within its own document.
            let who = s
                .respondent
                .clone()
                .unwrap_or_else(|| format!("{}\u{0}{}", s.doc, s.speaker));
            let role = stats.roles.entry(s.role.clone()).or_default();
            role.segments += 1;
            role.words += words;
            self.speakers_by_role
                .entry(s.role.clone())
                .or_default()
                .insert(who.clone());
            self.by_role_case
                .entry(s.role.clone())
                .or_default()
                .entry(s.case.as_deref().unwrap_or(NO_CASE).to_string())
                .or_default()
                .insert(who);
        }
    }

    /// The counts of everything added.
    pub fn finish(self) -> Stats {
        let mut stats = self.stats;
        stats.documents = self.docs.len();
        for (role, who) in self.speakers_by_role {
            if let Some(r) = stats.roles.get_mut(&role) {
                r.speakers = who.len();
            }
        }
        stats.speakers_by_role_and_case = self
            .by_role_case
            .into_iter()
            .map(|(role, cases)| (role, cases.into_iter().map(|(c, w)| (c, w.len())).collect()))
            .collect();
        stats
    }
}

impl Stats {
    /// Counts `segments`.
    pub fn of(segments: &[Segment]) -> Stats {
        let mut tally = Tally::default();
        tally.add(segments);
        tally.finish()
    }

    /// Counts the segments of an ingested study, reading one document at a time.
    pub fn of_study(study: &crate::study::Study) -> Result<Stats, Error> {
        let mut tally = Tally::default();
        study.scan(&mut [&mut tally])?;
        Ok(tally.finish())
    }

    /// All cases that occur, sorted, with `NO_CASE` last.
    pub fn cases(&self) -> Vec<String> {
        let mut cases: BTreeSet<&str> = BTreeSet::new();
        for by_case in self.speakers_by_role_and_case.values() {
            cases.extend(by_case.keys().map(String::as_str));
        }
        let mut v: Vec<String> = cases
            .iter()
            .filter(|c| **c != NO_CASE)
            .map(|c| c.to_string())
            .collect();
        if cases.contains(NO_CASE) {
            v.push(NO_CASE.to_string());
        }
        v
    }

    /// The summary as plain-text tables.
    pub fn to_text(&self, study_name: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{study_name}");
        let _ = writeln!(
            out,
            "  {} documents, {} segments ({} by interviewers), {} words ({} by respondents)",
            self.documents,
            self.segments,
            self.interviewer_segments,
            self.words,
            self.respondent_words
        );
        let cases = self.cases();
        let role_width = self
            .roles
            .keys()
            .map(|r| r.chars().count())
            .chain(["role".len()])
            .max()
            .unwrap_or(4);
        let case_width: Vec<usize> = cases.iter().map(|c| c.chars().count().max(5)).collect();
        let _ = writeln!(out);
        let _ = write!(
            out,
            "  {:<role_width$}  {:>8}  {:>8}  {:>7}",
            "role", "speakers", "segments", "words"
        );
        for (c, w) in cases.iter().zip(&case_width) {
            let _ = write!(out, "  {c:>w$}");
        }
        let _ = writeln!(out);
        for (role, count) in &self.roles {
            let _ = write!(
                out,
                "  {role:<role_width$}  {:>8}  {:>8}  {:>7}",
                count.speakers, count.segments, count.words
            );
            for (c, w) in cases.iter().zip(&case_width) {
                let n = self
                    .speakers_by_role_and_case
                    .get(role)
                    .and_then(|m| m.get(c))
                    .copied()
                    .unwrap_or(0);
                let cell = if n == 0 {
                    "·".to_string()
                } else {
                    n.to_string()
                };
                let _ = write!(out, "  {cell:>w$}");
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(
            out,
            "  (the case columns count distinct speakers; {NO_CASE} is documents without a case)"
        );
        out
    }
}

//! Errors and warnings: each names the file and, where it can, the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::index::IndexError;

/// Everything that can go wrong in icamo's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The embeddings server could not be used; nothing was written.
    #[error("the embeddings server at {url} {message}")]
    Embeddings {
        /// The URL that was asked.
        url: String,
        /// What went wrong and what to do.
        message: String,
    },
    /// The manifest is not valid.
    #[error("{}: {message}", place(path, *line, *column))]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line (0 when the manifest as a whole is at fault).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what would be right.
        message: String,
    },
    /// A codebook is not valid TOML, or not a codebook.
    #[error("{}: {message}", place(path, *line, *column))]
    Codebook {
        /// The codebook file.
        path: PathBuf,
        /// 1-based line (0 when the file as a whole is at fault).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what would be right.
        message: String,
    },
    /// The findings file (`findings.toml`) is not valid TOML, or names a code, a segment or a
    /// finding the study does not have; every problem is listed, nothing is left out.
    #[error("{}", bad_places(path, problems))]
    Findings {
        /// The findings file.
        path: PathBuf,
        /// Each problem: its 1-based line and column (0, 0 for the whole file) and what was
        /// wrong.
        problems: Vec<(usize, usize, String)>,
    },
    /// A transcript could not be parsed.
    #[error("{}: {message}", place(path, *line, *column))]
    Parse {
        /// The transcript, relative to the study folder.
        path: PathBuf,
        /// 1-based line (DOCX: paragraph).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// Some transcripts failed; nothing was written.
    #[error("{}", ingest_failure(.0))]
    Ingest(Vec<Error>),
    /// Another icamo process holds the study's lock.
    #[error(
        "the study in {} is locked by another icamo process{}: wait until it has finished and run this again",
        study.display(),
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Locked {
        /// The study folder.
        study: PathBuf,
        /// The process holding the lock, when it wrote its pid.
        pid: Option<u32>,
    },
    /// No study was given and none was found.
    #[error(
        "no study here: {} has no icamo.toml, nor has any folder above it. Give one with --study DIR, or make one with `icamo init DIR`",
        .0.display()
    )]
    NoStudy(PathBuf),
    /// The study has not been ingested yet.
    #[error("the study in {} has not been ingested yet: run `icamo ingest` first", .0.display())]
    NotIngested(PathBuf),
    /// A segment id asked for on the command line that the study does not have, or that is
    /// not a segment id at all.
    #[error("{0}")]
    UnknownSegment(String),
    /// A filter value asked for on the command line (a role, a case, a document, a speaker, a
    /// code, a configuration) that the study does not have.
    #[error(transparent)]
    UnknownValue(#[from] crate::filter::UnknownValue),
    /// The study has no codebook, and none was given.
    #[error(
        "the study in {} has no codebook, so there is nothing to code or report: put a codebook (a .toml file of [[codes]]; `icamo init OTHER-FOLDER` writes a starter one, codebooks/codeboek.toml, to copy) in its codebooks/ folder, list codebook files under `codebooks` in icamo.toml, or import one with `icamo import qdc FILE`; commands that take --codebook FILE can use one from elsewhere, and `icamo ingest` reads the transcripts without one",
        .0.display()
    )]
    NoCodebook(PathBuf),
    /// Options that do not go together, or an option's value that is not one of its kind (the
    /// checks the command-line parser cannot make).
    #[error("{0}")]
    Usage(String),
    /// A file to write exists, and replacing it was not asked for.
    #[error("{} exists: give --force to replace it, or another --out", .0.display())]
    Exists(PathBuf),
    /// Some transcripts failed with `--keep-going`; the others were ingested.
    #[error("{0} transcript(s) could not be ingested (see above)")]
    IngestIncomplete(usize),
    /// The search index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// Rows of a coding sheet or codings file are wrong; nothing was written.
    #[error("{}", bad_rows(path, problems))]
    Rows {
        /// The file.
        path: PathBuf,
        /// Each wrong row: its 1-based line and what was wrong with it.
        problems: Vec<(usize, String)>,
    },
    /// A result could not be written as JSON.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// A table could not be written as CSV; `writing` names it when the message should.
    #[error("{}{source}", writing.map(|w| format!("writing {w}: ")).unwrap_or_default())]
    Csv {
        /// What was being written ("codings", "the sheet"), if the message names it.
        writing: Option<&'static str>,
        /// What the CSV writer said.
        source: csv::Error,
    },
    /// Anything else, said plainly.
    #[error("{0}")]
    Other(String),
}

/// `file:line:column`, or just `file` when the whole file is at fault (line 0).
fn place(path: &Path, line: usize, column: usize) -> String {
    if line == 0 {
        path.display().to_string()
    } else {
        format!("{}:{line}:{column}", path.display())
    }
}

/// One `file:line:column: message` line per problem.
fn bad_places(path: &Path, problems: &[(usize, usize, String)]) -> String {
    problems
        .iter()
        .map(|(line, column, message)| format!("{}: {message}", place(path, *line, *column)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ingest_failure(errors: &[Error]) -> String {
    let mut s = format!(
        "{} transcript{} could not be read; nothing was changed:",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for e in errors {
        s.push_str("\n  ");
        s.push_str(&e.to_string());
    }
    s.push_str("\nFix them, or run with --keep-going to ingest the others.");
    s
}

fn bad_rows(path: &Path, problems: &[(usize, String)]) -> String {
    let mut s = String::new();
    for (i, (line, message)) in problems.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&format!("{}:{line}: {message}", path.display()));
    }
    if problems.len() > 1 {
        s.push_str(&format!("\n{} rows are wrong", problems.len()));
    }
    s.push_str("; nothing was written");
    s
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A CSV error while writing `writing` ("codings", "the sheet"; `None`: the bare message).
    pub fn csv(writing: Option<&'static str>, source: impl Into<csv::Error>) -> Error {
        Error::Csv {
            writing,
            source: source.into(),
        }
    }

    /// Whether the error is the user's input (as opposed to the machine failing).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Manifest { .. }
                | Error::Codebook { .. }
                | Error::Findings { .. }
                | Error::Parse { .. }
                | Error::Ingest(_)
                | Error::IngestIncomplete(_)
                | Error::UnknownSegment(_)
                | Error::UnknownValue(_)
                | Error::Usage(_)
                | Error::Rows { .. }
        )
    }

    /// Whether the error is in the command line rather than in the study's files: options
    /// that do not go together, or a value (a segment, a code, a role…) the study does not
    /// have. The `icamo` command exits with 2 for these, as for the usage errors its parser
    /// finds.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::Usage(_) | Error::UnknownSegment(_) | Error::UnknownValue(_)
        )
    }
}

/// Something worth telling the user that does not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file it concerns, relative to the study folder.
    pub path: PathBuf,
    /// 1-based line (0 for the whole file).
    pub line: usize,
    /// What was noticed and what to do about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.path.display(), self.message)
        }
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Line and column of many offsets into one text, each found by a binary search over the line
/// starts ([`line_col`] counts from the start of the text every time).
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The 1-based line and column (in characters) of a byte offset, as [`line_col`] gives it.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "a = 1\n\nnaam = \"cliënt\"\r\nlaatste";
        let lines = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                lines.line_col(offset),
                line_col(text, offset),
                "offset {offset}"
            );
        }
        assert_eq!(lines.line_col(7), (3, 1));
    }
}

//! A study's codebook files read once each ([`CodebookSet`]), and the codes of several
//! codebooks found by id ([`Codes`]): what evidence, charts, checks and exports look codes up in.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use toml::Table;

use super::config::{self, Configuration};
use super::matcher::refuse_errors;
use super::{Code, Codebook, Diagnostic, Severity, closest, read_text};
use crate::error::Error;
use crate::filter::{Filter, UnknownValue, resolve};

/// Codebook files, each read and parsed once into what every part of icamo needs of it: the
/// codebook, the `[[configurations]]` written in it, and the file as a TOML table (which the
/// REFI-QDA export carries field by field). Nothing else reads a codebook file.
#[derive(Debug, Clone, Default)]
pub struct CodebookSet {
    /// The codebooks, in the order of their files.
    pub books: Vec<Codebook>,
    /// The configurations of every file, in file order.
    pub configurations: Vec<Configuration>,
    /// Each file as a TOML table, in the order of `books`.
    tables: Vec<Table>,
}

impl CodebookSet {
    /// Reads the codebook files at `paths`, in that order. A file that is not a codebook, or
    /// whose configurations do not parse, is an error naming its line and column; a code id
    /// that two files both declare is an error naming both places (which one counts would
    /// otherwise depend on the order of the files).
    pub fn load(paths: &[PathBuf]) -> Result<CodebookSet, Error> {
        let mut set = CodebookSet::default();
        for path in paths {
            set.add(path, &read_text(path)?)?;
        }
        set.ensure_unique_ids()?;
        Ok(set)
    }

    /// One codebook file's text; `path` only names the file in errors.
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<CodebookSet, Error> {
        let mut set = CodebookSet::default();
        set.add(path.as_ref(), text)?;
        Ok(set)
    }

    fn add(&mut self, path: &Path, text: &str) -> Result<(), Error> {
        let book = Codebook::parse(path, text)?;
        let configurations = config::parse(path, text)?;
        let table: Table = text.parse().map_err(|e: toml::de::Error| {
            let (line, column) = e
                .span()
                .map(|s| crate::error::line_col(text, s.start))
                .unwrap_or((0, 0));
            Error::Codebook {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        self.books.push(book);
        self.configurations.extend(configurations);
        self.tables.push(table);
        Ok(())
    }

    /// Each codebook with its file as a TOML table.
    pub fn files(&self) -> impl Iterator<Item = (&Codebook, &Table)> {
        self.books.iter().zip(&self.tables)
    }

    /// The codes of every codebook, by id.
    pub fn codes(&self) -> Codes<'_> {
        Codes::new(&self.books)
    }

    /// An error for the first code id declared in two files (see [`duplicate_ids`]).
    fn ensure_unique_ids(&self) -> Result<(), Error> {
        match duplicate_ids(&self.books).into_iter().next() {
            Some(d) => Err(Error::Codebook {
                path: d.path,
                line: d.line,
                column: d.column,
                message: format!("{} ({})", d.message, d.hint),
            }),
            None => Ok(()),
        }
    }

    /// The first error [`Codebook::check`] finds in any of the codebooks, as an error naming
    /// its file, line and column (warnings are left to `icamo codebook check`): no command
    /// draws evidence from a codebook with errors.
    pub fn ensure_sound(&self) -> Result<(), Error> {
        self.books.iter().try_for_each(refuse_errors)
    }
}

/// Every code id that a later codebook declares again after an earlier one did, as an error
/// at the later place. (Two declarations in one file are that codebook's own error, which
/// [`Codebook::check`] reports.) Which of the two counted would otherwise depend on the order
/// of the files.
pub fn duplicate_ids(books: &[Codebook]) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, &Codebook> = HashMap::new();
    let mut found = Vec::new();
    for book in books {
        let mut own: HashSet<&str> = HashSet::new();
        for code in &book.codes {
            if !own.insert(&code.id) {
                continue;
            }
            match first.get(code.id.as_str()) {
                Some(other) => {
                    let line = other.code(&code.id).map_or(0, |c| c.at.line);
                    found.push(Diagnostic {
                        severity: Severity::Error,
                        path: book.path.clone(),
                        line: code.at.line,
                        column: code.at.column,
                        message: format!(
                            "code id \"{}\" is also declared in {}:{line}",
                            code.id,
                            other.path.display()
                        ),
                        hint:
                            "an id names one code across the study's codebooks: rename one of them"
                                .into(),
                    });
                }
                None => {
                    first.insert(&code.id, book);
                }
            }
        }
    }
    found
}

/// The codes of several codebooks, found by id (the first codebook that has it wins).
pub struct Codes<'a> {
    by_id: HashMap<&'a str, (&'a Code, &'a Codebook)>,
}
impl<'a> Codes<'a> {
    /// Every code of `books`.
    pub fn new(books: &'a [Codebook]) -> Codes<'a> {
        let mut by_id = HashMap::new();
        for book in books {
            for code in &book.codes {
                by_id.entry(code.id.as_str()).or_insert((code, book));
            }
        }
        Codes { by_id }
    }

    /// The code with this id.
    pub fn get(&self, id: &str) -> Option<&'a Code> {
        self.by_id.get(id).map(|(c, _)| *c)
    }

    /// The file of the codebook that declares the code with this id.
    pub(crate) fn path_of(&self, id: &str) -> Option<PathBuf> {
        self.by_id.get(id).map(|(_, book)| book.path.clone())
    }

    /// The ids of the code and every code under it in its codebook's tree.
    pub(crate) fn with_descendants(&self, id: &str) -> Vec<&'a str> {
        match self.by_id.get(id) {
            Some((_, book)) => book.descendants(id),
            None => Vec::new(),
        }
    }

    /// Every code, each id once (the first codebook's), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &'a Code> + '_ {
        self.by_id.values().map(|(c, _)| *c)
    }

    /// The code and its ancestors, the code first, following `parent` across the codebooks;
    /// stops at an unknown parent or a cycle. Empty for a code no codebook has.
    pub(crate) fn lineage(&self, id: &str) -> Vec<&'a Code> {
        let mut out: Vec<&Code> = Vec::new();
        let mut next = self.get(id);
        while let Some(code) = next {
            if out.iter().any(|c| c.id == code.id) {
                break;
            }
            out.push(code);
            next = code.parent.as_deref().and_then(|p| self.get(p));
        }
        out
    }

    /// The id of the code `wanted` names, as its codebook writes it (capitals need not
    /// match); an error naming the known codes when no codebook has it.
    pub fn resolve(&self, wanted: &str) -> Result<String, UnknownValue> {
        resolve(Filter::Code, wanted, self.by_id.keys().copied())
    }

    /// The known id most like `wanted`, if one is close.
    pub fn closest(&self, wanted: &str) -> Option<&'a str> {
        let mut ids: Vec<&str> = self.by_id.keys().copied().collect();
        ids.sort_unstable();
        closest(ids.into_iter(), wanted)
    }
}

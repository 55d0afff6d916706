//! The `.qdpx` archive being imported: its entries, the `.qde` at its top, and the texts in
//! `sources/`, each read against a limit for one entry and for all together, so that a zip
//! bomb stops at either.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::interop::xml::{self, Element};

/// Most bytes one entry of an imported archive may unpack to (a zip bomb stops here).
const MAX_ENTRY_BYTES: u64 = 512 * 1024 * 1024;

/// Most entries an imported archive may have.
const MAX_ENTRIES: usize = 200_000;

/// The archive being imported: its entries' names, and how much has been unpacked so far.
pub(super) struct Archive {
    zip: zip::ZipArchive<std::fs::File>,
    names: Vec<String>,
    file: PathBuf,
    unpacked: u64,
    limit: u64,
}

/// The project file of the archive, parsed.
pub(super) struct Qde {
    /// Its name in the archive (`project.qde`, `Klein.qde`…).
    pub name: String,
    /// `ARCHIVE!NAME`, for messages.
    pub path: PathBuf,
    /// The `<Project>` element.
    pub root: Element,
}

impl Archive {
    /// Opens `file` as a ZIP archive that unpacks to at most `limit` bytes in all.
    pub fn open(file: &Path, limit: u64) -> Result<Archive, Error> {
        let handle = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        let zip = zip::ZipArchive::new(handle).map_err(|e| {
            Error::Other(format!(
                "{}: not a REFI-QDA project (.qdpx is a ZIP archive): {e}",
                file.display()
            ))
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(Error::Other(format!(
                "{}: {} entries, more than icamo reads ({MAX_ENTRIES})",
                file.display(),
                zip.len()
            )));
        }
        let names: Vec<String> = (0..zip.len())
            .map(|i| match zip.name_for_index(i) {
                Some(Ok(n)) => n.into_owned(),
                _ => String::new(),
            })
            .collect();
        Ok(Archive {
            zip,
            names,
            file: file.to_path_buf(),
            unpacked: 0,
            limit,
        })
    }

    /// The bytes of entry `index`.
    fn read(&mut self, index: usize) -> Result<Vec<u8>, Error> {
        let file = self.file.display().to_string();
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| Error::Other(format!("{file}: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let room = self
            .limit
            .saturating_sub(self.unpacked)
            .min(MAX_ENTRY_BYTES);
        let bomb = |what: &str| {
            Error::Other(format!(
                "{file}: {name} {what}, more than icamo unpacks from a project ({} bytes for one entry, {} in all): refusing what may be a zip bomb",
                MAX_ENTRY_BYTES, self.limit
            ))
        };
        if entry.size() > room {
            return Err(bomb(&format!("would unpack to {} bytes", entry.size())));
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Other(format!("{file}: reading {name}: {e}")))?;
        if bytes.len() as u64 > room {
            return Err(bomb("unpacks to more than its header said"));
        }
        self.unpacked += bytes.len() as u64;
        Ok(bytes)
    }

    /// The project: the one `.qde` at the top of the archive (`project.qde` among several),
    /// parsed, with `<Project>` at its root.
    pub fn qde(&mut self) -> Result<Qde, Error> {
        let index = self.qde_index()?;
        let name = self.names[index].clone();
        let path = PathBuf::from(format!("{}!{name}", self.file.display()));
        let bytes = self.read(index)?;
        let root = xml::parse_file(bytes, &path)?;
        if root.name != "Project" {
            return Err(Error::Parse {
                path: path.clone(),
                line: root.line,
                column: 1,
                message: format!("the root element is <{}>, not <Project>", root.name),
            });
        }
        Ok(Qde { name, path, root })
    }

    /// Which entry is the project file.
    fn qde_index(&self) -> Result<usize, Error> {
        let names = &self.names;
        let qdes: Vec<usize> = (0..names.len())
            .filter(|&i| {
                let n = names[i].to_lowercase();
                n.ends_with(".qde") && !n.contains('/')
            })
            .collect();
        match qdes.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::Other(format!(
                "{}: no .qde file at the top of the archive: a REFI-QDA project holds project.qde",
                self.file.display()
            ))),
            many => many
                .iter()
                .find(|&&i| names[i].eq_ignore_ascii_case("project.qde"))
                .copied()
                .ok_or_else(|| {
                    Error::Other(format!(
                        "{}: several .qde files ({}); expected one",
                        self.file.display(),
                        many.iter()
                            .map(|&i| names[i].as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }),
        }
    }

    /// The text of a source or note: its `PlainTextContent`, or the file `plainTextPath`
    /// names in `sources/` (with `internal://`, `relative://` or no scheme at all).
    pub fn text_of(&mut self, el: &Element) -> Result<Option<String>, Error> {
        if let Some(t) = el.child_text("PlainTextContent") {
            return Ok(Some(t.to_string()));
        }
        let Some(path) = el.attr("plainTextPath") else {
            return Ok(None);
        };
        // REFI-QDA writes `internal://NAME` for a file in the archive; some tools write the
        // bare name (`board_2017.txt`) or `relative://NAME`, and mean the same file when the
        // archive has it. `absolute://` points outside the archive.
        let inner = match path.split_once("://") {
            Some(("internal" | "relative", inner)) => inner,
            Some(_) => return Ok(None),
            None => path,
        };
        // Only a name is looked up, never a path: nothing outside `sources/` can be reached.
        let wanted = inner.rsplit('/').next().unwrap_or(inner).to_lowercase();
        let Some(i) = self.names.iter().position(|n| {
            let n = n.to_lowercase();
            n.strip_prefix("sources/") == Some(wanted.as_str())
        }) else {
            return Ok(None);
        };
        let bytes = self.read(i)?;
        // Offsets count the code points of the text as it is, CR LF and all: keep it as it is
        // when it is UTF-8, as REFI-QDA requires (`offsets::SourceText` maps the offsets later).
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(text)),
            Err(e) => {
                let decoded = crate::transcript::decode(e.as_bytes()).map_err(|err| {
                    Error::Other(format!(
                        "{}: {}: {}",
                        self.file.display(),
                        self.names[i],
                        err.message
                    ))
                })?;
                Ok(Some(decoded.text))
            }
        }
    }
}

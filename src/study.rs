//! A study on disk: its folder, manifest, lock and derived state in `.icamo/`.
//!
//! A [`Study`] is found from `--study`, `$ICAMO_STUDY`, or the nearest folder upwards holding
//! an `icamo.toml`. Everything icamo derives (the index, the stored segments, the ingest
//! [`State`]) lives in the study's `.icamo/` folder and can be rebuilt from the sources; a
//! [`StudyLock`] keeps two writers apart.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::coding::manual::CODINGS_DIR;
use crate::corpus::{MANIFEST_FILE, Manifest};
use crate::error::Error;
use crate::transcript::{Format, Segment};

/// The folder inside a study that holds everything icamo derives.
pub const STATE_DIR: &str = ".icamo";

/// The folder of codebooks a study uses when its manifest lists none.
pub const DEFAULT_CODEBOOKS: &str = "codebooks";

/// The environment variable naming a study folder when `--study` is not given.
pub const STUDY_ENV: &str = "ICAMO_STUDY";

/// A study folder with its manifest.
#[derive(Debug, Clone)]
pub struct Study {
    /// The study folder.
    pub root: PathBuf,
    /// The parsed `icamo.toml`.
    pub manifest: Manifest,
}

impl Study {
    /// Opens the study in `dir` (or the study whose `icamo.toml` `dir` is).
    pub fn open(dir: &Path) -> Result<Study, Error> {
        let (root, manifest_path) = if dir.is_file() {
            let root = dir.parent().unwrap_or(Path::new(".")).to_path_buf();
            (root, dir.to_path_buf())
        } else {
            (dir.to_path_buf(), dir.join(MANIFEST_FILE))
        };
        if !manifest_path.is_file() {
            return Err(Error::Other(format!(
                "{} has no {MANIFEST_FILE}: is it a study folder? Make one with `icamo init {}`",
                root.display(),
                root.display()
            )));
        }
        // An absolute root keeps messages unambiguous wherever the command was run from.
        let root = root.canonicalize().unwrap_or(root);
        let manifest = Manifest::load(&manifest_path.canonicalize().unwrap_or(manifest_path))?;
        Ok(Study { root, manifest })
    }

    /// Finds the study: `explicit`, else `$ICAMO_STUDY`, else the nearest folder from the
    /// current one upwards that holds an `icamo.toml`.
    pub fn locate(explicit: Option<&Path>) -> Result<Study, Error> {
        if let Some(dir) = explicit {
            return Study::open(dir);
        }
        if let Some(dir) = std::env::var_os(STUDY_ENV).filter(|v| !v.is_empty()) {
            return Study::open(Path::new(&dir));
        }
        let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
        for dir in cwd.ancestors() {
            if dir.join(MANIFEST_FILE).is_file() {
                return Study::open(dir);
            }
        }
        Err(Error::NoStudy(cwd))
    }

    /// `.icamo/` inside the study.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }

    /// The search index folder.
    pub fn index_dir(&self) -> PathBuf {
        self.state_dir().join("index")
    }

    /// The folder of stored segments, one JSON Lines file per document.
    pub fn segments_dir(&self) -> PathBuf {
        self.state_dir().join("segments")
    }

    /// The codebook files the manifest names: each `codebooks` entry is a file, or a folder
    /// whose `*.toml` files count, in name order. A missing entry is an error naming it.
    pub fn codebook_paths(&self) -> Result<Vec<PathBuf>, Error> {
        let mut paths = Vec::new();
        let default = [DEFAULT_CODEBOOKS.to_string()];
        let entries = if self.manifest.study.codebooks.is_empty() {
            if !self.root.join(DEFAULT_CODEBOOKS).is_dir() {
                return Ok(paths);
            }
            &default[..]
        } else {
            &self.manifest.study.codebooks[..]
        };
        for entry in entries {
            let path = self.root.join(entry);
            if path.is_file() {
                paths.push(path);
            } else if path.is_dir() {
                let mut found: Vec<PathBuf> = fs::read_dir(&path)
                    .map_err(|e| Error::io(&path, e))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                found.sort();
                paths.extend(found);
            } else {
                return Err(Error::Other(format!(
                    "{}: [study] codebooks names \"{entry}\", which is neither a file nor a folder in {}",
                    self.manifest.path.display(),
                    self.root.display()
                )));
            }
        }
        Ok(paths)
    }

    /// Takes the study's write lock, or says who holds it.
    pub fn lock(&self) -> Result<StudyLock, Error> {
        let dir = self.state_dir();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join("lock");
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                return Err(Error::Locked {
                    study: self.root.clone(),
                    pid: pid.trim().parse().ok(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        // The pid is only a courtesy for the message another process prints. The lock itself
        // is the operating system's, released when its process ends however it ends: a lock
        // file left by a killed process holds a pid but blocks no one.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        // What a process killed mid-write left behind (see write_atomic).
        for folder in [dir.join(TEMP_DIR), dir.clone(), self.root.join(CODINGS_DIR)] {
            remove_stale_temp_files(&folder);
        }
        Ok(StudyLock { _file: file })
    }

    /// The state the last ingest left, or an empty one.
    pub fn state(&self) -> Result<State, Error> {
        let path = self.state_dir().join("state.json");
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::Other(format!(
                    "{}: the ingest state is damaged ({e}); delete the {STATE_DIR} folder and run `icamo ingest` to rebuild it",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Writes the ingest state (atomically).
    pub fn save_state(&self, state: &State) -> Result<(), Error> {
        let path = self.state_dir().join("state.json");
        let mut text =
            serde_json::to_string_pretty(state).map_err(|e| Error::Other(e.to_string()))?;
        text.push('\n');
        write_atomic(&path, text.as_bytes())
    }

    /// Where an ingest puts the segments it made until they are committed.
    pub fn staging_dir(&self) -> PathBuf {
        self.state_dir().join("staging")
    }

    /// The stored segments of one document, in order.
    pub fn document_segments(&self, doc: &str) -> Result<Vec<Segment>, Error> {
        read_segments(&self.segments_dir().join(format!("{doc}.jsonl")))
    }

    /// The ids of the ingested documents, in id order: to read their segments one document at
    /// a time ([`Study::document_segments`]) where [`Study::all_segments`] would hold a large
    /// study's all at once.
    pub fn document_ids(&self) -> Result<Vec<String>, Error> {
        let state = self.state()?;
        // An index without a state is an ingest that was stopped before it finished.
        let ingested = self.index_dir().exists() && self.state_dir().join("state.json").exists();
        if state.documents.is_empty() && !ingested {
            return Err(Error::NotIngested(self.root.clone()));
        }
        Ok(state.documents.into_keys().collect())
    }

    /// Every stored segment, document by document in id order.
    pub fn all_segments(&self) -> Result<Vec<Segment>, Error> {
        let mut all = Vec::new();
        for doc in self.document_ids()? {
            all.extend(self.document_segments(&doc)?);
        }
        Ok(all)
    }

    /// Stores one document's segments (atomically, one JSON object a line).
    pub fn store_segments(&self, doc: &str, segments: &[Segment]) -> Result<(), Error> {
        let dir = self.segments_dir();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        write_atomic(
            &dir.join(format!("{doc}.jsonl")),
            &segments_jsonl(segments)?,
        )
    }

    /// Removes one document's stored segments.
    pub fn remove_segments(&self, doc: &str) -> Result<(), Error> {
        let path = self.segments_dir().join(format!("{doc}.jsonl"));
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&path, e)),
            _ => Ok(()),
        }
    }
}

/// The manifest `icamo init` writes, with `{name}` standing for the study's name.
const INIT_MANIFEST: &str = include_str!("../templates/init/icamo.toml");

/// The folders `icamo init` makes inside a new study.
pub const INIT_FOLDERS: [&str; 3] = ["corpus", "codebooks", "templates"];

impl Study {
    /// Makes a new, empty study in `dir`: `icamo.toml` and the folders of [`INIT_FOLDERS`].
    /// Refuses when `dir` already holds an `icamo.toml`, so nothing is overwritten.
    pub fn init(dir: &Path) -> Result<Study, Error> {
        let manifest = dir.join(MANIFEST_FILE);
        if manifest.exists() {
            return Err(Error::Other(format!(
                "{} already exists: icamo init never overwrites a study",
                manifest.display()
            )));
        }
        for folder in INIT_FOLDERS {
            let path = dir.join(folder);
            fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Nieuwe studie".to_string());
        let text = INIT_MANIFEST.replace("{name}", &name.replace('"', "'"));
        // create_new: a manifest that appeared meanwhile is still not overwritten.
        let mut file = File::options()
            .write(true)
            .create_new(true)
            .open(&manifest)
            .map_err(|e| Error::io(&manifest, e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io(&manifest, e))?;
        Study::open(dir)
    }
}

/// Holds the study's write lock until dropped.
#[derive(Debug)]
pub struct StudyLock {
    _file: File,
}

/// What the last ingest recorded, so the next one can skip unchanged files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The analysis version the index was built with; a different one forces a rebuild.
    pub analysis_version: String,
    /// Every ingested document by id.
    pub documents: BTreeMap<String, DocState>,
}

/// One ingested document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocState {
    /// Path relative to the study folder.
    pub path: String,
    /// The format it was parsed as.
    pub format: Format,
    /// BLAKE3 of the file's bytes.
    pub content_hash: String,
    /// Digest of the manifest entries that shape its segments.
    pub metadata_hash: String,
    /// Number of segments stored.
    pub segments: usize,
}

/// Segments as JSON Lines: one object a line, in order.
pub fn segments_jsonl(segments: &[Segment]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(segments.len() * 400);
    for s in segments {
        serde_json::to_writer(&mut out, s).map_err(|e| Error::Other(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Reads a JSON Lines file of segments.
pub fn read_segments(path: &Path) -> Result<Vec<Segment>, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut segments = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        let segment = serde_json::from_str(&line).map_err(|e| {
            Error::Other(format!(
                "{}:{}: a stored segment is damaged ({e}); run `icamo ingest --rebuild`",
                path.display(),
                n + 1
            ))
        })?;
        segments.push(segment);
    }
    Ok(segments)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a reader or a crash
/// never sees half a file.
///
/// Inside a study (a folder above `path` holds `.icamo/`) the temporary file is written in
/// `.icamo/tmp/`, so that a process killed mid-write leaves nothing in the study's own
/// folders (`codings/`, `out/`); the next command that takes the study's lock removes it.
/// Elsewhere, or when `.icamo/tmp/` is on another file system, it is written beside `path`.
/// The file is synced before the rename and its folder after it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let (dir, tmp_name) = folder_and_temp_name(path);
    if let Some(tmp_dir) = study_temp_dir(dir)
        && write_and_rename(&tmp_dir.join(&tmp_name), bytes, path).is_ok()
    {
        sync_dir(dir);
        return Ok(());
    }
    write_and_rename(&dir.join(&tmp_name), bytes, path).map_err(|e| Error::io(path, e))?;
    sync_dir(dir);
    Ok(())
}

/// A file written piece by piece that appears at its path whole or not at all: the bytes go to
/// a temporary file beside the path (removed by the next command that takes the study's lock if
/// the process dies), which [`AtomicFile::commit`] syncs and renames. Dropped without a commit,
/// it removes the temporary file and leaves the path as it was.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<std::io::BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<AtomicFile, Error> {
        let (dir, tmp_name) = folder_and_temp_name(path);
        let tmp = dir.join(tmp_name);
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            out: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let out = self.out.as_mut().expect("only commit takes the writer");
        out.write_all(bytes).map_err(|e| Error::io(&self.path, e))
    }

    /// Syncs what was written and puts it in place.
    pub fn commit(mut self) -> Result<(), Error> {
        let out = self.out.take().expect("committed once");
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        sync_dir(folder_and_temp_name(&self.path).0);
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// The folder of `path` (`.` for a bare file name) and the name of this process's temporary
/// file for it.
fn folder_and_temp_name(path: &Path) -> (&Path, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    (dir, temp_name(&name, std::process::id()))
}

/// The folder inside `.icamo/` that holds [`write_atomic`]'s temporary files.
pub const TEMP_DIR: &str = "tmp";

/// The name of [`write_atomic`]'s temporary file for a file `name`, written by process `pid`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.tmp-{pid}")
}

/// The process that wrote a temporary file named by [`temp_name`].
fn temp_writer(name: &str) -> Option<u32> {
    let (stem, pid) = name.rsplit_once(".tmp-")?;
    if !stem.starts_with('.') || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// `.icamo/tmp/` of the study that `dir` lies in (created if need be), if it lies in one.
fn study_temp_dir(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let state = dir.ancestors().find_map(|a| {
        if a.file_name().is_some_and(|n| n == STATE_DIR) {
            Some(a.to_path_buf())
        } else {
            Some(a.join(STATE_DIR)).filter(|s| s.is_dir())
        }
    })?;
    let tmp = state.join(TEMP_DIR);
    fs::create_dir_all(&tmp).ok()?;
    Some(tmp)
}

/// Writes and syncs `tmp`, then renames it to `path`; removes `tmp` on failure.
fn write_and_rename(tmp: &Path, bytes: &[u8], path: &Path) -> std::io::Result<()> {
    let result = (|| {
        let mut file = File::create(tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// Makes a rename in `dir` durable. Where a folder cannot be opened (Windows) the rename
/// stands as the file system keeps it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes the temporary files of [`write_atomic`] in `dir` that no running process is
/// writing: what a process killed mid-write left behind.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_writer) else {
            continue;
        };
        if pid != std::process::id()
            && entry.file_type().is_ok_and(|t| t.is_file())
            && writer_is_gone(pid, &entry.path())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid`, which wrote the temporary file `path`, no longer runs: told by
/// `/proc` where there is one; elsewhere, by the file being untouched for an hour.
fn writer_is_gone(pid: u32, path: &Path) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return !proc.join(pid.to_string()).exists();
    }
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> (tempfile::TempDir, Study) {
        let dir = tempfile::tempdir().unwrap();
        let study = Study::init(dir.path()).unwrap();
        fs::create_dir_all(study.state_dir()).unwrap();
        (dir, study)
    }

    #[test]
    fn write_atomic_in_a_study_leaves_nothing_beside_the_file() {
        let (_dir, study) = study();
        let codings = study.root.join(CODINGS_DIR);
        fs::create_dir_all(&codings).unwrap();
        write_atomic(&codings.join("anna.csv"), b"segment\n").unwrap();
        write_atomic(&codings.join("anna.csv"), b"segment,code\n").unwrap();
        let names: Vec<_> = fs::read_dir(&codings)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["anna.csv"]);
        assert_eq!(
            fs::read(codings.join("anna.csv")).unwrap(),
            b"segment,code\n"
        );
        let tmp = study.state_dir().join(TEMP_DIR);
        assert_eq!(fs::read_dir(tmp).unwrap().count(), 0);
    }

    #[test]
    fn write_atomic_outside_a_study_writes_beside_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"x\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temp_names_name_their_writer() {
        assert_eq!(temp_writer(&temp_name("anna.csv", 4321)), Some(4321));
        assert_eq!(temp_writer(".anna.csv.tmp-"), None);
        assert_eq!(temp_writer("anna.csv.tmp-12"), None);
        assert_eq!(temp_writer(".anna.tmp-12.csv"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_lock_clears_what_a_killed_writer_left() {
        let (_dir, study) = study();
        let codings = study.root.join(CODINGS_DIR);
        let tmp = study.state_dir().join(TEMP_DIR);
        fs::create_dir_all(&codings).unwrap();
        fs::create_dir_all(&tmp).unwrap();
        // Beyond any pid_max: no such process. Pid 1 always runs.
        let dead = temp_name("anna.csv", 4_194_999);
        let live = temp_name("anna.csv", 1);
        for dir in [&codings, &tmp, &study.state_dir()] {
            fs::write(dir.join(&dead), "half").unwrap();
            fs::write(dir.join(&live), "busy").unwrap();
        }
        fs::write(codings.join("anna.csv"), "segment\n").unwrap();
        // A stale lock file of a killed process (its pid) blocks no one.
        fs::write(study.state_dir().join("lock"), "4194999").unwrap();
        let lock = study.lock().unwrap();
        for dir in [&codings, &tmp, &study.state_dir()] {
            assert!(!dir.join(&dead).exists(), "{}", dir.display());
            assert!(dir.join(&live).exists(), "{}", dir.display());
        }
        assert!(codings.join("anna.csv").exists());
        drop(lock);
    }
}

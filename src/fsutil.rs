//! Files that appear whole or not at all: [`write_atomic`] and `AtomicFile` write through a
//! temporary file and a rename, and `remove_stale_temp_files` clears what a process killed
//! mid-write left behind, in the folders its caller names.
//!
//! Nothing here knows a study's layout beyond the name of its hidden folder (`STATE_DIR`),
//! whose `tmp/` keeps temporary files out of the folders a user reads.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The hidden folder inside a study that holds everything icamo derives.
pub(crate) const STATE_DIR: &str = ".icamo";

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
pub(crate) struct AtomicFile {
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
pub(crate) const TEMP_DIR: &str = "tmp";

/// The name of [`write_atomic`]'s temporary file for a file `name`, written by process `pid`.
pub(crate) fn temp_name(name: &str, pid: u32) -> String {
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
pub(crate) fn remove_stale_temp_files(dir: &Path) {
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
    use crate::study::{CODINGS_DIR, Study};

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
}

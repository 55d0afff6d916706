//! A study on disk: its folder, manifest, lock and derived state in `.icamo/`.
//!
//! A [`Study`] is found from `--study`, `$ICAMO_STUDY`, or the nearest folder upwards holding
//! an `icamo.toml`. Everything icamo derives (the index, the stored segments, the ingest
//! `State`) lives in the study's `.icamo/` folder (`crate::store`) and
//! can be rebuilt from the sources; a [`StudyLock`] keeps two writers apart.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::fsutil::{self, TEMP_DIR};
use crate::manifest::{MANIFEST_FILE, Manifest};

/// The folder inside a study that holds everything icamo derives.
pub(crate) use crate::fsutil::STATE_DIR;

/// The folder of coders' files (`NAME.csv`) in a study.
pub const CODINGS_DIR: &str = "codings";
/// The authors' findings and recommendations in a study folder (see `crate::findings`).
pub const FINDINGS_FILE: &str = "findings.toml";

/// The folder of codebooks a study uses when its manifest lists none.
pub(crate) const DEFAULT_CODEBOOKS: &str = "codebooks";

/// The environment variable naming a study folder when `--study` is not given.
pub(crate) const STUDY_ENV: &str = "ICAMO_STUDY";

/// How long [`Study::lock`] tries a held lock again before it says the study is locked.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

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
    pub(crate) fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }

    /// The authors' findings file, whether or not it exists.
    pub fn findings_path(&self) -> PathBuf {
        self.root.join(FINDINGS_FILE)
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
        let path = self.lock_path();
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        // A lock just released can look held for a moment: a process that forks a child (to
        // run a program) lends it the open lock file until the child's exec closes it. So a
        // held lock is tried again for a short while before it counts.
        let started = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_PATIENCE => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
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
        }
        // The pid is only a courtesy for the message another process prints. The lock itself
        // is the operating system's, released when its process ends however it ends: a lock
        // file left by a killed process holds a pid but blocks no one.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        // What a process killed mid-write left behind (see fsutil::write_atomic).
        for folder in [dir.join(TEMP_DIR), dir.clone(), self.root.join(CODINGS_DIR)] {
            fsutil::remove_stale_temp_files(&folder);
        }
        Ok(StudyLock { _file: file })
    }
}

/// The files `icamo init` writes, by path inside the new study, with `{name}` standing for
/// the study's name: the manifest, a starter codebook (one code of each kind and one
/// configuration) and a `.gitignore` that keeps what icamo derives out of git.
pub(crate) const INIT_FILES: [(&str, &str); 3] = [
    (MANIFEST_FILE, include_str!("../templates/init/icamo.toml")),
    (
        "codebooks/codeboek.toml",
        include_str!("../templates/init/codeboek.toml"),
    ),
    (".gitignore", include_str!("../templates/init/gitignore")),
];

/// The folders `icamo init` makes inside a new study.
pub(crate) const INIT_FOLDERS: [&str; 3] = ["corpus", "codebooks", "templates"];

impl Study {
    /// Makes a new study in `dir`: the folders of `INIT_FOLDERS` and the files of
    /// `INIT_FILES`. Refuses, writing nothing, when any of those files already exists.
    pub fn init(dir: &Path) -> Result<Study, Error> {
        let existing: Vec<String> = INIT_FILES
            .iter()
            .map(|(file, _)| dir.join(file))
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Other(format!(
                "{} already exist{}: icamo init never overwrites a file, and wrote nothing; move {} away or give another folder",
                existing.join(", "),
                if existing.len() == 1 { "s" } else { "" },
                if existing.len() == 1 { "it" } else { "them" },
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
        let name = name.replace(['"', '\\'], "'");
        // The manifest last: a folder with an icamo.toml is a study, so only a whole one gets it.
        for (file, template) in INIT_FILES.iter().rev() {
            let path = dir.join(file);
            // create_new: a file that appeared meanwhile is still not overwritten.
            let mut out = File::options()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            out.write_all(template.replace("{name}", &name).as_bytes())
                .map_err(|e| Error::io(&path, e))?;
        }
        Study::open(dir)
    }
}

/// Holds the study's write lock until dropped.
#[derive(Debug)]
pub struct StudyLock {
    _file: File,
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

    #[cfg(target_os = "linux")]
    #[test]
    fn the_lock_clears_what_a_killed_writer_left() {
        let (_dir, study) = study();
        let codings = study.root.join(CODINGS_DIR);
        let tmp = study.state_dir().join(TEMP_DIR);
        fs::create_dir_all(&codings).unwrap();
        fs::create_dir_all(&tmp).unwrap();
        // Beyond any pid_max: no such process. Pid 1 always runs.
        let dead = fsutil::temp_name("anna.csv", 4_194_999);
        let live = fsutil::temp_name("anna.csv", 1);
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

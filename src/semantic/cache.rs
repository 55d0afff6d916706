//! The embeddings cache: one file per model in `.icamo/embeddings/`, of vectors by the hash of
//! what was sent for them.
//!
//! The file is `ICAMOEMB1\n`, the vector length as a little-endian `u32`, then one record per
//! text: the 32-byte BLAKE3 hash of (model, input type, text as sent) and its numbers as
//! little-endian `f32`. A changed turn has another hash, so it is embedded again; the rest
//! come from here.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::Vector;
use crate::error::Error;
use crate::fsutil::write_atomic;

const MAGIC: &[u8] = b"ICAMOEMB1\n";

/// What a vector is cached under.
pub type Key = [u8; 32];

/// The key of a text sent to `model` with `input_type` (empty when prefixes are used).
pub fn key(model: &str, input_type: &str, sent: &str) -> Key {
    let mut h = blake3::Hasher::new();
    for part in [model, input_type, sent] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    *h.finalize().as_bytes()
}

/// One model's cached vectors, and which of them this run used.
#[derive(Debug, Default)]
pub struct Cache {
    vectors: HashMap<Key, Vector>,
    used: std::cell::RefCell<HashSet<Key>>,
    dimension: Option<usize>,
    changed: bool,
}

impl Cache {
    /// The cache in `path`; empty when there is none.
    pub fn load(path: &Path) -> Result<Cache, Error> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Cache::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        let damaged = || {
            Error::Other(format!(
                "{}: the embeddings cache is damaged; delete it and run again (the vectors are fetched anew)",
                path.display()
            ))
        };
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(damaged)?;
        let (dim, rest) = rest.split_at_checked(4).ok_or_else(damaged)?;
        let dim = u32::from_le_bytes(dim.try_into().map_err(|_| damaged())?) as usize;
        let record = 32 + 4 * dim;
        if dim == 0 || rest.len() % record != 0 {
            return Err(damaged());
        }
        let vectors = rest
            .chunks_exact(record)
            .map(|r| {
                let key: Key = r[..32].try_into().expect("32 bytes");
                let v = r[32..]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
                    .collect();
                (key, v)
            })
            .collect();
        Ok(Cache {
            vectors,
            dimension: Some(dim),
            ..Cache::default()
        })
    }

    /// The length of the cached vectors, when there are any.
    pub fn dimension(&self) -> Option<usize> {
        self.dimension
    }

    /// Whether `key` is cached (and so used by this run).
    pub fn contains(&self, key: &Key) -> bool {
        self.used.borrow_mut().insert(*key);
        self.vectors.contains_key(key)
    }

    /// The vector under `key`.
    pub fn get(&self, key: &Key) -> Option<&Vector> {
        self.vectors.get(key)
    }

    /// Adds a fetched vector.
    pub fn insert(&mut self, key: Key, vector: Vector) {
        self.dimension.get_or_insert(vector.len());
        self.used.borrow_mut().insert(key);
        self.vectors.insert(key, vector);
        self.changed = true;
    }

    /// Writes the cache to `path` (atomically) when it changed, or when `prune` leaves out
    /// vectors this run did not use. Records are sorted by key, so the file is the same for
    /// the same vectors.
    pub fn save(&self, path: &Path, prune: bool) -> Result<(), Error> {
        let used = self.used.borrow();
        let pruned = prune && self.vectors.keys().any(|k| !used.contains(k));
        let Some(dim) = self.dimension else {
            return Ok(());
        };
        if !self.changed && !pruned {
            return Ok(());
        }
        let mut keys: Vec<&Key> = self
            .vectors
            .keys()
            .filter(|k| !prune || used.contains(*k))
            .collect();
        keys.sort_unstable();
        let mut out = Vec::with_capacity(MAGIC.len() + 4 + keys.len() * (32 + 4 * dim));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(dim as u32).to_le_bytes());
        for k in keys {
            out.extend_from_slice(k);
            for x in &self.vectors[k] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic(path, &out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_cache_loads_the_same_vectors_and_prunes_unused_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let mut cache = Cache::default();
        let (a, b) = (key("m", "", "a"), key("m", "", "b"));
        cache.insert(a, vec![0.6, 0.8]);
        cache.insert(b, vec![1.0, 0.0]);
        cache.save(&path, false).unwrap();
        let loaded = Cache::load(&path).unwrap();
        assert_eq!(loaded.dimension(), Some(2));
        assert!(loaded.contains(&a));
        assert_eq!(loaded.get(&a), Some(&vec![0.6, 0.8]));
        // Only `a` was asked for: a pruning save drops `b`.
        loaded.save(&path, true).unwrap();
        let again = Cache::load(&path).unwrap();
        assert!(again.get(&a).is_some() && again.get(&b).is_none());
        std::fs::write(&path, b"ICAMOEMB1\n\x02\0\0\0xyz").unwrap();
        let e = Cache::load(&path).unwrap_err().to_string();
        assert!(e.contains("m.bin: the embeddings cache is damaged"), "{e}");
    }

    #[test]
    fn the_key_tells_model_input_type_and_text_apart() {
        assert_ne!(key("m", "", "ab"), key("m", "a", "b"));
        assert_ne!(key("m", "query", "x"), key("m", "passage", "x"));
        assert_ne!(key("m1", "", "x"), key("m2", "", "x"));
    }
}

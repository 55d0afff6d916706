//! The languages icamo analyses: Dutch first, English too.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of a study or a document; it chooses the stemmer and stop words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// Dutch (`nl`), the default.
    #[default]
    #[serde(rename = "nl")]
    Dutch,
    /// English (`en`).
    #[serde(rename = "en")]
    English,
}

impl Language {
    /// The ISO 639-1 code used in manifests, the index and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Language::Dutch => "nl",
            Language::English => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "nl" | "dutch" | "nederlands" => Ok(Language::Dutch),
            "en" | "english" | "engels" => Ok(Language::English),
            other => Err(format!(
                "unknown language \"{other}\": expected \"nl\" (Dutch) or \"en\" (English)"
            )),
        }
    }
}

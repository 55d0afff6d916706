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

/// What language a text reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// A language icamo analyses.
    Analysed(Language),
    /// Another language, by its English name.
    Other(&'static str),
}

/// The language `text` reads as, told from its letter trigrams (whatlang) over its first
/// 20,000 bytes; `None` when the text is too short or too mixed to tell.
pub fn detect(text: &str) -> Option<Detected> {
    let mut cut = text.len().min(20_000);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let info = whatlang::detect(&text[..cut]).filter(|i| i.is_reliable())?;
    Some(match info.lang() {
        whatlang::Lang::Nld => Detected::Analysed(Language::Dutch),
        whatlang::Lang::Eng => Detected::Analysed(Language::English),
        other => Detected::Other(other.eng_name()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_told_dutch_english_or_other() {
        let nl = "Ik werk nu drie dagen in de week bij een bakkerij. Daar leer ik de meeste woorden, veel meer dan in de klas.";
        let en = "I work three days a week at a bakery now. That is where I learn most of the words, much more than in class.";
        let hu = "Most heti három napot dolgozom egy pékségben. Ott tanulom a legtöbb szót, sokkal többet, mint az órán.";
        assert_eq!(detect(nl), Some(Detected::Analysed(Language::Dutch)));
        assert_eq!(detect(en), Some(Detected::Analysed(Language::English)));
        assert_eq!(detect(hu), Some(Detected::Other("Hungarian")));
        assert_eq!(detect("ok"), None);
    }
}

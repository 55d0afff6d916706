//! The codes of several codebooks as one set, found by id: what evidence, charts and checks
//! look codes up in.

use std::collections::HashMap;

use super::{Code, Codebook, closest};

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

    /// The ids of the code and every code under it in its codebook's tree.
    pub fn with_descendants(&self, id: &str) -> Vec<&'a str> {
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
    pub fn lineage(&self, id: &str) -> Vec<&'a Code> {
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

    /// The known id most like `wanted`, if one is close.
    pub(crate) fn closest(&self, wanted: &str) -> Option<&'a str> {
        let mut ids: Vec<&str> = self.by_id.keys().copied().collect();
        ids.sort_unstable();
        closest(ids.into_iter(), wanted)
    }
}

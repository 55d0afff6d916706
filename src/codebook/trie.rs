//! A byte trie for the matcher: which prefixes (or, reversed, which endings) a word has.
//!
//! Built once with a [`TrieBuilder`], then frozen into a [`Trie`] whose nodes, edges and
//! values each sit in one contiguous array, so that walking a word touches few cache lines.

/// A frozen trie: walking a word yields the values of every key that is a prefix of it.
#[derive(Debug)]
pub(crate) struct Trie {
    /// The node reached by each first byte (0: none; node 0 is the root).
    root: Box<[u32; 256]>,
    nodes: Vec<Node>,
    /// Every node's edges, sorted by byte within a node.
    edges: Vec<(u8, u32)>,
    values: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    edges: (u32, u32),
    values: (u32, u32),
}

/// A trie being filled.
#[derive(Debug, Default)]
pub(crate) struct TrieBuilder {
    nodes: Vec<OpenNode>,
}

/// A node of a trie being filled: its edges sorted by byte (to the node's index), its values.
type OpenNode = (Vec<(u8, u32)>, Vec<u32>);

impl TrieBuilder {
    /// Adds `value` under a non-empty `key`.
    pub(crate) fn insert(&mut self, key: impl IntoIterator<Item = u8>, value: u32) {
        if self.nodes.is_empty() {
            self.nodes.push(Default::default());
        }
        let mut node = 0;
        for byte in key {
            node = match self.nodes[node].0.binary_search_by_key(&byte, |e| e.0) {
                Ok(i) => self.nodes[node].0[i].1 as usize,
                Err(i) => {
                    let next = self.nodes.len();
                    self.nodes.push(Default::default());
                    self.nodes[node].0.insert(i, (byte, next as u32));
                    next
                }
            };
        }
        if node != 0 && !self.nodes[node].1.contains(&value) {
            self.nodes[node].1.push(value);
        }
    }

    /// The trie, frozen.
    pub(crate) fn build(self) -> Trie {
        let mut trie = Trie {
            root: Box::new([0; 256]),
            nodes: Vec::with_capacity(self.nodes.len()),
            edges: Vec::new(),
            values: Vec::new(),
        };
        for (i, (edges, values)) in self.nodes.into_iter().enumerate() {
            if i == 0 {
                for &(byte, next) in &edges {
                    trie.root[byte as usize] = next;
                }
            }
            let (e, v) = (trie.edges.len() as u32, trie.values.len() as u32);
            trie.edges.extend_from_slice(&edges);
            trie.values.extend_from_slice(&values);
            trie.nodes.push(Node {
                edges: (e, trie.edges.len() as u32),
                values: (v, trie.values.len() as u32),
            });
        }
        if trie.nodes.is_empty() {
            trie.nodes.push(Node {
                edges: (0, 0),
                values: (0, 0),
            });
        }
        trie
    }
}

impl Trie {
    /// Appends to `out` the values of every key that `word` starts with, shortest first.
    #[inline]
    pub(crate) fn walk(&self, mut word: impl Iterator<Item = u8>, out: &mut Vec<u32>) {
        let Some(first) = word.next() else { return };
        let mut node = self.root[first as usize] as usize;
        while node != 0 {
            let n = self.nodes[node];
            out.extend_from_slice(&self.values[n.values.0 as usize..n.values.1 as usize]);
            let Some(byte) = word.next() else { return };
            let edges = &self.edges[n.edges.0 as usize..n.edges.1 as usize];
            node = match edges.binary_search_by_key(&byte, |e| e.0) {
                Ok(i) => edges[i].1 as usize,
                Err(_) => return,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_a_word_finds_every_key_it_starts_with() {
        let mut builder = TrieBuilder::default();
        builder.insert("werk".bytes(), 1);
        builder.insert("werkgever".bytes(), 2);
        builder.insert("wet".bytes(), 3);
        builder.insert("werk".bytes(), 4);
        let trie = builder.build();
        let mut out = Vec::new();
        trie.walk("werkgevers".bytes(), &mut out);
        assert_eq!(out, [1, 4, 2]);
        out.clear();
        trie.walk("we".bytes(), &mut out);
        trie.walk("".bytes(), &mut out);
        trie.walk("x".bytes(), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn an_empty_trie_finds_nothing() {
        let trie = TrieBuilder::default().build();
        let mut out = Vec::new();
        trie.walk("werk".bytes(), &mut out);
        assert!(out.is_empty());
    }
}

//! The code tree: which codes sit under which, drawn for `codebook show` and walked for
//! `--code ID`.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::model::{Code, CodeKind, Codebook};

impl Codebook {
    /// The codes directly under `id`, in file order.
    pub(crate) fn children(&self, id: &str) -> Vec<&Code> {
        self.codes
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id) && c.id != id)
            .collect()
    }

    /// The ids of the code `id` and of every code under it, depth-first in file order; empty
    /// when no code has that id. What `--code ID` selects.
    pub fn descendants(&self, id: &str) -> Vec<&str> {
        let Some(code) = self.code(id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.walk(code, &mut seen, &mut |c, _| out.push(c.id.as_str()), 0);
        out
    }

    /// The code tree as text: one code a line, indented under its parent, with its kind, its
    /// level or category marker and how many rules it has.
    ///
    /// Codes whose parent is unknown are shown at the top level; codes caught in a cycle of
    /// parents are listed at the end, so every code appears exactly once.
    pub fn tree(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{} ({} codes, language {})",
            self.name,
            self.version
                .as_deref()
                .map(|v| format!(", version {v}"))
                .unwrap_or_default(),
            self.codes.len(),
            self.language
        );
        let mut seen: HashSet<*const Code> = HashSet::new();
        let roots = self
            .codes
            .iter()
            .filter(|c| c.parent.as_deref().is_none_or(|p| self.code(p).is_none()));
        for root in roots {
            self.walk(root, &mut seen, &mut |c, depth| line(&mut out, c, depth), 0);
        }
        let rest: Vec<&Code> = self
            .codes
            .iter()
            .filter(|c| !seen.contains(&(*c as *const Code)))
            .collect();
        if !rest.is_empty() {
            out.push_str("(in a cycle of parents)\n");
            for code in rest {
                line(&mut out, code, 0);
            }
        }
        out
    }

    /// Visits `code` and everything under it once each, depth-first.
    fn walk<'a>(
        &'a self,
        code: &'a Code,
        seen: &mut HashSet<*const Code>,
        visit: &mut dyn FnMut(&'a Code, usize),
        depth: usize,
    ) {
        if !seen.insert(code as *const Code) {
            return;
        }
        visit(code, depth);
        for child in self.children(&code.id) {
            self.walk(child, seen, visit, depth + 1);
        }
    }
}

/// One line of the tree: `  int.pip  PIP (…)  [intervention, 3 rules]`.
fn line(out: &mut String, code: &Code, depth: usize) {
    let mut notes = vec![code.kind.name().to_string()];
    if let (CodeKind::Context, Some(level)) = (code.kind, code.level) {
        notes.push(level.name().to_string());
    }
    if !code.codable {
        notes.push("category".into());
    } else {
        let n = code.rules.count();
        notes.push(format!("{n} rule{}", if n == 1 { "" } else { "s" }));
    }
    if !code.rules.roles.is_empty() {
        notes.push(format!("roles: {}", code.rules.roles.join(", ")));
    }
    let _ = writeln!(
        out,
        "{}{}  {}  [{}]",
        "  ".repeat(depth + 1),
        code.id,
        code.label,
        notes.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = r#"[codebook]
name = "Boom"

[[codes]]
id = "int"
label = "Interventies"
kind = "intervention"
codable = false

[[codes]]
id = "int.pip"
parent = "int"
label = "PIP"
kind = "intervention"

[[codes]]
id = "int.pip.evaluatie"
parent = "int.pip"
label = "PIP-evaluatie"
kind = "intervention"

[[codes]]
id = "ctx"
label = "Context"
kind = "context"
level = "institutioneel"

[[codes]]
id = "a"
parent = "b"
label = "A"
kind = "other"

[[codes]]
id = "b"
parent = "a"
label = "B"
kind = "other"
"#;

    #[test]
    fn descendants_include_the_code_and_all_below_it() {
        let book = Codebook::parse("t.toml", TREE).unwrap();
        assert_eq!(
            book.descendants("int"),
            ["int", "int.pip", "int.pip.evaluatie"]
        );
        assert_eq!(book.descendants("int.pip.evaluatie"), ["int.pip.evaluatie"]);
        assert!(book.descendants("nope").is_empty());
        assert_eq!(book.descendants("a"), ["a", "b"]);
    }

    #[test]
    fn tree_shows_every_code_once() {
        let book = Codebook::parse("t.toml", TREE).unwrap();
        let tree = book.tree();
        assert_eq!(
            tree,
            "Boom (6 codes, language nl)
  int  Interventies  [intervention, category]
    int.pip  PIP  [intervention, 0 rules]
      int.pip.evaluatie  PIP-evaluatie  [intervention, 0 rules]
  ctx  Context  [context, institutioneel, 0 rules]
(in a cycle of parents)
  a  A  [other, 0 rules]
  b  B  [other, 0 rules]
"
        );
    }
}

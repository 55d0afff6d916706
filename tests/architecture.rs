//! The layering ARCHITECTURE.md promises, checked on the source: no two modules of the library
//! import each other, directly or through others.
//!
//! Every file under `src/` is a module (`src/a/b.rs` and `src/a/b/mod.rs` are `a::b`). An edge
//! goes from a module to the deepest module a path in its code names: `crate::…` and `super::…`
//! paths anywhere in the code, and in `use` trees also the paths that start at a child module
//! (`use model::Stance;` in `coding/mod.rs`). Comments, string literals and the `#[cfg(test)]`
//! module at the end of a file are left out: a unit test may build a whole study to test a
//! lower layer. A module and its own descendants are one unit here: `transcript/mod.rs`
//! dispatches to its parsers, which return the types it declares, as every Rust module tree
//! does; what must not happen is two separate modules leaning on each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use regex::Regex;

/// Module path (`coding::manual`, `` for the crate root) → the file's code.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir(src) {
        let rel = entry.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
            parts.pop();
        }
        if parts == ["main"] {
            continue; // the binary, not the library
        }
        let code = std::fs::read_to_string(&entry).unwrap();
        out.insert(parts.join("::"), strip(&code));
    }
    out
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The code without string literals, comments and a trailing `#[cfg(test)] mod tests`.
fn strip(code: &str) -> String {
    let code = match code.find("#[cfg(test)]\nmod tests") {
        Some(i) => &code[..i],
        None => code,
    };
    let string = Regex::new(r#""(?:[^"\\\n]|\\.)*""#).unwrap();
    let comment = Regex::new(r"(?m)//.*$").unwrap();
    let code = string.replace_all(code, "\"\"");
    comment.replace_all(&code, "").into_owned()
}

/// Every path a `use` tree names, flattened: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn flatten(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    flatten(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        flatten(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap().trim();
        out.push(join(prefix, path));
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// The modules `module` imports, by the rules at the top of this file.
fn imports(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let use_stmt = Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);").unwrap();
    let inline = Regex::new(r"\b(?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+").unwrap();
    let mut paths = Vec::new();
    for cap in use_stmt.captures_iter(code) {
        flatten(&cap[1], "", &mut paths);
    }
    paths.extend(inline.find_iter(code).map(|m| m.as_str().to_string()));
    let parent: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let mut out = BTreeSet::new();
    for path in paths {
        let mut parts: Vec<&str> = path.split("::").collect();
        let mut base: Vec<&str> = match parts[0] {
            "crate" => {
                parts.remove(0);
                Vec::new()
            }
            "super" => {
                let mut b = parent.clone();
                while parts.first() == Some(&"super") {
                    parts.remove(0);
                    b.pop();
                }
                b
            }
            "self" => {
                parts.remove(0);
                parent.clone()
            }
            // A path from a child module of this one (`use model::Stance;`).
            first if known.contains(&join(module, first)) => parent.clone(),
            _ => continue,
        };
        // The deepest module the path names.
        let mut target = base.join("::");
        for part in parts {
            base.push(part);
            let candidate = base.join("::");
            if known.contains(&candidate) {
                target = candidate;
            } else {
                break;
            }
        }
        if target != module && !target.is_empty() {
            out.insert(target);
        }
    }
    out
}

/// Whether one module lies inside the other (the crate root contains every module).
fn related(a: &str, b: &str) -> bool {
    let inside = |inner: &str, outer: &str| {
        outer.is_empty()
            || inner
                .strip_prefix(outer)
                .is_some_and(|r| r.starts_with("::"))
    };
    inside(a, b) || inside(b, a)
}

/// The groups of modules under `src` that import each other.
fn cycles(src: &Path) -> Vec<Vec<String>> {
    let modules = modules(src);
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let mut graph = DiGraph::<&str, ()>::new();
    let nodes: BTreeMap<&str, _> = known
        .iter()
        .map(|m| (m.as_str(), graph.add_node(m.as_str())))
        .collect();
    for (module, code) in &modules {
        for target in imports(module, code, &known) {
            if !related(module, &target) {
                graph.add_edge(nodes[module.as_str()], nodes[target.as_str()], ());
            }
        }
    }
    let mut cycles: Vec<Vec<String>> = tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let mut names: Vec<String> = scc.iter().map(|n| graph[*n].to_string()).collect();
            names.sort_unstable();
            names
        })
        .collect();
    cycles.sort();
    cycles
}

#[test]
fn no_module_of_the_library_imports_a_module_that_imports_it_back() {
    let cycles = cycles(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        cycles.is_empty(),
        "modules that import each other (directly or through the others listed):\n{}",
        cycles
            .iter()
            .map(|c| format!("  {}", c.join(" ↔ ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn a_cycle_through_three_files_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("chain")).unwrap();
    for (file, code) in [
        ("lib.rs", "pub mod chain;\npub mod study;\n"),
        ("study.rs", "use crate::chain::graph::Codes;\n"),
        ("chain/mod.rs", "pub mod chart;\npub mod graph;\n"),
        (
            "chain/chart.rs",
            "use crate::study::Study;\n// use crate::nothing;\n",
        ),
        (
            "chain/graph.rs",
            "use super::chart::EdgeKind;\n#[cfg(test)]\nmod tests {}\n",
        ),
    ] {
        std::fs::write(src.join(file), code).unwrap();
    }
    assert_eq!(cycles(src), [["chain::chart", "chain::graph", "study"]]);
}

#[test]
fn the_import_reader_follows_use_trees_super_and_child_modules() {
    let known: BTreeSet<String> = [
        "coding",
        "coding::model",
        "coding::manual",
        "study",
        "fsutil",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let code = "use crate::{fsutil::write_atomic, study::{Study, CODINGS_DIR}};\n\
                use model::Stance;\nfn f() { super::manual::load(); }";
    let got = imports("coding", code, &known);
    let want: BTreeSet<String> = ["fsutil", "study", "coding::model"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(got, want);
    let got = imports("coding::model", "fn f() { super::manual::load(); }", &known);
    assert_eq!(got, BTreeSet::from(["coding::manual".to_string()]));
}

//! `memos/`: the project's notes that no coding refers to (those become the codings' notes),
//! one Markdown file each; and what icamo has no other place for, each in one memo: the code
//! groups (`Sets` of codes: a code has one parent in icamo, and ATLAS.ti puts a code in
//! several groups), the links between the project's objects, and the comments on passages that
//! carry no code (MAXQDA's and ATLAS.ti's quotation comments without a code).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use super::archive::Archive;
use super::plan::{Plan, doc_slug, norm_guid, unique};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::interop::xml::Element;

/// Writes the memos into the study folder `dir`, with `comments` (the comments on passages
/// without a code, as Markdown); returns how many.
pub(super) fn write(
    dir: &Path,
    plan: &Plan<'_>,
    archive: &mut Archive,
    comments: &str,
) -> Result<usize, Error> {
    let used = coding_note_refs(&plan.qde.root);
    let mut memo_names = HashSet::new();
    let mut written = 0;
    for (g, note) in plan
        .notes
        .iter()
        .filter(|(g, _)| !used.contains(*g))
        .collect::<BTreeMap<_, _>>()
    {
        let name = note.attr("name").unwrap_or("memo");
        let body = archive.text_of(note)?.unwrap_or_default();
        let slug = unique(doc_slug(name), &mut memo_names);
        let memos = dir.join("memos");
        std::fs::create_dir_all(&memos).map_err(|e| Error::io(&memos, e))?;
        let memo = format!(
            "# {name}\n\n<!-- REFI-QDA note {g} -->\n\n{}\n",
            body.trim_end()
        );
        write_atomic(&memos.join(format!("{slug}.md")), memo.as_bytes())?;
        written += 1;
    }
    // icamo's own export carries its links (the configurations' edges) in the codebook.
    let groups = code_groups(plan);
    let links = if plan.block.is_some() {
        String::new()
    } else {
        links(plan)
    };
    for (name, title, body) in [
        ("refi-code-groups", "Code groups", groups),
        ("refi-links", "Links", links),
        (
            "refi-comments",
            "Comments on passages without a code",
            comments.to_string(),
        ),
    ] {
        if body.is_empty() {
            continue;
        }
        let memos = dir.join("memos");
        std::fs::create_dir_all(&memos).map_err(|e| Error::io(&memos, e))?;
        let memo = format!("# {title} (from the REFI-QDA project)\n\n{body}");
        write_atomic(&memos.join(format!("{name}.md")), memo.as_bytes())?;
        written += 1;
    }
    Ok(written)
}

/// The code groups: each `Set` with member codes, its codes by id. (icamo's own codebook sets,
/// `icamo codebook: NAME`, are codebooks already.)
fn code_groups(plan: &Plan<'_>) -> String {
    let mut out = String::new();
    let Some(sets) = plan.qde.root.child("Sets") else {
        return out;
    };
    for set in sets.children_named("Set") {
        let name = set.attr("name").unwrap_or("group");
        let members: Vec<String> = set
            .children_named("MemberCode")
            .filter_map(|m| m.attr("targetGUID").or(m.attr("guid")))
            .map(|g| {
                plan.codes.ids.get(&norm_guid(g)).map_or_else(
                    || format!("a code not in the codebook ({g})"),
                    |id| format!("`{id}`"),
                )
            })
            .collect();
        if members.is_empty() || name.starts_with("icamo") {
            continue;
        }
        let _ = writeln!(out, "## {name}\n");
        if let Some(d) = set
            .child_text("Description")
            .filter(|d| !d.trim().is_empty())
        {
            let _ = writeln!(out, "{}\n", d.trim());
        }
        for m in members {
            let _ = writeln!(out, "- {m}");
        }
        out.push('\n');
    }
    out
}

/// The links between the project's objects, each as "origin → target", named.
fn links(plan: &Plan<'_>) -> String {
    let mut out = String::new();
    let Some(links) = plan.qde.root.child("Links") else {
        return out;
    };
    let names = object_names(plan);
    let name = |g: Option<&str>| {
        g.map_or("nothing".to_string(), |g| {
            names
                .get(&norm_guid(g))
                .cloned()
                .unwrap_or_else(|| format!("an object not in the project ({g})"))
        })
    };
    for link in links.children_named("Link") {
        let arrow = match link.attr("direction") {
            Some("Bidirectional") => "↔",
            Some("Associative") => "—",
            _ => "→",
        };
        let _ = write!(
            out,
            "- {} {arrow} {}",
            name(link.attr("originGUID")),
            name(link.attr("targetGUID"))
        );
        if let Some(n) = link.attr("name").filter(|n| !n.trim().is_empty()) {
            let _ = write!(out, " ({})", n.trim());
        }
        out.push('\n');
    }
    out
}

/// What a GUID of the project names, as a memo says it: a code by its id, a source, note, case,
/// set or user by its name, a selection by its quote and source.
fn object_names(plan: &Plan<'_>) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = plan
        .codes
        .ids
        .iter()
        .map(|(g, id)| (g.clone(), format!("code `{id}`")))
        .collect();
    fn walk(el: &Element, source: &str, names: &mut HashMap<String, String>) {
        for c in &el.children {
            let Some(g) = c.attr("guid") else { continue };
            let label = c.attr("name").unwrap_or_default();
            let named = match c.name.as_str() {
                n if n.ends_with("Source") => {
                    walk(c, label, names);
                    format!("source \"{label}\"")
                }
                n if n.ends_with("Selection") => format!("passage \"{label}\" of \"{source}\""),
                "Representation" | "Transcript" => {
                    walk(c, source, names);
                    continue;
                }
                "Note" => format!("note \"{label}\""),
                "Case" => format!("case \"{label}\""),
                "Set" => format!("group \"{label}\""),
                "User" => format!("user \"{label}\""),
                _ => continue,
            };
            names.insert(norm_guid(g), named);
        }
    }
    for part in ["Sources", "Notes", "Cases", "Sets", "Users"] {
        if let Some(el) = plan.qde.root.child(part) {
            walk(el, "", &mut names);
        }
    }
    names
}

/// The notes (by GUID) that hang on codings, which become the codings' notes.
fn coding_note_refs(root: &Element) -> HashSet<String> {
    fn walk(el: &Element, out: &mut HashSet<String>) {
        if el.name == "Coding" {
            for r in el.children_named("NoteRef") {
                if let Some(g) = r.attr("targetGUID") {
                    out.insert(norm_guid(g));
                }
            }
        }
        for c in &el.children {
            walk(c, out);
        }
    }
    let mut out = HashSet::new();
    if let Some(s) = root.child("Sources") {
        walk(s, &mut out);
    }
    out
}

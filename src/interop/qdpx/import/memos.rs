//! `memos/`: the project's notes that no coding refers to (those become the codings' notes),
//! one Markdown file each.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::archive::Archive;
use super::plan::{Plan, doc_slug, norm_guid, unique};
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::interop::xml::Element;

/// Writes the memos into the study folder `dir`; returns how many.
pub(super) fn write(dir: &Path, plan: &Plan<'_>, archive: &mut Archive) -> Result<usize, Error> {
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
    Ok(written)
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

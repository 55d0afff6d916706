//! The `icamo.toml` of an imported study: icamo's own block where the project has one (an
//! icamo export), else what the sources, their variables, document groups and cases say: a
//! group written "name: value" (ATLAS.ti's way) is an attribute, other groups are listed in
//! the attribute `refi_groups`; a case a source belongs to is its `case` (with the case's
//! variables), or, when it belongs to several, listed in `refi_cases`. A source without
//! speaker labels is read as a document, by paragraph.

use std::collections::HashMap;

use toml::{Table, Value};

use super::plan::{Plan, Source, norm_guid};
use crate::interop::xml::Element;

/// The manifest of the study imported by `plan`, as TOML text with a comment on top.
pub(super) fn manifest(plan: &Plan<'_>) -> String {
    let mut t = Table::new();
    let mut study = Table::new();
    let name = plan
        .block
        .as_ref()
        .and_then(|b| b.get("study")?.as_str())
        .unwrap_or(&plan.name);
    study.insert("name".into(), Value::String(name.to_string()));
    study.insert("language".into(), Value::String(plan.language.clone()));
    study.insert(
        "transcripts".into(),
        Value::Array(vec![Value::String("corpus".into())]),
    );
    t.insert("study".into(), Value::Table(study));
    let documents = documents(plan);
    if !documents.is_empty() {
        t.insert("documents".into(), Value::Array(documents));
    }
    if let Some(Value::Array(speakers)) = plan.block.as_ref().and_then(|b| b.get("speakers")) {
        t.insert("speakers".into(), Value::Array(speakers.clone()));
    }
    let body = toml::to_string(&t).unwrap_or_default();
    format!(
        "# A study imported by icamo from the REFI-QDA project \"{}\".\n# Add [[speakers]] entries with roles for the labels in the transcripts; see `icamo init`.\n\n{body}",
        plan.name
    )
}

/// The `[[documents]]` entries: one per source whose text the archive has.
fn documents(plan: &Plan<'_>) -> Vec<Value> {
    let own: HashMap<&str, &Table> = plan
        .block
        .as_ref()
        .and_then(|b| b.get("documents")?.as_array())
        .map(|a| {
            a.iter()
                .filter_map(Value::as_table)
                .filter_map(|d| Some((d.get("id")?.as_str()?, d)))
                .collect()
        })
        .unwrap_or_default();
    let root = &plan.qde.root;
    let groups = document_groups(root);
    let cases = source_cases(root);
    let variables: HashMap<String, String> = root
        .child("Variables")
        .map(|v| {
            v.children_named("Variable")
                .filter_map(|x| Some((norm_guid(x.attr("guid")?), x.attr("name")?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let mut documents = Vec::new();
    for ((s, id), language) in plan.sources.iter().zip(&plan.doc_ids).zip(&plan.languages) {
        if s.text.is_none() {
            continue;
        }
        let mut d = Table::new();
        d.insert("file".into(), Value::String(format!("corpus/{id}.txt")));
        d.insert("format".into(), Value::String("text".into()));
        if let Some(l) = language {
            d.insert("language".into(), Value::String(l.clone()));
        }
        if let Some(o) = own.get(id.as_str()) {
            for (k, v) in o.iter() {
                if k != "id" {
                    d.insert(k.clone(), v.clone());
                }
            }
        } else {
            let mut attributes = attributes(s, &variables, &groups);
            let source_guid = s.el.attr("guid").map(norm_guid).unwrap_or_default();
            match cases.get(&source_guid).map(Vec::as_slice) {
                Some([case]) => {
                    for (k, v) in values(case, &variables) {
                        attributes.entry(k).or_insert(Value::String(v));
                    }
                    let name = case.attr("name").unwrap_or("case").to_string();
                    attributes.entry("case").or_insert(Value::String(name));
                }
                Some(several) => {
                    let names: Vec<&str> = several.iter().filter_map(|c| c.attr("name")).collect();
                    attributes.insert("refi_cases".into(), Value::String(names.join("; ")));
                }
                None => {}
            }
            for key in ["case", "group", "type", "date"] {
                if let Some(v) = attributes.remove(key) {
                    d.insert(key.into(), v);
                }
            }
            attributes.insert("refi_name".into(), Value::String(s.name.clone()));
            d.insert("attributes".into(), Value::Table(attributes));
        }
        if !d.contains_key("read_as") && !has_speaker_labels(s.text.as_deref().unwrap_or("")) {
            d.insert("read_as".into(), Value::String("document".into()));
        }
        documents.push(Value::Table(d));
    }
    documents
}

/// Whether a source's text reads as a transcript: some turn has a speaker label. Interview
/// notes, papers and NVivo sources without `Name:` labels do not, and are read by paragraph
/// (`read_as = "document"`), so their codings land on the paragraphs they were made on.
fn has_speaker_labels(text: &str) -> bool {
    crate::transcript::parse(crate::transcript::Format::Text, text)
        .is_ok_and(|p| p.turns.iter().any(|t| t.speaker.is_some()))
}

/// The document groups, by source GUID, as (attribute, value): ATLAS.ti writes groups such as
/// "gender: male", which read as attributes; any other group as ("refi_groups", its name).
fn document_groups(root: &Element) -> HashMap<String, Vec<(String, String)>> {
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let Some(sets) = root.child("Sets") else {
        return groups;
    };
    for set in sets.children_named("Set") {
        let name = set.attr("name").unwrap_or_default().trim();
        if name.is_empty() || name.starts_with("icamo") {
            continue;
        }
        let pair = match name.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                (k.trim().to_string(), v.trim().to_string())
            }
            _ => ("refi_groups".to_string(), name.to_string()),
        };
        for m in set.children_named("MemberSource") {
            if let Some(g) = m.attr("targetGUID") {
                groups.entry(norm_guid(g)).or_default().push(pair.clone());
            }
        }
    }
    groups
}

/// The cases each source belongs to (by the case's `SourceRef`), by source GUID.
fn source_cases(root: &Element) -> HashMap<String, Vec<&Element>> {
    let mut out: HashMap<String, Vec<&Element>> = HashMap::new();
    for case in root
        .child("Cases")
        .into_iter()
        .flat_map(|c| c.children_named("Case"))
    {
        for r in case.children_named("SourceRef") {
            if let Some(g) = r.attr("targetGUID") {
                out.entry(norm_guid(g)).or_default().push(case);
            }
        }
    }
    out
}

/// The variable values of a source or case (`variables`: name by GUID), as (name, value).
fn values(el: &Element, variables: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for vv in el.children_named("VariableValue") {
        let Some(name) = vv
            .child("VariableRef")
            .and_then(|r| r.attr("targetGUID"))
            .and_then(|g| variables.get(&norm_guid(g)))
        else {
            continue;
        };
        if let Some(value) = vv.children.iter().find(|c| c.name != "VariableRef") {
            out.push((name.clone(), value.text.trim().to_string()));
        }
    }
    out
}

/// A source's attributes: its variable values (`variables`: name by GUID), then its groups.
fn attributes(
    s: &Source<'_>,
    variables: &HashMap<String, String>,
    groups: &HashMap<String, Vec<(String, String)>>,
) -> Table {
    let mut attributes = Table::new();
    for (name, value) in values(s.el, variables) {
        attributes.insert(name, Value::String(value));
    }
    if let Some(g) = s.el.attr("guid") {
        let mut listed: Vec<&str> = Vec::new();
        for (k, v) in groups.get(&norm_guid(g)).into_iter().flatten() {
            if k == "refi_groups" {
                listed.push(v);
            } else {
                attributes.insert(k.clone(), Value::String(v.clone()));
            }
        }
        if !listed.is_empty() {
            attributes.insert("refi_groups".into(), Value::String(listed.join("; ")));
        }
    }
    attributes
}

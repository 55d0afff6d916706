//! The `icamo.toml` of an imported study: icamo's own block where the project has one (an
//! icamo export), else what the sources, their variables and document groups say.

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
    let variables: HashMap<String, String> = root
        .child("Variables")
        .map(|v| {
            v.children_named("Variable")
                .filter_map(|x| Some((norm_guid(x.attr("guid")?), x.attr("name")?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let mut documents = Vec::new();
    for (s, id) in plan.sources.iter().zip(&plan.doc_ids) {
        if s.text.is_none() {
            continue;
        }
        let mut d = Table::new();
        d.insert("file".into(), Value::String(format!("corpus/{id}.txt")));
        d.insert("format".into(), Value::String("text".into()));
        if let Some(o) = own.get(id.as_str()) {
            for (k, v) in o.iter() {
                if k != "id" {
                    d.insert(k.clone(), v.clone());
                }
            }
        } else {
            let mut attributes = attributes(s, &variables, &groups);
            for key in ["case", "group", "type", "date"] {
                if let Some(v) = attributes.remove(key) {
                    d.insert(key.into(), v);
                }
            }
            attributes.insert("refi_name".into(), Value::String(s.name.clone()));
            d.insert("attributes".into(), Value::Table(attributes));
        }
        documents.push(Value::Table(d));
    }
    documents
}

/// The document groups, by source GUID, as (attribute, value): ATLAS.ti writes groups such as
/// "gender: male", which read as attributes.
fn document_groups(root: &Element) -> HashMap<String, Vec<(String, String)>> {
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let Some(sets) = root.child("Sets") else {
        return groups;
    };
    for set in sets.children_named("Set") {
        let Some((k, v)) = set.attr("name").and_then(|n| n.split_once(':')) else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || v.is_empty() || k.starts_with("icamo") {
            continue;
        }
        for m in set.children_named("MemberSource") {
            if let Some(g) = m.attr("targetGUID") {
                groups
                    .entry(norm_guid(g))
                    .or_default()
                    .push((k.to_string(), v.to_string()));
            }
        }
    }
    groups
}

/// A source's attributes: its variable values (`variables`: name by GUID), then its groups.
fn attributes(
    s: &Source<'_>,
    variables: &HashMap<String, String>,
    groups: &HashMap<String, Vec<(String, String)>>,
) -> Table {
    let mut attributes = Table::new();
    for vv in s.el.children_named("VariableValue") {
        let Some(name) = vv
            .child("VariableRef")
            .and_then(|r| r.attr("targetGUID"))
            .and_then(|g| variables.get(&norm_guid(g)))
        else {
            continue;
        };
        if let Some(value) = vv.children.iter().find(|c| c.name != "VariableRef") {
            attributes.insert(name.clone(), Value::String(value.text.trim().to_string()));
        }
    }
    if let Some(g) = s.el.attr("guid") {
        for (k, v) in groups.get(&norm_guid(g)).into_iter().flatten() {
            attributes.insert(k.clone(), Value::String(v.clone()));
        }
    }
    attributes
}

//! REFI-QDA codebooks: icamo's TOML codebooks as `<CodeBook>` XML and back.
//!
//! What REFI-QDA has a place for travels there: the code tree as nested `<Code>` elements,
//! the label as `name`, `isCodable`, `color`, and the definition as `<Description>`. What it has
//! no place for (icamo's id, kind, context level, process and sub-goal, rules, weights) follows
//! the definition in the same description, as a TOML block that starts with a line `[icamo]`:
//!
//! ```text
//! Uitvoerders zien dat leren en werken samen beter werkt dan na elkaar.
//!
//! [icamo]
//! id = "icamo1.m1"
//! kind = "mechanism"
//! process = "…"
//! ```
//!
//! Other tools show it as part of the description and leave it alone, so a codebook that goes
//! through ATLAS.ti or NVivo and back still has its rules. The codebook's header, synonym groups
//! and `[[configurations]]` travel the same way in the description of one `<Set>` per codebook,
//! named `icamo codebook: NAME`, whose members are its codes; each configuration also becomes a
//! set of the codes it names, so other tools can show it as a code group.
//!
//! Reading is lenient: a code without a block gets an id made from its name, kind `other`,
//! and, where ATLAS.ti writes a sub-code as `Parent::child`, the parent of that name.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use toml::{Table, Value};

use super::guid::{guid, is_guid};
use super::xml::{self, Element, Writer};
use crate::codebook::{Codebook, CodebookSet};
use crate::error::Error;

/// The namespace of a REFI-QDA codebook file.
pub(crate) const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// The line that starts icamo's block in a description.
const BLOCK: &str = "[icamo]";

/// The name prefix of the set that carries a codebook's header, synonyms and configurations.
const BOOK_SET: &str = "icamo codebook: ";

/// Code fields REFI-QDA carries itself, so they stay out of the block.
const REFI_FIELDS: [&str; 5] = ["label", "definition", "parent", "codable", "color"];

/// One codebook file as export reads it: the codebook and its file as a TOML table, which
/// carries every field as written.
struct Book<'a> {
    codebook: &'a Codebook,
    table: &'a Table,
}

impl<'a> Book<'a> {
    /// Every file of `set`.
    fn all(set: &'a CodebookSet) -> Vec<Book<'a>> {
        set.files()
            .map(|(codebook, table)| Book { codebook, table })
            .collect()
    }

    fn code_tables(&self) -> Vec<Table> {
        match self.table.get("codes") {
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_table().cloned()).collect(),
            _ => Vec::new(),
        }
    }

    /// The file without its codes: header, synonyms, configurations.
    fn rest(&self) -> Table {
        let mut rest = self.table.clone();
        rest.remove("codes");
        rest
    }
}

/// Writes `<Codes>` with every code of the set as one tree.
pub(crate) fn write_codes(w: &mut Writer, set: &CodebookSet) {
    let books = Book::all(set);
    let mut tables: Vec<(String, Table)> = Vec::new();
    for book in books {
        for (code, table) in book.codebook.codes.iter().zip(book.code_tables()) {
            tables.push((code.id.clone(), table));
        }
    }
    let ids: HashSet<&str> = tables.iter().map(|(id, _)| id.as_str()).collect();
    let mut children: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut roots = Vec::new();
    for (i, (_, table)) in tables.iter().enumerate() {
        match table.get("parent").and_then(Value::as_str) {
            Some(p) if ids.contains(p) => children.entry(p).or_default().push(i),
            _ => roots.push(i),
        }
    }
    w.open("Codes", &[]);
    for i in roots {
        write_code(w, &tables, &children, &ids, i);
    }
    w.close("Codes");
}

fn write_code(
    w: &mut Writer,
    tables: &[(String, Table)],
    children: &BTreeMap<&str, Vec<usize>>,
    ids: &HashSet<&str>,
    i: usize,
) {
    let (id, table) = &tables[i];
    let get = |k: &str| table.get(k).and_then(Value::as_str);
    let label = get("label").unwrap_or(id);
    let codable = table
        .get("codable")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let mut block = Table::new();
    for (k, v) in table {
        let keep = !REFI_FIELDS.contains(&k.as_str())
            || (k == "parent" && v.as_str().is_some_and(|p| !ids.contains(p)));
        if keep {
            block.insert(k.clone(), v.clone());
        }
    }
    let description = describe(get("definition"), block);
    let guid = guid("code", id);
    let mut attrs = vec![
        ("guid", guid.as_str()),
        ("name", label),
        ("isCodable", if codable { "true" } else { "false" }),
    ];
    if let Some(color) = get("color") {
        attrs.push(("color", color));
    }
    w.open("Code", &attrs);
    w.text("Description", &[], &description);
    for &c in children.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]) {
        write_code(w, tables, children, ids, c);
    }
    w.close("Code");
}

/// A description: the human text, then icamo's block.
pub(crate) fn describe(text: Option<&str>, block: Table) -> String {
    let mut wrapper = Table::new();
    wrapper.insert("icamo".into(), Value::Table(block));
    let mut block = toml::to_string(&wrapper).unwrap_or_default();
    // A block of sub-tables only starts with `[icamo.…]`; the `[icamo]` line marks it anyway.
    if !block.starts_with(&format!("{BLOCK}\n")) {
        block = format!("{BLOCK}\n{block}");
    }
    match text.map(str::trim_end).filter(|t| !t.is_empty()) {
        Some(t) => format!("{t}\n\n{}", block.trim_end()),
        None => block.trim_end().to_string(),
    }
}

/// Splits a description into the human text and icamo's block, if it has one.
pub(crate) fn split_description(
    description: &str,
) -> Result<(Option<String>, Option<Table>), String> {
    let normalised = description.replace("\r\n", "\n");
    let start = if normalised.starts_with(BLOCK) {
        Some(0)
    } else {
        normalised
            .find(&format!("\n{BLOCK}\n"))
            .or_else(|| {
                normalised
                    .ends_with(&format!("\n{BLOCK}"))
                    .then(|| normalised.len() - BLOCK.len() - 1)
            })
            .map(|i| i + 1)
    };
    let (text, block) = match start {
        Some(i) => (&normalised[..i], Some(&normalised[i..])),
        None => (normalised.as_str(), None),
    };
    let text = Some(text.trim().to_string()).filter(|t| !t.is_empty());
    let block = match block {
        None => None,
        Some(b) => {
            let mut t: Table = b.parse().map_err(|e: toml::de::Error| {
                format!("its [icamo] block is not valid TOML: {}", e.message())
            })?;
            match t.remove("icamo") {
                Some(Value::Table(t)) => Some(t),
                _ => None,
            }
        }
    };
    Ok((text, block))
}

/// Writes the sets that carry each codebook's header and configurations, and one set per
/// configuration (its codes).
///
/// `member` is the element and attribute of a member: `("MemberCode", "guid")` in a `.qdc`,
/// `("MemberCode", "targetGUID")` in a project, as the two schemas differ.
pub(crate) fn write_sets(w: &mut Writer, set: &CodebookSet, member: (&str, &str)) {
    let books = Book::all(set);
    for book in &books {
        let name = &book.codebook.name;
        let set_guid = guid("codebook", name);
        w.open(
            "Set",
            &[("guid", &set_guid), ("name", &format!("{BOOK_SET}{name}"))],
        );
        let text = "The header, synonym groups and ICAMO configurations of this icamo codebook; \
                    icamo reads them back from here.";
        w.text("Description", &[], &describe(Some(text), book.rest()));
        for code in &book.codebook.codes {
            w.empty(member.0, &[(member.1, &guid("code", &code.id))]);
        }
        w.close("Set");
    }
    for book in &books {
        let Some(Value::Array(configurations)) = book.table.get("configurations") else {
            continue;
        };
        for c in configurations.iter().filter_map(Value::as_table) {
            let id = c.get("id").and_then(Value::as_str).unwrap_or_default();
            let title = c.get("title").and_then(Value::as_str).unwrap_or(id);
            w.open(
                "Set",
                &[
                    ("guid", &guid("configuration", id)),
                    ("name", &format!("{id}: {title}")),
                ],
            );
            w.text(
                "Description",
                &[],
                &format!(
                    "The codes of ICAMO configuration {id} (codebook \"{}\").",
                    book.codebook.name
                ),
            );
            let mut seen = HashSet::new();
            let mut codes = Vec::new();
            collect_strings(&Value::Table(c.clone()), &mut codes);
            for code in codes {
                if book.codebook.code(&code).is_some() && seen.insert(code.clone()) {
                    w.empty(member.0, &[(member.1, &guid("code", &code))]);
                }
            }
            w.close("Set");
        }
    }
}

/// Every string in a value, depth first (the code ids a configuration names, and its texts,
/// which are filtered against the codebook by the caller).
fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Table(t) => t.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// A REFI-QDA codebook file (`.qdc`) of the given codebooks.
pub fn export_qdc(set: &CodebookSet) -> String {
    let mut w = Writer::new();
    let origin = format!("icamo {}", env!("CARGO_PKG_VERSION"));
    w.open(
        "CodeBook",
        &[
            ("xmlns", CODEBOOK_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("origin", &origin),
        ],
    );
    write_codes(&mut w, set);
    if !set.books.is_empty() {
        w.open("Sets", &[]);
        write_sets(&mut w, set, ("MemberCode", "guid"));
        w.close("Sets");
    }
    w.close("CodeBook");
    w.finish()
}

/// Codebooks read from REFI-QDA XML, as icamo TOML.
#[derive(Debug, Clone, Default)]
pub struct ImportedCodes {
    /// One codebook per `icamo codebook:` set, or one for everything.
    pub books: Vec<ImportedBook>,
    /// The code id each code GUID (upper case) became.
    pub ids: HashMap<String, String>,
    /// Things worth telling the user (ids made up, sets skipped), one sentence each.
    pub notes: Vec<String>,
}

/// One codebook as TOML text, checked to parse.
#[derive(Debug, Clone)]
pub struct ImportedBook {
    /// The codebook's name.
    pub name: String,
    /// The TOML text of the codebook file.
    pub toml: String,
    /// How many codes it has.
    pub codes: usize,
}

/// One `<Code>` as read, before it becomes a TOML table.
struct ReadCode {
    guid: String,
    name: String,
    codable: bool,
    color: Option<String>,
    text: Option<String>,
    block: Option<Table>,
    parent: Option<usize>,
}

/// Reads the codes under `codes` (a `<Codes>` element) and the codebook sets among `sets`.
///
/// `file` names the file in errors; `name` and `language` are used for codes that no
/// `icamo codebook:` set claims.
pub fn read_codes(
    codes: Option<&Element>,
    sets: Option<&Element>,
    name: &str,
    language: &str,
    file: &Path,
) -> Result<ImportedCodes, Error> {
    let fail = |line: usize, message: String| Error::Parse {
        path: file.to_path_buf(),
        line,
        column: 1,
        message,
    };
    let mut read = Vec::new();
    if let Some(codes) = codes {
        for c in codes.children_named("Code") {
            read_code(c, None, &mut read, &fail)?;
        }
    }
    let by_guid: HashMap<String, usize> = read
        .iter()
        .enumerate()
        .map(|(i, c)| (c.guid.to_uppercase(), i))
        .collect();

    // ATLAS.ti writes sub-codes as "Parent::child" at the top level.
    let names: HashMap<&str, usize> = read
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut labels: Vec<String> = read.iter().map(|c| c.name.clone()).collect();
    let mut parents: Vec<Option<usize>> = read.iter().map(|c| c.parent).collect();
    for (i, c) in read.iter().enumerate() {
        if c.parent.is_none()
            && c.block.is_none()
            && let Some((head, tail)) = c.name.rsplit_once("::")
            && let Some(&p) = names.get(head)
            && p != i
            && !tail.trim().is_empty()
        {
            parents[i] = Some(p);
            labels[i] = tail.trim().to_string();
        }
    }

    // Ids: from the block, else made from the label path, unique.
    let mut ids: Vec<String> = vec![String::new(); read.len()];
    let mut taken: HashSet<String> = read
        .iter()
        .filter_map(|c| c.block.as_ref()?.get("id")?.as_str().map(str::to_string))
        .collect();
    let mut made = 0;
    for i in 0..read.len() {
        if let Some(id) = read[i].block.as_ref().and_then(|b| b.get("id")?.as_str()) {
            ids[i] = id.to_string();
            continue;
        }
        let mut path = vec![slug(&labels[i])];
        let mut p = parents[i];
        let mut hops = 0;
        while let Some(j) = p {
            hops += 1;
            if hops > read.len() {
                break;
            }
            path.push(slug(&labels[j]));
            p = parents[j];
        }
        path.reverse();
        let base = path.join(".");
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        ids[i] = id;
        made += 1;
    }
    let mut notes = Vec::new();
    if made > 0 {
        notes.push(format!(
            "{made} code{} without icamo data got an id made from {} name and kind \"other\"; set the kind in the codebook to use {} in configurations",
            if made == 1 { "" } else { "s" },
            if made == 1 { "its" } else { "their" },
            if made == 1 { "it" } else { "them" },
        ));
    }
    finish(
        read, ids, labels, parents, sets, name, language, file, by_guid, notes,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    read: Vec<ReadCode>,
    ids: Vec<String>,
    labels: Vec<String>,
    parents: Vec<Option<usize>>,
    sets: Option<&Element>,
    name: &str,
    language: &str,
    file: &Path,
    by_guid: HashMap<String, usize>,
    mut notes: Vec<String>,
) -> Result<ImportedCodes, Error> {
    // Codebook sets: which codes belong to which codebook, and the rest of each file.
    let mut books: Vec<(String, Table, Vec<usize>)> = Vec::new();
    let mut claimed = vec![false; read.len()];
    if let Some(sets) = sets {
        for set in sets.children_named("Set") {
            let set_name = set.attr("name").unwrap_or_default();
            let Some(book_name) = set_name.strip_prefix(BOOK_SET) else {
                continue;
            };
            let (_, block) = split_description(set.child_text("Description").unwrap_or_default())
                .map_err(|m| Error::Parse {
                path: file.to_path_buf(),
                line: set.line,
                column: 1,
                message: format!("set \"{set_name}\": {m}"),
            })?;
            let mut members = Vec::new();
            for m in set.children_named("MemberCode") {
                if let Some(&i) = m
                    .attr("targetGUID")
                    .or(m.attr("guid"))
                    .and_then(|g| by_guid.get(&g.to_uppercase()))
                    && !claimed[i]
                {
                    claimed[i] = true;
                    members.push(i);
                }
            }
            books.push((book_name.to_string(), block.unwrap_or_default(), members));
        }
    }
    let rest: Vec<usize> = (0..read.len()).filter(|&i| !claimed[i]).collect();
    if !rest.is_empty() || books.is_empty() {
        let mut header = Table::new();
        let mut codebook = Table::new();
        codebook.insert("name".into(), Value::String(name.to_string()));
        codebook.insert("language".into(), Value::String(language.to_string()));
        header.insert("codebook".into(), Value::Table(codebook));
        books.push((name.to_string(), header, rest));
    }

    let mut out = ImportedCodes {
        ids: by_guid
            .iter()
            .map(|(g, &i)| (g.clone(), ids[i].clone()))
            .collect(),
        ..Default::default()
    };
    for (book_name, rest, members) in books {
        let mut table = Table::new();
        let mut header = match rest.get("codebook") {
            Some(Value::Table(t)) => t.clone(),
            _ => Table::new(),
        };
        header
            .entry("name")
            .or_insert_with(|| Value::String(book_name.clone()));
        table.insert("codebook".into(), Value::Table(header));
        if let Some(s) = rest.get("synonyms") {
            table.insert("synonyms".into(), s.clone());
        }
        let mut codes = Vec::new();
        for &i in &members {
            codes.push(Value::Table(code_table(
                &read[i], &ids, &labels, &parents, i,
            )));
        }
        let count = codes.len();
        table.insert("codes".into(), Value::Array(codes));
        if let Some(c) = rest.get("configurations") {
            table.insert("configurations".into(), c.clone());
        }
        let text = toml::to_string(&table).map_err(|e| Error::Other(e.to_string()))?;
        let path = file.join(format!("{book_name}.toml"));
        CodebookSet::parse(&path, &text).map_err(|e| Error::Parse {
            path: file.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("the codes it holds do not make an icamo codebook: {e}"),
        })?;
        out.books.push(ImportedBook {
            name: book_name,
            toml: text,
            codes: count,
        });
    }
    out.notes.append(&mut notes);
    Ok(out)
}

/// The TOML table of one read code: id, parent, label, then icamo's block, then REFI's fields.
fn code_table(
    c: &ReadCode,
    ids: &[String],
    labels: &[String],
    parents: &[Option<usize>],
    i: usize,
) -> Table {
    let mut t = Table::new();
    t.insert("id".into(), Value::String(ids[i].clone()));
    let block_parent = c
        .block
        .as_ref()
        .and_then(|b| b.get("parent"))
        .and_then(Value::as_str);
    if let Some(p) = parents[i] {
        t.insert("parent".into(), Value::String(ids[p].clone()));
    } else if let Some(p) = block_parent {
        t.insert("parent".into(), Value::String(p.to_string()));
    }
    t.insert("label".into(), Value::String(labels[i].clone()));
    match &c.block {
        Some(block) => {
            for (k, v) in block {
                if k != "id" && k != "parent" {
                    t.insert(k.clone(), v.clone());
                }
            }
        }
        None => {
            t.insert("kind".into(), Value::String("other".into()));
        }
    }
    if !c.codable {
        t.insert("codable".into(), Value::Boolean(false));
    }
    if let Some(color) = &c.color {
        t.insert("color".into(), Value::String(color.clone()));
    }
    if let Some(text) = &c.text {
        t.insert("definition".into(), Value::String(text.clone()));
    }
    t
}

fn read_code(
    el: &Element,
    parent: Option<usize>,
    out: &mut Vec<ReadCode>,
    fail: &dyn Fn(usize, String) -> Error,
) -> Result<(), Error> {
    let name = el
        .attr("name")
        .ok_or_else(|| fail(el.line, "a <Code> without a name attribute".into()))?;
    let guid = el
        .attr("guid")
        .ok_or_else(|| fail(el.line, format!("code \"{name}\" has no guid attribute")))?;
    if !is_guid(guid) {
        return Err(fail(
            el.line,
            format!("code \"{name}\": guid \"{guid}\" is not a GUID (8-4-4-4-12 hex digits)"),
        ));
    }
    let codable = match el.attr("isCodable").map(str::trim) {
        None | Some("true") | Some("1") => true,
        Some("false") | Some("0") => false,
        Some(other) => {
            return Err(fail(
                el.line,
                format!("code \"{name}\": isCodable=\"{other}\" must be true or false"),
            ));
        }
    };
    let color = el
        .attr("color")
        .map(str::trim)
        .filter(|c| crate::codebook::is_rgb(c))
        .map(str::to_string);
    let (text, block) = split_description(el.child_text("Description").unwrap_or_default())
        .map_err(|m| fail(el.line, format!("code \"{name}\": {m}")))?;
    let at = out.len();
    out.push(ReadCode {
        guid: guid.trim_matches(['{', '}']).to_string(),
        name: name.to_string(),
        codable,
        color,
        text,
        block,
        parent,
    });
    for child in el.children_named("Code") {
        read_code(child, Some(at), out, fail)?;
    }
    Ok(())
}

/// An id part made from a name: lower case, letters and digits kept, runs of anything else
/// one `-`.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "code".to_string() } else { s }
}

/// Reads a `.qdc` file into icamo codebooks.
pub fn import_qdc(path: &Path, language: &str) -> Result<ImportedCodes, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let root = xml::parse_file(bytes, path)?;
    if root.name != "CodeBook" {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: root.line,
            column: 1,
            message: format!(
                "the root element is <{}>, not <CodeBook>: is this a .qdc codebook? (a .qdpx project is imported with `icamo import qdpx`)",
                root.name
            ),
        });
    }
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(slug)
        .unwrap_or_else(|| "codebook".into());
    read_codes(
        root.child("Codes"),
        root.child("Sets"),
        &name,
        language,
        path,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_splits_into_text_and_block() {
        let (t, b) =
            split_description("Wat het is.\n\n[icamo]\nid = \"a.b\"\nkind = \"actor\"\n").unwrap();
        assert_eq!(t.as_deref(), Some("Wat het is."));
        assert_eq!(b.unwrap()["id"].as_str(), Some("a.b"));
        let (t, b) = split_description("Alleen tekst, met [icamo] midden in de zin.").unwrap();
        assert!(b.is_none());
        assert!(t.unwrap().contains("[icamo]"));
        let (t, b) = split_description("[icamo]\r\nid = \"x\"\r\n").unwrap();
        assert!(t.is_none());
        assert_eq!(b.unwrap()["id"].as_str(), Some("x"));
    }

    #[test]
    fn slugs_keep_letters_of_any_script_and_collapse_the_rest() {
        assert_eq!(slug("diet Coke"), "diet-coke");
        assert_eq!(slug("\"rushed\""), "rushed");
        assert_eq!(slug("Coördinatie & regie"), "coördinatie-regie");
        assert_eq!(slug("!!"), "code");
    }
}

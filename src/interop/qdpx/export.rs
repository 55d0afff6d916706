//! A study out as a REFI-QDA project: `project.qde` and one text per transcript in `sources/`.
//!
//! [`export_qdpx`] writes the project's parts in the order `Project.xsd` requires (users, the
//! codebook, variables, cases, sources, notes, links, sets, the description), one function
//! each, then packs the `.qde` and the texts into a ZIP.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use toml::{Table, Value};
use zip::write::SimpleFileOptions;

use super::PROJECT_NS;
use crate::chain::Model;
use crate::codebook::CodebookSet;
use crate::coding::Stance;
use crate::coding::manual::{Coding, Decision, load_tag_codings, placed_coders, sort_codings};
use crate::corpus::{Corpus, SourceDoc};
use crate::error::Error;
use crate::interop::guid::guid;
use crate::interop::qdc;
use crate::interop::xml::Writer;
use crate::study::Study;
use crate::transcript::{Segment, SegmentId};

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct ExportSummary {
    /// Codes in the codebook.
    pub codes: usize,
    /// Text sources (documents).
    pub sources: usize,
    /// Codings written.
    pub codings: usize,
    /// Coders (users).
    pub users: usize,
    /// Links between codes (ICAMO edges).
    pub links: usize,
    /// Rejections in coders' files, which REFI-QDA has no place for.
    pub rejections_left_out: usize,
}

/// Writes the study as a `.qdpx` archive and returns its bytes.
pub fn export_qdpx(study: &Study) -> Result<(Vec<u8>, ExportSummary), Error> {
    let model = Model::load(&study.codebook_paths()?)?;
    let segments = study.all_segments()?;
    let docs = Corpus::new(&study.root, &study.manifest).discover()?;
    let mut summary = ExportSummary::default();
    let codings = exported_codings(study, &segments, &mut summary.rejections_left_out)?;
    let respondents = respondents(study, &segments);

    let mut w = Writer::new();
    let origin = format!("icamo {}", env!("CARGO_PKG_VERSION"));
    w.open(
        "Project",
        &[
            ("xmlns", PROJECT_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("name", &study.manifest.study.name),
            ("origin", &origin),
        ],
    );
    summary.users = write_users(&mut w, &codings);
    summary.codes = write_codebook(&mut w, &model.codebooks);
    write_variables(&mut w, &respondents, &docs);
    write_cases(&mut w, &respondents);
    let case_turns: HashSet<&str> = respondents
        .values()
        .flat_map(|r| r.turns.iter().map(String::as_str))
        .collect();
    let sources = write_sources(&mut w, &docs, &segments, &codings, &case_turns);
    summary.sources = sources.files.len();
    summary.codings = sources.codings;
    write_notes(&mut w, &sources.notes);
    let links = links(&model);
    write_links(&mut w, &links);
    summary.links = links.len();
    if !model.books().is_empty() {
        w.open("Sets", &[]);
        qdc::write_sets(&mut w, &model.codebooks, ("MemberCode", "targetGUID"));
        w.close("Sets");
    }
    w.text(
        "Description",
        &[],
        &project_description(study, &respondents, &docs),
    );
    w.close("Project");
    let bytes = zip_project(&w.finish(), &sources.files)?;
    Ok((bytes, summary))
}

/// The codings to export: every coder's accepted decisions on stored segments and the inline
/// tags, sorted, once each; rejections are only counted.
fn exported_codings(
    study: &Study,
    segments: &[Segment],
    rejections: &mut usize,
) -> Result<Vec<Coding>, Error> {
    let segment_ids: HashSet<&str> = segments.iter().map(|s| s.id.as_str()).collect();
    let mut all: Vec<Coding> = Vec::new();
    for (_, codings) in placed_coders(study)?.0 {
        for c in codings {
            if c.decision == Decision::Reject {
                *rejections += 1;
            } else if segment_ids.contains(c.segment.as_str()) {
                all.push(c);
            }
        }
    }
    all.extend(
        load_tag_codings(study)?
            .into_iter()
            .filter(|c| c.decision == Decision::Accept),
    );
    sort_codings(&mut all);
    // A tag and a coder's file may say the same thing; one coding each, for a unique GUID.
    all.dedup_by(|a, b| {
        (&a.segment, &a.code, a.span, &a.coder) == (&b.segment, &b.code, b.span, &b.coder)
    });
    Ok(all)
}

/// `<Users>`: one per coder with a coding; returns how many.
fn write_users(w: &mut Writer, codings: &[Coding]) -> usize {
    let coders: BTreeSet<&str> = codings.iter().map(|c| c.coder.as_str()).collect();
    if !coders.is_empty() {
        w.open("Users", &[]);
        for c in &coders {
            w.empty("User", &[("guid", &guid("user", c)), ("name", c)]);
        }
        w.close("Users");
    }
    coders.len()
}

/// `<CodeBook>`: the codes of every codebook; returns how many.
fn write_codebook(w: &mut Writer, set: &CodebookSet) -> usize {
    let count: usize = set.books.iter().map(|b| b.codes.len()).sum();
    if count > 0 {
        w.open("CodeBook", &[]);
        qdc::write_codes(w, set);
        w.close("CodeBook");
    }
    count
}

/// The GUID of a variable of respondents or of documents (`scope`).
fn variable_guid(scope: &str, name: &str) -> String {
    guid("variable", &format!("{scope}:{name}"))
}

/// `<Variables>`: the respondents' role and attributes, the documents' attributes.
fn write_variables(w: &mut Writer, respondents: &BTreeMap<String, Respondent>, docs: &[SourceDoc]) {
    let mut person_vars: BTreeSet<String> = BTreeSet::from(["role".to_string()]);
    for r in respondents.values() {
        person_vars.extend(r.attributes.keys().cloned());
    }
    let mut doc_vars: BTreeSet<String> = BTreeSet::new();
    for d in docs {
        for (k, _) in doc_values(d) {
            doc_vars.insert(k);
        }
    }
    if person_vars.is_empty() && doc_vars.is_empty() {
        return;
    }
    w.open("Variables", &[]);
    for (scope, names, what) in [
        ("respondent", &person_vars, "of a respondent"),
        ("document", &doc_vars, "of a transcript"),
    ] {
        for name in names.iter() {
            w.open(
                "Variable",
                &[
                    ("guid", &variable_guid(scope, name)),
                    ("name", name),
                    ("typeOfVariable", "Text"),
                ],
            );
            w.text("Description", &[], &format!("icamo: {name} {what}"));
            w.close("Variable");
        }
    }
    w.close("Variables");
}

/// One `<VariableValue>` of a variable in `scope`.
fn write_variable_value(w: &mut Writer, scope: &str, name: &str, value: &str) {
    w.open("VariableValue", &[]);
    w.empty(
        "VariableRef",
        &[("targetGUID", &variable_guid(scope, name))],
    );
    w.text("TextValue", &[], value);
    w.close("VariableValue");
}

/// `<Cases>`: one per respondent, with role and attributes, pointing at the documents where
/// they are the only respondent and at their own turns in the others.
fn write_cases(w: &mut Writer, respondents: &BTreeMap<String, Respondent>) {
    if respondents.is_empty() {
        return;
    }
    w.open("Cases", &[]);
    for (id, r) in respondents {
        w.open("Case", &[("guid", &guid("case", id)), ("name", id)]);
        write_variable_value(w, "respondent", "role", &r.role);
        for (k, v) in &r.attributes {
            write_variable_value(w, "respondent", k, v);
        }
        let turn_docs: BTreeSet<&str> = r
            .turns
            .iter()
            .filter_map(|t| SegmentId::parse(t).map(|id| id.doc))
            .collect();
        for d in r
            .documents
            .iter()
            .filter(|d| !turn_docs.contains(d.as_str()))
        {
            w.empty("SourceRef", &[("targetGUID", &guid("source", d))]);
        }
        for t in &r.turns {
            w.empty("SelectionRef", &[("targetGUID", &guid("turn", t))]);
        }
        w.close("Case");
    }
    w.close("Cases");
}

/// A note on a coding, written later under `<Notes>`.
struct Note {
    guid: String,
    name: String,
    text: String,
}

/// What `<Sources>` leaves for the rest of the export.
#[derive(Default)]
struct Sources {
    /// The archive's text files: (name in the archive, text).
    files: Vec<(String, String)>,
    /// The notes the codings refer to.
    notes: Vec<Note>,
    /// Codings written.
    codings: usize,
}

/// `<Sources>`: every transcript with segments, its selections and codings, and a selection
/// over each turn in `case_turns`.
fn write_sources(
    w: &mut Writer,
    docs: &[SourceDoc],
    segments: &[Segment],
    codings: &[Coding],
    case_turns: &HashSet<&str>,
) -> Sources {
    let mut by_doc: BTreeMap<&str, Vec<&Segment>> = BTreeMap::new();
    for s in segments {
        by_doc.entry(s.doc.as_str()).or_default().push(s);
    }
    let mut by_segment: BTreeMap<&str, Vec<&Coding>> = BTreeMap::new();
    for c in codings {
        by_segment.entry(c.segment.as_str()).or_default().push(c);
    }
    let mut out = Sources::default();
    w.open("Sources", &[]);
    for d in docs {
        if let Some(segs) = by_doc.get(d.id.as_str()) {
            write_text_source(w, d, segs, &by_segment, case_turns, &mut out);
        }
    }
    w.close("Sources");
    out
}

/// One `<TextSource>`: its selections, its document's variable values, and its text file.
fn write_text_source(
    w: &mut Writer,
    d: &SourceDoc,
    segs: &[&Segment],
    by_segment: &BTreeMap<&str, Vec<&Coding>>,
    case_turns: &HashSet<&str>,
    out: &mut Sources,
) {
    let source_guid = guid("source", &d.id);
    let (text, starts) = render(segs);
    let name = Path::new(&d.path)
        .file_name()
        .map_or(d.id.clone(), |n| n.to_string_lossy().into_owned());
    w.open(
        "TextSource",
        &[
            ("guid", &source_guid),
            ("name", &name),
            ("plainTextPath", &format!("internal://{source_guid}.txt")),
        ],
    );
    for (seg, &start) in segs.iter().zip(&starts) {
        if case_turns.contains(seg.id.as_str()) {
            write_turn_selection(w, seg, start);
        }
        if let Some(codings) = by_segment.get(seg.id.as_str()) {
            write_selections(w, seg, start, codings, out);
        }
    }
    for (k, v) in doc_values(d) {
        write_variable_value(w, "document", &k, &v);
    }
    w.close("TextSource");
    out.files.push((format!("sources/{source_guid}.txt"), text));
}

/// One `<PlainTextSelection>` per coding of a segment (`start`: where the segment's text
/// starts in the exported text, in code points), its coder on the selection as well as on the
/// coding: NVivo writes them so, and readers that take the user from the selection, or read
/// one coding per selection, read every coding.
fn write_selections(
    w: &mut Writer,
    seg: &Segment,
    start: usize,
    codings: &[&Coding],
    out: &mut Sources,
) {
    for &c in codings {
        let [a, b] = c.span.unwrap_or([0, seg.text.len()]);
        let (a, b) = (a.min(seg.text.len()), b.min(seg.text.len()));
        let (a, b) = (floor_char(&seg.text, a), floor_char(&seg.text, b.max(a)));
        let from = start + seg.text[..a].chars().count();
        let to = start + seg.text[..b].chars().count();
        let coding_key = format!("{}|{a}-{b}|{}|{}", seg.id, c.code, c.coder);
        let quote: String = seg.text[a..b].chars().take(100).collect();
        let user = guid("user", &c.coder);
        w.open(
            "PlainTextSelection",
            &[
                ("guid", &guid("selection", &coding_key)),
                ("name", &quote),
                ("startPosition", &from.to_string()),
                ("endPosition", &to.to_string()),
                ("creatingUser", &user),
            ],
        );
        write_coding(w, &coding_key, c, &mut out.notes);
        out.codings += 1;
        w.close("PlainTextSelection");
    }
}

/// One `<PlainTextSelection>` without codings over a whole turn, for the `<Case>` of its
/// speaker to point at (see [`Respondent::turns`]).
fn write_turn_selection(w: &mut Writer, seg: &Segment, start: usize) {
    let end = start + seg.text.chars().count();
    w.empty(
        "PlainTextSelection",
        &[
            ("guid", &guid("turn", &seg.id)),
            ("name", &format!("turn {}", seg.id)),
            ("startPosition", &start.to_string()),
            ("endPosition", &end.to_string()),
        ],
    );
}

/// One `<Coding>` (`coding_key` names it: segment, span, code and coder); its stance, note,
/// readable version and translation go to `notes`.
fn write_coding(w: &mut Writer, coding_key: &str, c: &Coding, notes: &mut Vec<Note>) {
    w.open(
        "Coding",
        &[
            ("guid", &guid("coding", coding_key)),
            ("creatingUser", &guid("user", &c.coder)),
        ],
    );
    w.empty("CodeRef", &[("targetGUID", &guid("code", &c.code))]);
    if c.stance != Stance::None || c.note.is_some() || !c.versions.is_empty() {
        let note_guid = guid("note", coding_key);
        w.empty("NoteRef", &[("targetGUID", &note_guid)]);
        notes.push(Note {
            guid: note_guid,
            name: coding_note_name(c),
            text: coding_note(c),
        });
    }
    w.close("Coding");
}

/// `<Notes>`: the codings' notes.
fn write_notes(w: &mut Writer, notes: &[Note]) {
    if notes.is_empty() {
        return;
    }
    w.open("Notes", &[]);
    for n in notes {
        w.open("Note", &[("guid", &n.guid), ("name", &n.name)]);
        w.text("PlainTextContent", &[], &n.text);
        w.close("Note");
    }
    w.close("Notes");
}

/// `<Links>`: the ICAMO edges between codes.
fn write_links(w: &mut Writer, links: &[(String, String, String)]) {
    if links.is_empty() {
        return;
    }
    w.open("Links", &[]);
    for (from, to, kind) in links {
        w.empty(
            "Link",
            &[
                ("guid", &guid("link", &format!("{from}|{kind}|{to}"))),
                ("name", kind),
                ("direction", "OneWay"),
                ("originGUID", &guid("code", from)),
                ("targetGUID", &guid("code", to)),
            ],
        );
    }
    w.close("Links");
}

/// The archive: `project.qde` and the sources' texts, deflated, with fixed timestamps so two
/// exports of the same study are byte-identical.
fn zip_project(qde: &str, files: &[(String, String)]) -> Result<Vec<u8>, Error> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let fail = |e: &dyn std::fmt::Display| Error::Other(format!("writing the archive: {e}"));
    zip.start_file("project.qde", options)
        .map_err(|e| fail(&e))?;
    zip.write_all(qde.as_bytes()).map_err(|e| fail(&e))?;
    for (name, text) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

/// The largest char boundary at or before `i`.
fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A document's text as exported: one paragraph per turn, and where each turn's text starts
/// (in code points).
fn render(segments: &[&Segment]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut chars = 0;
    let mut starts = Vec::with_capacity(segments.len());
    for s in segments {
        let mut head = String::new();
        if let Some(ms) = s.start_ms {
            let (h, m, sec, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
            let _ = write!(head, "[{h:02}:{m:02}:{sec:02}.{milli:03}] ");
        }
        head.push_str(&s.speaker);
        head.push_str(": ");
        chars += head.chars().count();
        text.push_str(&head);
        starts.push(chars);
        text.push_str(&s.text);
        text.push_str("\n\n");
        chars += s.text.chars().count() + 2;
    }
    (text, starts)
}

/// The name of a coding's note: its code and stance.
fn coding_note_name(c: &Coding) -> String {
    format!("icamo: {} ({})", c.code, c.stance)
}

/// A coding's note: the coder's words, then the stance (and the readable version and
/// translation the coder wrote, which REFI-QDA has no place for) as an icamo block.
fn coding_note(c: &Coding) -> String {
    let mut block = Table::new();
    block.insert("stance".into(), Value::String(c.stance.to_string()));
    for (key, value) in [
        ("readable", &c.versions.readable),
        ("translation", &c.versions.translation),
    ] {
        if let Some(v) = value {
            block.insert(key.into(), Value::String(v.clone()));
        }
    }
    let stance = format!("Stance: {}.", c.stance);
    let text = c
        .note
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&stance);
    qdc::describe(Some(text), block)
}

/// What a respondent brings to the project.
struct Respondent {
    role: String,
    attributes: BTreeMap<String, String>,
    documents: BTreeSet<String>,
    /// Their turns in documents where others speak too: their `<Case>` points at these turns
    /// rather than at the whole document, which would give their attributes to everyone in it.
    turns: Vec<String>,
}

/// The study's respondents (by id) with role, attributes and documents.
fn respondents(study: &Study, segments: &[Segment]) -> BTreeMap<String, Respondent> {
    let mut out: BTreeMap<String, Respondent> = BTreeMap::new();
    for s in segments {
        let Some(id) = &s.respondent else { continue };
        let r = out.entry(id.clone()).or_insert_with(|| Respondent {
            role: s.role.clone(),
            attributes: study
                .manifest
                .speakers
                .iter()
                .find(|e| e.respondent.as_deref() == Some(id))
                .map(|e| e.attributes.clone())
                .unwrap_or_default(),
            documents: BTreeSet::new(),
            turns: Vec::new(),
        });
        r.documents.insert(s.doc.clone());
    }
    let shared = shared_documents(&out);
    for s in segments {
        if let Some(r) = s.respondent.as_ref().and_then(|id| out.get_mut(id))
            && shared.contains(&s.doc)
        {
            r.turns.push(s.id.clone());
        }
    }
    out
}

/// The documents in which more than one respondent speaks (a focus group).
fn shared_documents(respondents: &BTreeMap<String, Respondent>) -> BTreeSet<String> {
    let mut speakers: BTreeMap<&str, usize> = BTreeMap::new();
    for r in respondents.values() {
        for d in &r.documents {
            *speakers.entry(d.as_str()).or_default() += 1;
        }
    }
    speakers
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(d, _)| d.to_string())
        .collect()
}

/// A document's attributes as (variable, value): case, group, type, date and the rest.
fn doc_values(d: &SourceDoc) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in [
        ("case", &d.case),
        ("group", &d.group),
        ("type", &d.kind),
        ("date", &d.date),
    ] {
        if let Some(v) = v {
            out.push((k.to_string(), v.clone()));
        }
    }
    out.extend(d.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The ICAMO edges between codes, once each, as (from, to, kind).
fn links(model: &Model) -> Vec<(String, String, String)> {
    let known: HashSet<&str> = model
        .books()
        .iter()
        .flat_map(|b| b.codes.iter().map(|c| c.id.as_str()))
        .collect();
    let mut seen = BTreeSet::new();
    for (from, to, kind, _) in model.chain.edge_list() {
        if known.contains(from) && known.contains(to) {
            let kind = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            seen.insert((from.to_string(), to.to_string(), kind));
        }
    }
    seen.into_iter().collect()
}

/// The project's description: a sentence, then what icamo needs to rebuild the manifest.
fn project_description(
    study: &Study,
    respondents: &BTreeMap<String, Respondent>,
    docs: &[SourceDoc],
) -> String {
    let m = &study.manifest;
    let pseudonyms = crate::privacy::Pseudonyms::new(&m.pseudonyms);
    let mut block = Table::new();
    block.insert("study".into(), Value::String(m.study.name.clone()));
    block.insert(
        "language".into(),
        Value::String(m.study.language.code().to_string()),
    );
    let mut documents = Vec::new();
    for d in docs {
        let mut t = Table::new();
        t.insert("id".into(), Value::String(d.id.clone()));
        for (k, v) in [
            ("case", &d.case),
            ("group", &d.group),
            ("type", &d.kind),
            ("date", &d.date),
        ] {
            if let Some(v) = v {
                t.insert(k.into(), Value::String(v.clone()));
            }
        }
        if d.read_as == crate::transcript::ReadAs::Document {
            t.insert("read_as".into(), Value::String("document".into()));
        }
        if d.lang != m.study.language {
            t.insert("language".into(), Value::String(d.lang.code().to_string()));
        }
        if !d.attributes.is_empty() {
            t.insert("attributes".into(), string_table(&d.attributes));
        }
        documents.push(Value::Table(t));
    }
    block.insert("documents".into(), Value::Array(documents));
    let mut speakers = Vec::new();
    for s in &m.speakers {
        let mut t = Table::new();
        t.insert(
            "label".into(),
            Value::String(pseudonyms.apply(s.label.get_ref()).into_owned()),
        );
        if let Some(r) = &s.respondent {
            t.insert("respondent".into(), Value::String(r.clone()));
        }
        if let Some(r) = &s.role {
            t.insert("role".into(), Value::String(r.clone()));
        }
        if s.interviewer {
            t.insert("interviewer".into(), Value::Boolean(true));
        }
        if !s.documents.is_empty() {
            t.insert(
                "documents".into(),
                Value::Array(
                    s.documents
                        .iter()
                        .map(|d| Value::String(d.get_ref().clone()))
                        .collect(),
                ),
            );
        }
        if !s.attributes.is_empty() {
            t.insert("attributes".into(), string_table(&s.attributes));
        }
        speakers.push(Value::Table(t));
    }
    block.insert("speakers".into(), Value::Array(speakers));
    let text = format!(
        "Exported by icamo from the study \"{}\": {} transcripts, {} respondents. Speaker names are the study's pseudonyms. The block below lets icamo rebuild the study's manifest on import.",
        m.study.name,
        docs.len(),
        respondents.len(),
    );
    qdc::describe(Some(&text), block)
}

/// A map of strings as a TOML table.
fn string_table(map: &BTreeMap<String, String>) -> Value {
    Value::Table(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

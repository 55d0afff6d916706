//! REFI-QDA projects (`.qdpx`): a whole study out to other QDA tools, and their projects in.
//!
//! **Export** ([`export_qdpx`]) writes a ZIP with `project.qde` and one UTF-8 text per
//! transcript in `sources/`. The text is the study's segments as icamo stores them (pseudonyms
//! applied), one turn a paragraph: `[00:01:02.500] Speaker: text`, so that a team that codes
//! in ATLAS.ti, NVivo or MAXQDA works on exactly the text icamo's offsets point into. Each
//! coder's accepted codings become `PlainTextSelection`s with `Coding`s by that user, offsets
//! in Unicode code points; a coding's stance and note travel as a note on it. Respondents
//! become `Cases` with their role and attributes as `Variables`, document attributes become
//! variable values on the sources, and the ICAMO configurations' edges become `Links` between
//! codes. GUIDs are derived from ids ([`super::guid`]), so two exports of the same study are
//! byte-identical. The `.qde` validates against REFI-QDA 1.0's `Project.xsd`.
//!
//! **Import** ([`import_qdpx`]) makes a new study folder from a project: users become coders,
//! the codebook an icamo codebook ([`super::qdc`]), text sources transcripts in `corpus/`,
//! codings `codings/<user>.csv` on the segments their selections cover, notes Markdown memos
//! in `memos/`. It reads what real tools write: `Project.qde` or a `.qde` named after the
//! project, `Sources/` in any case, with or without the namespace, and end offsets that are
//! inclusive where the selection's quoted text shows they are. Every coding of the project,
//! placed or not (a picture region, a source whose text is not in the archive), is listed in
//! `refi-import.csv` with the reason, so nothing is dropped without a trace.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use toml::{Table, Value};
use zip::write::SimpleFileOptions;

use super::guid::guid;
use super::qdc::{self, Book};
use super::xml::{self, Element, Writer};
use crate::coding::Stance;
use crate::coding::manual::{
    Coding, Decision, Origin, check_coder, codings_csv, load_all_coders, load_tag_codings,
    sort_codings,
};
use crate::corpus::Corpus;
use crate::error::Error;
use crate::fsutil::write_atomic;
use crate::ingest::{IngestOptions, ingest};
use crate::study::{CODINGS_DIR, Study};
use crate::transcript::Segment;

/// The namespace of a REFI-QDA project.
pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";

/// Most bytes one entry of an imported archive may unpack to (a zip bomb stops here).
const MAX_ENTRY_BYTES: u64 = 512 * 1024 * 1024;

/// Most entries an imported archive may have.
const MAX_ENTRIES: usize = 200_000;

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
    let books = study
        .codebook_paths()?
        .iter()
        .map(|p| Book::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let segments = study.all_segments()?;
    let corpus = Corpus::new(&study.root, &study.manifest);
    let docs = corpus.discover()?;
    let mut by_doc: BTreeMap<&str, Vec<&Segment>> = BTreeMap::new();
    for s in &segments {
        by_doc.entry(s.doc.as_str()).or_default().push(s);
    }
    let segment_ids: HashSet<&str> = segments.iter().map(|s| s.id.as_str()).collect();

    // Codings: every coder's accepted decisions, and the inline tags.
    let mut summary = ExportSummary::default();
    let mut all: Vec<Coding> = Vec::new();
    for (_, codings) in load_all_coders(study)? {
        for c in codings {
            if c.decision == Decision::Reject {
                summary.rejections_left_out += 1;
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
    let mut by_segment: BTreeMap<&str, Vec<&Coding>> = BTreeMap::new();
    for c in &all {
        by_segment.entry(c.segment.as_str()).or_default().push(c);
    }
    let coders: BTreeSet<&str> = all.iter().map(|c| c.coder.as_str()).collect();

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
    if !coders.is_empty() {
        w.open("Users", &[]);
        for c in &coders {
            w.empty("User", &[("guid", &guid("user", c)), ("name", c)]);
        }
        w.close("Users");
    }
    summary.users = coders.len();
    let code_count: usize = books.iter().map(|b| b.codebook.codes.len()).sum();
    if code_count > 0 {
        w.open("CodeBook", &[]);
        qdc::write_codes(&mut w, &books);
        w.close("CodeBook");
    }
    summary.codes = code_count;

    // Variables: the respondents' role and attributes, the documents' attributes.
    let respondents = respondents(study, &segments);
    let mut person_vars: BTreeSet<String> = BTreeSet::from(["role".to_string()]);
    for r in respondents.values() {
        person_vars.extend(r.attributes.keys().cloned());
    }
    let mut doc_vars: BTreeSet<String> = BTreeSet::new();
    for d in &docs {
        for (k, _) in doc_values(d) {
            doc_vars.insert(k);
        }
    }
    let var_guid = |scope: &str, name: &str| guid("variable", &format!("{scope}:{name}"));
    if !person_vars.is_empty() || !doc_vars.is_empty() {
        w.open("Variables", &[]);
        for (scope, names, what) in [
            ("respondent", &person_vars, "of a respondent"),
            ("document", &doc_vars, "of a transcript"),
        ] {
            for name in names.iter() {
                w.open(
                    "Variable",
                    &[
                        ("guid", &var_guid(scope, name)),
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
    if !respondents.is_empty() {
        w.open("Cases", &[]);
        for (id, r) in &respondents {
            w.open("Case", &[("guid", &guid("case", id)), ("name", id)]);
            let mut values = vec![("role".to_string(), r.role.clone())];
            values.extend(r.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
            for (k, v) in values {
                w.open("VariableValue", &[]);
                w.empty(
                    "VariableRef",
                    &[("targetGUID", &var_guid("respondent", &k))],
                );
                w.text("TextValue", &[], &v);
                w.close("VariableValue");
            }
            for d in &r.documents {
                w.empty("SourceRef", &[("targetGUID", &guid("source", d))]);
            }
            w.close("Case");
        }
        w.close("Cases");
    }

    // Sources, with their selections and codings; notes collected for <Notes>.
    let mut files: Vec<(String, String)> = Vec::new();
    let mut notes: Vec<(String, String, String)> = Vec::new();
    w.open("Sources", &[]);
    for d in &docs {
        let Some(segs) = by_doc.get(d.id.as_str()) else {
            continue;
        };
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
            let Some(codings) = by_segment.get(seg.id.as_str()) else {
                continue;
            };
            let mut spans: BTreeMap<Option<[usize; 2]>, Vec<&Coding>> = BTreeMap::new();
            for &c in codings {
                spans.entry(c.span).or_default().push(c);
            }
            for (span, codings) in spans {
                let [a, b] = span.unwrap_or([0, seg.text.len()]);
                let (a, b) = (a.min(seg.text.len()), b.min(seg.text.len()));
                let (a, b) = (floor_char(&seg.text, a), floor_char(&seg.text, b.max(a)));
                let from = start + seg.text[..a].chars().count();
                let to = start + seg.text[..b].chars().count();
                let key = format!("{}|{a}-{b}", seg.id);
                let quote: String = seg.text[a..b].chars().take(100).collect();
                w.open(
                    "PlainTextSelection",
                    &[
                        ("guid", &guid("selection", &key)),
                        ("name", &quote),
                        ("startPosition", &from.to_string()),
                        ("endPosition", &to.to_string()),
                    ],
                );
                for c in codings {
                    let coding_key = format!("{key}|{}|{}", c.code, c.coder);
                    w.open(
                        "Coding",
                        &[
                            ("guid", &guid("coding", &coding_key)),
                            ("creatingUser", &guid("user", &c.coder)),
                        ],
                    );
                    w.empty("CodeRef", &[("targetGUID", &guid("code", &c.code))]);
                    if c.stance != Stance::None || c.note.is_some() {
                        let note_guid = guid("note", &coding_key);
                        w.empty("NoteRef", &[("targetGUID", &note_guid)]);
                        notes.push((note_guid, coding_note_name(c), coding_note(c)));
                    }
                    w.close("Coding");
                    summary.codings += 1;
                }
                w.close("PlainTextSelection");
            }
        }
        for (k, v) in doc_values(d) {
            w.open("VariableValue", &[]);
            w.empty("VariableRef", &[("targetGUID", &var_guid("document", &k))]);
            w.text("TextValue", &[], &v);
            w.close("VariableValue");
        }
        w.close("TextSource");
        files.push((format!("sources/{source_guid}.txt"), text));
        summary.sources += 1;
    }
    w.close("Sources");
    if !notes.is_empty() {
        w.open("Notes", &[]);
        for (g, name, text) in &notes {
            w.open("Note", &[("guid", g), ("name", name)]);
            w.text("PlainTextContent", &[], text);
            w.close("Note");
        }
        w.close("Notes");
    }
    let links = links(&books, study)?;
    if !links.is_empty() {
        w.open("Links", &[]);
        for (from, to, kind) in &links {
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
    summary.links = links.len();
    if !books.is_empty() {
        w.open("Sets", &[]);
        qdc::write_sets(&mut w, &books, ("MemberCode", "targetGUID"));
        w.close("Sets");
    }
    w.text(
        "Description",
        &[],
        &project_description(study, &respondents, &docs),
    );
    w.close("Project");

    let qde = w.finish();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let fail = |e: &dyn std::fmt::Display| Error::Other(format!("writing the archive: {e}"));
    zip.start_file("project.qde", options)
        .map_err(|e| fail(&e))?;
    zip.write_all(qde.as_bytes()).map_err(|e| fail(&e))?;
    for (name, text) in &files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    let bytes = zip.finish().map_err(|e| fail(&e))?.into_inner();
    Ok((bytes, summary))
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

fn coding_note_name(c: &Coding) -> String {
    format!("icamo: {} ({})", c.code, c.stance)
}

/// A coding's note: the coder's words, then the stance as an icamo block.
fn coding_note(c: &Coding) -> String {
    let mut block = Table::new();
    block.insert("stance".into(), Value::String(c.stance.to_string()));
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
        });
        r.documents.insert(s.doc.clone());
    }
    out
}

/// A document's attributes as (variable, value): case, group, type, date and the rest.
fn doc_values(d: &crate::corpus::SourceDoc) -> Vec<(String, String)> {
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
fn links(books: &[Book], study: &Study) -> Result<Vec<(String, String, String)>, Error> {
    let model = crate::chain::Model::load(&study.codebook_paths()?)?;
    let known: HashSet<&str> = books
        .iter()
        .flat_map(|b| b.codebook.codes.iter().map(|c| c.id.as_str()))
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
    Ok(seen.into_iter().collect())
}

/// The project's description: a sentence, then what icamo needs to rebuild the manifest.
fn project_description(
    study: &Study,
    respondents: &BTreeMap<String, Respondent>,
    docs: &[crate::corpus::SourceDoc],
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

fn string_table(map: &BTreeMap<String, String>) -> Value {
    Value::Table(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Import

/// How to import a project.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The new study folder; it must not exist, or be empty.
    pub into: PathBuf,
    /// The language of the transcripts, where the project does not say (icamo's own exports do).
    pub language: String,
    /// Most bytes unpacked from the archive in all ([`DEFAULT_MAX_UNPACKED`] by default).
    pub max_unpacked: u64,
}

/// How many bytes an import unpacks at most: far above any real project's text (a thousand
/// hour-long transcripts are about 100 MB), far below what a zip bomb would fill.
pub const DEFAULT_MAX_UNPACKED: u64 = 4 * 1024 * 1024 * 1024;

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    /// The `.qde` file read inside the archive.
    pub qde: String,
    /// Codes read.
    pub codes: usize,
    /// Text sources that became transcripts.
    pub documents: usize,
    /// Coders (users with codings).
    pub coders: usize,
    /// Codings placed on segments (one per segment a selection covers).
    pub placed: usize,
    /// Codings of the project not placed, by reason.
    pub unplaced: BTreeMap<String, usize>,
    /// Selections whose end offset was read as inclusive.
    pub inclusive_ends: usize,
    /// Notes written as memos.
    pub memos: usize,
    /// `[[speakers]]` entries in the new manifest (from an icamo export; none otherwise).
    pub speakers: usize,
    /// Things worth telling the user.
    pub notes: Vec<String>,
}

/// One row of `refi-import.csv`: a coding of the project and where it went.
#[derive(Debug, Clone, serde::Serialize)]
struct LedgerRow {
    source: String,
    selection: String,
    kind: String,
    start: Option<usize>,
    end: Option<usize>,
    code: String,
    coder: String,
    quote: String,
    segments: String,
    reason: String,
}

/// The archive being imported: its entries' names, and how much has been unpacked so far,
/// against a limit for one entry and for all together (a zip bomb stops at either).
struct Archive {
    zip: zip::ZipArchive<std::fs::File>,
    names: Vec<String>,
    file: PathBuf,
    unpacked: u64,
    limit: u64,
}

impl Archive {
    /// The bytes of entry `index`.
    fn read(&mut self, index: usize) -> Result<Vec<u8>, Error> {
        let file = self.file.display().to_string();
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| Error::Other(format!("{file}: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let room = self
            .limit
            .saturating_sub(self.unpacked)
            .min(MAX_ENTRY_BYTES);
        let bomb = |what: &str| {
            Error::Other(format!(
                "{file}: {name} {what}, more than icamo unpacks from a project ({} bytes for one entry, {} in all): refusing what may be a zip bomb",
                MAX_ENTRY_BYTES, self.limit
            ))
        };
        if entry.size() > room {
            return Err(bomb(&format!("would unpack to {} bytes", entry.size())));
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Other(format!("{file}: reading {name}: {e}")))?;
        if bytes.len() as u64 > room {
            return Err(bomb("unpacks to more than its header said"));
        }
        self.unpacked += bytes.len() as u64;
        Ok(bytes)
    }
}

/// A text source of the project, with its text if the archive has it.
struct Source<'a> {
    el: &'a Element,
    name: String,
    kind: &'static str,
    text: Option<String>,
    missing: Option<String>,
}

/// Imports a `.qdpx` project as a new study in `options.into`.
pub fn import_qdpx(file: &Path, options: &ImportOptions) -> Result<ImportSummary, Error> {
    let into = &options.into;
    if into.exists()
        && std::fs::read_dir(into)
            .map_err(|e| Error::io(into, e))?
            .next()
            .is_some()
    {
        return Err(Error::Other(format!(
            "{} is not empty: import a project into a new folder (icamo never writes over a study)",
            into.display()
        )));
    }
    let handle = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
    let zip = zip::ZipArchive::new(handle).map_err(|e| {
        Error::Other(format!(
            "{}: not a REFI-QDA project (.qdpx is a ZIP archive): {e}",
            file.display()
        ))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::Other(format!(
            "{}: {} entries, more than icamo reads ({MAX_ENTRIES})",
            file.display(),
            zip.len()
        )));
    }
    let names: Vec<String> = (0..zip.len())
        .map(|i| match zip.name_for_index(i) {
            Some(Ok(n)) => n.into_owned(),
            _ => String::new(),
        })
        .collect();
    let mut archive = Archive {
        zip,
        names: names.clone(),
        file: file.to_path_buf(),
        unpacked: 0,
        limit: options.max_unpacked,
    };
    let qdes: Vec<usize> = (0..names.len())
        .filter(|&i| {
            let n = names[i].to_lowercase();
            n.ends_with(".qde") && !n.contains('/')
        })
        .collect();
    let qde = match qdes.as_slice() {
        [one] => *one,
        [] => {
            return Err(Error::Other(format!(
                "{}: no .qde file at the top of the archive: a REFI-QDA project holds project.qde",
                file.display()
            )));
        }
        many => *many
            .iter()
            .find(|&&i| names[i].eq_ignore_ascii_case("project.qde"))
            .ok_or_else(|| {
                Error::Other(format!(
                    "{}: several .qde files ({}); expected one",
                    file.display(),
                    many.iter()
                        .map(|&i| names[i].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
    };
    let qde_name = names[qde].clone();
    let qde_path = PathBuf::from(format!("{}!{qde_name}", file.display()));
    let bytes = archive.read(qde)?;
    let root = xml::parse_file(bytes, &qde_path)?;
    if root.name != "Project" {
        return Err(Error::Parse {
            path: qde_path.clone(),
            line: root.line,
            column: 1,
            message: format!("the root element is <{}>, not <Project>", root.name),
        });
    }
    let project_name = root.attr("name").unwrap_or("Imported project").to_string();
    let (_, block) = qdc::split_description(root.child_text("Description").unwrap_or_default())
        .map_err(|m| Error::Parse {
            path: qde_path.clone(),
            line: root.child("Description").map_or(root.line, |d| d.line),
            column: 1,
            message: format!("the project's description: {m}"),
        })?;
    let language = block
        .as_ref()
        .and_then(|b| b.get("language")?.as_str().map(str::to_string))
        .unwrap_or_else(|| options.language.clone());

    let mut summary = ImportSummary {
        qde: qde_name,
        ..Default::default()
    };

    // Users → coders.
    let mut coders: HashMap<String, String> = HashMap::new();
    let mut coder_names: HashSet<String> = HashSet::new();
    if let Some(users) = root.child("Users") {
        for u in users.children_named("User") {
            let Some(g) = u.attr("guid") else { continue };
            let wanted = u.attr("name").or(u.attr("id")).unwrap_or("coder");
            let mut name = coder_slug(wanted);
            let base = name.clone();
            let mut n = 2;
            while !coder_names.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            coders.insert(norm_guid(g), name);
        }
    }

    // The codebook.
    let codes = qdc::read_codes(
        root.child("CodeBook").and_then(|c| c.child("Codes")),
        root.child("Sets"),
        &qdc_slug(&project_name),
        &language,
        &qde_path,
    )?;
    summary.codes = codes.books.iter().map(|b| b.codes).sum();
    summary.notes.extend(codes.notes.iter().cloned());

    // Notes, by GUID.
    let mut notes: HashMap<String, &Element> = HashMap::new();
    if let Some(n) = root.child("Notes") {
        for note in n.children_named("Note") {
            if let Some(g) = note.attr("guid") {
                notes.insert(norm_guid(g), note);
            }
        }
    }

    // Sources.
    let mut sources: Vec<Source<'_>> = Vec::new();
    let mut ledger: Vec<LedgerRow> = Vec::new();
    if let Some(s) = root.child("Sources") {
        for el in &s.children {
            match el.name.as_str() {
                "TextSource" => sources.push(text_source(el, "text", &mut archive)?),
                "PDFSource" => {
                    if let Some(r) = el.child("Representation") {
                        let mut src = text_source(r, "pdf text", &mut archive)?;
                        src.name = el.attr("name").unwrap_or(&src.name).to_string();
                        sources.push(src);
                    }
                    for sel in el.children_named("PDFSelection") {
                        unplaced(
                            &mut ledger,
                            el,
                            sel,
                            "pdf region",
                            &codes.ids,
                            &coders,
                            "a region of a PDF page, not text",
                        );
                    }
                }
                "PictureSource" => {
                    for sel in el.children_named("PictureSelection") {
                        unplaced(
                            &mut ledger,
                            el,
                            sel,
                            "picture",
                            &codes.ids,
                            &coders,
                            "a region of a picture, not text",
                        );
                    }
                }
                "AudioSource" | "VideoSource" => {
                    let kind = if el.name == "AudioSource" {
                        "audio"
                    } else {
                        "video"
                    };
                    for tag in ["AudioSelection", "VideoSelection"] {
                        for sel in el.children_named(tag) {
                            unplaced(
                                &mut ledger,
                                el,
                                sel,
                                kind,
                                &codes.ids,
                                &coders,
                                "a stretch of audio or video, not text",
                            );
                        }
                    }
                    for t in el.children_named("Transcript") {
                        for sel in t.children_named("TranscriptSelection") {
                            unplaced(
                                &mut ledger,
                                el,
                                sel,
                                "transcript",
                                &codes.ids,
                                &coders,
                                "a transcript selection between sync points",
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // Documents: an icamo export names each source's id in its block (the source GUID is
    // derived from it); other projects get ids made from the names, unique.
    let own_ids: HashMap<String, String> = block
        .as_ref()
        .and_then(|b| b.get("documents")?.as_array())
        .map(|docs| {
            docs.iter()
                .filter_map(|d| d.get("id")?.as_str())
                .map(|id| (norm_guid(&guid("source", id)), id.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut taken = HashSet::new();
    let mut doc_ids = Vec::new();
    for s in &sources {
        if let Some(id) =
            s.el.attr("guid")
                .and_then(|g| own_ids.get(&norm_guid(g)))
                .filter(|id| taken.insert(id.to_string()))
        {
            doc_ids.push(id.clone());
            continue;
        }
        let stem = Path::new(&s.name)
            .file_stem()
            .map_or(s.name.clone(), |x| x.to_string_lossy().into_owned());
        let base = doc_slug(&stem.to_lowercase());
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        doc_ids.push(id);
    }

    // Stage the study beside its destination, then move it into place.
    let parent = into
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let staging = parent.join(format!(
        ".{}.icamo-import-{}",
        into.file_name()
            .map_or("study".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    let result = (|| -> Result<(), Error> {
        for dir in ["corpus", "codebooks", CODINGS_DIR] {
            std::fs::create_dir_all(staging.join(dir))
                .map_err(|e| Error::io(&staging.join(dir), e))?;
        }
        // Transcripts, with line ends made LF (as icamo reads them); offsets follow.
        let mut maps: Vec<Option<Vec<usize>>> = Vec::new();
        for (s, id) in sources.iter().zip(&doc_ids) {
            match &s.text {
                Some(t) => {
                    let (clean, map) = normalise(t);
                    write_atomic(
                        &staging.join("corpus").join(format!("{id}.txt")),
                        clean.as_bytes(),
                    )?;
                    maps.push(Some(map));
                    summary.documents += 1;
                }
                None => maps.push(None),
            }
        }
        let manifest = manifest(
            &project_name,
            &language,
            &sources,
            &doc_ids,
            block.as_ref(),
            &root,
        );
        write_atomic(&staging.join("icamo.toml"), manifest.as_bytes())?;
        summary.speakers = block
            .as_ref()
            .and_then(|b| b.get("speakers")?.as_array().map(Vec::len))
            .unwrap_or(0);
        for b in &codes.books {
            write_atomic(
                &staging
                    .join("codebooks")
                    .join(format!("{}.toml", qdc_slug(&b.name))),
                b.toml.as_bytes(),
            )?;
        }
        let study = Study::open(&staging)?;
        let report = ingest(
            &study,
            &IngestOptions {
                keep_going: true,
                ..Default::default()
            },
        )?;
        for f in &report.failed {
            summary
                .notes
                .push(format!("a transcript could not be read: {f}"));
        }
        let segments = study.all_segments()?;
        let mut by_doc: HashMap<&str, Vec<&Segment>> = HashMap::new();
        for s in &segments {
            by_doc.entry(s.doc.as_str()).or_default().push(s);
        }

        // Codings.
        let mut per_coder: BTreeMap<String, Vec<Coding>> = BTreeMap::new();
        for ((s, id), map) in sources.iter().zip(&doc_ids).zip(&maps) {
            let segs = by_doc.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            for sel in s.el.children_named("PlainTextSelection") {
                let start: Option<usize> = sel
                    .attr("startPosition")
                    .and_then(|v| v.trim().parse().ok());
                let end: Option<usize> =
                    sel.attr("endPosition").and_then(|v| v.trim().parse().ok());
                let quote = sel.attr("name").unwrap_or_default().to_string();
                let codings: Vec<&Element> = sel.children_named("Coding").collect();
                let (Some(text), Some(map), Some(start), Some(end)) = (&s.text, map, start, end)
                else {
                    let reason = if s.text.is_none() {
                        s.missing
                            .clone()
                            .unwrap_or_else(|| "the source's text is not in the archive".into())
                    } else {
                        "startPosition or endPosition missing or not a number".into()
                    };
                    for c in &codings {
                        ledger.push(ledger_row(
                            s, sel, s.kind, start, end, c, &codes.ids, &coders, &quote, "", &reason,
                        ));
                    }
                    continue;
                };
                let len = text.chars().count();
                let (start, end) = (start.min(len), end.min(len).max(start.min(len)));
                let inclusive = inclusive_end(text, start, end, &quote);
                if inclusive {
                    summary.inclusive_ends += 1;
                }
                let end = if inclusive { (end + 1).min(len) } else { end };
                let (a, b) = (map[start], map[end]);
                let clean_text = normalise(text).0;
                let placed = place(&clean_text, a, b, segs);
                let seg_ids: Vec<&str> = placed.iter().map(|(s, _)| s.id.as_str()).collect();
                for c in &codings {
                    let code_guid = c
                        .child("CodeRef")
                        .and_then(|r| r.attr("targetGUID"))
                        .map(norm_guid);
                    let code = code_guid.as_ref().and_then(|g| codes.ids.get(g)).cloned();
                    let coder = coder_of(c, &coders);
                    let reason = if code.is_none() {
                        "the code it refers to is not in the codebook"
                    } else if placed.is_empty() {
                        "the selection covers no turn of the transcript"
                    } else {
                        ""
                    };
                    ledger.push(ledger_row(
                        s,
                        sel,
                        s.kind,
                        Some(start),
                        Some(end),
                        c,
                        &codes.ids,
                        &coders,
                        &quote,
                        &seg_ids.join(";"),
                        reason,
                    ));
                    let Some(code) = code else { continue };
                    let (stance, note) = coding_notes(c, &notes);
                    for (seg, span) in &placed {
                        per_coder.entry(coder.clone()).or_default().push(Coding {
                            segment: seg.id.clone(),
                            code: code.clone(),
                            origin: Origin::Import,
                            coder: coder.clone(),
                            stance,
                            span: *span,
                            note: note.clone(),
                            decision: Decision::Accept,
                        });
                        summary.placed += 1;
                    }
                }
            }
            // Codings on a whole source.
            for c in s.el.children_named("Coding") {
                ledger.push(ledger_row(
                    s,
                    s.el,
                    s.kind,
                    None,
                    None,
                    c,
                    &codes.ids,
                    &coders,
                    "",
                    "",
                    "a coding of the whole source, not of a passage",
                ));
            }
        }
        for row in &ledger {
            if !row.reason.is_empty() {
                *summary.unplaced.entry(row.reason.clone()).or_default() += 1;
            }
        }
        // Every user with a coding in the project is a coder, placed or not.
        for row in &ledger {
            per_coder.entry(row.coder.clone()).or_default();
        }
        summary.coders = per_coder.len();
        for (coder, mut codings) in per_coder {
            dedupe(&mut codings);
            sort_codings(&mut codings);
            write_atomic(
                &staging.join(CODINGS_DIR).join(format!("{coder}.csv")),
                &codings_csv(&codings, false)?,
            )?;
        }
        // The ledger.
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in &ledger {
            w.serialize(row).map_err(|e| Error::Other(e.to_string()))?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Other(e.to_string()))?;
        write_atomic(&staging.join("refi-import.csv"), &bytes)?;
        // Memos: notes not used as a coding's note.
        let used: HashSet<String> = root_coding_note_refs(&root);
        let mut memo_names = HashSet::new();
        for (g, note) in notes
            .iter()
            .filter(|(g, _)| !used.contains(*g))
            .collect::<BTreeMap<_, _>>()
        {
            let name = note.attr("name").unwrap_or("memo");
            let body = note_text(note, &mut archive)?.unwrap_or_default();
            let base = doc_slug(name);
            let mut slug = base.clone();
            let mut n = 2;
            while !memo_names.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            let dir = staging.join("memos");
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            let memo = format!(
                "# {name}\n\n<!-- REFI-QDA note {g} -->\n\n{}\n",
                body.trim_end()
            );
            write_atomic(&dir.join(format!("{slug}.md")), memo.as_bytes())?;
            summary.memos += 1;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if into.exists() {
        std::fs::remove_dir(into).map_err(|e| Error::io(into, e))?;
    }
    std::fs::rename(&staging, into).map_err(|e| Error::io(into, e))?;
    Ok(summary)
}

/// The coding notes (by GUID) that hang on codings, which become the codings' notes.
fn root_coding_note_refs(root: &Element) -> HashSet<String> {
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

/// Keeps one coding per (segment, code).
/// A coder's file holds one coding per segment and code, so two selections with the same code
/// on one turn become one coding over both (the whole turn if either covers it).
fn dedupe(codings: &mut Vec<Coding>) {
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut out: Vec<Coding> = Vec::with_capacity(codings.len());
    for c in codings.drain(..) {
        match at.get(&(c.segment.clone(), c.code.clone())) {
            Some(&i) => {
                let kept = &mut out[i];
                kept.span = match (kept.span, c.span) {
                    (Some([a, b]), Some([x, y])) => Some([a.min(x), b.max(y)]),
                    _ => None,
                };
                if kept.stance == Stance::None {
                    kept.stance = c.stance;
                }
                if let Some(n) = c.note.filter(|n| kept.note.as_deref() != Some(n)) {
                    kept.note = Some(match kept.note.take() {
                        Some(k) => format!("{k}\n\n{n}"),
                        None => n,
                    });
                }
            }
            None => {
                at.insert((c.segment.clone(), c.code.clone()), out.len());
                out.push(c);
            }
        }
    }
    *codings = out;
}

fn norm_guid(g: &str) -> String {
    g.trim().trim_matches(['{', '}']).to_uppercase()
}

fn coder_of(coding: &Element, coders: &HashMap<String, String>) -> String {
    coding
        .attr("creatingUser")
        .and_then(|g| coders.get(&norm_guid(g)))
        .cloned()
        .unwrap_or_else(|| "refi-import".to_string())
}

/// A coding's stance and note, from the notes it refers to.
fn coding_notes(coding: &Element, notes: &HashMap<String, &Element>) -> (Stance, Option<String>) {
    let mut stance = Stance::None;
    let mut texts = Vec::new();
    for r in coding.children_named("NoteRef") {
        let Some(note) = r.attr("targetGUID").and_then(|g| notes.get(&norm_guid(g))) else {
            continue;
        };
        let content = note.child_text("PlainTextContent").unwrap_or_default();
        // A note whose block does not parse is kept as text.
        let (text, block) =
            qdc::split_description(content).unwrap_or_else(|_| (Some(content.to_string()), None));
        if let Some(s) = block
            .as_ref()
            .and_then(|b| b.get("stance")?.as_str()?.parse::<Stance>().ok())
        {
            stance = s;
        }
        if let Some(t) = text.filter(|t| !t.starts_with("Stance: ")) {
            texts.push(t);
        }
    }
    let note = Some(texts.join("\n\n")).filter(|t| !t.is_empty());
    (stance, note)
}

#[allow(clippy::too_many_arguments)]
fn ledger_row(
    s: &Source<'_>,
    sel: &Element,
    kind: &str,
    start: Option<usize>,
    end: Option<usize>,
    coding: &Element,
    ids: &HashMap<String, String>,
    coders: &HashMap<String, String>,
    quote: &str,
    segments: &str,
    reason: &str,
) -> LedgerRow {
    let code = coding
        .child("CodeRef")
        .and_then(|r| r.attr("targetGUID"))
        .map(|g| {
            ids.get(&norm_guid(g))
                .cloned()
                .unwrap_or_else(|| norm_guid(g))
        })
        .unwrap_or_default();
    LedgerRow {
        source: s.name.clone(),
        selection: sel.attr("guid").unwrap_or_default().to_string(),
        kind: kind.to_string(),
        start,
        end,
        code,
        coder: coder_of(coding, coders),
        quote: quote.to_string(),
        segments: segments.to_string(),
        reason: reason.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn unplaced(
    ledger: &mut Vec<LedgerRow>,
    source: &Element,
    sel: &Element,
    kind: &'static str,
    ids: &HashMap<String, String>,
    coders: &HashMap<String, String>,
    reason: &str,
) {
    let s = Source {
        el: source,
        name: source.attr("name").unwrap_or_default().to_string(),
        kind,
        text: None,
        missing: None,
    };
    for c in sel.children_named("Coding") {
        ledger.push(ledger_row(
            &s,
            sel,
            kind,
            None,
            None,
            c,
            ids,
            coders,
            sel.attr("name").unwrap_or_default(),
            "",
            reason,
        ));
    }
}

/// A `TextSource` (or a PDF's `Representation`) with its text from the archive.
fn text_source<'a>(
    el: &'a Element,
    kind: &'static str,
    archive: &mut Archive,
) -> Result<Source<'a>, Error> {
    let name = el.attr("name").unwrap_or("source").to_string();
    let (text, missing) = match note_text(el, archive)? {
        Some(t) => (Some(t), None),
        None => (
            None,
            Some(match el.attr("plainTextPath") {
                Some(p) => format!("the source's text ({p}) is not in the archive"),
                None => "the source has neither PlainTextContent nor plainTextPath".to_string(),
            }),
        ),
    };
    Ok(Source {
        el,
        name,
        kind,
        text,
        missing,
    })
}

/// The text of a source or note: its `PlainTextContent`, or the file `plainTextPath` names.
fn note_text(el: &Element, archive: &mut Archive) -> Result<Option<String>, Error> {
    if let Some(t) = el.child_text("PlainTextContent") {
        return Ok(Some(t.to_string()));
    }
    let Some(path) = el.attr("plainTextPath") else {
        return Ok(None);
    };
    let Some(inner) = path.strip_prefix("internal://") else {
        return Ok(None);
    };
    // Only a name is looked up, never a path: nothing outside `sources/` can be reached.
    let wanted = inner.rsplit('/').next().unwrap_or(inner).to_lowercase();
    let Some(i) = archive.names.iter().position(|n| {
        let n = n.to_lowercase();
        n.strip_prefix("sources/") == Some(wanted.as_str())
    }) else {
        return Ok(None);
    };
    let bytes = archive.read(i)?;
    // Offsets count the code points of the text as it is, CR LF and all: keep it as it is when
    // it is UTF-8, as REFI-QDA requires ([`normalise`] maps the offsets later).
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let decoded = crate::transcript::decode(e.as_bytes()).map_err(|err| {
                Error::Other(format!(
                    "{}: {}: {}",
                    archive.file.display(),
                    archive.names[i],
                    err.message
                ))
            })?;
            Ok(Some(decoded.text))
        }
    }
}

/// The text with CR LF and lone CR made LF and a BOM dropped, and for every code point of the
/// original (and its end) the code point it became.
fn normalise(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut n = 0;
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        map.push(n);
        if first && c == '\u{feff}' {
            first = false;
            continue;
        }
        first = false;
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                continue;
            }
            out.push('\n');
        } else {
            out.push(c);
        }
        n += 1;
    }
    map.push(n);
    (out, map)
}

/// Whether a selection's end offset is inclusive: only when its quoted name matches the text
/// one code point further and not as given.
fn inclusive_end(text: &str, start: usize, end: usize, quote: &str) -> bool {
    let quote = quote.trim_end_matches('…').trim_end_matches("...");
    if quote.is_empty() {
        return false;
    }
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = squash(quote);
    let slice = |a: usize, b: usize| {
        text.chars()
            .skip(a)
            .take(b.saturating_sub(a))
            .collect::<String>()
    };
    let exact = squash(&slice(start, end));
    let longer = squash(&slice(start, end + 1));
    exact != q && longer == q
}

/// The segments a selection `[a, b)` (code points in the LF text) covers, each with the span of
/// its text the selection covers (`None` for the whole turn).
fn place<'s>(
    text: &str,
    a: usize,
    b: usize,
    segments: &[&'s Segment],
) -> Vec<(&'s Segment, Option<[usize; 2]>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for s in segments {
        let (cs, ce) = (s.char_start, s.char_end);
        if b <= cs || a >= ce || a == b {
            continue;
        }
        let (x, y) = (a.max(cs), b.min(ce));
        let part: String = chars[x.min(chars.len())..y.min(chars.len())]
            .iter()
            .collect();
        let turn: String = chars[cs.min(chars.len())..ce.min(chars.len())]
            .iter()
            .collect();
        let span = span_in(&s.text, &part, &turn, x - cs);
        out.push((*s, span));
    }
    out
}

/// Where `part` (text of a turn as written in the source, `offset` code points into `turn`)
/// stands in the segment's `text`: `None` when it covers all of it.
fn span_in(text: &str, part: &str, turn: &str, offset: usize) -> Option<[usize; 2]> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let p = squash(part);
    let t = squash(text);
    if p.is_empty() || p.contains(&t) {
        return None;
    }
    // The part as it stands in the text: whitespace runs may differ (lines joined by a space).
    let words: Vec<&str> = part.split_whitespace().collect();
    let pattern = words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join(r"\s+");
    let re = regex::Regex::new(&pattern).ok()?;
    // Where the turn's text starts in the source, to prefer the occurrence near `offset`.
    let head: String = text.chars().take(24).collect();
    let text_at = turn
        .find(head.as_str())
        .map_or(0, |i| turn[..i].chars().count());
    let want = offset.saturating_sub(text_at);
    let best = re
        .find_iter(text)
        .min_by_key(|m| text[..m.start()].chars().count().abs_diff(want))?;
    if best.start() == 0 && best.end() == text.len() {
        return None;
    }
    Some([best.start(), best.end()])
}

/// The manifest of an imported study: icamo's own block where the project has one, else what
/// the sources and their variables say.
fn manifest(
    project: &str,
    language: &str,
    sources: &[Source<'_>],
    doc_ids: &[String],
    block: Option<&Table>,
    root: &Element,
) -> String {
    let mut t = Table::new();
    let mut study = Table::new();
    let name = block
        .and_then(|b| b.get("study")?.as_str())
        .unwrap_or(project);
    study.insert("name".into(), Value::String(name.to_string()));
    study.insert("language".into(), Value::String(language.to_string()));
    study.insert(
        "transcripts".into(),
        Value::Array(vec![Value::String("corpus".into())]),
    );
    t.insert("study".into(), Value::Table(study));

    let own: HashMap<&str, &Table> = block
        .and_then(|b| b.get("documents")?.as_array())
        .map(|a| {
            a.iter()
                .filter_map(Value::as_table)
                .filter_map(|d| Some((d.get("id")?.as_str()?, d)))
                .collect()
        })
        .unwrap_or_default();
    // ATLAS.ti writes document groups such as "gender: male"; they read as attributes.
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    if let Some(sets) = root.child("Sets") {
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
    }
    let variables: HashMap<String, String> = root
        .child("Variables")
        .map(|v| {
            v.children_named("Variable")
                .filter_map(|x| Some((norm_guid(x.attr("guid")?), x.attr("name")?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let mut documents = Vec::new();
    for (s, id) in sources.iter().zip(doc_ids) {
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
    if !documents.is_empty() {
        t.insert("documents".into(), Value::Array(documents));
    }
    if let Some(Value::Array(speakers)) = block.and_then(|b| b.get("speakers")) {
        t.insert("speakers".into(), Value::Array(speakers.clone()));
    }
    let body = toml::to_string(&t).unwrap_or_default();
    format!(
        "# A study imported by icamo from the REFI-QDA project \"{project}\".\n# Add [[speakers]] entries with roles for the labels in the transcripts; see `icamo init`.\n\n{body}"
    )
}

/// A coder name from a user's name: letters, digits, `-` and `_`.
fn coder_slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if check_coder(&s).is_ok() {
        s
    } else {
        "coder".into()
    }
}

/// A document id or file name from a name: letters, digits, `-`, `_` and `.`.
fn doc_slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_matches(['-', '.']).to_string();
    if s.is_empty() { "document".into() } else { s }
}

fn qdc_slug(name: &str) -> String {
    doc_slug(&name.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_line_ends_keeps_a_map_of_offsets() {
        let (t, map) = normalise("a\r\nb\rc");
        assert_eq!(t, "a\nb\nc");
        assert_eq!(map, vec![0, 1, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn an_inclusive_end_is_told_from_the_quote() {
        let text = "Ik werk nu drie dagen. Daarna taalles.";
        assert!(!inclusive_end(text, 0, 21, "Ik werk nu drie dagen"));
        assert!(inclusive_end(text, 0, 20, "Ik werk nu drie dagen"));
        assert!(!inclusive_end(text, 0, 20, ""));
        assert!(!inclusive_end(text, 0, 10, "Ik werk nu…"));
    }

    #[test]
    fn a_span_is_found_near_where_the_selection_was() {
        let text = "ja ja, en toen zei ik ja";
        let turn = format!("Amal: {text}");
        assert_eq!(span_in(text, "ja", &turn, 6 + 22), Some([22, 24]));
        assert_eq!(span_in(text, "ja", &turn, 6), Some([0, 2]));
        assert_eq!(span_in(text, text, &turn, 6), None);
    }
}

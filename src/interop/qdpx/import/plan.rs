//! What a project holds and where each part of it goes: users become coders, the codebook an
//! icamo codebook, text sources transcripts with a document id each, notes memos or codings'
//! notes; selections that are not text are set aside for the ledger.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::Table;

use super::archive::{Archive, Qde};
use crate::coding::manual::check_coder;
use crate::error::Error;
use crate::interop::guid::guid;
use crate::interop::qdc::{self, ImportedCodes};
use crate::interop::xml::Element;
use crate::lang::{self, Detected, Language};

/// The project read, and where each of its parts goes.
pub(super) struct Plan<'p> {
    /// The project file.
    pub qde: &'p Qde,
    /// The project's name.
    pub name: String,
    /// The language of its transcripts (of most of their text).
    pub language: String,
    /// The language of each source whose text reads as another language than `language`.
    pub languages: Vec<Option<String>>,
    /// What the language was told from, for the summary.
    pub language_notes: Vec<String>,
    /// icamo's own block in the project's description, when icamo exported it.
    pub block: Option<Table>,
    /// Coder name by user GUID.
    pub coders: HashMap<String, String>,
    /// The codebooks, and the code id each code GUID became.
    pub codes: ImportedCodes,
    /// The notes, by GUID.
    pub notes: HashMap<String, &'p Element>,
    /// The text sources, in the project's order.
    pub sources: Vec<Source<'p>>,
    /// The document id of each source.
    pub doc_ids: Vec<String>,
    /// Selections that are not of text, which only the ledger lists.
    pub unplaced: Vec<Unplaced<'p>>,
}

/// A text source of the project, with its text if the archive has it.
pub(super) struct Source<'p> {
    /// The `TextSource` (or a PDF's `Representation`), which holds the selections.
    pub el: &'p Element,
    /// Its name (a PDF's, for its representation).
    pub name: String,
    /// `text` or `pdf text`, as the ledger says.
    pub kind: &'static str,
    /// Its text, as the project has it.
    pub text: Option<String>,
    /// Why its text is missing, when it is.
    pub missing: Option<String>,
}

/// A selection of a picture, a PDF page, audio or video: no turn can hold it.
pub(super) struct Unplaced<'p> {
    /// The source it belongs to.
    pub source: &'p Element,
    /// The selection, with its codings.
    pub sel: &'p Element,
    /// What it selects, as the ledger says.
    pub kind: &'static str,
    /// Why it is not placed.
    pub reason: &'static str,
}

impl<'p> Plan<'p> {
    /// Reads the project in `qde`, its texts from `archive`; `language` is for transcripts
    /// where the project does not say (`None`: told from their text).
    pub fn read(
        qde: &'p Qde,
        language: Option<&str>,
        archive: &mut Archive,
    ) -> Result<Plan<'p>, Error> {
        let root = &qde.root;
        let name = root.attr("name").unwrap_or("Imported project").to_string();
        let (_, block) = qdc::split_description(root.child_text("Description").unwrap_or_default())
            .map_err(|m| Error::Parse {
                path: qde.path.clone(),
                line: root.child("Description").map_or(root.line, |d| d.line),
                column: 1,
                message: format!("the project's description: {m}"),
            })?;
        let (sources, unplaced) = read_sources(root, archive)?;
        let own = block
            .as_ref()
            .and_then(|b| b.get("language")?.as_str().map(str::to_string));
        let (language, languages, language_notes) = match own.as_deref().or(language) {
            Some(l) => (l.to_string(), vec![None; sources.len()], Vec::new()),
            None => languages(&sources),
        };
        let coders = read_coders(root);
        let codes = qdc::read_codes(
            root.child("CodeBook").and_then(|c| c.child("Codes")),
            root.child("Sets"),
            &qdc_slug(&name),
            &language,
            &qde.path,
        )?;
        let notes = read_notes(root);
        let doc_ids = doc_ids(&sources, block.as_ref());
        Ok(Plan {
            qde,
            name,
            language,
            languages,
            language_notes,
            block,
            coders,
            codes,
            notes,
            sources,
            doc_ids,
            unplaced,
        })
    }

    /// The coder who made `coding` on `selection`: its user's, else the selection's (NVivo
    /// writes the user there), or `refi-import` when they name none we know.
    pub(crate) fn coder_of(&self, coding: &Element, selection: &Element) -> String {
        coding
            .attr("creatingUser")
            .and_then(|g| self.coders.get(&norm_guid(g)))
            .or_else(|| {
                selection
                    .attr("creatingUser")
                    .and_then(|g| self.coders.get(&norm_guid(g)))
            })
            .cloned()
            .unwrap_or_else(|| "refi-import".to_string())
    }

    /// The GUID of the code `coding` refers to, normalised.
    pub(crate) fn code_guid(coding: &Element) -> Option<String> {
        coding
            .child("CodeRef")
            .and_then(|r| r.attr("targetGUID"))
            .map(norm_guid)
    }

    /// The code id `coding` refers to, if the codebook has that code.
    pub(crate) fn code_of(&self, coding: &Element) -> Option<String> {
        Self::code_guid(coding).and_then(|g| self.codes.ids.get(&g).cloned())
    }
}

/// The language of the project's texts: the one most of their text reads as among those icamo
/// analyses; each source that reads as the other has its own. A project in another language is
/// analysed as English, and one whose language cannot be told as Dutch (icamo's default); the
/// notes say which, so the user can choose with --language.
fn languages(sources: &[Source<'_>]) -> (String, Vec<Option<String>>, Vec<String>) {
    let detected: Vec<Option<Detected>> = sources
        .iter()
        .map(|s| s.text.as_deref().and_then(lang::detect))
        .collect();
    let mut weight: HashMap<Language, usize> = HashMap::new();
    let mut others: Vec<&str> = Vec::new();
    for (s, d) in sources.iter().zip(&detected) {
        let len = s.text.as_deref().map_or(0, str::len);
        match d {
            Some(Detected::Analysed(l)) => *weight.entry(*l).or_default() += len,
            Some(Detected::Other(name)) if !others.contains(name) => others.push(name),
            _ => {}
        }
    }
    let mut notes = Vec::new();
    let study = match weight
        .into_iter()
        .max_by_key(|&(l, w)| (w, l == Language::Dutch))
    {
        Some((l, _)) => {
            notes.push(format!(
                "the texts read as {} ({l}); give --language to choose another",
                name_of(l)
            ));
            if !others.is_empty() {
                notes.push(format!(
                    "some texts read as {}, which icamo does not analyse: they are analysed as {}",
                    others.join(", "),
                    name_of(l)
                ));
            }
            l
        }
        None if !others.is_empty() => {
            notes.push(format!(
                "the texts read as {}, which icamo does not analyse: they are analysed as English (en); give --language to choose",
                others.join(", ")
            ));
            Language::English
        }
        None => {
            notes.push("the texts' language could not be told: they are analysed as Dutch (nl); give --language to choose".into());
            Language::Dutch
        }
    };
    let per_source = detected
        .iter()
        .map(|d| match d {
            Some(Detected::Analysed(l)) if *l != study => Some(l.code().to_string()),
            _ => None,
        })
        .collect();
    (study.code().to_string(), per_source, notes)
}

/// A language's English name.
fn name_of(l: Language) -> &'static str {
    match l {
        Language::Dutch => "Dutch",
        Language::English => "English",
    }
}

/// Users → coders: a coder name from each user's name, unique.
fn read_coders(root: &Element) -> HashMap<String, String> {
    let mut coders: HashMap<String, String> = HashMap::new();
    let mut coder_names: HashSet<String> = HashSet::new();
    if let Some(users) = root.child("Users") {
        for u in users.children_named("User") {
            let Some(g) = u.attr("guid") else { continue };
            let wanted = u.attr("name").or(u.attr("id")).unwrap_or("coder");
            coders.insert(norm_guid(g), unique(coder_slug(wanted), &mut coder_names));
        }
    }
    coders
}

/// `base`, or `base-2`, `base-3`… whichever `taken` does not hold yet; it is then taken.
pub(super) fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// The project's notes, by GUID.
fn read_notes(root: &Element) -> HashMap<String, &Element> {
    let mut notes = HashMap::new();
    if let Some(n) = root.child("Notes") {
        for note in n.children_named("Note") {
            if let Some(g) = note.attr("guid") {
                notes.insert(norm_guid(g), note);
            }
        }
    }
    notes
}

/// The text sources (a PDF's text representation is one) and the selections of everything
/// else.
fn read_sources<'p>(
    root: &'p Element,
    archive: &mut Archive,
) -> Result<(Vec<Source<'p>>, Vec<Unplaced<'p>>), Error> {
    let mut sources = Vec::new();
    let mut unplaced = Vec::new();
    let Some(s) = root.child("Sources") else {
        return Ok((sources, unplaced));
    };
    for el in &s.children {
        match el.name.as_str() {
            "TextSource" => sources.push(text_source(el, "text", archive)?),
            "PDFSource" => {
                if let Some(r) = el.child("Representation") {
                    let mut src = text_source(r, "pdf text", archive)?;
                    src.name = el.attr("name").unwrap_or(&src.name).to_string();
                    sources.push(src);
                }
            }
            _ => {}
        }
        media_selections(el, &mut unplaced);
    }
    Ok((sources, unplaced))
}

/// The selections of a source that are not of text: regions of a PDF page or a picture,
/// stretches of audio or video, and selections of their transcripts.
fn media_selections<'p>(el: &'p Element, out: &mut Vec<Unplaced<'p>>) {
    const AV: &str = "a stretch of audio or video, not text";
    let selections: &[(&str, &'static str, &'static str)] = match el.name.as_str() {
        "PDFSource" => &[(
            "PDFSelection",
            "pdf region",
            "a region of a PDF page, not text",
        )],
        "PictureSource" => &[(
            "PictureSelection",
            "picture",
            "a region of a picture, not text",
        )],
        "AudioSource" => &[
            ("AudioSelection", "audio", AV),
            ("VideoSelection", "audio", AV),
        ],
        "VideoSource" => &[
            ("AudioSelection", "video", AV),
            ("VideoSelection", "video", AV),
        ],
        _ => return,
    };
    for &(tag, kind, reason) in selections {
        for sel in el.children_named(tag) {
            out.push(Unplaced {
                source: el,
                sel,
                kind,
                reason,
            });
        }
    }
    for t in el.children_named("Transcript") {
        for sel in t.children_named("TranscriptSelection") {
            out.push(Unplaced {
                source: el,
                sel,
                kind: "transcript",
                reason: "a transcript selection between sync points",
            });
        }
    }
}

/// A `TextSource` (or a PDF's `Representation`) with its text from the archive.
fn text_source<'p>(
    el: &'p Element,
    kind: &'static str,
    archive: &mut Archive,
) -> Result<Source<'p>, Error> {
    let name = el.attr("name").unwrap_or("source").to_string();
    let (text, missing) = match archive.text_of(el)? {
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

/// The document id of each source: an icamo export names each source's id in its block (the
/// source GUID is derived from it); other projects get ids made from the names, unique.
fn doc_ids(sources: &[Source<'_>], block: Option<&Table>) -> Vec<String> {
    let own_ids: HashMap<String, String> = block
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
    for s in sources {
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
        doc_ids.push(unique(doc_slug(&stem.to_lowercase()), &mut taken));
    }
    doc_ids
}

/// A GUID as the project's maps key it: no braces, upper case.
pub(super) fn norm_guid(g: &str) -> String {
    g.trim().trim_matches(['{', '}']).to_uppercase()
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
pub(super) fn doc_slug(name: &str) -> String {
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

/// A codebook's file name (and the name of codes no codebook set claims) from a name.
pub(super) fn qdc_slug(name: &str) -> String {
    doc_slug(&name.to_lowercase())
}

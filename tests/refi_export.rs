//! icamo's REFI-QDA export as other tools read it: one coding per selection with its coder on
//! the selection (as NVivo writes them), GUIDs in lower case, a focus-group respondent's case
//! pointing at their own turns, and the whole project read back by another tool's importer
//! (`qualitative-coding`, from PyPI), compared with what icamo wrote.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::refi::unzip;
use common::icamo;

/// One element of the exported `project.qde`: its name, attributes and parent.
#[derive(Debug)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    parent: Option<usize>,
}

/// Every element of `xml` in document order.
fn elements(xml: &str) -> Vec<El> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<El> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => return out,
            Event::End(_) => {
                open.pop();
            }
            Event::Start(e) => {
                out.push(element(&e, open.last().copied()));
                open.push(out.len() - 1);
            }
            Event::Empty(e) => out.push(element(&e, open.last().copied())),
            _ => {}
        }
    }
}

/// One start or empty tag as an [`El`] under `parent`.
fn element(e: &quick_xml::events::BytesStart, parent: Option<usize>) -> El {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            let key = a.key.as_ref().to_string();
            let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
            (key, value.unwrap().into_owned())
        })
        .collect();
    El {
        name: e.name().as_ref().to_string(),
        attrs,
        parent,
    }
}

/// The bundled study, ingested and exported: the archive's path, its `project.qde`, its
/// source texts by file name, and what `icamo export` printed.
struct Export {
    _dir: tempfile::TempDir,
    file: PathBuf,
    qde: Vec<El>,
    texts: BTreeMap<String, String>,
    printed: String,
}

fn export_bundled() -> Export {
    let dir = common::bundled_study();
    icamo(dir.path()).args(["-q", "ingest"]).assert().success();
    let file = dir.path().join("studie.qdpx");
    let out = icamo(dir.path())
        .args(["export", "qdpx", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let entries: BTreeMap<String, String> = unzip(&fs::read(&file).unwrap())
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect();
    let qde = elements(&entries["project.qde"]);
    let texts = entries
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("sources/")?.to_string(), v)))
        .collect();
    Export {
        _dir: dir,
        file,
        qde,
        texts,
        printed,
    }
}

impl Export {
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (usize, &'a El)> + 'a {
        self.qde
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.name == name)
    }

    fn children<'a>(&'a self, parent: usize, name: &'a str) -> Vec<&'a El> {
        self.qde
            .iter()
            .filter(|e| e.parent == Some(parent) && e.name == name)
            .collect()
    }

    fn by_guid(&self, guid: &str) -> (usize, &El) {
        self.qde
            .iter()
            .enumerate()
            .find(|(_, e)| e.attrs.get("guid").map(String::as_str) == Some(guid))
            .unwrap_or_else(|| panic!("no element with guid {guid}"))
    }

    /// The text a selection covers, read from its source's text file as another tool would.
    fn selection_text(&self, i: usize) -> String {
        let sel = &self.qde[i];
        let source = &self.qde[sel.parent.unwrap()];
        let path = source.attrs["plainTextPath"].trim_start_matches("internal://");
        let (a, b): (usize, usize) = (
            sel.attrs["startPosition"].parse().unwrap(),
            sel.attrs["endPosition"].parse().unwrap(),
        );
        self.texts[path].chars().skip(a).take(b - a).collect()
    }

    /// The name (label) of the code a coding's `<CodeRef>` points at.
    fn code_name(&self, coding: usize) -> &str {
        let code_ref = self.children(coding, "CodeRef")[0];
        &self.by_guid(&code_ref.attrs["targetGUID"]).1.attrs["name"]
    }
}

#[test]
fn every_coding_has_a_selection_of_its_own_with_its_coder_and_lower_case_guids() {
    let x = export_bundled();
    let mut codings = 0;
    for (i, sel) in x.all("PlainTextSelection") {
        let inside: Vec<_> = x
            .qde
            .iter()
            .enumerate()
            .filter(|(_, e)| e.parent == Some(i) && e.name == "Coding")
            .collect();
        assert!(
            inside.len() <= 1,
            "a selection holds {} codings",
            inside.len()
        );
        if let Some((_, coding)) = inside.first() {
            codings += 1;
            assert_eq!(
                sel.attrs.get("creatingUser"),
                coding.attrs.get("creatingUser"),
                "the selection names the coding's coder"
            );
            let text = x.selection_text(i);
            let name: String = text.chars().take(100).collect();
            assert_eq!(sel.attrs["name"], name, "a selection's name is its text");
        }
    }
    assert!(
        x.printed.contains(&format!("{codings} codings")),
        "{codings} selections with a coding; icamo printed: {}",
        x.printed
    );
    for e in &x.qde {
        for key in ["guid", "targetGUID", "creatingUser"] {
            if let Some(g) = e.attrs.get(key) {
                assert_eq!(g, &g.to_lowercase(), "{} {key}", e.name);
            }
        }
    }
    // The words a coder coded, under the code they chose, as another tool shows them.
    let quote = "Precies. Dat is de dualiteit. Dat je niet eerst twee jaar in de schoolbanken zit en dan pas gaat kijken naar werk, maar dat het tegelijk loopt.";
    let coded: Vec<&str> = x
        .all("Coding")
        .filter(|(_, c)| x.selection_text(c.parent.unwrap()) == quote)
        .map(|(i, _)| x.code_name(i))
        .collect();
    assert_eq!(
        coded,
        ["Dualiteit (taal leren en tegelijk werken of participeren)"]
    );
}

/// Respondent ids and their turns' texts, from `icamo export segments --names`.
fn turns_by_respondent(study: &Path) -> BTreeMap<String, Vec<(String, String)>> {
    let out = icamo(study)
        .args(["export", "segments", "--format", "jsonl", "--names"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut by: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(r) = row["respondent"].as_str() {
            by.entry(r.to_string()).or_default().push((
                row["doc"].as_str().unwrap().to_string(),
                row["text"].as_str().unwrap().to_string(),
            ));
        }
    }
    by
}

#[test]
fn a_focus_group_respondent_is_the_case_of_their_own_turns_and_an_interviewee_of_the_file() {
    let x = export_bundled();
    let turns = turns_by_respondent(x._dir.path());
    let docs_of =
        |r: &str| -> BTreeSet<&str> { turns[r].iter().map(|(d, _)| d.as_str()).collect() };
    let source_name = |guid: &str| x.by_guid(guid).1.attrs["name"].clone();
    let mut focus_group_cases = 0;
    let mut interview_cases = 0;
    for (i, case) in x.all("Case") {
        let id = &case.attrs["name"];
        let docs = docs_of(id);
        let selections: Vec<String> = x
            .children(i, "SelectionRef")
            .iter()
            .map(|r| x.selection_text(x.by_guid(&r.attrs["targetGUID"]).0))
            .collect();
        let files: Vec<String> = x
            .children(i, "SourceRef")
            .iter()
            .map(|r| source_name(&r.attrs["targetGUID"]))
            .collect();
        let shared = docs.iter().any(|d| {
            turns
                .iter()
                .filter(|(other, _)| *other != id)
                .any(|(_, t)| t.iter().any(|(od, _)| od == d))
        });
        if shared {
            focus_group_cases += 1;
            let own: Vec<String> = turns[id]
                .iter()
                .filter(|(d, _)| {
                    !files
                        .iter()
                        .any(|f| Path::new(f).file_stem().unwrap() == d.as_str())
                })
                .map(|(_, t)| t.clone())
                .collect();
            assert_eq!(selections, own, "case {id}: its turns, and only those");
        } else {
            interview_cases += 1;
            assert!(selections.is_empty(), "case {id}");
            let stems: BTreeSet<String> = files
                .iter()
                .map(|f| {
                    Path::new(f)
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            let docs: BTreeSet<String> = docs.iter().map(|d| d.to_string()).collect();
            assert_eq!(stems, docs, "case {id}: the interviews they give");
        }
    }
    assert!(focus_group_cases > 5 && interview_cases > 3);
}

/// The Python of a virtual environment with `qualitative-coding` installed and its `qc`
/// command beside it: `$ICAMO_TEST_QC` (what `.ci/run` sets up). Without it the check is
/// skipped with a message, except when `CI` is set.
fn qualitative_coding() -> Option<(PathBuf, PathBuf)> {
    let python = std::env::var_os("ICAMO_TEST_QC").map(PathBuf::from);
    let found = python.filter(|p| {
        Process::new(p)
            .args(["-c", "import qualitative_coding"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if let Some(python) = found {
        let qc = python.with_file_name("qc");
        return Some((python, qc));
    }
    let message = "the round trip through another tool needs ICAMO_TEST_QC: the python of a virtual environment with `pip install qualitative-coding==1.7.8` (.ci/run sets it up)";
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{message}");
    }
    eprintln!("SKIPPED: {message}");
    None
}

/// What qualitative-coding holds after importing a project, as JSON: its codebook, coders,
/// documents with their text, and the codes coded in each document by each coder (qc codes
/// lines, so several selections of one code in a document are one coding there).
const READ_BACK: &str = r#"
import json, yaml
from pathlib import Path
from qualitative_coding.corpus import QCCorpus
def names(node):
    if isinstance(node, list):
        for n in node: yield from names(n)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from names(v)
    else:
        yield node
corpus = QCCorpus(Path("settings.yaml"))
with corpus.session():
    coded = sorted({(code, coder, doc) for code, coder, line, doc in corpus.get_coded_lines()})
    coders = sorted(c.name for c in corpus.get_all_coders())
book = sorted(set(names(yaml.safe_load(Path("codebook.yaml").read_text()))))
docs = {p.name: p.read_text() for p in Path("corpus").iterdir() if p.suffix == ".txt"}
# qc logs to stdout: the answer goes to a file.
with open("read-back.json", "w") as f:
    json.dump({"codebook": book, "coders": coders, "coded": coded, "documents": docs}, f)
"#;

#[test]
fn qualitative_coding_reads_every_code_document_coder_and_coding() {
    let Some((python, qc)) = qualitative_coding() else {
        return;
    };
    let x = export_bundled();
    let into = tempfile::tempdir().unwrap();
    let imported = Process::new(&qc)
        .args(["init", "--import"])
        .arg(&x.file)
        .current_dir(into.path())
        // qualitative-coding 1.7.8 has a breakpoint() left in its importer.
        .env("PYTHONBREAKPOINT", "0")
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "qc init --import failed:\n{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let read = Process::new(&python)
        .args(["-c", READ_BACK])
        .current_dir(into.path())
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let qc: serde_json::Value =
        serde_json::from_slice(&fs::read(into.path().join("read-back.json")).unwrap()).unwrap();
    let strings = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };

    let codes: BTreeSet<String> = x
        .all("Code")
        .map(|(_, c)| c.attrs["name"].clone())
        .collect();
    assert_eq!(strings(&qc["codebook"]), codes, "the codebook");
    let users: BTreeSet<String> = x
        .all("User")
        .map(|(_, u)| u.attrs["name"].clone())
        .collect();
    assert_eq!(strings(&qc["coders"]), users, "the coders");

    let mut documents = BTreeMap::new();
    let mut file_of = BTreeMap::new();
    for (_, s) in x.all("TextSource") {
        let file = Path::new(&s.attrs["name"]).with_extension("txt");
        let file = file.to_string_lossy().into_owned();
        let path = s.attrs["plainTextPath"].trim_start_matches("internal://");
        documents.insert(file.clone(), x.texts[path].clone());
        file_of.insert(s.attrs["guid"].clone(), file);
    }
    let theirs: BTreeMap<String, String> = qc["documents"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(theirs, documents, "the documents and their text");

    let user_name: BTreeMap<&str, &str> = x
        .all("User")
        .map(|(_, u)| (u.attrs["guid"].as_str(), u.attrs["name"].as_str()))
        .collect();
    let mut ours = BTreeSet::new();
    for (i, c) in x.all("Coding") {
        let source = x.qde[x.qde[i].parent.unwrap()].parent.unwrap();
        ours.insert(vec![
            x.code_name(i).to_string(),
            user_name[c.attrs["creatingUser"].as_str()].to_string(),
            file_of[&x.qde[source].attrs["guid"]].clone(),
        ]);
    }
    let theirs: BTreeSet<Vec<String>> = qc["coded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(theirs, ours, "each code a coder coded in each document");
}

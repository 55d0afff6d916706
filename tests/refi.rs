//! REFI-QDA exchange: the ATLAS.ti project in tests/fixtures/refi-qda imports, icamo's exports
//! validate against the REFI-QDA 1.0 schemas kept beside it, and a study goes out and comes
//! back unchanged.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use icamo::codebook::Codebook;
use icamo::coding::manual::{Decision, load_all_coders};
use icamo::study::Study;
use proptest::prelude::*;

use common::{icamo, repo};

/// `tests/fixtures/refi-qda`: the REFI-QDA 1.0 schemas and an ATLAS.ti export (see its README).
fn refi_qda() -> PathBuf {
    common::fixtures().join("refi-qda")
}

/// Validates `xml` against a schema of tests/fixtures/refi-qda with xmllint. Without xmllint
/// the check is skipped, except in CI, which installs it.
fn validate(xml: &str, schema: &str) {
    let Ok(version) = Process::new("xmllint").arg("--version").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is missing: CI must install libxml2-utils"
        );
        eprintln!("xmllint not found: schema validation skipped");
        return;
    };
    assert!(version.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.xml");
    fs::write(&file, xml).unwrap();
    let out = Process::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(refi_qda().join(schema))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the XML does not validate against {schema}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The entries of a ZIP archive, by name.
pub(crate) fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.insert(f.name().unwrap().to_string(), b);
    }
    out
}

/// A copy of the bundled example study (transcripts, codebook, the coder's file), ingested.
fn bundled_study() -> tempfile::TempDir {
    let dir = common::bundled_study();
    icamo(dir.path()).args(["-q", "ingest"]).assert().success();
    dir
}

/// What a segment is, apart from where it stands in its source file.
fn segment_facts(study: &Path) -> Vec<String> {
    let study = Study::open(study).unwrap();
    study
        .all_segments()
        .unwrap()
        .into_iter()
        .map(|s| {
            format!(
                "{} {} | {} | {:?} | {} | {:?} | {:?} | {} | {:?} | {:?} | {}",
                s.id,
                s.doc,
                s.speaker,
                s.respondent,
                s.role,
                s.case,
                s.group,
                s.interviewer,
                s.lang,
                s.start_ms,
                s.text
            )
        })
        .collect()
}

/// Every accepted coding: segment, code, coder, stance, span and note.
fn coding_facts(study: &Path) -> Vec<String> {
    let study = Study::open(study).unwrap();
    let mut out: Vec<String> = load_all_coders(&study)
        .unwrap()
        .into_values()
        .flatten()
        .filter(|c| c.decision == Decision::Accept)
        .map(|c| {
            format!(
                "{} {} {} {} {:?} {:?}",
                c.segment, c.code, c.coder, c.stance, c.span, c.note
            )
        })
        .collect();
    out.sort();
    out
}

/// Everything about a codebook's codes that a round trip must keep.
fn codebook_facts(cb: &Codebook) -> Vec<String> {
    let mut out = vec![format!("{} {:?} {:?}", cb.name, cb.language, cb.version)];
    for g in &cb.synonyms {
        out.push(format!(
            "synonyms {:?}",
            g.terms.iter().map(|t| &t.text).collect::<Vec<_>>()
        ));
    }
    for c in &cb.codes {
        let texts =
            |r: &[icamo::codebook::Rule]| r.iter().map(|r| r.text.clone()).collect::<Vec<_>>();
        out.push(format!(
            "{} {:?} {:?} {} {} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            c.id,
            c.parent,
            c.label,
            c.kind,
            c.codable,
            c.color,
            c.definition,
            c.include,
            c.exclude,
            c.examples,
            c.weight,
            c.level,
            c.process,
            c.subgoal,
            texts(&c.rules.keywords),
            texts(&c.rules.regex),
            texts(&c.rules.near),
            texts(&c.rules.not),
            c.rules.roles,
            c.rules.speakers,
        ));
    }
    out
}

/// Asserts two lists of facts are equal, showing the first that differs.
fn assert_same(what: &str, a: &[String], b: &[String]) {
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        panic!(
            "{what} differ at {i} of {}/{}:\n  before: {:?}\n  after:  {:?}",
            a.len(),
            b.len(),
            a.get(i),
            b.get(i)
        );
    }
}

/// The `[[configurations]]` of a codebook file as TOML values.
fn configurations(text: &str) -> toml::Value {
    let t: toml::Table = text.parse().unwrap();
    t.get("configurations")
        .cloned()
        .unwrap_or(toml::Value::Array(vec![]))
}

#[test]
fn the_atlas_ti_project_imports_with_its_codes_codings_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("atlas");
    let import = |allow: bool| {
        let mut cmd = icamo(dir.path());
        cmd.args(["import", "qdpx"])
            .arg(refi_qda().join("atlasti-8.4-testproject.qdpx"))
            .arg("--into")
            .arg(&into);
        if allow {
            cmd.arg("--allow-lost-codings");
        }
        cmd.output().unwrap()
    };
    // This export left its texts out, and codes pictures, PDF pages and video: no coding can
    // be placed, so the import fails and says how to import the study anyway.
    let out = import(false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("16 of the 16 codings in ")
            && stderr.contains("could not be placed (the reasons are above), so nothing was imported; give --allow-lost-codings"),
        "{stderr}"
    );
    assert!(!into.exists(), "a failed import leaves no study behind");
    let out = import(true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(Project.qde)"), "{stdout}");
    // Counts say what happened.
    assert!(
        stdout.contains("  documents   0 of 8 text sources ingested\n              8 without their text in the archive\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  codings     0 of 16 placed, as 0 codings on turns\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  left out    graph \"Netzwerk\" not carried over: a drawing of the project's objects"
        ),
        "{stdout}"
    );

    // The codebook: 14 codes, ATLAS.ti's "Coke::diet Coke" as a child of "Coke", colours and
    // descriptions kept.
    let books: Vec<PathBuf> = fs::read_dir(into.join("codebooks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(books.len(), 1);
    let cb = Codebook::load(&books[0]).unwrap();
    assert_eq!(cb.codes.len(), 14);
    let diet = cb.code("coke.diet-coke").expect("Coke::diet Coke");
    assert_eq!(diet.parent.as_deref(), Some("coke"));
    assert_eq!(diet.label, "diet Coke");
    assert_eq!(diet.color.as_deref(), Some("#966450"));
    assert_eq!(diet.definition.as_deref(), Some("non sucré"));
    assert_eq!(cb.code("rushed").unwrap().label, "\"rushed\"");
    assert_eq!(cb.code("milk").unwrap().color, None);
    icamo(&into).args(["codebook", "check"]).assert().success();

    // Every one of the project's 16 codings is accounted for in the ledger, with the coder and
    // the code; the text codings wait for their text, which this export left out.
    let ledger = fs::read_to_string(into.join("refi-import.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(ledger.as_bytes());
    let mut rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    // The graph, which icamo has no place for, has a row of its own.
    let graph = rows.pop().unwrap();
    assert_eq!((&graph[0], &graph[2]), ("Netzwerk", "graph"));
    assert_eq!(rows.len(), 16, "{ledger}");
    assert!(rows.iter().all(|r| &r[6] == "Friedrich-Markgraf"));
    let text_rows: Vec<_> = rows.iter().filter(|r| &r[2] == "text").collect();
    assert_eq!(text_rows.len(), 7);
    assert!(text_rows.iter().any(|r| &r[0] == "Mabel.txt"
        && &r[3] == "0"
        && &r[4] == "410"
        && &r[5] == "cornflakes"
        && r[9].contains("not in the archive")));
    assert_eq!(rows.iter().filter(|r| &r[2] == "picture").count(), 2);
    assert!(into.join("codings/Friedrich-Markgraf.csv").exists());

    // Notes become memos; so do the code groups, the links and the comment on a passage
    // without a code, which icamo has no other place for.
    let memo = fs::read_to_string(into.join("memos/Research-Plan.md")).unwrap();
    assert!(memo.starts_with("# Research Plan"), "{memo}");
    assert_eq!(fs::read_dir(into.join("memos")).unwrap().count(), 5);
    let groups = fs::read_to_string(into.join("memos/refi-code-groups.md")).unwrap();
    assert!(
        groups.contains("## positive feelings\n\n- `serene`\n- `sleepy`\n- `happiness`\n"),
        "{groups}"
    );
    let links = fs::read_to_string(into.join("memos/refi-links.md")).unwrap();
    assert!(
        links.contains("- note \"My favorite Coke ad\" → passage \"00:16.17 – 00:45.35\" of \"1994 Diet Coke-Diet Coke Break.mp4\" (Memo-Quotation Relation)\n"),
        "{links}"
    );
    let comments = fs::read_to_string(into.join("memos/refi-comments.md")).unwrap();
    assert!(
        // (ATLAS.ti wrote the name with combining accents.)
        comments.contains("## \"Mabe\u{302}l 2ie\u{300}me.txt\"\n\n> For some reason babies aren't supposed to have cow's milk that is low fat. However, I am really bad…\n\nMabel is not the only person I know who has Coke for breakfast!\n"),
        "{comments}"
    );
}

#[test]
fn an_exported_codebook_validates_and_reads_back_the_same() {
    let path = repo().join("codebooks/dualiteit.toml");
    let export = || {
        let out = icamo(repo()).args(["export", "qdc"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let qdc = export();
    validate(&qdc, "Codebook.xsd");
    assert_eq!(qdc, export(), "two exports are identical");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dualiteit.qdc");
    fs::write(&file, &qdc).unwrap();
    let back = dir.path().join("back.toml");
    icamo(dir.path())
        .args(["import", "qdc"])
        .arg(&file)
        .arg("--out")
        .arg(&back)
        .assert()
        .success();
    let original = Codebook::load(&path).unwrap();
    let imported = Codebook::load(&back).unwrap();
    assert_same(
        "codebooks",
        &codebook_facts(&original),
        &codebook_facts(&imported),
    );
    assert_eq!(
        configurations(&fs::read_to_string(&path).unwrap()),
        configurations(&fs::read_to_string(&back).unwrap())
    );
    // Nothing is overwritten without --force.
    let again = icamo(dir.path())
        .args(["import", "qdc"])
        .arg(&file)
        .arg("--out")
        .arg(&back)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    // Into a study: the codebook of the same name is the one it would replace (only with
    // --force), and another codebook may not bring codes the study already has.
    let study = bundled_study();
    let out = icamo(study.path())
        .args(["import", "qdc"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("codebooks/dualiteit.toml exists: give --force"),
        "{stderr}"
    );
    let renamed = dir.path().join("renamed.qdc");
    fs::write(
        &renamed,
        qdc.replace(
            "icamo codebook: Dualiteit",
            "icamo codebook: Kopie van dualiteit",
        ),
    )
    .unwrap();
    let out = icamo(study.path())
        .args(["import", "qdc"])
        .arg(&renamed)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("are already in") && stderr.contains("dualiteit.toml"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_dir(study.path().join("codebooks"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn the_bundled_study_goes_out_and_comes_back_with_the_same_segments_and_codings() {
    let study = bundled_study();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("study.qdpx");
    let out = icamo(study.path())
        .args(["export", "qdpx", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("103 codes, 11 transcripts, 327 codings by 1 coder, 329 ICAMO links"),
        "{stderr}"
    );
    let bytes = fs::read(&file).unwrap();
    // Stable: a second export gives the same bytes; and it never overwrites without --force.
    let again = icamo(study.path())
        .args(["export", "qdpx", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    icamo(study.path())
        .args(["-q", "export", "qdpx", "--force", "--out"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(bytes, fs::read(&file).unwrap());
    let entries = unzip(&bytes);
    let qde = String::from_utf8(entries["project.qde"].clone()).unwrap();
    validate(&qde, "Project.xsd");
    assert_eq!(
        entries.keys().filter(|k| k.starts_with("sources/")).count(),
        11
    );
    assert!(qde.contains("<Link "), "ICAMO edges travel as links");

    let into = dir.path().join("back");
    icamo(dir.path())
        .args(["-q", "import", "qdpx"])
        .arg(&file)
        .arg("--into")
        .arg(&into)
        .assert()
        .success();
    assert_same(
        "segments",
        &segment_facts(study.path()),
        &segment_facts(&into),
    );
    let before = coding_facts(study.path());
    assert!(!before.is_empty());
    assert_same("codings", &before, &coding_facts(&into));
    // The configurations' edges come back in the codebook, not as a memo of links too.
    assert!(!into.join("memos/refi-links.md").exists());
    let original = Codebook::load(&repo().join("codebooks/dualiteit.toml")).unwrap();
    let books: Vec<PathBuf> = fs::read_dir(into.join("codebooks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(books.len(), 1);
    assert_same(
        "codebooks",
        &codebook_facts(&original),
        &codebook_facts(&Codebook::load(&books[0]).unwrap()),
    );
    // The imported study builds.
    icamo(&into).args(["-q", "build"]).assert().success();
}

/// Writes a qdpx archive with these entries.
fn qdpx(dir: &Path, entries: &[(&str, &str)]) -> PathBuf {
    let path = dir.join("p.qdpx");
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    for (name, body) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    path
}

const SMALL_QDE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Klein">
  <Users><User guid="11111111-1111-4111-8111-111111111111" name="Sanne de Wit"/></Users>
  <CodeBook><Codes>
    <Code guid="22222222-2222-4222-8222-222222222222" name="Taal" isCodable="true">
      <Code guid="33333333-3333-4333-8333-333333333333" name="Taal leren op de werkvloer" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="44444444-4444-4444-8444-444444444444" name="Interview Amal.txt" plainTextPath="internal://44444444-4444-4444-8444-444444444444.txt">
      <PlainTextSelection guid="55555555-5555-4555-8555-555555555555" name="op mijn werk leer ik de meeste woorden" startPosition="START" endPosition="END">
        <Coding guid="66666666-6666-4666-8666-666666666666" creatingUser="11111111-1111-4111-8111-111111111111">
          <CodeRef targetGUID="33333333-3333-4333-8333-333333333333"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"#;

const SMALL_TEXT: &str = "Interviewer: Hoe gaat het met de taal?\r\nAmal: Beter. Eerlijk gezegd: op mijn werk leer ik de meeste woorden, meer dan in de klas.\r\n";

/// The small project, with the selection's end written inclusive or exclusive.
fn small_project(dir: &Path, inclusive: bool, folder: &str, qde: &str) -> PathBuf {
    let quote = "op mijn werk leer ik de meeste woorden";
    let start = SMALL_TEXT.chars().collect::<String>().find(quote).unwrap();
    let start = SMALL_TEXT[..start].chars().count();
    let end = start + quote.chars().count() - usize::from(inclusive);
    let xml = SMALL_QDE
        .replace("START", &start.to_string())
        .replace("END", &end.to_string());
    qdpx(
        dir,
        &[
            (qde, &xml),
            (
                &format!("{folder}/44444444-4444-4444-8444-444444444444.txt"),
                SMALL_TEXT,
            ),
        ],
    )
}

#[test]
fn an_end_offset_is_read_as_inclusive_where_the_quoted_text_says_so() {
    for (inclusive, folder, qde) in [
        (false, "sources", "project.qde"),
        (true, "Sources", "Klein.qde"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = small_project(dir.path(), inclusive, folder, qde);
        let into = dir.path().join("study");
        let out = icamo(dir.path())
            .args(["import", "qdpx"])
            .arg(&file)
            .arg("--into")
            .arg(&into)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        // The source's convention is named where it is not the standard's.
        assert_eq!(
            stdout.contains(
                "offsets     \"Interview Amal.txt\" read as code points, CR LF as two, end inclusive"
            ),
            inclusive,
            "{stdout}"
        );
        let codings = fs::read_to_string(into.join("codings/Sanne-de-Wit.csv")).unwrap();
        // The second turn; the span is the quote's bytes in the turn's text, CR LF or not.
        let text =
            "Beter. Eerlijk gezegd: op mijn werk leer ik de meeste woorden, meer dan in de klas.";
        let a = text.find("op mijn").unwrap();
        let b = a + "op mijn werk leer ik de meeste woorden".len();
        assert!(
            codings.contains(&format!(
                "interview-amal:0002,taal.taal-leren-op-de-werkvloer,none,import,{a}-{b},,accept"
            )),
            "{codings}"
        );
    }
}

/// Interview notes as an NVivo or MAXQDA project holds them: paragraphs, no speaker labels.
const NOTES_TEXT: &str = "Gespreksnotities werkbezoek Havenstad\r\n\r\nDe klantmanager vertelt dat de intake nu twee uur duurt. Zo hoort ze wat iemand wil en kan.\r\n\r\nDe taalcoach komt elke week op de werkvloer. Volgens de werkgever leren de nieuwe collega's daar de meeste woorden.\r\n";

#[test]
fn a_source_without_speaker_labels_is_read_by_paragraph_and_its_codings_land_there() {
    let dir = tempfile::tempdir().unwrap();
    let quote = "Volgens de werkgever leren de nieuwe collega's daar de meeste woorden.";
    let start = NOTES_TEXT[..NOTES_TEXT.find(quote).unwrap()]
        .chars()
        .count();
    let end = start + quote.chars().count();
    let xml = SMALL_QDE
        .replace("Interview Amal.txt", "Notities werkbezoek.txt")
        .replace("op mijn werk leer ik de meeste woorden", quote)
        .replace("START", &start.to_string())
        .replace("END", &end.to_string());
    let file = qdpx(
        dir.path(),
        &[
            ("project.qde", &xml),
            (
                "sources/44444444-4444-4444-8444-444444444444.txt",
                NOTES_TEXT,
            ),
        ],
    );
    let into = dir.path().join("study");
    let out = icamo(dir.path())
        .args(["import", "qdpx"])
        .arg(&file)
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = fs::read_to_string(into.join("icamo.toml")).unwrap();
    assert!(manifest.contains("read_as = \"document\""), "{manifest}");
    // The coding is on the third paragraph, on the words selected.
    let shown = icamo(&into)
        .args(["show", "notities-werkbezoek:0003"])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("De taalcoach komt elke week op de werkvloer."),
        "{shown}"
    );
    let codings = fs::read_to_string(into.join("codings/Sanne-de-Wit.csv")).unwrap();
    let paragraph = "De taalcoach komt elke week op de werkvloer. Volgens de werkgever leren de nieuwe collega's daar de meeste woorden.";
    let a = paragraph.find(quote).unwrap();
    assert!(
        codings.contains(&format!(
            "notities-werkbezoek:0003,taal.taal-leren-op-de-werkvloer,none,import,{a}-{},",
            a + quote.len()
        )),
        "{codings}"
    );
}

#[test]
fn a_plain_text_path_without_internal_finds_its_file_in_sources() {
    // Some tools write plainTextPath="NAME.txt" (or relative://NAME.txt) for the file they put
    // in sources/, where the standard writes internal://NAME.txt.
    for path in [
        "44444444-4444-4444-8444-444444444444.txt",
        "relative://44444444-4444-4444-8444-444444444444.txt",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = small_project(dir.path(), false, "sources", "project.qde");
        // The same project with this plainTextPath in place of the standard one.
        let entries = unzip(&fs::read(&file).unwrap());
        let xml = String::from_utf8(entries["project.qde"].clone())
            .unwrap()
            .replace("internal://44444444-4444-4444-8444-444444444444.txt", path);
        assert!(xml.contains(&format!("plainTextPath=\"{path}\"")));
        let text =
            String::from_utf8(entries["sources/44444444-4444-4444-8444-444444444444.txt"].clone())
                .unwrap();
        let file = qdpx(
            dir.path(),
            &[
                ("project.qde", &xml),
                ("sources/44444444-4444-4444-8444-444444444444.txt", &text),
            ],
        );
        let into = dir.path().join("study");
        let out = icamo(dir.path())
            .args(["import", "qdpx"])
            .arg(&file)
            .arg("--into")
            .arg(&into)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let codings = fs::read_to_string(into.join("codings/Sanne-de-Wit.csv")).unwrap();
        assert!(
            codings.contains("interview-amal:0002,taal.taal-leren-op-de-werkvloer,none,import,"),
            "{path}: {codings}"
        );
    }
}

#[test]
fn a_bad_project_is_refused_with_the_reason_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<Project name=\"x\">&b;</Project>";
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            qdpx(dir.path(), &[("project.qde", bomb)]),
            "project.qde:2:1: a <!DOCTYPE>",
        ),
        (
            {
                let p = dir.path().join("not.qdpx");
                fs::write(&p, "dit is geen zip").unwrap();
                p
            },
            "not a REFI-QDA project",
        ),
        (
            {
                let d = dir.path().join("noqde");
                fs::create_dir(&d).unwrap();
                qdpx(&d, &[("sources/a.txt", "x")])
            },
            "no .qde file",
        ),
        (
            {
                let d = dir.path().join("truncated");
                fs::create_dir(&d).unwrap();
                qdpx(&d, &[("project.qde", &SMALL_QDE[..400])])
            },
            "project.qde:",
        ),
    ];
    for (file, expected) in cases {
        let into = dir.path().join("study");
        let out = icamo(dir.path())
            .args(["import", "qdpx"])
            .arg(&file)
            .arg("--into")
            .arg(&into)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in: {stderr}"
        );
        assert!(!into.exists(), "a failed import leaves no study behind");
    }
    // A path in the project that points outside the archive's sources reads nothing there.
    let d = dir.path().join("slip");
    fs::create_dir(&d).unwrap();
    let sneaky = SMALL_QDE
        .replace(
            "internal://44444444-4444-4444-8444-444444444444.txt",
            "internal://../../../etc/passwd",
        )
        .replace("START", "0")
        .replace("END", "5");
    let file = qdpx(&d, &[("project.qde", &sneaky), ("../../evil.txt", "x")]);
    let into = d.join("study");
    icamo(&d)
        .args(["-q", "import", "qdpx", "--allow-lost-codings"])
        .arg(&file)
        .arg("--into")
        .arg(&into)
        .assert()
        .success();
    assert!(!d.join("../evil.txt").exists() && !dir.path().join("evil.txt").exists());
    let ledger = fs::read_to_string(into.join("refi-import.csv")).unwrap();
    assert!(ledger.contains("not in the archive"), "{ledger}");
    // And a study folder that is not empty is never written into.
    let out = icamo(&d)
        .args(["import", "qdpx"])
        .arg(&file)
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
}

#[test]
fn an_archive_that_unpacks_to_more_than_the_limit_is_refused() {
    use icamo::interop::qdpx::{ImportOptions, import_qdpx};
    let dir = tempfile::tempdir().unwrap();
    // 2 MB of one letter: a few kilobytes packed, like a (small) zip bomb.
    let bomb = format!("Amal: {}\n", "a".repeat(2_000_000));
    let xml = SMALL_QDE.replace("START", "0").replace("END", "5");
    let file = qdpx(
        dir.path(),
        &[
            ("project.qde", &xml),
            ("sources/44444444-4444-4444-8444-444444444444.txt", &bomb),
        ],
    );
    assert!(fs::metadata(&file).unwrap().len() < 50_000);
    let into = dir.path().join("study");
    let options = |max_unpacked| ImportOptions {
        into: into.clone(),
        language: Some("nl".into()),
        max_unpacked,
    };
    let e = import_qdpx(&file, &options(1_000_000))
        .unwrap_err()
        .to_string();
    assert!(e.contains("zip bomb"), "{e}");
    assert!(!into.exists());
    // Within the limit the same archive imports.
    import_qdpx(&file, &options(10_000_000)).unwrap();
    assert!(into.join("corpus").exists());
}

// ------------------------------------------------------------------------------------------
// Round trip as a property: any small study with any codings comes back the same.

const WORDS: &[&str] = &[
    "taal",
    "werk",
    "inburgering",
    "cliënt",
    "ik",
    "wij",
    "niet",
    "geen",
    "coördinator",
    "klantmanager",
    "€",
    "mooi",
    "ja",
    "nee",
    "dat",
    "is",
    "een",
    "goed",
    "idee",
    "ideeën",
    "we",
    "gaan",
    "naar",
    "de",
    "werkvloer",
    "😀",
    "leren",
    "en",
    "werken",
    "tegelijk",
];
const SPEAKERS: &[(&str, Option<&str>)] = &[
    ("Interviewer", None),
    ("Amal", Some("statushouder")),
    ("Karin", Some("professional uitvoering")),
    ("Jan de Vries", Some("werkgever")),
];
const CODES: &[&str] = &["a", "a.b", "c"];

#[derive(Debug, Clone)]
struct Turn {
    speaker: usize,
    start_ms: Option<u64>,
    paragraphs: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
struct GenCoding {
    turn: usize,
    code: usize,
    coder: usize,
    stance: usize,
    span: Option<(usize, usize)>,
    note: Option<String>,
}

fn turn() -> impl Strategy<Value = Turn> {
    (
        0..SPEAKERS.len(),
        prop::option::of(0u64..10_000_000),
        prop::collection::vec(prop::collection::vec(0..WORDS.len(), 1..12), 1..3),
    )
        .prop_map(|(speaker, start_ms, paragraphs)| Turn {
            speaker,
            start_ms,
            paragraphs,
        })
}

fn coding() -> impl Strategy<Value = GenCoding> {
    (
        0usize..100,
        0..CODES.len(),
        0usize..2,
        0usize..4,
        prop::option::of((0usize..200, 0usize..200)),
        prop::option::of("[a-zë ,.]{1,30}"),
    )
        .prop_map(|(turn, code, coder, stance, span, note)| GenCoding {
            turn,
            code,
            coder,
            stance,
            span,
            note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        })
}

fn text_of(t: &Turn) -> String {
    t.paragraphs
        .iter()
        .map(|p| p.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Writes a study with one Markdown-free text transcript and two coders' files.
fn write_study(dir: &Path, turns: &[Turn], codings: &[GenCoding]) {
    fs::create_dir_all(dir.join("corpus")).unwrap();
    fs::create_dir_all(dir.join("codebooks")).unwrap();
    fs::create_dir_all(dir.join("codings")).unwrap();
    let mut manifest = String::from(
        "[study]\nname = \"Eigenschap\"\nlanguage = \"nl\"\ntranscripts = [\"corpus\"]\n\n[[documents]]\nfile = \"corpus/gesprek.txt\"\ncase = \"Havenstad\"\n\n",
    );
    for (label, role) in SPEAKERS {
        match role {
            Some(r) => manifest.push_str(&format!(
                "[[speakers]]\nlabel = \"{label}\"\nrespondent = \"R-{label}\"\nrole = \"{r}\"\n\n"
            )),
            None => manifest.push_str(&format!(
                "[[speakers]]\nlabel = \"{label}\"\ninterviewer = true\n\n"
            )),
        }
    }
    fs::write(dir.join("icamo.toml"), manifest).unwrap();
    let mut text = String::new();
    let mut last = 0;
    for t in turns {
        if let Some(ms) = t.start_ms {
            // Times in the file only ever go forward.
            let ms = ms.max(last);
            last = ms;
            text.push_str(&format!(
                "[{:02}:{:02}:{:02}.{:03}] ",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000
            ));
        }
        text.push_str(&format!("{}: {}\n\n", SPEAKERS[t.speaker].0, text_of(t)));
    }
    fs::write(dir.join("corpus/gesprek.txt"), text).unwrap();
    fs::write(
        dir.join("codebooks/proef.toml"),
        "[codebook]\nname = \"proef\"\n\n[[codes]]\nid = \"a\"\nlabel = \"A\"\nkind = \"mechanism\"\ncolor = \"#aa0000\"\ndefinition = \"Eerste.\"\n\n[[codes]]\nid = \"a.b\"\nparent = \"a\"\nlabel = \"B\"\nkind = \"context\"\nlevel = \"institutioneel\"\n\n[codes.rules]\nkeywords = [\"taal\", \"werk*\"]\n\n[[codes]]\nid = \"c\"\nlabel = \"C\"\nkind = \"other\"\ncodable = false\n",
    )
    .unwrap();
    // coder → (segment, code) → the line of the coder's file.
    let mut files: BTreeMap<usize, BTreeMap<(String, String), String>> = BTreeMap::new();
    for c in codings {
        let t = c.turn % turns.len();
        let body = text_of(&turns[t]);
        let span = c.span.and_then(|(x, y)| {
            let (x, y) = (x.min(y), x.max(y));
            let bounds: Vec<usize> = body
                .char_indices()
                .map(|(i, _)| i)
                .chain([body.len()])
                .collect();
            let a = bounds[x % bounds.len()];
            let b = bounds[y % bounds.len()];
            // A span of whitespace only has no words to find again; skip it.
            (b > a && !body[a..b].trim().is_empty() && (a, b) != (0, body.len()))
                .then(|| {
                    // Spans start and end on words, as a coder selects them.
                    let s = &body[a..b];
                    let a2 = a + (s.len() - s.trim_start().len());
                    let b2 = b - (s.len() - s.trim_end().len());
                    (a2, b2)
                })
                .filter(|&(a, b)| (a, b) != (0, body.len()))
        });
        let stance = ["none", "supports", "contradicts", "nuance"][c.stance];
        let segment = format!("gesprek:{:04}", t + 1);
        let span_text = span.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default();
        let note = c.note.clone().unwrap_or_default();
        let note = if note.contains([',', '"']) {
            format!("\"{note}\"")
        } else {
            note
        };
        // One coding per segment and code in a coder's file.
        files.entry(c.coder).or_default().insert(
            (segment.clone(), CODES[c.code].to_string()),
            format!(
                "{segment},{},{stance},manual,{span_text},{note},accept\n",
                CODES[c.code]
            ),
        );
    }
    for (coder, rows) in files {
        let mut csv = String::from("segment,code,stance,origin,span,note,decision\n");
        for row in rows.values() {
            csv.push_str(row);
        }
        fs::write(dir.join(format!("codings/coder{coder}.csv")), csv).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_gives_the_same_codebook_segments_and_codings(
        turns in prop::collection::vec(turn(), 1..8),
        codings in prop::collection::vec(coding(), 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let study_dir = dir.path().join("study");
        write_study(&study_dir, &turns, &codings);
        icamo(&study_dir).args(["-q", "ingest"]).assert().success();
        let study = Study::open(&study_dir).unwrap();
        let (bytes, _) = icamo::interop::qdpx::export_qdpx(&study).unwrap();
        let file = dir.path().join("p.qdpx");
        fs::write(&file, &bytes).unwrap();
        let into = dir.path().join("back");
        icamo(dir.path()).args(["-q", "import", "qdpx"]).arg(&file).arg("--into").arg(&into).assert().success();
        prop_assert_eq!(segment_facts(&study_dir), segment_facts(&into));
        prop_assert_eq!(coding_facts(&study_dir), coding_facts(&into));
        let before = Codebook::load(&study_dir.join("codebooks/proef.toml")).unwrap();
        let after = Codebook::load(&into.join("codebooks/proef.toml")).unwrap();
        prop_assert_eq!(codebook_facts(&before), codebook_facts(&after));
    }
}

// ------------------------------------------------------------------------------------------
// Offsets as the tools write them.

/// A focus group as a tool stores it: a BOM, CR LF line ends, emoji (beyond the BMP, two UTF-16
/// units each) before the selections, a skin-tone modifier, accented letters.
const TOOL_TEXT: &str = "\u{feff}Interviewer: Hoe gaat het? 😀\r\nAmal: Goed 👍🏽. Op mijn werk leer ik de meeste woorden, meer dan in de klas. En mijn collega's helpen 🙂 echt.\r\nInterviewer: Wat helpt nog meer?\r\nAmal: De taalcoach. Elke week één uur.\r\n";

/// How a tool counts: UTF-16 units or code points, the BOM counted or not, CR LF as one or
/// two, the end inclusive or not.
#[derive(Clone, Copy)]
struct Counting {
    utf16: bool,
    bom: bool,
    crlf_one: bool,
    inclusive: bool,
}

/// Where byte `at` of `TOOL_TEXT` is, counted so.
fn counted(at: usize, c: Counting) -> usize {
    let text = &TOOL_TEXT[..at];
    let mut n = 0;
    for (i, ch) in text.char_indices() {
        n += match ch {
            '\u{feff}' if i == 0 && !c.bom => 0,
            '\r' if c.crlf_one && TOOL_TEXT[i + 1..].starts_with('\n') => 0,
            _ if c.utf16 => ch.len_utf16(),
            _ => 1,
        };
    }
    n
}

/// A project of `TOOL_TEXT` with these selections (quote, code), counted as `c`; `names`
/// says whether a selection's name is its text (NVivo, ATLAS.ti, MAXQDA) or not (qc writes
/// `line:N`).
fn tool_project(dir: &Path, c: Counting, names: bool, selections: &[(&str, &str)]) -> PathBuf {
    let mut sels = String::new();
    for (i, (quote, code)) in selections.iter().enumerate() {
        let at = TOOL_TEXT.find(quote).unwrap();
        let (start, end) = (counted(at, c), counted(at + quote.len(), c));
        let end = end - usize::from(c.inclusive);
        let name = if names {
            quote.to_string()
        } else {
            format!("line:{i}")
        };
        sels.push_str(&format!(
            r#"<PlainTextSelection guid="5555555{i}-5555-4555-8555-555555555555" name="{name}" startPosition="{start}" endPosition="{end}" creatingUser="11111111-1111-4111-8111-111111111111">
        <Coding guid="6666666{i}-6666-4666-8666-666666666666"><CodeRef targetGUID="{code}"/></Coding>
      </PlainTextSelection>
      "#
        ));
    }
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Focusgroep">
  <Users><User guid="11111111-1111-4111-8111-111111111111" name="Sanne de Wit"/></Users>
  <CodeBook><Codes>
    <Code guid="22222222-2222-4222-8222-222222222222" name="Werkvloer" isCodable="true"/>
    <Code guid="33333333-3333-4333-8333-333333333333" name="Taalcoach" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="44444444-4444-4444-8444-444444444444" name="Focusgroep Amal" plainTextPath="internal://44444444-4444-4444-8444-444444444444.txt">
      {sels}</TextSource>
  </Sources>
</Project>
"#
    );
    qdpx(
        dir,
        &[
            ("project.qde", &xml),
            (
                "Sources/44444444-4444-4444-8444-444444444444.txt",
                TOOL_TEXT,
            ),
        ],
    )
}

/// Each coding of a coder's file as `code: text` (the text its span selects, or `[whole
/// turn] text`), in file order.
fn landed(file: &Path) -> Vec<String> {
    let mut rows = csv::Reader::from_path(file).unwrap();
    let mut out = Vec::new();
    for r in rows.records() {
        let r = r.unwrap();
        let (code, span, text) = (&r[1], &r[4], &r[7]);
        out.push(match span.split_once('-') {
            Some((a, b)) => format!("{code}: {}", &text[a.parse().unwrap()..b.parse().unwrap()]),
            None => format!("{code}: [whole turn] {text}"),
        });
    }
    out.sort();
    out
}

#[test]
fn codings_land_on_the_words_each_tool_selected_however_it_counts() {
    const WERK: &str = "22222222-2222-4222-8222-222222222222";
    const COACH: &str = "33333333-3333-4333-8333-333333333333";
    let selections = [
        ("Op mijn werk leer ik de meeste woorden", WERK),
        // The same code again in the same turn: a second coding, not one from the first
        // start to the last end.
        ("mijn collega's helpen 🙂 echt", WERK),
        // A selection that takes in the speaker label is trimmed of it.
        ("Amal: De taalcoach.", COACH),
        // A whole turn with its label is the whole turn.
        ("Amal: De taalcoach. Elke week één uur.", WERK),
    ];
    let expected = [
        "taalcoach: De taalcoach.",
        "werkvloer: Op mijn werk leer ik de meeste woorden",
        "werkvloer: [whole turn] De taalcoach. Elke week één uur.",
        "werkvloer: mijn collega's helpen 🙂 echt",
    ];
    let c = |utf16, bom, crlf_one, inclusive| Counting {
        utf16,
        bom,
        crlf_one,
        inclusive,
    };
    // Where each convention comes from: NVivo counts UTF-16 code units (a .NET string) and
    // leaves the BOM out; ATLAS.ti counts a CR LF line end as one character (QualCoder's
    // importer pads its texts for every other tool, not for ATLAS.ti); some exporters write
    // the last selected character as the end (REFI-QDA 1.5 leaves it open); qc counts code
    // points of the file, BOM included, and names its selections `line:N`, not by their text.
    let tools = [
        (
            "NVivo",
            c(true, false, false, false),
            true,
            "UTF-16 code units, BOM not counted, CR LF as two, end exclusive",
        ),
        (
            "ATLAS.ti",
            c(false, true, true, false),
            true,
            "code points, BOM counted, CR LF as one, end exclusive",
        ),
        (
            "inclusive end",
            c(false, true, false, true),
            true,
            "code points, BOM counted, CR LF as two, end inclusive",
        ),
        (
            "qc",
            c(false, true, false, false),
            false,
            "code points, BOM counted, CR LF as two, end exclusive",
        ),
    ];
    for (tool, counting, names, convention) in tools {
        let dir = tempfile::tempdir().unwrap();
        let file = tool_project(dir.path(), counting, names, &selections);
        let into = dir.path().join("study");
        let out = icamo(dir.path())
            .args(["import", "qdpx"])
            .arg(&file)
            .arg("--into")
            .arg(&into)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            landed(&into.join("codings/Sanne-de-Wit.csv")),
            expected,
            "{tool}"
        );
        // The convention is in the ledger, and in the summary where it is not the standard's.
        let ledger = fs::read_to_string(into.join("refi-import.csv")).unwrap();
        assert!(ledger.contains(convention), "{tool}: {ledger}");
        assert_eq!(
            stdout.contains(&format!("\"Focusgroep Amal\" read as {convention}")),
            tool != "qc",
            "{tool}: {stdout}"
        );
    }
}

#[test]
fn groups_cases_and_comments_are_carried_over_and_what_has_no_place_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Interviewer: Hoe gaat het?\nAmal: Goed. Op mijn werk leer ik veel.\n";
    let at = |q: &str| text[..text.find(q).unwrap()].chars().count();
    let (a, b) = (
        at("Op mijn werk"),
        at("Op mijn werk") + "Op mijn werk".len(),
    );
    let (c, d) = (at("Goed."), at("Goed.") + 5);
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Havenstad">
  <Users><User guid="11111111-1111-4111-8111-111111111111" name="Sanne"/></Users>
  <CodeBook><Codes><Code guid="22222222-2222-4222-8222-222222222222" name="Werk" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="77777777-7777-4777-8777-777777777777" name="gemeente" typeOfVariable="Text"/></Variables>
  <Cases>
    <Case guid="88888888-8888-4888-8888-888888888881" name="Havenstad">
      <VariableValue><VariableRef targetGUID="77777777-7777-4777-8777-777777777777"/><TextValue>Havenstad</TextValue></VariableValue>
      <SourceRef targetGUID="44444444-4444-4444-8444-444444444444"/>
    </Case>
    <Case guid="88888888-8888-4888-8888-888888888882" name="Amal">
      <SelectionRef targetGUID="55555555-5555-4555-8555-555555555555"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="44444444-4444-4444-8444-444444444444" name="Interview Amal" plainTextPath="internal://44444444-4444-4444-8444-444444444444.txt">
      <PlainTextSelection guid="55555555-5555-4555-8555-555555555555" name="Op mijn werk" startPosition="{a}" endPosition="{b}">
        <Description>Leren op de werkvloer, niet in de klas.</Description>
        <Coding guid="66666666-6666-4666-8666-666666666666" creatingUser="11111111-1111-4111-8111-111111111111"><CodeRef targetGUID="22222222-2222-4222-8222-222222222222"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="55555555-5555-4555-8555-555555555556" name="Goed." startPosition="{c}" endPosition="{d}">
        <Description>Kort antwoord.</Description>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Sets>
    <Set guid="99999999-9999-4999-8999-999999999991" name="Ronde 1"><MemberSource targetGUID="44444444-4444-4444-8444-444444444444"/></Set>
    <Set guid="99999999-9999-4999-8999-999999999992" name="leeftijd: 25-40"><MemberSource targetGUID="44444444-4444-4444-8444-444444444444"/></Set>
  </Sets>
  <Graphs><Graph guid="aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" name="Netwerk"/></Graphs>
</Project>
"#
    );
    let file = qdpx(
        dir.path(),
        &[
            ("project.qde", &xml),
            ("sources/44444444-4444-4444-8444-444444444444.txt", text),
        ],
    );
    let into = dir.path().join("study");
    let out = icamo(dir.path())
        .args(["import", "qdpx"])
        .arg(&file)
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("  documents   1 of 1 text sources ingested\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  codings     1 of 1 placed, as 1 codings on turns\n"),
        "{stdout}"
    );
    for left_out in [
        "  left out    graph \"Netwerk\" not carried over",
        "  left out    case \"Amal\" not carried over: a case made of passages or codes, not of whole sources",
    ] {
        assert!(stdout.contains(left_out), "{left_out}: {stdout}");
    }
    let ledger = fs::read_to_string(into.join("refi-import.csv")).unwrap();
    assert!(ledger.contains("Amal,88888888-8888-4888-8888-888888888882,case,,,,,,,\"not carried over: a case made of passages"), "{ledger}");
    // The source's case, with the case's variable, and its groups are document attributes.
    let manifest: toml::Table = fs::read_to_string(into.join("icamo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let doc = &manifest["documents"][0];
    assert_eq!(doc["case"].as_str(), Some("Havenstad"));
    let attributes = doc["attributes"].as_table().unwrap();
    assert_eq!(attributes["gemeente"].as_str(), Some("Havenstad"));
    assert_eq!(attributes["leeftijd"].as_str(), Some("25-40"));
    assert_eq!(attributes["refi_groups"].as_str(), Some("Ronde 1"));
    // A quotation comment is the coding's note; on a passage without a code it is a memo.
    let codings = fs::read_to_string(into.join("codings/Sanne.csv")).unwrap();
    assert!(
        codings
            .contains(",werk,none,import,6-18,\"Leren op de werkvloer, niet in de klas.\",accept,"),
        "{codings}"
    );
    let memo = fs::read_to_string(into.join("memos/refi-comments.md")).unwrap();
    assert!(
        memo.contains("## \"Interview Amal\", interview-amal:0002\n\n> Goed.\n\nKort antwoord.\n"),
        "{memo}"
    );
}

#[test]
fn the_language_is_told_from_the_text_unless_given() {
    let texts = [
        (
            "en",
            None,
            "Interviewer: How is work going?\nAmal: Better. I work three days a week at a bakery now, and that is where I learn most of the words, much more than in class.\n",
        ),
        (
            "nl",
            None,
            "Interviewer: Hoe gaat het met werk?\nAmal: Beter. Ik werk nu drie dagen in de week bij een bakkerij, en daar leer ik de meeste woorden, veel meer dan in de klas.\n",
        ),
        (
            "en",
            Some(
                "the texts read as Hungarian, which icamo does not analyse: they are analysed as English (en)",
            ),
            "Interviewer: Hogy megy a munka?\nAmal: Jobban. Most heti három napot dolgozom egy pékségben, és ott tanulom a legtöbb szót, sokkal többet, mint az órán.\n",
        ),
    ];
    for (expected, note, text) in texts {
        for given in [None, Some("nl")] {
            let dir = tempfile::tempdir().unwrap();
            // The selection is the first turn.
            let end = text[..text.find('\n').unwrap()].chars().count();
            let xml = SMALL_QDE
                .replace("startPosition=\"START\"", "startPosition=\"0\"")
                .replace("endPosition=\"END\"", &format!("endPosition=\"{end}\""));
            let file = qdpx(
                dir.path(),
                &[
                    ("project.qde", &xml),
                    ("sources/44444444-4444-4444-8444-444444444444.txt", text),
                ],
            );
            let into = dir.path().join("study");
            let mut cmd = icamo(dir.path());
            cmd.args(["import", "qdpx"])
                .arg(&file)
                .arg("--into")
                .arg(&into);
            if let Some(l) = given {
                cmd.args(["--language", l]);
            }
            let out = cmd.output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let manifest = fs::read_to_string(into.join("icamo.toml")).unwrap();
            let want = given.unwrap_or(expected);
            assert!(
                manifest.contains(&format!("language = \"{want}\"")),
                "{text}: {manifest}"
            );
            if given.is_none()
                && let Some(note) = note
            {
                assert!(stdout.contains(note), "{stdout}");
            }
        }
    }
}

//! Documents that are not transcripts (`read_as = "document"` in a `[[documents]]` entry):
//! policy documents, notes and reports read as paragraphs, each searched, shown, coded and
//! quoted under the document's type and case, in a copy of the bundled study.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::common::{bundled_study, icamo};

/// A policy document in plain text: a title line, then paragraphs of wrapped lines.
const POLICY: &str = "Beleidsnotitie inburgering Havenstad 2025

De gemeente Havenstad kiest voor een duale aanpak: taal leren en
werken gaan vanaf het begin samen.

Elke statushouder krijgt binnen drie maanden een werkplek bij een
werkgever in de regio. Jeroen Bakker van het werkgeversservicepunt
bewaakt dat de taallessen doorgaan.
";

/// Adds `file` (relative to the study) with `content` and a `[[documents]]` entry of `entry`
/// lines to the study in `dir`, whose `corpus` folder is where transcripts are found.
fn add_document(dir: &Path, file: &str, content: &[u8], entry: &str) {
    let path = dir.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, content).unwrap();
    let mut manifest = fs::read_to_string(dir.join("icamo.toml")).unwrap();
    // The entry goes before [[speakers]], among the other [[documents]].
    let at = manifest.find("[[speakers]]").unwrap();
    manifest.insert_str(
        at,
        &format!("[[documents]]\nfile = \"{file}\"\n{entry}\n\n"),
    );
    fs::write(dir.join("icamo.toml"), manifest).unwrap();
}

/// Runs `icamo ARGS` on the study, which must succeed, and returns its standard output.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = icamo(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "icamo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A Word document whose body is `body` (WordprocessingML paragraphs and tables), zipped with
/// the three parts Word needs to open it.
pub fn docx(body: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let options = zip::write::SimpleFileOptions::default();
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
            ),
            (
                "word/document.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
                ),
            ),
        ];
        for (name, content) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    bytes
}

/// A Word paragraph of one run.
pub fn w_p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

#[test]
fn a_policy_document_is_searched_shown_coded_and_quoted_as_its_type_and_case() {
    let study = bundled_study();
    let dir = study.path();
    add_document(
        dir,
        "corpus/beleid-havenstad.txt",
        POLICY.as_bytes(),
        "case = \"Havenstad\"\ntype = \"beleidsdocument\"\nread_as = \"document\"",
    );
    let ingest = icamo(dir).arg("ingest").output().unwrap();
    let stderr = String::from_utf8_lossy(&ingest.stderr);
    assert!(ingest.status.success(), "{stderr}");
    // A paragraph is nobody's words: no "speaker not in the manifest" about it.
    assert!(!stderr.contains("beleid-havenstad"), "{stderr}");

    // Lines of one paragraph are joined; the name is replaced by its pseudonym, as in turns.
    let shown = run(dir, &["show", "beleid-havenstad:0003"]);
    assert_eq!(
        shown,
        "> beleid-havenstad:0003  beleidsdocument · Havenstad  (corpus/beleid-havenstad.txt:6)\n\
         >     Elke statushouder krijgt binnen drie maanden een werkplek bij een werkgever in de \
         regio. Pim van het werkgeversservicepunt bewaakt dat de taallessen doorgaan.\n\n"
    );
    let found = run(dir, &["search", "werkgeversservicepunt"]);
    assert!(
        found.starts_with("beleid-havenstad:0003  beleidsdocument · Havenstad  (score"),
        "{found}"
    );

    // Coded like a turn, quoted as "beleidsdocument, Havenstad" (a document is nobody, so its
    // case is shown even though it is the only one of its type there).
    let mut codings = fs::OpenOptions::new()
        .append(true)
        .open(dir.join("codings/codeur-a.csv"))
        .unwrap();
    writeln!(
        codings,
        "beleid-havenstad:0002,out.dualiteit,supports,manual,,,accept,\"De gemeente Havenstad kiest voor een duale aanpak: taal leren en werken gaan vanaf het begin samen.\""
    )
    .unwrap();
    let quotes = run(
        dir,
        &[
            "quotes",
            "--code",
            "out.dualiteit",
            "--role",
            "beleidsdocument",
        ],
    );
    assert!(
        quotes.contains(
            "\"De gemeente Havenstad kiest voor een duale aanpak: taal leren en werken gaan vanaf het begin samen.\"\n    — beleidsdocument, Havenstad  [out.dualiteit supports, confirmed, beleid-havenstad:0002]"
        ),
        "{quotes}"
    );
    let rows: Vec<serde_json::Value> = run(dir, &["export", "codings", "--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = rows
        .iter()
        .find(|r| r["segment"] == "beleid-havenstad:0002")
        .expect("the document's coding is exported");
    assert_eq!(row["role"], "beleidsdocument");
    assert_eq!(row["case"], "Havenstad");
    assert_eq!(row["doc_type"], "beleidsdocument");
}

#[test]
fn notes_in_markdown_and_word_are_read_by_paragraph_without_headings() {
    let study = bundled_study();
    let dir = study.path();
    add_document(
        dir,
        "corpus/observatie-veenoord.md",
        b"---\ncase: Veenoord\n---\n# Observatie taalcafe\n\nDe docent begint met een **rondje**\nnamen.\n\n- Twee deelnemers komen te laat.\n",
        "type = \"observatienotities\"\nread_as = \"document\"",
    );
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Gespreksnotities</w:t></w:r></w:p>"#.to_string(),
        w_p("Respondent werkt drie dagen in de kassen."),
        "<w:p/>".to_string(),
        w_p("Taalles in de avond lukt niet met de kinderen."),
    ]
    .concat();
    add_document(
        dir,
        "corpus/notities-gm-04.docx",
        &docx(&body),
        "case = \"Veenoord\"\ntype = \"interviewnotities\"\nread_as = \"document\"",
    );
    run(dir, &["ingest"]);
    assert_eq!(
        run(dir, &["show", "observatie-veenoord:0001"]),
        "> observatie-veenoord:0001  observatienotities · Veenoord  (corpus/observatie-veenoord.md:6)\n\
         >     De docent begint met een rondje namen.\n\n"
    );
    assert_eq!(
        run(dir, &["show", "observatie-veenoord:0002"]),
        "> observatie-veenoord:0002  observatienotities · Veenoord  (corpus/observatie-veenoord.md:9)\n\
         >     Twee deelnemers komen te laat.\n\n"
    );
    assert_eq!(
        run(dir, &["show", "notities-gm-04:0002"]),
        "> notities-gm-04:0002  interviewnotities · Veenoord  (corpus/notities-gm-04.docx:4)\n\
         >     Taalles in de avond lukt niet met de kinderen.\n\n"
    );
    let missing = icamo(dir)
        .args(["show", "notities-gm-04:0003"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
}

#[test]
fn a_transcript_without_any_speaker_label_names_the_setting_that_reads_it_as_a_document() {
    let study = bundled_study();
    let dir = study.path();
    add_document(
        dir,
        "corpus/beleid-havenstad.txt",
        POLICY.as_bytes(),
        "case = \"Havenstad\"\ntype = \"beleidsdocument\"",
    );
    let out = icamo(dir).arg("ingest").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("corpus/beleid-havenstad.txt:1:")
            && stderr.contains(
                "no line of the file starts with a speaker label, so it reads as a document \
                 rather than a transcript: if it is one (a policy document, notes, a report), \
                 set read_as = \"document\" in its [[documents]] entry"
            ),
        "{stderr}"
    );
}

#[test]
fn captions_cannot_be_read_as_a_document() {
    let study = bundled_study();
    let dir = study.path();
    let manifest = fs::read_to_string(dir.join("icamo.toml"))
        .unwrap()
        .replacen(
            "file = \"corpus/fg-beleid-havenstad.vtt\"\n",
            "file = \"corpus/fg-beleid-havenstad.vtt\"\nread_as = \"document\"\n",
            1,
        );
    fs::write(dir.join("icamo.toml"), manifest).unwrap();
    let out = icamo(dir).arg("ingest").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("corpus/fg-beleid-havenstad.vtt")
            && stderr.contains("a vtt file holds captions: read it as a transcript"),
        "{stderr}"
    );
}

/// A policy note of three A6 pages, written for icamo and saved as PDF by LibreOffice Writer
/// (`soffice --headless --convert-to pdf`, from `beleidsnotitie-havenstad.fodt` beside it):
/// justified text with Dutch hyphenation, a running header, a footer with the page number, and
/// paragraphs that run on over page breaks.
const POLICY_PDF: &str = "tests/fixtures/documents/beleidsnotitie-havenstad.pdf";

#[test]
fn a_pdf_is_read_by_paragraph_without_its_page_furniture() {
    let study = bundled_study();
    let dir = study.path();
    let pdf = fs::read(crate::common::repo().join(POLICY_PDF)).unwrap();
    add_document(
        dir,
        "corpus/beleidsnotitie-havenstad.pdf",
        &pdf,
        "case = \"Havenstad\"\ntype = \"beleidsdocument\"",
    );
    // A PDF with no entry at all is read as a document too, under the role "document".
    fs::write(dir.join("corpus/notitie-zonder-entry.pdf"), &pdf).unwrap();
    run(dir, &["ingest"]);

    // A paragraph that runs on over a page break, its hyphenated words (beschik-|baarheid,
    // be-|roep) whole, the header and the footer with its page number gone.
    assert_eq!(
        run(dir, &["show", "beleidsnotitie-havenstad:0005"]),
        "> beleidsnotitie-havenstad:0005  beleidsdocument · Havenstad  \
         (corpus/beleidsnotitie-havenstad.pdf:5)\n\
         >     Het werkgeversservicepunt van de arbeidsmarktregio zoekt samen met werkgevers \
         naar plekken waar taalondersteuning op de werkvloer mogelijk is. Werkgevers die een \
         startbaan aanbieden, ontvangen loonkostensubsidie en begeleiding door een jobcoach.\n\n"
    );
    assert_eq!(
        run(dir, &["show", "beleidsnotitie-havenstad:0010"]),
        "> beleidsnotitie-havenstad:0010  beleidsdocument · Havenstad  \
         (corpus/beleidsnotitie-havenstad.pdf:10)\n\
         >     Daarbij wordt expliciet gekeken naar verschillen tussen statushouders en \
         gezinsmigranten, omdat voor gezinsmigranten andere financieringsregels gelden en zij \
         minder vaak een beroep kunnen doen op ondersteuning door de gemeente.\n\n"
    );
    let headings = run(dir, &["show", "beleidsnotitie-havenstad:0004"]);
    assert!(headings.ends_with(">     Uitgangspunten\n\n"), "{headings}");
    let last = run(dir, &["show", "beleidsnotitie-havenstad:0011"]);
    assert!(
        last.ends_with("gebruikt om het beleid voor de periode daarna bij te stellen.\n\n"),
        "{last}"
    );
    assert!(
        !icamo(dir)
            .args(["show", "beleidsnotitie-havenstad:0012"])
            .output()
            .unwrap()
            .status
            .success()
    );
    for furniture in ["Vertrouwelijk", "concept", "Beleidsnotitie inburgering"] {
        let found = run(dir, &["search", &format!("\"{furniture}\"")]);
        assert!(!found.contains("notitie"), "{furniture}: {found}");
    }
    let bare = run(dir, &["show", "notitie-zonder-entry:0002"]);
    assert!(
        bare.starts_with("> notitie-zonder-entry:0002  document  (corpus/notitie-zonder-entry.pdf:2)\n>     Deze notitie beschrijft"),
        "{bare}"
    );
}

#[test]
fn a_damaged_pdf_is_an_error_naming_the_file_and_nothing_panics() {
    let study = bundled_study();
    let dir = study.path();
    let pdf = fs::read(crate::common::repo().join(POLICY_PDF)).unwrap();
    // Cut off halfway, as an interrupted download leaves it.
    fs::write(dir.join("corpus/afgebroken.pdf"), &pdf[..pdf.len() / 2]).unwrap();
    let out = icamo(dir).arg("ingest").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("corpus/afgebroken.pdf: the PDF cannot be read (")
            && stderr.contains(
                "it may be damaged (cut off by a download or copy) or password-protected"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

//! Word transcripts in the layouts Teams and transcription services write: tables with a time,
//! speaker and text column (with or without a header row), Teams' speaker-and-time line with
//! the text after a line break in one paragraph, and Teams' older timing / speaker / text
//! paragraphs. Each fixture is built here with the XML structure those files have.

use std::fs;

use icamo::transcript::{Format, ParsedTranscript, parse_bytes};

use crate::common::{bundled_study, icamo};
use crate::documents::{docx, w_p};

/// A table cell holding these paragraphs, with the width and properties Word writes.
fn w_tc(paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| w_p(p)).collect();
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>{body}</w:tc>"#)
}

/// A table: one row per entry, each cell's paragraphs split at `\n`. Table properties, grid
/// and row properties as Word and services write them (`tblStyle`, `tblGrid`, `trPr`).
fn w_tbl(rows: &[&[&str]]) -> String {
    let cols = rows.first().map_or(0, |r| r.len());
    let grid: String = (0..cols).map(|_| r#"<w:gridCol w:w="2000"/>"#).collect();
    let body: String = rows
        .iter()
        .map(|row| {
            let cells: String = row
                .iter()
                .map(|c| w_tc(&c.split('\n').collect::<Vec<_>>()))
                .collect();
            format!(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"#)
        })
        .collect();
    format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"#
    )
}

/// (speaker, start in ms, text) of every turn.
fn turns(p: &ParsedTranscript) -> Vec<(Option<&str>, Option<u64>, &str)> {
    p.turns
        .iter()
        .map(|t| (t.speaker.as_deref(), t.start_ms, t.text.as_str()))
        .collect()
}

#[test]
fn a_service_table_with_a_header_row_is_read_as_turns() {
    // Services that export Word tables put a bold header row (Tijd | Spreker | Tekst) above
    // one row per turn; a long turn may go on in a row without a speaker.
    let body = [
        w_p("Interview Veenoord, 14 mei 2025"),
        w_tbl(&[
            &["Tijd", "Spreker", "Tekst"],
            &[
                "00:00:03",
                "Interviewer",
                "Hoe lang woont u al in Veenoord?",
            ],
            &[
                "00:00:07",
                "Amal",
                "Drie jaar. Eerst in het azc.\nDaarna kregen we dit huis.",
            ],
            &["00:00:15", "", "En nu werk ik drie dagen."],
            &["00:00:21", "Interviewer", "Tijd: hoeveel uur is dat?"],
        ]),
    ]
    .concat();
    // The title above the table is no turn: a table transcript with a title is an error
    // only when the first speaker comes without a time (see the Teams test below).
    let p = parse_bytes(Format::Docx, &docx(&body)).unwrap();
    assert_eq!(
        turns(&p),
        vec![
            (
                Some("Interviewer"),
                Some(3_000),
                "Hoe lang woont u al in Veenoord?"
            ),
            (
                Some("Amal"),
                Some(7_000),
                "Drie jaar. Eerst in het azc.\n\nDaarna kregen we dit huis.\n\nEn nu werk ik drie dagen."
            ),
            (
                Some("Interviewer"),
                Some(21_000),
                "Tijd: hoeveel uur is dat?"
            ),
        ]
    );
    assert_eq!(p.warnings.len(), 1);
    assert!(
        p.warnings[0]
            .message
            .starts_with("1 paragraph(s) before the first speaker left out"),
        "{:?}",
        p.warnings
    );
    // The byte range of a row covers its cells, as a turn's covers its label.
    assert_eq!(
        &p.source[p.turns[0].bytes.clone()],
        "00:00:03\nInterviewer\nHoe lang woont u al in Veenoord?"
    );
}

#[test]
fn tables_without_a_header_speaker_and_text_or_time_speaker_text() {
    // Speaker | text, the speaker with a colon, as a two-column export writes it.
    let two = w_tbl(&[
        &["Interviewer:", "Wat doet de klantmanager voor u?"],
        &["Samir:", "Hij belt elke maand."],
    ]);
    let p = parse_bytes(Format::Docx, &docx(&two)).unwrap();
    assert_eq!(
        turns(&p),
        vec![
            (
                Some("Interviewer"),
                None,
                "Wat doet de klantmanager voor u?"
            ),
            (Some("Samir"), None, "Hij belt elke maand."),
        ]
    );
    // Time | speaker | text with Teams' older unpadded times and ranges.
    let three = w_tbl(&[
        &[
            "0:0:5.100 --> 0:0:8.250",
            "Petra van Dijk",
            "Goedemiddag allemaal.",
        ],
        &["0:1:2.5 --> 0:1:9.0", "Nadia el Amrani", "Dank je, Petra."],
    ]);
    let p = parse_bytes(Format::Docx, &docx(&three)).unwrap();
    assert_eq!(
        turns(&p),
        vec![
            (Some("Petra van Dijk"), Some(5_100), "Goedemiddag allemaal."),
            (Some("Nadia el Amrani"), Some(62_500), "Dank je, Petra."),
        ]
    );
    assert_eq!(p.turns[0].end_ms, Some(8_250));
}

#[test]
fn teams_speaker_line_and_text_in_one_paragraph_after_its_title_and_date() {
    // Teams' .docx download: the meeting title, date and length, then per turn one paragraph
    // "Name   0:03", a line break (<w:br/>), and the text.
    let turn = |head: &str, text: &str| {
        format!(
            r#"<w:p><w:r><w:t xml:space="preserve">{head}</w:t></w:r><w:r><w:br/><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        w_p("Focusgroep werkgevers-20250422_100312-Vergaderingopname"),
        w_p("22 april 2025, 08:03"),
        w_p("52m 40s"),
        turn(
            "Linda Vermeulen   0:03",
            "Welkom allemaal, fijn dat jullie er zijn.",
        ),
        turn(
            "Henk de Boer   1:05",
            "Dank je. Wij hebben twee mensen via de startbaan.",
        ),
    ]
    .concat();
    let p = parse_bytes(Format::Docx, &docx(&body)).unwrap();
    assert_eq!(
        turns(&p),
        vec![
            (
                Some("Linda Vermeulen"),
                Some(3_000),
                "Welkom allemaal, fijn dat jullie er zijn."
            ),
            (
                Some("Henk de Boer"),
                Some(65_000),
                "Dank je. Wij hebben twee mensen via de startbaan."
            ),
        ]
    );
    assert_eq!(p.turns[0].line, 4);
    assert!(
        p.warnings[0]
            .message
            .starts_with("3 paragraph(s) before the first speaker left out"),
        "{:?}",
        p.warnings
    );
    assert_eq!(p.warnings[0].line, 1);
}

#[test]
fn teams_older_layout_timing_speaker_text_paragraphs() {
    // Teams' and Stream's older download: a timing paragraph, the speaker, the text.
    let body = [
        w_p("0:0:0.0 --> 0:0:4.570"),
        w_p("Petra van Dijk"),
        w_p("Zullen we beginnen?"),
        w_p("0:0:5.100 --> 0:0:8.250"),
        w_p("Nadia el Amrani"),
        w_p("Ja, ik ben er."),
    ]
    .concat();
    let p = parse_bytes(Format::Docx, &docx(&body)).unwrap();
    assert_eq!(
        turns(&p),
        vec![
            (Some("Petra van Dijk"), Some(0), "Zullen we beginnen?"),
            (Some("Nadia el Amrani"), Some(5_100), "Ja, ik ben er."),
        ]
    );
    assert_eq!(p.turns[1].end_ms, Some(8_250));
}

#[test]
fn a_table_transcript_is_ingested_and_shown_with_roles() {
    let study = bundled_study();
    let dir = study.path();
    let body = w_tbl(&[
        &["Tijd", "Spreker", "Tekst"],
        &["00:00:03", "Linda Vermeulen", "Hoe bevalt de startbaan?"],
        &[
            "00:00:09",
            "Samir",
            "Goed. Ik leer veel woorden op mijn werk.",
        ],
    ]);
    fs::write(dir.join("corpus/int-sh-09.docx"), docx(&body)).unwrap();
    let out = icamo(dir).arg("ingest").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = icamo(dir)
        .args(["show", "int-sh-09:0002"])
        .output()
        .unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    // Samir is listed in the bundled manifest (limited to int-sh-01), so here he is unknown:
    // his turn shows under "onbekend", never under his name.
    assert!(
        shown.starts_with("> int-sh-09:0002  onbekend · 00:09  (corpus/int-sh-09.docx:"),
        "{shown}"
    );
    assert!(
        shown.contains(">     Goed. Ik leer veel woorden op mijn werk."),
        "{shown}"
    );
}

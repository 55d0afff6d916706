//! The transcript parsers, through the public API, on fixture files in every supported format.

use crate::common;

use std::path::{Path, PathBuf};

use icamo::transcript::{
    Encoding, Format, ParseError, ParsedTranscript, ReadOptions, Turn, decode, decode_as, detect,
    parse, parse_bytes, parse_bytes_with,
};
use unicode_normalization::UnicodeNormalization;

fn fixture_path(name: &str) -> PathBuf {
    common::fixtures().join("transcripts").join(name)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn load(format: Format, name: &str) -> ParsedTranscript {
    let parsed = parse_bytes(format, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    check_ranges(name, &parsed);
    parsed
}

fn load_err(format: Format, name: &str) -> ParseError {
    match parse_bytes(format, &fixture(name)) {
        Ok(p) => panic!("{name}: expected an error, got {} turns", p.turns.len()),
        Err(e) => e,
    }
}

/// Words of `text` with surrounding punctuation removed.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every turn's byte range lies in the source, in order, without overlap, and holds the turn's
/// first and last words (and its label, where the source spells it out).
fn check_ranges(name: &str, p: &ParsedTranscript) {
    let mut prev_end = 0;
    for (i, t) in p.turns.iter().enumerate() {
        assert!(
            t.bytes.start >= prev_end,
            "{name}: turn {i} overlaps the previous one"
        );
        assert!(
            t.bytes.end <= p.source.len(),
            "{name}: turn {i} ends past the source"
        );
        prev_end = t.bytes.end;
        let slice = &p.source[t.bytes.clone()];
        let w = words(&t.text);
        if let (Some(first), Some(last)) = (w.first(), w.last()) {
            assert!(
                slice.contains(first),
                "{name}: turn {i} {slice:?} lacks {first:?}"
            );
            assert!(
                slice.contains(last),
                "{name}: turn {i} {slice:?} lacks {last:?}"
            );
        }
        if let Some(speaker) = &t.speaker {
            // Labels are stored in NFC, whatever the source typed.
            let first_word = speaker.split(' ').next().unwrap_or_default();
            let first_word = first_word.trim_start_matches('[');
            assert!(
                slice.nfc().collect::<String>().contains(first_word),
                "{name}: turn {i} {slice:?} lacks its label"
            );
        }
        assert_eq!(
            slice,
            slice.trim(),
            "{name}: turn {i} range has outer whitespace"
        );
    }
}

/// (speaker, line, start_ms, end_ms) of every turn.
type Shape<'a> = (Option<&'a str>, usize, Option<u64>, Option<u64>);

fn shape(p: &ParsedTranscript) -> Vec<Shape<'_>> {
    p.turns
        .iter()
        .map(|t| (t.speaker.as_deref(), t.line, t.start_ms, t.end_ms))
        .collect()
}

fn texts(p: &ParsedTranscript) -> Vec<&str> {
    p.turns.iter().map(|t| t.text.as_str()).collect()
}

fn slice<'a>(p: &'a ParsedTranscript, t: &Turn) -> &'a str {
    &p.source[t.bytes.clone()]
}

// ---------------------------------------------------------------------------------------------
// Plain text

#[test]
fn text_labels_timestamps_and_paragraphs() {
    let p = load(Format::Text, "interview.txt");
    assert!(p.attributes.is_empty());
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 1, None, None),
            (Some("Nadia El Amrani"), 3, None, None),
            (Some("Interviewer"), 7, Some(72_000), None),
            (Some("Anouk de Graaf"), 8, Some(80_000), None),
            (Some("Nadia El Amrani"), 10, Some(95_000), None),
            (Some("Deelnemer 3"), 13, Some(121_000), None),
            (Some("Interviewer"), 14, Some(135_000), None),
            (Some("Deelnemer 3"), 15, None, None),
            (Some("Interviewer"), 18, None, None),
        ]
    );
    assert_eq!(
        texts(&p)[..2],
        [
            "Goedemiddag, fijn dat u wilde meedoen. Mag ik eerst vragen hoe lang u al in \
             Havenstad woont?",
            "Bijna drie jaar nu. Eerst woonden we in een azc in het oosten van het land.\n\n\
             Daarna kregen we een huis hier, in de wijk bij het station."
        ]
    );
    assert_eq!(
        p.turns[3].text,
        "Mag ik daar iets over zeggen? Ik ben de klantmanager van mevrouw El Amrani."
    );
    assert_eq!(
        p.turns[7].text,
        "Ik heb zelf een cursus gezocht, in de bibliotheek.\n\nDie was gratis, twee ochtenden per week."
    );
    assert_eq!(p.turns[8].text, "Dank u wel.");
    // The whole turn, label and timestamp included.
    assert!(slice(&p, &p.turns[2]).starts_with("[00:01:12] Interviewer: En hoe"));
    assert!(slice(&p, &p.turns[5]).starts_with("Deelnemer 3 (00:02:01): Dat herken"));
    assert!(slice(&p, &p.turns[1]).ends_with("bij het station."));
}

#[test]
fn text_continuation_with_a_colon_does_not_start_a_turn() {
    let p = load(Format::Text, "interview.txt");
    assert_eq!(
        p.turns[4].text,
        "De les was goed, maar te weinig uren. Dus ik zei: dat gaat niet. Ik wilde meer lessen, \
         want ik wil werken."
    );
    assert!(
        p.turns
            .iter()
            .all(|t| t.speaker.as_deref() != Some("Dus ik zei"))
    );
}

#[test]
fn text_parse_and_parse_bytes_agree() {
    let bytes = fixture("interview.txt");
    let from_str = parse(Format::Text, std::str::from_utf8(&bytes).unwrap()).unwrap();
    assert_eq!(from_str, parse_bytes(Format::Text, &bytes).unwrap());
}

#[test]
fn text_title_before_the_first_label_is_document_metadata() {
    // Issue 15: a title line used to refuse the file; it is the document's title now.
    let p = load(Format::Text, "text_before_label.txt");
    assert_eq!(
        p.attributes.get("title").map(String::as_str),
        Some("Transcript van het gesprek met de taalcoach, 12 maart.")
    );
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 2, None, None),
            (Some("Femke"), 3, None, None)
        ]
    );
    assert_eq!(texts(&p), ["Hoe lang bent u al taalcoach?", "Vier jaar."]);
}

#[test]
fn text_without_a_single_label_is_an_error() {
    let e = parse(
        Format::Text,
        "\n   Opname van 12 maart\nEen verslag zonder sprekers.\n",
    )
    .unwrap_err();
    // Leading blank lines and indentation are counted.
    assert_eq!((e.line, e.column), (2, 4));
    assert_eq!(
        e.message,
        "text before the first speaker label: expected a line like \"Naam: tekst\" or \
         \"[00:12:03] Naam: tekst\""
    );
    assert!(
        e.to_string()
            .starts_with("2:4: text before the first speaker label")
    );
    // Header fields alone are no transcript either.
    let e = parse(Format::Text, "Datum: 14 mei 2025\nLocatie: Havenstad\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
}

#[test]
fn empty_text_has_no_turns() {
    assert!(parse(Format::Text, "").unwrap().turns.is_empty());
    assert!(parse(Format::Text, "\n  \n").unwrap().turns.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Plain text as transcription tools write it (issue 15). Each fixture reproduces one tool's
// convention; the comment names where the convention is documented.

/// (speaker, text) of every turn: what `icamo show` prints for each.
fn said(p: &ParsedTranscript) -> Vec<(&str, &str)> {
    p.turns
        .iter()
        .map(|t| (t.speaker.as_deref().unwrap_or("-"), t.text.as_str()))
        .collect()
}

fn load_with(name: &str, speakers: &[&str]) -> ParsedTranscript {
    let options = ReadOptions {
        speakers: speakers.iter().map(ToString::to_string).collect(),
        strict: false,
    };
    let parsed = parse_bytes_with(Format::Text, &fixture(name), &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    check_ranges(name, &parsed);
    parsed
}

#[test]
fn text_otter_label_and_time_on_their_own_line() {
    // Otter.ai's .txt export with speaker names and timestamps: `Name  0:49`, the text on the
    // lines below, a blank line between turns (as the Otter-to-ATLAS.ti converter by Thor Galle
    // and transcript-indexer's Otter reader describe it); past an hour the time is `1:02:03`.
    let p = load(Format::Text, "otter.txt");
    assert_eq!(
        said(&p),
        [
            (
                "Linda Vermeulen",
                "Goedemorgen. Fijn dat u er bent. Hoe lang werkt u al bij de gemeente?"
            ),
            (
                "Unknown Speaker",
                "Ik werk er nu zes jaar, eerst bij de balie en nu als klantmanager."
            ),
            ("Linda Vermeulen", "En wat merkt u van de nieuwe aanpak?"),
            (
                "Unknown Speaker",
                "Dat we meer tijd hebben per persoon. Dat is het belangrijkste."
            ),
        ]
    );
    let starts: Vec<_> = p.turns.iter().map(|t| (t.line, t.start_ms)).collect();
    assert_eq!(
        starts,
        [
            (1, Some(3_000)),
            (4, Some(9_000)),
            (7, Some(21_000)),
            (10, Some(3_723_000))
        ]
    );
    assert!(p.warnings.is_empty());
}

#[test]
fn text_whisperx_and_pyannote_speaker_ids() {
    // Diarisation scripts around WhisperX/pyannote write `[00:00:00] SPEAKER_00: text`,
    // `SPEAKER_00: text`, `[SPEAKER_00]: text`, or a time range before the id, sometimes with
    // the id alone on its line and the text below, or `[Speaker 1] text` without a colon.
    let p = load(Format::Text, "whisperx.txt");
    assert_eq!(
        said(&p),
        [
            ("SPEAKER_00", "Welkom bij dit gesprek over de taalles."),
            ("SPEAKER_01", "Dank u. Ik vertel graag hoe het ging."),
            ("SPEAKER_00", "Hoe ging het in het begin?"),
            (
                "SPEAKER_01",
                "Moeilijk. De eerste weken verstond ik bijna niets."
            ),
            ("SPEAKER_00", "En nu?"),
            (
                "SPEAKER_01",
                "Nu gaat het beter, ik volg de les zonder tolk."
            ),
            ("Speaker 1", "Fijn om te horen."),
            ("Speaker 2", "Dank u."),
        ]
    );
    let starts: Vec<_> = p.turns.iter().map(|t| t.start_ms).collect();
    assert_eq!(
        starts,
        [
            Some(0),
            Some(5_000),
            None,
            None,
            Some(31_500),
            Some(36_000),
            Some(41_000),
            None
        ]
    );
}

#[test]
fn text_f4_time_marks_and_maxqda_speaker_letters() {
    // f4transkript/f5 write `I:` and `B:` (Interviewer, Befragte) at each paragraph and a time
    // mark `#00:01:23-4#` (tenths after the dash) where the transcriber pressed the key, at the
    // paragraph end by default; MAXQDA's focus-group import reads `Name:` at a paragraph start
    // and leaves the text before the first label (title, notes) uncoded.
    let p = load(Format::Text, "f4_maxqda.txt");
    assert_eq!(
        said(&p),
        [
            ("I", "Hoe lang woont u al in de wijk?"),
            ("B", "Sinds 2019. Eerst in een noodwoning, toen hier."),
            ("I", "En hoe verliep het contact met de gemeente?"),
            (
                "B",
                "Wisselend. De eerste klantmanager belde nooit terug, de tweede wel."
            ),
        ]
    );
    let ends: Vec<_> = p.turns.iter().map(|t| t.end_ms).collect();
    assert_eq!(
        ends,
        [Some(4_200), Some(11_800), Some(15_000), Some(24_900)]
    );
    assert_eq!(
        p.attributes.get("title").map(String::as_str),
        Some("Interview 7, buurtcentrum De Horst")
    );
    assert_eq!(
        p.attributes.get("preamble").map(String::as_str),
        Some("Transcript gemaakt met f4transkript, regels volgens Dresing & Pehl")
    );
}

#[test]
fn text_service_header_qualified_titled_decomposed_and_numbered_labels() {
    // What issue 15 measured: a transcription service's header (title, `Datum:`, `Locatie:`,
    // `Duur:`), labels with a qualifier or a title, an `Anaïs:` typed in decomposed Unicode, a
    // lowercase `admin-1:`, and a continuation line `Nee. Kijk: …` that is no label.
    let p = load(Format::Text, "service_header.txt");
    assert_eq!(
        said(&p),
        [
            (
                "Interviewer",
                "Welkom allemaal. Zullen we beginnen met een voorstelronde?"
            ),
            (
                "Dr. Jansen (GGD)",
                "Ik ben arts bij de GGD en werk vooral met statushouders."
            ),
            ("Ana\u{ef}s", "Ik woon sinds twee jaar in Havenstad."),
            (
                "Tolk (Arabisch)",
                "Hij zegt dat hij eerst niet wist waar hij heen moest."
            ),
            ("Interviewer", "En wat deed de gemeente toen?"),
            (
                "Ana\u{ef}s",
                "Nee. Het duurde lang. Nee. Kijk: de gemeente stuurde brieven, maar niemand \
                 legde ze uit."
            ),
            ("admin-1", "De opname loopt nog, ga gerust door."),
        ]
    );
    assert_eq!(p.turns[0].line, 7);
    let attributes: Vec<(&str, &str)> = p
        .attributes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        attributes,
        [
            ("datum", "14 mei 2025"),
            ("duur", "01:12:45"),
            ("locatie", "wijkcentrum De Brug"),
            ("title", "Transcriptie focusgroep uitvoering Havenstad"),
            ("transcribent", "Tekstbureau Noord"),
        ]
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn text_lowercase_labels_are_labels_where_the_manifest_lists_them() {
    let p = load_with("lowercase_labels.txt", &["Interviewer", "Respondent"]);
    assert_eq!(
        said(&p),
        [
            ("interviewer", "Hoe vond u de cursus?"),
            (
                "respondent",
                "Goed. Maar de tijden waren lastig, kijk: ik werk 's avonds."
            ),
            ("interviewer", "Dat begrijp ik."),
        ]
    );
    // `kijk:` is not listed: read as text, and named with its line.
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].line, 3);
    assert_eq!(
        p.warnings[0].message,
        "\"kijk:\" could be a speaker label or the start of a sentence (line 3); it was read as \
         text. If it is a speaker, list it under [[speakers]] in icamo.toml"
    );
    // Unlisted, no line is a turn: the file is refused, and the message says what to do.
    let e = parse_bytes(Format::Text, &fixture("lowercase_labels.txt")).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert!(
        e.message.ends_with(
            "; if \"interviewer:\" is a speaker label, list it under [[speakers]] in icamo.toml"
        ),
        "{}",
        e.message
    );
}

#[test]
fn text_unsure_labels_are_listed_with_all_their_lines() {
    let text = "Interviewer: Wat zei de klantmanager?\nAmal: Ze zei het zo.\nkijk: zo gaat dat.\n\
                En toen nog eens:\nkijk: zo gaat dat.\n";
    let p = icamo::transcript::parse(Format::Text, text).unwrap();
    assert_eq!(
        said(&p)[1],
        (
            "Amal",
            "Ze zei het zo. kijk: zo gaat dat. En toen nog eens: kijk: zo gaat dat."
        )
    );
    assert_eq!(p.warnings.len(), 1);
    assert!(
        p.warnings[0].message.contains("(lines 3 and 5)"),
        "{}",
        p.warnings[0].message
    );
    // Under --strict the first one refuses the file, at its line.
    let strict = ReadOptions {
        speakers: Vec::new(),
        strict: true,
    };
    let e = icamo::transcript::parse_with(Format::Text, text, &strict).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(
        e.message.ends_with("(refused under --strict)"),
        "{}",
        e.message
    );
}

#[test]
fn text_times_on_their_own_lines_start_the_next_turn() {
    // Timecoded transcripts as Lumberjack Builder documents them (and LaBB-CAT's plain-text
    // format): a time alone on a line, bare or in brackets, then the speaker, sometimes in
    // capitals on a line of its own.
    let p = load(Format::Text, "timestamp_lines.txt");
    assert_eq!(
        said(&p),
        [
            (
                "Spreker 1",
                "Het transcript begint met een tijd op een eigen regel."
            ),
            (
                "SPREKER 2",
                "Een nieuwe spreker staat soms in hoofdletters op een eigen regel."
            ),
            (
                "Spreker 1",
                "Of de naam staat vooraan, met een dubbele punt."
            ),
            ("SPREKER 2", "De tijd mag ook tussen vierkante haken."),
        ]
    );
    let starts: Vec<_> = p.turns.iter().map(|t| t.start_ms).collect();
    assert_eq!(starts, [Some(0), Some(17_000), Some(35_000), Some(44_000)]);
}

#[test]
fn text_otranscribe_times_before_short_labels() {
    // oTranscribe's export puts the time first (`02:06 T: Yes`), as Thor Galle's
    // oTranscribe-to-ATLAS.ti converter shows.
    let p = load(Format::Text, "otranscribe.txt");
    assert_eq!(
        said(&p),
        [
            ("I", "Hoe bent u bij het project terechtgekomen?"),
            ("R", "Via de klantmanager. Zij belde mij op een maandag."),
            ("I", "En toen?"),
            ("R", "Toen ben ik gaan kijken."),
        ]
    );
    let starts: Vec<_> = p.turns.iter().map(|t| t.start_ms).collect();
    assert_eq!(
        starts,
        [Some(3_000), Some(7_000), Some(123_000), Some(126_000)]
    );
}

/// A focus group typed by a transcription service: header, qualified labels, a label typed
/// in decomposed Unicode, and a lowercase `kijk:` only the manifest could call a label.
const FG_TOLK: &str = "Focusgroep statushouders Havenstad\nDatum: 14 mei 2025\nLocatie: wijkcentrum De Brug\n\n\
    Interviewer: Hoe ging het inschrijven bij de gemeente?\n\
    Tolk (Arabisch): Hij zegt dat het lang duurde.\n\
    Interviewer: En bij u?\n\
    Anai\u{0308}s: Nee. Het duurde ook lang.\n\
    kijk: niemand legde de brieven uit.\n";

/// The fixture study with `corpus/fg-tolk.txt` ([`FG_TOLK`], whose `Anaïs` has a combining
/// diaeresis) and its speakers in the manifest (`Anaïs` typed precomposed).
fn study_with_interpreter() -> tempfile::TempDir {
    let dir = common::fixture_study("study");
    std::fs::write(dir.path().join("corpus/fg-tolk.txt"), FG_TOLK).unwrap();
    let manifest = dir.path().join("icamo.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str(
        "\n[[documents]]\nfile = \"corpus/fg-tolk.txt\"\ncase = \"Havenstad\"\ntype = \"focusgroep\"\n\n\
         [[speakers]]\nlabel = \"Ana\u{ef}s\"\nrespondent = \"P09\"\nrole = \"statushouder\"\ndocuments = [\"fg-tolk\"]\n\n\
         [[speakers]]\nlabel = \"Tolk (Arabisch)\"\nrole = \"tolk\"\ndocuments = [\"fg-tolk\"]\n",
    );
    std::fs::write(&manifest, toml).unwrap();
    dir
}

#[test]
fn ingest_names_an_unsure_label_with_file_and_line_and_show_prints_the_turns() {
    let dir = study_with_interpreter();
    let study = dir.path();
    let out = common::icamo(study).arg("ingest").output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        "warning: corpus/fg-tolk.txt:9: \"kijk:\" could be a speaker label or the start of a \
         sentence (line 9); it was read as text. If it is a speaker, list it under [[speakers]] \
         in icamo.toml\n"
    );
    // The decomposed `Anaïs` found her precomposed manifest entry: a role, no unknown speaker.
    let out = common::icamo(study)
        .args(["show", "fg-tolk:4", "--context", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "  fg-tolk:0003  interviewer · Havenstad  (corpus/fg-tolk.txt:7)\n      En bij u?\n\n\
         > fg-tolk:0004  statushouder · Havenstad  (corpus/fg-tolk.txt:8)\n\
         >     Nee. Het duurde ook lang. kijk: niemand legde de brieven uit.\n\n"
    );
    let out = common::icamo(study)
        .args(["show", "fg-tolk:2", "--context", "0"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "> fg-tolk:0002  tolk · Havenstad  (corpus/fg-tolk.txt:6)\n\
         >     Hij zegt dat het lang duurde.\n\n"
    );
}

#[test]
fn ingest_strict_refuses_an_unsure_label_and_keeps_the_last_good_state() {
    let dir = study_with_interpreter();
    let study = dir.path();
    common::icamo(study).arg("ingest").assert().success();
    let out = common::icamo(study)
        .args(["ingest", "--strict", "--rebuild"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "corpus/fg-tolk.txt:9:1: \"kijk:\" could be a speaker label or the start of a \
             sentence (line 9); it was read as text. If it is a speaker, list it under \
             [[speakers]] in icamo.toml (refused under --strict)"
        ),
        "{stderr}"
    );
    // Nothing was changed: the turns of the last ingest are still there.
    common::icamo(study)
        .args(["show", "fg-tolk:2", "--context", "0"])
        .assert()
        .success()
        .stdout("> fg-tolk:0002  tolk · Havenstad  (corpus/fg-tolk.txt:6)\n>     Hij zegt dat het lang duurde.\n\n");
    // Listed in the manifest, `kijk` is a speaker and --strict has nothing to refuse.
    let manifest = study.join("icamo.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str(
        "\n[[speakers]]\nlabel = \"Kijk\"\nrespondent = \"P10\"\nrole = \"statushouder\"\n\
         documents = [\"fg-tolk\"]\n",
    );
    std::fs::write(&manifest, toml).unwrap();
    common::icamo(study)
        .args(["ingest", "--strict"])
        .assert()
        .success()
        .stderr("");
    common::icamo(study)
        .args(["show", "fg-tolk:5", "--context", "0"])
        .assert()
        .success()
        .stdout("> fg-tolk:0005  statushouder · Havenstad  (corpus/fg-tolk.txt:9)\n>     niemand legde de brieven uit.\n\n");
}

// ---------------------------------------------------------------------------------------------
// Encodings

const ENCODED_TEXTS: [&str; 3] = [
    "Wat vond u van het café-gesprek?",
    "Ik vond het één van de beste dingen. Ik sprak er voor het eerst Nederlands met een buurvrouw.",
    "Waarom was dat zo belangrijk?",
];

#[test]
fn encodings_bom_utf16_and_crlf_all_read_alike() {
    let reference = load(Format::Text, "encoding_crlf.txt");
    assert_eq!(texts(&reference)[..3], ENCODED_TEXTS);
    assert_eq!(
        reference.turns[3].text,
        "Omdat ik me daarna minder alleen voelde.\n\nEn ik durfde daarna ook te bellen met de gemeente."
    );
    assert_eq!(reference.turns.len(), 5);
    assert!(!reference.source.contains('\r'));
    for (name, encoding, crlf) in [
        ("encoding_crlf.txt", Encoding::Utf8, true),
        ("encoding_utf8_bom.txt", Encoding::Utf8Bom, false),
        ("encoding_utf16le.txt", Encoding::Utf16Le, true),
        ("encoding_utf16be.txt", Encoding::Utf16Be, false),
    ] {
        let decoded = decode(&fixture(name)).unwrap();
        assert_eq!(
            (decoded.encoding, decoded.had_crlf),
            (encoding, crlf),
            "{name}"
        );
        assert!(!decoded.text.starts_with('\u{feff}'), "{name}: BOM kept");
        let p = load(Format::Text, name);
        assert_eq!(p, reference, "{name}");
        assert_eq!(p.turns[1].line, 2);
        assert_eq!(p.turns[3].line, 5);
        assert_eq!(
            slice(&p, &p.turns[1]),
            "Zoë Jansen: Ik vond het één van de beste dingen.\nIk sprak er voor het eerst Nederlands met een buurvrouw."
        );
    }
}

#[test]
fn latin1_reads_as_utf8_would_when_the_manifest_declares_it() {
    // What `encoding = "windows-1252"` in the manifest does for a document.
    let decoded = decode_as(&fixture("encoding_latin1.txt"), encoding_rs::WINDOWS_1252).unwrap();
    assert_eq!(decoded.encoding.name(), "windows-1252");
    let p = parse(Format::Text, &decoded.text).unwrap();
    assert_eq!(texts(&p)[..3], ENCODED_TEXTS);
    assert_eq!(p, load(Format::Text, "encoding_crlf.txt"));
}

#[test]
fn latin1_is_rejected_with_line_column_and_advice() {
    let e = load_err(Format::Text, "encoding_latin1.txt");
    assert_eq!((e.line, e.column), (1, 36));
    assert!(e.message.contains("not UTF-8"), "{}", e.message);
    assert!(
        e.message.contains("Windows-1252 / Latin-1"),
        "{}",
        e.message
    );
    assert!(e.message.contains("'é'"), "{}", e.message);
    assert!(e.message.ends_with("save it as UTF-8"), "{}", e.message);
}

#[test]
fn invalid_utf8_later_in_the_file_is_positioned() {
    let e = load_err(Format::Text, "invalid_utf8.txt");
    assert_eq!((e.line, e.column), (3, 20));
    assert!(e.message.contains("0xE2"), "{}", e.message);
}

#[test]
fn utf16_without_bom_and_nul_bytes_are_rejected() {
    let e = load_err(Format::Text, "encoding_utf16_nobom.txt");
    assert_eq!(e.line, 0);
    assert!(
        e.message
            .contains("UTF-16 (little-endian) without a byte order mark"),
        "{}",
        e.message
    );
    let e = load_err(Format::Text, "encoding_nul.txt");
    assert_eq!((e.line, e.column), (4, 18));
    assert!(e.message.contains("NUL"), "{}", e.message);
}

#[test]
fn encodings_apply_to_every_text_format() {
    let p = load(Format::Vtt, "teams_bom_crlf.vtt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Priya Sharma"), 3, Some(1_000), Some(6_500)),
            (Some("Interviewer"), 11, Some(7_000), Some(9_000)),
        ]
    );
    assert_eq!(
        p.turns[0].text,
        "Goedemorgen, ik ben Priya. Ik kom uit Pune."
    );
    assert_eq!(
        decode(&fixture("teams_bom_crlf.vtt")).unwrap().encoding,
        Encoding::Utf8Bom
    );
}

// ---------------------------------------------------------------------------------------------
// Markdown

#[test]
fn markdown_front_matter_bold_and_heading_labels() {
    let p = load(Format::Markdown, "interview.md");
    let attrs: Vec<(&str, &str)> = p
        .attributes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        attrs,
        vec![
            ("datum", "2025-04-02"),
            ("gemeente", "Veenoord"),
            ("titel", "Interview klantmanager Veenoord"),
        ]
    );
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 12, None, None),
            (Some("Sanne van der Berg"), 14, None, None),
            (Some("Interviewer"), 19, Some(192_000), None),
            (Some("Sanne van der Berg"), 23, None, None),
            (Some("Interviewer"), 33, Some(340_000), None),
            (Some("Deelnemer 2"), 35, None, None),
            (Some("Interviewer"), 38, Some(390_000), None),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Hoe verloopt de brede intake bij jullie?",
            "We plannen die binnen zes weken. Soms lukt dat niet, vooral als er een tolk nodig \
             is.\n\nDan schuift alles op.",
            "Wat betekent dat voor de statushouder?",
            "Dat hij langer wacht. En wachten is funest voor de motivatie.\n\nDaarna moeten we \
             alles opnieuw plannen.",
            "En het duale traject, werkt dat?",
            "Dat werkt goed, als de werkgever meedoet. Dus ik zei: dan gaan we dat ook doen.",
            "Dank je wel.",
        ]
    );
    assert!(slice(&p, &p.turns[1]).starts_with("**Sanne van der Berg**: We plannen"));
    assert!(slice(&p, &p.turns[1]).ends_with("Dan schuift alles op."));
    assert!(slice(&p, &p.turns[2]).starts_with("### Interviewer (00:03:12)\n\nWat betekent"));
    // A theme heading between turns belongs to neither.
    assert!(!slice(&p, &p.turns[3]).contains("Thema 2"));
    assert!(!slice(&p, &p.turns[4]).contains("Thema 2"));
}

#[test]
fn markdown_nested_front_matter_is_an_error() {
    let e = load_err(Format::Markdown, "front_matter_nested.md");
    assert_eq!(e.line, 4);
    assert_eq!(
        e.message,
        "front matter: expected a flat \"key: value\" line, found \"  - Sanne\" (lists, nested \
         maps and multi-line values are not allowed)"
    );
    let e = parse(Format::Markdown, "---\ntitel: [a, b]\n---\n\n**A:** x\n").unwrap_err();
    assert_eq!(e.line, 2);
}

#[test]
fn markdown_unclosed_front_matter_is_an_error() {
    let e = load_err(Format::Markdown, "unclosed_front_matter.md");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("not closed"), "{}", e.message);
}

#[test]
fn markdown_text_before_the_first_speaker_is_an_error() {
    let e = load_err(Format::Markdown, "before_speaker.md");
    assert_eq!((e.line, e.column), (3, 1));
    assert!(
        e.message.starts_with("text before the first speaker"),
        "{}",
        e.message
    );
}

// ---------------------------------------------------------------------------------------------
// WebVTT

#[test]
fn vtt_teams_export() {
    let p = load(Format::Vtt, "teams.vtt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Linda Vermeulen"), 9, Some(62_340), Some(69_200)),
            (Some("Jeroen de Wit"), 17, Some(70_050), Some(79_400)),
            (Some("Fatima Yilmaz"), 25, Some(80_100), Some(85_900)),
            (None, 29, Some(86_000), Some(89_300)),
            (Some("Linda Vermeulen"), 39, Some(89_500), Some(94_100)),
            (Some("Fatima Yilmaz"), 44, Some(95_000), Some(104_000)),
            (Some("Jeroen de Wit"), 52, Some(104_500), Some(108_200)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Goedemiddag allemaal, fijn dat jullie er zijn vandaag.",
            "Dank je. Ik ben Jeroen, ik werk bij Werk & Inkomen en ik doe de intakes. Dat doe ik \
             nu twee jaar.",
            "Ik ben Fatima, taalcoach bij de bibliotheek.",
            "(meerdere mensen praten door elkaar) <onverstaanbaar> gelach",
            "Dank jullie wel. Dan de eerste vraag: wat gaat er goed in de samenwerking?",
            "De lijnen zijn kort. Als ik iets zie bij een deelnemer, bel ik Jeroen gewoon op.",
            "Klopt, dat werkt echt.",
        ]
    );
    assert!(slice(&p, &p.turns[0]).starts_with("3f1c9a2e-7b1d-4c55-9f0e-2a6b8c1d4e5f/12-0\n"));
    assert!(slice(&p, &p.turns[0]).ends_with("<v Linda Vermeulen>er zijn vandaag.</v>"));
}

/// (line, message) of every warning.
fn warnings(p: &ParsedTranscript) -> Vec<(usize, &str)> {
    p.warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect()
}

/// The error `--strict` gives for a file.
fn strict_err(format: Format, name: &str) -> ParseError {
    let strict = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    match parse_bytes_with(format, &fixture(name), &strict) {
        Ok(p) => panic!(
            "{name}: expected an error under --strict, got {} turns",
            p.turns.len()
        ),
        Err(e) => e,
    }
}

#[test]
fn vtt_broken_timing_line_skips_its_cue_and_is_named() {
    let p = load(Format::Vtt, "broken_timing.vtt");
    assert_eq!(texts(&p), vec!["Welkom allemaal."]);
    assert_eq!(
        warnings(&p),
        vec![(
            7,
            "expected a timing line like \"00:01:02.000 --> 00:01:05.000\", found \"00:0X.600 -> banana\": the cue is skipped"
        )]
    );
    let e = strict_err(Format::Vtt, "broken_timing.vtt");
    assert_eq!(e.line, 7);
    assert!(
        e.message.ends_with("(refused under --strict)"),
        "{}",
        e.message
    );
}

#[test]
fn vtt_bad_cues_are_read_past_as_browsers_do() {
    let p = load(Format::Vtt, "skipped_cues.vtt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Linda Vermeulen"), 11, Some(1_000), Some(4_000)),
            (Some("Jeroen de Wit"), 19, Some(6_500), Some(9_000)),
            (Some("Fatima Yilmaz"), 22, Some(9_000), Some(11_000)),
            (Some("Linda Vermeulen"), 30, Some(12_500), Some(15_000)),
            (Some("Jeroen de Wit"), 40, Some(15_500), Some(18_000)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Welkom allemaal.",
            "Dank je. Ik werk bij Werk & Inkomen.",
            "En ik ben taalcoach.",
            "Wat gaat er goed?",
            "De lijnen zijn kort.",
        ]
    );
    let w = warnings(&p);
    let lines: Vec<usize> = w.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![16, 23, 27, 34, 37], "{w:#?}");
    assert!(
        w[0].1
            .contains("found \"00:00:04.500 -- > 00:00:06.000\": the cue is skipped")
    );
    assert!(w[1].1.starts_with("no empty line between this cue and the text before it (the cue on line 20): read as a cue of its own"));
    assert!(
        w[2].1
            .contains("found \"00:00:11 --> 00:00:12\": the cue is skipped")
    );
    assert!(w[3].1.starts_with("text without a timing line before it, \"Deze regel staat na een lege regel.</v>\", is skipped"));
    assert!(
        w[4].1
            .contains("earlier than the cue before it (line 31, 00:00:12.500)")
    );
    assert_eq!(strict_err(Format::Vtt, "skipped_cues.vtt").line, 16);
}

#[test]
fn vtt_requires_the_header() {
    let e = load_err(Format::Vtt, "no_header.vtt");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("WEBVTT"), "{}", e.message);
}

#[test]
fn vtt_zoom_speakers_from_name_prefixes() {
    let p = load(Format::Vtt, "zoom.vtt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Anna de Vries"), 3, Some(1_500), Some(7_900)),
            (Some("Dr. Jansen"), 11, Some(8_100), Some(15_600)),
            (Some("Bas"), 19, Some(16_000), Some(18_400)),
            (None, 23, Some(18_900), Some(21_000)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Goedemorgen allemaal, welkom bij het gesprek. Wie wil beginnen?",
            "Ik wil wel beginnen. Nee. Kijk: de gemeente belt ons nooit.",
            "Herkenbaar.",
            // A sentence with a colon is no speaker label.
            "Nee. Kijk: dat is het punt.",
        ]
    );
    assert!(slice(&p, &p.turns[0]).starts_with("1\n00:00:01.500 --> 00:00:04.200\nAnna de Vries:"));
}

#[test]
fn vtt_youtube_auto_captions() {
    let p = load(Format::Vtt, "youtube.vtt");
    // Lines of one space are cue text, the header lines and cue settings are no cues, inline
    // timestamps and <c> tags leave no trace, and the rolled-up repeated lines are read once.
    assert_eq!(shape(&p), vec![(None, 5, Some(30), Some(4_950))]);
    assert_eq!(
        texts(&p),
        vec!["welkom bij de bijeenkomst over reële cijfers"]
    );
}

#[test]
fn vtt_speakerless_captions_become_paragraphs_at_pauses_and_sentence_ends() {
    let p = load(Format::Vtt, "speakerless.vtt");
    assert_eq!(
        shape(&p),
        vec![
            (None, 8, Some(7_924), Some(16_516)),
            (None, 22, Some(17_726), Some(20_812)),
            (None, 26, Some(23_398), Some(31_000)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            // Running speech: two-frame gaps, also after the sentence ends.
            "Goedemorgen, ik ben Marieke en vandaag gaat het over de participatiewet. Eerst de \
             geschiedenis, dan de praktijk.",
            // 1.2 s after a sentence end: a new paragraph.
            "In 2015 werden drie wetten",
            // 2.6 s of silence ends a paragraph even inside a sentence.
            "samengevoegd tot één regeling. Vragen? Nee? Dan gaan we verder.",
        ]
    );
    assert!(p.warnings.is_empty());
}

#[test]
fn vtt_older_teams_timings_entities_and_voice_names() {
    let p = load(Format::Vtt, "teams_old.vtt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Anna de Vries"), 3, Some(0), Some(5_100)),
            (None, 7, Some(2_570), Some(5_100)),
            (Some("Bas"), 7, Some(2_570), Some(5_100)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec!["Nou, Café & co <3 is één plek. Klopt.", "(gelach)", "Ja."]
    );
}

// ---------------------------------------------------------------------------------------------
// SRT

#[test]
fn srt_prefixes_where_the_speaker_changes() {
    let p = load(Format::Srt, "labeled.srt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 1, Some(1_200), Some(9_300)),
            (Some("Yonas Tesfaye"), 10, Some(9_800), Some(17_000)),
            (Some("Interviewer"), 20, Some(17_200), Some(20_900)),
            (Some("Yonas Tesfaye"), 24, Some(21_300), Some(27_500)),
            (Some("Interviewer"), 32, Some(28_000), Some(30_000)),
            (Some("Yonas Tesfaye"), 35, Some(28_000), Some(30_000)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Dank je wel dat je wilde meedoen. Vandaag gaat het over je inburgering.",
            "Yes, no problem. Ik vind het goed. Ik ben nu twee jaar in Nederland, eerst in Ter \
             Apel, daarna hier.",
            "Hoe ging dat, de eerste maanden?",
            "Moeilijk. Dus ik zei: ik wil werken. Maar eerst moest ik de taal leren.",
            "Dat begrijp ik.",
            "Ja.",
        ]
    );
    assert!(slice(&p, &p.turns[1]).starts_with("3\n00:00:09,800 --> 00:00:12,100\nYonas"));
}

#[test]
fn srt_without_prefixes_merges_cues_into_sentences() {
    let p = load(Format::Srt, "unlabeled.srt");
    assert_eq!(
        shape(&p),
        vec![
            (None, 1, Some(500), Some(5_500)),
            (None, 9, Some(6_000), Some(8_000)),
            (None, 13, Some(8_500), Some(13_000)),
            (None, 21, Some(13_500), Some(16_000)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Goedemorgen, ik ben van het taalhuis en ik help mensen met lezen.",
            "Komt u vaak hier?",
            "Twee keer per week, op dinsdag en op donderdag…",
            "Soms ook op vrijdag, als het kan",
        ]
    );
}

#[test]
fn srt_crlf_and_trailing_blank_lines() {
    let p = load(Format::Srt, "labeled_crlf.srt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 1, Some(1_000), Some(3_500)),
            (Some("Mariam"), 5, Some(4_000), Some(9_500)),
        ]
    );
    assert_eq!(
        p.turns[1].text,
        "Goed. De docent was geduldig. We oefenden veel met gesprekken."
    );
}

#[test]
fn srt_broken_timing_and_number_lines_are_named() {
    // A broken arrow: neither pysrt nor the srt library reads the cue; icamo skips it.
    let p = load(Format::Srt, "broken_timing.srt");
    assert_eq!(texts(&p), vec!["Welkom."]);
    assert_eq!(
        warnings(&p),
        vec![(
            6,
            "expected a timing line like \"00:01:02,000 --> 00:01:05,000\", found \"00:00:05,900 -> 00:00:09,300\": the cue is skipped"
        )]
    );
    assert_eq!(strict_err(Format::Srt, "broken_timing.srt").line, 6);
    // A cue number that is no number: pysrt takes any line before the timing line as the
    // number, and so does icamo, with a warning.
    let p = load(Format::Srt, "broken_number.srt");
    assert_eq!(
        texts(&p),
        vec!["Welkom. Vandaag gaat het over je inburgering."]
    );
    assert_eq!(
        warnings(&p),
        vec![(
            5,
            "expected a cue number like \"12\", found \"Twee\": left out, the cue after it is read"
        )]
    );
}

/// Each convention of `tolerant.srt` and where it comes from:
/// - a UTF-8 byte order mark (Windows editors; pysrt strips it);
/// - `.` before the milliseconds (line 6) and `:` (line 21): the srt library (Python) takes
///   `,`, `.` and `:` as "many editors create SRT files with this delimiter";
/// - no empty line before cue 3 (line 9): the srt library looks ahead for a number and a
///   timing line and starts the next cue there;
/// - no cue number (line 13): pysrt reads a timing line as a block's first line;
/// - spaces around the number, the timing line, the arrow and the text (lines 16–18): pysrt
///   strips every line and splits on lines that are blank after stripping;
/// - no milliseconds (line 25): pysrt's `SubRipTime.from_string` reads `00:00:19`;
/// - an empty line inside a cue (line 31): the srt library reads on to the next number and
///   timing line;
/// - `->` (line 35): neither library reads it, the cue is skipped;
/// - a cue earlier than the one before it (line 39): both libraries read it where it stands;
/// - a cue that ends before it starts (line 43): the srt library skips it.
#[test]
fn srt_read_as_tolerantly_as_the_common_srt_libraries() {
    let p = load(Format::Srt, "tolerant.srt");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 1, Some(1_000), Some(4_000)),
            (Some("Amira"), 5, Some(4_500), Some(8_000)),
            (Some("Interviewer"), 9, Some(8_500), Some(11_000)),
            (Some("Amira"), 13, Some(11_500), Some(21_000)),
            (Some("Interviewer"), 28, Some(21_500), Some(24_000)),
            (Some("Amira"), 38, Some(20_000), Some(22_000)),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Welkom. Fijn dat je er bent.",
            "Dank je. Ik woon nu drie jaar in Zwolle.",
            "Hoe was het begin?",
            "Zwaar. Ik kende niemand. Maar de taalcoach hielp. Elke week.",
            "En nu? Hoe gaat het nu?",
            "Goed. Ik werk nu.",
        ]
    );
    let w = warnings(&p);
    let lines: Vec<usize> = w.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![10, 32, 35, 39, 43], "{w:#?}");
    assert!(
        w[0].1.starts_with("no empty line between this cue"),
        "{w:#?}"
    );
    assert!(
        w[1].1
            .contains("cue that starts on line 28: the text after it is read as part of that cue"),
        "{w:#?}"
    );
    assert!(
        w[2].1
            .ends_with("found \"00:00:24,500 -> 00:00:26,000\": the cue is skipped"),
        "{w:#?}"
    );
    assert!(
        w[3].1
            .contains("earlier than the cue before it (line 29, 00:00:21,500)"),
        "{w:#?}"
    );
    assert!(
        w[3].1.ends_with("; the cue is read where it stands"),
        "{w:#?}"
    );
    assert!(
        w[4].1
            .contains("ends at 00:00:28,000, before it starts at 00:00:30,000"),
        "{w:#?}"
    );
    assert_eq!(strict_err(Format::Srt, "tolerant.srt").line, 10);
}

// ---------------------------------------------------------------------------------------------
// DOCX

#[test]
fn docx_service_export_layout() {
    let p = load(Format::Docx, "service_export.docx");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Petra van Dijk"), 2, Some(252_000), None),
            (Some("Bram Kuiper"), 4, Some(260_000), None),
            (Some("Nadia El Amrani"), 7, Some(281_000), None),
            (Some("Petra van Dijk"), 9, Some(302_000), None),
            (Some("Deelnemer 4"), 11, Some(310_000), None),
            (Some("Petra van Dijk"), 15, Some(390_000), None),
        ]
    );
    assert_eq!(
        p.turns[1].text,
        "Ik ben Bram, ik werk als jobcoach bij het werkgeversservicepunt.\n\nIk begeleid vooral \
         mensen in het duale traject."
    );
    assert_eq!(
        p.turns[4].text,
        "Dat werkgevers meedenken. Dus ik zei: probeer het gewoon.\n\nEn het werkte."
    );
    // Headings are neither turns nor part of the source.
    assert!(!p.source.contains("Focusgroep uitvoering Havenstad"));
    assert!(!p.source.contains("Tweede deel"));
    assert!(
        p.source
            .starts_with("Petra van Dijk   00:04:12\nWelkom allemaal.")
    );
    assert_eq!(
        slice(&p, &p.turns[0]),
        "Petra van Dijk   00:04:12\nWelkom allemaal. Zullen we beginnen met een voorstelrondje?"
    );
}

#[test]
fn docx_inline_layout_with_split_bold_runs_breaks_and_smart_quotes() {
    let p = load(Format::Docx, "inline.docx");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 2, Some(5_000), None),
            (Some("Femke Bos"), 3, Some(11_000), None),
            (Some("Interviewer"), 5, None, None),
            (Some("Femke Bos"), 6, None, None),
            (Some("Interviewer"), 9, Some(100_000), None),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Hoe ben je taalcoach geworden?",
            "Via de bibliotheek. Ik zag een oproep en dacht: “dat wil ik”.\n\nDaarna volgde ik een \
             training van drie dagen.",
            "Wat doe je precies?",
            "Ik oefen met deelnemers. Vooral spreken, luisteren en de ’kleine’ dingen.\n\nSoms gaan \
             we samen naar de markt.",
            "Dank je wel.",
        ]
    );
    assert!(!p.source.contains("Interview taalcoach Veenoord"));
    assert!(slice(&p, &p.turns[1]).starts_with("[00:00:11] Femke Bos: Via de"));
    assert_eq!(p.source.lines().count(), 8);
}

#[test]
fn docx_hand_zipped_minimal_document() {
    let p = load(Format::Docx, "handzipped_split_runs.docx");
    assert_eq!(
        shape(&p),
        vec![
            (Some("Interviewer"), 2, None, None),
            (Some("Kees ter Horst"), 3, Some(9_000), None),
            (Some("Interviewer"), 5, Some(30_000), None),
            (Some("Kees ter Horst"), 6, None, None),
            (Some("Interviewer"), 8, None, None),
        ]
    );
    assert_eq!(
        texts(&p),
        vec![
            "Welkom. Wat voor bedrijf hebt u?",
            "Een bouwbedrijf, met & zonder vaste contracten. Twintig man.",
            "Werkt u met statushouders?",
            "Ja, twee. Het gaat ‘best’ goed.",
            "Dank u.",
        ]
    );
    assert!(!p.source.contains("Drie."), "deleted text must not be read");
    assert!(!p.source.contains("Gesprek met een werkgever"));
}

#[test]
fn docx_damaged_or_not_word() {
    let e = load_err(Format::Docx, "corrupt.docx");
    assert_eq!(e.line, 0);
    assert!(
        e.message.contains("not a readable Word document"),
        "{}",
        e.message
    );
    let e = load_err(Format::Docx, "no_document.docx");
    assert!(e.message.contains("no word/document.xml"), "{}", e.message);
    let e = load_err(Format::Docx, "interview.txt");
    assert!(e.message.contains("not a ZIP archive"), "{}", e.message);
    let e = parse(Format::Docx, "tekst").unwrap_err();
    assert!(e.message.contains("parse_bytes"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// Detection

#[test]
fn detection_by_extension_then_content() {
    let cases = [
        ("interview.txt", Format::Text),
        ("interview.md", Format::Markdown),
        ("before_speaker.md", Format::Markdown),
        ("teams.vtt", Format::Vtt),
        ("teams_bom_crlf.vtt", Format::Vtt),
        ("labeled.srt", Format::Srt),
        ("labeled_crlf.srt", Format::Srt),
        ("service_export.docx", Format::Docx),
        ("handzipped_split_runs.docx", Format::Docx),
        ("encoding_utf16le.txt", Format::Text),
        ("encoding_latin1.txt", Format::Text),
    ];
    for (name, format) in cases {
        let bytes = fixture(name);
        assert_eq!(
            detect(&fixture_path(name), &bytes),
            Some(format),
            "{name} by extension"
        );
        assert_eq!(
            detect(Path::new("opname"), &bytes),
            Some(format),
            "{name} by content"
        );
        assert_eq!(
            detect(Path::new("opname.dat"), &bytes),
            Some(format),
            "{name} by content"
        );
    }
    // The extension wins over the content.
    assert_eq!(
        detect(Path::new("x.SRT"), &fixture("teams.vtt")),
        Some(Format::Srt)
    );
    // A preamble before the first label is still text (parsing then reports it).
    assert_eq!(
        detect(Path::new("opname"), &fixture("text_before_label.txt")),
        Some(Format::Text)
    );
    // A ZIP that is not a Word document, and unlabelled prose, are not recognised.
    assert_eq!(
        detect(Path::new("opname"), &fixture("no_document.docx")),
        None
    );
    assert_eq!(
        detect(Path::new("opname"), b"Zomaar wat tekst zonder sprekers."),
        None
    );
}

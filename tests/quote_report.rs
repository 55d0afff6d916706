//! Quotes as an author would print them, on a small interview study made here: cut only at
//! sentence ends with "[…]" in long spoken Dutch, openers dropped at the start, the
//! interviewer's question above a short answer (never above a long one, never with a name),
//! the coder's readable version with the words verbatim in an appendix, the translation, a
//! quote under a second mechanism marked; the coders' files with and without the new columns,
//! and the columns kept through `sheet apply` and a REFI-QDA round trip.

use std::fs;
use std::path::Path;

use crate::common::icamo;

/// The manifest: one interview, the interviewer and the respondent listed by their names (as
/// Teams labels them), the respondent given a role and a pseudonym.
const MANIFEST: &str = r#"[study]
name = "Citaten"
language = "nl"
transcripts = ["corpus"]

[[documents]]
file = "corpus/int-01.vtt"
case = "Havenstad"
type = "interview"

[[speakers]]
label = "Sanne de Wit"
interviewer = true

[[speakers]]
label = "Karim Haddad"
respondent = "R01"
role = "statushouder"

[pseudonyms]
"Karim Haddad" = "Samir"
"Karim" = "Samir"
"Sanne de Wit" = "Onderzoeker 1"
"#;

/// A Microsoft Teams transcript as Teams writes it (cue ids `GUID/n-m`, `<v Name>` voice
/// spans, one turn split over several cues), the convention of the bundled study's
/// `corpus/fg-beleid-havenstad.vtt`. Turn 2 is a long spoken answer with "eh", commas,
/// "bijv." and "o.a." inside sentences, a question and a pause ("…") before a lower-case word.
const TRANSCRIPT: &str = "WEBVTT

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/0-0
00:00:01.000 --> 00:00:06.500
<v Sanne de Wit>Fijn dat je er bent, Karim. Eh, we beginnen bij het begin.</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/0-1
00:00:06.500 --> 00:00:09.000
<v Sanne de Wit>Hoe ben je aan je baan gekomen?</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/1-0
00:00:10.000 --> 00:00:31.000
<v Karim Haddad>Ja nee, dat is eigenlijk een lang verhaal, eh, want ik had eerst helemaal geen werk. Mijn klantmanager zei bijv. dat ik eerst de taal moest leren, o.a. via de MAP. Ik dacht … nou ja, dat duurt dan twee jaar?</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/1-1
00:00:31.000 --> 00:00:58.000
<v Karim Haddad>Toen kwam er een jobcoach van de gemeente, en die heeft mij voorgesteld aan een werkgever in de logistiek. Die werkgever zei: kom maar een dag meelopen. Na die dag wist hij wat ik kon, en ik wist wat hij wilde. Nu werk ik daar drie dagen per week, en de andere dagen ga ik naar de les, eh, op het ROC.</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/1-2
00:00:58.000 --> 00:01:20.000
<v Karim Haddad>Het werk helpt voor de taal, want ik moet elke dag met collega's praten over de planning, de pallets, de pauzes, alles. Ik leer daar woorden die ik in de les nooit hoor. Dat is voor mij het belangrijkste, dat ik niet meer de hele dag thuis zit en wacht.</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/2-0
00:01:21.000 --> 00:01:26.000
<v Sanne de Wit>Dat is helder, dank je. En helpt de jobcoach nog steeds?</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/3-0
00:01:27.000 --> 00:01:31.000
<v Karim Haddad>Ja, soms. Als er problemen zijn, belt hij mijn baas.</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/4-0
00:01:32.000 --> 00:01:35.000
<v Sanne de Wit>Karim, wat zei je vrouw ervan?</v>

3f1c9a2e-7b44-4d1e-9c0a-52e8d1f6a7b3/5-0
00:01:36.000 --> 00:01:41.000
<v Karim Haddad>Zij was blij. Ik ben nu minder thuis, maar ik ben wel gelukkiger.</v>
";

/// Two mechanisms in one configuration.
const CODEBOOK: &str = r#"[codebook]
name = "Citaten"
language = "nl"

[[codes]]
id = "int.jobcoach"
label = "Jobcoaching"
kind = "intervention"
examples = ["De jobcoach kwam elke week langs."]

[[codes]]
id = "act.werkgevers"
label = "Werkgevers"
kind = "actor"
examples = ["De werkgever belde zelf."]

[[codes]]
id = "m.taal"
label = "Leert de taal op het werk"
kind = "mechanism"
examples = ["Op het werk leer ik andere woorden."]

[[codes]]
id = "m.verbinding"
label = "Verbinding met de werkgever"
kind = "mechanism"
examples = ["Hij weet nu wat ik kan."]

[[codes]]
id = "out.dualiteit"
label = "Dualiteit"
kind = "outcome"
examples = ["Ik werk en ik leer tegelijk."]

[[configurations]]
id = "c1"
title = "Werk en taal"
interventions = ["int.jobcoach"]
actors = ["act.werkgevers"]
outcome = "out.dualiteit"

[[configurations.mechanisms]]
code = "m.taal"
triggered_by = ["int.jobcoach"]

[[configurations.mechanisms]]
code = "m.verbinding"
triggered_by = ["int.jobcoach"]
"#;

/// The byte span of `words` in turn 2 as the coder marked it, written `START-END`.
fn span_of(words: &str) -> String {
    let turn = "Ja nee, dat is eigenlijk een lang verhaal, eh, want ik had eerst helemaal geen werk. Mijn klantmanager zei bijv. dat ik eerst de taal moest leren, o.a. via de MAP. Ik dacht … nou ja, dat duurt dan twee jaar? Toen kwam er een jobcoach van de gemeente, en die heeft mij voorgesteld aan een werkgever in de logistiek. Die werkgever zei: kom maar een dag meelopen. Na die dag wist hij wat ik kon, en ik wist wat hij wilde. Nu werk ik daar drie dagen per week, en de andere dagen ga ik naar de les, eh, op het ROC. Het werk helpt voor de taal, want ik moet elke dag met collega's praten over de planning, de pallets, de pauzes, alles.";
    let at = turn.find(words).expect("the words are in turn 2");
    format!("{at}-{}", at + words.len())
}

/// The coder's file: turn 2 under both mechanisms (under `m.taal` only the words about the
/// language), turn 4 with a readable version and a translation, turn 6 short.
fn codings(with_versions: bool) -> String {
    let span = span_of("want ik moet elke dag met collega's praten");
    if with_versions {
        format!(
            "segment,code,stance,origin,span,note,decision,text,readable,translation\n\
             int-01:0002,m.taal,supports,manual,{span},,accept,,,\n\
             int-01:0002,m.verbinding,supports,manual,,,accept,,,\n\
             int-01:0004,m.verbinding,supports,manual,,,accept,,\"Soms. Als er problemen zijn, belt hij mijn baas.\",\"Sometimes. When there are problems, he calls my boss.\"\n\
             int-01:0006,m.taal,nuance,manual,,,accept,,,\n"
        )
    } else {
        // As files were written before anchors and these columns.
        format!(
            "segment,code,stance,origin,span,note,decision\n\
             int-01:0002,m.taal,supports,manual,{span},,accept\n\
             int-01:0002,m.verbinding,supports,manual,,,accept\n\
             int-01:0004,m.verbinding,supports,manual,,,accept\n\
             int-01:0006,m.taal,nuance,manual,,,accept\n"
        )
    }
}

/// The study in a temporary folder, `codings/anna.csv` as [`codings`] writes it.
fn study(with_versions: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("icamo.toml"), MANIFEST).unwrap();
    for sub in ["corpus", "codebooks", "codings"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    fs::write(root.join("corpus/int-01.vtt"), TRANSCRIPT).unwrap();
    fs::write(root.join("codebooks/citaten.toml"), CODEBOOK).unwrap();
    fs::write(root.join("codings/anna.csv"), codings(with_versions)).unwrap();
    dir
}

fn build(root: &Path) -> String {
    let out = icamo(root).args(["-q", "build"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::read_to_string(root.join("out/report.md")).unwrap()
}

/// The block quotes of `report` under the mechanism heading that starts with `heading`, each
/// as its lines without the "> ".
fn quotes_under(report: &str, heading: &str) -> Vec<String> {
    let start = report.find(heading).unwrap_or_else(|| panic!("{heading}"));
    let rest = &report[start + heading.len()..];
    let end = rest
        .find("\n### ")
        .or(rest.find("\n## "))
        .unwrap_or(rest.len());
    rest[..end]
        .split("\n\n")
        .filter(|b| b.starts_with("> "))
        .map(|b| {
            b.lines()
                .map(|l| l.strip_prefix("> ").or(l.strip_prefix(">")).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

#[test]
fn a_long_spoken_answer_is_cut_at_sentence_ends_around_the_coded_words() {
    let dir = study(true);
    let report = build(dir.path());
    let taal = quotes_under(&report, "### Leert de taal op het werk");
    // The coded words' sentence is whole, with the sentences after it and before it that fit
    // in ninety words; those before are left out with […].
    assert_eq!(
        taal[0].lines().next().unwrap(),
        "[…] Na die dag wist hij wat ik kon, en ik wist wat hij wilde. Nu werk ik daar drie dagen per week, en de andere dagen ga ik naar de les, eh, op het ROC. Het werk helpt voor de taal, want ik moet elke dag met collega's praten over de planning, de pallets, de pauzes, alles. Ik leer daar woorden die ik in de les nooit hoor. Dat is voor mij het belangrijkste, dat ik niet meer de hele dag thuis zit en wacht.",
        "{report}"
    );
    // The whole turn coded: from its start, the opener "Ja nee," left out, abbreviations and
    // the question inside kept, cut after a whole sentence.
    let verbinding = quotes_under(&report, "### Verbinding met de werkgever");
    let first = verbinding[0].lines().next().unwrap();
    assert_eq!(
        first,
        "[…] dat is eigenlijk een lang verhaal, eh, want ik had eerst helemaal geen werk. Mijn klantmanager zei bijv. dat ik eerst de taal moest leren, o.a. via de MAP. Ik dacht … nou ja, dat duurt dan twee jaar? Toen kwam er een jobcoach van de gemeente, en die heeft mij voorgesteld aan een werkgever in de logistiek. Die werkgever zei: kom maar een dag meelopen. Na die dag wist hij wat ik kon, en ik wist wat hij wilde. […]",
        "{report}"
    );
}

#[test]
fn a_short_answer_comes_with_the_interviewers_question_and_a_long_one_without() {
    let dir = study(true);
    let report = build(dir.path());
    let taal = quotes_under(&report, "### Leert de taal op het werk");
    // Turn 6 answers a question that names the respondent: role label, never a name.
    let short = taal.iter().find(|q| q.contains("Zij was blij.")).unwrap();
    assert_eq!(
        short,
        "*Interviewer:* [naam], wat zei je vrouw ervan?\n\nZij was blij. Ik ben nu minder thuis, maar ik ben wel gelukkiger.\n\n— *statushouder, Havenstad* ⚠ enige respondent met deze rol in deze casus · `int-01:0006`"
    );
    // The long answer to "Hoe ben je aan je baan gekomen?" stands without it.
    assert!(
        !report.contains("Hoe ben je aan je baan gekomen?"),
        "{report}"
    );
    assert!(!report.contains("Karim") && !report.contains("Samir") && !report.contains("Sanne"));
    // A question of several sentences is shortened to its last question.
    let verbinding = quotes_under(&report, "### Verbinding met de werkgever");
    assert!(
        verbinding[1].starts_with("*Interviewer:* […] En helpt de jobcoach nog steeds?\n\n"),
        "{}",
        verbinding[1]
    );
}

#[test]
fn a_readable_version_is_shown_with_its_translation_and_the_words_verbatim_in_the_appendix() {
    let dir = study(true);
    let report = build(dir.path());
    let verbinding = quotes_under(&report, "### Verbinding met de werkgever");
    assert_eq!(
        verbinding[1],
        "*Interviewer:* […] En helpt de jobcoach nog steeds?\n\nSoms. Als er problemen zijn, belt hij mijn baas.\n\n*Vertaling:* Sometimes. When there are problems, he calls my boss.\n\n— *statushouder, Havenstad* ⚠ enige respondent met deze rol in deze casus (leesbare weergave, letterlijk in [bijlage C](#bijlage-c--citaten-letterlijk)) · `int-01:0004`"
    );
    let appendix = &report[report.find("## Bijlage C — Citaten letterlijk").unwrap()..];
    assert!(
        appendix.contains("> Ja, soms. Als er problemen zijn, belt hij mijn baas.\n>\n> — *statushouder, Havenstad* ⚠ enige respondent met deze rol in deze casus · `int-01:0004`\n"),
        "{appendix}"
    );
    // report.html links to the appendix's heading by the same anchor.
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"bijlage-c--citaten-letterlijk\">"),
        "{html}"
    );
    assert!(html.contains("href=\"#bijlage-c--citaten-letterlijk\""));
}

#[test]
fn a_quote_under_a_second_mechanism_points_to_its_first_place() {
    let dir = study(true);
    let report = build(dir.path());
    let verbinding = quotes_under(&report, "### Verbinding met de werkgever");
    assert!(
        verbinding[0].ends_with("(ook bij [‘Leert de taal op het werk’](#leert-de-taal-op-het-werk-mtaal)) · `int-01:0002`"),
        "{}",
        verbinding[0]
    );
    let taal = quotes_under(&report, "### Leert de taal op het werk");
    assert!(!taal[0].contains("ook bij"), "{}", taal[0]);
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("<h3 id=\"leert-de-taal-op-het-werk-mtaal\">"));
}

#[test]
fn a_coders_file_without_the_new_columns_still_reads() {
    let dir = study(false);
    let report = build(dir.path());
    let verbinding = quotes_under(&report, "### Verbinding met de werkgever");
    assert!(
        verbinding[1].contains("\n\nJa, soms. Als er problemen zijn, belt hij mijn baas.\n\n— "),
        "{}",
        verbinding[1]
    );
    // No appendix of verbatim quotes; the appendix on how the report was made takes its letter.
    assert!(!report.contains("Citaten letterlijk") && !report.contains("*Vertaling:*"));
    assert!(report.contains("## Bijlage C — Verantwoording"));
}

#[test]
fn the_readable_version_and_translation_survive_sheet_apply_and_a_refi_round_trip() {
    let dir = study(true);
    let root = dir.path();
    icamo(root).args(["-q", "ingest"]).assert().success();
    // The coder changes the stance of turn 4 in a sheet (which has no columns for them).
    let sheet = root.join("sheet.csv");
    fs::write(
        &sheet,
        "segment,code,stance,decision\nint-01:0004,m.verbinding,nuance,accept\nint-01:0006,m.verbinding,supports,accept\n",
    )
    .unwrap();
    let out = icamo(root)
        .args(["sheet", "apply", "--coder", "anna", "--replace"])
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = fs::read_to_string(root.join("codings/anna.csv")).unwrap();
    assert!(
        file.starts_with(
            "segment,code,stance,origin,span,note,decision,text,readable,translation\n"
        ),
        "{file}"
    );
    let row = file
        .lines()
        .find(|l| l.starts_with("int-01:0004,m.verbinding,"))
        .unwrap();
    assert!(
        row.starts_with("int-01:0004,m.verbinding,nuance,manual,,,accept,")
            && row.ends_with(",\"Soms. Als er problemen zijn, belt hij mijn baas.\",\"Sometimes. When there are problems, he calls my boss.\""),
        "{row}"
    );

    // Exported to REFI-QDA and imported into a new study, the coding keeps them.
    let qdpx = root.join("studie.qdpx");
    icamo(root)
        .args(["-q", "export", "qdpx", "--out"])
        .arg(&qdpx)
        .assert()
        .success();
    let into = root.join("terug");
    let out = icamo(root)
        .args(["import", "qdpx"])
        .arg(&qdpx)
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = fs::read_to_string(into.join("codings/anna.csv")).unwrap();
    let row = back
        .lines()
        .find(|l| l.contains(",m.verbinding,nuance,"))
        .unwrap();
    assert!(
        row.ends_with(",\"Soms. Als er problemen zijn, belt hij mijn baas.\",\"Sometimes. When there are problems, he calls my boss.\""),
        "{back}"
    );
}

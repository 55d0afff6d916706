//! Codings anchored to their words: whatever happens to a coded transcript (turns inserted,
//! deleted, edited, reordered, spacing, a speaker label, the file's name), no coding ends up
//! on words it was not made on. Each stands on its own words, is flagged for review, or is
//! reported as an orphan. Then the same on the bundled study, through the command line.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use icamo::coding::manual;
use icamo::ingest::{IngestOptions, ingest};
use icamo::study::Study;
use proptest::prelude::*;

use crate::common::{bundled_study, icamo};

const MANIFEST: &str = r#"[study]
name = "Ankers"
language = "nl"
transcripts = ["corpus"]

[[speakers]]
label = "Anna"
role = "statushouder"

[[speakers]]
label = "Bram"
role = "werkgever"
"#;

const WORDS: [&str; 24] = [
    "de",
    "jobcoach",
    "hielp",
    "mij",
    "echt",
    "niet",
    "werkgever",
    "taal",
    "les",
    "soep",
    "buurvrouw",
    "brief",
    "gemeente",
    "werk",
    "school",
    "kinderen",
    "thee",
    "markt",
    "bang",
    "samen",
    "vrijdag",
    "keuken",
    "geld",
    "tolk",
];

/// One turn of the generated transcript.
#[derive(Debug, Clone)]
struct Turn {
    speaker: usize,
    words: Vec<usize>,
}

impl Turn {
    fn text(&self) -> String {
        let words: Vec<&str> = self.words.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
        format!("{}.", words.join(" "))
    }
}

/// What can happen to a transcript after it was coded.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Turn),
    Delete(usize),
    ReplaceWord(usize, usize, usize),
    AddWord(usize, usize),
    Rewrite(usize, Turn),
    Swap(usize, usize),
    Spacing(usize),
    Speaker(usize),
    Rename,
}

fn turn() -> impl Strategy<Value = Turn> {
    (0..2usize, prop::collection::vec(0..WORDS.len(), 4..14))
        .prop_map(|(speaker, words)| Turn { speaker, words })
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), turn()).prop_map(|(i, t)| Edit::Insert(i, t)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<usize>(), 0..WORDS.len())
            .prop_map(|(i, w, x)| Edit::ReplaceWord(i, w, x)),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(i, x)| Edit::AddWord(i, x)),
        (any::<usize>(), turn()).prop_map(|(i, t)| Edit::Rewrite(i, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Edit::Swap(i, j)),
        any::<usize>().prop_map(Edit::Spacing),
        any::<usize>().prop_map(Edit::Speaker),
        Just(Edit::Rename),
    ]
}

/// The transcript as a plain-text file, a turn a line.
fn transcript(turns: &[Turn], spacing: &[usize]) -> String {
    let mut out = String::new();
    for (i, t) in turns.iter().enumerate() {
        let speaker = ["Anna", "Bram"][t.speaker];
        let text = if spacing.contains(&i) {
            t.text().replace(' ', "  ")
        } else {
            t.text()
        };
        out.push_str(&format!("{speaker}: {text}\n"));
    }
    out
}

fn apply(edits: &[Edit], turns: &mut Vec<Turn>, spacing: &mut Vec<usize>, name: &mut String) {
    for e in edits {
        let n = turns.len();
        match e.clone() {
            Edit::Insert(i, t) => turns.insert(i % (n + 1), t),
            Edit::Delete(i) if n > 1 => {
                turns.remove(i % n);
            }
            Edit::ReplaceWord(i, w, x) if n > 0 => {
                let t = &mut turns[i % n];
                let k = w % t.words.len();
                t.words[k] = x;
            }
            Edit::AddWord(i, x) if n > 0 => turns[i % n].words.push(x),
            Edit::Rewrite(i, t) if n > 0 => turns[i % n] = t,
            Edit::Swap(i, j) if n > 0 => turns.swap(i % n, j % n),
            Edit::Spacing(i) if n > 0 => spacing.push(i % n),
            Edit::Speaker(i) if n > 0 => turns[i % n].speaker ^= 1,
            Edit::Rename => *name = format!("{name}-herzien"),
            _ => {}
        }
    }
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Codes the given turns (whole, or the span of their second and third word), anchors the
/// coder's file, edits the transcript, ingests again, and checks every coding's place.
fn check_edits(turns: Vec<Turn>, coded: Vec<(usize, bool)>, edits: Vec<Edit>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("icamo.toml"), MANIFEST).unwrap();
    fs::create_dir_all(root.join("corpus")).unwrap();
    fs::create_dir_all(root.join("codings")).unwrap();
    let mut name = String::from("int-01");
    fs::write(
        root.join(format!("corpus/{name}.txt")),
        transcript(&turns, &[]),
    )
    .unwrap();
    let study = Study::open(root).unwrap();
    ingest(&study, &IngestOptions::default()).unwrap();
    let segments = study.document_segments(&name).unwrap();
    let mut csv = String::from("segment,code,stance,origin,span,note,decision\n");
    for (k, &(i, part)) in coded.iter().enumerate() {
        let s = &segments[i % segments.len()];
        let span = if part {
            let starts: Vec<usize> = s.text.match_indices(' ').map(|(b, _)| b + 1).collect();
            format!("{}-{}", starts[0], starts[2] - 1)
        } else {
            String::new()
        };
        csv.push_str(&format!("{},c.{k},none,manual,{span},,accept\n", s.id));
    }
    fs::write(root.join("codings/anna.csv"), csv).unwrap();
    let anchored = manual::update_anchors(&study, false, false).unwrap();
    assert_eq!(anchored.anchored, coded.len());
    // What each coding was made on, by its code.
    let made_on: HashMap<String, (String, Option<String>)> =
        manual::placed_coders(&study).unwrap().0["anna"]
            .iter()
            .map(|c| {
                let text = c.text.clone().unwrap();
                let part = c.span.map(|[a, b]| text[a..b].to_string());
                (c.code.clone(), (text, part))
            })
            .collect();

    let (mut turns, mut spacing) = (turns, Vec::new());
    let old = name.clone();
    apply(&edits, &mut turns, &mut spacing, &mut name);
    fs::remove_file(root.join(format!("corpus/{old}.txt"))).unwrap();
    fs::write(
        root.join(format!("corpus/{name}.txt")),
        transcript(&turns, &spacing),
    )
    .unwrap();
    ingest(&study, &IngestOptions::default()).unwrap();

    let (coders, placements) = manual::placed_coders(&study).unwrap();
    let review: Vec<&str> = placements.review.iter().map(|p| p.code.as_str()).collect();
    let orphans: Vec<&str> = placements.orphans.iter().map(|p| p.code.as_str()).collect();
    let placed = coders.get("anna").cloned().unwrap_or_default();
    assert_eq!(placed.len() + orphans.len(), coded.len(), "{placements:?}");
    let now = study.all_segments().unwrap();
    for c in &placed {
        assert!(!orphans.contains(&c.code.as_str()));
        let (text, part) = &made_on[&c.code];
        let Some(seg) = now.iter().find(|s| s.id == c.segment) else {
            panic!("{} points at {}, which does not exist", c.code, c.segment);
        };
        if review.contains(&c.code.as_str()) {
            continue;
        }
        assert_eq!(
            words(&seg.text),
            words(text),
            "{} is on {} without review",
            c.code,
            c.segment
        );
        if let (Some(part), Some([a, b])) = (part, c.span) {
            assert_eq!(
                words(&seg.text[a..b]),
                words(part),
                "the span of {}",
                c.code
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn no_edit_leaves_a_coding_on_words_it_was_not_made_on(
        turns in prop::collection::vec(turn(), 3..12),
        coded in prop::collection::vec((any::<usize>(), any::<bool>()), 1..8),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        check_edits(turns, coded, edits);
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn quotes(study: &Path, code: &str) -> String {
    let out = icamo(study)
        .args(["quotes", "--code", code, "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn corrected_transcripts_keep_their_codings_and_withdrawn_ones_stop_the_build() {
    let dir = bundled_study();
    let study = dir.path();
    icamo(study).args(["ingest", "-q"]).assert().success();
    // The bundled coder's file carries its anchors already.
    let update = icamo(study).args(["codings", "update"]).output().unwrap();
    assert!(
        stderr(&update).contains("0 anchored")
            && stderr(&update).contains("no file needed a change"),
        "{}",
        stderr(&update)
    );
    let before = quotes(study, "icamo1.m2");

    // Two short turns near the top of a coded interview: every later turn number shifts.
    let path = study.join("corpus/int-sh-03.txt");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "Interviewer (00:00:20): Zal ik het raam dichtdoen?");
    lines.insert(3, "Mariam (00:00:21): Nee, laat maar open.");
    fs::write(&path, lines.join("\n")).unwrap();
    let build = icamo(study).arg("build").output().unwrap();
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(
        stderr(&build).contains("codings: 20 codings moved, 0 to review, 0 orphaned"),
        "{}",
        stderr(&build)
    );
    // The quotes are the same words, now at their new turn numbers.
    let after = quotes(study, "icamo1.m2");
    assert!(after.contains("int-sh-03:0036") && !after.contains("int-sh-03:0034"));
    assert_eq!(
        before.replace("int-sh-03:0034", "int-sh-03:0036"),
        after,
        "the quotes under icamo1.m2 changed"
    );

    // A coded turn rewritten: its codings are orphans, named by file and line.
    let text = fs::read_to_string(&path).unwrap();
    let rewritten = text.replace(
        "Nee. Eerlijk, nee. Mijn taalmaatje heeft het met mij gelezen.",
        "Dat weet ik niet meer.",
    );
    assert_ne!(rewritten, text);
    fs::write(&path, rewritten).unwrap();
    let build = icamo(study).arg("build").output().unwrap();
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    let said = stderr(&build);
    assert!(
        said.contains("orphaned: codings/codeur-a.csv:324: int-sh-03:0034 (icamo1.m2): its words are in no turn of int-sh-03 any more")
            && said.contains("3 codings are orphaned"),
        "{said}"
    );
    icamo(study)
        .args(["build", "--allow-orphans", "-q"])
        .assert()
        .success();

    // Withdrawn: the transcript and its manifest entry are gone, and so are the words of its
    // codings.
    fs::remove_file(study.join("corpus/int-gm-02.md")).unwrap();
    let manifest = fs::read_to_string(study.join("icamo.toml")).unwrap();
    let entry = "[[documents]]\nfile = \"corpus/int-gm-02.md\"\ncase = \"Veenoord\"\n\
                 type = \"interview\"\ndate = \"2025-06-12\"\n";
    let speaker = "documents = [\"int-gm-02\"]\n";
    assert!(
        manifest.contains(entry) && manifest.contains(speaker),
        "the bundled manifest changed: update this test"
    );
    let manifest = manifest.replace(entry, "").replace(speaker, "");
    fs::write(study.join("icamo.toml"), manifest).unwrap();
    let build = icamo(study).arg("build").output().unwrap();
    assert_eq!(build.status.code(), Some(1));
    assert!(
        stderr(&build).contains("26 codings are orphaned")
            && stderr(&build).contains("document int-gm-02 is no longer in the study"),
        "{}",
        stderr(&build)
    );
    let dropped = icamo(study)
        .args(["codings", "update", "--drop-orphans"])
        .output()
        .unwrap();
    assert!(
        stderr(&dropped).contains("26 orphans deleted"),
        "{}",
        stderr(&dropped)
    );
    // The bundled findings quote the withdrawn interview: they name the quote, not drop it.
    let build = icamo(study).args(["build", "-q"]).output().unwrap();
    assert_eq!(build.status.code(), Some(1));
    assert!(
        stderr(&build).contains(
            "findings.toml:34:47: no document \"int-gm-02\" in this study (did you mean \"int-gm-01\"?), so no segment int-gm-02:0035"
        ),
        "{}",
        stderr(&build)
    );
    let findings = fs::read_to_string(study.join("findings.toml")).unwrap();
    fs::write(
        study.join("findings.toml"),
        findings.replace(", \"int-gm-02:0035\"", ""),
    )
    .unwrap();
    icamo(study).args(["build", "-q"]).assert().success();
}

//! Privacy in every output, on copies of the bundled study: no name or pseudonym in any file
//! `icamo build` and `icamo site` write (the check CI relies on), names said in a turn and
//! speakers the manifest does not list replaced by [naam] and known to `--check`, an
//! interpreter's turns under the role of whom they interpret for, and `build` failing, file and
//! line named, when a name gets into what it wrote.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;

use common::icamo;

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `study` built, with its quote site written: out/ holds every output.
fn build_all(study: &Path) -> std::process::Output {
    let built = icamo(study).args(["build", "-q"]).output().unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    icamo(study).args(["site", "-q"]).assert().success();
    built
}

/// The JSON the quote site embeds.
fn site_data(study: &Path) -> Value {
    let page = fs::read_to_string(study.join("out/site/index.html")).unwrap();
    let start = page
        .find("<script type=\"application/json\" id=\"data\">")
        .unwrap();
    let rest = &page[start..];
    serde_json::from_str(&rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()])
        .unwrap()
}

#[test]
fn no_output_of_the_bundled_study_holds_a_name() {
    let dir = common::bundled_study();
    let study = dir.path();
    build_all(study);
    let out = study.join("out");
    let files = files_under(&out);
    for expected in [
        "report.md",
        "report.html",
        "summary.md",
        "figures/keten.svg",
        "figures/keten.png",
        "figures/keten.json",
        "site/index.html",
    ] {
        assert!(
            files.contains(&out.join(expected)),
            "{expected} not written"
        );
    }

    // The check CI relies on: every file under out/, the site's included.
    let checked = icamo(study)
        .args(["site", "--check", "out"])
        .current_dir(study)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&checked.stderr),
        "out: no real names, pseudonyms, speaker labels, unlisted speakers or respondent ids found\n"
    );

    // Said in turns: Layla (Mariam's pseudonym) by her neighbours, Bilal and Daniel to them.
    for file in files
        .iter()
        .filter(|f| f.extension().is_none_or(|e| e != "png"))
    {
        let text = fs::read_to_string(file).unwrap();
        for name in ["Layla", "Mariam", "Bilal", "Daniel", "Hamid", "R03"] {
            assert!(!text.contains(name), "{name} in {}", file.display());
        }
    }
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("De mensen zeggen: [naam], jouw soep is beter dan van mijn moeder."));
    assert!(report.contains(
        "Namen in de\ncitaten zijn vervangen door [naam], respondentnummers door [nummer]."
    ));
}

#[test]
fn an_interpreters_turns_are_the_respondents_and_single_cells_are_flagged_on_the_site_as_in_the_report()
 {
    let dir = common::bundled_study();
    let study = dir.path();
    build_all(study);
    let report = fs::read_to_string(study.join("out/report.md")).unwrap();
    assert!(report.contains("— *gezinsmigrant (via tolk), Veenoord*"));

    let data = site_data(study);
    let quotes = data["quotes"].as_array().unwrap();
    assert!(
        quotes.iter().all(|q| q["r"] != "tolk"),
        "a quote filed under tolk"
    );
    let via: Vec<&Value> = quotes.iter().filter(|q| q["v"] == "tolk").collect();
    assert!(!via.is_empty());
    // Veenoord has two gezinsmigranten, one on each route: role, case and route (which the
    // site shows and filters by) would point at the one the interpreter speaks for, so the
    // site leaves the case off and flags it.
    assert!(via.iter().all(|q| q["r"] == "gezinsmigrant"
        && q["c"].is_null()
        && q["a"]["route"] == "Z-route"
        && q["wa"] == true));
    // ⚠ where the report flags the cell: one statushouder in Veenoord, one gezinsmigrant in
    // Havenstad, each shown without the case.
    assert!(report.contains("| statushouder | Veenoord | 1 ⚠ |"));
    assert!(report.contains("| gezinsmigrant | Havenstad | 1 ⚠ |"));
    let flagged: Vec<&Value> = quotes.iter().filter(|q| q["w"] == true).collect();
    assert!(!flagged.is_empty());
    for q in &flagged {
        assert!(q["c"].is_null(), "{q}");
        assert!(q["r"] == "statushouder" || q["r"] == "gezinsmigrant", "{q}");
    }
    let page = fs::read_to_string(study.join("out/site/index.html")).unwrap();
    assert!(page.contains("\"⚠ enige deelnemer met deze rol in de casus\""));

    // icamo quotes shows them the same way, and finds them under the respondent's role.
    let rows = common::json_rows(study, "quotes", &["--role", "gezinsmigrant"]);
    let row = rows
        .iter()
        .find(|r| r["via"] == "tolk")
        .expect("an interpreted quote under gezinsmigrant");
    assert_eq!(row["case"], "Veenoord");
    // No row shows the role "tolk", so it is not a role to filter by.
    let out = icamo(study)
        .args(["quotes", "--role", "tolk"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("error: unknown role \"tolk\"; known roles: gezinsmigrant, interviewer, "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = icamo(study)
        .args(["quotes", "--role", "gezinsmigrant", "--panel"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("    — gezinsmigrant (via tolk), Veenoord  ["),
        "{text}"
    );
}

#[test]
fn a_speaker_missing_from_the_manifest_is_redacted_everywhere_and_known_to_the_check() {
    let dir = common::bundled_study();
    let study = dir.path();
    // Mariam's neighbour, whom the manifest does not list, speaks at the end of her interview
    // and is named in her coded turn about the soup (int-sh-03:0022).
    let file = study.join("corpus/int-sh-03.txt");
    let text = fs::read_to_string(&file).unwrap();
    let planted = text.replacen(
        "jouw soep is beter dan van mijn moeder.",
        "jouw soep is beter dan van mijn moeder. Fatima zegt het ook.",
        1,
    ) + "Fatima (00:16:30): Zij maakt de beste soep.\n";
    assert!(
        planted.contains("moeder. Fatima zegt"),
        "the soup turn has moved"
    );
    fs::write(&file, planted).unwrap();

    let built = build_all(study);
    let warned = String::from_utf8_lossy(&built.stderr);
    assert!(
        warned.contains("speaker \"Fatima\" is not in the manifest"),
        "{warned}"
    );
    let report = fs::read_to_string(study.join("out/report.md")).unwrap();
    assert!(report.contains("jouw soep is beter dan van mijn moeder. [naam] zegt het ook."));
    for file in files_under(&study.join("out")) {
        // A figure's PNG is pixels, drawn from the SVG beside it, which is read here.
        if file.extension().is_some_and(|e| e == "png") {
            assert!(file.with_extension("svg").is_file(), "{}", file.display());
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        assert!(!text.contains("Fatima"), "Fatima in {}", file.display());
    }
    let quotes = icamo(study)
        .args(["quotes", "--code", "icamo4.m3"])
        .output()
        .unwrap();
    let quotes = String::from_utf8(quotes.stdout).unwrap();
    assert!(quotes.contains("[naam] zegt het ook."), "{quotes}");
    icamo(study)
        .args(["site", "--check", "out"])
        .current_dir(study)
        .assert()
        .success();

    // The check knows her from the store, not from the manifest.
    let copy = tempfile::tempdir().unwrap();
    fs::write(
        copy.path().join("report.md"),
        report.replacen("[naam] zegt het ook.", "Fatima zegt het ook.", 1),
    )
    .unwrap();
    let out = icamo(study)
        .args(["site", "--check"])
        .arg(copy.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("report.md:")
            && err.contains(": speaker label not in the manifest \"Fatima\""),
        "{err}"
    );
}

#[test]
fn build_fails_naming_file_line_and_kind_when_a_template_writes_a_name() {
    let dir = common::bundled_study();
    let study = dir.path();
    icamo(study)
        .args(["report", "--export-templates", "templates", "-q"])
        .current_dir(study)
        .assert()
        .success();
    let template = study.join("templates/report.md.j2");
    let text = fs::read_to_string(&template).unwrap();
    let named = text.replacen("## De keten\n", "## De keten\n\nMet dank aan Layla.\n", 1);
    assert_ne!(named, text);
    fs::write(&template, named).unwrap();

    let out = icamo(study).args(["build", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let report = fs::read_to_string(study.join("out/report.md")).unwrap();
    let line = report
        .lines()
        .position(|l| l == "Met dank aan Layla.")
        .unwrap()
        + 1;
    let place = format!("out/report.md:{line}:14: pseudonym\n");
    assert!(err.contains(&place), "{place} not in: {err}");
    assert!(err.contains("out/report.html:"), "{err}");
    assert!(err.contains("icamo site --check"), "{err}");
    // The message may end up in a log others read: it names the place, not the name.
    assert!(!err.contains("Layla"), "{err}");
}

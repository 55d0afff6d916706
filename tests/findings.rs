//! The authors' findings (findings.toml) as the report and the summary show them: a finding
//! with the verdict and people count of the mechanism it rests on and its quotes under role
//! labels, recommendations under the findings they follow from, errors that name
//! findings.toml:line:column, the draft per mechanism without a file, and `--draft-findings`,
//! which never overwrites a file.

use crate::common;

use std::fs;
use std::path::Path;

use common::{bundled_study, icamo};

/// One finding on icamo4.m5 with one of its quotes, and a recommendation that follows from it.
const ONE_FINDING: &str = r#"[[finding]]
id = "inkomen"
headline = "Een eigen inkomen geeft zelfvertrouwen"
text = "Wie zelf geld verdient, voelt zich weer iemand."
codes = ["icamo4.m5"]
quotes = ["int-gm-01:0048"]

[[recommendation]]
text = "Help gezinsmigranten aan betaald werk naast de les."
findings = ["inkomen"]
"#;

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join("out").join(file)).unwrap()
}

#[test]
fn a_finding_shows_its_verdict_people_and_quotes_in_the_report_and_the_summary() {
    let dir = bundled_study();
    fs::write(dir.path().join("findings.toml"), ONE_FINDING).unwrap();
    let out = icamo(dir.path()).arg("build").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("findings:"));

    let report = read(dir.path(), "report.md");
    let chapter =
        &report[report.find("## Bevindingen").unwrap()..report.find("## De keten").unwrap()];
    assert!(!chapter.contains("Concept"), "{chapter}");
    assert!(
        chapter.contains(
            "### Bevinding 1. Een eigen inkomen geeft zelfvertrouwen\n\n\
             Wie zelf geld verdient, voelt zich weer iemand.\n\n\
             **Berust op:**\n\n\
             - [Leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid](#icamo4-icamo4.m5) \
             (mechanisme, ICAMO 4 — De bijdrage van dualiteit aan inburgering): oordeel **herkend**; \
             3 respondenten in 2 casussen (3 ondersteunend).\n"
        ),
        "{chapter}"
    );
    // The quote under its role label and case, never the speaker's name or pseudonym.
    assert!(
        chapter.contains(
            "> — *gezinsmigrant, Havenstad* ⚠ enige respondent met deze rol in deze casus · `int-gm-01:0048`"
        ),
        "{chapter}"
    );
    assert!(chapter.contains("> Heel veel. Misschien meer dan de taal"));
    for name in ["Ana", "Julia", "R04"] {
        assert!(!chapter.contains(name), "{name} in\n{chapter}");
    }
    assert!(
        chapter.contains("Hieruit volgt aanbeveling 1.\n"),
        "{chapter}"
    );
    assert!(
        chapter.contains(
            "## Aanbevelingen\n\n1. Help gezinsmigranten aan betaald werk naast de les. *(Volgt uit bevinding 1.)*\n"
        ),
        "{chapter}"
    );
    // The link lands on the mechanism's section, in the HTML too.
    assert!(report.contains("<a id=\"icamo4-icamo4.m5\"></a>\n\n### Leidt tot versterking"));
    let html = read(dir.path(), "report.html");
    assert!(html.contains("<a href=\"#icamo4-icamo4.m5\">Leidt tot versterking"));
    assert!(html.contains("<a id=\"icamo4-icamo4.m5\"></a>"));

    let summary = read(dir.path(), "summary.md");
    assert!(!summary.contains("Concept"), "{summary}");
    assert!(
        summary.contains(
            "## Conclusies\n\n### 1. Een eigen inkomen geeft zelfvertrouwen\n\n\
             *Conclusie.* Wie zelf geld verdient, voelt zich weer iemand.\n\n\
             Deze conclusie berust op ‘Leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid’ (herkend; 3 respondenten). \
             In het rapport staat er één citaat bij.\n\n\
             *Advies.* Help gezinsmigranten aan betaald werk naast de les.\n\n\
             *Zie rapport:* § Bevindingen, bevinding 1; § ICAMO 4 — De bijdrage van dualiteit aan inburgering: \
             ‘Leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid’.\n"
        ),
        "{summary}"
    );
    // The method paragraph: sources, period and people per role from the manifest.
    assert!(summary.contains(
        "Dit onderzoek berust op 6 interviews en 5 focusgroepen, gehouden tussen 11 maart en 17 juni 2025.\n\
         De casussen zijn Havenstad en Veenoord.\n"
    ));
    assert!(summary.contains("| professional uitvoering | 8 |\n"));
    assert!(!summary.contains("| tolk |"));
}

#[test]
fn every_wrong_reference_is_named_with_findings_toml_line_and_column() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let before = read(dir.path(), "report.md");
    let bad = r#"[[finding]]
id = "inkomen"
headline = "Een eigen inkomen geeft zelfvertrouwen"
text = "Tekst."
codes = ["icamo4.m5", "icamo4.m9"]

[[recommendation]]
text = "Advies."
findings = ["inkomen", "inkommen"]
"#;
    fs::write(dir.path().join("findings.toml"), bad).unwrap();
    let out = icamo(dir.path()).arg("build").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "findings.toml:5:23: unknown code \"icamo4.m9\" (did you mean \"icamo4.m1\"?): no codebook of the study has it\n\
             findings.toml:9:24: unknown finding \"inkommen\" (did you mean \"inkomen\"?); the findings in this file are: inkomen"
        ),
        "{stderr}"
    );
    // The quotes are checked against the study and the evidence once the codes are sound.
    let quotes = ONE_FINDING.replace(
        "quotes = [\"int-gm-01:0048\"]",
        "quotes = [\"int-gm-01:0048\", \"int-gm-09:0003\", \"int-gm-01:9999\",\n  \"fg-expertgroep:0055\"]",
    );
    fs::write(dir.path().join("findings.toml"), quotes).unwrap();
    let out = icamo(dir.path()).arg("report").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "findings.toml:6:29: no document \"int-gm-09\" in this study (did you mean \"int-gm-01\"?), so no segment int-gm-09:0003\n\
             findings.toml:6:47: int-gm-01 has segments 1 to "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "findings.toml:7:3: fg-expertgroep:0055 is not coded with a code this finding rests on (icamo4.m5) by a coding that counts"
        ),
        "{stderr}"
    );
    // Nothing was written over the last good report.
    assert_eq!(read(dir.path(), "report.md"), before);
}

#[test]
fn without_a_findings_file_the_report_drafts_one_finding_per_mechanism() {
    let dir = bundled_study();
    fs::remove_file(dir.path().join("findings.toml")).unwrap();
    let out = icamo(dir.path()).arg("build").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "findings: no findings.toml, so the report drafts one finding per mechanism; `icamo report --draft-findings` writes them to findings.toml for you to rewrite\n"
        ),
        "{stdout}"
    );
    let report = read(dir.path(), "report.md");
    assert!(report.contains(
        "## Bevindingen\n\n*Concept. Er is nog geen findings.toml: icamo heeft per mechanisme een bevinding opgesteld uit de aantallen."
    ));
    assert!(
        report.contains(
            "### Bevinding 1. Leidt tot gerichtere ondersteuning door uitvoerders: herkend met kanttekeningen\n\n\
             Hierover spraken 6 respondenten in 2 casussen: 4 ondersteunen het, 2 weerspreken het en 1 nuanceert het. \
             Oordeel per perspectief: uitvoering *weersproken* en inburgeraars *herkend*. \
             Er wachten nog 11 automatisch voorgestelde coderingen op beoordeling.\n"
        ),
        "{report}"
    );
    assert!(report.contains(
        "### Bevinding 16. Tegenmechanisme: taal en werk zitten elkaar in de weg: doet zich voor\n"
    ));
    assert!(
        report.contains("*Nog geen aanbevelingen: die schrijven de onderzoekers in findings.toml")
    );
    let summary = read(dir.path(), "summary.md");
    assert!(
        summary
            .contains("> **Concept.** De onderzoekers hebben hun conclusies nog niet geschreven.")
    );
    assert!(summary.contains(
        "### 3. Leidt tot actiever en gerichter zoekgedrag: codering loopt nog\n\n\
         *Conclusie.* Hierover sprak 1 respondent in 1 casus; die nuanceert het."
    ));
    assert!(!summary.contains("*Advies.*"));
}

#[test]
fn draft_findings_writes_a_draft_the_report_marks_and_never_overwrites_it() {
    let dir = bundled_study();
    let path = dir.path().join("findings.toml");
    fs::remove_file(&path).unwrap();
    icamo(dir.path()).arg("build").assert().success();
    let out = icamo(dir.path())
        .args(["report", "--draft-findings"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(
        "findings.toml: 16 findings drafted, one per mechanism; rewrite them as your conclusions"
    ));
    let draft = fs::read_to_string(&path).unwrap();
    assert!(draft.contains("\ndraft = true\n"), "{draft}");
    assert!(
        draft.contains(
            "[[finding]]\nid = \"icamo4.m5\"\nheadline = \"Leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid: herkend\"\n"
        ),
        "{draft}"
    );

    // The report shows the drafted file as a draft until the author removes the mark.
    let out = icamo(dir.path()).arg("report").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("findings: findings.toml is still marked `draft = true`")
    );
    assert!(read(dir.path(), "report.md").contains(
        "*Concept. De bevindingen in findings.toml zijn nog als concept gemarkeerd (`draft = true`).*"
    ));
    assert!(read(dir.path(), "summary.md").contains(
        "> **Concept.** De conclusies in findings.toml zijn nog als concept gemarkeerd."
    ));

    // An author's file is never overwritten.
    fs::write(&path, ONE_FINDING).unwrap();
    let out = icamo(dir.path())
        .args(["report", "--draft-findings"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "findings.toml exists: icamo never overwrites findings an author may have written"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), ONE_FINDING);
}

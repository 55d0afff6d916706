//! ICAMO configurations, `icamo chain` and `icamo report`: the bundled codebook's graph holds
//! the reference study's configurations, checks name file and line, and the main job writes
//! the same bytes twice.

use crate::common;

use std::collections::BTreeSet;
use std::fs;

use common::{bundled_study, fixtures, icamo, repo};
use icamo::chain::Model;
use icamo::chain::evidence::Evidence;
use serde_json::Value;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The chart of all four configurations, with no evidence, as JSON.
fn bundled_chart() -> Value {
    let model = Model::load(&[repo().join("codebooks/dualiteit.toml")]).unwrap();
    let chart = model.chart(&[], &Evidence::default()).unwrap();
    serde_json::from_str(&chart.to_json()).unwrap()
}

/// The codes of one configuration's nodes of one kind (and context level).
fn codes(chart: &Value, config: &str, kind: &str, level: Option<&str>) -> BTreeSet<String> {
    chart["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .filter(|n| {
            n["configurations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == config)
        })
        .filter(|n| level.is_none_or(|l| n["level"] == l))
        .map(|n| n["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_bundled_graph_holds_the_reference_study() {
    let chart = bundled_chart();
    let ids: Vec<&str> = chart["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["icamo1", "icamo2", "icamo3", "icamo4"]);

    // ICAMO 1: twelve instruments aimed at inburgeraars; mechanism 1 happens in uitvoerders.
    assert_eq!(
        codes(&chart, "icamo1", "intervention", None),
        set(&[
            "int.brede-intake",
            "int.pip",
            "int.participatiecomponent",
            "int.map",
            "int.pvt",
            "int.sahw",
            "int.opvang-naar-werk",
            "int.startbanen",
            "int.leerwerktrajecten",
            "int.jobcoaching",
            "int.arbeidstoeleiding",
            "int.voortgangsgesprekken",
        ])
    );
    assert_eq!(
        codes(&chart, "icamo1", "actor", None),
        set(&[
            "act.inburgeraars",
            "act.statushouders",
            "act.gezinsmigranten",
            "act.uitvoerders"
        ])
    );
    let m1 = chart["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "icamo1/icamo1.m1")
        .unwrap();
    assert_eq!(
        m1["happens_in"][0],
        "Uitvoerders (consulenten, klantmanagers, coaches)"
    );
    assert_eq!(m1["steps"].as_array().unwrap().len(), 1);
    assert_eq!(
        codes(&chart, "icamo1", "context", Some("maatschappelijk")),
        set(&[
            "ctx.maat.openheid",
            "ctx.maat.bereidheid-werkgevers",
            "ctx.maat.krapte",
            "ctx.maat.discriminatie"
        ])
    );
    assert_eq!(
        codes(&chart, "icamo1", "context", Some("individueel")).len(),
        8
    );
    assert_eq!(
        codes(&chart, "icamo1", "context", Some("institutioneel")).len(),
        9
    );

    // ICAMO 2: aimed at employers; their willingness is individual context here.
    assert_eq!(
        codes(&chart, "icamo2", "actor", None),
        set(&[
            "act.werkgevers",
            "act.collegas",
            "act.statushouders",
            "act.gezinsmigranten"
        ])
    );
    assert_eq!(
        codes(&chart, "icamo2", "context", Some("individueel")),
        set(&[
            "ctx.maat.bereidheid-werkgevers",
            "ctx.ind.lef-professionals"
        ])
    );
    assert_eq!(
        codes(&chart, "icamo2", "context", Some("maatschappelijk")),
        set(&["ctx.maat.krapte"])
    );
    assert_eq!(
        codes(&chart, "icamo3", "intervention", None),
        set(&["int.afwegingskader"])
    );
    assert_eq!(
        codes(&chart, "icamo3", "context", Some("individueel")).len(),
        3
    );
    assert_eq!(
        codes(&chart, "icamo3", "context", Some("institutioneel")).len(),
        7
    );
    assert!(codes(&chart, "icamo3", "context", Some("maatschappelijk")).is_empty());
    assert_eq!(
        codes(&chart, "icamo4", "context", Some("individueel")).len(),
        7
    );
    assert_eq!(
        codes(&chart, "icamo4", "context", Some("institutioneel")).len(),
        5
    );
    assert_eq!(
        codes(&chart, "icamo4", "context", Some("maatschappelijk")).len(),
        2
    );

    // The fifteen mechanisms, 5 + 3 + 2 + 5, and the counter-mechanism beside them.
    let mechanisms: BTreeSet<String> = ["icamo1", "icamo2", "icamo3", "icamo4"]
        .iter()
        .flat_map(|c| codes(&chart, c, "mechanism", None))
        .collect();
    assert_eq!(mechanisms.len(), 15, "{mechanisms:?}");
    for (config, n) in [("icamo1", 5), ("icamo2", 3), ("icamo3", 2), ("icamo4", 5)] {
        assert_eq!(
            codes(&chart, config, "mechanism", None).len(),
            n,
            "{config}"
        );
    }
    assert_eq!(
        codes(&chart, "icamo4", "counter-mechanism", None),
        set(&["icamo4.tegen"])
    );

    // The chain: dualiteit is one node, the outcome of ICAMO 1-3 and ICAMO 4's intervention.
    let link = chart["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "out.dualiteit")
        .expect("the chain link is one shared node");
    assert_eq!(
        link["configurations"],
        serde_json::json!(["icamo1", "icamo2", "icamo3", "icamo4"])
    );
    assert_eq!(
        chart["configurations"][3]["interventions"][0],
        "out.dualiteit"
    );
    assert_eq!(
        chart["configurations"][3]["outcome"],
        "icamo4/out.succesvolle-inburgering"
    );
    // ICAMO 1's mechanism 2 follows from mechanism 1; the rest lead to the outcome.
    let edges = chart["edges"].as_array().unwrap();
    let has = |from: &str, to: &str, kind: &str| {
        edges
            .iter()
            .any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
    };
    assert!(has("icamo1/icamo1.m1", "icamo1/icamo1.m2", "leads-to"));
    assert!(has("icamo1/icamo1.m2", "out.dualiteit", "leads-to"));
    assert!(!has("icamo1/icamo1.m1", "out.dualiteit", "leads-to"));
    assert!(has("out.dualiteit", "icamo4/icamo4.m1", "triggers"));
    assert!(has(
        "icamo4/icamo4.tegen",
        "icamo4/out.succesvolle-inburgering",
        "counteracts"
    ));
}

#[test]
fn chain_check_passes_on_the_bundled_codebook() {
    let dir = bundled_study();
    icamo(dir.path())
        .args(["chain", "check"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "4 configurations, 80 codes in the graph, 329 edges",
        ))
        .stdout(predicates::str::contains("0 errors, 0 warnings"));
}

#[test]
fn chain_check_names_file_and_line_of_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let book = fixtures().join("codebooks/bad-configurations.toml");
    let out = icamo(dir.path())
        .args(["chain", "check", "--codebook"])
        .arg(&book)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "bad-configurations.toml:48:11: error: unknown code \"out.dualitiet\" in outcome",
        "hint: did you mean \"out.dualiteit\"?",
        "bad-configurations.toml:47:31: error: \"ctx.ind.motivatie\" is a context code, but actors needs actor",
        "bad-configurations.toml:52:17: error: cycle: mech.a, mech.b, out.dualiteit set each other going",
        "bad-configurations.toml:51:8: error: mechanism \"mech.a\" has no path to the outcome",
        "bad-configurations.toml:61:18: error: outcome \"out.dualiteit\" is used as an intervention, but no other configuration has it as its outcome",
        "bad-configurations.toml:51:8: warning: mechanism \"mech.a\" has no process and sub-goal",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn an_unknown_configuration_lists_the_known_ones() {
    let dir = bundled_study();
    icamo(dir.path())
        .args(["chain", "icamo9", "--format", "json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unknown configuration \"icamo9\" (did you mean \"icamo1\"?); known configurations: icamo1, icamo2, icamo3, icamo4",
        ));
    // Capitals need not match.
    let figure = |id: &str| {
        icamo(dir.path())
            .args(["chain", id, "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(figure("ICAMO2"), figure("icamo2"));
}

#[test]
fn the_main_job_writes_the_report_and_the_same_bytes_twice() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let out = dir.path().join("out");
    let mut files = Vec::new();
    for name in [
        "report.md",
        "report.html",
        "summary.md",
        "figures/keten.svg",
        "figures/keten.png",
        "figures/keten.json",
        "figures/icamo1.svg",
        "figures/icamo1.png",
        "figures/icamo4.svg",
        "figures/icamo4.png",
    ] {
        let bytes = fs::read(out.join(name)).unwrap_or_else(|_| panic!("{name} missing"));
        files.push((name, bytes));
    }
    let again = icamo(dir.path()).arg("build").output().unwrap();
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("report: 0 files written"), "{stdout}");
    for (name, bytes) in &files {
        assert_eq!(&fs::read(out.join(name)).unwrap(), bytes, "{name} changed");
    }

    let report = String::from_utf8(files[0].1.clone()).unwrap();
    // Quotes carry role labels, never the pseudonyms the transcripts use.
    let manifest = icamo::manifest::Manifest::load(&dir.path().join("icamo.toml")).unwrap();
    for speaker in &manifest.speakers {
        assert!(
            !report.contains(&format!("*{}*", speaker.label)),
            "{} named in the report",
            speaker.label
        );
    }
    // An interpreter's turns count as the respondent's, and the interpreter is no respondent.
    assert!(report.contains("— *gezinsmigrant (via tolk), Veenoord*"));
    assert!(!report.contains("| tolk |"));
    insta::assert_snapshot!("bundled_report_md", report);
    insta::assert_snapshot!(
        "bundled_summary_md",
        String::from_utf8(files[2].1.clone()).unwrap()
    );

    // The HTML has the figures drawn inline and no Mermaid left.
    let html = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(
        html.contains("<figure class=\"icamo\">\n<svg"),
        "no inline SVG"
    );
    assert!(!html.contains("mermaid"));

    // Every figure is there as PNG (for Word) and SVG, and both documents number and caption
    // it: report.md as an image with its caption under it, report.html as a <figcaption>.
    let captions = [
        (
            "keten",
            "Figuur 1. De keten van configuraties in één oogopslag",
        ),
        (
            "icamo1",
            "Figuur 2. ICAMO 1 — Benadering gericht op inburgeraars",
        ),
        (
            "icamo2",
            "Figuur 3. ICAMO 2 — Benadering gericht op werkgevers",
        ),
        (
            "icamo4",
            "Figuur 5. ICAMO 4 — De bijdrage van dualiteit aan inburgering",
        ),
    ];
    for (name, caption) in captions {
        let png = fs::read(out.join(format!("figures/{name}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}.png");
        assert!(out.join(format!("figures/{name}.svg")).is_file());
        assert!(
            report.contains(&format!(
                "![{caption}](figures/{name}.png)\n\n*{caption}*\n"
            )),
            "{caption} not in report.md"
        );
        assert!(
            html.contains(&format!("<figcaption>{caption}</figcaption>")),
            "{caption} not in report.html"
        );
    }
    assert!(!report.contains("```mermaid"));
    // Each page figure is about 600 px wide: its 12 px text prints at 9 pt at 16 cm.
    for name in ["keten", "icamo1", "icamo2", "icamo3", "icamo4"] {
        let svg = fs::read_to_string(out.join(format!("figures/{name}.svg"))).unwrap();
        let width: f64 = svg
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(width <= 620.0, "{name}.svg is {width} px wide");
    }

    // --mermaid keeps the Mermaid blocks, captioned.
    icamo(dir.path())
        .args(["report", "--mermaid"])
        .assert()
        .success();
    let mermaid = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(mermaid.contains("```mermaid\nflowchart LR\n"));
    assert!(mermaid.contains("```\n\n*Figuur 2. ICAMO 1 — Benadering gericht op inburgeraars*\n"));
    assert!(!mermaid.contains("](figures/"));
}

/// The figures count a mechanism's evidence as the report's text does: in respondents, the
/// theory's authors left out (the bundled study's ICAMO 1 M1 has a fragment of theirs).
#[test]
fn figures_count_the_evidence_as_the_text_does() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let out = dir.path().join("out");
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("Daarnaast is er 1 fragment van de opstellers van de programmatheorie")
    );
    let mut checked = 0;
    for section in report.split("\n### ").skip(1) {
        let Some((label, rest)) = section.split_once(" (`") else {
            continue;
        };
        let Some(code) = rest.split('`').next().filter(|c| c.starts_with("icamo")) else {
            continue;
        };
        let config = code.split('.').next().unwrap();
        let Some(count) = section
            .lines()
            .find(|l| {
                l.starts_with(|c: char| c.is_ascii_digit())
                    && l.contains(" van ")
                    && l.contains("; oordeel:")
            })
            .map(|l| {
                l.split(" in ")
                    .next()
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_string()
            })
        else {
            continue;
        };
        let svg = fs::read_to_string(out.join(format!("figures/{config}.svg"))).unwrap();
        let group = svg
            .split("<g>")
            .find(|g| g.contains(&format!("<title>{label}</title>")))
            .unwrap_or_else(|| panic!("no box for {label} in {config}.svg"));
        assert!(
            group.contains(&format!(">{count}</text>")),
            "{label}: the text says {count:?}, the figure does not"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} mechanisms checked");
}

#[test]
fn suggestions_count_only_when_asked() {
    let dir = bundled_study();
    fs::remove_dir_all(dir.path().join("codings")).unwrap();
    // The bundled findings' quotes rest on the coders' codings, which are gone here.
    fs::remove_file(dir.path().join("findings.toml")).unwrap();
    icamo(dir.path()).arg("build").assert().success();
    let confirmed: Value = serde_json::from_slice(
        &icamo(dir.path())
            .args(["chain", "icamo1", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(confirmed["evidence"]["codings"], 0);
    let with: Value = serde_json::from_slice(
        &icamo(dir.path())
            .args([
                "chain",
                "icamo1",
                "--format",
                "json",
                "--include-suggestions",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(with["evidence"]["codings"].as_u64().unwrap() > 0);
    let m4 = with["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "icamo1.m4")
        .unwrap();
    assert!(m4["evidence"]["segments"].as_u64().unwrap() > 0);
}

#[test]
fn templates_export_and_a_broken_template_names_its_line() {
    let dir = bundled_study();
    icamo(dir.path()).arg("build").assert().success();
    let templates = dir.path().join("sjablonen");
    icamo(dir.path())
        .args(["report", "--export-templates"])
        .arg(&templates)
        .assert()
        .success();
    // Exporting again would overwrite edited templates: refused.
    icamo(dir.path())
        .args(["report", "--export-templates"])
        .arg(&templates)
        .assert()
        .failure()
        .stderr(predicates::str::contains("does not overwrite"));
    let template = templates.join("report.md.j2");
    fs::write(
        &template,
        "# {{ report.study }}\n\n{% for c in report.configurations %}\n{{ c.nonsense }}\n{% endfor %}\n",
    )
    .unwrap();
    let before = fs::read(dir.path().join("out/report.md")).unwrap();
    icamo(dir.path())
        .args(["report", "--template"])
        .arg(&template)
        .assert()
        .failure()
        .stderr(predicates::str::contains("report.md.j2:4"));
    assert_eq!(fs::read(dir.path().join("out/report.md")).unwrap(), before);

    // A report.md.j2 in the study's templates/ folder replaces the built-in one.
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::write(
        dir.path().join("templates/report.md.j2"),
        "# Eigen rapport: {{ report.study }}\n\n{% for c in report.configurations %}- {{ c.id }}: {{ c.mechanisms | length }} mechanismen\n{% endfor %}",
    )
    .unwrap();
    icamo(dir.path()).arg("report").assert().success();
    let own = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(own.starts_with("# Eigen rapport: Dualiteit"), "{own}");
    assert!(own.contains("- icamo4: 5 mechanismen\n"), "{own}");
}

#[test]
fn html_in_a_quote_is_text_in_the_html_report_and_a_script_link_is_no_link() {
    let dir = bundled_study();
    // fg-uitvoering-veenoord:0034 (plain text, which keeps angle brackets) is coded with
    // mechanism icamo1.m1.
    let file = dir.path().join("corpus/fg-uitvoering-veenoord.txt");
    let text = fs::read_to_string(&file).unwrap();
    let planted = text.replacen(
        "Bij mij is het soms wel een opening.",
        "Bij mij is het soms wel een opening. <script>alert(1)</script> [klik](javascript:alert(2)) <img src=x onerror=alert(3)>",
        1,
    );
    assert_ne!(planted, text, "the turn to plant HTML in has moved");
    fs::write(&file, planted).unwrap();
    // A template that shows every quote of every mechanism, and a link of its own.
    let template = dir.path().join("all-quotes.md.j2");
    fs::write(
        &template,
        "# {{ report.study }}\n\n[Eigen site](https://example.org/)\n\n{% for c in report.configurations %}{% for m in c.mechanisms %}{% for q in m.supports + m.contradicts + m.nuance %}> {{ q.text }}\n\n{% endfor %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    icamo(dir.path()).args(["-q", "build"]).assert().success();
    icamo(dir.path())
        .args(["-q", "report", "--template"])
        .arg(&template)
        .assert()
        .success();
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the quote is shown as text"
    );
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("javascript:"), "no script link");
    assert!(html.contains("klik"), "the link's words stay");
    assert!(
        html.contains("<a href=\"https://example.org/\">Eigen site</a>"),
        "the template's own link stays"
    );
    // The Markdown report keeps the transcript's words as they are.
    let md = fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(
        md.contains("<script>alert(1)</script> [klik](javascript:alert(2))"),
        "{md}"
    );
}

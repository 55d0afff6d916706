//! `icamo site`: the quote site builds on the bundled study, passes its own `--check` and fails
//! it on a planted name, keeps transcript HTML as text, holds no segment ids, counts what
//! `icamo quotes --mechanism` counts, and (when chromium is there) filters by deep link.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, icamo};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled study in a temporary folder, with a script and HTML planted in one coded
/// turn, built and with its site written to out/site.
fn built_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("icamo.toml"), dir.path().join("icamo.toml")).unwrap();
    for sub in ["corpus", "codebooks", "codings"] {
        copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    // fg-uitvoering-veenoord:0008 is coded with a context factor, so it is on the site.
    let file = dir.path().join("corpus/fg-uitvoering-veenoord.txt");
    let text = fs::read_to_string(&file).unwrap();
    let planted = text.replacen(
        "Fatma: Precies. Er is",
        "Fatma: Precies. <script>alert(1)</script> <b>vet</b> Er is",
        1,
    );
    assert_ne!(planted, text, "the turn to plant HTML in has moved");
    fs::write(&file, planted).unwrap();
    icamo(dir.path()).args(["build", "-q"]).assert().success();
    icamo(dir.path()).args(["site", "-q"]).assert().success();
    dir
}

fn page(study: &Path) -> String {
    fs::read_to_string(study.join("out/site/index.html")).unwrap()
}

/// The JSON embedded in the page.
fn data(page: &str) -> Value {
    let start = page
        .find("<script type=\"application/json\" id=\"data\">")
        .unwrap();
    let rest = &page[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).unwrap()
}

/// How many quotes of the site carry one of the codes under `id`, and pass `keep`.
fn site_count(data: &Value, id: &str, keep: impl Fn(&Value) -> bool) -> usize {
    let under: BTreeSet<&str> = data["codes"][id]["u"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    data["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| {
            q["k"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| under.contains(k[0].as_str().unwrap()))
        })
        .filter(|q| keep(q))
        .count()
}

/// `icamo quotes ARGS --format json` as rows.
fn quotes_json(study: &Path, args: &[&str]) -> Vec<Value> {
    let out = icamo(study)
        .arg("quotes")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn site_is_private_safe_and_counts_what_quotes_counts() {
    let study = built_site();
    let html = page(study.path());
    let site = study.path().join("out/site");

    // --check passes on the study as built ...
    icamo(study.path())
        .args(["site", "--check"])
        .arg(&site)
        .assert()
        .success();
    // ... and fails, naming it and where, on a real name planted in a copy.
    let copy = tempfile::tempdir().unwrap();
    fs::write(
        copy.path().join("index.html"),
        html.replacen("</main>", "<p>Jeroen Bakker</p></main>", 1),
    )
    .unwrap();
    let out = icamo(study.path())
        .args(["site", "--check"])
        .arg(copy.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("real name \"Jeroen Bakker\""), "{err}");
    assert!(err.contains("index.html:"), "{err}");

    // Self-contained, Dutch.
    assert!(html.contains("<html lang=\"nl\">"));
    let own = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for external in ["http://", "https://", "<link", "src=\""] {
        assert!(
            !own.contains(external),
            "the page loads something: {external}"
        );
    }

    // The planted script is data, escaped so it cannot close the script element.
    assert_eq!(
        html.matches("</script").count(),
        2,
        "only the page's own scripts close"
    );
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<b>vet"));
    assert!(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u003cb\\u003evet"));
    let d = data(&html);
    assert!(d["quotes"].as_array().unwrap().iter().any(|q| {
        q["t"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script> <b>vet</b>")
    }));
    assert!(!html.contains("innerHTML") && html.contains("textContent"));

    // No segment ids, document ids with a turn number, or names.
    for entry in fs::read_dir(study.path().join("corpus")).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        let doc = path.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            !html.contains(&format!("{doc}:")),
            "segment id of {doc} in the page"
        );
    }
    for name in ["Fatma", "Hatice", "Ruud", "Kees", "P11", "R01"] {
        assert!(!html.contains(name), "{name} in the page");
    }

    // Per mechanism, the site counts the quotes `icamo quotes --mechanism` lists.
    let mut checked = 0;
    for config in d["configs"].as_array().unwrap() {
        for m in config["m"].as_array().unwrap() {
            let m = m.as_str().unwrap();
            let rows = quotes_json(study.path(), &["--mechanism", m]);
            let segments: BTreeSet<&str> = rows
                .iter()
                .map(|r| r["segment"].as_str().unwrap())
                .collect();
            assert_eq!(site_count(&d, m, |_| true), segments.len(), "{m}");
            checked += 1;
        }
    }
    assert!(checked >= 10);
    // And with a role, under the site's rules.
    let rows = quotes_json(
        study.path(),
        &[
            "--mechanism",
            "icamo1.m1",
            "--role",
            "professional beleid",
            "--panel",
        ],
    );
    assert!(rows.iter().all(|r| r.get("segment").is_none()));
    let texts: BTreeSet<&str> = rows.iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(
        site_count(&d, "icamo1.m1", |q| q["r"] == "professional beleid"),
        texts.len()
    );
}

/// The chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join(name))
                    .find(|p| p.is_file())
            })
        })
}

#[test]
fn deep_link_filters_the_page_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but no chromium was found"
        );
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let study = built_site();
    let index = study.path().join("out/site/index.html");
    // The CLI's selection for a mechanism, a role and a word.
    let rows = quotes_json(
        study.path(),
        &[
            "--mechanism",
            "icamo1.m1",
            "--role",
            "professional beleid",
            "--panel",
        ],
    );
    assert!(!rows.is_empty());
    let word = "intake";
    let expected: BTreeSet<&str> = rows
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .filter(|t| t.to_lowercase().contains(word))
        .collect();
    let url = format!(
        "file://{}#m=icamo1.m1&role=professional%20beleid&q={word}",
        index.display()
    );
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let n = expected.len();
    assert!(n > 0, "the word should find a quote");
    assert!(
        dom.contains(&format!("data-n=\"{n}\"")),
        "expected {n} quotes on the page"
    );
    assert_eq!(dom.matches("class=\"citaat\"").count(), n);
    // The quote whose text holds a script shows it as text: it never became an element.
    assert!(!dom.contains("<script>alert"));
}

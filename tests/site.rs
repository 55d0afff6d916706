//! `icamo site`: the quote site builds on the bundled study, passes its own `--check` and fails
//! it on a planted name, keeps transcript HTML as text, holds no segment ids, counts what
//! `icamo quotes --mechanism` counts, and (when chromium is there) filters by deep link and,
//! driven over the DevTools protocol, by a click in a figure, a role and typed words, showing
//! the quotes and counts `icamo quotes --panel` gives.

use crate::browser;
use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use browser::{Browser, chromium_or_skip};
use common::icamo;
use serde_json::Value;

/// The bundled study in a temporary folder, with a script and HTML planted in one coded
/// turn, built and with its site written to out/site.
fn built_site() -> tempfile::TempDir {
    let dir = common::bundled_study();
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
    common::json_rows(study, "quotes", args)
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
    // The text and Markdown forms leave out the segment id too, without an empty slot.
    let segment_id = regex::Regex::new(r"[a-z]:[0-9]{4}\b").unwrap();
    for format in ["text", "md"] {
        let out = icamo(study.path())
            .args([
                "quotes",
                "--mechanism",
                "icamo1.m1",
                "--panel",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let shown = String::from_utf8(out.stdout).unwrap();
        assert!(shown.contains("icamo1.m1"), "{shown}");
        assert!(!segment_id.is_match(&shown), "{shown}");
        assert!(!shown.contains(", ]") && !shown.contains("``"), "{shown}");
    }
}

#[test]
fn a_second_site_run_with_nothing_changed_leaves_the_page_untouched() {
    let dir = common::bundled_study();
    icamo(dir.path()).args(["build", "-q"]).assert().success();
    icamo(dir.path()).args(["site", "-q"]).assert().success();
    let path = dir.path().join("out/site/index.html");
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    icamo(dir.path()).args(["site", "-q"]).assert().success();
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(modified, long_ago, "the page was written again");
}

#[test]
fn deep_link_filters_the_page_in_a_real_browser() {
    let Some(browser) = chromium_or_skip() else {
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

#[test]
fn the_page_flags_a_single_respondent_and_files_an_interpreter_under_the_respondent() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dir = common::bundled_study();
    icamo(dir.path()).args(["build", "-q"]).assert().success();
    icamo(dir.path()).args(["site", "-q"]).assert().success();
    let index = dir.path().join("out/site/index.html");
    let rows = quotes_json(dir.path(), &["--role", "gezinsmigrant", "--panel"]);
    let mut shown_rows: Vec<(String, String)> = rows.iter().map(shown).collect();
    shown_rows.sort();
    shown_rows.dedup();
    let out = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}#role=gezinsmigrant", index.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    // Through the interpreter, under the route the manifest gives the respondent. Veenoord
    // has two gezinsmigranten, one on each route, so role, case and route would point at one
    // person: the site leaves the case off, which `quotes --panel` (no route) shows.
    assert!(dom.contains("<p class=\"wie\">gezinsmigrant (via tolk) · casus niet getoond</p><p class=\"kenmerk\">Route: Z-route</p>"));
    let in_veenoord = shown_rows
        .iter()
        .filter(|(_, who)| who.ends_with(" · Veenoord"))
        .count();
    assert!(in_veenoord > 0);
    assert!(
        !dom.contains("· Veenoord</p>"),
        "a gezinsmigrant's case in Veenoord"
    );
    assert_eq!(
        dom.matches("<p class=\"let-op\">⚠ enige deelnemer met deze rol en route in de casus</p>")
            .count(),
        in_veenoord
    );
    // The only one in Havenstad: no case, and the report's ⚠ under every quote.
    let single = shown_rows
        .iter()
        .filter(|(_, who)| who == "gezinsmigrant · casus niet getoond")
        .count();
    assert!(single > 0);
    assert_eq!(
        dom.matches("<p class=\"let-op\">⚠ enige deelnemer met deze rol in de casus</p>")
            .count(),
        single
    );
    // So no gezinsmigrant's quote shows a case.
    assert_eq!(
        dom.matches("<p class=\"wie\">gezinsmigrant · casus niet getoond</p>")
            .count()
            + dom
                .matches("<p class=\"wie\">gezinsmigrant (via tolk) · casus niet getoond</p>")
                .count(),
        shown_rows.len()
    );
    assert!(!dom.contains("<p class=\"wie\">tolk"));
}

/// The page's free-text rule (site.js `norm`): accents dropped (NFD, combining marks removed),
/// lower case. Spelled out for the accented letters Dutch text has.
fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        })
        .collect()
}

/// A quote as the page shows it: its text and its "role (via tolk) · case" line.
fn shown(row: &Value) -> (String, String) {
    let case = row["case"].as_str().unwrap_or("");
    let role = match row["via"].as_str().unwrap_or("") {
        "" => row["role"].as_str().unwrap().to_string(),
        via => format!("{} (via {via})", row["role"].as_str().unwrap()),
    };
    let who = if case.is_empty() {
        format!("{role} · casus niet getoond")
    } else {
        format!("{role} · {case}")
    };
    (row["text"].as_str().unwrap().to_string(), who)
}

/// The site's quotes among `--panel` rows (one row per code): distinct quotes, whose folded
/// text holds the folded `word`.
fn panel_quotes(rows: &[Value], word: &str) -> BTreeSet<(String, String)> {
    let word = fold(word.trim());
    rows.iter()
        .filter(|r| fold(r["text"].as_str().unwrap()).contains(&word))
        .map(shown)
        .collect()
}

/// What the page shows now: the quotes, the count line, the options of the role and the
/// mechanism filters, the fragment and the highlighted figure links.
const PAGE_STATE: &str = r##"(() => {
  const opts = (id) => Array.from(document.getElementById(id).options)
    .map((o) => ({ value: o.value, text: o.textContent, selected: o.selected }));
  return {
    n: document.getElementById("aantal").getAttribute("data-n"),
    aantal: document.getElementById("aantal").textContent,
    quotes: Array.from(document.querySelectorAll("#lijst li.citaat")).map((li) => [
      li.querySelector("blockquote").textContent,
      li.querySelector("p.wie").textContent,
    ]),
    roles: opts("f-role"),
    mechanisms: opts("f-m"),
    hash: location.hash,
    active: Array.from(document.querySelectorAll("a.fig-link.actief")).map((a) => a.getAttribute("href")),
    explained: document.getElementById("uitleg").hidden ? null : document.getElementById("uitleg-kop").textContent,
    focus: document.activeElement ? document.activeElement.id : null,
  };
})()"##;

/// Checks the page against `icamo quotes --panel`: `rows` are the mechanism's rows for every
/// role, `role_rows` those of `--role role`; `word` is what was typed in the text filter.
fn check_page(state: &Value, rows: &[Value], role_rows: &[Value], role: &str, word: &str) {
    let expected = panel_quotes(role_rows, word);
    let on_page: BTreeSet<(String, String)> = state["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q[0].as_str().unwrap().to_string(),
                q[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let n = expected.len();
    assert_eq!(
        on_page, expected,
        "the quotes shown for {role:?} and {word:?}"
    );
    assert_eq!(
        state["quotes"].as_array().unwrap().len(),
        n,
        "a quote shown twice"
    );
    assert_eq!(state["n"], n.to_string(), "{state}");
    let line = if n == 1 {
        "1 citaat".to_string()
    } else {
        format!("{n} citaten")
    };
    assert_eq!(state["aantal"], line.as_str());
    if !role.is_empty() {
        for (_, who) in &on_page {
            assert!(who.starts_with(&format!("{role} · ")), "{who}");
        }
    }

    // The count beside every role: the quotes that role would show with the other filters;
    // a role is offered when choosing it changes what is shown (some quotes, not all), or
    // when it is chosen.
    let total = panel_quotes(rows, word).len();
    let of_role = |value: &str| {
        let of_role: Vec<Value> = rows
            .iter()
            .filter(|r| r["role"] == value)
            .cloned()
            .collect();
        panel_quotes(&of_role, word).len()
    };
    let roles: BTreeSet<&str> = rows.iter().map(|r| r["role"].as_str().unwrap()).collect();
    let offered: BTreeSet<&str> = roles
        .into_iter()
        .filter(|r| *r == role || (of_role(r) > 0 && of_role(r) < total))
        .collect();
    let options = state["roles"].as_array().unwrap();
    let values: BTreeSet<&str> = options
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(values, offered, "the roles offered");
    for o in options {
        let value = o["value"].as_str().unwrap();
        let count = if value.is_empty() {
            total
        } else {
            of_role(value)
        };
        let label = if value.is_empty() { "Alle" } else { value };
        assert_eq!(
            o["text"],
            format!("{label} ({count})").as_str(),
            "role option {value:?}"
        );
        assert_eq!(o["selected"], value == role, "role option {value:?}");
    }
    // The mechanism filter shows the clicked mechanism, selected, with the same count.
    let m: Vec<&Value> = state["mechanisms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["selected"] == true)
        .collect();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["value"], "icamo1.m1");
    assert!(
        m[0]["text"].as_str().unwrap().ends_with(&format!(" ({n})")),
        "{}",
        m[0]["text"]
    );
}

#[test]
fn clicking_and_filtering_in_a_real_browser_shows_what_quotes_lists() {
    let Some(binary) = chromium_or_skip() else {
        return;
    };
    let study = built_site();
    let index = study.path().join("out/site/index.html");
    let (role, word, accented) = ("professional uitvoering", "Intake ", "syrie was");
    let rows = quotes_json(study.path(), &["--mechanism", "icamo1.m1", "--panel"]);
    let role_rows = quotes_json(
        study.path(),
        &["--mechanism", "icamo1.m1", "--role", role, "--panel"],
    );
    let second_role = "statushouder";
    let second_rows = quotes_json(
        study.path(),
        &["--mechanism", "icamo1.m1", "--role", second_role, "--panel"],
    );
    // The filters must each narrow the selection, or the test proves little.
    let all = panel_quotes(&rows, "");
    assert!(panel_quotes(&role_rows, "").len() < all.len());
    let narrowed = panel_quotes(&role_rows, word).len();
    assert!(narrowed > 0 && narrowed < panel_quotes(&role_rows, "").len());
    assert!(!panel_quotes(&second_rows, accented).is_empty());
    assert!(
        !second_rows
            .iter()
            .any(|r| r["text"].as_str().unwrap().contains(accented))
    );

    let mut b = Browser::start(&binary);
    b.viewport(1280, 900, false);
    b.open(&format!("file://{}", index.display()));
    b.wait_until("document.getElementById('aantal').hasAttribute('data-n')");
    // Nothing chosen: every quote of the site.
    let start = b.eval(PAGE_STATE);
    assert_eq!(start["hash"], "");
    assert!(start["explained"].is_null());

    // Open the first figure (the researchers' drawing, folded), then click M1 in it, with the
    // mouse, where it is drawn.
    assert_eq!(
        b.eval("document.querySelector('details.fig').open"),
        false,
        "the researchers' drawing starts folded"
    );
    b.eval("document.querySelector('details.fig summary').click()");
    let link = r##"document.querySelector('details.fig svg a[href="#m=icamo1.m1"]')"##;
    let at = b.eval(&format!(
        "(() => {{ const a = {link}; a.scrollIntoView({{block: 'center'}});
           const r = a.getBoundingClientRect();
           const x = r.left + r.width / 2, y = r.top + r.height / 2;
           const hit = document.elementFromPoint(x, y);
           return {{x, y, w: r.width, h: r.height, hit: !!hit && hit.closest('a') === a}}; }})()"
    ));
    assert!(at["w"].as_f64().unwrap() > 20.0, "the link is drawn: {at}");
    assert_eq!(
        at["hit"], true,
        "the figure's link is on top where it is drawn: {at}"
    );
    b.click_at(at["x"].as_f64().unwrap(), at["y"].as_f64().unwrap());
    b.wait_until("location.hash === '#m=icamo1.m1'");
    let clicked = b.eval(PAGE_STATE);
    check_page(&clicked, &rows, &rows, "", "");
    assert_eq!(
        clicked["focus"], "citaten",
        "the click moves focus to the quotes"
    );
    assert_eq!(
        clicked["explained"], M1_PLAIN,
        "the mechanism is explained in plain words"
    );
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-screenshots");
    fs::create_dir_all(&shots).unwrap();
    b.eval(&format!("{link}.scrollIntoView({{block: 'center'}})"));
    b.screenshot(&shots.join("desktop-figure-clicked.png"));
    let active: Vec<&str> = clicked["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(active.len() >= 2 && active.iter().all(|h| *h == "#m=icamo1.m1"));

    // Pick a role ...
    b.eval(&format!(
        "(() => {{ const s = document.getElementById('f-role'); s.focus(); s.value = {};
           s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()",
        serde_json::to_string(role).unwrap()
    ));
    check_page(&b.eval(PAGE_STATE), &rows, &role_rows, role, "");
    // ... and type a word: upper case and a space, which the filter ignores.
    b.eval("document.getElementById('f-q').focus()");
    b.type_text(word);
    let filtered = b.eval(PAGE_STATE);
    check_page(&filtered, &rows, &role_rows, role, word);
    assert_eq!(
        filtered["hash"],
        "#m=icamo1.m1&role=professional%20uitvoering&q=Intake"
    );

    b.eval("document.getElementById('citaten').scrollIntoView()");
    b.screenshot(&shots.join("desktop-filtered.png"));

    // Another role and words without their accent ("syrie was" finds "Syrië was").
    b.eval(&format!(
        "(() => {{ const s = document.getElementById('f-role'); s.value = {};
           s.dispatchEvent(new Event('change', {{bubbles: true}}));
           const q = document.getElementById('f-q'); q.focus(); q.select(); }})()",
        serde_json::to_string(second_role).unwrap()
    ));
    b.type_text(accented);
    check_page(
        &b.eval(PAGE_STATE),
        &rows,
        &second_rows,
        second_role,
        accented,
    );

    // At phone width the same selection, and a page that does not scroll sideways.
    b.viewport(390, 844, true);
    b.wait_until("window.innerWidth === 390");
    check_page(
        &b.eval(PAGE_STATE),
        &rows,
        &second_rows,
        second_role,
        accented,
    );
    assert_eq!(
        b.eval("document.documentElement.scrollWidth <= window.innerWidth"),
        true,
        "the page scrolls sideways on a phone"
    );
    b.eval("document.getElementById('citaten').scrollIntoView()");
    b.screenshot(&shots.join("phone-filtered.png"));
    b.eval("document.getElementById('aantal').scrollIntoView()");
    b.screenshot(&shots.join("phone-quotes.png"));
    b.eval("window.scrollTo(0, 0)");
    b.screenshot(&shots.join("phone-top.png"));
    eprintln!("screenshots in {}", shots.display());
}

/// The plain label of `icamo1.m1` in the bundled codebook, which the site shows first.
const M1_PLAIN: &str =
    "Begeleiders weten beter wat nieuwkomers nodig hebben en geven hulp die beter past";

/// Code ids as the bundled codebook writes them (`icamo1.m1`, `ctx.inst.kinderopvang`).
fn code_id() -> regex::Regex {
    regex::Regex::new(r"\b(icamo[0-9]+\.[a-z0-9]|(ctx|int|act|out|other)\.[a-z])").unwrap()
}

/// Every filter: each option offered, chosen on its own, shows the number of quotes its label
/// says, and fewer than all of them but more than none.
const EVERY_OPTION: &str = r##"(() => {
  const n = () => Number(document.getElementById("aantal").getAttribute("data-n"));
  const choose = (s, v) => { s.value = v; s.dispatchEvent(new Event("change", {bubbles: true})); };
  document.getElementById("f-reset").click();
  const total = n(), out = [];
  for (const s of document.querySelectorAll("#filters select")) {
    const options = Array.from(s.options).filter((o) => o.value).map((o) => [o.value, o.textContent]);
    for (const [value, text] of options) {
      choose(s, value);
      out.push({ key: s.dataset.key, value, text, n: n() });
      document.getElementById("f-reset").click();
    }
  }
  return { total, out };
})()"##;

#[test]
fn the_site_speaks_plain_language_and_every_filter_filters_in_a_real_browser() {
    let Some(binary) = chromium_or_skip() else {
        return;
    };
    let study = built_site();
    let index = study.path().join("out/site/index.html");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-screenshots");
    fs::create_dir_all(&shots).unwrap();
    let mut b = Browser::start(&binary);

    // A deep link to a mechanism on a 390 px phone: its first quote is on the first screen,
    // under the mechanism in plain words with the researchers' label small below it.
    b.viewport(390, 844, true);
    b.open(&format!("file://{}#m=icamo1.m1", index.display()));
    b.wait_until("document.getElementById('aantal').hasAttribute('data-n')");
    let phone = b.eval(
        r##"(() => {
      const first = document.querySelector("#lijst li.citaat");
      return {
        top: first.getBoundingClientRect().top,
        height: window.innerHeight,
        filters_open: document.getElementById("filterbox").open,
        kop: document.getElementById("uitleg-kop").textContent,
        officieel: document.getElementById("uitleg-officieel").textContent,
        sideways: document.documentElement.scrollWidth > window.innerWidth,
      };
    })()"##,
    );
    b.screenshot(&shots.join("phone-deep-link.png"));
    let top = phone["top"].as_f64().unwrap();
    assert!(
        (0.0..phone["height"].as_f64().unwrap() - 200.0).contains(&top),
        "the first quote starts {top} px down on an 844 px screen: {phone}"
    );
    assert_eq!(phone["filters_open"], false, "filters folded on a phone");
    assert_eq!(phone["kop"], M1_PLAIN);
    assert_eq!(
        phone["officieel"],
        "In het onderzoek: Leidt tot gerichtere ondersteuning door uitvoerders"
    );
    assert_eq!(phone["sideways"], false);

    // The page as a panel member reads it (folded parts and the figures left out): no code
    // ids, no arrows, no codebook cross-references, no jargon the site was asked to drop.
    b.open(&format!("file://{}", index.display()));
    b.wait_until("document.getElementById('aantal').hasAttribute('data-n')");
    b.eval("window.scrollTo(0, 0)");
    b.screenshot(&shots.join("phone-top.png"));
    let text = b.eval("document.body.innerText");
    let text = text.as_str().unwrap();
    assert!(!code_id().is_match(text), "a code id on the page");
    // The researchers' labels stand small under the plain ones ("In het onderzoek: …"); the
    // rest of the page is in plain words.
    let plain = b.eval(
        "(() => { const o = Array.from(document.querySelectorAll('.officieel'));
           o.forEach((e) => { e.hidden = true; });
           const t = document.body.innerText;
           o.forEach((e) => { e.hidden = false; });
           return t; })()",
    );
    let plain = plain.as_str().unwrap();
    for jargon in [
        "⇒",
        "zie ctx",
        "KPI",
        "Configuraties",
        "Contextfactor",
        "Houding",
        "belonging",
        "0 citaten",
    ] {
        assert!(!plain.contains(jargon), "{jargon:?} on the page");
    }
    assert!(plain.contains(M1_PLAIN));
    assert!(text.contains("In het onderzoek: Leidt tot gerichtere ondersteuning door uitvoerders"));
    // A configuration by its plain title, the researchers' number and title below it.
    assert!(plain.contains("Hulp aan nieuwkomers"));
    assert!(text.contains("In het onderzoek: ICAMO 1 — Benadering gericht op inburgeraars"));
    // A configuration whose intervention was not yet in use says so, instead of "0 citaten".
    assert!(text.contains(
        "Nog niet in gebruik: deze aanpak werd nog niet gebruikt toen de gesprekken plaatsvonden."
    ));
    assert!(text.contains("(nog niet in gebruik)"));

    // The glossary explains the terms in plain words, with no codebook text.
    let glossary = b.eval("document.getElementById('woorden').innerText");
    let glossary = glossary.as_str().unwrap();
    for term in [
        "Mechanisme (wat er verandert)",
        "Onderdeel van het beleid (configuratie)",
        "Omstandigheden (context)",
        "Doel (uitkomst)",
        "Bevestigt: het citaat laat zien dat het zo werkt.",
        "Spreekt tegen: het citaat laat zien dat het niet zo werkt.",
        "Soms wel, soms niet:",
    ] {
        assert!(glossary.contains(term), "{term:?} not in the glossary");
    }
    assert!(!code_id().is_match(glossary) && !glossary.contains("zie "));

    // ICAMO 3's mechanism by deep link: why there are no quotes.
    b.open(&format!("file://{}#m=icamo3.m1", index.display()));
    b.wait_until("document.getElementById('aantal').hasAttribute('data-n')");
    let none = b.eval(
        "[document.getElementById('aantal').textContent, document.getElementById('uitleg-nog-niet').textContent]",
    );
    assert_eq!(none[0], "Nog geen citaten: dit was nog niet in gebruik.");
    assert!(none[1].as_str().unwrap().starts_with("Nog niet in gebruik"));

    // At desktop width the filters are open, and every option of every filter changes what
    // is shown: some quotes, not all, as many as its label says.
    b.viewport(1280, 900, false);
    b.open(&format!("file://{}", index.display()));
    b.wait_until("document.getElementById('aantal').hasAttribute('data-n')");
    assert_eq!(b.eval("document.getElementById('filterbox').open"), true);
    let every = b.eval(EVERY_OPTION);
    let total = every["total"].as_u64().unwrap();
    let chosen = every["out"].as_array().unwrap();
    let keys: BTreeSet<&str> = chosen.iter().map(|o| o["key"].as_str().unwrap()).collect();
    for key in ["cfg", "m", "c", "role", "a.route", "case", "stance"] {
        assert!(keys.contains(key), "no options in the {key} filter");
    }
    for o in chosen {
        let n = o["n"].as_u64().unwrap();
        assert!(n > 0 && n < total, "{o} of {total}");
        assert!(
            o["text"].as_str().unwrap().ends_with(&format!(" ({n})")),
            "{o}"
        );
    }
    let stances: Vec<&str> = chosen
        .iter()
        .filter(|o| o["key"] == "stance")
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert!(stances.iter().all(|s| !s.starts_with("geen houding")));
    assert!(
        stances.iter().any(|s| s.starts_with("Bevestigt (")),
        "{stances:?}"
    );
    // The route filter: B1 and Z, and a quote shows its speaker's route.
    let routes: BTreeSet<&str> = chosen
        .iter()
        .filter(|o| o["key"] == "a.route")
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(routes, BTreeSet::from(["B1-route", "Z-route"]));
    b.eval(
        "(() => { const s = document.getElementById('f-a-route'); s.value = 'Z-route';
           s.dispatchEvent(new Event('change', {bubbles: true})); })()",
    );
    let z = b.eval(
        "Array.from(document.querySelectorAll('#lijst li.citaat')).map((li) => li.querySelector('p.kenmerk') && li.querySelector('p.kenmerk').textContent)",
    );
    let z = z.as_array().unwrap();
    assert!(
        !z.is_empty() && z.iter().all(|k| k == "Route: Z-route"),
        "{z:?}"
    );
    assert_eq!(b.eval("location.hash"), "#a.route=Z-route");
    b.eval("document.getElementById('citaten').scrollIntoView()");
    b.screenshot(&shots.join("desktop-route.png"));
    eprintln!("screenshots in {}", shots.display());
}

//! Intercoder agreement (`icamo agree`): the figures against published worked examples and
//! against the `krippendorff` package from PyPI, and the command on a small study with two
//! coders.
//!
//! The reference check runs Python: `$ICAMO_TEST_PYTHON` (what `.ci/run` sets up), else
//! `python3`, with `krippendorff` and `numpy` installed. Without them the check is skipped
//! with a message, except when `CI` is set: there it must run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use icamo::agree::{cohen_kappa, measure};
use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common;

use common::{fixture_study, fixtures, icamo, icamo_in};

/// `tests/fixtures/agreement`.
fn agreement_fixtures() -> PathBuf {
    fixtures().join("agreement")
}

/// The JSON `icamo agree … --format json` prints.
fn agree_json(mut cmd: Command) -> Value {
    let out = cmd.args(["--format", "json"]).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Krippendorff's reliability data as the fixture writes it: a row per observer, `*` missing.
fn read_matrix(path: &Path) -> Vec<Vec<Option<u32>>> {
    let text = fs::read_to_string(path).unwrap();
    let rows: Vec<Vec<Option<u32>>> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("observer,"))
        .map(|l| {
            l.split(',')
                .skip(1)
                .map(|v| (v != "*").then(|| v.parse().unwrap()))
                .collect()
        })
        .collect();
    // Transposed: a row per unit.
    (0..rows[0].len())
        .map(|u| rows.iter().map(|r| r[u]).collect())
        .collect()
}

#[test]
fn krippendorffs_own_example_gives_alpha_0_743() {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", C: nominal data, four
    // observers, twelve units, missing data.
    let units = read_matrix(&agreement_fixtures().join("krippendorff-2011.csv"));
    assert_eq!(units.len(), 12);
    let a = measure(&units);
    assert_eq!(format!("{:.3}", a.alpha.unwrap()), "0.743");
    // Unit 12 has one value and does not count; the others have 40 pairable values.
    assert_eq!((a.units, a.pairable), (12, 11));
    assert_eq!(a.kappa, None, "kappa is for two coders");
}

#[test]
fn krippendorffs_example_as_coders_files_gives_0_743_at_configuration_level() {
    // The same data written as four coders' files: a coder who links unit u to configuration k
    // (by accepting its mechanism) says k; one with no row for u did not look at it.
    let dir = agreement_fixtures().join("krippendorff-2011");
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = icamo_in(tmp.path());
    cmd.arg("agree");
    for coder in ["a", "b", "c", "d"] {
        cmd.arg(dir.join(format!("{coder}.csv")));
    }
    cmd.arg("--codebook").arg(dir.join("configurations.toml"));
    let report = agree_json(cmd);
    let conf = &report["configurations"];
    assert_eq!(
        format!("{:.3}", number(&conf["configuration"]["alpha"])),
        "0.743"
    );
    assert_eq!(
        format!("{:.3}", number(&conf["mechanism"]["alpha"])),
        "0.743"
    );
    assert_eq!(conf["configuration"]["pairable"], 11);
    assert_eq!(report["coders"].as_array().unwrap().len(), 4);
}

#[test]
fn cohens_kappa_textbook_example() {
    // The 2×2 example of the textbooks (and of Wikipedia's "Cohen's kappa"): 50 proposals, both
    // readers yes 20, only A 5, only B 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
    let dir = agreement_fixtures().join("cohen");
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = icamo_in(tmp.path());
    cmd.arg("agree")
        .arg(dir.join("reader-a.csv"))
        .arg(dir.join("reader-b.csv"));
    let report = agree_json(cmd);
    let fund = &report["codes"][0];
    assert_eq!(fund["code"], "fund");
    assert_eq!(fund["presence"]["pairable"], 50);
    assert_eq!(
        format!("{:.3}", number(&fund["presence"]["agreement"])),
        "0.700"
    );
    assert_eq!(
        format!("{:.3}", number(&fund["presence"]["kappa"])),
        "0.400"
    );
    assert_eq!(report["disagreements"].as_array().unwrap().len(), 15);

    // The same source's two tables with equal agreement (0.60) and different kappas.
    let table = |yy: usize, yn: usize, ny: usize, nn: usize| {
        let mut pairs = Vec::new();
        for (n, a, b) in [(yy, 1, 1), (yn, 1, 0), (ny, 0, 1), (nn, 0, 0)] {
            pairs.extend(std::iter::repeat_n((a, b), n));
        }
        pairs
    };
    let kappa = |pairs: Vec<(u8, u8)>| cohen_kappa(pairs.iter().map(|(a, b)| (a, b))).unwrap();
    assert_eq!(format!("{:.3}", kappa(table(45, 15, 25, 15))), "0.130");
    assert_eq!(format!("{:.3}", kappa(table(25, 35, 5, 35))), "0.259");
}

/// A small deterministic random number generator (xorshift64*), so the data are the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The Python that has the `krippendorff` package, or `None` (with a message) when there is
/// none outside CI. In CI a missing package fails the test.
fn reference_python() -> Option<String> {
    let python = std::env::var("ICAMO_TEST_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let ok = Process::new(&python)
        .args(["-c", "import krippendorff, numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    let message = format!(
        "the reference check needs Python with the krippendorff package: `{python} -c 'import krippendorff, numpy'` failed; install it with `python3 -m pip install krippendorff numpy` (.ci/run does) or point ICAMO_TEST_PYTHON at a Python that has it"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{message}");
    }
    eprintln!("SKIPPED: {message}");
    None
}

/// Runs `krippendorff.alpha(reliability_data=…, level_of_measurement='nominal')` on each
/// named set of reliability data (rows are units, columns coders, `None` missing); `None`
/// where the package says alpha is not defined.
fn python_alphas(python: &str, sets: &[(String, Vec<Vec<Option<u32>>>)]) -> Vec<Option<f64>> {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data.json");
    let sets_json: Vec<Value> = sets
        .iter()
        .map(|(name, units)| json!({ "name": name, "units": units }))
        .collect();
    fs::write(&data, serde_json::to_vec(&sets_json).unwrap()).unwrap();
    let script = r#"
import json, math, sys
import numpy as np
import krippendorff
out = []
for s in json.load(open(sys.argv[1])):
    units = s["units"]
    # krippendorff wants a row per coder and a column per unit, nan where missing.
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in units]).T
    try:
        a = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
        out.append(None if math.isnan(a) else a)
    except (ValueError, ZeroDivisionError):
        out.append(None)
print(json.dumps(out))
"#;
    let output = Process::new(python)
        .arg("-c")
        .arg(script)
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn assert_same(name: &str, ours: Option<f64>, reference: Option<f64>) {
    match (ours, reference) {
        (Some(a), Some(b)) => {
            assert_eq!(format!("{a:.3}"), format!("{b:.3}"), "{name}: {a} vs {b}");
            assert!((a - b).abs() < 1e-9, "{name}: {a} vs {b}");
        }
        (None, None) => {}
        _ => panic!("{name}: ours {ours:?}, the krippendorff package {reference:?}"),
    }
}

#[test]
fn alpha_matches_the_krippendorff_package_on_random_data() {
    let Some(python) = reference_python() else {
        return;
    };
    let mut rng = Rng(0x1ca3_0a91);
    let mut sets = Vec::new();
    for round in 0..6 {
        let coders = 2 + round % 4;
        let categories = 2 + round;
        let units: Vec<Vec<Option<u32>>> = (0..25 + 7 * round)
            .map(|_| {
                let truth = rng.below(categories) as u32;
                (0..coders)
                    .map(|_| {
                        let r = rng.unit();
                        if r < 0.2 {
                            None
                        } else if r < 0.75 {
                            Some(truth)
                        } else {
                            Some(rng.below(categories) as u32)
                        }
                    })
                    .collect()
            })
            .collect();
        sets.push((format!("round {round}: {coders} coders"), units));
    }
    let reference = python_alphas(&python, &sets);
    assert!(reference.iter().all(Option::is_some), "{reference:?}");
    for ((name, units), reference) in sets.iter().zip(reference) {
        assert_same(name, measure(units).alpha, reference);
    }
}

/// What one random coder did with one segment and code.
#[derive(Clone, Copy)]
enum Cell {
    Accept(usize),
    Reject,
    Nothing,
}

const STANCES: [&str; 4] = ["supports", "contradicts", "nuance", "none"];

#[test]
fn agree_matches_the_krippendorff_package_on_random_coders_files() {
    let Some(python) = reference_python() else {
        return;
    };
    let codes = ["c.a", "c.b", "c.c", "c.d"];
    for (seed, coders) in [(7u64, 2usize), (8, 3), (9, 4)] {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let segments = 40;
        // looked[k][s], cells[k][s][c].
        let mut looked = vec![vec![false; segments]; coders];
        let mut cells = vec![vec![vec![Cell::Nothing; codes.len()]; segments]; coders];
        for s in 0..segments {
            let truth: Vec<bool> = codes.iter().map(|_| rng.unit() < 0.35).collect();
            let stance = rng.below(4);
            for k in 0..coders {
                if rng.unit() < 0.15 {
                    continue;
                }
                looked[k][s] = true;
                for c in 0..codes.len() {
                    let has = if rng.unit() < 0.8 {
                        truth[c]
                    } else {
                        !truth[c]
                    };
                    cells[k][s][c] = if has {
                        Cell::Accept(if rng.unit() < 0.7 {
                            stance
                        } else {
                            rng.below(4)
                        })
                    } else if rng.unit() < 0.4 {
                        Cell::Reject
                    } else {
                        Cell::Nothing
                    };
                }
                if cells[k][s].iter().all(|c| matches!(c, Cell::Nothing)) {
                    cells[k][s][0] = Cell::Reject;
                }
            }
        }
        // The coders' files.
        let tmp = tempfile::tempdir().unwrap();
        let mut cmd = icamo_in(tmp.path());
        cmd.arg("agree");
        for (k, coder) in cells.iter().enumerate() {
            let mut text = String::from("segment,code,stance,origin,span,note,decision\n");
            for (s, segment) in coder.iter().enumerate() {
                for (c, code) in codes.iter().enumerate() {
                    let row = match segment[c] {
                        Cell::Accept(st) => format!("{},manual,,,accept", STANCES[st]),
                        Cell::Reject => "none,manual,,,reject".to_string(),
                        Cell::Nothing => continue,
                    };
                    text.push_str(&format!("doc:{:04},{code},{row}\n", s + 1));
                }
            }
            let path = tmp.path().join(format!("coder{k}.csv"));
            fs::write(&path, text).unwrap();
            cmd.arg(path);
        }
        let report = agree_json(cmd);

        // The reliability data, built here from the definitions: per code, every segment
        // some coder looked at; 1 accepted, 0 looked but not accepted, missing not looked.
        let any_looked: Vec<usize> = (0..segments)
            .filter(|&s| (0..coders).any(|k| looked[k][s]))
            .collect();
        let mut sets: Vec<(String, Vec<Vec<Option<u32>>>)> = Vec::new();
        let mut pooled = Vec::new();
        let mut stance = Vec::new();
        for (c, code) in codes.iter().enumerate() {
            let units: Vec<Vec<Option<u32>>> = any_looked
                .iter()
                .map(|&s| {
                    (0..coders)
                        .map(|k| {
                            looked[k][s]
                                .then(|| u32::from(matches!(cells[k][s][c], Cell::Accept(_))))
                        })
                        .collect()
                })
                .collect();
            for &s in &any_looked {
                let row: Vec<Option<u32>> = (0..coders)
                    .map(|k| match cells[k][s][c] {
                        Cell::Accept(st) if looked[k][s] => Some(st as u32),
                        _ => None,
                    })
                    .collect();
                if row.iter().any(Option::is_some) {
                    stance.push(row);
                }
            }
            pooled.extend(units.clone());
            sets.push((code.to_string(), units));
        }
        sets.push(("all codes".into(), pooled));
        sets.push(("stance, all codes".into(), stance));
        let reference = python_alphas(&python, &sets);
        assert!(reference.iter().all(Option::is_some), "{reference:?}");

        let per_code = report["codes"].as_array().unwrap();
        assert_eq!(per_code.len(), codes.len());
        for (c, code) in codes.iter().enumerate() {
            assert_eq!(per_code[c]["code"], *code);
            assert_same(
                &format!("{coders} coders, {code}"),
                per_code[c]["presence"]["alpha"].as_f64(),
                reference[c],
            );
        }
        assert_same(
            &format!("{coders} coders, all codes"),
            report["overall"]["presence"]["alpha"].as_f64(),
            reference[codes.len()],
        );
        assert_same(
            &format!("{coders} coders, stance"),
            report["overall"]["stance"]["alpha"].as_f64(),
            reference[codes.len() + 1],
        );
        assert_eq!(
            report["overall"]["presence"]["kappa"].is_null(),
            coders != 2
        );
    }
}

/// The agreement fixture study (two coders, two configurations), ingested.
fn study() -> tempfile::TempDir {
    let dir = fixture_study("agreement/study");
    icamo(dir.path()).args(["ingest", "-q"]).assert().success();
    dir
}

#[test]
fn agree_shows_figures_and_the_disagreements_by_code_with_roles_not_names() {
    let dir = study();
    let out = icamo(dir.path()).arg("agree").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("2 coders; unit: segment; 6 segments looked at by at least one coder"),
        "{text}"
    );
    assert!(
        text.contains("  int.jobcoach       6         4      75.0%   0.000   0.000\n"),
        "{text}"
    );
    assert!(
        text.contains("  configuration      4         3      66.7%   0.400   0.444\n"),
        "{text}"
    );
    assert!(
        text.contains("Disagreements to talk through: 4\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nint.jobcoach\n  fg-uitvoering:0006  werkgeversadviseur       anna: accept · bert: reject\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("stance: anna: accept (contradicts) · bert: accept (supports)"),
        "{text}"
    );
    for name in ["Greetje", "Orhan", "Hiwet", "Moderator", "P01", "R01"] {
        assert!(!text.contains(name), "{name} in:\n{text}");
    }
}

#[test]
fn agree_json_has_figures_per_code_stance_and_configuration() {
    let dir = study();
    let mut cmd = icamo(dir.path());
    cmd.arg("agree");
    let report = agree_json(cmd);
    assert_eq!(report["unit"], "segment");
    assert_eq!(report["units"], 6);
    let code = |id: &str| {
        report["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    // Both looked at 4 segments; bert alone at one, anna alone at another.
    let jobcoach = code("int.jobcoach")["presence"].clone();
    assert_eq!(
        (jobcoach["units"].clone(), jobcoach["pairable"].clone()),
        (json!(6), json!(4))
    );
    assert_eq!(jobcoach["agreement"], 0.75);
    assert_eq!(jobcoach["kappa"], 0.0);
    assert_eq!(jobcoach["alpha"], 0.0);
    // int.pip: both agree on all four pairable segments, and 1 and 0 both occur.
    assert_eq!(code("int.pip")["presence"]["alpha"], 1.0);
    // m.verbinding: the one segment both accepted has different stances.
    assert_eq!(code("m.verbinding")["stance"]["agreement"], 0.0);
    let conf = &report["configurations"]["configuration"];
    assert_eq!(format!("{:.3}", number(&conf["alpha"])), "0.444");
    assert_eq!(format!("{:.3}", number(&conf["kappa"])), "0.400");
    let stance = report["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["about"] == "stance")
        .unwrap();
    assert_eq!(stance["segment"], "fg-uitvoering:0006");
    assert_eq!(stance["role"], "werkgeversadviseur");
    assert_eq!(
        stance["said"],
        json!([
            {"coder": "anna", "verdict": "accept", "stance": "contradicts"},
            {"coder": "bert", "verdict": "accept", "stance": "supports"}
        ])
    );
}

#[test]
fn agree_csv_lists_the_disagreements_with_a_column_per_coder() {
    let dir = study();
    icamo(dir.path())
        .args(["agree", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "code,unit,segment,sentence,role,about,anna,bert\n\
             int.jobcoach,fg-uitvoering:0006,fg-uitvoering:0006,,werkgeversadviseur,presence,accept,reject\n",
        ))
        .stdout(predicate::str::contains(
            "m.verbinding,fg-uitvoering:0007,fg-uitvoering:0007,,professional uitvoering,presence,not coded,accept (supports)\n",
        ));
}

#[test]
fn agree_by_sentence_follows_the_spans() {
    let dir = study();
    let mut cmd = icamo(dir.path());
    cmd.args(["agree", "--unit", "sentence", "--code", "ctx.krapte"]);
    let report = agree_json(cmd);
    assert_eq!(report["unit"], "sentence");
    // anna's span covers the third sentence of fg-uitvoering:0006; bert's coding has no span
    // and covers all three.
    let units: Vec<&str> = report["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["fg-uitvoering:0006#1", "fg-uitvoering:0006#2"]);
    assert_eq!(
        report["disagreements"][0]["said"][0]["verdict"],
        "other_sentence"
    );
    assert_eq!(report["codes"].as_array().unwrap().len(), 1);
}

#[test]
fn sentence_units_need_an_ingested_study() {
    let dir = fixture_study("agreement/study");
    icamo(dir.path())
        .args(["agree", "--unit", "sentence"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("run `icamo ingest`"));
}

#[test]
fn agree_code_takes_the_code_and_the_codes_under_it() {
    let dir = study();
    let mut cmd = icamo(dir.path());
    cmd.args(["agree", "--code", "m"]);
    let report = agree_json(cmd);
    let codes: Vec<&str> = report["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["m.taal", "m.verbinding"]);
    // Capitals need not match.
    let mut cmd = icamo(dir.path());
    cmd.args(["agree", "--code", "M"]);
    assert_eq!(agree_json(cmd)["codes"], report["codes"]);
    // A code of the codebook that no coder coded.
    icamo(dir.path())
        .args(["agree", "--code", "out.werk"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no coder coded \"out.werk\""));
    // A code neither the codebook nor a coder has: the command line is wrong.
    icamo(dir.path())
        .args(["agree", "--code", "int.lbt"])
        .assert()
        .code(2)
        .stderr(predicate::str::diff(
            "error: unknown code \"int.lbt\"; known codes: act, act.werkgever, ctx, ctx.krapte, int, int.jobcoach, int.pip, m, m.taal, m.verbinding, out.werk\n",
        ));
}

#[test]
fn a_bad_row_names_its_file_and_line() {
    let dir = study();
    let bert = dir.path().join("codings/bert.csv");
    let text = fs::read_to_string(&bert).unwrap().replacen(
        "fg-uitvoering:0004,int.pip,none,manual,,,accept",
        "fg-uitvoering:0004,int.pip,none,manual,,,misschien",
        1,
    );
    fs::write(&bert, text).unwrap();
    icamo(dir.path())
        .arg("agree")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "bert.csv:3: unknown decision \"misschien\"",
        ));
}

#[test]
fn one_coder_is_not_enough() {
    let dir = study();
    fs::remove_file(dir.path().join("codings/bert.csv")).unwrap();
    icamo(dir.path())
        .arg("agree")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "agreement needs two coders or more, and there is one (anna)",
        ));
    let anna = dir.path().join("codings/anna.csv");
    icamo(dir.path())
        .arg("agree")
        .arg(&anna)
        .arg(&anna)
        .assert()
        .failure()
        .stderr(predicate::str::contains("both name the coder \"anna\""));
}

#[test]
fn a_code_no_codebook_has_is_a_warning_with_file_and_line() {
    let dir = study();
    let anna = dir.path().join("codings/anna.csv");
    let mut text = fs::read_to_string(&anna).unwrap();
    text = text.replacen("fg-uitvoering:0007,m.taal", "fg-uitvoering:0007,m.tall", 1);
    fs::write(&anna, text).unwrap();
    icamo(dir.path())
        .arg("agree")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "anna.csv:7: code \"m.tall\" is in no codebook",
        ))
        .stdout(predicate::str::contains("\nm.tall\n"));
}

#[test]
fn agree_help_has_examples() {
    let tmp = tempfile::tempdir().unwrap();
    icamo_in(tmp.path())
        .args(["agree", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "icamo agree codings/anna.csv codings/bert.csv --code icamo1",
        ))
        .stdout(predicate::str::contains("--unit <UNIT>"));
}

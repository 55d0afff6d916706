//! Codebooks as a researcher writes them: parsed, checked, drawn, exported and matched.
//!
//! The fixtures in `tests/fixtures/codebooks/` are one valid codebook with every rule kind and
//! one codebook per problem `icamo codebook check` reports. The property test at the end
//! holds the one-pass matcher to a plain reference that loops codes × rules × tokens.

use crate::common;

use std::ops::Range;
use std::path::{Path, PathBuf};

use common::icamo_cmd as icamo;
use icamo::codebook::{CodeMatch, Codebook, Matcher, RuleHit, RuleKind, Severity};
use icamo::index::analysis::{AnalysedToken, analyse, normalise};
use icamo::lang::Language;
use icamo::transcript::Segment;
use predicates::prelude::*;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new("tests/fixtures/codebooks").join(name)
}

fn load(name: &str) -> Codebook {
    Codebook::load(&fixture(name)).unwrap()
}

fn segment(role: &str, text: &str) -> Segment {
    Segment {
        id: "int-1:0001".into(),
        doc: "int-1".into(),
        ordinal: 1,
        speaker: "Amal".into(),
        respondent: None,
        role: role.into(),
        case: Some("Havenstad".into()),
        group: None,
        interviewer: false,
        lang: Language::Dutch,
        start_ms: None,
        end_ms: None,
        line: 1,
        byte_start: 0,
        byte_end: text.len(),
        char_start: 0,
        char_end: text.chars().count(),
        text: text.into(),
    }
}

/// The diagnostics of a fixture as `check` prints them, first lines only.
fn diagnostics(name: &str) -> Vec<String> {
    load(name)
        .check()
        .iter()
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Checking

#[test]
fn the_valid_codebook_has_nothing_to_report() {
    let book = load("valid.toml");
    assert_eq!(book.check(), []);
    assert_eq!(book.codes.len(), 10);
    assert_eq!(book.code("int.pip").unwrap().weight, 1.5);
}

#[test]
fn check_names_an_unknown_parent_and_suggests_the_id() {
    let book = load("unknown-parent.toml");
    let d = book.check();
    let error = d.iter().find(|d| d.severity == Severity::Error).unwrap();
    assert_eq!(
        error.to_string(),
        "tests/fixtures/codebooks/unknown-parent.toml:12:10: error: code \"int.pip\" has parent \"itn\", which is not a code in this codebook\n  hint: did you mean \"int\"?"
    );
}

#[test]
fn check_names_a_duplicate_id_and_its_first_line() {
    assert_eq!(
        diagnostics("duplicate-id.toml"),
        [
            "tests/fixtures/codebooks/duplicate-id.toml:11:6: error: code id \"int.pip\" is used twice (first at line 5)"
        ]
    );
}

#[test]
fn check_draws_the_cycle_of_parents_once() {
    assert_eq!(
        diagnostics("cycle.toml"),
        [
            "tests/fixtures/codebooks/cycle.toml:6:10: error: the parents of \"a\" go round in a circle: a → c → b → a"
        ]
    );
}

#[test]
fn check_points_into_an_invalid_regex() {
    assert_eq!(
        diagnostics("bad-regex.toml"),
        [
            "tests/fixtures/codebooks/bad-regex.toml:10:16: error: regex: invalid regular expression: unclosed group"
        ]
    );
}

#[test]
fn check_rejects_a_regex_that_only_matches_nothing() {
    assert_eq!(
        diagnostics("empty-regex.toml"),
        [
            "tests/fixtures/codebooks/empty-regex.toml:11:10: error: regex: the regex '\\b' can only match the empty string, so it never finds a word",
            "tests/fixtures/codebooks/empty-regex.toml:11:16: warning: regex '(?:pips?)?' can match the empty string; such matches are skipped",
        ]
    );
}

#[test]
fn check_points_at_the_near_of_a_bad_near_rule() {
    assert_eq!(
        diagnostics("bad-near.toml"),
        [
            "tests/fixtures/codebooks/bad-near.toml:10:19: error: near: \"NEAR\" does not say how near",
            "tests/fixtures/codebooks/bad-near.toml:10:46: error: near: \"jobcoach NEAR/10\" has nothing after NEAR/10",
        ]
    );
}

#[test]
fn check_finds_rules_that_can_never_match() {
    let found = diagnostics("never-matches.toml");
    let places: Vec<&str> = found
        .iter()
        .map(|d| d.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "tests/fixtures/codebooks/never-matches.toml:10:13",
            "tests/fixtures/codebooks/never-matches.toml:10:19",
            "tests/fixtures/codebooks/never-matches.toml:10:29",
            "tests/fixtures/codebooks/never-matches.toml:11:8",
        ]
    );
    assert!(
        found[0].contains("\"--\" has no words in it"),
        "{}",
        found[0]
    );
    assert!(found[1].contains("only stop words"), "{}", found[1]);
    assert!(found[2].contains("* inside a word"), "{}", found[2]);
    assert!(
        found[3].contains("exclusion: the prefix \"a*\" is too short"),
        "{}",
        found[3]
    );
}

#[test]
fn check_warns_about_a_code_without_rules_or_examples() {
    assert_eq!(
        diagnostics("no-rules.toml"),
        [
            "tests/fixtures/codebooks/no-rules.toml:5:6: warning: code \"out.dualiteit\" has neither rules nor examples"
        ]
    );
}

#[test]
fn check_wants_a_level_on_context_codes_only() {
    assert_eq!(
        diagnostics("context-without-level.toml"),
        [
            "tests/fixtures/codebooks/context-without-level.toml:7:8: error: context code \"ctx.kinderopvang\" has no level",
            "tests/fixtures/codebooks/context-without-level.toml:16:9: error: code \"int.kinderopvang\" has kind = \"intervention\" and a level; only context codes have one",
        ]
    );
}

#[test]
fn check_keeps_process_and_subgoal_for_mechanisms() {
    assert_eq!(
        diagnostics("process-on-intervention.toml"),
        [
            "tests/fixtures/codebooks/process-on-intervention.toml:8:11: error: code \"int.pip\" has kind = \"intervention\" and a process; only mechanisms have one",
            "tests/fixtures/codebooks/process-on-intervention.toml:9:11: error: code \"int.pip\" has kind = \"intervention\" and a subgoal; only mechanisms have one",
        ]
    );
}

#[test]
fn check_warns_that_a_categorys_rules_are_never_applied() {
    assert_eq!(
        diagnostics("category-with-rules.toml"),
        [
            "tests/fixtures/codebooks/category-with-rules.toml:8:11: warning: code \"int\" has codable = false but no codes under it",
            "tests/fixtures/codebooks/category-with-rules.toml:11:13: warning: code \"int\" has codable = false, so its rules are never applied",
        ]
    );
}

#[test]
fn an_unknown_key_is_a_parse_error_with_line_and_column() {
    let err = Codebook::load(&fixture("unknown-key.toml")).unwrap_err();
    assert!(err.is_bad_input());
    let text = err.to_string();
    assert!(
        text.starts_with("tests/fixtures/codebooks/unknown-key.toml:10:1: unknown field `keyword`, expected one of `keywords`"),
        "{text}"
    );
}

#[test]
fn the_matcher_refuses_a_codebook_with_errors() {
    let err = Matcher::new(&load("cycle.toml")).unwrap_err().to_string();
    assert!(
        err.starts_with("tests/fixtures/codebooks/cycle.toml:6:10: "),
        "{err}"
    );
    assert!(err.contains("icamo codebook check"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The tree and the pattern export

#[test]
fn show_draws_the_tree_with_kinds_and_levels() {
    let tree = load("valid.toml").tree();
    assert!(tree.starts_with("Proefcodeboek, version 1 (10 codes, language nl)\n  int  Interventies  [intervention, category]\n    int.pip  PIP  [intervention, 2 rules]\n"), "{tree}");
    assert!(
        tree.contains(
            "  ctx.inst.kinderopvang  Kinderopvang  [context, institutioneel, 2 rules]\n"
        ),
        "{tree}"
    );
    assert!(
        tree.contains("[actor, 1 rule, roles: werkgever, professional uitvoering]"),
        "{tree}"
    );
}

#[test]
fn descendants_select_a_code_with_everything_under_it() {
    let book = load("valid.toml");
    assert_eq!(
        book.descendants("act"),
        ["act", "act.werkgever", "act.taalaanbieder", "act.client"]
    );
    assert!(book.descendants("geen.code").is_empty());
}

#[test]
fn every_pattern_compiles_and_finds_what_its_rule_finds() {
    let book = load("valid.toml");
    let patterns = book.patterns();
    assert_eq!(patterns.len(), 13);
    let text = "De werkgevers spraken met de jobcoach over cliënten, de coördinator, het PIP, \
                de werkgeversdienstverlening, de opvang voor de kinderen, \
                de taalaanbieder, de taalleerbaarheidstoets, geen vertrouwen en kinderopvang.";
    for p in &patterns {
        let regex = regex::Regex::new(&p.regex).unwrap_or_else(|e| panic!("{}: {e}", p.regex));
        assert!(
            regex.is_match(text),
            "{} ({}) finds nothing",
            p.regex,
            p.rule
        );
    }
}

#[test]
fn the_bundled_codebooks_patterns_suit_a_lazy_dfa() {
    let book =
        Codebook::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("codebooks/dualiteit.toml"))
            .unwrap();
    let patterns = book.patterns();
    assert!(patterns.len() > 1000, "{}", patterns.len());
    for p in &patterns {
        let hir = regex_syntax::Parser::new()
            .parse(&p.regex)
            .unwrap_or_else(|e| panic!("{}: {e}", p.regex));
        // A Unicode \b anywhere in a set keeps ripgrep's DFA off every non-ASCII line.
        assert!(
            !hir.properties().look_set().contains_word_unicode(),
            "{} ({})",
            p.regex,
            p.rule
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Matching Dutch

fn found(book: &Codebook, role: &str, text: &str) -> Vec<(String, Vec<String>, usize)> {
    Matcher::new(book)
        .unwrap()
        .match_segment(&segment(role, text))
        .into_iter()
        .map(|m| {
            (
                m.code,
                m.hits.into_iter().map(|h| h.term).collect(),
                m.negated,
            )
        })
        .collect()
}

fn terms_of(book: &Codebook, code: &str, role: &str, text: &str) -> Vec<String> {
    found(book, role, text)
        .into_iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, terms, _)| terms)
        .unwrap_or_default()
}

#[test]
fn werkgever_matches_werkgevers_for_the_roles_in_scope() {
    let book = load("valid.toml");
    assert_eq!(
        terms_of(
            &book,
            "act.werkgever",
            "werkgever",
            "De werkgevers willen wel."
        ),
        ["werkgevers"]
    );
    assert!(
        terms_of(
            &book,
            "act.werkgever",
            "statushouder",
            "De werkgevers willen wel."
        )
        .is_empty()
    );
    assert_eq!(
        terms_of(
            &book,
            "act.werkgever",
            " Professional Uitvoering",
            "Een werkgever belde."
        ),
        ["werkgever"]
    );
}

#[test]
fn a_compound_part_matches_the_compounds_it_ends() {
    let book = load("valid.toml");
    assert_eq!(
        terms_of(
            &book,
            "act.taalaanbieder",
            "x",
            "De taalaanbieder en twee zorgaanbieders."
        ),
        ["taalaanbieder", "zorgaanbieders"]
    );
}

#[test]
fn lbt_matches_the_words_of_its_synonym_group() {
    let book = load("valid.toml");
    assert_eq!(
        terms_of(
            &book,
            "int.lbt",
            "x",
            "Eerst de taalleerbaarheidstoets (TLBT), toen de LBT."
        ),
        ["taalleerbaarheidstoets", "tlbt", "lbt"]
    );
}

#[test]
fn accents_are_folded_on_both_sides() {
    let book = load("valid.toml");
    assert_eq!(
        terms_of(
            &book,
            "act.client",
            "x",
            "Clienten, cliënten, de coordinator en de coördinatoren."
        ),
        ["clienten", "clienten", "coordinator", "coordinatoren"]
    );
}

#[test]
fn geen_vertrouwen_is_found_and_negates_vertrouwen_not_itself() {
    // The rule "geen vertrouwen" finds what it says; the rule "vertrouwen" finds it negated.
    let book = load("valid.toml");
    let hits: Vec<(String, bool)> = Matcher::new(&book)
        .unwrap()
        .match_segment(&segment(
            "x",
            "Er was geen vertrouwen. Later kwam er vertrouwen.",
        ))
        .into_iter()
        .flat_map(|m| m.hits)
        .map(|h| (h.term, h.negated))
        .collect();
    assert_eq!(
        hits,
        [
            ("geen vertrouwen".to_string(), false),
            ("vertrouwen".to_string(), true),
            ("vertrouwen".to_string(), false)
        ]
    );
}

#[test]
fn near_finds_jobcoach_and_werkgever_in_either_order_within_ten_words() {
    let book = load("valid.toml");
    let near = |text: &str| terms_of(&book, "int.jobcoach", "x", text);
    assert_eq!(
        near("De jobcoach belt elke week de werkgever."),
        ["jobcoach werkgever"]
    );
    assert_eq!(
        near("Werkgevers zeggen dat de jobcoach helpt."),
        ["werkgevers jobcoach"]
    );
    // Ten words apart is near enough; eleven is not.
    assert_eq!(
        near("jobcoach een twee drie vier vijf zes zeven acht negen werkgever"),
        ["jobcoach werkgever"]
    );
    assert!(
        near("jobcoach een twee drie vier vijf zes zeven acht negen tien werkgever").is_empty()
    );
}

#[test]
fn an_exclusion_vetoes_the_code_in_the_whole_segment() {
    let book = load("valid.toml");
    assert_eq!(
        terms_of(&book, "int.pip", "x", "Het PIP is klaar."),
        ["pip"]
    );
    assert!(terms_of(&book, "int.pip", "x", "Het PIP? Nee, de pip-show.").is_empty());
}

#[test]
fn exact_rules_and_regexes_keep_one_hit_per_span() {
    let book = load("valid.toml");
    let matcher = Matcher::new(&book).unwrap();
    let m = matcher.match_segment(&segment("x", "Het PIP en de pips."));
    let pip = m.iter().find(|m| m.code == "int.pip").unwrap();
    let hits: Vec<(RuleKind, Range<usize>)> =
        pip.hits.iter().map(|h| (h.kind, h.span.clone())).collect();
    assert_eq!(hits, [(RuleKind::Exact, 4..7), (RuleKind::Regex, 14..18)]);
}

#[test]
fn the_pip_synonym_phrase_is_found_through_the_exact_rule() {
    let book = load("valid.toml");
    assert_eq!(
        terms_of(
            &book,
            "int.pip",
            "x",
            "Het persoonlijk plan inburgering en participatie."
        ),
        ["persoonlijk plan inburgering en participatie"]
    );
}

// ---------------------------------------------------------------------------------------------
// The command line

#[test]
fn codebook_check_prints_diagnostics_with_hints_and_fails_on_errors() {
    icamo()
        .args(["codebook", "check", "--codebook"])
        .arg(fixture("cycle.toml"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "tests/fixtures/codebooks/cycle.toml:6:10: error: the parents of \"a\" go round in a circle: a → c → b → a\n  hint: ",
        ))
        .stderr(predicate::str::contains("1 codebook, 3 codes: 1 error, 0 warnings"));
    icamo()
        .args(["codebook", "check", "--codebook"])
        .arg(fixture("no-rules.toml"))
        .arg("--codebook")
        .arg(fixture("valid.toml"))
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "2 codebooks, 11 codes: 0 errors, 1 warning\n",
        ));
}

#[test]
fn a_stop_word_beside_a_word_that_carries_meaning_is_a_near_rule_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zelf.toml");
    let book = |near: &str| {
        format!(
            "[codebook]\nname = \"zelf\"\n\n[[codes]]\nid = \"m.zelf\"\nlabel = \"Zelf regelen\"\nkind = \"mechanism\"\nprocess = \"Durft zelf te bellen\"\nsubgoal = \"Zelfredzaamheid\"\n\n[codes.rules]\nnear = [\"{near}\"]\n"
        )
    };
    std::fs::write(&path, book("zelf NEAR/4 bellen")).unwrap();
    icamo()
        .args(["codebook", "check", "--codebook"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "1 codebook, 1 code: 0 errors, 0 warnings\n",
        ));
    // Both sides stop words: still almost every segment.
    std::fs::write(&path, book("zelf NEAR/4 de")).unwrap();
    icamo()
        .args(["codebook", "check", "--codebook"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "zelf.toml:12:9: error: near: \"zelf NEAR/4 de\" is only stop words (zelf … de)",
        ));
}

#[test]
fn zelf_near_bellen_finds_the_sentence_it_was_written_for() {
    let book = Codebook::parse(
        "zelf.toml",
        "[codebook]\nname = \"zelf\"\n[[codes]]\nid = \"m.zelf\"\nlabel = \"Zelf regelen\"\nkind = \"mechanism\"\n[codes.rules]\nnear = [\"zelf NEAR/4 bellen\"]\n",
    )
    .unwrap();
    assert_eq!(
        found(&book, "x", "Nu durf ik zelf de werkgever te bellen."),
        [("m.zelf".to_string(), vec!["zelf bellen".to_string()], 0)]
    );
    assert_eq!(
        found(
            &book,
            "x",
            "Sinds de cursus bellen ze zelf met de huisarts."
        ),
        [("m.zelf".to_string(), vec!["bellen zelf".to_string()], 0)]
    );
    assert!(found(&book, "x", "Dat doe ik liever zelf, zonder hulp.").is_empty());
    assert!(
        found(
            &book,
            "x",
            "Zelf? Nee, de consulent moest steeds voor mij naar de werkgever bellen."
        )
        .is_empty()
    );
}

#[test]
fn codebook_check_reports_a_parse_error_in_the_same_form() {
    icamo()
        .args(["codebook", "check", "--codebook"])
        .arg(fixture("unknown-key.toml"))
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "tests/fixtures/codebooks/unknown-key.toml:10:1: error: unknown field `keyword`",
        ));
}

#[test]
fn codebook_commands_default_to_the_studys_codebooks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("icamo.toml"), "[study]\nname = \"Proef\"\n").unwrap();
    std::fs::create_dir(dir.path().join("codebooks")).unwrap();
    std::fs::copy(fixture("valid.toml"), dir.path().join("codebooks/b.toml")).unwrap();
    std::fs::copy(
        fixture("no-rules.toml"),
        dir.path().join("codebooks/a.toml"),
    )
    .unwrap();
    icamo()
        .arg("--study")
        .arg(dir.path())
        .args(["codebook", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("a.toml:5:6: warning:"))
        .stdout(predicate::str::ends_with(
            "2 codebooks, 11 codes: 0 errors, 1 warning\n",
        ));
    icamo()
        .arg("--study")
        .arg(dir.path())
        .args(["codebook", "show"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Zonder regels (1 codes, language nl)\n",
        ))
        .stdout(predicate::str::contains("\nProefcodeboek, version 1"));
    let out = icamo()
        .arg("--study")
        .arg(dir.path())
        .args(["codebook", "patterns", "--with-ids"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 13);
    assert!(
        text.starts_with(
            "int.pip\t(?i)(?:(?:^|[^\\p{Latin}0-9])pip(?:$|[^\\p{Latin}0-9])|(?:^|[^\\p{Latin}0-9])(?:perso[oö]nlijk|person)[\\p{Latin}0-9]*[^\\p{Latin}0-9]+plan[\\p{Latin}0-9]*[^\\p{Latin}0-9]+"
        ),
        "{text}"
    );
    assert!(
        text.contains("act.werkgever\t(?i)(?:^|[^\\p{Latin}0-9])werkgever[\\p{Latin}0-9]*\n"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// The one-pass matcher against a plain reference

/// Words segments are made of: the rules' words, their inflections and compounds, negations,
/// stop words and noise.
const VOCABULARY: &[&str] = &[
    "werkgever",
    "werkgevers",
    "Werkgevers",
    "werkgeversdienstverlening",
    "taalaanbieder",
    "zorgaanbieders",
    "aanbieder",
    "jobcoach",
    "jobcoaches",
    "coach",
    "vertrouwen",
    "vertrouwt",
    "geen",
    "niet",
    "nooit",
    "zonder",
    "juist",
    "PIP",
    "pip",
    "pips",
    "pip-show",
    "LBT",
    "taalleerbaarheidstoets",
    "leerbaarheidstoetsen",
    "cliënten",
    "clienten",
    "Cliënt",
    "coördinator",
    "coordinatoren",
    "gemeente",
    "gemeenten",
    "de",
    "het",
    "en",
    "een",
    "in",
    "persoonlijk",
    "plan",
    "inburgering",
    "participatie",
    "werkt",
    "taal",
    "talen",
    "motivatie",
    "gemotiveerd",
    "vandaag",
    "fiets",
    "huis",
    "3",
    "één",
    "zorgaanbieder",
    "toets",
];

const SEPARATORS: &[&str] = &[" ", " ", " ", ", ", ". ", "-", "  ", "\n", " (", ") "];

const KEYWORDS: &[&str] = &[
    "werkgever",
    "werkgever*",
    "*aanbieder",
    "=PIP",
    "pip",
    "LBT",
    "geen vertrouwen",
    "juist niet",
    "cliënten",
    "coördinator",
    "gemeente",
    "taal",
    "jobcoach",
    "plan inburgering",
    "werk*",
    "*toets",
    "=clienten",
    "motivatie",
    "niet",
    "coach",
    "persoonlijk plan",
    "*aanbieders",
    "*toetsen",
];

const NEARS: &[&str] = &[
    "jobcoach NEAR/3 werkgever*",
    "geen NEAR/2 vertrouwen",
    "pip NEAR/5 gemeente",
    "LBT NEAR/4 taal",
    "*aanbieder NEAR/1 werkgever",
    "de NEAR/2 werkgever",
];

const NOTS: &[&str] = &["pip-show", "nooit", "zorgaanbieders", "fiets"];

const REGEXES: &[&str] = &[
    r"\bpips?\b",
    r"gemeente(n)?",
    r"werk\w+",
    r"(?:geen)?\s*vertrouw",
];

const SYNONYM_GROUPS: &[&[&str]] = &[
    &["LBT", "taalleerbaarheidstoets", "leerbaarheidstoets"],
    &["PIP", "persoonlijk plan", "plan inburgering"],
    &["jobcoach", "coach"],
    &["werkgever", "werkgevers*"],
];

const ROLES: &[&str] = &["statushouder", "werkgever", "Statushouder "];

/// A generated code: indices into the lists above.
#[derive(Debug, Clone)]
struct CodeSpec {
    keywords: Vec<usize>,
    nears: Vec<usize>,
    nots: Vec<usize>,
    regexes: Vec<usize>,
    role: Option<usize>,
}

fn code_spec() -> impl Strategy<Value = CodeSpec> {
    (
        prop::collection::vec(0..KEYWORDS.len(), 0..4),
        prop::collection::vec(0..NEARS.len(), 0..2),
        prop::collection::vec(0..NOTS.len(), 0..2),
        prop::collection::vec(0..REGEXES.len(), 0..2),
        prop::option::weighted(0.3, 0..ROLES.len()),
    )
        .prop_map(|(keywords, nears, nots, regexes, role)| CodeSpec {
            keywords,
            nears,
            nots,
            regexes,
            role,
        })
}

fn quoted(list: impl Iterator<Item = String>) -> String {
    list.map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn codebook_text(codes: &[CodeSpec], groups: &[bool]) -> String {
    let mut text = String::from("[codebook]\nname = \"gen\"\n");
    for (g, on) in groups.iter().enumerate() {
        if *on {
            text += &format!(
                "\n[[synonyms]]\nterms = [{}]\n",
                quoted(SYNONYM_GROUPS[g].iter().map(|s| s.to_string()))
            );
        }
    }
    // Ids in an order unlike file order, so sorting by id is tested too.
    for (i, code) in codes.iter().enumerate() {
        text += &format!(
            "\n[[codes]]\nid = \"c{}\"\nlabel = \"C\"\nkind = \"other\"\nexamples = [\"x\"]\n[codes.rules]\n",
            (i * 7) % 10
        );
        text += &format!(
            "keywords = [{}]\n",
            quoted(code.keywords.iter().map(|&k| KEYWORDS[k].into()))
        );
        text += &format!(
            "near = [{}]\n",
            quoted(code.nears.iter().map(|&k| NEARS[k].into()))
        );
        text += &format!(
            "not = [{}]\n",
            quoted(code.nots.iter().map(|&k| NOTS[k].into()))
        );
        text += &format!(
            "regex = [{}]\n",
            quoted(code.regexes.iter().map(|&k| REGEXES[k].into()))
        );
        if let Some(r) = code.role {
            text += &format!("roles = ['{}']\n", ROLES[r]);
        }
    }
    text
}

/// How one word of a rule matches a token, read plainly from the rule's text.
#[derive(Debug, Clone)]
enum Word {
    Stem(String),
    Exact(String),
    Prefix(String),
    Suffix(String, String),
}

impl Word {
    fn matches(&self, t: &AnalysedToken) -> bool {
        match self {
            Word::Stem(s) => t.stem == *s,
            Word::Exact(e) => t.exact == *e,
            Word::Prefix(p) => t.exact.starts_with(p.as_str()),
            Word::Suffix(e, s) => t.exact.ends_with(e.as_str()) || t.stem.ends_with(s.as_str()),
        }
    }
}

/// A keyword's words, and its key (the stems of its words, markers aside).
fn read_keyword(text: &str) -> (Vec<Word>, String) {
    let (exact, body) = match text.strip_prefix('=') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut words = Vec::new();
    let mut key = Vec::new();
    for chunk in body.split_whitespace() {
        let suffix = chunk.starts_with('*');
        let prefix = chunk.ends_with('*');
        let tokens = analyse(Language::Dutch, chunk.trim_matches('*'));
        let last = tokens.len().saturating_sub(1);
        for (i, t) in tokens.into_iter().enumerate() {
            key.push(t.stem.clone());
            words.push(if prefix && i == last {
                Word::Prefix(t.exact)
            } else if suffix && i == 0 {
                Word::Suffix(t.exact, t.stem)
            } else if exact {
                Word::Exact(t.exact)
            } else {
                Word::Stem(t.stem)
            });
        }
    }
    (words, key.join(" "))
}

/// A keyword and every synonym it stands for.
fn alternatives(book: &Codebook, text: &str) -> Vec<Vec<Word>> {
    let (own, key) = read_keyword(text);
    let mut out = vec![own];
    for group in &book.synonyms {
        let terms: Vec<(Vec<Word>, String)> =
            group.terms.iter().map(|t| read_keyword(&t.text)).collect();
        if terms.iter().any(|(_, k)| *k == key) {
            out.extend(terms.into_iter().filter(|(_, k)| *k != key).map(|(w, _)| w));
        }
    }
    out
}

/// Every token range where one of the alternatives matches.
fn occurrences(alts: &[Vec<Word>], tokens: &[AnalysedToken]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for words in alts {
        for start in 0..tokens.len() {
            if start + words.len() <= tokens.len()
                && words
                    .iter()
                    .enumerate()
                    .all(|(k, w)| w.matches(&tokens[start + k]))
            {
                out.push(start..start + words.len());
            }
        }
    }
    out.sort_by_key(|r| (r.start, r.end));
    out.dedup();
    out
}

fn words_of(tokens: &[AnalysedToken], r: &Range<usize>) -> String {
    tokens[r.clone()]
        .iter()
        .map(|t| t.exact.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a negation stands up to three words before the hit `r`, between its NEAR sides,
/// or (`niet`) right after it; never one of the hit's own words (`own`), nor a negation
/// `written` in the rule.
fn negated(
    tokens: &[AnalysedToken],
    r: &Range<usize>,
    own: &[Range<usize>],
    written: &[String],
) -> bool {
    let negates = |i: usize| {
        let word = tokens[i].exact.as_str();
        icamo::codebook::NEGATIONS.contains(&word)
            && !own.iter().any(|o| o.contains(&i))
            && !written.iter().any(|w| w == word)
    };
    (r.start.saturating_sub(3)..r.end.max(r.start.saturating_sub(3))).any(negates)
        || tokens.get(r.end).is_some_and(|t| t.exact == "niet") && negates(r.end)
}

/// The exact forms of the words of a rule's keywords and of every synonym they stand for.
fn written_words(book: &Codebook, keywords: &[&str]) -> Vec<String> {
    let mut texts: Vec<&str> = keywords.to_vec();
    for k in keywords {
        let key = read_keyword(k).1;
        for group in &book.synonyms {
            if group.terms.iter().any(|t| read_keyword(&t.text).1 == key) {
                texts.extend(group.terms.iter().map(|t| t.text.as_str()));
            }
        }
    }
    texts
        .iter()
        .flat_map(|t| analyse(Language::Dutch, &t.replace('*', " ")))
        .map(|t| t.exact)
        .collect()
}

/// A hit of the reference: the order of its rule in the code, byte span, token range, kind,
/// pattern and term, and whether it is negated.
type ReferenceHit = (
    usize,
    Range<usize>,
    Range<usize>,
    RuleKind,
    String,
    String,
    bool,
);

/// The reference: for each code, for each rule, for each token, as plainly as it can be said.
fn reference(book: &Codebook, segment: &Segment) -> Vec<CodeMatch> {
    let tokens = analyse(Language::Dutch, &segment.text);
    let mut out = Vec::new();
    for code in book.codes.iter().filter(|c| c.codable) {
        let role = segment.role.trim().to_lowercase();
        if !code.rules.roles.is_empty()
            && !code
                .rules
                .roles
                .iter()
                .any(|r| r.trim().to_lowercase() == role)
        {
            continue;
        }
        if code
            .rules
            .not
            .iter()
            .any(|n| !occurrences(&alternatives(book, &n.text), &tokens).is_empty())
        {
            continue;
        }
        let mut hits: Vec<ReferenceHit> = Vec::new();
        let mut order = 0;
        let bytes = |r: &Range<usize>| tokens[r.start].range.start..tokens[r.end - 1].range.end;
        for rule in &code.rules.keywords {
            let (words, _) = read_keyword(&rule.text);
            let kind = if rule.text.starts_with('=') {
                RuleKind::Exact
            } else if words.len() > 1 {
                RuleKind::Phrase
            } else {
                match words[0] {
                    Word::Prefix(_) => RuleKind::Prefix,
                    Word::Suffix(..) => RuleKind::Compound,
                    _ => RuleKind::Keyword,
                }
            };
            let written = written_words(book, &[&rule.text]);
            for r in occurrences(&alternatives(book, &rule.text), &tokens) {
                hits.push((
                    order,
                    bytes(&r),
                    r.clone(),
                    kind,
                    rule.text.clone(),
                    words_of(&tokens, &r),
                    negated(&tokens, &r, std::slice::from_ref(&r), &written),
                ));
            }
            order += 1;
        }
        for rule in &code.rules.regex {
            let regex = regex::RegexBuilder::new(&rule.text)
                .case_insensitive(true)
                .build()
                .unwrap();
            // The regex's words, its escapes (\b, \s, \w) taken out.
            let plain: String = rule
                .text
                .split('\\')
                .enumerate()
                .map(|(i, part)| match i {
                    0 => part.to_string(),
                    _ => format!(" {}", part.chars().skip(1).collect::<String>()),
                })
                .collect();
            let written: Vec<String> = analyse(Language::Dutch, &plain)
                .into_iter()
                .map(|t| t.exact)
                .collect();
            for m in regex.find_iter(&segment.text).filter(|m| !m.is_empty()) {
                let r: Range<usize> = {
                    let first = tokens
                        .iter()
                        .position(|t| t.range.end > m.start())
                        .unwrap_or(tokens.len());
                    let mut last = first;
                    while last < tokens.len() && tokens[last].range.start < m.end() {
                        last += 1;
                    }
                    first..last
                };
                let term = if r.is_empty() {
                    normalise(m.as_str().trim())
                } else {
                    words_of(&tokens, &r)
                };
                let negated = negated(&tokens, &r, std::slice::from_ref(&r), &written);
                hits.push((
                    order,
                    m.range(),
                    r,
                    RuleKind::Regex,
                    rule.text.clone(),
                    term,
                    negated,
                ));
            }
            order += 1;
        }
        for rule in &code.rules.near {
            let parts: Vec<&str> = rule.text.split_whitespace().collect();
            let at = parts.iter().position(|p| p.starts_with("NEAR/")).unwrap();
            let distance: usize = parts[at][5..].parse().unwrap();
            let (left, right) = (parts[..at].join(" "), parts[at + 1..].join(" "));
            let written = written_words(book, &[&left, &right]);
            let lefts = occurrences(&alternatives(book, &left), &tokens);
            let rights = occurrences(&alternatives(book, &right), &tokens);
            for a in &lefts {
                let mut best: Option<(usize, &Range<usize>)> = None;
                for b in &rights {
                    let d = if a.end <= b.start {
                        b.start - a.end + 1
                    } else if b.end <= a.start {
                        a.start - b.end + 1
                    } else {
                        continue;
                    };
                    if d <= distance && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, b));
                    }
                }
                if let Some((_, b)) = best {
                    let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
                    let span = first.start.min(second.start)..first.end.max(second.end);
                    let term =
                        format!("{} {}", words_of(&tokens, first), words_of(&tokens, second));
                    let own = [first.clone(), second.clone()];
                    let negated = negated(&tokens, &span, &own, &written);
                    hits.push((
                        order,
                        bytes(&span),
                        span,
                        RuleKind::Near,
                        rule.text.clone(),
                        term,
                        negated,
                    ));
                }
            }
            order += 1;
        }
        if hits.is_empty() {
            continue;
        }
        hits.sort_by_key(|h| (h.1.start, h.1.end, h.0));
        hits.dedup_by(|later, first| later.1 == first.1);
        let hits: Vec<RuleHit> = hits
            .into_iter()
            .map(|(_, span, _, kind, pattern, term, negated)| RuleHit {
                kind,
                pattern,
                span,
                term,
                negated,
            })
            .collect();
        out.push(CodeMatch {
            code: code.id.clone(),
            negated: hits.iter().filter(|h| h.negated).count(),
            hits,
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

fn segment_text() -> impl Strategy<Value = String> {
    prop::collection::vec((0..VOCABULARY.len(), 0..SEPARATORS.len()), 0..30).prop_map(|words| {
        let mut text = String::new();
        for (w, s) in words {
            text.push_str(VOCABULARY[w]);
            text.push_str(SEPARATORS[s]);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_one_pass_matcher_agrees_with_the_plain_reference(
        codes in prop::collection::vec(code_spec(), 1..5),
        groups in prop::collection::vec(any::<bool>(), SYNONYM_GROUPS.len()),
        texts in prop::collection::vec(segment_text(), 1..4),
        role in 0..ROLES.len(),
    ) {
        let text = codebook_text(&codes, &groups);
        let book = Codebook::parse("gen.toml", &text).unwrap();
        let errors: Vec<_> = book.check().into_iter().filter(|d| d.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{text}");
        let matcher = Matcher::new(&book).unwrap();
        for t in &texts {
            let seg = segment(ROLES[role], t);
            prop_assert_eq!(matcher.match_segment(&seg), reference(&book, &seg), "{}\n{:?}", text, t);
        }
    }
}

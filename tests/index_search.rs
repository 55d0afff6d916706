//! The search index, as a researcher uses it: Dutch interviews and a focus group of the Wet
//! inburgering evaluation, plus one English interview, indexed in a temporary folder.

use std::collections::BTreeSet;

use icamo::index::analysis::{analyse, is_stop_word, stem};
use icamo::index::{Hit, SearchRequest, SegmentIndex};
use icamo::lang::Language;
use icamo::transcript::Segment;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// The corpus.

/// A segment of `doc` with everything the manifest would give it.
fn segment(doc: &str, ordinal: u32, speaker: &str, role: &str, text: &str) -> Segment {
    let case = if doc.contains("veenoord") || doc == "int-sh-02" {
        "Veenoord"
    } else {
        "Havenstad"
    };
    let interviewer = matches!(speaker, "Interviewer" | "Moderator");
    Segment {
        id: Segment::make_id(doc, ordinal),
        doc: doc.to_string(),
        ordinal,
        speaker: speaker.to_string(),
        respondent: (!interviewer).then(|| format!("R-{speaker}")),
        role: role.to_string(),
        case: Some(case.to_string()),
        group: doc.starts_with("fg-").then(|| "focusgroep 1".to_string()),
        interviewer,
        lang: if doc.contains("-en-") {
            Language::English
        } else {
            Language::Dutch
        },
        start_ms: doc
            .starts_with("fg-")
            .then_some(u64::from(ordinal) * 30_000),
        end_ms: doc
            .starts_with("fg-")
            .then_some(u64::from(ordinal) * 30_000 + 25_000),
        line: ordinal as usize * 2 - 1,
        byte_start: ordinal as usize * 1000,
        byte_end: ordinal as usize * 1000 + text.len(),
        char_start: ordinal as usize * 990,
        char_end: ordinal as usize * 990 + text.chars().count(),
        text: text.to_string(),
    }
}

const LONG_TURN: &str = "Kijk, wij merken in de praktijk dat veel mensen heel graag aan \
    het werk willen, en dat ze ook echt hun best doen om de taal te leren naast hun werk \
    of hun stage. Maar als ze dan \
    gaan solliciteren, dan lopen ze tegen arbeidsmarktdiscriminatie aan, en dat is iets waar \
    wij als gemeente eigenlijk nog geen goed antwoord op hebben. Sommige bedrijven zeggen het \
    niet hardop, maar je ziet het aan wie er wordt uitgenodigd en wie niet, en dat ontmoedigt \
    mensen enorm, zeker als ze al een paar keer zijn afgewezen zonder uitleg.";

fn corpus() -> Vec<Segment> {
    vec![
        segment(
            "int-sh-01",
            1,
            "Interviewer",
            "onderzoeker",
            "Hoe verliep de begeleiding door de gemeente?",
        ),
        segment(
            "int-sh-01",
            2,
            "Amal",
            "statushouder",
            "De begeleiding door de gemeente was goed, maar ik had geen vertrouwen in de \
             werkgevers.",
        ),
        segment(
            "int-sh-01",
            3,
            "Interviewer",
            "onderzoeker",
            "Kunt u iets vertellen over de werkgever bij uw stage?",
        ),
        segment(
            "int-sh-01",
            4,
            "Amal",
            "statushouder",
            "Mijn consulent zei dat cliënten eerst Nederlands moeten leren. Ik wil gewoon werken, \
             maar het mag niet zonder diploma.",
        ),
        segment(
            "int-sh-02",
            1,
            "Yonas",
            "statushouder",
            "Ik heb nooit een jobcoach gehad. De werkplekken die ik zag waren niet geschikt.",
        ),
        segment(
            "int-sh-02",
            2,
            "Yonas",
            "statushouder",
            "Mijn gezondheid is niet goed, daarom volg ik de Z-route. Ik ben wel gemotiveerd.",
        ),
        segment(
            "int-sh-02",
            3,
            "Yonas",
            "statushouder",
            "Ik heb veel vertrouwen in mijn taalcoach.",
        ),
        segment(
            "fg-beleid-havenstad",
            1,
            "Moderator",
            "onderzoeker",
            "Welke rol speelt de werkgeversdienstverlening in de leerroutes?",
        ),
        segment(
            "fg-beleid-havenstad",
            2,
            "Els",
            "professional beleid",
            "Onze werkgeversdienstverlening zoekt actief naar werkgevers die statushouders een \
             werkplek bieden. De participatiecomponent helpt daarbij.",
        ),
        segment(
            "fg-beleid-havenstad",
            3,
            "Karim",
            "professional uitvoering",
            "Het beleid is duidelijk, maar de meningen over de kinderopvang lopen uiteen. Zonder \
             kinderopvang kunnen veel inburgeraars de taalaanbieder niet bezoeken.",
        ),
        segment(
            "fg-beleid-havenstad",
            4,
            "Els",
            "professional beleid",
            LONG_TURN,
        ),
        segment(
            "fg-beleid-havenstad",
            5,
            "Karim",
            "professional uitvoering",
            "Elke werkgever wil zekerheid.",
        ),
        segment(
            "int-en-01",
            1,
            "Sam",
            "professional uitvoering",
            "Many clients had no confidence in the employers. Without childcare, mothers could \
             not attend the classes.",
        ),
        segment(
            "int-en-01",
            2,
            "Sam",
            "professional uitvoering",
            "The coordinators were motivated, and their motivation showed.",
        ),
    ]
}

/// A fresh index of the corpus in a temporary folder (kept alive by the returned `TempDir`).
fn indexed() -> (TempDir, SegmentIndex) {
    let dir = tempfile::tempdir().unwrap();
    let mut index = SegmentIndex::open_or_create(&dir.path().join("index")).unwrap();
    index.update(&[], &corpus()).unwrap();
    (dir, index)
}

fn search(index: &SegmentIndex, query: &str) -> Vec<Hit> {
    index
        .search(&SearchRequest {
            query: query.to_string(),
            ..Default::default()
        })
        .unwrap()
}

fn ids(hits: &[Hit]) -> BTreeSet<String> {
    hits.iter().map(|h| h.segment.id.clone()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The highlighted pieces of a hit's snippet, as text.
fn highlighted(hit: &Hit) -> Vec<&str> {
    hit.snippet
        .highlights
        .iter()
        .map(|r| &hit.snippet.text[r.clone()])
        .collect()
}

fn hit<'a>(hits: &'a [Hit], id: &str) -> &'a Hit {
    hits.iter()
        .find(|h| h.segment.id == id)
        .unwrap_or_else(|| panic!("no hit {id}"))
}

fn nl_stem(word: &str) -> String {
    let words = analyse(Language::Dutch, word);
    assert_eq!(words.len(), 1, "{word} is one word");
    words[0].stem.clone()
}

// ---------------------------------------------------------------------------------------------
// Analysis.

#[test]
fn the_field_vocabulary_has_stable_dutch_stems() {
    let table = [
        ("werkgever", "werkgever"),
        ("werkgevers", "werkgever"),
        ("statushouder", "statushouder"),
        ("statushouders", "statushouder"),
        ("inburgeraar", "inburgeraar"),
        ("inburgeraars", "inburgeraar"),
        ("inburgering", "inburger"),
        ("gemeente", "gemeent"),
        ("gemeenten", "gemeent"),
        ("gezondheid", "gezond"),
        ("begeleiding", "begeleid"),
        ("begeleiden", "begeleid"),
        ("begeleider", "begeleid"),
        ("consulent", "consulent"),
        ("consulenten", "consulent"),
        ("cliënt", "client"),
        ("cliënten", "client"),
        ("coördinator", "coordinator"),
        ("taalaanbieder", "taalaanbieder"),
        ("taalaanbieders", "taalaanbieder"),
        ("participatie", "participatie"),
        ("participatiecomponent", "participatiecomponent"),
        ("leerroute", "leerroute"),
        ("leerroutes", "leerroute"),
        ("kinderopvang", "kinderopvang"),
        ("arbeidsmarktdiscriminatie", "arbeidsmarktdiscriminatie"),
        ("jobcoach", "jobcoach"),
        ("jobcoaches", "jobcoach"),
        ("werkplek", "werkplek"),
        ("werkplekken", "werkplek"),
        ("motivatie", "motiv"),
        ("gemotiveerd", "motiv"),
        ("vertrouwen", "vertrouw"),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(word, want)| nl_stem(word) != *want)
        .map(|(word, want)| format!("{word}: got {}, want {want}", nl_stem(word)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn stems_of_the_field_do_not_collide_with_unrelated_words() {
    // Snowball 3 Dutch (tantivy's built-in) makes each of these pairs one stem.
    for (word, unrelated) in [
        ("gemeente", "mening"),
        ("gemeente", "meen"),
        ("gemeenten", "meningen"),
        ("begeleiding", "beleid"),
        ("begeleider", "beleid"),
        ("gezondheid", "zon"),
        ("werkgever", "werk"),
        ("werkgevers", "gevers"),
        ("inburgeraar", "inburgering"),
        ("participatie", "participeren"),
    ] {
        assert_ne!(nl_stem(word), nl_stem(unrelated), "{word} vs {unrelated}");
    }
}

#[test]
fn negations_are_never_stop_words() {
    for word in [
        "niet", "geen", "niets", "nooit", "zonder", "noch", "niemand", "nergens",
    ] {
        assert!(!is_stop_word(Language::Dutch, word), "{word}");
        assert_eq!(nl_stem(word), word, "{word} keeps its form");
    }
    for word in ["not", "no", "never", "without"] {
        assert!(!is_stop_word(Language::English, word), "{word}");
    }
    assert!(is_stop_word(Language::Dutch, "de") && is_stop_word(Language::Dutch, "het"));
    assert!(is_stop_word(Language::English, "the"));
}

#[test]
fn analysis_lowercases_folds_accents_and_keeps_offsets() {
    let text = "De Cliënten, coördinatoren én taal-aanbieders";
    let words = analyse(Language::Dutch, text);
    let exact: Vec<&str> = words.iter().map(|w| w.exact.as_str()).collect();
    assert_eq!(
        exact,
        [
            "de",
            "clienten",
            "coordinatoren",
            "en",
            "taal",
            "aanbieders"
        ]
    );
    assert_eq!(&text[words[1].range.clone()], "Cliënten");
    assert_eq!(&text[words[2].range.clone()], "coördinatoren");
    assert_eq!(
        words.iter().map(|w| w.position).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(words[1].stem, "client");
    assert_eq!(words[2].stem, "coordinator");
    assert!(words[0].stop && !words[1].stop);
    // Decomposed accents (e + combining diaeresis) are folded the same way.
    let decomposed = analyse(Language::Dutch, "clie\u{308}nten");
    assert_eq!(decomposed.len(), 1);
    assert_eq!(decomposed[0].exact, "clienten");
}

#[test]
fn english_text_gets_english_stems() {
    assert_eq!(
        stem(Language::English, "motivation"),
        stem(Language::English, "motivated")
    );
    assert_eq!(stem(Language::English, "employers"), "employ");
    let words = analyse(Language::English, "The clients");
    assert!(words[0].stop);
    assert_eq!(words[1].stem, "client");
}

// ---------------------------------------------------------------------------------------------
// Searching.

#[test]
fn a_negated_phrase_is_found_and_highlighted_as_one_range() {
    let (_dir, index) = indexed();
    let hits = search(&index, "\"geen vertrouwen\"");
    assert_eq!(
        ids(&hits),
        set(&["int-sh-01:0002"]),
        "not \"veel vertrouwen\""
    );
    assert_eq!(highlighted(&hits[0]), ["geen vertrouwen"]);
    assert_eq!(
        hits[0].snippet.marked("<b>", "</b>"),
        "De begeleiding door de gemeente was goed, maar ik had <b>geen vertrouwen</b> in de \
         werkgevers."
    );
    // Without quotes, both words anywhere: "vertrouwen" alone is not enough.
    assert_eq!(
        ids(&search(&index, "geen vertrouwen")),
        set(&["int-sh-01:0002"])
    );
    assert_eq!(
        ids(&search(&index, "vertrouwen")),
        set(&["int-sh-01:0002", "int-sh-02:0003"])
    );
}

#[test]
fn a_phrase_with_stop_words_and_other_forms_still_matches() {
    let (_dir, index) = indexed();
    let hits = search(&index, "\"vertrouwen in de werkgever\"");
    assert_eq!(
        ids(&hits),
        set(&["int-sh-01:0002"]),
        "werkgevers matches werkgever"
    );
    assert_eq!(highlighted(&hits[0]), ["vertrouwen in de werkgevers"]);
    // A leading stop word is not in the stemmed index; the other words keep their offsets.
    let hits = search(&index, "\"de werkgevers die statushouders\"");
    assert_eq!(ids(&hits), set(&["fg-beleid-havenstad:0002"]));
    assert_eq!(highlighted(&hits[0]), ["werkgevers die statushouders"]);
    assert!(search(&index, "\"werkgevers statushouders\"").is_empty());
}

#[test]
fn a_word_finds_its_other_forms_and_ranks_the_exact_form_first() {
    let (_dir, index) = indexed();
    let hits = search(&index, "werkgever");
    assert_eq!(
        ids(&hits),
        set(&[
            "int-sh-01:0002",
            "fg-beleid-havenstad:0002",
            "fg-beleid-havenstad:0005"
        ])
    );
    assert_eq!(
        hits[0].segment.id, "fg-beleid-havenstad:0005",
        "the exact form ranks first"
    );
    assert_eq!(highlighted(hit(&hits, "int-sh-01:0002")), ["werkgevers"]);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));

    let hits = search(&index, "gemeenten");
    assert_eq!(
        ids(&hits),
        set(&["int-sh-01:0002", "fg-beleid-havenstad:0004"])
    );
    assert_eq!(highlighted(hit(&hits, "int-sh-01:0002")), ["gemeente"]);

    // begeleiding is not beleid.
    assert_eq!(
        ids(&search(&index, "beleid")),
        set(&["fg-beleid-havenstad:0003"])
    );
    assert_eq!(ids(&search(&index, "motivatie")), set(&["int-sh-02:0002"]));
}

#[test]
fn a_prefix_matches_every_longer_word() {
    let (_dir, index) = indexed();
    let hits = search(&index, "werkgever*");
    assert_eq!(
        ids(&hits),
        set(&[
            "int-sh-01:0002",
            "fg-beleid-havenstad:0002",
            "fg-beleid-havenstad:0005"
        ])
    );
    assert_eq!(
        highlighted(hit(&hits, "fg-beleid-havenstad:0002")),
        ["werkgeversdienstverlening", "werkgevers"]
    );
    assert_eq!(
        ids(&search(&index, "Werkgevers*")),
        set(&["int-sh-01:0002", "fg-beleid-havenstad:0002"])
    );
    assert_eq!(
        ids(&search(&index, "werkgeversd*")),
        set(&["fg-beleid-havenstad:0002"])
    );
    assert_eq!(
        ids(&search(&index, "inburger*")),
        set(&["fg-beleid-havenstad:0003"])
    );
}

#[test]
fn boolean_operators_combine_words() {
    let (_dir, index) = indexed();
    let q = |query: &str| ids(&search(&index, query));
    assert_eq!(
        q("kinderopvang AND taalaanbieder"),
        set(&["fg-beleid-havenstad:0003"])
    );
    assert_eq!(
        q("werkgevers statushouders"),
        set(&["fg-beleid-havenstad:0002"])
    );
    assert_eq!(
        q("jobcoach OR kinderopvang"),
        set(&["int-sh-02:0001", "fg-beleid-havenstad:0003"])
    );
    assert_eq!(q("niet -gezondheid"), q("niet NOT gezondheid"));
    assert!(!q("niet -gezondheid").contains("int-sh-02:0002"));
    assert!(q("niet").contains("int-sh-02:0002"));
    assert_eq!(q("+jobcoach"), set(&["int-sh-02:0001"]));
    assert_eq!(
        q("(jobcoach OR kinderopvang) -taalaanbieder"),
        set(&["int-sh-02:0001"])
    );
    assert_eq!(q("\"geen vertrouwen\" OR \"veel vertrouwen\"").len(), 2);
    // Only the words searched for are highlighted, not the excluded ones.
    let hits = search(&index, "kinderopvang -jobcoach");
    assert_eq!(highlighted(&hits[0]), ["kinderopvang", "kinderopvang"]);
}

#[test]
fn filters_narrow_by_role_case_document_and_speaker() {
    let (_dir, index) = indexed();
    let filtered = |f: fn(&mut SearchRequest)| {
        let mut req = SearchRequest {
            query: "niet".to_string(),
            ..Default::default()
        };
        f(&mut req);
        ids(&index.search(&req).unwrap())
    };
    assert_eq!(
        filtered(|_| {}),
        set(&[
            "int-sh-01:0004",
            "int-sh-02:0001",
            "int-sh-02:0002",
            "fg-beleid-havenstad:0003",
            "fg-beleid-havenstad:0004",
        ])
    );
    assert_eq!(
        filtered(|r| r.role = Some("statushouder".into())),
        set(&["int-sh-01:0004", "int-sh-02:0001", "int-sh-02:0002"])
    );
    assert_eq!(
        filtered(|r| r.case = Some("Veenoord".into())),
        set(&["int-sh-02:0001", "int-sh-02:0002"])
    );
    assert_eq!(
        filtered(|r| r.doc = Some("fg-beleid-havenstad".into())),
        set(&["fg-beleid-havenstad:0003", "fg-beleid-havenstad:0004"])
    );
    assert_eq!(
        filtered(|r| r.speaker = Some("Amal".into())),
        set(&["int-sh-01:0004"])
    );
    assert_eq!(
        filtered(|r| {
            r.role = Some("professional beleid".into());
            r.case = Some("Havenstad".into());
        }),
        set(&["fg-beleid-havenstad:0004"])
    );
    // A query of exclusions alone keeps everything else.
    let only_exclusions = SearchRequest {
        query: "-jobcoach".into(),
        speaker: Some("Yonas".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(&index.search(&only_exclusions).unwrap()),
        set(&["int-sh-02:0002", "int-sh-02:0003"])
    );
    // Filter values are exact.
    assert!(filtered(|r| r.role = Some("Statushouder".into())).is_empty());
}

#[test]
fn interviewer_turns_are_left_out_unless_asked_for() {
    let (_dir, index) = indexed();
    let mut req = SearchRequest {
        query: "begeleiding".to_string(),
        ..Default::default()
    };
    assert_eq!(ids(&index.search(&req).unwrap()), set(&["int-sh-01:0002"]));
    req.include_interviewers = true;
    let hits = index.search(&req).unwrap();
    assert_eq!(ids(&hits), set(&["int-sh-01:0001", "int-sh-01:0002"]));
    assert!(hit(&hits, "int-sh-01:0001").segment.interviewer);

    req.query = "werkgeversdienstverlening".to_string();
    assert_eq!(
        ids(&index.search(&req).unwrap()),
        set(&["fg-beleid-havenstad:0001", "fg-beleid-havenstad:0002"])
    );
}

#[test]
fn case_and_accents_do_not_matter() {
    let (_dir, index) = indexed();
    for query in ["clienten", "cliënten", "CLIËNTEN", "client", "Cliënt"] {
        let hits = search(&index, query);
        assert!(ids(&hits).contains("int-sh-01:0004"), "{query}");
        assert_eq!(
            highlighted(hit(&hits, "int-sh-01:0004")),
            ["cliënten"],
            "{query}"
        );
    }
    assert_eq!(ids(&search(&index, "Z-ROUTE")), set(&["int-sh-02:0002"]));
}

#[test]
fn an_english_document_is_searched_in_english() {
    let (_dir, index) = indexed();
    let hits = search(&index, "motivation");
    assert_eq!(ids(&hits), set(&["int-en-01:0002"]));
    assert_eq!(highlighted(&hits[0]), ["motivated", "motivation"]);

    let hits = search(&index, "\"no confidence\"");
    assert_eq!(ids(&hits), set(&["int-en-01:0001"]));
    assert_eq!(highlighted(&hits[0]), ["no confidence"]);
    assert_eq!(
        ids(&search(&index, "\"without childcare\"")),
        set(&["int-en-01:0001"])
    );
    assert_eq!(ids(&search(&index, "employer")), set(&["int-en-01:0001"]));
}

#[test]
fn a_long_turn_is_cut_to_a_window_around_the_match() {
    let (_dir, index) = indexed();
    let hits = search(&index, "arbeidsmarktdiscriminatie");
    let snippet = &hits[0].snippet;
    assert!(
        snippet.text.starts_with('…') && snippet.text.ends_with('…'),
        "{}",
        snippet.text
    );
    let inner = snippet.text.trim_matches('…');
    assert!(
        LONG_TURN.contains(inner),
        "the window is a piece of the text: {inner}"
    );
    assert!(
        inner.chars().next().unwrap().is_alphanumeric(),
        "starts on a word: {inner}"
    );
    assert!(
        inner.chars().last().unwrap().is_alphanumeric(),
        "ends on a word: {inner}"
    );
    let start = LONG_TURN.find(inner).unwrap();
    let before = LONG_TURN[..start].chars().last().unwrap();
    let after = LONG_TURN[start + inner.len()..].chars().next().unwrap();
    assert!(
        !before.is_alphanumeric() && !after.is_alphanumeric(),
        "no word cut in two"
    );
    let len = inner.chars().count();
    assert!(
        (150..=200).contains(&len),
        "about 200 characters, got {len}"
    );
    assert_eq!(highlighted(&hits[0]), ["arbeidsmarktdiscriminatie"]);

    // A short turn is shown whole.
    let hits = search(&index, "kinderopvang");
    assert_eq!(hits[0].snippet.text, hits[0].segment.text);
    assert_eq!(
        hits[0].snippet.marked("[", "]"),
        "Het beleid is duidelijk, maar de meningen over de [kinderopvang] lopen uiteen. Zonder \
         [kinderopvang] kunnen veel inburgeraars de taalaanbieder niet bezoeken."
    );
}

#[test]
fn an_empty_query_lists_the_filtered_segments_in_order() {
    let (_dir, index) = indexed();
    let req = SearchRequest {
        speaker: Some("Yonas".into()),
        ..Default::default()
    };
    let hits = index.search(&req).unwrap();
    let order: Vec<&str> = hits.iter().map(|h| h.segment.id.as_str()).collect();
    assert_eq!(
        order,
        ["int-sh-02:0001", "int-sh-02:0002", "int-sh-02:0003"]
    );
    let req = SearchRequest { limit: 2, ..req };
    assert_eq!(index.search(&req).unwrap().len(), 2);
}

#[test]
fn limit_caps_the_hits_and_zero_means_ten() {
    let (_dir, index) = indexed();
    let mut req = SearchRequest {
        query: "de".to_string(),
        ..Default::default()
    };
    assert_eq!(index.search(&req).unwrap().len(), 6);
    req.include_interviewers = true;
    assert_eq!(index.search(&req).unwrap().len(), 9);
    req.limit = 3;
    assert_eq!(index.search(&req).unwrap().len(), 3);
    let everything = SearchRequest {
        include_interviewers: true,
        ..Default::default()
    };
    assert_eq!(index.search(&everything).unwrap().len(), 10, "of 14");
    let everything = SearchRequest {
        limit: 20,
        ..everything
    };
    assert_eq!(index.search(&everything).unwrap().len(), 14);
}

// ---------------------------------------------------------------------------------------------
// The index over time.

#[test]
fn a_hit_is_the_full_segment_as_indexed() {
    let (_dir, index) = indexed();
    assert_eq!(index.num_segments(), corpus().len() as u64);
    for original in corpus() {
        assert_eq!(
            index.segment(&original.id).unwrap().as_ref(),
            Some(&original)
        );
    }
    assert_eq!(index.segment("int-sh-09:0001").unwrap(), None);
    let hits = search(&index, "participatiecomponent");
    assert_eq!(hits[0].segment, corpus()[8]);
}

#[test]
fn update_replaces_a_documents_segments_and_removes_documents() {
    let (_dir, mut index) = indexed();
    let before = index.num_segments();
    let new_version = vec![segment(
        "int-sh-02",
        1,
        "Yonas",
        "statushouder",
        "Mijn jobcoach van de gemeente hielp me aan een werkplek.",
    )];
    index
        .update(&["int-sh-02".to_string()], &new_version)
        .unwrap();
    assert_eq!(index.num_segments(), before - 2);
    assert!(
        search(&index, "gezondheid").is_empty(),
        "the old turns are gone"
    );
    assert!(search(&index, "taalcoach").is_empty());
    let hits = search(&index, "jobcoach");
    assert_eq!(ids(&hits), set(&["int-sh-02:0001"]));
    assert_eq!(hits[0].segment.text, new_version[0].text);

    // Adding a segment again replaces it rather than doubling it.
    index.update(&[], &new_version).unwrap();
    assert_eq!(index.num_segments(), before - 2);

    index
        .update(&["int-sh-02".to_string(), "int-en-01".to_string()], &[])
        .unwrap();
    assert_eq!(index.num_segments(), before - 5);
    assert!(search(&index, "jobcoach").is_empty());
    assert!(search(&index, "employers").is_empty());
    assert_eq!(index.segment("int-sh-02:0001").unwrap(), None);
    assert!(
        index.segment("int-sh-01:0002").unwrap().is_some(),
        "other documents stay"
    );
}

#[test]
fn reopening_the_index_gives_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("index");
    let queries = [
        "werkgever*",
        "\"geen vertrouwen\"",
        "niet -gezondheid",
        "motivation",
    ];
    let results = |index: &SegmentIndex| -> Vec<Vec<(String, f32, String)>> {
        queries
            .iter()
            .map(|q| {
                search(index, q)
                    .into_iter()
                    .map(|h| (h.segment.id, h.score, h.snippet.marked("[", "]")))
                    .collect()
            })
            .collect()
    };
    let before = {
        let mut index = SegmentIndex::open_or_create(&path).unwrap();
        index.update(&[], &corpus()).unwrap();
        results(&index)
    };
    let index = SegmentIndex::open_or_create(&path).unwrap();
    assert_eq!(index.num_segments(), corpus().len() as u64);
    assert_eq!(results(&index), before);
    assert!(before.iter().all(|hits| !hits.is_empty()));
}

// ---------------------------------------------------------------------------------------------
// Errors the user can act on.

#[test]
fn a_bad_query_says_what_is_wrong_and_shows_the_query() {
    let (_dir, index) = indexed();
    let error = |query: &str| {
        index
            .search(&SearchRequest {
                query: query.to_string(),
                ..Default::default()
            })
            .unwrap_err()
            .to_string()
    };
    let message = error("\"geen vertrouwen");
    assert!(
        message.starts_with("cannot search for `\"geen vertrouwen`: "),
        "shows the query: {message}"
    );
    assert!(
        message.contains("quote at character 1 is never closed"),
        "{message}"
    );
    for (query, expected) in [
        ("werk*gever", "can only end a word"),
        ("w*", "too short"),
        (
            "(jobcoach OR kinderopvang",
            "( at character 1 is never closed",
        ),
        ("jobcoach)", ") at character 9 has no matching ("),
        ("AND jobcoach", "AND at character 1 has nothing before it"),
        ("jobcoach OR", "OR at character 10 has nothing after it"),
        ("jobcoach NOT", "NOT at character 10 has nothing after it"),
        ("()", "brackets at character 1 hold nothing"),
        ("\"geen vertrouwen\"*", "* after a phrase"),
        ("?!", "no words"),
    ] {
        let message = error(query);
        assert!(message.contains(expected), "{query}: {message}");
    }
}

#[test]
fn an_index_that_cannot_be_opened_names_its_folder_and_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("meta.json"), "this is not an index").unwrap();
    let message = SegmentIndex::open_or_create(&path)
        .err()
        .unwrap()
        .to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("icamo ingest"), "{message}");
}

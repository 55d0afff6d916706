//! Writes a large, seeded, synthetic icamo study, for measuring ingest and search at scale.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out DIR --size 100MB [--seed 42]
//! ```
//!
//! `DIR` must not exist or be empty: nothing is ever overwritten. The generator writes
//! `DIR/corpus/batch-NNN/*.{txt,md,vtt,srt}` (at most 500 files per folder, 40–400 KB per file)
//! and, last, `DIR/icamo.toml`, a manifest in the format of the bundled study: `[study]`, one
//! `[[documents]]` entry per file (case, group, type, date), one `[[speakers]]` entry per
//! respondent (label as it stands in the file, scoped to its document, respondent id, role,
//! attributes), the interviewer labels, and `[pseudonyms]` for every name used.
//!
//! `--size` is the total size of the transcripts, approximately (at most one speaker turn
//! over): `500KB`, `10MB`, `1.5GB`; `K`/`KB`/`M`/`MB`/`G`/`GB` are powers of 1000, `KiB`/`MiB`/`GiB`
//! powers of 1024, and a bare number is bytes. Below about 1.6 MB files get smaller (a quarter
//! of the total at most, so that every format has one), and below 160 KB some fall under 40 KB. The text is spread evenly over the five
//! formats (each new file takes the format that has the least text so far):
//!
//! - Text: `[hh:mm:ss] Label: text`, one line per turn.
//! - Markdown: front matter, a title, `## Thema` headings, `**Label:** text` paragraphs.
//! - WebVTT as Microsoft Teams writes it: one GUID per file, cue ids `GUID/N-M` (turn N, cue M),
//!   `<v Full Name>` voice tags, each utterance split over cues of 8–15 words.
//! - SRT: numbered cues of at most two lines, a `Label:` prefix where the speaker changes.
//!
//! - Word (DOCX): a minimal package (`[Content_Types].xml`, `_rels/.rels`,
//!   `word/document.xml`, deflated) with `Heading1` theme headings and one paragraph per turn,
//!   `[hh:mm:ss] Label: text` in half the files, and in the other half a paragraph
//!   `Label<tab>hh:mm:ss` above the turn's text, split over paragraphs, as a typist lays it out.
//!
//! Formats are balanced by the text they hold (the XML of a DOCX, not its compressed size), so
//! each of the five has about a fifth of the text; `--size` counts the files' bytes, and a DOCX
//! file is about a quarter of its text.
//!
//! The text is realistic Dutch: at start-up the generator reads the bundled transcripts
//! (`corpus/*.{txt,md,srt,vtt}` of this repository, as plain text), strips labels, timestamps,
//! cue numbers and tags, and splits what is left into sentences (English sentences are dropped).
//! Every file then gets a case (one of twelve fictional municipalities), an interviewer or
//! moderator and 1–6 respondents with roles, and turns of 1–8 sentences drawn at random
//! (interviewer turns end in a question). Labels are `Interviewer`/`Moderator` and first names,
//! except in WebVTT, where Teams shows everyone's full name.
//!
//! Same seed, same size and same bundled corpus give byte-identical output. Files are written
//! one at a time through a buffer; only the manifest's metadata (a few hundred bytes per file)
//! is kept until the end. Progress goes to stderr, one line per 10%.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Smallest file the generator aims for (bytes), unless the whole study is smaller.
const MIN_FILE: u64 = 40_000;
/// Largest target; a file overshoots its target by at most one turn, staying under 400 KB.
const MAX_TARGET: u64 = 390_000;
/// Most files in one folder.
const FILES_PER_DIR: usize = 500;
/// Longest SRT line before a cue is wrapped onto two lines.
const SRT_LINE: usize = 42;

// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64, seeded per file so that files do not depend on each other's draws.

/// SplitMix64's finaliser: a good 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A small seeded PRNG (SplitMix64).
struct Rng(u64);

impl Rng {
    /// A generator for stream `stream` of seed `seed`.
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(mix(seed ^ 0x5851_f42d_4c95_7f2d) ^ mix(stream.wrapping_add(0x2545_f491_4f6c_dd1d)))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + ((u128::from(self.next_u64()) * u128::from(hi - lo + 1)) >> 64) as u64
    }

    /// True with probability `percent / 100`.
    fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 99) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Picks from `(item, weight)` pairs.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|&(_, w)| w).sum();
        let mut r = self.range(0, total - 1);
        for &(item, w) in items {
            if r < w {
                return item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }
}

// ---------------------------------------------------------------------------------------------
// Fictional study data.

#[rustfmt::skip]
const CASES: &[&str] = &[
    "Havenstad", "Veenoord", "Dijkerveld", "Lindewaard", "Kreekhoven", "Heidemeer", "Brugdorp",
    "Ravensloot", "Zilverhaven", "Wilgendaal", "Molenveen", "Waterbrug",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Statushouder,
    Gezinsmigrant,
    Beleid,
    Uitvoering,
    Werkgever,
    Expertgroep,
}

impl Role {
    const ALL: [Role; 6] = [
        Role::Statushouder,
        Role::Gezinsmigrant,
        Role::Beleid,
        Role::Uitvoering,
        Role::Werkgever,
        Role::Expertgroep,
    ];

    fn label(self) -> &'static str {
        match self {
            Role::Statushouder => "statushouder",
            Role::Gezinsmigrant => "gezinsmigrant",
            Role::Beleid => "professional beleid",
            Role::Uitvoering => "professional uitvoering",
            Role::Werkgever => "werkgever",
            Role::Expertgroep => "professional expertgroep",
        }
    }

    /// The short form used in document ids.
    fn abbr(self) -> &'static str {
        match self {
            Role::Statushouder => "sh",
            Role::Gezinsmigrant => "gm",
            Role::Beleid => "beleid",
            Role::Uitvoering => "uitvoering",
            Role::Werkgever => "werkgevers",
            Role::Expertgroep => "expert",
        }
    }

    /// Respondent id prefix: R for inburgeraars, P for everyone else (as in the bundled study).
    fn is_inburgeraar(self) -> bool {
        matches!(self, Role::Statushouder | Role::Gezinsmigrant)
    }

    /// Drawn attributes of a respondent in this role.
    fn attributes(self, gender: &'static str, rng: &mut Rng) -> Vec<(&'static str, &'static str)> {
        const ROUTES: &[&str] = &["B1-route", "B1-route", "Z-route", "onderwijsroute"];
        const AGES: &[&str] = &["18-24", "25-34", "35-44", "45-54", "55-64"];
        match self {
            Role::Statushouder | Role::Gezinsmigrant => vec![
                ("route", *rng.pick(ROUTES)),
                ("geslacht", gender),
                ("leeftijd", *rng.pick(AGES)),
            ],
            Role::Beleid => vec![(
                "functie",
                *rng.pick(&[
                    "beleidsadviseur inburgering",
                    "programmamanager",
                    "teamleider",
                    "beleidsmedewerker werk en inkomen",
                    "strategisch adviseur",
                ]),
            )],
            Role::Uitvoering => vec![(
                "functie",
                *rng.pick(&[
                    "klantmanager",
                    "consulent statushouders",
                    "consulent gezinsmigranten",
                    "jobcoach",
                    "trajectbegeleider",
                    "regioverbinder",
                    "aanjager werkgeversdienstverlening",
                ]),
            )],
            Role::Werkgever => vec![(
                "sector",
                *rng.pick(&[
                    "installatietechniek",
                    "zorg",
                    "logistiek",
                    "horeca",
                    "schoonmaak",
                    "bouw",
                    "detailhandel",
                    "metaal",
                ]),
            )],
            Role::Expertgroep => vec![(
                "expertise",
                *rng.pick(&[
                    "taalonderwijs",
                    "arbeidsmarkt",
                    "onderzoek",
                    "vluchtelingenwerk",
                    "gemeentelijk beleid",
                ]),
            )],
        }
    }
}

/// Researchers: (first name, full name). Interviewer labels in WebVTT files.
const RESEARCHERS: &[(&str, &str)] = &[
    ("Linda", "Linda Vermeulen"),
    ("Tom", "Tom Hendriks"),
    ("Eline", "Eline Verbeek"),
    ("Rik", "Rik Jacobs"),
    ("Saskia", "Saskia van Wijk"),
    ("Ahmed", "Ahmed Bennani"),
    ("Judith", "Judith Claassen"),
    ("Martijn", "Martijn Hoekstra"),
];

/// Respondents' first names (the bundled study's names among them, since its sentences
/// mention them and the pseudonyms should catch them).
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    // Men (the first MEN names).
    "Jeroen", "Hans", "Mehmet", "Youssef", "Bas", "Ruud", "Gerard", "Dennis", "Wouter", "Karim",
    "Samir", "Yonas", "Sjoerd", "Erik", "Bram", "Stefan", "Willem", "Marco", "Rutger", "Sander",
    "Khalid", "Tesfay", "Ahmad", "Hussein", "Ibrahim", "Amanuel", "Abdi", "Walid", "Tariq",
    "Dmytro", "Luis", "Ravi", "Joseph", "Mohammed", "Hamza", "Bashir", "Reza", "Arash", "Kidane",
    "Robel", "Filmon",
    // Women.
    "Esra", "Nadia", "Petra", "Anouk", "Karin", "Fatma", "Monique", "Sanne", "Ingrid", "Lotte",
    "Mariam", "Ana", "Priya", "Fadwa", "Marloes", "Annelies", "Maaike", "Hanneke", "Jolanda",
    "Nicole", "Mirjam", "Kim", "Yasmina", "Aisha", "Senait", "Rasha", "Dilan", "Zeynep", "Noor",
    "Farah", "Helen", "Hodan", "Reem", "Olga", "Oksana", "Irina", "Maria", "Carmen", "Anjali",
    "Grace", "Blessing", "Amina", "Lina", "Nour", "Ghazal", "Shirin", "Selam", "Luam", "Hiba",
];

/// How many of [`FIRST_NAMES`] are men's names.
const MEN: usize = 41;

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Bakker", "Yilmaz", "Kooistra", "El Amrani", "van Dijk", "Kaya", "Chaouch", "de Graaf",
    "Jansen", "de Boer", "Visser", "Smits", "Meijer", "de Jong", "Mulder", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Koster", "Huisman", "Postma", "Kuipers", "van der Veen", "van Leeuwen",
    "Öztürk", "Demir", "Şahin", "Çelik", "Benali", "El Idrissi", "Bouzid", "Haddad", "Al Hassan",
    "Tesfamariam", "Gebremedhin", "Haile", "Mohamud", "Warsame", "Kovalenko", "Shevchenko",
    "Petrenko", "Rahimi", "Hosseini", "Ahmadi", "Nguyen", "Sharma", "Okafor", "Mensah", "Santos",
];

#[rustfmt::skip]
const PSEUDO_FIRST: &[&str] = &[
    "Pim", "Derya", "Gert", "Salma", "Ellen", "Emre", "Bilal", "Femke", "Wilma", "Joost", "Hatice",
    "Kees", "Theo", "Ria", "Iris", "Frank", "Marjan", "Hamid", "Eva", "Omar", "Daniel", "Layla",
    "Julia", "Meera", "Rania", "Lieke", "Jasper", "Nina", "Ruben", "Merel", "Sara", "Yusuf",
    "Leyla", "Amir", "Dana", "Selin", "Hugo", "Floor", "Koen", "Esther", "Tarek", "Mila", "Jonas",
    "Zara", "Berend", "Inge", "Tamar", "Hakim", "Yara", "Milan",
];

#[rustfmt::skip]
const PSEUDO_SURNAMES: &[&str] = &[
    "Smit", "de Vries", "van den Berg", "Willems", "Janssen", "Maas", "Verhoeven", "Kok",
    "Schouten", "Aydın", "Koç", "Mansouri", "Tekle", "Osman", "Bondarenko", "Karimi", "Pham",
    "Mehta", "Adeyemi", "Ferreira", "van Beek", "Timmermans", "Groen", "Hermans",
];

const THEMES: &[&str] = &[
    "aankomst en de brede intake",
    "taal leren",
    "werk en participatie",
    "dualiteit in de praktijk",
    "samenwerking met de gemeente",
    "de rol van werkgevers",
    "knelpunten en wachttijden",
    "wat werkt, voor wie en waarom",
    "maatwerk en het PIP",
    "vooruitblik en afronding",
];

// ---------------------------------------------------------------------------------------------
// Sentences from the bundled corpus.

/// The sentences every turn is drawn from.
struct Pool {
    statements: Vec<String>,
    questions: Vec<String>,
}

/// Lowercase name particles allowed in a speaker label (as in icamo's text parser).
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "'t", "’t", "te", "ter", "ten", "el", "al", "la", "le", "du",
    "da", "di", "del", "dos", "das", "von", "bin", "ben", "ibn", "bint",
];

/// Whether `s` (without timestamps) is a speaker label by icamo's grammar: one to five words,
/// each capitalised, a number or a particle, at least one not a particle.
fn valid_label(s: &str) -> bool {
    let mut words = 0;
    let mut strong = false;
    for w in s.split_whitespace() {
        words += 1;
        let Some(first) = w.chars().next() else {
            return false;
        };
        let allowed =
            |c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.' | '_' | '&');
        if !w.chars().all(allowed) {
            return false;
        }
        if first.is_uppercase() || first.is_ascii_digit() {
            strong = true;
        } else if !PARTICLES.contains(&w) {
            return false;
        }
    }
    (1..=5).contains(&words) && strong
}

/// Whether a token is a timestamp-ish thing (`00:12:03`, `[00:12]`, `(1:02:03)`).
fn timeish(s: &str) -> bool {
    let t = s.trim_matches(['[', ']', '(', ')']);
    !t.is_empty()
        && t.contains(':')
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | ','))
}

/// If `line` starts a turn by icamo's label grammar (`Label: text`, `[00:01] Label: text`,
/// `Label (00:01): text`), the text after the label. Errs on the side of "yes".
fn after_label(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let colon = (0..bytes.len()).find(|&i| {
        bytes[i] == b':' && line[i + 1..].chars().next().is_none_or(char::is_whitespace)
    })?;
    let mut head = line[..colon].trim();
    if let Some((first, rest)) = head.split_once(char::is_whitespace)
        && timeish(first)
    {
        head = rest.trim();
    }
    if let Some((rest, last)) = head.rsplit_once(char::is_whitespace)
        && timeish(last)
    {
        head = rest.trim();
    }
    valid_label(head).then(|| line[colon + 1..].trim_start())
}

/// Removes `<tag>`s and Markdown emphasis characters.
fn strip_markup(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('>') {
            Some(j) if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') => {
                rest = &after[j + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Few-word English test: more English than Dutch function words.
fn is_english(s: &str) -> bool {
    #[rustfmt::skip]
    const EN: &[&str] = &[
        "the", "and", "you", "your", "to", "it", "of", "that", "was", "were", "my", "me", "we",
        "they", "them", "their", "have", "has", "but", "with", "this", "these", "what", "for",
        "are", "because", "i", "i'm", "it's", "don't", "yes", "very", "so", "there", "work", "not",
        "can", "do", "did", "he", "she", "his", "before", "after", "about", "from", "when", "how",
        "why", "who", "would", "could", "should", "like", "just", "know", "think", "really",
        "things", "people", "job", "first", "then", "no", "our", "been", "be", "will", "am", "at",
        "on", "or", "if", "nobody", "asked", "said", "okay", "good", "here", "now", "all", "one",
    ];
    const NL: &[&str] = &[
        "de", "het", "een", "en", "ik", "je", "niet", "dat", "van", "wat", "maar", "met", "die",
        "er", "ook", "wij", "zijn", "heel", "nog", "wel", "ja", "nee", "dan", "voor", "kan",
    ];
    let (mut en, mut nl) = (0, 0);
    for w in s.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let w = w.to_lowercase();
        en += usize::from(EN.contains(&w.as_str()));
        nl += usize::from(NL.contains(&w.as_str()));
    }
    en > nl
}

/// Splits running text into sentences and adds the usable ones to the pool.
fn add_sentences(text: &str, pool: &mut Pool, seen: &mut HashSet<String>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0;
    let mut i = 0;
    let mut pieces = Vec::new();
    while i < chars.len() {
        if !matches!(chars[i].1, '.' | '?' | '!' | '…') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len()
            && matches!(
                chars[j].1,
                '.' | '?' | '!' | '…' | '"' | '”' | '’' | '\'' | ')' | ']'
            )
        {
            j += 1;
        }
        if j < chars.len() && !chars[j].1.is_whitespace() {
            i = j;
            continue;
        }
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        let opens = k == chars.len() || {
            let c = chars[k].1;
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(c, '[' | '"' | '“' | '\'' | '‘' | '(')
        };
        if opens {
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            pieces.push(&text[start..end]);
            start = chars.get(k).map_or(text.len(), |&(b, _)| b);
        }
        i = k.max(i + 1);
    }
    if start < text.len() && text[start..].split_whitespace().count() >= 3 {
        pieces.push(&text[start..]);
    }
    for piece in pieces {
        let s = piece.split_whitespace().collect::<Vec<_>>().join(" ");
        let usable = s.chars().any(char::is_alphabetic)
            && s.len() <= 600
            && !s.contains(['<', '>', '*', '`', '_', '#', '|', '{', '}', '\\', '~'])
            && !is_english(&s);
        if usable && seen.insert(s.clone()) {
            let question = s
                .trim_end_matches(['"', '”', '’', '\'', ')', ']'])
                .ends_with('?');
            if question {
                pool.questions.push(s);
            } else {
                pool.statements.push(s);
            }
        }
    }
}

/// Reads the bundled transcripts as plain text and collects their sentences.
fn load_pool(dir: &Path) -> Result<Pool, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read the bundled corpus {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "txt" | "md" | "srt" | "vtt"))
        })
        .collect();
    files.sort();
    let mut pool = Pool {
        statements: Vec::new(),
        questions: Vec::new(),
    };
    let mut seen = HashSet::new();
    for path in &files {
        let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let paragraphs = matches!(ext, "txt" | "md");
        let mut buf = String::new();
        let mut voice = String::new();
        let mut front_matter = false;
        for (no, raw) in text.lines().enumerate() {
            let line = raw.trim().trim_start_matches('\u{feff}').trim();
            if no == 0 && line == "---" {
                front_matter = true;
                continue;
            }
            if front_matter {
                front_matter = line != "---";
                continue;
            }
            if line.is_empty() {
                if paragraphs {
                    add_sentences(&buf, &mut pool, &mut seen);
                    buf.clear();
                }
                continue;
            }
            let cue_id = ext == "vtt" && !line.contains(' ') && line.contains('/');
            if line == "WEBVTT"
                || line.contains("-->")
                || line.bytes().all(|b| b.is_ascii_digit())
                || cue_id
            {
                continue;
            }
            if line.starts_with('#') {
                add_sentences(&buf, &mut pool, &mut seen);
                buf.clear();
                continue;
            }
            let mut s = line;
            if let Some(rest) = s.strip_prefix("<v ")
                && let Some(close) = rest.find('>')
            {
                if rest[..close] != voice {
                    add_sentences(&buf, &mut pool, &mut seen);
                    buf.clear();
                    voice = rest[..close].to_string();
                }
                s = &rest[close + 1..];
            }
            if let Some(rest) = s.strip_prefix("**")
                && let Some(end) = rest.find(":**").or_else(|| rest.find("**:"))
            {
                add_sentences(&buf, &mut pool, &mut seen);
                buf.clear();
                s = rest[end + 3..].trim_start();
            }
            if let Some(rest) = after_label(s) {
                add_sentences(&buf, &mut pool, &mut seen);
                buf.clear();
                s = rest;
            }
            if !buf.is_empty() {
                buf.push(' ');
            }
            strip_markup(s, &mut buf);
        }
        add_sentences(&buf, &mut pool, &mut seen);
    }
    if pool.statements.len() < 50 || pool.questions.len() < 10 {
        return Err(format!(
            "found only {} sentences and {} questions in {}: is the bundled corpus there?",
            pool.statements.len(),
            pool.questions.len(),
            dir.display()
        ));
    }
    Ok(pool)
}

// ---------------------------------------------------------------------------------------------
// Documents.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Text,
    Markdown,
    Vtt,
    Srt,
    Docx,
}

impl Fmt {
    const ALL: [Fmt; 5] = [Fmt::Text, Fmt::Markdown, Fmt::Vtt, Fmt::Srt, Fmt::Docx];

    fn ext(self) -> &'static str {
        match self {
            Fmt::Text => "txt",
            Fmt::Markdown => "md",
            Fmt::Vtt => "vtt",
            Fmt::Srt => "srt",
            Fmt::Docx => "docx",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Fmt::Text => "text",
            Fmt::Markdown => "markdown",
            Fmt::Vtt => "vtt",
            Fmt::Srt => "srt",
            Fmt::Docx => "docx",
        }
    }
}

/// One respondent of one document.
struct Speaker {
    label: String,
    respondent: String,
    role: Role,
    attributes: Vec<(&'static str, &'static str)>,
}

/// What the manifest says about one document (its text is never kept).
struct DocMeta {
    id: String,
    file: String,
    case: &'static str,
    group: String,
    kind: &'static str,
    date: String,
    title: String,
    interviewer: String,
    speakers: Vec<Speaker>,
}

/// Running counters for ids and group numbers.
#[derive(Default)]
struct Counters {
    inburgeraars: u64,
    professionals: u64,
    focus_groups: u64,
}

/// Draws everything about document `index` except its text.
fn plan_doc(index: usize, fmt: Fmt, rng: &mut Rng, counters: &mut Counters) -> DocMeta {
    let respondents = if rng.chance(50) {
        1
    } else {
        rng.range(2, 6) as usize
    };
    let interview = respondents == 1;
    let main = if interview {
        rng.weighted(&[
            (Role::Statushouder, 40),
            (Role::Gezinsmigrant, 35),
            (Role::Uitvoering, 10),
            (Role::Werkgever, 8),
            (Role::Beleid, 5),
            (Role::Expertgroep, 2),
        ])
    } else {
        rng.weighted(&[
            (Role::Uitvoering, 25),
            (Role::Beleid, 20),
            (Role::Werkgever, 20),
            (Role::Statushouder, 15),
            (Role::Gezinsmigrant, 10),
            (Role::Expertgroep, 10),
        ])
    };
    let mixed = !interview && rng.chance(20);
    let case = *rng.pick(CASES);
    let date = format!(
        "{}-{:02}-{:02}",
        rng.range(2024, 2025),
        rng.range(1, 12),
        rng.range(1, 28)
    );
    let researcher = *rng.pick(RESEARCHERS);
    let interviewer = match (fmt, interview) {
        (Fmt::Vtt, _) => researcher.1.to_string(),
        (_, true) => "Interviewer".to_string(),
        (_, false) => "Moderator".to_string(),
    };
    let (kind, prefix) = if interview {
        ("interview", "int")
    } else {
        ("focusgroep", "fg")
    };
    let abbr = if mixed { "mix" } else { main.abbr() };
    let id = format!("{prefix}-{abbr}-{:06}", index + 1);
    let file = format!(
        "corpus/batch-{:03}/{id}.{}",
        index / FILES_PER_DIR + 1,
        fmt.ext()
    );
    let group = if interview {
        format!("interviews {}", main.label())
    } else {
        counters.focus_groups += 1;
        format!("focusgroep {}", counters.focus_groups)
    };
    // Never a bare label such as "Focusgroep Veenoord": a Markdown heading holding only a label
    // starts a turn.
    let title = if interview {
        format!("Interview met een {} in {case}", main.label())
    } else if mixed {
        format!("Focusgroep in {case}")
    } else {
        format!("Focusgroep {} in {case}", main.label())
    };
    debug_assert!(!valid_label(&title));
    let mut used: Vec<usize> = Vec::with_capacity(respondents);
    let mut speakers = Vec::with_capacity(respondents);
    while speakers.len() < respondents {
        let first = rng.below(FIRST_NAMES.len());
        if used.contains(&first) {
            continue;
        }
        used.push(first);
        let role = if mixed { *rng.pick(&Role::ALL) } else { main };
        let label = if fmt == Fmt::Vtt {
            format!("{} {}", FIRST_NAMES[first], rng.pick(SURNAMES))
        } else {
            FIRST_NAMES[first].to_string()
        };
        let respondent = if role.is_inburgeraar() {
            counters.inburgeraars += 1;
            format!("R{:05}", counters.inburgeraars)
        } else {
            counters.professionals += 1;
            format!("P{:05}", counters.professionals)
        };
        let gender = if first < MEN { "man" } else { "vrouw" };
        let attributes = role.attributes(gender, rng);
        speakers.push(Speaker {
            label,
            respondent,
            role,
            attributes,
        });
    }
    DocMeta {
        id,
        file,
        case,
        group,
        kind,
        date,
        title,
        interviewer,
        speakers,
    }
}

/// `hh:mm:ss`.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `hh:mm:ss.mmm` (WebVTT) or `hh:mm:ss,mmm` (SRT).
fn cue_time(ms: u64, sep: char) -> String {
    format!("{}{sep}{:03}", clock(ms), ms % 1000)
}

/// Splits `words` into runs of `lo..=hi` words, folding a short tail into the run before.
fn chunks(words: &[&str], lo: u64, hi: u64, rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut n = (rng.range(lo, hi) as usize).min(words.len() - i);
        if words.len() - i - n < 3 {
            n = words.len() - i;
        }
        out.push((i, i + n));
        i += n;
    }
    out
}

/// Writes one document's transcript to `path`; returns its size in bytes and the bytes of
/// text it holds (the same but for a DOCX, whose XML is compressed).
fn write_doc(
    path: &Path,
    meta: &DocMeta,
    fmt: Fmt,
    target: u64,
    rng: &mut Rng,
    pool: &Pool,
) -> Result<(u64, u64), String> {
    let err = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(err)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let mut buf = String::with_capacity(16 * 1024);
    let mut written = 0u64;

    match fmt {
        Fmt::Markdown => {
            let _ = write!(
                buf,
                "---\ntitel: {}\ntype: {}\ngemeente: {}\ndatum: {}\n---\n\n# {}\n\n",
                meta.title, meta.kind, meta.case, meta.date, meta.title
            );
        }
        Fmt::Vtt => buf.push_str("WEBVTT\n\n"),
        Fmt::Docx => {
            buf.push_str(DOCX_BODY_START);
            docx_paragraph(&mut buf, Some("Title"), &meta.title);
        }
        Fmt::Text | Fmt::Srt => {}
    }
    // A DOCX is zipped at the end: its XML is kept whole until then.
    let mut docx_xml = String::new();
    let label_above = fmt == Fmt::Docx && rng.chance(50);
    let guid = {
        let (a, b) = (rng.next_u64(), rng.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    };

    let mut now = rng.range(1_000, 9_000);
    let mut turn_no = 0u64;
    let mut cue_no = 0u64;
    let mut theme_no = 0usize;
    let mut next_theme = rng.range(2, 10);
    // Index of the last speaker: None for the interviewer.
    let mut last: Option<usize> = Some(usize::MAX);
    let mut sentences: Vec<&str> = Vec::with_capacity(8);
    let mut words: Vec<&str> = Vec::with_capacity(256);
    let mut line = String::with_capacity(256);
    let n = meta.speakers.len();

    while turn_no == 0 || written + (buf.len() as u64) < target {
        // Who speaks: the interviewer after a respondent; in a focus group sometimes another
        // respondent reacts directly.
        let speaker = match last {
            None => Some(rng.below(n)),
            Some(prev) if prev != usize::MAX && n > 1 && rng.chance(35) => {
                let other = rng.below(n - 1);
                Some(if other >= prev { other + 1 } else { other })
            }
            Some(_) => None,
        };
        last = speaker;
        let label = speaker.map_or(meta.interviewer.as_str(), |i| {
            meta.speakers[i].label.as_str()
        });

        sentences.clear();
        if speaker.is_none() {
            for _ in 0..rng.range(0, 2) {
                sentences.push(rng.pick(&pool.statements).as_str());
            }
            sentences.push(rng.pick(&pool.questions).as_str());
        } else {
            for _ in 0..rng.range(1, 8) {
                sentences.push(rng.pick(&pool.statements).as_str());
            }
        }
        words.clear();
        words.extend(sentences.iter().flat_map(|s| s.split_whitespace()));
        let ms_per_word = rng.range(300, 480);
        let start = now;
        let end = start + words.len() as u64 * ms_per_word;
        now = end + rng.range(300, 5_000);

        match fmt {
            Fmt::Text => {
                let _ = write!(buf, "[{}] {label}:", clock(start));
                for s in &sentences {
                    buf.push(' ');
                    buf.push_str(s);
                }
                buf.push_str("\n\n");
            }
            Fmt::Markdown => {
                if turn_no == next_theme {
                    theme_no += 1;
                    let theme = THEMES[(theme_no - 1) % THEMES.len()];
                    let _ = write!(buf, "## Thema {theme_no}: {theme}\n\n");
                    next_theme += rng.range(12, 40);
                }
                let _ = write!(buf, "**{label}:**");
                let split = if sentences.len() >= 5 && rng.chance(50) {
                    rng.range(2, sentences.len() as u64 - 2) as usize
                } else {
                    usize::MAX
                };
                for (i, s) in sentences.iter().enumerate() {
                    buf.push_str(if i == split { "\n\n" } else { " " });
                    buf.push_str(s);
                }
                buf.push_str("\n\n");
            }
            Fmt::Vtt => {
                let mut t = start;
                for (m, (a, b)) in chunks(&words, 8, 15, rng).into_iter().enumerate() {
                    let e = t + (b - a) as u64 * ms_per_word;
                    let _ = write!(
                        buf,
                        "{guid}/{turn_no}-{m}\n{} --> {}\n<v {label}>{}</v>\n\n",
                        cue_time(t, '.'),
                        cue_time(e, '.'),
                        words[a..b].join(" ")
                    );
                    t = e;
                }
            }
            Fmt::Docx => {
                if turn_no == next_theme {
                    theme_no += 1;
                    let theme = THEMES[(theme_no - 1) % THEMES.len()];
                    line.clear();
                    let _ = write!(line, "Thema {theme_no}: {theme}");
                    docx_paragraph(&mut buf, Some("Heading1"), &line);
                    next_theme += rng.range(12, 40);
                }
                line.clear();
                // A paragraph of text that opens like `Word: …` would read as a new turn.
                if label_above && sentences.iter().all(|s| after_label(s).is_none()) {
                    let _ = write!(line, "{label}\t{}", clock(start));
                    docx_paragraph(&mut buf, None, &line);
                    let split = if sentences.len() >= 4 {
                        rng.range(1, sentences.len() as u64 - 1) as usize
                    } else {
                        usize::MAX
                    };
                    line.clear();
                    for (i, s) in sentences.iter().enumerate() {
                        if i == split {
                            docx_paragraph(&mut buf, None, line.trim_start());
                            line.clear();
                        }
                        line.push(' ');
                        line.push_str(s);
                    }
                    docx_paragraph(&mut buf, None, line.trim_start());
                } else {
                    let _ = write!(line, "[{}] {label}:", clock(start));
                    for s in &sentences {
                        line.push(' ');
                        line.push_str(s);
                    }
                    docx_paragraph(&mut buf, None, &line);
                }
            }
            Fmt::Srt => {
                let mut runs = chunks(&words, 6, 14, rng);
                // A cue must not start with something the parser would take for a label.
                let mut i = 1;
                while i < runs.len() {
                    line.clear();
                    line.push_str(&words[runs[i].0..runs[i].1].join(" "));
                    if after_label(&line).is_some() {
                        runs[i - 1].1 = runs[i].1;
                        runs.remove(i);
                    } else {
                        i += 1;
                    }
                }
                let mut t = start;
                for (m, &(a, b)) in runs.iter().enumerate() {
                    let e = t + (b - a) as u64 * ms_per_word;
                    cue_no += 1;
                    line.clear();
                    if m == 0 {
                        let _ = write!(line, "{label}: ");
                    }
                    line.push_str(&words[a..b].join(" "));
                    let _ = write!(
                        buf,
                        "{cue_no}\n{} --> {}\n",
                        cue_time(t, ','),
                        cue_time(e, ',')
                    );
                    let wrap = (line.len() > SRT_LINE)
                        .then(|| {
                            let mut mid = line.len() / 2;
                            while !line.is_char_boundary(mid) {
                                mid -= 1;
                            }
                            let before = line[..mid].rfind(' ');
                            let after = line[mid..].find(' ').map(|j| mid + j);
                            match (before, after) {
                                (Some(x), Some(y)) => Some(if mid - x <= y - mid { x } else { y }),
                                (x, y) => x.or(y),
                            }
                        })
                        .flatten()
                        .filter(|&sp| {
                            after_label(&line[sp + 1..]).is_none()
                                && (m > 0 || sp > label.len() + 1)
                        });
                    match wrap {
                        Some(sp) => {
                            buf.push_str(&line[..sp]);
                            buf.push('\n');
                            buf.push_str(&line[sp + 1..]);
                        }
                        None => buf.push_str(&line),
                    }
                    buf.push_str("\n\n");
                    t = e;
                }
            }
        }
        turn_no += 1;
        if buf.len() >= 8 * 1024 {
            if fmt == Fmt::Docx {
                docx_xml.push_str(&buf);
            } else {
                out.write_all(buf.as_bytes()).map_err(err)?;
            }
            written += buf.len() as u64;
            buf.clear();
        }
    }
    if fmt == Fmt::Docx {
        buf.push_str(DOCX_BODY_END);
        docx_xml.push_str(&buf);
        written += buf.len() as u64;
        let file = out.into_inner().map_err(|e| err(e.into_error()))?;
        let size = write_docx(file, &docx_xml)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        return Ok((size, written));
    }
    out.write_all(buf.as_bytes()).map_err(err)?;
    written += buf.len() as u64;
    out.flush().map_err(err)?;
    Ok((written, written))
}

const DOCX_BODY_START: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
);
const DOCX_BODY_END: &str = "<w:sectPr/></w:body></w:document>\n";
const DOCX_CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"</Types>"#,
);
const DOCX_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"</Relationships>"#,
);

/// Appends a paragraph (with a style, or none) holding `text`, a tab as `<w:tab/>`.
fn docx_paragraph(buf: &mut String, style: Option<&str>, text: &str) {
    buf.push_str("<w:p>");
    if let Some(style) = style {
        let _ = write!(buf, r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#);
    }
    buf.push_str("<w:r>");
    for (i, part) in text.split('\t').enumerate() {
        if i > 0 {
            buf.push_str("<w:tab/>");
        }
        buf.push_str(r#"<w:t xml:space="preserve">"#);
        for c in part.chars() {
            match c {
                '&' => buf.push_str("&amp;"),
                '<' => buf.push_str("&lt;"),
                '>' => buf.push_str("&gt;"),
                c => buf.push(c),
            }
        }
        buf.push_str("</w:t>");
    }
    buf.push_str("</w:r></w:p>");
}

/// Writes a DOCX package whose main part is `document`; returns the file's size.
fn write_docx(file: fs::File, document: &str) -> zip::result::ZipResult<u64> {
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, body) in [
        ("[Content_Types].xml", DOCX_CONTENT_TYPES),
        ("_rels/.rels", DOCX_RELS),
        ("word/document.xml", document),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(body.as_bytes())?;
    }
    let file = zip.finish()?;
    Ok(file.metadata()?.len())
}

// ---------------------------------------------------------------------------------------------
// Manifest.

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `DIR/icamo.toml`.
fn write_manifest(path: &Path, size_arg: &str, seed: u64, docs: &[DocMeta]) -> Result<(), String> {
    let err = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(err)?;
    let mut out = BufWriter::new(file);
    let mut s = String::new();
    let _ = write!(
        s,
        "# A synthetic study for measuring icamo at scale, written by examples/gen_corpus.rs\n\
         # (--size {size_arg} --seed {seed}). The turns are sentences of the bundled example corpus,\n\
         # drawn at random; every municipality and name is invented.\n\n\
         [study]\n\
         name = {}\n\
         language = \"nl\"\n\
         transcripts = [\"corpus\"]\n\n",
        toml_str(&format!("Synthetische studie (seed {seed}, {size_arg})"))
    );
    s.push_str(
        "# ---------------------------------------------------------------------------------------------\n\
         # Documents: one entry per transcript.\n",
    );
    out.write_all(s.as_bytes()).map_err(err)?;
    for d in docs {
        s.clear();
        let _ = write!(
            s,
            "\n[[documents]]\nfile = {}\ncase = {}\ngroup = {}\ntype = {}\ndate = {}\n",
            toml_str(&d.file),
            toml_str(d.case),
            toml_str(&d.group),
            toml_str(d.kind),
            toml_str(&d.date)
        );
        out.write_all(s.as_bytes()).map_err(err)?;
    }
    s.clear();
    s.push_str(
        "\n# ---------------------------------------------------------------------------------------------\n\
         # Speakers: interviewers first, then every respondent, scoped to its document.\n",
    );
    for label in ["Interviewer", "Moderator"]
        .into_iter()
        .chain(RESEARCHERS.iter().map(|r| r.1))
    {
        let _ = write!(
            s,
            "\n[[speakers]]\nlabel = {}\ninterviewer = true\n",
            toml_str(label)
        );
    }
    out.write_all(s.as_bytes()).map_err(err)?;
    for d in docs {
        for sp in &d.speakers {
            s.clear();
            let _ = write!(
                s,
                "\n[[speakers]]\nlabel = {}\nrespondent = {}\nrole = {}\ndocuments = [{}]\n",
                toml_str(&sp.label),
                toml_str(&sp.respondent),
                toml_str(sp.role.label()),
                toml_str(&d.id)
            );
            if !sp.attributes.is_empty() {
                s.push_str("attributes = { ");
                for (i, (k, v)) in sp.attributes.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let _ = write!(s, "{k} = {}", toml_str(v));
                }
                s.push_str(" }\n");
            }
            out.write_all(s.as_bytes()).map_err(err)?;
        }
    }
    s.clear();
    s.push_str(
        "\n# ---------------------------------------------------------------------------------------------\n\
         # Pseudonyms: applied to speaker labels and to the text of every stored segment.\n\n\
         [pseudonyms]\n",
    );
    let mut keys = HashSet::new();
    for (i, (first, full)) in RESEARCHERS.iter().enumerate() {
        for real in [full, first] {
            if keys.insert(*real) {
                let _ = writeln!(s, "{} = \"Onderzoeker {}\"", toml_str(real), i + 1);
            }
        }
    }
    for (i, real) in FIRST_NAMES.iter().enumerate() {
        if keys.insert(*real) {
            let pseudo = PSEUDO_FIRST[i % PSEUDO_FIRST.len()];
            let _ = writeln!(s, "{} = {}", toml_str(real), toml_str(pseudo));
        }
    }
    for (i, real) in SURNAMES.iter().enumerate() {
        if keys.insert(*real) {
            let pseudo = PSEUDO_SURNAMES[i % PSEUDO_SURNAMES.len()];
            let _ = writeln!(s, "{} = {}", toml_str(real), toml_str(pseudo));
        }
    }
    out.write_all(s.as_bytes()).map_err(err)?;
    out.flush().map_err(err)
}

// ---------------------------------------------------------------------------------------------
// Command line.

const USAGE: &str =
    "usage: cargo run --release --example gen_corpus -- --out DIR --size SIZE [--seed N]

  --out DIR    folder to create (must not exist, or be empty)
  --size SIZE  total transcript size, e.g. 500KB, 10MB, 1GB (K/M/G = 1000^n, KiB/MiB/GiB = 1024^n)
  --seed N     seed for the generator (default 42); same seed and size give identical output";

struct Args {
    out: PathBuf,
    size: u64,
    size_arg: String,
    seed: u64,
}

/// `500KB`, `10MB`, `1.5GB`, `64MiB`, `123456` → bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num
        .parse()
        .map_err(|_| format!("--size {s:?}: expected a number with a unit, like 100MB"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "--size {s:?}: unknown unit {other:?} (use KB, MB, GB)"
            ));
        }
    };
    let bytes = (num * mult).round();
    if !(1.0..1e15).contains(&bytes) {
        return Err(format!("--size {s:?}: must be between 1 byte and 1 PB"));
    }
    Ok(bytes as u64)
}

/// Parses the command line; `Ok(None)` after printing `--help`.
fn parse_args() -> Result<Option<Args>, String> {
    let mut out = None;
    let mut size = None;
    let mut seed = 42u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"))
        };
        match name.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--out" | "-o" => out = Some(PathBuf::from(value()?)),
            "--size" | "-s" => size = Some(value()?),
            "--seed" => {
                let v = value()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v:?}: expected a whole number"))?;
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("--out is required\n\n{USAGE}"))?;
    let size_arg = size.ok_or_else(|| format!("--size is required\n\n{USAGE}"))?;
    Ok(Some(Args {
        out,
        size: parse_size(&size_arg)?,
        size_arg,
        seed,
    }))
}

/// Creates `out` (or accepts it empty); refuses anything that holds files.
fn prepare_out(out: &Path) -> Result<(), String> {
    match fs::metadata(out) {
        Ok(m) if !m.is_dir() => {
            return Err(format!(
                "--out {} exists and is not a folder",
                out.display()
            ));
        }
        Ok(_) => {
            let mut entries = fs::read_dir(out)
                .map_err(|e| format!("cannot read --out {}: {e}", out.display()))?;
            if entries.next().is_some() {
                return Err(format!(
                    "--out {} exists and is not empty; refusing to overwrite anything \
                     (choose a new folder or empty it yourself)",
                    out.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot inspect --out {}: {e}", out.display())),
    }
    fs::create_dir_all(out.join("corpus"))
        .map_err(|e| format!("cannot create {}: {e}", out.join("corpus").display()))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let started = Instant::now();
    let pool = load_pool(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"))?;
    prepare_out(&args.out)?;
    eprintln!(
        "gen_corpus: {} sentences and {} questions from the bundled corpus; writing {} ({} bytes, seed {}) to {}",
        pool.statements.len(),
        pool.questions.len(),
        args.size_arg,
        args.size,
        args.seed,
        args.out.display()
    );

    let mut sizes = Rng::new(args.seed, u64::MAX);
    let mut counters = Counters::default();
    let mut docs: Vec<DocMeta> = Vec::new();
    // Files, file bytes and text bytes per format.
    let mut per_format = [(0u64, 0u64, 0u64); 5];
    let mut total = 0u64;
    let mut reported = 0u64;
    // Small studies get smaller files, so that every format has some.
    let cap = MAX_TARGET.min((args.size / 4).max(MIN_FILE));
    while total < args.size {
        let remaining = args.size - total;
        let target = if remaining <= cap {
            remaining
        } else if remaining < cap + MIN_FILE {
            remaining / 2
        } else {
            sizes.range(MIN_FILE, cap.min(remaining - MIN_FILE))
        };
        // The format with the least text so far (the first of those on a tie).
        let f = (0..5).min_by_key(|&i| (per_format[i].2, i)).unwrap_or(0);
        let fmt = Fmt::ALL[f];
        let index = docs.len();
        let mut rng = Rng::new(args.seed, index as u64);
        let meta = plan_doc(index, fmt, &mut rng, &mut counters);
        let path = args.out.join(&meta.file);
        if index.is_multiple_of(FILES_PER_DIR)
            && let Some(dir) = path.parent()
        {
            fs::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let (bytes, text) = write_doc(&path, &meta, fmt, target, &mut rng, &pool)?;
        docs.push(meta);
        per_format[f].0 += 1;
        per_format[f].1 += bytes;
        per_format[f].2 += text;
        total += bytes;
        let decile = (total.min(args.size) * 10 / args.size).min(10);
        if decile > reported {
            reported = decile;
            eprintln!(
                "gen_corpus: {:3}%  {:.1} MB in {} files  ({:.1} s)",
                decile * 10,
                mb(total),
                docs.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    write_manifest(
        &args.out.join("icamo.toml"),
        &args.size_arg,
        args.seed,
        &docs,
    )?;
    let secs = started.elapsed().as_secs_f64();
    let split: Vec<String> = Fmt::ALL
        .iter()
        .zip(&per_format)
        .map(|(f, &(files, bytes, _))| {
            format!(
                "{} {files} files {bytes} bytes ({:.1}%)",
                f.name(),
                bytes as f64 * 100.0 / total.max(1) as f64
            )
        })
        .collect();
    eprintln!("gen_corpus: {}", split.join(", "));
    eprintln!(
        "gen_corpus: done: {} files, {} bytes in {:.2} s ({:.1} MB/s) in {}",
        docs.len(),
        total,
        secs,
        mb(total) / secs.max(1e-9),
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: error: {e}");
            ExitCode::FAILURE
        }
    }
}

//! In-process search latency: a fixed query set against a study's index, through the library.
//!
//! ```text
//! cargo run --release --example search_latency -- --study DIR [--rounds 20] [--warmup 3] [--limit 10]
//! ```
//!
//! The index is opened once, as `icamo search` opens it (`SegmentIndex::open_or_create` on the
//! study's index folder); then the query set runs `--warmup` rounds untimed (to fault in the
//! memory-mapped files and fill the caches), then `--rounds` rounds timed. One measurement is
//! one `SegmentIndex::search` call, as `icamo search` makes it: parsing the query, ranking,
//! loading the stored segments of the hits and making their snippets; not the process start,
//! the opening of the index or the printing (`bench/search-latency` measures all of that, end
//! to end, from the command line).
//!
//! The query set is the ten queries of `bench/search-latency`, then a few more phrases, some
//! NEAR-like queries (the query language has no NEAR: words that must all occur in one turn
//! come closest), a frequent word with many hits, and one query with a role filter. Per query
//! the median, the maximum and the number of hits; then p50, p99 and the maximum over all
//! measurements (nearest rank), in milliseconds. The last line holds the figures as
//! `key=value` pairs, for `bench/run`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use icamo::index::{SearchRequest, SegmentIndex};
use icamo::study::Study;

/// The ten queries of bench/search-latency, in its order.
const CLI_QUERIES: [&str; 10] = [
    "werkgever",
    "werkgever*",
    "\"geen vertrouwen\"",
    "kinderopvang",
    "taalaanbieder AND NOT reiskosten",
    "PIP",
    "\"persoonlijk plan\"",
    "jobcoach OR regioverbinder",
    "gemotiveerd",
    "inburger*",
];

/// More phrases, NEAR-like co-occurrence queries and a frequent word.
const MORE_QUERIES: [&str; 8] = [
    "\"de gemeente\"",
    "\"aan het werk\"",
    "\"Nederlands leren\"",
    "jobcoach werkgever",
    "klantmanager vertrouwen",
    "(taalaanbieder OR klantmanager) B1",
    "\"geen tijd\" les*",
    "gemeente",
];

/// One query with a filter: (query, role).
const FILTERED: (&str, &str) = ("werkgever", "statushouder");

struct Args {
    study: PathBuf,
    rounds: usize,
    warmup: usize,
    limit: usize,
}

fn usage() -> String {
    "usage: search_latency --study DIR [--rounds N] [--warmup N] [--limit N]".to_string()
}

fn parse_args() -> Result<Args, String> {
    let mut study = None;
    let (mut rounds, mut warmup, mut limit) = (20, 3, 10);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |min: usize| -> Result<usize, String> {
            let v = args
                .next()
                .ok_or_else(|| format!("{arg} needs a value\n{}", usage()))?;
            v.parse()
                .ok()
                .filter(|&n| n >= min)
                .ok_or_else(|| format!("{arg} {v}: give a whole number of at least {min}"))
        };
        match arg.as_str() {
            "--study" => {
                study =
                    Some(PathBuf::from(args.next().ok_or_else(|| {
                        format!("--study needs a value\n{}", usage())
                    })?))
            }
            "--rounds" => rounds = number(1)?,
            "--warmup" => warmup = number(0)?,
            "--limit" => limit = number(1)?,
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    Ok(Args {
        study: study.ok_or_else(usage)?,
        rounds,
        warmup,
        limit,
    })
}

/// The fixed query set, as requests.
fn requests(limit: usize) -> Vec<(String, SearchRequest)> {
    let plain = CLI_QUERIES.iter().chain(MORE_QUERIES.iter()).map(|q| {
        let req = SearchRequest {
            query: q.to_string(),
            limit,
            ..Default::default()
        };
        (q.to_string(), req)
    });
    let (query, role) = FILTERED;
    let filtered = SearchRequest {
        query: query.to_string(),
        role: Some(role.to_string()),
        limit,
        ..Default::default()
    };
    plain
        .chain(std::iter::once((
            format!("{query} --role {role}"),
            filtered,
        )))
        .collect()
}

/// The value at nearest rank `p` (0..=1) of sorted `values`.
fn rank(sorted: &[f64], p: f64) -> f64 {
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[i - 1]
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let study = Study::open(&args.study).map_err(|e| e.to_string())?;
    let dir = study.index_dir();
    if !dir.exists() {
        return Err(format!(
            "{} has no index: run `icamo --study {} ingest` first",
            study.root.display(),
            study.root.display()
        ));
    }
    let opened = Instant::now();
    let index = SegmentIndex::open_or_create(&dir).map_err(|e| e.to_string())?;
    let open_ms = opened.elapsed().as_secs_f64() * 1e3;
    let requests = requests(args.limit);

    let mut hits = vec![0; requests.len()];
    for _ in 0..args.warmup {
        for (i, (_, req)) in requests.iter().enumerate() {
            hits[i] = index.search(req).map_err(|e| e.to_string())?.len();
        }
    }
    let mut per_query: Vec<Vec<f64>> = vec![Vec::with_capacity(args.rounds); requests.len()];
    for _ in 0..args.rounds {
        for (i, (_, req)) in requests.iter().enumerate() {
            let started = Instant::now();
            let found = index.search(req).map_err(|e| e.to_string())?;
            per_query[i].push(started.elapsed().as_secs_f64() * 1e3);
            hits[i] = found.len();
        }
    }

    println!(
        "{} segments; index opened in {open_ms:.1} ms; {} queries × {} rounds after {} warm-up rounds, --limit {}",
        index.num_segments(),
        requests.len(),
        args.rounds,
        args.warmup,
        args.limit
    );
    println!("{:>9} {:>9} {:>5}  query", "p50 ms", "max ms", "hits");
    let mut all = Vec::new();
    for ((label, _), (times, n)) in requests.iter().zip(per_query.iter_mut().zip(&hits)) {
        times.sort_by(f64::total_cmp);
        println!(
            "{:>9.2} {:>9.2} {:>5}  {label}",
            rank(times, 0.5),
            rank(times, 1.0),
            n
        );
        all.extend_from_slice(times);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "n={} p50={:.2} p99={:.2} max={:.2} (ms, in process) open_ms={open_ms:.1}",
        all.len(),
        rank(&all, 0.5),
        rank(&all, 0.99),
        rank(&all, 1.0)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("search_latency: {e}");
            ExitCode::FAILURE
        }
    }
}

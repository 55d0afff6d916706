//! Bare tantivy indexing of the text a study holds: the baseline `icamo ingest` is compared with.
//!
//! ```text
//! cargo run --release --example tantivy_baseline -- --study DIR [--threads N] [--index DIR]
//! ```
//!
//! The transcripts are read and parsed first, through icamo's own library, exactly as `icamo
//! ingest` does it (`Corpus::discover`, `transcript::detect`, `transcript::parse_bytes`,
//! `Corpus::segments`, so pseudonyms are applied and inline tags taken out): the text of every
//! segment, interviewers' turns included, is kept in memory. That part is not timed. Then,
//! timed: a fresh index with one `TEXT` field (tantivy's default tokenizer, frequencies and
//! positions, nothing stored), a writer with `N` threads and the heap icamo gives its writer
//! (50 MB per thread), one document per segment, one commit, and waiting for the merges (as
//! `icamo ingest` does). No other field, no stemming, no stored text: what tantivy costs with
//! the least icamo could ask of it.
//!
//! MB/s is given two ways: transcript bytes (the size of the files, the figure `icamo ingest`
//! is measured by) and turn-text bytes, per second of indexing. The index size is the bytes of
//! the files in the index folder. The last line holds the figures as `key=value` pairs, for
//! `bench/run`.
//!
//! `--index DIR` keeps the index there (the folder must not exist or be empty); without it the
//! index goes to a temporary folder that is deleted at the end. `--threads` defaults to the
//! number icamo uses: the cores available, at most 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use icamo::corpus::Corpus;
use icamo::study::Study;
use icamo::transcript::{self, Format};
use rayon::prelude::*;
use tantivy::schema::{Schema, TEXT};
use tantivy::{Index, IndexWriter, TantivyDocument};

/// What icamo gives its index writer per thread (`WRITER_MEMORY_PER_THREAD` in src/index).
const WRITER_MEMORY_PER_THREAD: usize = 50_000_000;

/// The most writer threads icamo uses (`MAX_WRITER_THREADS` in src/index).
const ICAMO_MAX_THREADS: usize = 2;

struct Args {
    study: PathBuf,
    threads: usize,
    index: Option<PathBuf>,
}

fn usage() -> String {
    "usage: tantivy_baseline --study DIR [--threads N] [--index DIR]".to_string()
}

fn parse_args() -> Result<Args, String> {
    let mut study = None;
    let mut threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(ICAMO_MAX_THREADS);
    let mut index = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{}", usage()))
        };
        match arg.as_str() {
            "--study" => study = Some(PathBuf::from(value()?)),
            "--threads" => {
                let v = value()?;
                threads = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--threads {v}: give a whole number above 0"))?;
            }
            "--index" => index = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    Ok(Args {
        study: study.ok_or_else(usage)?,
        threads,
        index,
    })
}

/// The text of every segment of the study, one after the other, with where each ends.
struct Texts {
    all: String,
    ends: Vec<usize>,
    transcript_bytes: u64,
    documents: usize,
}

impl Texts {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter()).map(|(s, &e)| &self.all[s..e])
    }
}

/// Reads and parses every transcript of the study as `icamo ingest` does (in parallel).
fn read_study(dir: &Path) -> Result<Texts, String> {
    let study = Study::open(dir).map_err(|e| e.to_string())?;
    let corpus = Corpus::new(&study.root, &study.manifest);
    let docs = corpus.discover().map_err(|e| e.to_string())?;
    let parsed: Vec<(u64, Vec<String>)> = docs
        .par_iter()
        .map(|doc| {
            let path = corpus.path_of(doc);
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let format = if corpus.format_is_explicit(doc) {
                doc.format
            } else {
                transcript::detect(Path::new(&doc.path), &bytes).unwrap_or(Format::Text)
            };
            let parsed = transcript::parse_bytes(format, &bytes)
                .map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))?;
            let segments = corpus.segments(doc, &parsed).segments;
            Ok((
                bytes.len() as u64,
                segments.into_iter().map(|s| s.text).collect(),
            ))
        })
        .collect::<Result<_, String>>()?;
    let text_bytes = parsed
        .iter()
        .flat_map(|(_, t)| t.iter().map(String::len))
        .sum();
    let mut texts = Texts {
        all: String::with_capacity(text_bytes),
        ends: Vec::new(),
        transcript_bytes: 0,
        documents: docs.len(),
    };
    for (size, segments) in parsed {
        texts.transcript_bytes += size;
        for s in segments {
            texts.all.push_str(&s);
            texts.ends.push(texts.all.len());
        }
    }
    Ok(texts)
}

/// Bytes of the files under `dir`.
fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// Indexes `texts` into a new index in `dir`; returns the seconds it took.
fn index(texts: &Texts, dir: &Path, threads: usize) -> Result<f64, tantivy::TantivyError> {
    let started = Instant::now();
    let mut builder = Schema::builder();
    let text = builder.add_text_field("text", TEXT);
    let index = Index::create_in_dir(dir, builder.build())?;
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?;
    for t in texts.iter() {
        let mut doc = TantivyDocument::new();
        doc.add_text(text, t);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(started.elapsed().as_secs_f64())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let read_started = Instant::now();
    let texts = read_study(&args.study)?;
    let read_secs = read_started.elapsed().as_secs_f64();

    let temp;
    let dir = match &args.index {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let empty = std::fs::read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .next()
                .is_none();
            if !empty {
                return Err(format!(
                    "{} is not empty: give a new or empty folder for the index",
                    dir.display()
                ));
            }
            dir.clone()
        }
        None => {
            temp = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
            temp.path().to_path_buf()
        }
    };
    let secs = index(&texts, &dir, args.threads).map_err(|e| format!("indexing: {e}"))?;
    let index_bytes = dir_size(&dir);

    let mb = |b: u64| b as f64 / 1e6;
    let text_bytes = texts.all.len() as u64;
    println!(
        "read and parsed {} documents, {} segments: {:.2} MB of transcripts, {:.2} MB of turn text, in {:.2} s (not timed)",
        texts.documents,
        texts.ends.len(),
        mb(texts.transcript_bytes),
        mb(text_bytes),
        read_secs
    );
    println!(
        "bare tantivy, {} thread(s), {} MB heap: indexed in {:.2} s: {:.1} MB/s of transcripts, {:.1} MB/s of turn text; index {:.2} MB",
        args.threads,
        args.threads * WRITER_MEMORY_PER_THREAD / 1_000_000,
        secs,
        mb(texts.transcript_bytes) / secs,
        mb(text_bytes) / secs,
        mb(index_bytes)
    );
    println!(
        "threads={} documents={} segments={} transcript_bytes={} text_bytes={} read_secs={:.3} index_secs={:.3} index_bytes={}",
        args.threads,
        texts.documents,
        texts.ends.len(),
        texts.transcript_bytes,
        text_bytes,
        read_secs,
        secs,
        index_bytes
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tantivy_baseline: {e}");
            ExitCode::FAILURE
        }
    }
}

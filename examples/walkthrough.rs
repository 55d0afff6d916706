//! A walk through the icamo library, stage by stage: a study is ingested, coded with its
//! codebook, its configurations are given evidence, and the report is written. This is what
//! `icamo build` does, told as a story.
//!
//! Run it from the repository: it copies the bundled example study into a temporary folder,
//! so the repository's own `.icamo/` and `out/` stay as they are.
//!
//! ```sh
//! cargo run --example walkthrough
//! ```

use std::path::Path;

use icamo::ingest::{IngestOptions, ingest};
use icamo::pipeline::{self, ReportOptions};
use icamo::study::Study;
use icamo::{Error, coding};

fn main() -> Result<(), Error> {
    // # A study is a folder
    //
    // Its manifest, `icamo.toml`, says where the transcripts are, who speaks in them (a role for
    // every speaker label), which case each document belongs to, and where the codebooks are.
    // We work on a copy of the bundled example.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = tempfile::tempdir().map_err(|e| Error::io(Path::new("temporary folder"), e))?;
    for entry in ["icamo.toml", "corpus", "codebooks", "codings", "templates"] {
        copy(&repo.join(entry), &folder.path().join(entry))?;
    }
    let study = Study::open(folder.path())?;
    println!("study: {}", study.manifest.study.name);

    // # Ingest: transcripts become segments
    //
    // Every transcript (WebVTT, SRT, Word, Markdown or plain text) is parsed into turns, and
    // each turn becomes a segment with its speaker's role and its document's case. Segments
    // are stored in `.icamo/` and indexed for search; nothing later reads a transcript again.
    let ingested = ingest(&study, &IngestOptions::default())?;
    println!(
        "ingested {} documents into {} segments",
        ingested.parsed.len(),
        ingested.segments_written
    );

    // # Code: the codebook's rules suggest codes
    //
    // A codebook declares codes (interventions, actors, mechanisms, context factors, outcomes)
    // with rules of words and phrases. One pass over every stored segment ranks the codes each
    // segment suggests. Suggestions are only that: a coder confirms them in a coding sheet,
    // and the bundled study has one coder's decisions in `codings/`.
    let model = pipeline::load_model(&study, &[])?;
    let coded = coding::code_study(&study, model.books())?;
    println!(
        "{} suggestions in {} of {} segments",
        coded.suggestions, coded.coded_segments, coded.segments
    );

    // # Configurations get their evidence
    //
    // The codebook also declares the ICAMO configurations: which intervention, for which
    // actors, sets which mechanisms going, towards which outcome, in which context. Evidence
    // counts, for each code a configuration names, the confirmed codings: how many fragments,
    // from how many respondents, supporting or contradicting it, and the best quotes. The
    // model read above holds them: each codebook file is read once.
    model.ensure_sound()?;
    let evidence = model.evidence(&study, &[], false)?;
    let identities = icamo::privacy::Identities::of_study(&study)?;
    let first = &model.configurations()[0];
    println!("\n{}: {}", first.id, first.title);
    for mechanism in &first.mechanisms {
        let found = evidence.of(&mechanism.code.id);
        let label = model
            .codes()
            .get(&mechanism.code.id)
            .map_or(mechanism.code.id.as_str(), |c| c.label.as_str());
        println!(
            "  {label}: {} fragments from {} respondents ({} supporting, {} contradicting)",
            found.counts.segments,
            found.counts.respondents,
            found.counts.supports,
            found.counts.contradicts
        );
        // Quotes carry role labels and the segment id, never a name; names said in the text
        // are redacted as every output redacts them.
        if let Some(quote) = found.quotes.first() {
            println!(
                "    \"{}\" ({}, {})",
                clip(&identities.redact(&quote.text)),
                quote.role,
                quote.segment
            );
        }
    }

    // # The report
    //
    // The same evidence drawn as figures and written through the report templates:
    // report.md, report.html, summary.md and the figures, into the study's `out/`.
    let written = pipeline::report(&study, &model, &ReportOptions::default(), &mut ())?;
    println!(
        "\nwrote {} files into {}",
        written.changed.len(),
        written.dir.display()
    );
    Ok(())
}

/// The first words of a quote.
fn clip(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 16 {
        return words.join(" ");
    }
    format!("{} …", words[..16].join(" "))
}

/// Copies a file, or a folder with everything in it.
fn copy(from: &Path, to: &Path) -> Result<(), Error> {
    if from.is_dir() {
        std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
        let entries = std::fs::read_dir(from).map_err(|e| Error::io(from, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(from, e))?;
            copy(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to)
            .map(drop)
            .map_err(|e| Error::io(from, e))
    }
}

//! `icamo codings`: where the coders' codings stand now that transcripts may have changed, and
//! writing that into their files when asked.

use std::fmt::Write as _;

use icamo::codebook::Codes;
use icamo::coding::anchor::Placements;
use icamo::coding::manual;
use icamo::coding::stray::ensure_known_codes;
use icamo::error::Error;
use icamo::study::Study;

use super::emit::{note, say};

/// Check or update the coders' codings against the transcripts as they are now
///
/// Each coding in codings/CODER.csv names a segment (DOC:NNNN, a turn's number) and keeps
/// its anchor: the turn's words as they stood when it was coded (the `text` column). When a
/// transcript is corrected, turn numbers can shift; every command that counts evidence then
/// looks for each coding's words and uses it where they are now:
///
///   moved       the same words stand in another turn: the coding follows them
///   to review   a turn says nearly the same (a typo fixed), or the same words stand in
///               several turns: the coding follows, and a person should look
///   orphaned    its words are nowhere (the turn was rewritten or the transcript
///               withdrawn): it counts nowhere, and `icamo build` stops until it is dealt
///               with
///
/// The files are not changed by that: `icamo codings update` writes it into them.
///
/// Examples:
///   icamo codings status
///   icamo codings update                  # anchors for codings without, and the moves
///   icamo codings update --accept-review  # also move the ones flagged for review
///   icamo codings update --drop-orphans   # delete codings whose words are gone
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List the codings that moved, that need review and that are orphaned, each with its
    /// file and line; and how many have no anchor yet. Changes nothing.
    Status,
    /// Rewrite the coders' files: moved codings get the segment id (and span) of where their
    /// words are now, and codings without an anchor get one from the segment they name.
    /// Anchor a file right after coding, before transcripts change: an anchor records the
    /// words the id names now. A file is rewritten only when something in it changes.
    Update(UpdateArgs),
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// Also move the codings flagged for review (check them first with `icamo codings status`).
    #[arg(long)]
    accept_review: bool,
    /// Delete the orphaned codings from their files.
    #[arg(long)]
    drop_orphans: bool,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    study.ensure_ingested()?;
    match args.command {
        Command::Status => status(&study),
        Command::Update(a) => update(&study, &a, global),
    }
}

fn status(study: &Study) -> Result<(), Error> {
    let (_, placements) = manual::placed_coders(study)?;
    say!("{}", describe(&placements))?;
    Ok(())
}

/// Every moved, review and orphaned coding a line, under a heading each, then the count of
/// codings without an anchor.
pub(super) fn describe(p: &Placements) -> String {
    let mut out = String::new();
    for (title, list) in [
        ("moved", &p.moved),
        ("to review", &p.review),
        ("orphaned", &p.orphans),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title} ({}):", list.len());
        for placed in list {
            let _ = writeln!(out, "  {}", placed.line_text());
        }
    }
    if p.is_settled() {
        out.push_str("every anchored coding stands on its words\n");
    }
    if p.unanchored > 0 {
        let _ = writeln!(
            out,
            "{} coding{} without an anchor (run `icamo codings update` while the transcripts are as they were coded)",
            p.unanchored,
            if p.unanchored == 1 { "" } else { "s" }
        );
    }
    out.trim_end().to_string()
}

/// What a command that counts evidence says about the codings' placements: a line of counts
/// when any moved, and every orphan (they are left out of the evidence). Orphans are shown
/// even with --quiet.
pub(super) fn print(p: &Placements, quiet: bool) {
    let Some(summary) = p.summary() else { return };
    if !p.orphans.is_empty() {
        for placed in &p.orphans {
            note!("orphaned: {}", placed.line_text());
        }
    } else if quiet {
        return;
    }
    note!(
        "codings: {summary}; they count where their words are now (`icamo codings status` lists them, `icamo codings update` writes it into the files)"
    );
}

/// [`print`] for a command that reads the coders' files itself (quotes, exports, sheets,
/// the site), and an error for codings whose code no codebook has: the codebooks given as
/// `codes`, or else the study's, if it has any. Nothing before the first ingest.
pub(super) fn warn(
    study: &Study,
    global: &super::Global,
    codes: Option<&Codes>,
) -> Result<(), Error> {
    if !study.is_ingested() {
        return Ok(());
    }
    let (coders, placements) = manual::placed_coders(study)?;
    match codes {
        Some(codes) => ensure_known_codes(&coders, codes)?,
        None if !study.codebook_paths()?.is_empty() => {
            let set = icamo::pipeline::load_codebooks(study, &[])?;
            ensure_known_codes(&coders, &set.codes())?;
        }
        None => {}
    }
    print(&placements, global.quiet);
    Ok(())
}

fn update(study: &Study, args: &UpdateArgs, global: &super::Global) -> Result<(), Error> {
    let done = manual::update_anchors(study, args.accept_review, args.drop_orphans)?;
    if global.quiet {
        return Ok(());
    }
    let mut lines = vec![format!(
        "{} anchored, {} moved, {} moved after review, {} orphan{} deleted",
        done.anchored,
        done.moved,
        done.reviewed,
        done.dropped,
        if done.dropped == 1 { "" } else { "s" }
    )];
    if done.left_for_review > 0 {
        lines.push(format!(
            "{} left for review: see `icamo codings status`, then --accept-review",
            done.left_for_review
        ));
    }
    if done.orphans > 0 {
        lines.push(format!(
            "{} orphan{} left in place: see `icamo codings status`; --drop-orphans deletes them",
            done.orphans,
            if done.orphans == 1 { "" } else { "s" }
        ));
    }
    for f in &done.files {
        lines.push(format!("wrote {}", f.display()));
    }
    if done.files.is_empty() {
        lines.push("no file needed a change".into());
    }
    for l in lines {
        note!("{l}");
    }
    Ok(())
}

//! `icamo show SEGMENT`: one turn in its context.

use std::fmt::Write as _;

use icamo::error::Error;
use icamo::transcript::{Segment, SegmentId};

use super::emit::{Target, emit};

/// Show one segment (speaker turn) with the turns around it.
///
/// SEGMENT is an id as search prints it, e.g. int-sh-01:0007 (int-sh-01:7 works too).
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The segment id.
    segment: String,
    /// How many turns before and after to show.
    #[arg(long, short = 'C', default_value_t = 0, value_name = "N")]
    context: usize,
    /// Show speakers' pseudonyms beside their roles.
    #[arg(long)]
    names: bool,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let (doc, ordinal) = parse_id(&args.segment)?;
    let state = study.state()?;
    let Some(doc_state) = state.documents.get(doc) else {
        if state.documents.is_empty() {
            return Err(Error::NotIngested(study.root.clone()));
        }
        let known: Vec<&str> = state.documents.keys().map(String::as_str).collect();
        return Err(Error::UnknownSegment(format!(
            "no document \"{doc}\" in this study; documents are: {}",
            known.join(", ")
        )));
    };
    let segments = study.document_segments(doc)?;
    let Some(pos) = segments.iter().position(|s| s.ordinal == ordinal) else {
        return Err(Error::UnknownSegment(format!(
            "{doc} has segments 1 to {}; there is no segment {ordinal}",
            segments.len()
        )));
    };
    let from = pos.saturating_sub(args.context);
    let to = (pos + args.context + 1).min(segments.len());
    let mut out = String::new();
    for (i, s) in segments[from..to].iter().enumerate() {
        let current = from + i == pos;
        show_segment(&mut out, s, current, &doc_state.path, args.names);
    }
    emit(out.as_bytes(), Target::Stdout)
}

/// One turn: id, who, when and where in the transcript, then its paragraphs; the turn asked
/// for marked with `>`.
fn show_segment(out: &mut String, s: &Segment, current: bool, path: &str, names: bool) {
    let mut head = vec![super::who(s, names)];
    head.extend(s.case.clone());
    head.extend(s.group.clone());
    match (s.start_ms, s.end_ms) {
        (Some(a), Some(b)) => head.push(format!("{}–{}", super::clock(a), super::clock(b))),
        (Some(a), None) => head.push(super::clock(a)),
        _ => {}
    }
    let marker = if current { ">" } else { " " };
    let _ = writeln!(
        out,
        "{marker} {}  {}  ({path}:{})",
        s.id,
        head.join(" · "),
        s.line
    );
    for paragraph in s.text.split("\n\n") {
        let _ = writeln!(out, "{marker}     {paragraph}");
    }
    out.push('\n');
}

/// Splits `doc:0007` (or `doc:7`) into the document id and the turn number.
pub(super) fn parse_id(id: &str) -> Result<(&str, u32), Error> {
    let parsed = SegmentId::parse(id).ok_or_else(|| {
        Error::UnknownSegment(format!(
            "\"{id}\" is not a segment id: expected DOCUMENT:NUMBER, like int-sh-01:0007"
        ))
    })?;
    Ok((parsed.doc, parsed.ordinal))
}

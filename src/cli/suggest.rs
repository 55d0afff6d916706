//! `icamo suggest SEGMENT`: the ranked codes of one segment, and why.

use std::fmt::Write as _;

use icamo::coding::{Suggestion, load_suggestions};
use icamo::error::Error;
use icamo::transcript::Segment;

use super::emit::{Target, emit};

/// Show the codes the rules suggest for one segment, best first, and why each scored as it did.
///
/// The matched words are highlighted in the text; each code lists the patterns that matched,
/// how rare their terms are in the corpus, the similarity to the code's example quotes, and
/// the suggested stance. With a [semantic] table, each code also shows its meaning signals (the
/// cosines with its description, best example and best confirmed quote, and what rejected
/// suggestions and exclusion criteria take off) and its calibrated meaning score, which the
/// rules' score is added to. Run `icamo code` first.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The segment id, e.g. int-sh-01:0007.
    segment: String,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let (doc, ordinal) = super::show::parse_id(&args.segment)?;
    let segments = study
        .document_segments(doc)
        .map_err(|_| Error::UnknownSegment(format!("no document \"{doc}\" in this study")))?;
    let Some(segment) = segments.iter().find(|s| s.ordinal == ordinal) else {
        return Err(Error::UnknownSegment(format!(
            "{doc} has segments 1 to {}; there is no segment {ordinal}",
            segments.len()
        )));
    };
    let suggestions: Vec<_> = load_suggestions(&study)?
        .into_iter()
        .filter(|s| s.segment == segment.id)
        .collect();
    let out = explain(segment, &suggestions);
    emit(out.as_bytes(), Target::Stdout)
}

/// The segment with every match highlighted, then each suggested code with its score, the
/// patterns that matched and what they contributed.
fn explain(segment: &Segment, suggestions: &[Suggestion]) -> String {
    let (open, close) = if super::use_colour() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut spans: Vec<[usize; 2]> = suggestions
        .iter()
        .flat_map(|s| s.spans.iter().copied())
        .collect();
    spans.sort_unstable();
    let mut out = format!("{}  {}\n", segment.id, super::who(segment, false));
    let _ = writeln!(
        out,
        "    {}\n",
        highlight(&segment.text, &spans, open, close).replace('\n', " ")
    );
    if suggestions.is_empty() {
        out.push_str("no code suggested: none of the rules matched this segment\n");
        return out;
    }
    for (rank, s) in suggestions.iter().enumerate() {
        let stance = if s.stance == icamo::coding::Stance::None {
            String::new()
        } else {
            format!(
                "  stance: {}{}",
                s.stance,
                if s.why.negated > 0 {
                    " (a negation stands next to a match)"
                } else {
                    ""
                }
            )
        };
        let _ = writeln!(
            out,
            "{}. {}  score {:.2}{stance}",
            rank + 1,
            s.code,
            s.score
        );
        for p in &s.why.patterns {
            let _ = writeln!(
                out,
                "     {:<9} {:<28} matched \"{}\"{}  rarity {:.2} → {:.2}",
                p.kind,
                p.pattern,
                p.term,
                if p.hits > 1 {
                    format!(" ×{}", p.hits)
                } else {
                    String::new()
                },
                p.rarity,
                p.contribution
            );
        }
        if !s.why.patterns.is_empty() {
            let _ = writeln!(
                out,
                "     rules {:.2} + 2 × example similarity {:.2}{}",
                s.why.rule_score,
                s.why.similarity,
                if s.why.weight != 1.0 {
                    format!(", × weight {:.2}", s.why.weight)
                } else {
                    String::new()
                }
            );
        }
        if let Some(m) = &s.meaning {
            explain_meaning(&mut out, s, m);
        }
    }
    out
}

/// The meaning part of a suggestion: each signal, the calibrated score, and how the score is
/// made of it and the rules.
fn explain_meaning(out: &mut String, s: &Suggestion, m: &icamo::coding::meaning::Meaning) {
    let mut parts = vec![format!("description {:.2}", m.description)];
    if let Some(e) = m.examples {
        parts.push(format!("best example {e:.2}"));
    }
    if let Some(c) = m.confirmed {
        parts.push(format!("best confirmed quote {c:.2}"));
    }
    if m.against > 0.0 {
        parts.push(format!("against (rejected, exclusions) −{:.2}", m.against));
    }
    let _ = writeln!(out, "     meaning   {} (cosines)", parts.join(", "));
    let rules = s.why.rules_score();
    let meaning = format!(
        "meaning {:.2} (standard deviations above the code's mean over the study's turns)",
        m.calibrated
    );
    let _ = if s.why.patterns.is_empty() {
        writeln!(out, "     score     {meaning}, no rule matched")
    } else {
        writeln!(
            out,
            "     score     rules {rules:.2} + {meaning} = {:.2}",
            s.score
        )
    };
}

/// `text` with the byte ranges in `spans` (sorted) wrapped in `open` and `close`; overlapping
/// ranges are merged.
fn highlight(text: &str, spans: &[[usize; 2]], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * 8);
    let mut at = 0;
    let mut iter = spans.iter().peekable();
    while let Some(&[mut start, mut end]) = iter.next() {
        while let Some(&&[s, e]) = iter.peek() {
            if s > end {
                break;
            }
            end = end.max(e);
            iter.next();
        }
        start = start.max(at);
        if start >= end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(open);
        out.push_str(&text[start..end]);
        out.push_str(close);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

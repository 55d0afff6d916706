//! `icamo eval GOLD`: how good the suggestions are, against a hand-coded gold file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use icamo::coding::eval::{Evaluation, Scores, compare_study, evaluate, read_gold};
use icamo::coding::load_suggestions;
use icamo::error::Error;

use super::emit::{Target, emit};

/// Measure the suggestions of `icamo code` against a hand-coded gold file.
///
/// GOLD is a CSV with the columns segment,code,stance (and an optional note), coded by a person
/// from the code definitions without looking at the rules; a row with an empty code says that no
/// code applies to that segment. Reports precision, recall and F1 per code kind and overall,
/// the share of gold segments whose best suggested mechanism (top 1), or one of the best three
/// (top 3), is one the coder gave, and how often the suggested stance agrees.
///
/// With a [semantic] table in icamo.toml, a second table puts rules only, meaning only and
/// both side by side: mechanisms' top 1 and top 3 (every code ranked, also below the
/// threshold), and precision, recall and F1 of what each suggests.
///
/// Example: icamo eval eval/gold-dualiteit.csv
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The gold file.
    gold: PathBuf,
    /// Codebook files (default: the study's).
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: super::OutputFormat,
    /// The rules' suggestions only, even where icamo.toml has a [semantic] table.
    #[arg(long)]
    no_semantic: bool,
    /// Also measure meaning only and both at thresholds from 0.5 to 3.0, to choose
    /// `[semantic] threshold` for this study (needs a [semantic] table).
    #[arg(long, conflicts_with = "no_semantic")]
    sweep: bool,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    let study = global.study()?;
    let codebooks = icamo::pipeline::load_codebooks(&study, &args.codebook)?;
    let kinds: HashMap<String, _> = codebooks
        .books
        .iter()
        .flat_map(|cb| cb.codes.iter().map(|c| (c.id.clone(), c.kind)))
        .collect();
    let gold = read_gold(&args.gold, &kinds)?;
    // A segment the study does not have would count as missed and lower the recall unseen.
    let segments: std::collections::HashSet<String> =
        study.all_segments()?.into_iter().map(|s| s.id).collect();
    if let Some(g) = gold.iter().find(|g| !segments.contains(&g.segment)) {
        return Err(Error::Parse {
            path: args.gold.clone(),
            line: g.line,
            column: 1,
            message: format!(
                "segment \"{}\" is not in the study: check the id (`icamo show {}`) or run `icamo ingest` if its transcript is new",
                g.segment, g.segment
            ),
        });
    }
    let suggestions = load_suggestions(&study)?;
    let mut e = evaluate(&gold, &suggestions, &kinds);
    if !args.no_semantic {
        (e.compared, e.sweep) = compare_study(
            &study,
            &codebooks.books,
            &gold,
            &suggestions,
            &kinds,
            args.sweep,
            !global.quiet,
        )?;
        if args.sweep && e.compared.is_empty() {
            return Err(Error::Usage(
                "--sweep measures suggestions by meaning: add a [semantic] table to icamo.toml (see README, \"Suggestions by meaning\")".into(),
            ));
        }
    }
    let out = match args.format {
        super::OutputFormat::Json => super::json(&e)?,
        super::OutputFormat::Text => text(&e).into_bytes(),
    };
    emit(&out, Target::Stdout)
}

/// The scores as tables for reading.
fn text(e: &Evaluation) -> String {
    let mut out = format!(
        "{} gold segments, {} codings\n\n",
        e.segments, e.overall.gold
    );
    let _ = writeln!(
        out,
        "  {:<14} {:>9} {:>6} {:>6}   {:>9} {:>6} {:>5}",
        "kind", "precision", "recall", "F1", "suggested", "gold", "both"
    );
    let mut row = |name: &str, s: &Scores| {
        let _ = writeln!(
            out,
            "  {:<14} {:>9.2} {:>6.2} {:>6.2}   {:>9} {:>6} {:>5}",
            name, s.precision, s.recall, s.f1, s.suggested, s.gold, s.true_positives
        );
    };
    for (kind, scores) in &e.per_kind {
        row(kind, scores);
    }
    row("all", &e.overall);
    let _ = writeln!(
        out,
        "\n  mechanisms: top 1 {:.2}, top 3 {:.2} over {} gold segments with a mechanism",
        e.top1, e.top3, e.mechanism_segments
    );
    if !e.compared.is_empty() {
        let _ = writeln!(
            out,
            "\n  {:<9} {:>6} {:>6}   {:>24}   {:>24}",
            "by", "top 1", "top 3", "mechanisms P / R / F1", "all codes P / R / F1"
        );
        for c in &e.compared {
            let prf = |s: &Scores| format!("{:.2} / {:.2} / {:.2}", s.precision, s.recall, s.f1);
            let _ = writeln!(
                out,
                "  {:<9} {:>6.2} {:>6.2}   {:>24}   {:>24}",
                c.by,
                c.top1,
                c.top3,
                prf(&c.mechanism),
                prf(&c.overall)
            );
        }
        out.push('\n');
    }
    if !e.sweep.is_empty() {
        sweep_table(&mut out, e);
    }
    if e.stance_compared > 0 {
        let _ = writeln!(
            out,
            "  stance: the suggested stance agrees on {} of {} mechanisms found by both",
            e.stance_agreed, e.stance_compared
        );
    }
    out
}

/// The threshold sweep: mechanisms suggested by meaning alone and by both at each threshold,
/// with the threshold whose mechanisms' F1 (both) is best marked.
fn sweep_table(out: &mut String, e: &Evaluation) {
    let best = e.sweep.iter().map(|s| s.both.f1).fold(f64::MIN, f64::max);
    let _ = writeln!(
        out,
        "  {:>9}   {:>24}   {:>24}   {:>24}",
        "threshold", "semantic mech. P / R / F1", "both mech. P / R / F1", "both all P / R / F1"
    );
    let prf = |s: &Scores| format!("{:.2} / {:.2} / {:.2}", s.precision, s.recall, s.f1);
    for s in &e.sweep {
        let mark = if s.both.f1 == best {
            "  ← best F1"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:>9.2}   {:>24}   {:>24}   {:>24}{mark}",
            s.threshold,
            prf(&s.semantic),
            prf(&s.both),
            prf(&s.both_overall)
        );
    }
    let _ = writeln!(
        out,
        "  (set the threshold in icamo.toml: [semantic] threshold = …; it counts standard deviations above each code's mean)\n"
    );
}

//! `icamo chain`: check the ICAMO configurations and draw them.

use std::io::IsTerminal;
use std::path::PathBuf;

use icamo::chain::Model;
use icamo::chain::chart::Chart;
use icamo::codebook::{Diagnostic, Severity};
use icamo::error::Error;
use icamo::render;

use super::emit::{Target, emit, note, say};

/// Draw ICAMO configurations as figures, or check them
///
/// Configurations are declared as [[configurations]] in a codebook. A figure shows the
/// interventions, the actors, each mechanism (process ⇒ sub-goal) with its evidence counts,
/// the outcome and a context box per level; chained configurations run left to right through
/// their shared node. Only confirmed codings count as evidence unless --include-suggestions.
///
/// Examples:
///   icamo chain check
///   icamo chain icamo1 --format svg -o icamo1.svg
///   icamo chain --all --format png -o keten.png
///   icamo chain icamo4 --format json | jq '.nodes[] | select(.kind == "mechanism")'
///   icamo chain --all --format dot --engine dot | dot -Tpdf > keten.pdf
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
pub(super) struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The configuration(s) to draw (repeat to chain several); none: --all.
    #[arg(value_name = "ID")]
    ids: Vec<String>,
    /// Draw every configuration, chained through their shared nodes (the default).
    #[arg(long, conflicts_with = "ids")]
    all: bool,
    /// What to write.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Svg)]
    format: Format,
    /// How to lay out SVG and PNG: built in (no system dependency), or Graphviz's `dot`
    /// program if it is installed.
    #[arg(long, value_enum, default_value_t = EngineArg::Builtin)]
    engine: EngineArg,
    /// Count suggestions nobody has confirmed as evidence too.
    #[arg(long)]
    include_suggestions: bool,
    /// Write to this file instead of standard output (needed for png on a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
    /// Codebook file(s) with the configurations; default: the study's codebooks.
    #[arg(long, value_name = "FILE")]
    codebook: Vec<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Report dangling references, codes in roles their kind does not fit, cycles and
    /// mechanisms with no path to an outcome, each with file:line:column. Exits with 1 when
    /// there are errors.
    Check {
        /// Codebook file(s); default: the study's codebooks.
        #[arg(long, value_name = "FILE")]
        codebook: Vec<PathBuf>,
    },
}

/// Figure formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Graphviz DOT source.
    Dot,
    /// An SVG image.
    Svg,
    /// A PNG image (twice the SVG's size).
    Png,
    /// Nodes, edges, kinds, levels and evidence counts, as the figure shows them.
    Json,
    /// A Mermaid flowchart (GitHub, GitLab and Obsidian draw it).
    Mermaid,
    /// Markdown: the Mermaid figure and a table of the evidence per mechanism.
    Md,
}

/// Layout engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EngineArg {
    /// The built-in layout (pure Rust).
    Builtin,
    /// Graphviz `dot`, which must be installed.
    Dot,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    if let Some(Command::Check { codebook }) = args.command {
        return check(&codebook, global);
    }
    let study = global.evidence_study()?;
    let model = icamo::pipeline::load_model(&study, &args.codebook)?;
    model.ensure_sound()?;
    // --all is the default; the flag is there to say so on a command line.
    let _ = args.all;
    model.select(&args.ids)?;
    let evidence = model.evidence(&study, &[], args.include_suggestions)?;
    let chart = model.chart(&args.ids, &evidence)?;
    let engine = match args.engine {
        EngineArg::Builtin => render::svg::Engine::Builtin,
        EngineArg::Dot => render::svg::Engine::Dot,
    };
    let bytes = draw(&chart, args.format, engine)?;
    // A figure replaces the file it is written to, without --force.
    let target = Target::new(args.out.as_deref(), true);
    if matches!(target, Target::Stdout)
        && args.format == Format::Png
        && std::io::stdout().is_terminal()
    {
        return Err(Error::Usage(
            "a PNG is not for the terminal: give --out FILE.png, or pipe the output".into(),
        ));
    }
    emit(&bytes, target)?;
    if let Some(path) = &args.out
        && !global.quiet
    {
        note!("wrote {}", path.display());
    }
    Ok(())
}

/// The chart in `format`.
fn draw(chart: &Chart, format: Format, engine: render::svg::Engine) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::Dot => render::dot::to_dot(chart).into_bytes(),
        Format::Svg => render::svg::to_svg(chart, engine)?.into_bytes(),
        Format::Png => render::png::to_png(chart, engine)?,
        Format::Json => chart.to_json().into_bytes(),
        Format::Mermaid => render::mermaid::to_mermaid(chart).into_bytes(),
        Format::Md => render::report::chart_markdown(chart).into_bytes(),
    })
}

fn check(explicit: &[PathBuf], global: &super::Global) -> Result<(), Error> {
    let study;
    let paths = if explicit.is_empty() {
        study = global.study()?;
        icamo::pipeline::codebook_files(&study, &[])?
    } else {
        explicit.to_vec()
    };
    let model = Model::load(&paths)?;
    let found: Vec<Diagnostic> = model.check();
    for d in &found {
        note!("{d}");
    }
    let errors = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = found.len() - errors;
    let configurations = model.configurations().len();
    if !global.quiet {
        say!(
            "{configurations} configuration{}, {} codes in the graph, {} edges: {errors} error{}, {warnings} warning{}",
            if configurations == 1 { "" } else { "s" },
            model.chain.graph.node_count(),
            model.chain.graph.edge_count(),
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        )?;
    }
    if errors > 0 {
        return Err(Error::Other(format!(
            "the configurations have {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

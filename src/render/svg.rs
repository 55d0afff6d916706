//! A [`Chart`] as SVG, laid out by one of two [`Engine`]s: the built-in one (pure Rust,
//! nothing to install; the default) or Graphviz's `dot` program on the DOT of
//! [`crate::render::dot`] (`--engine dot`), which draws the configurations as clusters.
//!
//! The built-in engine lays each configuration out top to bottom as a panel the width of a
//! report page (title, interventions → actors, the mechanisms framed with their context, the
//! outcome), then places the panels along the chain (see `layout.rs`); below it a legend
//! with a key of the verdicts drawn. Box sizes come from DejaVu Sans's metrics, so the same
//! chart gives the same SVG on every machine.

use std::fmt::Write as _;
use std::str::FromStr;

use graphviz_rust::cmd::{CommandArg, Format};
use graphviz_rust::printer::PrinterContext;

use crate::chain::chart::Chart;
use crate::error::Error;
use crate::render::dot::{BoxStyle, FONT, GREY, RED, box_style, to_graph, verdict_style};
use crate::render::figure::{
    Block, BlockKind, Figure, figure, key_words, level_rank, overview, page_figure,
};
use crate::render::layout::{
    EDGE_LABEL_SIZE, GROUP_HEADING, LEGEND_SIZE, Point, Rect, Scene, Seg, Stroke, TITLE_SIZE, font,
    lay_out, lay_out_overview, line_height, set_block, title_lines,
};
use crate::render::metrics::text_width;

/// How a figure is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// layout-rs, built in: needs nothing installed.
    #[default]
    Builtin,
    /// Graphviz's `dot` program, which must be installed.
    Dot,
}

impl Engine {
    /// The name as given on the command line (`builtin`, `dot`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Builtin => "builtin",
            Engine::Dot => "dot",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Engine {
    type Err = Error;

    fn from_str(s: &str) -> Result<Engine, Error> {
        match s {
            "builtin" => Ok(Engine::Builtin),
            "dot" => Ok(Engine::Dot),
            other => Err(Error::Other(format!(
                "unknown layout engine `{other}`: use `builtin` (nothing to install) or `dot` (Graphviz)"
            ))),
        }
    }
}

/// The chart as SVG, laid out by `engine`. Fails only when the engine is [`Engine::Dot`] and
/// `dot` is missing or fails.
pub fn to_svg(chart: &Chart, engine: Engine) -> Result<String, Error> {
    match engine {
        Engine::Builtin => Ok(to_svg_builtin(chart)),
        Engine::Dot => to_svg_with_dot(chart),
    }
}

/// The chart as SVG, laid out by Graphviz's `dot` program on [`crate::render::dot::to_dot`]'s
/// graph. Fails with a message saying to install Graphviz when `dot` is not found.
pub fn to_svg_with_dot(chart: &Chart) -> Result<String, Error> {
    let out = graphviz_rust::exec(
        to_graph(chart),
        &mut PrinterContext::default(),
        vec![CommandArg::Format(Format::Svg)],
    )
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Other(
                "the `dot` program (Graphviz) was not found: install Graphviz (e.g. `apt-get install graphviz`, `brew install graphviz`) or use the built-in engine (`--engine builtin`)".to_string(),
            )
        } else {
            Error::Other(format!("Graphviz `dot` failed: {}", e.to_string().trim()))
        }
    })?;
    String::from_utf8(out)
        .map_err(|_| Error::Other("Graphviz `dot` wrote SVG that is not UTF-8".to_string()))
}

/// The chart as SVG, laid out by the built-in engine. The same chart always gives the same
/// bytes.
pub fn to_svg_builtin(chart: &Chart) -> String {
    builtin(chart, false)
}

/// The chart as SVG by the built-in engine, with every mechanism box a link to `#m=CODE` and
/// every context factor in a context box a link to `#c=CODE` (for the quote site, where such
/// a fragment opens the code's quotes). Otherwise the same drawing as [`to_svg_builtin`].
pub(crate) fn to_svg_linked(chart: &Chart) -> String {
    builtin(chart, true)
}

/// The built-in drawing, with or without links.
fn builtin(chart: &Chart, links: bool) -> String {
    // The site shows a configuration's figure in full; a page shows the short one.
    let fig = if links {
        figure(chart)
    } else {
        page_figure(chart)
    };
    let legend = if fig.clusters.is_empty() {
        vec!["Geen configuraties om te tekenen.".to_string()]
    } else {
        fig.legend.clone()
    };
    let scene = lay_out(&fig, &legend);
    write_svg(&fig, &scene, links.then_some(chart))
}

/// The chain at a glance, for a report page: one box per configuration with its mechanisms'
/// verdicts, the outcome that links them, and the last outcome (see `figure::overview`). The
/// figure of each configuration has the details.
pub fn to_svg_overview(chart: &Chart) -> String {
    let ov = overview(chart);
    let scene = lay_out_overview(&ov);
    let fig = Figure {
        blocks: ov.blocks,
        clusters: Vec::new(),
        shared: Vec::new(),
        links: Vec::new(),
        legend: Vec::new(),
        verdicts: Vec::new(),
    };
    write_svg(&fig, &scene, None)
}

/// Where a box links to in [`to_svg_linked`].
enum BoxLink {
    /// The whole box: a mechanism's code.
    Mechanism(String),
    /// One code per listed factor, in the order the box lists them.
    Factors(Vec<String>),
}

fn box_link(chart: &Chart, block: &Block) -> Option<BoxLink> {
    match block.kind {
        BlockKind::Mechanism | BlockKind::CounterMechanism => chart
            .nodes
            .iter()
            .find(|n| n.id == block.key)
            .map(|n| BoxLink::Mechanism(n.code.clone())),
        BlockKind::Context => {
            let config = chart
                .configurations
                .iter()
                .find(|c| format!("{}/context", c.id) == block.key)?;
            let mut factors: Vec<(u8, String)> = config
                .context
                .iter()
                .filter_map(|id| chart.nodes.iter().find(|n| &n.id == id))
                .map(|n| (level_rank(n.level), n.code.clone()))
                .collect();
            factors.sort_by_key(|(rank, _)| *rank);
            Some(BoxLink::Factors(
                factors.into_iter().map(|(_, c)| c).collect(),
            ))
        }
        _ => None,
    }
}

fn num(x: f64) -> String {
    let s = format!("{x:.1}");
    match s.strip_suffix(".0") {
        Some(whole) if whole != "-0" => whole.to_string(),
        Some(_) => "0".to_string(),
        None => s,
    }
}

fn pt(p: Point) -> String {
    format!("{},{}", num(p.x), num(p.y))
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn write_svg(fig: &Figure, scene: &Scene, links: Option<&Chart>) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">\n",
        w = num(scene.width),
        h = num(scene.height),
    );
    s.push_str("<defs>\n");
    let _ = writeln!(
        s,
        "<marker id=\"pijl\" viewBox=\"0 0 10 8\" refX=\"10\" refY=\"4\" markerWidth=\"10\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"{EDGE}\"/></marker>"
    );
    let _ = writeln!(
        s,
        "<marker id=\"tegen\" viewBox=\"0 0 4 14\" refX=\"4\" refY=\"7\" markerWidth=\"4\" markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M1,0 L4,0 L4,14 L1,14 z\" fill=\"{RED}\"/></marker>"
    );
    s.push_str("</defs>\n");
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\"/>",
        num(scene.width),
        num(scene.height)
    );
    for &(ci, r) in &scene.panels {
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#FAFAFA\" stroke=\"#9AA5B1\" stroke-width=\"1.2\"/>",
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        for (i, line) in title_lines(&fig.clusters[ci].title).iter().enumerate() {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"#1F2D3D\">{}</text>",
                num(r.x + 14.0),
                num(r.y + 14.0 + (i as f64 + 0.5) * line_height(TITLE_SIZE) + TITLE_SIZE * 0.35),
                num(TITLE_SIZE),
                xml(line)
            );
        }
    }
    // The frame round a configuration's mechanisms and their context: the context holds for
    // them all.
    for &(ci, r) in &scene.groups {
        let _ = writeln!(
            s,
            "<g class=\"mechanismen\" data-configuratie=\"{}\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#FFFFFF\" stroke=\"#7A8794\" stroke-width=\"1.2\" stroke-dasharray=\"4,3\"/>",
            xml(&fig.clusters[ci].id),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        let (size, _, _, colour) = font(crate::render::figure::LineStyle::Heading);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{colour}\">{}</text>\n</g>",
            num(r.x + 12.0),
            num(r.y + 12.0 + line_height(size) / 2.0 + size * 0.35),
            num(size),
            GROUP_HEADING
        );
    }
    for &(k, r) in &scene.boxes {
        let link = links.and_then(|chart| box_link(chart, &fig.blocks[k]));
        write_block(&mut s, &fig.blocks[k], r, link.as_ref());
    }
    for path in &scene.paths {
        write_path(&mut s, path);
    }
    for l in &scene.labels {
        // On a white ground, so that no edge runs through the words.
        let w = text_width(&l.text, EDGE_LABEL_SIZE, true);
        let _ = writeln!(
            s,
            "<g class=\"werkt-tegen\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\" fill-opacity=\"0.9\"/>\n<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{RED}\">{}</text>\n</g>",
            num(l.at.x - 2.0),
            num(l.at.y - EDGE_LABEL_SIZE),
            num(w + 4.0),
            num(EDGE_LABEL_SIZE * 1.35),
            num(l.at.x),
            num(l.at.y),
            num(EDGE_LABEL_SIZE),
            xml(&l.text)
        );
    }
    for sw in &scene.swatches {
        let (verdict, subject) = sw.verdict;
        let look = verdict_style(verdict, subject);
        let _ = writeln!(s, "<g class=\"legenda-oordeel\">");
        write_rect(&mut s, sw.rect, &look, 3.0);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#222222\">{}</text>\n</g>",
            num(sw.text_at.x),
            num(sw.text_at.y),
            num(LEGEND_SIZE),
            xml(&key_words(verdict, subject))
        );
    }
    for (at, line) in &scene.legend {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{GREY}\">{}</text>",
            num(at.x),
            num(at.y),
            num(LEGEND_SIZE),
            xml(line)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// One path: its pieces and its stroke.
fn write_path(s: &mut String, path: &crate::render::layout::Path) {
    let mut d = String::new();
    for seg in &path.segs {
        if !d.is_empty() {
            d.push(' ');
        }
        let _ = match *seg {
            Seg::M(a) => write!(d, "M{}", pt(a)),
            Seg::L(a) => write!(d, "L{}", pt(a)),
            Seg::C(a, b, c) => write!(d, "C{} {} {}", pt(a), pt(b), pt(c)),
        };
    }
    let style = match path.stroke {
        Stroke::Edge { arrow } => format!(
            "stroke=\"{EDGE}\" stroke-width=\"1.3\"{}",
            if arrow {
                " marker-end=\"url(#pijl)\""
            } else {
                ""
            }
        ),
        Stroke::Counter { arrow } => format!(
            "class=\"werkt-tegen\" stroke=\"{RED}\" stroke-width=\"2\" stroke-dasharray=\"6,4\"{}",
            if arrow {
                " marker-end=\"url(#tegen)\""
            } else {
                ""
            }
        ),
    };
    let _ = writeln!(s, "<path d=\"{d}\" fill=\"none\" {style}/>");
}

/// A rectangle drawn in `look`.
fn write_rect(s: &mut String, r: Rect, look: &BoxStyle, radius: f64) {
    let _ = writeln!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        num(radius),
        look.fill,
        look.border,
        num(look.width),
        look.dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default()
    );
}

/// The colour of ordinary edges.
const EDGE: &str = "#4D4D4D";

fn write_block(s: &mut String, block: &Block, r: Rect, link: Option<&BoxLink>) {
    let look = box_style(block);
    let _ = writeln!(s, "<g>\n<title>{}</title>", xml(&block.labels.join("\n")));
    let factors: &[String] = match link {
        Some(BoxLink::Mechanism(code)) => {
            let _ = writeln!(
                s,
                "<a href=\"#m={}\" class=\"fig-link\" aria-label=\"{}\">",
                xml(code),
                xml(&block.labels.join(", "))
            );
            &[]
        }
        Some(BoxLink::Factors(codes)) => codes,
        None => &[],
    };
    // A context box is linked factor by factor, only when its items match the codes.
    let items = block
        .lines
        .iter()
        .filter(|l| l.text.starts_with("• "))
        .count();
    let factors = if items == factors.len() { factors } else { &[] };
    let (mut count, mut open) = (0, false);
    write_rect(s, r, &look, 6.0);
    let (_, placed) = set_block(block);
    for (at, l) in placed {
        let (size, bold, italic, colour) = font(l.style);
        // Baseline: the line's middle plus about a third of the font size.
        let base = r.y + at.y + line_height(size) / 2.0 + size * 0.35;
        let text = l.text.trim_start();
        if !factors.is_empty() {
            if l.text.starts_with("• ") && count < factors.len() {
                if open {
                    s.push_str("</a>\n");
                }
                let _ = writeln!(
                    s,
                    "<a href=\"#c={}\" class=\"fig-link\">",
                    xml(&factors[count])
                );
                count += 1;
                open = true;
            } else if open && !l.text.starts_with("  ") {
                s.push_str("</a>\n");
                open = false;
            }
        }
        if !text.is_empty() {
            let indent = text_width(&l.text[..l.text.len() - text.len()], size, bold);
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{}{} fill=\"{colour}\">{}</text>",
                num(r.x + at.x + indent),
                num(base),
                num(size),
                if bold { " font-weight=\"bold\"" } else { "" },
                if italic { " font-style=\"italic\"" } else { "" },
                xml(text)
            );
        }
    }
    if open || matches!(link, Some(BoxLink::Mechanism(_))) {
        s.push_str("</a>\n");
    }
    s.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_parse_by_name() {
        assert_eq!("dot".parse::<Engine>().unwrap(), Engine::Dot);
        assert_eq!("builtin".parse::<Engine>().unwrap(), Engine::Builtin);
        assert!("neato".parse::<Engine>().is_err());
        assert_eq!(Engine::default().to_string(), "builtin");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(2.5), "2.5");
    }
}

//! A [`Chart`] as Graphviz DOT, built with graphviz-rust's syntax tree, in the layout
//! evaluators know from ICAMO reports: left to right, one cluster per configuration
//! (interventions → actors → mechanisms → outcome, the context box below the mechanisms), the
//! chain link between the clusters it joins.
//!
//! ```
//! use icamo::chain::chart::{Chart, EvidenceBasis};
//! let chart = Chart {
//!     configurations: vec![],
//!     nodes: vec![],
//!     edges: vec![],
//!     evidence: EvidenceBasis { include_suggestions: false, codings: 0 },
//! };
//! let dot = icamo::render::dot::to_dot(&chart);
//! assert!(graphviz_rust::parse(&dot).is_ok());
//! ```

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use crate::chain::chart::Chart;
use crate::chain::verdict::{Subject, Verdict};
use crate::render::escape_html;
use crate::render::figure::{
    Block, BlockKind, COUNTERACTS, Cluster, Figure, LineStyle, LinkKind, figure,
};

/// The font the figures ask for, with fallbacks.
pub(crate) const FONT: &str = "DejaVu Sans,Verdana,Arial,sans-serif";

/// How a box is drawn: its colours, the width of its border and the border's dashes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BoxStyle {
    /// Fill colour.
    pub fill: &'static str,
    /// Border colour.
    pub border: &'static str,
    /// Border width, in pixels.
    pub width: f64,
    /// The border's dash pattern (SVG `stroke-dasharray`); `None` for a solid border.
    pub dash: Option<&'static str>,
}

const fn style(
    fill: &'static str,
    border: &'static str,
    width: f64,
    dash: Option<&'static str>,
) -> BoxStyle {
    BoxStyle {
        fill,
        border,
        width,
        dash,
    }
}

/// How a box is drawn: a mechanism or counter-mechanism by its verdict (each verdict its own
/// look, so that "omstreden" cannot pass for "herkend" in colour or in grey print), other boxes
/// by their kind.
pub(crate) fn box_style(block: &Block) -> BoxStyle {
    if let Some((verdict, subject)) = block.verdict {
        return verdict_style(verdict, subject);
    }
    if block.contradicted {
        return style("#FDECEA", RED, 2.5, Some("6,3"));
    }
    match block.kind {
        BlockKind::Interventions => style("#DCEAF7", "#4A78A8", 1.2, None),
        BlockKind::Actors => style("#FDEBD0", "#B7791F", 1.2, None),
        BlockKind::Mechanism => style("#E2F0D9", "#5C8F45", 1.2, None),
        BlockKind::CounterMechanism => style("#FFF4F2", RED, 1.2, Some("6,3")),
        BlockKind::Outcome => style("#ECE1F5", "#7D5BA6", 1.2, None),
        BlockKind::ChainLink => style("#ECE1F5", "#7D5BA6", 2.5, None),
        BlockKind::Context => style("#F2F2F2", "#8C8C8C", 1.2, None),
        BlockKind::Configuration => style("#F7F9FB", "#5A6B7D", 1.6, None),
    }
}

/// The look of a verdict (see [`box_style`]).
pub(crate) fn verdict_style(verdict: Verdict, subject: Subject) -> BoxStyle {
    match (verdict, subject) {
        (Verdict::Recognised, Subject::CounterMechanism) => style("#FDECEA", RED, 2.5, Some("6,3")),
        (Verdict::WithReservations, Subject::CounterMechanism) => {
            style("#FFF4F2", RED, 1.6, Some("6,3"))
        }
        (Verdict::Contradicted, Subject::CounterMechanism) => {
            style("#FFFFFF", RED, 1.2, Some("2,3"))
        }
        (Verdict::Recognised, _) => style("#D5ECC8", "#2E7D32", 2.2, None),
        (Verdict::WithReservations, _) => style("#EEF7E6", "#6A9F45", 1.6, Some("9,3")),
        (Verdict::Contested, _) => style("#FFF0D6", "#D9822B", 2.2, Some("12,3,2,3")),
        (Verdict::Contradicted, _) => style("#FDECEA", RED, 2.5, Some("6,3")),
        (Verdict::Insufficient, _) => style("#EFEFEF", "#8C8C8C", 1.2, None),
        (Verdict::NotDiscussed, _) => style("#FFFFFF", "#9A9A9A", 1.2, Some("2,3")),
        (Verdict::AwaitingReview, _) => style("#E6EFF8", "#4A78A8", 1.6, Some("2,3")),
    }
}

/// Red, for contradicted mechanisms and counter-mechanisms.
pub(crate) const RED: &str = "#C0392B";
/// Grey, for headings and evidence counts.
pub(crate) const GREY: &str = "#555555";

/// The chart as DOT text; it parses back with `graphviz_rust::parse`, and the same chart
/// always gives the same bytes.
pub fn to_dot(chart: &Chart) -> String {
    to_graph(chart).print(&mut PrinterContext::default())
}

/// The chart as graphviz-rust's syntax tree (what [`to_dot`] prints).
pub(crate) fn to_graph(chart: &Chart) -> Graph {
    let fig = figure(chart);
    let mut stmts = defaults(&fig);
    for (ci, cluster) in fig.clusters.iter().enumerate() {
        stmts.push(cluster_subgraph(&fig, ci, cluster));
    }
    for &k in &fig.shared {
        stmts.push(Stmt::Node(node(&fig, k)));
    }
    // The context box is placed below the mechanisms (see below); a drawn edge to them
    // would run round the mechanisms' frame.
    for link in &fig.links {
        stmts.push(Stmt::Edge(edge(
            &fig,
            link.from,
            link.to,
            link_attributes(link.kind),
        )));
    }
    // Each context box hangs invisibly from the actors, so it lands in the mechanisms' rank;
    // defined after the mechanisms' edges, it comes below them.
    for cluster in &fig.clusters {
        if let (Some(ctx), Some(anchor)) = (cluster.context, cluster.anchor) {
            stmts.push(Stmt::Edge(edge(
                &fig,
                anchor,
                ctx,
                vec![attr("style", "invis")],
            )));
        }
    }

    Graph::DiGraph {
        id: Id::Plain("icamo".into()),
        strict: false,
        stmts,
    }
}

/// The graph's, nodes' and edges' default attributes; the legend is the graph's label.
fn defaults(fig: &Figure) -> Vec<Stmt> {
    vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("nodesep", "0.25"),
            attr("ranksep", "0.5"),
            attr("pad", "0.25"),
            attr("bgcolor", "white"),
            attr("fontname", FONT),
            attr("fontsize", "10"),
            attr("labelloc", "b"),
            attr("labeljust", "l"),
            Attribute(Id::Plain("label".into()), left_lines(&fig.legend)),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("shape", "box"),
            attr("style", "rounded,filled"),
            attr("fontname", FONT),
            attr("fontsize", "11"),
            attr("penwidth", "1.2"),
            attr("margin", "0.14,0.08"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("color", "#4D4D4D"),
            attr("arrowsize", "0.7"),
            attr("penwidth", "1.1"),
        ])),
    ]
}

/// One configuration as a titled cluster of its boxes.
fn cluster_subgraph(fig: &Figure, ci: usize, cluster: &Cluster) -> Stmt {
    let mut inner = vec![Stmt::GAttribute(GraphAttributes::Graph(vec![
        Attribute(
            Id::Plain("label".into()),
            Id::Html(format!(
                "<<FONT POINT-SIZE=\"14\"><B>{}</B></FONT>>",
                escape_html(&cluster.title)
            )),
        ),
        attr("labeljust", "l"),
        attr("labelloc", "t"),
        attr("style", "rounded,filled"),
        attr("fillcolor", "#FAFAFA"),
        attr("color", "#9AA5B1"),
        attr("margin", "14"),
    ]))];
    for &k in &cluster.blocks {
        inner.push(Stmt::Node(node(fig, k)));
    }
    inner.extend(mechanism_column(fig, cluster));
    Stmt::Subgraph(Subgraph {
        id: quoted(&format!("cluster_{ci}")),
        stmts: inner,
    })
}

/// The first mechanisms (those no other one leads to), then the counter-mechanisms, then
/// the context box: one rank, in this order top to bottom, held by invisible edges. (dot
/// ignores such edges inside a nested cluster, so the mechanisms get no frame.) None when
/// the column has one box or none.
fn mechanism_column(fig: &Figure, cluster: &Cluster) -> Option<Stmt> {
    let column: Vec<usize> = cluster
        .mechanisms
        .iter()
        .copied()
        .filter(|&m| {
            !fig.links.iter().any(|l| {
                l.to == m && l.kind == LinkKind::LeadsTo && cluster.mechanisms.contains(&l.from)
            })
        })
        .chain(
            cluster
                .blocks
                .iter()
                .copied()
                .filter(|&k| fig.blocks[k].kind == BlockKind::CounterMechanism),
        )
        .chain(cluster.context)
        .collect();
    if column.len() <= 1 {
        return None;
    }
    let mut same = vec![Stmt::Attribute(Attribute(
        Id::Plain("rank".into()),
        quoted("same"),
    ))];
    for &k in &column {
        same.push(Stmt::Node(Node::new(
            NodeId(quoted(&fig.blocks[k].key), None),
            vec![],
        )));
    }
    // In a left-to-right graph dot puts the head of a flat edge above its tail.
    for pair in column.windows(2) {
        same.push(Stmt::Edge(edge(
            fig,
            pair[1],
            pair[0],
            vec![attr("style", "invis")],
        )));
    }
    Some(Stmt::Subgraph(Subgraph {
        id: Id::Anonymous(String::new()),
        stmts: same,
    }))
}

/// How an edge of a kind of link is drawn.
fn link_attributes(kind: LinkKind) -> Vec<Attribute> {
    match kind {
        // Heavier, so the mechanisms stand right after the actors.
        LinkKind::Targets | LinkKind::Triggers => vec![attr("weight", "4")],
        LinkKind::LeadsTo => vec![],
        LinkKind::Counteracts => vec![
            attr("color", RED),
            attr("style", "dashed"),
            attr("arrowhead", "tee"),
            attr("fontcolor", RED),
            attr("fontname", FONT),
            attr("fontsize", "9"),
            attr("label", COUNTERACTS),
        ],
    }
}

fn node(fig: &Figure, k: usize) -> Node {
    let block = &fig.blocks[k];
    let look = box_style(block);
    let mut attrs = vec![
        Attribute(Id::Plain("label".into()), Id::Html(html_label(block))),
        attr("fillcolor", look.fill),
        attr("color", look.border),
        attr("tooltip", &block.labels.join("\n")),
        attr("penwidth", &look.width.to_string()),
    ];
    match look.dash {
        Some("2,3") => attrs.push(attr("style", "rounded,filled,dotted")),
        Some(_) => attrs.push(attr("style", "rounded,filled,dashed")),
        None => {}
    }
    Node::new(NodeId(quoted(&block.key), None), attrs)
}

fn edge(fig: &Figure, from: usize, to: usize, attributes: Vec<Attribute>) -> Edge {
    Edge {
        ty: EdgeTy::Pair(
            Vertex::N(NodeId(quoted(&fig.blocks[from].key), None)),
            Vertex::N(NodeId(quoted(&fig.blocks[to].key), None)),
        ),
        attributes,
    }
}

/// An attribute with a quoted value.
fn attr(key: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(key.into()), quoted(value))
}

/// A DOT string literal: quotes and backslashes escaped, line breaks as `\n`.
fn quoted(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// Lines as one DOT string, each left-justified (`\l`).
fn left_lines(lines: &[String]) -> Id {
    let mut out = String::from("\"");
    for line in lines {
        let Id::Escaped(q) = quoted(line) else {
            unreachable!("quoted gives an escaped string")
        };
        out.push_str(&q[1..q.len() - 1]);
        out.push_str("\\l");
    }
    out.push('"');
    Id::Escaped(out)
}

/// A box's lines as a Graphviz HTML-like label: a borderless table, one left-aligned row
/// per line (rows give the lines a little air, which `<BR/>` does not).
fn html_label(block: &Block) -> String {
    let mut out =
        String::from("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
    for line in &block.lines {
        // Keep the indent of a list item's continuation lines.
        let trimmed = line.text.trim_start_matches(' ');
        let indent = "&#160;".repeat(line.text.len() - trimmed.len());
        let text = format!("{indent}{}", escape_html(trimmed));
        let cell = if trimmed.is_empty() {
            String::new()
        } else {
            match line.style {
                LineStyle::Heading => {
                    format!("<FONT POINT-SIZE=\"9\" COLOR=\"{GREY}\"><B>{text}</B></FONT>")
                }
                LineStyle::Strong => format!("<B>{text}</B>"),
                LineStyle::Text => text,
                LineStyle::Note => format!("<I>{text}</I>"),
                LineStyle::Evidence => {
                    format!("<FONT POINT-SIZE=\"9\" COLOR=\"{GREY}\">{text}</FONT>")
                }
                LineStyle::Warning => format!("<FONT COLOR=\"{RED}\"><B>{text}</B></FONT>"),
                LineStyle::Verdict => format!("<B>{text}</B>"),
            }
        };
        out.push_str(&format!("<TR><TD ALIGN=\"LEFT\">{cell}</TD></TR>"));
    }
    out.push_str("</TABLE>>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::escape_html as html;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(
            quoted("zeg \"ja\" \\ nee"),
            Id::Escaped("\"zeg \\\"ja\\\" \\\\ nee\"".into())
        );
        assert_eq!(html("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}

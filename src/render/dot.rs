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
use crate::render::escape_html;
use crate::render::figure::{Block, BlockKind, Cluster, Figure, LineStyle, LinkKind, figure};

/// The font the figures ask for, with fallbacks.
pub(crate) const FONT: &str = "DejaVu Sans,Verdana,Arial,sans-serif";

/// Fill and border colour of a box.
pub(crate) fn colours(block: &Block) -> (&'static str, &'static str) {
    if block.contradicted {
        return ("#FDECEA", "#C0392B");
    }
    match block.kind {
        BlockKind::Interventions => ("#DCEAF7", "#4A78A8"),
        BlockKind::Actors => ("#FDEBD0", "#B7791F"),
        BlockKind::Mechanism => ("#E2F0D9", "#5C8F45"),
        BlockKind::CounterMechanism => ("#FFF4F2", "#C0392B"),
        BlockKind::Outcome | BlockKind::ChainLink => ("#ECE1F5", "#7D5BA6"),
        BlockKind::Context => ("#F2F2F2", "#8C8C8C"),
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
    for link in fig.links.iter().filter(|l| l.kind != LinkKind::Moderates) {
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
            attr("label", "werkt tegen"),
        ],
        LinkKind::Moderates => vec![],
    }
}

fn node(fig: &Figure, k: usize) -> Node {
    let block = &fig.blocks[k];
    let (fill, border) = colours(block);
    let mut attrs = vec![
        Attribute(Id::Plain("label".into()), Id::Html(html_label(block))),
        attr("fillcolor", fill),
        attr("color", border),
        attr("tooltip", &block.labels.join("\n")),
    ];
    match block.kind {
        BlockKind::ChainLink => attrs.push(attr("penwidth", "2.5")),
        BlockKind::CounterMechanism => attrs.push(attr("style", "rounded,filled,dashed")),
        _ => {}
    }
    if block.contradicted {
        attrs.push(attr("style", "rounded,filled,dashed"));
        attrs.push(attr("penwidth", "2.5"));
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

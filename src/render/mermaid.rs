//! A [`Chart`] as a Mermaid flowchart, which GitHub, GitLab and Obsidian render in Markdown
//! with no program installed: one subgraph per configuration, the chain link outside them,
//! contradicted mechanisms and counter-mechanisms marked by class.

use crate::chain::chart::Chart;
use crate::render::figure::{BlockKind, COUNTERACTS, LineStyle, LinkKind, figure};

/// The flowchart's body (from `flowchart LR` on), without the Markdown fences; see
/// [`to_mermaid_block`] for the fenced block. The same chart always gives the same bytes.
pub fn to_mermaid(chart: &Chart) -> String {
    let fig = figure(chart);
    let mut out = String::from("flowchart LR\n");
    let id = |k: usize| format!("n{k}");
    let node = |k: usize| {
        let block = &fig.blocks[k];
        let text: Vec<String> = block
            .lines
            .iter()
            .map(|l| {
                let t = l.text.trim_start();
                match l.style {
                    LineStyle::Heading => escape(&t.to_uppercase()),
                    _ => escape(t),
                }
            })
            .collect();
        let (open, close) = match block.kind {
            BlockKind::ChainLink | BlockKind::Outcome => ("([", "])"),
            _ => ("[", "]"),
        };
        format!("{}{open}\"{}\"{close}", id(k), text.join("<br/>"))
    };
    for (ci, cluster) in fig.clusters.iter().enumerate() {
        out.push_str(&format!(
            "  subgraph c{ci}[\"{}\"]\n    direction LR\n",
            escape(&cluster.title)
        ));
        for &k in cluster
            .blocks
            .iter()
            .filter(|k| !cluster.mechanisms.contains(k))
        {
            out.push_str(&format!("    {}\n", node(k)));
        }
        // The mechanisms in a subgraph of their own, which the context is tied to as a whole.
        if !cluster.mechanisms.is_empty() {
            out.push_str(&format!("    subgraph m{ci}[\"Mechanismen\"]\n"));
            for &k in &cluster.mechanisms {
                out.push_str(&format!("      {}\n", node(k)));
            }
            out.push_str("    end\n");
        }
        out.push_str("  end\n");
    }
    for &k in &fig.shared {
        out.push_str(&format!("  {}\n", node(k)));
    }
    let mut styles = Vec::new();
    for (i, link) in fig.links.iter().enumerate() {
        let arrow = match link.kind {
            LinkKind::Targets | LinkKind::Triggers | LinkKind::LeadsTo => "-->".to_string(),
            LinkKind::Counteracts => {
                styles.push(format!("  linkStyle {i} stroke:#C0392B,stroke-width:2px"));
                format!("-.->|{COUNTERACTS}|")
            }
        };
        out.push_str(&format!("  {} {arrow} {}\n", id(link.from), id(link.to)));
    }
    let mut i = fig.links.len();
    for (ci, cluster) in fig.clusters.iter().enumerate() {
        if let (Some(ctx), false) = (cluster.context, cluster.mechanisms.is_empty()) {
            out.push_str(&format!("  {} -.- m{ci}\n", id(ctx)));
            styles.push(format!("  linkStyle {i} stroke:#8C8C8C"));
            i += 1;
        }
    }
    let blocks = &fig.blocks;
    let class = |kind: &str, pick: &dyn Fn(usize) -> bool| {
        let ids: Vec<String> = (0..blocks.len()).filter(|&k| pick(k)).map(id).collect();
        if ids.is_empty() {
            String::new()
        } else {
            format!("  class {} {kind}\n", ids.join(","))
        }
    };
    out.push_str("  classDef interventies fill:#DCEAF7,stroke:#4A78A8,color:#000\n");
    out.push_str("  classDef actoren fill:#FDEBD0,stroke:#B7791F,color:#000\n");
    out.push_str("  classDef mechanisme fill:#E2F0D9,stroke:#5C8F45,color:#000\n");
    out.push_str("  classDef uitkomst fill:#ECE1F5,stroke:#7D5BA6,color:#000\n");
    out.push_str("  classDef schakel fill:#ECE1F5,stroke:#7D5BA6,stroke-width:3px,color:#000\n");
    out.push_str("  classDef context fill:#F2F2F2,stroke:#8C8C8C,color:#000\n");
    out.push_str(
        "  classDef tegenmechanisme fill:#FFF4F2,stroke:#C0392B,stroke-width:2px,stroke-dasharray:5 5,color:#000\n",
    );
    out.push_str(
        "  classDef weersproken fill:#FDECEA,stroke:#C0392B,stroke-width:3px,stroke-dasharray:5 5,color:#000\n",
    );
    let kind_is = |kind: BlockKind| move |k: usize| blocks[k].kind == kind;
    out.push_str(&class("interventies", &kind_is(BlockKind::Interventions)));
    out.push_str(&class("actoren", &kind_is(BlockKind::Actors)));
    out.push_str(&class("mechanisme", &|k| {
        blocks[k].kind == BlockKind::Mechanism && !blocks[k].contradicted
    }));
    out.push_str(&class("uitkomst", &kind_is(BlockKind::Outcome)));
    out.push_str(&class("schakel", &kind_is(BlockKind::ChainLink)));
    out.push_str(&class("context", &kind_is(BlockKind::Context)));
    out.push_str(&class("tegenmechanisme", &|k| {
        blocks[k].kind == BlockKind::CounterMechanism && !blocks[k].contradicted
    }));
    out.push_str(&class("weersproken", &|k| blocks[k].contradicted));
    for s in styles {
        out.push_str(&s);
        out.push('\n');
    }
    out
}

/// The flowchart as a fenced Markdown block (` ```mermaid ` … ` ``` `), ready for a report.
pub fn to_mermaid_block(chart: &Chart) -> String {
    format!("```mermaid\n{}```\n", to_mermaid(chart))
}

/// Text for inside a quoted Mermaid label: characters Mermaid or HTML would read as syntax
/// become Mermaid entity codes (`#quot;`, `#35;`, …).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_mermaid_reads_as_syntax() {
        assert_eq!(
            escape("\"PIP\" #1 <b> & `x`"),
            "#quot;PIP#quot; #35;1 #lt;b#gt; #amp; #96;x#96;"
        );
    }
}

//! The configurations as one graph of codes (petgraph), and `icamo chain check`: dangling
//! references, codes in roles their kind does not fit, cycles, and mechanisms with no path to
//! an outcome.
//!
//! Nodes are codes; one code used in several configurations is one node, which is how the
//! outcome of one configuration becomes the intervention of the next. Edges are typed
//! ([`EdgeKind`]) and carry the configuration they come from.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, EdgeFiltered, EdgeRef};

use serde::Serialize;

use crate::codebook::config::{CodeRef, Configuration, Slot};
use crate::codebook::{Code, CodeKind, CodebookSet, Diagnostic, Severity};

/// How an edge connects two nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// Intervention → actor: the intervention is aimed at the actor.
    Targets,
    /// Intervention (or actor) → mechanism: sets the mechanism going.
    Triggers,
    /// Mechanism → mechanism or outcome: the sub-goal leads on to it.
    LeadsTo,
    /// Context factor → mechanism: the mechanism works only under the condition.
    Moderates,
    /// Mechanism → actor: the mechanism happens in that actor.
    HappensIn,
    /// Counter-mechanism → outcome: works against it.
    Counteracts,
}

/// The configurations of a study's codebooks as one typed graph of codes.
pub struct ChainGraph {
    /// Nodes are code ids; edges carry their kind and the configuration they come from.
    pub graph: DiGraph<String, (EdgeKind, String)>,
    nodes: HashMap<String, NodeIndex>,
}

impl ChainGraph {
    /// The graph of `configurations` (as a [`CodebookSet`] reads them).
    pub fn new(configurations: &[Configuration]) -> ChainGraph {
        let mut g = ChainGraph {
            graph: DiGraph::new(),
            nodes: HashMap::new(),
        };
        for c in configurations {
            g.add(c);
        }
        g
    }

    fn node(&mut self, id: &str) -> NodeIndex {
        if let Some(&n) = self.nodes.get(id) {
            return n;
        }
        let n = self.graph.add_node(id.to_string());
        self.nodes.insert(id.to_string(), n);
        n
    }

    fn edge(&mut self, from: &str, to: &str, kind: EdgeKind, config: &str) {
        let (a, b) = (self.node(from), self.node(to));
        self.graph.add_edge(a, b, (kind, config.to_string()));
    }

    fn add(&mut self, c: &Configuration) {
        for (_, r) in c.references() {
            self.node(&r.id);
        }
        for e in edges(c) {
            self.edge(&e.0, &e.1, e.2, &c.id);
        }
    }

    /// The node of a code, if a configuration names it.
    pub(crate) fn node_of(&self, code: &str) -> Option<NodeIndex> {
        self.nodes.get(code).copied()
    }

    /// Everything wrong or suspect in the configurations of `set` (the ones this graph was
    /// made of), given the codes they refer to: errors first by file and line, then warnings.
    pub fn check(&self, set: &CodebookSet) -> Vec<Diagnostic> {
        let configurations = &set.configurations;
        let codes = set.codes();
        let mut found = Vec::new();
        let outcomes: HashSet<&str> = configurations
            .iter()
            .map(|c| c.outcome.id.as_str())
            .collect();
        let mut seen_ids: HashMap<&str, &Configuration> = HashMap::new();
        for c in configurations {
            let diag = |severity, r: &CodeRef, message: String, hint: String| Diagnostic {
                severity,
                path: c.path.clone(),
                line: r.at.line,
                column: r.at.column,
                message,
                hint,
            };
            let own = CodeRef {
                id: c.id.clone(),
                at: c.at,
            };
            if let Some(first) = seen_ids.insert(&c.id, c) {
                found.push(diag(
                    Severity::Error,
                    &own,
                    format!("configuration \"{}\" is declared twice", c.id),
                    format!(
                        "the first is at {}:{}; give each configuration its own id",
                        first.path.display(),
                        first.at.line
                    ),
                ));
            }
            if c.mechanisms.is_empty() {
                found.push(diag(
                    Severity::Warning,
                    &own,
                    format!("configuration \"{}\" has no mechanisms", c.id),
                    "add [[configurations.mechanisms]] entries with code = \"...\"".into(),
                ));
            }
            let mut named: HashSet<&str> = HashSet::new();
            for (slot, r) in c.references() {
                if slot != Slot::Trigger && !named.insert(r.id.as_str()) && slot != Slot::Actor {
                    found.push(diag(
                        Severity::Warning,
                        r,
                        format!("\"{}\" is named twice in configuration \"{}\"", r.id, c.id),
                        "name each code once per configuration".into(),
                    ));
                }
                let Some(code) = codes.get(&r.id) else {
                    let hint = match codes.closest(&r.id) {
                        Some(id) => format!("did you mean \"{id}\"?"),
                        None => "add the code to the codebook, or fix the id".into(),
                    };
                    found.push(diag(
                        Severity::Error,
                        r,
                        format!("unknown code \"{}\" in {}", r.id, slot.name()),
                        hint,
                    ));
                    continue;
                };
                if let Some((message, hint)) = misfit(slot, code, c, &outcomes) {
                    found.push(diag(Severity::Error, r, message, hint));
                }
            }
            for m in &c.mechanisms {
                if m.steps.is_empty()
                    && let Some(code) = codes.get(&m.code.id)
                    && code.kind == CodeKind::Mechanism
                    && (code.process.is_none() || code.subgoal.is_none())
                {
                    found.push(diag(
                        Severity::Warning,
                        &m.code,
                        format!(
                            "mechanism \"{}\" has no process and sub-goal, so figures show only its label",
                            m.code.id
                        ),
                        "give the code process = \"...\" and subgoal = \"...\", or write [[configurations.mechanisms.steps]]".into(),
                    ));
                }
            }
        }
        found.extend(self.cycles(configurations));
        found.extend(self.dead_ends(configurations));
        found.sort_by(|a, b| {
            (a.severity, &a.path, a.line, a.column).cmp(&(b.severity, &b.path, b.line, b.column))
        });
        found
    }

    /// Cycles through triggers and leads-to edges: a mechanism that (indirectly) sets itself
    /// going, or configurations chained in a circle.
    fn cycles(&self, configurations: &[Configuration]) -> Vec<Diagnostic> {
        let causal = EdgeFiltered::from_fn(&self.graph, |e| {
            matches!(e.weight().0, EdgeKind::Triggers | EdgeKind::LeadsTo)
        });
        let mut out = Vec::new();
        for component in tarjan_scc(&causal) {
            let looped = component.len() > 1
                || self
                    .graph
                    .edges_connecting(component[0], component[0])
                    .next()
                    .is_some();
            if !looped {
                continue;
            }
            let members: BTreeSet<&str> =
                component.iter().map(|&n| self.graph[n].as_str()).collect();
            let (path, at) = first_trigger_among(configurations, &members);
            out.push(Diagnostic {
                severity: Severity::Error,
                path,
                line: at.line,
                column: at.column,
                message: format!(
                    "cycle: {} set each other going",
                    members.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                hint: "a mechanism's triggered_by may only name interventions or earlier mechanisms; an outcome may only be the intervention of a later configuration".into(),
            });
        }
        out
    }

    /// Mechanisms from which no leads-to path reaches their configuration's outcome.
    fn dead_ends(&self, configurations: &[Configuration]) -> Vec<Diagnostic> {
        let leads = EdgeFiltered::from_fn(&self.graph, |e| e.weight().0 == EdgeKind::LeadsTo);
        let mut out = Vec::new();
        for c in configurations {
            let Some(goal) = self.node_of(&c.outcome.id) else {
                continue;
            };
            for m in &c.mechanisms {
                let Some(start) = self.node_of(&m.code.id) else {
                    continue;
                };
                let mut dfs = Dfs::new(&leads, start);
                let mut reached = false;
                while let Some(n) = dfs.next(&leads) {
                    if n == goal {
                        reached = true;
                        break;
                    }
                }
                if !reached {
                    out.push(Diagnostic {
                        severity: Severity::Error,
                        path: c.path.clone(),
                        line: m.code.at.line,
                        column: m.code.at.column,
                        message: format!(
                            "mechanism \"{}\" has no path to the outcome \"{}\" of configuration \"{}\"",
                            m.code.id, c.outcome.id, c.id
                        ),
                        hint: "a mechanism leads to the outcome unless a later mechanism names it in triggered_by; check for a circle of triggered_by".into(),
                    });
                }
            }
        }
        out
    }

    /// The edges of the graph as (from, to, kind, configuration), in insertion order.
    pub(crate) fn edge_list(&self) -> Vec<(&str, &str, EdgeKind, &str)> {
        self.graph
            .edge_references()
            .map(|e| {
                (
                    self.graph[e.source()].as_str(),
                    self.graph[e.target()].as_str(),
                    e.weight().0,
                    e.weight().1.as_str(),
                )
            })
            .collect()
    }
}

/// Where the first `triggered_by` (or, failing that, configuration) involving `members` is.
fn first_trigger_among(
    configurations: &[Configuration],
    members: &BTreeSet<&str>,
) -> (std::path::PathBuf, crate::codebook::Position) {
    for c in configurations {
        for m in &c.mechanisms {
            for t in &m.triggered_by {
                if members.contains(t.id.as_str()) && members.contains(m.code.id.as_str()) {
                    return (c.path.clone(), t.at);
                }
            }
        }
    }
    let c = configurations
        .iter()
        .find(|c| members.contains(c.outcome.id.as_str()))
        .or(configurations.first());
    match c {
        Some(c) => (c.path.clone(), c.at),
        None => (Path::new("").to_path_buf(), Default::default()),
    }
}

/// The typed edges one configuration contributes, between code ids.
pub(crate) fn edges(c: &Configuration) -> Vec<(String, String, EdgeKind)> {
    let mut out = Vec::new();
    for i in &c.interventions {
        for a in &c.actors {
            out.push((i.id.clone(), a.id.clone(), EdgeKind::Targets));
        }
    }
    let mechanisms: HashSet<&str> = c.mechanisms.iter().map(|m| m.code.id.as_str()).collect();
    for m in &c.mechanisms {
        if m.triggered_by.is_empty() {
            for i in &c.interventions {
                out.push((i.id.clone(), m.code.id.clone(), EdgeKind::Triggers));
            }
        }
        for t in &m.triggered_by {
            let kind = if mechanisms.contains(t.id.as_str()) {
                EdgeKind::LeadsTo
            } else {
                EdgeKind::Triggers
            };
            out.push((t.id.clone(), m.code.id.clone(), kind));
        }
        for a in &m.happens_in {
            out.push((m.code.id.clone(), a.id.clone(), EdgeKind::HappensIn));
        }
        let leads_on = c
            .mechanisms
            .iter()
            .any(|n| n.triggered_by.iter().any(|t| t.id == m.code.id));
        if !leads_on {
            out.push((m.code.id.clone(), c.outcome.id.clone(), EdgeKind::LeadsTo));
        }
    }
    for k in &c.counter_mechanisms {
        out.push((k.id.clone(), c.outcome.id.clone(), EdgeKind::Counteracts));
    }
    for (_, f) in &c.context {
        for m in &c.mechanisms {
            out.push((f.id.clone(), m.code.id.clone(), EdgeKind::Moderates));
        }
    }
    out
}

/// "a" or "an", for a kind's name.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Why `code` does not fit `slot` of configuration `c`, with what would be right.
fn misfit(
    slot: Slot,
    code: &Code,
    c: &Configuration,
    outcomes: &HashSet<&str>,
) -> Option<(String, String)> {
    let wrong = |expected: &str| {
        Some((
            format!(
                "\"{}\" is {} {} code, but {} needs {expected}",
                code.id,
                article(code.kind.name()),
                code.kind,
                slot.name()
            ),
            format!(
                "name a code of kind {expected} here, or change the kind of \"{}\"",
                code.id
            ),
        ))
    };
    match slot {
        Slot::Intervention => match code.kind {
            CodeKind::Intervention => None,
            CodeKind::Outcome if outcomes.contains(code.id.as_str()) && code.id != c.outcome.id => {
                None
            }
            CodeKind::Outcome => Some((
                format!(
                    "outcome \"{}\" is used as an intervention, but no other configuration has it as its outcome",
                    code.id
                ),
                "an outcome can be an intervention only where it chains: another configuration's outcome".into(),
            )),
            _ => wrong("intervention"),
        },
        Slot::Actor => (code.kind != CodeKind::Actor).then(|| wrong("actor")).flatten(),
        Slot::Mechanism => (code.kind != CodeKind::Mechanism)
            .then(|| wrong("mechanism"))
            .flatten(),
        Slot::Outcome => (code.kind != CodeKind::Outcome)
            .then(|| wrong("outcome"))
            .flatten(),
        Slot::Trigger => {
            let own = c.interventions.iter().any(|r| r.id == code.id)
                || c.mechanisms.iter().any(|m| m.code.id == code.id);
            (!own).then(|| {
                (
                    format!(
                        "triggered_by names \"{}\", which is neither an intervention nor a mechanism of configuration \"{}\"",
                        code.id, c.id
                    ),
                    "list it under interventions, or as a mechanism of this configuration".into(),
                )
            })
        }
        // The level a factor is listed under holds in this configuration; it may differ from
        // the code's level in the codebook (one factor can sit at two levels in two ICAMOs).
        Slot::Context(_) => (code.kind != CodeKind::Context)
            .then(|| wrong("context"))
            .flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"
[codebook]
name = "t"

[[codes]]
id = "int.a"
label = "A"
kind = "intervention"
[codes.rules]
keywords = ["a"]

[[codes]]
id = "act.x"
label = "X"
kind = "actor"
[codes.rules]
keywords = ["x"]

[[codes]]
id = "m.1"
label = "M1"
kind = "mechanism"
process = "p"
subgoal = "s"
[codes.rules]
keywords = ["m"]

[[codes]]
id = "m.2"
label = "M2"
kind = "mechanism"
process = "p"
subgoal = "s"
[codes.rules]
keywords = ["n"]

[[codes]]
id = "ctx.k"
label = "K"
kind = "context"
level = "institutioneel"
[codes.rules]
keywords = ["k"]

[[codes]]
id = "out.o"
label = "O"
kind = "outcome"
[codes.rules]
keywords = ["o"]
"#;

    fn check(configs: &str) -> Vec<String> {
        let text = format!("{BOOK}\n{configs}");
        let set = CodebookSet::parse("cb.toml", &text).unwrap();
        ChainGraph::new(&set.configurations)
            .check(&set)
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn a_sound_configuration_passes() {
        let found = check(
            r#"
[[configurations]]
id = "c"
title = "C"
interventions = ["int.a"]
actors = ["act.x"]
outcome = "out.o"
[[configurations.mechanisms]]
code = "m.1"
[[configurations.mechanisms]]
code = "m.2"
triggered_by = ["m.1"]
[configurations.context]
institutioneel = ["ctx.k"]
"#,
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn dangling_misfit_level_cycle_and_dead_end() {
        let found = check(
            r#"
[[configurations]]
id = "c"
title = "C"
interventions = ["int.a", "act.x"]
actors = ["act.y"]
outcome = "out.o"
[[configurations.mechanisms]]
code = "m.1"
triggered_by = ["m.2"]
[[configurations.mechanisms]]
code = "m.2"
triggered_by = ["m.1"]
[configurations.context]
individueel = ["ctx.k"]
"#,
        );
        let all = found.join("\n");
        assert!(
            all.contains("cb.toml:56:27: error: \"act.x\" is an actor code, but interventions needs intervention"),
            "{all}"
        );
        assert!(all.contains("unknown code \"act.y\" in actors"), "{all}");
        assert!(all.contains("did you mean \"act.x\"?"), "{all}");
        assert!(
            all.contains("error: cycle: m.1, m.2 set each other going"),
            "{all}"
        );
        assert!(all.contains("\"m.1\" has no path to the outcome"), "{all}");
        // A factor may sit at another level in a configuration than in the codebook.
        assert!(!all.contains("ctx.k"), "{all}");
    }

    #[test]
    fn an_outcome_chains_only_into_another_configuration() {
        let chained = check(
            r#"
[[configurations]]
id = "c1"
title = "C1"
interventions = ["int.a"]
outcome = "out.o"
[[configurations.mechanisms]]
code = "m.1"

[[configurations]]
id = "c2"
title = "C2"
interventions = ["out.o"]
outcome = "out.o"
[[configurations.mechanisms]]
code = "m.2"
"#,
        );
        // c2 takes its own outcome as intervention: that is a circle, not a chain.
        let all = chained.join("\n");
        assert!(all.contains("cycle"), "{all}");
    }
}

//! What a figure shows, as data: the nodes and typed edges of one or more configurations with
//! their evidence counts. Every renderer (DOT, SVG, PNG, Mermaid) draws a [`Chart`], and
//! `icamo chain --format json` writes it as it is, so a test or another tool reads exactly
//! what a figure shows.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::evidence::Evidence;
use crate::codebook::config::{Configuration, MechanismSpec};
// The types a chart's nodes and edges carry, so a renderer needs only this module.
pub use super::evidence::{Counts, Voices};
pub use super::graph::EdgeKind;
use super::graph::edges;
use super::verdict::{Verdict, verdict};
use crate::codebook::{CodeKind, Codes, ContextLevel};

impl Chart {
    /// The chart of `configurations` (in the order given) with the codes' labels and
    /// evidence. A code that is the outcome of one of them and an intervention of another is
    /// one node both share: the chain link.
    pub fn new(configurations: &[&Configuration], codes: &Codes, evidence: &Evidence) -> Chart {
        let outcomes: HashSet<&str> = configurations
            .iter()
            .map(|c| c.outcome.id.as_str())
            .collect();
        let shared: HashSet<&str> = configurations
            .iter()
            .flat_map(|c| c.interventions.iter())
            .map(|r| r.id.as_str())
            .filter(|id| outcomes.contains(id))
            .collect();
        let mut nodes = NodeSet {
            codes,
            evidence,
            shared,
            nodes: Vec::new(),
            index: BTreeMap::new(),
        };
        let mut charted = Vec::new();
        let mut all_edges = Vec::new();
        for c in configurations {
            charted.push(nodes.configuration(c));
            for (from, to, kind) in edges(c) {
                all_edges.push(Edge {
                    from: nodes.node_id(&c.id, &from),
                    to: nodes.node_id(&c.id, &to),
                    kind,
                    configuration: c.id.clone(),
                });
            }
        }
        let nodes = nodes.nodes;
        let known: HashSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        all_edges.retain(|e| known.contains(e.from.as_str()) && known.contains(e.to.as_str()));
        Chart {
            configurations: charted,
            nodes,
            edges: all_edges,
            evidence: EvidenceBasis {
                include_suggestions: evidence.include_suggestions,
                codings: evidence.codings,
            },
        }
    }

    /// The chart as pretty-printed JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a chart serialises");
        s.push('\n');
        s
    }
}

/// A chart's nodes, added one configuration at a time; a code several configurations share
/// (the chain link) is one node.
struct NodeSet<'a> {
    codes: &'a Codes<'a>,
    evidence: &'a Evidence,
    /// The codes that are one configuration's outcome and another's intervention.
    shared: HashSet<&'a str>,
    nodes: Vec<Node>,
    /// Each node's place in `nodes`, by id.
    index: BTreeMap<String, usize>,
}

impl NodeSet<'_> {
    /// `<configuration>/<code>`, or the code alone for a shared one.
    fn node_id(&self, config: &str, code: &str) -> String {
        if self.shared.contains(code) {
            code.to_string()
        } else {
            format!("{config}/{code}")
        }
    }

    fn label(&self, code: &str) -> String {
        self.codes
            .get(code)
            .map_or_else(|| code.to_string(), |c| c.label.clone())
    }

    /// The node of `code` in `config`, added when new; its id.
    fn add(&mut self, config: &str, code: &str, kind: NodeKind) -> String {
        let id = self.node_id(config, code);
        if let Some(&i) = self.index.get(&id) {
            let node: &mut Node = &mut self.nodes[i];
            if !node.configurations.iter().any(|c| c == config) {
                node.configurations.push(config.to_string());
            }
            return id;
        }
        let evidence = self.evidence.of(code);
        // Judged on mechanisms only: a mechanism is what the evidence tests.
        let verdict = matches!(kind, NodeKind::Mechanism | NodeKind::CounterMechanism)
            .then(|| verdict(&evidence.voices));
        self.index.insert(id.clone(), self.nodes.len());
        self.nodes.push(Node {
            id: id.clone(),
            code: code.to_string(),
            kind,
            configurations: vec![config.to_string()],
            label: self.label(code),
            level: None,
            steps: Vec::new(),
            happens_in: Vec::new(),
            contradicted: verdict == Some(Verdict::Contradicted),
            verdict,
            voices: evidence.voices,
            evidence: evidence.counts,
        });
        id
    }

    /// Adds the nodes of `c`, in drawing order, and names them in its chart configuration.
    fn configuration(&mut self, c: &Configuration) -> ChartConfiguration {
        let cid = c.id.as_str();
        let mut cc = ChartConfiguration {
            id: c.id.clone(),
            title: c.title.clone(),
            interventions: Vec::new(),
            actors: Vec::new(),
            beneficiaries: Vec::new(),
            mechanisms: Vec::new(),
            counter_mechanisms: Vec::new(),
            outcome: String::new(),
            context: Vec::new(),
        };
        for r in &c.interventions {
            let kind = if self.shared.contains(r.id.as_str()) {
                NodeKind::Outcome
            } else {
                NodeKind::Intervention
            };
            cc.interventions.push(self.add(cid, &r.id, kind));
        }
        for r in &c.actors {
            cc.actors.push(self.add(cid, &r.id, NodeKind::Actor));
        }
        for r in &c.beneficiaries {
            cc.beneficiaries.push(self.add(cid, &r.id, NodeKind::Actor));
        }
        for m in &c.mechanisms {
            self.add_mechanism(cid, m, &mut cc);
        }
        for r in &c.counter_mechanisms {
            cc.counter_mechanisms
                .push(self.add(cid, &r.id, NodeKind::CounterMechanism));
        }
        cc.outcome = self.add(cid, &c.outcome.id, NodeKind::Outcome);
        for (level, r) in &c.context {
            let id = self.add(cid, &r.id, NodeKind::Context);
            if let Some(node) = self.nodes.iter_mut().find(|n| n.id == id) {
                node.level = Some(*level);
            }
            cc.context.push(id);
        }
        cc
    }

    /// Adds mechanism `m` with its steps, and the actors it happens in to `cc`'s actors.
    fn add_mechanism(&mut self, cid: &str, m: &MechanismSpec, cc: &mut ChartConfiguration) {
        let id = self.add(cid, &m.code.id, NodeKind::Mechanism);
        let steps = mechanism_steps(self.codes, m);
        let happens_in = m.happens_in.iter().map(|a| self.label(&a.id)).collect();
        let node = self
            .nodes
            .iter_mut()
            .find(|n| n.id == id)
            .expect("just added");
        node.steps = steps;
        node.happens_in = happens_in;
        cc.mechanisms.push(id);
        for a in &m.happens_in {
            let actor = self.add(cid, &a.id, NodeKind::Actor);
            if !cc.actors.contains(&actor) {
                cc.actors.push(actor);
            }
        }
    }
}

/// A mechanism's steps: those the configuration gives, else the code's own process and
/// sub-goal (none when it lacks either).
fn mechanism_steps(codes: &Codes, m: &MechanismSpec) -> Vec<Step> {
    if m.steps.is_empty() {
        codes
            .get(&m.code.id)
            .filter(|code| code.kind == CodeKind::Mechanism)
            .and_then(|code| {
                Some(vec![Step {
                    process: code.process.clone()?,
                    subgoal: code.subgoal.clone()?,
                }])
            })
            .unwrap_or_default()
    } else {
        m.steps
            .iter()
            .map(|s| Step {
                process: s.process.clone(),
                subgoal: s.subgoal.clone(),
            })
            .collect()
    }
}

/// The configurations drawn together, their nodes and edges, and what the evidence counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// The configurations, in the order they are drawn (left to right along a chain).
    pub configurations: Vec<ChartConfiguration>,
    /// Every node, in drawing order: per configuration interventions, actors, mechanisms,
    /// counter-mechanisms, the outcome, then context factors by level.
    pub nodes: Vec<Node>,
    /// Every edge, typed.
    pub edges: Vec<Edge>,
    /// What the evidence counts on the nodes include.
    pub evidence: EvidenceBasis,
}

/// What the evidence counts include.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceBasis {
    /// Whether suggestions nobody confirmed are counted (`--include-suggestions`).
    pub include_suggestions: bool,
    /// How many codings of the drawn codes were counted.
    pub codings: usize,
}

/// One configuration (ICAMO) of the chart, naming its nodes by [`Node::id`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChartConfiguration {
    /// The configuration's id (`icamo1`).
    pub id: String,
    /// Its title (`Benadering gericht op inburgeraars`).
    pub title: String,
    /// Intervention nodes. A node shared with an earlier configuration (its outcome) is the
    /// chain link.
    pub interventions: Vec<String>,
    /// Actor nodes: whom the interventions target, and in whom a mechanism happens.
    pub actors: Vec<String>,
    /// Actors the configuration is for without targeting them (beneficiaries).
    pub beneficiaries: Vec<String>,
    /// Mechanism nodes, in the configuration's order.
    pub mechanisms: Vec<String>,
    /// Counter-mechanism nodes: reported in practice, working against the outcome.
    pub counter_mechanisms: Vec<String>,
    /// The outcome node.
    pub outcome: String,
    /// Context factor nodes, individual then institutional then societal.
    pub context: Vec<String>,
}

/// The role a node plays in its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An intervention (an instrument, or the outcome of an earlier configuration).
    Intervention,
    /// An actor.
    Actor,
    /// A mechanism, with its steps.
    Mechanism,
    /// A counter-mechanism.
    CounterMechanism,
    /// A context factor, with its level.
    Context,
    /// An outcome.
    Outcome,
}

/// One node: a code in one configuration (or, for a chain link, in several).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Unique in the chart: `<configuration>/<code>`, or the code id alone for a node that
    /// several configurations share (the chain link).
    pub id: String,
    /// The code it stands for.
    pub code: String,
    /// Its role.
    pub kind: NodeKind,
    /// The configurations it belongs to (more than one for a chain link).
    pub configurations: Vec<String>,
    /// The code's label.
    pub label: String,
    /// A context factor's level in this configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<ContextLevel>,
    /// A mechanism's steps: process ⇒ sub-goal, in order (usually one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// For a mechanism that happens in another actor than the targeted ones: that actor's
    /// label(s).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub happens_in: Vec<String>,
    /// The evidence for the code (its coded segments, the theory's authors included).
    pub evidence: Counts,
    /// What everyone but the theory's authors said, in people: what the verdict weighs and
    /// the figure and the report's text count.
    pub voices: Voices,
    /// For a mechanism: whether its verdict is that the evidence contradicts it (drawn
    /// marked). Always false for other kinds.
    pub contradicted: bool,
    /// For a mechanism or counter-mechanism: what the evidence says ([`super::verdict`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// One step of a mechanism.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The underlying process.
    pub process: String,
    /// The sub-goal it reaches.
    pub subgoal: String,
}

/// A typed edge between two nodes of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// [`Node::id`] of the tail.
    pub from: String,
    /// [`Node::id`] of the head.
    pub to: String,
    /// What the edge means.
    pub kind: EdgeKind,
    /// The configuration the edge belongs to.
    pub configuration: String,
}

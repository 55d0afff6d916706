//! What an ICAMO figure shows, shared by every renderer: the boxes a [`Chart`] is drawn as,
//! their Dutch text (wrapped), the configurations they are grouped in, and the links between
//! them. DOT, the built-in SVG and Mermaid only differ in how they draw a [`Figure`].
//!
//! Per configuration: one box listing the interventions (so twelve interventions do not make
//! twelve edges to every actor), one box of actors (beneficiaries noted), one box per mechanism
//! (label, process ⇒ sub-goal per step, where it happens, the evidence counts), one per
//! counter-mechanism, the outcome, and one context box listing the factors per level. A node
//! that several drawn configurations share (the chain link: ICAMO 1–3's outcome, ICAMO 4's
//! intervention) is drawn once, outside every configuration.

use std::collections::{BTreeMap, BTreeSet};

use crate::chain::chart::{Chart, ChartConfiguration, Counts, EdgeKind, Node, Step};
use crate::codebook::ContextLevel;

/// Where long labels wrap, in characters.
pub(crate) const WRAP: usize = 32;

/// How a line of a box is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineStyle {
    /// A small bold heading (`Interventies`, `Context`, `Individueel`).
    Heading,
    /// A bold label (a mechanism's or outcome's label).
    Strong,
    /// Running text (a list item, a step).
    Text,
    /// Where a mechanism happens, or a chain link's role: set in italics.
    Note,
    /// Evidence counts: small and grey.
    Evidence,
    /// The mark of a contradicted mechanism: bold and red.
    Warning,
}

/// One line of a box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// How it is set.
    pub style: LineStyle,
    /// Its text, already wrapped (no line breaks inside).
    pub text: String,
}

/// What a box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// The configuration's interventions, listed.
    Interventions,
    /// The configuration's actors (and beneficiaries), listed.
    Actors,
    /// One mechanism.
    Mechanism,
    /// One counter-mechanism.
    CounterMechanism,
    /// The configuration's outcome.
    Outcome,
    /// A node several configurations share (an outcome that is the next one's intervention).
    ChainLink,
    /// The configuration's context factors, listed per level.
    Context,
}

/// One box of the figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// Unique in the figure and stable: the chart node id, or `<configuration>/<role>` for a list.
    pub key: String,
    /// What it stands for.
    pub kind: BlockKind,
    /// Whether the evidence contradicts it (drawn marked).
    pub contradicted: bool,
    /// Its lines, top to bottom.
    pub lines: Vec<Line>,
    /// The full labels of the chart nodes it stands for (unwrapped), for tooltips.
    pub labels: Vec<String>,
    /// The same lines as columns side by side, for a renderer that can set them so: the first
    /// `header` lines span the box, then one column per entry (the context box: one per level).
    /// Empty for a box that is a single column.
    pub columns: Vec<Vec<Line>>,
    /// How many of `lines` come before the columns.
    pub header: usize,
}

/// One configuration of the figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cluster {
    /// The configuration's id.
    pub id: String,
    /// `ICAMO 1 — Benadering gericht op inburgeraars`.
    pub title: String,
    /// Its boxes (indexes into [`Figure::blocks`]), in drawing order; shared boxes excluded.
    pub blocks: Vec<usize>,
    /// Its mechanism boxes (a subset of `blocks`).
    pub mechanisms: Vec<usize>,
    /// Its context box.
    pub context: Option<usize>,
    /// The box the mechanisms hang from (the actors, else the interventions): a renderer
    /// that places the context box beside the mechanisms hangs it from this one too.
    pub anchor: Option<usize>,
}

/// What a link means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LinkKind {
    /// Interventions → actors (or an intervention straight to a mechanism).
    Targets,
    /// Actors → mechanism.
    Triggers,
    /// Mechanism → mechanism or outcome.
    LeadsTo,
    /// Counter-mechanism → outcome.
    Counteracts,
    /// Context → the mechanisms.
    Moderates,
}

/// A link between two boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Link {
    /// Index of the tail box.
    pub from: usize,
    /// Index of the head box.
    pub to: usize,
    /// What it means.
    pub kind: LinkKind,
}

/// A chart as boxes, configurations and links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Figure {
    /// Every box: the configurations' boxes in order, then the shared ones.
    pub blocks: Vec<Block>,
    /// The configurations, in drawing order.
    pub clusters: Vec<Cluster>,
    /// The shared boxes (chain links), drawn outside every configuration.
    pub shared: Vec<usize>,
    /// The links, without duplicates, in a stable order.
    pub links: Vec<Link>,
    /// Lines explaining how to read the figure (the evidence counts, the marks).
    pub legend: Vec<String>,
}

/// `ICAMO 3` for the configuration id `icamo3`; the id itself otherwise.
pub(crate) fn short_name(id: &str) -> String {
    let lower = id.to_lowercase();
    match lower.strip_prefix("icamo") {
        Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => format!("ICAMO {n}"),
        _ => id.to_string(),
    }
}

/// `ICAMO 1 — Benadering gericht op inburgeraars`.
pub(crate) fn cluster_title(c: &ChartConfiguration) -> String {
    if c.title.trim().is_empty() {
        short_name(&c.id)
    } else {
        format!("{} — {}", short_name(&c.id), c.title.trim())
    }
}

/// Wraps `text` at `width` characters on word boundaries. A word longer than a line breaks
/// after a hyphen where it has one; without one it stays whole when it is only a little too
/// long, and is cut (with a hyphen added) otherwise.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0usize;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if cur_len == 0 && len <= width {
            cur.push_str(word);
            cur_len = len;
            continue;
        }
        if cur_len > 0 && cur_len + 1 + len <= width {
            cur.push(' ');
            cur.push_str(word);
            cur_len += 1 + len;
            continue;
        }
        if len <= width {
            lines.push(std::mem::take(&mut cur));
            cur.push_str(word);
            cur_len = len;
            continue;
        }
        // A word longer than a line: place it piece by piece.
        for (i, piece) in pieces(word, width).into_iter().enumerate() {
            let plen = piece.chars().count();
            let sep = usize::from(i == 0 && cur_len > 0);
            if cur_len == 0 || cur_len + sep + plen <= width {
                if sep == 1 {
                    cur.push(' ');
                }
                cur.push_str(&piece);
                cur_len += sep + plen;
            } else {
                lines.push(std::mem::take(&mut cur));
                cur.push_str(&piece);
                cur_len = plen;
            }
        }
    }
    if cur_len > 0 || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// How many characters a word without hyphens may run over a line before it is cut.
const SLACK: usize = 6;

/// A long word cut after its hyphens; a piece still too long (by more than [`SLACK`] when it
/// has no hyphen) cut into lines of `width - 1` characters and a hyphen.
fn pieces(word: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for part in word.split_inclusive('-') {
        let chars: Vec<char> = part.chars().collect();
        if chars.len() <= width {
            out.push(part.to_string());
            continue;
        }
        // A word a little too long is better whole than cut.
        if chars.len() <= width + SLACK && !part.contains('-') {
            out.push(part.to_string());
            continue;
        }
        let mut rest = &chars[..];
        while rest.len() > width {
            let mut piece: String = rest[..width - 1].iter().collect();
            piece.push('-');
            out.push(piece);
            rest = &rest[width - 1..];
        }
        out.push(rest.iter().collect());
    }
    out
}

/// `1 fragment`, `2 fragmenten`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `1, 2 en 3`.
fn dutch_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} en {last}", init.join(", ")),
    }
}

/// The evidence lines of a mechanism: `12 fragmenten · 9 + · 2 − · 1 ~`, `5 respondenten`.
pub(crate) fn evidence_lines(c: &Counts) -> Vec<String> {
    if c.segments == 0 {
        return vec!["nog geen gecodeerde fragmenten".to_string()];
    }
    let mut first = count(c.segments, "fragment", "fragmenten");
    if c.supports + c.contradicts + c.nuance > 0 {
        first.push_str(&format!(
            " · {} + · {} − · {} ~",
            c.supports, c.contradicts, c.nuance
        ));
    }
    vec![first, count(c.respondents, "respondent", "respondenten")]
}

/// The mark on a contradicted mechanism.
pub(crate) const CONTRADICTED: &str = "⚠ weersproken door het bewijs";

/// The heading of a context level.
fn level_heading(level: Option<ContextLevel>) -> &'static str {
    match level {
        Some(ContextLevel::Individual) => "Individueel",
        Some(ContextLevel::Institutional) => "Institutioneel",
        Some(ContextLevel::Societal) => "Maatschappelijk-economisch",
        None => "Overig",
    }
}

/// The order context levels are drawn in (individual first).
pub(crate) fn level_rank(level: Option<ContextLevel>) -> u8 {
    match level {
        Some(ContextLevel::Individual) => 0,
        Some(ContextLevel::Institutional) => 1,
        Some(ContextLevel::Societal) => 2,
        None => 3,
    }
}

fn push_wrapped(lines: &mut Vec<Line>, style: LineStyle, text: &str) {
    for t in wrap(text, WRAP) {
        lines.push(Line { style, text: t });
    }
}

/// A list item: `• label`, continuation lines indented.
fn push_item(lines: &mut Vec<Line>, text: &str) {
    for (i, t) in wrap(text, WRAP - 2).into_iter().enumerate() {
        let text = if i == 0 {
            format!("• {t}")
        } else {
            format!("  {t}")
        };
        lines.push(Line {
            style: LineStyle::Text,
            text,
        });
    }
}

fn heading(lines: &mut Vec<Line>, text: &str) {
    lines.push(Line {
        style: LineStyle::Heading,
        text: text.to_string(),
    });
}

/// The [`CONTRADICTED`] mark, when the box's node is contradicted.
fn push_warning(lines: &mut Vec<Line>, contradicted: bool) {
    if contradicted {
        lines.push(Line {
            style: LineStyle::Warning,
            text: CONTRADICTED.to_string(),
        });
    }
}

/// A mechanism step as one line of text: `process ⇒ sub-goal`, either side left out when
/// empty.
pub(crate) fn step_text(step: &Step) -> String {
    match (step.process.trim(), step.subgoal.trim()) {
        ("", g) => format!("⇒ {g}"),
        (p, "") => p.to_string(),
        (p, g) => format!("{p} ⇒ {g}"),
    }
}

/// Which drawn configurations use each node, and as what: a node several of them use is
/// drawn once, outside them all, with a note of the roles it plays.
struct Uses<'a> {
    configurations: BTreeMap<&'a str, BTreeSet<usize>>,
    as_outcome: BTreeMap<&'a str, Vec<String>>,
    as_intervention: BTreeMap<&'a str, Vec<String>>,
}

impl<'a> Uses<'a> {
    fn new(chart: &'a Chart) -> Uses<'a> {
        let mut uses = Uses {
            configurations: BTreeMap::new(),
            as_outcome: BTreeMap::new(),
            as_intervention: BTreeMap::new(),
        };
        for (ci, c) in chart.configurations.iter().enumerate() {
            let all = c
                .interventions
                .iter()
                .chain(&c.actors)
                .chain(&c.beneficiaries)
                .chain(&c.mechanisms)
                .chain(&c.counter_mechanisms)
                .chain(std::iter::once(&c.outcome))
                .chain(&c.context);
            for id in all {
                uses.configurations
                    .entry(id.as_str())
                    .or_default()
                    .insert(ci);
            }
            uses.as_outcome
                .entry(c.outcome.as_str())
                .or_default()
                .push(short_name(&c.id));
            for i in &c.interventions {
                uses.as_intervention
                    .entry(i.as_str())
                    .or_default()
                    .push(short_name(&c.id));
            }
        }
        uses
    }

    fn is_shared(&self, id: &str) -> bool {
        self.configurations.get(id).is_some_and(|s| s.len() > 1)
    }
}

/// The boxes of one configuration that its links run between.
struct ClusterBoxes<'c> {
    /// Where the configuration starts: its shared interventions and its interventions box.
    entry: Vec<usize>,
    actors: Option<usize>,
    /// Each mechanism's node id and box.
    mechanisms: Vec<(&'c str, usize)>,
    counter_mechanisms: Vec<usize>,
    outcome: usize,
    context: Option<usize>,
}

impl ClusterBoxes<'_> {
    /// The boxes the mechanisms hang from: the actors, else the entry boxes.
    fn targets(&self) -> Vec<usize> {
        match self.actors {
            Some(a) => vec![a],
            None => self.entry.clone(),
        }
    }
}

/// Builds a [`Figure`] one configuration at a time, sharing boxes by key.
struct Builder<'a> {
    chart: &'a Chart,
    nodes: BTreeMap<&'a str, &'a Node>,
    uses: Uses<'a>,
    blocks: Vec<Block>,
    keys: BTreeMap<String, usize>,
    /// The shared boxes, in the order first met.
    shared: Vec<usize>,
    links: BTreeSet<Link>,
}

impl<'a> Builder<'a> {
    fn new(chart: &'a Chart) -> Builder<'a> {
        Builder {
            chart,
            nodes: chart.nodes.iter().map(|n| (n.id.as_str(), n)).collect(),
            uses: Uses::new(chart),
            blocks: Vec::new(),
            keys: BTreeMap::new(),
            shared: Vec::new(),
            links: BTreeSet::new(),
        }
    }

    fn label(&self, id: &str) -> String {
        self.nodes
            .get(id)
            .map_or_else(|| id.to_string(), |n| n.label.trim().to_string())
    }

    fn contradicted(&self, id: &str) -> bool {
        self.nodes.get(id).is_some_and(|n| n.contradicted)
    }

    fn add(&mut self, block: Block) -> usize {
        if let Some(&i) = self.keys.get(&block.key) {
            return i;
        }
        let i = self.blocks.len();
        self.keys.insert(block.key.clone(), i);
        self.blocks.push(block);
        i
    }

    fn link(&mut self, from: usize, to: usize, kind: LinkKind) {
        self.links.insert(Link { from, to, kind });
    }

    fn has_edge(&self, config: &str, from: &str, to: &str, kinds: &[EdgeKind]) -> bool {
        self.chart.edges.iter().any(|e| {
            e.from == from && e.to == to && kinds.contains(&e.kind) && e.configuration == config
        })
    }

    /// The box of a node several configurations share, made when first met but kept out of
    /// the configurations' lists.
    fn shared_block(&mut self, id: &str) -> usize {
        let label = self.label(id);
        let mut lines = Vec::new();
        push_wrapped(&mut lines, LineStyle::Strong, &label);
        if let Some(o) = self.uses.as_outcome.get(id) {
            push_wrapped(
                &mut lines,
                LineStyle::Note,
                &format!("uitkomst van {}", dutch_list(o)),
            );
        }
        if let Some(i) = self.uses.as_intervention.get(id) {
            push_wrapped(
                &mut lines,
                LineStyle::Note,
                &format!("interventie in {}", dutch_list(i)),
            );
        }
        let contradicted = self.contradicted(id);
        push_warning(&mut lines, contradicted);
        let i = self.add(Block {
            key: id.to_string(),
            kind: BlockKind::ChainLink,
            contradicted,
            lines,
            labels: vec![label],
            columns: Vec::new(),
            header: 0,
        });
        if !self.shared.contains(&i) {
            self.shared.push(i);
        }
        i
    }

    /// One configuration's boxes and links, in drawing order.
    fn cluster(&mut self, c: &ChartConfiguration) -> Cluster {
        let mut mine = Vec::new();
        let numbers: BTreeMap<&str, String> = c
            .mechanisms
            .iter()
            .enumerate()
            .map(|(i, m)| (m.as_str(), format!("M{}", i + 1)))
            .collect();

        // Interventions: the shared ones stand alone, the rest are listed in one box.
        let mut entry: Vec<usize> = Vec::new();
        for i in &c.interventions {
            if self.uses.is_shared(i) {
                entry.push(self.shared_block(i));
            }
        }
        if let Some(block) = self.interventions_block(c, &numbers) {
            let k = self.add(block);
            mine.push(k);
            entry.push(k);
        }

        // Actors and beneficiaries in one box.
        let actors = self.actors_block(c).map(|block| self.add(block));
        mine.extend(actors);

        // Mechanisms and counter-mechanisms.
        let mut mechanisms = Vec::new();
        for m in &c.mechanisms {
            let block = self.mechanism_block(m, None, &numbers[m.as_str()]);
            let k = self.add(block);
            mine.push(k);
            mechanisms.push((m.as_str(), k));
        }
        let mut counter_mechanisms = Vec::new();
        for m in &c.counter_mechanisms {
            let block = self.mechanism_block(m, Some("Tegenmechanisme"), "");
            let k = self.add(block);
            mine.push(k);
            counter_mechanisms.push(k);
        }

        // The outcome.
        let outcome = if self.uses.is_shared(&c.outcome) {
            self.shared_block(&c.outcome)
        } else {
            let block = self.outcome_block(c);
            let k = self.add(block);
            mine.push(k);
            k
        };

        // The context, per level.
        let context = self.context_block(c).map(|block| self.add(block));
        mine.extend(context);

        let boxes = ClusterBoxes {
            entry,
            actors,
            mechanisms,
            counter_mechanisms,
            outcome,
            context,
        };
        self.link_cluster(c, &boxes);
        Cluster {
            id: c.id.clone(),
            title: cluster_title(c),
            blocks: mine,
            mechanisms: boxes.mechanisms.iter().map(|&(_, k)| k).collect(),
            context,
            anchor: boxes.targets().first().copied(),
        }
    }

    /// The box listing the interventions no other configuration shares, each with the
    /// mechanisms it sets going where the chart says so for only some; none without them.
    fn interventions_block(
        &self,
        c: &ChartConfiguration,
        numbers: &BTreeMap<&str, String>,
    ) -> Option<Block> {
        let own: Vec<&String> = c
            .interventions
            .iter()
            .filter(|i| !self.uses.is_shared(i))
            .collect();
        if own.is_empty() {
            return None;
        }
        let mut lines = Vec::new();
        heading(&mut lines, "Interventies");
        let mut labels = Vec::new();
        for i in &own {
            let label = self.label(i);
            let triggered: Vec<&str> = c
                .mechanisms
                .iter()
                .filter(|m| self.has_edge(&c.id, i, m, &[EdgeKind::Triggers]))
                .map(|m| numbers[m.as_str()].as_str())
                .collect();
            let text = if triggered.is_empty() || triggered.len() == c.mechanisms.len() {
                label.clone()
            } else {
                format!("{label} → {}", triggered.join(", "))
            };
            push_item(&mut lines, &text);
            labels.push(label);
        }
        Some(Block {
            key: format!("{}/interventies", c.id),
            kind: BlockKind::Interventions,
            contradicted: false,
            lines,
            labels,
            columns: Vec::new(),
            header: 0,
        })
    }

    /// The box listing the actors and beneficiaries; none without either.
    fn actors_block(&self, c: &ChartConfiguration) -> Option<Block> {
        if c.actors.is_empty() && c.beneficiaries.is_empty() {
            return None;
        }
        let mut lines = Vec::new();
        let mut labels = Vec::new();
        for (title, ids) in [
            ("Actoren", &c.actors),
            ("Ten behoeve van", &c.beneficiaries),
        ] {
            if ids.is_empty() {
                continue;
            }
            heading(&mut lines, title);
            for a in ids {
                let label = self.label(a);
                push_item(&mut lines, &label);
                labels.push(label);
            }
        }
        Some(Block {
            key: format!("{}/actoren", c.id),
            kind: BlockKind::Actors,
            contradicted: false,
            lines,
            labels,
            columns: Vec::new(),
            header: 0,
        })
    }

    fn mechanism_block(&self, id: &str, heading_text: Option<&str>, number: &str) -> Block {
        let mut lines = Vec::new();
        if let Some(h) = heading_text {
            heading(&mut lines, h);
        }
        let label = self.label(id);
        let title = if number.is_empty() {
            label.clone()
        } else {
            format!("{number} · {label}")
        };
        push_wrapped(&mut lines, LineStyle::Strong, &title);
        let node = self.nodes.get(id);
        if let Some(n) = node {
            let many = n.steps.len() > 1;
            for (i, s) in n.steps.iter().enumerate() {
                let text = step_text(s);
                let text = if many {
                    format!("{}) {text}", i + 1)
                } else {
                    text
                };
                push_wrapped(&mut lines, LineStyle::Text, &text);
            }
            if !n.happens_in.is_empty() {
                let actors: Vec<String> =
                    n.happens_in.iter().map(|a| a.trim().to_string()).collect();
                push_wrapped(
                    &mut lines,
                    LineStyle::Note,
                    &format!("bij {}", dutch_list(&actors)),
                );
            }
            for t in evidence_lines(&n.evidence) {
                lines.push(Line {
                    style: LineStyle::Evidence,
                    text: t,
                });
            }
        }
        let contradicted = self.contradicted(id);
        push_warning(&mut lines, contradicted);
        Block {
            key: id.to_string(),
            kind: if heading_text.is_some() {
                BlockKind::CounterMechanism
            } else {
                BlockKind::Mechanism
            },
            contradicted,
            lines,
            labels: vec![label],
            columns: Vec::new(),
            header: 0,
        }
    }

    /// The box of an outcome no other configuration shares.
    fn outcome_block(&self, c: &ChartConfiguration) -> Block {
        let label = self.label(&c.outcome);
        let mut lines = Vec::new();
        heading(&mut lines, "Uitkomst");
        push_wrapped(&mut lines, LineStyle::Strong, &label);
        let contradicted = self.contradicted(&c.outcome);
        push_warning(&mut lines, contradicted);
        Block {
            key: c.outcome.clone(),
            kind: BlockKind::Outcome,
            contradicted,
            lines,
            labels: vec![label],
            columns: Vec::new(),
            header: 0,
        }
    }

    /// The context box: one column of factors per level, individual first; none without
    /// factors.
    fn context_block(&self, c: &ChartConfiguration) -> Option<Block> {
        if c.context.is_empty() {
            return None;
        }
        let mut by_level: Vec<(u8, Option<ContextLevel>, Vec<String>)> = Vec::new();
        for f in &c.context {
            let level = self.nodes.get(f.as_str()).and_then(|n| n.level);
            let rank = level_rank(level);
            let label = self.label(f);
            match by_level.iter_mut().find(|(r, _, _)| *r == rank) {
                Some((_, _, v)) => v.push(label),
                None => by_level.push((rank, level, vec![label])),
            }
        }
        by_level.sort_by_key(|(r, _, _)| *r);
        let mut lines = Vec::new();
        let mut labels = Vec::new();
        let mut columns = Vec::new();
        heading(&mut lines, "Context");
        for (_, level, factors) in by_level {
            let mut column = vec![Line {
                style: LineStyle::Strong,
                text: level_heading(level).to_string(),
            }];
            for f in factors {
                push_item(&mut column, &f);
                labels.push(f);
            }
            lines.extend(column.iter().cloned());
            columns.push(column);
        }
        Some(Block {
            key: format!("{}/context", c.id),
            kind: BlockKind::Context,
            contradicted: false,
            lines,
            labels,
            columns,
            header: 1,
        })
    }

    /// The links between one configuration's boxes.
    fn link_cluster(&mut self, c: &ChartConfiguration, boxes: &ClusterBoxes) {
        let mechs = &boxes.mechanisms;
        let first_mechs: Vec<usize> = mechs
            .iter()
            .filter(|(m, _)| {
                !mechs
                    .iter()
                    .any(|(o, _)| o != m && self.has_edge(&c.id, o, m, &[EdgeKind::LeadsTo]))
            })
            .map(|&(_, k)| k)
            .collect();
        if let Some(a) = boxes.actors {
            for &e in &boxes.entry {
                self.link(e, a, LinkKind::Targets);
            }
        }
        let targets = boxes.targets();
        let into_mechanisms = if boxes.actors.is_some() {
            LinkKind::Triggers
        } else {
            LinkKind::Targets
        };
        for &t in &targets {
            for &m in first_mechs.iter().chain(&boxes.counter_mechanisms) {
                self.link(t, m, into_mechanisms);
            }
        }
        for &(m, km) in mechs {
            let mut onward = false;
            for &(o, ko) in mechs {
                if o != m && self.has_edge(&c.id, m, o, &[EdgeKind::LeadsTo]) {
                    self.link(km, ko, LinkKind::LeadsTo);
                    onward = true;
                }
            }
            // A mechanism the chart leads nowhere still serves the outcome.
            if !onward || self.has_edge(&c.id, m, &c.outcome, &[EdgeKind::LeadsTo]) {
                self.link(km, boxes.outcome, LinkKind::LeadsTo);
            }
        }
        for &k in &boxes.counter_mechanisms {
            self.link(k, boxes.outcome, LinkKind::Counteracts);
        }
        if mechs.is_empty() && boxes.counter_mechanisms.is_empty() {
            for &t in &targets {
                self.link(t, boxes.outcome, LinkKind::LeadsTo);
            }
        }
        if let (Some(ctx), Some(&(_, m))) = (boxes.context, mechs.last()) {
            self.link(ctx, m, LinkKind::Moderates);
        }
    }
}

/// How to read the figure: the evidence counts (and what they count) and the marks.
fn legend(chart: &Chart) -> Vec<String> {
    let basis = if chart.evidence.include_suggestions {
        "inclusief niet-bevestigde suggesties"
    } else {
        "alleen bevestigde coderingen"
    };
    vec![
        format!(
            "Mechanisme: proces ⇒ subdoel · bewijs: gecodeerde fragmenten, + ondersteunt, − weerspreekt, ~ nuanceert ({basis})"
        ),
        "Rood gestreept: weersproken door het bewijs, of een tegenmechanisme (werkt tegen de uitkomst)".to_string(),
    ]
}

/// Builds the figure of `chart`.
pub(crate) fn figure(chart: &Chart) -> Figure {
    let mut b = Builder::new(chart);
    let clusters = chart.configurations.iter().map(|c| b.cluster(c)).collect();
    Figure {
        blocks: b.blocks,
        clusters,
        shared: b.shared,
        links: b.links.into_iter().collect(),
        legend: legend(chart),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_word_boundaries() {
        let lines = wrap(
            "leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid",
            32,
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid"
        );
    }

    #[test]
    fn breaks_long_words_at_hyphens_then_anywhere() {
        let lines = wrap(
            "de participatieverklaringstraject-arbeidsmarktdiscriminatie",
            32,
        );
        assert_eq!(
            lines,
            [
                "de",
                "participatieverklaringstraject-",
                "arbeidsmarktdiscriminatie"
            ]
        );
        let lines = wrap("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10);
        assert!(lines.iter().all(|l| l.chars().count() <= 10), "{lines:?}");
        assert_eq!(lines[0], "aaaaaaaaa-");
        assert_eq!(wrap("", 32), [""]);
    }

    #[test]
    fn evidence_is_counted_in_dutch() {
        let c = Counts {
            segments: 12,
            respondents: 5,
            supports: 9,
            contradicts: 2,
            nuance: 1,
            barriers: 0,
        };
        assert_eq!(
            evidence_lines(&c),
            ["12 fragmenten · 9 + · 2 − · 1 ~", "5 respondenten"]
        );
        let one = Counts {
            segments: 1,
            respondents: 1,
            ..Counts::default()
        };
        assert_eq!(evidence_lines(&one), ["1 fragment", "1 respondent"]);
    }

    #[test]
    fn names_configurations() {
        assert_eq!(short_name("icamo12"), "ICAMO 12");
        assert_eq!(short_name("werkgevers"), "werkgevers");
        assert_eq!(
            dutch_list(&["a".into(), "b".into(), "c".into()]),
            "a, b en c"
        );
    }
}

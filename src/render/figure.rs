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

use crate::chain::chart::{Chart, ChartConfiguration, EdgeKind, Node, Step, Voices};
use crate::chain::verdict::{RULES, Subject, Verdict};
use crate::codebook::ContextLevel;

/// Where long labels wrap, in characters.
pub(crate) const WRAP: usize = 29;

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
    /// A mechanism's verdict: bold.
    Verdict,
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
    /// A whole configuration, summed up (the chain's overview).
    Configuration,
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
    /// A mechanism's or counter-mechanism's verdict, which its box is drawn in.
    pub verdict: Option<(Verdict, Subject)>,
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
    /// Its context box, which holds for the mechanisms as a group (drawn as a band under
    /// them), not for any one of them.
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
    /// The verdicts the figure draws, in the order of the rules, mechanisms' first: the
    /// legend shows each one's box.
    pub verdicts: Vec<(Verdict, Subject)>,
}

/// The words of the counter-mechanism's edge.
pub(crate) const COUNTERACTS: &str = "werkt tegen";

/// The words before the legend's key of verdicts.
pub(crate) const VERDICT_KEY: &str = "Oordeel:";

/// A verdict's words in the legend's key: a counter-mechanism's own words say whose they are.
pub(crate) fn key_words(verdict: Verdict, subject: Subject) -> String {
    match subject {
        Subject::Mechanism => verdict.word(subject).to_string(),
        Subject::CounterMechanism => format!("tegenmechanisme {}", verdict.word(subject)),
    }
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

/// The evidence lines of a mechanism, counted as the report's text counts them (in people,
/// the theory's authors left out): `7 fragmenten van 6 respondenten`, `+ 4 · − 1 · ~ 2`.
pub(crate) fn evidence_lines(v: &Voices) -> Vec<String> {
    if v.fragments == 0 {
        return vec!["nog geen gecodeerde fragmenten".to_string()];
    }
    let mut lines = vec![format!(
        "{} van {}",
        count(v.fragments, "fragment", "fragmenten"),
        count(v.people, "respondent", "respondenten")
    )];
    if v.stanced > 0 {
        let mut stances = format!("+ {} · − {} · ~ {}", v.supports, v.contradicts, v.nuance);
        if v.barred > 0 {
            stances.push_str(&format!(" · belemmering {}", v.barred));
        }
        lines.push(stances);
    }
    lines
}

/// A verdict as a box shows it: `Oordeel: herkend`, marked ⚠ when it is bad news.
pub(crate) fn verdict_text(verdict: Verdict, subject: Subject) -> String {
    let mark = if verdict.warns(subject) { "⚠ " } else { "" };
    format!("Oordeel: {mark}{}", verdict.word(subject))
}

/// The mark on a contradicted box that has no verdict line.
pub(crate) const CONTRADICTED: &str = "⚠ weersproken door het bewijs";

/// The heading of a configuration's context box: the factors hold for all its mechanisms.
pub(crate) const CONTEXT_HEADING: &str = "Context (geldt voor alle mechanismen)";

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
    push_item_at(lines, text, WRAP);
}

/// A list item in a column `width` characters wide.
fn push_item_at(lines: &mut Vec<Line>, text: &str, width: usize) {
    for (i, t) in wrap(text, width - 2).into_iter().enumerate() {
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
    /// Whether the figure is for a page (see [`page_figure`]).
    page: bool,
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
            page: false,
        }
    }

    /// A node's label as the report writes it ("Tegenmechanisme — …", not "…: …").
    fn label(&self, id: &str) -> String {
        self.nodes
            .get(id)
            .map_or_else(|| id.to_string(), |n| without_colon(n.label.trim()))
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
            verdict: None,
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
        if self.page && own.len() > LONG_LIST {
            push_wrapped(
                &mut lines,
                LineStyle::Text,
                &format!("De {} interventies staan onder de figuur.", own.len()),
            );
            labels = own.iter().map(|i| self.label(i)).collect();
        }
        for i in own.iter().filter(|_| !self.page || own.len() <= LONG_LIST) {
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
            verdict: None,
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
            verdict: None,
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
        let subject = if heading_text.is_some() {
            Subject::CounterMechanism
        } else {
            Subject::Mechanism
        };
        let node = self.nodes.get(id);
        let mut verdict = None;
        if let Some(n) = node {
            let many = n.steps.len() > 1;
            let steps: &[Step] = if self.page { &[] } else { &n.steps };
            for (i, s) in steps.iter().enumerate() {
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
            for t in evidence_lines(&n.voices) {
                lines.push(Line {
                    style: LineStyle::Evidence,
                    text: t,
                });
            }
            // The verdict the chart was given: never judged again here.
            verdict = n.verdict.map(|v| (v, subject));
            if let Some((v, s)) = verdict {
                push_wrapped(&mut lines, LineStyle::Verdict, &verdict_text(v, s));
            }
        }
        let contradicted = self.contradicted(id);
        if verdict.is_none() {
            push_warning(&mut lines, contradicted);
        }
        Block {
            key: id.to_string(),
            kind: if heading_text.is_some() {
                BlockKind::CounterMechanism
            } else {
                BlockKind::Mechanism
            },
            contradicted,
            verdict,
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
            verdict: None,
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
        if self.page && c.context.len() > 3 * LONG_LIST / 2 {
            return Some(self.context_summary(c, by_level));
        }
        let mut lines = Vec::new();
        let mut labels = Vec::new();
        let mut columns = Vec::new();
        heading(&mut lines, CONTEXT_HEADING);
        // The columns share the width of the mechanisms' frame.
        let width = match by_level.len() {
            1 => 2 * WRAP + 6,
            2 => WRAP + 2,
            _ => 22,
        };
        for (_, level, factors) in by_level {
            let mut column = Vec::new();
            for t in wrap(level_heading(level), width) {
                column.push(Line {
                    style: LineStyle::Strong,
                    text: t,
                });
            }
            for f in factors {
                push_item_at(&mut column, &f, width);
                labels.push(f);
            }
            lines.extend(column.iter().cloned());
            columns.push(column);
        }
        Some(Block {
            key: format!("{}/context", c.id),
            kind: BlockKind::Context,
            contradicted: false,
            verdict: None,
            lines,
            labels,
            columns,
            header: 1,
        })
    }

    /// The context box of a page figure when the factors are many: how many per level; the
    /// report lists them under the figure.
    fn context_summary(
        &self,
        c: &ChartConfiguration,
        by_level: Vec<(u8, Option<ContextLevel>, Vec<String>)>,
    ) -> Block {
        let mut lines = Vec::new();
        let mut labels = Vec::new();
        heading(&mut lines, CONTEXT_HEADING);
        let mut counts = Vec::new();
        for (i, (_, level, factors)) in by_level.into_iter().enumerate() {
            let name = level_heading(level);
            let name = if i == 0 {
                name.to_string()
            } else {
                name.to_lowercase()
            };
            counts.push(format!(
                "{name}: {}",
                count(factors.len(), "factor", "factoren")
            ));
            labels.extend(factors);
        }
        // As wide as the mechanisms' frame.
        for t in wrap(&format!("{}.", counts.join("; ")), 2 * WRAP + 6) {
            lines.push(Line {
                style: LineStyle::Text,
                text: t,
            });
        }
        lines.push(Line {
            style: LineStyle::Note,
            text: "De factoren staan onder de figuur.".to_string(),
        });
        Block {
            key: format!("{}/context", c.id),
            kind: BlockKind::Context,
            contradicted: false,
            verdict: None,
            lines,
            labels,
            columns: Vec::new(),
            header: 0,
        }
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
            let mut onward = Vec::new();
            for (j, &(o, ko)) in mechs.iter().enumerate() {
                if o != m && self.has_edge(&c.id, m, o, &[EdgeKind::LeadsTo]) {
                    self.link(km, ko, LinkKind::LeadsTo);
                    onward.push(format!("M{}", j + 1));
                }
            }
            // Said in the box too: a figure that sets mechanisms side by side draws no
            // edge between them.
            if !onward.is_empty() {
                let note = format!("leidt tot {}", dutch_list(&onward));
                let lines = &mut self.blocks[km].lines;
                let at = lines
                    .iter()
                    .position(|l| l.style == LineStyle::Evidence)
                    .unwrap_or(lines.len());
                lines.insert(
                    at,
                    Line {
                        style: LineStyle::Note,
                        text: note,
                    },
                );
            }
            let onward = !onward.is_empty();
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
    }
}

/// How to read the figure: the evidence counts (and what they count) and the marks.
fn legend(chart: &Chart, page: bool) -> Vec<String> {
    let basis = if chart.evidence.include_suggestions {
        "inclusief niet-bevestigde suggesties"
    } else {
        "alleen bevestigde coderingen"
    };
    let mut lines = vec![format!(
        "{}Bewijs: gecodeerde fragmenten en respondenten, geteld zoals in de tekst ({basis}); + ondersteunt, − weerspreekt, ~ nuanceert (aantallen respondenten).",
        if page {
            ""
        } else {
            "Mechanisme: proces ⇒ subdoel. "
        }
    )];
    if chart
        .configurations
        .iter()
        .any(|c| !c.counter_mechanisms.is_empty())
    {
        lines.push(format!(
            "Een tegenmechanisme werkt de uitkomst tegen (rode stippellijn, ‘{COUNTERACTS}’)."
        ));
    }
    lines
}

/// The verdicts `blocks` are drawn in, in the order of the rules, mechanisms' before
/// counter-mechanisms'.
fn verdicts_drawn(blocks: &[Block]) -> Vec<(Verdict, Subject)> {
    let mut out = Vec::new();
    for subject in [Subject::Mechanism, Subject::CounterMechanism] {
        for rule in &RULES {
            let v = (rule.verdict, subject);
            // A counter-mechanism's verdict in the mechanisms' words is drawn as theirs.
            let same = |&(w, s): &(Verdict, Subject)| w.word(s) == rule.verdict.word(subject);
            if blocks.iter().any(|b| b.verdict == Some(v)) && !out.iter().any(same) {
                out.push(v);
            }
        }
    }
    out
}

/// More items than this make a list long: a page figure counts them instead.
const LONG_LIST: usize = 6;

/// Builds the figure of `chart`.
pub(crate) fn figure(chart: &Chart) -> Figure {
    build(Builder::new(chart))
}

/// The figure of `chart` for a report page (and `icamo chain`): the mechanisms without their
/// steps, and long lists of interventions or context factors counted, since the report says
/// them in full under the figure.
pub(crate) fn page_figure(chart: &Chart) -> Figure {
    let mut b = Builder::new(chart);
    b.page = true;
    build(b)
}

fn build(mut b: Builder) -> Figure {
    let chart = b.chart;
    let clusters = chart.configurations.iter().map(|c| b.cluster(c)).collect();
    let verdicts = verdicts_drawn(&b.blocks);
    Figure {
        blocks: b.blocks,
        clusters,
        shared: b.shared,
        links: b.links.into_iter().collect(),
        legend: legend(chart, b.page),
        verdicts,
    }
}

/// The chain at a glance, for a report page: one box per configuration (its title and its
/// mechanisms' verdicts), the node that links them, and the last outcome. The details are in
/// the figure of each configuration.
pub(crate) struct Overview {
    /// The boxes: configurations, then the outcomes.
    pub blocks: Vec<Block>,
    /// The configurations' boxes by stage along the chain (those that produce a link first).
    pub stages: Vec<Vec<usize>>,
    /// Each configuration's box and the box of its outcome.
    pub outcomes: Vec<(usize, usize)>,
    /// Each outcome that is another configuration's intervention, and that configuration's box.
    pub onward: Vec<(usize, usize)>,
    /// How to read it.
    pub legend: Vec<String>,
}

/// A configuration's mechanisms by verdict, in the order of the rules ("M2, M3 en M5:
/// codering loopt nog"), then its counter-mechanisms' verdicts: the overview's lines.
fn verdict_summary(
    c: &crate::chain::chart::ChartConfiguration,
    nodes: &BTreeMap<&str, &Node>,
) -> Vec<String> {
    // The mechanisms by verdict, in the order of the rules.
    let mut by_verdict: Vec<(String, Vec<String>)> = Vec::new();
    for rule in RULES.iter().rev() {
        let numbers: Vec<String> = c
            .mechanisms
            .iter()
            .enumerate()
            .filter(|(_, m)| nodes.get(m.as_str()).and_then(|n| n.verdict) == Some(rule.verdict))
            .map(|(i, _)| format!("M{}", i + 1))
            .collect();
        if !numbers.is_empty() {
            by_verdict.push((rule.verdict.word(Subject::Mechanism).to_string(), numbers));
        }
    }
    let mut summary = Vec::new();
    for (word, numbers) in by_verdict {
        summary.push(format!("{}: {word}", dutch_list(&numbers)));
    }
    for k in &c.counter_mechanisms {
        if let Some(v) = nodes.get(k.as_str()).and_then(|n| n.verdict) {
            summary.push(format!(
                "tegenmechanisme: {}",
                v.word(Subject::CounterMechanism)
            ));
        }
    }
    summary
}

/// Where the overview's lines wrap: three boxes side by side on a page.
const OVERVIEW_WRAP: usize = 21;

/// The overview of `chart` (see [`Overview`]).
pub(crate) fn overview(chart: &Chart) -> Overview {
    let nodes: BTreeMap<&str, &Node> = chart.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut blocks = Vec::new();
    let mut stage_of: Vec<usize> = vec![0; chart.configurations.len()];
    // A configuration comes after those whose outcome it takes as intervention.
    for _ in 0..chart.configurations.len() {
        for (i, c) in chart.configurations.iter().enumerate() {
            for (j, d) in chart.configurations.iter().enumerate() {
                if i != j && c.interventions.contains(&d.outcome) {
                    stage_of[i] = stage_of[i].max(stage_of[j] + 1);
                }
            }
        }
    }
    for c in &chart.configurations {
        let mut lines = Vec::new();
        push_wrapped(&mut lines, LineStyle::Strong, &short_name(&c.id));
        for t in wrap(c.title.trim(), OVERVIEW_WRAP) {
            lines.push(Line {
                style: LineStyle::Text,
                text: t,
            });
        }
        for text in verdict_summary(c, &nodes) {
            for t in wrap(&text, OVERVIEW_WRAP) {
                lines.push(Line {
                    style: LineStyle::Evidence,
                    text: t,
                });
            }
        }
        blocks.push(Block {
            key: c.id.clone(),
            kind: BlockKind::Configuration,
            contradicted: false,
            verdict: None,
            lines,
            labels: vec![cluster_title(c)],
            columns: Vec::new(),
            header: 0,
        });
    }
    let mut outcomes = Vec::new();
    let mut onward = Vec::new();
    let mut outcome_box: BTreeMap<&str, usize> = BTreeMap::new();
    for (ci, c) in chart.configurations.iter().enumerate() {
        let k = *outcome_box.entry(c.outcome.as_str()).or_insert_with(|| {
            let label = nodes
                .get(c.outcome.as_str())
                .map_or_else(|| c.outcome.clone(), |n| n.label.trim().to_string());
            let mut lines = Vec::new();
            heading(&mut lines, "Uitkomst");
            for t in wrap(&label, WRAP - 4) {
                lines.push(Line {
                    style: LineStyle::Strong,
                    text: t,
                });
            }
            blocks.push(Block {
                key: c.outcome.clone(),
                kind: BlockKind::Outcome,
                contradicted: false,
                verdict: None,
                lines,
                labels: vec![label],
                columns: Vec::new(),
                header: 0,
            });
            blocks.len() - 1
        });
        outcomes.push((ci, k));
    }
    for (ci, c) in chart.configurations.iter().enumerate() {
        for i in &c.interventions {
            if let Some(&k) = outcome_box.get(i.as_str()) {
                onward.push((k, ci));
                blocks[k].kind = BlockKind::ChainLink;
            }
        }
    }
    let stages = (0..=stage_of.iter().copied().max().unwrap_or(0))
        .map(|s| {
            (0..chart.configurations.len())
                .filter(|&i| stage_of[i] == s)
                .collect()
        })
        .collect();
    Overview {
        blocks,
        stages,
        outcomes,
        onward,
        legend: vec![
            "Per configuratie staat het oordeel over elk van haar mechanismen (M1, M2, …), zoals in de tekst. De figuur van elke configuratie toont de mechanismen, hun context en het bewijs.".to_string(),
        ],
    }
}

/// A label fit to stand before ": verdict" (the summary's "label: verdict", a heading): its
/// own colon ("Tegenmechanisme: taal en werk…") becomes a dash, so no line reads
/// "Tegenmechanisme: …: doet zich voor".
pub(crate) fn without_colon(label: &str) -> String {
    match label.split_once(": ") {
        Some((kind, rest)) => format!("{} — {}", kind.trim_end(), without_colon(rest)),
        None => label.to_string(),
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
    fn evidence_is_counted_in_people_as_the_text_counts_it() {
        let v = Voices {
            fragments: 7,
            people: 6,
            cases: 2,
            supports: 4,
            contradicts: 1,
            nuance: 2,
            barred: 0,
            stanced: 6,
            open: 0,
        };
        assert_eq!(
            evidence_lines(&v),
            ["7 fragmenten van 6 respondenten", "+ 4 · − 1 · ~ 2"]
        );
        let one = Voices {
            fragments: 1,
            people: 1,
            ..Voices::default()
        };
        assert_eq!(evidence_lines(&one), ["1 fragment van 1 respondent"]);
        assert_eq!(
            verdict_text(Verdict::Recognised, Subject::CounterMechanism),
            "Oordeel: ⚠ doet zich voor"
        );
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

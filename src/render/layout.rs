//! The built-in layout, sized for a report page: each configuration is a panel laid out top
//! to bottom (title; interventions → actors; the mechanisms in two columns inside a frame,
//! with the context as a band at the frame's foot, since it holds for all of them; then the
//! outcome, with any counter-mechanism beside it and its "werkt tegen" edge). A panel is
//! about 600 pixels wide, so its 12-pixel text prints at 9 points or more when the figure
//! is 16 cm wide (A4 portrait). Several configurations are placed in stages along the chain:
//! the configurations that produce a shared node (the chain link) stacked in one column, the
//! shared node in the gap after them, the configurations that take it as intervention in the
//! next column. Edges between panels run through the gaps, so they never cross a panel.
//!
//! Everything here is arithmetic on the sizes [`crate::render::metrics`] gives, so the same
//! figure always gives the same scene.

use std::collections::BTreeMap;

use crate::chain::verdict::{Subject, Verdict};
use crate::render::figure::{Block, BlockKind, COUNTERACTS, Figure, Line, LineStyle, Overview};
use crate::render::metrics::text_width;

// Sizes, in pixels.
/// Inner padding of a box.
pub(crate) const PAD_X: f64 = 10.0;
/// Inner padding of a box, top and bottom.
pub(crate) const PAD_Y: f64 = 7.0;
/// Font size of the legend.
pub(crate) const LEGEND_SIZE: f64 = 12.0;
/// Font size of a configuration's title.
pub(crate) const TITLE_SIZE: f64 = 16.0;
/// Space around the whole figure.
pub(crate) const MARGIN: f64 = 16.0;
/// The width of a panel's content: two columns and the gap between them.
pub(crate) const CONTENT: f64 = 540.0;
/// The gap between the two columns of a row.
const GAP: f64 = 40.0;
/// The width of a column.
const COLUMN: f64 = (CONTENT - GAP) / 2.0;
/// Vertical space an arrow between rows takes.
const ROW_GAP: f64 = 34.0;
/// Padding inside the mechanisms' frame, and the gap between the boxes in it.
const FRAME_PAD: f64 = 12.0;
const FRAME_GAP: f64 = 16.0;
/// Padding inside a panel.
pub(crate) const PANEL_PAD: f64 = 14.0;
/// Space between the title and the boxes.
const PANEL_GAP: f64 = 14.0;
/// Space between panels in a column, and the width of the gaps beside a shared node.
const STACK_GAP: f64 = 28.0;
const CHANNEL: f64 = 56.0;
/// The size of the words on the counter-mechanism's edge.
pub(crate) const EDGE_LABEL_SIZE: f64 = 12.0;

/// A point, or a distance, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Point {
    /// Rightwards.
    pub x: f64,
    /// Downwards.
    pub y: f64,
}

impl Point {
    pub(crate) fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
    pub(crate) fn zero() -> Point {
        Point::default()
    }
    pub(crate) fn add(self, d: Point) -> Point {
        Point::new(self.x + d.x, self.y + d.y)
    }
}

/// Font size, weight, slant and colour of a line style.
pub(crate) fn font(style: LineStyle) -> (f64, bool, bool, &'static str) {
    match style {
        LineStyle::Heading => (12.0, true, false, "#444444"),
        LineStyle::Strong => (13.0, true, false, "#000000"),
        LineStyle::Text => (12.0, false, false, "#000000"),
        LineStyle::Note => (12.0, false, true, "#222222"),
        LineStyle::Evidence => (12.0, false, false, "#444444"),
        LineStyle::Warning => (12.0, true, false, "#C0392B"),
        LineStyle::Verdict => (12.0, true, false, "#000000"),
    }
}

/// The height of a line set at `size`.
pub(crate) fn line_height(size: f64) -> f64 {
    (size * 1.35).round()
}

/// Space between the columns of a box set in columns.
const COLUMN_GAP: f64 = 14.0;

/// A line of a box placed: its offset from the box's top-left corner (left edge, top of the
/// line) and the line.
pub(crate) type Placed<'a> = (Point, &'a Line);

/// Where each line of a box goes, and the box's size.
pub(crate) fn set_block(block: &Block) -> (Point, Vec<Placed<'_>>) {
    /// Sets `lines` one under the other from (x, y0): their width and the y below them.
    fn stack<'a>(lines: &'a [Line], x: f64, y0: f64, placed: &mut Vec<Placed<'a>>) -> (f64, f64) {
        let mut y = y0;
        let mut w: f64 = 0.0;
        for l in lines {
            let (size, bold, _, _) = font(l.style);
            w = w.max(text_width(&l.text, size, bold));
            placed.push((Point::new(x, y), l));
            y += line_height(size);
        }
        (w, y)
    }
    let mut placed = Vec::new();
    let (w, y) = if block.columns.is_empty() {
        stack(&block.lines, PAD_X, PAD_Y, &mut placed)
    } else {
        let header = &block.lines[..block.header.min(block.lines.len())];
        let (hw, hy) = stack(header, PAD_X, PAD_Y, &mut placed);
        let mut x = PAD_X;
        let mut bottom = hy;
        for (i, column) in block.columns.iter().enumerate() {
            if i > 0 {
                x += COLUMN_GAP;
            }
            let (cw, cy) = stack(column, x, hy, &mut placed);
            x += cw;
            bottom = bottom.max(cy);
        }
        (hw.max(x - PAD_X), bottom)
    };
    let size = Point::new((w + 2.0 * PAD_X).ceil().max(60.0), (y + PAD_Y).ceil());
    (size, placed)
}

/// Width and height of a box.
pub(crate) fn block_size(block: &Block) -> Point {
    set_block(block).0
}

/// An axis-aligned rectangle: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    pub(crate) fn right(&self) -> f64 {
        self.x + self.w
    }
    pub(crate) fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub(crate) fn middle(&self) -> f64 {
        self.y + self.h / 2.0
    }
    pub(crate) fn centre(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub(crate) fn moved(&self, d: Point) -> Rect {
        Rect {
            x: self.x + d.x,
            y: self.y + d.y,
            ..*self
        }
    }
}

/// A piece of a path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seg {
    /// Move to.
    M(Point),
    /// Line to.
    L(Point),
    /// Cubic Bézier: two control points and the end.
    C(Point, Point, Point),
}

impl Seg {
    fn moved(self, d: Point) -> Seg {
        match self {
            Seg::M(a) => Seg::M(a.add(d)),
            Seg::L(a) => Seg::L(a.add(d)),
            Seg::C(a, b, c) => Seg::C(a.add(d), b.add(d), c.add(d)),
        }
    }
}

/// How a path is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stroke {
    /// An ordinary edge, with an arrowhead or without (into a junction).
    Edge { arrow: bool },
    /// A counter-mechanism's edge: dashed red, with a bar at the end or without.
    Counter { arrow: bool },
}

/// A path and how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    /// Its pieces.
    pub segs: Vec<Seg>,
    /// How it is drawn.
    pub stroke: Stroke,
}

impl Path {
    fn moved(&self, d: Point) -> Path {
        Path {
            segs: self.segs.iter().map(|s| s.moved(d)).collect(),
            stroke: self.stroke,
        }
    }
}

/// Words set beside an edge (the counter-mechanism's "werkt tegen"): where the text starts
/// on its baseline, and the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EdgeLabel {
    /// Start of the baseline.
    pub at: Point,
    /// The words.
    pub text: String,
}

/// One entry of the legend's key: a small box drawn as a verdict is, and the verdict's words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Swatch {
    /// The small box.
    pub rect: Rect,
    /// The verdict and whom it is about.
    pub verdict: (Verdict, Subject),
    /// Where the words start, on their baseline.
    pub text_at: Point,
}

/// The figure laid out: what to draw where, in absolute coordinates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing (the legend included).
    pub height: f64,
    /// Each configuration's frame (index into the figure's clusters, frame); its title goes in
    /// the top-left corner.
    pub panels: Vec<(usize, Rect)>,
    /// Each configuration's frame round its mechanisms and their context (index into the
    /// figure's clusters, frame), its heading in the top-left corner.
    pub groups: Vec<(usize, Rect)>,
    /// Each box (index into the figure's blocks, where).
    pub boxes: Vec<(usize, Rect)>,
    /// Edges, drawn over the boxes.
    pub paths: Vec<Path>,
    /// Words on edges.
    pub labels: Vec<EdgeLabel>,
    /// The legend's key of verdicts.
    pub swatches: Vec<Swatch>,
    /// The legend's lines, each with the start of its baseline.
    pub legend: Vec<(Point, String)>,
}

/// The heading of the frame round a configuration's mechanisms.
pub(crate) const GROUP_HEADING: &str = "Mechanismen";

/// A configuration's title in lines that fit a panel.
pub(crate) fn title_lines(title: &str) -> Vec<String> {
    wrap_to(title, TITLE_SIZE, true, CONTENT)
}

/// `text` in lines no wider than `width` at `size`, broken between words.
pub(crate) fn wrap_to(text: &str, size: f64, bold: bool, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && text_width(&candidate, size, bold) > width {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// One configuration laid out, in its own coordinates (frame at 0,0).
struct Panel {
    cluster: usize,
    size: Point,
    boxes: Vec<(usize, Rect)>,
    group: Option<Rect>,
    paths: Vec<Path>,
    labels: Vec<EdgeLabel>,
    /// Junctions on the left edge: (shared box, point).
    entries: Vec<(usize, Point)>,
    /// Junctions on the right edge: (shared box, counter, point).
    exits: Vec<(usize, bool, Point)>,
}

/// A straight arrow from `a` to `b`.
fn line(a: Point, b: Point, stroke: Stroke) -> Path {
    Path {
        segs: vec![Seg::M(a), Seg::L(b)],
        stroke,
    }
}

/// A box's size, at least `min` wide.
fn sized(block: &Block, min: f64) -> Point {
    let s = block_size(block);
    Point::new(s.x.max(min), s.y)
}

/// The boxes of one configuration by role, as the panel places them.
struct Roles {
    interventions: Option<usize>,
    actors: Option<usize>,
    counters: Vec<usize>,
    /// The outcome's box, when the configuration owns it.
    outcome: Option<usize>,
    /// The shared boxes it enters from and leaves to.
    shared_in: Vec<usize>,
    shared_out: Vec<usize>,
}

fn roles(fig: &Figure, ci: usize, mine: &dyn Fn(usize) -> bool) -> Roles {
    let cluster = &fig.clusters[ci];
    let of = |kind: BlockKind| -> Vec<usize> {
        cluster
            .blocks
            .iter()
            .copied()
            .filter(|&k| fig.blocks[k].kind == kind)
            .collect()
    };
    let shared = |into: bool| -> Vec<usize> {
        fig.shared
            .iter()
            .copied()
            .filter(|&s| {
                fig.links.iter().any(|l| {
                    if into {
                        l.to == s && mine(l.from)
                    } else {
                        l.from == s && mine(l.to)
                    }
                })
            })
            .collect()
    };
    Roles {
        interventions: of(BlockKind::Interventions).first().copied(),
        actors: of(BlockKind::Actors).first().copied(),
        counters: of(BlockKind::CounterMechanism),
        outcome: of(BlockKind::Outcome).first().copied(),
        shared_in: shared(false),
        shared_out: shared(true),
    }
}

/// Places the row of interventions → actors from `y`; returns its first and last box (the one
/// the mechanisms hang from) and the y below it.
fn entry_row(
    fig: &Figure,
    r: &Roles,
    y: f64,
    boxes: &mut Vec<(usize, Rect)>,
    paths: &mut Vec<Path>,
) -> (Option<Rect>, Option<Rect>, f64) {
    let row: Vec<usize> = r.interventions.into_iter().chain(r.actors).collect();
    if row.is_empty() {
        return (None, None, y);
    }
    let sizes: Vec<Point> = row.iter().map(|&k| sized(&fig.blocks[k], COLUMN)).collect();
    let h = sizes.iter().map(|s| s.y).fold(0.0, f64::max);
    let mut placed = Vec::new();
    for (i, (&k, s)) in row.iter().zip(&sizes).enumerate() {
        let x = if row.len() == 1 {
            PANEL_PAD + (CONTENT - s.x) / 2.0
        } else if i == 0 {
            PANEL_PAD
        } else {
            PANEL_PAD + CONTENT - s.x
        };
        let rect = Rect {
            x,
            y,
            w: s.x,
            h: s.y,
        };
        boxes.push((k, rect));
        placed.push(rect);
    }
    if let [a, b] = placed[..] {
        let mid = a.y + a.h.min(b.h) / 2.0;
        paths.push(line(
            Point::new(a.right(), mid),
            Point::new(b.x, mid),
            Stroke::Edge { arrow: true },
        ));
    }
    (
        placed.first().copied(),
        placed.last().copied(),
        y + h + ROW_GAP,
    )
}

/// Places the mechanisms in two columns from `top`, the context box below them, and returns
/// the frame round them all.
fn mechanism_group(fig: &Figure, ci: usize, top: f64, boxes: &mut Vec<(usize, Rect)>) -> Rect {
    let cluster = &fig.clusters[ci];
    let inner = CONTENT - 2.0 * FRAME_PAD;
    let mech_w = (inner - FRAME_GAP) / 2.0;
    let mut y = top + FRAME_PAD + line_height(font(LineStyle::Heading).0) + 4.0;
    let mut right = PANEL_PAD + CONTENT;
    for pair in cluster.mechanisms.chunks(2) {
        let sizes: Vec<Point> = pair
            .iter()
            .map(|&k| sized(&fig.blocks[k], mech_w))
            .collect();
        let h = sizes.iter().map(|s| s.y).fold(0.0, f64::max);
        let mut x = PANEL_PAD + FRAME_PAD;
        for (&k, s) in pair.iter().zip(&sizes) {
            let x_here = if cluster.mechanisms.len() == 1 {
                PANEL_PAD + (CONTENT - s.x) / 2.0
            } else {
                x
            };
            boxes.push((
                k,
                Rect {
                    x: x_here,
                    y,
                    w: s.x,
                    h,
                },
            ));
            x = x_here + s.x + FRAME_GAP;
            right = right.max(x_here + s.x + FRAME_PAD);
        }
        y += h + FRAME_GAP;
    }
    if let Some(ctx) = cluster.context {
        let s = sized(&fig.blocks[ctx], inner);
        boxes.push((
            ctx,
            Rect {
                x: PANEL_PAD + FRAME_PAD,
                y,
                w: s.x,
                h: s.y,
            },
        ));
        right = right.max(PANEL_PAD + FRAME_PAD + s.x + FRAME_PAD);
        y += s.y + FRAME_GAP;
    }
    Rect {
        x: PANEL_PAD,
        y: top,
        w: right - PANEL_PAD,
        h: y - FRAME_GAP + FRAME_PAD - top,
    }
}

/// Lays out one configuration top to bottom (see the module's comment).
fn lay_out_panel(fig: &Figure, ci: usize, owner: &[Option<usize>]) -> Panel {
    let cluster = &fig.clusters[ci];
    let mine = |k: usize| owner[k] == Some(ci);
    let r = roles(fig, ci, &mine);
    let mut boxes: Vec<(usize, Rect)> = Vec::new();
    let mut paths = Vec::new();
    let mut labels = Vec::new();
    let title_h = line_height(TITLE_SIZE) * title_lines(&cluster.title).len() as f64;
    let y = PANEL_PAD + title_h + PANEL_GAP;

    let (first, anchor, y) = entry_row(fig, &r, y, &mut boxes, &mut paths);
    let group = mechanism_group(fig, ci, y, &mut boxes);
    if let Some(a) = anchor {
        paths.push(line(
            Point::new(a.centre(), a.bottom()),
            Point::new(a.centre(), group.y),
            Stroke::Edge { arrow: true },
        ));
    }
    let bottom = outcome_row(fig, &r, group, &mut boxes, &mut paths, &mut labels);
    let width = boxes
        .iter()
        .map(|(_, b)| b.right())
        .fold(group.right(), f64::max)
        .max(PANEL_PAD + text_width(&cluster.title, TITLE_SIZE, true).min(CONTENT))
        + PANEL_PAD;
    let height = bottom + PANEL_PAD;

    // Junctions: shared boxes come in on the left, and leave on the right.
    let mut entries = Vec::new();
    let (entry_x, entry_y) = first.map_or((group.x, group.y + 12.0), |f| (f.x, f.middle()));
    for &s in &r.shared_in {
        paths.push(line(
            Point::new(0.0, entry_y),
            Point::new(entry_x, entry_y),
            Stroke::Edge { arrow: true },
        ));
        entries.push((s, Point::new(0.0, entry_y)));
    }
    let mut exits = Vec::new();
    for &s in &r.shared_out {
        let exit_y = group.bottom() + ROW_GAP / 2.0;
        paths.push(Path {
            segs: vec![
                Seg::M(Point::new(group.centre(), group.bottom())),
                Seg::L(Point::new(group.centre(), exit_y)),
                Seg::L(Point::new(width, exit_y)),
            ],
            stroke: Stroke::Edge { arrow: false },
        });
        exits.push((s, false, Point::new(width, exit_y)));
        for &(k, c) in &boxes {
            if !r.counters.contains(&k) {
                continue;
            }
            paths.push(line(
                Point::new(c.right(), c.middle()),
                Point::new(width, c.middle()),
                Stroke::Counter { arrow: false },
            ));
            exits.push((s, true, Point::new(width, c.middle())));
            labels.push(EdgeLabel {
                at: Point::new(c.right() + 8.0, c.middle() - 6.0),
                text: COUNTERACTS.to_string(),
            });
        }
    }
    Panel {
        cluster: ci,
        size: Point::new(width, height),
        boxes,
        group: (!cluster.mechanisms.is_empty() || cluster.context.is_some()).then_some(group),
        paths,
        labels,
        entries,
        exits,
    }
}

/// Places the outcome row below the mechanisms' frame `group`: the outcome (when the
/// configuration owns it) on the right, each counter-mechanism on the left with its "werkt
/// tegen" edge into the outcome. Returns the row's bottom.
fn outcome_row(
    fig: &Figure,
    r: &Roles,
    group: Rect,
    boxes: &mut Vec<(usize, Rect)>,
    paths: &mut Vec<Path>,
    labels: &mut Vec<EdgeLabel>,
) -> f64 {
    let y = group.bottom() + ROW_GAP;
    let label_w = text_width(COUNTERACTS, EDGE_LABEL_SIZE, false);
    let mut counters = Vec::new();
    let mut cy = y;
    for &k in &r.counters {
        let s = sized(&fig.blocks[k], COLUMN - 20.0);
        let rect = Rect {
            x: PANEL_PAD,
            y: cy,
            w: s.x,
            h: s.y,
        };
        boxes.push((k, rect));
        counters.push(rect);
        cy += s.y + FRAME_GAP;
    }
    let counters_bottom = counters.last().map_or(y, |c| c.bottom());
    let Some(o) = r.outcome else {
        return counters_bottom.max(group.bottom());
    };
    let s = sized(&fig.blocks[o], COLUMN - 70.0);
    let counters_right = counters.iter().map(|c| c.right()).fold(PANEL_PAD, f64::max);
    // On the right; never so close to the counter-mechanisms that their edge has no room for
    // its words.
    let x = if counters.is_empty() {
        PANEL_PAD + (CONTENT - s.x) / 2.0
    } else {
        (PANEL_PAD + CONTENT - s.x).max(counters_right + label_w + 20.0)
    };
    let top = match counters.first() {
        Some(c) => (c.middle() - s.y / 2.0).max(y),
        None => y,
    };
    let rect = Rect {
        x,
        y: top,
        w: s.x,
        h: s.y,
    };
    boxes.push((o, rect));
    let down = rect.centre().min(group.right() - 20.0);
    paths.push(line(
        Point::new(down, group.bottom()),
        Point::new(down, rect.y),
        Stroke::Edge { arrow: true },
    ));
    for (i, c) in counters.iter().enumerate() {
        let start = Point::new(c.right(), c.middle());
        let end = Point::new(rect.x, rect.middle());
        paths.push(s_curve(start, end, Stroke::Counter { arrow: true }));
        if i == 0 {
            labels.push(EdgeLabel {
                at: Point::new(
                    (start.x + end.x) / 2.0 - label_w / 2.0,
                    start.y.min(end.y) - 7.0,
                ),
                text: COUNTERACTS.to_string(),
            });
        }
    }
    counters_bottom.max(rect.bottom())
}

/// Which cluster each box belongs to (`None` for shared boxes).
fn owners(fig: &Figure) -> Vec<Option<usize>> {
    let mut owner = vec![None; fig.blocks.len()];
    for (ci, c) in fig.clusters.iter().enumerate() {
        for &k in &c.blocks {
            if owner[k].is_none() {
                owner[k] = Some(ci);
            }
        }
    }
    owner
}

/// A curve from `a` (leaving rightwards) to `b` (arriving rightwards).
fn s_curve(a: Point, b: Point, stroke: Stroke) -> Path {
    let mid = (b.x - a.x) / 2.0;
    Path {
        segs: vec![
            Seg::M(a),
            Seg::C(Point::new(a.x + mid, a.y), Point::new(b.x - mid, b.y), b),
        ],
        stroke,
    }
}

/// The panels whose exits lead to shared box `s`.
fn producers(panels: &[Panel], s: usize) -> Vec<usize> {
    panels
        .iter()
        .filter(|p| p.exits.iter().any(|&(k, _, _)| k == s))
        .map(|p| p.cluster)
        .collect()
}

/// Stages along the chain, per panel: a configuration comes after those producing its shared
/// entries.
fn stages(panels: &[Panel]) -> Vec<usize> {
    let mut stage = vec![0usize; panels.len()];
    for _ in 0..panels.len() {
        let mut changed = false;
        for p in panels {
            let want = p
                .entries
                .iter()
                .flat_map(|&(s, _)| producers(panels, s))
                .filter(|&q| q != p.cluster)
                .map(|q| stage[q] + 1)
                .max()
                .unwrap_or(0);
            if want > stage[p.cluster] {
                stage[p.cluster] = want;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    stage
}

/// The gap each shared box stands in: the one after its producers' stage (or before its
/// first consumer's); -1 is the gap before the first stage.
fn shared_columns(fig: &Figure, panels: &[Panel], stage: &[usize]) -> BTreeMap<usize, isize> {
    let mut shared_col: BTreeMap<usize, isize> = BTreeMap::new();
    for &s in &fig.shared {
        let prod = producers(panels, s);
        let col = if prod.is_empty() {
            panels
                .iter()
                .filter(|p| p.entries.iter().any(|&(k, _)| k == s))
                .map(|p| stage[p.cluster] as isize - 1)
                .min()
                .unwrap_or(-1)
        } else {
            prod.iter().map(|&q| stage[q] as isize).max().unwrap_or(0)
        };
        shared_col.insert(s, col);
    }
    shared_col
}

/// Where the panels and the shared boxes go, placed from left to right: a gap of shared
/// boxes, a stage of panels, a gap, and so on.
struct Placement<'f> {
    fig: &'f Figure,
    panels: &'f [Panel],
    shared_col: BTreeMap<usize, isize>,
    /// Each panel's top-left corner.
    panel_at: Vec<Point>,
    shared_at: BTreeMap<usize, Rect>,
    /// The left edge of what comes next.
    x: f64,
}

impl Placement<'_> {
    /// Places the shared boxes of gap `col`, when it has any.
    fn place_shared(&mut self, col: isize) {
        let members: Vec<usize> = self
            .shared_col
            .iter()
            .filter(|&(_, &c)| c == col)
            .map(|(&s, _)| s)
            .collect();
        if members.is_empty() {
            return;
        }
        self.x += CHANNEL;
        // Ideal height: the mean of the junctions that lead into it (or out of it).
        let mut wanted: Vec<(f64, usize)> = members
            .iter()
            .map(|&s| {
                let ys: Vec<f64> = self
                    .panels
                    .iter()
                    .flat_map(|p| {
                        let at = self.panel_at[p.cluster];
                        p.exits
                            .iter()
                            .filter(move |&&(k, _, _)| k == s)
                            .map(move |&(_, _, pt)| pt.y + at.y)
                    })
                    .collect();
                let y = if ys.is_empty() {
                    MARGIN
                } else {
                    ys.iter().sum::<f64>() / ys.len() as f64
                };
                (y, s)
            })
            .collect();
        wanted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let width = members
            .iter()
            .map(|&s| block_size(&self.fig.blocks[s]).x)
            .fold(0.0, f64::max);
        let mut floor = MARGIN;
        for (y, s) in wanted {
            let size = block_size(&self.fig.blocks[s]);
            let top = (y - size.y / 2.0).max(floor);
            self.shared_at.insert(
                s,
                Rect {
                    x: self.x + (width - size.x) / 2.0,
                    y: top,
                    w: size.x,
                    h: size.y,
                },
            );
            floor = top + size.y + STACK_GAP;
        }
        self.x += width + CHANNEL;
    }

    /// Places the panels of one stage in a column, one under the other.
    fn place_stage(&mut self, members: &[usize]) {
        let col_w = members
            .iter()
            .map(|&p| self.panels[p].size.x)
            .fold(0.0, f64::max);
        let mut floor = MARGIN;
        for &p in members {
            let panel = &self.panels[p];
            // Line the first entry up with the shared box it comes from.
            let wanted = panel
                .entries
                .iter()
                .find_map(|&(s, pt)| self.shared_at.get(&s).map(|r| r.y + r.h / 2.0 - pt.y))
                .unwrap_or(floor);
            let top = wanted.max(floor);
            // Panels with exits line up on the right, so their edges leave from one line.
            let left = if panel.exits.is_empty() {
                self.x
            } else {
                self.x + col_w - panel.size.x
            };
            self.panel_at[p] = Point::new(left, top);
            floor = top + panel.size.y + STACK_GAP;
        }
        self.x += col_w;
    }
}

/// Lays the figure out, with `legend`'s lines (and a key of the verdicts drawn) below it.
pub(crate) fn lay_out(fig: &Figure, legend: &[String]) -> Scene {
    let owner = owners(fig);
    let panels: Vec<Panel> = (0..fig.clusters.len())
        .map(|ci| lay_out_panel(fig, ci, &owner))
        .collect();
    let stage = stages(&panels);
    let stages = stage.iter().copied().max().map_or(0, |m| m + 1);
    let mut placement = Placement {
        fig,
        panels: &panels,
        shared_col: shared_columns(fig, &panels, &stage),
        panel_at: vec![Point::zero(); panels.len()],
        shared_at: BTreeMap::new(),
        x: MARGIN,
    };
    placement.place_shared(-1);
    for st in 0..stages {
        let members: Vec<usize> = (0..panels.len()).filter(|&p| stage[p] == st).collect();
        placement.place_stage(&members);
        placement.place_shared(st as isize);
    }
    let mut scene = draw(&placement);
    place_legend(&mut scene, &fig.verdicts, legend);
    scene
}

/// The legend below the drawing: the key of verdicts, a few to a line, then the lines of
/// text, wrapped to the drawing's width (or a panel's, if that is wider).
pub(crate) fn place_legend(scene: &mut Scene, verdicts: &[(Verdict, Subject)], legend: &[String]) {
    let width = (scene.width - 2.0 * MARGIN).max(CONTENT + 2.0 * PANEL_PAD);
    let h = line_height(LEGEND_SIZE);
    let mut y = scene.height + 6.0;
    let mut x = MARGIN;
    if !verdicts.is_empty() {
        let label = super::figure::VERDICT_KEY;
        scene.legend.push((
            Point::new(x, y + h / 2.0 + LEGEND_SIZE * 0.35),
            label.to_string(),
        ));
        x += text_width(label, LEGEND_SIZE, false) + 10.0;
    }
    for &(verdict, subject) in verdicts {
        let words = super::figure::key_words(verdict, subject);
        let w = 26.0 + 6.0 + text_width(&words, LEGEND_SIZE, false);
        if x > MARGIN && x + w > MARGIN + width {
            x = MARGIN + 20.0;
            y += h + 6.0;
        }
        scene.swatches.push(Swatch {
            rect: Rect {
                x,
                y: y + 1.0,
                w: 26.0,
                h: h - 2.0,
            },
            verdict: (verdict, subject),
            text_at: Point::new(x + 32.0, y + h / 2.0 + LEGEND_SIZE * 0.35),
        });
        x += w + 16.0;
    }
    if !verdicts.is_empty() {
        y += h + 8.0;
    }
    for text in legend {
        for l in wrap_to(text, LEGEND_SIZE, false, width) {
            scene
                .legend
                .push((Point::new(MARGIN, y + h / 2.0 + LEGEND_SIZE * 0.35), l));
            y += h;
        }
    }
    scene.width = scene.width.max((width + 2.0 * MARGIN).ceil());
    scene.height = (y + MARGIN).ceil();
}

/// The scene of the placed panels: panels, their boxes and paths, the shared boxes and the
/// edges between; the legend comes after ([`place_legend`]).
fn draw(placement: &Placement) -> Scene {
    let Placement {
        fig,
        panels,
        panel_at,
        shared_at,
        ..
    } = placement;
    let mut scene = Scene {
        width: 0.0,
        height: 0.0,
        panels: Vec::new(),
        groups: Vec::new(),
        boxes: Vec::new(),
        paths: Vec::new(),
        labels: Vec::new(),
        swatches: Vec::new(),
        legend: Vec::new(),
    };
    let mut bottom: f64 = MARGIN;
    let mut right: f64 = MARGIN;
    for p in panels.iter() {
        let at = panel_at[p.cluster];
        let frame = Rect {
            x: at.x,
            y: at.y,
            w: p.size.x,
            h: p.size.y,
        };
        bottom = bottom.max(frame.bottom());
        right = right.max(frame.right());
        scene.panels.push((p.cluster, frame));
        if let Some(g) = p.group {
            scene.groups.push((p.cluster, g.moved(at)));
        }
        for &(k, r) in &p.boxes {
            scene.boxes.push((k, r.moved(at)));
        }
        scene
            .paths
            .extend(p.paths.iter().map(|path| path.moved(at)));
        scene.labels.extend(p.labels.iter().map(|l| EdgeLabel {
            at: l.at.add(at),
            text: l.text.clone(),
        }));
    }
    for (&s, &r) in shared_at {
        scene.boxes.push((s, r));
        bottom = bottom.max(r.bottom());
        right = right.max(r.right());
    }
    scene.paths.extend(paths_between(placement));
    // Links between two shared boxes (a configuration with nothing else to draw).
    for link in &fig.links {
        if let (Some(a), Some(b)) = (shared_at.get(&link.from), shared_at.get(&link.to)) {
            scene.paths.push(s_curve(
                Point::new(a.right(), a.y + a.h / 2.0),
                Point::new(b.x, b.y + b.h / 2.0),
                Stroke::Edge { arrow: true },
            ));
        }
    }
    scene.width = (right + MARGIN).ceil();
    scene.height = bottom;
    scene
}

/// The edges between panels and shared boxes: from each exit to its shared box, and from a
/// shared box to each entry.
fn paths_between(placement: &Placement) -> Vec<Path> {
    let mut paths = Vec::new();
    for p in placement.panels {
        let at = placement.panel_at[p.cluster];
        for &(s, counter, pt) in &p.exits {
            if let Some(r) = placement.shared_at.get(&s) {
                let stroke = if counter {
                    Stroke::Counter { arrow: true }
                } else {
                    Stroke::Edge { arrow: true }
                };
                paths.push(s_curve(
                    pt.add(at),
                    Point::new(r.x, r.y + r.h / 2.0),
                    stroke,
                ));
            }
        }
        for &(s, pt) in &p.entries {
            if let Some(r) = placement.shared_at.get(&s) {
                paths.push(s_curve(
                    Point::new(r.right(), r.y + r.h / 2.0),
                    pt.add(at),
                    Stroke::Edge { arrow: false },
                ));
            }
        }
    }
    paths
}

/// A curve from `a` (leaving downwards) to `b` (arriving downwards).
fn v_curve(a: Point, b: Point) -> Path {
    let mid = (b.y - a.y) / 2.0;
    Path {
        segs: vec![
            Seg::M(a),
            Seg::C(Point::new(a.x, a.y + mid), Point::new(b.x, b.y - mid), b),
        ],
        stroke: Stroke::Edge { arrow: true },
    }
}

/// Lays the chain's overview out top to bottom, a report page wide: each stage's
/// configurations side by side, the outcomes below them (a shared one centred under those
/// that produce it), then the next stage.
pub(crate) fn lay_out_overview(ov: &Overview) -> Scene {
    let width = CONTENT + 2.0 * PANEL_PAD;
    let mut scene = Scene {
        width: width + 2.0 * MARGIN,
        height: 0.0,
        panels: Vec::new(),
        groups: Vec::new(),
        boxes: Vec::new(),
        paths: Vec::new(),
        labels: Vec::new(),
        swatches: Vec::new(),
        legend: Vec::new(),
    };
    let mut at: BTreeMap<usize, Rect> = BTreeMap::new();
    let mut y = MARGIN;
    let gap = 20.0;
    for stage in &ov.stages {
        let n = stage.len().max(1) as f64;
        let w = ((width - gap * (n - 1.0)) / n).min(COLUMN);
        let total = w * n + gap * (n - 1.0);
        let mut x = MARGIN + (width - total) / 2.0;
        let h = stage
            .iter()
            .map(|&c| block_size(&ov.blocks[c]).y)
            .fold(0.0, f64::max);
        for &c in stage {
            let r = Rect { x, y, w, h };
            // Arrows in from the outcomes this configuration takes as intervention.
            for &(k, _) in ov.onward.iter().filter(|&&(_, to)| to == c) {
                if let Some(from) = at.get(&k) {
                    scene.paths.push(v_curve(
                        Point::new(from.centre(), from.bottom()),
                        Point::new(r.centre(), r.y),
                    ));
                }
            }
            at.insert(c, r);
            scene.boxes.push((c, r));
            x += w + gap;
        }
        y += h + ROW_GAP + 10.0;
        // The outcomes of this stage, each under the mean of its producers.
        let mut outs: Vec<(usize, f64)> = Vec::new();
        for &(c, k) in ov.outcomes.iter().filter(|(c, _)| stage.contains(c)) {
            let cx = at[&c].centre();
            match outs.iter_mut().find(|(o, _)| *o == k) {
                Some(_) => {}
                None => outs.push((k, cx)),
            }
        }
        let mut row_h: f64 = 0.0;
        for (k, _) in &mut outs {
            let producers: Vec<f64> = ov
                .outcomes
                .iter()
                .filter(|(c, o)| o == k && at.contains_key(c))
                .map(|(c, _)| at[c].centre())
                .collect();
            let cx = producers.iter().sum::<f64>() / producers.len().max(1) as f64;
            let s = sized(&ov.blocks[*k], 160.0);
            let r = Rect {
                x: (cx - s.x / 2.0).max(MARGIN),
                y,
                w: s.x,
                h: s.y,
            };
            for (c, _) in ov.outcomes.iter().filter(|(_, o)| o == k) {
                if let Some(from) = at.get(c) {
                    scene.paths.push(v_curve(
                        Point::new(from.centre(), from.bottom()),
                        Point::new(r.centre(), r.y),
                    ));
                }
            }
            at.insert(*k, r);
            scene.boxes.push((*k, r));
            row_h = row_h.max(s.y);
        }
        y += row_h + ROW_GAP + 10.0;
    }
    scene.height = y - ROW_GAP;
    place_legend(&mut scene, &[], &ov.legend);
    scene
}

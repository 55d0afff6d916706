//! The built-in layout: each configuration is laid out on its own by layout-rs (left to right:
//! interventions → actors → mechanisms → outcome) and framed as a panel with its title on top
//! and its context box below, like a Graphviz cluster. The panels are then placed in stages
//! along the chain: the configurations that produce a shared node (the chain link) stacked in
//! one column, the shared node in the gap after them, the configurations that take it as
//! intervention in the next column. Edges between panels run through the gaps, so they never
//! cross a panel.
//!
//! Everything here is arithmetic on the sizes [`crate::render::metrics`] gives, so the same
//! figure always gives the same scene.

use std::collections::BTreeMap;

use ::layout::core::base::Orientation;
use ::layout::core::format::{ClipHandle, RenderBackend};
use ::layout::core::geometry::{Point, Position};
use ::layout::core::style::{LineStyleKind, StyleAttr};
use ::layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use ::layout::topo::layout::VisualGraph;

use crate::render::figure::{Block, BlockKind, Cluster, Figure, Line, LineStyle, LinkKind};
use crate::render::metrics::text_width;

// Sizes, in pixels.
/// Inner padding of a box.
pub(crate) const PAD_X: f64 = 10.0;
/// Inner padding of a box, top and bottom.
pub(crate) const PAD_Y: f64 = 7.0;
/// Font size of the legend.
pub(crate) const LEGEND_SIZE: f64 = 11.0;
/// Font size of a configuration's title.
pub(crate) const TITLE_SIZE: f64 = 16.0;
/// Space around the whole figure.
pub(crate) const MARGIN: f64 = 16.0;
/// Space between layout-rs's columns, and between boxes in a column.
const GAP_COLUMNS: f64 = 64.0;
const GAP_BOXES: f64 = 24.0;
/// Padding inside a panel.
const PANEL_PAD: f64 = 14.0;
/// Space between the title and the boxes, and between the boxes and the context box.
const PANEL_GAP: f64 = 18.0;
/// Space between panels in a column, and the width of the gaps beside a shared node.
const STACK_GAP: f64 = 28.0;
const CHANNEL: f64 = 56.0;

/// Font size, weight, slant and colour of a line style.
pub(crate) fn font(style: LineStyle) -> (f64, bool, bool, &'static str) {
    match style {
        LineStyle::Heading => (10.0, true, false, "#555555"),
        LineStyle::Strong => (13.0, true, false, "#000000"),
        LineStyle::Text => (12.0, false, false, "#000000"),
        LineStyle::Note => (12.0, false, true, "#222222"),
        LineStyle::Evidence => (11.0, false, false, "#555555"),
        LineStyle::Warning => (12.0, true, false, "#C0392B"),
    }
}

/// The height of a line set at `size`.
pub(crate) fn line_height(size: f64) -> f64 {
    (size * 1.35).round()
}

/// Space between the columns of a box set in columns.
const COLUMN_GAP: f64 = 18.0;

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
fn block_size(block: &Block) -> Point {
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
    fn right(&self) -> f64 {
        self.x + self.w
    }
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
    fn moved(&self, d: Point) -> Rect {
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
    /// Smooth cubic Bézier: second control point and the end.
    S(Point, Point),
}

impl Seg {
    fn moved(self, d: Point) -> Seg {
        match self {
            Seg::M(a) => Seg::M(a.add(d)),
            Seg::L(a) => Seg::L(a.add(d)),
            Seg::C(a, b, c) => Seg::C(a.add(d), b.add(d), c.add(d)),
            Seg::S(a, b) => Seg::S(a.add(d), b.add(d)),
        }
    }
    fn points(&self) -> Vec<Point> {
        match *self {
            Seg::M(a) | Seg::L(a) => vec![a],
            Seg::C(a, b, c) => vec![a, b, c],
            Seg::S(a, b) => vec![a, b],
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
    /// The context box's dotted tie to the mechanisms.
    Tie,
}

/// A path and how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    /// Its pieces.
    pub segs: Vec<Seg>,
    /// How it is drawn.
    pub stroke: Stroke,
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
    /// Each box (index into the figure's blocks, where).
    pub boxes: Vec<(usize, Rect)>,
    /// Edges and ties, drawn over the boxes.
    pub paths: Vec<Path>,
    /// Where the legend's first baseline starts (one line every `line_height(LEGEND_SIZE)`).
    pub legend: Point,
}

/// What layout-rs drew, collected.
#[derive(Default)]
struct Canvas {
    rects: Vec<(Item, Rect)>,
    arrows: Vec<(usize, Vec<(Point, Point)>)>,
}

/// What a layout-rs node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    /// A box of the figure.
    Block(usize),
    /// A junction on the panel's edge standing for a shared box; `true` for counter-mechanisms'
    /// edges into it.
    Stub(usize, bool),
}

impl Item {
    fn code(self) -> String {
        match self {
            Item::Block(k) => format!("b{k}"),
            Item::Stub(k, false) => format!("s{k}"),
            Item::Stub(k, true) => format!("r{k}"),
        }
    }
    fn parse(s: &str) -> Option<Item> {
        let n = s.get(1..)?.parse().ok()?;
        match s.get(..1)? {
            "b" => Some(Item::Block(n)),
            "s" => Some(Item::Stub(n, false)),
            "r" => Some(Item::Stub(n, true)),
            _ => None,
        }
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(item) = properties.as_deref().and_then(Item::parse) {
            self.rects.push((
                item,
                Rect {
                    x: xy.x,
                    y: xy.y,
                    w: size.x,
                    h: size.y,
                },
            ));
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        _head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(i) = properties.and_then(|p| p.strip_prefix('e')?.parse().ok()) {
            self.arrows.push((i, path.to_vec()));
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

fn element(size: Point, item: Item) -> Element {
    let mut e = Element::create_with_properties(
        ShapeKind::Box(String::new()),
        StyleAttr::simple(),
        Orientation::LeftToRight,
        size,
        item.code(),
    );
    e.pos = Position::new(
        Point::zero(),
        size,
        Point::zero(),
        Point::new(GAP_COLUMNS, GAP_BOXES),
    );
    e
}

fn arrow(id: String, head: bool) -> Arrow {
    Arrow::with_properties(
        LineEndKind::None,
        if head {
            LineEndKind::Arrow
        } else {
            LineEndKind::None
        },
        LineStyleKind::Normal,
        "",
        &StyleAttr::simple(),
        id,
        &None,
        &None,
    )
}

/// One configuration laid out, in its own coordinates (frame at 0,0).
struct Panel {
    cluster: usize,
    size: Point,
    boxes: Vec<(usize, Rect)>,
    paths: Vec<Path>,
    /// Junctions on the left edge: (shared box, point).
    entries: Vec<(usize, Point)>,
    /// Junctions on the right edge: (shared box, counter, point).
    exits: Vec<(usize, bool, Point)>,
}

fn bezier(path: &[(Point, Point)]) -> Vec<Seg> {
    let mut segs = vec![Seg::M(path[0].0), Seg::C(path[0].1, path[1].0, path[1].1)];
    for p in &path[2..] {
        segs.push(Seg::S(p.0, p.1));
    }
    segs
}

/// The items at the two ends of each edge layout-rs draws, by link index.
type Ends = BTreeMap<usize, (Item, Item)>;

fn lay_out_panel(fig: &Figure, ci: usize, owner: &[Option<usize>]) -> Panel {
    let cluster = &fig.clusters[ci];
    let mine = |k: usize| owner[k] == Some(ci);
    let (mut canvas, ends) = run_layout_rs(fig, cluster, mine);
    even_columns(&mut canvas.rects);
    straighten_edges(&mut canvas, &ends);

    // Into the panel's coordinates: the title on top, what layout-rs drew below it.
    let (x0, y0, x1, y1) = bounds(&canvas);
    let title_w = text_width(&cluster.title, TITLE_SIZE, true).ceil();
    let title_h = line_height(TITLE_SIZE);
    let top = PANEL_PAD + title_h + PANEL_GAP;
    let d = Point::new(PANEL_PAD - x0, top - y0);
    let content = Rect {
        x: PANEL_PAD,
        y: top,
        w: x1 - x0,
        h: y1 - y0,
    };
    let mut boxes = Vec::new();
    let mut entries = Vec::new();
    let mut exits = Vec::new();
    for &(item, r) in &canvas.rects {
        let r = r.moved(d);
        let middle = r.y + r.h / 2.0;
        match item {
            Item::Block(k) => boxes.push((k, r)),
            Item::Stub(k, counter) => {
                // Edges leave a junction from its right side and enter it from its left.
                if fig.links.iter().any(|l| l.from == k && mine(l.to)) {
                    entries.push((k, Point::new(r.right(), middle)));
                } else {
                    exits.push((k, counter, Point::new(r.x, middle)));
                }
            }
        }
    }
    let mut paths = edge_paths(fig, &canvas, d, mine);

    // The context box below the boxes, under the mechanisms, tied to the lowest one above it.
    let mut width = content.w.max(title_w);
    let mut height = content.bottom();
    if let Some(ctx) = cluster.context {
        let r = place_context(fig, cluster, ctx, content, &boxes, &mut paths);
        width = width.max(r.right() - PANEL_PAD);
        height = r.bottom();
        boxes.push((ctx, r));
    }
    let size = Point::new(width + 2.0 * PANEL_PAD, height + PANEL_PAD);
    stretch_junctions(size, &mut entries, &mut exits, &mut paths);
    Panel {
        cluster: ci,
        size,
        boxes,
        paths,
        entries,
        exits,
    }
}

/// One configuration laid out by layout-rs, its context box left out (it goes below), and
/// the ends of each edge drawn. A box of another configuration (a shared one) is drawn as a
/// junction: a stub on the panel's edge.
fn run_layout_rs(
    fig: &Figure,
    cluster: &Cluster,
    mine: impl Fn(usize) -> bool + Copy,
) -> (Canvas, Ends) {
    let mut vg = VisualGraph::new(Orientation::LeftToRight);
    let mut handles: BTreeMap<Item, _> = BTreeMap::new();
    let mut add = |vg: &mut VisualGraph, item: Item, size: Point| {
        *handles
            .entry(item)
            .or_insert_with(|| vg.add_node(element(size, item)))
    };
    for &k in &cluster.blocks {
        if Some(k) != cluster.context {
            add(&mut vg, Item::Block(k), block_size(&fig.blocks[k]));
        }
    }
    let stub = Point::new(2.0, 2.0);
    let item = |k: usize| {
        if mine(k) {
            Item::Block(k)
        } else {
            Item::Stub(k, false)
        }
    };
    let mut edges = Vec::new();
    let mut ends = Ends::new();
    for (i, link) in fig.links.iter().enumerate() {
        if link.kind == LinkKind::Moderates || !(mine(link.from) || mine(link.to)) {
            continue;
        }
        let counter = link.kind == LinkKind::Counteracts;
        let from = item(link.from);
        let (to, head) = if mine(link.to) {
            (Item::Block(link.to), true)
        } else {
            (Item::Stub(link.to, counter), false)
        };
        let hf = add(&mut vg, from, stub);
        let ht = add(&mut vg, to, stub);
        edges.push((i, hf, ht, head));
        ends.insert(i, (from, to));
    }
    // Keep the mechanisms in the column right after the actors: layout-rs sinks a node with
    // as many edges out as in towards its successor, so give each one a second edge in.
    let feeds_actors: Vec<Item> = fig
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Targets && fig.blocks[l.to].kind == BlockKind::Actors)
        .filter(|l| mine(l.to))
        .map(|l| item(l.from))
        .collect();
    if let Some(&source) = feeds_actors.first() {
        for link in &fig.links {
            if link.kind == LinkKind::Triggers
                && mine(link.to)
                && let (Some(&hs), Some(&hm)) =
                    (handles.get(&source), handles.get(&Item::Block(link.to)))
            {
                vg.add_edge(Arrow::invisible(), hs, hm);
            }
        }
    }
    for (i, hf, ht, head) in edges {
        vg.add_edge(arrow(format!("e{i}"), head), hf, ht);
    }
    let mut canvas = Canvas::default();
    if vg.num_nodes() > 0 {
        vg.do_it(false, false, false, &mut canvas);
    }
    (canvas, ends)
}

/// The boxes of one layout-rs column get the column's width, so that an edge to one box
/// cannot cut the corner of a wider one beside it.
fn even_columns(rects: &mut [(Item, Rect)]) {
    let mut widths: Vec<(f64, f64)> = Vec::new();
    for (item, r) in rects.iter() {
        if let Item::Block(_) = item {
            let cx = r.x + r.w / 2.0;
            match widths.iter_mut().find(|(c, _)| (c - cx).abs() < 0.5) {
                Some((_, w)) => *w = w.max(r.w),
                None => widths.push((cx, r.w)),
            }
        }
    }
    for (item, r) in rects.iter_mut() {
        if let Item::Block(_) = item {
            let cx = r.x + r.w / 2.0;
            if let Some(&(_, w)) = widths.iter().find(|(c, _)| (c - cx).abs() < 0.5) {
                r.x = cx - w / 2.0;
                r.w = w;
            }
        }
    }
}

/// Edges leave a box from the middle of its right side and enter the next from the middle
/// of its left side, horizontally.
fn straighten_edges(canvas: &mut Canvas, ends: &Ends) {
    let rects = &canvas.rects;
    let rect_of = |item: Item| rects.iter().find(|(i, _)| *i == item).map(|&(_, r)| r);
    for (i, path) in &mut canvas.arrows {
        let (Some(&(from, to)), true) = (ends.get(i), path.len() >= 2) else {
            continue;
        };
        let (Some(a), Some(b)) = (rect_of(from), rect_of(to)) else {
            continue;
        };
        let start = Point::new(a.right(), a.y + a.h / 2.0);
        let end = Point::new(b.x, b.y + b.h / 2.0);
        // Leave alone an edge layout-rs turned round (a cycle), or one going backwards.
        if end.x <= start.x || path[0].0.distance_to(start) > path[0].0.distance_to(end) {
            continue;
        }
        let last = path.len() - 1;
        let pull = ((end.x - start.x) / 2.0).min(30.0);
        path[0] = (start, Point::new(start.x + pull, start.y));
        path[last] = (Point::new(end.x - pull, end.y), end);
    }
}

/// Bounds of what layout-rs drew: left, top, right, bottom (all 0 when it drew no box).
fn bounds(canvas: &Canvas) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (_, r) in &canvas.rects {
        x0 = x0.min(r.x);
        y0 = y0.min(r.y);
        x1 = x1.max(r.right());
        y1 = y1.max(r.bottom());
    }
    for (_, path) in &canvas.arrows {
        for (a, b) in path {
            x0 = x0.min(a.x).min(b.x);
            y0 = y0.min(a.y).min(b.y);
            x1 = x1.max(a.x).max(b.x);
            y1 = y1.max(a.y).max(b.y);
        }
    }
    if canvas.rects.is_empty() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    (x0, y0, x1, y1)
}

/// The edges layout-rs drew, moved by `d`; an edge into a junction has no arrowhead.
fn edge_paths(fig: &Figure, canvas: &Canvas, d: Point, mine: impl Fn(usize) -> bool) -> Vec<Path> {
    let mut paths = Vec::new();
    for (i, path) in &canvas.arrows {
        if path.len() < 2 {
            continue;
        }
        let link = fig.links[*i];
        let head = mine(link.to);
        let segs = bezier(path).into_iter().map(|s| s.moved(d)).collect();
        let stroke = if link.kind == LinkKind::Counteracts {
            Stroke::Counter { arrow: head }
        } else {
            Stroke::Edge { arrow: head }
        };
        paths.push(Path { segs, stroke });
    }
    paths
}

/// Where the cluster's context box `ctx` goes: below `content`, under the mechanisms. Adds
/// its tie to the lowest mechanism above it when nothing is in between.
fn place_context(
    fig: &Figure,
    cluster: &Cluster,
    ctx: usize,
    content: Rect,
    boxes: &[(usize, Rect)],
    paths: &mut Vec<Path>,
) -> Rect {
    let size = block_size(&fig.blocks[ctx]);
    let mech_x = boxes
        .iter()
        .filter(|(k, _)| cluster.mechanisms.contains(k))
        .map(|(_, r)| r.x)
        .fold(f64::MAX, f64::min);
    let x = if mech_x == f64::MAX {
        PANEL_PAD
    } else {
        mech_x
    };
    let r = Rect {
        x,
        y: content.bottom() + PANEL_GAP,
        w: size.x,
        h: size.y,
    };
    // The lowest mechanism whose column the context box is under, if nothing is between.
    let above = boxes
        .iter()
        .filter(|(k, b)| {
            cluster.mechanisms.contains(k) && b.x < r.right() - 20.0 && b.right() > r.x + 20.0
        })
        .max_by(|a, b| a.1.bottom().total_cmp(&b.1.bottom()))
        .map(|&(_, b)| b);
    if let Some(m) = above {
        let tx = (m.x.max(r.x) + m.right().min(r.right())) / 2.0;
        let clear = boxes.iter().all(|(_, b)| {
            *b == m || b.x > tx || b.right() < tx || b.y > r.y || b.bottom() < m.bottom()
        }) && paths.iter().all(|p| {
            p.segs
                .iter()
                .flat_map(Seg::points)
                .all(|pt| pt.y < m.bottom() || pt.y > r.y || (pt.x - tx).abs() > 12.0)
        });
        if clear {
            paths.push(Path {
                segs: vec![
                    Seg::M(Point::new(tx, r.y)),
                    Seg::L(Point::new(tx, m.bottom())),
                ],
                stroke: Stroke::Tie,
            });
        }
    }
    r
}

/// Junctions sit on the frame of a panel of `size`: stretch their edges to it.
fn stretch_junctions(
    size: Point,
    entries: &mut [(usize, Point)],
    exits: &mut [(usize, bool, Point)],
    paths: &mut Vec<Path>,
) {
    for (_, p) in entries {
        paths.push(Path {
            segs: vec![Seg::M(Point::new(0.0, p.y)), Seg::L(*p)],
            stroke: Stroke::Edge { arrow: false },
        });
        p.x = 0.0;
    }
    for (_, counter, p) in exits {
        paths.push(Path {
            segs: vec![Seg::M(*p), Seg::L(Point::new(size.x, p.y))],
            stroke: if *counter {
                Stroke::Counter { arrow: false }
            } else {
                Stroke::Edge { arrow: false }
            },
        });
        p.x = size.x;
    }
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

/// Lays the figure out.
pub(crate) fn lay_out(fig: &Figure, legend: (f64, usize)) -> Scene {
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
    draw(&placement, legend)
}

/// The scene of the placed panels: panels, their boxes and paths, the shared boxes, the edges
/// between, and the legend below.
fn draw(placement: &Placement, legend: (f64, usize)) -> Scene {
    let (legend_width, legend_lines) = legend;
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
        boxes: Vec::new(),
        paths: Vec::new(),
        legend: Point::zero(),
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
        for &(k, r) in &p.boxes {
            scene.boxes.push((k, r.moved(at)));
        }
        for path in &p.paths {
            scene.paths.push(Path {
                segs: path.segs.iter().map(|s| s.moved(at)).collect(),
                stroke: path.stroke,
            });
        }
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
    scene.legend = Point::new(MARGIN, bottom + 14.0 + LEGEND_SIZE);
    scene.width = (right.max(MARGIN + legend_width) + MARGIN).ceil();
    scene.height = (scene.legend.y
        + line_height(LEGEND_SIZE) * legend_lines.saturating_sub(1) as f64
        + MARGIN)
        .ceil();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip_through_properties() {
        for item in [Item::Block(3), Item::Stub(12, false), Item::Stub(0, true)] {
            assert_eq!(Item::parse(&item.code()), Some(item));
        }
        assert_eq!(Item::parse("x1"), None);
        assert_eq!(Item::parse("b"), None);
    }
}

//! GFM tables: column widths from content, header repeated on every page,
//! rows split across pages line by line.

use std::collections::HashMap;
use std::ops::Range;

use super::font::Font;
use super::inline::{Prep, prep};
use super::layout::{Ctx, Draw, MUTED, Rgb, TEXT};
use super::linebreak::{break_lines, min_width, natural_width};
use super::model::{Align, Block, Span, Style, plain};
use super::tags::Role;

pub(crate) const SIZE: f32 = 9.0;
pub(crate) const LH: f32 = 12.8;
const PAD_X: f32 = 3.5;
const PAD_Y: f32 = 2.6;
const HEAD_BG: Rgb = Rgb(0.88, 0.91, 0.95);
const GRID: Rgb = Rgb(0.70, 0.72, 0.76);
const HEAD_RULE: Rgb = Rgb(0.35, 0.42, 0.52);
/// Cells whose whole text is at most this wide never wrap.
const SHORT: f32 = SIZE * 6.5;

/// Column widths: each column gets at least its minimum (longest
/// unbreakable token, or its whole text when short), the rest of the width
/// is shared in proportion to how much wider each column would like to be.
pub(crate) fn distribute(mins: &[f32], maxs: &[f32], total: f32) -> Vec<f32> {
    let smin: f32 = mins.iter().sum();
    let smax: f32 = maxs.iter().sum();
    if smax <= total {
        let extra = total - smax;
        return maxs
            .iter()
            .map(|m| m + extra * m / smax.max(1e-3))
            .collect();
    }
    if smin >= total {
        return mins.iter().map(|m| m * total / smin).collect();
    }
    let flex: f32 = mins.iter().zip(maxs).map(|(a, b)| b - a).sum();
    mins.iter()
        .zip(maxs)
        .map(|(a, b)| a + (total - smin) * (b - a) / flex.max(1e-3))
        .collect()
}

struct Row {
    cells: Vec<Prep>,
    lines: Vec<Vec<Range<usize>>>,
    n: usize,
}

/// Where the columns are: their left edges (and the table's right edge), widths, alignments.
struct Grid<'a> {
    xs: Vec<f32>,
    ws: Vec<f32>,
    aligns: &'a [Align],
}

impl<'a> Grid<'a> {
    /// Columns of widths `ws` side by side from `x`.
    fn new(x: f32, ws: Vec<f32>, aligns: &'a [Align]) -> Self {
        let mut xs = Vec::with_capacity(ws.len() + 1);
        let mut acc = x;
        for cw in &ws {
            xs.push(acc);
            acc += cw;
        }
        xs.push(acc);
        Grid { xs, ws, aligns }
    }

    /// A row's cells broken into lines at the column widths.
    fn row(&self, cells: Vec<Prep>) -> Row {
        let lines: Vec<Vec<Range<usize>>> = cells
            .iter()
            .enumerate()
            .map(|(c, p)| break_lines(&p.pairs(), self.ws[c] - 2.0 * PAD_X))
            .collect();
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        Row { cells, lines, n }
    }
}

/// A row's `ncol` cells prepared for measuring and drawing (missing cells are empty).
fn prep_cells(font: &mut Font, cells: &[Vec<Span>], ncol: usize, bold: bool) -> Vec<Prep> {
    let empty: Vec<Span> = Vec::new();
    let st = Style {
        bold,
        ..Style::default()
    };
    (0..ncol)
        .map(|c| prep(font, cells.get(c).unwrap_or(&empty), SIZE, st))
        .collect()
}

/// What the column widths of one or more tables are set from, per column: the widest short
/// cell (it never wraps), the widest unbreakable token of a longer cell, the widest natural
/// width, and the sum of natural widths over `rows` rows. Kept apart from the width the
/// table is set in, so that tables of different widths can share them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnStats {
    short: Vec<f32>,
    token: Vec<f32>,
    widest: Vec<f32>,
    sum: Vec<f32>,
    rows: usize,
}

impl ColumnStats {
    fn new(ncol: usize) -> Self {
        Self {
            short: vec![0.0; ncol],
            token: vec![0.0; ncol],
            widest: vec![0.0; ncol],
            sum: vec![0.0; ncol],
            rows: 0,
        }
    }

    /// Measures one row (header or body).
    fn add(&mut self, cells: &[Prep]) {
        for (c, p) in cells.iter().enumerate() {
            let pairs = p.pairs();
            let nat = natural_width(&pairs);
            if nat <= SHORT {
                self.short[c] = self.short[c].max(nat);
            } else {
                self.token[c] = self.token[c].max(min_width(&pairs));
            }
            self.widest[c] = self.widest[c].max(nat + 2.0 * PAD_X);
            self.sum[c] += nat + 2.0 * PAD_X;
        }
        self.rows += 1;
    }

    /// Widths filling `w`: each column gets at least its minimum (its longest unbreakable
    /// token, at most 40% of the line, or its whole text when short); the desired width is
    /// the mean natural width (×1.25, clamped), so one very long cell does not starve the
    /// other columns.
    fn widths(&self, w: f32) -> Vec<f32> {
        let count = self.rows.max(1) as f32;
        let mins: Vec<f32> = (0..self.short.len())
            .map(|c| self.short[c].max(self.token[c].min(w * 0.4)) + 2.0 * PAD_X)
            .collect();
        let maxs: Vec<f32> = (0..self.short.len())
            .map(|c| {
                let mean = self.sum[c] / count;
                (mean * 1.25).min(self.widest[c]).min(w).max(mins[c])
            })
            .collect();
        distribute(&mins, &maxs, w)
    }
}

/// One column grid per table header: tables whose header rows read the same (the details
/// table of every section) get the same column widths, measured over all their rows before
/// layout (`survey`), instead of each table being sized from its own content.
#[derive(Debug, Default)]
pub(crate) struct Grids {
    by_header: HashMap<String, ColumnStats>,
}

impl Grids {
    /// Measures every table of `blocks` (in lists and quotes too) into the grid of its header.
    pub(crate) fn survey(&mut self, font: &mut Font, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Table { head, rows, .. } => {
                    let ncol = columns(head, rows);
                    let Some(key) = header_key(head, ncol) else {
                        continue;
                    };
                    let stats = self
                        .by_header
                        .entry(key)
                        .or_insert_with(|| ColumnStats::new(ncol));
                    measure(font, stats, head, rows, ncol);
                }
                Block::List { items, .. } => items.iter().for_each(|i| self.survey(font, i)),
                Block::Quote(bs) => self.survey(font, bs),
                _ => {}
            }
        }
    }
}

/// The number of columns of a table: its widest row.
fn columns(head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) -> usize {
    rows.iter()
        .map(Vec::len)
        .chain([head.len()])
        .max()
        .unwrap_or(0)
}

/// What tables sharing a grid have in common: the same header texts in the same number of
/// columns. `None` for a table whose header is empty (it is sized alone).
fn header_key(head: &[Vec<Span>], ncol: usize) -> Option<String> {
    let texts: Vec<String> = head.iter().map(|c| plain(c).trim().to_string()).collect();
    if texts.iter().all(String::is_empty) {
        return None;
    }
    Some(format!("{ncol}\u{1f}{}", texts.join("\u{1f}")))
}

/// Adds the header and every row of a table to `stats`. Rows are measured here and prepared
/// again when drawn, so a table of 100,000 rows is never held prepared at once.
fn measure(
    font: &mut Font,
    stats: &mut ColumnStats,
    head: &[Vec<Span>],
    rows: &[Vec<Vec<Span>>],
    ncol: usize,
) {
    if !head.is_empty() {
        stats.add(&prep_cells(font, head, ncol, true));
    }
    for r in rows {
        stats.add(&prep_cells(font, r, ncol, false));
    }
}

/// The column widths of a table set in `w`: its header's shared grid, or (a table the survey
/// did not see, or one with an empty header) its own content measured.
fn column_widths(
    cx: &mut Ctx,
    head: &[Vec<Span>],
    rows: &[Vec<Vec<Span>>],
    ncol: usize,
    w: f32,
) -> Vec<f32> {
    let shared = header_key(head, ncol).and_then(|k| cx.grids.by_header.get(&k));
    if let Some(stats) = shared {
        return stats.widths(w);
    }
    let mut stats = ColumnStats::new(ncol);
    measure(cx.font, &mut stats, head, rows, ncol);
    stats.widths(w)
}

pub(crate) fn table(
    cx: &mut Ctx,
    aligns: &[Align],
    head: &[Vec<Span>],
    rows: &[Vec<Vec<Span>>],
    x: f32,
    w: f32,
) {
    let ncol = columns(head, rows);
    if ncol == 0 {
        return;
    }
    let ws = column_widths(cx, head, rows, ncol, w);
    let grid = Grid::new(x, ws, aligns);
    let head_row = (!head.is_empty()).then(|| grid.row(prep_cells(cx.font, head, ncol, true)));
    let head_h = head_row
        .as_ref()
        .map_or(0.0, |r| r.n as f32 * LH + 2.0 * PAD_Y);
    cx.open(Role::Table);
    let Some(first_cells) = rows.first() else {
        cx.ensure(head_h);
        if let Some(h) = &head_row {
            head_frag(cx, &grid, h, ncol);
        }
        cx.close();
        cx.y += 8.0;
        return;
    };
    let first_row = grid.row(prep_cells(cx.font, first_cells, ncol, false));
    // Keep the header with the first row (or its first two lines).
    let first = if first_row.n <= 3 { first_row.n } else { 2 };
    cx.ensure(head_h + first as f32 * LH + 2.0 * PAD_Y);
    if let Some(h) = &head_row {
        head_frag(cx, &grid, h, ncol);
    }
    cx.open(Role::TBody);
    let flow = Flow {
        capacity: (((cx.g.bottom - cx.g.top - head_h - 2.0 * PAD_Y) / LH).floor() as usize).max(1),
        mark: continued_mark(cx, &grid),
        head: head_row,
        grid,
    };
    let mut next = Some(first_row);
    for cells in rows {
        let row = match next.take() {
            Some(r) => r,
            None => flow.grid.row(prep_cells(cx.font, cells, ncol, false)),
        };
        let tr = cx.open(Role::TR);
        let tds: Vec<u32> = (0..ncol).map(|_| cx.tags.child(tr, Role::TD)).collect();
        flow.place_row(cx, &row, &tds);
        cx.close();
    }
    cx.close();
    cx.close();
    cx.y += 8.0;
}

/// The header row where the table starts: `THead`, `TR` and a `TH` per column.
fn head_frag(cx: &mut Ctx, grid: &Grid, head: &Row, ncol: usize) {
    cx.open(Role::THead);
    let tr = cx.open(Role::TR);
    let ths: Vec<u32> = (0..ncol).map(|_| cx.tags.child(tr, Role::TH)).collect();
    frag(cx, grid, head, 0..head.n, true, None, Some(&ths));
    cx.close();
    cx.close();
}

/// The mark that starts the part of a row continued on a new page ("(続き)", from
/// `PdfOptions::continued`), broken at the first column's width; `None` when it is empty.
struct Mark {
    prep: Prep,
    lines: Vec<Range<usize>>,
}

fn continued_mark(cx: &mut Ctx, grid: &Grid) -> Option<Mark> {
    if cx.continued.is_empty() {
        return None;
    }
    let spans = [Span::Text(cx.continued.clone(), Style::default())];
    let prep = prep(cx.font, &spans, SIZE, Style::default());
    let lines = break_lines(&prep.pairs(), grid.ws[0] - 2.0 * PAD_X);
    Some(Mark { prep, lines })
}

/// How a band of lines `from..from + take` of a row is drawn: `lead` lines of the mark above
/// the text (none when the first column has nothing left to show, so the mark sits in it, with
/// the first line of that column, the row's id, repeated under it: "(続き) 運34"), and the
/// band's height in lines.
fn band(row: &Row, from: usize, take: usize, mark: Option<&Mark>) -> (usize, usize) {
    let Some(m) = mark else {
        return (0, take);
    };
    let m = m.lines.len();
    if row.lines[0].len() <= from {
        (0, take.max(m + repeats_first_line(row, from)))
    } else {
        (m, m + take)
    }
}

/// 1 when a continued band of `row` from line `from` repeats the first column's first line
/// (the first column is used up and has a line), else 0.
fn repeats_first_line(row: &Row, from: usize) -> usize {
    usize::from(from > 0 && !row.lines[0].is_empty() && row.lines[0].len() <= from)
}

/// A table being set: its grid, its header row (repeated on each new page), how many lines
/// fit on a page below the header, and the mark of a continued row.
struct Flow<'a> {
    grid: Grid<'a>,
    head: Option<Row>,
    capacity: usize,
    mark: Option<Mark>,
}

impl Flow<'_> {
    /// Draws a row, splitting it across pages where it does not fit: the header repeated on
    /// each new page, and the continued part marked.
    /// Places `row`, whose cells are the structure elements `cells`, splitting it across
    /// pages as needed; the header repeated on a new page is an artifact.
    fn place_row(&self, cx: &mut Ctx, row: &Row, cells: &[u32]) {
        let mut from = 0;
        let mut fresh = false;
        loop {
            let mark = self.mark.as_ref().filter(|_| from > 0);
            let rem = row.n - from;
            let avail = cx.g.bottom - cx.y;
            if band(row, from, rem, mark).1 as f32 * LH + 2.0 * PAD_Y <= avail + 0.01 {
                frag(cx, &self.grid, row, from..row.n, false, mark, Some(cells));
                break;
            }
            let lead = band(row, from, 1, mark).0;
            let fit = ((avail - 2.0 * PAD_Y) / LH).floor().max(0.0) as usize;
            let fit = fit.saturating_sub(lead);
            // Long rows split (leaving at least two lines on each side);
            // rows taller than a page always split; short rows move whole.
            let take = if rem > self.capacity || fresh {
                fit.max(1)
            } else if row.n >= 4 && fit >= 2 && rem >= 4 {
                fit.min(rem - 2)
            } else {
                0
            };
            if take > 0 {
                frag(
                    cx,
                    &self.grid,
                    row,
                    from..from + take,
                    false,
                    mark,
                    Some(cells),
                );
                from += take;
            }
            cx.new_page();
            if let Some(h) = &self.head {
                cx.artifact += 1;
                frag(cx, &self.grid, h, 0..h.n, true, None, None);
                cx.artifact -= 1;
            }
            fresh = true;
        }
    }
}

/// Draws lines `span` of every cell of `row` as one band at the current y, with `mark` when
/// the band continues a row from the previous page. The anchors of a body row land at its
/// first band.
/// Draws lines `span` of `row`; the text of cell `c` is content of structure element
/// `cells[c]` (with `None`, of whatever is current: an artifact for a repeated header).
#[allow(clippy::too_many_arguments)]
fn frag(
    cx: &mut Ctx,
    g: &Grid,
    row: &Row,
    span: Range<usize>,
    header: bool,
    mark: Option<&Mark>,
    cells: Option<&[u32]>,
) {
    let (lead, n) = band(row, span.start, span.end - span.start, mark);
    let h = n as f32 * LH + 2.0 * PAD_Y;
    let (top, x0, x1) = (cx.y, g.xs[0], g.xs[g.xs.len() - 1]);
    if header {
        cx.push(Draw::Rect {
            x: x0,
            y: top,
            w: x1 - x0,
            h,
            fill: Some(HEAD_BG),
            stroke: None,
        });
    }
    if let Some(m) = mark {
        // "(continued)" and the repeated first line are not content of their own.
        cx.artifact += 1;
        for (k, r) in m.lines.iter().enumerate() {
            let y = top + PAD_Y + k as f32 * LH;
            cx.draw_line(&m.prep, r.clone(), g.xs[0] + PAD_X, y, LH, MUTED);
        }
        if repeats_first_line(row, span.start) == 1 {
            let y = top + PAD_Y + m.lines.len() as f32 * LH;
            let first = row.lines[0][0].clone();
            cx.draw_line(&row.cells[0], first, g.xs[0] + PAD_X, y, LH, MUTED);
        }
        cx.artifact -= 1;
    }
    for (c, p) in row.cells.iter().enumerate() {
        let elem = cells.and_then(|e| e.get(c).copied());
        if let Some(e) = elem {
            cx.tags.enter(e);
        }
        let lines = &row.lines[c];
        for (k, li) in (span.start..span.end.min(lines.len())).enumerate() {
            let r = lines[li].clone();
            let lw = p.width(&r);
            let inner = g.ws[c] - 2.0 * PAD_X;
            let off = match g.aligns.get(c) {
                Some(Align::Right) => (inner - lw).max(0.0),
                Some(Align::Center) => ((inner - lw) / 2.0).max(0.0),
                _ => 0.0,
            };
            let y = top + PAD_Y + (lead + k) as f32 * LH;
            cx.draw_line(p, r, g.xs[c] + PAD_X + off, y, LH, TEXT);
        }
        if span.start == 0 && !header {
            cx.land_anchors(&p.anchors, top);
        }
        if elem.is_some() {
            cx.close();
        }
    }
    rules(cx, g, top, h, header);
    cx.y += h;
}

/// The grid lines of a band of height `h` at `top`: a top rule for a header or the first band
/// of a page, the column rules, and the rule under it (darker under a header).
fn rules(cx: &mut Ctx, g: &Grid, top: f32, h: f32, header: bool) {
    let (x0, x1) = (g.xs[0], g.xs[g.xs.len() - 1]);
    let line = |x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32| Draw::Line {
        x1,
        y1,
        x2,
        y2,
        color,
        width,
    };
    if header || cx.at_top() {
        cx.push(line(x0, top, x1, top, GRID, 0.5));
    }
    for &x in &g.xs {
        cx.push(line(x, top, x, top + h, GRID, 0.4));
    }
    let (col, wd) = if header {
        (HEAD_RULE, 0.8)
    } else {
        (GRID, 0.4)
    };
    cx.push(line(x0, top + h, x1, top + h, col, wd));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_line_and_respect_minimums() {
        // Everything fits: natural widths expanded proportionally.
        let w = distribute(&[10.0, 20.0], &[30.0, 70.0], 200.0);
        assert!((w[0] - 60.0).abs() < 1e-3 && (w[1] - 140.0).abs() < 1e-3);
        // Squeezed: minimums kept, the flexible rest shared.
        let w = distribute(&[40.0, 30.0, 20.0], &[40.0, 300.0, 120.0], 250.0);
        assert!((w.iter().sum::<f32>() - 250.0).abs() < 1e-3);
        assert!((w[0] - 40.0).abs() < 1e-3);
        assert!(w[1] > w[2]);
        // Even the minimums do not fit: scaled down.
        let w = distribute(&[200.0, 200.0], &[300.0, 300.0], 100.0);
        assert!((w[0] - 50.0).abs() < 1e-3);
    }
}

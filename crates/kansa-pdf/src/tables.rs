//! GFM tables: column widths from content, header repeated on every page,
//! rows split across pages line by line.

use std::ops::Range;

use super::inline::Prep;
use super::layout::{Ctx, Draw, Rgb, TEXT};
use super::linebreak::{break_lines, min_width, natural_width};
use super::model::{Align, Span, Style};

pub(crate) const SIZE: f32 = 8.25;
pub(crate) const LH: f32 = 11.8;
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
fn prep_cells(cx: &mut Ctx, cells: &[Vec<Span>], ncol: usize, bold: bool) -> Vec<Prep> {
    let empty: Vec<Span> = Vec::new();
    let st = Style {
        bold,
        ..Style::default()
    };
    (0..ncol)
        .map(|c| cx.prep(cells.get(c).unwrap_or(&empty), SIZE, st))
        .collect()
}

/// Per column: minimum, widest natural width and mean natural width. The desired width is the
/// mean (clamped), so one very long cell does not starve the other columns. Rows are measured
/// here and prepared again when drawn, so a table of 100,000 rows is never held prepared at
/// once.
fn column_widths(
    cx: &mut Ctx,
    head: Option<&[Prep]>,
    rows: &[Vec<Vec<Span>>],
    ncol: usize,
    w: f32,
) -> Vec<f32> {
    let (mut mins, mut maxs, mut sums) = (vec![0f32; ncol], vec![0f32; ncol], vec![0f32; ncol]);
    let mut measure = |cells: &[Prep]| {
        for (c, p) in cells.iter().enumerate() {
            let pairs = p.pairs();
            let nat = natural_width(&pairs);
            let mn = if nat <= SHORT {
                nat
            } else {
                min_width(&pairs).min(w * 0.4)
            };
            mins[c] = mins[c].max(mn + 2.0 * PAD_X);
            maxs[c] = maxs[c].max(nat + 2.0 * PAD_X);
            sums[c] += nat + 2.0 * PAD_X;
        }
    };
    if let Some(h) = head {
        measure(h);
    }
    for r in rows {
        measure(&prep_cells(cx, r, ncol, false));
    }
    let count = (rows.len() + usize::from(head.is_some())) as f32;
    for c in 0..ncol {
        let mean = sums[c] / count;
        maxs[c] = (mean * 1.25).min(maxs[c]).min(w).max(mins[c]);
    }
    distribute(&mins, &maxs, w)
}

pub(crate) fn table(
    cx: &mut Ctx,
    aligns: &[Align],
    head: &[Vec<Span>],
    rows: &[Vec<Vec<Span>>],
    x: f32,
    w: f32,
) {
    let ncol = rows
        .iter()
        .map(Vec::len)
        .chain([head.len()])
        .max()
        .unwrap_or(0);
    if ncol == 0 {
        return;
    }
    let head_p = (!head.is_empty()).then(|| prep_cells(cx, head, ncol, true));
    let ws = column_widths(cx, head_p.as_deref(), rows, ncol, w);
    let grid = Grid::new(x, ws, aligns);
    let head_row = head_p.map(|cells| grid.row(cells));
    let head_h = head_row
        .as_ref()
        .map_or(0.0, |r| r.n as f32 * LH + 2.0 * PAD_Y);
    let Some(first_cells) = rows.first() else {
        cx.ensure(head_h);
        if let Some(h) = &head_row {
            frag(cx, &grid, h, 0..h.n, true);
        }
        cx.y += 8.0;
        return;
    };
    let first_row = grid.row(prep_cells(cx, first_cells, ncol, false));
    // Keep the header with the first row (or its first two lines).
    let first = if first_row.n <= 3 { first_row.n } else { 2 };
    cx.ensure(head_h + first as f32 * LH + 2.0 * PAD_Y);
    if let Some(h) = &head_row {
        frag(cx, &grid, h, 0..h.n, true);
    }
    let capacity = (((cx.g.bottom - cx.g.top - head_h - 2.0 * PAD_Y) / LH).floor() as usize).max(1);
    let mut next = Some(first_row);
    for cells in rows {
        let row = match next.take() {
            Some(r) => r,
            None => grid.row(prep_cells(cx, cells, ncol, false)),
        };
        place_row(cx, &grid, &row, head_row.as_ref(), capacity);
    }
    cx.y += 8.0;
}

/// Draws a row, splitting it across pages where it does not fit (the header repeated on each
/// new page). `capacity` is how many lines fit on a page below the header.
fn place_row(cx: &mut Ctx, grid: &Grid, row: &Row, head_row: Option<&Row>, capacity: usize) {
    let mut from = 0;
    let mut fresh = false;
    loop {
        let rem = row.n - from;
        let avail = cx.g.bottom - cx.y;
        if rem as f32 * LH + 2.0 * PAD_Y <= avail + 0.01 {
            frag(cx, grid, row, from..row.n, false);
            break;
        }
        let fit = ((avail - 2.0 * PAD_Y) / LH).floor().max(0.0) as usize;
        // Long rows split (leaving at least two lines on each side);
        // rows taller than a page always split; short rows move whole.
        let take = if rem > capacity || fresh {
            fit.max(1)
        } else if row.n >= 4 && fit >= 2 && rem >= 4 {
            fit.min(rem - 2)
        } else {
            0
        };
        if take > 0 {
            frag(cx, grid, row, from..from + take, false);
            from += take;
        }
        cx.new_page();
        if let Some(h) = head_row {
            frag(cx, grid, h, 0..h.n, true);
        }
        fresh = true;
    }
}

/// Draws lines `span` of every cell of `row` as one band at the current y.
fn frag(cx: &mut Ctx, g: &Grid, row: &Row, span: Range<usize>, header: bool) {
    let n = span.end - span.start;
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
    for (c, p) in row.cells.iter().enumerate() {
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
            let y = top + PAD_Y + k as f32 * LH;
            cx.draw_line(p, r, g.xs[c] + PAD_X + off, y, LH, TEXT);
        }
    }
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
    cx.y += h;
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

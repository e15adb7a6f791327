//! GFM tables as Word tables: the header row repeats on every page (`w:tblHeader`), rows
//! short enough not to need splitting are kept whole (`w:cantSplit`), columns are sized from
//! their content over every table with the same header, as in the PDF.

use kansa_pdf::model::{Align, Span};

use crate::body::{Writer, header_key, lines, units};

/// Half-width characters per twip of a table cell (8 pt text: a half-width character is
/// about 80 twips wide).
const TWIPS_PER_UNIT: u32 = 80;
/// Rows of fewer lines than this never split across pages (the PDF's rule).
const SPLIT_LINES: usize = 4;
/// A column asks for at most this many half-width units before the table is scaled to fit.
const MAX_UNITS: usize = 60;
/// A cell's left plus right padding, in twips, with room to spare: a reader that does not
/// apply the table style's cell margins uses 108 twips a side, and a badge's border and thin
/// spaces take a little more than its text.
const PADDING: u32 = 2 * 108 + 3 * TWIPS_PER_UNIT;

/// Column widths (twips) summing to `total`, from each column's widest line: when the
/// natural widths fit they are widened in proportion; when not, every column narrower than one
/// and a half equal shares of what is left keeps its natural width (ids, statuses, dates stay on one line)
/// and the wide text columns share the rest in proportion.
pub(crate) fn widths(widest: &[usize], total: u32) -> Vec<u32> {
    let natural: Vec<u64> = widest
        .iter()
        .map(|w| u64::from((*w).clamp(3, MAX_UNITS) as u32 * TWIPS_PER_UNIT + PADDING))
        .collect();
    let total = u64::from(total);
    let sum = |kept: &[bool], want: bool| -> u64 {
        natural
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k == want)
            .map(|(n, _)| n)
            .sum()
    };
    let all_fit = natural.iter().sum::<u64>() <= total;
    let mut kept = vec![all_fit; natural.len()];
    while !all_fit && kept.iter().any(|k| !*k) {
        let open = kept.iter().filter(|k| !**k).count() as u64;
        if open == 0 {
            break;
        }
        let share = total.saturating_sub(sum(&kept, true)) / open;
        let newly: Vec<usize> = (0..natural.len())
            .filter(|&i| !kept[i] && natural[i] * 2 <= share * 3)
            .collect();
        if newly.is_empty() || newly.len() as u64 == open {
            break;
        }
        newly.into_iter().for_each(|i| kept[i] = true);
    }
    let (keep_sum, wide) = (sum(&kept, true), sum(&kept, false));
    let mut out: Vec<u32> = if wide == 0 {
        natural
            .iter()
            .map(|n| (n * total / keep_sum.max(1)) as u32)
            .collect()
    } else {
        let rest = total.saturating_sub(keep_sum);
        natural
            .iter()
            .zip(&kept)
            .map(|(n, k)| {
                if *k {
                    *n as u32
                } else {
                    (n * rest / wide) as u32
                }
            })
            .collect()
    };
    let used: u64 = out.iter().map(|w| u64::from(*w)).sum();
    if let Some(last) = out.last_mut() {
        *last += total.saturating_sub(used) as u32;
    }
    out
}

/// Lines a cell takes at `width` twips (a rough count: each line wraps at the column width).
fn cell_lines(cell: &[Span], width: u32) -> usize {
    let per_line = (width.saturating_sub(PADDING) / TWIPS_PER_UNIT).max(1) as usize;
    lines(cell)
        .iter()
        .map(|l| units(l).div_ceil(per_line).max(1))
        .sum()
}

impl Writer<'_> {
    pub(crate) fn table(&mut self, aligns: &[Align], head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) {
        let widest = self
            .survey
            .grids
            .get(&header_key(head))
            .cloned()
            .unwrap_or_default();
        let cols = widths(&widest, self.text_width.saturating_sub(self.indent));
        let mut x = String::from(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"KansaTable\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>",
        );
        if self.indent > 0 {
            x.push_str(&format!(
                "<w:tblInd w:w=\"{}\" w:type=\"dxa\"/>",
                self.indent
            ));
        }
        x.push_str("<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
        for w in &cols {
            x.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        x.push_str("</w:tblGrid>");
        self.out.push_str(&x);
        self.row(head, aligns, &cols, true);
        for r in rows {
            self.row(r, aligns, &cols, false);
        }
        self.out.push_str("</w:tbl>");
        // Two tables in a row would merge into one in Word: a paragraph keeps them apart.
        self.out
            .push_str("<w:p><w:pPr><w:pStyle w:val=\"TableGap\"/></w:pPr></w:p>");
    }

    fn row(&mut self, cells: &[Vec<Span>], aligns: &[Align], cols: &[u32], header: bool) {
        let short = cells
            .iter()
            .zip(cols)
            .map(|(c, w)| cell_lines(c, *w))
            .max()
            .unwrap_or(1)
            < SPLIT_LINES;
        let mut trpr = String::new();
        if header || short {
            trpr.push_str("<w:cantSplit/>");
        }
        if header {
            trpr.push_str("<w:tblHeader/>");
        }
        self.out.push_str("<w:tr>");
        if !trpr.is_empty() {
            self.out.push_str(&format!("<w:trPr>{trpr}</w:trPr>"));
        }
        for (i, w) in cols.iter().enumerate() {
            let empty = Vec::new();
            let cell = cells.get(i).unwrap_or(&empty);
            let shd = if header {
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E8ECF1\"/>"
            } else {
                ""
            };
            let jc = match aligns.get(i) {
                Some(Align::Right) => "<w:jc w:val=\"right\"/>",
                Some(Align::Center) => "<w:jc w:val=\"center\"/>",
                _ => "",
            };
            let style = if header { "TableHeading" } else { "TableText" };
            let runs = self.runs(cell, "");
            self.out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{shd}</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{jc}</w:pPr>{runs}</w:p></w:tc>"
            ));
        }
        self.out.push_str("</w:tr>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_text_width_in_proportion() {
        let w = widths(&[4, 40, 10], 9864);
        assert_eq!(w.iter().sum::<u32>(), 9864);
        assert!(w[1] > w[2] && w[2] > w[0], "{w:?}");
        // Too wide: the id, status and owner columns keep their natural width, the texts share
        // the rest.
        let w = widths(&[5, 60, 60, 10, 27], 9864);
        assert_eq!(w.iter().sum::<u32>(), 9864);
        assert_eq!(w[0], 5 * TWIPS_PER_UNIT + PADDING);
        assert_eq!(w[3], 10 * TWIPS_PER_UNIT + PADDING);
        assert_eq!(w[4], 27 * TWIPS_PER_UNIT + PADDING);
        assert_eq!(w[1], w[2]);
        assert_eq!(widths(&[], 9864), Vec::<u32>::new());
    }
}

//! How one cell of a list sheet is written: as text, wrapped text or an Excel date, and how
//! tall its row must be for the wrapped text to show.
//!
//! Excel grows a row to fit wrapped text only when the user edits it, and LibreOffice only for
//! rows with no height set: a workbook written without heights shows long answers as one line
//! run over by the next row. So every row with wrapped text gets a height from an estimate of
//! its lines (column width in characters, full-width characters counted twice), capped at
//! Excel's largest row.

use rust_xlsxwriter::ExcelDateTime;
use unicode_width::UnicodeWidthChar;

/// How a list sheet's column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ColumnKind {
    /// One line of text (ids, labels, short values).
    Text,
    /// Running text, wrapped at the column width.
    Wrap,
    /// A date: an Excel date with a `yyyy-mm-dd` format when the text is one, else text.
    Date,
}

/// Height of one line of the default 11 pt font, in points, with Japanese glyphs (which need
/// a little more than Latin ones).
const LINE_HEIGHT: f64 = 15.0;
/// Excel's tallest row, in points (409.5 is the limit; LibreOffice rounds to 408.75).
pub(super) const MAX_ROW_HEIGHT: f64 = 408.75;

/// The Excel date `text` names (`YYYY-MM-DD`), if it is one Excel can show: kansa's date
/// fields hold such text, but a value that is not a date stays text rather than vanish.
pub(super) fn excel_date(text: &str) -> Option<ExcelDateTime> {
    let date: jiff::civil::Date = text.trim().parse().ok()?;
    super::excel_date(date)
}

/// Lines `text` takes in a column `width` characters wide: each paragraph at least one line,
/// a full-width character two columns, words not kept whole (a conservative estimate for
/// Japanese, which breaks anywhere, and for English, whose word breaks only add lines at the
/// margin).
pub(super) fn wrapped_lines(text: &str, width: f64) -> usize {
    // Excel keeps about one character of padding in a cell.
    let usable = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let columns: usize = line.chars().map(|c| c.width().unwrap_or(0)).sum();
            (columns as f64 / usable).ceil().max(1.0) as usize
        })
        .sum()
}

/// Height for a row whose wrapped cells are `cells` (text and column width): `None` when every
/// cell fits one line (the default height serves), else the tallest cell's lines, capped at
/// [`MAX_ROW_HEIGHT`].
pub(super) fn row_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> Option<f64> {
    let lines = cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width))
        .max()?;
    (lines > 1).then(|| (lines as f64 * LINE_HEIGHT).min(MAX_ROW_HEIGHT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_excel_dates_and_other_text_stays_text() {
        let d = excel_date("2026-03-31").expect("a date");
        assert_eq!(d.to_excel(), 46112.0);
        assert!(excel_date(" 2026-03-31 ").is_some());
        for text in [
            "",
            "未定",
            "2026-02-30",
            "31/03/2026",
            "1899-12-31",
            "2026-03-31x",
        ] {
            assert!(excel_date(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn lines_count_full_width_characters_twice_and_every_paragraph() {
        assert_eq!(wrapped_lines("", 20.0), 1);
        assert_eq!(wrapped_lines("short", 20.0), 1);
        // 19 usable columns: 19 ASCII characters fit, 20 do not.
        assert_eq!(wrapped_lines(&"a".repeat(19), 20.0), 1);
        assert_eq!(wrapped_lines(&"a".repeat(20), 20.0), 2);
        // Ten kanji are twenty columns.
        assert_eq!(wrapped_lines(&"監".repeat(10), 20.0), 2);
        assert_eq!(wrapped_lines("a\nb\n\nc", 20.0), 4);
    }

    #[test]
    fn rows_grow_with_their_tallest_cell_up_to_excels_limit() {
        assert_eq!(row_height([]), None);
        assert_eq!(row_height([("one line", 30.0), ("also", 10.0)]), None);
        assert_eq!(
            row_height([("a\nb", 30.0), ("a\nb\nc", 30.0)]),
            Some(3.0 * LINE_HEIGHT)
        );
        let huge = "x\n".repeat(10_000);
        assert_eq!(row_height([(huge.as_str(), 30.0)]), Some(MAX_ROW_HEIGHT));
    }
}

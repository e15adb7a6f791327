//! One worksheet: its non-empty cells read one by one, then turned into a [`Table`] whose
//! column numbers are the sheet's.

use std::io::Cursor;

use calamine::{Data, Xlsx, XlsxError as ReadError};

use super::HEADER_SEARCH_ROWS;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::table::{self, Record, Table};
use crate::load::values::{Column, column_for_header};
use crate::model::limits::{Limits, MAX_PROBLEMS_PER_FILE};

/// The non-empty cells of a sheet, by row, each row's cells by column.
///
/// Read cell by cell, never as calamine's dense `Range`: a workbook of a few kilobytes with one
/// cell in A1 and one in XFD1048576 would make that range 17 billion cells (found building the
/// hostile corpus: 5.6 KB of xlsx took 23 GB before the kernel killed kansa).
pub(super) struct SheetCells {
    rows: Vec<(u32, Vec<(u32, Data)>)>,
    /// The last column that holds a cell, plus one.
    width: u32,
    /// Formula cells saved without their value (as many libraries write them), by position.
    uncached: Vec<(u32, u32)>,
}

impl SheetCells {
    /// The value of the cell at (row, col), if it holds one.
    fn value_at(&self, row: u32, col: u32) -> Option<&Data> {
        let row = self.row(row);
        row.binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &row[i].1)
    }

    fn row(&self, row: u32) -> &[(u32, Data)] {
        match self.rows.binary_search_by_key(&row, |(r, _)| *r) {
            Ok(i) => &self.rows[i].1,
            Err(_) => &[],
        }
    }
}

pub(super) fn sheet_cells(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<SheetCells, ReadError> {
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(r) => r,
        // A chart sheet: no cells.
        Err(ReadError::NotAWorksheet(_)) => {
            return Ok(SheetCells {
                rows: Vec::new(),
                width: 0,
                uncached: Vec::new(),
            });
        }
        Err(e) => return Err(e),
    };
    let mut cells: Vec<((u32, u32), Data)> = Vec::new();
    let mut uncached = Vec::new();
    while let Some(cell) = reader.next_cell_with_formula_metadata()? {
        let value = Data::from(cell.value);
        if value != Data::Empty {
            cells.push((cell.pos, value));
        } else if cell.formula.is_some() {
            uncached.push(cell.pos);
        }
    }
    uncached.sort_unstable();
    // Excel writes rows and cells in order; other writers need not.
    cells.sort_by_key(|(pos, _)| *pos);
    let width = cells.iter().map(|((_, c), _)| c + 1).max().unwrap_or(0);
    let mut rows: Vec<(u32, Vec<(u32, Data)>)> = Vec::new();
    for ((r, c), value) in cells {
        match rows.last_mut() {
            Some((last, row)) if *last == r => row.push((c, value)),
            _ => rows.push((r, vec![(c, value)])),
        }
    }
    Ok(SheetCells {
        rows,
        width,
        uncached,
    })
}

/// The sheet as a table whose columns start at column A, so that the table's column numbers
/// are the sheet's; `None` when no row near the top names an id column.
pub(super) fn sheet_table(
    path: &str,
    sheet: &str,
    cells: &SheetCells,
    limits: &Limits,
    problems: &mut Diagnostics,
) -> Option<Table> {
    let header_row = header_row(cells)?;
    if let Some(d) = too_many_cells(path, sheet, cells, header_row, limits) {
        problems.push(d);
        return None;
    }
    let mut reader = SheetReader {
        path,
        sheet,
        cells,
        limits,
        problems,
        bad_cells: Vec::new(),
    };
    let mut headers: Vec<String> = (0..cells.width)
        .map(|c| {
            reader
                .cell(header_row, c, None)
                .map_or_else(|code| code, |s| s.trim().to_owned())
        })
        .collect();
    let id_col = headers
        .iter()
        .position(|h| column_for_header(h) == Some(Column::Id))?;
    for (c, h) in headers.iter().enumerate() {
        reader.checked(header_row, c as u32, h);
    }
    let (mut records, too_many) = reader.data_records(header_row, &headers, id_col);
    reader.report_after_rows(header_row, &headers, too_many);
    drop_blank_columns(&mut headers, &mut records);
    Some(Table {
        sheet: Some(sheet.to_owned()),
        header_line: u64::from(header_row) + 1,
        headers,
        records,
    })
}

/// The row of the header: the first row near the top with an id column.
fn header_row(cells: &SheetCells) -> Option<u32> {
    let first_row = cells.rows.first()?.0;
    let header = cells
        .rows
        .iter()
        .take_while(|(r, _)| *r < first_row.saturating_add(HEADER_SEARCH_ROWS))
        .find(|(_, row)| {
            row.iter().any(|(_, v)| {
                cell_text(v).ok().as_deref().and_then(column_for_header) == Some(Column::Id)
            })
        })?;
    Some(header.0)
}

/// Every data row becomes `width` fields: a sheet of many rows and one far-right cell would
/// still be billions of them. The problem, when the table would pass the cell limit.
fn too_many_cells(
    path: &str,
    sheet: &str,
    cells: &SheetCells,
    header_row: u32,
    limits: &Limits,
) -> Option<Diagnostic> {
    let width = cells.width;
    let data_rows = cells.rows.iter().filter(|(r, _)| *r > header_row).count();
    let max_cells = limits.max_cells();
    // Rows past --max-rows are not kept (reading stops there with its own error).
    let kept = data_rows.min(limits.max_rows) + 1;
    let spanned = (kept as u64).saturating_mul(u64::from(width));
    if spanned <= max_cells as u64 {
        return None;
    }
    Some(
        Diagnostic::new(
            path,
            u64::from(header_row) + 1,
            u64::from(width),
            format!("the sheet spans {kept} rows × {width} columns, more than {max_cells} cells"),
        )
        .in_sheet(Some(sheet))
        .hint(format!(
            "delete stray cells far right of the table (Ctrl+End shows the last one), or split the sheet; the limit is 32 cells per allowed row (--max-rows, now {}), at most 32000000",
            limits.max_rows
        )),
    )
}

/// Unnamed columns without a value (a margin in column A, a spacer) are layout, not data: the
/// loader ignores them. Columns right of the last used one are dropped; those between keep
/// their place, so that column numbers stay the sheet's.
fn drop_blank_columns(headers: &mut Vec<String>, records: &mut [Record]) {
    let blank =
        |c: usize| headers[c].is_empty() && records.iter().all(|r| r.fields[c].trim().is_empty());
    let used = (0..headers.len())
        .rev()
        .find(|&c| !blank(c))
        .map_or(0, |c| c + 1);
    headers.truncate(used);
    for r in records {
        r.fields.truncate(used);
    }
}

/// The state of reading one sheet's cells: where problems go as they are met, and the cells
/// over the size limit or with control characters, which are reported after the rows are read.
struct SheetReader<'a> {
    path: &'a str,
    sheet: &'a str,
    cells: &'a SheetCells,
    limits: &'a Limits,
    problems: &'a mut Diagnostics,
    bad_cells: Vec<Diagnostic>,
}

impl SheetReader<'_> {
    /// The cell's text; an error cell, or a date cell beyond Excel's calendar, is reported
    /// (under its column's header, when known) and gives Err(its code or serial number).
    fn cell(&mut self, row: u32, col: u32, header: Option<&str>) -> Result<String, String> {
        let data = self.cells.value_at(row, col);
        let value = data.map_or(Ok(String::new()), cell_text);
        let Some(mut d) = self.cell_problem(row, col, data, &value) else {
            return value;
        };
        if let Some(h) = header.filter(|h| !h.is_empty()) {
            d = d.column_name(h);
        }
        self.problems.push(d);
        Err(value.unwrap_or_else(|code| code))
    }

    /// What is wrong with a cell's value, if anything: a date Excel cannot show, or an error.
    fn cell_problem(
        &self,
        row: u32,
        col: u32,
        data: Option<&Data>,
        value: &Result<String, String>,
    ) -> Option<Diagnostic> {
        let located = |message: &str| {
            Diagnostic::new(self.path, u64::from(row) + 1, u64::from(col) + 1, message)
                .in_sheet(Some(self.sheet))
        };
        if let Some(serial) = data.and_then(date_serial_outside_excel) {
            let range = crate::model::date::date_out_of_range();
            Some(
                located(&range.message)
                    .value(number(serial))
                    .hint(range.hint),
            )
        } else if let Err(code) = value {
            Some(
                located("error value in cell")
                    .value(code.as_str())
                    .hint("replace the formula by its value, or type the value"),
            )
        } else {
            None
        }
    }

    /// Checks a cell's text against the limits; a bad cell is kept for the report (up to the
    /// per-file maximum) and gives false.
    fn checked(&mut self, row: u32, c: u32, text: &str) -> bool {
        let bad = table::check_cell(
            self.path,
            Some(self.sheet),
            u64::from(row) + 1,
            u64::from(c) + 1,
            text,
            self.limits,
        );
        let ok = bad.is_none();
        if let Some(d) = bad
            && self.bad_cells.len() < MAX_PROBLEMS_PER_FILE
        {
            self.bad_cells.push(d);
        }
        ok
    }

    /// The records below the header, and the row where --max-rows was passed, if it was.
    fn data_records(
        &mut self,
        header_row: u32,
        headers: &[String],
        id_col: usize,
    ) -> (Vec<Record>, Option<u32>) {
        let mut records = Vec::new();
        let cells = self.cells;
        for &(row, _) in cells.rows.iter().filter(|(r, _)| *r > header_row) {
            let Some(fields) = self.data_row(row, headers, id_col) else {
                continue; // an error id, or a bad cell: reported
            };
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue; // empty rows are Excel's leftovers
            }
            if records.len() >= self.limits.max_rows {
                return (records, Some(row));
            }
            records.push(Record {
                line: u64::from(row) + 1,
                fields,
            });
        }
        (records, None)
    }

    /// One row's fields, every column read; `None` when its id is an error value or one of
    /// its cells breaks the limits.
    fn data_row(&mut self, row: u32, headers: &[String], id_col: usize) -> Option<Vec<String>> {
        let mut bad_id = false;
        let mut bad_cell = false;
        let mut fields = Vec::with_capacity(headers.len());
        for c in 0..self.cells.width {
            let text = self
                .cell(row, c, Some(&headers[c as usize]))
                .unwrap_or_else(|_| {
                    bad_id |= c as usize == id_col;
                    String::new()
                });
            if self.checked(row, c, &text) {
                fields.push(text);
            } else {
                bad_cell = true;
                fields.push(String::new());
            }
        }
        (!bad_id && !bad_cell).then_some(fields)
    }

    /// The problems reported once the rows are read, in this order: formulas without a saved
    /// value, cells over the limits, and the row past --max-rows.
    fn report_after_rows(mut self, header_row: u32, headers: &[String], too_many: Option<u32>) {
        self.report_uncached(header_row, headers);
        self.problems.extend(Diagnostics(self.bad_cells));
        if let Some(row) = too_many {
            self.problems.push(
                Diagnostic::new(
                    self.path,
                    u64::from(row) + 1,
                    1,
                    format!("more than {} data rows", self.limits.max_rows),
                )
                .in_sheet(Some(self.sheet))
                .hint(format!(
                    "split the sheet, or raise the limit with --max-rows (now {})",
                    self.limits.max_rows
                )),
            );
        }
    }

    /// Formula cells at or below the header saved without their value.
    fn report_uncached(&mut self, header_row: u32, headers: &[String]) {
        let cells = self.cells;
        for &(row, col) in cells.uncached.iter().filter(|(r, _)| *r >= header_row) {
            let mut d = Diagnostic::new(
                self.path,
                u64::from(row) + 1,
                u64::from(col) + 1,
                "formula without a saved value",
            )
            .in_sheet(Some(self.sheet))
            .hint("the program that wrote the file saved the formula but not its result: open and save the file in Excel (or LibreOffice), or type the value");
            if let Some(h) = headers.get(col as usize).filter(|h| !h.is_empty()) {
                d = d.column_name(h);
            }
            self.problems.push(d);
        }
    }
}

/// A cell as the text the user sees, or the error code (`#N/A`) of an error cell.
pub(crate) fn cell_text(value: &Data) -> Result<String, String> {
    Ok(match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) if date_serial_outside_excel(value).is_some() => number(d.as_f64()),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            match (d.as_f64() < 1.0, (h, min, s) == (0, 0, 0)) {
                (true, _) => format!("{h:02}:{min:02}:{s:02}"),
                (false, true) => format!("{y:04}-{m:02}-{day:02}"),
                (false, false) => format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}"),
            }
        }
        Data::DateTime(d) => number(d.as_f64()),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Excel's last day, 9999-12-31, as a serial number (days since 1899-12-30).
const LAST_EXCEL_SERIAL: f64 = 2_958_465.0;

/// The serial number of a date-formatted cell that Excel itself cannot show as a date
/// (negative, after 9999-12-31, not finite; Excel shows `#####`). Its date would be made up,
/// so the number is what kansa quotes.
fn date_serial_outside_excel(value: &Data) -> Option<f64> {
    let Data::DateTime(d) = value else {
        return None;
    };
    let serial = d.as_f64();
    let inside = serial.is_finite() && (0.0..LAST_EXCEL_SERIAL + 1.0).contains(&serial);
    (d.is_datetime() && !inside).then_some(serial)
}

/// A number as typed: `83`, not `83.0`; fractions in their shortest form; huge numbers as
/// `1e300`, not as three hundred digits.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.abs() >= 1e15 {
        format!("{f:e}")
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod date_serial_tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    fn date_cell(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    #[test]
    fn date_cells_beyond_excel_quote_their_serial_number() {
        for (serial, shown) in [
            (-1.0, "-1"),
            (-100000.75, "-100000.75"),
            (2_958_466.0, "2958466"),
            (1e300, "1e300"),
            (f64::INFINITY, "inf"),
        ] {
            let cell = date_cell(serial);
            assert_eq!(
                date_serial_outside_excel(&cell),
                Some(serial).filter(|s| !s.is_nan())
            );
            assert_eq!(cell_text(&cell), Ok(shown.to_owned()));
        }
        // Excel's own first and last days, and a time of day, stay dates.
        for (serial, shown) in [
            (0.5, "12:00:00"),
            (1.0, "1900-01-01"),
            (2_958_465.5, "9999-12-31 12:00:00"),
        ] {
            assert_eq!(date_serial_outside_excel(&date_cell(serial)), None);
            assert_eq!(cell_text(&date_cell(serial)), Ok(shown.to_owned()));
        }
    }
}

//! Reading a filled-in workbook back as an overlay.
//!
//! This module only turns cells into strings and sheets into [`Table`]s; headers, aliases,
//! ids, dates and every message come from
//! [`overlay_from_tables`](crate::load::overlay::overlay_from_tables), so a workbook is checked
//! exactly like a CSV file.

use std::io::Cursor;
use std::panic::AssertUnwindSafe;

use calamine::{Data, Reader, SheetVisible, Xlsx, XlsxError as ReadError};

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::overlay::check_tables;
use crate::load::table::{self, Record, Table};
use crate::load::values::{Column, column_for_header};
use crate::model::limits::{Limits, MAX_PROBLEMS_PER_FILE};
use crate::model::text::human_bytes;
use crate::model::{Catalogue, Overlay};

/// Rows searched for the header (one with an id column): room for a title block above it.
const HEADER_SEARCH_ROWS: u32 = 10;

/// Read an `.xlsx` overlay: every sheet with an id column (項番 or id) in its first rows, or
/// only the sheets named in `sheet_filter`. Problems are located as `FILE!SHEET!C12`.
pub fn read_overlay(
    path: &str,
    bytes: &[u8],
    sheet_filter: &[String],
    catalogue: &Catalogue,
) -> Result<Overlay, Diagnostics> {
    read_overlay_with(path, bytes, sheet_filter, catalogue, &Limits::default())
}

/// [`read_overlay`] with explicit input limits: cells over `max_field_bytes` or with control
/// characters, and sheets with more than `max_rows` data rows, are located errors.
pub fn read_overlay_with(
    path: &str,
    bytes: &[u8],
    sheet_filter: &[String],
    catalogue: &Catalogue,
    limits: &Limits,
) -> Result<Overlay, Diagnostics> {
    let (tables, problems) = read_tables(path, bytes, sheet_filter, limits)?;
    check_tables(
        path,
        crate::load::overlay::digest(bytes),
        "xlsx",
        tables,
        problems,
        catalogue,
    )
}

/// The first half of [`read_overlay_with`], which needs no catalogue: the sheets with an id
/// column as tables, and the problems met reading them (Err when nothing can be read).
pub fn read_tables(
    path: &str,
    bytes: &[u8],
    sheet_filter: &[String],
    limits: &Limits,
) -> Result<(Vec<Table>, Diagnostics), Diagnostics> {
    if let Some(problem) = compound_file(path, bytes) {
        return Err(problem);
    }
    if let Some(problem) = other_format(path, bytes) {
        return Err(problem);
    }
    if let Some(problem) = over_unpacked_limit(path, bytes, limits) {
        return Err(problem);
    }
    // calamine (and the zip and XML readers below it) can panic on a damaged file, e.g. an
    // arithmetic overflow on an absurd cell reference (found by the xlsx_reader fuzz target):
    // such a file is a problem of that file, not a crash of kansa.
    READING.with(|r| r.set(true));
    let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
        read_sheets(path, bytes, sheet_filter, limits)
    }));
    READING.with(|r| r.set(false));
    let (tables, mut problems, names) = match read {
        Ok(Ok(read)) => read,
        Ok(Err(problem)) => return Err(problem),
        Err(_) => {
            return Err(problem(
                path,
                "the workbook reader failed on this file (it is damaged)".to_owned(),
                NOT_XLSX_HINT,
            ));
        }
    };
    if tables.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::new(path, 0, 0, "no sheet has an id column")
                .value(names.join(", "))
                .hint("the answers need a header row with a column named 項番 (or id)"),
        );
    }
    Ok((tables, problems))
}

/// A workbook is a zip archive, and a few kilobytes of it can unpack to gigabytes of XML (a
/// "zip bomb") that the reader would hold in memory. So every member is unpacked once first,
/// counting and keeping nothing, and more than `--max-file-bytes` in all is a problem of the
/// file. The sizes the archive declares are not trusted: the bytes are counted. An archive the
/// zip reader cannot open is left to calamine, which names the damage.
fn over_unpacked_limit(path: &str, bytes: &[u8], limits: &Limits) -> Option<Diagnostics> {
    let limit = limits.max_file_bytes;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).ok()?;
        let name = member
            .name()
            .map_or_else(|_| format!("#{}", i + 1), |n| n.into_owned());
        let room = limit.saturating_sub(total);
        let read = std::io::copy(
            &mut std::io::Read::take(&mut member, room.saturating_add(1)),
            &mut std::io::sink(),
        )
        .ok()?;
        total += read;
        if total > limit {
            return Some(Diagnostics(vec![
                Diagnostic::new(
                    path,
                    0,
                    0,
                    format!(
                        "the workbook unpacks to more than {}",
                        human_bytes(limit)
                    ),
                )
                .value(crate::model::text::excerpt(&name, 80))
                .hint(format!(
                    "a workbook this size is damaged or built to exhaust memory; if it is real, raise the limit with --max-file-bytes (now {limit})"
                )),
            ]));
        }
    }
    None
}

thread_local! {
    /// Set while this thread reads a workbook inside `catch_unwind`.
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Is this thread reading a workbook, where a panic of the reader is caught and reported as a
/// damaged file? The command's panic hook stays quiet then, instead of printing the reader's
/// panic message and a backtrace hint before kansa's own error.
pub fn reading_workbook() -> bool {
    READING.with(std::cell::Cell::get)
}

/// The sheets of the workbook that have an id column, as tables, with the problems found and
/// the names of all sheets; Err when the file cannot be opened at all.
fn read_sheets(
    path: &str,
    bytes: &[u8],
    sheet_filter: &[String],
    limits: &Limits,
) -> Result<(Vec<Table>, Diagnostics, Vec<String>), Diagnostics> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(path, &e))?;
    let names = workbook.sheet_names();
    let mut problems = Diagnostics::default();
    for wanted in sheet_filter {
        if !names.contains(wanted) {
            problems.push(
                Diagnostic::new(path, 0, 0, "no such sheet")
                    .value(wanted.as_str())
                    .hint(format!("the workbook has the sheets {}", names.join(", "))),
            );
        }
    }
    let hidden: Vec<(String, SheetVisible)> = workbook
        .sheets_metadata()
        .iter()
        .filter(|m| m.visible != SheetVisible::Visible)
        .map(|m| (m.name.clone(), m.visible))
        .collect();
    let mut tables = Vec::new();
    for name in &names {
        let named = sheet_filter.contains(name);
        if !sheet_filter.is_empty() && !named {
            continue;
        }
        let visibility = hidden.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        let cells = match sheet_cells(&mut workbook, name) {
            Ok(c) => c,
            Err(e) => {
                problems.push(
                    Diagnostic::new(path, 1, 1, format!("cannot read sheet: {e}"))
                        .in_sheet(Some(name))
                        .hint("open the file in Excel and save it again as .xlsx"),
                );
                continue;
            }
        };
        match sheet_table(path, name, &cells, limits, &mut problems) {
            Some(t) if named => tables.push(t),
            Some(t) => match visibility {
                None => tables.push(t),
                Some(v) => problems.push(hidden_answers(path, name, v, t.header_line)),
            },
            None if named => problems.push(
                Diagnostic::new(path, 1, 1, "no id column")
                    .in_sheet(Some(name))
                    .hint(format!(
                        "one of the first {HEADER_SEARCH_ROWS} rows must be a header row with a column named 項番 (or id)"
                    )),
            ),
            None => {} // a cover or notes sheet
        }
    }
    Ok((tables, problems, names))
}

/// Answers on a hidden sheet: nobody reviewing the workbook sees them (a very hidden sheet
/// cannot even be shown from Excel's menus), so they are not counted silently. Naming the
/// sheet with `--sheet` reads it; hidden rows and columns of a visible sheet are read as usual
/// (an autofilter hides rows that are still answers).
fn hidden_answers(path: &str, sheet: &str, visible: SheetVisible, header_line: u64) -> Diagnostic {
    let how = if visible == SheetVisible::VeryHidden {
        "very hidden sheet (only a macro can show it)"
    } else {
        "hidden sheet"
    };
    Diagnostic::new(path, header_line, 1, format!("answers on a {how}"))
        .in_sheet(Some(sheet))
        .hint(format!(
            "unhide the sheet in Excel or delete it; to read it as it is, name it: --sheet {sheet}"
        ))
}

/// The signature of an OLE compound file (CFB): how Excel stores an encrypted workbook, and
/// the format of old `.xls` files.
pub(crate) const CFB_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The problem with a compound file, which is never an `.xlsx` (those are ZIP archives).
///
/// kansa answers these itself: calamine parses a compound file to look for encryption, and a
/// malformed one made it panic (found by the `xlsx_reader` fuzz target).
fn compound_file(path: &str, bytes: &[u8]) -> Option<Diagnostics> {
    if !bytes.starts_with(&CFB_SIGNATURE) {
        return None;
    }
    // An encrypted workbook keeps the real file in a stream named EncryptedPackage; directory
    // entry names are UTF-16LE.
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let encrypted = bytes.windows(name.len()).any(|w| w == name);
    Some(if encrypted {
        unreadable(path, &ReadError::Password)
    } else {
        problem(
            path,
            "not a valid .xlsx file (an OLE compound file, such as an old .xls workbook)".into(),
            NOT_XLSX_HINT,
        )
    })
}

/// A file whose signature says it is something else than a workbook (an `.ods` or a PDF
/// named `.xlsx`): named for what it is, rather than as a damaged workbook.
fn other_format(path: &str, bytes: &[u8]) -> Option<Diagnostics> {
    let kind = crate::load::decode::binary_kind(bytes);
    match kind {
        // A zip archive without the usual names is left to the workbook reader to judge.
        Some(k) if k.contains("(.xlsx)") || k == "a zip archive" => None,
        Some(k) => Some(problem(path, format!("this is {k}"), NOT_XLSX_HINT)),
        None => None,
    }
}

const NOT_XLSX_HINT: &str = "save it from Excel as \"Excel Workbook (*.xlsx)\"; .xls, .csv and .ods files are not read as workbooks";

/// One problem for a file calamine cannot open.
fn unreadable(path: &str, e: &ReadError) -> Diagnostics {
    match e {
        ReadError::Password => problem(
            path,
            "the workbook is encrypted (password protected)".to_owned(),
            "save a copy without a password (File > Info > Protect Workbook > Encrypt with Password, clear it) and read that",
        ),
        other => problem(
            path,
            format!("not a valid .xlsx file ({other})"),
            NOT_XLSX_HINT,
        ),
    }
}

fn problem(path: &str, reason: String, hint: &str) -> Diagnostics {
    Diagnostics(vec![
        Diagnostic::new(path, 0, 0, format!("cannot read workbook: {reason}")).hint(hint),
    ])
}

/// The non-empty cells of a sheet, by row, each row's cells by column.
///
/// Read cell by cell, never as calamine's dense `Range`: a workbook of a few kilobytes with one
/// cell in A1 and one in XFD1048576 would make that range 17 billion cells (found building the
/// hostile corpus: 5.6 KB of xlsx took 23 GB before the kernel killed kansa).
struct SheetCells {
    rows: Vec<(u32, Vec<(u32, Data)>)>,
    /// The last column that holds a cell, plus one.
    width: u32,
    /// Formula cells saved without their value (as many libraries write them), by position.
    uncached: Vec<(u32, u32)>,
}

impl SheetCells {
    fn row(&self, row: u32) -> &[(u32, Data)] {
        match self.rows.binary_search_by_key(&row, |(r, _)| *r) {
            Ok(i) => &self.rows[i].1,
            Err(_) => &[],
        }
    }
}

fn sheet_cells(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<SheetCells, ReadError> {
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
fn sheet_table(
    path: &str,
    sheet: &str,
    cells: &SheetCells,
    limits: &Limits,
    problems: &mut Diagnostics,
) -> Option<Table> {
    let first_row = cells.rows.first()?.0;
    let width = cells.width;
    let header_row = cells
        .rows
        .iter()
        .take_while(|(r, _)| *r < first_row.saturating_add(HEADER_SEARCH_ROWS))
        .find(|(_, row)| {
            row.iter().any(|(_, v)| {
                cell_text(v).ok().as_deref().and_then(column_for_header) == Some(Column::Id)
            })
        })?
        .0;
    let data_rows = cells.rows.iter().filter(|(r, _)| *r > header_row).count();
    // Every data row becomes `width` fields: a sheet of many rows and one far-right cell would
    // still be billions of them.
    let max_cells = limits.max_cells();
    // Rows past --max-rows are not kept (reading stops there with its own error).
    let kept = data_rows.min(limits.max_rows) + 1;
    let spanned = (kept as u64).saturating_mul(u64::from(width));
    if spanned > max_cells as u64 {
        problems.push(
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
        );
        return None;
    }
    let value_at = |row: u32, col: u32| -> Option<&Data> {
        let row = cells.row(row);
        row.binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &row[i].1)
    };
    // The cell's text; an error cell, or a date cell beyond Excel's calendar, is reported
    // (under its column's header, when known) and gives Err(its code or serial number).
    let mut cell = |row: u32, col: u32, header: Option<&str>| -> Result<String, String> {
        let data = value_at(row, col);
        let value = data.map_or(Ok(String::new()), cell_text);
        let located = |message: &str| {
            Diagnostic::new(path, u64::from(row) + 1, u64::from(col) + 1, message)
                .in_sheet(Some(sheet))
        };
        let problem = if let Some(serial) = data.and_then(date_serial_outside_excel) {
            let range = crate::model::date::date_out_of_range();
            Some(
                located(&range.message)
                    .value(number(serial))
                    .hint(range.hint),
            )
        } else if let Err(code) = &value {
            Some(
                located("error value in cell")
                    .value(code.as_str())
                    .hint("replace the formula by its value, or type the value"),
            )
        } else {
            None
        };
        let Some(mut d) = problem else {
            return value;
        };
        if let Some(h) = header.filter(|h| !h.is_empty()) {
            d = d.column_name(h);
        }
        problems.push(d);
        Err(value.unwrap_or_else(|code| code))
    };
    let mut headers: Vec<String> = (0..width)
        .map(|c| cell(header_row, c, None).map_or_else(|code| code, |s| s.trim().to_owned()))
        .collect();
    let id_col = headers
        .iter()
        .position(|h| column_for_header(h) == Some(Column::Id))?;
    let mut records = Vec::new();
    // Cells over the size limit or with control characters; appended to `problems` below (the
    // `cell` closure holds it while the rows are read).
    let mut bad_cells: Vec<Diagnostic> = Vec::new();
    let mut checked = |row: u32, c: u32, text: &str| {
        let bad = table::check_cell(
            path,
            Some(sheet),
            u64::from(row) + 1,
            u64::from(c) + 1,
            text,
            limits,
        );
        let ok = bad.is_none();
        if let Some(d) = bad
            && bad_cells.len() < MAX_PROBLEMS_PER_FILE
        {
            bad_cells.push(d);
        }
        ok
    };
    for (c, h) in headers.iter().enumerate() {
        checked(header_row, c as u32, h);
    }
    let mut too_many: Option<u32> = None;
    for &(row, _) in cells.rows.iter().filter(|(r, _)| *r > header_row) {
        let mut bad_id = false;
        let mut bad_cell = false;
        let fields: Vec<String> = (0..width)
            .map(|c| {
                let text = cell(row, c, Some(&headers[c as usize])).unwrap_or_else(|_| {
                    bad_id |= c as usize == id_col;
                    String::new()
                });
                if checked(row, c, &text) {
                    text
                } else {
                    bad_cell = true;
                    String::new()
                }
            })
            .collect();
        if bad_id || bad_cell || fields.iter().all(|f| f.trim().is_empty()) {
            continue; // an error id is reported above; empty rows are Excel's leftovers
        }
        if records.len() >= limits.max_rows {
            too_many = Some(row);
            break;
        }
        records.push(Record {
            line: u64::from(row) + 1,
            fields,
        });
    }
    for &(row, col) in cells.uncached.iter().filter(|(r, _)| *r >= header_row) {
        let mut d = Diagnostic::new(
            path,
            u64::from(row) + 1,
            u64::from(col) + 1,
            "formula without a saved value",
        )
        .in_sheet(Some(sheet))
        .hint("the program that wrote the file saved the formula but not its result: open and save the file in Excel (or LibreOffice), or type the value");
        if let Some(h) = headers.get(col as usize).filter(|h| !h.is_empty()) {
            d = d.column_name(h);
        }
        problems.push(d);
    }
    problems.extend(Diagnostics(bad_cells));
    if let Some(row) = too_many {
        problems.push(
            Diagnostic::new(
                path,
                u64::from(row) + 1,
                1,
                format!("more than {} data rows", limits.max_rows),
            )
            .in_sheet(Some(sheet))
            .hint(format!(
                "split the sheet, or raise the limit with --max-rows (now {})",
                limits.max_rows
            )),
        );
    }
    // Unnamed columns without a value (a margin in column A, a spacer) are layout, not data:
    // the loader ignores them. Columns right of the last used one are dropped; those between
    // keep their place, so that column numbers stay the sheet's.
    let blank =
        |c: usize| headers[c].is_empty() && records.iter().all(|r| r.fields[c].trim().is_empty());
    let used = (0..headers.len())
        .rev()
        .find(|&c| !blank(c))
        .map_or(0, |c| c + 1);
    headers.truncate(used);
    for r in &mut records {
        r.fields.truncate(used);
    }
    Some(Table {
        sheet: Some(sheet.to_owned()),
        header_line: u64::from(header_row) + 1,
        headers,
        records,
    })
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

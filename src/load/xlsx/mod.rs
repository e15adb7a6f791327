//! Reading a filled-in workbook back as an overlay.
//!
//! This module only turns cells into strings and sheets into [`Table`]s; headers, aliases,
//! ids, dates and every message come from
//! [`overlay_from_tables`](crate::load::overlay::overlay_from_tables), so a workbook is checked
//! exactly like a CSV file.

use std::io::Cursor;
use std::panic::AssertUnwindSafe;

use calamine::{Reader, SheetVisible, Xlsx, XlsxError as ReadError};

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::overlay::check_tables;
use crate::load::table::Table;
use crate::model::limits::Limits;
use crate::model::text::human_bytes;
use crate::model::{Catalogue, Overlay};

mod sheet;

/// Re-exported for the workbook round-trip tests.
#[cfg(test)]
pub(crate) use sheet::cell_text;
use sheet::{sheet_cells, sheet_table};

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

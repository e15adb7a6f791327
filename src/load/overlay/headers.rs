//! The header row of an overlay: which known column (an answer field, the id, context) each
//! header names, with every problem of the row found in one pass.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::table::Table;
use crate::load::values::{self, Column};

/// The column each header names (`None`: a custom column), or every problem of the row.
pub(super) fn map_headers(path: &str, table: &Table) -> Result<Vec<Option<Column>>, Diagnostics> {
    let at = |col: usize, msg: &str| {
        Diagnostic::new(path, table.header_line, col as u64 + 1, msg)
            .in_sheet(table.sheet.as_deref())
    };
    let mut problems = Diagnostics::default();
    let mut columns: Vec<Option<Column>> = table
        .headers
        .iter()
        .map(|h| values::column_for_header(h))
        .collect();
    duplicate_columns(&table.headers, &columns, &at, &mut problems);
    if !columns.contains(&Some(Column::Id)) {
        problems.push(no_id_column(&table.headers, &at));
    }
    unnamed_columns(table, &mut columns, &at, &mut problems);
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// A column given twice (known by any spelling, or custom by the same name): which one's
/// values count would be a guess. One pass, however wide the row.
fn duplicate_columns(
    headers: &[String],
    columns: &[Option<Column>],
    at: &impl Fn(usize, &str) -> Diagnostic,
    problems: &mut Diagnostics,
) {
    let mut first_known: HashMap<Column, usize> = HashMap::new();
    let mut first_custom: HashMap<&str, usize> = HashMap::new();
    for (i, c) in columns.iter().enumerate() {
        let first = match c {
            Some(Column::Context) => continue,
            Some(c) => *first_known.entry(*c).or_insert(i),
            None if headers[i].is_empty() => continue,
            None => *first_custom.entry(headers[i].as_str()).or_insert(i),
        };
        if first != i {
            let means = if c.is_some() {
                "means the same"
            } else {
                "has the same name"
            };
            problems.push(
                at(i, "column given twice")
                    .column_name(&headers[i])
                    .hint(format!(
                        "column {} ({}) {means}; keep one",
                        first + 1,
                        headers[first]
                    )),
            );
        }
    }
}

/// The problem of a header row without an id column, with a hint at the likely cause.
fn no_id_column(headers: &[String], at: &impl Fn(usize, &str) -> Diagnostic) -> Diagnostic {
    let hint = match headers {
        [one] if one.contains(';') => {
            "the file is separated by semicolons (a regional Excel setting): save it as CSV with commas (Excel: \"CSV UTF-8\")"
        }
        [one] if one.contains('\t') => {
            "the file is separated by tabs: save it as CSV with commas (Excel: \"CSV UTF-8\")"
        }
        _ => "the header row needs a column named id (or 項番)",
    };
    at(0, "no id column").value(headers.join(",")).hint(hint)
}

/// An unnamed column without values is layout (a margin, a spacer, Excel's trailing commas)
/// and is ignored (marked context); an unnamed column with values would lose data, so it is an
/// error.
fn unnamed_columns(
    table: &Table,
    columns: &mut [Option<Column>],
    at: &impl Fn(usize, &str) -> Diagnostic,
    problems: &mut Diagnostics,
) {
    for (i, h) in table.headers.iter().enumerate() {
        if !h.is_empty() || columns[i].is_some() {
            continue;
        }
        if table.records.iter().all(|r| r.fields[i].trim().is_empty()) {
            columns[i] = Some(Column::Context);
        } else {
            problems.push(
                at(i, "values under an empty column header")
                    .hint("name the column (it is kept as a custom column), or delete it"),
            );
        }
    }
}

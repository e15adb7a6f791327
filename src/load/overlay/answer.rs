//! The answer cells of one overlay row, each parsed by its field's [`Kind`].

use crate::diag::{Diagnostic, Problems};
use crate::load::prefill::{self, AnswerColumn};
use crate::load::table::{Record, Table};
use crate::load::values::{self, Column};
use crate::model::date::parse_date;
use crate::model::fields::{Field, Kind, Value};
use crate::model::{Answer, BadValue};

/// The answer of `rec`, with the columns whose cells still hold what `kansa init --from`
/// pre-filled ([`crate::load::prefill`]). Bad cells are pushed to `problems` and left empty.
pub(super) fn read_answer(
    path: &str,
    table: &Table,
    rec: Record,
    columns: &[Option<Column>],
    problems: &mut Problems,
) -> (Answer, Vec<AnswerColumn>) {
    let headers = &table.headers;
    let marks_text = prefill_marks(path, table, &rec, columns, problems);
    let marks = prefill::parse_marks(&marks_text);
    let mut unchanged = Vec::new();
    let lines = field_lines(&rec);
    let line_of = |i: usize| lines.get(i).copied().unwrap_or(rec.line);
    let mut a = Answer::default();
    for (i, raw) in rec.fields.into_iter().enumerate() {
        let value = raw.trim();
        if value.is_empty() {
            continue;
        }
        let column = match columns[i] {
            None => AnswerColumn::Extra(headers[i].clone()),
            Some(Column::Id | Column::Context | Column::Prefilled) => continue,
            Some(Column::Field(f)) => AnswerColumn::Known(f),
        };
        if prefill::unchanged(&marks, &column, value) {
            unchanged.push(column.clone());
        }
        let field = match column {
            AnswerColumn::Extra(header) => {
                a.extra.push((header, text(raw)));
                continue;
            }
            AnswerColumn::Known(field) => field,
        };
        match parse_cell(field, raw) {
            Ok(v) => a.set(field, v),
            Err((bad, value)) => problems.push(
                Diagnostic::new(path, line_of(i), i as u64 + 1, bad.message)
                    .in_sheet(table.sheet.as_deref())
                    .column_name(&headers[i])
                    .value(value.trim())
                    .hint(bad.hint),
            ),
        }
    }
    (a, unchanged)
}

/// The row's `prefilled` cell (a sheet from `kansa init --from`), empty when there is none. A
/// cell that is not kansa's fingerprints is a problem: a column of the user's own that happens
/// to be called `prefilled` would otherwise be dropped without a word.
fn prefill_marks(
    path: &str,
    table: &Table,
    rec: &Record,
    columns: &[Option<Column>],
    problems: &mut Problems,
) -> String {
    let Some(i) = columns.iter().position(|c| *c == Some(Column::Prefilled)) else {
        return String::new();
    };
    let marks_text = rec.fields[i].clone();
    if !prefill::well_formed(&prefill::parse_marks(&marks_text)) {
        problems.push(
            Diagnostic::new(path, rec.field_line(i), i as u64 + 1, "not fingerprints written by kansa init")
                .in_sheet(table.sheet.as_deref())
                .column_name(&table.headers[i])
                .value(crate::model::text::excerpt(&marks_text, 60))
                .hint("this column holds kansa's marks of pre-filled cells; leave it as it is, or rename the column if it is your own"),
        );
    }
    marks_text
}

/// Where each field of `rec` starts, worked out before the text fields move out of the record;
/// empty when no field spans lines (every field is then on the record's line).
fn field_lines(rec: &Record) -> Vec<u64> {
    if rec.fields.iter().any(|f| f.contains(['\n', '\r'])) {
        (0..rec.fields.len()).map(|i| rec.field_line(i)).collect()
    } else {
        Vec::new()
    }
}

/// A non-empty cell of `field`, parsed by the field's kind; the cell is given back with the
/// problem, to quote it.
fn parse_cell(field: Field, raw: String) -> Result<Value, (BadValue, String)> {
    let value = raw.trim();
    let parsed = match field.kind() {
        Kind::Text => return Ok(Value::Text(text(raw))),
        Kind::Status => values::parse_status(value).map(Value::Status),
        Kind::Responsibility => values::parse_responsibility(value).map(Value::Responsibility),
        Kind::Risk => values::parse_risk(value).map(Value::Risk),
        Kind::Date => parse_date(value).map(Value::Date),
    };
    parsed.map_err(|bad| (bad, raw))
}

/// A text cell as kept: trimmed, with Windows line ends made `\n`. Most cells are already so
/// and are moved, not copied.
fn text(raw: String) -> String {
    let value = raw.trim();
    if value.len() == raw.len() && !value.contains('\r') {
        return raw;
    }
    value.replace("\r\n", "\n")
}

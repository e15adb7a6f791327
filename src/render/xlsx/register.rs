//! The report as a workbook (`kansa report --format xlsx`): the findings register that teams
//! track remediation in (the first sheet), a summary, and every control with every column and
//! its provenance.

use std::collections::HashMap;

use rust_xlsxwriter::{ConditionalFormatFormula, Format, FormatAlign, Workbook, Worksheet};

use super::cells::{ColumnKind, row_height};
use super::{XlsxError, properties, sheet_name};
use crate::diag::column_letters;
use crate::model::Lang;
use crate::model::Status;
use crate::model::fields::Field;
use crate::model::lang::status_label;
use crate::render::labels::Label;
use crate::render::view::{ControlView, GapColumn, Report, register_columns};

/// Columns of the identity ([`identity`]) before the answer columns of both list sheets.
const IDENTITY_COLUMNS: u16 = 6;
/// Width of the overdue flag's column.
const OVERDUE_WIDTH: f64 = 9.0;
/// Widths of the identity columns: key, id, section, major, middle, control text.
const IDENTITY_WIDTHS: [f64; IDENTITY_COLUMNS as usize] = [14.0, 9.0, 10.0, 16.0, 16.0, 50.0];

/// The gap register workbook of `report`; the file's timestamp is the report date.
pub fn gap_register(report: &Report) -> Result<Vec<u8>, XlsxError> {
    // Every control: the identity, every field, the overdue flag, each custom column and its
    // source.
    super::check_columns(
        usize::from(IDENTITY_COLUMNS) + Field::ALL.len() + 1 + 2 * report.extra_columns.len(),
        report.extra_columns.len(),
    )?;
    let mut wb = Workbook::new();
    wb.set_properties(&properties(&report.title, report.report_date));
    let l = |label: Label| label.text(report.lang);
    // The findings register comes first: it is what a team opens the workbook to work in.
    let mut taken = Vec::new();
    let register = sheet_name(l(Label::FindingsRegister), &mut taken);
    let summary = sheet_name(l(Label::Summary), &mut taken);
    let ws = streamed_sheet(&mut wb)?.set_name(register)?;
    gap_sheet(ws, report)?;
    let ws = wb.add_worksheet().set_name(&summary)?;
    super::summary::write(ws, &summary, report)?;
    let ws = streamed_sheet(&mut wb)?.set_name(sheet_name(l(Label::Details), &mut taken))?;
    all_controls_sheet(ws, report)?;
    Ok(wb.save_to_buffer()?)
}

/// A list sheet that flushes each finished row to a temporary file (rust_xlsxwriter's "low
/// memory" mode: strings still shared), so 200,000 rows never sit in memory as cells.
fn streamed_sheet(wb: &mut Workbook) -> Result<&mut Worksheet, XlsxError> {
    wb.add_worksheet_with_low_memory().map_err(|e| match e {
        rust_xlsxwriter::XlsxError::TempFileError(dir, source) => {
            XlsxError::TempFile { dir, source }
        }
        other => XlsxError::Write(other),
    })
}

/// Header, text, wrapped-text and date formats shared by the two list sheets.
struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0xDDEBF7),
            wrap: top.clone().set_text_wrap(),
            date: top.clone().set_num_format("yyyy-mm-dd"),
            text: top,
        }
    }

    fn of(&self, kind: ColumnKind) -> &Format {
        match kind {
            ColumnKind::Text => &self.text,
            ColumnKind::Wrap => &self.wrap,
            ColumnKind::Date => &self.date,
        }
    }
}

/// Columns this wide or wider hold running text, which wraps.
const WRAP_WIDTH: f64 = 16.0;

/// How a column of `width` showing `field` (if it shows an answer field) is written: a date
/// field as dates, a wide column wrapped.
fn column_kind(width: f64, field: Option<Field>) -> ColumnKind {
    match field.map(Field::kind) {
        Some(crate::model::fields::Kind::Date) => ColumnKind::Date,
        _ if width >= WRAP_WIDTH => ColumnKind::Wrap,
        _ => ColumnKind::Text,
    }
}

/// Display names of the sections, by name, as the report shows them: built once per sheet, so
/// that a catalogue with many sections does not search them all for every row.
fn section_labels(report: &Report) -> HashMap<&str, &str> {
    report
        .sections
        .iter()
        .map(|s| (s.name.as_str(), s.label.as_str()))
        .collect()
}

fn key_label(report: &Report) -> &'static str {
    match report.lang {
        Lang::Ja => "管理キー",
        Lang::En => "Key",
    }
}

/// Columns that start both list sheets: key, id, section, major, middle, control text.
fn identity<'r>(sections: &HashMap<&'r str, &'r str>, c: &'r ControlView) -> [&'r str; 6] {
    [
        &c.key,
        &c.id,
        sections
            .get(c.section.as_str())
            .copied()
            .unwrap_or(&c.section),
        &c.major,
        &c.middle,
        &c.text,
    ]
}

/// The sheet column of the `n`th answer column.
fn answer_column(n: Option<usize>) -> u16 {
    IDENTITY_COLUMNS + n.unwrap_or(0) as u16
}

fn gap_sheet(ws: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    let l = |label: Label| label.text(report.lang);
    let columns = register_columns();
    let mut headers = vec![
        key_label(report),
        l(Label::Id),
        l(Label::Section),
        l(Label::Major),
        l(Label::Middle),
        l(Label::Control),
    ];
    let mut widths = IDENTITY_WIDTHS.to_vec();
    let mut kinds: Vec<ColumnKind> = widths.iter().map(|w| column_kind(*w, None)).collect();
    for column in &columns {
        let (header, width, field) = match column {
            GapColumn::Field(f) => (f.label(report.lang), f.spec().width, Some(*f)),
            GapColumn::Overdue => (l(Label::Overdue), OVERDUE_WIDTH, None),
        };
        headers.push(header);
        widths.push(width);
        kinds.push(column_kind(width, field));
    }
    let f = Formats::new();
    let sections = section_labels(report);
    let rows = report.gaps.iter().map(|c| {
        let mut row = identity(&sections, c).to_vec();
        row.extend(columns.iter().map(|column| match column {
            GapColumn::Field(f) => c.shown(*f).unwrap_or(""),
            GapColumn::Overdue if c.overdue => l(Label::OverdueFlag),
            GapColumn::Overdue => "",
        }));
        row
    });
    let last = list_sheet(ws, &headers, (&widths, &kinds), rows, &f)?;
    super::classification_header(ws, report.document.classification.as_deref());
    if last > 0 {
        let status = columns
            .iter()
            .position(|c| *c == GapColumn::Field(Field::Status));
        let overdue = answer_column(columns.iter().position(|c| *c == GapColumn::Overdue));
        status_colours(
            ws,
            report.lang,
            last,
            answer_column(status),
            headers.len() as u16 - 1,
        )?;
        let rule = ConditionalFormatFormula::new()
            .set_rule(format!("=${}2<>\"\"", column_letters(u64::from(overdue) + 1)).as_str())
            .set_format(Format::new().set_bold().set_font_color(0x9C0006));
        // The due date and its flag.
        ws.add_conditional_format(1, overdue - 1, last, overdue, &rule)?;
    }
    Ok(())
}

/// The headers of the "every control" sheet: identity, the answer fields, overdue; then custom
/// columns, and the source of each field and custom column.
fn all_controls_headers(report: &Report) -> Vec<String> {
    let l = |label: Label| label.text(report.lang);
    let lang = report.lang;
    let mut headers: Vec<String> = [
        key_label(report),
        l(Label::Id),
        l(Label::Section),
        l(Label::Major),
        l(Label::Middle),
        l(Label::Control),
    ]
    .map(str::to_owned)
    .to_vec();
    headers.extend(Field::ALL.iter().map(|f| f.label(lang).to_owned()));
    headers.push(l(Label::Overdue).to_owned());
    headers.extend(report.extra_columns.iter().cloned());
    headers.extend(
        Field::ALL
            .iter()
            .map(|f| format!("{}: {}", l(Label::Source), f.label(lang))),
    );
    headers.extend(
        report
            .extra_columns
            .iter()
            .map(|e| format!("{}: {e}", l(Label::Source))),
    );
    headers
}

fn all_controls_sheet(ws: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    let l = |label: Label| label.text(report.lang);
    let lang = report.lang;
    let headers = all_controls_headers(report);
    // Identity, the answer fields, overdue; then custom columns and sources. Columns of 16 or
    // wider wrap.
    let mut widths = IDENTITY_WIDTHS.to_vec();
    let mut kinds: Vec<ColumnKind> = widths.iter().map(|w| column_kind(*w, None)).collect();
    for f in Field::ALL {
        widths.push(f.spec().width);
        kinds.push(column_kind(f.spec().width, Some(f)));
    }
    widths.push(OVERDUE_WIDTH);
    widths.extend(report.extra_columns.iter().map(|_| 18.0));
    widths.resize(headers.len(), 14.0);
    // Custom columns wrap; sources are short labels.
    kinds.extend(widths[kinds.len()..].iter().map(|w| column_kind(*w, None)));
    let controls = report.controls();
    let sections = section_labels(report);
    let rows = controls.map(|c| {
        let extra: Vec<_> = c.extra_by_column(&report.extra_columns).collect();
        let mut row = identity(&sections, c).to_vec();
        row.extend(Field::ALL.iter().map(|f| c.shown(*f).unwrap_or("")));
        row.push(if c.overdue { l(Label::OverdueFlag) } else { "" });
        row.extend(extra.iter().map(|e| e.map_or("", |e| e.value.as_str())));
        row.extend(Field::ALL.iter().map(|f| c.sources.get(*f).unwrap_or("")));
        row.extend(extra.iter().map(|e| e.map_or("", |e| &*e.source)));
        row
    });
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let last = list_sheet(ws, &header_refs, (&widths, &kinds), rows, &Formats::new())?;
    super::classification_header(ws, report.document.classification.as_deref());
    if last > 0 {
        let status = Field::ALL.iter().position(|f| *f == Field::Status);
        status_colours(
            ws,
            lang,
            last,
            answer_column(status),
            headers.len() as u16 - 1,
        )?;
    }
    Ok(())
}

/// Header row, rows, widths, frozen header, autofilter and print setup; returns the number of
/// rows written. Every cell is written as a string, or as a date in a date column when it is
/// one: input never becomes a formula. Rows with wrapped text get the height it needs
/// ([`row_height`]).
///
/// Rows are written as `rows` yields them and never collected: the sheets are "low memory"
/// worksheets, which flush each finished row to a temporary file, so a 200,000-control
/// register never holds its cells (or a row vector per control) in memory at once. A row's
/// height is set before its cells, while it is still the row being written.
fn list_sheet<'r>(
    ws: &mut Worksheet,
    headers: &[&str],
    (widths, kinds): (&[f64], &[ColumnKind]),
    rows: impl Iterator<Item = Vec<&'r str>>,
    f: &Formats,
) -> Result<u32, XlsxError> {
    let wrapped = |row: &[&'r str]| -> Option<f64> {
        row_height(
            row.iter()
                .zip(widths.iter().zip(kinds))
                .filter(|(_, (_, kind))| **kind == ColumnKind::Wrap)
                .map(|(text, (width, _))| (*text, *width)),
        )
    };
    if let Some(height) = row_height(headers.iter().copied().zip(widths.iter().copied())) {
        ws.set_row_height(0, height)?;
    }
    for (col, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, col as u16, super::fit_cell(h), &f.header)?;
        ws.set_column_width(col as u16, *w)?;
    }
    let mut written = 0;
    for row in rows {
        written += 1;
        if let Some(height) = wrapped(&row) {
            ws.set_row_height(written, height)?;
        }
        for (col, value) in row.iter().enumerate() {
            let kind = kinds.get(col).copied().unwrap_or(ColumnKind::Text);
            let date = (kind == ColumnKind::Date)
                .then(|| super::cells::excel_date(value))
                .flatten();
            match date {
                Some(date) => ws.write_datetime_with_format(written, col as u16, date, &f.date)?,
                None => ws.write_string_with_format(
                    written,
                    col as u16,
                    super::fit_cell(value),
                    f.of(kind),
                )?,
            };
        }
    }
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, written, headers.len() as u16 - 1)?;
    super::print_setup(ws)?;
    Ok(written)
}

/// Colour each row by its status (the text in column `status_col`).
fn status_colours(
    ws: &mut Worksheet,
    lang: Lang,
    last_row: u32,
    status_col: u16,
    last_col: u16,
) -> Result<(), XlsxError> {
    let colours = [
        (Status::NotImplemented, 0xFFC7CE),
        (Status::Partial, 0xFFEB9C),
        (Status::Planned, 0xFCE4D6),
        (Status::Unanswered, 0xEDEDED),
        (Status::Implemented, 0xC6EFCE),
        (Status::Inherited, 0xE2EFDA),
    ];
    let letter = column_letters(u64::from(status_col) + 1);
    for (status, colour) in colours {
        let label = status_label(status, lang).replace('"', "\"\"");
        let rule = ConditionalFormatFormula::new()
            .set_rule(format!("=${letter}2=\"{label}\"").as_str())
            .set_format(Format::new().set_background_color(colour));
        ws.add_conditional_format(1, 0, last_row, last_col, &rule)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Templates see each answer field's label as `labels.<key>`, taken from the field table as
    /// the register's headers are: the two cannot differ.
    #[test]
    fn every_answer_field_label_is_the_template_label() {
        for lang in [Lang::Ja, Lang::En] {
            let labels = crate::render::labels::labels(lang);
            for f in Field::ALL {
                assert_eq!(labels[f.key()], f.label(lang), "{}", f.key());
                assert!(
                    Label::from_key(f.key()).is_none(),
                    "{} defined twice",
                    f.key()
                );
            }
        }
    }
}

//! The answer workbook: a cover sheet, then one protected sheet per section in which only the
//! answer cells can be edited.

use jiff::civil::Date;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet,
};

use crate::merge::{Merged, MergedAnswer};
use crate::model::Lang;
use crate::model::fields::{Field, Kind, ValueRef};
use crate::model::lang::{responsibility_input, risk_input, status_input};
use crate::model::{Catalogue, Control, Responsibility, Risk, Status};
use crate::render::xlsx::{XlsxError, excel_date, properties, sheet_name};

/// Catalogue columns (locked) then answer columns (editable); shared with the CSV sheet so
/// both read back the same way.
fn headers(lang: Lang) -> Vec<&'static str> {
    crate::load::values::sheet_headers(lang, false)
}

/// Widths in characters of the catalogue columns (id, major, middle, text); the control text
/// is the wide one. The answer columns follow, one per [`Field`].
const CATALOGUE_WIDTHS: [f64; 4] = [9.0, 16.0, 16.0, 56.0];
/// First answer column: the answer fields follow in [`Field::ALL`] order, so a field's column
/// is its position there, never a constant of its own.
const FIRST_ANSWER: u16 = CATALOGUE_WIDTHS.len() as u16;

/// Column widths, by column: the catalogue's, then each field's ([`crate::model::fields::FieldSpec::width`]; a
/// date cell is typed into as `YYYY-MM-DD` and gets one character more).
fn widths() -> impl Iterator<Item = f64> {
    let field_width = |f: &Field| match f.kind() {
        Kind::Date => f.spec().width + 1.0,
        _ => f.spec().width,
    };
    CATALOGUE_WIDTHS
        .into_iter()
        .chain(Field::ALL.iter().map(field_width))
}

/// The column of `field` in a section sheet.
fn column_of(field: Field) -> u16 {
    let at = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
    FIRST_ANSWER + at as u16
}

/// The runs of adjacent answer columns whose fields are of `kind`, as (first, last) columns:
/// one data validation covers each run.
fn runs_of(kind: Kind) -> Vec<(u16, u16)> {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for f in Field::ALL.into_iter().filter(|f| f.kind() == kind) {
        let col = column_of(f);
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == col => *last = col,
            _ => runs.push((col, col)),
        }
    }
    runs
}
/// Empty editable columns left after the answer columns, for the user's own columns.
const SPARE_COLUMNS: u16 = 10;

/// Statuses offered in the dropdown (never "unanswered", which is the absence of an answer).
const STATUSES: [Status; 6] = [
    Status::Implemented,
    Status::Partial,
    Status::Planned,
    Status::NotImplemented,
    Status::NotApplicable,
    Status::Inherited,
];

/// The formats of the sheet, built once.
struct Formats {
    header: Format,
    locked: Format,
    answer: Format,
    date: Format,
    spare: Format,
}

impl Formats {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top).set_text_wrap();
        let answer = top
            .clone()
            .set_unlocked()
            .set_background_color(0xFFF8DC)
            .set_border(FormatBorder::Hair);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(0xDDEBF7)
                .set_border(FormatBorder::Thin),
            locked: top,
            date: answer.clone().set_num_format("yyyy-mm-dd"),
            answer,
            spare: Format::new().set_unlocked(),
        }
    }
}

/// A workbook to fill in: a cover sheet, then one sheet per section listing every control.
/// With `prefill`, the answer cells start from the merged answers (e.g. a provider's), so an
/// organisation only changes what differs. `date` stamps the cover and the file's properties.
pub fn answer_workbook(
    catalogue: &Catalogue,
    lang: Lang,
    prefill: Option<&Merged>,
    date: Date,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = catalogue_name(catalogue, lang);
    wb.set_properties(&properties(&title, date));
    let mut taken = Vec::new();
    let cover = wb.add_worksheet();
    super::cover::write(cover, catalogue, lang, prefill, date, &mut taken)?;
    let extra: &[String] = prefill.map_or(&[], |m| &m.extra_columns);
    crate::render::xlsx::check_columns(
        headers(lang).len()
            + extra.len()
            + usize::from(prefill.is_some())
            + usize::from(SPARE_COLUMNS),
        extra.len(),
    )?;
    let formats = Formats::new();
    for (section, controls) in sections(catalogue) {
        let ws = wb.add_worksheet();
        let label = catalogue.section_label(section, lang);
        ws.set_name(sheet_name(&label, &mut taken))?;
        section_sheet(ws, &controls, lang, prefill, extra, &formats)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// The catalogue's title in `lang`.
pub(super) fn catalogue_name(catalogue: &Catalogue, lang: Lang) -> String {
    match (&catalogue.meta.name_en, lang) {
        (Some(en), Lang::En) => en.clone(),
        _ => catalogue.meta.name.clone(),
    }
}

/// Controls grouped by section, sections in order of first appearance.
/// The controls of each section, grouped as the reports group them
/// ([`crate::analyse::catalogue_outline`]).
fn sections(catalogue: &Catalogue) -> Vec<(&str, Vec<&Control>)> {
    let controls = &catalogue.controls;
    crate::analyse::catalogue_outline(controls)
        .iter()
        .map(|section| {
            let members: Vec<&Control> = section
                .majors
                .iter()
                .flat_map(|m| &m.middles)
                .flat_map(|m| &m.controls)
                .map(|&i| &controls[i])
                .collect();
            (members[0].section.as_str(), members)
        })
        .collect()
}

fn section_sheet(
    ws: &mut Worksheet,
    controls: &[&Control],
    lang: Lang,
    prefill: Option<&Merged>,
    extra: &[String],
    f: &Formats,
) -> Result<(), XlsxError> {
    let last_row = controls.len() as u32;
    let extra_start = headers(lang).len() as u16;
    let last_answer = extra_start + extra.len() as u16 - 1;
    // A pre-filled sheet ends with the fingerprints of the pre-filled cells (hidden, locked),
    // so that reading it back keeps the provider's credit for them (`load::prefill`).
    let marker = prefill.map(|_| last_answer + 1);
    let last_col = marker.unwrap_or(last_answer);
    write_headers(ws, lang, extra, marker, f)?;
    let spare = last_col + 1;
    ws.set_column_range_format(spare, spare + SPARE_COLUMNS - 1, &f.spare)?;
    for (i, c) in controls.iter().enumerate() {
        let row = i as u32 + 1;
        catalogue_cells(ws, row, c, f)?;
        blank_answer_cells(ws, row, last_answer, f)?;
        let answer = prefill.and_then(|m| {
            let pos = m.catalogue.position(&c.id)?;
            m.answers.get(pos)
        });
        if let Some(a) = answer {
            prefill_row(ws, row, a, lang, extra_start, f)?;
        }
        if let (Some(col), Some(a)) = (marker, answer) {
            let marks = prefill_marks(a, lang, extra);
            ws.write_string_with_format(row, col, marks, &f.locked)?;
        }
    }
    validations(ws, last_row, lang)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    crate::render::xlsx::print_setup(ws)?;
    let options = ProtectionOptions {
        use_autofilter: true,
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::new()
    };
    ws.protect_with_options(&options);
    Ok(())
}

/// The catalogue's cells of `c` in `row` (id, 大項目, 中項目, text), locked.
fn catalogue_cells(
    ws: &mut Worksheet,
    row: u32,
    c: &Control,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, text) in [&c.id, &c.major, &c.middle, &c.text]
        .into_iter()
        .enumerate()
    {
        ws.write_string_with_format(
            row,
            col as u16,
            crate::render::xlsx::fit_cell(text),
            &f.locked,
        )?;
    }
    Ok(())
}

/// The editable answer cells of `row`, up to `last_answer`, blank: date fields formatted as
/// dates, the rest (custom columns too) as text.
fn blank_answer_cells(
    ws: &mut Worksheet,
    row: u32,
    last_answer: u16,
    f: &Formats,
) -> Result<(), XlsxError> {
    for col in FIRST_ANSWER..=last_answer {
        let field = Field::ALL.get(usize::from(col - FIRST_ANSWER));
        let format = match field.map(|f| f.kind()) {
            Some(Kind::Date) => &f.date,
            _ => &f.answer,
        };
        ws.write_blank(row, col, format)?;
    }
    Ok(())
}

/// The header row: catalogue and answer columns, the custom columns of a pre-filled sheet,
/// and its hidden column of fingerprints at `marker`.
fn write_headers(
    ws: &mut Worksheet,
    lang: Lang,
    extra: &[String],
    marker: Option<u16>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let extra_start = headers(lang).len() as u16;
    for (col, (h, w)) in headers(lang).iter().zip(widths()).enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &f.header)?;
        ws.set_column_width(col as u16, w)?;
    }
    for (i, name) in extra.iter().enumerate() {
        let col = extra_start + i as u16;
        ws.write_string_with_format(0, col, crate::render::xlsx::fit_cell(name), &f.header)?;
        ws.set_column_width(col, 20)?;
    }
    if let Some(col) = marker {
        let name = lang.pick("事前記入", "prefilled");
        ws.write_string_with_format(0, col, name, &f.header)?;
        ws.set_column_hidden(col)?;
    }
    Ok(())
}

/// Write one control's merged answer into its row; every text as a string cell.
fn prefill_row(
    ws: &mut Worksheet,
    row: u32,
    a: &MergedAnswer,
    lang: Lang,
    extra_start: u16,
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut text = |col: u16, value: Option<&str>| -> Result<(), XlsxError> {
        if let Some(v) = value {
            ws.write_string_with_format(row, col, crate::render::xlsx::fit_cell(v), &f.answer)?;
        }
        Ok(())
    };
    for (i, v) in a.extra.iter().enumerate() {
        text(extra_start + i as u16, v.as_ref().map(|v| v.value.as_str()))?;
    }
    for field in Field::ALL {
        let col = column_of(field);
        let Some(value) = a.get(field).map(|v| v.value) else {
            continue;
        };
        // A date as an Excel date (typed into a date cell), unless Excel cannot hold it.
        if let ValueRef::Date(d) = value
            && let Some(x) = excel_date(d)
        {
            ws.write_datetime_with_format(row, col, &x, &f.date)?;
            continue;
        }
        let cell = crate::workbook::sheet_cell(value, lang, str::to_owned);
        ws.write_string_with_format(row, col, crate::render::xlsx::fit_cell(&cell), &f.answer)?;
    }
    Ok(())
}

/// The fingerprints of the cells [`prefill_row`] writes, as they read back (dates as
/// `YYYY-MM-DD`, long texts cut as [`crate::render::xlsx::fit_cell`] cuts them).
fn prefill_marks(a: &MergedAnswer, lang: Lang, extra: &[String]) -> String {
    let values =
        crate::workbook::answer_values(a, lang, |s| crate::render::xlsx::fit_cell(s).into_owned());
    crate::workbook::prefill_marks(&values, &crate::workbook::answer_fields(extra))
}

/// Dropdowns for status, responsibility and risk, and date checks on due and reviewed.
fn validations(ws: &mut Worksheet, last_row: u32, lang: Lang) -> Result<(), XlsxError> {
    if last_row == 0 {
        return Ok(());
    }
    let statuses: Vec<&str> = STATUSES.iter().map(|s| status_input(*s, lang)).collect();
    let resp: Vec<&str> = Responsibility::ALL
        .iter()
        .map(|r| responsibility_input(*r, lang))
        .collect();
    let risks: Vec<&str> = Risk::ALL.iter().map(|r| risk_input(*r, lang)).collect();
    let (pick, date_msg) = match lang {
        Lang::Ja => (
            "一覧から選んでください",
            "日付を YYYY-MM-DD で入力してください",
        ),
        Lang::En => ("Choose a value from the list", "Type a date as YYYY-MM-DD"),
    };
    let list = |values: &[&str]| -> Result<DataValidation, XlsxError> {
        Ok(DataValidation::new()
            .allow_list_strings(values)?
            .set_error_message(format!("{pick}: {}", values.join(", ")))?)
    };
    for (first, last) in runs_of(Kind::Status) {
        ws.add_data_validation(1, first, last_row, last, &list(&statuses)?)?;
    }
    for (first, last) in runs_of(Kind::Responsibility) {
        ws.add_data_validation(1, first, last_row, last, &list(&resp)?)?;
    }
    for (first, last) in runs_of(Kind::Risk) {
        ws.add_data_validation(1, first, last_row, last, &list(&risks)?)?;
    }
    let (from, to) = (
        ExcelDateTime::from_ymd(1990, 1, 1)?,
        ExcelDateTime::from_ymd(2199, 12, 31)?,
    );
    let dates = DataValidation::new()
        .allow_date(DataValidationRule::Between(from, to))
        .set_input_message(date_msg)?
        .set_error_message(date_msg)?;
    for (first, last) in runs_of(Kind::Date) {
        ws.add_data_validation(1, first, last_row, last, &dates)?;
    }
    Ok(())
}

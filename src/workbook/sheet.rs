//! The answer workbook: a cover sheet, then one protected sheet per section in which only the
//! answer cells can be edited.

use jiff::civil::Date;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet,
};

use crate::merge::{Merged, MergedAnswer};
use crate::model::Lang;
use crate::model::lang::{responsibility_input, status_input};
use crate::model::{Catalogue, Control, Responsibility, Status};
use crate::render::xlsx::{XlsxError, excel_date, properties, sheet_name};

/// Catalogue columns (locked) then answer columns (editable); shared with the CSV sheet so
/// both read back the same way.
fn headers(lang: Lang) -> Vec<&'static str> {
    crate::load::values::sheet_headers(lang, false)
}

/// Column widths in characters, by column; the control text is the wide one.
const WIDTHS: [f64; 12] = [
    9.0, 16.0, 16.0, 56.0, 11.0, 10.0, 40.0, 24.0, 12.0, 12.0, 12.0, 28.0,
];
/// First answer column (status) and the two date columns.
const FIRST_ANSWER: u16 = 4;
const DUE: u16 = 9;
const REVIEWED: u16 = 10;
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
    for (col, (h, w)) in headers(lang).iter().zip(WIDTHS).enumerate() {
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
    let spare = last_col + 1;
    ws.set_column_range_format(spare, spare + SPARE_COLUMNS - 1, &f.spare)?;
    for (i, c) in controls.iter().enumerate() {
        let row = i as u32 + 1;
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
        for col in FIRST_ANSWER..=last_answer {
            let format = if col == DUE || col == REVIEWED {
                &f.date
            } else {
                &f.answer
            };
            ws.write_blank(row, col, format)?;
        }
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
    text(4, a.status.as_ref().map(|s| status_input(s.value, lang)))?;
    text(
        5,
        a.responsibility
            .as_ref()
            .map(|r| responsibility_input(r.value, lang)),
    )?;
    let value = |s: &Option<crate::merge::Sourced<String>>| s.as_ref().map(|s| s.value.clone());
    text(6, value(&a.answer).as_deref())?;
    text(7, value(&a.evidence).as_deref())?;
    text(8, value(&a.owner).as_deref())?;
    text(11, value(&a.notes).as_deref())?;
    for (i, v) in a.extra.iter().enumerate() {
        text(extra_start + i as u16, v.as_ref().map(|v| v.value.as_str()))?;
    }
    for (col, d) in [(DUE, &a.due), (REVIEWED, &a.reviewed)] {
        let Some(d) = d else { continue };
        match excel_date(d.value) {
            Some(x) => ws.write_datetime_with_format(row, col, &x, &f.date)?,
            None => ws.write_string_with_format(row, col, d.value.to_string(), &f.answer)?,
        };
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

/// Dropdowns for status and responsibility, and date checks on due and reviewed.
fn validations(ws: &mut Worksheet, last_row: u32, lang: Lang) -> Result<(), XlsxError> {
    if last_row == 0 {
        return Ok(());
    }
    let statuses: Vec<&str> = STATUSES.iter().map(|s| status_input(*s, lang)).collect();
    let resp: Vec<&str> = Responsibility::ALL
        .iter()
        .map(|r| responsibility_input(*r, lang))
        .collect();
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
    ws.add_data_validation(1, 4, last_row, 4, &list(&statuses)?)?;
    ws.add_data_validation(1, 5, last_row, 5, &list(&resp)?)?;
    let (from, to) = (
        ExcelDateTime::from_ymd(1990, 1, 1)?,
        ExcelDateTime::from_ymd(2199, 12, 31)?,
    );
    let dates = DataValidation::new()
        .allow_date(DataValidationRule::Between(from, to))
        .set_input_message(date_msg)?
        .set_error_message(date_msg)?;
    ws.add_data_validation(1, DUE, last_row, REVIEWED, &dates)?;
    Ok(())
}

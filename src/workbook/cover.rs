//! The cover sheet of the answer workbook: what the catalogue is, how to fill the sheets in,
//! and the values the dropdowns allow. It has no id column, so reading skips it.

use jiff::civil::Date;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet};

use super::sheet::catalogue_name;
use crate::merge::Merged;
use crate::model::Lang;
use crate::model::lang::{responsibility_input, risk_input, status_input};
use crate::model::lang::{responsibility_label, risk_label, status_label};
use crate::model::{Catalogue, Responsibility, Risk, Status};
use crate::render::xlsx::{XlsxError, fit_cell, print_setup, sheet_name};

/// Fixed texts of the cover, per language.
struct Texts {
    sheet: &'static str,
    edition: &'static str,
    publisher: &'static str,
    date: &'static str,
    controls: &'static str,
    prefilled: &'static str,
    how: &'static str,
    steps: [&'static str; 5],
    statuses: &'static str,
    responsibilities: &'static str,
    risks: &'static str,
    copyright: &'static str,
}

fn texts(lang: Lang) -> Texts {
    match lang {
        Lang::Ja => Texts {
            sheet: "表紙",
            edition: "版",
            publisher: "発行者",
            date: "作成日",
            controls: "対策項目数",
            prefilled: "事前入力の出典",
            how: "記入方法",
            steps: [
                "区分ごとのシートに全対策項目があります。黄色のセル(対応状況〜備考)だけが編集できます。",
                "対応状況・責任区分・リスクは一覧から選んでください(下表)。期限と確認日は日付(YYYY-MM-DD)で入力します。",
                "独自の列は備考の右の空き列に追加できます。1行目に列名を書いてください。",
                "項番は変更しないでください。行の並べ替えや削除は不要です(空欄は未回答として扱われます)。",
                "記入後: kansa report --answers このファイル.xlsx で読み込み、誤りはセル番地付きで表示されます。",
            ],
            statuses: "対応状況",
            responsibilities: "責任区分",
            risks: "リスク",
            copyright: "著作権",
        },
        Lang::En => Texts {
            sheet: "Cover",
            edition: "Edition",
            publisher: "Publisher",
            date: "Created",
            controls: "Controls",
            prefilled: "Pre-filled from",
            how: "How to fill in this workbook",
            steps: [
                "Each section has its own sheet listing every control. Only the yellow cells (status to notes) can be edited.",
                "Pick status, responsibility and risk from the dropdown (values below). Type due and reviewed as dates (YYYY-MM-DD).",
                "Add your own columns in the empty columns right of notes; put the column name in row 1.",
                "Do not change the ids. Rows need not be sorted or deleted: empty answers count as unanswered.",
                "Then: kansa report --answers this-file.xlsx reads it back; problems are shown with their cell.",
            ],
            statuses: "Status",
            responsibilities: "Responsibility",
            risks: "Risk",
            copyright: "Copyright",
        },
    }
}

/// Fill the cover sheet (the first sheet) and name it.
pub(super) fn write(
    ws: &mut Worksheet,
    catalogue: &Catalogue,
    lang: Lang,
    prefill: Option<&Merged>,
    date: Date,
    taken: &mut Vec<String>,
) -> Result<(), XlsxError> {
    let t = texts(lang);
    ws.set_name(sheet_name(t.sheet, taken))?;
    let title = Format::new().set_bold().set_font_size(14);
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(0, 0, fit_cell(&catalogue_name(catalogue, lang)), &title)?;
    let mut rows = CoverRows::new(ws, 2);
    for (label, value) in facts(catalogue, &t, lang, prefill, date) {
        rows.label(label)?;
        rows.value(value)?;
    }
    rows.skip();
    rows.label(t.how)?;
    for (i, step) in t.steps.iter().enumerate() {
        rows.value(format!("{}. {step}", i + 1))?;
    }
    allowed_values(&mut rows, &t, lang)?;
    let copyright = &catalogue.meta.copyright;
    if !copyright.is_empty() {
        rows.skip();
        rows.label(t.copyright)?;
        rows.value(fit_cell(copyright).into_owned())?;
    }
    print_setup(ws)?;
    ws.set_print_fit_to_pages(1, 1);
    Ok(())
}

/// The cover's rows below the title, written top to bottom: a label in column A, beside the
/// first of its values in column B, one value a row.
struct CoverRows<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    bold: Format,
    wrap: Format,
}

impl<'a> CoverRows<'a> {
    /// Rows from `row` (0-based) down.
    fn new(ws: &'a mut Worksheet, row: u32) -> Self {
        CoverRows {
            ws,
            row,
            bold: Format::new().set_bold().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    /// A label in column A of the current row.
    fn label(&mut self, label: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(self.row, 0, label, &self.bold)?;
        Ok(())
    }

    /// A value in column B of the current row, then on to the next row.
    fn value(&mut self, value: String) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(self.row, 1, value, &self.wrap)?;
        self.row += 1;
        Ok(())
    }

    /// An empty row between blocks.
    fn skip(&mut self) {
        self.row += 1;
    }
}

/// What the workbook is about: edition, publisher, date, number of controls, and the overlays
/// it was pre-filled from (if any), as (label, value).
fn facts(
    catalogue: &Catalogue,
    t: &Texts,
    lang: Lang,
    prefill: Option<&Merged>,
    date: Date,
) -> Vec<(&'static str, String)> {
    let meta = &catalogue.meta;
    let publisher = match (&meta.publisher_en, lang) {
        (Some(en), Lang::En) => en.as_str(),
        _ => meta.publisher.as_str(),
    };
    let mut rows: Vec<(&str, String)> = vec![
        (t.edition, meta.edition.clone()),
        (t.publisher, publisher.to_owned()),
        (t.date, date.to_string()),
        (t.controls, catalogue.controls.len().to_string()),
    ];
    if let Some(m) = prefill.filter(|m| !m.overlays.is_empty()) {
        let labels: Vec<&str> = m.overlays.iter().map(|o| o.label.as_str()).collect();
        rows.push((t.prefilled, labels.join(", ")));
    }
    rows
}

/// The values the status, responsibility and risk dropdowns allow, each as typed in `lang` with its
/// meaning in both languages.
fn allowed_values(rows: &mut CoverRows, t: &Texts, lang: Lang) -> Result<(), XlsxError> {
    rows.skip();
    rows.label(t.statuses)?;
    let statuses = Status::ALL.iter().filter(|s| **s != Status::Unanswered);
    for s in statuses {
        let meaning = format!(
            "{} / {}",
            status_label(*s, Lang::Ja),
            status_label(*s, Lang::En)
        );
        rows.value(format!("{} — {meaning}", status_input(*s, lang)))?;
    }
    rows.skip();
    rows.label(t.responsibilities)?;
    for r in Responsibility::ALL {
        let shown = responsibility_input(r, lang);
        let meaning = format!(
            "{} / {}",
            responsibility_label(Some(r), Lang::Ja),
            responsibility_label(Some(r), Lang::En)
        );
        rows.value(format!("{shown} — {meaning}"))?;
    }
    rows.skip();
    rows.label(t.risks)?;
    for r in Risk::ALL {
        let meaning = format!("{} / {}", risk_label(r, Lang::Ja), risk_label(r, Lang::En));
        rows.value(format!("{} — {meaning}", risk_input(r, lang)))?;
    }
    Ok(())
}

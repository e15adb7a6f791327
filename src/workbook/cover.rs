//! The cover sheet of the answer workbook: what the catalogue is, how to fill the sheets in,
//! and the values the dropdowns allow. It has no id column, so reading skips it.

use jiff::civil::Date;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet};

use super::sheet::catalogue_name;
use crate::merge::Merged;
use crate::model::Lang;
use crate::model::lang::{responsibility_input, status_input};
use crate::model::lang::{responsibility_label, status_label};
use crate::model::{Catalogue, Responsibility, Status};
use crate::render::xlsx::{XlsxError, sheet_name};

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
                "対応状況と責任区分は一覧から選んでください(下表)。期限と確認日は日付(YYYY-MM-DD)で入力します。",
                "独自の列は備考の右の空き列に追加できます。1行目に列名を書いてください。",
                "項番は変更しないでください。行の並べ替えや削除は不要です(空欄は未回答として扱われます)。",
                "記入後: kansa report --answers このファイル.xlsx で読み込み、誤りはセル番地付きで表示されます。",
            ],
            statuses: "対応状況",
            responsibilities: "責任区分",
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
                "Pick status and responsibility from the dropdown (values below). Type due and reviewed as dates (YYYY-MM-DD).",
                "Add your own columns in the empty columns right of notes; put the column name in row 1.",
                "Do not change the ids. Rows need not be sorted or deleted: empty answers count as unanswered.",
                "Then: kansa report --answers this-file.xlsx reads it back; problems are shown with their cell.",
            ],
            statuses: "Status",
            responsibilities: "Responsibility",
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
    let bold = Format::new().set_bold().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(
        0,
        0,
        crate::render::xlsx::fit_cell(&catalogue_name(catalogue, lang)),
        &title,
    )?;
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
    let mut row = 2;
    for (label, value) in rows {
        ws.write_string_with_format(row, 0, label, &bold)?;
        ws.write_string_with_format(row, 1, value, &wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, t.how, &bold)?;
    for (i, step) in t.steps.iter().enumerate() {
        ws.write_string_with_format(row, 1, format!("{}. {step}", i + 1), &wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, t.statuses, &bold)?;
    let statuses = Status::ALL.iter().filter(|s| **s != Status::Unanswered);
    for s in statuses {
        let meaning = format!(
            "{} / {}",
            status_label(*s, Lang::Ja),
            status_label(*s, Lang::En)
        );
        ws.write_string_with_format(
            row,
            1,
            format!("{} — {meaning}", status_input(*s, lang)),
            &wrap,
        )?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, t.responsibilities, &bold)?;
    for r in Responsibility::ALL {
        let shown = responsibility_input(r, lang);
        let meaning = format!(
            "{} / {}",
            responsibility_label(Some(r), Lang::Ja),
            responsibility_label(Some(r), Lang::En)
        );
        ws.write_string_with_format(row, 1, format!("{shown} — {meaning}"), &wrap)?;
        row += 1;
    }
    if !meta.copyright.is_empty() {
        row += 1;
        ws.write_string_with_format(row, 0, t.copyright, &bold)?;
        ws.write_string_with_format(
            row,
            1,
            crate::render::xlsx::fit_cell(&meta.copyright),
            &wrap,
        )?;
    }
    crate::render::xlsx::print_setup(ws)?;
    ws.set_print_fit_to_pages(1, 1);
    Ok(())
}

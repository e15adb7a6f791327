//! Blank answer sheets and catalogue listings.

use crate::model::Catalogue;
use crate::render::Lang;

/// Headers of the sheet: catalogue context columns (ignored when read back) then answer columns.
fn headers(lang: Lang) -> [&'static str; 13] {
    match lang {
        Lang::Ja => [
            "項番",
            "区分",
            "基準大項目",
            "中項目",
            "小項目",
            "対応状況",
            "責任区分",
            "回答",
            "証跡",
            "担当",
            "期限",
            "確認日",
            "備考",
        ],
        Lang::En => [
            "id",
            "section",
            "major",
            "middle",
            "text",
            "status",
            "responsibility",
            "answer",
            "evidence",
            "owner",
            "due",
            "reviewed",
            "notes",
        ],
    }
}

/// Excel runs a cell that starts with `= + - @` (or a tab / carriage return) as a formula;
/// a leading apostrophe makes it text.
pub fn neutralise_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A blank answer sheet: UTF-8 with BOM and CRLF, as Excel expects, one row per control.
pub fn answer_sheet(catalogue: &Catalogue, lang: Lang) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::from("\u{FEFF}".as_bytes()));
    let en = lang == Lang::En;
    // Writing to a Vec cannot fail.
    let _ = w.write_record(headers(lang));
    for c in &catalogue.controls {
        let section = catalogue.section_label(&c.section, en);
        let row = [&c.id, &section, &c.major, &c.middle, &c.text].map(|s| neutralise_formula(s));
        let _ = w.write_record(row.iter().map(String::as_str).chain([""; 8]));
    }
    w.into_inner().unwrap_or_default()
}

/// Plain-text listing for `kansa catalogue show`.
pub fn catalogue_listing(c: &Catalogue) -> String {
    let m = &c.meta;
    let mut out = format!(
        "{}\n{}\n{} {}\n{}\n{}\n\n",
        m.id, m.name, m.publisher, m.edition, m.source, m.copyright
    );
    let mut last = (String::new(), String::new(), String::new());
    for ctl in &c.controls {
        let key = (ctl.section.clone(), ctl.major.clone(), ctl.middle.clone());
        if key != last {
            out.push_str(&format!("# {} / {} / {}\n", key.0, key.1, key.2));
            last = key;
        }
        out.push_str(&format!("{}\t{}\n", ctl.id, ctl.text));
    }
    out.push_str(&format!("\n{} controls\n", c.controls.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise_formula("=1+1"), "'=1+1");
        assert_eq!(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise_formula("設1"), "設1");
    }
}

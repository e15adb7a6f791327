//! Blank answer sheets and catalogue listings.

use crate::load::prefill::{self, AnswerColumn};
use crate::merge::{Merged, MergedAnswer};
use crate::model::Catalogue;
use crate::model::Lang;
use crate::model::fields::{Field, ValueRef};
use crate::model::lang::{responsibility_input, risk_input, status_input};

use crate::model::text::neutralise_formula;

/// An answer sheet: UTF-8 with BOM and CRLF, as Excel expects, one row per control; answer
/// cells pre-filled from `prefill` (e.g. the provider's overlay) when given.
pub fn answer_sheet(catalogue: &Catalogue, lang: Lang, prefill: Option<&Merged>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::from("\u{FEFF}".as_bytes()));
    let extra_columns = prefill.map_or(&[][..], |m| m.extra_columns.as_slice());
    let marker = prefill.map(|_| lang.pick("事前記入", "prefilled"));
    let header = crate::load::values::sheet_headers(lang, true)
        .into_iter()
        .map(str::to_owned)
        .chain(extra_columns.iter().cloned())
        .chain(marker.map(str::to_owned));
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header.map(|h| neutralise_formula(&h)));
    for (i, c) in catalogue.controls.iter().enumerate() {
        let section = catalogue.section_label(&c.section, lang);
        let mut row: Vec<String> = [&c.id, &section, &c.major, &c.middle, &c.text]
            .iter()
            .map(|s| s.to_string())
            .collect();
        match prefill.map(|m| &m.answers[i]) {
            Some(a) => {
                row.extend(answer_values(a, lang, str::to_owned));
                row.push(prefill_marks(&row[5..], &answer_fields(extra_columns)));
            }
            None => row.extend(std::iter::repeat_n(String::new(), Field::ALL.len())),
        }
        let _ = w.write_record(row.iter().map(|s| neutralise_formula(s)));
    }
    w.into_inner().unwrap_or_default()
}

/// The answer cells of a pre-filled row as the sheet holds them, in [`answer_fields`] order:
/// each field as [`sheet_cell`] writes it, then the custom columns shaped by `fit`.
pub(crate) fn answer_values(
    a: &MergedAnswer,
    lang: Lang,
    fit: impl Fn(&str) -> String,
) -> Vec<String> {
    let known = Field::ALL.iter().map(|f| {
        a.get(*f)
            .map(|v| sheet_cell(v.value, lang, &fit))
            .unwrap_or_default()
    });
    let extra = a
        .extra
        .iter()
        .map(|v| v.as_ref().map(|v| fit(&v.value)).unwrap_or_default());
    known.chain(extra).collect()
}

/// A value as an answer sheet holds it: status and responsibility as typed in `lang` (they
/// read back), dates as `YYYY-MM-DD`, texts shaped by `fit` (the workbook cuts what Excel
/// cannot hold).
pub(crate) fn sheet_cell(value: ValueRef<'_>, lang: Lang, fit: impl Fn(&str) -> String) -> String {
    match value {
        ValueRef::Status(s) => status_input(s, lang).to_owned(),
        ValueRef::Responsibility(r) => responsibility_input(r, lang).to_owned(),
        ValueRef::Risk(r) => risk_input(r, lang).to_owned(),
        ValueRef::Text(t) => fit(t),
        ValueRef::Date(d) => d.to_string(),
    }
}

/// The fields of the answer columns of a sheet, in order: the known ones, then the custom ones.
pub(crate) fn answer_fields(extra_columns: &[String]) -> Vec<AnswerColumn> {
    Field::ALL
        .into_iter()
        .map(AnswerColumn::Known)
        .chain(extra_columns.iter().cloned().map(AnswerColumn::Extra))
        .collect()
}

/// The `prefilled` cell of a row whose answer cells (by `fields`) hold `values`: a fingerprint
/// of each non-empty one, so that reading the sheet back can tell them from the organisation's
/// own (see [`crate::load::prefill`]).
pub(crate) fn prefill_marks(values: &[String], fields: &[AnswerColumn]) -> String {
    let marks: Vec<String> = values
        .iter()
        .zip(fields)
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, f)| prefill::mark(f, v))
        .collect();
    prefill::marks_cell(&marks)
}

/// Plain-text listing for `kansa catalogue show`.
pub fn catalogue_listing(c: &Catalogue) -> String {
    // Invisible and bidi characters are shown as `[U+202E]`, as every report shows them: raw,
    // they would reorder or hide text on the terminal.
    let v = crate::model::text::visible;
    let m = &c.meta;
    let mut out = format!(
        "{}\n{}\n{} {}\n{}\n{}\n\n",
        v(&m.id),
        v(&m.name),
        v(&m.publisher),
        v(&m.edition),
        v(&m.source),
        v(&m.copyright)
    );
    // Grouped as the reports group: one heading per distinct 中項目, however the rows interleave.
    for section in crate::analyse::catalogue_outline(&c.controls) {
        for major in &section.majors {
            for middle in &major.middles {
                out.push_str(&format!(
                    "# {} / {} / {}\n",
                    v(&section.name),
                    v(&major.name),
                    v(&middle.name)
                ));
                for &i in &middle.controls {
                    let ctl = &c.controls[i];
                    out.push_str(&format!("{}\t{}\n", v(&ctl.id), v(&ctl.text)));
                }
            }
        }
    }
    out.push_str(&format!("\n{} controls\n", c.controls.len()));
    out
}

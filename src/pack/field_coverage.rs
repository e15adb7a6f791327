//! Every answer field of [`Field::ALL`] reaches every consumer: read from a file, merged with
//! its provenance, in the view and its JSON, in the answer sheets `kansa init` writes, in both
//! exports and in the gap register. A field added to `model::fields` that a consumer forgets
//! fails here (pack is the highest stage that sees them all).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jiff::civil::date;

use crate::load::values::sheet_headers;
use crate::load::{EncodingChoice, parse_overlay};
use crate::model::fields::{Field, Kind};
use crate::model::{Catalogue, CatalogueMeta, Control, Lang};
use crate::pack::exports::{answers_merged_csv, gaps_csv};
use crate::render::view::{Report, ReportOptions, build};
use crate::render::xlsx::gap_register;
use crate::workbook::{answer_sheet, answer_workbook};

/// The overlay every field's cell comes from, and its provenance label.
const OVERLAY: &str = "o.csv";

/// A cell of `field`, as typed and as exports write it back.
fn sample(field: Field) -> String {
    match field.kind() {
        Kind::Status => "partial".to_owned(),
        Kind::Responsibility => "shared".to_owned(),
        Kind::Risk => "high".to_owned(),
        Kind::Text => format!("{} of A1", field.key()),
        Kind::Date => "2026-03-31".to_owned(),
    }
}

fn catalogue() -> Catalogue {
    let control = Control {
        id: "A1".into(),
        section: "s".into(),
        major: "m".into(),
        middle: "n".into(),
        text: "t".into(),
        extra: vec![],
    };
    let meta = CatalogueMeta {
        id: "cat".into(),
        ..Default::default()
    };
    Catalogue::new(meta, vec![control])
}

/// The report of one control answered in every field (a gap: its status is partial).
fn report(cat: &Catalogue, lang: Lang) -> Report {
    let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
    let cells: Vec<String> = Field::ALL.into_iter().map(sample).collect();
    let csv = format!("id,{}\nA1,{}\n", keys.join(","), cells.join(","));
    let overlay = parse_overlay(OVERLAY, csv.as_bytes(), EncodingChoice::Auto, cat).unwrap();
    let analysis = crate::analyse::analyse(crate::merge::merge(cat, &[overlay]), date(2026, 2, 1));
    let options = ReportOptions {
        lang,
        ..Default::default()
    };
    build(&analysis, &options)
}

/// Header and first row of a CSV export (after its byte-order mark).
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<String>) {
    let text = std::str::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{FEFF}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let row = r.records().next().unwrap().unwrap();
    (header, row.iter().map(str::to_owned).collect())
}

/// The header row of sheet `index` of a workbook.
fn sheet_header(bytes: &[u8], index: usize) -> Vec<String> {
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let name = x.sheet_names()[index].clone();
    let range = x.worksheet_range(&name).unwrap();
    let first = range.rows().next().unwrap();
    first.iter().map(Data::to_string).collect()
}

/// The value of `column` in a CSV export's row.
fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> Option<&'a str> {
    let at = header.iter().position(|h| h == column)?;
    row.get(at).map(String::as_str)
}

#[test]
fn every_field_reaches_the_view_with_its_source() {
    let cat = catalogue();
    let r = report(&cat, Lang::En);
    let c = &r.gaps[0];
    let json = serde_json::to_value(&**c).unwrap();
    for f in Field::ALL {
        assert_eq!(c.value(f), Some(sample(f).as_str()), "{f:?}: value");
        assert!(c.shown(f).is_some(), "{f:?}: shown");
        assert_eq!(c.sources.get(f), Some(OVERLAY), "{f:?}: source");
        assert_eq!(json["sources"][f.key()], OVERLAY, "{f:?}: JSON source");
        if matches!(f.kind(), Kind::Text | Kind::Date) {
            assert_eq!(json[f.key()], sample(f), "{f:?}: JSON value");
        }
    }
}

#[test]
fn every_field_is_a_column_of_the_answer_sheets() {
    let cat = catalogue();
    for lang in [Lang::Ja, Lang::En] {
        let headers = sheet_headers(lang, true);
        let csv = answer_sheet(&cat, lang, None);
        let (csv_header, _) = csv_rows(&csv);
        let workbook = answer_workbook(&cat, lang, None, date(2026, 2, 1)).unwrap();
        let section_sheet = sheet_header(&workbook, 1);
        for f in Field::ALL {
            let h = f.header(lang).to_owned();
            assert!(
                headers.contains(&f.header(lang)),
                "{f:?} {lang:?}: sheet headers"
            );
            assert!(csv_header.contains(&h), "{f:?} {lang:?}: CSV answer sheet");
            assert!(
                section_sheet.contains(&h),
                "{f:?} {lang:?}: answer workbook"
            );
        }
    }
}

#[test]
fn every_field_is_a_column_of_the_exports() {
    let cat = catalogue();
    let r = report(&cat, Lang::En);
    let (header, row) = csv_rows(&answers_merged_csv(&r));
    let (gap_header, gap_row) = csv_rows(&gaps_csv(&r));
    for f in Field::ALL {
        let value = sample(f);
        let source = format!("{}_source", f.key());
        assert_eq!(cell(&header, &row, f.key()), Some(value.as_str()), "{f:?}");
        assert_eq!(cell(&header, &row, &source), Some(OVERLAY), "{f:?}");
        let in_gap_list = cell(&gap_header, &gap_row, f.key());
        match f.spec().gap_list {
            Some(_) => assert_eq!(in_gap_list, Some(value.as_str()), "{f:?}: gaps.csv"),
            None => assert_eq!(in_gap_list, None, "{f:?}: not in gaps.csv"),
        }
    }
}

#[test]
fn every_field_is_a_column_of_the_gap_register() {
    let cat = catalogue();
    for lang in [Lang::Ja, Lang::En] {
        let r = report(&cat, lang);
        let bytes = gap_register(&r).unwrap();
        let gap_sheet = sheet_header(&bytes, 0);
        let all = sheet_header(&bytes, 2);
        for f in Field::ALL {
            let label = f.label(lang).to_owned();
            assert!(all.contains(&label), "{f:?} {lang:?}: every control");
            let source = all.iter().any(|h| h.ends_with(&format!(": {label}")));
            assert!(source, "{f:?} {lang:?}: source column");
            let in_gaps = gap_sheet.contains(&label);
            assert_eq!(
                in_gaps,
                f.spec().gap_list.is_some(),
                "{f:?} {lang:?}: gap sheet"
            );
        }
    }
}

/// The table's labels are those the templates see as `labels.<key>`.
#[test]
fn field_labels_match_the_template_labels() {
    for lang in [Lang::Ja, Lang::En] {
        let labels = crate::render::labels::labels(lang);
        for f in Field::ALL {
            assert_eq!(labels[f.key()], f.label(lang), "{f:?} {lang:?}");
        }
    }
}

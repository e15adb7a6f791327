//! The CSV exports of a report, `gaps.csv` and `answers-merged.csv`: a pack writes them beside
//! the reports, and the PDF embeds `gaps.csv` (PDF/A-3 associated file, issue 14), so they
//! are rendered here, below both (`pack::exports` re-exports them).

use crate::model::fields::Field;
use crate::model::text::neutralise_formula;
use crate::render::view::{ControlView, GapColumn, Report, gap_columns};

/// CSV for Excel: UTF-8 with BOM, CRLF, every cell that Excel would run as a formula made text.
fn excel_csv(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::from("\u{FEFF}".as_bytes()));
    let clean = |cells: Vec<String>| -> Vec<String> {
        cells.iter().map(|c| neutralise_formula(c)).collect()
    };
    // Writing into a Vec cannot fail.
    let _ = w.write_record(clean(header.to_vec()));
    for row in rows {
        let _ = w.write_record(clean(row));
    }
    w.into_inner().unwrap_or_default()
}

/// The leading columns of both exports: the stable key and what the catalogue says.
const CATALOGUE_COLUMNS: [&str; 6] = ["key", "id", "section", "major", "middle", "text"];

fn catalogue_cells(c: &ControlView) -> Vec<String> {
    [&c.key, &c.id, &c.section, &c.major, &c.middle, &c.text]
        .map(|s| s.clone())
        .to_vec()
}

fn extra_cells(c: &ControlView, columns: &[String]) -> Vec<String> {
    c.extra_by_column(columns)
        .map(|x| x.map(|x| x.value.clone()).unwrap_or_default())
        .collect()
}

/// `gaps.csv`: one row per gap, in the findings register's order, with its stable key: the
/// gap list's fields (the status and the risk also as their labels), the overdue flag, then
/// the custom columns. Columns added later come after the earlier ones (finding, plan, risk,
/// risk_label, reviewed after notes), so readers that know the old columns by position still
/// work. An empty cell is a value not given (a finding not written: the documents say 未記入).
pub fn gaps_csv(report: &Report) -> Vec<u8> {
    let columns = gap_columns();
    let mut header: Vec<String> = CATALOGUE_COLUMNS.map(String::from).to_vec();
    for column in &columns {
        match column {
            GapColumn::Field(Field::Status) => {
                header.extend(["status", "status_label"].map(String::from))
            }
            GapColumn::Field(Field::Risk) => {
                header.extend(["risk", "risk_label"].map(String::from))
            }
            GapColumn::Field(f) => header.push(f.key().to_owned()),
            GapColumn::Overdue => header.push("overdue".to_owned()),
        }
    }
    header.extend(report.extra_columns.iter().cloned());
    let rows = report.gaps.iter().map(|c| {
        let mut row = catalogue_cells(c);
        for column in &columns {
            match column {
                GapColumn::Field(Field::Status) => {
                    row.extend([c.status.code(), c.status_label].map(String::from));
                }
                GapColumn::Field(Field::Risk) => {
                    row.extend([c.risk, c.risk_label].map(|s| s.unwrap_or("").to_owned()));
                }
                GapColumn::Field(f) => row.push(c.value(*f).unwrap_or("").to_owned()),
                GapColumn::Overdue => row.push(if c.overdue { "yes" } else { "" }.to_owned()),
            }
        }
        row.extend(extra_cells(c, &report.extra_columns));
        row
    });
    excel_csv(&header, rows)
}

/// `answers-merged.csv`: every control with every column, custom ones included, and where each
/// answer field came from (`<field>_source`).
pub fn answers_merged_csv(report: &Report) -> Vec<u8> {
    let mut header: Vec<String> = CATALOGUE_COLUMNS.map(String::from).to_vec();
    header.extend(Field::ALL.iter().map(|f| f.key().to_owned()));
    header.extend(report.extra_columns.iter().cloned());
    header.extend(Field::ALL.iter().map(|f| format!("{}_source", f.key())));
    let rows = report.controls().map(|c| {
        let mut row = catalogue_cells(c);
        row.extend(
            Field::ALL
                .iter()
                .map(|f| c.value(*f).unwrap_or("").to_owned()),
        );
        row.extend(extra_cells(c, &report.extra_columns));
        row.extend(
            Field::ALL
                .iter()
                .map(|f| c.sources.get(*f).unwrap_or("").to_owned()),
        );
        row
    });
    excel_csv(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_neutralised_and_bom_prefixed() {
        let out = excel_csv(
            &["a".into()],
            [vec!["=1+1".to_owned()], vec!["-2".to_owned()]].into_iter(),
        );
        assert_eq!(out, "\u{FEFF}a\r\n'=1+1\r\n'-2\r\n".as_bytes());
    }
}

//! Files a pack carries besides the reports: spreadsheets for Excel users and one ticket per gap.

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

/// The most bytes of an id kept in a ticket's file name: 80 characters of 3 bytes (kanji) are
/// kept whole, and `gap-` + stem + `-<n>` + `.md` stays under 255 bytes up to n = 9,999,999.
const MAX_STEM_BYTES: usize = 240;

/// A file name from an id that cannot escape its directory or collide with a device name:
/// letters, digits, `-` and `_` only, at most 80 characters and `MAX_STEM_BYTES` bytes, so
/// `gap-<stem>-<n>.md` fits the 255 bytes of a file name even for ids of 4-byte characters.
pub fn safe_file_stem(raw: &str) -> String {
    let mut stem = String::new();
    let safe = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80);
    for c in safe {
        if stem.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        stem.push(c);
    }
    if stem.is_empty() || stem.chars().all(|c| c == '_') {
        stem = format!("gap{stem}");
    }
    format!("gap-{stem}")
}

/// A name as a case-insensitive file system compares it (APFS, NTFS): lower case, and the
/// composed Unicode form, so `é` written as `e` + U+0301 is the same name as `é`.
pub fn folded(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase()
}

/// Ticket file names for the gaps, unique even when two ids sanitise alike or differ only by
/// case (`A1` and `a1` would be one file on macOS and Windows): the first keeps its name, later
/// ones get `-2`, `-3`, ... in report order, skipping any name already taken, so the result is
/// the same on every run and every file system.
pub fn ticket_names(report: &Report) -> Vec<(String, &ControlView)> {
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    report
        .gaps
        .iter()
        .map(|c| {
            let stem = safe_file_stem(&c.id);
            let mut name = format!("{stem}.md");
            let mut n = 1;
            while !taken.insert(folded(&name)) {
                n += 1;
                name = format!("{stem}-{n}.md");
            }
            (name, &**c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_stay_inside_the_directory() {
        for raw in [
            "../../etc/passwd",
            "/abs",
            "CON",
            "a\\b",
            "..",
            "設83-1",
            "x\0y",
        ] {
            let stem = safe_file_stem(raw);
            assert!(stem.starts_with("gap-"), "{stem}");
            assert!(!stem.contains(['/', '\\', '.', '\0']), "{raw:?} → {stem}");
        }
        assert_eq!(safe_file_stem("設83-1"), "gap-設83-1");
    }

    /// Regression (A11): ids of 80 characters of 4 bytes (U+20000) gave a 324-byte file name.
    #[test]
    fn stems_fit_a_file_name_in_bytes() {
        let kanji = "\u{8a2d}".repeat(80);
        assert_eq!(safe_file_stem(&kanji), format!("gap-{kanji}"), "kept whole");
        let wide = safe_file_stem(&"\u{20000}".repeat(80));
        assert_eq!(wide, format!("gap-{}", "\u{20000}".repeat(60)));
        assert!(format!("{wide}-9999999.md").len() <= 255);
        assert_eq!(safe_file_stem(&"x".repeat(100)).len(), 84);
    }

    #[test]
    fn folding_ignores_case_and_composition() {
        assert_eq!(folded("Gap-A1.md"), folded("gap-a1.md"));
        assert_eq!(folded("caf\u{e9}"), folded("CAFE\u{301}"));
        assert_ne!(folded("a1"), folded("a2"));
    }

    #[test]
    fn csv_cells_are_neutralised_and_bom_prefixed() {
        let out = excel_csv(
            &["a".into()],
            [vec!["=1+1".to_owned()], vec!["-2".to_owned()]].into_iter(),
        );
        assert_eq!(out, "\u{FEFF}a\r\n'=1+1\r\n'-2\r\n".as_bytes());
    }
}

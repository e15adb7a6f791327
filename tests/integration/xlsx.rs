//! The report workbook as a team works in it: the findings register is the first sheet, in the
//! register's order and columns; 期限 and 確認日 are Excel dates; rows with wrapped text are tall
//! enough to show it (within Excel's limit).

use std::io::Read;
use std::path::Path;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};

use crate::{EXAMPLE_ANSWERS, example_report, kansa, outcome};

/// Excel's tallest row as kansa writes it, in points.
const MAX_ROW_HEIGHT: f64 = 408.75;

/// The example report as xlsx in `lang`, written to `dir`.
fn example_xlsx(dir: &Path, lang: &str) -> std::path::PathBuf {
    let file = dir.join(format!("report-{lang}.xlsx"));
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "--lang", lang, "-o"])
        .arg(&file)
        .args(EXAMPLE_ANSWERS.iter().flat_map(|a| ["--answers", a]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    file
}

/// The example's gaps in the JSON report's order (the register's), with due and reviewed.
fn json_gaps() -> Vec<(String, Option<String>, Option<String>)> {
    let json: serde_json::Value = serde_json::from_slice(&example_report("json", &[])).unwrap();
    json["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let text = |k: &str| g[k].as_str().map(str::to_owned);
            (text("id").unwrap(), text("due"), text("reviewed"))
        })
        .collect()
}

#[test]
fn the_register_is_the_first_sheet_in_the_registers_order() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, names) in [
        ("ja", ["指摘事項一覧", "概要", "対策項目ごとの回答"]),
        (
            "en",
            ["Findings register", "Summary", "Answers per control"],
        ),
    ] {
        let wb: Xlsx<_> = open_workbook(example_xlsx(dir.path(), lang)).unwrap();
        assert_eq!(wb.sheet_names(), names, "{lang}");
    }
    let mut wb: Xlsx<_> = open_workbook(example_xlsx(dir.path(), "ja")).unwrap();
    let sheet = wb.worksheet_range("指摘事項一覧").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(
        header[1..],
        [
            "項番",
            "区分",
            "基準大項目",
            "中項目",
            "小項目",
            "現状・課題",
            "対応策",
            "リスク",
            "対応状況",
            "責任区分",
            "担当",
            "期限",
            "期限超過",
            "確認日",
            "証跡",
            "備考"
        ]
    );
    let ids: Vec<String> = rows[1..].iter().map(|r| r[1].to_string()).collect();
    let want: Vec<String> = json_gaps().into_iter().map(|g| g.0).collect();
    assert_eq!(
        ids, want,
        "the register's urgency order, as in every format"
    );
}

#[test]
fn due_and_reviewed_are_excel_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb: Xlsx<_> = open_workbook(example_xlsx(dir.path(), "ja")).unwrap();
    let sheet = wb.worksheet_range("指摘事項一覧").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let column = |name: &str| {
        rows[0]
            .iter()
            .position(|d| matches!(d, Data::String(s) if s == name))
            .unwrap()
    };
    let (due, reviewed) = (column("期限"), column("確認日"));
    let mut dates = 0;
    for ((id, want_due, want_reviewed), row) in json_gaps().iter().zip(&rows[1..]) {
        for (col, want) in [(due, want_due), (reviewed, want_reviewed)] {
            let cell = &row[col];
            match want {
                Some(want) => {
                    assert!(cell.is_datetime(), "{id}: {cell:?} is not a date");
                    let serial = cell.get_datetime().map(|d| d.as_f64());
                    let date = excel_serial_date(serial.unwrap());
                    assert_eq!(&date, want, "{id}");
                    dates += 1;
                }
                None => assert!(cell.is_empty() || cell.to_string().is_empty(), "{id}"),
            }
        }
    }
    assert!(dates > 20, "only {dates} dates");
    // The every-control sheet too.
    let all = wb.worksheet_range("対策項目ごとの回答").unwrap();
    let rows: Vec<&[Data]> = all.rows().collect();
    let reviewed = rows[0]
        .iter()
        .position(|d| matches!(d, Data::String(s) if s == "確認日"))
        .unwrap();
    let dated = rows[1..]
        .iter()
        .filter(|r| r[reviewed].is_datetime())
        .count();
    let texts = rows[1..]
        .iter()
        .filter(|r| matches!(r[reviewed], Data::String(ref s) if !s.is_empty()))
        .count();
    assert!(dated > 50, "{dated} reviewed dates");
    assert_eq!(texts, 0, "a reviewed date left as text");
}

/// The calendar date of an Excel date serial (days since 1899-12-30, for dates after
/// February 1900).
fn excel_serial_date(serial: f64) -> String {
    let epoch = jiff::civil::date(1899, 12, 30);
    epoch
        .checked_add(jiff::Span::new().days(serial as i64))
        .unwrap()
        .to_string()
}

/// `(row number, height)` of every `<row>` with a custom height in a sheet's XML.
fn row_heights(xml: &str) -> Vec<(u32, f64)> {
    xml.split("<row ")
        .skip(1)
        .filter_map(|row| {
            let tag = &row[..row.find('>')?];
            let attr = |name: &str| {
                let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
                Some(&tag[at..at + tag[at..].find('"')?])
            };
            attr("customHeight")?;
            Some((attr("r")?.parse().ok()?, attr("ht")?.parse().ok()?))
        })
        .collect()
}

fn sheet_xml(file: &Path, n: usize) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// Rows holding more text than one line are taller, the longest tallest, and none beyond
/// Excel's limit: LibreOffice shows each row's text instead of running it into the next.
#[test]
fn wrapped_rows_have_heights_that_fit() {
    let dir = tempfile::tempdir().unwrap();
    let file = example_xlsx(dir.path(), "ja");
    let heights = row_heights(&sheet_xml(&file, 1));
    let gaps = json_gaps().len();
    assert!(
        heights.len() >= gaps / 2,
        "{} of {gaps} register rows have a height",
        heights.len()
    );
    assert!(
        heights
            .iter()
            .all(|(_, h)| *h > 15.0 && *h <= MAX_ROW_HEIGHT)
    );
    let all = row_heights(&sheet_xml(&file, 3));
    assert!(all.len() > 100, "{} rows of every control", all.len());

    // A finding of 2,000 lines is capped, not a row taller than Excel allows.
    let overlay = dir.path().join("long.csv");
    let long = "一行\n".repeat(2_000);
    std::fs::write(
        &overlay,
        format!("id,status,finding\n設1,not_implemented,\"{long}\"\n設2,not_implemented,短い\n"),
    )
    .unwrap();
    let file = dir.path().join("long.xlsx");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "--answers"])
        .arg(&overlay)
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let heights = row_heights(&sheet_xml(&file, 1));
    assert!(heights.contains(&(2, MAX_ROW_HEIGHT)), "{heights:?}");
    assert!(
        heights.iter().all(|(r, h)| *r != 3 || *h < 100.0),
        "a short row stays short: {heights:?}"
    );
}

/// The pack's workbook carries the document control: number, version and classification on
/// the summary, and the classification in every sheet's printed page header (`&` doubled, as
/// Excel's header codes need).
#[test]
fn the_workbook_carries_document_control() {
    let dir = tempfile::tempdir().unwrap();
    let document = dir.path().join("document.toml");
    std::fs::write(
        &document,
        "number = \"DOC-7\"\nversion = \"2.1\"\nclassification = \"R&D 社外秘\"\n",
    )
    .unwrap();
    let file = dir.path().join("r.xlsx");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "--document"])
        .arg(&document)
        .arg("-o")
        .arg(&file)
        .args(EXAMPLE_ANSWERS.iter().flat_map(|a| ["--answers", a]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let summary = wb.worksheet_range("概要").unwrap();
    let pairs: Vec<(String, String)> = summary
        .rows()
        .filter(|r| r.len() > 1)
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    for (label, value) in [
        ("文書番号", "DOC-7"),
        ("版数", "2.1"),
        ("取扱区分", "R&D 社外秘"),
    ] {
        assert!(
            pairs.contains(&(label.to_owned(), value.to_owned())),
            "{label}: {pairs:?}"
        );
    }
    for n in 1..=3 {
        let xml = sheet_xml(&file, n);
        assert!(
            xml.contains("<oddHeader>&amp;RR&amp;&amp;D 社外秘</oddHeader>"),
            "sheet{n} header"
        );
    }
    // Without a classification, no page header.
    let plain = dir.path().join("plain.xlsx");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "-o"])
        .arg(&plain)
        .args(EXAMPLE_ANSWERS.iter().flat_map(|a| ["--answers", a]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(!sheet_xml(&plain, 1).contains("<oddHeader>"));
}

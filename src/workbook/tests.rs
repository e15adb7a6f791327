//! Workbook round trips, located errors, determinism and formula safety, checked by reading the
//! files back with calamine.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jiff::civil::{Date, date};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use super::*;
use crate::diag::Diagnostics;
use crate::load::xlsx::read_overlay;
use crate::load::{EncodingChoice, load_catalogue, parse_overlay};
use crate::model::Lang;
use crate::model::{Answer, Catalogue, Overlay, Responsibility, Status};
use crate::render::view::{ReportOptions, build};
use crate::render::xlsx::{gap_register, sheet_name};

const FILE: &str = "file.xlsx";

fn day() -> Date {
    date(2026, 4, 1)
}

fn fisc() -> Catalogue {
    load_catalogue("fisc-2012").unwrap()
}

fn read(bytes: &[u8], cat: &Catalogue) -> Result<Overlay, Diagnostics> {
    read_overlay(FILE, bytes, &[], cat)
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

/// First line of every problem (location, column, message, value), in order.
fn first_lines(d: &Diagnostics) -> Vec<String> {
    d.0.iter()
        .map(|d| d.to_string().lines().next().unwrap().to_owned())
        .collect()
}

/// A provider-style overlay with every status, dates, a custom column and formula-like text.
fn provider(cat: &Catalogue) -> Overlay {
    let csv = "id,status,responsibility,answer,due,reviewed,AWS ref\n\
        設1,implemented,provider,=HYPERLINK(\"http://x\"),,2026-03-31,A-1\n\
        設2,partial,shared,\"two\nlines\",2026-06-30,,\n\
        運1,planned,customer,,2026-01-15,,B-2\n\
        運2,not_implemented,,,,,\n\
        技1,not_applicable,,n/a,,,\n\
        技2,inherited,provider,,,,C-3\n";
    parse_overlay("aws/answers.csv", csv.as_bytes(), EncodingChoice::Auto, cat).unwrap()
}

#[test]
fn blank_workbook_has_cover_and_section_sheets_and_reads_back_empty() {
    let cat = fisc();
    for (lang, names) in [
        (Lang::Ja, ["表紙", "設備", "運用", "技術"]),
        (Lang::En, ["Cover", "Facilities", "Operations", "Technical"]),
    ] {
        let bytes = answer_workbook(&cat, lang, None, day()).unwrap();
        assert_eq!(open(&bytes).sheet_names(), names);
        let o = read(&bytes, &cat).unwrap();
        assert_eq!(o.rows.len(), cat.controls.len());
        assert!(o.rows.iter().all(|r| r.answer == Answer::default()));
        assert!(o.extra_columns.is_empty());
        assert_eq!(o.encoding, "xlsx");
        assert_eq!(o.rows[0].origin.sheet.as_deref(), Some(names[1]));
        assert_eq!(o.rows[0].origin.line, 2);
    }
}

#[test]
fn prefilled_workbook_reads_back_the_merged_answers() {
    let cat = fisc();
    let p = provider(&cat);
    let merged = crate::merge::merge(&cat, std::slice::from_ref(&p));
    for lang in [Lang::Ja, Lang::En] {
        let bytes = answer_workbook(&cat, lang, Some(&merged), day()).unwrap();
        let o = read(&bytes, &cat).unwrap();
        assert_eq!(o.extra_columns, ["AWS ref"]);
        for row in &p.rows {
            let back = o.rows.iter().find(|r| r.id == row.id).unwrap();
            assert_eq!(back.answer, row.answer, "{lang:?} {}", row.id);
        }
        let answered = o.rows.iter().filter(|r| r.answer != Answer::default());
        assert_eq!(answered.count(), p.rows.len());
        let first = open(&bytes).sheet_names()[1].clone();
        let cells = open(&bytes).worksheet_range(&first).unwrap();
        assert_eq!(
            cells.width(),
            17,
            "15 columns, the custom one and the (hidden) fingerprints of the pre-filled cells"
        );
    }
}

#[test]
fn filled_in_sheet_reads_back_what_was_typed() {
    let cat = fisc();
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "notes, no id column")
        .unwrap();
    let ws = wb.add_worksheet().set_name("設備").unwrap();
    let headers = [
        "項番",
        "基準大項目",
        "中項目",
        "小項目",
        "対応状況",
        "期限",
        "確認日",
        "部署",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let due = ExcelDateTime::from_ymd(2026, 9, 30).unwrap();
    ws.write_string(1, 0, "設1").unwrap();
    ws.write_string(1, 4, "実施済").unwrap();
    ws.write_datetime_with_format(1, 5, &due, &date_format)
        .unwrap();
    ws.write_string(1, 6, "2026/03/31").unwrap();
    ws.write_string(1, 7, "情報システム部").unwrap();
    ws.write_string(2, 0, "設２").unwrap(); // full-width digit
    ws.write_string(2, 4, "計画中").unwrap();
    ws.write_number(2, 7, 42.0).unwrap();
    ws.write_blank(10, 4, &date_format).unwrap(); // formatted but empty: not a row
    let bytes = wb.save_to_buffer().unwrap();
    let o = read(&bytes, &cat).unwrap();
    assert_eq!(o.rows.len(), 2);
    assert_eq!(o.extra_columns, ["部署"]);
    let (a, b) = (&o.rows[0], &o.rows[1]);
    assert_eq!((a.id.as_str(), a.origin.line), ("設1", 2));
    assert_eq!(a.answer.status, Some(Status::Implemented));
    assert_eq!(a.answer.due, Some(date(2026, 9, 30)));
    assert_eq!(a.answer.reviewed, Some(date(2026, 3, 31)));
    assert_eq!(
        a.answer.extra,
        [("部署".to_owned(), "情報システム部".to_owned())]
    );
    assert_eq!(
        (b.id.as_str(), b.answer.status),
        ("設2", Some(Status::Planned))
    );
    assert_eq!(b.answer.extra, [("部署".to_owned(), "42".to_owned())]);
    assert_eq!(b.answer.responsibility, None::<Responsibility>);
}

#[test]
fn empty_margin_columns_are_layout_not_errors() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(2, 1, "Answers of ACME").unwrap(); // a title above the header
    for (c, h) in [(1, "id"), (3, "status")] {
        ws.write_string(4, c, h).unwrap();
    }
    ws.write_string(5, 1, "設1").unwrap();
    ws.write_string(5, 3, "bogus").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let err = read(&bytes, &fisc()).unwrap_err();
    assert_eq!(
        first_lines(&err),
        ["file.xlsx!Sheet1!D6 (status): unknown status \"bogus\""]
    );
}

/// Two section sheets with a bad status, an unknown id, an error cell and a duplicate id.
fn broken_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("設備").unwrap();
    for (c, h) in ["項番", "小項目", "回答", "備考", "対応状況"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "設1").unwrap();
    ws.write_string(1, 4, "done").unwrap();
    ws.write_string(2, 0, "設9999").unwrap();
    ws.write_string(3, 0, "設2").unwrap();
    ws.write_formula(3, 4, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    let ws = wb.add_worksheet().set_name("運用").unwrap();
    ws.write_string(0, 0, "id").unwrap();
    ws.write_string(0, 1, "status").unwrap();
    ws.write_string(1, 0, "設1").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn problems_are_located_by_sheet_and_cell() {
    let err = read(&broken_workbook(), &fisc()).unwrap_err();
    assert_eq!(
        first_lines(&err),
        [
            "file.xlsx!設備!E4 (対応状況): error value in cell \"#N/A\"",
            "file.xlsx!設備!E2 (対応状況): unknown status \"done\"",
            "file.xlsx!設備!A3 (id): unknown id \"設9999\"",
            "file.xlsx!運用!A2 (id): duplicate id \"設1\"",
        ]
    );
    let text = err.to_string();
    assert!(text.contains("hint: replace the formula by its value, or type the value"));
    assert!(text.contains("設1 is also answered on 設備!A2"), "{text}");
    assert!(text.ends_with("4 problems found"));
}

#[test]
fn sheet_filter_restricts_and_unknown_sheets_are_errors() {
    let cat = fisc();
    let only = |names: &[&str]| {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        read_overlay(FILE, &broken_workbook(), &names, &cat)
    };
    let o = only(&["運用"]).unwrap();
    assert_eq!(o.rows.len(), 1);
    let err = only(&["運用", "技術"]).unwrap_err();
    assert_eq!(first_lines(&err), ["file.xlsx: no such sheet \"技術\""]);
    assert!(
        err.to_string()
            .contains("the workbook has the sheets 設備, 運用")
    );
}

#[test]
fn corrupt_and_encrypted_files_give_one_clear_problem() {
    let cat = fisc();
    let err = read(b"PK\x03\x04 certainly not a workbook", &cat).unwrap_err();
    assert_eq!(err.len(), 1);
    assert!(
        err.0[0]
            .to_string()
            .starts_with("file.xlsx: cannot read workbook: not a valid .xlsx file"),
        "{err}"
    );
    let encrypted = include_bytes!("../../tests/fixtures/xlsx/encrypted.xlsx");
    let err = read(encrypted, &cat).unwrap_err();
    assert_eq!(
        first_lines(&err),
        ["file.xlsx: cannot read workbook: the workbook is encrypted (password protected)"]
    );
    assert!(
        err.to_string()
            .contains("hint: save a copy without a password")
    );
}

#[test]
fn malformed_compound_file_is_a_problem_not_a_panic() {
    // Found by the xlsx_reader fuzz target: calamine panicked (an assertion in its compound
    // file reader) on this file, which starts like an encrypted workbook.
    let cat = fisc();
    let bytes = include_bytes!("../../tests/fixtures/xlsx/malformed-cfb.xlsx");
    let err = read(bytes, &cat).unwrap_err();
    assert_eq!(
        first_lines(&err),
        [
            "file.xlsx: cannot read workbook: not a valid .xlsx file (an OLE compound file, such as an old .xls workbook)"
        ]
    );
    // The signature alone is enough.
    let err = read(&crate::load::xlsx::CFB_SIGNATURE, &cat).unwrap_err();
    assert_eq!(err.len(), 1);
}

#[test]
fn a_panic_in_the_workbook_reader_is_a_problem_of_the_file() {
    // Found by the xlsx_reader fuzz target: a cell reference with a huge column overflows in
    // calamine (a panic where overflow checks are on, as in debug builds). Whatever calamine
    // does with it, reading gives problems, not a panic.
    let cat = fisc();
    let bytes = include_bytes!("../../tests/fixtures/xlsx/cell-reference-overflow.xlsx");
    let result = read(bytes, &cat);
    if cfg!(debug_assertions) {
        assert_eq!(
            first_lines(&result.unwrap_err()),
            [
                "file.xlsx: cannot read workbook: the workbook reader failed on this file (it is damaged)"
            ]
        );
    }
}

/// A report over the provider overlay plus an organisation overlay with its own column.
fn report(cat: &Catalogue, lang: Lang) -> crate::render::view::Report {
    let org = "id,status,owner,due,Cost centre\n運1,,=cmd|' /C calc'!A0,2026-01-15,CC-9\n";
    let org = parse_overlay("org/answers.csv", org.as_bytes(), EncodingChoice::Auto, cat).unwrap();
    let merged = crate::merge::merge(cat, &[provider(cat), org]);
    let analysis = crate::analyse::analyse(merged, day());
    build(
        &analysis,
        &ReportOptions {
            lang,
            ..Default::default()
        },
    )
}

#[test]
fn writers_are_deterministic() {
    let cat = fisc();
    let merged = crate::merge::merge(&cat, &[provider(&cat)]);
    let once = answer_workbook(&cat, Lang::Ja, Some(&merged), day()).unwrap();
    let twice = answer_workbook(&cat, Lang::Ja, Some(&merged), day()).unwrap();
    assert!(once == twice, "answer workbook differs between runs");
    let r = report(&cat, Lang::Ja);
    assert!(gap_register(&r).unwrap() == gap_register(&r).unwrap());
}

#[test]
fn formula_like_text_is_written_as_a_string() {
    let mut cat = fisc();
    cat.controls[0].text = "=1+1".into();
    let merged = crate::merge::merge(&cat, &[provider(&cat)]);
    let bytes = answer_workbook(&cat, Lang::Ja, Some(&merged), day()).unwrap();
    let mut x = open(&bytes);
    let cells = x.worksheet_range("設備").unwrap();
    assert_eq!(cells.get_value((1, 3)), Some(&Data::String("=1+1".into())));
    let answer = Data::String("=HYPERLINK(\"http://x\")".into());
    assert_eq!(cells.get_value((1, 6)), Some(&answer));
    let formulas = x.worksheet_formula("設備").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    let bytes = gap_register(&report(&cat, Lang::En)).unwrap();
    let mut x = open(&bytes);
    for sheet in x.sheet_names() {
        let formulas = x.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet}"
        );
    }
    let gaps = x.worksheet_range("Findings register").unwrap();
    let owner = Data::String("=cmd|' /C calc'!A0".into());
    assert!(gaps.used_cells().any(|(_, _, v)| *v == owner));
}

#[test]
fn gap_register_has_register_summary_and_all_controls() {
    let cat = fisc();
    for (lang, names) in [
        (Lang::Ja, ["指摘事項一覧", "概要", "対策項目ごとの回答"]),
        (
            Lang::En,
            ["Findings register", "Summary", "Answers per control"],
        ),
    ] {
        let r = report(&cat, lang);
        let bytes = gap_register(&r).unwrap();
        let mut x = open(&bytes);
        assert_eq!(x.sheet_names(), names);
        let gaps = x.worksheet_range(names[0]).unwrap();
        assert_eq!(gaps.height() - 1, r.gaps.len());
        assert_eq!(
            gaps.get_value((1, 0)),
            Some(&Data::String(r.gaps[0].key.clone()))
        );
        let all = x.worksheet_range(names[2]).unwrap();
        assert_eq!(all.height() - 1, cat.controls.len());
        let header: Vec<String> = all
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let col = header
            .iter()
            .position(|h| h == "Cost centre")
            .expect("custom column");
        assert!(header.iter().any(|h| h.ends_with(": Cost centre")));
        assert!(
            all.rows()
                .any(|row| row[col] == Data::String("CC-9".into()))
        );
        assert!(header.iter().any(|h| h.ends_with(": AWS ref")));
        let chart = b"xl/charts/chart1.xml";
        assert!(bytes.windows(chart.len()).any(|w| w == chart), "no chart");
    }
}

#[test]
fn cells_become_the_text_the_user_sees() {
    use crate::load::xlsx::cell_text;
    assert_eq!(cell_text(&Data::Float(83.0)), Ok("83".into()));
    assert_eq!(cell_text(&Data::Float(1.5)), Ok("1.5".into()));
    assert_eq!(cell_text(&Data::Int(7)), Ok("7".into()));
    assert_eq!(cell_text(&Data::Bool(true)), Ok("TRUE".into()));
    assert_eq!(
        cell_text(&Data::DateTimeIso("2026-04-01T00:00:00".into())),
        Ok("2026-04-01".into())
    );
    let dt = calamine::ExcelDateTime::new(46113.0, calamine::ExcelDateTimeType::DateTime, false);
    assert_eq!(cell_text(&Data::DateTime(dt)), Ok("2026-04-01".into()));
    let err = Data::Error(calamine::CellErrorType::Div0);
    assert_eq!(cell_text(&err), Err("#DIV/0!".into()));
}

#[test]
fn sheet_names_follow_excel_rules() {
    let mut taken = vec!["表紙".to_owned()];
    assert_eq!(sheet_name("a/b:c*?[x]\\", &mut taken), "a_b_c___x__");
    assert_eq!(sheet_name("'quoted'", &mut taken), "quoted");
    assert_eq!(sheet_name("History", &mut taken), "History_");
    let long = "x".repeat(40);
    assert_eq!(sheet_name(&long, &mut taken), "x".repeat(31));
    assert_eq!(
        sheet_name(&long, &mut taken),
        format!("{} (2)", "x".repeat(27))
    );
    assert_eq!(sheet_name("QUOTED", &mut taken), "QUOTED (2)");
    assert_eq!(sheet_name("", &mut taken), "Sheet");
}

#[test]
fn text_longer_than_a_cell_is_cut_and_says_so() {
    let short = "設1の回答";
    assert_eq!(crate::render::xlsx::fit_cell(short), short);
    let long = "監".repeat(40_000);
    let cut = crate::render::xlsx::fit_cell(&long);
    assert_eq!(cut.encode_utf16().count(), 32_767);
    assert!(
        cut.ends_with("The HTML and JSON reports have the whole text]"),
        "{}",
        &cut[cut.len() - 80..]
    );
    assert!(cut.contains("40000 characters in all"));
    // Characters outside the BMP count twice and are never split.
    let emoji = "😀".repeat(20_000);
    assert!(crate::render::xlsx::fit_cell(&emoji).encode_utf16().count() <= 32_767);
}

#[test]
fn too_many_custom_columns_is_a_clear_error() {
    let err = crate::render::xlsx::check_columns(20_015, 10_000)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("20015 columns and Excel allows 16384"),
        "{err}"
    );
    assert!(err.contains("10000 custom columns"), "{err}");
    assert!(crate::render::xlsx::check_columns(16_384, 0).is_ok());
}

#[test]
fn gap_register_list_sheets_are_streamed_row_by_row() {
    // The findings register and the all-controls sheet are "low memory" worksheets (issue 11: 1.8 GB
    // for 200,000 controls before): each row goes to a temporary file as soon as the next one
    // starts. Such rows carry no `spans` attribute, which the in-memory sheets always write;
    // the summary (with its chart, whose cache needs the cells) stays an ordinary sheet.
    let cat = fisc();
    let bytes = gap_register(&report(&cat, Lang::En)).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut sheet = |n: usize| {
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap(),
            &mut xml,
        )
        .unwrap();
        xml
    };
    assert!(
        sheet(2).contains("<row r=\"1\" spans="),
        "summary in memory"
    );
    for n in [1, 3] {
        let xml = sheet(n);
        assert!(xml.contains("<row r=\"2\""), "sheet{n}: rows not streamed");
        assert!(!xml.contains(" spans="), "sheet{n}: rows not streamed");
    }
}

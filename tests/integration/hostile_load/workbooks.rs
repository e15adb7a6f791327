//! Workbooks: uncached formulas, hidden sheets, the cell cap.

use super::*;

/// `xlsx-uncached-and-hidden`: formulas saved without a value are errors at their cell (they
/// read as empty before); answers on hidden and very hidden sheets are errors unless the
/// sheet is named with `--sheet`; hidden rows and columns of a visible sheet count; a date cell
/// after 2999 is out of range.
#[test]
fn generated_uncached_formulas_and_hidden_sheets() {
    let case = "xlsx-uncached-and-hidden";
    let dir = tempfile::tempdir().unwrap();
    let header: &[&str] = &["項番", "対応状況", "担当"];

    let path = dir.path().join("formulas.xlsx");
    sheets_workbook(&path, &[("運用", &[header, &["運10-1"]])], |_, ws| {
        ws.set_formula_result_default("");
        ws.write_formula(1, 1, "=\"実施\"&\"済\"").unwrap();
        ws.write_formula(1, 2, "=UPPER(\"team\")").unwrap();
    });
    // rust_xlsxwriter writes an empty cached value; many writers leave none at all.
    edit_zip_member(&path, "xl/worksheets/sheet1.xml", "<v></v>", "");
    let out = validate(&path, &[]);
    assert_located(
        case,
        "uncached formulas",
        &out,
        &[
            "formulas.xlsx!運用!B2 (対応状況): formula without a saved value",
            "formulas.xlsx!運用!C2 (担当): formula without a saved value",
            "hint: the program that wrote the file saved the formula but not its result",
        ],
    );

    for (state, words) in [
        ("hidden", "answers on a hidden sheet"),
        ("veryHidden", "answers on a very hidden sheet"),
    ] {
        let path = dir.path().join(format!("{state}.xlsx"));
        sheets_workbook(
            &path,
            &[
                ("運用", &[header, &["運10-1", "実施済"]]),
                ("old", &[header, &["設1", "未実施"]]),
            ],
            |i, ws| {
                if i == 1 {
                    ws.set_hidden(true);
                }
            },
        );
        if state == "veryHidden" {
            edit_zip_member(
                &path,
                "xl/workbook.xml",
                "state=\"hidden\"",
                "state=\"veryHidden\"",
            );
        }
        let out = validate(&path, &[]);
        assert_located(
            case,
            state,
            &out,
            &[
                &format!("{state}.xlsx!old!A1: {words}"),
                "--sheet old",
                "1 problem found",
            ],
        );
        let out = validate(&path, &["--sheet", "old"]);
        assert!(out.status.success(), "{state} named: {}", outcome(&out));
        assert!(stderr(&out).contains("(1 row, xlsx)"), "{}", outcome(&out));
    }

    // Hidden rows and columns of a visible sheet are answers like any other.
    let path = dir.path().join("hidden-rows.xlsx");
    sheets_workbook(
        &path,
        &[(
            "運用",
            &[header, &["運10-1", "実施済", "a"], &["設1", "未実施", "b"]],
        )],
        |_, ws| {
            ws.set_row_hidden(2).unwrap();
            ws.set_column_hidden(2).unwrap();
        },
    );
    let out = validate(&path, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(stderr(&out).contains("(2 rows, xlsx)"), "{}", outcome(&out));

    // A date cell in the year 3000 (serial 401769).
    let path = dir.path().join("dates.xlsx");
    sheets_workbook(
        &path,
        &[("運用", &[&["項番", "期限"], &["運10-1"]])],
        |_, ws| {
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            ws.write_number_with_format(1, 1, 401_769.0, &date).unwrap();
        },
    );
    let out = validate(&path, &[]);
    assert_located(
        case,
        "date",
        &out,
        &["dates.xlsx!運用!B2 (期限): date out of range \"3000-01-01\""],
    );
}

/// Regression: the cell cap grew with `--max-rows`, so a 24 KB workbook (3,000 one-cell rows
/// and a stray cell at XFD1) took 1.2 GB with `--max-rows 2000000`. The cap stops at
/// 32,000,000 cells however far the row limit is raised.
#[test]
fn the_cell_cap_does_not_grow_past_32_million() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "id").unwrap();
    ws.write_string(0, 16383, "far").unwrap();
    for r in 1..=3000u32 {
        ws.write_string(r, 0, format!("設{r}")).unwrap();
    }
    wb.save(&path).unwrap();
    let out = kansa()
        .args(["validate", "--max-rows", "2000000", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let err = stderr(&out);
    assert!(err.contains("more than 32000000 cells"), "{err}");
    assert!(err.contains("at most 32000000"), "{err}");
}

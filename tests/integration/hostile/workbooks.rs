//! Generated workbooks: hostile cells, limits, control characters, a zip bomb, a far cell.

use std::path::Path;

use super::baseline::fisc_baseline;
use super::inert::render_case;
use super::{HINT, assert_located, assert_nothing_written, report_to_file};
use crate::{kansa, outcome};

pub(crate) fn workbook(path: &Path, rows: &[&[&str]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("運用").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// The header row of every generated workbook.
const HEADER: &[&str] = &["項番", "対応状況", "回答", "担当"];

/// `xlsx-hostile-cells`: markup and a formula in cells are shown as text.
#[test]
pub(crate) fn generated_xlsx_hostile_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.xlsx");
    workbook(
        &path,
        &[
            HEADER,
            &[
                "運10-1",
                "未実施",
                "<script>alert(1)</script> [x](javascript:alert(2))",
                "=HYPERLINK(\"http://evil.example\")",
            ],
        ],
    );
    let inputs = vec!["--answers".to_owned(), path.display().to_string()];
    let o = render_case(
        "xlsx-hostile-cells",
        &inputs,
        &["html", "md"],
        fisc_baseline(),
    );
    assert!(
        o.html()
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(2))")
    );
    assert!(
        o.html()
            .contains("=HYPERLINK(&quot;http://evil.example&quot;)")
    );
}

/// `xlsx-over-limits`: a cell over --max-field-bytes and rows over --max-rows are located by
/// sheet cell.
#[test]
pub(crate) fn generated_xlsx_over_limits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.xlsx");
    let long = "長".repeat(2000);
    workbook(
        &path,
        &[
            HEADER,
            &["運1", "実施済", &long, "a"],
            &["運2", "実施済", "", "b"],
        ],
    );
    let shown = path.display().to_string();
    let out = kansa()
        .args(["validate", "--max-field-bytes", "1KiB", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let cell = format!("{shown}!運用!C2: cell of 5.8 KiB (6000 bytes) is over the limit of 1 KiB");
    assert_located(
        "xlsx-over-limits",
        "cell",
        &out,
        &[&cell, "--max-field-bytes (now 1024)"],
    );
    let out = kansa()
        .args(["validate", "--max-rows", "1", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let rows = format!("{shown}!運用!A3: more than 1 data rows");
    assert_located(
        "xlsx-over-limits",
        "rows",
        &out,
        &[&rows, "--max-rows (now 1)"],
    );
}

/// `xlsx-control-characters`: a terminal escape in a cell is a located error and writes nothing.
#[test]
pub(crate) fn generated_xlsx_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("control.xlsx");
    workbook(&path, &[HEADER, &["運1", "実施済", "ok", "\u{1b}[31mred"]]);
    let shown = path.display().to_string();
    let args = vec!["--answers".to_owned(), shown.clone()];
    let (out, out_dir, _) = report_to_file(&args, "html");
    let at = format!("{shown}!運用!D2: control character U+001B at character 1 of the cell");
    assert_located("xlsx-control-characters", "report", &out, &[&at, HINT]);
    assert_nothing_written("xlsx-control-characters", out_dir.path());
}

/// `xlsx-zip-bomb`: a workbook that unpacks past --max-file-bytes is refused; under the default
/// limit it loads.
#[test]
pub(crate) fn generated_xlsx_zip_bomb() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.xlsx");
    workbook(&plain, &[HEADER, &["運1", "実施済", "ok", "a"]]);
    let path = dir.path().join("bomb.xlsx");
    with_padding(&plain, &path, 3 << 20);
    assert!(std::fs::metadata(&path).unwrap().len() < 64 << 10);
    let out = kansa()
        .args(["validate", "--max-file-bytes", "2MiB", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = path.display().to_string();
    assert_located(
        "xlsx-zip-bomb",
        "unpacked",
        &out,
        &[
            &format!("{shown}: the workbook unpacks to more than 2 MiB \"xl/media/padding.bin\""),
            "--max-file-bytes (now 2097152)",
        ],
    );
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

/// `xlsx-far-cell`: one stray cell at the far corner of a sheet.
#[test]
pub(crate) fn generated_far_cell() {
    let dir = tempfile::tempdir().unwrap();
    let far = |path: &Path, answers: u32| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("運用").unwrap();
        for (c, t) in ["項番", "対応状況", "回答", "担当"].iter().enumerate() {
            ws.write_string(0, c as u16, *t).unwrap();
        }
        for r in 1..=answers {
            ws.write_string(r, 0, format!("運{r}")).unwrap();
            ws.write_string(r, 1, "実施済").unwrap();
        }
        ws.write_string(1_048_000, 16_000, "far").unwrap();
        wb.save(path).unwrap();
    };
    let path = dir.path().join("far.xlsx");
    far(&path, 1);
    assert!(std::fs::metadata(&path).unwrap().len() < 16 << 10);
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = path.display().to_string();
    assert_located(
        "xlsx-far-cell",
        "one row",
        &out,
        &[&format!(
            "{shown}!運用!WQK1: values under an empty column header"
        )],
    );

    let path = dir.path().join("far-rows.xlsx");
    far(&path, 10);
    let out = kansa()
        .args(["validate", "--max-rows", "100", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = path.display().to_string();
    assert_located(
        "xlsx-far-cell",
        "many rows",
        &out,
        &[
            &format!(
                "{shown}!運用!WQK1: the sheet spans 12 rows × 16001 columns, more than 3200 cells"
            ),
            "Ctrl+End",
            "--max-rows, now 100",
        ],
    );
}

/// Copy the workbook `from` to `to` with one more member of `zeros` zero bytes.
pub(crate) fn with_padding(from: &Path, to: &Path, zeros: usize) {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        out.raw_copy_file(archive.by_index_raw(i).unwrap()).unwrap();
    }
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/media/padding.bin", deflated).unwrap();
    out.write_all(&vec![0; zeros]).unwrap();
    out.finish().unwrap();
}

//! Generated inputs: cases too large to commit (a 10 MB cell, 200,000 rows, 20,000 columns, a
//! 1 MB answer) are written at run time; their folders hold only a `GENERATED.md` note.

use std::path::Path;

use super::baseline::fisc_baseline;
use super::inert::render_case;
use super::{DATE, assert_located, assert_nothing_written, report_to_file, stderr};
use crate::{kansa, outcome};

/// Cases pinned by their own tests below (generated inputs, packs).
pub(super) const GENERATED: &[&str] = &[
    "csv-20k-columns",
    "csv-field-10mb",
    "csv-rows-200k-unknown",
    "csv-rows-200k-over-limit",
    "csv-rows-200k-custom-catalogue",
    "text-long-unbroken",
    "text-1mb-answer",
    "path-hostile-ids",
    "path-absolute-evidence",
    "path-special-inputs",
    "tpl-ticket-error",
    "xlsx-hostile-cells",
    "xlsx-over-limits",
    "xlsx-control-characters",
    "xlsx-zip-bomb",
    "xlsx-far-cell",
];

/// `csv-field-10mb`: a 10 MB cell is refused at the default limit, accepted with a higher one.
#[test]
pub(crate) fn generated_10mb_field() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("answers.csv");
    let mut text = String::from("id,status,answer\n設1,partial,\"");
    text.push_str(&"x".repeat(10_000_000));
    text.push_str("\"\n");
    std::fs::write(&overlay, text).unwrap();
    let shown = overlay.display().to_string();
    let needles = [
        format!("{shown}:2:3: cell of 9.5 MiB (10000000 bytes) is over the limit of 4 MiB \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\""),
        "hint: shorten the cell (link to a document instead of pasting it), or raise the limit with --max-field-bytes (now 4194304)".to_owned(),
    ];
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    assert_located("csv-field-10mb", "validate", &out, &needles);
    assert!(stderr(&out).len() < 2000, "the 10 MB value is not echoed");
    let args = vec!["--answers".to_owned(), shown.clone()];
    let (out, out_dir, _) = report_to_file(&args, "html");
    assert_located("csv-field-10mb", "report", &out, &needles);
    assert_nothing_written("csv-field-10mb", out_dir.path());
    // The limit is configurable.
    let out = kansa()
        .args(["validate", "--max-field-bytes", "16MiB", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

pub(crate) fn write_rows(path: &Path, rows: usize, id: impl Fn(usize) -> String) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "id,status,answer").unwrap();
    for i in 0..rows {
        writeln!(f, "{},implemented,row {i}", id(i)).unwrap();
    }
}

/// `csv-rows-200k-unknown` and `csv-rows-200k-over-limit`.
#[test]
pub(crate) fn generated_200k_rows_of_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("answers.csv");
    write_rows(&overlay, 200_000, |i| format!("X{i}"));
    let shown = overlay.display().to_string();
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    let first = format!("{shown}:2:1 (id): unknown id \"X0\"");
    let last = format!("{shown}:1001:1 (id): unknown id \"X999\"");
    let more = format!(
        "{shown}: 199000 more problems not listed (only the first 1000 of a file are shown)"
    );
    assert_located(
        "csv-rows-200k-unknown",
        "validate",
        &out,
        &[
            &first,
            &last,
            &more,
            "hint: fix the problems above",
            "200000 problems found",
        ],
    );
    assert!(!stderr(&out).contains("\"X1000\""), "listing stops at 1000");

    let out = kansa()
        .args(["validate", "--max-rows", "100000", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    let at = format!("{shown}:100002:1: more than 100000 data rows");
    assert_located(
        "csv-rows-200k-over-limit",
        "validate",
        &out,
        &[
            &at,
            "hint: split the file, or raise the limit with --max-rows (now 100000)",
            "1 problem found",
        ],
    );
}

/// A catalogue of `n` controls, each in its own 中項目 when `own_middle`.
pub(crate) fn write_catalogue(dir: &Path, n: usize, own_middle: bool) {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("catalogue.toml"), "id = \"big\"\nname = \"Big\"\n").unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("controls.csv")).unwrap());
    writeln!(f, "id,section,major,middle,text").unwrap();
    for i in 0..n {
        let middle = if own_middle { i } else { i % 100 };
        writeln!(f, "C{i},S{},M{},m{middle},control {i}", i % 3, i % 30).unwrap();
    }
}

/// `csv-rows-200k-custom-catalogue`: 200,000 answered controls load; a catalogue in which every
/// control has its own 中項目 renders (this was quadratic).
#[test]
pub(crate) fn generated_200k_rows_against_a_large_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("big");
    write_catalogue(&catalogue, 200_000, false);
    let overlay = dir.path().join("answers.csv");
    write_rows(&overlay, 200_000, |i| format!("C{i}"));
    let out = kansa()
        .arg("validate")
        .arg("--catalogue")
        .arg(&catalogue)
        .arg("--answers")
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("(200000 rows, UTF-8)"),
        "{}",
        stderr(&out)
    );

    let own = dir.path().join("own-middles");
    write_catalogue(&own, 5_000, true);
    let out = kansa()
        .args([
            "report",
            "--no-answers",
            "-f",
            "json",
            "--date",
            DATE,
            "--catalogue",
        ])
        .arg(&own)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let middles: usize = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["majors"].as_array().unwrap())
        .map(|m| m["middles"].as_array().unwrap().len())
        .sum();
    assert_eq!(middles, 5_000);
}

/// `text-long-unbroken`: 50,000 characters without a break point, in the owner and the answer.
#[test]
pub(crate) fn generated_text_long_unbroken() {
    let dir = tempfile::tempdir().unwrap();
    let long = "ｘ".repeat(10_000) + &"y".repeat(40_000);
    let overlay = dir.path().join("long.csv");
    std::fs::write(
        &overlay,
        format!("id,status,owner,answer\n設1,partial,{long},{long}\n"),
    )
    .unwrap();
    let inputs = vec!["--answers".to_owned(), overlay.display().to_string()];
    let o = render_case(
        "text-long-unbroken",
        &inputs,
        &["md", "html", "pdf"],
        fisc_baseline(),
    );
    assert!(o.md().contains(&long));
    assert_eq!(
        o.html().matches(long.as_str()).count(),
        3,
        "owner (details, gap list), answer"
    );
    // The PDF breaks the line and continues the row on the next pages (header repeated), but
    // keeps every character: owner (gap list, details) and answer.
    let pdf = o.pdf();
    assert_eq!(pdf.matches('ｘ').count(), 3 * 10_000, "every ｘ in the PDF");
    assert!(pdf.matches('y').count() >= 3 * 40_000, "every y in the PDF");
}

/// `text-1mb-answer`: a 1 MB answer in every format, cut (and marked) only where Excel must.
#[test]
pub(crate) fn generated_text_1mb_answer() {
    let dir = tempfile::tempdir().unwrap();
    let one_mb: String = "監査ログを保存し、".repeat(25_000) + &"a".repeat(1_000_000 - 25_000 * 27);
    assert_eq!(one_mb.len(), 1_000_000);
    let overlay = dir.path().join("mb.csv");
    std::fs::write(
        &overlay,
        format!("id,status,answer\n設1,partial,{one_mb}\n"),
    )
    .unwrap();
    let inputs = vec!["--answers".to_owned(), overlay.display().to_string()];
    let o = render_case(
        "text-1mb-answer",
        &inputs,
        &["md", "html", "json", "xlsx"],
        fisc_baseline(),
    );
    // Excel holds 32,767 characters per cell: the register cuts the answer and says so.
    {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let mut wb: Xlsx<_> = open_workbook(o.xlsx.as_ref().unwrap()).unwrap();
        let sheet = wb.sheet_names().last().unwrap().clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        let cut = range
            .used_cells()
            .find_map(|(_, _, c)| match c {
                Data::String(s) if s.starts_with("監査ログを保存し、") => Some(s.clone()),
                _ => None,
            })
            .expect("the answer in the register");
        assert_eq!(cut.encode_utf16().count(), 32_767);
        assert!(
            cut.ends_with(
                " … [cut: 550000 characters in all; Excel holds 32767. The HTML and JSON reports have the whole text]"
            ),
            "the cut is marked"
        );
    }
    let sheet = dir.path().join("sheet.xlsx");
    let out = kansa()
        .args(["init", "--from"])
        .arg(&overlay)
        .arg("-o")
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "init with a 1 MB answer: {}",
        outcome(&out)
    );
    assert_eq!(
        o.control("設1")["answer"].as_str().unwrap().len(),
        1_000_000
    );
    assert!(o.md().contains(&one_mb));
    assert!(o.html().contains(&one_mb));
}

/// `csv-20k-columns`: 20,000 custom columns load and render linearly; a workbook cannot hold
/// them, which is a clear error, not a failure deep in the writer.
#[test]
pub(crate) fn generated_20k_custom_columns() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("wide.csv");
    let n = 20_000;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&overlay).unwrap());
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    writeln!(f, "id,status,{}", names.join(",")).unwrap();
    for r in 1..=10 {
        let values: Vec<String> = (0..n).map(|i| format!("v{r}_{i}")).collect();
        writeln!(f, "設{r},partial,{}", values.join(",")).unwrap();
    }
    drop(f);
    let inputs = vec!["--answers".to_owned(), overlay.display().to_string()];
    let out = kansa().arg("validate").args(&inputs).output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let o = render_case("csv-20k-columns", &inputs, &["json"], fisc_baseline());
    assert_eq!(o.json()["extra_columns"].as_array().unwrap().len(), n);
    assert_eq!(o.control("設10")["extra"][n - 1]["value"], "v10_19999");
    let (out, out_dir, _) = report_to_file(&inputs, "xlsx");
    assert_located(
        "csv-20k-columns",
        "xlsx",
        &out,
        &[
            "cannot write workbook: it would need 40018 columns and Excel allows 16384 (the overlays have 20000 custom columns)",
            "hint: drop custom columns",
        ],
    );
    assert_nothing_written("csv-20k-columns", out_dir.path());
    let out = kansa()
        .args(["init", "--from"])
        .arg(&overlay)
        .arg("-o")
        .arg(dir.path().join("sheet.xlsx"))
        .output()
        .unwrap();
    assert_located(
        "csv-20k-columns",
        "init",
        &out,
        &["it would need 20026 columns"],
    );
    assert!(!dir.path().join("sheet.xlsx").exists());
}

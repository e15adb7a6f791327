//! Hostile cases for overlay loading: encodings and file signatures, workbooks, dates, ids and hints, provenance labels, `init`.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

use crate::hostile::{assert_located, case_dir, err, stderr};
use crate::{kansa, outcome};

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &[
    "enc-cesu8-surrogate",
    "enc-utf8-bad-byte-deep",
    "enc-binary-overlays",
    "enc-bom-vs-forced-encoding",
    "val-dates-out-of-range",
    "xlsx-uncached-and-hidden",
    "val-near-miss-50k",
];

const UTF8_HINT: &str = "hint: save the file as UTF-8";

crate::hostile::error_cases! {
/// Committed cases with a located error, run like those of `hostile::errors::ERRORS`: one
/// test each.
LOAD_ERRORS = [
    enc_cesu8_surrogate: err(
        "enc-cesu8-surrogate",
        &[
            "enc-cesu8-surrogate/answers.csv:2:22: a UTF-16 surrogate written as UTF-8 (CESU-8), not valid UTF-8",
            "hint: the tool that wrote the file encodes characters beyond U+FFFF",
            "1 problem found",
        ],
    ),
    enc_utf8_bad_byte_deep: err(
        "enc-utf8-bad-byte-deep",
        &[
            "enc-utf8-bad-byte-deep/answers.csv:50:62: bytes that are not valid UTF-8 \"d down and checked every year \u{FFFD}(49)\"",
            UTF8_HINT,
            "1 problem found",
        ],
    ),
    val_dates_out_of_range: err(
        "val-dates-out-of-range",
        &[
            "val-dates-out-of-range/answers.csv:2:3 (due): date out of range \"0000-01-01\"",
            "val-dates-out-of-range/answers.csv:3:3 (due): date out of range \"1899-12-31\"",
            "val-dates-out-of-range/answers.csv:4:3 (due): date out of range \"3000-01-01\"",
            "val-dates-out-of-range/answers.csv:5:4 (reviewed): date out of range \"0001/01/01\"",
            "hint: dates must lie between 1900-01-01 and 2999-12-31",
            "4 problems found",
        ],
    ),
]
}

/// `--date` and `SOURCE_DATE_EPOCH` obey the same 1900–2999 range as the cells.
#[test]
fn report_dates_outside_1900_to_2999_are_usage_errors() {
    let answers = ["--answers", crate::EXAMPLE_ANSWERS[0]];
    for date in ["0000-01-01", "3000-01-01", "1899-12-31"] {
        let out = kansa()
            .args(["report", "-f", "json", "--date", date])
            .args(answers)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{date}: {}", outcome(&out));
        assert!(
            stderr(&out).contains("date out of range"),
            "{}",
            outcome(&out)
        );
        assert!(out.stdout.is_empty());
    }
    // 1800-01-01 and 3000-01-01 as seconds since 1970.
    for epoch in ["-5364662400", "32503680000"] {
        let out = kansa()
            .args(["report", "-f", "json"])
            .args(answers)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{epoch}: {}", outcome(&out));
        assert!(
            stderr(&out).contains(&format!("SOURCE_DATE_EPOCH \"{epoch}\" is ")),
            "{}",
            outcome(&out)
        );
        assert!(stderr(&out).contains("date out of range"));
    }
    let out = kansa()
        .args(["report", "-f", "json", "--date", "2999-12-31"])
        .args(answers)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

/// `enc-bom-vs-forced-encoding`: a forced encoding that the file's byte-order mark contradicts
/// is an error naming both, never silently one of them.
#[test]
fn a_bom_contradicting_encoding_is_an_error() {
    let file = case_dir("enc-bom-vs-forced-encoding").join("answers.csv");
    let out = kansa()
        .args(["validate", "--encoding", "shift_jis", "--answers"])
        .arg(&file)
        .output()
        .unwrap();
    assert_located(
        "enc-bom-vs-forced-encoding",
        "validate",
        &out,
        &[
            "enc-bom-vs-forced-encoding/answers.csv:1:1: the file starts with a UTF-8 byte-order mark, but --encoding shift_jis was given",
            "drop --encoding (or give --encoding utf-8)",
        ],
    );
    for agreeing in ["utf-8", "auto"] {
        let out = kansa()
            .args(["validate", "--encoding", agreeing, "--answers"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{agreeing}: {}", outcome(&out));
    }
}

/// A zip archive whose members have these names (stored, uncompressed): enough for the
/// signature check, which must answer before any decoding or unpacking.
fn fake_zip(members: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for name in members {
        out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
    }
    out
}

/// `enc-binary-overlays`: files that are not text, given as overlays, are one error each that
/// says what the file is (not ten "not valid Shift_JIS" lines of binary).
#[test]
fn generated_binary_overlays() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("book.xlsx");
    crate::hostile::workbook(&xlsx, &[&["項番", "対応状況"], &["設1", "実施済"]]);
    let ods = fake_zip(&[
        "mimetype",
        "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml",
    ]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "xlsx-named.csv",
            std::fs::read(&xlsx).unwrap(),
            "this is an Excel workbook (.xlsx)",
        ),
        (
            "sheet.ods",
            ods.clone(),
            "this is an OpenDocument spreadsheet (.ods)",
        ),
        (
            "ods-named.xlsx",
            ods,
            "cannot read workbook: this is an OpenDocument spreadsheet (.ods)",
        ),
        (
            "legacy.xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0".to_vec(),
            "this is an OLE compound file",
        ),
        (
            "sheet.numbers",
            fake_zip(&["Index/Document.iwa", "Metadata/Properties.plist"]),
            "this is an Apple Numbers document",
        ),
        (
            "answers.pdf",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n".to_vec(),
            "this is a PDF document",
        ),
        (
            "answers.csv.gz",
            b"\x1F\x8B\x08\0\0\0\0\0\0\x03\xAB\xCD".to_vec(),
            "this is a gzip-compressed file",
        ),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = kansa()
            .args(["validate", "--answers"])
            .arg(&path)
            .output()
            .unwrap();
        assert_located(
            "enc-binary-overlays",
            name,
            &out,
            &[expect, "1 problem found"],
        );
        let err = stderr(&out);
        assert!(!err.contains("not valid"), "{name}: decoded anyway:\n{err}");
        assert!(err.contains(name), "{name}: the file is named:\n{err}");
    }
}

/// `init -o FILE` never replaces an existing sheet (it may be filled in) without `--force`; the
/// file is left byte for byte, in CSV and xlsx, and standard output is always written.
#[test]
fn init_refuses_an_existing_sheet_without_force() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["answers.csv", "answers.xlsx", "answers.txt"] {
        let sheet = dir.path().join(name);
        std::fs::write(&sheet, "id,status\n設1,implemented\n").unwrap();
        let out = kansa().args(["init", "-o"]).arg(&sheet).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", outcome(&out));
        assert!(
            stderr(&out).contains(&format!(
                "{} already exists; use --force to overwrite it",
                sheet.display()
            )),
            "{}",
            outcome(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&sheet).unwrap(),
            "id,status\n設1,implemented\n",
            "{name} kept"
        );
        let out = kansa()
            .args(["init", "--force", "-o"])
            .arg(&sheet)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", outcome(&out));
        assert_ne!(
            std::fs::read(&sheet).unwrap(),
            "id,status\n設1,implemented\n".as_bytes()
        );
    }
    assert_eq!(
        crate::hostile::listing(dir.path()),
        ["answers.csv", "answers.txt", "answers.xlsx"],
        "no temporary file left"
    );
    let out = kansa().args(["init", "-o", "-"]).output().unwrap();
    assert!(out.status.success() && !out.stdout.is_empty());
    let out = kansa().args(["init", "-o", "/dev/null"]).output().unwrap();
    assert!(
        out.status.success(),
        "a device is written: {}",
        outcome(&out)
    );
}

/// A workbook of one or more sheets of strings; `edit` may change each sheet before saving.
fn sheets_workbook(
    path: &std::path::Path,
    sheets: &[(&str, &[&[&str]])],
    edit: impl Fn(usize, &mut rust_xlsxwriter::Worksheet),
) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
        edit(i, ws);
    }
    wb.save(path).unwrap();
}

/// Replace `from` by `to` in one member of a zip archive (an xlsx), keeping the others.
fn edit_zip_member(path: &std::path::Path, member: &str, from: &str, to: &str) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == member {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains(from), "{member} has no {from:?}");
            data = text.replace(from, to).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

fn validate(path: &std::path::Path, extra: &[&str]) -> std::process::Output {
    kansa()
        .arg("validate")
        .args(extra)
        .arg("--answers")
        .arg(path)
        .output()
        .unwrap()
}

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

/// The sources of one control in a JSON report.
fn json_sources(json: &serde_json::Value, id: &str) -> serde_json::Value {
    for s in json["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    if c["id"] == id {
                        return c["sources"].clone();
                    }
                }
            }
        }
    }
    panic!("no control {id}");
}

/// `report -f json` run in `cwd` with these overlays: the input labels and the sources of 設1.
fn labels_and_sources(cwd: &std::path::Path, answers: &[&str]) -> (Vec<String>, serde_json::Value) {
    let mut cmd = kansa();
    cmd.current_dir(cwd)
        .args(["report", "-f", "json", "--date", crate::hostile::DATE]);
    for a in answers {
        cmd.args(["--answers", a]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect();
    (labels, json_sources(&json, "設1"))
}

/// Provenance labels tell overlays of the same name apart (`aws/2012/answers.csv` and
/// `bank/2012/answers.csv` were both `2012/answers.csv`), and do not change with the directory
/// kansa runs in or the spelling of the paths (relative, `..`, absolute).
#[test]
fn provenance_labels_are_unique_and_independent_of_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (who, status, owner) in [("aws", "implemented", ""), ("bank", "", "総務部")] {
        let folder = root.join(who).join("2012");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("answers.csv"),
            format!("id,status,owner\n設1,{status},{owner}\n"),
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("work/deeper")).unwrap();
    let want_labels = ["aws/2012/answers.csv", "bank/2012/answers.csv"];
    let abs = |p: &str| root.join(p).display().to_string();
    let runs: [(std::path::PathBuf, [String; 2]); 3] = [
        (
            root.to_path_buf(),
            [
                "aws/2012/answers.csv".into(),
                "./bank/2012/answers.csv".into(),
            ],
        ),
        (
            root.join("work/deeper"),
            [
                "../../aws/2012/answers.csv".into(),
                "../../work/../bank/2012/answers.csv".into(),
            ],
        ),
        (
            crate::root(),
            [abs("aws/2012/answers.csv"), abs("bank/2012/answers.csv")],
        ),
    ];
    for (cwd, answers) in &runs {
        let answers: Vec<&str> = answers.iter().map(String::as_str).collect();
        let (labels, sources) = labels_and_sources(cwd, &answers);
        assert_eq!(labels, want_labels, "from {}", cwd.display());
        assert_eq!(sources["status"], "aws/2012/answers.csv");
        assert_eq!(sources["owner"], "bank/2012/answers.csv");
    }
    // The same file twice: the second is its own layer, with its own label.
    let (labels, sources) = labels_and_sources(
        root,
        &[
            "aws/2012/answers.csv",
            "bank/2012/answers.csv",
            "aws/2012/answers.csv",
        ],
    );
    assert_eq!(
        labels,
        [
            "aws/2012/answers.csv",
            "bank/2012/answers.csv",
            "aws/2012/answers.csv (2)"
        ]
    );
    assert_eq!(sources["status"], "aws/2012/answers.csv (2)");
}

/// `val-near-miss-50k`: 5,000 near-miss ids against 50,000 controls get their hints in
/// seconds (each was compared with every control: 8 minutes in a debug build).
#[test]
fn generated_near_miss_ids_on_a_large_catalogue() {
    use std::fmt::Write;
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("big");
    std::fs::create_dir_all(&catalogue).unwrap();
    let id = |i: usize| format!("{}{i}-{}", ["設", "運", "技"][i % 3], i % 7 + 1);
    let mut controls = String::from("id,section,major,middle,text\n");
    for i in 1..=50_000 {
        writeln!(controls, "{},S,M,m,control {i}", id(i)).unwrap();
    }
    std::fs::write(catalogue.join("controls.csv"), controls).unwrap();
    std::fs::write(
        catalogue.join("catalogue.toml"),
        "id = \"big\"\nname = \"Big\"\n",
    )
    .unwrap();
    let mut answers = String::from("id,status\n");
    for k in 0..5_000 {
        writeln!(answers, "{}9,implemented", id(k * 10 + 1)).unwrap();
    }
    let overlay = dir.path().join("near.csv");
    std::fs::write(&overlay, answers).unwrap();
    let started = std::time::Instant::now();
    let out = kansa()
        .args(["validate", "--catalogue"])
        .arg(&catalogue)
        .arg("--answers")
        .arg(&overlay)
        .output()
        .unwrap();
    let took = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        err.contains("near.csv:2:1 (id): unknown id \"運1-29\"\n  hint: did you mean 運1-2? (big has no 運1-29)"),
        "{err}"
    );
    assert_eq!(
        err.matches("hint: did you mean").count(),
        1000,
        "every listed id has its hint"
    );
    assert!(err.contains("4000 more problems not listed"));
    assert!(took.as_secs() < 90, "took {took:?}");
}

/// The effective value and source of `field` of control `id` in a JSON report.
fn value_and_source(json: &serde_json::Value, id: &str, field: &str) -> (String, String) {
    for s in json["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    if c["id"] == id {
                        let value = match &c[field] {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        let source = c["sources"][field].as_str().unwrap_or("").to_owned();
                        return (value, source);
                    }
                }
            }
        }
    }
    panic!("no control {id}");
}

fn json_report(answers: &[&std::path::Path]) -> serde_json::Value {
    let mut cmd = kansa();
    cmd.args(["report", "-f", "json", "--date", crate::hostile::DATE]);
    for a in answers {
        cmd.arg("--answers").arg(a);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A provider overlay whose values start with formula characters, or really with `'` (its own
/// `''-` is the value `'-` under a guard, as kansa writes it).
const PROVIDER: &str = "id,status,owner,notes,evidence,answer\n\
設1,implemented,-,+81-3-1234-5678,=SUM(1),provider-team\n\
設2,partial,@ops,'quoted',''-,-5\n";

/// `init --from` round trip (item: the formula guard became data) and provenance (item:
/// pre-filled cells were credited to the bank), in CSV and xlsx: the sheet alone reads back
/// exactly as the provider's values; stacked on the provider, every unchanged pre-filled cell
/// is the provider's and an edited one the bank's.
#[test]
fn init_prefill_round_trips_and_keeps_the_providers_credit() {
    let dir = tempfile::tempdir().unwrap();
    let provider_dir = dir.path().join("aws");
    std::fs::create_dir_all(&provider_dir).unwrap();
    let provider = provider_dir.join("answers.csv");
    std::fs::write(&provider, PROVIDER).unwrap();
    let fields = [
        ("設1", "owner", "-"),
        ("設1", "notes", "+81-3-1234-5678"),
        ("設1", "evidence", "=SUM(1)"),
        ("設2", "owner", "@ops"),
        ("設2", "notes", "'quoted'"),
        ("設2", "evidence", "'-"),
        ("設2", "answer", "-5"),
    ];
    for (name, lang) in [
        ("sheet.csv", "en"),
        ("sheet-ja.csv", "ja"),
        ("book.xlsx", "ja"),
    ] {
        let bank_dir = dir.path().join(format!("bank-{name}"));
        std::fs::create_dir_all(&bank_dir).unwrap();
        let sheet = bank_dir.join(name);
        let out = kansa()
            .args(["init", "--lang", lang, "--from"])
            .arg(&provider)
            .arg("-o")
            .arg(&sheet)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", outcome(&out));
        if name.ends_with(".csv") {
            let text = std::fs::read_to_string(&sheet).unwrap();
            assert!(text.contains(",'-,"), "{name}: the guard is written");
            assert!(text.contains(",'+81-3-1234-5678,"));
            assert!(
                text.contains(",''-,"),
                "a real apostrophe keeps its own guard"
            );
        }
        // Alone, the sheet reads back as the provider's values, guards stripped.
        let json = json_report(&[&sheet]);
        for (id, field, want) in fields {
            assert_eq!(
                value_and_source(&json, id, field).0,
                want,
                "{name} {id} {field}"
            );
        }
        // The bank edits one pre-filled cell (設1's answer) and keeps the rest.
        if name.ends_with(".csv") {
            let text = std::fs::read_to_string(&sheet).unwrap();
            std::fs::write(&sheet, text.replace("provider-team", "bank-team")).unwrap();
        } else {
            edit_zip_member(&sheet, "xl/sharedStrings.xml", "provider-team", "bank-team");
        }
        let json = json_report(&[&provider, &sheet]);
        let bank_label = format!("bank-{name}/{name}");
        for (id, field, want) in fields {
            assert_eq!(
                value_and_source(&json, id, field),
                (want.to_owned(), "aws/answers.csv".to_owned()),
                "{name} {id} {field}: the provider's"
            );
        }
        assert_eq!(
            value_and_source(&json, "設1", "status").1,
            "aws/answers.csv",
            "{name}: status"
        );
        assert_eq!(
            value_and_source(&json, "設1", "answer"),
            ("bank-team".to_owned(), bank_label.clone()),
            "{name}: the bank's edit is the bank's"
        );
    }
}

/// An emoji in a custom column's *header* was blamed on "fisc-2012 … control 設1" (once per
/// control, no file): it is the overlay's, named once; an emoji in a custom *value* names the
/// overlay's line, not the catalogue.
#[test]
fn pdf_glyph_errors_in_custom_columns_name_the_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("custom.csv");
    std::fs::write(
        &overlay,
        "id,status,担当メモ😀,cost\n設1,implemented,a,ok\n設2,partial,b,x🙂\n",
    )
    .unwrap();
    let target = dir.path().join("report.pdf");
    let out = kansa()
        .args(["report", "--date", crate::hostile::DATE, "--answers"])
        .arg(&overlay)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let shown = overlay.display().to_string();
    let header = format!(
        "{shown}:1:3: custom column header: characters missing from the PDF font: 😀 (U+1F600) \"担当メモ😀\""
    );
    assert_eq!(err.matches(&header).count(), 1, "named once:\n{err}");
    assert!(
        err.contains(&format!(
            "{shown}:3 (custom column): control 設2: characters missing from the PDF font: 🙂 (U+1F642)"
        )),
        "{err}"
    );
    assert!(
        !err.contains("fisc-2012"),
        "not blamed on the catalogue:\n{err}"
    );
    assert!(!target.exists());
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

/// A `SOURCE_DATE_EPOCH` beyond any calendar (either sign) gets kansa's own range message, not
/// the date library's internal one.
#[test]
fn source_date_epoch_beyond_any_calendar_is_out_of_range() {
    for epoch in ["99999999999999", "-99999999999999", "9223372036854775807"] {
        let out = kansa()
            .args([
                "report",
                "-f",
                "json",
                "--answers",
                crate::EXAMPLE_ANSWERS[0],
            ])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{epoch}: {}", outcome(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "SOURCE_DATE_EPOCH \"{epoch}\": date out of range; dates must lie between 1900-01-01 and 2999-12-31"
            )),
            "{err}"
        );
        assert!(!err.contains("parameter"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

/// Date-formatted cells beyond Excel's calendar (negative, after 9999-12-31, huge) quote the
/// number the cell holds, with the range hint; they were shown as a made-up `00:00:00` or
/// `9999-12-31`.
#[test]
fn generated_date_cells_beyond_excel_quote_their_serial() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serials.xlsx");
    let serials = [-1.0, -100_000.75, 2_958_466.0, 1e300];
    sheets_workbook(
        &path,
        &[(
            "運用",
            &[&["項番", "期限"], &["運10-1"], &["設3"], &["設1"], &["設2"]],
        )],
        |_, ws| {
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            for (i, serial) in serials.iter().enumerate() {
                ws.write_number_with_format(i as u32 + 1, 1, *serial, &date)
                    .unwrap();
            }
        },
    );
    let out = validate(&path, &[]);
    assert_located(
        "xlsx-uncached-and-hidden",
        "serials",
        &out,
        &[
            "serials.xlsx!運用!B2 (期限): date out of range \"-1\"",
            "serials.xlsx!運用!B3 (期限): date out of range \"-100000.75\"",
            "serials.xlsx!運用!B4 (期限): date out of range \"2958466\"",
            "serials.xlsx!運用!B5 (期限): date out of range \"1e300\"",
            "hint: dates must lie between 1900-01-01 and 2999-12-31",
            "4 problems found",
        ],
    );
    assert!(!stderr(&out).contains("00:00:00"), "{}", outcome(&out));
    assert!(!stderr(&out).contains("9999-12-31"), "{}", outcome(&out));
}

/// Past the 1,000 problems listed per file, the total is still the real number of problems, and
/// the note about the unlisted ones is no problem itself: in text, JSON and SARIF.
#[test]
fn problem_totals_count_the_unlisted_and_not_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("many.csv");
    let mut csv = String::from("id,status\n");
    for i in 0..1500 {
        csv.push_str(&format!("X{i},implemented\n"));
    }
    std::fs::write(&overlay, csv).unwrap();
    let run = |format: &str| {
        let out = kansa()
            .args(["validate", "--format", format, "--answers"])
            .arg(&overlay)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}: {}", outcome(&out));
        out
    };

    let err = stderr(&run("text"));
    assert!(err.contains("500 more problems not listed"), "{err}");
    assert!(err.ends_with("1500 problems found\n"), "{err}");

    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    assert_eq!(json["count"], 1500);
    assert_eq!(json["unlisted"], 500);
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1000);
    assert!(
        problems
            .iter()
            .all(|p| p["message"].as_str().unwrap() == "unknown id"),
        "the note is not among the problems"
    );

    let sarif: serde_json::Value = serde_json::from_slice(&run("sarif").stdout).unwrap();
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["results"].as_array().unwrap().len(), 1000);
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("500 more problems not listed")
    );
}

/// More kinds of binary file, and UTF-32, given as overlays and as catalogue files: each is one
/// error naming what the file is; catalogue hints say catalogues are CSV and never point to
/// `--encoding` (which applies to overlays only).
#[test]
fn generated_binary_files_as_overlays_and_catalogues() {
    let dir = tempfile::tempdir().unwrap();
    let mut tar = b"a.txt".to_vec();
    tar.resize(257, 0);
    tar.extend_from_slice(b"ustar\x0000");
    tar.resize(1024, 0);
    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(
            "id,status\n運10-1,implemented\n"
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes()),
        )
        .collect();
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "png.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "not a text file: this is a PNG image",
        ),
        (
            "jpg.csv",
            b"\xFF\xD8\xFF\xE0\0\x10JFIF\0".to_vec(),
            "not a text file: this is a JPEG image",
        ),
        (
            "gif.csv",
            b"GIF89a\x01\0\x01\0\0\0\0".to_vec(),
            "not a text file: this is a GIF image",
        ),
        (
            "db.csv",
            b"SQLite format 3\0\x10\0\x01\x01".to_vec(),
            "not a text file: this is an SQLite database",
        ),
        ("tar.csv", tar, "not a text file: this is a tar archive"),
        ("utf32.csv", utf32, "UTF-32LE text is not supported"),
    ];
    for (name, bytes, expect) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = validate(&path, &[]);
        assert_located(
            "enc-binary-overlays",
            name,
            &out,
            &[expect, "1 problem found"],
        );
        assert!(
            !stderr(&out).contains("control character"),
            "{}",
            outcome(&out)
        );

        // The same bytes as a catalogue's controls.csv.
        let catalogue = dir.path().join(format!("cat-{name}"));
        std::fs::create_dir(&catalogue).unwrap();
        std::fs::write(catalogue.join("controls.csv"), bytes).unwrap();
        let out = validate_catalogue(&catalogue);
        assert_located(
            "enc-binary-overlays",
            &format!("catalogue {name}"),
            &out,
            &[
                expect,
                "hint: catalogues are CSV: save the sheet as controls.csv",
                "1 problem found",
            ],
        );
    }

    // A workbook given as --catalogue: catalogues are CSV, not "name it .xlsx".
    let book = dir.path().join("cat.xlsx");
    crate::hostile::workbook(
        &book,
        &[
            &["id", "section", "major", "middle", "text"],
            &["A1", "S", "M", "m", "t"],
        ],
    );
    let out = validate_catalogue(&book);
    assert_located(
        "enc-binary-overlays",
        "workbook catalogue",
        &out,
        &[
            "cat.xlsx: not a text file: this is an Excel workbook (.xlsx)",
            "hint: catalogues are CSV: save the sheet as controls.csv",
        ],
    );
    assert!(!stderr(&out).contains("name it .xlsx"), "{}", outcome(&out));

    // Undecodable catalogue files are not told to use --encoding.
    let catalogue = dir.path().join("undecodable");
    std::fs::create_dir(&catalogue).unwrap();
    std::fs::write(
        catalogue.join("catalogue.toml"),
        "id = \"u\"\nname = \"U\"\n",
    )
    .unwrap();
    std::fs::write(
        catalogue.join("controls.csv"),
        b"id,section,major,middle,text\nA1,S\xFF\xFE\xFD,M,m,t\n",
    )
    .unwrap();
    let out = validate_catalogue(&catalogue);
    assert_located(
        "enc-binary-overlays",
        "undecodable controls.csv",
        &out,
        &[
            "controls.csv:2:5: bytes that are not valid",
            "hint: save controls.csv as UTF-8 (Excel: \"CSV UTF-8\") or Shift_JIS",
        ],
    );
    assert!(!stderr(&out).contains("--encoding"), "{}", outcome(&out));
    std::fs::write(
        catalogue.join("catalogue.toml"),
        b"id = \"u\xFF\xFE\xFD\x80\"\nname = \"U\"\n",
    )
    .unwrap();
    let out = validate_catalogue(&catalogue);
    assert_located(
        "enc-binary-overlays",
        "undecodable catalogue.toml",
        &out,
        &[
            "catalogue.toml:1:",
            "hint: save catalogue.toml as UTF-8 (or Shift_JIS) text",
        ],
    );
    assert!(!stderr(&out).contains("--encoding"), "{}", outcome(&out));
}

/// A repeated file's `(2)` label never equals the label of a real file named `answers.csv (2)`:
/// the repeat takes more of its path.
#[test]
fn repeat_labels_do_not_collide_with_files_named_like_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (folder, name, status) in [
        ("x/2012", "answers.csv", "implemented"),
        ("z/2012", "answers.csv (2)", "partial"),
    ] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(
            root.join(folder).join(name),
            format!("id,status\n設1,{status}\n"),
        )
        .unwrap();
    }
    let (labels, sources) = labels_and_sources(
        root,
        &[
            "x/2012/answers.csv",
            "x/2012/answers.csv",
            "z/2012/answers.csv (2)",
        ],
    );
    assert_eq!(
        labels,
        [
            "2012/answers.csv",
            "x/2012/answers.csv (2)",
            "2012/answers.csv (2)"
        ]
    );
    assert_eq!(
        sources["status"], "2012/answers.csv (2)",
        "the z file, last"
    );
}

/// `kansa validate --catalogue PATH`, with no overlay.
fn validate_catalogue(path: &std::path::Path) -> std::process::Output {
    kansa()
        .args(["validate", "--catalogue"])
        .arg(path)
        .output()
        .unwrap()
}

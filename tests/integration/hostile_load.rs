//! Hostile cases for overlay loading: encodings and file signatures, workbooks, dates, ids and hints, provenance labels, `init`.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

use crate::hostile::{ErrorCase, assert_located, case_dir, err, run_error_case, stderr};
use crate::{kansa, outcome};

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &[
    "enc-cesu8-surrogate",
    "enc-utf8-bad-byte-deep",
    "enc-binary-overlays",
    "enc-bom-vs-forced-encoding",
    "val-dates-out-of-range",
];

const UTF8_HINT: &str = "hint: save the file as UTF-8";

/// Committed cases with a located error, run like those of `hostile::ERRORS`.
const LOAD_ERRORS: &[ErrorCase] = &[
    err(
        "enc-cesu8-surrogate",
        &[
            "enc-cesu8-surrogate/answers.csv:2:22: a UTF-16 surrogate written as UTF-8 (CESU-8), not valid UTF-8",
            "hint: the tool that wrote the file encodes characters beyond U+FFFF",
            "1 problem found",
        ],
    ),
    err(
        "enc-utf8-bad-byte-deep",
        &[
            "enc-utf8-bad-byte-deep/answers.csv:50:62: bytes that are not valid UTF-8 \"d down and checked every year \u{FFFD}(49)\"",
            UTF8_HINT,
            "1 problem found",
        ],
    ),
    err(
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
];

#[test]
fn load_error_cases_are_located_and_write_nothing() {
    for case in LOAD_ERRORS {
        run_error_case(case);
    }
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

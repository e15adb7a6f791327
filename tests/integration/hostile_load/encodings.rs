//! Encodings: located load errors, file signatures, BOMs, binary files as overlays.

use super::*;

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

/// Binary files named as overlays: (file name, bytes, what the error says the file is). The
/// workbook is written into `dir`.
fn binary_overlays(dir: &std::path::Path) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let xlsx = dir.join("book.xlsx");
    crate::hostile::workbook(&xlsx, &[&["項番", "対応状況"], &["設1", "実施済"]]);
    let ods = fake_zip(&[
        "mimetype",
        "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml",
    ]);
    vec![
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
    ]
}

crate::hostile::case_tests! {
    guard every_binary_overlay_has_a_test:
        binary_overlays(tempfile::tempdir().unwrap().path()).iter().map(|c| c.0).collect(),
    run generated_binary_overlay: [
        generated_binary_overlay_xlsx_named_csv => "xlsx-named.csv",
        generated_binary_overlay_ods => "sheet.ods",
        generated_binary_overlay_ods_named_xlsx => "ods-named.xlsx",
        generated_binary_overlay_xls => "legacy.xls",
        generated_binary_overlay_numbers => "sheet.numbers",
        generated_binary_overlay_pdf => "answers.pdf",
        generated_binary_overlay_gzip => "answers.csv.gz",
    ]
}

/// `enc-binary-overlays`: a file that is not text, given as an overlay, is one error that
/// says what the file is (not ten "not valid Shift_JIS" lines of binary).
fn generated_binary_overlay(name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (name, bytes, expect) = binary_overlays(dir.path())
        .into_iter()
        .find(|c| c.0 == name)
        .expect("a case of binary_overlays");
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

/// A case of [`binary_files`], given as an overlay and as a catalogue file: one error naming
/// what the file is; the catalogue's hint says catalogues are CSV.
fn generated_binary_file(name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (name, bytes, expect) = &binary_files()
        .into_iter()
        .find(|c| c.0 == name)
        .expect("a case of binary_files");
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

/// More kinds of binary file, and UTF-32: (file name, bytes, what the error says the file is).
fn binary_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
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
    vec![
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
    ]
}

crate::hostile::case_tests! {
    guard every_binary_file_has_a_test: binary_files().iter().map(|c| c.0).collect(),
    run generated_binary_file: [
        generated_binary_file_png => "png.csv",
        generated_binary_file_jpeg => "jpg.csv",
        generated_binary_file_gif => "gif.csv",
        generated_binary_file_sqlite => "db.csv",
        generated_binary_file_tar => "tar.csv",
        generated_binary_file_utf32 => "utf32.csv",
    ]
}

/// A workbook given as --catalogue: catalogues are CSV, not "name it .xlsx".
#[test]
fn generated_workbook_as_catalogue() {
    let dir = tempfile::tempdir().unwrap();
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
}

/// Undecodable catalogue files are not told to use --encoding (which applies to overlays only).
#[test]
fn generated_undecodable_catalogue_files() {
    let dir = tempfile::tempdir().unwrap();
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

/// `kansa validate --catalogue PATH`, with no overlay.
fn validate_catalogue(path: &std::path::Path) -> std::process::Output {
    kansa()
        .args(["validate", "--catalogue"])
        .arg(path)
        .output()
        .unwrap()
}

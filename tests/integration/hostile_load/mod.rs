//! Hostile cases for overlay loading: encodings and file signatures, workbooks, dates, ids and hints, provenance labels, `init`.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.
//!
//! - `dates`: `--date`, `SOURCE_DATE_EPOCH` and date cells outside the calendar kansa accepts.
//! - `encodings`: located load errors, file signatures, BOMs, binary files as overlays.
//! - `init`: an existing sheet, and a pre-filled sheet that keeps the provider's credit.
//! - `messages`: near-miss id hints, PDF glyph errors naming the overlay, problem totals.
//! - `provenance`: provenance labels: unique, and independent of the working directory.
//! - `workbooks`: uncached formulas, hidden sheets, the cell cap.
//!
//! The submodules share this module's imports and helpers (`use super::*`).

use crate::hostile::{assert_located, case_dir, err, stderr};
use crate::{kansa, outcome};

mod dates;
mod encodings;
mod init;
mod messages;
mod provenance;
mod workbooks;

/// Corpus folders whose outcome is pinned by a test in this folder.
pub const PINNED: &[&str] = &[
    "enc-cesu8-surrogate",
    "enc-utf8-bad-byte-deep",
    "enc-binary-overlays",
    "enc-bom-vs-forced-encoding",
    "val-dates-out-of-range",
    "xlsx-uncached-and-hidden",
    "val-near-miss-50k",
];

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

//! Hostile cases for catalogue input, grouping of sections / 基準大項目 / 中項目, and how every format shows them.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.
//!
//! - `columns`: catalogue columns and metadata: extra columns, Japanese headers, Shift_JIS.
//! - `errors`: located errors: broken catalogues and templates folders stop every command.
//! - `grouping`: sections, 基準大項目 and 中項目 are one group each, in every format.
//! - `markdown`: Markdown in catalogue text is literal in every output.
//!
//! The submodules share this module's imports and helpers (`use super::*`).

use std::collections::BTreeSet;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::hostile::{
    HINT, assert_nothing_written, case_dir, case_inputs, copy_dir, err, listing, md_headings,
    report_to_file,
};
use crate::{kansa, outcome, root};

mod columns;
mod errors;
mod grouping;
mod markdown;

/// Corpus folders whose outcome is pinned by a test in this folder.
pub const PINNED: &[&str] = &[
    "cat-interleaved-groups",
    "cat-zero-width-section",
    "cat-extra-columns",
    "cat-japanese-headers",
    "cat-toml-unknown-key",
    "cat-toml-section-typo",
    "cat-toml-shift-jis",
    "cat-header-only",
    "cat-blank-rows-only",
    "cat-empty-ids",
    "cat-duplicate-ids",
    "cat-markdown-ids",
];

/// The report of a committed case in `format`, asserting success: its bytes, and the
/// directory that holds it (kept alive for workbooks read from disk).
fn render(case: &str, format: &str, extra: &[&str]) -> (Vec<u8>, tempfile::TempDir) {
    let mut args = case_inputs(case);
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let (out, dir, target) = report_to_file(&args, format);
    assert!(out.status.success(), "{case} ({format}): {}", outcome(&out));
    assert_eq!(listing(dir.path()), [format!("report.{format}")]);
    (std::fs::read(target).unwrap(), dir)
}

fn text(case: &str, format: &str) -> String {
    String::from_utf8(render(case, format, &[]).0).unwrap()
}

fn json(case: &str) -> serde_json::Value {
    serde_json::from_str(&text(case, "json")).unwrap()
}

/// `(section, [(major, [(middle, [control ids])])])` of a JSON report.
type Outline = Vec<(String, Vec<(String, Vec<(String, Vec<String>)>)>)>;

fn outline(report: &serde_json::Value) -> Outline {
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    let list = |v: &serde_json::Value| v.as_array().unwrap().clone();
    list(&report["sections"])
        .iter()
        .map(|sec| {
            let majors = list(&sec["majors"])
                .iter()
                .map(|m| {
                    let middles = list(&m["middles"])
                        .iter()
                        .map(|mid| {
                            let ids = list(&mid["controls"]).iter().map(|c| s(&c["id"])).collect();
                            (s(&mid["name"]), ids)
                        })
                        .collect();
                    (s(&m["name"]), middles)
                })
                .collect();
            (s(&sec["name"]), majors)
        })
        .collect()
}

/// A worksheet's used cells as `(row, column, text)`.
type Cells = Vec<(usize, usize, String)>;

/// Cells of every sheet of a workbook, by sheet name.
fn workbook_cells(path: &Path) -> Vec<(String, Cells)> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let cells = range
                .used_cells()
                .map(|(r, c, v)| (r, c, v.to_string()))
                .collect();
            (name, cells)
        })
        .collect()
}

/// `kansa pack` on a copy of a case's folder (its `kansa.toml` names the pack after the case):
/// the temporary directory, kept alive, and the pack's folder.
fn pack_case(case: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir(case)), &src);
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(work.path().join("out"))
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(out.status.success(), "{case}: {}", outcome(&out));
    let pack = work.path().join("out").join(case);
    (work, pack)
}

/// Lines of `md` equal to `line`.
fn count_lines(md: &str, line: &str) -> usize {
    md.lines().filter(|l| *l == line).count()
}

/// One member of a zip archive (an xlsx), as text. Sizes are read from the central directory:
/// the writer streams members, so their local headers carry none.
fn unzip_member(zip: &[u8], name: &str) -> String {
    let u16_at = |o: usize| u16::from_le_bytes([zip[o], zip[o + 1]]) as usize;
    let u32_at =
        |o: usize| u32::from_le_bytes([zip[o], zip[o + 1], zip[o + 2], zip[o + 3]]) as usize;
    let mut at = 0;
    while let Some(pos) = zip[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let h = at + pos;
        let (method, size, name_len) = (u16_at(h + 10), u32_at(h + 20), u16_at(h + 28));
        let local = u32_at(h + 42);
        if &zip[h + 46..h + 46 + name_len] == name.as_bytes() {
            let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let raw = &zip[data..data + size];
            let mut out = String::new();
            if method == 8 {
                use std::io::Read;
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_string(&mut out)
                    .unwrap();
            } else {
                out = String::from_utf8(raw.to_vec()).unwrap();
            }
            return out;
        }
        at = h + 4;
    }
    panic!("no {name} in the workbook");
}

/// A one-pack kansa.toml (`md` only, into `out/`) over a catalogue `cat/` made of
/// `controls_csv` and an overlay `a.csv`, built in a fresh directory: that directory and the
/// run's output.
fn pack_of(controls_csv: &str, answers_csv: &str) -> (tempfile::TempDir, std::process::Output) {
    let tmp = tempfile::tempdir().unwrap();
    let cat = tmp.path().join("cat");
    std::fs::create_dir_all(&cat).unwrap();
    std::fs::write(cat.join("catalogue.toml"), "id = \"c\"\nname = \"C\"\n").unwrap();
    std::fs::write(cat.join("controls.csv"), controls_csv).unwrap();
    std::fs::write(tmp.path().join("a.csv"), answers_csv).unwrap();
    std::fs::write(
        tmp.path().join("kansa.toml"),
        "[[pack]]\nname = \"p\"\ncatalogue = \"cat\"\noverlays = [\"a.csv\"]\ndate = \"2026-11-25\"\nformats = [\"md\"]\nout = \"out\"\n",
    )
    .unwrap();
    let out = kansa()
        .current_dir(tmp.path())
        .args(["pack", "kansa.toml"])
        .output()
        .unwrap();
    (tmp, out)
}

//! English reports: every label is English ("ID", not "Id" or 項番), and a custom column keeps
//! the header its overlay gave it. The only Japanese in an English pack is text that came from
//! the inputs: the catalogue's text and the overlays' free text and custom headers.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{EXAMPLE_ANSWERS, kansa, outcome, root};

/// The custom column the test adds, with a Japanese header an English report must keep.
const CUSTOM_HEADER: &str = "所管部署";
const CUSTOM_VALUE: &str = "システム監査室";

/// True for a character of Japanese script (kana, kanji, full-width forms, CJK punctuation).
fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}')
}

/// The runs of Japanese characters in `text`.
fn japanese_runs(text: &str) -> BTreeSet<String> {
    let mut runs = BTreeSet::new();
    let mut run = String::new();
    for c in text.chars().chain(['\n']) {
        if is_japanese(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.insert(std::mem::take(&mut run));
        }
    }
    runs
}

/// Headers whose values an English report must translate (status, responsibility, risk): their
/// cells are not free text, so their Japanese may not reach the report as is.
const CODED_HEADERS: [&str; 9] = [
    "status",
    "対応状況",
    "responsibility",
    "責任区分",
    "risk",
    "リスク",
    "リスク評価",
    "id",
    "項番",
];

/// Japanese runs the inputs may bring into an English report: every cell of the catalogue
/// (its text) and of the overlays' free-text columns, and the custom column's header.
/// Coded values (実施済, 事業者, 高 …) and the overlays' field headers are left out: an English
/// report shows them translated.
/// Also returns the free text itself, one cell a line, for text whose lines a typesetter broke
/// (a PDF's).
fn runs_from_inputs(overlays: &[PathBuf]) -> (BTreeSet<String>, String) {
    let catalogue = root().join("data/catalogues/fisc-2012");
    let mut corpus = std::fs::read_to_string(catalogue.join("controls.csv")).unwrap();
    corpus += &std::fs::read_to_string(catalogue.join("catalogue.toml")).unwrap();
    for path in overlays {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let free: Vec<bool> = headers
            .iter()
            .map(|h| !CODED_HEADERS.contains(&h.trim_start_matches('\u{FEFF}')))
            .collect();
        for record in reader.records() {
            for (cell, free) in record.unwrap().iter().zip(&free) {
                if *free {
                    corpus += cell;
                    corpus.push('\n');
                }
            }
        }
    }
    corpus += CUSTOM_HEADER;
    (japanese_runs(&corpus), corpus)
}

/// The example's overlays and a third with a custom column, in a fresh directory, built into
/// an English pack in every format: the pack directory, the overlays and the guard.
fn english_pack() -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let mut overlays = Vec::new();
    for (i, a) in EXAMPLE_ANSWERS.iter().enumerate() {
        let to = dir.path().join(format!("overlay-{i}.csv"));
        std::fs::copy(root().join(a), &to).unwrap();
        overlays.push(to);
    }
    let custom = dir.path().join("overlay-2.csv");
    std::fs::write(
        &custom,
        format!("id,{CUSTOM_HEADER}\n運26,{CUSTOM_VALUE}\n設1,{CUSTOM_VALUE}\n"),
    )
    .unwrap();
    overlays.push(custom);
    let config = dir.path().join("kansa.toml");
    std::fs::write(
        &config,
        r#"[[pack]]
name = "en"
organisation = "Example Bank"
catalogue = "fisc-2012"
overlays = ["overlay-0.csv", "overlay-1.csv", "overlay-2.csv"]
date = "2026-11-25"
lang = "en"
formats = ["md", "html", "pdf", "xlsx", "json"]

[pack.document]
number = "EX-1"
classification = "Confidential"
"#,
    )
    .unwrap();
    let out = dir.path().join("packs");
    let res = crate::pack::run_pack(&config, &out, &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    (dir, out.join("en"), overlays)
}

/// The text of every file of `dir` a reader sees: text files as they are, an xlsx's shared
/// strings and sheets, a PDF's extracted text; as (name, text).
fn readable_text(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            let bytes = std::fs::read(&p).unwrap();
            let text = if name.ends_with(".pdf") {
                pdf_extract::extract_text_from_mem(&bytes).unwrap()
            } else if name.ends_with(".xlsx") {
                xlsx_text(&bytes)
            } else {
                match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => continue, // evidence files and other binaries
                }
            };
            out.push((name, text));
        }
    }
    out.sort();
    out
}

/// The XML parts of an xlsx holding what a reader sees (strings, sheets, charts), not the
/// theme (whose font list names Japanese and Chinese fonts).
fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let seen = name == "xl/sharedStrings.xml"
            || name.starts_with("xl/worksheets/sheet")
            || name.starts_with("xl/charts/chart")
            || name == "docProps/core.xml";
        if seen {
            part.read_to_string(&mut text).unwrap();
        }
    }
    text
}

#[test]
fn english_pack_has_no_japanese_label() {
    let (_guard, pack, overlays) = english_pack();
    let (allowed, corpus) = runs_from_inputs(&overlays);
    let files = readable_text(&pack);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "report.md",
        "report.html",
        "report.pdf",
        "report.xlsx",
        "assessment.json",
        "summary.md",
        "gaps.csv",
    ] {
        assert!(names.contains(&want), "the pack lacks {want}: {names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("tickets")),
        "the pack has tickets: {names:?}"
    );
    let mut stray = Vec::new();
    for (name, text) in &files {
        for run in japanese_runs(text) {
            // The PDF's lines break inside a sentence: there a run need only be part of one.
            let from_inputs = if name.ends_with(".pdf") {
                corpus.contains(&run)
            } else {
                allowed.contains(&run)
            };
            if !from_inputs {
                stray.push(format!("{name}: {run}"));
            }
        }
    }
    assert!(stray.is_empty(), "Japanese not from the inputs: {stray:#?}");
}

/// The check above can fail: a Japanese label is caught, a catalogue's text is not.
#[test]
fn the_japanese_check_tells_labels_from_input_text() {
    let (allowed, _) = runs_from_inputs(&[root().join(EXAMPLE_ANSWERS[1])]);
    // Coded values and field headers of the overlay are not allowed through.
    for label in [
        "実施済",
        "未実施",
        "対応状況",
        "高",
        "集計の定義",
        "指摘事項一覧",
    ] {
        assert!(!allowed.contains(label), "{label}");
    }
    assert!(
        allowed.contains("各種災害、障害が発生しやすい地域を避けること。"),
        "catalogue text"
    );
    assert!(allowed.contains(CUSTOM_HEADER));
    assert_eq!(
        japanese_runs("ID 項番 a（例）b"),
        BTreeSet::from(["項番".to_owned(), "（例）".to_owned()])
    );
}

#[test]
fn english_labels_say_id_and_custom_columns_keep_their_header() {
    let (_guard, pack, _) = english_pack();
    let md = std::fs::read_to_string(pack.join("report.md")).unwrap();
    assert!(md.contains("| ID |"), "an ID column header");
    assert!(!md.contains("| Id |"), "no 'Id' header");
    let html = std::fs::read_to_string(pack.join("report.html")).unwrap();
    assert!(html.contains(">ID<"), "html ID header");
    for text in [&md, &html] {
        assert!(text.contains(CUSTOM_HEADER), "custom header kept");
        assert!(text.contains(CUSTOM_VALUE), "custom value kept");
    }
    let xlsx = xlsx_text(&std::fs::read(pack.join("report.xlsx")).unwrap());
    assert!(
        xlsx.contains(">ID<") && xlsx.contains(CUSTOM_HEADER),
        "xlsx headers"
    );
    let out = kansa()
        .args([
            "report",
            "--lang",
            "en",
            "--format",
            "md",
            "--date",
            "2026-11-25",
        ])
        .args(EXAMPLE_ANSWERS.iter().flat_map(|a| ["--answers", a]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(String::from_utf8(out.stdout).unwrap().contains("| ID |"));
}

//! Tests of the report details: the continued-row mark, one column grid for tables with the
//! same header, digests broken at fixed points, bare URLs as links, and row anchors.

use std::fmt::Write as _;

use lopdf::{Document, Object};

use super::*;

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn options(continued: &str) -> PdfOptions {
    PdfOptions {
        title: "詳細".into(),
        continued: continued.into(),
        ..PdfOptions::default()
    }
}

fn pages(pdf: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(pdf)
        .expect("extract")
        .iter()
        .map(|p| squash(p))
        .collect()
}

/// Every link annotation of the document: (page index, action dictionary).
fn links(doc: &Document) -> Vec<(usize, lopdf::Dictionary)> {
    let mut out = Vec::new();
    for (n, (_, page)) in doc.get_pages().into_iter().enumerate() {
        for a in doc.get_page_annotations(page).unwrap_or_default() {
            let act = a.get(b"A").and_then(Object::as_dict).unwrap().clone();
            out.push((n, act));
        }
    }
    out
}

/// A details table of `rows` rows whose row `long` has an answer of 150 lines.
fn details(rows: usize, long: usize) -> String {
    let mut md = String::from("# T\n\n## 詳細\n\n| ID | 小項目 | 回答 |\n|---|---|---|\n");
    for i in 1..=rows {
        let answer = if i == long {
            (1..=150)
                .map(|k| format!("第{k}行<br>"))
                .collect::<String>()
        } else {
            format!("回答{i}")
        };
        let _ = writeln!(md, "| [](anchor:c-R{i})R{i} | 項目{i} | {answer} |");
    }
    md
}

#[test]
fn a_continued_row_starts_with_the_mark_and_the_header_repeats() {
    let md = details(3, 2);
    let pdf = typeset(&md, &options("(続き)")).unwrap();
    let pages = pages(&pdf);
    let first = pages.iter().position(|p| p.contains("第1行")).unwrap();
    let last = pages.iter().position(|p| p.contains("第150行")).unwrap();
    assert!(last > first, "the row was not split");
    assert!(!pages[first].contains("(続き)"), "{}", pages[first]);
    for page in &pages[first + 1..=last] {
        assert!(
            page.contains("ID小項目回答(続き)R2"),
            "no mark and id after the repeated header: {page}"
        );
    }
    // The mark comes from the options: none when empty, English when asked.
    let plain = pages_of(&md, "");
    assert!(!plain.concat().contains("(続き)"));
    assert!(pages_of(&md, "(continued)")[first + 1].contains("(continued)"));
}

fn pages_of(md: &str, continued: &str) -> Vec<String> {
    pages(&typeset(md, &options(continued)).unwrap())
}

/// The x of every vertical rule (table column edges) drawn on page `n`.
fn column_edges(doc: &Document, n: u32) -> Vec<i64> {
    let page = doc.get_pages()[&n];
    let content = doc.get_and_decode_page_content(page).unwrap();
    let num = |o: &Object| o.as_float().unwrap();
    let mut last_m = None;
    let mut xs = Vec::new();
    for op in content.operations {
        match op.operator.as_str() {
            "m" => last_m = Some((num(&op.operands[0]), num(&op.operands[1]))),
            "l" => {
                let (x, y) = (num(&op.operands[0]), num(&op.operands[1]));
                if let Some((mx, my)) = last_m
                    && (mx - x).abs() < 0.01
                    && (my - y).abs() > 0.01
                {
                    xs.push((x * 10.0).round() as i64);
                }
            }
            _ => {}
        }
    }
    xs.sort_unstable();
    xs.dedup();
    xs
}

/// Two sections' tables: short texts in the first, long ones in the second.
fn two_sections(second_header: &str) -> String {
    let mut md = String::from("# T\n\n## A\n\n| ID | 小項目 | 回答 |\n|---|---|---|\n");
    for i in 1..=5 {
        let _ = writeln!(md, "| A{i} | 短い | はい |");
    }
    let _ = write!(md, "\n## B\n\n{second_header}\n|---|---|---|\n");
    for i in 1..=5 {
        let _ = writeln!(
            md,
            "| B{i}-100 | {} | {} |",
            "非常に長い小項目の文章です。".repeat(4),
            "回答".repeat(3)
        );
    }
    md
}

#[test]
fn tables_with_the_same_header_share_their_column_widths() {
    let shared = typeset(&two_sections("| ID | 小項目 | 回答 |"), &options("")).unwrap();
    let doc = Document::load_mem(&shared).unwrap();
    let (a, b) = (column_edges(&doc, 2), column_edges(&doc, 3));
    assert_eq!(a.len(), 4, "{a:?}");
    assert_eq!(a, b, "the two tables have different grids");
    // A table with another header is sized from its own content.
    let apart = typeset(&two_sections("| ID | 項目 | 回答 |"), &options("")).unwrap();
    let doc = Document::load_mem(&apart).unwrap();
    assert_ne!(column_edges(&doc, 2), column_edges(&doc, 3));
}

const DIGEST: &str = "3b9955a5e437ffb24c41548e79296fa724822da21ee75dc1b94f6ccdb8f400dd";

#[test]
fn digests_break_only_between_groups_of_sixteen() {
    // Columns so narrow that the digest cannot stay whole.
    let md = format!(
        "# T\n\n## D\n\n| ファイル | 行数 | 文字コード | 備考 | SHA-256 |\n|---|---|---|---|---|\n\
         | answers.csv | 12 | UTF-8 | 事業者の回答を含む概要の説明文 | {DIGEST} |\n"
    );
    let pdf = typeset(&md, &options("")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let parts: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.len() >= 8 && w.chars().all(|c| c.is_ascii_hexdigit()))
        .collect();
    assert!(parts.len() > 1, "the digest did not break: {parts:?}");
    assert_eq!(parts.concat(), DIGEST);
    for p in &parts {
        assert_eq!(p.len() % 16, 0, "broken mid-group: {parts:?}");
    }
}

#[test]
fn bare_urls_become_uri_links() {
    let md = "# T\n\n## L\n\n証跡は https://example.com/a_b/c?x=1&y=2 を参照（https://ipa.go.jp/）。\
              code `https://not.a/link` and [named](https://named.example/) and \
              xhttps://no.example/\n\n| 回答 |\n|---|\n| 詳細は https://example.org/t_1.pdf。 |\n";
    let pdf = typeset(md, &options("")).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let uris: Vec<String> = links(&doc)
        .iter()
        .filter_map(|(_, a)| a.get(b"URI").ok())
        .map(|u| String::from_utf8(u.as_str().unwrap().to_vec()).unwrap())
        .collect();
    assert_eq!(
        uris,
        [
            "https://example.com/a_b/c?x=1&y=2",
            "https://ipa.go.jp/",
            "https://named.example/",
            "https://example.org/t_1.pdf",
        ]
    );
}

#[test]
fn links_to_row_anchors_go_to_the_rows_page() {
    let mut md = details(300, 0);
    md = md.replacen(
        "## 詳細\n",
        "## 一覧\n\n[R1](#c-R1) [R150](#c-R150) [R300](#c-R300) [無し](#c-none)\n\n## 詳細\n",
        1,
    );
    let pdf = typeset(&md, &options("")).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    let pages = pages(&pdf);
    let page_ids: Vec<_> = doc.get_pages().into_values().collect();
    let gotos: Vec<usize> = links(&doc)
        .iter()
        .filter(|(n, _)| *n == 1)
        .filter_map(|(_, a)| a.get(b"D").ok())
        .map(|d| {
            let target = d.as_array().unwrap()[0].as_reference().unwrap();
            page_ids.iter().position(|p| *p == target).unwrap()
        })
        .collect();
    assert_eq!(gotos.len(), 3, "the unknown anchor has no link: {gotos:?}");
    for (page, id) in gotos.iter().zip(["R1項目1", "R150項目150", "R300項目300"]) {
        assert!(pages[*page].contains(id), "{id} not on page {}", page + 1);
    }
    assert!(gotos[2] > gotos[1] && gotos[1] > gotos[0]);
}

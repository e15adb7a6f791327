//! The package as Word reads it: parts, structure, links and determinism.

use std::io::{Cursor, Read};

use super::*;

/// The text of each part, by name, in package order.
fn parts(docx: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap_or_default();
            (f.name().unwrap().into_owned(), s)
        })
        .collect()
}

fn part(docx: &[u8], name: &str) -> String {
    parts(docx)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

const MD: &str = "```kansa-right\n社外秘\n```\n\n# 報告書\n\n| 項目 | 値 |\n|---|---|\n| 組織 | A&B <銀行> |\n\n```kansa-signoff\n作成\t山田\t2026-11-20\n確認\t\t\n```\n\n<!-- toc -->\n\n## 概要\n\n[設1](#c-設1) と [外](https://example.com/?a=1&b=2) と [無](#nowhere)。\n\n```kansa-chart\n#legend\t充足\tギャップ\n設備\t47.5%\t52.5%\t47.5%\t対象外 3\n```\n\n## 詳細\n\n### 設備\n\n| 項番 | 基準 |\n|---|---|\n| [](anchor:c-設1)設1 | 本文 [実施済](status:implemented) |\n";

fn options() -> DocxOptions {
    DocxOptions {
        title: "報告書".into(),
        author: "架空銀行".into(),
        lang: "ja".into(),
        date: (2026, 11, 25),
        classification: "社外秘".into(),
        ..Default::default()
    }
}

#[test]
fn structure_styles_links_and_bookmarks() {
    let docx = write_docx(MD, &options()).unwrap();
    let doc = part(&docx, "word/document.xml");
    for style in ["Title", "Heading1", "Heading2", "TOC1", "TableHeading"] {
        assert!(
            doc.contains(&format!("w:pStyle w:val=\"{style}\"")),
            "{style}"
        );
    }
    assert!(doc.contains("<w:tblHeader/>"));
    assert!(doc.contains("<w:cantSplit/>"));
    assert!(doc.contains("TOC \\o"));
    assert!(doc.contains("A&amp;B"), "text escaped:\n{doc}");
    assert!(doc.contains("<w:hyperlink w:anchor=\"c-設1\""));
    assert!(doc.contains("<w:bookmarkStart w:id=\"") && doc.contains("w:name=\"c-設1\""));
    assert!(
        !doc.contains("w:anchor=\"nowhere\""),
        "a link to nowhere is text"
    );
    assert!(
        doc.contains("w:fill=\"DEF2E3\"") && doc.contains("実施済"),
        "badge colour and words"
    );
    assert!(
        doc.contains("w:fill=\"38995C\"") && doc.contains("w:fill=\"D14540\""),
        "chart bars"
    );
    let rels = part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"https://example.com/?a=1&amp;b=2\" TargetMode=\"External\""));
    let styles = part(&docx, "word/styles.xml");
    assert!(
        styles.contains("w:eastAsia=\"BIZ UDGothic\"") && styles.contains("w:eastAsia=\"ja-JP\"")
    );
    assert!(
        doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
        "A4 portrait"
    );
    assert!(doc.contains("w:left=\"1020\""), "18 mm margins");
    assert!(part(&docx, "word/footer1.xml").contains(" PAGE "));
    assert!(part(&docx, "word/header1.xml").contains("社外秘"));
    assert!(part(&docx, "docProps/core.xml").contains("2026-11-25T00:00:00Z"));
}

#[test]
fn same_input_same_bytes() {
    let a = write_docx(MD, &options()).unwrap();
    assert_eq!(a, write_docx(MD, &options()).unwrap());
    assert_eq!(default_reference("ja"), default_reference("ja"));
}

/// A reference docx made from the default one with another font and other margins.
fn other_reference() -> Vec<u8> {
    let base = default_reference("ja");
    let mut files = parts(&base);
    for (name, text) in &mut files {
        if name == "word/styles.xml" {
            *text = text.replace("BIZ UDGothic", "Noto Serif CJK JP");
        }
        if name == "word/document.xml" {
            *text = text.replace("w:left=\"1020\"", "w:left=\"2000\"");
        }
    }
    let files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    package(&files).unwrap()
}

#[test]
fn reference_docx_gives_styles_page_and_header() {
    let reference = Reference::from_docx(&other_reference()).unwrap();
    let mut o = options();
    o.reference = Some(reference);
    let docx = write_docx(MD, &o).unwrap();
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains("Noto Serif CJK JP") && !styles.contains("BIZ UDGothic"));
    let doc = part(&docx, "word/document.xml");
    assert!(doc.contains("w:left=\"2000\""), "the reference's margins");
    assert!(doc.contains("r:id=\"rIdRef1\""));
    let names: Vec<String> = parts(&docx).into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().any(|n| n == "word/refheader1.xml"),
        "{names:?}"
    );
    let plain = write_docx(MD, &options()).unwrap();
    assert_ne!(docx, plain);
}

#[test]
fn bad_reference_docx_says_what_is_wrong() {
    let e = Reference::from_docx(b"not a zip").unwrap_err().to_string();
    assert!(e.contains("not a Word document"), "{e}");
    let only = package(&[("word/document.xml".into(), b"<w:document/>".to_vec())]).unwrap();
    let e = Reference::from_docx(&only).unwrap_err().to_string();
    assert!(e.contains("word/styles.xml"), "{e}");
}

/// Every XML part parses, with matching end tags, back to depth zero.
fn assert_well_formed(docx: &[u8]) {
    use quick_xml::events::Event;
    for (name, text) in parts(docx) {
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut r = quick_xml::Reader::from_str(&text);
        let mut depth = 0i32;
        loop {
            match r.read_event() {
                Ok(Event::Start(_)) => depth += 1,
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name}: {e}"),
            }
        }
        assert_eq!(depth, 0, "{name}");
    }
}

const BLOCKS: &str = "# T\n\n## 一\n\n- a\n- b\n  1. c\n\n> 引用 <script>&\n\n```\ncode\tx\n```\n\n---\n\n<!-- pagebreak -->\n\n**太** *斜* ~~消~~ `符` [x](mailto:a@example.com) https://example.org/a\n\n#### 四 {#h4}\n\n###### 六\n\n```kansa-chart\n空\t—\t—\t—\t対象外 4\n過\t80%\t40%\t80%\n```\n";

#[test]
fn every_block_kind_is_well_formed_xml() {
    for lang in ["ja", "en"] {
        let o = DocxOptions {
            lang: lang.into(),
            ..options()
        };
        let docx = write_docx(BLOCKS, &o).unwrap();
        assert_well_formed(&docx);
        let doc = part(&docx, "word/document.xml");
        assert!(doc.contains("&lt;script&gt;"), "raw HTML is text: {doc}");
        assert!(doc.contains("<w:t xml:space=\"preserve\">•</w:t>") && doc.contains(">1.<"));
        assert!(doc.contains("<w:pStyle w:val=\"Heading3\"/>") && doc.contains("w:name=\"h4\""));
        assert!(
            doc.contains("<w:pStyle w:val=\"Heading4\"/>"),
            "level 6 is Heading 4"
        );
        assert!(doc.contains("<w:br w:type=\"page\"/>"));
        assert!(doc.contains("<w:strike/>") && doc.contains("VerbatimChar"));
        let rels = part(&docx, "word/_rels/document.xml.rels");
        assert!(rels.contains("mailto:a@example.com") && rels.contains("https://example.org/a"));
        let toc = if lang == "ja" { "目次" } else { "Contents" };
        assert!(!doc.contains(toc), "no contents without the marker");
    }
    assert_well_formed(&write_docx(MD, &options()).unwrap());
    assert_well_formed(&default_reference("en"));
    assert_well_formed(&write_docx("", &options()).unwrap());
}

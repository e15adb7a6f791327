//! Typesetting tests on a realistic report: cover, TOC, three sections, a
//! 250-row table of Japanese control texts, a chart and status badges.
//!
//! Set `KANSA_PDF_SAMPLE_OUT=/path/sample.pdf` to keep the sample PDF.

use std::fmt::Write as _;

use super::*;

const STATUSES: [(&str, &str); 6] = [
    ("implemented", "実施済み"),
    ("partial", "一部実施"),
    ("not_implemented", "未実施"),
    ("planned", "計画中"),
    ("not_applicable", "対象外"),
    ("unanswered", "未回答"),
];
const SUBJECTS: [&str; 5] = [
    "情報セキュリティ方針",
    "アクセス制御",
    "物理的セキュリティ",
    "供給者関係",
    "インシデント管理",
];
const VERBS: [&str; 4] = [
    "を定め、経営陣が承認し、関係者に周知する。",
    "について責任者を任命し、定期的にレビューする（年1回以上）。",
    "の手順を文書化し、「記録」を保管すること。",
    "に関するリスクを評価し、ISO/IEC 27002の指針に従って管理策を選定する。",
];
pub(super) const LONG_ROW: usize = 137;
const TITLE: &str = "情報セキュリティ ギャップ分析報告書";
const ORG: &str = "株式会社サンプル製作所";
const HEADER_ROW: &str = "ID管理策状態回答";

pub(super) fn control(i: usize) -> String {
    format!("{}{}", SUBJECTS[i % 5], VERBS[i % 4])
}

pub(super) fn answer(i: usize) -> String {
    if i == LONG_ROW {
        (1..=40).map(|k| format!("（第{k}項）当該管理策の運用状況を確認した結果、記録の保管期間が規程と一致していない。")).collect()
    } else if i.is_multiple_of(7) {
        format!(
            "担当部署へのヒアリングで確認済み。証跡: https://intranet.example.co.jp/isms/evidence/{i:04}/report.pdf"
        )
    } else {
        format!("回答{i}：手順書あり")
    }
}

pub(super) fn sample() -> String {
    let mut md = String::new();
    md.push_str(&format!("# {TITLE}\n\n| 項目 | 内容 |\n|---|---|\n"));
    md.push_str(&format!(
        "| 組織 | {ORG} |\n| カタログ | ISO/IEC 27001:2022 附属書A |\n| 版 | 2022 |\n"
    ));
    md.push_str("| 報告日 | 2025-01-15 |\n| kansa バージョン | 0.1.0 |\n");
    md.push_str("| 回答ファイル (answers.csv) | `3b9955a5e437ffb24c41548e79296fa724822da21ee75dc1b94f6ccdb8f400dd` |\n");
    md.push_str("| カタログ (catalogue.toml) | `9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08` |\n\n");
    md.push_str("<!-- toc -->\n\n## 1. 概要 {#summary}\n\n");
    md.push_str(
        "本報告書は、ISO/IEC 27001:2022 の管理策に対する現状のギャップを分析したものです。\
        全250項目のうち、**充足**は112項目、*ギャップ*は118項目、対象外は20項目でした。\
        詳細は[管理策一覧](#controls)および[設1](#c-設1)を参照してください。\
        参考: [IPA](https://www.ipa.go.jp/security/)。\n\n",
    );
    md.push_str("- 状態の凡例: [実施済み](status:implemented) [一部実施](status:partial) [未実施](status:not_implemented) [対象外](status:not_applicable)\n");
    md.push_str("- 優先度の高い項目は第2章で`status`列が未実施のものです。\n  1. アクセス制御\n  2. 供給者関係\n\n---\n\n");
    md.push_str("### 1.1 カテゴリ別の充足率\n\n```kansa-chart\n#legend\t充足\tギャップ\n");
    md.push_str("組織的管理策\t47.5%\t52.5%\t47.5%\t対象外 2\n人的管理策\t62.5%\t37.5%\t62.5%\t\n");
    md.push_str(
        "物理的管理策\t37.5%\t62.5%\t37.5%\t対象外 4\n技術的管理策\t57.9%\t42.1%\t57.9%\t対象外 1\n空の区分\t—\t—\t—\t対象外 3\n```\n\n",
    );
    md.push_str("| カテゴリ | 項目数 | 充足 | 充足率 |\n|---|--:|--:|--:|\n| 組織的管理策 | 37 | 17 | 45.9% |\n\
        | 人的管理策 | 8 | 5 | 62.5% |\n| 物理的管理策 | 14 | 4 | 28.6% |\n| 技術的管理策 | 34 | 19 | 55.9% |\n\n");
    md.push_str("### 1.2 次のステップ\n\n改善計画を策定し、四半期ごとに進捗を確認する。<!-- pagebreak -->\n\n");
    md.push_str(
        "## 2. 管理策一覧 {#controls}\n\n| ID | 管理策 | 状態 | 回答 |\n|---|---|---|---|\n",
    );
    for i in 1..=250 {
        let (key, label) = STATUSES[i % 6];
        let id = if i <= 5 {
            format!("[設{i}](#c-設{i})")
        } else {
            format!("設{i}")
        };
        let _ = writeln!(
            md,
            "| {id} | {} | [{label}](status:{key}) | {} |",
            control(i),
            answer(i)
        );
    }
    md.push_str("\n## 3. 詳細 {#details}\n\n### 3.1 重点管理策\n\n");
    for i in 1..=5 {
        let _ = write!(
            md,
            "##### 設{i} {} {{#c-設{i}}}\n\n{}<br>担当: 情報システム部\n\n",
            SUBJECTS[i % 5],
            control(i)
        );
    }
    md.push_str("### 3.2 備考\n\nURL の例: https://example.com/a/very/long/path/that/should/break/somewhere/in/the/middle/of/the/line/index.html\n");
    md
}

pub(super) fn options() -> PdfOptions {
    PdfOptions {
        title: TITLE.into(),
        author: ORG.into(),
        subject: "ISO/IEC 27001:2022".into(),
        creator: "kansa 0.1.0".into(),
        lang: "ja".into(),
        date: (2025, 1, 15),
        ..PdfOptions::default()
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Page texts without whitespace, running header/footer and repeated
/// table header rows.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).expect("extract");
    let n = pages.len();
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut s = squash(p);
            for cut in [squash(TITLE) + &squash(ORG), format!("{}/{n}", i + 1)] {
                if let Some(at) = s.rfind(&cut) {
                    s.replace_range(at..at + cut.len(), "");
                }
            }
            s
        })
        .collect()
}

fn render() -> Vec<u8> {
    let pdf = typeset(&sample(), &options()).expect("typeset");
    if let Ok(path) = std::env::var("KANSA_PDF_SAMPLE_OUT") {
        std::fs::write(path, &pdf).expect("write sample");
    }
    pdf
}

#[test]
fn extracted_text_has_every_id_and_row() {
    let pdf = render();
    let pages = page_texts(&pdf);
    assert!(pages.len() > 15, "{} pages", pages.len());
    let all = without_continuations(&pages.concat());
    for i in 1..=250 {
        let (_, label) = STATUSES[i % 6];
        let row = format!("設{i}{}{label}{}", squash(&control(i)), squash(&answer(i)));
        assert!(all.contains(&row), "row {i} not found: {row}");
    }
    assert!(all.contains("3b9955a5e437ffb24c41548e79296fa724822da21ee75dc1b94f6ccdb8f400dd"));
    assert!(pages[1].starts_with("目次"), "TOC on page 2: {}", &pages[1]);
}

#[test]
fn output_is_deterministic() {
    let a = typeset(&sample(), &options()).unwrap();
    let b = typeset(&sample(), &options()).unwrap();
    assert!(a == b, "two runs differ");
    let mut o = options();
    o.date = (2025, 2, 1);
    assert!(typeset(&sample(), &o).unwrap() != a);
}

#[test]
fn missing_glyphs_are_reported_with_context() {
    let font = FontSource::builtin();
    // Neither U+20BB7 𠮷 nor U+1F600 😀 is in IPAex.
    assert_eq!(
        missing_glyphs(&font, "𠮷野家\t😀\n𠮷").unwrap(),
        vec!['𠮷', '😀']
    );
    let md = sample().replace("回答43：手順書あり", "回答43：手順書あり😀");
    match typeset(&md, &options()) {
        Err(PdfError::MissingGlyphs { context, chars }) => {
            assert_eq!(context, "設43");
            assert_eq!(chars, vec!['😀']);
        }
        other => panic!("expected MissingGlyphs, got {:?}", other.map(|b| b.len())),
    }
    let md = sample().replace("四半期ごとに", "四半期😀ごとに");
    let err = typeset(&md, &options()).unwrap_err();
    assert!(
        matches!(&err, PdfError::MissingGlyphs { context, .. } if context == "1.2 次のステップ")
    );
    assert!(err.to_string().contains("U+1F600"), "{err}");
}

/// `text` without the repeated table headers and the marks of continued rows, "(continued)"
/// and the row's id repeated under it (`設12`), so that a split row reads as one.
fn without_continuations(text: &str) -> String {
    let mark = format!("{HEADER_ROW}(continued)");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&mark) {
        out.push_str(&rest[..at]);
        rest = &rest[at + mark.len()..];
        if let Some(id) = rest.strip_prefix('設') {
            rest = id.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    out.push_str(rest);
    out.replace(HEADER_ROW, "")
}

#[test]
fn long_row_splits_and_header_repeats() {
    let pages = page_texts(&render());
    let first = "（第1項）";
    let last = "（第40項）";
    let p = pages
        .iter()
        .position(|t| t.contains(first))
        .expect("long row start");
    assert!(!pages[p].contains(last), "row was not split");
    let q = pages
        .iter()
        .position(|t| t.contains(last))
        .expect("long row end");
    assert!(q > p);
    for page in &pages[p + 1..=q] {
        assert!(
            page.starts_with(&format!("{HEADER_ROW}(continued)設{LONG_ROW}")),
            "header not repeated: {}",
            &page[..60.min(page.len())]
        );
    }
    // The text continues right after the repeated header and the mark, nothing lost.
    let joined = without_continuations(&pages[p..=q].concat());
    assert!(joined.contains(&squash(&answer(LONG_ROW))));
}

#[test]
fn metadata_outline_and_links() {
    let pdf = render();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .unwrap();
    let info = doc.get_dictionary(info).unwrap();
    let text = |k: &[u8]| lopdf::decode_text_string(info.get(k).unwrap()).unwrap();
    assert_eq!(text(b"Title"), TITLE);
    assert_eq!(text(b"Author"), ORG);
    assert_eq!(text(b"Creator"), "kansa 0.1.0");
    assert_eq!(text(b"CreationDate"), "D:20250115000000+00'00'");
    // No empty PDF/X claim or identifier (tools took the file for PDF/X).
    for key in [&b"GTS_PDFXVersion"[..], b"Identifier", b"Keywords"] {
        assert!(info.get(key).is_err(), "{}", String::from_utf8_lossy(key));
    }
    let cat = doc.catalog().unwrap();
    assert_eq!(cat.get(b"Lang").unwrap().as_str().unwrap(), b"ja");
    // XMP metadata, uncompressed, with the same title.
    let xmp = doc
        .get_object(cat.get(b"Metadata").unwrap().as_reference().unwrap())
        .and_then(lopdf::Object::as_stream)
        .unwrap();
    assert!(xmp.dict.get(b"Filter").is_err(), "XMP is not compressed");
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    assert!(
        xmp.contains(&format!("<rdf:li xml:lang=\"x-default\">{TITLE}</rdf:li>")),
        "{xmp}"
    );
    // Outline: three `##` entries, the first with two `###` children.
    let root = doc
        .get_dictionary(cat.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut titles = Vec::new();
    let mut cur = root.get(b"First").and_then(|o| o.as_reference()).ok();
    while let Some(id) = cur {
        let d = doc.get_dictionary(id).unwrap();
        let kids = d.get(b"Count").and_then(|c| c.as_i64()).unwrap_or(0);
        titles.push((
            lopdf::decode_text_string(d.get(b"Title").unwrap()).unwrap(),
            kids,
        ));
        cur = d.get(b"Next").and_then(|o| o.as_reference()).ok();
    }
    assert_eq!(
        titles,
        vec![
            ("1. 概要".to_string(), 2),
            ("2. 管理策一覧".to_string(), 0),
            ("3. 詳細".to_string(), 2)
        ]
    );
    // Link annotations: TOC entries, internal links and the external URL.
    let (mut goto, mut uri) = (0, 0);
    for (_, page) in doc.get_pages() {
        for a in doc.get_page_annotations(page).unwrap_or_default() {
            let act = a.get(b"A").and_then(|o| o.as_dict()).unwrap();
            match act.get(b"S").unwrap().as_name().unwrap() {
                b"GoTo" => goto += 1,
                b"URI" => uri += 1,
                _ => {}
            }
        }
    }
    assert!(goto >= 7 + 7, "goto links: {goto}");
    assert!(uri >= 1, "uri links: {uri}");
}

#[test]
fn toc_page_numbers_match_headings() {
    let pages = page_texts(&render());
    let toc = &pages[1];
    let at = |needle: &str| {
        pages
            .iter()
            .position(|p| p.starts_with(needle))
            .map(|i| i + 1)
    };
    let summary = at("1.概要").expect("summary page");
    let controls = at("2.管理策一覧").expect("controls page");
    assert!(toc.contains(&format!("1.概要{summary}")), "{toc}");
    assert!(toc.contains(&format!("2.管理策一覧{controls}")), "{toc}");
}

#[test]
fn paper_sizes_and_size_budget() {
    let mut o = options();
    let a4 = typeset(&sample(), &o).unwrap();
    assert!(a4.len() < 300 * 1024, "A4 sample is {} bytes", a4.len());
    o.paper = Paper::Letter;
    o.landscape = true;
    let letter = typeset(&sample(), &o).unwrap();
    if let Ok(path) = std::env::var("KANSA_PDF_SAMPLE_OUT") {
        std::fs::write(path + ".letter.pdf", &letter).expect("write sample");
    }
    let doc = lopdf::Document::load_mem(&letter).unwrap();
    let (_, first) = doc.get_pages().into_iter().next().unwrap();
    let mb = doc
        .get_dictionary(first)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let nums: Vec<f32> = mb.iter().map(|o| o.as_float().unwrap()).collect();
    assert_eq!(nums, vec![0.0, 0.0, 792.0, 612.0]);
}

#[test]
fn edge_cases_typeset() {
    let long = "x".repeat(400);
    let cases = [
        String::new(),
        "## Only a section\n\ntext".to_string(),
        "# Title only".to_string(),
        "<!-- toc -->\n".to_string(),
        format!("## {long}\n\n| a |\n|---|\n| {long} |\n\n- [bad](#nowhere) *em* ~~s~~ `c`\n  - nested\n    1. deep"),
        "| a | b | c |\n|---|:-:|--:|\n| 1 |\n| 1 | 2 | 3 | 4 |\n".to_string(),
        "```kansa-chart\nonly\tbad\n\n#legend\nx\t200\t50\t0\n```\n\n```\n  code\n```\n> quote\n\n***\n".to_string(),
        format!("## T\n\n| id | s |\n|---|---|\n| 1 | [{}](status:partial) |\n", "長".repeat(80)),
    ];
    let mut o = options();
    o.lang = "en".into();
    o.author = String::new();
    for md in &cases {
        let pdf = typeset(md, &o).unwrap_or_else(|e| panic!("{md:?}: {e}"));
        let doc = lopdf::Document::load_mem(&pdf).expect("valid PDF");
        assert!(!doc.get_pages().is_empty());
    }
}

#[test]
fn chunked_parsing_matches_whole_document() {
    let md = "# Cover\n\ntext\n\n### Not a split (before the first ##)\n\n## One\n\npara\n\n\
              ```\n\n## inside a fence\n```\n\n<!-- a comment\n\n## inside a comment\n-->\n\n\
              ### Two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Three\nno blank before:\n## Four\n\n\
              ~~~~\n## tilde fence\n~~~~\n\n####### not a heading\n\n### Five\n";
    let parts = super::chunks(md);
    assert_eq!(parts.concat(), md, "chunks cover the input exactly");
    let starts: Vec<&str> = parts.iter().map(|p| p.lines().next().unwrap()).collect();
    assert_eq!(
        starts,
        ["# Cover", "## One", "### Two", "## Three", "### Five"],
        "split only at ## / ### lines after a blank line, outside fences and comments"
    );
    let whole = super::parse::parse(md).blocks;
    let pieces: Vec<_> = parts
        .iter()
        .flat_map(|p| super::parse::parse(p).blocks)
        .collect();
    assert_eq!(whole, pieces);
}

/// A writer that fails after `room` bytes, as a full disk does.
struct FullDisk {
    room: usize,
    written: Vec<u8>,
}

impl std::io::Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written.len() + buf.len() > self.room {
            return Err(std::io::Error::other("no space left on device"));
        }
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn streamed_pdf_is_the_same_file_and_nothing_is_written_on_failure() {
    // Large reports are serialized straight to the output (issue 11): the bytes must be those
    // of the in-memory PDF.
    let whole = typeset(&sample(), &options()).unwrap();
    let mut streamed = Vec::new();
    typeset_to(sample(), &options(), &mut streamed).unwrap();
    assert!(
        streamed == whole,
        "streamed PDF differs from the in-memory one"
    );

    // A typesetting error is found before the first byte is written.
    let mut out = FullDisk {
        room: usize::MAX,
        written: Vec::new(),
    };
    let md = sample().replace("回答43：手順書あり", "回答43：手順書あり😀");
    let err = typeset_to(md, &options(), &mut out).unwrap_err();
    assert!(matches!(err, PdfError::MissingGlyphs { .. }), "{err}");
    assert!(
        out.written.is_empty(),
        "{} bytes written",
        out.written.len()
    );

    // A failing writer is an output error (the caller names the file), not a PDF error.
    let mut out = FullDisk {
        room: 1000,
        written: Vec::new(),
    };
    match typeset_to(sample(), &options(), &mut out) {
        Err(PdfError::Output(e)) => assert!(e.to_string().contains("no space"), "{e}"),
        other => panic!("expected PdfError::Output, got {other:?}"),
    }
}

/// The base font names embedded in `pdf`.
fn embedded_fonts(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut names: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type0"))
        .filter_map(|d| d.get(b"BaseFont").and_then(|n| n.as_name()).ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn bold_text_uses_the_bold_face_and_missing_characters_the_fallback() {
    // A character BIZ UDPGothic lacks and IPAex Gothic has.
    let mut family = crate::font::Font::load(&FontSource::builtin()).unwrap();
    let rare = ('\u{3400}'..='\u{9fff}')
        .find(|c| family.pick(*c, crate::font::Look::default()).0 == crate::font::Slot::Fallback)
        .expect("a CJK character only the fallback has");
    let md = format!("## 見出し\n\n本文 **強調** と `code 01` と {rare}\n");
    let pdf = typeset(&md, &PdfOptions::default()).unwrap();
    assert_eq!(
        embedded_fonts(&pdf),
        [
            "KANSAB+BIZUDPGothic-Bold",
            "KANSAF+IPAexGothic",
            "KANSAM+BIZUDGothic-Regular",
            "KANSAR+BIZUDPGothic-Regular"
        ]
    );
    let text = page_texts(&pdf).concat();
    assert!(
        text.contains(rare) && text.contains("強調") && text.contains("code01"),
        "{text}"
    );
    // Missing only when no font of the chain has it.
    assert!(
        missing_glyphs(&FontSource::builtin(), &format!("{rare}設"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        missing_glyphs(&FontSource::builtin(), "😀").unwrap(),
        ['😀']
    );
}

#[test]
fn a_font_given_replaces_the_body_face_and_keeps_the_fallback() {
    let ipaex = FontSource {
        bytes: std::borrow::Cow::Owned(
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/fonts/ipaexg.ttf"
            ))
            .unwrap(),
        ),
        index: 0,
    };
    let options = PdfOptions {
        font: ipaex,
        ..PdfOptions::default()
    };
    let pdf = typeset("## 見出し\n\n本文 **強調**\n", &options).unwrap();
    // The given font draws everything, bold by stroking its outlines (it has no bold cut).
    assert_eq!(embedded_fonts(&pdf), ["KANSAR+IPAexGothic"]);
}

/// Text-showing operators outside any marked-content sequence, and whether every sequence
/// is closed, over all pages of `pdf`.
fn unmarked_text(pdf: &[u8]) -> (usize, bool) {
    let doc = lopdf::Document::load_mem(pdf).expect("valid PDF");
    let mut unmarked = 0;
    let mut balanced = true;
    for page in doc.get_pages().values() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(*page)).unwrap();
        let mut depth = 0i32;
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => depth += 1,
                "EMC" => depth -= 1,
                "Tj" | "TJ" if depth == 0 => unmarked += 1,
                _ => {}
            }
            balanced &= depth >= 0;
        }
        balanced &= depth == 0;
    }
    (unmarked, balanced)
}

#[test]
fn every_block_kind_is_tagged_or_an_artifact() {
    // Every block kind, nested; a link wrapping over lines and inside a table cell; a row split
    // across pages; a repeated header; a badge; a chart; sign-off boxes; a right-set block.
    let long = "長い回答です。".repeat(120);
    let link =
        "[a link whose text wraps over more than one line of the page](https://example.org/x)";
    let md = format!(
        "```kansa-right\n社外秘\n```\n\n# Title\n\n```kansa-signoff\n作成\t山田\t2026-01-01\n確認\t\t\n```\n\n<!-- toc -->\n\n\
         ## Section {link}\n\n> quoted **bold** `code`\n>\n> - item\n>   1. nested\n\n\
         ### Table\n\n| id | text |\n|---|---|\n| [](anchor:r1)1 | {link} {link} |\n| 2 | {long} |\n| 3 | [x](status:partial) [r1](#r1) |\n\n\
         ```kansa-chart\n#legend\tA\tB\nrow\t40\t60\t40%\tn/a 3\nempty\t—\t—\t—\t\n```\n\n```\ncode block\n```\n\n***\n"
    );
    for lang in ["ja", "en"] {
        let o = PdfOptions {
            lang: lang.into(),
            classification: "社外秘".into(),
            ..options()
        };
        let pdf = typeset(&md, &o).unwrap();
        let (unmarked, balanced) = unmarked_text(&pdf);
        assert_eq!(unmarked, 0, "{lang}: text outside marked content");
        assert!(balanced, "{lang}: unbalanced BDC/EMC");
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert!(
            doc.get_pages().len() >= 3,
            "the long row splits across pages"
        );
    }
}

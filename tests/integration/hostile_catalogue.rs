//! Hostile cases for catalogue input, grouping of sections / 基準大項目 / 中項目, and how every format shows them.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

use std::collections::BTreeSet;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::hostile::{
    HINT, assert_nothing_written, case_dir, case_inputs, copy_dir, err, listing, md_headings,
    report_to_file,
};
use crate::{kansa, outcome, root};

/// Corpus folders whose outcome is pinned by a test in this file.
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

// ---------------------------------------------------------------------------------------------
// Located errors

crate::hostile::error_cases! {
/// Catalogue and `catalogue.toml` problems are located errors: exit 2, file:line:column, the
/// value, a hint, nothing written (`validate` and `report -o`): one test each.
CATALOGUE_ERRORS = [
    cat_toml_unknown_key: err(
        "cat-toml-unknown-key",
        &[
            "cat-toml-unknown-key/catalogue/catalogue.toml:3:1: invalid catalogue metadata: unknown field `edtion`",
            "expected one of `id`, `name`, `name_en`, `edition`",
            HINT,
        ],
    ),
    cat_toml_section_typo: err(
        "cat-toml-section-typo",
        &[
            "cat-toml-section-typo/catalogue/catalogue.toml:4:3: invalid catalogue metadata: unknown field `section`",
            "`sections`",
            HINT,
        ],
    ),
    cat_header_only: err(
        "cat-header-only",
        &[
            "cat-header-only/catalogue/controls.csv:1:1: the catalogue has no controls \"id,section,major,middle,text\"",
            "hint: add one row per control under the header row",
        ],
    ),
    cat_blank_rows_only: err(
        "cat-blank-rows-only",
        &[
            "cat-blank-rows-only/catalogue/controls.csv:1:1: the catalogue has no controls",
            HINT,
        ],
    ),
    cat_empty_ids: err(
        "cat-empty-ids",
        &[
            "cat-empty-ids/catalogue/controls.csv:3:1 (id): empty id \"\"",
            "cat-empty-ids/catalogue/controls.csv:4:1 (id): empty id \"  \"",
            "hint: every control needs an id",
            "2 problems found",
        ],
    ),
    cat_duplicate_ids: err(
        "cat-duplicate-ids",
        &[
            "cat-duplicate-ids/catalogue/controls.csv:4:1 (id): duplicate id \"A‐1\"",
            "hint: already defined on line 2 (both read as \"A-1\"",
            "cat-duplicate-ids/catalogue/controls.csv:5:1 (id): duplicate id \"A２\"",
            "hint: already defined on line 3",
        ],
    ),
]
}

/// A catalogue with a header and no controls used to report 100.0% coverage with exit 0: now
/// every command that loads it fails, `init` included, and writes nothing.
#[test]
fn an_empty_catalogue_fails_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = case_dir("cat-header-only").join("catalogue");
    let out = kansa()
        .args(["init", "--catalogue"])
        .arg(&catalogue)
        .arg("-o")
        .arg(dir.path().join("answers.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert_nothing_written("cat-header-only (init)", dir.path());
    let out = kansa()
        .args(["report", "-f", "json", "--catalogue"])
        .arg(&catalogue)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(out.stdout.is_empty(), "no partial report on stdout");
}

// ---------------------------------------------------------------------------------------------
// Grouping

/// `cat-interleaved-groups`: 設1, 運1, 技1, 設2, ... One group per distinct section, 基準大項目
/// and 中項目, in order of first appearance, with the totals of all its controls, in every
/// format (they used to get one row per run, each with the whole group's totals).
#[test]
fn interleaved_groups_are_one_group_each_in_every_format() {
    let case = "cat-interleaved-groups";
    let report = json(case);
    let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        outline(&report),
        vec![
            (
                "設備".to_owned(),
                vec![(
                    "建物".to_owned(),
                    vec![
                        ("環境".to_owned(), own(&["設1", "設3"])),
                        ("周囲".to_owned(), own(&["設2"]))
                    ]
                )]
            ),
            (
                "運用".to_owned(),
                vec![
                    (
                        "体制".to_owned(),
                        vec![("規程".to_owned(), own(&["運1", "運2"]))]
                    ),
                    ("管理".to_owned(), vec![("記録".to_owned(), own(&["運3"]))]),
                ]
            ),
            (
                "技術".to_owned(),
                vec![(
                    "暗号".to_owned(),
                    vec![("鍵".to_owned(), own(&["技1", "技2"]))]
                )]
            ),
        ]
    );
    let totals: Vec<(u64, u64)> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["totals"]["total"].as_u64().unwrap(),
                s["totals"]["met"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(totals, [(3, 2), (3, 0), (2, 1)]);
    // The gap list stays in catalogue order.
    let gaps: Vec<&str> = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(gaps, ["運1", "設2", "運2", "技2", "運3"]);

    let md = text(case, "md");
    for row in [
        "| 設備 | 3 | 3 | 2 | 1 | 0 | 66.7% |",
        "| 運用 | 3 | 3 | 0 | 3 | 0 | 0.0% |",
        "| 技術 | 2 | 2 | 1 | 1 | 0 | 50.0% |",
        "| 設備 | 建物 | 3 | 2 | 1 | 66.7% |",
        "| 運用 | 体制 | 2 | 0 | 2 | 0.0% |",
        "| 運用 | 管理 | 1 | 0 | 1 | 0.0% |",
        "| 技術 | 暗号 | 2 | 1 | 1 | 50.0% |",
    ] {
        assert_eq!(count_lines(&md, row), 1, "{row} once in:\n{md}");
    }
    let details: Vec<String> = md_headings(&md)
        .into_iter()
        .skip_while(|h| !h.starts_with("H2 対策項目ごとの回答"))
        .filter(|h| h.starts_with("H3") || h.starts_with("H4") || h.starts_with("H5"))
        .map(|h| h.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        details,
        [
            "H3 設備",
            "H4 建物",
            "H5 設1",
            "H5 設3",
            "H4 建物",
            "H5 設2",
            "H3 運用",
            "H4 体制",
            "H5 運1",
            "H5 運2",
            "H4 管理",
            "H5 運3",
            "H3 技術",
            "H4 暗号",
            "H5 技1",
            "H5 技2",
        ],
        "details grouped as the outline"
    );
    assert_eq!(count_lines(&md, "#### 建物 / 環境"), 1);
    assert_eq!(count_lines(&md, "#### 建物 / 周囲"), 1);

    let html = text(case, "html");
    assert_eq!(html.matches("<tr><td><a href=\"#section-").count(), 3);
    for anchor in ["section-1", "section-2", "section-3", "c-設1", "c-設3"] {
        assert_eq!(
            html.matches(&format!("id=\"{anchor}\"")).count(),
            1,
            "{anchor}"
        );
    }
    assert!(!html.contains("section-4"));
    assert_eq!(
        html.matches("<td class=\"num\">66.7%</td>").count(),
        2,
        "設備 once by section, 建物 once by major"
    );

    let (_, dir) = render(case, "xlsx", &[]);
    let sheets = workbook_cells(&dir.path().join("report.xlsx"));
    let summary = &sheets[0].1;
    let firsts: Vec<&str> = summary
        .iter()
        .filter(|(_, c, _)| *c == 0)
        .map(|(_, _, v)| v.as_str())
        .filter(|v| ["設備", "運用", "技術"].contains(v))
        .collect();
    assert_eq!(
        firsts,
        ["設備", "運用", "技術"],
        "summary sheet: one row each"
    );
    // The chart's categories are the by-section rows: three of them.
    let zip = std::fs::read(dir.path().join("report.xlsx")).unwrap();
    let chart = unzip_member(&zip, "xl/charts/chart1.xml");
    let refs: Vec<&str> = chart
        .split("<c:f>")
        .skip(1)
        .map(|s| s.split("</c:f>").next().unwrap())
        .collect();
    let rows = |r: &str| -> u32 {
        let (from, to) = r.rsplit_once('!').unwrap().1.split_once(':').unwrap();
        let row = |cell: &str| cell.rsplit('$').next().unwrap().parse::<u32>().unwrap();
        row(to) - row(from) + 1
    };
    assert_eq!(refs.len(), 2, "categories and values: {refs:?}");
    assert!(
        refs.iter().all(|r| rows(r) == 3),
        "chart over three rows: {refs:?}"
    );

    let (pdf, _dir) = render(case, "pdf", &[]);
    let pdf = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert_eq!(
        pdf.matches("66.7%").count(),
        5,
        "設備 once each: contents, chart, by section, by major (建物), details heading:\n{pdf}"
    );
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

/// `cat-zero-width-section`: three controls in `Sec\u{200B}A`, one in `SecA`. Two sections
/// (the view compared an escaped name with a raw one, and gave each control its own section).
#[test]
fn a_section_with_a_zero_width_character_is_one_section() {
    let case = "cat-zero-width-section";
    let report = json(case);
    let sections: Vec<(String, usize)> = outline(&report)
        .into_iter()
        .map(|(name, majors)| {
            let n = majors
                .iter()
                .flat_map(|m| &m.1)
                .map(|mid| mid.1.len())
                .sum();
            (name, n)
        })
        .collect();
    assert_eq!(
        sections,
        [("Sec[U+200B]A".to_owned(), 3), ("SecA".to_owned(), 1)]
    );
    let md = text(case, "md");
    assert_eq!(count_lines(&md, "### Sec\\[U+200B\\]A"), 1, "{md}");
    assert_eq!(
        count_lines(&md, "| Sec\\[U+200B\\]A | 3 | 3 | 1 | 2 | 0 | 33.3% |"),
        1
    );
    assert_eq!(count_lines(&md, "### SecA"), 1);
}

// ---------------------------------------------------------------------------------------------
// Catalogue columns and metadata

/// `cat-extra-columns`: the catalogue's own columns (Reference, Level) are kept and shown in
/// md, html, json, pdf, xlsx and the pack's CSV exports; the overlay's `Level` wins where given.
#[test]
fn catalogue_extra_columns_reach_every_output() {
    let case = "cat-extra-columns";
    let report = json(case);
    assert_eq!(
        report["extra_columns"],
        serde_json::json!(["Reference", "Level", "Cost centre"])
    );
    let extras = |id: &str| -> Vec<String> {
        let all = report["sections"][0]["majors"][0]["middles"][0]["controls"]
            .as_array()
            .unwrap();
        let c = all.iter().find(|c| c["id"] == id).unwrap();
        c["extra"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| format!("{}={}@{}", x["name"], x["value"], x["source"]).replace('"', ""))
            .collect()
    };
    assert_eq!(
        extras("A1"),
        [
            "Reference=ISO 27001 A.5.1@extra",
            "Level=high@extra",
            "Cost centre=CC-1@cat-extra-columns/answers.csv"
        ]
    );
    assert_eq!(extras("A2"), ["Level=medium@cat-extra-columns/answers.csv"]);
    assert_eq!(extras("A3"), ["Reference=NIST AC-2@extra"]);

    let md = text(case, "md");
    assert!(
        md.contains("| Reference | ISO 27001 A.5.1 | extra |"),
        "{md}"
    );
    assert!(md.contains("| Level | medium | cat-extra-columns/answers.csv |"));
    let html = text(case, "html");
    assert!(html.contains("<dt>Reference</dt><dd>NIST AC-2<span class=\"src\">extra</span>"));
    let (pdf, _dir) = render(case, "pdf", &[]);
    let pdf = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(pdf.contains("NIST AC-2"), "{pdf}");

    let (_, dir) = render(case, "xlsx", &[]);
    let sheets = workbook_cells(&dir.path().join("report.xlsx"));
    let (_, all) = sheets.last().unwrap();
    let header: Vec<&str> = all
        .iter()
        .filter(|(r, _, _)| *r == 0)
        .map(|(_, _, v)| v.as_str())
        .collect();
    let col = header.iter().position(|h| *h == "Reference").unwrap();
    assert!(
        all.iter()
            .any(|(r, c, v)| *r == 1 && *c == col && v == "ISO 27001 A.5.1"),
        "every-control sheet holds the catalogue's value"
    );

    let (_work, pack) = pack_case(case);
    let merged = std::fs::read_to_string(pack.join("answers-merged.csv")).unwrap();
    assert!(
        merged.contains(",Reference,Level,Cost centre,"),
        "header: {merged}"
    );
    assert!(merged.contains(",ISO 27001 A.5.1,high,CC-1,"), "{merged}");
    let gaps = std::fs::read_to_string(pack.join("gaps.csv")).unwrap();
    assert!(gaps.contains(",NIST AC-2,"), "{gaps}");
}

/// `cat-japanese-headers`: 項番 / 区分 / 基準大項目 / 中項目 / 小項目 name the catalogue's columns
/// (they were ignored: every control fell in one unnamed section).
#[test]
fn japanese_catalogue_headers_are_read() {
    let report = json("cat-japanese-headers");
    let own = |v: &str| v.to_owned();
    assert_eq!(
        outline(&report),
        vec![
            (
                own("設備"),
                vec![(own("建物"), vec![(own("環境"), vec![own("設1")])])]
            ),
            (
                own("運用"),
                vec![(own("体制"), vec![(own("規程"), vec![own("運1")])])]
            ),
        ]
    );
    assert_eq!(report["extra_columns"], serde_json::json!([]));
    assert_eq!(
        report["sections"][0]["majors"][0]["middles"][0]["controls"][0]["text"],
        "災害の少ない地域を選ぶこと。"
    );
}

/// `cat-toml-shift-jis`: a Shift_JIS `catalogue.toml` is decoded as overlays are (it became
/// mojibake), its sections' English names included.
#[test]
fn a_shift_jis_catalogue_toml_is_decoded() {
    let case = "cat-toml-shift-jis";
    let md = text(case, "md");
    assert!(md.contains("| 基準 | 安全対策基準 |"), "{md}");
    assert!(!md.contains('\u{FFFD}'), "no replacement character");
    let (en, _dir) = render(case, "md", &["--lang", "en"]);
    let en = String::from_utf8(en).unwrap();
    assert!(en.contains("| Facilities | 1 |"), "{en}");
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// Every Markdown construct in `md` that is not a paragraph, heading, table, line break or
/// kansa's own anchor / code span (digests): emphasis, strikethrough, math, lists, quotes,
/// images, links other than to an anchor.
fn markup_from_input(md: &str) -> Vec<String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    let mut out = Vec::new();
    for e in Parser::new_ext(md, options) {
        match e {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('#') => {}
            Event::Start(
                t @ (Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Image { .. }
                | Tag::Link { .. }),
            ) => out.push(format!("{t:?}")),
            e @ (Event::InlineMath(_) | Event::DisplayMath(_)) => out.push(format!("{e:?}")),
            _ => {}
        }
    }
    out
}

/// `cat-markdown-ids`: ids, section / 基準大項目 / 中項目 names and control texts full of Markdown
/// (`*A*`, `_A_`, `~~B~~`, `$E$`, `**S**`, `- M`, `1. m`, `# M`, `&lt;b&gt;`) are text in the
/// Markdown report, the summary and the tickets (`*A*` printed in italics); HTML anchors stay
/// valid and unique (`*A*` and `_A_` both sanitise to `c-_A_`).
#[test]
fn markdown_in_catalogue_text_is_literal() {
    let case = "cat-markdown-ids";
    let md = text(case, "md");
    assert_eq!(markup_from_input(&md), Vec::<String>::new(), "{md}");
    let headings: BTreeSet<String> = md_headings(&md).into_iter().collect();
    for h in [
        "H3 **S**",
        "H3 `T`",
        "H3 = U",
        "H4 - M / 1. m",
        "H4 # M / > m",
        "H5 *A* _emphasised_ text with ~~strike~~ and $math$.",
        "H5 _A_ &lt;b&gt; and &amp; entities.",
        "H5 ~~B~~ [link](https://example.org) and ![img](https://example.org/x.png).",
        "H5 C&amp;D plain.",
        "H5 $E$ <b>bold</b> text.",
    ] {
        assert!(headings.contains(h), "heading {h:?} missing: {headings:?}");
    }
    for link in [
        "[\\*A\\*](#c-_A_)",
        "[\\_A\\_](#c-_A_-2)",
        "[\\~\\~B\\~\\~](#c-__B__)",
    ] {
        assert!(md.contains(link), "{link} in the gap list");
    }

    let html = text(case, "html");
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "HTML ids unique: {ids:?}");
    for id in &ids {
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_'),
            "HTML id {id:?}"
        );
    }
    for href in html.split("href=\"#").skip(1) {
        let target = href.split('"').next().unwrap();
        assert!(
            unique.contains(target),
            "link to a missing anchor #{target}"
        );
    }
    assert!(html.contains("<span class=\"id\">*A*</span>"));

    let (_work, pack) = pack_case(case);
    let summary = std::fs::read_to_string(pack.join("summary.md")).unwrap();
    let strong = markup_from_input(&summary)
        .into_iter()
        .filter(|m| m != "Strong" && m != "List(None)")
        .collect::<Vec<_>>();
    assert_eq!(
        strong,
        Vec::<String>::new(),
        "only kansa's own bold and list: {summary}"
    );
    assert!(summary.contains("- \\*\\*S\\*\\*: 0.0%"), "{summary}");
    assert!(summary.contains("- \\= U: 0.0%"), "{summary}");
    let tickets = listing(&pack.join("tickets"));
    assert_eq!(
        tickets,
        ["gap-_A_-2.md", "gap-_A_.md", "gap-_E_.md", "gap-__B__.md"]
    );
    for t in &tickets {
        let body = std::fs::read_to_string(pack.join("tickets").join(t)).unwrap();
        let markup: Vec<String> = markup_from_input(&body)
            .into_iter()
            .filter(|m| !m.starts_with("Link"))
            .collect();
        assert_eq!(markup, Vec::<String>::new(), "{t}:\n{body}");
        let first = md_headings(&body).into_iter().next().unwrap();
        assert!(first.starts_with("H1 [md-ids:"), "{t}: {first}");
    }
    let ticket = std::fs::read_to_string(pack.join("tickets/gap-_A_.md")).unwrap();
    assert!(
        md_headings(&ticket)[0]
            == "H1 [md-ids:*A*] *A* _emphasised_ text with ~~strike~~ and $math$.",
        "{ticket}"
    );
    assert!(
        ticket.contains("[report.html#c-\\_A\\_](../report.html#c-_A_)"),
        "{ticket}"
    );
}

/// `kansa catalogue show` groups as the reports do: one heading per distinct
/// section / 基準大項目 / 中項目, however the catalogue interleaves them.
#[test]
fn catalogue_show_groups_interleaved_rows_once() {
    let out = crate::kansa()
        .args([
            "catalogue",
            "show",
            "tests/fixtures/hostile/cat-interleaved-groups/catalogue",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::outcome(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("# ")).collect();
    let distinct: std::collections::BTreeSet<&&str> = headings.iter().collect();
    assert_eq!(headings.len(), distinct.len(), "repeated headings:\n{text}");
    let at = |id: &str| text.find(&format!("\n{id}\t")).unwrap();
    // 設3 shares 設1's 中項目 (環境), so it is listed under the same heading, before 設2 (周囲).
    assert!(at("設1") < at("設3") && at("設3") < at("設2"), "{text}");
}

/// Regression (B10): `--templates DIR` skipped entries that are not regular files without a
/// word (a subdirectory `ja/report.md`, a dangling symlink or a directory named `report.md`)
/// and used the built-in template. Each is now an error naming the entry; dot files are
/// still skipped.
#[test]
fn templates_entries_that_are_not_files_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("ok.csv");
    std::fs::write(&answers, "id,status\n運10-1,implemented\n").unwrap();
    let subdir = tmp.path().join("t1");
    std::fs::create_dir_all(subdir.join("ja")).unwrap();
    std::fs::write(subdir.join("ja/report.md"), "CUSTOM\n").unwrap();
    let named_dir = tmp.path().join("t3");
    std::fs::create_dir_all(named_dir.join("report.md")).unwrap();
    let mut cases = vec![(subdir, "ja"), (named_dir, "report.md")];
    #[cfg(unix)]
    {
        let dangling = tmp.path().join("t2");
        std::fs::create_dir_all(&dangling).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("nonexistent"), dangling.join("report.md"))
            .unwrap();
        cases.push((dangling, "report.md"));
    }
    for (dir, entry) in cases {
        let out_dir = tempfile::tempdir().unwrap();
        let target = out_dir.path().join("r.md");
        let out = kansa()
            .args(["report", "--answers"])
            .arg(&answers)
            .arg("--templates")
            .arg(&dir)
            .arg("-o")
            .arg(&target)
            .output()
            .unwrap();
        let text = crate::hostile::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
        assert!(
            text.contains(entry) && text.contains("top level"),
            "{}: {text}",
            dir.display()
        );
        assert!(listing(out_dir.path()).is_empty(), "{text}");
    }
    // Hidden entries, even directories, are still skipped.
    let hidden = tmp.path().join("t4");
    std::fs::create_dir_all(hidden.join(".git")).unwrap();
    std::fs::write(hidden.join(".DS_Store"), "x").unwrap();
    std::fs::write(hidden.join("report.md"), "CUSTOM\n").unwrap();
    let out = kansa()
        .args(["report", "--answers"])
        .arg(&answers)
        .arg("--templates")
        .arg(&hidden)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("CUSTOM"));
}

/// Regression (B4): a catalogue column `status` / `owner` (or 担当) gave gaps.csv and
/// answers-merged.csv two columns of that name; now the pack stops with a located error and
/// writes nothing.
#[test]
fn a_catalogue_column_named_like_an_answer_column_stops_the_pack() {
    let (tmp, out) = pack_of(
        "id,section,major,middle,text,status,担当\nA1,S,M,m,t,cat-status,cat-owner\n",
        "id,status,owner\nA1,not_implemented,alice\n",
    );
    let text = crate::hostile::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    for needle in [
        "controls.csv:1:6",
        "controls.csv:1:7",
        "\"status\"",
        "\"担当\"",
        "rename",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(!tmp.path().join("out").exists(), "{text}");
}

/// Regression (B1): invisible and bidi characters of section names reached `kansa init
/// --format xlsx` tab names raw (two tabs that look alike, one with U+202E) and `kansa
/// catalogue show` printed them raw. Both now show them as the reports do.
#[test]
fn invisible_characters_in_section_names_are_shown_in_tabs_and_listings() {
    let tmp = tempfile::tempdir().unwrap();
    let cat = tmp.path().join("cat");
    std::fs::create_dir_all(&cat).unwrap();
    std::fs::write(cat.join("catalogue.toml"), "id = \"r1\"\nname = \"R1\"\n").unwrap();
    std::fs::write(
        cat.join("controls.csv"),
        "id,section,major,middle,text\nA1,SecA,M,m,t\nA2,Sec\u{2060}A,M,m,t\nA3,x\u{202E}evil,M,m,t\u{200B}x\n",
    )
    .unwrap();
    let target = tmp.path().join("init.xlsx");
    let out = kansa()
        .args(["init", "--format", "xlsx", "--catalogue"])
        .arg(&cat)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let workbook = unzip_member(&std::fs::read(&target).unwrap(), "xl/workbook.xml");
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert!(names.contains(&"SecA"), "{names:?}");
    assert!(names.contains(&"Sec(U+2060)A"), "{names:?}");
    assert!(names.contains(&"x(U+202E)evil"), "{names:?}");
    for name in &names {
        assert!(
            !name.chars().any(|c| "[]:*?/\\\u{2060}\u{202E}".contains(c)),
            "{name:?}"
        );
        assert!(name.chars().count() <= 31, "{name:?}");
    }
    let out = kansa()
        .args(["catalogue", "show"])
        .arg(&cat)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains(['\u{2060}', '\u{202E}', '\u{200B}']),
        "{text}"
    );
    for shown in ["Sec[U+2060]A", "x[U+202E]evil", "t[U+200B]x"] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
}

/// Regression (B5): pack tickets left out the catalogue's and overlays' extra columns, which
/// report.md shows; they are now rows of the ticket's table, escaped as in the report.
#[test]
fn tickets_show_catalogue_and_overlay_extra_columns() {
    let (tmp, out) = pack_of(
        "id,section,major,middle,text,Level\nA1,S,M,m,t,high|<b>x</b>\n",
        "id,status,Ticket\nA1,planned,JIRA-7\n",
    );
    assert!(out.status.success(), "{}", outcome(&out));
    let ticket = std::fs::read_to_string(tmp.path().join("out/p/tickets/gap-A1.md")).unwrap();
    let row = |name: &str| {
        ticket
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no {name} row:\n{ticket}"))
            .to_owned()
    };
    assert!(row("Ticket").contains("JIRA-7"), "{ticket}");
    let level = row("Level");
    assert!(level.contains("high"), "{level}");
    // The cell's pipe and markup are escaped: the row keeps its two columns, no HTML tag.
    assert!(!level.contains("<b>"), "{level}");
    assert_eq!(crate::hostile::cell_pipes(&level), 3, "{level}");
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

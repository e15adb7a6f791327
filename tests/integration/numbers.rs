//! "Numbers that add up" (issue 13): every summary table's columns sum to its 合計 row, a
//! group with nothing applicable shows "—" (null in JSON) in every format, no row of zeros,
//! and the chart bars are the coverage they are labelled with. Checked on the shipped example
//! and on a small catalogue made here: three sections, one all not applicable (Beta), no
//! `shared` responsibility, three unassigned controls.

use std::path::PathBuf;

use crate::{example_report, kansa, outcome};

const CATALOGUE: &str = "id,section,major,middle,text\n\
A1,Alpha,M1,m,one\nA2,Alpha,M1,m,two\nA3,Alpha,M2,m,three\nA4,Alpha,M2,m,four\n\
B1,Beta,N1,m,five\nB2,Beta,N1,m,six\n\
C1,Gamma,P1,m,seven\nC2,Gamma,P1,m,eight\nC3,Gamma,P2,m,nine\n";

/// 3 met (A1, A4, C3), 3 gaps (A2 overdue, C1, C2 unanswered), 3 not applicable (A3, B1, B2).
const ANSWERS: &str = "id,status,responsibility,due\n\
A1,implemented,customer,\nA2,partial,customer,2026-01-01\nA3,not_applicable,customer,\n\
A4,inherited,provider,\nB1,not_applicable,provider,\nB2,not_applicable,,\n\
C1,planned,,2027-01-01\nC3,implemented,provider,\n";

/// The synthetic catalogue and answers, written into a temporary directory.
struct Synthetic {
    dir: tempfile::TempDir,
}

impl Synthetic {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("controls.csv"), CATALOGUE).unwrap();
        std::fs::write(dir.path().join("answers.csv"), ANSWERS).unwrap();
        Synthetic { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `kansa report` of the synthetic inputs in `format` and `lang`, to a file; its bytes.
    fn report(&self, format: &str, lang: &str) -> Vec<u8> {
        let out_file = self.path(&format!("report-{lang}.{format}"));
        let out = kansa()
            .args([
                "report",
                "--date",
                "2026-11-25",
                "--lang",
                lang,
                "--catalogue",
            ])
            .arg(self.path("controls.csv"))
            .arg("--answers")
            .arg(self.path("answers.csv"))
            .arg("-o")
            .arg(&out_file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", outcome(&out));
        std::fs::read(out_file).unwrap()
    }
}

/// A Markdown table: header cells and body rows (`**` removed).
#[derive(Debug)]
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    // No cell of these tables holds an escaped `\|` (section and group names here have none).
    inner
        .split('|')
        .map(|c| c.trim().replace("**", ""))
        .collect()
}

/// Every table of `md` between the `## {summary}` heading and the next `## ` heading.
fn summary_tables(md: &str, summary: &str) -> Vec<Table> {
    let start = md
        .find(&format!("\n## {summary}\n"))
        .expect("summary heading");
    let rest = &md[start + 4..];
    let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut tables = Vec::new();
    let mut lines = body.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with('|') && lines.peek().is_some_and(|l| l.starts_with("|--")) {
            lines.next();
            let mut rows = Vec::new();
            while let Some(l) = lines.next_if(|l| l.starts_with('|')) {
                rows.push(cells(l));
            }
            tables.push(Table {
                header: cells(line),
                rows,
            });
        }
    }
    tables
}

/// Labels of the count columns, in (ja, en).
struct Names {
    total: &'static str,
    controls: &'static str,
    not_applicable: &'static str,
    applicable: &'static str,
    met: &'static str,
    gaps: &'static str,
    coverage: &'static str,
    count: &'static str,
    unassigned: &'static str,
    summary: &'static str,
}

const JA: Names = Names {
    total: "合計",
    controls: "対策項目数",
    not_applicable: "対象外",
    applicable: "対象項目",
    met: "充足",
    gaps: "ギャップ",
    coverage: "充足率",
    count: "件数",
    unassigned: "未設定",
    summary: "概要",
};

const EN: Names = Names {
    total: "Total",
    controls: "Controls",
    not_applicable: "Not applicable",
    applicable: "Applicable",
    met: "Met",
    gaps: "Gaps",
    coverage: "Coverage",
    count: "Count",
    unassigned: "Unassigned",
    summary: "Summary",
};

fn number(cell: &str) -> usize {
    cell.parse()
        .unwrap_or_else(|_| panic!("not a count: {cell:?}"))
}

/// The coverage cell a row must print: met ÷ applicable, one decimal, or "—".
fn expected_coverage(met: usize, applicable: usize) -> String {
    match applicable {
        0 => "—".to_owned(),
        n => format!("{:.1}%", met as f64 * 100.0 / n as f64),
    }
}

/// Checks one table: the 合計 row is the sum of every count column, each row's counts are
/// consistent (controls = n/a + applicable = n/a + met + gaps) and its coverage is met ÷
/// applicable, and no row counts 0 controls. Returns the number of tables with a 合計 row.
fn check_table(t: &Table, n: &Names) -> usize {
    let col = |name: &str| t.header.iter().position(|h| h == name);
    let Some(last) = t.rows.last().filter(|r| r[0] == n.total) else {
        return 0;
    };
    let body = &t.rows[..t.rows.len() - 1];
    assert!(!body.is_empty(), "{t:?}");
    let counted = [
        n.controls,
        n.not_applicable,
        n.applicable,
        n.met,
        n.gaps,
        n.count,
    ];
    for name in counted.into_iter().chain(["期限超過", "Overdue"]) {
        if let Some(c) = col(name) {
            let sum: usize = body.iter().map(|r| number(&r[c])).sum();
            assert_eq!(sum, number(&last[c]), "column {name} of {t:?}");
        }
    }
    if let (Some(total), Some(na), Some(app), Some(met), Some(gaps), Some(cov)) = (
        col(n.controls),
        col(n.not_applicable),
        col(n.applicable),
        col(n.met),
        col(n.gaps),
        col(n.coverage),
    ) {
        for r in &t.rows {
            assert!(number(&r[total]) > 0, "a row of zeros: {r:?}");
            assert_eq!(number(&r[total]), number(&r[na]) + number(&r[app]), "{r:?}");
            assert_eq!(number(&r[app]), number(&r[met]) + number(&r[gaps]), "{r:?}");
            let want = expected_coverage(number(&r[met]), number(&r[app]));
            assert_eq!(r[cov], want, "{r:?}");
        }
    } else {
        assert!(col(n.count).is_some(), "a table without counts: {t:?}");
    }
    assert!(
        t.rows.iter().all(|r| r[0] != n.unassigned || r[1] != "0"),
        "an empty unassigned row: {t:?}"
    );
    1
}

/// Every table of the summary adds up; there are the five (overall, by section, by
/// responsibility, by status, by 大項目), four of them with a 合計 row.
fn assert_summary_adds_up(md: &str, n: &Names) -> Vec<Table> {
    let tables = summary_tables(md, n.summary);
    let with_total: usize = tables.iter().map(|t| check_table(t, n)).sum();
    assert_eq!(with_total, 4, "{tables:?}");
    tables
}

#[test]
fn example_markdown_tables_add_up_in_both_languages() {
    let ja = String::from_utf8(example_report("md", &[])).unwrap();
    let tables = assert_summary_adds_up(&ja, &JA);
    let by_section = tables
        .iter()
        .find(|t| t.header[0] == "区分" && t.header[1] == "対策項目数")
        .unwrap();
    let total = by_section.rows.last().unwrap();
    assert_eq!(total[1], "251", "{total:?}");
    // Groups where nothing applies show no coverage: インストアブランチ was 100.0%.
    assert!(
        ja.contains("| インストアブランチ |"),
        "the example has the group"
    );
    for line in ja.lines().filter(|l| l.contains("| インストアブランチ |")) {
        assert!(line.ends_with("| — |"), "{line}");
    }
    let en = String::from_utf8(example_report("md", &["--lang", "en"])).unwrap();
    assert_summary_adds_up(&en, &EN);
}

#[test]
fn synthetic_markdown_tables_add_up_and_show_no_coverage_for_beta() {
    let s = Synthetic::new();
    for (lang, names) in [("ja", &JA), ("en", &EN)] {
        let md = String::from_utf8(s.report("md", lang)).unwrap();
        let tables = assert_summary_adds_up(&md, names);
        let beta: Vec<&Vec<String>> = tables
            .iter()
            .flat_map(|t| &t.rows)
            .filter(|r| r[0] == "Beta")
            .collect();
        assert_eq!(beta.len(), 2, "by section and by 大項目");
        for r in beta {
            assert_eq!(r.last().unwrap(), "—", "{r:?}");
        }
        // Responsibilities: customer, provider, unassigned (3: B2, C1, C2); no shared row.
        let shared = if lang == "ja" {
            "| 共同 |"
        } else {
            "| Shared |"
        };
        assert!(!md.contains(shared), "an empty responsibility row");
        let unassigned = format!("| {} | 3 | 1 | 2 | 0 | 2 | 0 | 0.0% |", names.unassigned);
        assert!(md.contains(&unassigned), "{unassigned} in\n{md}");
        let total = format!("| {} | 9 | 3 | 6 | 3 | 3 | 1 | 50.0% |", names.total);
        assert!(md.contains(&total), "{total}");
    }
}

/// The JSON numbers: groups add up to the summary; Beta's coverage is null; no group has 0
/// controls.
#[test]
fn synthetic_json_adds_up_and_has_null_coverage() {
    let v: serde_json::Value =
        serde_json::from_slice(&Synthetic::new().report("json", "ja")).unwrap();
    let keys = [
        "total",
        "not_applicable",
        "applicable",
        "met",
        "gaps",
        "overdue",
    ];
    let summary = &v["summary"];
    let sum_of = |groups: Vec<&serde_json::Value>, key: &str| -> u64 {
        groups
            .iter()
            .map(|g| g["totals"][key].as_u64().unwrap())
            .sum()
    };
    let sections: Vec<&serde_json::Value> = v["sections"].as_array().unwrap().iter().collect();
    let majors: Vec<&serde_json::Value> = sections
        .iter()
        .flat_map(|s| s["majors"].as_array().unwrap())
        .collect();
    let resp: Vec<&serde_json::Value> = v["by_responsibility"].as_array().unwrap().iter().collect();
    for key in keys {
        let want = summary[key].as_u64().unwrap();
        assert_eq!(sum_of(sections.clone(), key), want, "sections {key}");
        assert_eq!(sum_of(majors.clone(), key), want, "majors {key}");
        assert_eq!(sum_of(resp.clone(), key), want, "responsibilities {key}");
    }
    assert_eq!(summary["coverage"], 50.0);
    assert_eq!(summary["gap_rate"], 50.0);
    assert_eq!(sections[1]["name"], "Beta");
    assert!(
        sections[1]["totals"]["coverage"].is_null(),
        "{}",
        sections[1]
    );
    assert!(sections[1]["totals"]["gap_rate"].is_null());
    assert_eq!(
        resp.iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["provider", "customer", "unassigned"]
    );
    let by_status: u64 = summary["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_status, 9);
    assert_eq!(v["definitions"].as_array().unwrap().len(), 6);
}

/// HTML: Beta prints "—"; each chart bar's green part is as wide as its printed coverage and
/// Beta's bar has no part; the 合計 rows are there.
#[test]
fn synthetic_html_shows_dash_and_bars_equal_coverage() {
    let html = String::from_utf8(Synthetic::new().report("html", "ja")).unwrap();
    let beta_row = html
        .lines()
        .find(|l| l.contains("<td><a href=\"#section-2\">Beta</a></td>"))
        .unwrap();
    assert!(
        beta_row.ends_with("<td class=\"num\">—</td></tr>"),
        "{beta_row}"
    );
    let bars: Vec<&str> = html
        .split("class=\"bar-met\" width=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    // Alpha 2 of 3, Gamma 1 of 3, overall 3 of 6; Beta draws none.
    assert_eq!(bars, ["66.7%", "33.3%", "50.0%"]);
    assert!(
        html.contains("<text x=\"640\" y=\"57\" text-anchor=\"end\">—</text>"),
        "Beta's caption"
    );
    assert_eq!(html.matches("<tfoot><tr><th").count(), 4);
    assert!(html.contains("class=\"definitions\""));
}

/// PDF: the summary page's by-section row of Beta ends in "—", and so does its chart caption.
#[test]
fn synthetic_pdf_text_shows_dash() {
    let pdf = Synthetic::new().report("pdf", "ja");
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let text: String = pages
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("Beta220000—"), "the by-section row: {text}");
    assert!(
        text.contains("Beta——対象外2") || text.contains("Beta—対象外2"),
        "the chart: {text}"
    );
    assert!(text.contains("合計9363315"), "the 合計 row: {text}");
}

/// The xlsx summary sheet: its by-section and by-responsibility tables add up to their 合計
/// rows, Beta's coverage is the text "—", and no row counts 0 controls.
#[test]
fn synthetic_xlsx_summary_adds_up() {
    use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
    let s = Synthetic::new();
    s.report("xlsx", "ja");
    let mut wb: Xlsx<_> = open_workbook(s.path("report-ja.xlsx")).unwrap();
    let name = summary_sheet(&wb);
    let range = wb.worksheet_range(&name).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let text = |d: &Data| d.to_string();
    let headers: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].get(1).map(text).as_deref() == Some("対策項目数"))
        .collect();
    assert_eq!(headers.len(), 2, "by section, by responsibility: {rows:?}");
    for h in headers {
        let end = (h + 1..rows.len())
            .find(|&i| text(&rows[i][0]) == "合計")
            .unwrap();
        for (col, total) in rows[end].iter().enumerate().take(7).skip(1) {
            let sum: f64 = rows[h + 1..end]
                .iter()
                .map(|r| r[col].as_f64().unwrap())
                .sum();
            assert_eq!(sum, total.as_f64().unwrap(), "column {col} from row {h}");
        }
        for r in &rows[h + 1..=end] {
            assert!(r[1].as_f64().unwrap() > 0.0, "a row of zeros: {r:?}");
            if r[3].as_f64() == Some(0.0) {
                assert_eq!(text(&r[7]), "—", "{r:?}");
            } else {
                let want = r[4].as_f64().unwrap() / r[3].as_f64().unwrap();
                assert!((r[7].as_f64().unwrap() - want).abs() < 0.0006, "{r:?}");
            }
        }
    }
    assert!(
        rows.iter()
            .any(|r| text(&r[0]) == "Beta" && text(&r[7]) == "—")
    );
    assert!(
        !rows
            .iter()
            .any(|r| text(&r[0]) == "未設定" && r[1].as_f64() == Some(0.0))
    );
    assert!(rows.iter().any(|r| text(&r[0]) == "集計の定義"));
}

/// The example's xlsx no longer has the empty 未設定 row, and its groups with nothing
/// applicable show "—".
#[test]
fn example_xlsx_summary_has_no_empty_row() {
    use calamine::{DataType, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.xlsx");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "-o"])
        .arg(&file)
        .args(crate::EXAMPLE_ANSWERS.iter().flat_map(|a| ["--answers", a]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let name = summary_sheet(&wb);
    let range = wb.worksheet_range(&name).unwrap();
    let zero_rows: Vec<String> = range
        .rows()
        .filter(|r| r.len() > 7 && r[1].as_f64() == Some(0.0))
        .map(|r| r[0].to_string())
        .collect();
    assert!(zero_rows.is_empty(), "rows of zeros: {zero_rows:?}");
}

/// The PDF's chart lines (`kansa-chart`): green = the caption = the coverage, for the
/// synthetic report, through the library (the chart block is the PDF's Markdown).
#[test]
fn chart_green_share_is_the_coverage() {
    let s = Synthetic::new();
    let cat = kansa::load::load_catalogue(s.path("controls.csv").to_str().unwrap()).unwrap();
    let bytes = std::fs::read(s.path("answers.csv")).unwrap();
    let o = kansa::load::parse_overlay(
        "answers.csv",
        &bytes,
        kansa::load::EncodingChoice::Auto,
        &cat,
    )
    .unwrap();
    let analysis = kansa::analyse::analyse(
        kansa::merge::merge(&cat, &[o]),
        jiff::civil::Date::new(2026, 11, 25).unwrap(),
    );
    let report = kansa::render::view::build(&analysis, &Default::default());
    let md =
        kansa::render::render_pdf_markdown(&report, &kansa::render::Templates::builtin().unwrap())
            .unwrap();
    let bars: Vec<Vec<&str>> = md
        .split("```kansa-chart\n")
        .skip(1)
        .flat_map(|b| b[..b.find("```").unwrap()].lines().skip(1))
        .map(|l| l.split('\t').collect())
        .collect();
    // Sections (3) and overall, then the responsibilities (3).
    assert_eq!(bars.len(), 7, "{bars:?}");
    for b in &bars {
        assert_eq!(b[1], b[3], "green is the caption: {b:?}");
    }
    let find = |label: &str| bars.iter().find(|b| b[0] == label).unwrap();
    assert_eq!(find("Alpha")[1..], ["66.7%", "33.3%", "66.7%", "対象外 1"]);
    assert_eq!(find("Beta")[1..], ["—", "—", "—", "対象外 2"]);
    assert_eq!(find("全体")[1..], ["50.0%", "50.0%", "50.0%", "対象外 3"]);
}

/// The summary sheet's name: the second sheet, after the findings register.
fn summary_sheet<R: std::io::Read + std::io::Seek>(wb: &calamine::Xlsx<R>) -> String {
    use calamine::Reader;
    let names = wb.sheet_names();
    assert_eq!(names.len(), 3, "register, summary, all controls: {names:?}");
    assert_eq!(names[1], "概要", "{names:?}");
    names[1].clone()
}

//! Catalogue columns and metadata: extra columns, Japanese headers, Shift_JIS.

use super::*;

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
            "Cost centre=CC-1@answers.csv"
        ]
    );
    assert_eq!(extras("A2"), ["Level=medium@answers.csv"]);
    assert_eq!(extras("A3"), ["Reference=NIST AC-2@extra"]);

    let md = text(case, "md");
    assert!(
        md.contains("| Reference | ISO 27001 A.5.1 | extra |"),
        "{md}"
    );
    assert!(md.contains("| Level | medium | answers.csv |"));
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

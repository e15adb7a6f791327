//! Grouping: sections, 基準大項目 and 中項目 are one group each, in every format.

use super::*;

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
        "| 設備 | 3 | 0 | 3 | 2 | 1 | 0 | 66.7% |",
        "| 運用 | 3 | 0 | 3 | 0 | 3 | 0 | 0.0% |",
        "| 技術 | 2 | 0 | 2 | 1 | 1 | 0 | 50.0% |",
        "| 設備 | 建物 | 3 | 0 | 3 | 2 | 1 | 0 | 66.7% |",
        "| 運用 | 体制 | 2 | 0 | 2 | 0 | 2 | 0 | 0.0% |",
        "| 運用 | 管理 | 1 | 0 | 1 | 0 | 1 | 0 | 0.0% |",
        "| 技術 | 暗号 | 2 | 0 | 2 | 1 | 1 | 0 | 50.0% |",
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
    let summary = &sheets
        .iter()
        .find(|(name, _)| name == "概要")
        .expect("a summary sheet")
        .1;
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
    assert_eq!(
        refs.len(),
        4,
        "categories and values of met and of gaps: {refs:?}"
    );
    assert!(
        refs.iter().all(|r| rows(r) == 4),
        "chart over three sections and the 合計 row: {refs:?}"
    );

    let (pdf, _dir) = render(case, "pdf", &[]);
    let pdf = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert_eq!(
        pdf.matches("66.7%").count(),
        5,
        "設備 once each: contents, chart, by section, by major (建物), details heading:\n{pdf}"
    );
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
        count_lines(&md, "| Sec\\[U+200B\\]A | 3 | 0 | 3 | 1 | 2 | 0 | 33.3% |"),
        1
    );
    assert_eq!(count_lines(&md, "### SecA"), 1);
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

//! `kansa report`: the shipped example in every format, determinism, escaping, templates.

use crate::{EXAMPLE_ANSWERS, example_report, kansa, outcome};

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("UTF-8 output")
}

#[test]
fn example_markdown_snapshot() {
    insta::assert_snapshot!("example.md", text(example_report("md", &[])));
}

#[test]
fn example_html_snapshot() {
    insta::assert_snapshot!("example.html", text(example_report("html", &[])));
}

#[test]
fn example_json_snapshot() {
    insta::assert_snapshot!("example.json", text(example_report("json", &[])));
}

#[test]
fn example_json_is_complete_and_consistent() {
    let v: serde_json::Value = serde_json::from_slice(&example_report("json", &[])).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["catalogue"]["controls"], 251);
    let mut ids = Vec::new();
    for s in v["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    ids.push(c["id"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    assert_eq!(ids.len(), 251);
    let summary = &v["summary"];
    let gaps = v["gaps"].as_array().unwrap();
    assert_eq!(summary["gaps"].as_u64().unwrap() as usize, gaps.len());
    assert!(
        summary["overdue"].as_u64().unwrap() > 0,
        "the example must show overdue gaps"
    );
    assert!(gaps.iter().all(|g| g["gap"] == true));
    // Provenance: the bank overrides AWS somewhere, and both layers appear.
    let sources: Vec<&str> = gaps
        .iter()
        .filter_map(|g| g["sources"]["status"].as_str())
        .collect();
    assert!(sources.contains(&"example-bank/answers.csv"), "{sources:?}");
}

#[test]
fn same_inputs_give_identical_bytes() {
    for format in ["md", "html", "json"] {
        assert_eq!(
            example_report(format, &[]),
            example_report(format, &[]),
            "{format}"
        );
    }
}

#[test]
fn english_labels() {
    let md = text(example_report("md", &["--lang", "en"]));
    assert!(md.starts_with("# Gap analysis report\n"), "{}", &md[..80]);
    assert!(md.contains("| Facilities |"), "section names in English");
}

#[test]
fn format_follows_output_extension_and_write_is_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("r.html");
    let mut cmd = kansa();
    cmd.args(["report", "--date", "2026-11-25"]);
    for a in EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.arg("-o").arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn source_date_epoch_sets_the_report_date() {
    let out = kansa()
        .args(["report", "--no-answers", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01T00:00:00Z
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["report_date"], "2026-01-01");
}

#[test]
fn hostile_input_never_becomes_active_html() {
    let out = kansa()
        .args([
            "report",
            "-f",
            "html",
            "--date",
            "2026-11-25",
            "--org",
            "<script>org</script>",
        ])
        .args(["--answers", "tests/fixtures/report/hostile.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let html = crate::html::without_kansa_script(&text(out.stdout)).to_lowercase();
    for bad in [
        "<script",
        "<img",
        "<iframe",
        "<svg onload",
        "href=\"javascript:",
        "<b ",
    ] {
        assert!(!html.contains(bad), "found {bad:?} in HTML");
    }
    // No real tag carries an event-handler attribute (escaped text may mention one).
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert!(!tag.contains(" on"), "event handler in tag <{tag}>");
    }
    assert!(html.contains("<a href=\"https://example.com/a?b=1&amp;c=2\">ok</a>"));
    assert!(html.contains("&lt;script&gt;alert"), "script shown as text");
    assert!(
        html.contains("<table>"),
        "answer Markdown tables still render"
    );
}

#[test]
fn hostile_input_cannot_break_markdown_tables() {
    let out = kansa()
        .args(["report", "-f", "md", "--date", "2026-11-25"])
        .args(["--answers", "tests/fixtures/report/hostile.csv"])
        .output()
        .unwrap();
    let md = text(out.stdout);
    let row = md
        .lines()
        .find(|l| l.starts_with("| [運10-1]"))
        .expect("gap row for 運10-1");
    // 10 columns → 11 unescaped pipes.
    let pipes = row.replace("\\|", "").matches('|').count();
    assert_eq!(pipes, 11, "{row}");
    assert!(!md.contains("<script"), "raw HTML escaped in Markdown too");
}

#[test]
fn user_templates_override_builtins_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("report.md"),
        "{{ catalogue.id }}: {{ summary.gaps }} gaps of {{ summary.total }}\n",
    )
    .unwrap();
    let out = kansa()
        .args([
            "report",
            "--no-answers",
            "--date",
            "2026-11-25",
            "--templates",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(text(out.stdout), "fisc-2012: 251 gaps of 251\n");
}

#[test]
fn broken_template_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.md"), "line one\n{% for x in %}\n").unwrap();
    let out = kansa()
        .args([
            "report",
            "--no-answers",
            "--date",
            "2026-11-25",
            "--templates",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("report.md"), "{err}");
    assert!(err.contains(":2:"), "line number: {err}");
}

#[test]
fn shift_jis_overlay_reaches_the_report_decoded() {
    let out = kansa()
        .args(["report", "-f", "json", "--date", "2026-11-25"])
        .args([
            "--answers",
            "tests/fixtures/validate/shift-jis-ok/answers.csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inputs"][0]["encoding"], "Shift_JIS");
    let gap = v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "運10-1")
        .expect("運10-1 is a gap");
    assert_eq!(gap["status"], "not_implemented");
    assert_eq!(gap["owner"], "情報システム部");
    assert_eq!(
        gap["overdue"], true,
        "due 2026-01-15 is before the report date"
    );
    let s1 = &v["sections"][0]["majors"][0]["middles"][0]["controls"][0];
    assert_eq!(
        s1["answer"], "耐震対策を実施済み。\n２行目",
        "CRLF inside a quoted field"
    );
    assert_eq!(s1["responsibility"], "customer");
}

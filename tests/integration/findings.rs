//! The findings register (issue 13): its order in every format (`--sort`, the pack's `sort`),
//! 未記入 for a gap without a finding, and the columns of `gaps.csv`.

use std::path::Path;

use crate::pack::run_pack;
use crate::{kansa, outcome};

/// Five controls; as of 2026-11-25: F1 a low-risk gap, F2 met, F3 a high-risk gap due later,
/// F4 an overdue medium-risk gap, F5 a high-risk gap without a finding, due before F3.
const CATALOGUE: &str = "id,section,major,middle,text\n\
    F1,S,M,m,one\nF2,S,M,m,two\nF3,S,M,m,three\nF4,S,M,m,four\nF5,S,M,m,five\n";
const ANSWERS: &str = "id,status,finding,plan,risk,owner,due,reviewed\n\
    F1,partial,ログ点検が月次,週次にする,low,運用部,2027-03-31,2026-10-01\n\
    F2,implemented,,,,,,\n\
    F3,planned,鍵が平文,HSM に移す,high,情報部,2027-06-30,2026-10-02\n\
    F4,not_implemented,訓練が未実施,訓練する,medium,企画部,2026-10-31,2026-09-01\n\
    F5,partial,,,high,情報部,2027-01-31,\n";

/// The urgency order of the fixture: overdue F4; then high F5 (earlier due), high F3; low F1.
const URGENT: [&str; 4] = ["F4", "F5", "F3", "F1"];
const CATALOGUE_ORDER: [&str; 4] = ["F1", "F3", "F4", "F5"];

fn fixture(dir: &Path) {
    std::fs::write(dir.join("controls.csv"), CATALOGUE).unwrap();
    std::fs::write(dir.join("answers.csv"), ANSWERS).unwrap();
}

/// `kansa report` of the fixture in `dir`, as of 2026-11-25, further arguments to add.
fn report_command(dir: &Path) -> assert_cmd::Command {
    let mut cmd = kansa();
    cmd.current_dir(dir)
        .args(["report", "--catalogue", "controls.csv"])
        .args(["--answers", "answers.csv", "--date", "2026-11-25"]);
    cmd
}

/// `kansa report` of the fixture in `format`, with `extra` arguments.
fn report(dir: &Path, format: &str, extra: &[&str]) -> String {
    let out = report_command(dir)
        .args(["--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn json_gap_ids(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids in the order they first appear after `from` in `text`.
fn order_in(text: &str, from: &str, ids: &[&str]) -> Vec<String> {
    let start = text.find(from).unwrap_or_else(|| panic!("no {from:?}"));
    let rest = &text[start..];
    let mut found: Vec<(usize, &str)> = ids
        .iter()
        .map(|id| (rest.find(&format!("[{id}]")).expect(id), *id))
        .collect();
    found.sort();
    found.into_iter().map(|(_, id)| id.to_owned()).collect()
}

#[test]
fn register_is_ordered_by_urgency_unless_sorted_by_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    assert_eq!(json_gap_ids(&report(dir.path(), "json", &[])), URGENT);
    let md = report(dir.path(), "md", &[]);
    assert_eq!(order_in(&md, "## 指摘事項一覧", &URGENT), URGENT);
    let by_catalogue = ["--sort", "catalogue"];
    assert_eq!(
        json_gap_ids(&report(dir.path(), "json", &by_catalogue)),
        CATALOGUE_ORDER
    );
    let md = report(dir.path(), "md", &by_catalogue);
    assert_eq!(
        order_in(&md, "## 指摘事項一覧", &CATALOGUE_ORDER),
        CATALOGUE_ORDER
    );
    let explicit = report(dir.path(), "json", &["--sort", "urgency"]);
    assert_eq!(json_gap_ids(&explicit), URGENT);
}

#[test]
fn unknown_sort_value_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = report_command(dir.path())
        .args(["--sort", "risk"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("urgency") && stderr.contains("catalogue"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// The register's columns in md and html; overdue in words (and, in HTML, as a red badge); a
/// gap without a finding says 未記入 in every document, in Japanese and English.
#[test]
fn register_shows_finding_plan_risk_reviewed_and_not_given() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let md = report(dir.path(), "md", &[]);
    assert!(
        md.contains("| 項番 | 小項目 | 現状・課題 | 対応策 | リスク | 対応状況 | 責任区分 | 担当 | 期限 | 確認日 |"),
        "{md}"
    );
    assert!(
        md.contains("| [F4](#c-F4) | four | 訓練が未実施 | 訓練する | 中 | 未実施 | 未設定 | 企画部 | 2026-10-31 ⚠ 期限超過 | 2026-09-01 |"),
        "{md}"
    );
    assert!(md.contains("| [F5](#c-F5) | five | 未記入 |"), "{md}");
    let html = report(dir.path(), "html", &[]);
    assert!(
        html.contains("<a href=\"#c-F4\">F4</a>"),
        "id links to its details"
    );
    assert!(html.contains("<span class=\"badge overdue\">⚠ 期限超過</span>"));
    assert!(html.contains("<span class=\"not-given\">未記入</span>"));
    assert!(html.contains("<span class=\"risk-high\">高</span>"));
    let en = report(dir.path(), "md", &["--lang", "en"]);
    assert!(en.contains("| [F5](#c-F5) | five | not given |"), "{en}");
    assert!(en.contains("2026-10-31 ⚠ overdue"), "{en}");
}

#[test]
fn pdf_register_says_not_given_and_overdue() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let target = dir.path().join("r.pdf");
    let out = report_command(dir.path())
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let pdf = std::fs::read(&target).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let register = pages
        .iter()
        .find(|p| p.contains("指摘事項一覧") && p.contains("four"))
        .map(|p| p.split_whitespace().collect::<String>())
        .expect("a page with the register");
    for want in [
        "現状・課題:未記入",
        "期限超過",
        "現状・課題:訓練が未実施",
        "対応策:訓練する",
    ] {
        assert!(register.contains(want), "{want} not in {register}");
    }
    // Urgency order on the page too.
    let at = |id: &str| register.find(id).unwrap();
    assert!(at("F4") < at("F5") && at("F5") < at("F3") && at("F3") < at("F1"));
}

/// A pack with `sort = "catalogue"`, or none (urgency); gaps.csv keeps its old columns in their
/// places and appends finding, plan, risk, risk_label and reviewed; tickets show them.
#[test]
fn pack_sort_key_gaps_csv_and_tickets() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let config = |sort: &str| {
        let cfg = format!(
            "[[pack]]\nname = \"f\"\ncatalogue = \"controls.csv\"\noverlays = [\"answers.csv\"]\ndate = \"2026-11-25\"\nformats = [\"md\"]\n{sort}"
        );
        std::fs::write(dir.path().join("kansa.toml"), cfg).unwrap();
        dir.path().join("kansa.toml")
    };
    let out = dir.path().join("packs");
    let res = run_pack(&config(""), &out, &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    let csv = std::fs::read_to_string(out.join("f/gaps.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap().trim_start_matches('\u{FEFF}'),
        "key,id,section,major,middle,text,status,status_label,responsibility,owner,due,overdue,evidence,notes,finding,plan,risk,risk_label,reviewed"
    );
    // Without the key, whose catalogue id is the temporary directory's name.
    let rows: Vec<&str> = lines.map(|l| l.split_once(',').unwrap().1).collect();
    assert_eq!(
        rows[0],
        "F4,S,M,m,four,not_implemented,未実施,,企画部,2026-10-31,yes,,,訓練が未実施,訓練する,medium,中,2026-09-01"
    );
    assert_eq!(
        rows[1], "F5,S,M,m,five,partial,一部実施,,情報部,2027-01-31,,,,,,high,高,",
        "no finding: an empty cell"
    );
    let ticket = std::fs::read_to_string(out.join("f/tickets/gap-F5.md")).unwrap();
    assert!(ticket.contains("## 現状・課題\n\n未記入"), "{ticket}");
    assert!(ticket.contains("| リスク | 高 (`high`) |"), "{ticket}");
    let ticket = std::fs::read_to_string(out.join("f/tickets/gap-F4.md")).unwrap();
    assert!(ticket.contains("訓練が未実施") && ticket.contains("訓練する"));
    assert!(ticket.contains("| 確認日 | 2026-09-01 |"), "{ticket}");
    let summary = std::fs::read_to_string(out.join("f/summary.md")).unwrap();
    assert!(summary.contains("指摘事項一覧 (4)"), "{summary}");
    assert!(
        summary.contains("- F5 [リスク 高] 一部実施, 期限 2027-01-31: 未記入"),
        "{summary}"
    );
    assert!(summary.find("- F4").unwrap() < summary.find("- F1").unwrap());

    let res = run_pack(&config("sort = \"catalogue\"\n"), &out, &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    let json = std::fs::read_to_string(out.join("f/assessment.json")).unwrap();
    assert_eq!(json_gap_ids(&json), CATALOGUE_ORDER);
    let csv = std::fs::read_to_string(out.join("f/gaps.csv")).unwrap();
    let ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(ids, CATALOGUE_ORDER);
}

#[test]
fn unknown_pack_sort_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    std::fs::write(
        dir.path().join("kansa.toml"),
        "[[pack]]\nname = \"f\"\ncatalogue = \"controls.csv\"\noverlays = [\"answers.csv\"]\nsort = \"risk\"\n",
    )
    .unwrap();
    let out = dir.path().join("packs");
    let res = run_pack(&dir.path().join("kansa.toml"), &out, &[]);
    assert_eq!(res.status.code(), Some(2), "{}", outcome(&res));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        stderr.contains(
            "kansa.toml:5:8: invalid config: sort: unknown value \"risk\"; allowed values: urgency, catalogue"
        ),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}

//! The answer fields of issue 13 (finding, plan, risk) through every input path: CSV with
//! Japanese or English headers, the `init` workbook and sheet, and validation's located errors.

use std::path::Path;

use crate::{kansa, outcome};

/// A Japanese sheet and an English one, each giving 運26 a finding, a plan and a risk (the
/// English risk in another case, which must read back as the code).
const JA: &str =
    "項番,対応状況,現状・課題,対応策,リスク\n運26,一部実施,事後承認の漏れ,週次点検,高\n";
const EN: &str = "id,status,finding,plan,risk\n運26,partial,missed approvals,weekly check,Medium\n";

/// `(finding, plan, risk, risk_label)` of 運26 in the JSON report of `answers`.
fn fields_of_unn26(answers: &Path, lang: &str) -> [String; 4] {
    let out = kansa()
        .args([
            "report",
            "-f",
            "json",
            "--date",
            "2026-11-25",
            "--lang",
            lang,
        ])
        .arg("--answers")
        .arg(answers)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for s in v["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    if c["id"] == "運26" {
                        return ["finding", "plan", "risk", "risk_label"]
                            .map(|k| c[k].as_str().unwrap_or("<none>").to_owned());
                    }
                }
            }
        }
    }
    panic!("no 運26 in {}", answers.display());
}

fn validate_ok(answers: &Path) {
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(answers)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

#[test]
fn finding_plan_and_risk_round_trip_through_init_from_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, lang, want) in [
        (
            "ja.csv",
            JA,
            "ja",
            ["事後承認の漏れ", "週次点検", "high", "高"],
        ),
        (
            "en.csv",
            EN,
            "en",
            ["missed approvals", "weekly check", "medium", "Medium"],
        ),
    ] {
        let input = dir.path().join(name);
        std::fs::write(&input, text).unwrap();
        validate_ok(&input);
        assert_eq!(fields_of_unn26(&input, lang), want, "{name}");
        for ext in ["csv", "xlsx"] {
            let sheet = dir.path().join(format!("init-{lang}.{ext}"));
            let out = kansa()
                .args(["init", "--force", "--lang", lang, "--from"])
                .arg(&input)
                .arg("-o")
                .arg(&sheet)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name} → {ext}: {}", outcome(&out));
            validate_ok(&sheet);
            assert_eq!(fields_of_unn26(&sheet, lang), want, "{name} → {ext}");
        }
    }
}

#[test]
fn alias_headers_name_the_new_fields() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("alias.csv");
    std::fs::write(
        &input,
        "項番,指摘事項,是正計画,リスク評価\n運26,漏れ,点検,低い\n",
    )
    .unwrap();
    assert_eq!(fields_of_unn26(&input, "ja"), ["漏れ", "点検", "low", "低"]);
}

#[test]
fn a_bad_risk_is_located_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(&input, "id,status,risk\n運26,partial,hihg\n").unwrap();
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:2:3 (risk): unknown risk \"hihg\""),
        "{err}"
    );
    assert!(
        err.contains("did you mean \"high\"? expected one of high, medium, low"),
        "{err}"
    );
}

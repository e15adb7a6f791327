//! `init`: an existing sheet, and a pre-filled sheet that keeps the provider's credit.

use super::*;

/// `init -o FILE` never replaces an existing sheet (it may be filled in) without `--force`; the
/// file is left byte for byte, in CSV and xlsx, and standard output is always written.
#[test]
fn init_refuses_an_existing_sheet_without_force() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["answers.csv", "answers.xlsx", "answers.txt"] {
        let sheet = dir.path().join(name);
        std::fs::write(&sheet, "id,status\n設1,implemented\n").unwrap();
        let out = kansa().args(["init", "-o"]).arg(&sheet).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", outcome(&out));
        assert!(
            stderr(&out).contains(&format!(
                "{} already exists; use --force to overwrite it",
                sheet.display()
            )),
            "{}",
            outcome(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&sheet).unwrap(),
            "id,status\n設1,implemented\n",
            "{name} kept"
        );
        let out = kansa()
            .args(["init", "--force", "-o"])
            .arg(&sheet)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", outcome(&out));
        assert_ne!(
            std::fs::read(&sheet).unwrap(),
            "id,status\n設1,implemented\n".as_bytes()
        );
    }
    assert_eq!(
        crate::hostile::listing(dir.path()),
        ["answers.csv", "answers.txt", "answers.xlsx"],
        "no temporary file left"
    );
    let out = kansa().args(["init", "-o", "-"]).output().unwrap();
    assert!(out.status.success() && !out.stdout.is_empty());
    let out = kansa().args(["init", "-o", "/dev/null"]).output().unwrap();
    assert!(
        out.status.success(),
        "a device is written: {}",
        outcome(&out)
    );
}

/// The effective value and source of `field` of control `id` in a JSON report.
fn value_and_source(json: &serde_json::Value, id: &str, field: &str) -> (String, String) {
    for s in json["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    if c["id"] == id {
                        let value = match &c[field] {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        let source = c["sources"][field].as_str().unwrap_or("").to_owned();
                        return (value, source);
                    }
                }
            }
        }
    }
    panic!("no control {id}");
}

fn json_report(answers: &[&std::path::Path]) -> serde_json::Value {
    let mut cmd = kansa();
    cmd.args(["report", "-f", "json", "--date", crate::hostile::DATE]);
    for a in answers {
        cmd.arg("--answers").arg(a);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A provider overlay whose values start with formula characters, or really with `'` (its own
/// `''-` is the value `'-` under a guard, as kansa writes it).
const PROVIDER: &str = "id,status,owner,notes,evidence,answer\n\
設1,implemented,-,+81-3-1234-5678,=SUM(1),provider-team\n\
設2,partial,@ops,'quoted',''-,-5\n";

/// `init --from` round trip (item: the formula guard became data) and provenance (item:
/// pre-filled cells were credited to the bank), in CSV and xlsx: the sheet alone reads back
/// exactly as the provider's values; stacked on the provider, every unchanged pre-filled cell
/// is the provider's and an edited one the bank's.
#[test]
fn init_prefill_round_trips_and_keeps_the_providers_credit() {
    let dir = tempfile::tempdir().unwrap();
    let provider_dir = dir.path().join("aws");
    std::fs::create_dir_all(&provider_dir).unwrap();
    let provider = provider_dir.join("answers.csv");
    std::fs::write(&provider, PROVIDER).unwrap();
    let fields = [
        ("設1", "owner", "-"),
        ("設1", "notes", "+81-3-1234-5678"),
        ("設1", "evidence", "=SUM(1)"),
        ("設2", "owner", "@ops"),
        ("設2", "notes", "'quoted'"),
        ("設2", "evidence", "'-"),
        ("設2", "answer", "-5"),
    ];
    for (name, lang) in [
        ("sheet.csv", "en"),
        ("sheet-ja.csv", "ja"),
        ("book.xlsx", "ja"),
    ] {
        let bank_dir = dir.path().join(format!("bank-{name}"));
        std::fs::create_dir_all(&bank_dir).unwrap();
        let sheet = bank_dir.join(name);
        let out = kansa()
            .args(["init", "--lang", lang, "--from"])
            .arg(&provider)
            .arg("-o")
            .arg(&sheet)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", outcome(&out));
        if name.ends_with(".csv") {
            let text = std::fs::read_to_string(&sheet).unwrap();
            assert!(text.contains(",'-,"), "{name}: the guard is written");
            assert!(text.contains(",'+81-3-1234-5678,"));
            assert!(
                text.contains(",''-,"),
                "a real apostrophe keeps its own guard"
            );
        }
        // Alone, the sheet reads back as the provider's values, guards stripped.
        let json = json_report(&[&sheet]);
        for (id, field, want) in fields {
            assert_eq!(
                value_and_source(&json, id, field).0,
                want,
                "{name} {id} {field}"
            );
        }
        // The bank edits one pre-filled cell (設1's answer) and keeps the rest.
        if name.ends_with(".csv") {
            let text = std::fs::read_to_string(&sheet).unwrap();
            std::fs::write(&sheet, text.replace("provider-team", "bank-team")).unwrap();
        } else {
            edit_zip_member(&sheet, "xl/sharedStrings.xml", "provider-team", "bank-team");
        }
        let json = json_report(&[&provider, &sheet]);
        // Labels are file names: the two files' names differ, so no folder is needed.
        let bank_label = name.to_owned();
        for (id, field, want) in fields {
            assert_eq!(
                value_and_source(&json, id, field),
                (want.to_owned(), "answers.csv".to_owned()),
                "{name} {id} {field}: the provider's"
            );
        }
        assert_eq!(
            value_and_source(&json, "設1", "status").1,
            "answers.csv",
            "{name}: status"
        );
        assert_eq!(
            value_and_source(&json, "設1", "answer"),
            ("bank-team".to_owned(), bank_label.clone()),
            "{name}: the bank's edit is the bank's"
        );
    }
}

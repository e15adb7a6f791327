//! Messages: near-miss id hints, PDF glyph errors naming the overlay, problem totals.

use super::*;

/// `val-near-miss-50k`: 5,000 near-miss ids against 50,000 controls get their hints in
/// seconds (each was compared with every control: 8 minutes in a debug build).
#[test]
fn generated_near_miss_ids_on_a_large_catalogue() {
    use std::fmt::Write;
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("big");
    std::fs::create_dir_all(&catalogue).unwrap();
    let id = |i: usize| format!("{}{i}-{}", ["設", "運", "技"][i % 3], i % 7 + 1);
    let mut controls = String::from("id,section,major,middle,text\n");
    for i in 1..=50_000 {
        writeln!(controls, "{},S,M,m,control {i}", id(i)).unwrap();
    }
    std::fs::write(catalogue.join("controls.csv"), controls).unwrap();
    std::fs::write(
        catalogue.join("catalogue.toml"),
        "id = \"big\"\nname = \"Big\"\n",
    )
    .unwrap();
    let mut answers = String::from("id,status\n");
    for k in 0..5_000 {
        writeln!(answers, "{}9,implemented", id(k * 10 + 1)).unwrap();
    }
    let overlay = dir.path().join("near.csv");
    std::fs::write(&overlay, answers).unwrap();
    let started = std::time::Instant::now();
    let out = kansa()
        .args(["validate", "--catalogue"])
        .arg(&catalogue)
        .arg("--answers")
        .arg(&overlay)
        .output()
        .unwrap();
    let took = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        err.contains("near.csv:2:1 (id): unknown id \"運1-29\"\n  hint: did you mean 運1-2? (big has no 運1-29)"),
        "{err}"
    );
    assert_eq!(
        err.matches("hint: did you mean").count(),
        1000,
        "every listed id has its hint"
    );
    assert!(err.contains("4000 more problems not listed"));
    assert!(took.as_secs() < 90, "took {took:?}");
}

/// An emoji in a custom column's *header* was blamed on "fisc-2012 … control 設1" (once per
/// control, no file): it is the overlay's, named once; an emoji in a custom *value* names the
/// overlay's line, not the catalogue.
#[test]
fn pdf_glyph_errors_in_custom_columns_name_the_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("custom.csv");
    std::fs::write(
        &overlay,
        "id,status,担当メモ😀,cost\n設1,implemented,a,ok\n設2,partial,b,x🙂\n",
    )
    .unwrap();
    let target = dir.path().join("report.pdf");
    let out = kansa()
        .args(["report", "--date", crate::hostile::DATE, "--answers"])
        .arg(&overlay)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let shown = overlay.display().to_string();
    let header = format!(
        "{shown}:1:3: custom column header: characters missing from the PDF font: 😀 (U+1F600) \"担当メモ😀\""
    );
    assert_eq!(err.matches(&header).count(), 1, "named once:\n{err}");
    assert!(
        err.contains(&format!(
            "{shown}:3 (custom column): control 設2: characters missing from the PDF font: 🙂 (U+1F642)"
        )),
        "{err}"
    );
    assert!(
        !err.contains("fisc-2012"),
        "not blamed on the catalogue:\n{err}"
    );
    assert!(!target.exists());
}

/// Past the 1,000 problems listed per file, the total is still the real number of problems, and
/// the note about the unlisted ones is no problem itself: in text, JSON and SARIF.
#[test]
fn problem_totals_count_the_unlisted_and_not_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("many.csv");
    let mut csv = String::from("id,status\n");
    for i in 0..1500 {
        csv.push_str(&format!("X{i},implemented\n"));
    }
    std::fs::write(&overlay, csv).unwrap();
    let run = |format: &str| {
        let out = kansa()
            .args(["validate", "--format", format, "--answers"])
            .arg(&overlay)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}: {}", outcome(&out));
        out
    };

    let err = stderr(&run("text"));
    assert!(err.contains("500 more problems not listed"), "{err}");
    assert!(err.ends_with("1500 problems found\n"), "{err}");

    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    assert_eq!(json["count"], 1500);
    assert_eq!(json["unlisted"], 500);
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1000);
    assert!(
        problems
            .iter()
            .all(|p| p["message"].as_str().unwrap() == "unknown id"),
        "the note is not among the problems"
    );

    let sarif: serde_json::Value = serde_json::from_slice(&run("sarif").stdout).unwrap();
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["results"].as_array().unwrap().len(), 1000);
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("500 more problems not listed")
    );
}

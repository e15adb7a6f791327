//! Messages: one context prefix each.

use super::*;

/// No line of an error names the same context twice in a row (`pack X: pack X:`) or says
/// `error:` after its start (`template …: error: …`).
fn assert_no_repeated_prefix(what: &str, err: &str) {
    for line in err.lines() {
        let parts: Vec<&str> = line.split(": ").collect();
        assert!(
            !parts
                .iter()
                .skip(1)
                .any(|p| *p == "error" || p.starts_with("error: ")),
            "{what}: `error:` repeated in {line:?}"
        );
        assert!(
            !parts.windows(2).any(|w| w[0] == w[1]),
            "{what}: prefix repeated in {line:?}"
        );
    }
}

fn write_pack_config(dir: &Path, extra: &str) -> PathBuf {
    let config = dir.join("kansa.toml");
    let overlay = root().join(crate::EXAMPLE_ANSWERS[1]);
    std::fs::write(
        &config,
        format!(
            "[[pack]]\nname = \"bank\"\noverlays = [{:?}]\ndate = \"2026-11-25\"\nformats = [\"md\"]\n{extra}",
            overlay.display().to_string()
        ),
    )
    .unwrap();
    config
}

#[test]
fn error_messages_carry_each_prefix_once() {
    // A template error: `template FILE: MESSAGE`, not `template FILE: error: MESSAGE`.
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "-f", "md", "--templates"])
        .arg("tests/fixtures/hostile/tpl-syntax-error/templates")
        .args(example_answers())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).starts_with(
            "error: template tests/fixtures/hostile/tpl-syntax-error/templates/report.md: Found `%}`"
        ),
        "{}",
        stderr(&out)
    );
    assert_no_repeated_prefix("report template", &stderr(&out));

    let work = tempfile::tempdir().unwrap();
    let templates = root().join("tests/fixtures/hostile/tpl-syntax-error/templates");
    let cases = [(
        "pack template",
        format!("templates = {:?}\n", templates.display().to_string()),
        format!(
            "error: pack bank: template {}/report.md: Found `%}}`",
            templates.display()
        ),
    )];
    for (what, extra, expect) in cases {
        let config = write_pack_config(work.path(), &extra);
        let out = kansa()
            .arg("pack")
            .arg(&config)
            .arg("--out")
            .arg(work.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}: {}", outcome(&out));
        assert!(
            stderr(&out).starts_with(&expect),
            "{what}: {}",
            stderr(&out)
        );
        assert_eq!(
            stderr(&out).matches("pack bank").count(),
            1,
            "{what}: {}",
            stderr(&out)
        );
        assert_no_repeated_prefix(what, &stderr(&out));
        // JSON logs carry the pack in its own field, not in the message.
        let out = kansa()
            .arg("pack")
            .arg(&config)
            .args(["--log-format", "json", "--out"])
            .arg(work.path().join("out"))
            .output()
            .unwrap();
        let line: serde_json::Value =
            serde_json::from_str(stderr(&out).lines().next().unwrap()).unwrap();
        assert_eq!(line["pack"], "bank", "{what}");
        let message = line["message"].as_str().unwrap();
        assert!(!message.contains("pack bank"), "{what}: {message}");
        assert!(!message.contains("error: "), "{what}: {message}");
    }
}

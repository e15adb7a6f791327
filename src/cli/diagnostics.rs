//! Warnings and notes as the user sees them: the one place that turns a [`Diagnostic`] that
//! does not stop the run into a line of text or a JSON log line.

use crate::diag::{Diagnostic, Severity};

/// `warning: …` / `note: …`, with `pack NAME: ` after the severity when the diagnostic
/// belongs to one pack of a run.
pub(crate) fn line(d: &Diagnostic, pack: Option<&str>) -> String {
    let scope = pack.map(|p| format!("pack {p}: ")).unwrap_or_default();
    format!("{}: {scope}{d}", d.severity.name())
}

/// The JSON log line of a pack's diagnostic (`--log-format json`). A warning is a missing
/// evidence file (the only warning a pack build gives), logged whole as `problem`; a note is
/// logged by its message.
pub(crate) fn json(d: &Diagnostic, pack: &str) -> serde_json::Value {
    let level = d.severity.name();
    match d.severity {
        Severity::Warning => {
            serde_json::json!({"level": level, "event": "evidence", "pack": pack, "problem": d})
        }
        Severity::Note => {
            serde_json::json!({"level": level, "event": "notice", "pack": pack, "message": d.message})
        }
        Severity::Error => {
            serde_json::json!({"level": level, "event": "error", "pack": pack, "message": d.to_string()})
        }
    }
}

/// Print a warning or note of the whole run on standard error.
pub(crate) fn print(d: &Diagnostic) {
    say!("{}", line(d, None));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_notes_print_with_their_severity_first() {
        let warning = Diagnostic::new("answers.csv", 3, 0, "evidence file not found")
            .value("sys/drill.txt")
            .severity(Severity::Warning);
        assert_eq!(
            line(&warning, Some("bank")),
            "warning: pack bank: answers.csv:3: evidence file not found \"sys/drill.txt\""
        );
        let note = Diagnostic::about_run(Severity::Note, "no baseline: built without it");
        assert_eq!(
            line(&note, Some("bank")),
            "note: pack bank: no baseline: built without it"
        );
        assert_eq!(line(&note, None), "note: no baseline: built without it");
        assert_eq!(json(&note, "bank")["level"], "note");
        assert_eq!(json(&note, "bank")["event"], "notice");
        assert_eq!(json(&warning, "bank")["event"], "evidence");
        assert_eq!(json(&warning, "bank")["problem"]["severity"], "warning");
    }
}

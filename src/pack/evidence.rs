//! Evidence files: an `evidence` entry that names a file under the evidence root gets its
//! SHA-256 in the manifest, so an auditor can tell the pack was built from exactly those files.

use std::path::{Component, Path};

use serde::Serialize;

use crate::analyse::Analysis;
use crate::diag::Diagnostic;
use crate::pack::manifest::sha256;

/// A referenced file that exists.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EvidenceFile {
    /// Control id.
    pub control: String,
    /// The reference as written.
    pub reference: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// File references found in the evidence cells, checked against the root.
#[derive(Debug, Default)]
pub struct EvidenceReport {
    /// References that resolved to files.
    pub found: Vec<EvidenceFile>,
    /// References to files that do not exist (or leave the root), located in their overlay.
    pub missing: Vec<Diagnostic>,
}

const FILE_EXTENSIONS: &[&str] = &[
    "pdf", "xlsx", "xls", "docx", "doc", "pptx", "csv", "txt", "md", "png", "jpg", "jpeg", "zip",
    "json", "log", "html", "eml", "msg",
];

/// Does this reference look like a file path rather than a document title?
fn looks_like_file(item: &str) -> bool {
    if item.contains('/') || item.contains('\\') {
        return true;
    }
    item.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

/// Split an evidence cell into its references (`;`, `；` and newlines separate them).
pub fn references(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Check every evidence reference of every control against `root`.
pub fn check(analysis: &Analysis<'_>, root: &Path) -> EvidenceReport {
    let merged = &analysis.merged;
    let mut report = EvidenceReport::default();
    for (control, answer) in merged.catalogue.controls.iter().zip(&merged.answers) {
        let Some(evidence) = &answer.evidence else {
            continue;
        };
        for item in references(&evidence.value).filter(|i| looks_like_file(i)) {
            let inside = Path::new(item)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
            let path = root.join(item);
            match std::fs::read(&path) {
                Ok(bytes) if inside => report.found.push(EvidenceFile {
                    control: control.id.clone(),
                    reference: item.to_owned(),
                    sha256: sha256(&bytes),
                    bytes: bytes.len() as u64,
                }),
                _ => {
                    let layer = &merged.overlays[evidence.layer];
                    let line = answer
                        .rows
                        .iter()
                        .find(|(l, _)| *l == evidence.layer)
                        .map_or(0, |(_, line)| *line);
                    let (message, hint) = if inside {
                        (
                            "evidence file not found",
                            format!("looked for {}", path.display()),
                        )
                    } else {
                        ("evidence path leaves the evidence root", "write evidence paths relative to evidence_root, without .. or a leading /".to_owned())
                    };
                    report.missing.push(
                        Diagnostic::new(&layer.path, line, 0, message)
                            .column_name("evidence")
                            .value(item)
                            .hint(hint),
                    );
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references_are_told_from_titles() {
        let cell = "EV-OPS-012 入力管理規程 第4条; evidence/backup.pdf；scan.PNG\nv3.2 設計書";
        let refs: Vec<&str> = references(cell).collect();
        assert_eq!(
            refs,
            [
                "EV-OPS-012 入力管理規程 第4条",
                "evidence/backup.pdf",
                "scan.PNG",
                "v3.2 設計書"
            ]
        );
        let files: Vec<&str> = refs.into_iter().filter(|r| looks_like_file(r)).collect();
        assert_eq!(files, ["evidence/backup.pdf", "scan.PNG"]);
    }
}

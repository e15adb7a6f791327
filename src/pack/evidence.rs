//! Evidence files: an `evidence` entry that names a file under the evidence root gets its
//! SHA-256 in the manifest, so an auditor can tell the pack was built from exactly those files.

use std::path::Path;

use serde::Serialize;

use crate::analyse::Analysis;
use crate::diag::Diagnostic;

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
    /// Where it was read (an input of the pack, not written to the manifest).
    #[serde(skip)]
    pub path: std::path::PathBuf,
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

/// A URL (`https://…`, `file:///…`): a reference to somewhere else, not a file under the root.
fn is_url(item: &str) -> bool {
    item.split_once("://").is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Does this reference look like a file path rather than a document title?
fn looks_like_file(item: &str) -> bool {
    if is_url(item) {
        return false;
    }
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

/// Is `item` a plain relative path that stays under the root, whichever system wrote it? No
/// leading `/` or `\`, no drive (`C:`), no `..` and no `.` segment, whether separated by `/`
/// or `\`, and no NUL.
fn stays_inside(item: &str) -> bool {
    // `sub/` names a directory (told apart later), not something outside.
    let item = match item.strip_suffix(['/', '\\']) {
        Some(dir) if !dir.is_empty() => dir,
        _ => item,
    };
    let mut segments = item.split(['/', '\\']);
    let first = segments.next().unwrap_or("");
    !first.is_empty()
        && !first.contains(':')
        && !item.contains('\0')
        && std::iter::once(first)
            .chain(segments)
            .all(|s| !s.is_empty() && s != ".." && s != ".")
}

/// Why a reference that stays inside (lexically) does not give a file, if it does not:
/// missing, not a regular file (a directory, FIFO or device is never read), or a symbolic link
/// out of the root.
fn resolve(root: &Path, item: &str) -> std::result::Result<std::path::PathBuf, &'static str> {
    let path = root.join(native(item));
    let meta = std::fs::metadata(&path).map_err(|_| "evidence file not found")?;
    if !meta.is_file() {
        return Err("evidence path is not a regular file");
    }
    let (Ok(real_root), Ok(real)) = (std::fs::canonicalize(root), std::fs::canonicalize(&path))
    else {
        return Err("evidence file not found");
    };
    if !real.starts_with(&real_root) {
        return Err("evidence path leaves the evidence root");
    }
    Ok(path)
}

/// A reference with `\` separators (written on Windows: `sys\restore.txt`) as a path of this
/// system; [`stays_inside`] already treats both as separators.
fn native(item: &str) -> String {
    item.replace('\\', std::path::MAIN_SEPARATOR_STR)
}

/// SHA-256 and size of a file, read in blocks (an evidence video is not loaded whole).
fn digest_file(path: &Path) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((crate::model::text::hex(&hasher.finalize()), bytes))
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
            let inside = stays_inside(item);
            let outcome = if inside {
                resolve(root, item).and_then(|path| {
                    digest_file(&path)
                        .map(|d| (d, path))
                        .map_err(|_| "evidence file cannot be read")
                })
            } else {
                Err("evidence path leaves the evidence root")
            };
            match outcome {
                Ok(((sha256, bytes), path)) => report.found.push(EvidenceFile {
                    control: control.id.clone(),
                    reference: item.to_owned(),
                    sha256,
                    bytes,
                    path,
                }),
                Err(message) => {
                    let layer = &merged.overlays[evidence.layer];
                    let line = answer
                        .rows
                        .iter()
                        .find(|(l, _)| *l == evidence.layer)
                        .map_or(0, |(_, line)| *line);
                    let hint = match message {
                        "evidence path leaves the evidence root" => "write evidence paths relative to evidence_root, without .., a drive or a leading / (links out of the root are not followed)".to_owned(),
                        "evidence path is not a regular file" => "name a file; directories, pipes and devices are not read".to_owned(),
                        _ => format!("looked for {}", root.join(native(item)).display()),
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
        assert!(!looks_like_file("https://example.com/policy.pdf"));
        assert!(looks_like_file("..\\..\\secret.txt"));
    }

    #[test]
    fn paths_out_of_the_root_are_told_lexically() {
        for bad in [
            "/etc/passwd",
            "\\\\server\\share\\x.pdf",
            "C:\\Windows\\win.ini",
            "c:/x.pdf",
            "../x.pdf",
            "a/../../x.pdf",
            "..\\..\\secret.txt",
            "a//b.pdf",
            "./a.pdf",
            "a\0.pdf",
        ] {
            assert!(!stays_inside(bad), "{bad:?}");
        }
        for good in [
            "a.pdf",
            "sys/restore-drill.txt",
            "sub/",
            "sys\\drill.txt",
            "設備/点検.pdf",
        ] {
            assert!(stays_inside(good), "{good:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_special_files_under_the_root_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ev");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        std::fs::write(root.join("ok.txt"), "fine").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.txt")).unwrap();
        assert!(resolve(&root, "ok.txt").is_ok());
        assert_eq!(
            resolve(&root, "link.txt"),
            Err("evidence path leaves the evidence root")
        );
        assert_eq!(
            resolve(&root, "zero.txt"),
            Err("evidence path is not a regular file")
        );
        assert_eq!(
            resolve(&root, "sub"),
            Err("evidence path is not a regular file")
        );
        assert_eq!(resolve(&root, "none.txt"), Err("evidence file not found"));
        assert_eq!(digest_file(&root.join("ok.txt")).unwrap().1, 4);
    }

    /// Regression: `sys\restore.txt` was not found although `sys/restore.txt` exists.
    #[test]
    fn backslash_separators_resolve() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sys/sub")).unwrap();
        std::fs::write(dir.path().join("sys/sub/restore.txt"), "ok").unwrap();
        for item in [
            "sys\\sub\\restore.txt",
            "sys/sub\\restore.txt",
            "sys/sub/restore.txt",
        ] {
            let path = resolve(dir.path(), item).unwrap();
            assert_eq!(std::fs::read(path).unwrap(), b"ok", "{item}");
        }
        assert_eq!(
            resolve(dir.path(), "sys\\none.txt"),
            Err("evidence file not found")
        );
    }
}

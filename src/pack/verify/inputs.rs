//! `kansa verify --inputs DIR`: the overlays and evidence files a pack's manifest lists,
//! checked against the files when they are present. The manifest names an overlay by its
//! label (`aws-2012/answers.csv`) and an evidence file by its reference under the evidence
//! root (`risk/review.md`); each is looked for by that name under every `--inputs` directory
//! (`--inputs examples` finds `examples/aws-2012/answers.csv`). Only the whole name counts: a
//! file that merely has the same file name is another file, and is never reported as changed.

use std::path::{Path, PathBuf};

use super::Check;
use super::files::sha256_hex;
use super::sums::safe_path;

/// An overlay as the manifest lists it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct ManifestInput {
    label: String,
    sha256: String,
}

/// An evidence file as the manifest lists it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct ManifestEvidence {
    reference: String,
    sha256: String,
}

/// An input or evidence file to look for: what it is (for messages), its name, its digest.
#[derive(Debug)]
pub(super) struct Source {
    what: String,
    name: String,
    sha256: String,
}

/// The manifest's inputs then evidence, as sources to look for.
pub(super) fn sources(inputs: Vec<ManifestInput>, evidence: Vec<ManifestEvidence>) -> Vec<Source> {
    let inputs = inputs.into_iter().map(|i| Source {
        what: format!("input {}", i.label),
        name: i.label,
        sha256: i.sha256,
    });
    let evidence = evidence.into_iter().map(|e| Source {
        what: format!("evidence {}", e.reference),
        name: e.reference,
        sha256: e.sha256,
    });
    inputs.chain(evidence).collect()
}

/// Evidence and inputs are files of a few megabytes; this bounds what one check reads.
const MAX_SOURCE_BYTES: u64 = 1 << 30;

/// Check each source against the first file of its name under `dirs`: one [`Check`] each.
/// Nothing is done without `--inputs`.
pub(super) fn check(sources: &[Source], dirs: &[PathBuf], checks: &mut Vec<Check>) {
    if dirs.is_empty() {
        return;
    }
    for s in sources {
        let check = match find(&s.name, dirs) {
            None => Check::InputAbsent(s.what.clone()),
            Some(path) => match digest(&path) {
                Some(d) if d == s.sha256.to_ascii_lowercase() => Check::InputOk(s.what.clone()),
                _ => Check::InputChanged(s.what.clone()),
            },
        };
        checks.push(check);
    }
}

/// The file named `name` under one of `dirs`, the first found. A name that could leave the
/// directory (`..`, absolute) is never looked for.
fn find(name: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    safe_path(name).ok()?;
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The SHA-256 of a file, `None` when it cannot be read (or is over the bound).
fn digest(path: &Path) -> Option<String> {
    let bytes = crate::fs::read_capped(path, MAX_SOURCE_BYTES, "").ok()?;
    Some(sha256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_found_by_name_then_file_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("aws")).unwrap();
        std::fs::write(dir.path().join("aws/answers.csv"), "a").unwrap();
        std::fs::create_dir_all(dir.path().join("risk")).unwrap();
        std::fs::write(dir.path().join("risk/review.md"), "b").unwrap();
        let sources = sources(
            vec![
                ManifestInput {
                    label: "aws/answers.csv".into(),
                    sha256: sha256_hex(b"a"),
                },
                ManifestInput {
                    label: "bank/answers.csv".into(),
                    sha256: sha256_hex(b"x"),
                },
            ],
            vec![
                ManifestEvidence {
                    reference: "risk/review.md".into(),
                    sha256: sha256_hex(b"changed"),
                },
                ManifestEvidence {
                    reference: "../../etc/passwd".into(),
                    sha256: sha256_hex(b"x"),
                },
            ],
        );
        let mut checks = Vec::new();
        check(&sources, &[dir.path().to_path_buf()], &mut checks);
        assert_eq!(
            checks,
            [
                Check::InputOk("input aws/answers.csv".into()),
                // bank/answers.csv is absent (aws/answers.csv is another file).
                Check::InputAbsent("input bank/answers.csv".into()),
                Check::InputChanged("evidence risk/review.md".into()),
                Check::InputAbsent("evidence ../../etc/passwd".into()),
            ]
        );
        let mut none = Vec::new();
        check(&sources, &[], &mut none);
        assert!(none.is_empty());
    }
}

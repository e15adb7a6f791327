//! Integrity evidence: `SHA256SUMS` over every file of a pack, and `kansa verify`.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::load::overlay::hex;

/// SHA-256 of bytes, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `sha256sum`-compatible lines for every file (`<hex>  <path>`), sorted by path.
pub fn sha256sums(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = String::new();
    for (path, bytes) in files {
        out.push_str(&format!("{}  {path}\n", sha256(bytes)));
    }
    out.into_bytes()
}

/// The outcome of checking one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Digest matches.
    Ok(String),
    /// Digest differs.
    Changed(String),
    /// Listed but absent.
    Missing(String),
    /// Present but not listed (something was added to the pack).
    Unlisted(String),
}

impl Check {
    /// Whether this check passed.
    pub fn passed(&self) -> bool {
        matches!(self, Check::Ok(_))
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Ok(p) => write!(f, "OK        {p}"),
            Check::Changed(p) => write!(f, "CHANGED   {p}"),
            Check::Missing(p) => write!(f, "MISSING   {p}"),
            Check::Unlisted(p) => write!(f, "UNLISTED  {p}"),
        }
    }
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::result::Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.file_type()?.is_dir() {
            walk(&e.path(), &format!("{name}/"), out)?;
        } else {
            out.push(name);
        }
    }
    Ok(())
}

/// Re-check every checksum of a pack directory.
pub fn verify(dir: &Path) -> Result<Vec<Check>> {
    let sums_path = dir.join("SHA256SUMS");
    let sums = crate::fs::read(&sums_path)?;
    let text = String::from_utf8_lossy(&sums);
    let mut listed = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some((digest, path)) = line.split_once("  ") else {
            return Err(Error::Usage(format!(
                "{}:{}: not a checksum line: {line:?}",
                sums_path.display(),
                i + 1
            )));
        };
        listed.insert(path.to_owned(), digest.to_owned());
    }
    let mut checks = Vec::new();
    for (path, digest) in &listed {
        let full = dir.join(path);
        // Listed paths come from the file: refuse any that could point outside the pack.
        let escapes = Path::new(path)
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)));
        match std::fs::read(&full) {
            Ok(bytes) if !escapes && sha256(&bytes) == *digest => {
                checks.push(Check::Ok(path.clone()))
            }
            Ok(_) => checks.push(Check::Changed(path.clone())),
            Err(_) => checks.push(Check::Missing(path.clone())),
        }
    }
    let mut present = Vec::new();
    walk(dir, "", &mut present).map_err(|source| Error::Io {
        action: "cannot read",
        path: dir.to_owned(),
        source,
    })?;
    for p in present {
        if p != "SHA256SUMS" && !listed.contains_key(&p) {
            checks.push(Check::Unlisted(p));
        }
    }
    Ok(checks)
}

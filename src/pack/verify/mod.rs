//! `kansa verify`: re-check a pack against both of its records, `SHA256SUMS` and
//! `manifest.json`, touching nothing but regular files inside the pack.
//!
//! A pack directory is not trusted: a file may have been replaced by a symbolic link (to
//! `/dev/zero`, to a copy outside the pack), a FIFO, a device or a directory, and the two
//! records may have been edited. Nothing that is not a regular file inside the pack is opened
//! for reading, every line of `SHA256SUMS` is parsed strictly (a duplicate or malformed line is
//! a problem, as for `sha256sum -c`), and every file must agree with both records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub mod allowed_signers;
mod files;
mod inputs;
mod signature;
mod sums;

pub use allowed_signers::AllowedSigner;
use files::{Opened, check_file, read_record, sha256_hex, walk};
pub use signature::SignatureCheck;
use sums::{parse_sums, safe_path};

/// The checksum list of a pack.
const SUMS: &str = "SHA256SUMS";
/// The manifest of a pack, itself listed in [`SUMS`].
const MANIFEST: &str = "manifest.json";
/// Bad lines of `SHA256SUMS` listed one by one; the rest are counted.
const MAX_BAD_LINES_LISTED: usize = 1000;
/// Lines of `SHA256SUMS` read at most (a pack has one per file: a 100,000-control catalogue
/// gives at most about as many tickets).
const MAX_SUMS_LINES: usize = 2_000_000;
/// `SHA256SUMS` and `manifest.json` are read whole, but never more than this.
const MAX_RECORD_BYTES: u64 = crate::model::limits::DEFAULT_MAX_FILE_BYTES;

/// The outcome of checking one file, or one problem in the pack's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The file matches `SHA256SUMS` and `manifest.json`.
    Ok(String),
    /// The file's digest (or size) differs from its records.
    Changed(String),
    /// Listed but absent.
    Missing(String),
    /// Present but not listed (something was added to the pack).
    Unlisted(String),
    /// Listed, but not a regular file (what it is instead): never read.
    NotAFile(String, String),
    /// `SHA256SUMS` and `manifest.json` disagree about the file (how).
    Disagrees(String, String),
    /// A line of `SHA256SUMS` or an entry of `manifest.json` that cannot be trusted:
    /// (record and line, what is wrong).
    BadRecord(String, String),
    /// An input or evidence file the manifest lists, found under `--inputs` with the digest
    /// the manifest records (what it is: `input x.csv`, `evidence a/b.pdf`).
    InputOk(String),
    /// An input or evidence file found under `--inputs` whose digest differs.
    InputChanged(String),
    /// An input or evidence file the manifest lists that no `--inputs` directory holds: not
    /// checked, not a failure.
    InputAbsent(String),
}

impl Check {
    /// Whether this check passed.
    pub fn passed(&self) -> bool {
        matches!(
            self,
            Check::Ok(_) | Check::InputOk(_) | Check::InputAbsent(_)
        )
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Ok(p) => write!(f, "OK        {}", shown(p)),
            Check::Changed(p) => write!(f, "CHANGED   {}", shown(p)),
            Check::Missing(p) => write!(f, "MISSING   {}", shown(p)),
            Check::Unlisted(p) => write!(f, "UNLISTED  {}", shown(p)),
            Check::NotAFile(p, what) => write!(
                f,
                "NOT FILE  {}: {what}; only regular files inside the pack are read",
                shown(p)
            ),
            Check::Disagrees(p, how) => write!(f, "MISMATCH  {}: {how}", shown(p)),
            Check::BadRecord(at, what) => write!(f, "BAD LINE  {}: {what}", shown(at)),
            Check::InputOk(what) => write!(f, "OK        {}", shown(what)),
            Check::InputChanged(what) => write!(
                f,
                "CHANGED   {}: differs from the SHA-256 {MANIFEST} records",
                shown(what)
            ),
            Check::InputAbsent(what) => write!(
                f,
                "ABSENT    {}: in no --inputs directory, not checked",
                shown(what)
            ),
        }
    }
}

/// A name as it may be printed to a terminal: a name with a control character (CR, ESC, ...),
/// an invisible one or a backslash is shown quoted and escaped, so `x\rOK report.pdf` cannot
/// overwrite its own line.
pub fn shown(name: &str) -> String {
    let needs_escape = name
        .chars()
        .any(|c| c.is_control() || c == '\\' || crate::model::text::is_invisible(c));
    if needs_escape {
        let escaped: String = name
            .chars()
            .map(|c| {
                if crate::model::text::is_invisible(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.escape_debug().to_string()
                }
            })
            .collect();
        format!("\"{escaped}\"")
    } else {
        name.to_owned()
    }
}

/// What one record says about a file.
#[derive(Debug, Clone)]
struct Entry {
    sha256: String,
    /// Size in bytes (the manifest records it; `SHA256SUMS` does not).
    bytes: Option<u64>,
}

/// What `kansa verify` checks besides the pack's own files.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Signers allowed to sign packs (`--allowed-signers`); without them a signature is
    /// checked against `SHA256SUMS` and the manifest only.
    pub allowed_signers: Option<Vec<AllowedSigner>>,
    /// Directories holding the inputs and evidence the manifest lists (`--inputs`).
    pub inputs: Vec<PathBuf>,
    /// The time a signer's `valid-after` / `valid-before` are checked against.
    pub now: Option<jiff::Timestamp>,
}

/// Everything `kansa verify` found: the file checks and the signature.
#[derive(Debug, Clone)]
pub struct Verification {
    /// One per file, record problem, input or evidence file.
    pub checks: Vec<Check>,
    /// The signature over `SHA256SUMS`.
    pub signature: SignatureCheck,
}

/// Re-check every file of a pack directory against `SHA256SUMS` and `manifest.json`, and find
/// files added to it. A directory without `SHA256SUMS` is a usage error; everything else wrong
/// with the pack is a failed [`Check`].
pub fn verify(dir: &Path) -> Result<Vec<Check>> {
    Ok(verify_with(dir, &VerifyOptions::default())?.checks)
}

/// [`verify`], and the pack's signature, and the inputs and evidence found under
/// `options.inputs`.
pub fn verify_with(dir: &Path, options: &VerifyOptions) -> Result<Verification> {
    if !dir.is_dir() {
        return Err(not_a_pack(dir));
    }
    let sums_bytes = match read_record(dir, SUMS) {
        Ok(bytes) => bytes,
        Err(Opened::Missing) => return Err(not_a_pack(dir)),
        Err(Opened::NotAFile(what)) => {
            return Ok(Verification {
                checks: vec![Check::NotAFile(SUMS.to_owned(), what)],
                signature: SignatureCheck::Bad(format!("{SUMS} cannot be read")),
            });
        }
        Err(Opened::TooBig) => {
            return Ok(Verification {
                checks: vec![Check::BadRecord(
                    SUMS.to_owned(),
                    format!("larger than {MAX_RECORD_BYTES} bytes"),
                )],
                signature: SignatureCheck::Bad(format!("{SUMS} cannot be read")),
            });
        }
        Err(Opened::Io(source)) => return Err(read_error(&dir.join(SUMS), source)),
    };
    let mut checks = Vec::new();
    let sums = parse_sums(&sums_bytes, &mut checks);
    if sums.is_empty() && checks.is_empty() {
        checks.push(Check::BadRecord(
            SUMS.to_owned(),
            "lists no files".to_owned(),
        ));
    }
    let manifest = check_manifest(dir, &sums, &mut checks);
    check_listed(
        dir,
        &sums,
        manifest.as_ref().map(|m| &m.outputs),
        &mut checks,
    );
    let mut present = Vec::new();
    walk(dir, "", &mut present).map_err(|source| read_error(dir, source))?;
    for p in present {
        if p != SUMS && p != crate::pack::sign::SIGNATURE_FILE && !sums.contains_key(&p) {
            checks.push(Check::Unlisted(p));
        }
    }
    if let Some(m) = &manifest {
        inputs::check(&m.sources, &options.inputs, &mut checks);
    }
    let now = options.now.unwrap_or_else(jiff::Timestamp::now);
    let signature = signature::check(
        dir,
        &sums_bytes,
        manifest.as_ref().map(|m| m.signer.as_deref()),
        options.allowed_signers.as_deref(),
        now,
    );
    Ok(Verification { checks, signature })
}

/// Checks every file listed in `SHA256SUMS` against both records (against `SHA256SUMS` alone
/// when the manifest cannot be trusted), and finds files listed in only one of them.
fn check_listed(
    dir: &Path,
    sums: &BTreeMap<String, Entry>,
    manifest: Option<&BTreeMap<String, Entry>>,
    checks: &mut Vec<Check>,
) {
    for (path, entry) in sums {
        if path == MANIFEST {
            continue; // checked (and read) by check_manifest
        }
        let check = match manifest.map(|m| m.get(path)) {
            // Without a trustworthy manifest the files are still checked against SHA256SUMS.
            None => check_file(dir, path, entry),
            Some(None) => Check::Disagrees(
                path.clone(),
                format!("listed in {SUMS} but not in {MANIFEST}"),
            ),
            Some(Some(m)) if m.sha256 != entry.sha256 => Check::Disagrees(
                path.clone(),
                format!("{SUMS} and {MANIFEST} give different SHA-256 digests"),
            ),
            Some(Some(m)) => check_file(dir, path, m),
        };
        checks.push(check);
    }
    if let Some(manifest) = manifest {
        for path in manifest.keys().filter(|p| !sums.contains_key(*p)) {
            checks.push(Check::Disagrees(
                path.clone(),
                format!("listed in {MANIFEST} but not in {SUMS}"),
            ));
        }
    }
}

fn not_a_pack(dir: &Path) -> Error {
    let shown_dir = shown(&dir.display().to_string());
    let what = if dir.is_dir() {
        format!("{shown_dir} is not a kansa pack: it has no {SUMS}")
    } else {
        format!("{shown_dir} is not a pack directory")
    };
    Error::Usage(format!(
        "{what}\n  hint: give the directory `kansa pack` wrote (OUT/<pack name>)"
    ))
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action: crate::error::IoAction::Read,
        path: path.to_owned(),
        source,
    }
}

/// Check `manifest.json` against `SHA256SUMS` and read its list of outputs. `None` when the
/// manifest cannot be trusted (missing, changed, not listed, unreadable): the reason is a
/// failed check already.
fn check_manifest(
    dir: &Path,
    sums: &BTreeMap<String, Entry>,
    checks: &mut Vec<Check>,
) -> Option<ManifestRecord> {
    let bytes = match read_record(dir, MANIFEST) {
        Ok(bytes) => bytes,
        Err(Opened::Missing) => {
            checks.push(Check::Missing(MANIFEST.to_owned()));
            return None;
        }
        Err(Opened::NotAFile(what)) => {
            checks.push(Check::NotAFile(MANIFEST.to_owned(), what));
            return None;
        }
        Err(Opened::TooBig | Opened::Io(_)) => {
            checks.push(Check::Changed(MANIFEST.to_owned()));
            return None;
        }
    };
    let Some(listed) = sums.get(MANIFEST) else {
        checks.push(Check::Disagrees(
            MANIFEST.to_owned(),
            format!("not listed in {SUMS}"),
        ));
        return None;
    };
    if sha256_hex(&bytes) != listed.sha256 {
        checks.push(Check::Changed(MANIFEST.to_owned()));
        return None;
    }
    match manifest_outputs(&bytes, checks) {
        Some(outputs) => {
            checks.push(Check::Ok(MANIFEST.to_owned()));
            Some(outputs)
        }
        None => None,
    }
}

/// What verify takes from a trusted manifest.
struct ManifestRecord {
    /// The pack's files by path.
    outputs: BTreeMap<String, Entry>,
    /// The signing key's fingerprint, if the pack was signed.
    signer: Option<String>,
    /// The inputs and evidence files, for `--inputs`.
    sources: Vec<inputs::Source>,
}

/// The `outputs` of a manifest by path, its signer and its inputs; a malformed manifest or
/// entry is a [`Check::BadRecord`].
fn manifest_outputs(bytes: &[u8], checks: &mut Vec<Check>) -> Option<ManifestRecord> {
    #[derive(serde::Deserialize)]
    struct Output {
        path: String,
        sha256: String,
        bytes: u64,
    }
    #[derive(serde::Deserialize)]
    struct Signer {
        fingerprint: String,
    }
    #[derive(serde::Deserialize)]
    struct Manifest {
        outputs: Vec<Output>,
        #[serde(default)]
        signer: Option<Signer>,
        #[serde(default)]
        inputs: Vec<inputs::ManifestInput>,
        #[serde(default)]
        evidence: Vec<inputs::ManifestEvidence>,
    }
    let manifest: Manifest = match serde_json::from_slice(bytes) {
        Ok(m) => m,
        Err(e) => {
            checks.push(Check::BadRecord(
                format!("{MANIFEST}:{}", e.line()),
                format!("not a kansa manifest: {e}"),
            ));
            return None;
        }
    };
    let mut outputs = BTreeMap::new();
    for (i, o) in manifest.outputs.into_iter().enumerate() {
        let at = format!("{MANIFEST} outputs[{i}]");
        if let Err(why) = safe_path(&o.path) {
            checks.push(Check::BadRecord(at, format!("{why}: {}", shown(&o.path))));
            continue;
        }
        let digest_ok = o.sha256.len() == 64 && o.sha256.bytes().all(|b| b.is_ascii_hexdigit());
        if !digest_ok {
            checks.push(Check::BadRecord(
                at,
                format!("not a SHA-256 digest: {}", shown(&o.sha256)),
            ));
            continue;
        }
        if outputs.contains_key(&o.path) {
            checks.push(Check::BadRecord(
                at,
                format!("{} is listed again", shown(&o.path)),
            ));
            continue;
        }
        let entry = Entry {
            sha256: o.sha256.to_ascii_lowercase(),
            bytes: Some(o.bytes),
        };
        outputs.insert(o.path, entry);
    }
    Some(ManifestRecord {
        outputs,
        signer: manifest.signer.map(|s| s.fingerprint),
        sources: inputs::sources(manifest.inputs, manifest.evidence),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_control_characters_are_escaped() {
        assert_eq!(shown("report.md"), "report.md");
        assert_eq!(shown("x\rOK report.pdf"), "\"x\\rOK report.pdf\"");
        assert_eq!(shown("a\u{1b}[2Kb"), "\"a\\u{1b}[2Kb\"");
        assert_eq!(shown("a\u{202e}b"), "\"a\\u{202e}b\"");
        assert!(!shown("x\rOK").contains('\r'));
    }
}

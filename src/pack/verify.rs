//! `kansa verify`: re-check a pack against both of its records, `SHA256SUMS` and
//! `manifest.json`, touching nothing but regular files inside the pack.
//!
//! A pack directory is not trusted: a file may have been replaced by a symbolic link (to
//! `/dev/zero`, to a copy outside the pack), a FIFO, a device or a directory, and the two
//! records may have been edited. Nothing that is not a regular file inside the pack is opened
//! for reading, every line of `SHA256SUMS` is parsed strictly (a duplicate or malformed line is
//! a problem, as for `sha256sum -c`), and every file must agree with both records.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::text::hex;

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

/// Re-check every file of a pack directory against `SHA256SUMS` and `manifest.json`, and find
/// files added to it. A directory without `SHA256SUMS` is a usage error; everything else wrong
/// with the pack is a failed [`Check`].
pub fn verify(dir: &Path) -> Result<Vec<Check>> {
    if !dir.is_dir() {
        return Err(not_a_pack(dir));
    }
    let sums_bytes = match read_record(dir, SUMS) {
        Ok(bytes) => bytes,
        Err(Opened::Missing) => return Err(not_a_pack(dir)),
        Err(Opened::NotAFile(what)) => return Ok(vec![Check::NotAFile(SUMS.to_owned(), what)]),
        Err(Opened::TooBig) => {
            return Ok(vec![Check::BadRecord(
                SUMS.to_owned(),
                format!("larger than {MAX_RECORD_BYTES} bytes"),
            )]);
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
    for (path, entry) in &sums {
        if path == MANIFEST {
            continue; // checked (and read) by check_manifest
        }
        let check = match manifest.as_ref().map(|m| m.get(path)) {
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
    if let Some(manifest) = &manifest {
        for path in manifest.keys().filter(|p| !sums.contains_key(*p)) {
            checks.push(Check::Disagrees(
                path.clone(),
                format!("listed in {MANIFEST} but not in {SUMS}"),
            ));
        }
    }
    let mut present = Vec::new();
    walk(dir, "", &mut present).map_err(|source| read_error(dir, source))?;
    for p in present {
        if p != SUMS && !sums.contains_key(&p) {
            checks.push(Check::Unlisted(p));
        }
    }
    Ok(checks)
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

/// The entries of `SHA256SUMS` with a safe path, first line first; every other line becomes a
/// [`Check::BadRecord`] naming its line number.
fn parse_sums(bytes: &[u8], checks: &mut Vec<Check>) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if body.is_empty() {
        return entries;
    }
    let mut bad_lines = 0usize;
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let n = i + 1;
        if n > MAX_SUMS_LINES {
            checks.push(Check::BadRecord(
                format!("{SUMS}:{n}"),
                format!("more than {MAX_SUMS_LINES} lines; the rest is not read"),
            ));
            break;
        }
        // A file of millions of bad lines is one problem many times over: the first ones are
        // listed and the rest counted, so memory and output stay bounded.
        let mut bad = |what: String| {
            bad_lines += 1;
            if bad_lines <= MAX_BAD_LINES_LISTED {
                checks.push(Check::BadRecord(format!("{SUMS}:{n}"), what));
            }
        };
        let Ok(line) = std::str::from_utf8(raw) else {
            bad("not UTF-8".to_owned());
            continue;
        };
        let Some((digest, path)) = split_sums_line(line) else {
            bad(format!(
                "not a checksum line (`<64 hex digits>  <path>`): {}",
                shown(line)
            ));
            continue;
        };
        if let Err(why) = safe_path(path) {
            bad(format!("{why}: {}", shown(path)));
            continue;
        }
        if let Some(first) = first_line.get(path) {
            bad(format!(
                "{} is listed again (first on line {first})",
                shown(path)
            ));
            continue;
        }
        first_line.insert(path.to_owned(), n);
        entries.insert(
            path.to_owned(),
            Entry {
                sha256: digest.to_ascii_lowercase(),
                bytes: None,
            },
        );
    }
    if bad_lines > MAX_BAD_LINES_LISTED {
        checks.push(Check::BadRecord(
            SUMS.to_owned(),
            format!(
                "{} more bad lines not listed ({bad_lines} in all)",
                bad_lines - MAX_BAD_LINES_LISTED
            ),
        ));
    }
    entries
}

/// `<64 hex>  <path>` (text mode) or `<64 hex> *<path>` (binary mode), as `sha256sum` writes.
fn split_sums_line(line: &str) -> Option<(&str, &str)> {
    let digest = line.get(..64)?;
    let path = line
        .get(64..)
        .and_then(|rest| rest.strip_prefix("  ").or_else(|| rest.strip_prefix(" *")))?;
    let is_hex = digest.bytes().all(|b| b.is_ascii_hexdigit());
    (is_hex && !path.is_empty()).then_some((digest, path))
}

/// A listed path must name a file inside the pack, plainly: relative, `/`-separated, no `.`,
/// `..` or empty component, no control character.
fn safe_path(path: &str) -> std::result::Result<(), &'static str> {
    if path.starts_with('/') || path.contains('\\') || Path::new(path).is_absolute() {
        return Err("absolute path, outside the pack");
    }
    if path.chars().any(char::is_control) {
        return Err("path with a control character");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err("path with an empty, `.` or `..` part");
    }
    if !Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err("path that is not plainly inside the pack");
    }
    Ok(())
}

/// Check `manifest.json` against `SHA256SUMS` and read its list of outputs. `None` when the
/// manifest cannot be trusted (missing, changed, not listed, unreadable): the reason is a
/// failed check already.
fn check_manifest(
    dir: &Path,
    sums: &BTreeMap<String, Entry>,
    checks: &mut Vec<Check>,
) -> Option<BTreeMap<String, Entry>> {
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

/// The `outputs` of a manifest by path; a malformed manifest or entry is a
/// [`Check::BadRecord`].
fn manifest_outputs(bytes: &[u8], checks: &mut Vec<Check>) -> Option<BTreeMap<String, Entry>> {
    #[derive(serde::Deserialize)]
    struct Output {
        path: String,
        sha256: String,
        bytes: u64,
    }
    #[derive(serde::Deserialize)]
    struct Manifest {
        outputs: Vec<Output>,
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
    Some(outputs)
}

/// Why a listed file could not be opened for reading.
enum Opened {
    Missing,
    NotAFile(String),
    TooBig,
    Io(std::io::Error),
}

/// Read a record of the pack (`SHA256SUMS`, `manifest.json`) whole, bounded.
fn read_record(dir: &Path, name: &str) -> std::result::Result<Vec<u8>, Opened> {
    let file = open_regular(dir, name)?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Opened::Io)?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(Opened::TooBig);
    }
    Ok(bytes)
}

/// Check one listed file against what its record says (digest, and size when known).
fn check_file(dir: &Path, path: &str, expected: &Entry) -> Check {
    let file = match open_regular(dir, path) {
        Ok(file) => file,
        Err(Opened::Missing) => return Check::Missing(path.to_owned()),
        Err(Opened::NotAFile(what)) => return Check::NotAFile(path.to_owned(), what),
        Err(Opened::TooBig | Opened::Io(_)) => return Check::Changed(path.to_owned()),
    };
    let size = file.metadata().map(|m| m.len()).ok();
    if expected.bytes.is_some_and(|b| Some(b) != size) {
        // A different size is a different file: no need to read (maybe gigabytes of) it.
        return Check::Changed(path.to_owned());
    }
    match sha256_of(file) {
        Ok(digest) if digest == expected.sha256 => Check::Ok(path.to_owned()),
        _ => Check::Changed(path.to_owned()),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file, read in blocks.
fn sha256_of(mut file: File) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Open `dir/path` for reading only if every part of `path` lies inside the pack (no
/// symbolic link on the way) and it is a regular file. The type is checked before opening and
/// again on the opened handle, which is opened without following a link and without blocking,
/// so a FIFO or a file swapped in between is refused rather than read or waited on.
fn open_regular(dir: &Path, path: &str) -> std::result::Result<File, Opened> {
    let mut full = dir.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        full.push(part);
        let meta = match std::fs::symlink_metadata(&full) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Opened::Missing),
            Err(e) => return Err(Opened::Io(e)),
        };
        let last = i + 1 == parts.len();
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Err(Opened::NotAFile(if last {
                "a symbolic link".to_owned()
            } else {
                format!("{} is a symbolic link", shown(&parts[..=i].join("/")))
            }));
        }
        if !last && !kind.is_dir() {
            return Err(Opened::Missing);
        }
        if last && !kind.is_file() {
            return Err(Opened::NotAFile(kind_name(&kind).to_owned()));
        }
    }
    let file = open_no_follow(&full).map_err(|e| match e.raw_os_error() {
        // ELOOP: the file became a link after it was looked at.
        Some(40 | 62) => Opened::NotAFile("a symbolic link".to_owned()),
        _ => Opened::Io(e),
    })?;
    match file.metadata() {
        Ok(meta) if meta.is_file() => Ok(file),
        Ok(meta) => Err(Opened::NotAFile(kind_name(&meta.file_type()).to_owned())),
        Err(e) => Err(Opened::Io(e)),
    }
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What a directory entry is, for messages.
fn kind_name(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Every entry under `dir` that is not a directory (files, links, FIFOs, ...), and every empty
/// directory (as `name/`), relative to it, sorted; symbolic links are listed, never followed.
/// A pack never holds an empty directory, so one is something added.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::result::Result<_, _>>()?;
    if entries.is_empty() && !prefix.is_empty() {
        out.push(prefix.to_owned());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_lines_are_parsed_strictly() {
        let good = "a".repeat(64);
        assert_eq!(
            split_sums_line(&format!("{good}  report.md")),
            Some((good.as_str(), "report.md"))
        );
        assert_eq!(
            split_sums_line(&format!("{good} *report.md")),
            Some((good.as_str(), "report.md"))
        );
        for bad in [
            format!("{good} report.md"),
            format!("{good}  "),
            format!("{}  report.md", "a".repeat(63)),
            format!("{}  report.md", "g".repeat(64)),
            "report.md".to_owned(),
            String::new(),
        ] {
            assert_eq!(split_sums_line(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in ["report.md", "tickets/gap-a.md", "a b/c"] {
            assert!(safe_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "./report.md",
            "a//b",
            "tickets/",
            "a\\b",
            "x\rOK report.pdf",
            "x\u{1b}[2K",
        ] {
            assert!(safe_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_with_control_characters_are_escaped() {
        assert_eq!(shown("report.md"), "report.md");
        assert_eq!(shown("x\rOK report.pdf"), "\"x\\rOK report.pdf\"");
        assert_eq!(shown("a\u{1b}[2Kb"), "\"a\\u{1b}[2Kb\"");
        assert_eq!(shown("a\u{202e}b"), "\"a\\u{202e}b\"");
        assert!(!shown("x\rOK").contains('\r'));
    }

    #[test]
    fn duplicate_and_malformed_lines_are_problems() {
        let d = "0".repeat(64);
        let e = "1".repeat(64);
        let text = format!("{d}  a.md\n{e}  a.md\nnonsense\n{d}  ../x\n");
        let mut checks = Vec::new();
        let sums = parse_sums(text.as_bytes(), &mut checks);
        assert_eq!(sums.len(), 1);
        assert_eq!(sums["a.md"].sha256, d, "the first line counts");
        let shown: Vec<String> = checks.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "BAD LINE  SHA256SUMS:2: a.md is listed again (first on line 1)",
                "BAD LINE  SHA256SUMS:3: not a checksum line (`<64 hex digits>  <path>`): nonsense",
                "BAD LINE  SHA256SUMS:4: path with an empty, `.` or `..` part: ../x",
            ]
        );
    }
}

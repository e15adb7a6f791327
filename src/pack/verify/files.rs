//! Opening the files of an untrusted pack: only regular files inside it, never through a
//! symbolic link, never blocking on a FIFO; and listing what the pack holds.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Check, Entry, MAX_RECORD_BYTES, shown};
use crate::model::text::hex;

/// Why a listed file could not be opened for reading.
pub(super) enum Opened {
    Missing,
    NotAFile(String),
    TooBig,
    Io(std::io::Error),
}

/// Read a record of the pack (`SHA256SUMS`, `manifest.json`) whole, bounded.
pub(super) fn read_record(dir: &Path, name: &str) -> std::result::Result<Vec<u8>, Opened> {
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
pub(super) fn check_file(dir: &Path, path: &str, expected: &Entry) -> Check {
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

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
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
pub(super) fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
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

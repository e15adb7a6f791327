//! The only places that touch the file system for inputs and outputs.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Read a whole file that is not an input table (a `kansa.toml`, a baseline, a template, a
/// font, a pack's `SHA256SUMS`), naming it in the error. Bounded too, at the default input file
/// limit: `--baseline /dev/zero` must not fill the memory either.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let max = crate::load::limits::DEFAULT_MAX_FILE_BYTES;
    read_capped(
        path,
        max,
        &format!(
            "kansa reads at most {} of a configuration, baseline, template or font: is it the right file?",
            crate::load::limits::human_bytes(max)
        ),
    )
}

/// Read a whole input file, but never more than `max` bytes: a larger file (or an endless one
/// such as `/dev/zero`) is a located input error naming the limit and `--max-file-bytes`.
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>> {
    read_capped(
        path,
        max,
        &format!("split the file, or raise the limit with --max-file-bytes (now {max})"),
    )
}

fn read_capped(path: &Path, max: u64, hint: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let shown = path.display().to_string();
    let too_big = |size: Option<u64>| {
        let size = size.map_or_else(
            || format!("more than {}", crate::load::limits::human_bytes(max)),
            crate::load::limits::human_bytes,
        );
        Error::Input(crate::diag::Diagnostics(vec![
            crate::diag::Diagnostic::new(
                &shown,
                0,
                0,
                format!(
                    "file of {size} is over the limit of {}",
                    crate::load::limits::human_bytes(max)
                ),
            )
            .hint(hint),
        ]))
    };
    let io_err = |source| Error::Io {
        action: "cannot read",
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory, not a file",
        )));
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_big(Some(meta.len())));
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > max {
        return Err(too_big(None));
    }
    Ok(bytes)
}

#[cfg(test)]
mod bounded_tests {
    /// Endless inputs stop at the limit, for tables and for every other file kansa reads.
    #[cfg(target_os = "linux")]
    #[test]
    fn endless_files_stop_at_the_limit() {
        let zero = std::path::Path::new("/dev/zero");
        let err = super::read_limited(zero, 1024).unwrap_err().to_string();
        assert!(
            err.contains("/dev/zero: file of more than 1 KiB is over the limit of 1 KiB"),
            "{err}"
        );
        assert!(err.contains("--max-file-bytes (now 1024)"), "{err}");
        let err = super::read(zero).unwrap_err().to_string();
        assert!(err.contains("over the limit of 256 MiB"), "{err}");
        assert!(
            err.contains("configuration, baseline, template or font"),
            "{err}"
        );
    }
}

/// Write `bytes` to `path` atomically: a temporary file beside the target, then a rename, so a
/// reader (or a failed run) never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] for output produced by a writer (streamed, e.g. JSON of a large catalogue,
/// so the whole document never sits in memory).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let io_err = |source| Error::Io {
        action: "cannot write",
        path: path.to_owned(),
        source,
    };
    // A device or pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to, never replaced
    // by a regular file.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io_err)?);
        return write(&mut out).and_then(|()| out.flush()).map_err(io_err);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".kansa-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut out).and_then(|()| out.flush()).map_err(io_err)?;
    }
    readable_by_all(tmp.as_file()).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Temporary files are created private (0600); a report is an ordinary file (0644), like one
/// written with `>` under the usual umask.
pub fn readable_by_all(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_limited_stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_limited(&p, 10).unwrap().len(), 10);
        let err = read_limited(&p, 9).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.contains("a.csv: file of 10 bytes is over the limit of 9 bytes"),
            "{msg}"
        );
        assert!(msg.contains("--max-file-bytes"), "{msg}");
        let err = read_limited(dir.path(), 9).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().starts_with("cannot read"), "{err}");
    }

    /// An endless input is cut off at the limit instead of filling the memory.
    #[cfg(unix)]
    #[test]
    fn read_limited_cuts_off_endless_devices() {
        let err = read_limited(Path::new("/dev/zero"), 1 << 16).unwrap_err();
        assert!(err.to_string().contains("more than 64 KiB"), "{err}");
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.md");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    /// Regression: `-o /dev/null` once replaced the device with a regular file.
    #[cfg(unix)]
    #[test]
    fn write_atomic_writes_into_devices_instead_of_replacing_them() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"discarded").unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device());
    }

    #[test]
    fn write_atomic_into_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing/out.md");
        let err = write_atomic(&target, b"x").unwrap_err();
        assert!(err.to_string().starts_with("cannot write"), "{err}");
        assert!(!target.exists());
    }
}

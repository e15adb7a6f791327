//! Reading and writing files safely: bounded reads of inputs (a size limit, no FIFOs or
//! devices), atomic writes (a temporary file beside the target, then a rename), and the
//! checks that an output never replaces one of its own inputs.
//!
//! Every stage that touches the disk goes through these helpers: `load` for inputs, `pack` for
//! configs, evidence and baselines, the `cli` for outputs. Three places also work on
//! directories themselves, each for a reason of its own: `pack::publish` (swapping a whole pack
//! directory into place), `pack::verify` (opening files without following links) and
//! `render::templates` (listing the override directory, once per run).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, IoAction, Result};

/// Read a whole file that is not an input table (a `kansa.toml`, a baseline, a template, a
/// font, a pack's `SHA256SUMS`), naming it in the error. Bounded too, at the default input file
/// limit: `--baseline /dev/zero` must not fill the memory either.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let max = crate::model::limits::DEFAULT_MAX_FILE_BYTES;
    read_capped(
        path,
        max,
        &format!(
            "kansa reads at most {} of a configuration, baseline, template or font: is it the right file?",
            crate::model::text::human_bytes(max)
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

/// Read `path` whole, refusing a file over `max` bytes with `hint` (what to do instead).
pub(crate) fn read_capped(path: &Path, max: u64, hint: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let shown = path.display().to_string();
    let too_big = |size: Option<u64>| {
        let size = size.map_or_else(
            || format!("more than {}", crate::model::text::human_bytes(max)),
            crate::model::text::human_bytes,
        );
        Error::Input(crate::diag::Diagnostics(vec![
            crate::diag::Diagnostic::new(
                &shown,
                0,
                0,
                format!(
                    "file of {size} is over the limit of {}",
                    crate::model::text::human_bytes(max)
                ),
            )
            .hint(hint),
        ]))
    };
    let io_err = |source| Error::Io {
        action: IoAction::Read,
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
        action: IoAction::Write,
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
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kansa-").suffix(".tmp");
    // Created as `>` would create it: 0666 less the umask (tempfile's default is a private 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io_err)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut out).and_then(|()| out.flush()).map_err(io_err)?;
    }
    keep_existing_mode(path, tmp.as_file()).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// A file that is being replaced keeps its permission bits: a report the user made private
/// (0600) stays private when it is written again.
fn keep_existing_mode(path: &Path, file: &std::fs::File) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => file.set_permissions(meta.permissions()),
        _ => Ok(()),
    }
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
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    /// The umask of this process, as the kernel reports it.
    #[cfg(target_os = "linux")]
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
    }

    /// Regression: a report set to 0600 became 0644 when written again, and new files ignored
    /// the umask.
    #[cfg(target_os = "linux")]
    #[test]
    fn write_atomic_keeps_modes_and_honours_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.md");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        write_atomic(&target, b"one").unwrap();
        assert_eq!(mode(&target), 0o666 & !umask());
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(mode(&target), 0o600);
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o664)).unwrap();
        write_atomic(&target, b"three").unwrap();
        assert_eq!(mode(&target), 0o664);
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

/// What makes two paths one file: device and inode on Unix (so hard links, symbolic links and
/// `./`, `..` spellings all agree), the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(FileIdInner);

#[cfg(unix)]
type FileIdInner = (u64, u64);
#[cfg(not(unix))]
type FileIdInner = std::path::PathBuf;

/// The identity of an existing file, `None` when it does not exist.
pub fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| FileId((m.dev(), m.ino())))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok().map(FileId)
    }
}

/// The files an input path stands for: the file itself, or the files directly in a directory
/// (a catalogue directory, a template directory).
pub fn input_files(path: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(path) {
        Ok(entries) => entries
            .filter_map(std::result::Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        // A catalogue named by its CSV (`cat/controls.csv`) also reads the metadata beside it.
        Err(_) => std::iter::once(path.to_owned())
            .chain(
                path.parent()
                    .map(|dir| dir.join("catalogue.toml"))
                    .filter(|toml| toml.is_file()),
            )
            .collect(),
    }
}

/// Refuse to write `output` when it is one of `inputs` (the same file through a link or another
/// spelling): `-o answers.csv` must not replace the answers with the report.
pub fn refuse_output_over_input(output: &Path, inputs: &[std::path::PathBuf]) -> Result<()> {
    let Some(out) = file_id(output) else {
        return Ok(());
    };
    match inputs.iter().find(|i| file_id(i).as_ref() == Some(&out)) {
        Some(input) => Err(Error::Usage(format!(
            "{}: the output is the input {} (the same file); refusing to overwrite an input\n  hint: write the output to another file",
            output.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

/// Refuse to replace the directory `dir` when an input lives inside it (by path, through links,
/// or as a hard link to one of its files): replacing the pack would delete the input.
pub fn refuse_dir_holding_input(dir: &Path, inputs: &[std::path::PathBuf]) -> Result<()> {
    let Ok(real_dir) = std::fs::canonicalize(dir) else {
        return Ok(());
    };
    let mut inside = std::collections::HashSet::new();
    collect_ids(dir, &mut inside, 0);
    let found = inputs.iter().find(|i| {
        std::fs::canonicalize(i).is_ok_and(|r| r.starts_with(&real_dir))
            || file_id(i).is_some_and(|id| inside.contains(&id))
    });
    match found {
        Some(input) => Err(Error::Usage(format!(
            "{}: the input {} lives in this pack directory, which the build replaces; refusing to delete an input\n  hint: keep inputs outside the output root, or choose another --out",
            dir.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

/// Identities of the files under `dir` (a pack is two levels deep; a bound keeps a hostile tree
/// from taking long).
fn collect_ids(dir: &Path, out: &mut std::collections::HashSet<FileId>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(std::result::Result::ok) {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() && depth < 8 {
            collect_ids(&e.path(), out, depth + 1);
        } else if t.is_file() {
            out.extend(file_id(&e.path()));
        }
    }
}

#[cfg(test)]
mod input_tests {
    use super::*;

    /// Regression: `report --answers v.csv -o v.csv` overwrote its input; every spelling of
    /// the same file is caught: itself, `./`, `..`, a symbolic link and a hard link.
    #[cfg(unix)]
    #[test]
    fn outputs_that_are_inputs_are_refused_by_identity() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("v.csv");
        std::fs::write(&input, "id\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink(&input, dir.path().join("link.csv")).unwrap();
        std::fs::hard_link(&input, dir.path().join("hard.csv")).unwrap();
        let inputs = [input.clone()];
        for out in ["v.csv", "./v.csv", "sub/../v.csv", "link.csv", "hard.csv"] {
            let err = refuse_output_over_input(&dir.path().join(out), &inputs).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(
                err.to_string().contains("refusing to overwrite an input"),
                "{err}"
            );
        }
        std::fs::write(dir.path().join("other.md"), "").unwrap();
        assert!(refuse_output_over_input(&dir.path().join("other.md"), &inputs).is_ok());
        assert!(refuse_output_over_input(&dir.path().join("new.md"), &inputs).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_holding_an_input_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("pack");
        std::fs::create_dir_all(pack.join("tickets")).unwrap();
        std::fs::write(pack.join("tickets/answers.csv"), "id\n").unwrap();
        let outside = dir.path().join("hard.csv");
        std::fs::hard_link(pack.join("tickets/answers.csv"), &outside).unwrap();
        for input in [
            pack.join("tickets/answers.csv"),
            pack.join("tickets/../tickets/answers.csv"),
            outside,
        ] {
            let err = refuse_dir_holding_input(&pack, &[input]).unwrap_err();
            assert!(
                err.to_string().contains("refusing to delete an input"),
                "{err}"
            );
        }
        std::fs::write(dir.path().join("elsewhere.csv"), "id\n").unwrap();
        assert!(refuse_dir_holding_input(&pack, &[dir.path().join("elsewhere.csv")]).is_ok());
        assert!(
            refuse_dir_holding_input(
                &dir.path().join("none"),
                &[dir.path().join("elsewhere.csv")]
            )
            .is_ok()
        );
    }
}

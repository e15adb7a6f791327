//! Writing a pack atomically: build it in a temporary directory beside the target, then swap it
//! into place, so a failed run leaves the previous pack untouched and never a half-written one.
//!
//! At every instant the target holds either the old pack or the new one: on Linux the two
//! directories are exchanged in one `renameat2(RENAME_EXCHANGE)`; elsewhere (or on a file system
//! without it) the old pack is first renamed aside to `.kansa-old-<name>-<unique>`, and a run
//! killed between the two renames is repaired by the next one, which renames it back.
//!
//! Leftovers of killed runs are cleaned by the next run in the same output root, but only what is
//! provably kansa's own: a directory named `.kansa-pack-…` or `.kansa-old-…` that holds kansa's
//! build marker or a kansa manifest, and that no running kansa holds locked.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoAction, Result};

mod leftovers;

use leftovers::{STAGING_RANDOM_CHARS, clean_leftovers};

/// Prefix of a pack being built.
const STAGING_PREFIX: &str = ".kansa-pack-";
/// Prefix of an old pack moved aside during a swap.
const OLD_PREFIX: &str = ".kansa-old-";
/// The longest pack directory name, in bytes, so that every name kansa derives from it fits the
/// 255 bytes a file name may have (NAME_MAX): the longest is the aside name
/// `.kansa-old-<dir>-<pid ≤ 10 digits>-<nanos ≤ 16 hex digits>-<n>`, 43 bytes more than the
/// directory while `n` < 1000; the staging name `.kansa-pack-<dir>-XXXXXX` is 19 bytes more.
pub const MAX_DIR_NAME_BYTES: usize = 200;
/// Present in a kansa directory while it is incomplete (being built or being removed).
const MARKER: &str = ".kansa-incomplete";

fn io<'p>(action: IoAction, path: &'p Path) -> impl FnOnce(std::io::Error) -> Error + 'p {
    move |source| Error::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Is `dir` a pack kansa wrote? Only kansa's own marks count: a `manifest.json` with kansa's
/// fields (`schema_version`, `kansa_version`, `pack`, `outputs`) beside a `SHA256SUMS`. A web
/// site's `manifest.json` is not one.
pub fn is_kansa_pack(dir: &Path) -> bool {
    let Ok(bytes) = crate::fs::read(&dir.join("manifest.json")) else {
        return false;
    };
    let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&bytes) else {
        return false;
    };
    m.get("schema_version")
        .is_some_and(serde_json::Value::is_u64)
        && m.get("kansa_version")
            .is_some_and(serde_json::Value::is_string)
        && m.get("pack").is_some_and(serde_json::Value::is_string)
        && m.get("outputs").is_some_and(serde_json::Value::is_array)
        && dir.join("SHA256SUMS").is_file()
}

/// Refuse to replace anything but a kansa pack or an empty directory.
fn check_replaceable(target: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.is_dir() && is_kansa_pack(target) {
        return Ok(());
    }
    let empty = meta.is_dir()
        && std::fs::read_dir(target)
            .map_err(io(IoAction::ReadTarget, target))?
            .next()
            .is_none();
    if empty {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} exists and is not a kansa pack (no manifest.json and SHA256SUMS written by kansa); refusing to replace it\n  hint: choose another --out or pack name, or move the directory away",
        target.display()
    )))
}

/// The file name of the target, for leftover names.
fn target_name(target: &Path) -> String {
    target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Replace `target` with a directory holding exactly `files` (relative path → bytes).
pub fn publish(target: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    check_replaceable(target)?;
    std::fs::create_dir_all(parent).map_err(io(IoAction::Write, parent))?;
    clean_leftovers(parent, &target_name(target));
    let (staged, _staged_lock) = stage(parent, target, files)?;
    swap(&staged, target)
}

/// Write `files` into a new locked directory beside the target; the marker is removed last, so
/// the directory is marked as kansa's at every instant (marker first, then the manifest).
fn stage(
    parent: &Path,
    target: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(PathBuf, File)> {
    let prefix = format!("{STAGING_PREFIX}{}-", target_name(target));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(STAGING_RANDOM_CHARS);
    // A pack is shared like any directory made with mkdir: 0777 less the umask, or the mode
    // of the pack it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    let tmp = builder
        .tempdir_in(parent)
        .map_err(io(IoAction::Write, parent))?;
    let lock = lock_dir(tmp.path()).map_err(io(IoAction::Write, tmp.path()))?;
    let marker = tmp.path().join(MARKER);
    std::fs::write(&marker, b"").map_err(io(IoAction::Write, &marker))?;
    for (rel, bytes) in files {
        let path = tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(IoAction::Write, dir))?;
        }
        std::fs::write(&path, bytes).map_err(io(IoAction::Write, &path))?;
        keep_mode(&target.join(rel), &path).map_err(io(IoAction::Write, &path))?;
    }
    keep_directory_modes(target, tmp.path(), files)?;
    std::fs::remove_file(&marker).map_err(io(IoAction::Write, &marker))?;
    // From here the directory is the new pack: keep it when `tmp` is dropped.
    Ok((tmp.keep(), lock))
}

/// Give every directory of the new pack (`tickets/`, ..., and the pack itself) the mode of the
/// same directory in the old pack, as files keep theirs: a `tickets/` made private stays
/// private. Deepest first, so a parent made unsearchable does not hide its children.
fn keep_directory_modes(
    target: &Path,
    staged: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<()> {
    let dirs: std::collections::BTreeSet<&Path> = files
        .keys()
        .flat_map(|rel| Path::new(rel).ancestors().skip(1))
        .chain(std::iter::once(Path::new("")))
        .collect();
    let mut by_depth: Vec<&Path> = dirs.into_iter().collect();
    by_depth.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for rel in by_depth {
        let new = staged.join(rel);
        keep_mode(&target.join(rel), &new).map_err(io(IoAction::Write, &new))?;
    }
    Ok(())
}

/// Give `new` the permission bits of `old` when `old` exists: a pack or file the user made
/// private stays private when it is rebuilt.
fn keep_mode(old: &Path, new: &Path) -> std::io::Result<()> {
    match std::fs::metadata(old) {
        Ok(meta) => std::fs::set_permissions(new, meta.permissions()),
        Err(_) => Ok(()),
    }
}

/// An exclusive advisory lock on a directory, held while this run owns it: the next run's
/// cleaning skips locked directories, and the lock dies with the process (`kill -9` too).
fn lock_dir(dir: &Path) -> std::io::Result<File> {
    let file = File::open(dir)?;
    file.lock()?;
    Ok(file)
}

/// Swap the staged pack into place; the old pack, if any, is removed afterwards.
fn swap(staged: &Path, target: &Path) -> Result<()> {
    let Ok(old_lock) = lock_dir(target) else {
        // No old pack: a plain rename (the target is missing or an empty directory).
        return std::fs::rename(staged, target).map_err(|e| {
            let _ = discard(staged);
            io(IoAction::Replace, target)(e)
        });
    };
    match exchange(staged, target) {
        Ok(()) => {
            // `staged` now holds the old pack, still locked by `old_lock`.
            let removed = discard(staged).map_err(io(IoAction::Remove, staged));
            drop(old_lock);
            return removed;
        }
        Err(e) if !exchange_unsupported(&e) => {
            let _ = discard(staged);
            return Err(io(IoAction::Replace, target)(e));
        }
        Err(_) => {}
    }
    let aside = unused_name(target, OLD_PREFIX);
    if let Err(e) = std::fs::rename(target, &aside) {
        let _ = discard(staged);
        return Err(io(IoAction::Replace, target)(e));
    }
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&aside, target);
        let _ = discard(staged);
        return Err(io(IoAction::Replace, target)(e));
    }
    let removed = discard(&aside).map_err(io(IoAction::Remove, &aside));
    drop(old_lock);
    removed
}

/// Exchange two directories in one step, where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The kernel or file system has no exchange (old kernels, some network file systems).
fn exchange_unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(code) if code == 22 || code == 38 || code == 95)
}

/// `.kansa-old-<name>-<unique>` beside `target`, not depending on the process id alone (a
/// container's kansa is always PID 1) and not naming anything that exists.
fn unused_name(target: &Path, prefix: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let base = format!(
        "{prefix}{}-{}-{nanos:x}",
        target_name(target),
        std::process::id()
    );
    let parent = target.parent().unwrap_or(Path::new("."));
    (0u32..)
        .map(|n| parent.join(format!("{base}-{n}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| parent.join(base))
}

/// Remove a kansa directory so that an interruption leaves it recognisable: the marker is
/// written first and removed last.
fn discard(dir: &Path) -> std::io::Result<()> {
    let ignore_missing = |r: std::io::Result<()>| match r {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    let marker = dir.join(MARKER);
    ignore_missing(std::fs::write(&marker, b""))?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        ignore_missing(if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        })?;
    }
    ignore_missing(std::fs::remove_file(&marker))?;
    ignore_missing(std::fs::remove_dir(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Vec<u8> {
        br#"{"schema_version": 1, "kansa_version": "0", "pack": "pack", "outputs": []}"#.to_vec()
    }

    fn files(content: &str) -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("manifest.json".to_owned(), manifest()),
            ("SHA256SUMS".to_owned(), b"".to_vec()),
            ("tickets/a.md".to_owned(), content.as_bytes().to_vec()),
        ])
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_previous_pack_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack");
        publish(&target, &files("one")).unwrap();
        publish(&target, &files("two")).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("tickets/a.md")).unwrap(),
            "two"
        );
        assert_eq!(names(dir.path()), ["pack"]);
        assert_eq!(names(&target), ["SHA256SUMS", "manifest.json", "tickets"]);
    }

    #[test]
    fn refuses_to_replace_a_directory_that_is_not_a_pack() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "x").unwrap();
        let err = publish(dir.path(), &files("one")).unwrap_err();
        assert!(err.to_string().contains("not a kansa pack"), "{err}");
        assert!(dir.path().join("precious.txt").exists());
    }

    /// Regression: any folder with a `manifest.json` (a web site) was taken for a pack.
    #[test]
    fn a_web_manifest_is_not_a_pack_marker() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(
            site.join("manifest.json"),
            r#"{"name": "app", "icons": []}"#,
        )
        .unwrap();
        std::fs::write(site.join("SHA256SUMS"), "").unwrap();
        std::fs::write(site.join("index.html"), "<p>").unwrap();
        let err = publish(&site, &files("one")).unwrap_err();
        assert!(err.to_string().contains("not a kansa pack"), "{err}");
        assert_eq!(names(&site), ["SHA256SUMS", "index.html", "manifest.json"]);
    }

    /// A `kill -9` during a build leaves a staging directory; the next run removes it, but
    /// never one a running kansa holds, nor a look-alike without kansa's marks.
    #[test]
    fn leftovers_of_killed_runs_are_cleaned_and_only_those() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack");
        let killed = dir.path().join(".kansa-pack-pack-abc123");
        std::fs::create_dir_all(killed.join("tickets")).unwrap();
        std::fs::write(killed.join(MARKER), "").unwrap();
        std::fs::write(killed.join("tickets/x.md"), "half").unwrap();
        let busy = dir.path().join(".kansa-pack-other-def456");
        std::fs::create_dir(&busy).unwrap();
        std::fs::write(busy.join(MARKER), "").unwrap();
        let _held = lock_dir(&busy).unwrap();
        let foreign = dir.path().join(".kansa-old-notes");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
        publish(&target, &files("one")).unwrap();
        assert_eq!(
            names(dir.path()),
            [".kansa-old-notes", ".kansa-pack-other-def456", "pack"]
        );
    }

    /// Killed between the two renames of the fallback swap: the pack directory is missing and
    /// the old pack sits aside; the next run puts it back before replacing it, and a run that
    /// fails (here: a target that is not a pack) still finds it restored.
    #[test]
    fn an_old_pack_left_aside_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack");
        publish(&target, &files("old")).unwrap();
        let aside = dir.path().join(".kansa-old-pack-1-ff-0");
        std::fs::rename(&target, &aside).unwrap();
        clean_leftovers(dir.path(), "pack");
        assert_eq!(names(dir.path()), ["pack"]);
        assert_eq!(
            std::fs::read_to_string(target.join("tickets/a.md")).unwrap(),
            "old"
        );
    }

    /// Regression (A1): pack `a`'s run deleted pack `b`'s old pack left aside by a killed swap,
    /// and took pack `a-b`'s aside copy (`.kansa-old-a-b-…` starts with `.kansa-old-a-`) for its
    /// own. Each pack's leftovers are its own run's business only.
    #[test]
    fn other_packs_aside_copies_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let with_pack = |name: &str, content: &str| {
            let mut f = files(content);
            f.insert(
                "manifest.json".to_owned(),
                format!(r#"{{"schema_version": 1, "kansa_version": "0", "pack": "{name}", "outputs": []}}"#)
                    .into_bytes(),
            );
            publish(&dir.path().join(name), &f).unwrap();
        };
        with_pack("b", "b");
        with_pack("a-b", "a-b");
        let b_aside = dir.path().join(".kansa-old-b-1234-ff-0");
        let ab_aside = dir.path().join(".kansa-old-a-b-1234-ff-0");
        std::fs::rename(dir.path().join("b"), &b_aside).unwrap();
        std::fs::rename(dir.path().join("a-b"), &ab_aside).unwrap();
        with_pack("a", "a");
        assert_eq!(
            names(dir.path()),
            [".kansa-old-a-b-1234-ff-0", ".kansa-old-b-1234-ff-0", "a"]
        );
        assert_eq!(
            std::fs::read_to_string(ab_aside.join("tickets/a.md")).unwrap(),
            "a-b"
        );
        // Their own runs put them back.
        with_pack("b", "b2");
        with_pack("a-b", "ab2");
        assert_eq!(names(dir.path()), ["a", "a-b", "b"]);
    }

    /// An aside copy under this pack's leftover name whose manifest names another pack is not
    /// this pack's previous pack: it is neither restored nor removed.
    #[test]
    fn an_aside_copy_of_another_pack_is_not_restored() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack");
        publish(&target, &files("old")).unwrap();
        let aside = dir.path().join(".kansa-old-pack-1-ff-0");
        std::fs::rename(&target, &aside).unwrap();
        let manifest =
            br#"{"schema_version": 1, "kansa_version": "0", "pack": "other", "outputs": []}"#;
        std::fs::write(aside.join("manifest.json"), manifest).unwrap();
        clean_leftovers(dir.path(), "pack");
        assert_eq!(names(dir.path()), [".kansa-old-pack-1-ff-0"]);
    }

    /// The longest derived names of the longest allowed directory name fit NAME_MAX.
    #[test]
    fn derived_names_of_the_longest_directory_fit_name_max() {
        let dir = tempfile::tempdir().unwrap();
        let name = "\u{8a2d}".repeat(MAX_DIR_NAME_BYTES / 3);
        let target = dir.path().join(&name);
        let aside = unused_name(&target, OLD_PREFIX);
        let longest_aside = format!("{OLD_PREFIX}{name}-{}-{:x}-999", u32::MAX, u64::MAX);
        assert!(longest_aside.len() <= 255, "{}", longest_aside.len());
        assert!(aside.file_name().unwrap().len() <= longest_aside.len());
        publish(&target, &files("one")).unwrap();
        publish(&target, &files("two")).unwrap();
        assert_eq!(names(dir.path()), [name]);
    }

    /// The swap without exchange (other systems) leaves the same result.
    #[test]
    fn fallback_swap_replaces_and_cleans() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack");
        publish(&target, &files("old")).unwrap();
        let staged = dir.path().join(".kansa-pack-pack-x");
        std::fs::create_dir_all(staged.join("tickets")).unwrap();
        for (rel, bytes) in files("new") {
            std::fs::write(staged.join(rel), bytes).unwrap();
        }
        let aside = unused_name(&target, OLD_PREFIX);
        std::fs::rename(&target, &aside).unwrap();
        std::fs::rename(&staged, &target).unwrap();
        discard(&aside).unwrap();
        assert_eq!(names(dir.path()), ["pack"]);
    }

    #[cfg(unix)]
    #[test]
    fn modes_follow_the_old_pack_and_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack");
        publish(&target, &files("one")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // New: what mkdir and open(0666) give under the umask of the test process, never 0700.
        assert_eq!(mode(&target) & 0o700, 0o700);
        assert_ne!(
            mode(&target),
            0o700,
            "a new pack is not private unless the umask says so"
        );
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o750)).unwrap();
        let file = target.join("tickets/a.md");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        publish(&target, &files("two")).unwrap();
        assert_eq!(mode(&target), 0o750);
        assert_eq!(mode(&file), 0o600);
        // Regression (A9): directories inside the pack kept the umask's mode.
        std::fs::set_permissions(
            target.join("tickets"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        publish(&target, &files("three")).unwrap();
        assert_eq!(mode(&target.join("tickets")), 0o700);
        assert_eq!(mode(&target), 0o750);
        assert_eq!(mode(&file), 0o600);
    }
}

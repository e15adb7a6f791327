//! Writing a pack atomically: build it in a temporary directory beside the target, then swap it
//! into place, so a failed run leaves the previous pack untouched and never a half-written one.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

fn io<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> Error + 'p {
    move |source| Error::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Replace `target` with a directory holding exactly `files` (relative path → bytes).
pub fn publish(target: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if target.exists() && !(target.is_dir() && target.join("manifest.json").exists()) {
        let empty = target.is_dir()
            && std::fs::read_dir(target)
                .map_err(io("cannot read", target))?
                .next()
                .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "{} exists and is not a kansa pack; refusing to replace it",
                target.display()
            )));
        }
    }
    std::fs::create_dir_all(parent).map_err(io("cannot write", parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".kansa-pack-")
        .tempdir_in(parent)
        .map_err(io("cannot write", parent))?;
    for (rel, bytes) in files {
        let path = tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io("cannot write", dir))?;
        }
        std::fs::write(&path, bytes).map_err(io("cannot write", &path))?;
    }
    // tempdir() makes a private (0700) directory; a pack is meant to be shared.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(io("cannot write", tmp.path()))?;
    }
    // Swap: move the old pack aside, move the new one in, then drop the old one. If the second
    // rename fails the old pack is put back.
    let old = parent.join(format!(
        ".kansa-old-{}-{}",
        target
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, &old).map_err(io("cannot replace", target))?;
    }
    if let Err(e) = std::fs::rename(tmp.path(), target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        return Err(io("cannot replace", target)(e));
    }
    // The temporary directory now is the target: forget it instead of deleting it.
    let _ = tmp.keep();
    if had_old {
        std::fs::remove_dir_all(&old).map_err(io("cannot remove", &old))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(content: &str) -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("manifest.json".to_owned(), b"{}".to_vec()),
            ("tickets/a.md".to_owned(), content.as_bytes().to_vec()),
        ])
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
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["pack"]);
    }

    #[test]
    fn refuses_to_replace_a_directory_that_is_not_a_pack() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "x").unwrap();
        let err = publish(dir.path(), &files("one")).unwrap_err();
        assert!(err.to_string().contains("not a kansa pack"), "{err}");
        assert!(dir.path().join("precious.txt").exists());
    }
}

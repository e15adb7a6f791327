//! What killed runs leave beside a pack (a staging directory, an old pack moved aside), told
//! apart by name and contents so that only this pack's own leftovers are touched.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{MARKER, OLD_PREFIX, STAGING_PREFIX, discard, is_kansa_pack};

/// Clean what killed runs of THIS pack left in `parent`, and put back its old pack a run
/// killed between its two renames left aside. Other packs' leftovers are theirs: an aside copy
/// of pack `b` is pack `b`'s only copy until `b`'s own run restores it, so pack `a`'s run never
/// removes or takes it (`.kansa-old-a-b-…` is pack `a-b`'s, not `a`'s: names are parsed, not
/// prefix-matched). Failures are ignored: leftovers never stop a build.
pub(super) fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut leftovers: Vec<(PathBuf, Leftover)> = entries
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let kind = leftover_of(&e.file_name().to_string_lossy(), name)?;
            Some((e.path(), kind))
        })
        .collect();
    leftovers.sort();
    let target = parent.join(name);
    for (dir, kind) in leftovers {
        // A running kansa holds its directories locked; a failed lock means "not ours to touch".
        let Ok(lock) =
            File::open(&dir).and_then(|f| f.try_lock().map(|()| f).map_err(std::io::Error::from))
        else {
            continue;
        };
        let incomplete = dir.join(MARKER).is_file();
        if incomplete {
            let _ = discard(&dir);
        } else if is_pack_named(&dir, name) {
            if kind == Leftover::Aside && std::fs::symlink_metadata(&target).is_err() {
                let _ = std::fs::rename(&dir, &target);
            } else {
                let _ = discard(&dir);
            }
        }
        drop(lock);
    }
}

/// What a killed run of one pack can leave beside its directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Leftover {
    /// `.kansa-pack-<name>-XXXXXX`: a pack being built.
    Staging,
    /// `.kansa-old-<name>-<pid>-<nanos hex>-<n>`: the old pack moved aside by a swap.
    Aside,
}

/// Random characters `tempfile` appends to a staging directory's name.
pub(super) const STAGING_RANDOM_CHARS: usize = 6;

/// Which of pack `name`'s leftovers `file_name` is, if it is one. The whole name is parsed: after
/// `<prefix><name>-` comes one random field (staging) or the fields `<pid>[-<nanos hex>[-<n>]]`
/// (aside; older kansa wrote `<pid>` alone), so `.kansa-old-a-b-1-ff-0` is pack `a-b`'s, never
/// pack `a`'s. Where names could still be read two ways, [`is_pack_named`] decides.
fn leftover_of(file_name: &str, name: &str) -> Option<Leftover> {
    let field = |s: &str, f: fn(&char) -> bool| !s.is_empty() && s.chars().all(|c| f(&c));
    if let Some(random) = file_name
        .strip_prefix(STAGING_PREFIX)
        .and_then(|r| r.strip_prefix(name))
        .and_then(|r| r.strip_prefix('-'))
    {
        return field(random, char::is_ascii_alphanumeric).then_some(Leftover::Staging);
    }
    let suffix = file_name
        .strip_prefix(OLD_PREFIX)?
        .strip_prefix(name)?
        .strip_prefix('-')?;
    let fields: Vec<&str> = suffix.split('-').collect();
    let kinds: [fn(&char) -> bool; 3] = [
        char::is_ascii_digit,
        char::is_ascii_hexdigit,
        char::is_ascii_digit,
    ];
    (fields.len() <= kinds.len() && fields.iter().zip(kinds).all(|(f, kind)| field(f, kind)))
        .then_some(Leftover::Aside)
}

/// Is `dir` a complete kansa pack whose manifest names the pack published as `name`? A copy of
/// another pack that happens to sit under this pack's leftover name is not restored or removed.
fn is_pack_named(dir: &Path, name: &str) -> bool {
    if !is_kansa_pack(dir) {
        return false;
    }
    let Ok(bytes) = crate::fs::read(&dir.join("manifest.json")) else {
        return false;
    };
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    manifest
        .get("pack")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|pack| crate::pack::config::dir_name(pack) == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names_are_parsed_whole() {
        assert_eq!(
            leftover_of(".kansa-old-a-1-ff-0", "a"),
            Some(Leftover::Aside)
        );
        assert_eq!(leftover_of(".kansa-old-a-b-1-ff-0", "a"), None);
        assert_eq!(
            leftover_of(".kansa-old-a-b-1-ff-0", "a-b"),
            Some(Leftover::Aside)
        );
        assert_eq!(leftover_of(".kansa-old-a-1", "a"), Some(Leftover::Aside));
        assert_eq!(leftover_of(".kansa-old-a-x", "a"), None);
        assert_eq!(leftover_of(".kansa-old-a-1-ff-0-7", "a"), None);
        assert_eq!(leftover_of(".kansa-old-a", "a"), None);
        assert_eq!(leftover_of(".kansa-old-ab-1-ff-0", "a"), None);
        assert_eq!(
            leftover_of(".kansa-pack-a-Ab12z9", "a"),
            Some(Leftover::Staging)
        );
        assert_eq!(leftover_of(".kansa-pack-a-b-Ab12z9", "a"), None);
        assert_eq!(
            leftover_of(".kansa-pack-a-b-Ab12z9", "a-b"),
            Some(Leftover::Staging)
        );
        assert_eq!(leftover_of(".kansa-pack-ab-Ab12z9", "a"), None);
        assert_eq!(leftover_of("a", "a"), None);
    }
}

//! Paths as the config writes them: normalised without the file system, and the directory
//! each pack is published to.

use std::path::{Component, Path, PathBuf};

use super::PackConfig;
use super::names::dir_name;

/// Remove `.` and `name/..` pairs without touching the file system, so paths in messages read
/// `examples/aws-2012/answers.csv`, not `examples/example-bank/../aws-2012/answers.csv`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// Where a pack is published, as the config writes it: relative to the config's directory, or
/// absolute.
pub(super) fn pack_dir_as_written(p: &PackConfig) -> PathBuf {
    let root = Path::new(p.out.as_deref().unwrap_or("packs"));
    normalize(&root.join(dir_name(&p.name)))
}

/// [`pack_dir_as_written`] folded as a case-insensitive file system compares names.
pub(super) fn pack_dir_folded(p: &PackConfig) -> PathBuf {
    pack_dir_as_written(p)
        .components()
        .map(|c| crate::pack::exports::folded(&c.as_os_str().to_string_lossy()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dot_dot_lexically() {
        assert_eq!(
            normalize(Path::new("examples/example-bank/../aws-2012/a.csv")),
            PathBuf::from("examples/aws-2012/a.csv")
        );
        assert_eq!(normalize(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}

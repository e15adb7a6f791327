//! Provenance labels: the short names a report uses to say which overlay set a value.
//!
//! A label is the file's name; overlays are commonly all called `answers.csv`, so when
//! another overlay of the run has the same name the label takes just enough of the folders
//! above it to tell them apart (`aws-2012/answers.csv`, `example-bank/answers.csv`). The path
//! is first made absolute and `..` resolved, so the label does not depend on the directory
//! kansa runs in, nor on how the path was spelled; the home directory is cut off first, so a
//! label never names the user, and a label is never absolute and never holds `..`. Labels are
//! what documents show of an input: a local path never reaches a report.

use std::collections::HashSet;
use std::path::{Component, Path};

/// One label per path, in order, each different from the others. The same file given twice
/// gets `(2)`, `(3)`, ... after its label, as the later layer; should that equal the label of
/// another file (one really named `answers.csv (2)`), the label takes more of the path, then a
/// higher number, until it is unique.
pub fn unique_labels(paths: &[&str]) -> Vec<String> {
    let parts: Vec<Vec<String>> = paths.iter().map(|p| absolute_parts(p)).collect();
    let mut labels: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, mine)| {
            let others = parts
                .iter()
                .enumerate()
                .filter(|(j, other)| *j != i && *other != mine);
            let mut take = mine.len().min(1);
            for (_, other) in others {
                take = take.max(shared_tail(mine, other) + 1).min(mine.len());
            }
            mine[mine.len() - take..].join("/")
        })
        .collect();
    // The labels of different files differ already (each takes a component the other paths
    // do not end with); only the repeats need a new one, unlike every label given so far.
    let mut taken: HashSet<String> = labels.iter().cloned().collect();
    for i in 0..labels.len() {
        let earlier = (0..i).filter(|&j| parts[j] == parts[i]).count();
        if earlier > 0 {
            labels[i] = repeat_label(&parts[i], &labels[i], earlier + 1, &taken);
            taken.insert(labels[i].clone());
        }
    }
    labels
}

/// The label of the `nth` occurrence of a file labelled `label`: `label (nth)`, or with more
/// of the path, or with a higher number, whichever first is not `taken`.
fn repeat_label(parts: &[String], label: &str, nth: usize, taken: &HashSet<String>) -> String {
    let shown = label.matches('/').count() + 1;
    let longer = (shown..=parts.len()).map(|take| parts[parts.len() - take..].join("/"));
    let mut candidates = longer
        .map(|l| format!("{l} ({nth})"))
        .chain((nth + 1..).map(|n| format!("{} ({n})", parts.join("/"))));
    candidates
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| format!("{label} ({nth})"))
}

/// How many trailing components two paths share.
fn shared_tail(a: &[String], b: &[String]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The components of `path` made absolute against the working directory, with `.` and `..`
/// resolved by name (symbolic links are not followed: the label names the path the user gave),
/// and the home directory's components cut off the front.
fn absolute_parts(path: &str) -> Vec<String> {
    let path = Path::new(path);
    let joined = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let parts = resolved(&joined);
    let home = std::env::var_os("HOME").map(|h| resolved(Path::new(&h)));
    match home {
        Some(home) if !home.is_empty() && parts.len() > home.len() && parts.starts_with(&home) => {
            parts[home.len()..].to_vec()
        }
        _ => parts,
    }
}

/// The names of `path`'s components, `.` and `..` resolved by name.
fn resolved(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_grow_until_they_differ() {
        assert_eq!(
            unique_labels(&["/w/aws/2012/answers.csv", "/w/bank/2012/answers.csv"]),
            ["aws/2012/answers.csv", "bank/2012/answers.csv"]
        );
        assert_eq!(
            unique_labels(&["/w/examples/aws-2012/answers.csv", "/w/bank/answers.csv"]),
            ["aws-2012/answers.csv", "bank/answers.csv"]
        );
        assert_eq!(unique_labels(&["/answers.csv"]), ["answers.csv"]);
        assert_eq!(
            unique_labels(&["/w/aws/answers.csv", "/w/bank/risk.csv"]),
            ["answers.csv", "risk.csv"],
            "a file name alone when no other overlay shares it"
        );
    }

    /// The home directory (with the user's name) is never part of a label, however many
    /// folders the labels need.
    #[test]
    fn labels_never_name_the_home_directory() {
        let Some(home) = std::env::var_os("HOME").filter(|h| Path::new(h).components().count() > 1)
        else {
            panic!("HOME is not set to a directory below the root; these tests need it");
        };
        let home = Path::new(&home);
        let a = home.join("answers.csv").display().to_string();
        let b = home.join("x").join("answers.csv").display().to_string();
        let labels = unique_labels(&[&a, &b]);
        assert_eq!(labels, ["answers.csv", "x/answers.csv"]);
        let name = home.file_name().unwrap().to_string_lossy().into_owned();
        for l in &labels {
            assert!(!l.split('/').any(|p| p == name), "{l} names {name}");
            assert!(!l.starts_with('/') && !l.contains(".."), "{l}");
        }
    }

    #[test]
    fn labels_do_not_depend_on_the_spelling_of_the_path() {
        let cwd = std::env::current_dir().unwrap();
        let abs = cwd.join("examples/aws-2012/answers.csv");
        for spelled in [
            "examples/aws-2012/answers.csv".to_owned(),
            "./examples/../examples/aws-2012/answers.csv".to_owned(),
            abs.display().to_string(),
        ] {
            assert_eq!(
                unique_labels(&[&spelled, "/elsewhere/bank/answers.csv"]),
                ["aws-2012/answers.csv", "bank/answers.csv"],
                "{spelled}"
            );
        }
    }

    #[test]
    fn labels_are_unique_for_any_mix_of_repeats_and_look_alikes() {
        let pool = [
            "/a", "/a (2)", "/a (3)", "/x/a", "/y/a", "/y/a (2)", "/x/a (2)",
        ];
        for n in 0..pool.len().pow(4) {
            let paths: Vec<&str> = (0..4)
                .map(|k| pool[n / pool.len().pow(k) % pool.len()])
                .collect();
            let labels = unique_labels(&paths);
            let distinct: HashSet<&String> = labels.iter().collect();
            assert_eq!(distinct.len(), labels.len(), "{paths:?} → {labels:?}");
        }
    }

    #[test]
    fn the_same_file_twice_is_told_apart_by_its_place() {
        assert_eq!(
            unique_labels(&[
                "/w/a/answers.csv",
                "/w/b/../a/answers.csv",
                "/w/a/answers.csv"
            ]),
            ["answers.csv", "answers.csv (2)", "answers.csv (3)"]
        );
        // A real file named like a repeat's label: the repeat takes more of the path.
        assert_eq!(
            unique_labels(&[
                "/w/x/2012/answers.csv",
                "/w/x/2012/answers.csv",
                "/w/z/2012/answers.csv (2)"
            ]),
            ["answers.csv", "2012/answers.csv (2)", "answers.csv (2)"]
        );
        // ... and when the whole path is taken too, a higher number.
        assert_eq!(
            unique_labels(&["/a", "/a", "/a (2)"]),
            ["a", "a (3)", "a (2)"]
        );
        assert_eq!(
            unique_labels(&["/a", "/a (2)", "/a", "/a (3)", "/a"]),
            ["a", "a (2)", "a (4)", "a (3)", "a (5)"]
        );
        // Same name in different folders, one of them also given twice.
        assert_eq!(
            unique_labels(&["/x/a/answers.csv", "/y/a/answers.csv", "/x/a/answers.csv"]),
            ["x/a/answers.csv", "y/a/answers.csv", "x/a/answers.csv (2)"]
        );
    }
}

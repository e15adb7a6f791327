//! Provenance labels: the short names a report uses to say which overlay set a value.
//!
//! Overlays are commonly all called `answers.csv`, so a label is the shortest end of the
//! file's path that no other overlay of the run shares (at least `folder/file`, as in
//! `aws-2012/answers.csv`). The path is first made absolute and `..` resolved, so the label
//! does not depend on the directory kansa runs in, nor on how the path was spelled.

use std::path::{Component, Path};

/// One label per path, in order, each different from the others. The same file given twice
/// gets `(2)`, `(3)`, ... after its label, as the later layer.
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
            let mut take = mine.len().min(2);
            for (_, other) in others {
                take = take.max(shared_tail(mine, other) + 1).min(mine.len());
            }
            mine[mine.len() - take..].join("/")
        })
        .collect();
    for i in 0..labels.len() {
        let earlier = (0..i).filter(|&j| parts[j] == parts[i]).count();
        if earlier > 0 {
            labels[i] = format!("{} ({})", labels[i], earlier + 1);
        }
    }
    labels
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
/// resolved by name (symbolic links are not followed: the label names the path the user gave).
fn absolute_parts(path: &str) -> Vec<String> {
    let path = Path::new(path);
    let joined = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
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
    fn the_same_file_twice_is_told_apart_by_its_place() {
        assert_eq!(
            unique_labels(&[
                "/w/a/answers.csv",
                "/w/b/../a/answers.csv",
                "/w/a/answers.csv"
            ]),
            ["a/answers.csv", "a/answers.csv (2)", "a/answers.csv (3)"]
        );
        // Same name in different folders, one of them also given twice.
        assert_eq!(
            unique_labels(&["/x/a/answers.csv", "/y/a/answers.csv", "/x/a/answers.csv"]),
            ["x/a/answers.csv", "y/a/answers.csv", "x/a/answers.csv (2)"]
        );
    }
}

//! The hostile-input corpus (`tests/fixtures/hostile/`, one folder per case; see its README): every
//! case is run through the `kansa` binary and its outcome pinned here, in two tables.
//!
//! - [`ERRORS`](errors::ERRORS): a located error. `validate` (and `report -o`) exit 2, stderr names
//!   the file, the line and column (or the sheet cell), the offending value and a hint, and no
//!   output file and no temporary file is left behind.
//! - [`INERT`](inert::INERT): a correct report (exit 0) in every format listed, in which the
//!   hostile text is plain, visible text: no script, event handler, foreign link or image in the
//!   HTML, the same headings and well-formed tables in the Markdown, no invisible character
//!   anywhere.
//!
//! Large inputs (a 10 MB cell, 200,000 rows, a 1 MB answer, workbooks) are generated at run time by
//! the `generated_*` tests of `generated` and `workbooks`; their folders hold only a `GENERATED.md`
//! note. Path traps run `kansa pack` on a copy of their folder; template traps pass the folder's
//! `templates/`.
//!
//! Each case of a table is its own `#[test]`, named after its folder with `-` written `_` (`cargo
//! test --test integration csv_ragged_rows` runs one alone, and a failing run lists every failing
//! case): [`error_cases!`] and [`inert_cases!`] expand a table into the `const` slice that
//! [`every_case_folder_is_pinned`] reads and one test per entry; [`case_tests!`] gives one test per
//! case to tables built at run time (bytes, closures) in the area folders.
//!
//! - `errors`: the [`ERRORS`](errors::ERRORS) table, [`ErrorCase`] and how one is run.
//! - `inert`: the [`INERT`](inert::INERT) table, [`InertCase`](inert::InertCase) and the outputs of
//!   one case.
//! - `baseline`: what a report without answers looks like, and the inertness checks.
//! - `generated`, `workbooks`, `paths`: cases whose inputs are made at run time or copied.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use kansa::model::text::is_invisible;

use crate::{kansa, outcome, root};

mod baseline;
mod errors;
mod generated;
mod inert;
mod paths;
mod workbooks;

pub(crate) use baseline::{cell_pipes, md_headings};
pub(crate) use errors::{ErrorCase, err, run_error_case};
pub(crate) use workbooks::workbook;

/// Expands a table of located-error cases into `$vis const $table: &[ErrorCase]` and one
/// `#[test]` per case that runs it with [`run_error_case`]. Each entry is `test_name: case`,
/// the test name being the case's folder with `-` written `_` (checked when the test runs), so
/// the table stays one readable list and still gives every case its own test.
macro_rules! error_cases {
    ($(#[$doc:meta])* $vis:vis $table:ident = [$($test:ident: $case:expr),* $(,)?]) => {
        $(#[$doc])*
        $vis const $table: &[$crate::hostile::ErrorCase] = &[$($case),*];
        $(
            #[test]
            fn $test() {
                let case = $crate::hostile::case_named($table, stringify!($test), |c| c.name);
                $crate::hostile::run_error_case(case);
            }
        )*
    };
}
pub(crate) use error_cases;

/// The inert-text twin of [`error_cases!`]: `$vis const $table: &[InertCase]` and one
/// `#[test]` per case, run with `inert::run_inert_case`.
macro_rules! inert_cases {
    ($(#[$doc:meta])* $vis:vis $table:ident = [$($test:ident: $case:expr),* $(,)?]) => {
        $(#[$doc])*
        $vis const $table: &[$crate::hostile::inert::InertCase] = &[$($case),*];
        $(
            #[test]
            fn $test() {
                let case = $crate::hostile::case_named($table, stringify!($test), |c| c.name);
                $crate::hostile::inert::run_inert_case(case);
            }
        )*
    };
}
pub(crate) use inert_cases;

/// One `#[test]` per case of a table built at run time (bytes, closures), for tests that
/// used to loop over such a table: each `test_name => "case"` runs `$run("case")`, which
/// looks the case up in its table. `$guard` checks that `$names` (the table's case names)
/// are exactly the cases given here, so a case added to the table without a test fails.
/// `$attr`s (such as `#[cfg(unix)]`) apply to every test.
macro_rules! case_tests {
    (
        $(#[$attr:meta])*
        guard $guard:ident: $names:expr,
        run $run:path: [$($test:ident => $case:literal),* $(,)?]
    ) => {
        $crate::hostile::case_tests!(@tests [$(#[$attr])*] $run; $($test => $case),*);
        $(#[$attr])*
        #[test]
        fn $guard() {
            let mut tested: Vec<&str> = vec![$($case),*];
            let mut table: Vec<&str> = $names;
            tested.sort_unstable();
            table.sort_unstable();
            assert_eq!(table, tested, "every case of the table has its own test");
        }
    };
    (@tests $attrs:tt $run:path; $($test:ident => $case:literal),*) => {
        $($crate::hostile::case_tests!(@test $attrs $run; $test => $case);)*
    };
    (@test [$(#[$attr:meta])*] $run:path; $test:ident => $case:literal) => {
        $(#[$attr])*
        #[test]
        fn $test() {
            $run($case);
        }
    };
}
pub(crate) use case_tests;

/// The case of `table` whose folder name, with `-` written `_`, is the test's name: a test
/// named after no case (a typo in the table) fails instead of running nothing.
pub(crate) fn case_named<'a, C>(table: &'a [C], test: &str, name: fn(&C) -> &str) -> &'a C {
    let mut found = table.iter().filter(|c| name(c).replace('-', "_") == test);
    let case = found
        .next()
        .unwrap_or_else(|| panic!("test {test} names no case of its table"));
    assert!(found.next().is_none(), "test {test} names two cases");
    case
}

pub(crate) const DATE: &str = "2026-11-25";

/// The folder of a case, relative to the crate root (so messages name it the same everywhere).
pub(crate) fn case_dir(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures/hostile").join(name)
}

/// The command-line inputs of a committed case: its overlays (`answers*.csv`, `*.xlsx`), and its
/// `catalogue/` and `templates/` folders when it has them.
pub(crate) fn case_inputs(name: &str) -> Vec<String> {
    let dir = case_dir(name);
    let abs = root().join(&dir);
    assert!(abs.is_dir(), "no fixture folder {}", dir.display());
    let mut args = Vec::new();
    if abs.join("catalogue").is_dir() {
        args.extend([
            "--catalogue".into(),
            dir.join("catalogue").display().to_string(),
        ]);
    }
    if abs.join("templates").is_dir() {
        args.extend([
            "--templates".into(),
            dir.join("templates").display().to_string(),
        ]);
    }
    let mut overlays: Vec<String> = std::fs::read_dir(&abs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".csv") || f.ends_with(".xlsx"))
        .collect();
    overlays.sort();
    if overlays.is_empty() {
        // A catalogue or template trap without answers: a blank report, asked for explicitly.
        args.push("--no-answers".into());
    }
    for f in overlays {
        args.extend(["--answers".into(), dir.join(f).display().to_string()]);
    }
    args
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Files left in a directory, sorted (the output and any temporary file).
pub(crate) fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, relative to it.
pub(crate) fn walk(dir: &Path) -> BTreeSet<String> {
    fn go(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                go(base, &p, out);
            } else {
                out.insert(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = BTreeSet::new();
    go(dir, dir, &mut out);
    out
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// `report` into a fresh directory: (process output, the directory, the target file).
pub(crate) fn report_to_file(
    args: &[String],
    format: &str,
) -> (Output, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(format!("report.{format}"));
    let out = kansa()
        .args(["report", "--date", DATE, "-f", format])
        .args(args)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    (out, dir, target)
}

/// Assert a located error: exit 2, every needle in stderr, no raw control or invisible
/// character echoed to the terminal.
pub(crate) fn assert_located(case: &str, what: &str, out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{case} ({what}): {}",
        outcome(out)
    );
    for n in needles {
        assert!(
            err.contains(n),
            "{case} ({what}): {n:?} missing from stderr:\n{err}"
        );
    }
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{case} ({what}) panicked:\n{err}"
    );
    let raw = err
        .chars()
        .find(|c| (c.is_control() && *c != '\n') || is_invisible(*c));
    assert_eq!(raw, None, "{case} ({what}): raw character echoed:\n{err:?}");
}

/// Assert that a failed `report -o` left nothing: no output, no temporary file.
pub(crate) fn assert_nothing_written(case: &str, dir: &Path) {
    assert_eq!(
        listing(dir),
        Vec::<String>::new(),
        "{case}: files left behind"
    );
}

pub(crate) const HINT: &str = "\n  hint: ";

/// Every folder of the corpus is pinned by a table or a test below, and there are at least 40.
#[test]
pub(crate) fn every_case_folder_is_pinned() {
    let folders: BTreeSet<String> = listing(&root().join("tests/fixtures/hostile"))
        .into_iter()
        .filter(|f| root().join("tests/fixtures/hostile").join(f).is_dir())
        .collect();
    let mut pinned: BTreeSet<String> = errors::ERRORS.iter().map(|c| c.name.to_owned()).collect();
    pinned.extend(inert::INERT.iter().map(|c| c.name.to_owned()));
    pinned.extend(generated::GENERATED.iter().map(|c| (*c).to_owned()));
    for area in crate::HOSTILE_AREAS {
        pinned.extend(area.iter().map(|c| (*c).to_owned()));
    }
    let unpinned: Vec<&String> = folders.difference(&pinned).collect();
    let missing: Vec<&String> = pinned.difference(&folders).collect();
    assert!(
        unpinned.is_empty(),
        "case folders without an expectation: {unpinned:?}"
    );
    assert!(
        missing.is_empty(),
        "expectations without a folder: {missing:?}"
    );
    assert!(folders.len() >= 40, "only {} cases", folders.len());
}

//! One integration-test binary (ripgrep style): the `kansa` executable driven over fixture
//! folders and the shipped examples.

mod answer_fields;
mod cli;
mod document;
mod docx;
mod english;
mod exit_codes;
mod findings;
mod hostile;
mod hostile_catalogue;
mod hostile_cli;
mod hostile_load;
mod hostile_pack;
mod hostile_scale;
mod html;
mod layering;
mod numbers;
mod pack;
mod pdf;
mod pdf_signing;
mod pdf_tags;
mod pdfa;
mod report;
mod signing;
mod threads;
mod validate;
mod xlsx;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// Hostile-corpus folders pinned by the area test folders (`hostile_*/`), each its own list.
pub const HOSTILE_AREAS: &[&[&str]] = &[
    hostile_catalogue::PINNED,
    hostile_cli::PINNED,
    hostile_load::PINNED,
    hostile_pack::PINNED,
    hostile_scale::PINNED,
];

/// The crate root: tests run with relative paths so outputs name files the same way everywhere.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `kansa` command run from the crate root, with a fixed environment.
pub fn kansa() -> Command {
    let mut cmd = Command::cargo_bin("kansa").expect("binary built");
    cmd.current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    cmd
}

/// The example overlays, in stacking order.
pub const EXAMPLE_ANSWERS: [&str; 2] = [
    "examples/aws-2012/answers.csv",
    "examples/example-bank/answers.csv",
];

/// Run the example report in `format` and return stdout (asserting success).
pub fn example_report(format: &str, extra: &[&str]) -> Vec<u8> {
    let mut cmd = kansa();
    cmd.args([
        "report",
        "--date",
        "2026-11-25",
        "--org",
        "架空銀行（例）",
        "--format",
        format,
    ]);
    for a in EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.args(extra).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Exit code and stderr, as one string for snapshots.
pub fn outcome(out: &Output) -> String {
    format!(
        "exit: {}\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Files in a directory, sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

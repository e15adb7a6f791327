//! Hostile cases for the command line: verify, usage errors, help texts, messages, thread caps, template overrides.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.
//!
//! - `messages`: one context prefix each.
//! - `overrides`: template overrides and font faces.
//! - `usage`: usage and help: thread caps, no `--answers`, help texts, PDF-only flags, closed stderr.
//! - `verify`: sums against the manifest, regular files only, strict SHA256SUMS, bounded listing.
//!
//! The submodules share this module's imports and helpers (`use super::*`).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use crate::hostile::{copy_dir, stderr};
use crate::{kansa, outcome, root};

mod messages;
mod overrides;
mod usage;
mod verify;

/// Corpus folders whose outcome is pinned by a test in this folder.
pub const PINNED: &[&str] = &["tpl-misspelt-override"];

/// The example pack, built once; each test works on its own copy.
fn pristine_pack() -> &'static Path {
    static PACK: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PACK
        .get_or_init(|| {
            let out = tempfile::tempdir().unwrap();
            let res = kansa()
                .arg("pack")
                .arg(root().join("examples/example-bank/kansa.toml"))
                .arg("--out")
                .arg(out.path())
                .arg("--quiet")
                .output()
                .unwrap();
            assert!(res.status.success(), "{}", outcome(&res));
            let pack = out.path().join("example-bank");
            (out, pack)
        })
        .1
}

/// A fresh copy of the example pack: (its temporary parent, the pack directory).
fn pack_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    copy_dir(pristine_pack(), &pack);
    (dir, pack)
}

/// `kansa verify` with a deadline: a FIFO must not make it wait.
fn verify(pack: &Path, extra: &[&str]) -> Output {
    kansa()
        .arg("verify")
        .arg(pack)
        .args(extra)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn example_answers() -> Vec<&'static str> {
    crate::EXAMPLE_ANSWERS
        .iter()
        .flat_map(|a| ["--answers", a])
        .collect()
}

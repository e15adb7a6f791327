//! Hostile cases for submission packs: what may be replaced, names, atomic publish, file modes, baselines, nightly runs.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.
//!
//! - `baselines`: missing, mismatched, another pack's, the README's nightly recipe.
//! - `config`: config traps: `fail_under`, a new user's mistakes, the exact coverage gate.
//! - `names`: colliding, empty, nested, too long, and tickets unique ignoring case.
//! - `publish`: atomic publish and file modes: killed runs, the umask, directory modes.
//! - `replace`: what may be replaced: web sites, inputs, directories holding inputs, aside copies.
//! - `workdir`: the working directory: packs and reports do not depend on it or show its paths.
//!
//! The submodules share this module's imports and helpers (`use super::*`).

use std::path::{Path, PathBuf};

use crate::hostile::{DATE, case_dir, copy_dir, listing, stderr, walk};
use crate::pack::run_pack as pack;
use crate::{EXAMPLE_ANSWERS, kansa, outcome, root};

mod baselines;
mod config;
mod names;
mod publish;
mod replace;
mod workdir;

/// Corpus folders whose outcome is pinned by a test in this folder.
pub const PINNED: &[&str] = &[
    "pack-web-manifest",
    "pack-name-collisions",
    "pack-ticket-case",
    "pack-nested-dirs",
    "pack-name-bytes",
];

/// A one-pack config named `bank` in `dir` with the example overlays (absolute) and `extra`.
fn bank_config(dir: &Path, extra: &str) -> PathBuf {
    let overlays: Vec<String> = EXAMPLE_ANSWERS
        .iter()
        .map(|p| format!("{:?}", root().join(p).display().to_string()))
        .collect();
    let path = dir.join("kansa.toml");
    std::fs::write(
        &path,
        format!(
            "[[pack]]\nname = \"bank\"\noverlays = [{}]\ndate = \"{DATE}\"\nformats = [\"md\"]\n{extra}",
            overlays.join(", ")
        ),
    )
    .unwrap();
    path
}

fn manifest(pack_dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(pack_dir.join("manifest.json")).unwrap()).unwrap()
}

/// Runs `kansa pack CONFIG` in `dir` (the config's own `out`, no `--out`).
fn pack_here(dir: &Path, config: &str) -> std::process::Output {
    kansa()
        .current_dir(dir)
        .args(["-j", "1", "pack", config])
        .output()
        .unwrap()
}

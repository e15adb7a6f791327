//! Integrity evidence: `SHA256SUMS` over every file of a pack, and `kansa verify`.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::model::text::hex;

/// `kansa verify` lives in `src/pack/verify/`, declared here so that `pack/mod.rs` need not
/// change.
#[path = "verify/mod.rs"]
pub mod verify;

pub use verify::{Check, verify};

/// SHA-256 of bytes, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `sha256sum`-compatible lines for every file (`<hex>  <path>`), sorted by path.
pub fn sha256sums(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = String::new();
    for (path, bytes) in files {
        out.push_str(&format!("{}  {path}\n", sha256(bytes)));
    }
    out.into_bytes()
}

//! Integrity evidence: `SHA256SUMS` over every file of a pack ([`super::verify`] checks it).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::model::text::hex;

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

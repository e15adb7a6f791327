//! Integrity evidence: `SHA256SUMS` over every file of a pack ([`super::verify`] checks it).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::model::text::hex;
use crate::render::Templates;

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

/// `{name, sha256}` of every template the pack's engine parsed, built-in or override, in name
/// order: hashed from the very text that was rendered, never from a second read of the
/// directory (which a file edited during the run would make differ).
pub fn template_digests(templates: &Templates) -> Vec<serde_json::Value> {
    templates
        .sources()
        .iter()
        .map(|(name, source)| {
            serde_json::json!({"name": name, "sha256": sha256(source.text.as_bytes())})
        })
        .collect()
}

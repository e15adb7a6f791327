//! What the HTML report needs from Rust: the Content-Security-Policy source that allows its
//! inline script by hash (`'sha256-…'`), so the page needs no `'unsafe-inline'` for scripts and
//! a script injected by anyone else (or edited after rendering) does not run.

use sha2::{Digest, Sha256};

/// The CSP hash source of `script`, the exact text between `<script>` and `</script>`:
/// `'sha256-` + base64 of its SHA-256 + `'` (CSP Level 2, "hash-source").
pub(crate) fn csp_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!("'sha256-{}'", base64(&digest))
}

/// Standard base64 with padding (RFC 4648 §4), as CSP hash sources are written. Thirty-two
/// bytes here, so a crate for it is not worth its weight.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            assert_eq!(base64(input.as_bytes()), want, "{input:?}");
        }
    }

    /// The hash of the empty script, as browsers report it in CSP violation messages.
    #[test]
    fn csp_hash_of_empty_script() {
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}

//! Checking a pack's signature (`SHA256SUMS.sig`, see [`crate::pack::sign`]): that it is an
//! SSHSIG signature in the `kansa-pack` namespace over the very `SHA256SUMS` of the pack, by
//! the key `manifest.json` names, and, given an allowed-signers file, by a key it allows.

use std::path::Path;

use ssh_key::{HashAlg, SshSig};

use super::allowed_signers::AllowedSigner;
use super::files::{Opened, read_record};
use crate::pack::sign::{NAMESPACE, SIGNATURE_FILE};

/// What a pack's signature shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The pack has no `SHA256SUMS.sig`.
    Unsigned,
    /// A valid signature over `SHA256SUMS` by the key the manifest names, not checked against
    /// an allowed-signers list (none was given): anyone could have made it.
    Unchecked {
        /// The signing key's fingerprint.
        fingerprint: String,
    },
    /// A valid signature by a key the allowed-signers file allows for `kansa-pack`.
    Verified {
        /// The principals of the matching line.
        principals: String,
        /// The signing key's fingerprint.
        fingerprint: String,
    },
    /// The signature does not hold: one line saying why.
    Bad(String),
}

impl SignatureCheck {
    /// Whether the pack's content stands behind this signature state (an unsigned pack fails
    /// only when a signature is required).
    pub fn passed(&self, require_signature: bool) -> bool {
        match self {
            SignatureCheck::Unsigned => !require_signature,
            SignatureCheck::Unchecked { .. } | SignatureCheck::Verified { .. } => true,
            SignatureCheck::Bad(_) => false,
        }
    }
}

/// Check the signature of the pack in `dir` whose `SHA256SUMS` is `sums` and whose manifest
/// names the signer `manifest_signer` (its fingerprint, if any; the outer `None` when the
/// manifest cannot be trusted, a failed check already, so it is not compared), against
/// `allowed` if given.
pub fn check(
    dir: &Path,
    sums: &[u8],
    manifest_signer: Option<Option<&str>>,
    allowed: Option<&[AllowedSigner]>,
    now: jiff::Timestamp,
) -> SignatureCheck {
    let pem = match read_record(dir, SIGNATURE_FILE) {
        Ok(pem) => pem,
        Err(Opened::Missing) => {
            return match manifest_signer.flatten() {
                Some(f) => SignatureCheck::Bad(format!(
                    "{SIGNATURE_FILE} is missing, but manifest.json says the pack was signed by {f}"
                )),
                None => SignatureCheck::Unsigned,
            };
        }
        Err(Opened::NotAFile(what)) => {
            return SignatureCheck::Bad(format!("{SIGNATURE_FILE} is {what}, not a file"));
        }
        Err(Opened::TooBig | Opened::Io(_)) => {
            return SignatureCheck::Bad(format!("{SIGNATURE_FILE} cannot be read"));
        }
    };
    let Ok(signature) = SshSig::from_pem(&pem) else {
        return SignatureCheck::Bad(format!(
            "{SIGNATURE_FILE} is not an SSH signature (damaged or truncated)"
        ));
    };
    let key = ssh_key::PublicKey::from(signature.public_key().clone());
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    if signature.namespace() != NAMESPACE {
        return SignatureCheck::Bad(format!(
            "{SIGNATURE_FILE} is a signature for {:?}, not for a kansa pack ({NAMESPACE:?})",
            signature.namespace()
        ));
    }
    if key.verify(NAMESPACE, sums, &signature).is_err() {
        return SignatureCheck::Bad(format!(
            "{SIGNATURE_FILE} does not match SHA256SUMS: the checksums were changed after signing"
        ));
    }
    // Who signed comes first: a forger who rewrote the manifest too is caught here.
    let verified = match allowed {
        None => None,
        Some(allowed) => match allowed.iter().find(|a| a.allows(&key, NAMESPACE, now)) {
            Some(a) => Some(a.principals.clone()),
            None => {
                return SignatureCheck::Bad(format!(
                    "signed by {fingerprint}, a key the allowed-signers file does not allow to sign packs"
                ));
            }
        },
    };
    match manifest_signer {
        Some(Some(named)) if named != fingerprint => {
            return SignatureCheck::Bad(format!(
                "signed by {fingerprint}, but manifest.json names {named}"
            ));
        }
        Some(None) => {
            return SignatureCheck::Bad(format!(
                "signed by {fingerprint}, but manifest.json names no signer"
            ));
        }
        Some(Some(_)) | None => {}
    }
    match verified {
        Some(principals) => SignatureCheck::Verified {
            principals,
            fingerprint,
        },
        None => SignatureCheck::Unchecked { fingerprint },
    }
}

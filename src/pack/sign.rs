//! Signing a pack: an SSH signature (OpenSSH's SSHSIG format, as `ssh-keygen -Y sign` writes)
//! over `SHA256SUMS`, in the namespace `kansa-pack`, written beside it as `SHA256SUMS.sig`.
//!
//! `SHA256SUMS` lists every file of the pack, `manifest.json` among them, so one signature
//! covers everything; anyone can check it with OpenSSH alone:
//!
//! ```text
//! ssh-keygen -Y verify -f allowed_signers -I SIGNER -n kansa-pack -s SHA256SUMS.sig < SHA256SUMS
//! sha256sum -c SHA256SUMS
//! ```
//!
//! Keys are the OpenSSH Ed25519 keys organisations already use to sign git commits. Ed25519
//! signatures are deterministic, so a signed pack is still byte-identical for the same inputs
//! and key. The cryptography is RustCrypto's `ssh-key`; nothing here is hand-written.

use std::path::Path;

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey};

use crate::error::{Error, Result};

/// The SSHSIG namespace of a pack signature: a signature made for git commits (`git`) or for
/// files (`file`) is never taken for a pack's, nor the other way round.
pub const NAMESPACE: &str = "kansa-pack";
/// The signature file, beside `SHA256SUMS` (which it cannot list).
pub const SIGNATURE_FILE: &str = "SHA256SUMS.sig";
/// Where a key's passphrase comes from when no terminal can ask for it (nightly builds).
pub const PASSPHRASE_ENV: &str = "KANSA_SIGN_PASSPHRASE";
/// A private key file is a few hundred bytes; anything larger is not one.
const MAX_KEY_BYTES: u64 = 64 * 1024;
/// bcrypt rounds a passphrase-protected key may ask for: OpenSSH writes 16 by default and
/// `ssh-keygen -a 100` is generous; a key file asking for millions would hang the build.
const MAX_KDF_ROUNDS: u32 = 1_000;

/// The key a pack is signed with, decrypted and ready.
pub struct Signer {
    key: PrivateKey,
}

impl std::fmt::Debug for Signer {
    /// The fingerprint only: a private key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({})", self.fingerprint())
    }
}

impl Signer {
    /// Read an OpenSSH Ed25519 private key; an encrypted one is decrypted with the passphrase
    /// of [`PASSPHRASE_ENV`], or one asked for on the terminal. Every problem is an error
    /// naming the file, with a hint (exit 2): nothing is built with a key that cannot sign.
    pub fn load(path: &Path) -> Result<Signer> {
        let bytes = crate::fs::read_capped(
            path,
            MAX_KEY_BYTES,
            "give the private key file (e.g. ~/.ssh/id_ed25519), not the public key or a bundle",
        )?;
        let bad = |message: String| Error::InputFile {
            file: path.display().to_string(),
            message,
        };
        let key = PrivateKey::from_openssh(&bytes).map_err(|e| {
            bad(format!(
                "not an OpenSSH private key ({e})\n  hint: make one with `ssh-keygen -t ed25519 -f FILE`; \
                 a key in PEM or PKCS#8 form is rewritten as OpenSSH by `ssh-keygen -p -f FILE`"
            ))
        })?;
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(bad(format!(
                "a {} key; packs are signed with Ed25519 keys\n  hint: make one with `ssh-keygen -t ed25519 -f FILE`",
                key.algorithm()
            )));
        }
        let key = if key.is_encrypted() {
            decrypt(&key, path)?
        } else {
            key
        };
        Ok(Signer { key })
    }

    /// The public key's SHA-256 fingerprint as OpenSSH prints it (`SHA256:…`).
    pub fn fingerprint(&self) -> String {
        self.key
            .public_key()
            .fingerprint(HashAlg::Sha256)
            .to_string()
    }

    /// The public key in OpenSSH form (`ssh-ed25519 AAAA…`), without the key's comment (which
    /// often names the user and the machine).
    pub fn public_key(&self) -> String {
        let mut public = self.key.public_key().clone();
        public.set_comment("");
        public
            .to_openssh()
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }

    /// The PEM signature (`-----BEGIN SSH SIGNATURE-----`) of `sums`, the pack's `SHA256SUMS`.
    pub fn sign(&self, sums: &[u8]) -> Result<Vec<u8>> {
        let signature = self
            .key
            .sign(NAMESPACE, HashAlg::Sha512, sums)
            .map_err(|e| Error::Internal(format!("cannot sign SHA256SUMS: {e}")))?;
        let pem = signature
            .to_pem(LineEnding::LF)
            .map_err(|e| Error::Internal(format!("cannot encode the signature: {e}")))?;
        Ok(pem.into_bytes())
    }
}

/// The decrypted key, its passphrase from the environment or the terminal.
fn decrypt(key: &PrivateKey, path: &Path) -> Result<PrivateKey> {
    let bad = |message: String| Error::InputFile {
        file: path.display().to_string(),
        message,
    };
    if let ssh_key::Kdf::Bcrypt { rounds, .. } = key.kdf()
        && *rounds > MAX_KDF_ROUNDS
    {
        return Err(bad(format!(
            "the key asks for {rounds} bcrypt rounds to decrypt, more than the {MAX_KDF_ROUNDS} kansa allows\n  \
             hint: re-encrypt it with `ssh-keygen -p -a 100 -f FILE`"
        )));
    }
    let passphrase = match std::env::var(PASSPHRASE_ENV) {
        Ok(p) => p,
        Err(_) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            rpassword::prompt_password(format!("Passphrase for {}: ", path.display()))
                .map_err(|e| bad(format!("cannot read the passphrase: {e}")))?
        }
        Err(_) => {
            return Err(bad(format!(
                "the key is protected by a passphrase and there is no terminal to ask for it\n  \
                 hint: set {PASSPHRASE_ENV} (in CI, from the secret store)"
            )));
        }
    };
    key.decrypt(passphrase.as_bytes()).map_err(|_| {
        bad(format!(
            "wrong passphrase for the key\n  hint: check {PASSPHRASE_ENV}, or the passphrase typed"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh Ed25519 key in OpenSSH form, written to `dir/name`.
    pub(crate) fn write_key(dir: &Path, name: &str) -> std::path::PathBuf {
        let key = PrivateKey::random(&mut rand_core::OsRng, Algorithm::Ed25519).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, key.to_openssh(LineEnding::LF).unwrap().as_bytes()).unwrap();
        path
    }

    #[test]
    fn signatures_verify_and_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let signer = Signer::load(&write_key(dir.path(), "k")).unwrap();
        let sums = b"abc  report.pdf\n";
        let one = signer.sign(sums).unwrap();
        assert_eq!(one, signer.sign(sums).unwrap(), "deterministic");
        assert!(one.starts_with(b"-----BEGIN SSH SIGNATURE-----\n"));
        let sig = ssh_key::SshSig::from_pem(&one).unwrap();
        assert_eq!(sig.namespace(), NAMESPACE);
        let public = signer.key.public_key();
        assert!(public.verify(NAMESPACE, sums, &sig).is_ok());
        assert!(public.verify(NAMESPACE, b"other", &sig).is_err());
        assert!(signer.fingerprint().starts_with("SHA256:"));
        assert!(signer.public_key().starts_with("ssh-ed25519 AAAA"));
        assert_eq!(signer.public_key().split(' ').count(), 2, "no comment");
        assert!(format!("{signer:?}").contains("SHA256:"));
    }

    #[test]
    fn bad_keys_are_located_errors() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("k.pub");
        std::fs::write(&public, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE me@host\n").unwrap();
        let err = Signer::load(&public).unwrap_err().to_string();
        assert!(err.contains("k.pub: not an OpenSSH private key"), "{err}");
        assert!(err.contains("hint:"), "{err}");
        let missing = Signer::load(&dir.path().join("none")).unwrap_err();
        assert_eq!(missing.kind().exit_code(), 2);
    }
}

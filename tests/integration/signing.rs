//! Signed packs: `kansa pack --sign KEY` writes `SHA256SUMS.sig`, an SSH signature OpenSSH
//! itself verifies; `kansa verify --allowed-signers` names the signer, and every tamper case
//! is exit 1 with one clear line. Keys are made at test time with `ssh-keygen` (OpenSSH, which
//! `.ci/run` installs): no private key is committed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{kansa, outcome, root};

/// A directory with a fresh key pair `key`/`key.pub` (passphrase `passphrase`, or none) and an
/// `allowed_signers` file allowing it for `kansa-pack` as ci@example.com.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new(passphrase: &str) -> Keys {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                passphrase,
                "-C",
                "me@laptop",
                "-f",
            ])
            .arg(dir.path().join("key"))
            .output()
            .expect("ssh-keygen (OpenSSH) is installed; .ci/run installs openssh-client");
        assert!(out.status.success(), "{}", outcome(&out));
        let public = std::fs::read_to_string(dir.path().join("key.pub")).unwrap();
        std::fs::write(
            dir.path().join("allowed_signers"),
            format!("ci@example.com namespaces=\"kansa-pack\" {public}"),
        )
        .unwrap();
        Keys { dir }
    }

    fn key(&self) -> PathBuf {
        self.dir.path().join("key")
    }

    fn allowed(&self) -> PathBuf {
        self.dir.path().join("allowed_signers")
    }
}

/// The example pack built into `out`, signed with `key` (and any extra arguments).
fn signed_pack(out: &Path, key: &Path, extra: &[&str]) -> (Output, PathBuf) {
    let res = kansa()
        .arg("pack")
        .arg(root().join("examples/example-bank/kansa.toml"))
        .arg("--out")
        .arg(out)
        .arg("--sign")
        .arg(key)
        .args(extra)
        .output()
        .unwrap();
    (res, out.join("example-bank"))
}

fn verify(pack: &Path, extra: &[&str]) -> Output {
    kansa()
        .arg("verify")
        .arg(pack)
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ssh-keygen -Y verify` on a pack, as the README tells a regulator to run it.
fn openssh_verify(pack: &Path, allowed: &Path) -> Output {
    Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", "ci@example.com", "-n", "kansa-pack", "-s"])
        .arg(pack.join("SHA256SUMS.sig"))
        .stdin(std::fs::File::open(pack.join("SHA256SUMS")).unwrap())
        .output()
        .unwrap()
}

#[test]
fn a_signed_pack_verifies_with_kansa_and_with_openssh() {
    let keys = Keys::new("");
    let out = tempfile::tempdir().unwrap();
    let (res, pack) = signed_pack(out.path(), &keys.key(), &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    let sig = std::fs::read_to_string(pack.join("SHA256SUMS.sig")).unwrap();
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{sig}");

    let res = verify(
        &pack,
        &["--allowed-signers", keys.allowed().to_str().unwrap()],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    let text = stdout(&res);
    assert!(text.contains("intact"), "{text}");
    assert!(
        text.contains("signed by ci@example.com (key SHA256:"),
        "{text}"
    );
    assert!(text.contains("signature verified"), "{text}");
    // Without a list: signed, but by whom is not checked.
    let res = verify(&pack, &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    assert!(stdout(&res).contains("not checked against an allowed-signers file"));

    let res = openssh_verify(&pack, &keys.allowed());
    assert!(res.status.success(), "ssh-keygen: {}", outcome(&res));
    assert!(
        String::from_utf8_lossy(&res.stdout).contains("Good \"kansa-pack\" signature"),
        "{}",
        outcome(&res)
    );
    let sums = Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(&pack)
        .output()
        .unwrap();
    assert!(sums.status.success(), "sha256sum -c: {}", outcome(&sums));

    // The manifest names the key, without its comment (which names the user's machine).
    let manifest = std::fs::read_to_string(pack.join("manifest.json")).unwrap();
    let public = std::fs::read_to_string(keys.dir.path().join("key.pub")).unwrap();
    let key_part: Vec<&str> = public.split_whitespace().take(2).collect();
    assert!(manifest.contains(&key_part.join(" ")), "{manifest}");
    assert!(!manifest.contains("me@laptop"));
    assert!(manifest.contains("\"fingerprint\": \"SHA256:"));

    // Same inputs and key: the same bytes, signature included (Ed25519 is deterministic).
    let again = tempfile::tempdir().unwrap();
    let (res, pack2) = signed_pack(again.path(), &keys.key(), &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    for f in ["SHA256SUMS", "SHA256SUMS.sig", "manifest.json"] {
        assert_eq!(
            std::fs::read(pack.join(f)).unwrap(),
            std::fs::read(pack2.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// Each way of forging or breaking a signed pack is exit 1, with one line saying what.
#[test]
fn every_tamper_case_is_exit_1_with_one_clear_line() {
    let keys = Keys::new("");
    let other = Keys::new("");
    let allowed = keys.allowed();
    let allowed = allowed.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (res, pack) = signed_pack(out.path(), &keys.key(), &[]);
    assert!(res.status.success(), "{}", outcome(&res));

    // (pack, its signer's keys, another key pair)
    type Tamper = fn(&Path, &Keys, &Keys);
    let cases: [(&str, Tamper, &str); 7] = [
        (
            "signed by a key the file does not allow",
            |pack, _, other| resign(pack, &other.key(), "kansa-pack"),
            "does not allow to sign packs",
        ),
        (
            "a signature over another namespace",
            |pack, own, _| resign(pack, &own.key(), "file"),
            "a signature for \"file\", not for a kansa pack",
        ),
        (
            "a truncated signature",
            |pack, _, _| {
                let sig = std::fs::read(pack.join("SHA256SUMS.sig")).unwrap();
                std::fs::write(pack.join("SHA256SUMS.sig"), &sig[..sig.len() / 2]).unwrap();
            },
            "not an SSH signature (damaged or truncated)",
        ),
        (
            "summary.md edited and SHA256SUMS regenerated",
            |pack, _, _| {
                append(&pack.join("summary.md"), "\nall fine\n");
                regenerate_sums(pack);
            },
            "does not match SHA256SUMS",
        ),
        (
            "manifest.json and SHA256SUMS both regenerated",
            |pack, _, _| forge_summary(pack),
            "does not match SHA256SUMS",
        ),
        (
            "summary.md, manifest.json and SHA256SUMS rewritten and signed with another key",
            |pack, _, other| {
                forge_summary(pack);
                resign(pack, &other.key(), "kansa-pack");
            },
            "does not allow to sign packs",
        ),
        (
            "the signature removed",
            |pack, _, _| std::fs::remove_file(pack.join("SHA256SUMS.sig")).unwrap(),
            "SHA256SUMS.sig is missing, but manifest.json says the pack was signed",
        ),
    ];
    for (name, tamper, want) in cases {
        let copy = tempfile::tempdir().unwrap();
        crate::hostile::copy_dir(&pack, copy.path());
        tamper(copy.path(), &keys, &other);
        let res = verify(copy.path(), &["--allowed-signers", allowed]);
        assert_eq!(res.status.code(), Some(1), "{name}: {}", outcome(&res));
        let text = stdout(&res);
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("SIGNATURE"))
            .collect();
        assert_eq!(lines.len(), 1, "{name}: {text}");
        assert!(lines[0].contains(want), "{name}: {text}");
        assert!(text.contains("NOT INTACT"), "{name}: {text}");
    }
}

#[test]
fn an_unsigned_pack_fails_only_when_a_signature_is_required() {
    let keys = Keys::new("");
    let out = tempfile::tempdir().unwrap();
    let res = crate::pack::run_pack(
        &root().join("examples/example-bank/kansa.toml"),
        out.path(),
        &[],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    let pack = out.path().join("example-bank");
    let allowed = keys.allowed();
    let allowed = allowed.to_str().unwrap();
    let res = verify(&pack, &["--allowed-signers", allowed]);
    assert!(res.status.success(), "{}", outcome(&res));
    assert!(stdout(&res).contains("the pack is not signed"));
    let res = verify(
        &pack,
        &["--allowed-signers", allowed, "--require-signature"],
    );
    assert_eq!(res.status.code(), Some(1), "{}", outcome(&res));
    assert!(stdout(&res).contains("SIGNATURE the pack is not signed, and a signature is required"));
    // --require-signature needs a list of signers to mean anything.
    let res = verify(&pack, &["--require-signature"]);
    assert_eq!(res.status.code(), Some(2), "{}", outcome(&res));
}

#[test]
fn passphrases_come_from_the_environment_and_bad_keys_stop_the_build() {
    let keys = Keys::new("s3cret pass");
    let out = tempfile::tempdir().unwrap();
    let config = root().join("examples/example-bank/kansa.toml");
    let run = |env: Option<&str>, key: &Path| {
        let mut cmd = kansa();
        cmd.arg("pack")
            .arg(&config)
            .arg("--out")
            .arg(out.path())
            .arg("--sign")
            .arg(key)
            .env_remove("KANSA_SIGN_PASSPHRASE");
        if let Some(p) = env {
            cmd.env("KANSA_SIGN_PASSPHRASE", p);
        }
        cmd.output().unwrap()
    };
    let res = run(Some("s3cret pass"), &keys.key());
    assert!(res.status.success(), "{}", outcome(&res));
    assert!(out.path().join("example-bank/SHA256SUMS.sig").is_file());
    std::fs::remove_dir_all(out.path().join("example-bank")).unwrap();

    let cases = [
        (Some("wrong"), keys.key(), "wrong passphrase"),
        (None, keys.key(), "KANSA_SIGN_PASSPHRASE"),
        (
            Some("x"),
            keys.dir.path().join("key.pub"),
            "not an OpenSSH private key",
        ),
        (Some("x"), keys.dir.path().join("none"), "none"),
    ];
    for (env, key, want) in cases {
        let res = run(env, &key);
        assert_eq!(res.status.code(), Some(2), "{want}: {}", outcome(&res));
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(err.contains(want), "{want}: {err}");
        assert!(
            !out.path().join("example-bank").exists(),
            "{want}: nothing is built with a key that cannot sign"
        );
    }
}

/// A nightly job given `--allowed-signers` uses yesterday's pack as a baseline only when it is
/// intact and signed by an allowed key.
#[test]
fn a_baseline_must_be_signed_when_signers_are_given() {
    let keys = Keys::new("");
    let allowed = keys.allowed();
    let night1 = tempfile::tempdir().unwrap();
    let (res, pack1) = signed_pack(night1.path(), &keys.key(), &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    let night2 = tempfile::tempdir().unwrap();
    let args = [
        "--baseline",
        pack1.to_str().unwrap(),
        "--allowed-signers",
        allowed.to_str().unwrap(),
    ];
    let (res, pack2) = signed_pack(night2.path(), &keys.key(), &args);
    assert!(res.status.success(), "{}", outcome(&res));
    let manifest = std::fs::read_to_string(pack2.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"baseline\": {"),
        "compared with night 1"
    );

    // Yesterday's pack edited (and its checksums regenerated): refused, nothing built.
    append(&pack1.join("assessment.json"), " ");
    regenerate_sums(&pack1);
    let night3 = tempfile::tempdir().unwrap();
    let (res, pack3) = signed_pack(night3.path(), &keys.key(), &args);
    assert_eq!(res.status.code(), Some(2), "{}", outcome(&res));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("not used as a baseline"), "{err}");
    assert!(!pack3.exists());
}

/// What a careful forger does: edit summary.md, then fix its digest and size in manifest.json
/// and regenerate SHA256SUMS, so that every checksum matches.
fn forge_summary(pack: &Path) {
    append(&pack.join("summary.md"), "\nall fine\n");
    let manifest = std::fs::read_to_string(pack.join("manifest.json")).unwrap();
    let summary = std::fs::read(pack.join("summary.md")).unwrap();
    let fixed = fix_digest(&manifest, "summary.md", &summary);
    std::fs::write(pack.join("manifest.json"), fixed).unwrap();
    regenerate_sums(pack);
}

fn append(path: &Path, text: &str) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(path, bytes).unwrap();
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Rewrite `SHA256SUMS` from the files as they are now, as `sha256sum` would.
fn regenerate_sums(pack: &Path) {
    let sums = std::fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    let mut out = String::new();
    for line in sums.lines() {
        let name = &line[66..];
        let digest = sha256_hex(&std::fs::read(pack.join(name)).unwrap());
        out.push_str(&format!("{digest}  {name}\n"));
    }
    std::fs::write(pack.join("SHA256SUMS"), out).unwrap();
}

/// The manifest with `path`'s recorded digest and size replaced by those of `bytes`.
fn fix_digest(manifest: &str, path: &str, bytes: &[u8]) -> String {
    let mut value: serde_json::Value = serde_json::from_str(manifest).unwrap();
    for o in value["outputs"].as_array_mut().unwrap() {
        if o["path"] == path {
            o["sha256"] = sha256_hex(bytes).into();
            o["bytes"] = bytes.len().into();
        }
    }
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

/// Replace the pack's signature by one `ssh-keygen -Y sign` makes with `key` in `namespace`.
fn resign(pack: &Path, key: &Path, namespace: &str) {
    let sig = pack.join("SHA256SUMS.sig");
    std::fs::remove_file(&sig).unwrap();
    let out = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-f"])
        .arg(key)
        .args(["-n", namespace])
        .arg(pack.join("SHA256SUMS"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(sig.is_file());
}

/// `verify --inputs`: the overlays and evidence the manifest lists, checked where they are
/// found; a changed one is exit 1, one not found is said and is not a failure.
#[test]
fn verify_checks_inputs_and_evidence_when_given() {
    let out = tempfile::tempdir().unwrap();
    let res = crate::pack::run_pack(
        &root().join("examples/example-bank/kansa.toml"),
        out.path(),
        &[],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    let pack = out.path().join("example-bank");
    let examples = root().join("examples");
    let evidence = root().join("examples/example-bank/evidence");
    let res = verify(
        &pack,
        &[
            "--inputs",
            examples.to_str().unwrap(),
            "--inputs",
            evidence.to_str().unwrap(),
        ],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    assert!(
        stdout(&res).contains("4 inputs and evidence files checked;"),
        "{}",
        stdout(&res)
    );
    // A copy of the inputs with the provider's answers edited.
    let copy = tempfile::tempdir().unwrap();
    crate::hostile::copy_dir(&examples, copy.path());
    append(&copy.path().join("aws-2012/answers.csv"), "\n");
    let res = verify(&pack, &["--inputs", copy.path().to_str().unwrap()]);
    assert_eq!(res.status.code(), Some(1), "{}", outcome(&res));
    let text = stdout(&res);
    assert!(
        text.contains(
            "CHANGED   input aws-2012/answers.csv: differs from the SHA-256 manifest.json records"
        ),
        "{text}"
    );
    assert!(
        text.contains("(2 not found)"),
        "evidence not under the copy: {text}"
    );
}

/// `sign = "…"` in a `[[pack]]`, relative to the config, signs like `--sign`.
#[test]
fn the_config_key_sign_signs_the_pack() {
    let keys = Keys::new("");
    let dir = keys.dir.path();
    let [aws, bank] = crate::EXAMPLE_ANSWERS.map(|a| root().join(a).display().to_string());
    std::fs::write(
        dir.join("kansa.toml"),
        format!(
            "[[pack]]\nname = \"signed\"\ndate = \"2026-11-25\"\nformats = [\"md\"]\n\
             overlays = [{aws:?}, {bank:?}]\nsign = \"key\"\n"
        ),
    )
    .unwrap();
    let res = crate::pack::run_pack(&dir.join("kansa.toml"), &dir.join("out"), &[]);
    assert!(res.status.success(), "{}", outcome(&res));
    let pack = dir.join("out/signed");
    let res = openssh_verify(&pack, &keys.allowed());
    assert!(res.status.success(), "ssh-keygen: {}", outcome(&res));
}

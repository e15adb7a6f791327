//! `kansa pack --sign-pdf CERT.p12`: report.pdf signed as PAdES B-B. The signature is checked
//! with OpenSSL (`openssl cms -verify` over the `/ByteRange`, against a CA made at test time),
//! not with kansa's own code; `.ci/run` checks it again with pyHanko and poppler's pdfsig.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{kansa, outcome, root};

const PASSWORD: &str = "test pass";

/// A test CA and a signer certificate for it, in `signer.p12` (with the CA in the chain).
struct Pki {
    dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed");
    assert!(out.status.success(), "openssl {args:?}: {}", outcome(&out));
}

impl Pki {
    /// `key` is `rsa:2048` or `ec` (P-256).
    fn new(key: &str) -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let curve: &[&str] = if key == "ec" {
            &["-pkeyopt", "ec_paramgen_curve:P-256"]
        } else {
            &[]
        };
        let req = |out_key: &str, args: &[&str]| {
            let mut all = vec!["req", "-newkey", key];
            all.extend_from_slice(curve);
            all.extend_from_slice(&["-nodes", "-keyout", out_key]);
            all.extend_from_slice(args);
            openssl(d, &all);
        };
        req(
            "ca.key",
            &[
                "-x509",
                "-out",
                "ca.pem",
                "-days",
                "30",
                "-subj",
                "/CN=Kansa Test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        req(
            "leaf.key",
            &[
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=Compliance Office/O=Example Bank",
            ],
        );
        std::fs::write(
            d.join("leaf.ext"),
            "keyUsage=critical,digitalSignature,nonRepudiation\n",
        )
        .unwrap();
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "leaf.pem",
                "-days",
                "30",
                "-extfile",
                "leaf.ext",
            ],
        );
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                "leaf.key",
                "-in",
                "leaf.pem",
                "-certfile",
                "ca.pem",
                "-out",
                "signer.p12",
                "-passout",
                &format!("pass:{PASSWORD}"),
            ],
        );
        Pki { dir }
    }

    fn p12(&self) -> PathBuf {
        self.dir.path().join("signer.p12")
    }
}

/// The example pack with report.pdf signed with `p12`, password `password`.
fn pack(out: &Path, p12: &Path, password: Option<&str>) -> Output {
    let mut cmd = kansa();
    cmd.arg("pack")
        .arg(root().join("examples/example-bank/kansa.toml"))
        .arg("--out")
        .arg(out)
        .arg("--sign-pdf")
        .arg(p12)
        .env_remove("KANSA_PDF_CERT_PASSWORD");
    if let Some(p) = password {
        cmd.env("KANSA_PDF_CERT_PASSWORD", p);
    }
    cmd.output().unwrap()
}

/// The last `/ByteRange` of a PDF, and the CMS it signs (the `/Contents` DER, padding cut).
fn signature_parts(pdf: &[u8]) -> ([usize; 4], Vec<u8>) {
    let key = b"/ByteRange";
    let at = pdf
        .windows(key.len())
        .rposition(|w| w == key)
        .expect("a signature");
    let rest = std::str::from_utf8(&pdf[at + key.len()..at + key.len() + 80]).unwrap_or("");
    let inside = &rest[rest.find('[').unwrap() + 1..rest.find(']').unwrap()];
    let n: Vec<usize> = inside
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    let range = [n[0], n[1], n[2], n[3]];
    let hex = &pdf[range[1] + 1..range[2] - 1];
    let bytes: Vec<u8> = hex
        .chunks(2)
        .map(|h| u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap())
        .collect();
    // A DER SEQUENCE with a two-byte length (0x30 0x82 hi lo): cut the zero padding.
    assert_eq!(&bytes[..2], [0x30, 0x82], "CMS is DER");
    let len = 4 + ((bytes[2] as usize) << 8 | bytes[3] as usize);
    (range, bytes[..len].to_vec())
}

/// `openssl cms -verify` of the PDF's signature against the test CA.
fn openssl_verify(pki: &Pki, pdf: &[u8]) -> Output {
    let (r, cms) = signature_parts(pdf);
    assert_eq!(r[0], 0);
    assert_eq!(
        r[2] + r[3],
        pdf.len(),
        "the byte range ends at the end of the file"
    );
    let d = pki.dir.path();
    let mut signed = pdf[..r[1]].to_vec();
    signed.extend_from_slice(&pdf[r[2]..r[2] + r[3]]);
    std::fs::write(d.join("sig.der"), cms).unwrap();
    std::fs::write(d.join("signed.bin"), signed).unwrap();
    Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "sig.der",
            "-content",
            "signed.bin",
            "-CAfile",
            "ca.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ])
        .current_dir(d)
        .output()
        .unwrap()
}

#[test]
fn signed_pdfs_verify_with_openssl_and_are_deterministic() {
    for key in ["rsa:2048", "ec"] {
        let pki = Pki::new(key);
        let out = tempfile::tempdir().unwrap();
        let res = pack(out.path(), &pki.p12(), Some(PASSWORD));
        assert!(res.status.success(), "{key}: {}", outcome(&res));
        let pdf = std::fs::read(out.path().join("example-bank/report.pdf")).unwrap();
        let res = openssl_verify(&pki, &pdf);
        assert!(res.status.success(), "{key}: {}", outcome(&res));
        assert!(
            String::from_utf8_lossy(&res.stderr).contains("Verification successful"),
            "{key}: {}",
            outcome(&res)
        );
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/SubFilter/ETSI.CAdES.detached"), "{key}");
        assert!(
            text.contains("/M(D:20261125000000Z)"),
            "{key}: /M is the report date"
        );
        // One byte of the signed part changed: the signature no longer holds.
        let mut forged = pdf.clone();
        let at = forged.len() / 3;
        forged[at] ^= 1;
        assert!(!openssl_verify(&pki, &forged).status.success(), "{key}");
        // The whole pack still verifies (the manifest lists the signed PDF).
        let res = kansa()
            .arg("verify")
            .arg(out.path().join("example-bank"))
            .output()
            .unwrap();
        assert!(res.status.success(), "{key}: {}", outcome(&res));
        let manifest =
            std::fs::read_to_string(out.path().join("example-bank/manifest.json")).unwrap();
        assert!(
            manifest.contains("\"subject\": \"CN=Compliance Office,O=Example Bank\"")
                || manifest.contains("\"subject\": \"O=Example Bank,CN=Compliance Office\""),
            "{key}: the manifest names the PDF's signer: {manifest}"
        );
        // Same inputs and certificate: the same bytes.
        let again = tempfile::tempdir().unwrap();
        let res = pack(again.path(), &pki.p12(), Some(PASSWORD));
        assert!(res.status.success(), "{}", outcome(&res));
        let pdf2 = std::fs::read(again.path().join("example-bank/report.pdf")).unwrap();
        assert!(pdf == pdf2, "{key}: the signed PDF differs between runs");
    }
}

#[test]
fn bad_certificates_and_passwords_stop_the_build() {
    let pki = Pki::new("ec");
    let out = tempfile::tempdir().unwrap();
    let not_p12 = pki.dir.path().join("leaf.pem");
    let cases = [
        (pki.p12(), Some("wrong"), "cannot open the PKCS#12 file"),
        (pki.p12(), None, "KANSA_PDF_CERT_PASSWORD"),
        (not_p12, Some(PASSWORD), "cannot open the PKCS#12 file"),
    ];
    for (p12, password, want) in cases {
        let res = pack(out.path(), &p12, password);
        assert_eq!(res.status.code(), Some(2), "{want}: {}", outcome(&res));
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(err.contains(want), "{want}: {err}");
        assert!(!out.path().join("example-bank").exists(), "{want}");
    }
}

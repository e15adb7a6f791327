//! Signing `report.pdf` itself (PAdES baseline B-B), so that a regulator's PDF reader shows who
//! signed it: `kansa pack --sign-pdf CERT.p12`.
//!
//! The signature is an incremental update of the finished PDF (lopdf's `IncrementalDocument`):
//! a `/Sig` dictionary (`/SubFilter /ETSI.CAdES.detached`) referenced by an invisible signature
//! field, whose `/Contents` holds a detached CMS `SignedData` over the whole file but the
//! `/Contents` value itself (`/ByteRange`). The CMS carries the signer's certificate chain and
//! the signed attributes PAdES B-B asks for: content type, message digest and
//! `signing-certificate-v2`; no signing-time attribute (PAdES puts the time in `/M`, here the
//! report date, so the same inputs still give the same bytes: RSA PKCS#1 v1.5 and ECDSA with
//! RFC 6979 are deterministic).
//!
//! The cryptography is RustCrypto's (`cms`, `x509-cert`, `rsa`, `p256`) and `p12-keystore`
//! reads the PKCS#12 file (the AES/PBKDF2 files OpenSSL 3 writes, and the older 3DES ones).
//! Only the PDF plumbing (placeholders, byte range) is written here.

use std::path::Path;

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::db::rfc5911::{ID_AA_SIGNING_CERTIFICATE_V_2, ID_DATA};
use const_oid::db::rfc5912::{ID_EC_PUBLIC_KEY, ID_SHA_256, RSA_ENCRYPTION, SECP_256_R_1};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, SignatureBitStringEncoding};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::error::{Error, Result};

/// Where the PKCS#12 file's password comes from when no terminal can ask for it.
pub const PASSWORD_ENV: &str = "KANSA_PDF_CERT_PASSWORD";
/// A PKCS#12 file holds a key and a few certificates: kilobytes.
const MAX_P12_BYTES: u64 = 1 << 20;
/// Bytes reserved for the CMS in `/Contents` (written as hex, twice as many characters): a
/// signature with a chain of a few certificates fits with room to spare.
const CONTENTS_BYTES: usize = 24 * 1024;
/// The `/ByteRange` written first, overwritten (padded to the same length) once the offsets
/// are known.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// `ESSCertIDv2` (RFC 5035) with the default hash algorithm, SHA-256.
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// `SigningCertificateV2` (RFC 5035): binds the signature to the signer's certificate.
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// The signing key of a certificate.
enum Key {
    Rsa(Box<rsa::pkcs1v15::SigningKey<rsa::sha2::Sha256>>),
    P256(Box<p256::ecdsa::SigningKey>),
}

/// A certificate and its key, ready to sign PDFs.
pub struct PdfSigner {
    key: Key,
    /// Leaf first, then the rest of the chain the file holds.
    chain: Vec<Certificate>,
}

impl std::fmt::Debug for PdfSigner {
    /// The subject only: a key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PdfSigner({})", self.subject())
    }
}

impl PdfSigner {
    /// Read a PKCS#12 file with its password from [`PASSWORD_ENV`] or the terminal: an RSA or
    /// ECDSA P-256 key and its certificate. Every problem is an error naming the file (exit 2).
    pub fn load(path: &Path) -> Result<PdfSigner> {
        let bad = |message: String| Error::InputFile {
            file: path.display().to_string(),
            message,
        };
        let bytes = crate::fs::read_capped(
            path,
            MAX_P12_BYTES,
            "give the PKCS#12 file (.p12 / .pfx) with the signing key and certificate",
        )?;
        let password = password(path)?;
        let store = p12_keystore::KeyStore::from_pkcs12(&bytes, &password).map_err(|e| {
            bad(format!(
                "cannot open the PKCS#12 file ({e})\n  hint: check {PASSWORD_ENV}; the file must \
                 hold a private key and its certificate (`openssl pkcs12 -export`)"
            ))
        })?;
        let (_, chain) = store.private_key_chain().ok_or_else(|| {
            bad("holds no private key\n  hint: export the key with its certificate".into())
        })?;
        let certs: Vec<Certificate> = chain
            .chain()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad(format!("a certificate does not parse ({e})")))?;
        if certs.is_empty() {
            return Err(bad("holds no certificate for the key".into()));
        }
        let key = signing_key(chain.key()).map_err(bad)?;
        Ok(PdfSigner { key, chain: certs })
    }

    /// The signer certificate's subject, as RFC 4514 text (`CN=…,O=…`).
    pub fn subject(&self) -> String {
        self.chain[0].tbs_certificate.subject.to_string()
    }

    /// The SHA-256 of the signer certificate (DER), lower-case hex.
    pub fn certificate_sha256(&self) -> String {
        let der = self.chain[0].to_der().unwrap_or_default();
        crate::model::text::hex(&Sha256::digest(der))
    }

    /// `pdf` with a PAdES B-B signature added as an incremental update; `date` is the
    /// signature's `/M` (the report date, so that the bytes do not depend on the clock).
    pub fn sign(&self, pdf: &[u8], date: jiff::civil::Date) -> Result<Vec<u8>> {
        let failed = |what: &str, e: &dyn std::fmt::Display| {
            Error::Output(format!("cannot sign report.pdf: {what}: {e}"))
        };
        let doc = Document::load_mem(pdf).map_err(|e| failed("reading it back", &e))?;
        let mut signed = with_placeholders(doc, pdf, &self.subject(), date)
            .map_err(|e| failed("adding the signature field", &e))?;
        let (contents, range) = byte_range(&signed, pdf.len())
            .ok_or_else(|| failed("placing the signature", &"placeholder not found"))?;
        // The byte range is part of what is signed: written before hashing.
        let (at, len) = range;
        let text = format!(
            "[0 {} {} {}]",
            contents.start,
            contents.end,
            signed.len() - contents.end
        );
        let padded = format!("{text:<len$}");
        signed[at..at + len].copy_from_slice(padded.as_bytes());
        let mut hasher = Sha256::new();
        hasher.update(&signed[..contents.start]);
        hasher.update(&signed[contents.end..]);
        let cms = self
            .cms(&hasher.finalize())
            .map_err(|e| failed("building the CMS signature", &e))?;
        let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
        // `contents` includes the angle brackets.
        let room = contents.len() - 2;
        if hex.len() > room {
            return Err(failed(
                "the signature",
                &format!(
                    "{} bytes, more than the {CONTENTS_BYTES} reserved",
                    cms.len()
                ),
            ));
        }
        signed[contents.start + 1..contents.start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(signed)
    }

    /// The detached CMS `SignedData` over `digest` (SHA-256 of the byte range).
    fn cms(&self, digest: &[u8]) -> std::result::Result<Vec<u8>, String> {
        let der = |e: der::Error| e.to_string();
        let leaf = &self.chain[0];
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: leaf.tbs_certificate.issuer.clone(),
            serial_number: leaf.tbs_certificate.serial_number.clone(),
        });
        let ess = SigningCertificateV2 {
            certs: vec![EssCertIdV2 {
                cert_hash: OctetString::new(Sha256::digest(leaf.to_der().map_err(der)?).to_vec())
                    .map_err(der)?,
            }],
        };
        let ess = Attribute {
            oid: ID_AA_SIGNING_CERTIFICATE_V_2,
            values: SetOfVec::try_from(vec![Any::encode_from(&ess).map_err(der)?]).map_err(der)?,
        };
        let encap = EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        };
        Ok(match &self.key {
            Key::Rsa(k) => signed_data::<_, rsa::pkcs1v15::Signature>(
                k.as_ref(),
                sid,
                &encap,
                digest,
                ess,
                &self.chain,
            )?,
            Key::P256(k) => signed_data::<_, p256::ecdsa::DerSignature>(
                k.as_ref(),
                sid,
                &encap,
                digest,
                ess,
                &self.chain,
            )?,
        })
    }
}

/// Build and encode `SignedData`: content type and message digest are added by the builder.
fn signed_data<S, Sig>(
    key: &S,
    sid: SignerIdentifier,
    encap: &EncapsulatedContentInfo,
    digest: &[u8],
    ess: Attribute,
    chain: &[Certificate],
) -> std::result::Result<Vec<u8>, String>
where
    S: signature::Keypair + DynSignatureAlgorithmIdentifier + signature::Signer<Sig>,
    Sig: SignatureBitStringEncoding,
{
    let why = |e: cms::builder::Error| format!("{e:?}");
    let sha256 = AlgorithmIdentifierOwned {
        oid: ID_SHA_256,
        parameters: None,
    };
    let mut signer =
        SignerInfoBuilder::new(key, sid, sha256.clone(), encap, Some(digest)).map_err(why)?;
    signer.add_signed_attribute(ess).map_err(why)?;
    let mut data = SignedDataBuilder::new(encap);
    data.add_digest_algorithm(sha256).map_err(why)?;
    for c in chain {
        data.add_certificate(CertificateChoices::Certificate(c.clone()))
            .map_err(why)?;
    }
    let built = data
        .add_signer_info::<S, Sig>(signer)
        .map_err(why)?
        .build()
        .map_err(why)?;
    built.to_der().map_err(|e| e.to_string())
}

/// The signing key of a PKCS#8 private key: RSA or ECDSA P-256.
fn signing_key(pkcs8: &[u8]) -> std::result::Result<Key, String> {
    use rsa::pkcs8::DecodePrivateKey;
    let info = rsa::pkcs8::PrivateKeyInfo::try_from(pkcs8)
        .map_err(|e| format!("the private key does not parse ({e})"))?;
    let oid = info.algorithm.oid;
    if oid == RSA_ENCRYPTION {
        let key = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8)
            .map_err(|e| format!("the RSA key does not parse ({e})"))?;
        return Ok(Key::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))));
    }
    let curve = info.algorithm.parameters_oid().ok();
    if oid == ID_EC_PUBLIC_KEY && curve == Some(SECP_256_R_1) {
        let key = p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8)
            .map_err(|e| format!("the P-256 key does not parse ({e})"))?;
        return Ok(Key::P256(Box::new(key)));
    }
    Err(format!(
        "a key of type {oid} is not supported\n  hint: use an RSA or ECDSA P-256 key"
    ))
}

/// The PKCS#12 password: the environment, else asked on the terminal.
fn password(path: &Path) -> Result<String> {
    match std::env::var(PASSWORD_ENV) {
        Ok(p) => Ok(p),
        Err(_) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            rpassword::prompt_password(format!("Password for {}: ", path.display())).map_err(|e| {
                Error::InputFile {
                    file: path.display().to_string(),
                    message: format!("cannot read the password: {e}"),
                }
            })
        }
        Err(_) => Err(Error::InputFile {
            file: path.display().to_string(),
            message: format!(
                "a password is needed and there is no terminal to ask for it\n  hint: set {PASSWORD_ENV}"
            ),
        }),
    }
}

/// The PDF with an incremental update adding the signature dictionary (placeholders for
/// `/ByteRange` and `/Contents`), an invisible signature field on the first page and the form
/// that lists it.
fn with_placeholders(
    doc: Document,
    pdf: &[u8],
    subject: &str,
    date: jiff::civil::Date,
) -> lopdf::Result<Vec<u8>> {
    let root = doc.trailer.get(b"Root")?.as_reference()?;
    let page = *doc
        .get_pages()
        .values()
        .next()
        .ok_or(lopdf::Error::PageNumberNotFound(1))?;
    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), doc);
    let new = &mut inc.new_document;
    let placeholder = Object::Integer(BYTE_RANGE_PLACEHOLDER);
    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            placeholder.clone(),
            placeholder.clone(),
            placeholder,
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0; CONTENTS_BYTES], StringFormat::Hexadecimal),
    );
    sig.set("Name", Object::string_literal(subject));
    sig.set(
        "M",
        Object::string_literal(format!("D:{}000000Z", date.strftime("%Y%m%d"))),
    );
    let sig_id = new.add_object(sig);
    let mut field = Dictionary::new();
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("T", Object::string_literal("kansa"));
    field.set("V", Object::Reference(sig_id));
    field.set("F", Object::Integer(132)); // print, locked
    field.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    field.set("P", Object::Reference(page));
    let field_id = new.add_object(field);
    add_to_form(&mut inc, root, field_id)?;
    add_annotation(&mut inc, page, field_id)?;
    let mut out = Vec::with_capacity(pdf.len() + 2 * CONTENTS_BYTES + 4096);
    inc.save_to(&mut out)?;
    Ok(out)
}

/// `/AcroForm << /Fields [… field] /SigFlags 3 >>` in the (updated) catalogue.
fn add_to_form(
    inc: &mut IncrementalDocument,
    root: ObjectId,
    field: ObjectId,
) -> lopdf::Result<()> {
    inc.opt_clone_object_to_new_document(root)?;
    let catalog = inc.new_document.get_object_mut(root)?.as_dict_mut()?;
    let mut form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    let mut fields = match form.get(b"Fields") {
        Ok(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    fields.push(Object::Reference(field));
    form.set("Fields", Object::Array(fields));
    form.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(form));
    Ok(())
}

/// The field's widget in the page's `/Annots` (an array in the page, or one it refers to).
fn add_annotation(
    inc: &mut IncrementalDocument,
    page: ObjectId,
    field: ObjectId,
) -> lopdf::Result<()> {
    inc.opt_clone_object_to_new_document(page)?;
    let annots = inc
        .new_document
        .get_object(page)?
        .as_dict()?
        .get(b"Annots")
        .ok()
        .cloned();
    match annots {
        Some(Object::Reference(id)) => {
            inc.opt_clone_object_to_new_document(id)?;
            inc.new_document
                .get_object_mut(id)?
                .as_array_mut()?
                .push(Object::Reference(field));
        }
        other => {
            let mut list = match other {
                Some(Object::Array(a)) => a,
                _ => Vec::new(),
            };
            list.push(Object::Reference(field));
            let page = inc.new_document.get_object_mut(page)?.as_dict_mut()?;
            page.set("Annots", Object::Array(list));
        }
    }
    Ok(())
}

/// In the signed file (whose first `old_len` bytes are the unsigned PDF): the span of the
/// `/Contents` hex string, angle brackets included, and the offset and length of the
/// `/ByteRange` array placeholder.
fn byte_range(pdf: &[u8], old_len: usize) -> Option<(std::ops::Range<usize>, (usize, usize))> {
    let tail = &pdf[old_len..];
    let zeros = vec![b'0'; 2 * CONTENTS_BYTES];
    let mut hex = Vec::with_capacity(zeros.len() + 2);
    hex.push(b'<');
    hex.extend_from_slice(&zeros);
    hex.push(b'>');
    let start = old_len + find(tail, &hex)?;
    let range =
        format!("[0 {BYTE_RANGE_PLACEHOLDER} {BYTE_RANGE_PLACEHOLDER} {BYTE_RANGE_PLACEHOLDER}]");
    let at = old_len + find(tail, range.as_bytes())?;
    Some((start..start + hex.len(), (at, range.len())))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

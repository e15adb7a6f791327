//! Turning file bytes into text: BOM sniffing, UTF-8, Shift_JIS/CP932 and UTF-16.
//!
//! Excel in Japan saves "CSV" as CP932 and "CSV UTF-8" with a BOM; other tools write UTF-8
//! without one. Detection order: BOM, then valid UTF-8, then a clean CP932 decode. Anything
//! else is reported at the first undecodable characters, with line and column.

use encoding_rs::{Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

use crate::diag::{Diagnostic, Diagnostics};

mod binary;

pub use binary::binary_kind;
use binary::{is_toml, not_text, utf32, utf32_bom};

/// An encoding the user can force with `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EncodingChoice {
    /// Detect from BOM and content (default).
    Auto,
    /// UTF-8, with or without BOM.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Shift_JIS as Windows writes it (CP932).
    #[value(name = "shift_jis", aliases = ["sjis", "cp932", "shift-jis", "windows-31j"])]
    ShiftJis,
    /// UTF-16 little endian.
    #[value(name = "utf-16le")]
    Utf16Le,
    /// UTF-16 big endian.
    #[value(name = "utf-16be")]
    Utf16Be,
}

/// Text decoded from a file, with the name of the encoding that was used.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, BOM removed: borrowed from the bytes when they were UTF-8 already (most
    /// files), so a large file is not copied.
    pub text: Cow<'a, str>,
    /// The WHATWG name of the encoding (`UTF-8`, `Shift_JIS`, ...).
    pub encoding: &'static str,
}

/// What a file is read as. The hints differ: `--encoding` applies to overlays only, and a
/// catalogue is never read from a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An answer overlay (`--answers`).
    Overlay,
    /// A catalogue file: `controls.csv` or `catalogue.toml`.
    Catalogue,
}

/// Decode `bytes` from the overlay `file` (named for messages).
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    choice: EncodingChoice,
) -> Result<Decoded<'a>, Diagnostics> {
    decode_as(Role::Overlay, file, bytes, choice)
}

/// Decode a catalogue file (`controls.csv`, `catalogue.toml`): its encoding is always
/// detected, as `--encoding` names the encoding of overlays only.
pub fn decode_catalogue<'a>(file: &str, bytes: &'a [u8]) -> Result<Decoded<'a>, Diagnostics> {
    decode_as(Role::Catalogue, file, bytes, EncodingChoice::Auto)
}

fn decode_as<'a>(
    role: Role,
    file: &str,
    bytes: &'a [u8],
    choice: EncodingChoice,
) -> Result<Decoded<'a>, Diagnostics> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(not_text(role, file, kind));
    }
    if let Some(name) = utf32_bom(bytes) {
        return Err(utf32(role, file, name));
    }
    let encoding = match choice {
        EncodingChoice::Auto => detect(bytes),
        EncodingChoice::Utf8 => UTF_8,
        EncodingChoice::ShiftJis => SHIFT_JIS,
        EncodingChoice::Utf16Le => UTF_16LE,
        EncodingChoice::Utf16Be => UTF_16BE,
    };
    // `decode` strips a BOM matching the encoding and would silently switch to a BOM's
    // encoding: a forced encoding that the BOM contradicts is an error instead.
    if let Some((bom, _)) = Encoding::for_bom(bytes)
        && choice != EncodingChoice::Auto
        && bom != encoding
    {
        return Err(bom_contradicts(file, bom, choice));
    }
    let (text, used, had_errors) = encoding.decode(bytes);
    if had_errors {
        let cesu = used == UTF_8 && utf8_but_for_surrogates(bytes);
        return Err(undecodable(role, file, &text, used, cesu));
    }
    Ok(Decoded {
        text,
        encoding: used.name(),
    })
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc;
    }
    if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        return UTF_8;
    }
    let (sjis, _, sjis_errors) = SHIFT_JIS.decode(bytes);
    if !sjis_errors {
        return SHIFT_JIS;
    }
    // Neither decodes cleanly: report the problems in the encoding with fewer bad lines, so a
    // Shift_JIS file with one bad byte is not shown as UTF-8 garbage on every line (a tie
    // stays UTF-8).
    let bad_lines = |t: &str| t.split('\n').filter(|l| l.contains('\u{FFFD}')).count();
    let (utf8, _) = UTF_8.decode_without_bom_handling(bytes);
    if bad_lines(&sjis) < bad_lines(&utf8) {
        SHIFT_JIS
    } else {
        UTF_8
    }
}

/// UTF-8 text with a few bad bytes (a CESU-8 surrogate, one byte damaged deep inside): many
/// well-formed multi-byte characters and few broken sequences. Shift_JIS text forms valid
/// UTF-8 sequences only by chance, and then far fewer than broken ones, so such a file is
/// reported as UTF-8 at its bad bytes instead of being read as Shift_JIS mojibake (which may
/// even decode "cleanly": CP932 maps 0x80 to U+0080).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        // A run of bad bytes (the six of a CESU-8 surrogate pair) is one broken place.
        let starts_a_run = !chunk.valid().is_empty() || bad == 0;
        bad += usize::from(!chunk.invalid().is_empty() && starts_a_run);
    }
    (good >= 8 && good >= bad * 8) || utf8_but_for_surrogates(bytes)
}

/// UTF-8 whose only flaws are UTF-16 surrogates written as three bytes each (`ED A0..BF xx`:
/// CESU-8, Java's "modified UTF-8"). Shift_JIS text hardly ever has that shape, and read as
/// Shift_JIS such a file is mojibake with a stray control character.
fn utf8_but_for_surrogates(bytes: &[u8]) -> bool {
    let is_surrogate =
        |w: &[u8]| w[0] == 0xED && (0xA0..=0xBF).contains(&w[1]) && (0x80..=0xBF).contains(&w[2]);
    if !bytes.windows(3).any(is_surrogate) {
        return false;
    }
    let mut patched = bytes.to_vec();
    let mut i = 0;
    while i + 3 <= patched.len() {
        if is_surrogate(&patched[i..i + 3]) {
            patched[i..i + 3].copy_from_slice("\u{FFFD}".as_bytes());
            i += 3;
        } else {
            i += 1;
        }
    }
    std::str::from_utf8(&patched).is_ok()
}

/// A forced `--encoding` that the file's byte-order mark contradicts: the mark is the file's
/// own statement of its encoding, so kansa does not pick one of the two silently.
fn bom_contradicts(file: &str, bom: &'static Encoding, choice: EncodingChoice) -> Diagnostics {
    let flag = match choice {
        EncodingChoice::Auto => "auto",
        EncodingChoice::Utf8 => "utf-8",
        EncodingChoice::ShiftJis => "shift_jis",
        EncodingChoice::Utf16Le => "utf-16le",
        EncodingChoice::Utf16Be => "utf-16be",
    };
    Diagnostics(vec![
        Diagnostic::new(
            file,
            1,
            1,
            format!(
                "the file starts with a {} byte-order mark, but --encoding {flag} was given",
                bom.name()
            ),
        )
        .hint(format!(
            "the byte-order mark is right for files Excel saves: drop --encoding (or give --encoding {}), or remove the mark",
            bom.name().to_lowercase()
        )),
    ])
}

/// UTF-16 saved without a byte-order mark (some exporters do): a CSV always has commas and
/// newlines, whose UTF-16 form has a zero byte on one side of every pair. Recognised when, in
/// the first 4 KiB, at least one pair in ten has its zero byte on the same side and almost none
/// on the other, and the whole file decodes cleanly. UTF-8 text has no zero bytes at all.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let pairs = head.len() / 2;
    let (mut high_zero, mut low_zero) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        low_zero += usize::from(p[0] == 0);
        high_zero += usize::from(p[1] == 0);
    }
    let candidate = if high_zero * 10 >= pairs && low_zero * 100 <= pairs {
        UTF_16LE
    } else if low_zero * 10 >= pairs && high_zero * 100 <= pairs {
        UTF_16BE
    } else {
        return None;
    };
    let (_, errors) = candidate.decode_without_bom_handling(bytes);
    (!errors).then_some(candidate)
}

/// One diagnostic per line holding replacement characters (at most ten lines).
fn undecodable(
    role: Role,
    file: &str,
    text: &str,
    used: &'static Encoding,
    cesu: bool,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        let Some(col) = line.chars().position(|c| c == '\u{FFFD}') else {
            continue;
        };
        if out.len() == 10 {
            break;
        }
        // The bad place with some text either side, however far along a long line it is.
        let shown: String = line.chars().skip(col.saturating_sub(30)).take(40).collect();
        let (message, hint) = if cesu {
            (
                "a UTF-16 surrogate written as UTF-8 (CESU-8), not valid UTF-8".to_owned(),
                "the tool that wrote the file encodes characters beyond U+FFFF (emoji) as two halves; save it as standard UTF-8 (Excel: \"CSV UTF-8\")",
            )
        } else {
            (
                format!("bytes that are not valid {}", used.name()),
                match role {
                    // `--encoding` names the encoding of overlays only.
                    Role::Catalogue if is_toml(file) => {
                        "save catalogue.toml as UTF-8 (or Shift_JIS) text"
                    }
                    Role::Catalogue => {
                        "save controls.csv as UTF-8 (Excel: \"CSV UTF-8\") or Shift_JIS"
                    }
                    Role::Overlay => {
                        "save the file as UTF-8 (Excel: \"CSV UTF-8\") or name its encoding with --encoding shift_jis|utf-8|utf-16le|utf-16be"
                    }
                },
            )
        };
        out.push(
            Diagnostic::new(file, i as u64 + 1, col as u64 + 1, message)
                .value(shown)
                .hint(hint),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(bytes: &[u8]) -> Result<Decoded<'_>, Diagnostics> {
        decode("t.csv", bytes, EncodingChoice::Auto)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(auto("設1".as_bytes()).unwrap().text, "設1");
        let d = auto(b"\xEF\xBB\xBFid").unwrap();
        assert_eq!((&*d.text, d.encoding), ("id", "UTF-8"));
    }

    #[test]
    fn shift_jis_is_detected() {
        let (bytes, _, _) = SHIFT_JIS.encode("項番,対応状況\n設1,実施済\n");
        let d = auto(&bytes).unwrap();
        assert_eq!(d.encoding, "Shift_JIS");
        assert!(d.text.contains("実施済"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "id,状況".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(auto(&bytes).unwrap().text, "id,状況");
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        for (enc, name) in [(UTF_16LE, "UTF-16LE"), (UTF_16BE, "UTF-16BE")] {
            let text = "項番,対応状況\n設1,実施済\n";
            let bytes: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| {
                    if enc == UTF_16LE {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect();
            let d = auto(&bytes).unwrap();
            assert_eq!((&*d.text, d.encoding), (text, name));
        }
        // A UTF-8 file with one stray NUL stays UTF-8 (the NUL is reported by the CSV reader).
        let d = auto(b"id,status\n\xE8\xA8\xAD1,a\0b\n").unwrap();
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn garbage_is_located() {
        let err = auto(b"id,status\n\xE8\xA8,ok\xFF\xFE\x80\n").unwrap_err();
        assert_eq!(err.0[0].line, 2);
        assert_eq!(err.0[0].column, 1);
        assert_eq!(err.0[0].message, "bytes that are not valid UTF-8");
        let err = auto(b"id\rA1\r\xFF\r").unwrap_err();
        assert_eq!(err.0[0].line, 3, "lone CRs are line breaks");
    }

    #[test]
    fn shift_jis_with_a_bad_byte_is_reported_as_shift_jis() {
        let (mut bytes, _, _) =
            SHIFT_JIS.encode("項番,対応状況,回答\n設1,実施済,耐震\n設2,一部実施,");
        let mut bytes = bytes.to_mut().clone();
        bytes.extend_from_slice(b"\xFF\n");
        let err = auto(&bytes).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((err.0[0].line, err.0[0].column), (3, 9));
        assert_eq!(err.0[0].message, "bytes that are not valid Shift_JIS");
        // And a UTF-8 file with one bad byte stays UTF-8.
        let mut bytes = "項番,対応状況,回答\n設1,実施済,耐震\n設2,一部実施,"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"\xFF\n");
        let err = auto(&bytes).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((err.0[0].line, err.0[0].column), (3, 9));
        assert_eq!(err.0[0].message, "bytes that are not valid UTF-8");
    }

    #[test]
    fn binary_files_are_named_not_decoded() {
        let zip = |member: &str| {
            let mut b = b"PK\x03\x04\x14\0\0\0".to_vec();
            b.extend_from_slice(member.as_bytes());
            b.extend_from_slice(&[0x80, 0xFF, 0, 1, 2]);
            b
        };
        let cases: [(Vec<u8>, &str); 7] = [
            (
                zip("[Content_Types].xml xl/workbook.xml"),
                "an Excel workbook (.xlsx)",
            ),
            (
                zip("mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
                ".ods",
            ),
            (zip("Index/Document.iwa"), "Apple Numbers"),
            (zip("readme.txt"), "a zip archive"),
            (
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0".to_vec(),
                "old Excel .xls",
            ),
            (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(), "a PDF document"),
            (b"\x1F\x8B\x08\0\0\0\0\0".to_vec(), "gzip"),
        ];
        for (bytes, kind) in cases {
            for choice in [EncodingChoice::Auto, EncodingChoice::ShiftJis] {
                let err = decode("t.csv", &bytes, choice).unwrap_err();
                assert_eq!(err.len(), 1, "{kind}");
                assert!(err.0[0].message.starts_with("not a text file: this is "));
                assert!(err.0[0].message.contains(kind), "{}", err.0[0].message);
            }
        }
        let err = auto(&zip("xl/workbook.xml")).unwrap_err();
        assert!(err.0[0].hint.as_ref().unwrap().contains("name it .xlsx"));
    }

    #[test]
    fn images_databases_archives_and_utf32_are_named() {
        let mut tar = b"a.txt".to_vec();
        tar.resize(257, 0);
        tar.extend_from_slice(b"ustar\x0000");
        for (bytes, kind) in [
            (&b"\x89PNG\r\n\x1A\n\0"[..], "a PNG image"),
            (b"\xFF\xD8\xFF\xDB\0", "a JPEG image"),
            (b"GIF87a\x01\0", "a GIF image"),
            (b"RIFF\0\0\0\0WEBPVP8 ", "a WebP image"),
            (b"II*\0\x08\0", "a TIFF image"),
            (b"SQLite format 3\0\x10\0", "an SQLite database"),
            (b"\x7FELF\x02\x01", "an executable program (ELF)"),
            (&tar, "a tar archive"),
        ] {
            assert_eq!(binary_kind(bytes), Some(kind));
        }
        // Text starting with letters of a short signature stays text.
        for text in ["BMI,id\n", "MZ-1,implemented\n", "GIF,id\n", "RIFF,id\n"] {
            assert_eq!(binary_kind(text.as_bytes()), None, "{text}");
        }
        for (bom, name) in [
            (&[0xFF, 0xFE, 0, 0, b'i', 0, 0, 0][..], "UTF-32LE"),
            (&[0, 0, 0xFE, 0xFF, 0, 0, 0, b'i'][..], "UTF-32BE"),
        ] {
            let err = auto(bom).unwrap_err();
            assert_eq!(err.len(), 1);
            assert!(
                err.0[0]
                    .message
                    .starts_with(&format!("{name} text is not supported"))
            );
            assert!(err.0[0].hint.as_ref().unwrap().contains("UTF-8"));
        }
        // UTF-16LE with a BOM is still read.
        assert_eq!(auto(&[0xFF, 0xFE, b'i', 0, b'd', 0]).unwrap().text, "id");
    }

    #[test]
    fn catalogue_files_get_catalogue_hints() {
        let hint = |file: &str, bytes: &[u8]| {
            decode_catalogue(file, bytes).unwrap_err().0[0]
                .hint
                .clone()
                .unwrap()
        };
        let xlsx = b"PK\x03\x04[Content_Types].xml xl/workbook.xml";
        assert!(hint("controls.csv", xlsx).starts_with("catalogues are CSV"));
        assert_eq!(
            hint("catalogue.toml", b"%PDF-1.4"),
            "save catalogue.toml as UTF-8 text"
        );
        for file in ["controls.csv", "catalogue.toml"] {
            let h = hint(file, b"id\n\xFF\xFE\xFD\x80\n");
            assert!(!h.contains("--encoding"), "{h}");
            assert!(h.contains("Shift_JIS"), "{h}");
        }
        // Overlays keep theirs.
        let err = auto(b"id\n\xFF\xFE\xFD\x80\n").unwrap_err();
        assert!(err.0[0].hint.as_ref().unwrap().contains("--encoding"));
    }

    #[test]
    fn utf8_with_a_few_bad_bytes_stays_utf8() {
        let good = "項番,対応状況,回答\n設1,実施済,耐震構造の建物に設置している\n";
        // A CESU-8 surrogate pair (U+1F600 as two UTF-16 halves), and one lone 0x80 byte.
        for (bad, message) in [
            (
                &b"\xED\xA0\xBD\xED\xB8\x80"[..],
                "a UTF-16 surrogate written as UTF-8 (CESU-8), not valid UTF-8",
            ),
            (&b"\x80"[..], "bytes that are not valid UTF-8"),
        ] {
            let mut bytes = good.as_bytes().to_vec();
            bytes.extend_from_slice("設2,一部実施,対策".as_bytes());
            bytes.extend_from_slice(bad);
            bytes.extend_from_slice("中\n".as_bytes());
            let err = auto(&bytes).unwrap_err();
            assert_eq!(err.len(), 1, "{bad:?}");
            assert_eq!((err.0[0].line, err.0[0].column), (3, 11));
            assert_eq!(err.0[0].message, message);
        }
    }

    #[test]
    fn a_bom_that_contradicts_the_forced_encoding_is_an_error() {
        let utf16le: Vec<u8> = [0xFF, 0xFE, b'i', 0, b'd', 0].to_vec();
        let utf16be: Vec<u8> = [0xFE, 0xFF, 0, b'i', 0, b'd'].to_vec();
        let utf8 = b"\xEF\xBB\xBFid\n".to_vec();
        for (bytes, choice, bom, flag) in [
            (&utf8, EncodingChoice::ShiftJis, "UTF-8", "shift_jis"),
            (&utf8, EncodingChoice::Utf16Le, "UTF-8", "utf-16le"),
            (&utf16le, EncodingChoice::Utf8, "UTF-16LE", "utf-8"),
            (&utf16le, EncodingChoice::ShiftJis, "UTF-16LE", "shift_jis"),
            (&utf16be, EncodingChoice::Utf16Le, "UTF-16BE", "utf-16le"),
        ] {
            let err = decode("t.csv", bytes, choice).unwrap_err();
            assert_eq!(
                err.0[0].message,
                format!(
                    "the file starts with a {bom} byte-order mark, but --encoding {flag} was given"
                )
            );
            assert!(err.0[0].hint.as_ref().unwrap().contains("drop --encoding"));
        }
        // A BOM that agrees is fine, and removed.
        let d = decode("t.csv", &utf8, EncodingChoice::Utf8).unwrap();
        assert_eq!(d.text, "id\n");
        let d = decode("t.csv", &utf16le, EncodingChoice::Utf16Le).unwrap();
        assert_eq!(d.text, "id");
    }

    #[test]
    fn forced_encoding_reports_errors() {
        let err = decode("t.csv", "設1".as_bytes(), EncodingChoice::ShiftJis);
        // 設 in UTF-8 (E8 A8 AD) happens to be valid CP932 bytes; garbage is not.
        assert!(err.is_ok());
        let err = decode("t.csv", b"a\n\x81", EncodingChoice::ShiftJis).unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].column), (2, 1));
    }
}

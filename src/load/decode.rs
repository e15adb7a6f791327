//! Turning file bytes into text: BOM sniffing, UTF-8, Shift_JIS/CP932 and UTF-16.
//!
//! Excel in Japan saves "CSV" as CP932 and "CSV UTF-8" with a BOM; other tools write UTF-8
//! without one. Detection order: BOM, then valid UTF-8, then a clean CP932 decode. Anything
//! else is reported at the first undecodable characters, with line and column.

use encoding_rs::{Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

use crate::diag::{Diagnostic, Diagnostics};

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

/// Decode `bytes` from `file` (named for messages).
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    choice: EncodingChoice,
) -> Result<Decoded<'a>, Diagnostics> {
    let encoding = match choice {
        EncodingChoice::Auto => detect(bytes),
        EncodingChoice::Utf8 => UTF_8,
        EncodingChoice::ShiftJis => SHIFT_JIS,
        EncodingChoice::Utf16Le => UTF_16LE,
        EncodingChoice::Utf16Be => UTF_16BE,
    };
    // `decode` strips a BOM matching the encoding and would switch to a BOM's encoding;
    // with a forced encoding we still honour a BOM only if it agrees.
    let (text, used, had_errors) = encoding.decode(bytes);
    if had_errors {
        return Err(undecodable(file, &text, used));
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
    if std::str::from_utf8(bytes).is_ok() {
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
fn undecodable(file: &str, text: &str, used: &'static Encoding) -> Diagnostics {
    let mut out = Diagnostics::default();
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        let Some(col) = line.chars().position(|c| c == '\u{FFFD}') else {
            continue;
        };
        if out.len() == 10 {
            break;
        }
        let shown: String = line.chars().take(40).collect();
        out.push(
            Diagnostic::new(
                file,
                i as u64 + 1,
                col as u64 + 1,
                format!("bytes that are not valid {}", used.name()),
            )
            .value(shown)
            .hint(
                "save the file as UTF-8 (Excel: \"CSV UTF-8\") or name its encoding with --encoding shift_jis|utf-8|utf-16le|utf-16be",
            ),
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
    fn forced_encoding_reports_errors() {
        let err = decode("t.csv", "設1".as_bytes(), EncodingChoice::ShiftJis);
        // 設 in UTF-8 (E8 A8 AD) happens to be valid CP932 bytes; garbage is not.
        assert!(err.is_ok());
        let err = decode("t.csv", b"a\n\x81", EncodingChoice::ShiftJis).unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].column), (2, 1));
    }
}

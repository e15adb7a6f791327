//! Files that are not text at all (a workbook, an archive, an image) or text kansa does not
//! read (UTF-32), named for what they are instead of decoded into a wall of errors.

use super::Role;
use crate::diag::{Diagnostic, Diagnostics};

/// What a file is, when its first bytes say it is not text at all: a workbook, an archive, a
/// PDF. Decoding such a file would give lines of binary "text" and a wall of errors.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Some(zip_kind(bytes));
    }
    // Signatures of several bytes that text files do not start with (short ones such as
    // BMP's `BM` or an .exe's `MZ` could be the start of a header row, and are left out).
    let kinds: [(&[u8], &str); 17] = [
        (
            &OLE,
            "an OLE compound file (an old Excel .xls workbook, or an encrypted .xlsx)",
        ),
        (b"%PDF-", "a PDF document"),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (b"BZh", "a bzip2-compressed file"),
        (b"\xFD7zXZ\x00", "an xz-compressed file"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"\x28\xB5\x2F\xFD", "a zstd-compressed file"),
        (b"{\\rtf", "an RTF document"),
        (b"\x89PNG\r\n\x1A\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
        (b"SQLite format 3\x00", "an SQLite database"),
        (b"\x7FELF", "an executable program (ELF)"),
        (b"Rar!\x1A\x07", "a RAR archive"),
    ];
    if let Some((_, kind)) = kinds.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    let riff_webp = bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP");
    if riff_webp {
        return Some("a WebP image");
    }
    // A tar archive names its format at byte 257 (`ustar`), after the first member's name.
    if bytes.get(257..262) == Some(b"ustar") {
        return Some("a tar archive");
    }
    None
}

/// `UTF-32LE` or `UTF-32BE` for a file starting with a UTF-32 byte-order mark. (The
/// little-endian mark begins with UTF-16LE's, so it is looked for first.)
pub(super) fn utf32_bom(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Some("UTF-32LE")
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some("UTF-32BE")
    } else {
        None
    }
}

/// The one problem of a UTF-32 file, which kansa does not read (no spreadsheet program saves
/// it by default, and read as UTF-16 it would be text with a NUL after every character).
pub(super) fn utf32(role: Role, file: &str, name: &str) -> Diagnostics {
    Diagnostics(vec![
        Diagnostic::new(
            file,
            0,
            0,
            format!("{name} text is not supported (the file starts with a {name} byte-order mark)"),
        )
        .hint(save_as_text_hint(role, file)),
    ])
}

/// How to save a catalogue file or an overlay as text kansa reads.
fn save_as_text_hint(role: Role, file: &str) -> &'static str {
    match role {
        Role::Catalogue if is_toml(file) => "save catalogue.toml as UTF-8 text",
        Role::Catalogue => {
            "catalogues are CSV: save the sheet as controls.csv (Excel: \"CSV UTF-8\")"
        }
        Role::Overlay => "convert it to UTF-8 (Excel: save as \"CSV UTF-8\")",
    }
}

/// Is this `catalogue.toml` (rather than `controls.csv`)? Told by the name.
pub(super) fn is_toml(file: &str) -> bool {
    file.to_ascii_lowercase().ends_with(".toml")
}

/// Which kind of zip archive: office documents name themselves in their first members
/// (`mimetype`, `[Content_Types].xml`) or in the directory at the end.
fn zip_kind(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    let has = |needle: &[u8]| {
        [head, tail]
            .iter()
            .any(|part| part.windows(needle.len()).any(|w| w == needle))
    };
    if has(b"opendocument.spreadsheet") {
        "an OpenDocument spreadsheet (.ods)"
    } else if has(b"xl/workbook") {
        "an Excel workbook (.xlsx)"
    } else if has(b"word/document") {
        "a Word document (.docx)"
    } else if has(b"Index/Document.iwa") {
        "an Apple Numbers document"
    } else {
        "a zip archive"
    }
}

/// The one problem of a binary file given where text was expected.
pub(super) fn not_text(role: Role, file: &str, kind: &str) -> Diagnostics {
    let hint = if role == Role::Catalogue {
        save_as_text_hint(role, file)
    } else if kind.contains(".xlsx") && !kind.contains("OLE") {
        "name it .xlsx to read it as a workbook, or save it from Excel as \"CSV UTF-8\""
    } else {
        "save the sheet as CSV (Excel: \"CSV UTF-8\"), or as an .xlsx workbook"
    };
    Diagnostics(vec![
        Diagnostic::new(file, 0, 0, format!("not a text file: this is {kind}")).hint(hint),
    ])
}

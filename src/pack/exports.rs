//! Files a pack carries besides the reports: spreadsheets for Excel users (rendered in
//! [`crate::render::exports`], which the PDF shares) and one ticket per gap.

pub use crate::render::exports::{answers_merged_csv, gaps_csv};
use crate::render::view::{ControlView, Report};

/// The most bytes of an id kept in a ticket's file name: 80 characters of 3 bytes (kanji) are
/// kept whole, and `gap-` + stem + `-<n>` + `.md` stays under 255 bytes up to n = 9,999,999.
const MAX_STEM_BYTES: usize = 240;

/// A file name from an id that cannot escape its directory or collide with a device name:
/// letters, digits, `-` and `_` only, at most 80 characters and `MAX_STEM_BYTES` bytes, so
/// `gap-<stem>-<n>.md` fits the 255 bytes of a file name even for ids of 4-byte characters.
pub fn safe_file_stem(raw: &str) -> String {
    let mut stem = String::new();
    let safe = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80);
    for c in safe {
        if stem.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        stem.push(c);
    }
    if stem.is_empty() || stem.chars().all(|c| c == '_') {
        stem = format!("gap{stem}");
    }
    format!("gap-{stem}")
}

/// A name as a case-insensitive file system compares it (APFS, NTFS): lower case, and the
/// composed Unicode form, so `é` written as `e` + U+0301 is the same name as `é`.
pub fn folded(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase()
}

/// Ticket file names for the gaps, unique even when two ids sanitise alike or differ only by
/// case (`A1` and `a1` would be one file on macOS and Windows): the first keeps its name, later
/// ones get `-2`, `-3`, ... in report order, skipping any name already taken, so the result is
/// the same on every run and every file system.
pub fn ticket_names(report: &Report) -> Vec<(String, &ControlView)> {
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    report
        .gaps
        .iter()
        .map(|c| {
            let stem = safe_file_stem(&c.id);
            let mut name = format!("{stem}.md");
            let mut n = 1;
            while !taken.insert(folded(&name)) {
                n += 1;
                name = format!("{stem}-{n}.md");
            }
            (name, &**c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_stay_inside_the_directory() {
        for raw in [
            "../../etc/passwd",
            "/abs",
            "CON",
            "a\\b",
            "..",
            "設83-1",
            "x\0y",
        ] {
            let stem = safe_file_stem(raw);
            assert!(stem.starts_with("gap-"), "{stem}");
            assert!(!stem.contains(['/', '\\', '.', '\0']), "{raw:?} → {stem}");
        }
        assert_eq!(safe_file_stem("設83-1"), "gap-設83-1");
    }

    /// Regression (A11): ids of 80 characters of 4 bytes (U+20000) gave a 324-byte file name.
    #[test]
    fn stems_fit_a_file_name_in_bytes() {
        let kanji = "\u{8a2d}".repeat(80);
        assert_eq!(safe_file_stem(&kanji), format!("gap-{kanji}"), "kept whole");
        let wide = safe_file_stem(&"\u{20000}".repeat(80));
        assert_eq!(wide, format!("gap-{}", "\u{20000}".repeat(60)));
        assert!(format!("{wide}-9999999.md").len() <= 255);
        assert_eq!(safe_file_stem(&"x".repeat(100)).len(), 84);
    }

    #[test]
    fn folding_ignores_case_and_composition() {
        assert_eq!(folded("Gap-A1.md"), folded("gap-a1.md"));
        assert_eq!(folded("caf\u{e9}"), folded("CAFE\u{301}"));
        assert_ne!(folded("a1"), folded("a2"));
    }
}

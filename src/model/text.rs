//! Small text helpers every stage may use: excerpts and byte counts for messages, digests as
//! hex, invisible characters made visible, and the guard that keeps a cell from becoming a
//! spreadsheet formula.

use std::borrow::Cow;

/// A byte count for messages: `4 MiB`, `1.5 KiB`, `12 bytes`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            let whole = n / size;
            let tenth = (n % size) * 10 / size;
            return if tenth == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenth} {unit}")
            };
        }
    }
    format!("{n} bytes")
}

/// The first characters of a long value, for messages: a 4 MB cell is not echoed whole.
pub fn excerpt(value: &str, chars: usize) -> String {
    match value.char_indices().nth(chars) {
        None => value.to_owned(),
        Some((end, _)) => format!("{}…", &value[..end]),
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Characters that draw nothing but can hide in a pasted id: zero-width spaces and joiners,
/// bidirectional marks, embeddings, overrides and isolates, the byte-order mark (also when it
/// sits in the middle of a file), the soft hyphen and Unicode tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Text as the report shows it: characters that draw nothing but can hide or reorder text
/// (bidirectional overrides and isolates, zero-width spaces and joiners, a stray byte-order
/// mark, tag characters; see [`is_invisible`]) are replaced by
/// a visible `[U+202E]`. Every format shows the same: U+202E cannot make "未実施" read
/// backwards in the HTML report, and the PDF does not fail on a zero-width space.
pub fn visible(text: &str) -> Cow<'_, str> {
    use crate::model::text::is_invisible;
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Would Excel (or LibreOffice) run this cell as a formula? It does when the cell starts with
/// `= + - @`, a tab or a carriage return. Apostrophes before such a character count too, so
/// that a value that really begins with `'` keeps its own guard and reads back unchanged.
fn needs_formula_guard(cell: &str) -> bool {
    matches!(
        cell.trim_start_matches('\'').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// A cell for a CSV file: a leading apostrophe makes a would-be formula text in Excel.
/// [`strip_formula_guard`] undoes exactly this on the way back in.
pub fn neutralise_formula(cell: &str) -> String {
    if needs_formula_guard(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The cell as it was before [`neutralise_formula`]: one leading apostrophe removed when it
/// guards a formula character (`'-` → `-`, `''=x` → `'=x`), any other cell unchanged (`'hello`).
pub fn strip_formula_guard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise_formula("=1+1"), "'=1+1");
        assert_eq!(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise_formula("設1"), "設1");
    }

    /// Every trigger character, and values that really begin with an apostrophe, come back
    /// exactly as they were written.
    #[test]
    fn the_guard_round_trips() {
        for value in [
            "-",
            "+81-3-1234-5678",
            "=SUM(A1)",
            "@team",
            "\tx",
            "\rx",
            "'",
            "'quoted'",
            "'-",
            "''=x",
            "it's",
            "設1",
            "",
        ] {
            let written = neutralise_formula(value);
            assert_eq!(
                strip_formula_guard(&written),
                value,
                "{value:?} as {written:?}"
            );
        }
        assert_eq!(
            neutralise_formula("'-"),
            "''-",
            "a real apostrophe keeps its own guard"
        );
        assert_eq!(
            strip_formula_guard("'hello"),
            "'hello",
            "only the guard is stripped"
        );
    }

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(human_bytes(4 << 20), "4 MiB");
        assert_eq!(human_bytes(10_000_000), "9.5 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(12), "12 bytes");
    }

    #[test]
    fn excerpts_cut_on_character_boundaries() {
        assert_eq!(excerpt("設備設備", 2), "設備…");
        assert_eq!(excerpt("ab", 2), "ab");
    }
}

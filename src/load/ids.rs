//! Control id normalisation, so that ids typed in Excel match the catalogue.
//!
//! People type `設８３－１` (full-width digits and minus), `設 83‐1` (a space and U+2010),
//! or `設83ー1` (the katakana long-vowel mark, which a Japanese IME gives for "-").
//! All of these mean `設83-1`.

use unicode_normalization::UnicodeNormalization;

use crate::model::text::is_invisible;

/// Normalise an id: NFKC, every dash-like character between digits or letters to `-`,
/// all whitespace and invisible characters ([`is_invisible`]) removed.
pub fn normalize_id(raw: &str) -> String {
    // Ids as catalogues write them (letters, digits, `-` and kanji, which NFKC leaves alone)
    // are their own normal form: most rows of most files take this path.
    if raw.chars().all(is_plain) {
        return raw.to_owned();
    }
    normalize_fully(raw)
}

/// A character that [`normalize_fully`] keeps as it is, alone or next to any other such
/// character (checked for every one of them by a test): ASCII letters and digits, `-`, and the
/// CJK Unified Ideographs block.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn normalize_fully(raw: &str) -> String {
    // ASCII is its own NFKC form: most ids of most catalogues skip the normaliser.
    let nfkc: std::borrow::Cow<str> = if raw.is_ascii() {
        raw.into()
    } else {
        raw.nfkc().collect::<String>().into()
    };
    let mut out = String::with_capacity(nfkc.len());
    let mut prev: Option<char> = None;
    for c in nfkc.chars() {
        if c.is_whitespace() || is_invisible(c) {
            continue;
        }
        let mapped = match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{2043}' => '-',
            // The long-vowel mark only counts as a dash after a digit: ids never contain it.
            '\u{30FC}' if prev.is_some_and(|p| p.is_ascii_digit()) => '-',
            _ => c,
        };
        out.push(mapped);
        prev = Some(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_id;

    #[test]
    fn variants_normalise_to_catalogue_form() {
        for raw in [
            "設83-1",
            "設８３－１",
            "設 83‐1",
            " 設83–1 ",
            "設83ー1",
            "設83−1",
            "設　83-1",
        ] {
            assert_eq!(normalize_id(raw), "設83-1", "{raw:?}");
        }
    }

    #[test]
    fn invisible_characters_are_dropped() {
        for raw in [
            "設\u{200B}1",
            "\u{FEFF}設1",
            "設1\u{202E}",
            "設\u{2066}1\u{2069}",
            "設1\u{E0041}",
        ] {
            assert_eq!(normalize_id(raw), "設1", "{raw:?}");
        }
    }

    /// The shortcut in `normalize_id` is sound: every character it lets through is its own
    /// normal form, alone and after a digit (where the dash rules look).
    #[test]
    fn plain_characters_are_their_own_normal_form() {
        let plain: Vec<char> = ('\0'..=char::MAX).filter(|c| super::is_plain(*c)).collect();
        assert_eq!(plain.len(), 62 + 1 + 0x5200);
        for c in plain {
            for s in [c.to_string(), format!("1{c}"), format!("{c}{c}")] {
                assert_eq!(super::normalize_fully(&s), s, "{c:?}");
            }
        }
    }

    #[test]
    fn plain_ids_are_untouched() {
        assert_eq!(normalize_id("運10"), "運10");
        assert_eq!(normalize_id("AC-2(1)"), "AC-2(1)");
    }
}

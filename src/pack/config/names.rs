//! Pack names: the directory each pack is published to, and the names that give none.

/// The directory a pack is published to under the output root: the name with every character
/// but letters, digits, `-` and `_` replaced by `_`, at most 80 characters. Unlike ticket file
/// names nothing is prefixed or stripped, so `x` and `gap-x` stay apart; [`super::load`] refuses names
/// that give no usable directory or the same one as another pack.
pub fn dir_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Composed first: a combining accent is a mark, not a letter, and would become `_`.
    name.nfc()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect()
}

/// Why a pack name gives no usable directory, if it does not.
pub(super) fn dir_name_problem(name: &str) -> Option<&'static str> {
    const DEVICES: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let dir = dir_name(name);
    if name.trim().is_empty() {
        Some("pack name is empty")
    } else if !dir.chars().any(char::is_alphanumeric) {
        Some("pack name has no letter or digit to name its directory")
    } else if DEVICES.contains(&dir.to_lowercase().as_str()) {
        Some("pack name is a device name on Windows")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::config::load_text;

    /// Regression: `x` and `gap-x`, `a/b` and `a_b` published to one directory; `gap-` to the
    /// output root itself; `""` to `gap/`.
    #[test]
    fn pack_names_give_distinct_usable_directories() {
        assert_eq!(dir_name("gap-x"), "gap-x");
        assert_eq!(dir_name("a/b"), "a_b");
        assert_eq!(dir_name("../x"), "___x");
        let two = |a: &str, b: &str| {
            load_text(&format!(
                "[[pack]]\nname = \"{a}\"\noverlays = []\n[[pack]]\nname = \"{b}\"\noverlays = []\n"
            ))
        };
        assert!(two("x", "gap-x").is_ok());
        for (a, b) in [
            ("a/b", "a_b"),
            ("Bank", "bank"),
            ("x", "x"),
            ("a.b", "A b"),
            ("caf\u{e9}", "CAFE\u{301}"),
        ] {
            let err = two(a, b).unwrap_err();
            assert!(
                err.contains(&format!("kansa.toml:1:1: [[pack]] #1 ({a:?})")),
                "{err}"
            );
            assert!(err.contains(&format!("[[pack]] #2 ({b:?})")), "{err}");
        }
        assert_eq!(dir_name("gap-"), "gap-");
        assert!(two("gap-", "ok").is_ok());
        for bad in ["", "  ", "--", "..", "/", "con", "NUL"] {
            let err = two(bad, "ok").unwrap_err();
            assert!(err.contains("[[pack]] #1"), "{bad:?}: {err}");
        }
        let err = two("-", "ok").unwrap_err();
        assert!(err.contains("no letter or digit"), "{err}");
    }

    /// Regression (A11): a 79-kanji name (237 bytes) passed, and the staging directory
    /// `.kansa-pack-<name>-XXXXXX` was too long a file name (exit 1 mid-build).
    #[test]
    fn pack_names_are_limited_in_bytes() {
        let one = |name: &str| load_text(&format!("[[pack]]\nname = \"{name}\"\noverlays = []\n"));
        let err = one(&"\u{8a2d}".repeat(79)).unwrap_err();
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1") && err.contains("237 bytes"),
            "{err}"
        );
        assert!(one(&"\u{8a2d}".repeat(66)).is_ok());
        let err = one(&"\u{20000}".repeat(51)).unwrap_err();
        assert!(err.contains("204 bytes"), "{err}");
        assert!(
            one(&"x".repeat(200)).is_ok(),
            "ASCII names are cut at 80 characters"
        );
    }
}

//! `SHA256SUMS`, read strictly: one `<digest>  <path>` line per file, each path plainly inside
//! the pack and listed once.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use super::{Check, Entry, MAX_BAD_LINES_LISTED, MAX_SUMS_LINES, SUMS, shown};

/// The entries of `SHA256SUMS` with a safe path, first line first; every other line becomes a
/// [`Check::BadRecord`] naming its line number.
pub(super) fn parse_sums(bytes: &[u8], checks: &mut Vec<Check>) -> BTreeMap<String, Entry> {
    let mut reader = SumsReader {
        entries: BTreeMap::new(),
        first_line: BTreeMap::new(),
        bad_lines: 0,
        checks,
    };
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if body.is_empty() {
        return reader.entries;
    }
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let n = i + 1;
        if n > MAX_SUMS_LINES {
            reader.checks.push(Check::BadRecord(
                format!("{SUMS}:{n}"),
                format!("more than {MAX_SUMS_LINES} lines; the rest is not read"),
            ));
            break;
        }
        reader.line(n, raw);
    }
    if reader.bad_lines > MAX_BAD_LINES_LISTED {
        let bad_lines = reader.bad_lines;
        reader.checks.push(Check::BadRecord(
            SUMS.to_owned(),
            format!(
                "{} more bad lines not listed ({bad_lines} in all)",
                bad_lines - MAX_BAD_LINES_LISTED
            ),
        ));
    }
    reader.entries
}

/// The state of reading `SHA256SUMS`: the entries so far, the line each path was first listed
/// on, and the bad lines counted.
struct SumsReader<'c> {
    entries: BTreeMap<String, Entry>,
    first_line: BTreeMap<String, usize>,
    bad_lines: usize,
    checks: &'c mut Vec<Check>,
}

impl SumsReader<'_> {
    /// Reads line `n`: an entry, or a bad line.
    fn line(&mut self, n: usize, raw: &[u8]) {
        let Ok(line) = std::str::from_utf8(raw) else {
            self.bad(n, "not UTF-8".to_owned());
            return;
        };
        let Some((digest, path)) = split_sums_line(line) else {
            self.bad(
                n,
                format!(
                    "not a checksum line (`<64 hex digits>  <path>`): {}",
                    shown(line)
                ),
            );
            return;
        };
        if let Err(why) = safe_path(path) {
            self.bad(n, format!("{why}: {}", shown(path)));
            return;
        }
        if let Some(first) = self.first_line.get(path) {
            let what = format!("{} is listed again (first on line {first})", shown(path));
            self.bad(n, what);
            return;
        }
        self.first_line.insert(path.to_owned(), n);
        self.entries.insert(
            path.to_owned(),
            Entry {
                sha256: digest.to_ascii_lowercase(),
                bytes: None,
            },
        );
    }

    /// A file of millions of bad lines is one problem many times over: the first ones are
    /// listed and the rest counted, so memory and output stay bounded.
    fn bad(&mut self, n: usize, what: String) {
        self.bad_lines += 1;
        if self.bad_lines <= MAX_BAD_LINES_LISTED {
            self.checks
                .push(Check::BadRecord(format!("{SUMS}:{n}"), what));
        }
    }
}

/// `<64 hex>  <path>` (text mode) or `<64 hex> *<path>` (binary mode), as `sha256sum` writes.
fn split_sums_line(line: &str) -> Option<(&str, &str)> {
    let digest = line.get(..64)?;
    let path = line
        .get(64..)
        .and_then(|rest| rest.strip_prefix("  ").or_else(|| rest.strip_prefix(" *")))?;
    let is_hex = digest.bytes().all(|b| b.is_ascii_hexdigit());
    (is_hex && !path.is_empty()).then_some((digest, path))
}

/// A listed path must name a file inside the pack, plainly: relative, `/`-separated, no `.`,
/// `..` or empty component, no control character.
pub(super) fn safe_path(path: &str) -> std::result::Result<(), &'static str> {
    if path.starts_with('/') || path.contains('\\') || Path::new(path).is_absolute() {
        return Err("absolute path, outside the pack");
    }
    if path.chars().any(char::is_control) {
        return Err("path with a control character");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err("path with an empty, `.` or `..` part");
    }
    if !Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err("path that is not plainly inside the pack");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_lines_are_parsed_strictly() {
        let good = "a".repeat(64);
        assert_eq!(
            split_sums_line(&format!("{good}  report.md")),
            Some((good.as_str(), "report.md"))
        );
        assert_eq!(
            split_sums_line(&format!("{good} *report.md")),
            Some((good.as_str(), "report.md"))
        );
        for bad in [
            format!("{good} report.md"),
            format!("{good}  "),
            format!("{}  report.md", "a".repeat(63)),
            format!("{}  report.md", "g".repeat(64)),
            "report.md".to_owned(),
            String::new(),
        ] {
            assert_eq!(split_sums_line(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in ["report.md", "tickets/gap-a.md", "a b/c"] {
            assert!(safe_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "./report.md",
            "a//b",
            "tickets/",
            "a\\b",
            "x\rOK report.pdf",
            "x\u{1b}[2K",
        ] {
            assert!(safe_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn duplicate_and_malformed_lines_are_problems() {
        let d = "0".repeat(64);
        let e = "1".repeat(64);
        let text = format!("{d}  a.md\n{e}  a.md\nnonsense\n{d}  ../x\n");
        let mut checks = Vec::new();
        let sums = parse_sums(text.as_bytes(), &mut checks);
        assert_eq!(sums.len(), 1);
        assert_eq!(sums["a.md"].sha256, d, "the first line counts");
        let shown: Vec<String> = checks.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "BAD LINE  SHA256SUMS:2: a.md is listed again (first on line 1)",
                "BAD LINE  SHA256SUMS:3: not a checksum line (`<64 hex digits>  <path>`): nonsense",
                "BAD LINE  SHA256SUMS:4: path with an empty, `.` or `..` part: ../x",
            ]
        );
    }
}

//! Greedy line breaking for Japanese and mixed text with kinsoku shori.
//!
//! Break opportunities: after a run of spaces, and between two characters
//! when either is CJK (ideographs, kana, full-width forms, inline boxes).
//! Latin words and numbers are never split, except an unbreakable token
//! wider than the line, which is broken by character (preferably after one
//! of `/ . - ? & = _`). Kinsoku: no line starts with closing punctuation,
//! small kana, prolonged sound marks etc. (`NO_START`) and no line ends with
//! opening brackets (`NO_END`).

use std::ops::Range;

/// Characters that must not start a line.
pub(crate) const NO_START: &str = "、。，．）」』】〕〉》］｝ー・：；？！ゝゞヽヾ々\
ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.)]}:;?!%";
/// Characters that must not end a line.
pub(crate) const NO_END: &str = "（「『【〔〈《［｛([{";
/// Characters after which an over-long token (a URL) is preferably broken.
const URL_BREAK_AFTER: &str = "/.-?&=_#";

/// Placeholder character for an atomic inline box (status badge).
pub(crate) const BOX: char = '\u{FFFC}';

/// A run of at least this many hex digits is a digest (SHA-256 has 64)...
const HEX_RUN: usize = 32;
/// ...and breaks, where it must, only every this many digits from its start, so a reader can
/// compare it group by group.
const HEX_GROUP: usize = 16;

pub(crate) fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Characters around which a line may break (CJK and wide symbols).
pub(crate) fn is_cjk(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x2190..=0x2BFF   // arrows, math, technical, box drawing, shapes, symbols
        | 0x2E80..=0x9FFF // radicals, CJK punctuation, kana, CJK ideographs
        | 0xAC00..=0xD7AF // Hangul
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFFEF // full-width / half-width forms
        | 0xFFFC
        | 0x20000..=0x3FFFF)
}

fn no_start(c: char) -> bool {
    NO_START.contains(c)
}

fn no_end(c: char) -> bool {
    NO_END.contains(c)
}

/// Whether a line may break between `prev` and `cur` (not counting the
/// emergency breaks of over-long tokens).
pub(crate) fn can_break_between(prev: char, cur: char) -> bool {
    if prev == '\n' || cur == '\n' {
        return true;
    }
    if is_space(cur) {
        return false;
    }
    if no_start(cur) || no_end(prev) {
        return false;
    }
    is_space(prev) || is_cjk(prev) || is_cjk(cur)
}

/// The run of hex digits that holds `items[i]`, if it is as long as a digest's.
fn digest_run(items: &[(char, f32)], i: usize) -> Option<Range<usize>> {
    let hex = |k: &usize| items[*k].0.is_ascii_hexdigit();
    if !items.get(i)?.0.is_ascii_hexdigit() {
        return None;
    }
    let start = (0..i).rev().take_while(hex).last().unwrap_or(i);
    let end = (i..items.len()).take_while(hex).last().map_or(i, |e| e + 1);
    (end - start >= HEX_RUN).then_some(start..end)
}

/// Width of the widest unbreakable segment (trailing spaces excluded); a digest counts as
/// groups of [`HEX_GROUP`] digits, the points it may break at.
pub(crate) fn min_width(items: &[(char, f32)]) -> f32 {
    let (mut best, mut cur) = (0f32, 0f32);
    let mut digest: Option<Range<usize>> = None;
    for (i, &(c, w)) in items.iter().enumerate() {
        if digest.as_ref().is_none_or(|d| i >= d.end) && c.is_ascii_hexdigit() {
            digest = digest_run(items, i);
        }
        let group = digest
            .as_ref()
            .is_some_and(|d| i > d.start && i < d.end && (i - d.start) % HEX_GROUP == 0);
        if i > 0 && (group || can_break_between(items[i - 1].0, c)) {
            cur = 0.0;
        }
        if c == '\n' || is_space(c) {
            continue;
        }
        cur += w;
        best = best.max(cur);
    }
    best
}

/// Width of the text set on one line per hard break, widest line.
pub(crate) fn natural_width(items: &[(char, f32)]) -> f32 {
    let (mut best, mut cur) = (0f32, 0f32);
    for &(c, w) in items {
        if c == '\n' {
            cur = 0.0;
        } else {
            cur += w;
            best = best.max(cur);
        }
    }
    best
}

/// Breaks `items` (character, advance width) into lines no wider than
/// `max` (except a single item wider than the line). `'\n'` is a forced
/// break. Returned ranges exclude the spaces around the breaks.
pub(crate) fn break_lines(items: &[(char, f32)], max: f32) -> Vec<Range<usize>> {
    let n = items.len();
    let mut lines = Vec::new();
    let skip_spaces = |mut i: usize| {
        while i < n && is_space(items[i].0) {
            i += 1;
        }
        i
    };
    let mut start = skip_spaces(0);
    while start < n {
        let mut w = 0.0;
        let mut last_break: Option<usize> = None;
        let mut i = start;
        let mut end = n;
        let mut next = n;
        let mut hard = false;
        while i < n {
            let (c, cw) = items[i];
            if c == '\n' {
                end = i;
                next = i + 1;
                hard = true;
                break;
            }
            if i > start && can_break_between(items[i - 1].0, c) {
                last_break = Some(i);
            }
            if w + cw > max + 0.01 && i > start && !is_space(c) {
                let b = last_break.unwrap_or_else(|| emergency_break(items, start, i));
                end = b;
                next = b;
                break;
            }
            w += cw;
            i += 1;
        }
        let mut e = end;
        while e > start && is_space(items[e - 1].0) {
            e -= 1;
        }
        lines.push(start..e);
        if end == n && !hard {
            break;
        }
        start = skip_spaces(next);
    }
    if lines.is_empty() {
        lines.push(0..0);
    }
    lines
}

/// Break position inside an over-long token that starts at or before
/// `start` and overflows at `over`: a digest at a group boundary (if even one group does
/// not fit, by character as any token).
fn emergency_break(items: &[(char, f32)], start: usize, over: usize) -> usize {
    if let Some(p) = digest_break(items, start, over) {
        return p;
    }
    let span = over - start;
    let mut p = (start + 1..=over)
        .rev()
        .find(|&p| URL_BREAK_AFTER.contains(items[p - 1].0) && (p - start) * 2 >= span)
        .unwrap_or(over);
    if no_start(items[p].0) && p - 1 > start {
        p -= 1;
    }
    p
}

/// Where a digest that overflows at `over` breaks: at a boundary between groups, with the
/// groups left shared evenly over the lines they need (64 digits that need two lines break
/// 32 + 32, not 48 + 16). `None` when not even one group fits.
fn digest_break(items: &[(char, f32)], start: usize, over: usize) -> Option<usize> {
    let d = digest_run(items, over)?;
    let base = d.start.max(start);
    if (base - d.start) % HEX_GROUP != 0 {
        // The line starts inside a group (a narrow column broke it by character): the next
        // boundary that fits.
        let p = d.start + (over - d.start) / HEX_GROUP * HEX_GROUP;
        return (p > start).then_some(p);
    }
    let fit = (over - base) / HEX_GROUP;
    if fit == 0 {
        return None;
    }
    let left = (d.end - base).div_ceil(HEX_GROUP);
    let lines = left.div_ceil(fit);
    Some(base + left.div_ceil(lines) * HEX_GROUP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(s: &str, w: impl Fn(char) -> f32) -> Vec<(char, f32)> {
        s.chars().map(|c| (c, w(c))).collect()
    }

    fn width(c: char) -> f32 {
        if is_cjk(c) || NO_START.contains(c) && !c.is_ascii() || NO_END.contains(c) && !c.is_ascii()
        {
            10.0
        } else {
            5.0
        }
    }

    fn lines(s: &str, max: f32) -> Vec<String> {
        let it = items(s, width);
        break_lines(&it, max)
            .into_iter()
            .map(|r| it[r].iter().map(|p| p.0).collect())
            .collect()
    }

    #[test]
    fn no_line_starts_with_closing_punctuation_or_small_kana() {
        // Every possible width: whatever the break position, kinsoku holds.
        let text = "情報セキュリティ方針を定め、経営陣が承認する。（附属書）「管理策」を実施しょっちゅう見直す。ルール・手順ー";
        for max in (30..=300).step_by(10) {
            let ls = lines(text, max as f32);
            assert_eq!(ls.concat(), text, "no character lost at width {max}");
            for (i, l) in ls.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                if i > 0 {
                    assert!(
                        !NO_START.contains(first),
                        "line {l:?} starts with {first} at {max}"
                    );
                }
                if i + 1 < ls.len() {
                    assert!(
                        !NO_END.contains(last),
                        "line {l:?} ends with {last} at {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn period_is_pushed_out_with_previous_character() {
        // 10 ideographs fit exactly; 。 must not start the next line.
        let ls = lines("一二三四五六七八九十。", 100.0);
        assert_eq!(ls, vec!["一二三四五六七八九", "十。"]);
    }

    #[test]
    fn latin_words_stay_whole() {
        let text = "Access control policy for information systems and 管理策の実施 (ISO 27001)";
        for max in [60.0, 80.0, 100.0, 150.0] {
            let ls = lines(text, max);
            let words: Vec<&str> = ls.iter().flat_map(|l| l.split(' ')).collect();
            for w in [
                "Access",
                "control",
                "policy",
                "information",
                "systems",
                "(ISO",
                "27001)",
            ] {
                assert!(words.contains(&w), "{w} split at {max}: {ls:?}");
            }
        }
    }

    #[test]
    fn long_hex_is_broken_by_character() {
        let hex = "3b9955a5e437ffb24c41548e79296fa724822da21ee75dc1b94f6ccdb8f400dd";
        let ls = lines(hex, 100.0); // 20 characters per line
        assert_eq!(ls.concat(), hex);
        assert_eq!(ls.len(), 4);
        assert!(ls.iter().all(|l| l.len() <= 20));
        // It stays whole when it fits.
        assert_eq!(lines(hex, 400.0), vec![hex.to_string()]);
    }

    #[test]
    fn digests_break_only_between_groups_of_sixteen() {
        let hex = "3b9955a5e437ffb24c41548e79296fa724822da21ee75dc1b94f6ccdb8f400dd";
        // Every width from 17 to 63 characters, after a label and on its own line.
        for chars in 17..64 {
            let max = 5.0 * chars as f32;
            for text in [hex.to_string(), format!("SHA-256 {hex} (12 rows)")] {
                let ls = lines(&text, max);
                let digest: Vec<&str> = ls
                    .iter()
                    .flat_map(|l| l.split(|c: char| !c.is_ascii_hexdigit()))
                    .filter(|part| part.len() >= 8)
                    .collect();
                let joined: String = digest.concat();
                assert_eq!(joined, hex, "{ls:?} at {chars}");
                assert!(digest.len() > 1, "{ls:?} at {chars}");
                for l in digest {
                    assert_eq!(l.len() % 16, 0, "{ls:?} at {chars} characters");
                }
            }
        }
        // Lines share the groups evenly: 32 + 32 where 48 would fit.
        assert_eq!(lines(hex, 5.0 * 50.0), [&hex[..32], &hex[32..]]);
        assert_eq!(lines(hex, 5.0 * 20.0).len(), 4);
        // Its narrowest unbreakable part is one group.
        assert_eq!(min_width(&items(hex, width)), 16.0 * 5.0);
        assert_eq!(min_width(&items("0123456789abcdef0123", width)), 20.0 * 5.0);
    }

    #[test]
    fn url_breaks_after_slash() {
        let ls = lines("https://example.com/policies/access-control.html", 120.0);
        assert!(ls.len() > 1);
        assert!(ls[0].ends_with('/') || ls[0].ends_with('.') || ls[0].ends_with('-'));
    }

    #[test]
    fn hard_breaks_and_spaces() {
        assert_eq!(lines("ab\ncd", 500.0), vec!["ab", "cd"]);
        assert_eq!(lines("  ab  cd  ", 500.0), vec!["ab  cd"]);
        assert_eq!(lines("", 500.0), vec![""]);
        assert_eq!(lines("aaa bbb", 20.0), vec!["aaa", "bbb"]);
    }

    #[test]
    fn min_and_natural_widths() {
        let it = items("設1 policy", width);
        assert_eq!(natural_width(&it), 10.0 + 5.0 * 8.0);
        assert_eq!(min_width(&it), 30.0); // "policy"
    }
}

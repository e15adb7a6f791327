//! The line breaker's entry points for kansa's fuzz targets and property tests
//! (`kansa::fuzzing`), which live outside this crate. Hidden from the docs and not
//! part of the typesetting API: the breaker itself stays private, and only these
//! three functions are reachable from outside.

use std::ops::Range;

use crate::linebreak;

/// (character, advance width) items and a line width → the index range of each line
/// (spaces around breaks excluded).
pub fn break_lines(items: &[(char, f32)], max: f32) -> Vec<Range<usize>> {
    linebreak::break_lines(items, max)
}

/// Whether the breaker may break between two characters (outside emergency breaks of
/// over-long tokens): spaces, hard breaks, CJK, minus kinsoku.
pub fn can_break_between(prev: char, cur: char) -> bool {
    linebreak::can_break_between(prev, cur)
}

/// The characters the breaker drops at breaks (and at the start and end).
pub fn is_break_space(c: char) -> bool {
    linebreak::is_space(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzz targets check these wrappers, so they must be the breaker itself.
    #[test]
    fn wrappers_are_the_line_breaker() {
        let items: Vec<(char, f32)> = "設計 と 運用、監査。".chars().map(|c| (c, 1.0)).collect();
        for max in [1.0, 2.5, 4.0, 100.0] {
            assert_eq!(
                break_lines(&items, max),
                linebreak::break_lines(&items, max)
            );
        }
        assert!(is_break_space(' ') && !is_break_space('設'));
        assert!(can_break_between('設', '計'));
        assert!(
            !can_break_between('運', '、'),
            "kinsoku: no line starts with 、"
        );
    }
}

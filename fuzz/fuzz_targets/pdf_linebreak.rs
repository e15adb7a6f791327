//! The PDF line breaker (kinsoku shori): (character, width) items and a line width → lines.
//!
//! Checks: no panic; lines are in order, in bounds and never contain a hard break; what falls
//! between lines is only the spaces the breaker may drop and at most one hard break; every
//! hard break ends a line; and no line is wider than the width unless it is a single item.
#![no_main]

use kansa::fuzzing::{break_lines, is_break_space};
use libfuzzer_sys::fuzz_target;

/// Characters the breaker treats specially, so that two fuzzer bytes reach them easily:
/// spaces, hard breaks, Latin, URL break characters, kinsoku (no start / no end), kana, kanji,
/// full-width forms and the inline-box placeholder.
const ALPHABET: &[char] = &[
    ' ', '\t', '\n', 'a', 'b', 'Z', '1', '/', '.', '-', '?', '&', '=', '_', '#', ',', ')', ']',
    '}', ':', ';', '!', '%', '(', '[', '{', '、', '。', '，', '．', '）', '」', '』', '】', '〕',
    '〉', '》', '］', '｝', 'ー', '・', '：', '；', '？', '！', 'ゝ', '々', 'ぁ', 'っ', 'ゃ', 'ァ',
    'ッ', 'ヵ', '（', '「', '『', '【', '〔', '〈', '《', '［', '｛', 'あ', 'ア', '設', '漢', '字',
    'Ａ', '１', '\u{FFFC}', '→', '가', '\u{3000}', 'é', '\r',
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // Width of the line: 0 to 256 in steps of 1/256 (items are 0 to 31.5 wide).
    let max = f32::from(u16::from_le_bytes([data[0], data[1]])) / 256.0;
    let items: Vec<(char, f32)> = data[2..]
        .chunks_exact(2)
        .map(|pair| {
            let c = match ALPHABET.get(usize::from(pair[0])) {
                Some(&c) => c,
                // Other bytes: any character of the first two planes.
                None => char::from_u32(u32::from(pair[0]) << 8 | u32::from(pair[1])).unwrap_or('x'),
            };
            (c, f32::from(pair[1] % 64) / 2.0)
        })
        .collect();
    let lines = break_lines(&items, max);
    assert!(!lines.is_empty(), "at least one line");

    let mut prev_end = 0;
    for (k, line) in lines.iter().enumerate() {
        assert!(
            line.start <= line.end && line.end <= items.len(),
            "line {k} {line:?} out of bounds ({} items)",
            items.len()
        );
        assert!(
            line.start >= prev_end,
            "line {k} {line:?} overlaps the previous one"
        );
        // Dropped between two lines (or before the first): spaces, and at most one hard
        // break; before the first line, no hard break.
        let gap = &items[prev_end..line.start];
        let breaks = gap.iter().filter(|(c, _)| *c == '\n').count();
        assert!(
            gap.iter().all(|(c, _)| *c == '\n' || is_break_space(*c)),
            "line {k}: dropped {gap:?}"
        );
        assert!(
            breaks <= usize::from(k > 0),
            "line {k}: {breaks} hard breaks dropped before it"
        );
        let text = &items[line.clone()];
        assert!(
            text.iter().all(|(c, _)| *c != '\n'),
            "line {k} holds a hard break"
        );
        if let (Some(first), Some(last)) = (text.first(), text.last()) {
            assert!(
                !is_break_space(first.0) && !is_break_space(last.0),
                "line {k} starts or ends with a space: {text:?}"
            );
        }
        let width: f32 = text.iter().map(|&(_, w)| w).sum();
        assert!(
            width <= max + 0.01 + max * 1e-5 || text.len() == 1,
            "line {k} is {width} wide, over {max}: {text:?}"
        );
        prev_end = line.end;
    }
    // After the last line: only spaces and at most one hard break (a trailing newline).
    let tail = &items[prev_end..];
    assert!(
        tail.iter().all(|(c, _)| *c == '\n' || is_break_space(*c)),
        "dropped at the end: {tail:?}"
    );
    assert!(
        tail.iter().filter(|(c, _)| *c == '\n').count() <= 1,
        "several hard breaks dropped at the end"
    );
    // Every hard break ends a line: a text of n hard breaks has at least n lines.
    let hard = items.iter().filter(|(c, _)| *c == '\n').count();
    assert!(
        lines.len() >= hard.max(1),
        "{hard} hard breaks, {} lines",
        lines.len()
    );
});

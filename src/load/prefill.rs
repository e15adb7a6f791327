//! Keeping the provider's credit for cells `kansa init --from` pre-filled.
//!
//! A sheet pre-filled from the provider's overlay holds the provider's answers; read back as
//! the organisation's overlay, every one of them would be credited to the organisation. So
//! `init` writes, in a last column `prefilled` (事前記入), a fingerprint of every cell it
//! filled: a hash of the column and the value. On reading, a cell whose value still matches
//! its fingerprint is the provider's, and when an earlier overlay of the same run sets that
//! field of that control, the cell is dropped, so the value (the provider's current one) and
//! its credit come from that overlay. A cell the organisation changed no longer matches and is
//! the organisation's; with no earlier overlay the pre-filled value is kept (nothing is lost).

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::model::fields::Field;
use crate::model::{Answer, Overlay};

/// An answer column of a sheet: a known field, or a custom column by its header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnswerColumn {
    /// Status, owner, due, ...
    Known(Field),
    /// A custom column.
    Extra(String),
}

impl AnswerColumn {
    /// The name a fingerprint hashes: the field's key, or the custom header.
    fn name(&self) -> &str {
        match self {
            AnswerColumn::Known(f) => f.key(),
            AnswerColumn::Extra(h) => h,
        }
    }
}

/// A cell of an overlay that still holds the value `init` pre-filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefilledCell {
    /// Index into the overlay's rows.
    pub row: usize,
    /// Which field.
    pub field: AnswerColumn,
}

/// The fingerprint of a pre-filled cell: 8 hex digits of SHA-256 over the field's name and the
/// value as written (as it reads back: trimmed, line ends `\n`).
pub fn mark(field: &AnswerColumn, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(field.name().as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    crate::model::text::hex(&h.finalize()[..4])
}

/// The `prefilled` cell of a row: its cells' fingerprints, separated by spaces.
pub fn marks_cell(marks: &[String]) -> String {
    marks.join(" ")
}

/// The fingerprints in a `prefilled` cell.
pub fn parse_marks(cell: &str) -> HashSet<&str> {
    cell.split_whitespace().collect()
}

/// Are these all fingerprints as [`mark`] writes them (8 lower-case hex digits)?
pub fn well_formed(marks: &HashSet<&str>) -> bool {
    marks
        .iter()
        .all(|m| m.len() == 8 && m.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Is `value` in `field` still what `init` wrote there?
pub fn unchanged(marks: &HashSet<&str>, field: &AnswerColumn, value: &str) -> bool {
    if marks.is_empty() {
        return false;
    }
    let value = value.trim();
    let m = if value.contains('\r') {
        mark(field, &value.replace("\r\n", "\n"))
    } else {
        mark(field, value)
    };
    marks.contains(m.as_str())
}

/// Drop every unchanged pre-filled cell (`prefilled[k]` for `overlays[k]`) whose field an
/// earlier overlay sets for the same control: the value and its credit are that overlay's.
pub fn credit_earlier_layers(overlays: &mut [Overlay], prefilled: &[Vec<PrefilledCell>]) {
    let Some(last) = prefilled.iter().rposition(|p| !p.is_empty()) else {
        return;
    };
    // Control id → (layer, row) for the layers below the last one with pre-filled cells.
    let mut answered: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (layer, overlay) in overlays.iter().enumerate().take(last) {
        for (row, r) in overlay.rows.iter().enumerate() {
            answered.entry(r.id.clone()).or_default().push((layer, row));
        }
    }
    for (layer, cells) in prefilled.iter().enumerate() {
        for cell in cells {
            let id = &overlays[layer].rows[cell.row].id;
            let set_below = answered.get(id).is_some_and(|places| {
                places
                    .iter()
                    .filter(|(l, _)| *l < layer)
                    .any(|&(l, r)| is_set(&overlays[l].rows[r].answer, &cell.field))
            });
            if set_below {
                clear(&mut overlays[layer].rows[cell.row].answer, &cell.field);
            }
        }
    }
}

fn is_set(a: &Answer, column: &AnswerColumn) -> bool {
    match column {
        AnswerColumn::Known(f) => a.get(*f).is_some(),
        AnswerColumn::Extra(h) => a.extra.iter().any(|(name, _)| name == h),
    }
}

fn clear(a: &mut Answer, column: &AnswerColumn) {
    match column {
        AnswerColumn::Known(f) => {
            a.take(*f);
        }
        AnswerColumn::Extra(h) => a.extra.retain(|(name, _)| name != h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_matches_its_value_only() {
        let owner = AnswerColumn::Known(Field::Owner);
        let marks_text = marks_cell(&[
            mark(&owner, "-"),
            mark(&AnswerColumn::Extra("cost".into()), "9"),
        ]);
        let marks = parse_marks(&marks_text);
        assert!(unchanged(&marks, &owner, " - "));
        assert!(
            !unchanged(&marks, &owner, "総務部"),
            "an edit is the bank's"
        );
        assert!(
            !unchanged(&marks, &AnswerColumn::Known(Field::Notes), "-"),
            "another column"
        );
        assert!(unchanged(&marks, &AnswerColumn::Extra("cost".into()), "9"));
        let answer = AnswerColumn::Known(Field::Answer);
        let m = [mark(&answer, "a\nb")];
        assert!(unchanged(&parse_marks(&marks_cell(&m)), &answer, "a\r\nb"));
        assert!(well_formed(&marks));
        assert!(!well_formed(&parse_marks("cost centre 9")));
        assert!(!well_formed(&parse_marks("0123456789")));
    }
}

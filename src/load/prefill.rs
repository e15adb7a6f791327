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

use crate::load::values::{Column, column_name};
use crate::model::{Answer, Overlay};

/// A field of an answer: a known column, or a custom column by its header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    /// Status, owner, due, ...
    Known(Column),
    /// A custom column.
    Extra(String),
}

impl Field {
    fn name(&self) -> &str {
        match self {
            Field::Known(c) => column_name(*c),
            Field::Extra(h) => h,
        }
    }
}

/// A cell of an overlay that still holds the value `init` pre-filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefilledCell {
    /// Index into the overlay's rows.
    pub row: usize,
    /// Which field.
    pub field: Field,
}

/// The fingerprint of a pre-filled cell: 8 hex digits of SHA-256 over the field's name and the
/// value as written (as it reads back: trimmed, line ends `\n`).
pub fn mark(field: &Field, value: &str) -> String {
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
pub fn unchanged(marks: &HashSet<&str>, field: &Field, value: &str) -> bool {
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

fn is_set(a: &Answer, field: &Field) -> bool {
    match field {
        Field::Known(Column::Status) => a.status.is_some(),
        Field::Known(Column::Responsibility) => a.responsibility.is_some(),
        Field::Known(Column::Answer) => a.answer.is_some(),
        Field::Known(Column::Evidence) => a.evidence.is_some(),
        Field::Known(Column::Owner) => a.owner.is_some(),
        Field::Known(Column::Due) => a.due.is_some(),
        Field::Known(Column::Reviewed) => a.reviewed.is_some(),
        Field::Known(Column::Notes) => a.notes.is_some(),
        Field::Known(Column::Id | Column::Context | Column::Prefilled) => false,
        Field::Extra(h) => a.extra.iter().any(|(name, _)| name == h),
    }
}

fn clear(a: &mut Answer, field: &Field) {
    match field {
        Field::Known(Column::Status) => a.status = None,
        Field::Known(Column::Responsibility) => a.responsibility = None,
        Field::Known(Column::Answer) => a.answer = None,
        Field::Known(Column::Evidence) => a.evidence = None,
        Field::Known(Column::Owner) => a.owner = None,
        Field::Known(Column::Due) => a.due = None,
        Field::Known(Column::Reviewed) => a.reviewed = None,
        Field::Known(Column::Notes) => a.notes = None,
        Field::Known(Column::Id | Column::Context | Column::Prefilled) => {}
        Field::Extra(h) => a.extra.retain(|(name, _)| name != h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_matches_its_value_only() {
        let owner = Field::Known(Column::Owner);
        let marks_text = marks_cell(&[mark(&owner, "-"), mark(&Field::Extra("cost".into()), "9")]);
        let marks = parse_marks(&marks_text);
        assert!(unchanged(&marks, &owner, " - "));
        assert!(
            !unchanged(&marks, &owner, "総務部"),
            "an edit is the bank's"
        );
        assert!(
            !unchanged(&marks, &Field::Known(Column::Notes), "-"),
            "another column"
        );
        assert!(unchanged(&marks, &Field::Extra("cost".into()), "9"));
        let answer = Field::Known(Column::Answer);
        let m = [mark(&answer, "a\nb")];
        assert!(unchanged(&parse_marks(&marks_cell(&m)), &answer, "a\r\nb"));
        assert!(well_formed(&marks));
        assert!(!well_formed(&parse_marks("cost centre 9")));
        assert!(!well_formed(&parse_marks("0123456789")));
    }
}

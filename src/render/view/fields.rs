//! The answer fields of a control as the view shows them, one entry per [`Field`]: the
//! templates and the JSON see each under its key (`c.owner`, `c.sources.owner`), in
//! [`Field::ALL`] order, so a field added to the table reaches them without an edit here.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::model::fields::{Field, Kind, ValueRef};

/// Which overlay (by label) set each field; `None` where no overlay did. Serialised as an
/// object with every field's key, in [`Field::ALL`] order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sources([Option<Arc<str>>; Field::ALL.len()]);

impl Sources {
    /// The label of the overlay that set `field`.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.0[field.index()].as_deref()
    }

    /// Record that the overlay labelled `label` set `field`.
    pub fn set(&mut self, field: Field, label: Option<Arc<str>>) {
        self.0[field.index()] = label;
    }
}

impl Serialize for Sources {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Field::ALL.len()))?;
        for field in Field::ALL {
            map.serialize_entry(field.key(), &self.0[field.index()])?;
        }
        map.end()
    }
}

/// The values of the fields a view shows as text (texts and dates, as `YYYY-MM-DD`); status
/// and responsibility are shown with their codes and labels instead (`status`,
/// `status_label`, ...). Serialised flat into the control, each under its key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldTexts([Option<String>; Field::ALL.len()]);

impl FieldTexts {
    /// Is `field` shown as text ([`Kind::Text`] and [`Kind::Date`])?
    pub fn holds(field: Field) -> bool {
        matches!(field.kind(), Kind::Text | Kind::Date)
    }

    /// The text of `field`; always `None` for a field not [`FieldTexts::holds`].
    pub fn get(&self, field: Field) -> Option<&str> {
        self.0[field.index()].as_deref()
    }

    /// Set the text of `field` (ignored for a field not [`FieldTexts::holds`]).
    pub fn set(&mut self, field: Field, text: Option<String>) {
        if Self::holds(field) {
            self.0[field.index()] = text;
        }
    }
}

impl FieldTexts {
    /// Each text field under its key, in [`Field::ALL`] order: how a control shows them
    /// (`c.owner`, the JSON's `"owner"`).
    pub fn entries(&self) -> Vec<(&'static str, &Option<String>)> {
        Field::ALL
            .into_iter()
            .filter(|f| Self::holds(*f))
            .map(|f| (f.key(), &self.0[f.index()]))
            .collect()
    }
}

/// A column of a gap list (`gaps.csv`, the register's gap sheet) after the control's
/// identity: a field of [`Field::gap_list`], or the overdue flag, which follows the due date it
/// is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GapColumn {
    /// An answer field.
    Field(Field),
    /// The overdue flag.
    Overdue,
}

/// The columns of a gap list after the identity, in order.
pub fn gap_columns() -> Vec<GapColumn> {
    let mut columns = Vec::new();
    for field in Field::gap_list() {
        columns.push(GapColumn::Field(field));
        if field == Field::Due {
            columns.push(GapColumn::Overdue);
        }
    }
    columns
}

/// The fields the findings register leads with, in the order every format's register shows
/// them (the templates' `gap_row` columns): what is wrong, what will be done, how risky it is,
/// then where it stands and who follows it up.
const REGISTER_LEAD: [Field; 8] = [
    Field::Finding,
    Field::Plan,
    Field::Risk,
    Field::Status,
    Field::Responsibility,
    Field::Owner,
    Field::Due,
    Field::Reviewed,
];

/// The columns of the findings register sheet (xlsx) after the identity: the gap list's
/// columns ([`gap_columns`]) reordered as the other formats' registers show them, the fields
/// the register does not lead with after, in gap-list order. `gaps.csv` keeps the gap-list
/// order, which its readers rely on.
pub fn register_columns() -> Vec<GapColumn> {
    let mut columns = Vec::new();
    let gap_list = Field::gap_list();
    let lead = REGISTER_LEAD
        .iter()
        .copied()
        .filter(|f| gap_list.contains(f));
    let rest = gap_list
        .iter()
        .copied()
        .filter(|f| !REGISTER_LEAD.contains(f));
    for field in lead.chain(rest) {
        columns.push(GapColumn::Field(field));
        if field == Field::Due {
            columns.push(GapColumn::Overdue);
        }
    }
    columns
}

/// A field's value as the view's text: dates as `YYYY-MM-DD`, texts as given (`shown` makes
/// invisible characters visible); `None` for status and responsibility, which the view shows
/// with codes and labels.
pub(crate) fn field_text(value: ValueRef<'_>, shown: impl Fn(&str) -> String) -> Option<String> {
    match value {
        ValueRef::Text(t) => Some(shown(t)),
        ValueRef::Date(d) => Some(d.to_string()),
        ValueRef::Status(_) | ValueRef::Responsibility(_) | ValueRef::Risk(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_serialise_every_field_by_key_in_order() {
        let mut s = Sources::default();
        s.set(Field::Owner, Some("o.csv".into()));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"status":null,"responsibility":null,"answer":null,"finding":null,"plan":null,"risk":null,"evidence":null,"owner":"o.csv","due":null,"reviewed":null,"notes":null}"#
        );
        assert_eq!(s.get(Field::Owner), Some("o.csv"));
    }

    /// The register's columns are the gap list's, reordered: none lost, none added.
    #[test]
    fn register_columns_reorder_the_gap_list() {
        let register = register_columns();
        let gap_list = gap_columns();
        assert_eq!(register.len(), gap_list.len());
        assert!(gap_list.iter().all(|c| register.contains(c)));
        assert_eq!(register[0], GapColumn::Field(Field::Finding));
        let due = register
            .iter()
            .position(|c| *c == GapColumn::Field(Field::Due));
        let overdue = register.iter().position(|c| *c == GapColumn::Overdue);
        assert_eq!(overdue, due.map(|d| d + 1), "the flag follows the due date");
    }

    #[test]
    fn texts_hold_texts_and_dates_only() {
        let mut t = FieldTexts::default();
        t.set(Field::Status, Some("x".into()));
        t.set(Field::Due, Some("2026-03-31".into()));
        assert_eq!(t.get(Field::Status), None);
        let keys: Vec<&str> = t.entries().iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "answer", "finding", "plan", "evidence", "owner", "due", "reviewed", "notes"
            ]
        );
        assert_eq!(t.entries()[5].1.as_deref(), Some("2026-03-31"));
    }
}

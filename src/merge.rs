//! Stage 2, merge: overlays stacked in order onto the catalogue.
//!
//! For each field the last non-empty value wins, and the field remembers which overlay set it:
//! a provider's answers first, the organisation's own on top.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::model::fields::{Field, Slot, Value, ValueRef, with_answer_slot};
use crate::model::{Answer, Catalogue, Overlay, Responsibility, Risk, Status};

/// A value and the index of the overlay (in the order given) that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    /// The effective value.
    pub value: T,
    /// Index into [`Merged::overlays`].
    pub layer: usize,
}

/// The effective answer of one control after all overlays: one member per [`Field`] (named
/// as in [`crate::model::Answer`]), reached by field through [`MergedAnswer::get`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedAnswer {
    /// Status.
    pub status: Option<Sourced<Status>>,
    /// Responsibility.
    pub responsibility: Option<Sourced<Responsibility>>,
    /// Answer text (Markdown).
    pub answer: Option<Sourced<String>>,
    /// What is wrong now (Markdown).
    pub finding: Option<Sourced<String>>,
    /// The remediation plan (Markdown).
    pub plan: Option<Sourced<String>>,
    /// Risk of the gap.
    pub risk: Option<Sourced<Risk>>,
    /// Evidence.
    pub evidence: Option<Sourced<String>>,
    /// Owner.
    pub owner: Option<Sourced<String>>,
    /// Due date.
    pub due: Option<Sourced<Date>>,
    /// Review date.
    pub reviewed: Option<Sourced<Date>>,
    /// Notes.
    pub notes: Option<Sourced<String>>,
    /// Extra columns, indexed like [`Merged::extra_columns`].
    pub extra: Vec<Option<Sourced<String>>>,
    /// Lines that answered this control: (overlay index, line).
    pub rows: Vec<(usize, u64)>,
}

/// Summary of one overlay, kept for provenance and digests.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    /// Short label.
    pub label: String,
    /// Path as given.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Encoding it was read with.
    pub encoding: String,
    /// Number of data rows.
    pub rows: usize,
    /// Extra columns' header cells (name, place), to locate a problem found in a header later.
    pub header_cells: Vec<(String, crate::model::HeaderCell)>,
}

/// The catalogue with every control's effective answer.
#[derive(Debug, Clone)]
pub struct Merged<'c> {
    /// The catalogue.
    pub catalogue: &'c Catalogue,
    /// The overlays, in the order applied.
    pub overlays: Vec<LayerInfo>,
    /// Union of all overlays' extra column headers, first-seen order.
    pub extra_columns: Vec<String>,
    /// One answer per control, in catalogue order.
    pub answers: Vec<MergedAnswer>,
}

impl MergedAnswer {
    /// The effective value of `field` and the overlay that set it.
    pub fn get(&self, field: Field) -> Option<Sourced<ValueRef<'_>>> {
        with_answer_slot!(&self, field, |slot| slot.as_ref().map(|s| Sourced {
            value: s.value.value_ref(),
            layer: s.layer,
        }))
    }

    /// The overlay that set `field`, if any did.
    pub fn layer(&self, field: Field) -> Option<usize> {
        self.get(field).map(|s| s.layer)
    }

    /// Move the value of `field` out (the view keeps it), leaving the field empty.
    pub fn take(&mut self, field: Field) -> Option<Sourced<Value>> {
        with_answer_slot!(&mut self, field, |slot| slot.take().map(|s| Sourced {
            value: s.value.into_value(),
            layer: s.layer,
        }))
    }

    /// Set `field` from overlay `layer`; a value of another kind than the field's is ignored
    /// (an [`Answer`] holds none).
    fn set(&mut self, field: Field, value: Value, layer: usize) {
        with_answer_slot!(&mut self, field, |slot| {
            if let Some(value) = Slot::from_value(value) {
                *slot = Some(Sourced { value, layer });
            }
        })
    }

    /// Lay `a`, a row of overlay `layer`, over this answer: each field it sets wins.
    fn overlay(&mut self, mut a: Answer, layer: usize, extra_index: &HashMap<String, usize>) {
        for field in Field::ALL {
            if let Some(value) = a.take(field) {
                self.set(field, value, layer);
            }
        }
        for (name, value) in a.extra {
            if let Some(&i) = extra_index.get(&name) {
                self.extra[i] = Some(Sourced { value, layer });
            }
        }
    }
}

/// Apply `overlays` in order onto `catalogue`. The overlays are copied; [`merge_owned`] moves
/// their values instead (what `kansa report` does).
pub fn merge<'c>(catalogue: &'c Catalogue, overlays: &[Overlay]) -> Merged<'c> {
    merge_owned(catalogue, overlays.to_vec())
}

/// [`merge`], consuming the overlays: every answer, owner and custom value moves into the
/// merged answer that keeps it, and the ones a later overlay overrides are dropped. On a large
/// catalogue this saves a copy of every text (and the memory to hold it).
pub fn merge_owned(catalogue: &Catalogue, overlays: Vec<Overlay>) -> Merged<'_> {
    let (extra_columns, extra_index) = extra_columns(&overlays);
    let empty = MergedAnswer {
        extra: vec![None; extra_columns.len()],
        ..MergedAnswer::default()
    };
    let mut answers = vec![empty; catalogue.controls.len()];
    let mut infos = Vec::with_capacity(overlays.len());
    for (layer, mut overlay) in overlays.into_iter().enumerate() {
        let rows = std::mem::take(&mut overlay.rows);
        infos.push(layer_info(overlay, rows.len()));
        for row in rows {
            let Some(pos) = catalogue.position(&row.id) else {
                continue; // the loader already rejected unknown ids
            };
            let m = &mut answers[pos];
            m.rows.push((layer, row.origin.line));
            m.overlay(row.answer, layer, &extra_index);
        }
    }
    Merged {
        catalogue,
        overlays: infos,
        extra_columns,
        answers,
    }
}

/// The union of the overlays' custom columns, first-seen order, and each one's index in it:
/// hash lookups, so thousands of custom columns stay linear.
fn extra_columns(overlays: &[Overlay]) -> (Vec<String>, HashMap<String, usize>) {
    let mut columns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for c in overlays.iter().flat_map(|o| &o.extra_columns) {
        if !index.contains_key(c) {
            index.insert(c.clone(), columns.len());
            columns.push(c.clone());
        }
    }
    (columns, index)
}

/// What is kept of an overlay (its rows taken out, `rows` of them).
fn layer_info(overlay: Overlay, rows: usize) -> LayerInfo {
    LayerInfo {
        label: overlay.label,
        path: overlay.path,
        sha256: overlay.sha256,
        encoding: overlay.encoding,
        rows,
        header_cells: overlay
            .extra_columns
            .into_iter()
            .zip(overlay.extra_column_cells)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{EncodingChoice, parse_overlay};
    use crate::model::{CatalogueMeta, Control};

    fn catalogue() -> Catalogue {
        let c = |id: &str| Control {
            id: id.into(),
            section: "s".into(),
            major: String::new(),
            middle: String::new(),
            text: "t".into(),
            extra: vec![],
        };
        Catalogue::new(CatalogueMeta::default(), vec![c("A1"), c("A2"), c("A3")])
    }

    #[test]
    fn last_non_empty_value_wins_and_remembers_its_layer() {
        let cat = catalogue();
        let load =
            |p: &str, t: &str| parse_overlay(p, t.as_bytes(), EncodingChoice::Auto, &cat).unwrap();
        let provider = load(
            "p/answers.csv",
            "id,status,responsibility,answer,x\nA1,inherited,provider,we do it,1\nA2,,customer,yours,2\n",
        );
        let org = load(
            "o/answers.csv",
            "id,status,owner,y\nA2,partial,山田,b\nA1,,,\n",
        );
        let m = merge(&cat, &[provider, org]);
        assert_eq!(m.extra_columns, ["x", "y"]);
        let a1 = &m.answers[0];
        assert_eq!(
            a1.status,
            Some(Sourced {
                value: Status::Inherited,
                layer: 0
            })
        );
        assert_eq!(a1.rows, vec![(0, 2), (1, 3)]);
        let a2 = &m.answers[1];
        assert_eq!(
            a2.status,
            Some(Sourced {
                value: Status::Partial,
                layer: 1
            })
        );
        assert_eq!(a2.answer.as_ref().unwrap().layer, 0);
        assert_eq!(a2.owner.as_ref().unwrap().value, "山田");
        assert_eq!(a2.extra[1].as_ref().unwrap().value, "b");
        assert_eq!(
            m.answers[2],
            MergedAnswer {
                extra: vec![None, None],
                ..Default::default()
            }
        );
    }
}

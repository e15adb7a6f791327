//! The strings every control view refers to (overlay labels, custom column headers), made
//! once per report, and the merge of the catalogue's custom columns with the overlays'.

use std::collections::HashMap;
use std::sync::Arc;

use super::controls::ExtraView;
use super::{shown, shown_owned};
use crate::analyse::Analysis;
use crate::merge::Sourced;
use crate::model::Control;
use crate::model::text::visible;

/// The report's extra columns: the catalogue's (in file order), then the overlays' the
/// catalogue does not have. The catalogue is the bottom layer: where both have a column, an
/// overlay's value wins and the catalogue's shows where no overlay gives one.
struct ExtraColumns<'a> {
    /// Column headers as in the files.
    names: Vec<&'a str>,
    /// Where each of `Merged::extra_columns` goes in `names`.
    pub(super) overlay_slot: Vec<usize>,
}

impl<'a> ExtraColumns<'a> {
    fn new(catalogue: &'a [String], overlays: &'a [String]) -> Self {
        let mut names: Vec<&str> = catalogue.iter().map(String::as_str).collect();
        let at: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let overlay_slot = overlays
            .iter()
            .map(|c| {
                at.get(c.as_str()).copied().unwrap_or_else(|| {
                    names.push(c);
                    names.len() - 1
                })
            })
            .collect();
        ExtraColumns {
            names,
            overlay_slot,
        }
    }
}

/// Strings every control refers to, allocated once per report rather than once per control.
pub(super) struct Shared {
    /// Overlay labels, by layer.
    pub(super) labels: Vec<Arc<str>>,
    /// Extra column headers as shown, the catalogue's first (see [`ExtraColumns`]).
    pub(super) extra_columns: Vec<Arc<str>>,
    /// The source named for values from the catalogue's own extra columns: its id.
    pub(super) catalogue_label: Arc<str>,
    /// How many of `extra_columns` are the catalogue's.
    pub(super) catalogue_extra: usize,
    /// Where each of `Merged::extra_columns` goes in `extra_columns`.
    overlay_slot: Vec<usize>,
}

impl Shared {
    /// The shared strings of `analysis`' report.
    pub(super) fn new(analysis: &Analysis<'_>) -> Self {
        let merged = &analysis.merged;
        let catalogue = merged.catalogue;
        let extra = ExtraColumns::new(&catalogue.extra_columns, &merged.extra_columns);
        Shared {
            labels: merged
                .overlays
                .iter()
                .map(|o| Arc::from(visible(&o.label)))
                .collect(),
            extra_columns: extra.names.iter().map(|c| Arc::from(visible(c))).collect(),
            catalogue_label: Arc::from(visible(&catalogue.meta.id)),
            catalogue_extra: catalogue.extra_columns.len(),
            overlay_slot: extra.overlay_slot,
        }
    }

    /// A control's extra values in column order: the catalogue's, then the overlays' on top.
    pub(super) fn extra_values(
        &self,
        control: &Control,
        answers: Vec<Option<Sourced<String>>>,
    ) -> Vec<ExtraView> {
        let overlay_value = |(slot, v): (usize, Option<Sourced<String>>)| {
            v.map(|v| ExtraView {
                name: Arc::clone(&self.extra_columns[slot]),
                value: shown_owned(v.value),
                source: Arc::clone(&self.labels[v.layer]),
            })
        };
        if self.catalogue_extra == 0 {
            // No catalogue columns: the overlays' columns are the report's, in order.
            return answers
                .into_iter()
                .enumerate()
                .filter_map(overlay_value)
                .collect();
        }
        let mut slots: Vec<Option<ExtraView>> = vec![None; self.extra_columns.len()];
        // The control's values come in column order: one pass over the columns finds them.
        let mut values = control.extra.iter().peekable();
        for (slot, name) in self.extra_columns[..self.catalogue_extra]
            .iter()
            .enumerate()
        {
            if let Some((_, value)) = values.next_if(|(n, _)| *visible(n) == **name) {
                slots[slot] = Some(ExtraView {
                    name: Arc::clone(name),
                    value: shown(value),
                    source: Arc::clone(&self.catalogue_label),
                });
            }
        }
        let from_overlays = self.overlay_slot.iter().copied().zip(answers);
        for (slot, view) in from_overlays.map(|(slot, v)| (slot, overlay_value((slot, v)))) {
            if view.is_some() {
                slots[slot] = view;
            }
        }
        slots.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ControlView, report_of};
    use crate::model::CatalogueMeta;

    /// The catalogue's extra columns reach the view (and so every format) before the
    /// overlays'; where an overlay has the same column, its value wins over the catalogue's.
    #[test]
    fn catalogue_extra_columns_are_shown_under_overlay_values() {
        let cat = crate::load::catalogue::parse_catalogue(
            "c.csv",
            "id,text,Reference,Level\nA1,t,ISO A.5,high\nA2,t,,low\n",
            CatalogueMeta {
                id: "cat".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let r = report_of(&cat, "id,Level,Cost\nA1,,9\nA2,medium,\n");
        assert_eq!(r.extra_columns, ["Reference", "Level", "Cost"]);
        let extras = |c: &ControlView| {
            c.extra
                .iter()
                .map(|x| format!("{}={}@{}", x.name, x.value, x.source))
                .collect::<Vec<_>>()
        };
        let controls: Vec<&ControlView> = r.controls().collect();
        assert_eq!(
            extras(controls[0]),
            ["Reference=ISO A.5@cat", "Level=high@cat", "Cost=9@o.csv"]
        );
        assert_eq!(extras(controls[1]), ["Level=medium@o.csv"]);
        let aligned: Vec<Option<&str>> = controls[1]
            .extra_by_column(&r.extra_columns)
            .map(|x| x.map(|x| x.value.as_str()))
            .collect();
        assert_eq!(aligned, [None, Some("medium"), None]);
    }
}

//! "Changes since the baseline" as the report shows them: each change of [`Changes`] with the
//! control's key, anchor and text, and its values named in the report's language.

use std::sync::Arc;

use serde::Serialize;

use super::ControlView;
use crate::diff::{Change, Changes};
use crate::model::lang::status_label;
use crate::model::{Lang, Status};

/// One changed control as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// Control id.
    pub id: String,
    /// Stable key.
    pub key: String,
    /// HTML anchor.
    pub anchor: String,
    /// Control text.
    pub text: String,
    /// Value before (status code, owner or due date; empty when unset).
    pub from: String,
    /// Value now.
    pub to: String,
    /// `from` for display (status names in the report language).
    pub from_label: String,
    /// `to` for display.
    pub to_label: String,
}

/// Everything that changed since the baseline, as shown; the lists keep the order of
/// [`Changes`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangesView {
    /// Baseline file.
    pub baseline: String,
    /// Baseline report date.
    pub baseline_date: String,
    /// Controls that became gaps (or are new gaps in the catalogue).
    pub opened: Vec<ChangeView>,
    /// Gaps that are no longer gaps.
    pub closed: Vec<ChangeView>,
    /// Status got worse (e.g. implemented → partial).
    pub regressions: Vec<ChangeView>,
    /// Status got better.
    pub improvements: Vec<ChangeView>,
    /// Owner changed.
    pub owners: Vec<ChangeView>,
    /// Due date changed.
    pub due_dates: Vec<ChangeView>,
    /// Control ids in the catalogue now but not in the baseline.
    pub added: Vec<String>,
    /// Control ids in the baseline but no longer in the catalogue.
    pub removed: Vec<String>,
    /// True when nothing changed: templates say so instead of adding up list lengths.
    pub is_empty: bool,
}

/// The view of `changes`; `controls[i]` is the view of catalogue control `i`.
pub fn changes_view(changes: &Changes, controls: &[Arc<ControlView>], lang: Lang) -> ChangesView {
    let status = |list: &[Change<Option<Status>>]| -> Vec<ChangeView> {
        list.iter()
            .map(|c| {
                let code = |s: Option<Status>| s.map_or("", Status::code).to_owned();
                let label = |s: Option<Status>| s.map_or("", |s| status_label(s, lang)).to_owned();
                ChangeView {
                    from: code(c.from),
                    to: code(c.to),
                    from_label: label(c.from),
                    to_label: label(c.to),
                    ..base(&controls[c.control])
                }
            })
            .collect()
    };
    let text = |list: &[Change<String>]| -> Vec<ChangeView> {
        list.iter()
            .map(|c| ChangeView {
                from: c.from.clone(),
                to: c.to.clone(),
                from_label: c.from.clone(),
                to_label: c.to.clone(),
                ..base(&controls[c.control])
            })
            .collect()
    };
    ChangesView {
        baseline: changes.baseline.clone(),
        baseline_date: changes.baseline_date.clone(),
        opened: status(&changes.opened),
        closed: status(&changes.closed),
        regressions: status(&changes.regressions),
        improvements: status(&changes.improvements),
        owners: text(&changes.owners),
        due_dates: text(&changes.due_dates),
        added: changes.added.clone(),
        removed: changes.removed.clone(),
        is_empty: changes.is_empty(),
    }
}

/// A change of `c` with no values yet.
fn base(c: &ControlView) -> ChangeView {
    ChangeView {
        id: c.id.clone(),
        key: c.key.clone(),
        anchor: c.anchor.clone(),
        text: c.text.clone(),
        from: String::new(),
        to: String::new(),
        from_label: String::new(),
        to_label: String::new(),
    }
}

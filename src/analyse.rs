//! Stage 3, analyse: gaps, overdue items and totals, all in catalogue order.
//!
//! Rules: no status in any overlay means `unanswered`; gaps are `not_implemented`, `partial`,
//! `planned` and `unanswered`; `implemented` and `inherited` are met; `not_applicable` leaves
//! the denominator. A gap whose due date is before the report date is overdue.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::merge::Merged;
use crate::model::{Responsibility, Status};

/// Counts of one group of controls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Count per status, indexed like [`Status::ALL`].
    pub by_status: [usize; Status::ALL.len()],
    /// Gaps past their due date.
    pub overdue: usize,
}

impl Totals {
    fn add(&mut self, status: Status, overdue: bool) {
        let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        self.by_status[i] += 1;
        self.overdue += usize::from(overdue);
    }

    /// Count of one status.
    pub fn count(&self, status: Status) -> usize {
        Status::ALL
            .iter()
            .position(|s| *s == status)
            .map_or(0, |i| self.by_status[i])
    }

    /// All controls of the group.
    pub fn total(&self) -> usize {
        self.by_status.iter().sum()
    }

    /// Controls that count: all but `not_applicable`.
    pub fn applicable(&self) -> usize {
        self.total() - self.count(Status::NotApplicable)
    }

    /// Met controls.
    pub fn met(&self) -> usize {
        self.count(Status::Implemented) + self.count(Status::Inherited)
    }

    /// Gaps.
    pub fn gaps(&self) -> usize {
        self.applicable() - self.met()
    }

    /// Met share of applicable controls, in percent; 100 when nothing applies.
    pub fn coverage(&self) -> f64 {
        match self.applicable() {
            0 => 100.0,
            n => self.met() as f64 * 100.0 / n as f64,
        }
    }
}

/// A named group (section, 大項目, 中項目 or responsibility) and its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Section the group belongs to (its own name for sections).
    pub section: String,
    /// 基準大項目 (empty for sections).
    pub major: String,
    /// The group's own name.
    pub name: String,
    /// Counts.
    pub totals: Totals,
}

/// The outcome for one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Effective status (`unanswered` when no overlay gave one).
    pub status: Status,
    /// Past due and still a gap.
    pub overdue: bool,
}

/// Everything the renderers need besides the merged answers.
#[derive(Debug, Clone)]
pub struct Analysis<'c> {
    /// The merged input.
    pub merged: Merged<'c>,
    /// The date overdue is measured against.
    pub report_date: Date,
    /// One outcome per control, in catalogue order.
    pub outcomes: Vec<Outcome>,
    /// Totals over all controls.
    pub totals: Totals,
    /// Per section, catalogue order.
    pub by_section: Vec<Group>,
    /// Per 基準大項目, catalogue order.
    pub by_major: Vec<Group>,
    /// Per 中項目, catalogue order.
    pub by_middle: Vec<Group>,
    /// Per responsibility: provider, customer, shared, then unassigned (`None`).
    pub by_responsibility: Vec<(Option<Responsibility>, Totals)>,
}

impl Analysis<'_> {
    /// Indexes of the gap controls, in catalogue order.
    pub fn gap_indexes(&self) -> impl Iterator<Item = usize> + '_ {
        self.outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| o.status.is_gap())
            .map(|(i, _)| i)
    }
}

/// Groups in first-seen (catalogue) order, with a hash index so that a catalogue whose every
/// control opens a new group (or whose groups interleave) stays linear.
#[derive(Default)]
struct Groups {
    list: Vec<Group>,
    index: HashMap<(String, String, String), usize>,
}

impl Groups {
    fn get(&mut self, section: &str, major: &str, name: &str) -> &mut Totals {
        let same = |g: &Group| g.section == section && g.major == major && g.name == name;
        // Groups arrive in catalogue order, so the match is almost always the last one.
        let i = match self.list.last() {
            Some(g) if same(g) => self.list.len() - 1,
            _ => {
                let key = (section.to_owned(), major.to_owned(), name.to_owned());
                let next = self.list.len();
                let i = *self.index.entry(key).or_insert(next);
                if i == next {
                    self.list.push(Group {
                        section: section.to_owned(),
                        major: major.to_owned(),
                        name: name.to_owned(),
                        totals: Totals::default(),
                    });
                }
                i
            }
        };
        &mut self.list[i].totals
    }
}

/// Compute outcomes and totals as of `report_date`.
pub fn analyse(merged: Merged<'_>, report_date: Date) -> Analysis<'_> {
    let mut totals = Totals::default();
    let (mut by_section, mut by_major, mut by_middle) =
        (Groups::default(), Groups::default(), Groups::default());
    let mut by_resp: Vec<(Option<Responsibility>, Totals)> = Responsibility::ALL
        .iter()
        .map(|r| (Some(*r), Totals::default()))
        .chain([(None, Totals::default())])
        .collect();
    let mut outcomes = Vec::with_capacity(merged.answers.len());
    for (control, answer) in merged.catalogue.controls.iter().zip(&merged.answers) {
        let status = answer
            .status
            .as_ref()
            .map_or(Status::Unanswered, |s| s.value);
        let overdue = status.is_gap() && answer.due.as_ref().is_some_and(|d| d.value < report_date);
        totals.add(status, overdue);
        let (s, ma, mi) = (&control.section, &control.major, &control.middle);
        by_section.get(s, "", s).add(status, overdue);
        by_major.get(s, "", ma).add(status, overdue);
        by_middle.get(s, ma, mi).add(status, overdue);
        let resp = answer.responsibility.as_ref().map(|r| r.value);
        if let Some((_, t)) = by_resp.iter_mut().find(|(r, _)| *r == resp) {
            t.add(status, overdue);
        }
        outcomes.push(Outcome { status, overdue });
    }
    Analysis {
        merged,
        report_date,
        outcomes,
        totals,
        by_section: by_section.list,
        by_major: by_major.list,
        by_middle: by_middle.list,
        by_responsibility: by_resp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{EncodingChoice, parse_overlay};
    use crate::merge::merge;
    use crate::model::{Catalogue, CatalogueMeta, Control};

    #[test]
    fn gaps_met_not_applicable_and_overdue() {
        let c = |id: &str, section: &str, major: &str| Control {
            id: id.into(),
            section: section.into(),
            major: major.into(),
            middle: "m".into(),
            text: "t".into(),
            extra: vec![],
        };
        let cat = Catalogue::new(
            CatalogueMeta::default(),
            vec![
                c("A1", "S", "X"),
                c("A2", "S", "X"),
                c("A3", "S", "Y"),
                c("B1", "T", "Z"),
                c("B2", "T", "Z"),
            ],
        );
        let o = parse_overlay(
            "o.csv",
            "id,status,responsibility,due\nA1,implemented,customer,\nA2,partial,customer,2026-01-31\nA3,planned,shared,2026-02-01\nB1,not_applicable,,\n"
                .as_bytes(),
            EncodingChoice::Auto,
            &cat,
        )
        .unwrap();
        let a = analyse(merge(&cat, &[o]), Date::new(2026, 2, 1).unwrap());
        let st: Vec<Status> = a.outcomes.iter().map(|o| o.status).collect();
        assert_eq!(
            st,
            [
                Status::Implemented,
                Status::Partial,
                Status::Planned,
                Status::NotApplicable,
                Status::Unanswered
            ]
        );
        // A2 is due before the report date; A3 is due on it, which is not overdue yet.
        assert_eq!(
            a.outcomes.iter().map(|o| o.overdue).collect::<Vec<_>>(),
            [false, true, false, false, false]
        );
        assert_eq!(
            (
                a.totals.total(),
                a.totals.applicable(),
                a.totals.met(),
                a.totals.gaps()
            ),
            (5, 4, 1, 3)
        );
        assert_eq!(a.totals.coverage(), 25.0);
        assert_eq!(
            a.by_section
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>(),
            ["S", "T"]
        );
        assert_eq!(a.by_major.len(), 3);
        assert_eq!(a.by_section[1].totals.coverage(), 0.0);
        assert_eq!(a.by_responsibility[1].1.total(), 2); // customer
        assert_eq!(a.by_responsibility[3].1.total(), 2); // unassigned
        assert_eq!(a.gap_indexes().collect::<Vec<_>>(), [1, 2, 4]);
    }
}

//! Stage 3, analyse: gaps, overdue items and totals, all in catalogue order.
//!
//! Rules: no status in any overlay means `unanswered`; gaps are `not_implemented`, `partial`,
//! `planned` and `unanswered`; `implemented` and `inherited` are met; `not_applicable` leaves
//! the denominator. A gap whose due date is before the report date is overdue.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::merge::Merged;
use crate::model::{Control, Responsibility, Status};

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

    /// Met share of applicable controls, in percent; `None` when nothing applies (a group of
    /// not-applicable controls has no coverage: it is neither 0% nor 100% met).
    pub fn coverage(&self) -> Option<f64> {
        self.share_of_applicable(self.met())
    }

    /// `n` as a percentage of the applicable controls; `None` when nothing applies.
    pub fn share_of_applicable(&self, n: usize) -> Option<f64> {
        match self.applicable() {
            0 => None,
            applicable => Some(n as f64 * 100.0 / applicable as f64),
        }
    }
}

/// A section of the catalogue, its totals and its 基準大項目.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionGroup {
    /// Name as in the catalogue.
    pub name: String,
    /// Counts over the section's controls.
    pub totals: Totals,
    /// 基準大項目 in order of first appearance within the section.
    pub majors: Vec<MajorGroup>,
}

/// A 基準大項目 within a section, its totals and its 中項目.
#[derive(Debug, Clone, PartialEq)]
pub struct MajorGroup {
    /// Name as in the catalogue (may be empty).
    pub name: String,
    /// Counts.
    pub totals: Totals,
    /// 中項目 in order of first appearance within the 基準大項目.
    pub middles: Vec<MiddleGroup>,
}

/// A 中項目 within a 基準大項目, its totals and its controls.
#[derive(Debug, Clone, PartialEq)]
pub struct MiddleGroup {
    /// Name as in the catalogue (may be empty).
    pub name: String,
    /// Counts.
    pub totals: Totals,
    /// Positions of its controls in the catalogue, in catalogue order.
    pub controls: Vec<usize>,
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
    /// Sections → 基準大項目 → 中項目 → controls: one group per distinct name at each level,
    /// in order of first appearance, whether or not the catalogue lists a group's controls
    /// together. Every renderer reads this one grouping.
    pub outline: Vec<SectionGroup>,
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

    /// Positions of the controls in the order every output shows them: section by section, as
    /// [`Analysis::outline`] groups them.
    pub fn display_order(&self) -> impl Iterator<Item = usize> + '_ {
        self.outline
            .iter()
            .flat_map(|s| &s.majors)
            .flat_map(|m| &m.middles)
            .flat_map(|m| m.controls.iter().copied())
    }
}

/// Section, 基準大項目 and 中項目 names of a control.
type Place<'c> = (&'c str, &'c str, &'c str);

/// Builds the outline: each group found through a hash index, so a catalogue whose every
/// control opens a new group, or whose groups interleave (設1, 運1, 技1, 設2, ...), stays
/// linear; consecutive controls of the same 中項目 (the usual case) skip the lookups.
#[derive(Default)]
struct OutlineBuilder<'c> {
    sections: Vec<SectionGroup>,
    section_at: HashMap<&'c str, usize>,
    major_at: HashMap<(usize, &'c str), usize>,
    middle_at: HashMap<(usize, usize, &'c str), usize>,
    /// The previous control's place: (section, major, middle) names and indexes.
    last: Option<(Place<'c>, (usize, usize, usize))>,
}

/// The index of `name` in `list`, pushing a new entry made by `make` the first time it is seen.
fn slot<K: std::hash::Hash + Eq, T>(
    at: &mut HashMap<K, usize>,
    key: K,
    list: &mut Vec<T>,
    make: impl FnOnce() -> T,
) -> usize {
    *at.entry(key).or_insert_with(|| {
        list.push(make());
        list.len() - 1
    })
}

impl<'c> OutlineBuilder<'c> {
    /// Indexes of the section, 基準大項目 and 中項目 of `control`, created on first sight.
    fn place(&mut self, control: &'c Control) -> (usize, usize, usize) {
        let names = (
            control.section.as_str(),
            control.major.as_str(),
            control.middle.as_str(),
        );
        if let Some((last, at)) = self.last
            && last == names
        {
            return at;
        }
        let (section, major, middle) = names;
        let s = slot(&mut self.section_at, section, &mut self.sections, || {
            SectionGroup {
                name: section.to_owned(),
                totals: Totals::default(),
                majors: Vec::new(),
            }
        });
        let majors = &mut self.sections[s].majors;
        let ma = slot(&mut self.major_at, (s, major), majors, || MajorGroup {
            name: major.to_owned(),
            totals: Totals::default(),
            middles: Vec::new(),
        });
        let middles = &mut majors[ma].middles;
        let mi = slot(&mut self.middle_at, (s, ma, middle), middles, || {
            MiddleGroup {
                name: middle.to_owned(),
                totals: Totals::default(),
                controls: Vec::new(),
            }
        });
        self.last = Some((names, (s, ma, mi)));
        (s, ma, mi)
    }

    /// Count control `i` (with its outcome) in its section, 基準大項目 and 中項目.
    fn add(&mut self, i: usize, control: &'c Control, outcome: Outcome) {
        let (s, ma, mi) = self.place(control);
        let section = &mut self.sections[s];
        section.totals.add(outcome.status, outcome.overdue);
        let major = &mut section.majors[ma];
        major.totals.add(outcome.status, outcome.overdue);
        let middle = &mut major.middles[mi];
        middle.totals.add(outcome.status, outcome.overdue);
        middle.controls.push(i);
    }
}

/// The catalogue's outline without answers: the grouping [`analyse`] makes (one group per
/// distinct name at each level, in order of first appearance), for the commands that show the
/// catalogue itself (`kansa catalogue show`, the answer sheet of `kansa init`), so that they
/// group exactly as the reports do. Every control counts as unanswered.
pub fn catalogue_outline(controls: &[Control]) -> Vec<SectionGroup> {
    let mut outline = OutlineBuilder::default();
    let blank = Outcome {
        status: Status::Unanswered,
        overdue: false,
    };
    for (i, control) in controls.iter().enumerate() {
        outline.add(i, control, blank);
    }
    outline.sections
}

/// Compute outcomes and totals as of `report_date`.
pub fn analyse(merged: Merged<'_>, report_date: Date) -> Analysis<'_> {
    let mut totals = Totals::default();
    let mut outline = OutlineBuilder::default();
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
        let resp = answer.responsibility.as_ref().map(|r| r.value);
        if let Some((_, t)) = by_resp.iter_mut().find(|(r, _)| *r == resp) {
            t.add(status, overdue);
        }
        let outcome = Outcome { status, overdue };
        outline.add(outcomes.len(), control, outcome);
        outcomes.push(outcome);
    }
    Analysis {
        merged,
        report_date,
        outcomes,
        totals,
        outline: outline.sections,
        by_responsibility: by_resp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{EncodingChoice, parse_overlay};
    use crate::merge::merge;
    use crate::model::{Catalogue, CatalogueMeta};

    /// Five controls in two sections and their answers: implemented, partial and due before
    /// 2026-02-01, planned and due on it, not applicable, unanswered.
    fn five_controls() -> (Catalogue, crate::model::Overlay) {
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
        (cat, o)
    }

    #[test]
    fn gaps_met_not_applicable_and_overdue() {
        let (cat, o) = five_controls();
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
        assert_eq!(a.totals.coverage(), Some(25.0));
        assert_eq!(
            a.outline
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>(),
            ["S", "T"]
        );
        assert_eq!(a.outline.iter().map(|s| s.majors.len()).sum::<usize>(), 3);
        assert_eq!(a.outline[1].totals.coverage(), Some(0.0));
        // Section T: B1 not applicable, B2 unanswered: coverage 0 of 1. A group with nothing
        // applicable has none (not 100%).
        let only_na = &a.outline[1].majors[0].middles[0].totals;
        assert_eq!(only_na.total(), 2);
        let mut none_apply = Totals::default();
        none_apply.add(Status::NotApplicable, false);
        assert_eq!(none_apply.coverage(), None);
        assert_eq!(none_apply.share_of_applicable(0), None);
        assert_eq!(a.totals.share_of_applicable(a.totals.gaps()), Some(75.0));
        assert_eq!(a.by_responsibility[1].1.total(), 2); // customer
        assert_eq!(a.by_responsibility[3].1.total(), 2); // unassigned
        assert_eq!(a.gap_indexes().collect::<Vec<_>>(), [1, 2, 4]);
    }

    /// Sections, 基準大項目 and 中項目 that interleave in the catalogue are each one group, in
    /// order of first appearance, with the totals of all their controls.
    #[test]
    fn interleaved_groups_are_one_group_each() {
        let c = |id: &str, section: &str, major: &str, middle: &str| Control {
            id: id.into(),
            section: section.into(),
            major: major.into(),
            middle: middle.into(),
            text: "t".into(),
            extra: vec![],
        };
        let cat = Catalogue::new(
            CatalogueMeta::default(),
            vec![
                c("設1", "設備", "建物", "環境"),
                c("運1", "運用", "体制", "規程"),
                c("設2", "設備", "建物", "周囲"),
                c("運2", "運用", "体制", "規程"),
                c("設3", "設備", "建物", "環境"),
                c("技1", "技術", "", ""),
                c("運3", "運用", "管理", "規程"),
                c("設4", "設備\u{200B}", "建物", "環境"),
            ],
        );
        let a = analyse(merge(&cat, &[]), Date::new(2026, 2, 1).unwrap());
        let names = |s: &SectionGroup| {
            s.majors
                .iter()
                .map(|m| {
                    let middles: Vec<String> = m
                        .middles
                        .iter()
                        .map(|mi| format!("{}{:?}", mi.name, mi.controls))
                        .collect();
                    format!("{}:{}", m.name, middles.join(","))
                })
                .collect::<Vec<_>>()
        };
        let got: Vec<(String, usize, Vec<String>)> = a
            .outline
            .iter()
            .map(|s| (s.name.clone(), s.totals.total(), names(s)))
            .collect();
        assert_eq!(
            got,
            [
                ("設備".into(), 3, vec!["建物:環境[0, 4],周囲[2]".into()]),
                (
                    "運用".into(),
                    3,
                    vec!["体制:規程[1, 3]".into(), "管理:規程[6]".into()]
                ),
                ("技術".into(), 1, vec![":[5]".into()]),
                ("設備\u{200B}".into(), 1, vec!["建物:環境[7]".into()]),
            ]
        );
        assert_eq!(a.outline[0].majors[0].totals.total(), 3);
        assert_eq!(a.outline[0].majors[0].middles[0].totals.total(), 2);
    }
}

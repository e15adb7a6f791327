//! The report's outline (sections, 大項目, 中項目) and the totals shown for each group.

use std::sync::Arc;

use serde::Serialize;

use super::controls::ControlView;
use super::shown;
use crate::analyse::{Analysis, MajorGroup, SectionGroup, Totals};
use crate::model::lang::status_label;
use crate::model::{Lang, Status};
use crate::render::labels::Label;

/// How a coverage of `None` (nothing applicable) is printed in every document: neither 0% nor
/// 100%, no figure at all.
pub const NO_COVERAGE: &str = "—";

/// Counts of a group, with percentages ready to print.
#[derive(Debug, Serialize)]
pub struct TotalsView {
    /// All controls.
    pub total: usize,
    /// All but not applicable.
    pub applicable: usize,
    /// Implemented + inherited.
    pub met: usize,
    /// Gaps.
    pub gaps: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// Overdue gaps.
    pub overdue: usize,
    /// Met / applicable, percent, one decimal; `None` (JSON `null`, "—" in documents) when
    /// nothing applies.
    pub coverage: Option<f64>,
    /// Shares of the total (percent, one decimal): met, gaps, not applicable. The charts do
    /// not use them (their bars are shares of the applicable controls: `coverage` and
    /// `gap_rate`); kept for JSON readers.
    pub met_share: f64,
    /// Gap share of all controls.
    pub gap_share: f64,
    /// Not-applicable share of all controls.
    pub na_share: f64,
    /// Count per status, every status listed.
    pub by_status: Vec<StatusCount>,
    /// Gaps / applicable, percent, one decimal; `None` when nothing applies. With `coverage`,
    /// the two parts of a chart bar: the bar is the applicable controls, so its green part is
    /// the coverage printed beside it.
    pub gap_rate: Option<f64>,
}

/// Count of one status.
#[derive(Debug, Serialize)]
pub struct StatusCount {
    /// Status code.
    pub status: Status,
    /// Display name.
    pub label: &'static str,
    /// Count.
    pub count: usize,
    /// The total the status counts in, named as the totals name it: `met`, `gaps` or
    /// `not_applicable`.
    pub counts_as: &'static str,
    /// Display name of `counts_as` (充足, ギャップ, 対象外).
    pub counts_as_label: &'static str,
}

/// Totals of a named group.
#[derive(Debug, Serialize)]
pub struct NamedTotals {
    /// Code (`provider`, ..., `unassigned`) or group name.
    pub name: String,
    /// Display name.
    pub label: String,
    /// Counts.
    pub totals: TotalsView,
}

/// A section with its 大項目.
#[derive(Debug, Serialize)]
pub struct SectionView {
    /// Name as in the catalogue.
    pub name: String,
    /// Display name in the report language, on one line (tabs and line breaks as spaces).
    pub label: String,
    /// Anchor for links.
    pub anchor: String,
    /// Counts.
    pub totals: TotalsView,
    /// 基準大項目 in order.
    pub majors: Vec<MajorView>,
}

/// A 基準大項目 with its 中項目.
#[derive(Debug, Serialize)]
pub struct MajorView {
    /// Name (may be empty).
    pub name: String,
    /// Counts.
    pub totals: TotalsView,
    /// 中項目 in order.
    pub middles: Vec<MiddleView>,
}

/// A 中項目 with its controls.
#[derive(Debug, Serialize)]
pub struct MiddleView {
    /// Name (may be empty).
    pub name: String,
    /// Counts.
    pub totals: TotalsView,
    /// Controls in order.
    pub controls: Vec<Arc<ControlView>>,
}

/// A display name on one line: tabs and line breaks become spaces. A section label is a cell
/// of the PDF's tab-separated chart lines, where a tab or a line break in a catalogue's
/// section name would shift or split the bars.
fn one_line(text: String) -> String {
    if text.contains(['\t', '\r', '\n']) {
        text.replace(['\t', '\r', '\n'], " ")
    } else {
        text
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub(super) fn totals_view(t: &Totals, lang: Lang) -> TotalsView {
    let share = |n: usize| match t.total() {
        0 => 0.0,
        total => round1(n as f64 * 100.0 / total as f64),
    };
    TotalsView {
        total: t.total(),
        applicable: t.applicable(),
        met: t.met(),
        gaps: t.gaps(),
        not_applicable: t.count(Status::NotApplicable),
        overdue: t.overdue,
        coverage: t.coverage().map(round1),
        met_share: share(t.met()),
        gap_share: share(t.gaps()),
        na_share: share(t.count(Status::NotApplicable)),
        by_status: Status::ALL
            .iter()
            .map(|s| StatusCount {
                status: *s,
                label: status_label(*s, lang),
                count: t.count(*s),
                counts_as: counts_as(*s).key(),
                counts_as_label: counts_as(*s).text(lang),
            })
            .collect(),
        gap_rate: t.share_of_applicable(t.gaps()).map(round1),
    }
}

/// The total a status counts in: met, gap or not applicable (the analysis' rules, named by the
/// labels the summary tables use for those columns).
pub(super) fn counts_as(status: Status) -> Label {
    if status.is_met() {
        Label::Met
    } else if status.is_gap() {
        Label::Gaps
    } else {
        Label::NotApplicable
    }
}

/// Nest the controls into the analysis's outline (sections, 大項目 and 中項目, each once, in
/// order of first appearance): each control is moved to the one place the outline gives it.
pub(super) fn sections(
    analysis: &Analysis<'_>,
    controls: Vec<Arc<ControlView>>,
    lang: Lang,
) -> Vec<SectionView> {
    let catalogue = analysis.merged.catalogue;
    let mut controls: Vec<Option<Arc<ControlView>>> = controls.into_iter().map(Some).collect();
    let mut section_view = |n: usize, s: &SectionGroup| SectionView {
        name: shown(&s.name),
        label: one_line(shown(&catalogue.section_label(&s.name, lang))),
        anchor: format!("section-{}", n + 1),
        totals: totals_view(&s.totals, lang),
        majors: s
            .majors
            .iter()
            .map(|m| major_view(m, &mut controls, lang))
            .collect(),
    };
    analysis
        .outline
        .iter()
        .enumerate()
        .map(|(n, s)| section_view(n, s))
        .collect()
}

/// The view of one 基準大項目, taking its controls out of `controls`.
fn major_view(m: &MajorGroup, controls: &mut [Option<Arc<ControlView>>], lang: Lang) -> MajorView {
    MajorView {
        name: shown(&m.name),
        totals: totals_view(&m.totals, lang),
        middles: m
            .middles
            .iter()
            .map(|mid| MiddleView {
                name: shown(&mid.name),
                totals: totals_view(&mid.totals, lang),
                controls: mid
                    .controls
                    .iter()
                    .filter_map(|&i| controls[i].take())
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ReportOptions, build};
    use crate::model::CatalogueMeta;

    /// Section names with a tab or a line break (a quoted CSV cell) are labelled on one line:
    /// the PDF's chart reads one tab-separated line per section.
    #[test]
    fn section_labels_fit_the_pdf_chart() {
        let cat = crate::load::catalogue::parse_catalogue(
            "c.csv",
            "id,section,text\nA1,\"Sec\tTab\",one\nA2,\"Sec\r\nLine\",two\n",
            CatalogueMeta::default(),
        )
        .unwrap();
        let analysis = crate::analyse::analyse(
            crate::merge::merge(&cat, &[]),
            jiff::civil::Date::new(2026, 2, 1).unwrap(),
        );
        let r = build(&analysis, &ReportOptions::default());
        let labels: Vec<&str> = r.sections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["Sec Tab", "Sec  Line"]);
        assert_eq!(
            r.sections[0].name, "Sec\tTab",
            "the name stays as in the catalogue"
        );
        let md =
            crate::render::render_pdf_markdown(&r, &crate::render::Templates::builtin().unwrap())
                .unwrap();
        let chart: Vec<&str> = md
            .split("```kansa-chart\n")
            .nth(1)
            .unwrap()
            .lines()
            .take_while(|l| !l.starts_with("```"))
            .skip(1)
            .collect();
        assert_eq!(chart.len(), 3, "two sections and overall: {chart:?}");
        assert!(
            chart.iter().all(|l| l.split('\t').count() == 5),
            "{chart:?}"
        );
    }
}

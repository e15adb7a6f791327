//! The order of the findings register (the report's `gaps`): one order, chosen here, that every
//! format follows (md, html, pdf, xlsx, JSON, `gaps.csv`, tickets, `summary.md`), since they all
//! walk the view's `gaps`.
//!
//! An auditor reads the register from the top and stops when time runs out, so by default the
//! most urgent finding comes first: overdue ones, then by risk (high, medium, low, unrated),
//! then by due date (earliest first, none last); equal keys keep catalogue order, so the order
//! is total and the output the same on every run.

use std::cmp::Reverse;

use jiff::civil::Date;

use crate::analyse::Analysis;
use crate::merge::MergedAnswer;
use crate::model::Risk;

/// How the findings register is ordered (`kansa report --sort`, `sort` in a `[[pack]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum GapOrder {
    /// Overdue first, then risk high → low (unrated last), then due date (none last), then
    /// catalogue order.
    #[default]
    Urgency,
    /// Catalogue order.
    Catalogue,
}

/// What the urgency order compares, most significant first: not overdue after overdue, the
/// risk rank, no due date after any date, the due date, and the catalogue position last, so no
/// two gaps compare equal.
type UrgencyKey = (Reverse<bool>, usize, bool, Option<Date>, usize);

/// The urgency key of the gap at catalogue position `i`.
fn urgency_key(i: usize, overdue: bool, answer: Option<&MergedAnswer>) -> UrgencyKey {
    let risk = answer.and_then(|a| a.risk.as_ref()).map(|r| r.value);
    let due = answer.and_then(|a| a.due.as_ref()).map(|d| d.value);
    (Reverse(overdue), risk_rank(risk), due.is_none(), due, i)
}

/// High 0, medium 1, low 2, unrated 3 ([`Risk::ALL`] lists them high to low).
fn risk_rank(risk: Option<Risk>) -> usize {
    risk.and_then(|r| Risk::ALL.iter().position(|x| *x == r))
        .unwrap_or(Risk::ALL.len())
}

/// Positions (in the catalogue) of the gaps of `analysis`, in `order`; `answers` are its merged
/// answers (read before the view takes them).
pub(super) fn gap_positions(
    analysis: &Analysis<'_>,
    answers: &[MergedAnswer],
    order: GapOrder,
) -> Vec<usize> {
    let mut gaps: Vec<usize> = analysis.gap_indexes().collect();
    if order == GapOrder::Urgency {
        gaps.sort_by_key(|&i| {
            let overdue = analysis.outcomes.get(i).is_some_and(|o| o.overdue);
            urgency_key(i, overdue, answers.get(i))
        });
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Catalogue, CatalogueMeta, Control};
    use crate::render::view::{ReportOptions, build};

    /// Ten controls `A1`..`A10`; as of 2026-02-01 A2, A6 and A10 are overdue, A5 and A9
    /// have equal keys, A7 has no answer at all (unanswered: a gap with no risk or due date).
    const ANSWERS: &str = "id,status,risk,due\n\
        A1,implemented,high,2026-01-01\n\
        A2,partial,low,2026-01-10\n\
        A3,partial,high,\n\
        A4,planned,high,2026-06-30\n\
        A5,not_implemented,high,2026-03-31\n\
        A6,partial,medium,2026-01-20\n\
        A8,partial,,2026-04-30\n\
        A9,partial,high,2026-03-31\n\
        A10,partial,high,2026-01-31\n";

    fn gap_ids(order: GapOrder) -> Vec<String> {
        use crate::load::{EncodingChoice, parse_overlay};
        let controls = (1..=10)
            .map(|n| Control {
                id: format!("A{n}"),
                section: "S".into(),
                major: "M".into(),
                middle: String::new(),
                text: "t".into(),
                extra: vec![],
            })
            .collect();
        let cat = Catalogue::new(
            CatalogueMeta {
                id: "cat".into(),
                ..Default::default()
            },
            controls,
        );
        let o = parse_overlay("o.csv", ANSWERS.as_bytes(), EncodingChoice::Auto, &cat).unwrap();
        let analysis = crate::analyse::analyse(
            crate::merge::merge(&cat, &[o]),
            Date::new(2026, 2, 1).unwrap(),
        );
        let options = ReportOptions {
            gap_order: order,
            ..Default::default()
        };
        let report = build(&analysis, &options);
        report.gaps.iter().map(|g| g.id.clone()).collect()
    }

    #[test]
    fn urgency_puts_overdue_then_risk_then_due_date_then_catalogue_order() {
        assert_eq!(
            gap_ids(GapOrder::Urgency),
            ["A10", "A6", "A2", "A5", "A9", "A4", "A3", "A8", "A7"]
        );
        assert_eq!(GapOrder::default(), GapOrder::Urgency);
    }

    #[test]
    fn catalogue_order_keeps_the_catalogue() {
        assert_eq!(
            gap_ids(GapOrder::Catalogue),
            ["A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"]
        );
    }

    #[test]
    fn unrated_comes_after_low() {
        assert_eq!(risk_rank(Some(Risk::High)), 0);
        assert!(risk_rank(Some(Risk::Low)) < risk_rank(None));
    }
}

//! The one serialize-only view that templates and JSON see; never the domain types.
//!
//! Everything is in catalogue order, in `Vec`s: no map iteration reaches the output, so the same
//! inputs always give the same bytes.
//!
//! Split by what each part shows: `controls` (one control, its anchor and repeated answers),
//! `sections` (the outline and its totals), `inputs` (catalogue and overlay files),
//! `changes` (changes since a baseline) and `fields` (the answer fields, one per
//! [`Field`](crate::model::fields::Field)); `shared` holds the strings every control refers to.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::analyse::Analysis;
use crate::merge::MergedAnswer;
use crate::model::Lang;
use crate::model::lang::responsibility_label;
use crate::model::text::visible;
use crate::render::labels::Label;

pub mod changes;
mod controls;
mod definitions;
mod document;
mod fields;
mod inputs;
mod order;
mod sections;
mod shared;

pub use crate::model::SCHEMA_VERSION;
pub use changes::{ChangeView, ChangesView};
pub use controls::{ControlView, ExtraView, anchor_for};
pub use definitions::DefinitionView;
pub use document::{DocumentInfo, DocumentView, SignOffView, Signature};
pub use fields::{FieldTexts, GapColumn, Sources, gap_columns, register_columns};
pub use inputs::{CatalogueView, InputView};
pub use order::GapOrder;
pub use sections::{
    MajorView, MiddleView, NO_COVERAGE, NamedTotals, SectionView, StatusCount, TotalsView,
};

use changes::changes_view;
use controls::control_views;
use definitions::definitions;
use document::document_view;
use inputs::{catalogue_view, input_view};
use sections::{sections, totals_view};
use shared::Shared;

/// Options that shape a report but are not analysis.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Label language.
    pub lang: Lang,
    /// Organisation named on the report.
    pub organisation: Option<String>,
    /// Title; defaults to the language's "gap analysis report".
    pub title: Option<String>,
    /// Changes since a previous assessment ([`crate::diff::compare`]), computed before the
    /// view because the view may take the analysis' answers.
    pub changes: Option<crate::diff::Changes>,
    /// Page and font settings for PDF output.
    pub pdf: crate::render::PdfSettings,
    /// The order of the findings register (`gaps`): urgency (default) or catalogue.
    pub gap_order: GapOrder,
    /// Document control: number, version, classification, purpose, scope, sign-offs.
    pub document: DocumentInfo,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// JSON wire format version.
    pub schema_version: u32,
    /// kansa's version.
    pub kansa_version: &'static str,
    /// Report title.
    pub title: String,
    /// Organisation, if named.
    pub organisation: Option<String>,
    /// The day the report is as of; `YYYY-MM-DD` in JSON and templates.
    #[serde(serialize_with = "crate::model::date::serialize_iso")]
    pub report_date: jiff::civil::Date,
    /// `ja` or `en`.
    pub lang: Lang,
    /// Catalogue metadata.
    pub catalogue: CatalogueView,
    /// Overlays in the order applied.
    pub inputs: Vec<InputView>,
    /// Headers of custom overlay columns.
    pub extra_columns: Vec<String>,
    /// Totals over everything.
    pub summary: TotalsView,
    /// Sections → 大項目 → 中項目 → controls: each group once, in order of first appearance
    /// in the catalogue (controls of a group listed apart in the catalogue are shown together).
    pub sections: Vec<SectionView>,
    /// Per responsibility (provider, customer, shared, unassigned), only those with controls:
    /// an empty group would be a row of zeros in every table.
    pub by_responsibility: Vec<NamedTotals>,
    /// Gap controls, the findings register: in [`ReportOptions::gap_order`] (by default
    /// overdue first, then risk, then due date, then catalogue order; see `order`).
    pub gaps: Vec<Arc<ControlView>>,
    /// Changes since the baseline, when one was given.
    pub changes: Option<ChangesView>,
    /// What met, gap, not applicable, applicable, coverage and overdue mean: the definitions
    /// box of every summary.
    pub definitions: Vec<DefinitionView>,
    /// Document control (number, version, classification, purpose, scope, sign-off boxes).
    pub document: DocumentView,
}

fn shown(text: &str) -> String {
    visible(text).into_owned()
}

/// [`shown`] for a string the view may keep: most have nothing to replace and are moved.
fn shown_owned(text: String) -> String {
    match visible(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(replaced) => replaced,
    }
}

/// Build the view of an analysis.
pub fn build(analysis: &Analysis<'_>, options: &ReportOptions) -> Report {
    build_with(analysis, analysis.merged.answers.clone(), options)
}

/// [`build`], consuming the analysis: the answers' texts move into the view instead of being
/// copied (what `kansa report` does; on a large catalogue a copy of every answer saved).
pub fn build_owned(mut analysis: Analysis<'_>, options: &ReportOptions) -> Report {
    let answers = std::mem::take(&mut analysis.merged.answers);
    build_with(&analysis, answers, options)
}

/// The view of `analysis` with `answers` (its merged answers, taken out of it or copied).
fn build_with(
    analysis: &Analysis<'_>,
    answers: Vec<MergedAnswer>,
    options: &ReportOptions,
) -> Report {
    let lang = options.lang;
    let merged = &analysis.merged;
    let catalogue = merged.catalogue;
    let shared = Shared::new(analysis);
    let gap_positions = order::gap_positions(analysis, &answers, options.gap_order);
    let controls = control_views(analysis, answers, lang, &shared);
    let changes = options
        .changes
        .as_ref()
        .map(|c| changes_view(c, &controls, lang));
    let gaps = gap_positions
        .into_iter()
        .map(|i| Arc::clone(&controls[i]))
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        kansa_version: env!("CARGO_PKG_VERSION"),
        title: options
            .title
            .as_deref()
            .map_or_else(|| Label::Title.text(lang).to_owned(), shown),
        organisation: options.organisation.as_deref().map(shown),
        report_date: analysis.report_date,
        lang,
        catalogue: catalogue_view(catalogue, lang),
        inputs: merged.overlays.iter().map(input_view).collect(),
        extra_columns: shared.extra_columns.iter().map(|c| c.to_string()).collect(),
        summary: totals_view(&analysis.totals, lang),
        sections: sections(analysis, controls, lang),
        by_responsibility: analysis
            .by_responsibility
            .iter()
            .filter(|(_, t)| t.total() > 0)
            .map(|(r, t)| NamedTotals {
                name: r.map_or("unassigned", |r| r.code()).to_owned(),
                label: responsibility_label(*r, lang).to_owned(),
                totals: totals_view(t, lang),
            })
            .collect(),
        gaps,
        changes,
        definitions: definitions(lang),
        document: document_view(&options.document, lang),
    }
}

impl Report {
    /// Every control, in the order the report shows them (grouped as `sections`).
    pub fn controls(&self) -> impl Iterator<Item = &ControlView> {
        self.sections
            .iter()
            .flat_map(|s| &s.majors)
            .flat_map(|m| &m.middles)
            .flat_map(|m| &m.controls)
            .map(|c| &**c)
    }
}

/// The report of `cat` with one overlay `o.csv` holding `answers`, as of 2026-02-01: for the
/// tests of every part of the view.
#[cfg(test)]
fn report_of(cat: &crate::model::Catalogue, answers: &str) -> Report {
    use crate::load::{EncodingChoice, parse_overlay};
    let o = parse_overlay("o.csv", answers.as_bytes(), EncodingChoice::Auto, cat).unwrap();
    let analysis = crate::analyse::analyse(
        crate::merge::merge(cat, &[o]),
        jiff::civil::Date::new(2026, 2, 1).unwrap(),
    );
    build(&analysis, &ReportOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{EncodingChoice, parse_overlay};
    use crate::model::fields::Field;
    use crate::model::{Catalogue, CatalogueMeta, Control};

    #[test]
    fn invisible_characters_become_visible() {
        assert_eq!(visible("未実施"), Cow::Borrowed("未実施"));
        assert_eq!(visible("a\u{202E}b\u{200B}"), "a[U+202E]b[U+200B]");
        assert_eq!(visible("\u{E0041}"), "[U+E0041]");
    }

    /// `kansa report` moves the answers into the view (`build_owned`); packs copy them
    /// (`build`): both views must be the same, invisible characters made visible in both.
    #[test]
    fn owned_and_borrowed_views_are_the_same() {
        let cat = crate::load::load_catalogue("fisc-2012").unwrap();
        let load = |p: &str| {
            let bytes = std::fs::read(p).unwrap();
            parse_overlay(p, &bytes, EncodingChoice::Auto, &cat).unwrap()
        };
        let mut bank = load("examples/example-bank/answers.csv");
        bank.rows[0].answer.answer = Some("見\u{202E}えない".into());
        let overlays = vec![load("examples/aws-2012/answers.csv"), bank];
        let date = jiff::civil::Date::new(2026, 11, 25).unwrap();
        let options = ReportOptions::default();
        let copied = build(
            &crate::analyse::analyse(crate::merge::merge(&cat, &overlays), date),
            &options,
        );
        let moved = build_owned(
            crate::analyse::analyse(crate::merge::merge_owned(&cat, overlays), date),
            &options,
        );
        let (a, b) = (
            serde_json::to_string(&copied).unwrap(),
            serde_json::to_string(&moved).unwrap(),
        );
        assert!(a.contains("見[U+202E]えない"));
        assert!(a == b, "the owned view differs");
    }

    #[test]
    fn view_nests_controls_and_names_sources() {
        let c = |id: &str, s: &str, ma: &str, mi: &str| Control {
            id: id.into(),
            section: s.into(),
            major: ma.into(),
            middle: mi.into(),
            text: "t".into(),
            extra: vec![],
        };
        let cat = Catalogue::new(
            CatalogueMeta {
                id: "cat".into(),
                ..Default::default()
            },
            vec![
                c("A1", "S", "M", "x"),
                c("A2", "S", "M", "y"),
                c("B1", "T", "N", ""),
            ],
        );
        let load =
            |p: &str, t: &str| parse_overlay(p, t.as_bytes(), EncodingChoice::Auto, &cat).unwrap();
        let p = load(
            "prov/provider.csv",
            "id,status,answer\nA1,inherited,provider text\n",
        );
        let o = load(
            "org/bank.csv",
            "id,owner,due,extra col\nA1,me,2026-01-01,v\nA2,you,,\n",
        );
        let merged = crate::merge::merge(&cat, &[p, o]);
        let analysis = crate::analyse::analyse(merged, jiff::civil::Date::new(2026, 2, 1).unwrap());
        let r = build(
            &analysis,
            &ReportOptions {
                lang: Lang::En,
                ..Default::default()
            },
        );
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[0].majors[0].middles.len(), 2);
        let a1 = &r.sections[0].majors[0].middles[0].controls[0];
        assert_eq!(a1.key, "cat:A1");
        assert_eq!(a1.sources.get(Field::Status), Some("provider.csv"));
        assert_eq!(a1.sources.get(Field::Owner), Some("bank.csv"));
        assert!(!a1.overdue, "met controls are never overdue");
        assert_eq!(&*a1.extra[0].name, "extra col");
        assert_eq!(
            r.gaps.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
            ["A2", "B1"]
        );
        assert_eq!(r.summary.coverage, Some(33.3));
        assert_eq!(r.title, "Gap analysis report");
        assert_eq!(a1.answer_same_as, None);
    }
}

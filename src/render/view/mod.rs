//! The one serialize-only view that templates and JSON see; never the domain types.
//!
//! Everything is in catalogue order, in `Vec`s: no map iteration reaches the output, so the same
//! inputs always give the same bytes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::analyse::{Analysis, MajorGroup, SectionGroup, Totals};
use crate::merge::{MergedAnswer, Sourced};
use crate::model::Lang;
use crate::model::fields::{Field, Kind};
use crate::model::lang::{responsibility_label, status_label};
use crate::model::text::visible;
use crate::model::{Control, Status};
use crate::render::changes_view::{ChangesView, changes_view};
use crate::render::field_view::field_text;
use crate::render::labels::Label;

pub use crate::model::SCHEMA_VERSION;
pub use crate::render::field_view::{FieldTexts, GapColumn, Sources, gap_columns};

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
    /// Per responsibility (provider, customer, shared, unassigned).
    pub by_responsibility: Vec<NamedTotals>,
    /// Gap controls, catalogue order.
    pub gaps: Vec<Arc<ControlView>>,
    /// Changes since the baseline, when one was given.
    pub changes: Option<ChangesView>,
}

/// Catalogue metadata as shown.
#[derive(Debug, Serialize)]
pub struct CatalogueView {
    /// Machine name.
    pub id: String,
    /// Title in the report language.
    pub name: String,
    /// Edition.
    pub edition: String,
    /// Publisher in the report language.
    pub publisher: String,
    /// Where the text comes from.
    pub source: String,
    /// Copyright line.
    pub copyright: String,
    /// SHA-256 of the controls file.
    pub sha256: String,
    /// Number of controls.
    pub controls: usize,
}

/// One overlay file.
#[derive(Debug, Serialize)]
pub struct InputView {
    /// Provenance label.
    pub label: String,
    /// Where the input is, for documents: its label in a report (the working directory and
    /// local paths never reach a document); the path as the config writes it in a pack.
    pub path: String,
    /// The path exactly as given, for messages only: documents show `path`.
    #[serde(skip)]
    pub given_path: String,
    /// Where each extra column's header is in the file, for messages only.
    #[serde(skip)]
    pub header_cells: Vec<(String, crate::model::HeaderCell)>,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Encoding it was read with.
    pub encoding: String,
    /// Data rows.
    pub rows: usize,
}

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
    /// Met / applicable, percent, one decimal.
    pub coverage: f64,
    /// Shares of the total for charts (percent, one decimal): met, gaps, not applicable.
    pub met_share: f64,
    /// Gap share of all controls.
    pub gap_share: f64,
    /// Not-applicable share of all controls.
    pub na_share: f64,
    /// Count per status, every status listed.
    pub by_status: Vec<StatusCount>,
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

/// A value from an extra column.
#[derive(Debug, Clone, Serialize)]
pub struct ExtraView {
    /// Column header.
    pub name: Arc<str>,
    /// Value.
    pub value: String,
    /// Overlay that set it.
    pub source: Arc<str>,
}

/// One control with its effective answer.
#[derive(Debug, Clone, Serialize)]
pub struct ControlView {
    /// Id.
    pub id: String,
    /// Stable key across runs: `catalogue:id`.
    pub key: String,
    /// HTML anchor.
    pub anchor: String,
    /// Section name.
    pub section: String,
    /// 基準大項目.
    pub major: String,
    /// 中項目.
    pub middle: String,
    /// Control text.
    pub text: String,
    /// Status code.
    pub status: Status,
    /// Status display name.
    pub status_label: &'static str,
    /// Is a gap.
    pub gap: bool,
    /// Is met.
    pub met: bool,
    /// Gap past due.
    pub overdue: bool,
    /// Responsibility code, if any.
    pub responsibility: Option<&'static str>,
    /// Responsibility display name ("unassigned" when none).
    pub responsibility_label: &'static str,
    /// The answer fields shown as text (answer, evidence, owner, due, ...), each under its key
    /// as if a member of the control (`c.owner`).
    #[serde(flatten)]
    pub fields: FieldTexts,
    /// Custom columns that have a value.
    pub extra: Vec<ExtraView>,
    /// Which overlay set each field.
    pub sources: Sources,
    /// When the previous control(s) have the very same answer (a provider often answers a whole
    /// 中項目 at once): the id of the first control with it, so a printed report can say
    /// "same as 設3" instead of repeating the paragraph.
    pub answer_same_as: Option<String>,
    /// The overlay rows that answered the control, as (layer, line): to
    /// locate problems found after merging (e.g. characters the PDF font lacks).
    #[serde(skip)]
    pub origins: Vec<(usize, u64)>,
}

impl ControlView {
    /// The value of `field` as exports write it: status and responsibility as codes (the
    /// status is the analysis' outcome: `unanswered` when no overlay gave one).
    pub fn value(&self, field: Field) -> Option<&str> {
        match field.kind() {
            Kind::Status => Some(self.status.code()),
            Kind::Responsibility => self.responsibility,
            Kind::Text | Kind::Date => self.fields.get(field),
        }
    }

    /// The value of `field` as a document shows it: status and responsibility as labels in the
    /// report's language ("unassigned" when none).
    pub fn shown(&self, field: Field) -> Option<&str> {
        match field.kind() {
            Kind::Status => Some(self.status_label),
            Kind::Responsibility => Some(self.responsibility_label),
            Kind::Text | Kind::Date => self.fields.get(field),
        }
    }

    /// The control's custom values aligned with `columns` (the report's `extra_columns`):
    /// `None` where it has none. Its values come in column order, so one pass suffices, however
    /// many columns there are.
    pub fn extra_by_column<'a>(
        &'a self,
        columns: &'a [String],
    ) -> impl Iterator<Item = Option<&'a ExtraView>> + 'a {
        let mut values = self.extra.iter().peekable();
        columns
            .iter()
            .map(move |name| values.next_if(|x| *x.name == **name))
    }
}

/// An HTML id (and file-name-safe stem) for a control: letters, digits, `-` and `_` only, so
/// that an id from a hostile catalogue cannot break out of an attribute or a path.
pub fn anchor_for(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("c-{safe}")
}

fn shown(text: &str) -> String {
    visible(text).into_owned()
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

/// [`shown`] for a string the view may keep: most have nothing to replace and are moved.
fn shown_owned(text: String) -> String {
    match visible(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(replaced) => replaced,
    }
}

/// Make anchors unique: two ids that sanitise alike (`a/b`, `a_b`) get `c-a_b` and `c-a_b-2`,
/// so every link lands on its own control.
fn unique_anchors(controls: &mut [ControlView]) {
    let mut used: HashSet<String> = controls.iter().map(|c| c.anchor.clone()).collect();
    if used.len() == controls.len() {
        return;
    }
    let mut seen: HashSet<String> = HashSet::with_capacity(controls.len());
    for c in controls.iter_mut() {
        if seen.insert(c.anchor.clone()) {
            continue;
        }
        let base = c.anchor.clone();
        let mut n = 2;
        let fresh = loop {
            let candidate = format!("{base}-{n}");
            if !used.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        used.insert(fresh.clone());
        seen.insert(fresh.clone());
        c.anchor = fresh;
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn totals_view(t: &Totals, lang: Lang) -> TotalsView {
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
        coverage: round1(t.coverage()),
        met_share: share(t.met()),
        gap_share: share(t.gaps()),
        na_share: share(t.count(Status::NotApplicable)),
        by_status: Status::ALL
            .iter()
            .map(|s| StatusCount {
                status: *s,
                label: status_label(*s, lang),
                count: t.count(*s),
            })
            .collect(),
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
    let meta = &catalogue.meta;
    let shared = Shared::new(analysis);
    let controls = control_views(analysis, answers, lang, &shared);
    let changes = options
        .changes
        .as_ref()
        .map(|c| changes_view(c, &controls, lang));
    let gaps = analysis
        .gap_indexes()
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
        catalogue: CatalogueView {
            id: shown(&meta.id),
            name: shown(&pick(lang, &meta.name, &meta.name_en)),
            edition: shown(&meta.edition),
            publisher: shown(&pick(lang, &meta.publisher, &meta.publisher_en)),
            source: shown(&meta.source),
            copyright: shown(&meta.copyright),
            sha256: catalogue.sha256.clone(),
            controls: catalogue.controls.len(),
        },
        inputs: merged.overlays.iter().map(input_view).collect(),
        extra_columns: shared.extra_columns.iter().map(|c| c.to_string()).collect(),
        summary: totals_view(&analysis.totals, lang),
        sections: sections(analysis, controls, lang),
        by_responsibility: analysis
            .by_responsibility
            .iter()
            .map(|(r, t)| NamedTotals {
                name: r.map_or("unassigned", |r| r.code()).to_owned(),
                label: responsibility_label(*r, lang).to_owned(),
                totals: totals_view(t, lang),
            })
            .collect(),
        gaps,
        changes,
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

/// Set [`ControlView::answer_same_as`] on each control whose answer (and its source) equals the
/// previous control's in `order` (the order the report shows them), pointing at the first
/// control of the run.
fn mark_repeated_answers(controls: &mut [ControlView], order: &[usize]) {
    let mut first: Option<usize> = None;
    for pair in order.windows(2) {
        let (prev, i) = (pair[0], pair[1]);
        let answer = |c: usize| controls[c].fields.get(Field::Answer);
        let source = |c: usize| controls[c].sources.get(Field::Answer);
        let same = answer(i).is_some() && answer(i) == answer(prev) && source(i) == source(prev);
        if same {
            let head = *first.get_or_insert(prev);
            controls[i].answer_same_as = Some(controls[head].id.clone());
        } else {
            first = None;
        }
    }
}

/// The English of a catalogue text for an English report when the catalogue has one, else
/// the text as written.
fn pick(lang: Lang, native: &str, en: &Option<String>) -> String {
    match (lang, en) {
        (Lang::En, Some(e)) => e.clone(),
        _ => native.to_owned(),
    }
}

/// Nest the controls into the analysis's outline (sections, 大項目 and 中項目, each once, in
/// order of first appearance): each control is moved to the one place the outline gives it.
fn sections(
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

/// Positions of the controls in the order the report shows them: section by section, as
/// [`Analysis::outline`] groups them.
fn display_order(analysis: &Analysis<'_>) -> Vec<usize> {
    analysis
        .outline
        .iter()
        .flat_map(|s| &s.majors)
        .flat_map(|m| &m.middles)
        .flat_map(|m| m.controls.iter().copied())
        .collect()
}

/// The report's extra columns: the catalogue's (in file order), then the overlays' the
/// catalogue does not have. The catalogue is the bottom layer: where both have a column, an
/// overlay's value wins and the catalogue's shows where no overlay gives one.
struct ExtraColumns<'a> {
    /// Column headers as in the files.
    names: Vec<&'a str>,
    /// Where each of `Merged::extra_columns` goes in `names`.
    overlay_slot: Vec<usize>,
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

/// The view of every control, in catalogue order, with `answers` (moved in); shared, not
/// copied: a gap appears under its section and in the gap list.
fn control_views(
    analysis: &Analysis<'_>,
    answers: Vec<MergedAnswer>,
    lang: Lang,
    shared: &Shared,
) -> Vec<Arc<ControlView>> {
    let mut controls: Vec<ControlView> = answers
        .into_par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(i, a)| control_view(analysis, i, a, lang, shared))
        .collect();
    mark_repeated_answers(&mut controls, &display_order(analysis));
    unique_anchors(&mut controls);
    controls.into_iter().map(Arc::new).collect()
}

/// One overlay file as the report lists it.
fn input_view(o: &crate::merge::LayerInfo) -> InputView {
    InputView {
        label: shown(&o.label),
        path: shown(&o.label),
        given_path: o.path.clone(),
        header_cells: o.header_cells.clone(),
        sha256: o.sha256.clone(),
        encoding: o.encoding.clone(),
        rows: o.rows,
    }
}

/// Strings every control refers to, allocated once per report rather than once per control.
struct Shared {
    /// Overlay labels, by layer.
    labels: Vec<Arc<str>>,
    /// Extra column headers as shown, the catalogue's first (see [`ExtraColumns`]).
    extra_columns: Vec<Arc<str>>,
    /// The source named for values from the catalogue's own extra columns: its id.
    catalogue_label: Arc<str>,
    /// How many of `extra_columns` are the catalogue's.
    catalogue_extra: usize,
    /// Where each of `Merged::extra_columns` goes in `extra_columns`.
    overlay_slot: Vec<usize>,
}

impl Shared {
    /// The shared strings of `analysis`' report.
    fn new(analysis: &Analysis<'_>) -> Self {
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
    fn extra_values(
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

/// Where each field of `a` came from, and the fields shown as text, moved out of `a`.
fn answer_fields(a: &mut MergedAnswer, shared: &Shared) -> (Sources, FieldTexts) {
    let mut sources = Sources::default();
    let mut texts = FieldTexts::default();
    for field in Field::ALL {
        let label = a.layer(field).map(|l| Arc::clone(&shared.labels[l]));
        sources.set(field, label);
        if FieldTexts::holds(field)
            && let Some(v) = a.take(field)
        {
            let text = match v.value {
                crate::model::fields::Value::Text(t) => Some(shown_owned(t)),
                other => field_text(other.as_ref(), shown),
            };
            texts.set(field, text);
        }
    }
    (sources, texts)
}

fn control_view(
    analysis: &Analysis<'_>,
    i: usize,
    mut a: MergedAnswer,
    lang: Lang,
    shared: &Shared,
) -> ControlView {
    let merged = &analysis.merged;
    let c: &Control = &merged.catalogue.controls[i];
    let outcome = analysis.outcomes[i];
    let responsibility = a.responsibility.as_ref().map(|r| r.value);
    let (sources, fields) = answer_fields(&mut a, shared);
    ControlView {
        id: shown(&c.id),
        key: shown(&format!("{}:{}", merged.catalogue.meta.id, c.id)),
        anchor: anchor_for(&c.id),
        section: shown(&c.section),
        major: shown(&c.major),
        middle: shown(&c.middle),
        text: shown(&c.text),
        status: outcome.status,
        status_label: status_label(outcome.status, lang),
        gap: outcome.status.is_gap(),
        met: outcome.status.is_met(),
        overdue: outcome.overdue,
        responsibility: responsibility.map(|r| r.code()),
        responsibility_label: responsibility_label(responsibility, lang),
        fields,
        extra: shared.extra_values(c, a.extra),
        sources,
        answer_same_as: None,
        origins: a.rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{EncodingChoice, parse_overlay};
    use crate::model::{Catalogue, CatalogueMeta};

    /// The report of `cat` with one overlay `o.csv` holding `answers`, as of 2026-02-01.
    fn report_of(cat: &Catalogue, answers: &str) -> Report {
        let o = parse_overlay("o.csv", answers.as_bytes(), EncodingChoice::Auto, cat).unwrap();
        let analysis = crate::analyse::analyse(
            crate::merge::merge(cat, &[o]),
            jiff::civil::Date::new(2026, 2, 1).unwrap(),
        );
        build(&analysis, &ReportOptions::default())
    }

    #[test]
    fn repeated_answers_point_at_the_first_control_of_the_run() {
        let mk = |id: &str, answer: Option<&str>, source: &str| {
            let mut c = control_stub(id);
            c.fields.set(Field::Answer, answer.map(str::to_owned));
            c.sources.set(Field::Answer, Some(source.into()));
            c
        };
        let mut v = vec![
            mk("A1", Some("x"), "p"),
            mk("A2", Some("x"), "p"),
            mk("A3", Some("x"), "p"),
            mk("A4", Some("x"), "o"),
            mk("A5", None, "p"),
            mk("A6", None, "p"),
        ];
        mark_repeated_answers(&mut v, &[0, 1, 2, 3, 4, 5]);
        let got: Vec<Option<&str>> = v.iter().map(|c| c.answer_same_as.as_deref()).collect();
        assert_eq!(got, [None, Some("A1"), Some("A1"), None, None, None]);
    }

    fn control_stub(id: &str) -> ControlView {
        ControlView {
            id: id.into(),
            key: id.into(),
            anchor: anchor_for(id),
            section: String::new(),
            major: String::new(),
            middle: String::new(),
            text: String::new(),
            status: Status::Unanswered,
            status_label: "",
            gap: true,
            met: false,
            overdue: false,
            responsibility: None,
            responsibility_label: "",
            fields: FieldTexts::default(),
            extra: vec![],
            sources: Sources::default(),
            answer_same_as: None,
            origins: Vec::new(),
        }
    }

    #[test]
    fn custom_values_align_with_the_columns() {
        let mut c = control_stub("A1");
        let x = |name: &str, value: &str| ExtraView {
            name: name.into(),
            value: value.into(),
            source: "o".into(),
        };
        c.extra = vec![x("b", "2"), x("d", "4")];
        let columns = ["a", "b", "c", "d", "e"].map(String::from);
        let got: Vec<Option<&str>> = c
            .extra_by_column(&columns)
            .map(|v| v.map(|v| v.value.as_str()))
            .collect();
        assert_eq!(got, [None, Some("2"), None, Some("4"), None]);
    }

    #[test]
    fn invisible_characters_become_visible() {
        assert_eq!(visible("未実施"), Cow::Borrowed("未実施"));
        assert_eq!(visible("a\u{202E}b\u{200B}"), "a[U+202E]b[U+200B]");
        assert_eq!(visible("\u{E0041}"), "[U+E0041]");
    }

    #[test]
    fn anchors_are_unique_even_when_ids_sanitise_alike() {
        let mut v: Vec<ControlView> = ["a/b", "a_b", "a.b", "a_b-2"]
            .iter()
            .map(|id| control_stub(id))
            .collect();
        unique_anchors(&mut v);
        let anchors: Vec<&str> = v.iter().map(|c| c.anchor.as_str()).collect();
        assert_eq!(anchors, ["c-a_b", "c-a_b-3", "c-a_b-4", "c-a_b-2"]);
    }

    #[test]
    fn anchors_keep_only_safe_characters() {
        assert_eq!(anchor_for("設83-1"), "c-設83-1");
        assert_eq!(anchor_for("a\"><x y/../"), "c-a___x_y____");
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
            "prov/answers.csv",
            "id,status,answer\nA1,inherited,provider text\n",
        );
        let o = load(
            "org/answers.csv",
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
        assert_eq!(a1.sources.get(Field::Status), Some("prov/answers.csv"));
        assert_eq!(a1.sources.get(Field::Owner), Some("org/answers.csv"));
        assert!(!a1.overdue, "met controls are never overdue");
        assert_eq!(&*a1.extra[0].name, "extra col");
        assert_eq!(
            r.gaps.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
            ["A2", "B1"]
        );
        assert_eq!(r.summary.coverage, 33.3);
        assert_eq!(r.title, "Gap analysis report");
        assert_eq!(a1.answer_same_as, None);
    }

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
        let md = crate::render::render_pdf_markdown(&r, None).unwrap();
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

    /// The PDF's "same answer as" names the first control's id escaped (it was printed raw:
    /// `*A*` in italics), and an answer's own Markdown keeps its meaning in the table cell.
    #[test]
    fn same_answer_as_escapes_the_id_in_the_pdf_markdown() {
        let cat = crate::load::catalogue::parse_catalogue(
            "c.csv",
            "id,text\n*A*,one\n_B_,two\n",
            CatalogueMeta::default(),
        )
        .unwrap();
        let r = report_of(&cat, "id,answer\n*A*,**重要** です\n_B_,**重要** です\n");
        let md = crate::render::render_pdf_markdown(&r, None).unwrap();
        assert!(md.contains("（回答は \\*A\\* と同じ）"), "{md}");
        assert!(md.contains("| **重要** です<br>"), "{md}");
    }
}

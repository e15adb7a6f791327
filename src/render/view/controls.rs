//! One control as the report shows it: its answer fields and their sources, its custom
//! values, an anchor safe in HTML and file names, and a pointer to the control whose answer
//! it repeats.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::fields::{FieldTexts, Sources, field_text};
use super::shared::Shared;
use super::{shown, shown_owned};
use crate::analyse::Analysis;
use crate::merge::MergedAnswer;
use crate::model::fields::{Field, Kind};
use crate::model::lang::{responsibility_label, risk_label, status_label};
use crate::model::{Control, Lang, Status};

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
#[derive(Debug, Clone)]
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
    /// Risk code (`high`, ...), if an overlay rated the control.
    pub risk: Option<&'static str>,
    /// Risk display name (高 / High, ...), if rated.
    pub risk_label: Option<&'static str>,
    /// The answer fields shown as text (answer, evidence, owner, due, ...), each under its key
    /// as if a member of the control (`c.owner`).
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
    pub origins: Vec<(usize, u64)>,
    /// The anchor of the control `answer_same_as` names, so a document can link to its row.
    pub answer_same_as_anchor: Option<String>,
}

/// Written out rather than derived: the answer fields sit among the control's own members
/// (`c.owner`), and `#[serde(flatten)]` would make every control a map whose keys are
/// allocated one by one — a template engine serialises 100,000 of them per report.
impl Serialize for ControlView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // Destructured without `..`: a member added to `ControlView` fails to compile here
        // until it is serialised (or skipped on purpose, as `origins` is).
        let ControlView {
            id,
            key,
            anchor,
            section,
            major,
            middle,
            text,
            status,
            status_label,
            gap,
            met,
            overdue,
            responsibility,
            responsibility_label,
            risk,
            risk_label,
            fields,
            extra,
            sources,
            answer_same_as,
            origins: _,
            answer_same_as_anchor,
        } = self;
        let texts = fields.entries();
        let mut s = serializer.serialize_struct("ControlView", 20 + texts.len())?;
        s.serialize_field("id", id)?;
        s.serialize_field("key", key)?;
        s.serialize_field("anchor", anchor)?;
        s.serialize_field("section", section)?;
        s.serialize_field("major", major)?;
        s.serialize_field("middle", middle)?;
        s.serialize_field("text", text)?;
        s.serialize_field("status", status)?;
        s.serialize_field("status_label", status_label)?;
        s.serialize_field("gap", gap)?;
        s.serialize_field("met", met)?;
        s.serialize_field("overdue", overdue)?;
        s.serialize_field("responsibility", responsibility)?;
        s.serialize_field("responsibility_label", responsibility_label)?;
        s.serialize_field("risk", risk)?;
        s.serialize_field("risk_label", risk_label)?;
        for (key, text) in texts {
            s.serialize_field(key, text)?;
        }
        s.serialize_field("extra", extra)?;
        s.serialize_field("sources", sources)?;
        s.serialize_field("answer_same_as", answer_same_as)?;
        s.serialize_field("answer_same_as_anchor", answer_same_as_anchor)?;
        s.end()
    }
}

impl ControlView {
    /// The value of `field` as exports write it: status and responsibility as codes (the
    /// status is the analysis' outcome: `unanswered` when no overlay gave one).
    pub fn value(&self, field: Field) -> Option<&str> {
        match field.kind() {
            Kind::Status => Some(self.status.code()),
            Kind::Responsibility => self.responsibility,
            Kind::Risk => self.risk,
            Kind::Text | Kind::Date => self.fields.get(field),
        }
    }

    /// The value of `field` as a document shows it: status and responsibility as labels in the
    /// report's language ("unassigned" when none).
    pub fn shown(&self, field: Field) -> Option<&str> {
        match field.kind() {
            Kind::Status => Some(self.status_label),
            Kind::Responsibility => Some(self.responsibility_label),
            Kind::Risk => self.risk_label,
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

/// Set [`ControlView::answer_same_as`] on each control whose answer (and its source) equals the
/// previous control's in `order` (the order the report shows them), pointing at the first
/// control of the run; returns each such (control, first control) pair.
fn mark_repeated_answers(controls: &mut [ControlView], order: &[usize]) -> Vec<(usize, usize)> {
    let mut repeats = Vec::new();
    let mut first: Option<usize> = None;
    for pair in order.windows(2) {
        let (prev, i) = (pair[0], pair[1]);
        let answer = |c: usize| controls[c].fields.get(Field::Answer);
        let source = |c: usize| controls[c].sources.get(Field::Answer);
        let same = answer(i).is_some() && answer(i) == answer(prev) && source(i) == source(prev);
        if same {
            let head = *first.get_or_insert(prev);
            controls[i].answer_same_as = Some(controls[head].id.clone());
            repeats.push((i, head));
        } else {
            first = None;
        }
    }
    repeats
}

/// The view of every control, in catalogue order, with `answers` (moved in); shared, not
/// copied: a gap appears under its section and in the gap list.
pub(super) fn control_views(
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
    let order: Vec<usize> = analysis.display_order().collect();
    let repeats = mark_repeated_answers(&mut controls, &order);
    unique_anchors(&mut controls);
    // Anchors are final only now (made unique above).
    for (i, head) in repeats {
        controls[i].answer_same_as_anchor = Some(controls[head].anchor.clone());
    }
    controls.into_iter().map(Arc::new).collect()
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
    let risk = a.risk.as_ref().map(|r| r.value);
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
        risk: risk.map(|r| r.code()),
        risk_label: risk.map(|r| risk_label(r, lang)),
        fields,
        extra: shared.extra_values(c, a.extra),
        sources,
        answer_same_as: None,
        origins: a.rows,
        answer_same_as_anchor: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CatalogueMeta;
    use crate::render::view::report_of;

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
        let repeats = mark_repeated_answers(&mut v, &[0, 1, 2, 3, 4, 5]);
        assert_eq!(repeats, [(1, 0), (2, 0)]);
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
            risk: None,
            risk_label: None,
            fields: FieldTexts::default(),
            extra: vec![],
            sources: Sources::default(),
            answer_same_as: None,
            origins: Vec::new(),
            answer_same_as_anchor: None,
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

    /// The PDF's "same answer as" names the first control's id escaped (it was printed raw:
    /// `*A*` in italics), linked to that control's row, and an answer's own Markdown keeps its
    /// meaning in the table cell.
    #[test]
    fn same_answer_as_escapes_the_id_in_the_pdf_markdown() {
        let cat = crate::load::catalogue::parse_catalogue(
            "c.csv",
            "id,text\n*A*,one\n_B_,two\n",
            CatalogueMeta::default(),
        )
        .unwrap();
        let r = report_of(&cat, "id,answer\n*A*,**重要** です\n_B_,**重要** です\n");
        let md =
            crate::render::render_pdf_markdown(&r, &crate::render::Templates::builtin().unwrap())
                .unwrap();
        assert!(md.contains("（回答は [\\*A\\*](#c-_A_) と同じ）"), "{md}");
        assert!(md.contains("| [](anchor:c-_A_)\\*A\\* |"), "{md}");
        assert!(md.contains("| **重要** です<br>"), "{md}");
    }
}

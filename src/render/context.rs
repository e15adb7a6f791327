//! The Tera contexts of a report: one shape for every template.
//!
//! [`base`] builds what every template sees (the report's header fields, totals, changes and
//! `labels`); each kind of template adds its own few keys to a copy of it and never builds a
//! context of its own: the documents `sections` (with `rendered` blocks), `gap_rows` and
//! `gap_count`; the per-control partials `c`; `summary.md` the full `sections` and `gaps`
//! ([`full`]); a pack's `ticket.md` `gap` and `report_link` ([`ticket`]). `docs/templates.md`
//! lists every key.
//!
//! `Context::from_serialize` would copy every control twice when it is also a gap (once under
//! `sections`, once under `gaps`). Tera values share maps through `Arc`, so here each control
//! becomes a value once and the gap list reuses it: the same context, built faster and in less
//! memory on large catalogues.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;

use tera::Tera;
use tera::{Context, TeraResult, Value};

use crate::render::labels;
use crate::render::view::{ControlView, MiddleView, Report};

fn map(entries: Vec<(&'static str, Value)>) -> Value {
    Value::from(
        entries
            .into_iter()
            .collect::<BTreeMap<&'static str, Value>>(),
    )
}

/// `sections` → `majors` → `middles` as template values; each middle gets its names and totals
/// plus one more entry from `content`: its controls as values, or their rendered blocks.
fn sections_with<'r>(
    report: &'r Report,
    mut content: impl FnMut(&'r MiddleView) -> TeraResult<(&'static str, Value)>,
) -> TeraResult<Value> {
    let mut sections = Vec::with_capacity(report.sections.len());
    for s in &report.sections {
        let mut majors = Vec::with_capacity(s.majors.len());
        for m in &s.majors {
            let mut middles = Vec::with_capacity(m.middles.len());
            for mid in &m.middles {
                middles.push(map(vec![
                    ("name", Value::from(mid.name.as_str())),
                    ("totals", Value::from_serializable(&mid.totals)),
                    content(mid)?,
                ]));
            }
            majors.push(map(vec![
                ("name", Value::from(m.name.as_str())),
                ("totals", Value::from_serializable(&m.totals)),
                ("middles", Value::from(middles)),
            ]));
        }
        sections.push(map(vec![
            ("name", Value::from(s.name.as_str())),
            ("label", Value::from(s.label.as_str())),
            ("anchor", Value::from(s.anchor.as_str())),
            ("totals", Value::from_serializable(&s.totals)),
            ("majors", Value::from(majors)),
        ]));
    }
    Ok(Value::from(sections))
}

/// What every template sees: every field of the report except `sections` and `gaps` (which
/// each kind of template gets in its own form), plus `labels` in the report's language.
pub fn base(report: &Report) -> Context {
    let mut ctx = Context::new();
    ctx.insert("schema_version", &report.schema_version);
    ctx.insert("kansa_version", &report.kansa_version);
    ctx.insert("title", &report.title);
    ctx.insert("organisation", &report.organisation);
    ctx.insert("report_date", &report.report_date.to_string());
    ctx.insert("lang", &report.lang);
    ctx.insert("catalogue", &report.catalogue);
    ctx.insert("inputs", &report.inputs);
    ctx.insert("extra_columns", &report.extra_columns);
    ctx.insert("summary", &report.summary);
    ctx.insert("by_responsibility", &report.by_responsibility);
    ctx.insert("changes", &report.changes);
    ctx.insert("labels", &labels::labels(report.lang));
    ctx.insert("definitions", &report.definitions);
    ctx.insert("document", &report.document);
    ctx
}

/// A pack's `ticket.md`: [`base`] plus the gap as `gap` and `report_link`, the link into the
/// HTML report beside the tickets.
pub fn ticket(base: &Context, gap: &ControlView, report_link: &str) -> Context {
    let mut ctx = base.clone();
    ctx.insert("gap", gap);
    ctx.insert("report_link", report_link);
    ctx
}

/// The names of a report's templates in one output language.
pub struct TemplateSet {
    /// The document.
    pub report: &'static str,
    /// One control of the details, rendered per control.
    pub control: &'static str,
    /// One row of the gap list, rendered per gap.
    pub gap_row: &'static str,
}

/// Render a report whose details and gap rows come from per-control partials, into `out`.
///
/// The document template then sees `sections[].majors[].middles[].rendered` and `gap_rows`
/// (already rendered, safe) and `gap_count`, instead of every control: its context stays small
/// however large the catalogue, and each control is turned into a template value only while
/// its own partial renders.
///
/// The partials are independent, so they render on every core (rayon's pool; `kansa -j N`
/// sets its size) and are put back together in catalogue order: the output is byte-identical
/// whatever the number of threads. The document itself is streamed to `out`.
pub fn write_split(
    report: &Report,
    tera: &Tera,
    set: &TemplateSet,
    out: &mut dyn Write,
) -> TeraResult<()> {
    let base = base(report);
    let middles: Vec<&MiddleView> = report
        .sections
        .iter()
        .flat_map(|s| &s.majors)
        .flat_map(|m| &m.middles)
        .collect();
    let partials = Partials {
        tera,
        set,
        base: &base,
    };
    let mut chunks = partials.render_all(report, &middles)?;
    let gap_rows = partials.gap_rows_in_order(report, &mut chunks)?;
    let mut pieces = Pieces {
        chunks,
        chunk: 0,
        item: 0,
        scratch: String::new(),
    };
    let mut blocks = middles.iter().map(|mid| pieces.take(mid.controls.len()));
    let sections = sections_with(report, |_| {
        Ok((
            "rendered",
            blocks.next().unwrap_or_else(|| Value::safe_string("")),
        ))
    })?;
    drop(blocks);
    let mut ctx = base;
    ctx.insert_value("sections", sections);
    ctx.insert_value("gap_rows", gap_rows);
    ctx.insert("gap_count", &report.gaps.len());
    tera.render_to(set.report, &ctx, out)
}

/// The per-control partials of one document: the engine, which templates, and the [`base`]
/// context each partial extends with its control as `c`.
struct Partials<'a> {
    tera: &'a Tera,
    set: &'a TemplateSet,
    base: &'a Context,
}

impl Partials<'_> {
    /// Every control's partial, and the gap row of every control that is a gap, in chunks of
    /// [`PARTIALS_PER_TASK`] rendered in parallel, returned in catalogue order.
    fn render_all(&self, report: &Report, middles: &[&MiddleView]) -> TeraResult<Vec<Chunk>> {
        // Where each control stands in the gap list: its partial and its gap row are rendered
        // from the same template value, built once.
        // (Keyed by address: a gap is the same `Arc` as its control in the details.)
        let gap_index: HashMap<usize, usize> = report
            .gaps
            .iter()
            .enumerate()
            .map(|(i, g)| (Arc::as_ptr(g) as usize, i))
            .collect();
        let controls: Vec<&Arc<ControlView>> =
            middles.iter().flat_map(|mid| mid.controls.iter()).collect();
        controls
            .par_chunks(PARTIALS_PER_TASK)
            .map(|chunk| self.render_chunk(chunk, &gap_index))
            .collect::<Vec<TeraResult<Chunk>>>()
            // The first error in catalogue order, whichever thread met it first.
            .into_iter()
            .collect()
    }

    /// One task's controls: their partials one after the other, and the gap rows of those
    /// that are gaps (by their place in the gap list).
    fn render_chunk(
        &self,
        chunk: &[&Arc<ControlView>],
        gap_index: &HashMap<usize, usize>,
    ) -> TeraResult<Chunk> {
        // One copy of the base context per task; only `c` changes from control to control.
        let mut ctx = self.base.clone();
        let mut text = Vec::new();
        let mut ends = Vec::with_capacity(chunk.len());
        let mut gap_rows = Vec::new();
        for c in chunk {
            ctx.insert_value("c", Value::from_serializable(&***c));
            self.tera.render_to(self.set.control, &ctx, &mut text)?;
            ends.push(text.len());
            if let Some(&i) = gap_index.get(&(Arc::as_ptr(c) as usize)) {
                let mut row = Vec::new();
                self.tera.render_to(self.set.gap_row, &ctx, &mut row)?;
                gap_rows.push((i, row));
            }
        }
        let text = String::from_utf8(text).map_err(|_| tera::Error::message("not UTF-8"))?;
        Ok(Chunk {
            text,
            ends,
            gap_rows,
        })
    }

    /// The gap rows in the gap list's order, as one safe value. Every gap is a control of the
    /// details; one that were not (a view built by other code) is rendered here, never dropped.
    fn gap_rows_in_order(&self, report: &Report, chunks: &mut [Chunk]) -> TeraResult<Value> {
        let mut rows: Vec<Option<Vec<u8>>> = vec![None; report.gaps.len()];
        for chunk in chunks {
            for (i, row) in chunk.gap_rows.drain(..) {
                rows[i] = Some(row);
            }
        }
        let mut joined = Vec::new();
        for (row, g) in rows.into_iter().zip(&report.gaps) {
            match row {
                Some(row) => joined.extend_from_slice(&row),
                None => {
                    let mut ctx = self.base.clone();
                    ctx.insert_value("c", Value::from_serializable(&**g));
                    self.tera.render_to(self.set.gap_row, &ctx, &mut joined)?;
                }
            }
        }
        let gap_rows = String::from_utf8(joined).map_err(|_| tera::Error::message("not UTF-8"))?;
        Ok(Value::safe_string(&gap_rows))
    }
}

/// The partials one task rendered, one after the other, and where each ends; and the gap rows
/// of those controls that are gaps, by their place in the gap list.
struct Chunk {
    text: String,
    ends: Vec<usize>,
    gap_rows: Vec<(usize, Vec<u8>)>,
}

impl Chunk {
    /// Where partial `item` of this chunk starts in `text`.
    fn start_of(&self, item: usize) -> usize {
        match item {
            0 => 0,
            i => self.ends[i - 1],
        }
    }
}

/// The rendered partials, handed out in order; each chunk is freed once read.
struct Pieces {
    chunks: Vec<Chunk>,
    chunk: usize,
    item: usize,
    scratch: String,
}

impl Pieces {
    /// The next `n` partials, joined, as a safe (already escaped) template value.
    fn take(&mut self, n: usize) -> Value {
        // Most blocks lie within one chunk: made into a value straight from it, not copied
        // through `scratch` first.
        if let Some(chunk) = self.chunks.get(self.chunk)
            && n > 0
            && self.item + n < chunk.ends.len()
        {
            let start = chunk.start_of(self.item);
            let end = chunk.ends[self.item + n - 1];
            self.item += n;
            return Value::safe_string(&chunk.text[start..end]);
        }
        self.scratch.clear();
        for _ in 0..n {
            let Some(chunk) = self.chunks.get_mut(self.chunk) else {
                break;
            };
            let start = chunk.start_of(self.item);
            self.scratch
                .push_str(&chunk.text[start..chunk.ends[self.item]]);
            self.item += 1;
            if self.item == chunk.ends.len() {
                *chunk = Chunk {
                    text: String::new(),
                    ends: Vec::new(),
                    gap_rows: Vec::new(),
                };
                self.chunk += 1;
                self.item = 0;
            }
        }
        Value::safe_string(&self.scratch)
    }
}

/// Partials one rayon task renders: small enough to balance two to dozens of cores,
/// large enough that scheduling costs nothing next to the rendering.
const PARTIALS_PER_TASK: usize = 64;

/// [`base`] plus the whole report (`sections` down to the controls, `gaps`): the serialised
/// [`Report`] plus `labels`, which `summary.md` sees.
pub fn full(report: &Report) -> Context {
    let mut by_id = HashMap::with_capacity(report.gaps.len() * 2);
    let mut ctx = base(report);
    let sections = sections_with(report, |mid| {
        let controls: Vec<Value> = mid
            .controls
            .iter()
            .map(|c| {
                let v = Value::from_serializable(&**c);
                by_id.insert(c.id.as_str(), v.clone());
                v
            })
            .collect();
        Ok(("controls", Value::from(controls)))
    });
    // Building values cannot fail: only rendering partials (render_split) can.
    ctx.insert_value("sections", sections.unwrap_or_else(|_| Value::none()));
    let gaps: Vec<Value> = report
        .gaps
        .iter()
        .map(|g| {
            by_id
                .get(g.id.as_str())
                .cloned()
                .unwrap_or_else(|| Value::from_serializable(g))
        })
        .collect();
    ctx.insert_value("gaps", Value::from(gaps));
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The view of the FISC catalogue with one overlay given as CSV text.
    fn report_of(csv: &str) -> Report {
        let catalogue = crate::load::load_catalogue("fisc-2012").unwrap();
        let overlay = crate::load::parse_overlay(
            "o.csv",
            csv.as_bytes(),
            crate::load::EncodingChoice::Auto,
            &catalogue,
        )
        .unwrap();
        let merged = crate::merge::merge(&catalogue, &[overlay]);
        let analysis = crate::analyse::analyse(merged, jiff::civil::Date::new(2026, 1, 1).unwrap());
        crate::render::view::build(&analysis, &Default::default())
    }

    /// A gap row is rendered from its control's value in the details; a gap that is not in the
    /// details (a view put together by other code) still gets its row, the same one.
    #[test]
    fn every_gap_gets_its_row() {
        let mut report = report_of("id,status,owner\n設1,partial,me\n設2,planned,you\n");
        let render = |report: &Report| {
            crate::render::render_report(
                report,
                crate::render::Format::Md,
                &crate::render::Templates::builtin().unwrap(),
                &Default::default(),
            )
            .unwrap()
        };
        let shared = render(&report);
        let first = std::sync::Arc::new((*report.gaps[0]).clone());
        report.gaps[0] = first;
        let detached = render(&report);
        assert!(String::from_utf8_lossy(&shared).contains("| [設1](#c-設1) |"));
        assert!(shared == detached);
    }

    /// The hand-built context must hold exactly what serialising the report gives, so a field
    /// added to `Report` cannot silently miss the templates.
    #[test]
    fn context_matches_the_serialised_report() {
        let report = report_of("id,status,owner,x\n設1,partial,me,1\n設2,implemented,,\n");
        let ours = full(&report);
        let reference = Context::from_serialize(&report).unwrap();
        let as_json = serde_json::to_value(&report).unwrap();
        for key in as_json.as_object().unwrap().keys() {
            let (a, b) = (ours.get(key), reference.get(key));
            assert!(a.is_some(), "context lacks {key}");
            assert_eq!(
                a.map(|v| v.to_string()),
                b.map(|v| v.to_string()),
                "{key} differs"
            );
        }
        assert!(ours.get("labels").is_some());
    }
}

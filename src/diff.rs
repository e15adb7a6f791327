//! Changes since a baseline: a previous pack's `assessment.json` (or the one a kansa PDF
//! embeds), compared control by control.
//!
//! Nightly builds ask "what got worse since yesterday?": gaps opened and closed, status
//! regressions and improvements, changed owners and due dates, and controls the catalogue added
//! or removed. Findings are data; gates ([`Changes::new_gaps`], [`Changes::regressions`]) decide
//! exit codes in the caller.

use std::path::Path;

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::analyse::Analysis;
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::model::text::visible;

/// One control as a baseline recorded it.
#[derive(Debug, Clone, Deserialize)]
pub struct BaselineControl {
    /// Control id.
    pub id: String,
    /// Status then.
    pub status: Status,
    /// Owner then.
    #[serde(default)]
    pub owner: Option<String>,
    /// Due date then.
    #[serde(default)]
    pub due: Option<String>,
}

/// A previous assessment.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// Where it was read from.
    pub path: String,
    /// Its report date.
    pub report_date: String,
    /// Its catalogue id.
    pub catalogue: String,
    /// Its controls, catalogue order.
    pub controls: Vec<BaselineControl>,
}

#[derive(Deserialize)]
struct Wire {
    schema_version: u32,
    report_date: String,
    catalogue: WireCatalogue,
    sections: Vec<WireSection>,
}
#[derive(Deserialize)]
struct WireCatalogue {
    id: String,
}
#[derive(Deserialize)]
struct WireSection {
    majors: Vec<WireMajor>,
}
#[derive(Deserialize)]
struct WireMajor {
    middles: Vec<WireMiddle>,
}
#[derive(Deserialize)]
struct WireMiddle {
    controls: Vec<BaselineControl>,
}

/// What `--baseline` takes, for the hints of its errors.
const BASELINE_HINT: &str =
    "--baseline takes a previous pack directory, its assessment.json or its report.pdf";

/// Read a baseline: a pack directory (its `assessment.json`), an `assessment.json` file, or a
/// PDF report kansa made (it embeds `assessment.json`, issue 14), told by its `%PDF-` magic.
pub fn load_baseline(path: &Path) -> Result<Baseline> {
    let file = if path.is_dir() {
        path.join("assessment.json")
    } else {
        path.to_owned()
    };
    let bytes = crate::fs::read(&file)?;
    let mut shown = file.display().to_string();
    let bytes = if bytes.starts_with(b"%PDF-") {
        let json = assessment_in_pdf(&bytes, &shown)?;
        shown.push_str(" (embedded assessment.json)");
        json
    } else {
        bytes
    };
    let wire: Wire = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Input(Diagnostics(vec![
            Diagnostic::new(
                &shown,
                e.line() as u64,
                e.column() as u64,
                format!("not a kansa assessment: {e}"),
            )
            .hint(BASELINE_HINT),
        ]))
    })?;
    if wire.schema_version != crate::model::SCHEMA_VERSION {
        return Err(Error::Input(Diagnostics(vec![
            Diagnostic::new(
                &shown,
                1,
                1,
                format!(
                    "assessment schema version {} is not supported",
                    wire.schema_version
                ),
            )
            .hint(format!(
                "this kansa reads schema version {}",
                crate::model::SCHEMA_VERSION
            )),
        ])));
    }
    let controls = wire
        .sections
        .into_iter()
        .flat_map(|s| s.majors)
        .flat_map(|m| m.middles)
        .flat_map(|m| m.controls)
        .collect();
    Ok(Baseline {
        path: recorded_path(&file),
        report_date: wire.report_date,
        catalogue: wire.catalogue.id,
        controls,
    })
}

/// The `assessment.json` a kansa PDF embeds (`shown` names the file in errors): a PDF that
/// cannot be read, or that embeds none (not made by kansa, or by a kansa before issue 14), is
/// an input error with a hint.
fn assessment_in_pdf(pdf: &[u8], shown: &str) -> Result<Vec<u8>> {
    let max = crate::model::limits::DEFAULT_MAX_FILE_BYTES as usize;
    let problem = |message: String| {
        Error::Input(Diagnostics(vec![
            Diagnostic::new(shown, 0, 0, message).hint(format!(
                "{BASELINE_HINT}; a PDF must be a report kansa made, which embeds assessment.json \
                 (`pdfdetach -list` shows it)"
            )),
        ]))
    };
    match kansa_pdf::embedded_file(pdf, "assessment.json", max) {
        Ok(Some(json)) => Ok(json),
        Ok(None) => Err(problem(
            "this PDF embeds no assessment.json, so it cannot be a baseline".to_owned(),
        )),
        Err(e) => Err(problem(format!("cannot read the PDF as a baseline: {e}"))),
    }
}

/// The baseline's path as outputs record it: as given when relative, only the last two parts
/// when absolute (`/home/alice/ci/baseline/assessment.json` → `baseline/assessment.json`), so no
/// user name or machine layout leaks into a report.
fn recorded_path(file: &Path) -> String {
    if file.is_relative() {
        return file.display().to_string();
    }
    let parts: Vec<String> = file
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts[parts.len().saturating_sub(2)..].join("/")
}

/// One control whose status, owner or due date changed: `from` → `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<T> {
    /// The control's position in the catalogue (`Analysis::outcomes`, `Merged::answers`).
    pub control: usize,
    /// Control id.
    pub id: String,
    /// Value in the baseline (`None` for a control the baseline did not have).
    pub from: T,
    /// Value now.
    pub to: T,
}

/// A change of status; `from` is `None` for a control new in the catalogue.
pub type StatusChange = Change<Option<Status>>;

/// A change of a text field (owner, due date as `YYYY-MM-DD`); empty when unset.
pub type TextChange = Change<String>;

/// Everything that changed since the baseline, each list in the report's order (the
/// analysis outline). Plain data: the view gives each change its labels, anchor and text.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Baseline file.
    pub baseline: String,
    /// Baseline report date.
    pub baseline_date: String,
    /// Controls that became gaps (or are new gaps in the catalogue).
    pub opened: Vec<StatusChange>,
    /// Gaps that are no longer gaps.
    pub closed: Vec<StatusChange>,
    /// Status got worse (e.g. implemented → partial).
    pub regressions: Vec<StatusChange>,
    /// Status got better.
    pub improvements: Vec<StatusChange>,
    /// Owner changed.
    pub owners: Vec<TextChange>,
    /// Due date changed.
    pub due_dates: Vec<TextChange>,
    /// Control ids in the catalogue now but not in the baseline.
    pub added: Vec<String>,
    /// Control ids in the baseline but no longer in the catalogue.
    pub removed: Vec<String>,
}

impl Changes {
    /// Number of new gaps (the `new-gaps` gate).
    pub fn new_gaps(&self) -> usize {
        self.opened.len()
    }

    /// Number of regressions (the `regression` gate).
    pub fn regressions(&self) -> usize {
        self.regressions.len()
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.opened.is_empty()
            && self.closed.is_empty()
            && self.regressions.is_empty()
            && self.improvements.is_empty()
            && self.owners.is_empty()
            && self.due_dates.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
    }
}

/// How good a status is, for regressions: met > not applicable > partial > planned > none.
fn rank(s: Status) -> u8 {
    match s {
        Status::Implemented | Status::Inherited => 4,
        Status::NotApplicable => 3,
        Status::Partial => 2,
        Status::Planned => 1,
        Status::NotImplemented | Status::Unanswered => 0,
    }
}

/// A control as it stands now, in the form a baseline records it (texts as shown).
struct Now<'a> {
    control: usize,
    id: &'a str,
    status: Status,
    owner: String,
    due: String,
}

/// Every control of the analysis in the report's order, as [`Now`].
fn controls_now<'a>(analysis: &'a Analysis<'_>) -> impl Iterator<Item = Now<'a>> {
    let merged = &analysis.merged;
    analysis.display_order().map(move |i| {
        let answer = &merged.answers[i];
        Now {
            control: i,
            id: &merged.catalogue.controls[i].id,
            status: analysis.outcomes[i].status,
            owner: answer
                .owner
                .as_ref()
                .map(|o| visible(&o.value).into_owned())
                .unwrap_or_default(),
            due: answer
                .due
                .as_ref()
                .map(|d| d.value.to_string())
                .unwrap_or_default(),
        }
    })
}

/// File a control's change of status from `old` to `new` under every list it belongs to.
fn status_changes(out: &mut Changes, old: Status, new: Status, change: impl Fn() -> StatusChange) {
    if new.is_gap() && !old.is_gap() {
        out.opened.push(change());
    }
    if old.is_gap() && !new.is_gap() {
        out.closed.push(change());
    }
    if rank(new) < rank(old) {
        out.regressions.push(change());
    } else if rank(new) > rank(old) {
        out.improvements.push(change());
    }
}

/// Compare the analysis with a baseline.
pub fn compare(analysis: &Analysis<'_>, baseline: &Baseline) -> Changes {
    let before: HashMap<&str, &BaselineControl> = baseline
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    let mut out = Changes {
        baseline: baseline.path.clone(),
        baseline_date: baseline.report_date.clone(),
        ..Changes::default()
    };
    let mut now_ids = HashSet::new();
    for c in controls_now(analysis) {
        now_ids.insert(c.id);
        let status = |from: Option<Status>| Change {
            control: c.control,
            id: c.id.to_owned(),
            from,
            to: Some(c.status),
        };
        let text = |from: &str, to: &str| Change {
            control: c.control,
            id: c.id.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
        };
        let Some(b) = before.get(c.id) else {
            out.added.push(c.id.to_owned());
            if c.status.is_gap() {
                out.opened.push(status(None));
            }
            continue;
        };
        status_changes(&mut out, b.status, c.status, || status(Some(b.status)));
        let old_owner = b.owner.as_deref().unwrap_or("");
        if old_owner != c.owner {
            out.owners.push(text(old_owner, &c.owner));
        }
        let old_due = b.due.as_deref().unwrap_or("");
        if old_due != c.due {
            out.due_dates.push(text(old_due, &c.due));
        }
    }
    out.removed = baseline
        .controls
        .iter()
        .filter(|c| !now_ids.contains(c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An absolute `--baseline` must not put the user's directories into the pack.
    #[test]
    fn absolute_baseline_paths_are_not_recorded() {
        assert_eq!(
            recorded_path(Path::new("/home/alice/ci/baseline/assessment.json")),
            "baseline/assessment.json"
        );
        assert_eq!(
            recorded_path(Path::new("baseline/x/assessment.json")),
            "baseline/x/assessment.json"
        );
    }
}

//! Plain data passed between the pipeline stages.
//!
//! Nothing here does I/O: the loaders build these values, the later stages only read them.

pub mod date;
pub mod fields;
pub mod lang;
pub mod limits;
pub mod text;

use std::collections::HashMap;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use lang::Lang;

/// Version of the JSON wire format (`docs/json-schema.md`): the report writes it, a baseline
/// must carry it.
pub const SCHEMA_VERSION: u32 = 1;

/// Descriptive metadata of a catalogue (`catalogue.toml` beside `controls.csv`).
///
/// Unknown keys are rejected: a misspelt `edtion` or `[[section]]` must not vanish silently.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogueMeta {
    /// Short machine name, e.g. `fisc-2012`.
    pub id: String,
    /// Human title in the catalogue's own language.
    pub name: String,
    /// English title, used by `--lang en` when present.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Edition or version of the catalogue.
    #[serde(default)]
    pub edition: String,
    /// Who publishes the catalogue.
    #[serde(default)]
    pub publisher: String,
    /// English name of the publisher.
    #[serde(default)]
    pub publisher_en: Option<String>,
    /// Language of the control texts (BCP 47).
    #[serde(default)]
    pub language: String,
    /// Where the text was taken from.
    #[serde(default)]
    pub source: String,
    /// Copyright line to print with every report.
    #[serde(default)]
    pub copyright: String,
    /// Sections in catalogue order, with their display names.
    #[serde(default)]
    pub sections: Vec<SectionMeta>,
}

/// Display names of one section of a catalogue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    /// The value used in the `section` column.
    pub name: String,
    /// English display name.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Id prefix of the section's controls (`設`), informative only.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// One control (項番) of a catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    /// Normalised id, e.g. `設83-1`.
    pub id: String,
    /// Section (設備 / 運用 / 技術 for FISC).
    pub section: String,
    /// 基準大項目; may be empty.
    pub major: String,
    /// 中項目; may be empty.
    pub middle: String,
    /// 小項目: the text of the measure.
    pub text: String,
    /// Extra catalogue columns that have a value for this control, `(header, value)` in file
    /// order (headers as in [`Catalogue::extra_columns`]).
    pub extra: Vec<(String, String)>,
}

/// A controls catalogue: metadata and controls in catalogue order.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    /// Metadata from `catalogue.toml`.
    pub meta: CatalogueMeta,
    /// Controls in catalogue order.
    pub controls: Vec<Control>,
    /// SHA-256 of the controls file (hex), for manifests and cover pages.
    pub sha256: String,
    /// Headers of the catalogue's extra columns, in file order: shown in every output, as
    /// overlays' extra columns are.
    pub extra_columns: Vec<String>,
    /// Id → position, so that matching 100k answers stays linear.
    index: HashMap<String, usize>,
}

impl Catalogue {
    /// Build a catalogue; ids must already be normalised and unique. Its extra columns are
    /// those of the controls, in order of first appearance (a loader that knows the file's
    /// order sets [`Catalogue::extra_columns`] itself).
    pub fn new(meta: CatalogueMeta, controls: Vec<Control>) -> Self {
        let index = controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let mut extra_columns: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (name, _) in controls.iter().flat_map(|c| &c.extra) {
            if seen.insert(name.as_str()) {
                extra_columns.push(name.clone());
            }
        }
        Catalogue {
            meta,
            controls,
            sha256: String::new(),
            extra_columns,
            index,
        }
    }

    /// Position of a control by its normalised id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Display name of a section in the given language.
    pub fn section_label(&self, section: &str, lang: Lang) -> String {
        self.meta
            .sections
            .iter()
            .find(|s| s.name == section)
            .and_then(|s| lang.pick(None, s.name_en.clone()))
            .unwrap_or_else(|| section.to_owned())
    }
}

/// Implementation status of a control, as answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fully in place.
    Implemented,
    /// In place by the provider; the organisation relies on it.
    Inherited,
    /// Partly in place: a gap.
    Partial,
    /// Planned: a gap until done.
    Planned,
    /// Not in place: a gap.
    NotImplemented,
    /// Does not apply; leaves the denominator.
    NotApplicable,
    /// No overlay gave a status: a gap.
    Unanswered,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 7] = [
        Status::Implemented,
        Status::Inherited,
        Status::Partial,
        Status::Planned,
        Status::NotImplemented,
        Status::NotApplicable,
        Status::Unanswered,
    ];

    /// The value written in files and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Status::Implemented => "implemented",
            Status::Inherited => "inherited",
            Status::Partial => "partial",
            Status::Planned => "planned",
            Status::NotImplemented => "not_implemented",
            Status::NotApplicable => "not_applicable",
            Status::Unanswered => "unanswered",
        }
    }

    /// A gap is anything that still needs work.
    pub fn is_gap(self) -> bool {
        matches!(
            self,
            Status::Partial | Status::Planned | Status::NotImplemented | Status::Unanswered
        )
    }

    /// Met controls count towards coverage.
    pub fn is_met(self) -> bool {
        matches!(self, Status::Implemented | Status::Inherited)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Who holds the responsibility for a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// The (cloud) provider.
    Provider,
    /// The customer, i.e. the organisation itself.
    Customer,
    /// Both.
    Shared,
}

impl Responsibility {
    /// Every value, in report order.
    pub const ALL: [Responsibility; 3] = [
        Responsibility::Provider,
        Responsibility::Customer,
        Responsibility::Shared,
    ];

    /// The value written in files and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Responsibility::Provider => "provider",
            Responsibility::Customer => "customer",
            Responsibility::Shared => "shared",
        }
    }
}

impl fmt::Display for Responsibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How risky a gap is, as the organisation rates it (a closed set, like [`Status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// 高.
    High,
    /// 中.
    Medium,
    /// 低.
    Low,
}

impl Risk {
    /// Every value, high to low (the order of the init workbook's dropdown).
    pub const ALL: [Risk; 3] = [Risk::High, Risk::Medium, Risk::Low];

    /// The value written in files and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Risk::High => "high",
            Risk::Medium => "medium",
            Risk::Low => "low",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Where a row came from, so every later message can point back at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOrigin {
    /// 1-based line where the record starts, as a text editor counts (the row in a workbook).
    pub line: u64,
    /// Worksheet, for rows read from a workbook.
    pub sheet: Option<String>,
}

/// The answer fields of one overlay row; empty cells are `None`. One member per
/// [`fields::Field`], reached by field through [`Answer::get`], [`Answer::take`] and
/// [`Answer::set`] (the table in [`fields`] says why the members stay typed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// Implementation status.
    pub status: Option<Status>,
    /// Responsibility.
    pub responsibility: Option<Responsibility>,
    /// Answer text (Markdown).
    pub answer: Option<String>,
    /// What is wrong now (Markdown).
    pub finding: Option<String>,
    /// The remediation plan (Markdown).
    pub plan: Option<String>,
    /// How risky the gap is.
    pub risk: Option<Risk>,
    /// Evidence references.
    pub evidence: Option<String>,
    /// Owner of the control or the remediation.
    pub owner: Option<String>,
    /// Due date of the remediation.
    pub due: Option<Date>,
    /// Date the answer was last reviewed.
    pub reviewed: Option<Date>,
    /// Free notes.
    pub notes: Option<String>,
    /// Extra columns not known to kansa, `(header, value)` in file order; empty cells omitted.
    pub extra: Vec<(String, String)>,
}

/// One row of an overlay, bound to a control of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayRow {
    /// Normalised control id.
    pub id: String,
    /// Where the row is in its file.
    pub origin: RowOrigin,
    /// The answer given.
    pub answer: Answer,
}

/// One answers file, validated against a catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// Short label used in provenance (`aws-2012/answers.csv`).
    pub label: String,
    /// The path as given by the user.
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Encoding the file was read with.
    pub encoding: String,
    /// Headers of extra columns, in file order.
    pub extra_columns: Vec<String>,
    /// Where each extra column's header cell is, parallel to `extra_columns`, so a problem
    /// found later in a header (a character the PDF font lacks) is located in its file.
    pub extra_column_cells: Vec<HeaderCell>,
    /// Rows in file order.
    pub rows: Vec<OverlayRow>,
}

/// The place of a header cell: its sheet (workbooks), line and 1-based column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeaderCell {
    /// Worksheet name; `None` for CSV.
    pub sheet: Option<String>,
    /// Line (row) of the header.
    pub line: u64,
    /// Column number.
    pub column: u64,
}

/// A value that is not one of the accepted spellings, with a hint for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub hint: String,
}

//! The header row of a catalogue: which column holds the id, the text, the section levels,
//! and which are extra columns, with every problem of the header at once.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Problems};
use crate::load::table;

/// A catalogue column kansa knows, by any of its header spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum CatalogueColumn {
    Id,
    Section,
    Major,
    Middle,
    Text,
}

/// Header spellings of a catalogue's columns, compared trimmed and lower-cased: English, or
/// Japanese as overlays accept them (and as `kansa init` writes them).
const CATALOGUE_HEADERS: &[(&str, CatalogueColumn)] = &[
    ("id", CatalogueColumn::Id),
    ("項番", CatalogueColumn::Id),
    ("section", CatalogueColumn::Section),
    ("区分", CatalogueColumn::Section),
    ("major", CatalogueColumn::Major),
    ("基準大項目", CatalogueColumn::Major),
    ("middle", CatalogueColumn::Middle),
    ("中項目", CatalogueColumn::Middle),
    ("text", CatalogueColumn::Text),
    ("control", CatalogueColumn::Text),
    ("小項目", CatalogueColumn::Text),
];

fn catalogue_column(header: &str) -> Option<CatalogueColumn> {
    let key = header.trim().to_lowercase();
    CATALOGUE_HEADERS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
}

/// Where each column of a catalogue table goes.
pub(super) struct Layout {
    pub(super) id: usize,
    pub(super) text: usize,
    pub(super) section: Option<usize>,
    pub(super) major: Option<usize>,
    pub(super) middle: Option<usize>,
    /// Extra columns (kept and shown in every output), as (column, header) in file order.
    pub(super) extra: Vec<(usize, String)>,
}

/// Map the header row to columns: every problem of the header at once (a column given twice,
/// an unnamed column with values, id or text missing).
pub(super) fn layout(file: &str, table: &table::Table, problems: &mut Problems) -> Option<Layout> {
    let mut known: HashMap<CatalogueColumn, usize> = HashMap::new();
    let mut extra: Vec<(usize, String)> = Vec::new();
    let mut extra_names: HashMap<&str, usize> = HashMap::new();
    for (i, header) in table.headers.iter().enumerate() {
        let at =
            || Diagnostic::new(file, 1, i as u64 + 1, "column given twice").column_name(header);
        let first = match catalogue_column(header) {
            Some(c) => *known.entry(c).or_insert(i),
            None if header.trim().is_empty() => {
                if table.records.iter().any(|r| !r.fields[i].trim().is_empty()) {
                    problems.push(values_without_header(file, i));
                }
                continue;
            }
            None if answer_column_name(header).is_some() => {
                problems.push(answer_named_extra(file, i, header));
                continue;
            }
            None => {
                let first = *extra_names.entry(header.trim()).or_insert(i);
                if first == i {
                    extra.push((i, header.trim().to_owned()));
                }
                first
            }
        };
        if first != i {
            problems.push(at().hint(format!(
                "column {} ({}) means the same; keep one",
                first + 1,
                table.headers[first]
            )));
        }
    }
    let (Some(&id), Some(&text)) = (
        known.get(&CatalogueColumn::Id),
        known.get(&CatalogueColumn::Text),
    ) else {
        problems.push(id_or_text_missing(file, table));
        return None;
    };
    Some(Layout {
        id,
        text,
        section: known.get(&CatalogueColumn::Section).copied(),
        major: known.get(&CatalogueColumn::Major).copied(),
        middle: known.get(&CatalogueColumn::Middle).copied(),
        extra,
    })
}

/// A column with values but no header: it cannot be kept as an extra column without a name.
fn values_without_header(file: &str, index: usize) -> Diagnostic {
    Diagnostic::new(
        file,
        1,
        index as u64 + 1,
        "values under an empty column header",
    )
    .hint("name the column (it is kept as an extra column), or delete it")
}

/// A header row without the two columns every control needs.
fn id_or_text_missing(file: &str, table: &table::Table) -> Diagnostic {
    Diagnostic::new(file, 1, 1, "a catalogue needs the columns id and text")
        .value(table.headers.join(","))
        .hint("header row: id,section,major,middle,text (or 項番,区分,基準大項目,中項目,小項目)")
}

/// Column names of the exports (`gaps.csv`, `answers-merged.csv`) that are not catalogue or
/// answer columns, compared lower-cased.
const EXPORT_ONLY_HEADERS: &[&str] = &["key", "status_label", "overdue"];

/// The output column a catalogue extra column would collide with: an answer column (`status`,
/// `owner`, `担当`, ...), or a column the exports add (`key`, `status_label`, `status_source`).
fn answer_column_name(header: &str) -> Option<String> {
    use crate::load::values::{Column, column_for_header, column_name};
    let key = header.trim().to_lowercase();
    if let Some(column) = column_for_header(&key).filter(|c| *c != Column::Context) {
        return Some(column_name(column).to_owned());
    }
    let export_only = EXPORT_ONLY_HEADERS.contains(&key.as_str())
        || key.strip_suffix("_source").is_some_and(|f| {
            column_for_header(f).is_some_and(|c| !matches!(c, Column::Context | Column::Id))
        });
    export_only.then_some(key)
}

/// An extra catalogue column named like an answer column gave two `status` (or `owner`, ...)
/// headers in gaps.csv and answers-merged.csv, and CSV readers took the wrong one's value.
fn answer_named_extra(file: &str, index: usize, header: &str) -> Diagnostic {
    let name = answer_column_name(header).unwrap_or_default();
    Diagnostic::new(
        file,
        1,
        index as u64 + 1,
        format!("catalogue column named like the answer/export column {name}"),
    )
    .column_name(header)
    .value(header.trim())
    .hint(format!(
        "answers belong in overlays; rename this catalogue column (e.g. \"catalogue_{}\") so the exports do not get two {name} columns",
        header.trim()
    ))
}

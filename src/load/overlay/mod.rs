//! Loading one answers overlay and checking every cell against the catalogue.

mod answer;
mod headers;
mod id_check;

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use crate::diag::Problems;
use crate::diag::{Diagnostics, column_letters};
use crate::load::decode::{self, EncodingChoice};
use crate::load::prefill::PrefilledCell;
use crate::load::table::{self, Table};
use crate::load::values::Column;
use crate::model::limits::Limits;
use crate::model::text::{hex, strip_formula_guard};
use crate::model::{Catalogue, HeaderCell, Overlay, OverlayRow, RowOrigin};

use answer::read_answer;
use headers::map_headers;
use id_check::IdCheck;

/// Load an overlay from CSV bytes. `path` names the file in messages; the label used for
/// provenance is derived from it (see [`label_for`]).
pub fn parse_overlay(
    path: &str,
    bytes: &[u8],
    encoding: EncodingChoice,
    catalogue: &Catalogue,
) -> Result<Overlay, Diagnostics> {
    parse_overlay_with(path, bytes, encoding, catalogue, &Limits::default())
}

/// [`parse_overlay`] with explicit input limits.
pub fn parse_overlay_with(
    path: &str,
    bytes: &[u8],
    encoding: EncodingChoice,
    catalogue: &Catalogue,
    limits: &Limits,
) -> Result<Overlay, Diagnostics> {
    let (table, encoding) = csv_table(path, bytes, encoding, limits)?;
    overlay_from_tables(path, digest(bytes), encoding, vec![table], catalogue)
}

/// The first half of [`parse_overlay_with`], which needs no catalogue: the CSV bytes decoded
/// and parsed into a table, with the name of the encoding they were in.
pub fn csv_table(
    path: &str,
    bytes: &[u8],
    encoding: EncodingChoice,
    limits: &Limits,
) -> Result<(Table, &'static str), Diagnostics> {
    let decoded = decode::decode(path, bytes, encoding)?;
    let mut table = table::parse_with(path, &decoded.text, limits)?;
    strip_formula_guards(&mut table);
    Ok((table, decoded.encoding))
}

/// CSV cells written by kansa (`init`, pack exports) carry an apostrophe before `= + - @`, so
/// Excel shows them as text; that guard is not part of the value (an owner `-` stays `-`).
/// Workbook cells are typed strings and have no guard to strip.
fn strip_formula_guards(table: &mut Table) {
    let cells = table
        .headers
        .iter_mut()
        .chain(table.records.iter_mut().flat_map(|r| r.fields.iter_mut()));
    for cell in cells {
        if cell.starts_with('\'') {
            let stripped = strip_formula_guard(cell);
            if stripped.len() != cell.len() {
                cell.remove(0);
            }
        }
    }
}

/// Check the rows of one or more tables (a CSV file, or the sheets of a workbook) against the
/// catalogue and build the overlay. `sha256` is the [`digest`] of the whole file. The cells
/// move from the tables into the overlay: nothing is copied that need not be.
pub fn overlay_from_tables(
    path: &str,
    sha256: String,
    encoding: &str,
    tables: Vec<Table>,
    catalogue: &Catalogue,
) -> Result<Overlay, Diagnostics> {
    overlay_and_prefilled(path, sha256, encoding, tables, catalogue).map(|(o, _)| o)
}

/// [`overlay_from_tables`], with the cells that still hold what `kansa init --from` pre-filled
/// (see [`crate::load::prefill`]).
pub fn overlay_and_prefilled(
    path: &str,
    sha256: String,
    encoding: &str,
    tables: Vec<Table>,
    catalogue: &Catalogue,
) -> Result<(Overlay, Vec<PrefilledCell>), Diagnostics> {
    let mut checked = Checked::default();
    let mut ids = IdCheck::new(catalogue, tables.len());
    for (t, table) in tables.into_iter().enumerate() {
        checked.add_table(path, t, table, &mut ids);
    }
    let Checked {
        problems,
        rows,
        prefilled,
        extra,
    } = checked;
    if !problems.is_empty() {
        return Err(problems.finish(path));
    }
    let (extra_columns, extra_column_cells) = extra.into_iter().unzip();
    let overlay = Overlay {
        label: label_for(path),
        path: path.to_owned(),
        sha256,
        encoding: encoding.to_owned(),
        extra_columns,
        extra_column_cells,
        rows,
    };
    Ok((overlay, prefilled))
}

/// What checking the tables of one overlay has found so far.
#[derive(Default)]
struct Checked {
    problems: Problems,
    /// Rows with a good id, in file order.
    rows: Vec<OverlayRow>,
    /// Cells still as `kansa init --from` pre-filled them, by index into `rows`.
    prefilled: Vec<PrefilledCell>,
    /// Custom column headers, first-seen order, with the cell of each.
    extra: Vec<(String, HeaderCell)>,
}

impl Checked {
    /// Check table `t` of the overlay and move its rows in.
    fn add_table(&mut self, path: &str, t: usize, mut table: Table, ids: &mut IdCheck) {
        let columns = match map_headers(path, &table) {
            Ok(c) => c,
            Err(p) => {
                self.problems.extend(p);
                ids.places.push(String::new());
                return;
            }
        };
        let id_col = columns
            .iter()
            .position(|c| *c == Some(Column::Id))
            .unwrap_or(0);
        ids.places.push(match &table.sheet {
            Some(sheet) => format!("{sheet}!{}", column_letters(id_col as u64 + 1)),
            None => "line ".to_owned(),
        });
        let records = std::mem::take(&mut table.records);
        self.rows.reserve(records.len());
        for rec in records {
            let id = ids.check(path, &table, t, &rec, id_col, &mut self.problems);
            let line = rec.line;
            // Cells are checked even when the id is wrong: every problem is reported in one run.
            let (answer, unchanged) = read_answer(path, &table, rec, &columns, &mut self.problems);
            let Some(id) = id else { continue };
            let row = self.rows.len();
            let cells = unchanged
                .into_iter()
                .map(|field| PrefilledCell { row, field });
            self.prefilled.extend(cells);
            let sheet = table.sheet.clone();
            let origin = RowOrigin { line, sheet };
            self.rows.push(OverlayRow { id, origin, answer });
        }
        self.add_extra_columns(&table, &columns);
    }

    /// The custom columns of `table` not seen in an earlier table.
    fn add_extra_columns(&mut self, table: &Table, columns: &[Option<Column>]) {
        let seen: HashSet<&str> = self.extra.iter().map(|(h, _)| h.as_str()).collect();
        let mut new = Vec::new();
        let mut seen_here = HashSet::new();
        for (i, (h, c)) in table.headers.iter().zip(columns).enumerate() {
            if c.is_none() && !seen.contains(h.as_str()) && seen_here.insert(h.as_str()) {
                let cell = HeaderCell {
                    sheet: table.sheet.clone(),
                    line: table.header_line,
                    column: i as u64 + 1,
                };
                new.push((h.clone(), cell));
            }
        }
        self.extra.extend(new);
    }
}

/// [`overlay_from_tables`] after a reader that may already have found problems (a workbook
/// with a bad sheet): those are reported first, then the ones found checking the tables.
pub fn check_tables(
    path: &str,
    sha256: String,
    encoding: &str,
    tables: Vec<Table>,
    problems: Diagnostics,
    catalogue: &Catalogue,
) -> Result<Overlay, Diagnostics> {
    check_tables_prefilled(path, sha256, encoding, tables, problems, catalogue).map(|(o, _)| o)
}

/// [`check_tables`], with the cells still as `kansa init --from` pre-filled them.
pub fn check_tables_prefilled(
    path: &str,
    sha256: String,
    encoding: &str,
    tables: Vec<Table>,
    mut problems: Diagnostics,
    catalogue: &Catalogue,
) -> Result<(Overlay, Vec<PrefilledCell>), Diagnostics> {
    match overlay_and_prefilled(path, sha256, encoding, tables, catalogue) {
        Ok(overlay) if problems.is_empty() => Ok(overlay),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    }
}

/// The SHA-256 of a whole input file, in lower-case hex: recorded so a report names exactly
/// the bytes it was built from.
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The provenance label of an overlay loaded alone: its file name, made as
/// [`crate::load::labels::unique_labels`] makes every label (never a folder, so never the
/// user's name). Loading several overlays together relabels them so that two files of the
/// same name differ.
pub fn label_for(path: &str) -> String {
    crate::load::labels::unique_labels(&[path])
        .pop()
        .unwrap_or_else(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CatalogueMeta, Control, Status};

    fn catalogue() -> Catalogue {
        let control = |id: &str| Control {
            id: id.into(),
            section: "s".into(),
            major: String::new(),
            middle: String::new(),
            text: "t".into(),
            extra: vec![],
        };
        Catalogue::new(
            CatalogueMeta {
                id: "test".into(),
                ..Default::default()
            },
            vec![control("設1"), control("設83-1"), control("運10-1")],
        )
    }

    fn load(text: &str) -> Result<Overlay, Diagnostics> {
        parse_overlay(
            "x/a.csv",
            text.as_bytes(),
            EncodingChoice::Auto,
            &catalogue(),
        )
    }

    #[test]
    fn japanese_headers_aliases_and_extra_columns() {
        let o =
            load("項番,対応状況,期限,Cost centre\n設８３－１,実施済,2026/04/01,CC-9\n").unwrap();
        assert_eq!(o.rows[0].id, "設83-1");
        assert_eq!(o.rows[0].answer.status, Some(Status::Implemented));
        assert_eq!(
            o.rows[0].answer.extra,
            vec![("Cost centre".into(), "CC-9".into())]
        );
        assert_eq!(o.extra_columns, ["Cost centre"]);
        assert_eq!(
            o.label, "a.csv",
            "a file loaded alone is labelled by its name"
        );
    }

    #[test]
    fn all_problems_are_collected() {
        let err = load("id,status,due\n設2,done,2026-13-01\n設1,,\n設 1,planned,\n").unwrap_err();
        let msgs: Vec<String> = err.0.iter().map(|d| d.to_string()).collect();
        assert_eq!(err.len(), 4, "{msgs:#?}");
        assert!(msgs[0].starts_with("x/a.csv:2:1 (id): unknown id \"設2\""));
        assert!(msgs[0].contains("did you mean 設1?"));
        assert!(msgs[1].starts_with("x/a.csv:2:2 (status): unknown status \"done\""));
        assert!(msgs[2].starts_with("x/a.csv:2:3 (due): no such date \"2026-13-01\""));
        assert!(msgs[3].starts_with("x/a.csv:4:1 (id): duplicate id \"設 1\""));
        assert!(msgs[3].contains("line 3"));
    }

    #[test]
    fn unnamed_columns_are_ignored_when_empty_and_errors_when_not() {
        let o = load("id,status,,\n設1,implemented,,\n").unwrap();
        assert!(o.extra_columns.is_empty());
        let err = load("id,,status\n設1,lost,implemented\n").unwrap_err();
        assert_eq!(
            err.0[0].to_string().lines().next().unwrap(),
            "x/a.csv:1:2: values under an empty column header"
        );
    }

    #[test]
    fn header_without_id_is_rejected() {
        let err = load("status\nimplemented\n").unwrap_err();
        assert_eq!(err.0[0].message, "no id column");
        let err = load("id;status\n設1;implemented\n").unwrap_err();
        assert!(err.0[0].hint.as_ref().unwrap().contains("semicolons"));
    }

    #[test]
    fn duplicate_custom_columns_are_rejected() {
        let err = load("id,cost,status,cost\n設1,1,implemented,2\n").unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(
            err.0[0].to_string(),
            "x/a.csv:1:4 (cost): column given twice\n  hint: column 2 (cost) has the same name; keep one"
        );
    }

    #[test]
    fn a_second_header_row_is_named_as_such() {
        let err = load("\u{FEFF}id,status\n設1,implemented\n\u{FEFF}id,status\n").unwrap_err();
        assert_eq!(
            err.0[0].to_string(),
            "x/a.csv:3:1 (id): unknown id \"\\u{feff}id\"\n  hint: this is a second header row (two files joined together?); delete it"
        );
    }

    #[test]
    fn a_prefilled_column_of_other_text_is_an_error_not_dropped() {
        let err = load("id,status,prefilled\n設1,implemented,my own note\n").unwrap_err();
        assert_eq!(
            err.0[0].to_string().lines().next().unwrap(),
            "x/a.csv:2:3 (prefilled): not fingerprints written by kansa init \"my own note\""
        );
        // Fingerprints that match nothing are harmless: the cells are the file's own.
        let o = load("id,status,prefilled\n設1,implemented,0123abcd\n").unwrap();
        assert_eq!(o.rows[0].answer.status, Some(Status::Implemented));
    }

    #[test]
    fn unknown_ids_beyond_the_cap_are_counted() {
        let mut text = String::from("id,status\n");
        for i in 0..2500 {
            text.push_str(&format!("X{i},implemented\n"));
        }
        let err = load(&text).unwrap_err();
        assert_eq!(err.len(), 1001);
        assert!(
            err.0[1000]
                .message
                .starts_with("1500 more problems not listed")
        );
    }
}

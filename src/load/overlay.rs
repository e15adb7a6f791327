//! Loading one answers overlay and checking every cell against the catalogue.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::diag::Problems;
use crate::diag::{Diagnostic, Diagnostics, column_letters, nearest};
use crate::load::decode::{self, EncodingChoice};
use crate::load::ids::normalize_id;
use crate::load::prefill::{self, Field, PrefilledCell};
use crate::load::table::{self, Record, Table};
use crate::load::values::{self, Column};
use crate::model::BadValue;
use crate::model::date::parse_date;
use crate::model::limits::Limits;
use crate::model::text::{hex, strip_formula_guard};
use crate::model::{Answer, Catalogue, HeaderCell, Overlay, OverlayRow, RowOrigin};

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
    let mut prefilled = Vec::new();
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    let mut extra_columns: Vec<String> = Vec::new();
    let mut extra_column_cells: Vec<HeaderCell> = Vec::new();
    let mut extra_seen: HashSet<String> = HashSet::new();
    let mut ids = IdCheck {
        catalogue,
        first_seen: vec![None; catalogue.controls.len()],
        places: Vec::with_capacity(tables.len()),
        hints: HashMap::new(),
        near: None,
        budget: SLOW_SEARCH_BUDGET,
    };
    for (t, mut table) in tables.into_iter().enumerate() {
        let columns = match map_headers(path, &table) {
            Ok(c) => c,
            Err(p) => {
                problems.extend(p);
                ids.places.push(String::new());
                continue;
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
        rows.reserve(records.len());
        for rec in records {
            let id = ids.check(path, &table, t, &rec, id_col, &mut problems);
            let line = rec.line;
            // Cells are checked even when the id is wrong: every problem is reported in one run.
            let (answer, unchanged) = read_answer(path, &table, rec, &columns, &mut problems);
            let Some(id) = id else { continue };
            prefilled.extend(unchanged.into_iter().map(|field| PrefilledCell {
                row: rows.len(),
                field,
            }));
            rows.push(OverlayRow {
                id,
                origin: RowOrigin {
                    line,
                    sheet: table.sheet.clone(),
                },
                answer,
            });
        }
        for (i, (h, c)) in table.headers.iter().zip(&columns).enumerate() {
            if c.is_none() && extra_seen.insert(h.clone()) {
                extra_columns.push(h.clone());
                extra_column_cells.push(HeaderCell {
                    sheet: table.sheet.clone(),
                    line: table.header_line,
                    column: i as u64 + 1,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.finish(path));
    }
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

/// A short provenance label: `aws-2012/answers.csv` for `examples/aws-2012/answers.csv`,
/// because several overlays are commonly all called `answers.csv`.
pub fn label_for(path: &str) -> String {
    let p = std::path::Path::new(path);
    let file = p.file_name().map_or(path.into(), |f| f.to_string_lossy());
    match p.parent().and_then(|d| d.file_name()) {
        Some(dir) => format!("{}/{file}", dir.to_string_lossy()),
        None => file.into_owned(),
    }
}

fn map_headers(path: &str, table: &Table) -> Result<Vec<Option<Column>>, Diagnostics> {
    let headers = &table.headers;
    let at = |col: usize, msg: &str| {
        Diagnostic::new(path, table.header_line, col as u64 + 1, msg)
            .in_sheet(table.sheet.as_deref())
    };
    let mut problems = Diagnostics::default();
    let mut columns: Vec<Option<Column>> = headers
        .iter()
        .map(|h| values::column_for_header(h))
        .collect();
    // First column of each known kind, and of each custom header: one pass, however wide.
    let mut first_known: HashMap<Column, usize> = HashMap::new();
    let mut first_custom: HashMap<&str, usize> = HashMap::new();
    for (i, c) in columns.iter().enumerate() {
        let first = match c {
            Some(Column::Context) => continue,
            Some(c) => *first_known.entry(*c).or_insert(i),
            None if headers[i].is_empty() => continue,
            None => *first_custom.entry(headers[i].as_str()).or_insert(i),
        };
        if first != i {
            let means = if c.is_some() {
                "means the same"
            } else {
                "has the same name"
            };
            problems.push(
                at(i, "column given twice")
                    .column_name(&headers[i])
                    .hint(format!(
                        "column {} ({}) {means}; keep one",
                        first + 1,
                        headers[first]
                    )),
            );
        }
    }
    if !columns.contains(&Some(Column::Id)) {
        let hint = match headers.as_slice() {
            [one] if one.contains(';') => {
                "the file is separated by semicolons (a regional Excel setting): save it as CSV with commas (Excel: \"CSV UTF-8\")"
            }
            [one] if one.contains('\t') => {
                "the file is separated by tabs: save it as CSV with commas (Excel: \"CSV UTF-8\")"
            }
            _ => "the header row needs a column named id (or 項番)",
        };
        problems.push(at(0, "no id column").value(headers.join(",")).hint(hint));
    }
    // An unnamed column without values is layout (a margin, a spacer, Excel's trailing commas)
    // and is ignored; an unnamed column with values would lose data, so it is an error.
    for (i, h) in headers.iter().enumerate() {
        if !h.is_empty() || columns[i].is_some() {
            continue;
        }
        if table.records.iter().all(|r| r.fields[i].trim().is_empty()) {
            columns[i] = Some(Column::Context);
        } else {
            problems.push(
                at(i, "values under an empty column header")
                    .hint("name the column (it is kept as a custom column), or delete it"),
            );
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// Id checks of one overlay: known to the catalogue, answered once. Hints for unknown ids are
/// computed once per distinct id, and not at all once the problem list is full, so a file of
/// 200,000 unknown ids stays linear.
struct IdCheck<'c> {
    catalogue: &'c Catalogue,
    /// By catalogue position: where the control was first answered (table, line).
    first_seen: Vec<Option<(usize, u64)>>,
    /// By table: how a line of it is named (`line 12`, `設備!A12`), less the number.
    places: Vec<String>,
    /// Normalised unknown id → its hint.
    hints: HashMap<String, String>,
    /// Catalogue ids by their one-deletion variants, built at the first unknown id.
    near: Option<NearIndex>,
    /// Edit distances the slow search (no id one edit away) may still compute for this file.
    budget: usize,
}

impl IdCheck<'_> {
    fn check(
        &mut self,
        path: &str,
        table: &Table,
        table_index: usize,
        rec: &Record,
        id_col: usize,
        problems: &mut Problems,
    ) -> Option<String> {
        let raw = &rec.fields[id_col];
        let at = |msg: &str| {
            Diagnostic::new(path, rec.field_line(id_col), id_col as u64 + 1, msg)
                .in_sheet(table.sheet.as_deref())
                .column_name("id")
        };
        let id = normalize_id(raw);
        if id.is_empty() {
            problems.push(
                at("missing id")
                    .value(crate::model::text::excerpt(&rec.fields.join(","), 60))
                    .hint("every row needs the id of a control, e.g. 設1"),
            );
            return None;
        }
        let catalogue = self.catalogue;
        let Some(position) = catalogue.position(&id) else {
            if problems.is_full() {
                problems.push(at("unknown id"));
                return None;
            }
            let hint = match self.hints.get(&id) {
                Some(h) => h.clone(),
                None => {
                    let near = self.near.get_or_insert_with(|| NearIndex::new(catalogue));
                    let h = unknown_id_hint(&id, catalogue, near, &mut self.budget);
                    self.hints.insert(id.clone(), h.clone());
                    h
                }
            };
            problems.push(at("unknown id").value(raw.as_str()).hint(hint));
            return None;
        };
        if let Some((first_table, first_line)) = self.first_seen[position] {
            let first = format!("{}{first_line}", self.places[first_table]);
            problems.push(at("duplicate id").value(raw.as_str()).hint(format!(
                "{id} is also answered on {first}; keep one row per control"
            )));
            return None;
        }
        self.first_seen[position] = Some((table_index, rec.line));
        Some(id)
    }
}

/// What to say about an id the catalogue does not have.
fn unknown_id_hint(
    id: &str,
    catalogue: &Catalogue,
    near: &NearIndex,
    budget: &mut usize,
) -> String {
    if values::column_for_header(id) == Some(Column::Id) {
        return "this is a second header row (two files joined together?); delete it".to_owned();
    }
    match nearest_id(id, catalogue, near, budget) {
        Some(near) => format!("did you mean {near}? ({} has no {id})", catalogue.meta.id),
        None => format!(
            "no such control in {}; `kansa catalogue show {}` lists the ids",
            catalogue.meta.id, catalogue.meta.id
        ),
    }
}

/// Steps of edit-distance work the full search may do per file once no id is one edit away
/// (comparing ids of `a` and `b` bytes counts `a × b`, what the distance costs): on a
/// 200,000-control catalogue, a file of ids far from every control would otherwise compare
/// each with every control (95 s), and long ids make each comparison dear (50,000 ids of 306
/// characters: 2 min 49 s). 20 million steps take about 5 s in a debug build, well under one
/// in a release build. Ids one edit away never need it.
const SLOW_SEARCH_BUDGET: usize = 20_000_000;

/// The work of comparing `id` with every one of `candidates` ([`SLOW_SEARCH_BUDGET`]).
fn search_cost(id: &str, candidates: &[&str]) -> usize {
    candidates
        .iter()
        .map(|c| c.len().saturating_mul(id.len() + 1))
        .fold(0, usize::saturating_add)
}

/// The letters before an id's number (設, 運, AC-), which a suggestion must share.
fn id_prefix(s: &str) -> &str {
    let end = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    &s[..end]
}

/// The first number of an id (83 in 設83-1), to prefer the closest of equally near ids.
fn id_number(s: &str) -> i64 {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

/// An index of the catalogue's ids by every variant with one character deleted (and the id
/// itself), as hashes: two ids one edit apart (a character typed extra, missing or wrong)
/// always share a variant, so every id one edit from a typo is found by a few lookups instead
/// of a pass over the whole catalogue.
struct NearIndex {
    /// (hash of a variant, catalogue position), sorted.
    variants: Vec<(u64, u32)>,
    /// Catalogue positions by id prefix ([`id_prefix`]), in order: the full search compares
    /// only these, without looking at every id of the catalogue again.
    by_prefix: HashMap<String, Vec<usize>>,
}

impl NearIndex {
    fn new(catalogue: &Catalogue) -> Self {
        let mut variants = Vec::new();
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in catalogue.controls.iter().enumerate() {
            for h in deletion_hashes(&c.id) {
                variants.push((h, i as u32));
            }
            by_prefix
                .entry(id_prefix(&c.id).to_owned())
                .or_default()
                .push(i);
        }
        variants.sort_unstable();
        variants.dedup();
        NearIndex {
            variants,
            by_prefix,
        }
    }

    /// Catalogue positions of the ids with this prefix, in order.
    fn with_prefix(&self, prefix: &str) -> Vec<usize> {
        self.by_prefix.get(prefix).cloned().unwrap_or_default()
    }

    /// Catalogue positions of ids that may be one edit from `id` (a superset), in order.
    fn candidates(&self, id: &str) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for h in deletion_hashes(id) {
            let start = self.variants.partition_point(|(v, _)| *v < h);
            out.extend(
                self.variants[start..]
                    .iter()
                    .take_while(|(v, _)| *v == h)
                    .map(|(_, i)| *i as usize),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Ids longer than this (in bytes) get no one-deletion variants in [`NearIndex`].
const MAX_INDEXED_ID_BYTES: usize = 64;

/// Hashes of `s` and of every string made by deleting one of its characters.
fn deletion_hashes(s: &str) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let mut out = vec![hasher.hash_one(s)];
    // A long id has as many variants as characters, each as long as the id: such ids are
    // left to the budgeted full search rather than hashed quadratically.
    if s.len() > MAX_INDEXED_ID_BYTES {
        return out;
    }
    for (i, c) in s.char_indices() {
        let variant = [&s[..i], &s[i + c.len_utf8()..]].concat();
        out.push(hasher.hash_one(variant));
    }
    out
}

/// The likeliest intended id: same prefix (設/運/技), smallest edit distance, then the closest
/// number, so `設84` suggests `設83` rather than `設4`. Ids one edit away come from the index;
/// only when there is none are all ids of the prefix compared, within the file's budget.
fn nearest_id<'c>(
    id: &str,
    catalogue: &'c Catalogue,
    near: &NearIndex,
    budget: &mut usize,
) -> Option<&'c str> {
    let want_prefix = id_prefix(id);
    let ids = |positions: Vec<usize>| -> Vec<&'c str> {
        positions
            .into_iter()
            .map(|i| catalogue.controls[i].id.as_str())
            .filter(|c| id_prefix(c) == want_prefix)
            .collect()
    };
    let close = ids(near.candidates(id));
    let one_edit: Vec<&str> = close
        .into_iter()
        .filter(|c| strsim::levenshtein(id, c) == 1)
        .collect();
    let candidates = if one_edit.is_empty() {
        let same_prefix: Vec<&str> = near
            .with_prefix(want_prefix)
            .into_iter()
            .map(|i| catalogue.controls[i].id.as_str())
            .collect();
        let cost = search_cost(id, &same_prefix);
        if *budget < cost {
            return None;
        }
        *budget -= cost;
        same_prefix
    } else {
        one_edit
    };
    let best = nearest(id, candidates.iter().copied())?;
    let distance = strsim::levenshtein(id, best);
    let want_number = id_number(id);
    candidates
        .into_iter()
        .filter(|c| strsim::levenshtein(id, c) == distance)
        .min_by_key(|c| (id_number(c) - want_number).abs())
}

fn read_answer(
    path: &str,
    table: &Table,
    rec: Record,
    columns: &[Option<Column>],
    problems: &mut Problems,
) -> (Answer, Vec<Field>) {
    let headers = &table.headers;
    // The row's `prefilled` fingerprints (a sheet from `kansa init --from`), if any.
    let marker = columns.iter().position(|c| *c == Some(Column::Prefilled));
    let marks_text = marker.map(|i| rec.fields[i].clone()).unwrap_or_default();
    let marks = prefill::parse_marks(&marks_text);
    if let Some(i) = marker
        && !prefill::well_formed(&marks)
    {
        // A column of the user's own that happens to be called `prefilled` would otherwise
        // be dropped without a word.
        problems.push(
            Diagnostic::new(path, rec.field_line(i), i as u64 + 1, "not fingerprints written by kansa init")
                .in_sheet(table.sheet.as_deref())
                .column_name(&headers[i])
                .value(crate::model::text::excerpt(&marks_text, 60))
                .hint("this column holds kansa's marks of pre-filled cells; leave it as it is, or rename the column if it is your own"),
        );
    }
    let mut unchanged = Vec::new();
    // Where each field starts, worked out before the text fields move out of the record.
    let multiline = rec.fields.iter().any(|f| f.contains(['\n', '\r']));
    let lines: Vec<u64> = if multiline {
        (0..rec.fields.len()).map(|i| rec.field_line(i)).collect()
    } else {
        Vec::new()
    };
    let line_of = |i: usize| lines.get(i).copied().unwrap_or(rec.line);
    let mut a = Answer::default();
    for (i, raw) in rec.fields.into_iter().enumerate() {
        let value = raw.trim();
        if value.is_empty() {
            continue;
        }
        let mut report = |bad: BadValue| {
            problems.push(
                Diagnostic::new(path, line_of(i), i as u64 + 1, bad.message)
                    .in_sheet(table.sheet.as_deref())
                    .column_name(&headers[i])
                    .value(value)
                    .hint(bad.hint),
            );
        };
        let field = match columns[i] {
            None => Some(Field::Extra(headers[i].clone())),
            Some(Column::Id | Column::Context | Column::Prefilled) => None,
            Some(c) => Some(Field::Known(c)),
        };
        if let Some(f) = field
            && prefill::unchanged(&marks, &f, value)
        {
            unchanged.push(f);
        }
        match columns[i] {
            None => a.extra.push((headers[i].clone(), text(raw))),
            Some(Column::Id | Column::Context | Column::Prefilled) => {}
            Some(Column::Status) => {
                a.status = values::parse_status(value).map_err(&mut report).ok()
            }
            Some(Column::Responsibility) => {
                a.responsibility = values::parse_responsibility(value)
                    .map_err(&mut report)
                    .ok();
            }
            Some(Column::Due) => a.due = parse_date(value).map_err(&mut report).ok(),
            Some(Column::Reviewed) => {
                a.reviewed = parse_date(value).map_err(&mut report).ok();
            }
            Some(Column::Answer) => a.answer = Some(text(raw)),
            Some(Column::Evidence) => a.evidence = Some(text(raw)),
            Some(Column::Owner) => a.owner = Some(text(raw)),
            Some(Column::Notes) => a.notes = Some(text(raw)),
        }
    }
    (a, unchanged)
}

/// A text cell as kept: trimmed, with Windows line ends made `\n`. Most cells are already so
/// and are moved, not copied.
fn text(raw: String) -> String {
    let value = raw.trim();
    if value.len() == raw.len() && !value.contains('\r') {
        return raw;
    }
    value.replace("\r\n", "\n")
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
        assert_eq!(o.label, "x/a.csv");
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

    /// The old search: every id of the prefix compared (what the index must agree with).
    fn brute_force<'c>(id: &str, catalogue: &'c Catalogue) -> Option<&'c str> {
        let same: Vec<&str> = catalogue
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| id_prefix(c) == id_prefix(id))
            .collect();
        let best = nearest(id, same.iter().copied())?;
        let d = strsim::levenshtein(id, best);
        same.into_iter()
            .filter(|c| strsim::levenshtein(id, c) == d)
            .min_by_key(|c| (id_number(c) - id_number(id)).abs())
    }

    /// A control of section `s` with text `t` and nothing else.
    fn plain_control(id: String) -> Control {
        Control {
            id,
            section: "s".into(),
            major: String::new(),
            middle: String::new(),
            text: "t".into(),
            extra: vec![],
        }
    }

    fn big_catalogue(n: usize) -> Catalogue {
        let controls = (1..=n)
            .map(|i| plain_control(format!("{}{i}-{}", ["設", "運", "技"][i % 3], i % 7 + 1)))
            .collect();
        Catalogue::new(
            CatalogueMeta {
                id: "big".into(),
                ..Default::default()
            },
            controls,
        )
    }

    #[test]
    fn the_index_finds_what_a_full_search_finds() {
        let c = big_catalogue(3000);
        let near = NearIndex::new(&c);
        let typos = [
            "設84",
            "設84-2",
            "運10-1",
            "運100-22",
            "技35-",
            "設2999-5",
            "設299-55",
            "設1-",
            "運2O-3",
            "技3",
            "設",
            "XYZ-1",
            "設83ー1",
            "設12345-6",
            "運1000-16",
            "技299-4x",
        ];
        for typo in typos {
            let mut budget = usize::MAX;
            assert_eq!(
                nearest_id(typo, &c, &near, &mut budget),
                brute_force(typo, &c),
                "{typo}"
            );
        }
    }

    #[test]
    fn the_full_search_stops_at_its_budget() {
        let c = big_catalogue(1000);
        let near = NearIndex::new(&c);
        // One edit away: found by the index, whatever the budget.
        let mut budget = 0;
        assert_eq!(
            nearest_id("設30-39", &c, &near, &mut budget),
            Some("設30-3")
        );
        // Far from every id: one full search fits, the second does not.
        let same_prefix: Vec<&str> = c
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| c.starts_with('設'))
            .collect();
        let one_search = search_cost("設30-399", &same_prefix);
        let mut budget = one_search * 3 / 2;
        assert_eq!(
            nearest_id("設30-399", &c, &near, &mut budget),
            Some("設30-3")
        );
        assert_eq!(budget, one_search * 3 / 2 - one_search);
        assert_eq!(nearest_id("設30-399", &c, &near, &mut budget), None);
    }

    /// The budget counts the work of each comparison, not comparisons: 300-character ids cost
    /// 100 times what 3-character ones do.
    #[test]
    fn the_search_budget_counts_the_length_of_the_ids() {
        let short = search_cost("abc", &["abd", "abe"]);
        let long_id = "X".repeat(300);
        let long = search_cost(&long_id, &[long_id.as_str(), long_id.as_str()]);
        assert_eq!(short, 2 * 3 * 4);
        assert_eq!(long, 2 * 300 * 301);
        assert_eq!(search_cost(&long_id, &[]), 0);
    }

    /// 2,000 long ids against a catalogue of 2,000 long ids with the same prefix, none one
    /// edit away: one full search would cost more than the whole budget, so none is made
    /// (counting comparisons, 1,000 searches of 2,000 comparisons each were allowed: hours in
    /// a debug build).
    #[test]
    fn long_ids_far_from_every_control_stay_fast() {
        let p = "X".repeat(300);
        let controls = (0..2000)
            .map(|i| plain_control(format!("{p}00{i:04}")))
            .collect();
        let c = Catalogue::new(CatalogueMeta::default(), controls);
        let near = NearIndex::new(&c);
        let started = std::time::Instant::now();
        let mut budget = SLOW_SEARCH_BUDGET;
        let mut searched = 0;
        for i in 0..2000 {
            let far = format!("{p}99{i:04}");
            if nearest_id(&far, &c, &near, &mut budget).is_some() {
                searched += 1;
            }
        }
        assert_eq!(searched, 0, "no full search fits in the budget");
        assert_eq!(budget, SLOW_SEARCH_BUDGET);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
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

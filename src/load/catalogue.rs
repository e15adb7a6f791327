//! Loading a controls catalogue: the built-in ones and user files.

use std::collections::HashMap;
use std::path::Path;

use sha2::Digest;

use crate::diag::Problems;
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::load::{decode, ids::normalize_id, table};
use crate::model::limits::Limits;
use crate::model::{Catalogue, CatalogueMeta, Control};

/// A catalogue compiled into the binary.
pub struct Builtin {
    /// Name used with `--catalogue`.
    pub id: &'static str,
    /// `catalogue.toml`.
    pub meta: &'static str,
    /// `controls.csv`.
    pub controls: &'static str,
}

/// Catalogues shipped with kansa; the first is the default.
pub const BUILTINS: &[Builtin] = &[Builtin {
    id: "fisc-2012",
    meta: include_str!("../../data/catalogues/fisc-2012/catalogue.toml"),
    controls: include_str!("../../data/catalogues/fisc-2012/controls.csv"),
}];

/// Load a catalogue by built-in name, or from a directory (`controls.csv` + `catalogue.toml`)
/// or a CSV file (with an optional `catalogue.toml` beside it).
pub fn load_catalogue(name_or_path: &str) -> Result<Catalogue> {
    load_catalogue_with(name_or_path, &Limits::default())
}

/// [`load_catalogue`] with explicit input limits for a user's catalogue file.
pub fn load_catalogue_with(name_or_path: &str, limits: &Limits) -> Result<Catalogue> {
    if let Some(b) = BUILTINS.iter().find(|b| b.id == name_or_path) {
        let meta = parse_meta(&format!("{}/catalogue.toml", b.id), b.meta)?;
        return Ok(parse_catalogue(
            &format!("{}/controls.csv", b.id),
            b.controls,
            meta,
        )?);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        let names: Vec<&str> = BUILTINS.iter().map(|b| b.id).collect();
        return Err(Error::Usage(format!(
            "unknown catalogue {name_or_path:?}: not a built-in ({}) and no such file or directory",
            names.join(", ")
        )));
    }
    let (csv_path, meta_path) = if path.is_dir() {
        (path.join("controls.csv"), path.join("catalogue.toml"))
    } else {
        (path.to_owned(), path.with_file_name("catalogue.toml"))
    };
    let meta_text = if meta_path.exists() {
        Some(read_meta_text(&meta_path, limits)?)
    } else {
        None
    };
    let meta = if let Some(text) = &meta_text {
        parse_meta(&meta_path.display().to_string(), text)?
    } else {
        let id = default_id(&csv_path);
        CatalogueMeta {
            name: id.clone(),
            id,
            ..CatalogueMeta::default()
        }
    };
    let file = csv_path.display().to_string();
    let bytes = crate::fs::read_limited(&csv_path, limits.max_file_bytes)?;
    let text = decode::decode_catalogue(&file, &bytes)?.text;
    let catalogue = parse_catalogue_with(&file, &text, meta, limits)?;
    if let Some(meta_text) = &meta_text {
        check_section_names(&meta_path.display().to_string(), meta_text, &catalogue)?;
    }
    Ok(catalogue)
}

/// The id of a catalogue without `catalogue.toml`: the CSV's name, or its directory's name for
/// the usual `DIR/controls.csv`. Every such catalogue was `controls` before, so a baseline of
/// `iso2013/` was diffed against a pack on `iso2022/` as if it were the same catalogue.
fn default_id(csv_path: &Path) -> String {
    let stem = csv_path.file_stem().unwrap_or_default().to_string_lossy();
    if stem != "controls" {
        return stem.into_owned();
    }
    std::fs::canonicalize(csv_path)
        .ok()
        .and_then(|p| Some(p.parent()?.file_name()?.to_string_lossy().into_owned()))
        .filter(|dir| !dir.is_empty())
        .unwrap_or_else(|| stem.into_owned())
}

/// Every `[[sections]]` entry of catalogue.toml must name a section of the controls, once: a
/// typo (`運営` for `運用`) left the section without its English name, and a name given twice
/// kept only the first `name_en`, both without a word.
fn check_section_names(file: &str, meta_text: &str, catalogue: &Catalogue) -> Result<()> {
    let mut used: Vec<&str> = Vec::new();
    for c in &catalogue.controls {
        if !used.contains(&c.section.as_str()) {
            used.push(&c.section);
        }
    }
    let lines = section_name_lines(meta_text);
    let mut problems = Vec::new();
    for (i, section) in catalogue.meta.sections.iter().enumerate() {
        let (line, column) = lines.get(i).copied().unwrap_or((0, 0));
        let at = |message: String| {
            Diagnostic::new(file, line, column, message).value(section.name.as_str())
        };
        let first = catalogue.meta.sections[..i]
            .iter()
            .position(|s| s.name == section.name);
        if let Some(first) = first {
            problems.push(
                at(format!("[[sections]] #{}: section name given twice", i + 1)).hint(format!(
                    "[[sections]] #{} already names it; keep one entry per section",
                    first + 1
                )),
            );
        } else if !used.contains(&section.name.as_str()) {
            let nearest = crate::diag::nearest(&section.name, used.iter().copied());
            let mut names: Vec<&str> = nearest.into_iter().collect();
            names.extend(used.iter().copied().filter(|n| Some(*n) != nearest));
            let shown: Vec<String> = names
                .iter()
                .map(|n| format!("{:?}", crate::model::text::visible(n)))
                .collect();
            problems.push(
                at(format!(
                    "[[sections]] #{}: no control of controls.csv is in this section",
                    i + 1
                ))
                .hint(format!(
                    "the sections of controls.csv are {}; fix the name, or remove the entry",
                    shown.join(", ")
                )),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(Diagnostics(problems)))
    }
}

/// (line, column) of the `name` key of each `[[sections]]` table, in file order (0, 0 when not
/// found, e.g. an inline `sections = [...]` array).
fn section_name_lines(text: &str) -> Vec<(u64, u64)> {
    let mut found = Vec::new();
    let mut in_section = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if line.starts_with('[') {
            if in_section {
                found.push((0, 0));
            }
            in_section = line.trim_end() == "[[sections]]";
            continue;
        }
        let is_name = line
            .strip_prefix("name")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if in_section && is_name {
            let column = (raw.chars().count() - line.chars().count()) as u64 + 1;
            found.push((n as u64 + 1, column));
            in_section = false;
        }
    }
    if in_section {
        found.push((0, 0));
    }
    found
}

/// Parse `catalogue.toml`. Unknown keys are errors (a typo such as `edtion` or `[[section]]`
/// would otherwise be dropped without a word), located at their line and column.
fn parse_meta(file: &str, text: &str) -> Result<CatalogueMeta> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_and_column(text, s.start));
        Error::Input(Diagnostics(vec![
            Diagnostic::new(
                file,
                line,
                column,
                format!("invalid catalogue metadata: {}", e.message().trim()),
            )
            .hint(
                "catalogue.toml knows id, name, name_en, edition, publisher, publisher_en, \
                 language, source, copyright and [[sections]] (name, name_en, prefix); \
                 id and name are required",
            ),
        ]))
    })
}

/// 1-based line and character column of byte offset `at` in `text`.
fn line_and_column(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..text.floor_char_boundary(at)];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
    (line, column)
}

/// Read `catalogue.toml`, decoded as overlays are (UTF-8 with or without BOM, Shift_JIS as
/// Japanese editors save it, UTF-16), so that a Shift_JIS file does not become mojibake.
fn read_meta_text(meta_path: &Path, limits: &Limits) -> Result<String> {
    let file = meta_path.display().to_string();
    let bytes = crate::fs::read_limited(meta_path, limits.max_file_bytes)?;
    Ok(decode::decode_catalogue(&file, &bytes)?.text.into_owned())
}

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
struct Layout {
    id: usize,
    text: usize,
    section: Option<usize>,
    major: Option<usize>,
    middle: Option<usize>,
    /// Extra columns (kept and shown in every output), as (column, header) in file order.
    extra: Vec<(usize, String)>,
}

/// Map the header row to columns: every problem of the header at once (a column given twice,
/// an unnamed column with values, id or text missing).
fn layout(file: &str, table: &table::Table, problems: &mut Problems) -> Option<Layout> {
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
                    problems.push(
                        Diagnostic::new(
                            file,
                            1,
                            i as u64 + 1,
                            "values under an empty column header",
                        )
                        .hint("name the column (it is kept as an extra column), or delete it"),
                    );
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
        problems.push(
            Diagnostic::new(file, 1, 1, "a catalogue needs the columns id and text")
                .value(table.headers.join(","))
                .hint("header row: id,section,major,middle,text (or 項番,区分,基準大項目,中項目,小項目)"),
        );
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

/// Parse catalogue CSV text (`id, section, major, middle, text` or their Japanese headers,
/// plus extra columns, which are kept).
pub fn parse_catalogue(
    file: &str,
    text: &str,
    meta: CatalogueMeta,
) -> Result<Catalogue, Diagnostics> {
    parse_catalogue_with(file, text, meta, &Limits::default())
}

/// [`parse_catalogue`] with explicit input limits.
pub fn parse_catalogue_with(
    file: &str,
    text: &str,
    meta: CatalogueMeta,
    limits: &Limits,
) -> Result<Catalogue, Diagnostics> {
    let table = table::parse_with(file, text, limits)?;
    let mut problems = Problems::default();
    let Some(layout) = layout(file, &table, &mut problems) else {
        return Err(problems.finish(file));
    };
    let mut controls: Vec<Control> = Vec::with_capacity(table.records.len());
    let mut seen = HashMap::new();
    for rec in &table.records {
        let cell = |c: Option<usize>| c.map_or(String::new(), |i| rec.fields[i].trim().to_owned());
        let id_column = layout.id as u64 + 1;
        let id = normalize_id(&rec.fields[layout.id]);
        if id.is_empty() {
            problems.push(
                Diagnostic::new(file, rec.line, id_column, "empty id")
                    .column_name(&table.headers[layout.id])
                    .value(rec.fields[layout.id].as_str())
                    .hint("every control needs an id; fill it in or delete the row"),
            );
            continue;
        }
        if let Some(first) = seen.insert(id.clone(), rec.line) {
            let raw = rec.fields[layout.id].as_str();
            let hint = if raw == id {
                format!("already defined on line {first}")
            } else {
                format!(
                    "already defined on line {first} (both read as {id:?} once width, dashes and spaces are normalised)"
                )
            };
            problems.push(
                Diagnostic::new(file, rec.line, id_column, "duplicate id")
                    .column_name(&table.headers[layout.id])
                    .value(raw)
                    .hint(hint),
            );
            continue;
        }
        let extra = layout
            .extra
            .iter()
            .filter_map(|(i, h)| {
                let v = rec.fields[*i].trim();
                (!v.is_empty()).then(|| (h.clone(), v.to_owned()))
            })
            .collect();
        controls.push(Control {
            id,
            section: cell(layout.section),
            major: cell(layout.major),
            middle: cell(layout.middle),
            text: cell(Some(layout.text)),
            extra,
        });
    }
    if problems.is_empty() && controls.is_empty() {
        problems.push(
            Diagnostic::new(file, table.header_line, 1, "the catalogue has no controls")
                .value(table.headers.join(","))
                .hint("add one row per control under the header row (a report on no controls would claim 100% coverage)"),
        );
    }
    if !problems.is_empty() {
        return Err(problems.finish(file));
    }
    let mut catalogue = Catalogue::new(meta, controls);
    catalogue.extra_columns = layout.extra.into_iter().map(|(_, h)| h).collect();
    catalogue.sha256 = crate::model::text::hex(&sha2::Sha256::digest(text.as_bytes()));
    Ok(catalogue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fisc_catalogue_loads() {
        let c = load_catalogue("fisc-2012").unwrap();
        assert_eq!(c.meta.id, "fisc-2012");
        assert_eq!(c.controls.len(), 251);
    }

    /// The 251 items of the FISC 2012 list of measures, as the core-pipeline issue lists them.
    fn expected_fisc_ids() -> Vec<String> {
        let mut ids = Vec::new();
        let mut section = |prefix: &str, last: u32, extra: &[u32]| {
            for n in 1..=last {
                ids.push(format!("{prefix}{n}"));
                if extra.contains(&n) {
                    ids.push(format!("{prefix}{n}-1"));
                }
            }
        };
        section("設", 83, &[83]);
        section("運", 107, &[10, 44, 51, 53, 87, 90, 105]);
        section("技", 51, &[35, 42]);
        ids
    }

    #[test]
    fn fisc_catalogue_has_every_item_in_order() {
        let c = load_catalogue("fisc-2012").unwrap();
        let ids: Vec<&str> = c.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, expected_fisc_ids());
        for ctl in &c.controls {
            assert!(ctl.text.ends_with('。'), "{}: {}", ctl.id, ctl.text);
            assert!(
                !ctl.text.contains(char::is_whitespace),
                "{}: {}",
                ctl.id,
                ctl.text
            );
            assert!(!ctl.major.is_empty(), "{} has no 基準大項目", ctl.id);
            let expected_section = match ctl.id.chars().next() {
                Some('設') => "設備",
                Some('運') => "運用",
                _ => "技術",
            };
            assert_eq!(ctl.section, expected_section, "{}", ctl.id);
        }
        assert_eq!(c.meta.sections.len(), 3);
        assert!(c.meta.copyright.contains("Copyright © 2012"));
    }

    #[test]
    fn duplicate_catalogue_ids_are_reported() {
        let err = parse_catalogue("c.csv", "id,text\nA-1,x\nA‐1,y\n", CatalogueMeta::default())
            .unwrap_err();
        assert_eq!(err.0[0].line, 3);
        assert_eq!(err.0[0].value.as_deref(), Some("A‐1"));
        assert_eq!(
            err.0[0].hint.as_deref(),
            Some(
                "already defined on line 2 (both read as \"A-1\" once width, dashes and spaces are normalised)"
            )
        );
    }

    #[test]
    fn unknown_catalogue_name_is_a_usage_error() {
        let err = load_catalogue("no-such-catalogue").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("fisc-2012"));
    }
    #[test]
    fn japanese_headers_name_the_columns() {
        let c = parse_catalogue(
            "c.csv",
            "項番,区分,基準大項目,中項目,小項目\n設1,設備,建物,環境,避けること。\n",
            CatalogueMeta::default(),
        )
        .unwrap();
        let ctl = &c.controls[0];
        assert_eq!(
            (
                &*ctl.id,
                &*ctl.section,
                &*ctl.major,
                &*ctl.middle,
                &*ctl.text
            ),
            ("設1", "設備", "建物", "環境", "避けること。")
        );
        assert!(c.extra_columns.is_empty());
    }

    #[test]
    fn extra_columns_are_kept_in_file_order() {
        let c = parse_catalogue(
            "c.csv",
            "id,Reference,text,Level\nA1, ISO 27001 A.5 ,x,\nA2,,y,high\n",
            CatalogueMeta::default(),
        )
        .unwrap();
        assert_eq!(c.extra_columns, ["Reference", "Level"]);
        assert_eq!(
            c.controls[0].extra,
            [("Reference".to_owned(), "ISO 27001 A.5".to_owned())]
        );
        assert_eq!(
            c.controls[1].extra,
            [("Level".to_owned(), "high".to_owned())]
        );
    }

    #[test]
    fn a_column_given_twice_is_an_error() {
        let err = parse_catalogue("c.csv", "id,項番,text\nA1,A1,x\n", CatalogueMeta::default())
            .unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].column), (1, 2));
        assert_eq!(err.0[0].message, "column given twice");
    }

    /// Regression (B4): `status`/`owner` (or 担当) as catalogue extra columns duplicated the
    /// answer headers of gaps.csv / answers-merged.csv.
    #[test]
    fn extra_columns_named_like_answer_columns_are_errors() {
        for (header, column) in [
            ("status", 6),
            ("Owner", 6),
            ("担当", 6),
            ("対応状況", 6),
            ("notes", 6),
            ("status_label", 6),
            ("owner_source", 6),
            ("key", 6),
        ] {
            let text = format!("id,section,major,middle,text,{header}\nA1,S,M,m,t,v\n");
            let err = parse_catalogue("c.csv", &text, CatalogueMeta::default()).unwrap_err();
            let d = &err.0[0];
            assert_eq!((d.line, d.column), (1, column), "{header}");
            assert_eq!(d.value.as_deref(), Some(header));
            assert!(d.hint.as_deref().unwrap().contains("rename"), "{header}");
        }
        // Neighbours that are not output columns stay extra columns.
        let c = parse_catalogue(
            "c.csv",
            "id,text,status note,Level,text_source\nA1,t,x,high,y\n",
            CatalogueMeta::default(),
        )
        .unwrap();
        assert_eq!(c.extra_columns, ["status note", "Level", "text_source"]);
    }

    #[test]
    fn a_catalogue_without_controls_is_an_error() {
        for text in ["id,section,text\n", "id,section,text\n,,\n , ,\n"] {
            let err = parse_catalogue("c.csv", text, CatalogueMeta::default()).unwrap_err();
            assert_eq!(err.0.len(), 1, "{text:?}");
            assert_eq!(err.0[0].message, "the catalogue has no controls");
            assert_eq!(err.0[0].line, 1);
        }
    }

    #[test]
    fn an_empty_id_is_located_with_its_column() {
        let err =
            parse_catalogue("c.csv", "text,id\nx,A1\ny, \n", CatalogueMeta::default()).unwrap_err();
        let d = &err.0[0];
        assert_eq!((d.line, d.column, d.message.as_str()), (3, 2, "empty id"));
        assert_eq!(d.column_name.as_deref(), Some("id"));
        assert!(d.hint.is_some());
    }

    #[test]
    fn unknown_metadata_keys_are_errors() {
        let err = parse_meta(
            "catalogue.toml",
            "id = \"x\"\nname = \"y\"\nedtion = \"2\"\n",
        )
        .unwrap_err();
        let Error::Input(d) = err else {
            panic!("not an input error: {err}")
        };
        assert_eq!((d.0[0].line, d.0[0].column), (3, 1));
        assert!(d.0[0].message.contains("edtion"), "{}", d.0[0].message);
        let err = parse_meta(
            "catalogue.toml",
            "id = \"x\"\nname = \"y\"\n[[section]]\nname = \"s\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("section"), "{err}");
        let err = parse_meta(
            "catalogue.toml",
            "id = \"x\"\nname = \"y\"\n[[sections]]\nname = \"s\"\nname_jp = \"t\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("name_jp"), "{err}");
    }

    /// Regression (B17): a `[[sections]]` name matching no section, or given twice, was
    /// accepted without a word.
    #[test]
    fn sections_must_name_sections_of_the_controls_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("catalogue.toml"),
            "id = \"x\"\nname = \"y\"\n[[sections]]\nname = \"設備\"\nname_en = \"F\"\n[[sections]]\n  name = \"設備\"\nname_en = \"B\"\n[[sections]]\nname_en = \"O\"\nname = \"運営\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("controls.csv"),
            "id,section,text\nA1,設備,t\nB1,運用,t\n",
        )
        .unwrap();
        let err = load_catalogue(dir.path().to_str().unwrap()).unwrap_err();
        let Error::Input(d) = err else {
            panic!("not an input error: {err}")
        };
        assert_eq!(d.0.len(), 2, "{d:?}");
        assert_eq!((d.0[0].line, d.0[0].column), (7, 3));
        assert!(d.0[0].message.contains("given twice"), "{}", d.0[0].message);
        assert_eq!((d.0[1].line, d.0[1].column), (11, 1));
        assert_eq!(d.0[1].value.as_deref(), Some("運営"));
        let hint = d.0[1].hint.as_deref().unwrap();
        assert!(hint.contains("\"運用\", \"設備\""), "{hint}");
        assert!(d.0[1].file.ends_with("catalogue.toml"));
    }

    #[test]
    fn shift_jis_metadata_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let (toml, _, _) = encoding_rs::SHIFT_JIS.encode("id = \"x\"\nname = \"安全対策基準\"\n");
        std::fs::write(dir.path().join("catalogue.toml"), toml).unwrap();
        std::fs::write(dir.path().join("controls.csv"), "id,text\nA1,x\n").unwrap();
        let c = load_catalogue(dir.path().to_str().unwrap()).unwrap();
        assert_eq!(c.meta.name, "安全対策基準");
    }

    /// Regression: every catalogue directory without `catalogue.toml` was id `controls`, so
    /// baselines of different catalogues were diffed as one.
    #[test]
    fn a_catalogue_without_metadata_is_named_after_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["iso2013", "iso2022"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
            std::fs::write(
                dir.path().join(name).join("controls.csv"),
                "id,text\nA1,a\n",
            )
            .unwrap();
        }
        std::fs::write(dir.path().join("mine.csv"), "id,text\nA1,a\n").unwrap();
        let id = |p: std::path::PathBuf| {
            load_catalogue_with(p.to_str().unwrap(), &Limits::default())
                .unwrap()
                .meta
                .id
        };
        assert_eq!(id(dir.path().join("iso2013")), "iso2013");
        assert_eq!(id(dir.path().join("iso2022/controls.csv")), "iso2022");
        assert_eq!(id(dir.path().join("mine.csv")), "mine");
    }
}

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

mod layout;
mod metadata;

use layout::{Layout, layout};
use metadata::{check_section_names, parse_meta};

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
    meta: include_str!("../../../data/catalogues/fisc-2012/catalogue.toml"),
    controls: include_str!("../../../data/catalogues/fisc-2012/controls.csv"),
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

/// Read `catalogue.toml`, decoded as overlays are (UTF-8 with or without BOM, Shift_JIS as
/// Japanese editors save it, UTF-16), so that a Shift_JIS file does not become mojibake.
fn read_meta_text(meta_path: &Path, limits: &Limits) -> Result<String> {
    let file = meta_path.display().to_string();
    let bytes = crate::fs::read_limited(meta_path, limits.max_file_bytes)?;
    Ok(decode::decode_catalogue(&file, &bytes)?.text.into_owned())
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
        match control_id(file, &table, &layout, rec, &mut seen) {
            Ok(id) => controls.push(control(&layout, rec, id)),
            Err(d) => problems.push(*d),
        }
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

/// The row's control id, normalised; an empty id, or one a row above already defined (`seen`
/// maps ids to their lines), is a problem.
fn control_id(
    file: &str,
    table: &table::Table,
    layout: &Layout,
    rec: &table::Record,
    seen: &mut HashMap<String, u64>,
) -> std::result::Result<String, Box<Diagnostic>> {
    let id_column = layout.id as u64 + 1;
    let raw = rec.fields[layout.id].as_str();
    let id = normalize_id(raw);
    if id.is_empty() {
        return Err(Box::new(
            Diagnostic::new(file, rec.line, id_column, "empty id")
                .column_name(&table.headers[layout.id])
                .value(raw)
                .hint("every control needs an id; fill it in or delete the row"),
        ));
    }
    let Some(first) = seen.insert(id.clone(), rec.line) else {
        return Ok(id);
    };
    let hint = if raw == id {
        format!("already defined on line {first}")
    } else {
        format!(
            "already defined on line {first} (both read as {id:?} once width, dashes and spaces are normalised)"
        )
    };
    Err(Box::new(
        Diagnostic::new(file, rec.line, id_column, "duplicate id")
            .column_name(&table.headers[layout.id])
            .value(raw)
            .hint(hint),
    ))
}

/// The control a row describes, its cells trimmed; empty extra cells are left out.
fn control(layout: &Layout, rec: &table::Record, id: String) -> Control {
    let cell = |c: Option<usize>| c.map_or(String::new(), |i| rec.fields[i].trim().to_owned());
    let extra = layout
        .extra
        .iter()
        .filter_map(|(i, h)| {
            let v = rec.fields[*i].trim();
            (!v.is_empty()).then(|| (h.clone(), v.to_owned()))
        })
        .collect();
    Control {
        id,
        section: cell(layout.section),
        major: cell(layout.major),
        middle: cell(layout.middle),
        text: cell(Some(layout.text)),
        extra,
    }
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

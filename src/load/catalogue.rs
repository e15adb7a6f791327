//! Loading a controls catalogue: the built-in ones and user files.

use std::path::Path;

use sha2::Digest;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::load::limits::{Limits, Problems};
use crate::load::{decode, ids::normalize_id, table};
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
    let meta = if meta_path.exists() {
        let bytes = crate::fs::read_limited(&meta_path, limits.max_file_bytes)?;
        parse_meta(
            &meta_path.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        )?
    } else {
        let stem = csv_path.file_stem().unwrap_or_default().to_string_lossy();
        CatalogueMeta {
            id: stem.to_string(),
            name: stem.to_string(),
            ..CatalogueMeta::default()
        }
    };
    let file = csv_path.display().to_string();
    let bytes = crate::fs::read_limited(&csv_path, limits.max_file_bytes)?;
    let text = decode::decode(&file, &bytes, decode::EncodingChoice::Auto)?.text;
    Ok(parse_catalogue_with(&file, &text, meta, limits)?)
}

fn parse_meta(file: &str, text: &str) -> Result<CatalogueMeta> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map_or(0, |s| text[..s.start].matches('\n').count() as u64 + 1);
        Error::Input(Diagnostics(vec![
            Diagnostic::new(
                file,
                line,
                1,
                format!("invalid catalogue metadata: {}", e.message()),
            )
            .hint("catalogue.toml needs at least id and name"),
        ]))
    })
}

/// Parse catalogue CSV text (`id, section, major, middle, text` + extra columns).
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
    let find = |name: &str| {
        table
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    };
    let mut problems = Problems::default();
    let (Some(id_col), Some(text_col)) = (find("id"), find("text")) else {
        problems.push(
            Diagnostic::new(file, 1, 1, "a catalogue needs the columns id and text")
                .value(table.headers.join(","))
                .hint("header row: id,section,major,middle,text"),
        );
        return Err(problems.finish(file));
    };
    let (section_col, major_col, middle_col) = (find("section"), find("major"), find("middle"));
    let known = [
        Some(id_col),
        Some(text_col),
        section_col,
        major_col,
        middle_col,
    ];
    let mut controls: Vec<Control> = Vec::with_capacity(table.records.len());
    let mut seen = std::collections::HashMap::new();
    for rec in &table.records {
        let cell = |c: Option<usize>| c.map_or(String::new(), |i| rec.fields[i].trim().to_owned());
        let id = normalize_id(&rec.fields[id_col]);
        if id.is_empty() {
            problems.push(Diagnostic::new(
                file,
                rec.line,
                id_col as u64 + 1,
                "empty id",
            ));
            continue;
        }
        if let Some(first) = seen.insert(id.clone(), rec.line) {
            problems.push(
                Diagnostic::new(file, rec.line, id_col as u64 + 1, "duplicate id")
                    .column_name("id")
                    .value(&id)
                    .hint(format!("already defined on line {first}")),
            );
            continue;
        }
        let extra = table
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !known.contains(&Some(*i)))
            .map(|(i, h)| (h.clone(), rec.fields[i].clone()))
            .collect();
        controls.push(Control {
            id,
            section: cell(section_col),
            major: cell(major_col),
            middle: cell(middle_col),
            text: cell(Some(text_col)),
            extra,
        });
    }
    if problems.is_empty() {
        let mut catalogue = Catalogue::new(meta, controls);
        catalogue.sha256 = crate::load::overlay::hex(&sha2::Sha256::digest(text.as_bytes()));
        Ok(catalogue)
    } else {
        Err(problems.finish(file))
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
        assert_eq!(err.0[0].hint.as_deref(), Some("already defined on line 2"));
    }

    #[test]
    fn unknown_catalogue_name_is_a_usage_error() {
        let err = load_catalogue("no-such-catalogue").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("fisc-2012"));
    }
}

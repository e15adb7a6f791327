//! `catalogue.toml`: the catalogue's name, edition and sections, parsed strictly and checked
//! against the sections the controls use.

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::model::{Catalogue, CatalogueMeta};

/// Every `[[sections]]` entry of catalogue.toml must name a section of the controls, once: a
/// typo (`運営` for `運用`) left the section without its English name, and a name given twice
/// kept only the first `name_en`, both without a word.
pub(super) fn check_section_names(
    file: &str,
    meta_text: &str,
    catalogue: &Catalogue,
) -> Result<()> {
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
pub(super) fn parse_meta(file: &str, text: &str) -> Result<CatalogueMeta> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

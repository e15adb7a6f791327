//! `[document]` / `[pack.document]` in kansa.toml, and the file of `kansa report --document`:
//! the document-control values a report is filed under.
//!
//! A top-level `[document]` is shared by every pack of the file; a pack's own
//! `[pack.document]` overrides it key by key (a pack may change only its `number`). The same
//! keys, at the top level of their own file, are what `kansa report --document FILE.toml`
//! reads. Unknown keys, wrong types, bad dates and over-long texts are located errors (exit 2),
//! as everywhere else in the config.

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::Result;
use crate::render::view::{DocumentInfo, Signature};

/// Most characters of a purpose or scope text.
pub const MAX_DOCUMENT_TEXT_CHARS: usize = 2000;
/// Most characters of a one-line value: number, version, classification, a name.
pub const MAX_DOCUMENT_LINE_CHARS: usize = 200;

/// The document-control keys; all optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    /// Document number, e.g. `KANSA-EX-2026-001`.
    #[serde(default, deserialize_with = "one_line")]
    pub number: Option<String>,
    /// Version, e.g. `1.0`.
    #[serde(default, deserialize_with = "one_line")]
    pub version: Option<String>,
    /// Handling class, e.g. 社外秘.
    #[serde(default, deserialize_with = "one_line")]
    pub classification: Option<String>,
    /// Why the document was written.
    #[serde(default, deserialize_with = "paragraph")]
    pub purpose: Option<String>,
    /// What it covers.
    #[serde(default, deserialize_with = "paragraph")]
    pub scope: Option<String>,
    /// 作成: `{ name = "…", date = 2026-11-20 }`.
    #[serde(default)]
    pub prepared_by: Option<SignatureConfig>,
    /// 確認.
    #[serde(default)]
    pub reviewed_by: Option<SignatureConfig>,
    /// 承認.
    #[serde(default)]
    pub approved_by: Option<SignatureConfig>,
}

/// A sign-off: `{ name = "…", date = 2026-11-20 }` (a TOML date or `"YYYY-MM-DD"`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureConfig {
    /// Who signed.
    #[serde(default, deserialize_with = "one_line")]
    pub name: Option<String>,
    /// When.
    #[serde(default, deserialize_with = "super::report_day")]
    pub date: Option<jiff::civil::Date>,
}

impl DocumentConfig {
    /// This table laid over `shared` (the file's top-level `[document]`): each key given here
    /// wins, the others come from `shared`.
    pub fn over(self, shared: &DocumentConfig) -> DocumentConfig {
        let shared = shared.clone();
        DocumentConfig {
            number: self.number.or(shared.number),
            version: self.version.or(shared.version),
            classification: self.classification.or(shared.classification),
            purpose: self.purpose.or(shared.purpose),
            scope: self.scope.or(shared.scope),
            prepared_by: self.prepared_by.or(shared.prepared_by),
            reviewed_by: self.reviewed_by.or(shared.reviewed_by),
            approved_by: self.approved_by.or(shared.approved_by),
        }
    }

    /// The values as the report view takes them.
    pub fn info(&self) -> DocumentInfo {
        let signature = |s: &Option<SignatureConfig>| {
            s.as_ref().map_or_else(Signature::default, |s| Signature {
                name: s.name.clone(),
                date: s.date,
            })
        };
        DocumentInfo {
            number: self.number.clone(),
            version: self.version.clone(),
            classification: self.classification.clone(),
            purpose: self.purpose.clone(),
            scope: self.scope.clone(),
            prepared_by: signature(&self.prepared_by),
            reviewed_by: signature(&self.reviewed_by),
            approved_by: signature(&self.approved_by),
        }
    }
}

/// Read `kansa report --document FILE.toml`: the keys of `[document]` at the top level.
pub fn load_document(path: &Path) -> Result<DocumentInfo> {
    let text = super::read_text(path)?;
    let config: DocumentConfig = toml::from_str(&text).map_err(|e| {
        super::toml_error(
            &path.display().to_string(),
            &text,
            &e,
            "keys: number, version, classification, purpose, scope, prepared_by, reviewed_by, approved_by (each { name = \"…\", date = 2026-11-20 })",
        )
    })?;
    Ok(config.info())
}

/// A one-line text (no line breaks or control characters), at most
/// [`MAX_DOCUMENT_LINE_CHARS`]; empty is not given.
fn one_line<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(serde::de::Error::custom(format!(
            "{:?} holds U+{:04X}; this value is one line of text",
            excerpt(&text),
            c as u32
        )));
    }
    capped(text, MAX_DOCUMENT_LINE_CHARS)
}

/// A text of several lines at most, at most [`MAX_DOCUMENT_TEXT_CHARS`]; empty is not given.
fn paragraph<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    capped(String::deserialize(d)?, MAX_DOCUMENT_TEXT_CHARS)
}

fn capped<E: serde::de::Error>(text: String, max: usize) -> std::result::Result<Option<String>, E> {
    let text = text.trim();
    let n = text.chars().count();
    if n > max {
        return Err(E::custom(format!(
            "{:?} is {n} characters long; at most {max} are allowed, shorten it",
            excerpt(text)
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The first 30 characters of `text`, for a message.
fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(30).collect();
    if text.chars().count() > 30 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::load_text;
    use jiff::civil::date;

    const SHARED: &str = "[document]\nnumber = \"DOC-1\"\nclassification = \"社外秘\"\nprepared_by = { name = \"山田\", date = 2026-11-20 }\n\n";

    #[test]
    fn pack_document_overrides_the_shared_one_key_by_key() {
        let c = load_text(&format!(
            "{SHARED}[[pack]]\nname = \"a\"\noverlays = []\n[pack.document]\nnumber = \"DOC-2\"\nreviewed_by = {{ name = \"鈴木\", date = \"2026-11-21\" }}\n\n[[pack]]\nname = \"b\"\noverlays = []\n"
        ))
        .unwrap();
        let a = c.packs[0].document.info();
        assert_eq!(a.number.as_deref(), Some("DOC-2"));
        assert_eq!(a.classification.as_deref(), Some("社外秘"));
        assert_eq!(a.prepared_by.name.as_deref(), Some("山田"));
        assert_eq!(a.prepared_by.date, Some(date(2026, 11, 20)));
        assert_eq!(a.reviewed_by.date, Some(date(2026, 11, 21)));
        assert_eq!(a.approved_by, Default::default());
        let b = c.packs[1].document.info();
        assert_eq!(b.number.as_deref(), Some("DOC-1"));
        assert_eq!(b.reviewed_by, Default::default());
    }

    fn refused(text: &str, message: &str) {
        let err = load_text(text).unwrap_err();
        assert!(err.contains(message), "{text}\n→ {err}");
    }

    #[test]
    fn bad_document_keys_are_located() {
        let pack = "[[pack]]\nname = \"a\"\noverlays = []\n[pack.document]\n";
        refused(
            &format!("{pack}nmuber = \"x\"\n"),
            "kansa.toml:5:1: invalid config: unknown field `nmuber`",
        );
        refused(&format!("{pack}version = 1.0\n"), "kansa.toml:5:11:");
        refused(
            &format!("{pack}prepared_by = {{ name = \"a\", date = \"2026-02-30\" }}\n"),
            "kansa.toml:5:36: invalid config: date \"2026-02-30\": no such date",
        );
        refused(
            &format!("{pack}approved_by = {{ nom = \"a\" }}\n"),
            "kansa.toml:5:17: invalid config: unknown field `nom`",
        );
        refused(
            &format!("{pack}purpose = \"{}\"\n", "あ".repeat(2001)),
            "is 2001 characters long; at most 2000",
        );
        refused(
            &format!("{pack}classification = \"社外秘\\n極秘\"\n"),
            "holds U+000A; this value is one line",
        );
        refused(
            "[document]\nscope = 3\n[[pack]]\nname = \"a\"\noverlays = []\n",
            "kansa.toml:2:9: invalid config: invalid type: integer `3`, expected a string",
        );
    }

    #[test]
    fn document_file_of_report_is_read_and_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.toml");
        std::fs::write(
            &p,
            "number = \"N-1\"\nversion = \"2.0\"\napproved_by = { name = \"佐藤\", date = 2026-12-01 }\n",
        )
        .unwrap();
        let info = super::load_document(&p).unwrap();
        assert_eq!(info.version.as_deref(), Some("2.0"));
        assert_eq!(info.approved_by.name.as_deref(), Some("佐藤"));
        std::fs::write(&p, "number = \"N-1\"\n\nclassificaton = \"社外秘\"\n").unwrap();
        let err = super::load_document(&p).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let shown = err.to_string();
        assert!(shown.contains("doc.toml:3:1:"), "{shown}");
        assert!(shown.contains("unknown field `classificaton`"), "{shown}");
        assert!(shown.contains("keys: number, version"), "{shown}");
    }
}

//! `kansa.toml`: what to build, for whom, from which files, and which gates apply.
//!
//! Paths in the file are relative to the file itself, so a config can live beside its overlays
//! and be run from anywhere.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};

/// The whole file: one or more `[[pack]]` tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The packs to build.
    #[serde(rename = "pack")]
    pub packs: Vec<PackConfig>,
}

/// One organisation's submission pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackConfig {
    /// Pack directory name under the output root (sanitised).
    pub name: String,
    /// Organisation named in the reports.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Report title.
    #[serde(default)]
    pub title: Option<String>,
    /// Catalogue: built-in name or path.
    #[serde(default = "default_catalogue")]
    pub catalogue: String,
    /// Answer overlays, applied in order.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// Report date (`YYYY-MM-DD`); default `SOURCE_DATE_EPOCH`, else today.
    #[serde(default)]
    pub date: Option<String>,
    /// `ja` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// Report formats besides the always-written JSON/CSV files: `md`, `html`, `pdf`, `xlsx`
    /// (default `md`, `html`, `pdf`).
    #[serde(default = "default_formats")]
    pub formats: Vec<String>,
    /// Output root; the pack is `<out>/<name>`. Default: `packs` beside the config.
    #[serde(default)]
    pub out: Option<String>,
    /// Directory that evidence references are resolved against.
    #[serde(default)]
    pub evidence_root: Option<String>,
    /// Template directory overriding the built-ins.
    #[serde(default)]
    pub templates: Option<String>,
    /// PDF paper: `a4` (default) or `letter`.
    #[serde(default)]
    pub paper: Option<String>,
    /// PDF pages in landscape.
    #[serde(default)]
    pub landscape: bool,
    /// PDF font file instead of the built-in IPAex Gothic.
    #[serde(default)]
    pub font: Option<String>,
    /// Face index in a .ttc font.
    #[serde(default)]
    pub font_index: u32,
    /// Gates for nightly builds.
    #[serde(default)]
    pub gates: Gates,
    /// Input limits for this pack's catalogue and overlays.
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// `[pack.limits]`: the `--max-field-bytes`, `--max-rows` and `--max-file-bytes` of `report`
/// and `validate`, for a pack. Sizes are numbers of bytes or strings such as `"8MiB"`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest cell.
    #[serde(default)]
    pub max_field_bytes: Option<Size>,
    /// Most data rows per file or sheet.
    #[serde(default)]
    pub max_rows: Option<usize>,
    /// Largest input file.
    #[serde(default)]
    pub max_file_bytes: Option<Size>,
}

/// A size in kansa.toml: `4194304` or `"4MiB"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Size {
    /// Bytes.
    Bytes(u64),
    /// With a unit.
    Text(String),
}

impl Size {
    fn bytes(&self) -> std::result::Result<u64, String> {
        match self {
            Size::Bytes(0) => Err("a limit must be at least 1".to_owned()),
            Size::Bytes(n) => Ok(*n),
            Size::Text(t) => crate::load::limits::parse_size(t),
        }
    }
}

impl LimitsConfig {
    /// The limits, defaults where not given.
    pub fn limits(&self) -> std::result::Result<crate::load::Limits, String> {
        let mut l = crate::load::Limits::default();
        if let Some(s) = &self.max_field_bytes {
            l.max_field_bytes = usize::try_from(s.bytes()?).unwrap_or(usize::MAX);
        }
        if let Some(n) = self.max_rows {
            if n == 0 {
                return Err("max_rows must be at least 1".to_owned());
            }
            l.max_rows = n;
        }
        if let Some(s) = &self.max_file_bytes {
            l.max_file_bytes = s.bytes()?;
        }
        Ok(l)
    }
}

/// Conditions that make `kansa pack` exit 1 after writing the pack.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    /// `new-gaps` and/or `regression` (needs a baseline).
    #[serde(default)]
    pub fail_on: Vec<String>,
    /// Minimum coverage in percent.
    #[serde(default)]
    pub fail_under: Option<f64>,
}

fn default_catalogue() -> String {
    "fisc-2012".to_owned()
}

fn default_formats() -> Vec<String> {
    vec!["md".into(), "html".into(), "pdf".into()]
}

/// A parsed config and the directory its paths are relative to.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file as given.
    pub path: PathBuf,
    /// Its directory.
    pub base: PathBuf,
    /// Its packs.
    pub packs: Vec<PackConfig>,
}

impl Config {
    /// Resolve a path from the config against the config's directory.
    pub fn resolve(&self, p: &str) -> PathBuf {
        normalize(&self.base.join(p))
    }
}

/// Remove `.` and `name/..` pairs without touching the file system, so paths in messages read
/// `examples/aws-2012/answers.csv`, not `examples/example-bank/../aws-2012/answers.csv`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// Read and check a config file.
pub fn load(path: &Path) -> Result<Config> {
    let bytes = crate::fs::read(path)?;
    let shown = path.display().to_string();
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Input(Diagnostics(vec![Diagnostic::new(
            &shown,
            1,
            1,
            format!("not UTF-8: {e}"),
        )]))
    })?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| {
            let before = &text[..s.start];
            let line = before.matches('\n').count() as u64 + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
            (line, col)
        });
        Error::Input(Diagnostics(vec![
            Diagnostic::new(
                &shown,
                line,
                col,
                format!("invalid config: {}", e.message().trim()),
            )
            .hint("see examples/example-bank/kansa.toml for every key"),
        ]))
    })?;
    let mut problems = Diagnostics::default();
    for (i, p) in file.packs.iter().enumerate() {
        let at = |msg: String| {
            Diagnostic::new(
                &shown,
                0,
                0,
                format!("[[pack]] #{} ({}): {msg}", i + 1, p.name),
            )
        };
        for f in &p.formats {
            if !["md", "html", "pdf", "json", "xlsx"].contains(&f.as_str()) {
                problems.push(
                    at(format!("unknown format {f:?}")).hint("formats: md, html, pdf, json, xlsx"),
                );
            }
        }
        for g in &p.gates.fail_on {
            if !["new-gaps", "regression"].contains(&g.as_str()) {
                problems
                    .push(at(format!("unknown gate {g:?}")).hint("fail_on: new-gaps, regression"));
            }
        }
        if let Some(l) = p.lang.as_ref().filter(|l| *l != "ja" && *l != "en") {
            problems.push(at(format!("unknown lang {l:?}")).hint("lang: ja or en"));
        }
        if let Some(paper) = p.paper.as_ref().filter(|x| *x != "a4" && *x != "letter") {
            problems.push(at(format!("unknown paper {paper:?}")).hint("paper: a4 or letter"));
        }
        if let Err(e) = p.limits.limits() {
            problems.push(
                at(format!("[pack.limits]: {e}")).hint(
                    "max_field_bytes = \"8MiB\", max_rows = 2000000, max_file_bytes = \"1GiB\"",
                ),
            );
        }
        if file.packs.iter().filter(|q| q.name == p.name).count() > 1 {
            problems
                .push(at("pack name used twice".into()).hint("each [[pack]] needs its own name"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let base = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    Ok(Config {
        path: path.to_owned(),
        base: if base.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            base
        },
        packs: file.packs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dot_dot_lexically() {
        assert_eq!(
            normalize(Path::new("examples/example-bank/../aws-2012/a.csv")),
            PathBuf::from("examples/aws-2012/a.csv")
        );
        assert_eq!(normalize(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }

    #[test]
    fn limits_table_takes_numbers_and_units() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kansa.toml");
        std::fs::write(
            &p,
            "[[pack]]\nname = \"a\"\n[pack.limits]\nmax_field_bytes = \"8MiB\"\nmax_rows = 10\nmax_file_bytes = 1024\n",
        )
        .unwrap();
        let l = load(&p).unwrap().packs[0].limits.limits().unwrap();
        assert_eq!(
            (l.max_field_bytes, l.max_rows, l.max_file_bytes),
            (8 << 20, 10, 1024)
        );
        std::fs::write(
            &p,
            "[[pack]]\nname = \"a\"\n[pack.limits]\nmax_field_bytes = \"8 parsecs\"\n",
        )
        .unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(err.contains("[pack.limits]: unknown unit"), "{err}");
    }

    #[test]
    fn bad_keys_and_values_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kansa.toml");
        std::fs::write(&p, "[[pack]]\nname = \"a\"\nformat = [\"md\"]\n").unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(err.contains("kansa.toml:3:1"), "{err}");
        std::fs::write(
            &p,
            "[[pack]]\nname = \"a\"\nformats = [\"docx\"]\n[pack.gates]\nfail_on = [\"worse\"]\n",
        )
        .unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(err.contains("unknown format \"docx\""), "{err}");
        assert!(err.contains("unknown gate \"worse\""), "{err}");
    }
}

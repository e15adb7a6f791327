//! `kansa.toml`: what to build, for whom, from which files, and which gates apply.
//!
//! Paths in the file are relative to the file itself, so a config can live beside its overlays
//! and be run from anywhere.
//!
//! The file's types and its loading are here; the checks TOML does not make are in `checks`,
//! the pack-name rules in `names`, path handling in `paths`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Gate;
use super::choice::{self, Paper};
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::model::Lang;
use crate::render::Format;
use crate::render::view::GapOrder;

mod checks;
mod document;
mod names;
mod paths;

pub use document::{DocumentConfig, SignatureConfig, load_document};
pub use names::dir_name;
pub use paths::normalize;

use checks::check_packs;

/// The whole file: one or more `[[pack]]` tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The packs to build.
    #[serde(rename = "pack")]
    pub packs: Vec<PackConfig>,
    /// Document control shared by every pack; a pack's `[pack.document]` overrides it per key.
    #[serde(default)]
    pub document: DocumentConfig,
}

/// One organisation's submission pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackConfig {
    /// Pack directory name under the output root (see [`dir_name`]).
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
    /// Answer overlays, applied in order. Required: a pack of the catalogue alone (every
    /// control unanswered) is asked for with `overlays = []`, never built by forgetting the key.
    #[serde(default)]
    pub overlays: Option<Vec<String>>,
    /// Report date (`YYYY-MM-DD`, quoted or as a TOML date); default `SOURCE_DATE_EPOCH`, else
    /// today.
    #[serde(default, deserialize_with = "report_day")]
    pub date: Option<jiff::civil::Date>,
    /// `ja` (default) or `en`.
    #[serde(default, deserialize_with = "choice::one")]
    pub lang: Lang,
    /// Report formats besides the always-written JSON/CSV files: `md`, `html`, `pdf`, `xlsx`,
    /// `docx` (default `md`, `html`, `pdf`).
    #[serde(default = "default_formats", deserialize_with = "choice::list")]
    pub formats: Vec<Format>,
    /// Output root; the pack is `<out>/<name>`. Default: `packs` beside the config.
    #[serde(default)]
    pub out: Option<String>,
    /// Directory that evidence references are resolved against.
    #[serde(default)]
    pub evidence_root: Option<String>,
    /// Template directory overriding the built-ins.
    #[serde(default)]
    pub templates: Option<String>,
    /// PDF paper: `a4` (default) or `letter`; `None` when not given, so a pack without PDF
    /// output can refuse it.
    #[serde(default, deserialize_with = "choice::paper")]
    pub paper: Option<Paper>,
    /// PDF pages in landscape.
    #[serde(default)]
    pub landscape: bool,
    /// PDF font file for the body text instead of the built-in BIZ UDPGothic.
    #[serde(default)]
    pub font: Option<String>,
    /// Face index in a .ttc font.
    #[serde(default)]
    pub font_index: u32,
    /// Word output: the .docx whose styles, page set-up, header and footer `report.docx` takes.
    #[serde(default)]
    pub reference_docx: Option<String>,
    /// Gates for nightly builds.
    #[serde(default)]
    pub gates: Gates,
    /// Input limits for this pack's catalogue and overlays.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Order of the findings register: `urgency` (default: overdue, risk, due date) or
    /// `catalogue`.
    #[serde(default, deserialize_with = "choice::one")]
    pub sort: GapOrder,
    /// `[pack.document]`: document control, laid over the file's `[document]` when loaded.
    #[serde(default)]
    pub document: DocumentConfig,
    /// OpenSSH Ed25519 private key to sign the pack with (`SHA256SUMS.sig`); `kansa pack
    /// --sign KEY` overrides it.
    #[serde(default)]
    pub sign: Option<String>,
    /// PKCS#12 file (key and certificate) to sign `report.pdf` with (PAdES B-B); `kansa pack
    /// --sign-pdf CERT.p12` overrides it.
    #[serde(default)]
    pub sign_pdf: Option<String>,
    /// Line of this pack's `[[pack]]` header in the file (0 when unknown), to locate problems
    /// found while building it.
    #[serde(skip)]
    pub line: u64,
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
            Size::Text(t) => crate::model::limits::parse_size(t),
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
    #[serde(default, deserialize_with = "choice::list")]
    pub fail_on: Vec<Gate>,
    /// Minimum coverage in percent.
    #[serde(default)]
    pub fail_under: Option<f64>,
}

/// `date = "2026-01-01"` or the TOML date `date = 2026-01-01`, read as every date of kansa is
/// (`YYYY/MM/DD` too, within its years), so a bad one is located in the config; a TOML date
/// with a time or offset is refused, since a report date is a day.
fn report_day<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<jiff::civil::Date>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateValue {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match DateValue::deserialize(d)? {
        DateValue::Text(t) => t,
        DateValue::Toml(t) if t.time.is_none() && t.offset.is_none() => t.to_string(),
        DateValue::Toml(t) => {
            return Err(serde::de::Error::custom(format!(
                "date {t} has a time; give the day only, e.g. date = 2026-11-25"
            )));
        }
    };
    crate::model::date::parse_date(&text)
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("date {text:?}: {}; {}", e.message, e.hint)))
}

impl PackConfig {
    /// The overlays, none when the pack asked for none.
    pub fn overlays(&self) -> &[String] {
        self.overlays.as_deref().unwrap_or_default()
    }
}

/// A coverage threshold must be a percentage: NaN would turn the gate off, infinity or
/// anything over 100 would trip it always, a negative one never.
pub fn check_percent(value: f64) -> std::result::Result<f64, String> {
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not a percentage from 0 to 100"))
    }
}

/// `--fail-under PERCENT`.
pub fn percent_arg(s: &str) -> std::result::Result<f64, String> {
    let value: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number; give a percentage from 0 to 100"))?;
    check_percent(value)
}

fn default_catalogue() -> String {
    "fisc-2012".to_owned()
}

fn default_formats() -> Vec<Format> {
    vec![Format::Md, Format::Html, Format::Pdf]
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

/// A TOML file's text; not UTF-8 is a located error.
fn read_text(path: &Path) -> Result<String> {
    let bytes = crate::fs::read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::Input(Diagnostics(vec![Diagnostic::new(
            &path.display().to_string(),
            1,
            1,
            format!("not UTF-8: {e}"),
        )]))
    })
}

/// A TOML or type error of file `shown`, located at its line and column, with `hint`.
fn toml_error(shown: &str, text: &str, e: &toml::de::Error, hint: &str) -> Error {
    let (line, col) = e.span().map_or((0, 0), |s| {
        let before = &text[..s.start];
        let line = before.matches('\n').count() as u64 + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        (line, col)
    });
    Error::Input(Diagnostics(vec![
        Diagnostic::new(
            shown,
            line,
            col,
            format!("invalid config: {}", e.message().trim()),
        )
        .hint(hint),
    ]))
}

/// Read and check a config file.
pub fn load(path: &Path) -> Result<Config> {
    let text = read_text(path)?;
    let shown = path.display().to_string();
    let mut file: ConfigFile = toml::from_str(&text).map_err(|e| {
        toml_error(
            &shown,
            &text,
            &e,
            "see examples/example-bank/kansa.toml for every key",
        )
    })?;
    let problems = check_packs(&file.packs, &text, &shown);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    for (pack, line) in file.packs.iter_mut().zip(pack_header_lines(&text)) {
        pack.line = line;
        pack.document = std::mem::take(&mut pack.document).over(&file.document);
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

/// The line of each `[[pack]]` header, to locate a pack's problems in the file.
fn pack_header_lines(text: &str) -> Vec<u64> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[pack]]"))
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

/// Load `text` as a `kansa.toml` in a fresh directory: the config, or the message of the usage
/// error (exit 2) it gives; for the tests of every part of the config.
#[cfg(test)]
fn load_text(text: &str) -> std::result::Result<Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kansa.toml");
    std::fs::write(&p, text).unwrap();
    load(&p).map_err(|e| {
        assert_eq!(e.exit_code(), 2, "{e}");
        e.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_table_takes_numbers_and_units() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kansa.toml");
        std::fs::write(
            &p,
            "[[pack]]\nname = \"a\"\noverlays = []\n[pack.limits]\nmax_field_bytes = \"8MiB\"\nmax_rows = 10\nmax_file_bytes = 1024\n",
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
    }

    /// One pack with `lines` added to its table.
    fn pack_with(lines: &str) -> std::result::Result<PackConfig, String> {
        load_text(&format!("[[pack]]\nname = \"a\"\noverlays = []\n{lines}\n"))
            .map(|c| c.packs[0].clone())
    }

    /// An unknown value of a closed-set key is located at the value and lists the allowed
    /// values; it was a silent default (`paper = "legal"` gave A4) or a problem located at the
    /// `[[pack]]` line.
    fn assert_refused(lines: &str, message: &str) {
        let err = pack_with(lines).unwrap_err();
        assert!(err.contains(message), "{lines}: {err}");
    }

    #[test]
    fn unknown_lang_is_located_with_allowed_values() {
        assert_refused(
            "lang = \"fr\"",
            "kansa.toml:4:8: invalid config: lang: unknown value \"fr\"; allowed values: ja, en",
        );
        assert_eq!(pack_with("lang = \"en\"").unwrap().lang, Lang::En);
        assert_eq!(pack_with("").unwrap().lang, Lang::Ja, "ja by default");
    }

    #[test]
    fn unknown_paper_is_located_with_allowed_values() {
        assert_refused(
            "paper = \"legal\"",
            "kansa.toml:4:9: invalid config: paper: unknown value \"legal\"; allowed values: a4, letter",
        );
        let letter = pack_with("paper = \"letter\"").unwrap().paper;
        assert_eq!(letter, Some(Paper::Letter));
        assert_eq!(pack_with("").unwrap().paper, None);
    }

    #[test]
    fn unknown_format_is_located_with_allowed_values() {
        assert_refused(
            "formats = [\"md\", \"doc\"]",
            "kansa.toml:4:11: invalid config: formats: unknown value \"doc\"; allowed values: md, html, json, xlsx, pdf, docx",
        );
        let formats = pack_with("formats = [\"xlsx\", \"json\"]").unwrap().formats;
        assert_eq!(formats, [Format::Xlsx, Format::Json]);
        let default = pack_with("").unwrap().formats;
        assert_eq!(default, [Format::Md, Format::Html, Format::Pdf]);
    }

    #[test]
    fn unknown_gate_is_located_with_allowed_values() {
        assert_refused(
            "[pack.gates]\nfail_on = [\"worse\"]",
            "kansa.toml:5:11: invalid config: fail_on: unknown value \"worse\"; allowed values: new-gaps, regression",
        );
        let gates = pack_with("[pack.gates]\nfail_on = [\"new-gaps\"]")
            .unwrap()
            .gates;
        assert_eq!(gates.fail_on, [Gate::NewGaps]);
    }

    /// A bad `date` is located at the value with the date hint; it was reported while building,
    /// unlocated and named `--date`.
    #[test]
    fn bad_dates_are_located() {
        assert_refused(
            "date = \"2026-02-30\"",
            "kansa.toml:4:8: invalid config: date \"2026-02-30\": no such date; write dates as YYYY-MM-DD",
        );
        assert_refused(
            "date = 3000-01-01",
            "kansa.toml:4:8: invalid config: date \"3000-01-01\": date out of range",
        );
    }

    /// Regression: `date = 2026-01-01` (a TOML date) gave "invalid type: map".
    #[test]
    fn toml_dates_are_accepted_as_days() {
        let c = load_text("[[pack]]\nname = \"a\"\noverlays = []\ndate = 2026-01-01\n").unwrap();
        assert_eq!(c.packs[0].date, Some(jiff::civil::date(2026, 1, 1)));
        let c =
            load_text("[[pack]]\nname = \"a\"\noverlays = []\ndate = \"2026-01-02\"\n").unwrap();
        assert_eq!(c.packs[0].date, Some(jiff::civil::date(2026, 1, 2)));
        let err = load_text("[[pack]]\nname = \"a\"\noverlays = []\ndate = 2026-01-01T10:00:00\n")
            .unwrap_err();
        assert!(err.contains("kansa.toml:4:"), "{err}");
        assert!(err.contains("give the day only"), "{err}");
    }
}

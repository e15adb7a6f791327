//! `kansa.toml`: what to build, for whom, from which files, and which gates apply.
//!
//! Paths in the file are relative to the file itself, so a config can live beside its overlays
//! and be run from anywhere.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use super::Gate;
use super::choice::{self, Paper};
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::model::Lang;
use crate::render::Format;

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
    /// Report formats besides the always-written JSON/CSV files: `md`, `html`, `pdf`, `xlsx`
    /// (default `md`, `html`, `pdf`).
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

/// The directory a pack is published to under the output root: the name with every character
/// but letters, digits, `-` and `_` replaced by `_`, at most 80 characters. Unlike ticket file
/// names nothing is prefixed or stripped, so `x` and `gap-x` stay apart; [`load`] refuses names
/// that give no usable directory or the same one as another pack.
pub fn dir_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Composed first: a combining accent is a mark, not a letter, and would become `_`.
    name.nfc()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect()
}

/// Why a pack name gives no usable directory, if it does not.
fn dir_name_problem(name: &str) -> Option<&'static str> {
    const DEVICES: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let dir = dir_name(name);
    if name.trim().is_empty() {
        Some("pack name is empty")
    } else if !dir.chars().any(char::is_alphanumeric) {
        Some("pack name has no letter or digit to name its directory")
    } else if DEVICES.contains(&dir.to_lowercase().as_str()) {
        Some("pack name is a device name on Windows")
    } else {
        None
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

/// `paper`, `landscape`, `font` and `font_index` shape only the PDF: in a pack without "pdf" in
/// `formats` they would be ignored without a word (a missing font file or a face index the font
/// lacks never noticed), as the CLI's `--font` with another format is a usage error.
fn pdf_only_key_without_pdf(p: &PackConfig) -> Option<&'static str> {
    if p.formats.contains(&Format::Pdf) {
        return None;
    }
    [
        ("font", p.font.is_some()),
        ("font_index", p.font_index != 0),
        ("paper", p.paper.is_some()),
        ("landscape", p.landscape),
    ]
    .into_iter()
    .find_map(|(key, set)| set.then_some(key))
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
    let mut file: ConfigFile = toml::from_str(&text).map_err(|e| {
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
    let problems = check_packs(&file.packs, &text, &shown);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    for (pack, line) in file.packs.iter_mut().zip(pack_header_lines(&text)) {
        pack.line = line;
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

/// Every problem of the packs that TOML itself does not catch.
fn check_packs(packs: &[PackConfig], text: &str, shown: &str) -> Diagnostics {
    let mut problems = Diagnostics::default();
    if packs.is_empty() {
        problems.push(
            Diagnostic::new(shown, 1, 1, "no [[pack]] table: nothing to build").hint(
                "add a [[pack]] with name and overlays; see examples/example-bank/kansa.toml",
            ),
        );
    }
    let lines = pack_header_lines(text);
    for (i, p) in packs.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let at = |msg: String| {
            Diagnostic::new(
                shown,
                line,
                u64::from(line > 0),
                format!("[[pack]] #{} ({:?}): {msg}", i + 1, p.name),
            )
        };
        if let Some(problem) = dir_name_problem(&p.name) {
            problems.push(at(problem.to_owned()).value(&p.name).hint(
                "give each pack a name with letters or digits, e.g. name = \"example-bank\"",
            ));
        }
        if p.overlays.is_none() {
            problems.push(at("no answers overlays".into()).hint(
                "add overlays = [\"answers.csv\"]; for a pack of the catalogue alone write overlays = []",
            ));
        }
        if let Some(v) = p.gates.fail_under
            && let Err(e) = check_percent(v)
        {
            problems.push(
                at(format!("[pack.gates] fail_under: {e}"))
                    .value(v.to_string())
                    .hint("fail_under = 80.0 (coverage percent, 0 to 100)"),
            );
        }
        if p.font_index != 0 && p.font.is_none() {
            problems.push(
                at("font_index without font: the built-in font has one face".into())
                    .value(p.font_index.to_string())
                    .hint("give font = \"fonts/NAME.ttc\" beside font_index, or remove font_index"),
            );
        }
        if let Some(key) = pdf_only_key_without_pdf(p) {
            problems.push(
                at(format!(
                    "{key} applies only to PDF output, and formats has no \"pdf\""
                ))
                .value(key)
                .hint(format!("add \"pdf\" to formats, or remove {key}")),
            );
        }
        if let Err(e) = p.limits.limits() {
            problems.push(
                at(format!("[pack.limits]: {e}")).hint(
                    "max_field_bytes = \"8MiB\", max_rows = 2000000, max_file_bytes = \"1GiB\"",
                ),
            );
        }
        problems.extend(pack_directory_problems(packs, i, &at));
        let dir = super::exports::folded(&dir_name(&p.name));
        if let Some((j, q)) = packs
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, q)| super::exports::folded(&dir_name(&q.name)) == dir)
        {
            problems.push(
                at(format!(
                    "pack directory {:?} is also the directory of [[pack]] #{} ({:?})",
                    dir_name(&p.name),
                    j + 1,
                    q.name
                ))
                .hint("pack names must differ after replacing all but letters, digits, - and _ by _, ignoring case"),
            );
        }
    }
    problems
}

/// Where a pack is published, as the config writes it: relative to the config's directory, or
/// absolute.
fn pack_dir_as_written(p: &PackConfig) -> PathBuf {
    let root = Path::new(p.out.as_deref().unwrap_or("packs"));
    normalize(&root.join(dir_name(&p.name)))
}

/// [`pack_dir_as_written`] folded as a case-insensitive file system compares names.
fn pack_dir_folded(p: &PackConfig) -> PathBuf {
    pack_dir_as_written(p)
        .components()
        .map(|c| super::exports::folded(&c.as_os_str().to_string_lossy()))
        .collect()
}

/// Problems of pack `i`'s directory beyond its name's letters: a name too long for the names
/// kansa derives from it (the staging and aside directories beside the pack must fit the 255
/// bytes of a file name), and a directory inside another pack's (or holding one), which the
/// other pack's swap would delete or its verify refuse. Paths are compared as written, so an
/// absolute `out` and a relative one naming the same place are not caught.
fn pack_directory_problems(
    packs: &[PackConfig],
    i: usize,
    at: &dyn Fn(String) -> Diagnostic,
) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let p = &packs[i];
    let dir = dir_name(&p.name);
    if dir.len() > super::publish::MAX_DIR_NAME_BYTES {
        problems.push(
            at(format!(
                "pack name gives a directory name of {} bytes; at most {} bytes fit",
                dir.len(),
                super::publish::MAX_DIR_NAME_BYTES
            ))
            .value(&p.name)
            .hint("give the pack a shorter name (a kanji takes 3 bytes: at most 66 kanji)"),
        );
    }
    if dir_name_problem(&p.name).is_some() {
        return problems;
    }
    let mine = pack_dir_folded(p);
    let others = packs
        .iter()
        .enumerate()
        .filter(|&(j, q)| j != i && dir_name_problem(&q.name).is_none());
    for (j, q) in others {
        let theirs = pack_dir_folded(q);
        if mine != theirs && theirs.starts_with(&mine) {
            problems.push(
                at(format!(
                    "pack directory {} holds the directory {} of [[pack]] #{} ({:?}): publishing this pack would replace that one",
                    pack_dir_as_written(p).display(),
                    pack_dir_as_written(q).display(),
                    j + 1,
                    q.name
                ))
                .hint("give the packs out directories that do not lie inside one another, e.g. out = \"packs\" for both"),
            );
        }
    }
    problems
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
            "formats = [\"md\", \"docx\"]",
            "kansa.toml:4:11: invalid config: formats: unknown value \"docx\"; allowed values: md, html, json, xlsx, pdf",
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

    fn load_text(text: &str) -> std::result::Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kansa.toml");
        std::fs::write(&p, text).unwrap();
        load(&p).map_err(|e| {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        })
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

    /// Regression: `pack = []` built nothing and exited 0; a pack without `overlays` built a
    /// report of the catalogue alone without a word.
    #[test]
    fn no_packs_and_no_overlays_are_errors() {
        let err = load_text("pack = []\n").unwrap_err();
        assert!(err.contains("kansa.toml:1:1: no [[pack]] table"), "{err}");
        let err = load_text("# packs\n\n[[pack]]\nname = \"a\"\n").unwrap_err();
        assert!(
            err.contains("kansa.toml:3:1: [[pack]] #1 (\"a\"): no answers overlays"),
            "{err}"
        );
        assert!(err.contains("overlays = []"), "{err}");
        assert!(load_text("[[pack]]\nname = \"a\"\noverlays = []\n").is_ok());
    }

    /// Regression: `font_index = 7` without `font` was silently ignored (the built-in font has
    /// one face), as `--font-index` without `--font` was.
    #[test]
    fn font_index_needs_a_font() {
        let err = load_text("[[pack]]\nname = \"a\"\noverlays = []\nfont_index = 7\n").unwrap_err();
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1 (\"a\"): font_index without font"),
            "{err}"
        );
        assert!(
            load_text("[[pack]]\nname = \"a\"\noverlays = []\nfont = \"x.ttc\"\nfont_index = 7\n")
                .is_ok()
        );
    }

    /// Regression (B13): `font`/`font_index` (and the other PDF-only keys) in a pack without
    /// "pdf" in `formats` were never checked.
    #[test]
    fn pdf_only_keys_need_pdf_format() {
        for key in ["font = \"x.ttc\"", "paper = \"a4\"", "landscape = true"] {
            let text =
                format!("[[pack]]\nname = \"a\"\noverlays = []\nformats = [\"md\"]\n{key}\n");
            let err = load_text(&text).unwrap_err();
            assert!(
                err.contains("kansa.toml:1:1: [[pack]] #1 (\"a\"):")
                    && err.contains("applies only to PDF output"),
                "{err}"
            );
        }
        let err = load_text(
            "[[pack]]\nname = \"a\"\noverlays = []\nformats = [\"md\"]\nfont = \"x.ttc\"\nfont_index = 3\n",
        )
        .unwrap_err();
        assert!(err.contains("font applies only to PDF output"), "{err}");
        let with_pdf = "[[pack]]\nname = \"a\"\noverlays = []\nformats = [\"md\", \"pdf\"]\nfont = \"x.ttc\"\nfont_index = 3\npaper = \"letter\"\n";
        assert!(load_text(with_pdf).is_ok());
        // The default formats include pdf.
        assert!(load_text("[[pack]]\nname = \"a\"\noverlays = []\nfont = \"x.ttc\"\n").is_ok());
    }

    /// Regression: `x` and `gap-x`, `a/b` and `a_b` published to one directory; `gap-` to the
    /// output root itself; `""` to `gap/`.
    #[test]
    fn pack_names_give_distinct_usable_directories() {
        assert_eq!(dir_name("gap-x"), "gap-x");
        assert_eq!(dir_name("a/b"), "a_b");
        assert_eq!(dir_name("../x"), "___x");
        let two = |a: &str, b: &str| {
            load_text(&format!(
                "[[pack]]\nname = \"{a}\"\noverlays = []\n[[pack]]\nname = \"{b}\"\noverlays = []\n"
            ))
        };
        assert!(two("x", "gap-x").is_ok());
        for (a, b) in [
            ("a/b", "a_b"),
            ("Bank", "bank"),
            ("x", "x"),
            ("a.b", "A b"),
            ("caf\u{e9}", "CAFE\u{301}"),
        ] {
            let err = two(a, b).unwrap_err();
            assert!(
                err.contains(&format!("kansa.toml:1:1: [[pack]] #1 ({a:?})")),
                "{err}"
            );
            assert!(err.contains(&format!("[[pack]] #2 ({b:?})")), "{err}");
        }
        assert_eq!(dir_name("gap-"), "gap-");
        assert!(two("gap-", "ok").is_ok());
        for bad in ["", "  ", "--", "..", "/", "con", "NUL"] {
            let err = two(bad, "ok").unwrap_err();
            assert!(err.contains("[[pack]] #1"), "{bad:?}: {err}");
        }
        let err = two("-", "ok").unwrap_err();
        assert!(err.contains("no letter or digit"), "{err}");
    }

    /// Regression (A11): a 79-kanji name (237 bytes) passed, and the staging directory
    /// `.kansa-pack-<name>-XXXXXX` was too long a file name (exit 1 mid-build).
    #[test]
    fn pack_names_are_limited_in_bytes() {
        let one = |name: &str| load_text(&format!("[[pack]]\nname = \"{name}\"\noverlays = []\n"));
        let err = one(&"\u{8a2d}".repeat(79)).unwrap_err();
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1") && err.contains("237 bytes"),
            "{err}"
        );
        assert!(one(&"\u{8a2d}".repeat(66)).is_ok());
        let err = one(&"\u{20000}".repeat(51)).unwrap_err();
        assert!(err.contains("204 bytes"), "{err}");
        assert!(
            one(&"x".repeat(200)).is_ok(),
            "ASCII names are cut at 80 characters"
        );
    }

    /// Regression (A5): pack `r` at `./r` and pack `p` at `r/p` were accepted; `r`'s swap then
    /// deleted `p`, or `r` failed verify.
    #[test]
    fn pack_directories_must_not_nest() {
        let two = |out_a: &str, out_b: &str| {
            load_text(&format!(
                "[[pack]]\nname = \"r\"\noverlays = []\nout = \"{out_a}\"\n\n[[pack]]\nname = \"p\"\noverlays = []\nout = \"{out_b}\"\n"
            ))
        };
        let err = two(".", "r").unwrap_err();
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1 (\"r\"): pack directory r holds the directory r/p of [[pack]] #2 (\"p\")"),
            "{err}"
        );
        let err = two("out/p/deeper", "out").unwrap_err();
        assert!(err.contains("kansa.toml:6:1: [[pack]] #2 (\"p\"): pack directory out/p holds the directory out/p/deeper/r of [[pack]] #1"), "{err}");
        assert!(
            two(".", "./R/x/..").is_err(),
            "case and dots do not hide a nesting"
        );
        assert!(two("/abs/q", "/abs/q/r").is_err());
        assert!(two("out", "out").is_ok());
        assert!(two(".", "rr").is_ok());
        assert!(two("a", "b").is_ok());
    }

    /// Regression: `fail_under = nan` turned the gate off.
    #[test]
    fn fail_under_must_be_a_percentage() {
        for bad in ["nan", "inf", "-inf", "-1.0", "100.5"] {
            let err = load_text(&format!(
                "[[pack]]\nname = \"a\"\noverlays = []\n[pack.gates]\nfail_under = {bad}\n"
            ))
            .unwrap_err();
            assert!(err.contains("[pack.gates] fail_under"), "{bad}: {err}");
            assert!(err.contains("0 to 100"), "{bad}: {err}");
        }
        for ok in ["0.0", "80", "100.0"] {
            let text =
                format!("[[pack]]\nname = \"a\"\noverlays = []\n[pack.gates]\nfail_under = {ok}\n");
            assert!(load_text(&text).is_ok(), "{ok}");
        }
        for bad in ["NaN", "nan", "inf", "-0.5", "101", "1e3", "x", ""] {
            assert!(percent_arg(bad).is_err(), "{bad}");
        }
        assert_eq!(percent_arg("80"), Ok(80.0));
    }
}

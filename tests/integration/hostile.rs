//! The hostile-input corpus (`tests/fixtures/hostile/`, one folder per case; see its README):
//! every case is run through the `kansa` binary and its outcome pinned here, in two tables.
//!
//! - [`ERRORS`]: a located error. `validate` (and `report -o`) exit 2, stderr names the file, the
//!   line and column (or the sheet cell), the offending value and a hint, and no output file and
//!   no temporary file is left behind.
//! - [`INERT`]: a correct report (exit 0) in every format listed, in which the hostile text is
//!   plain, visible text: no script, event handler, foreign link or image in the HTML, the same
//!   headings and well-formed tables in the Markdown, no invisible character anywhere.
//!
//! Large inputs (a 10 MB cell, 200,000 rows, a 1 MB answer, workbooks) are generated at run time
//! by the `generated_*` tests below; their folders hold only a `GENERATED.md` note. Path traps
//! run `kansa pack` on a copy of their folder; template traps pass the folder's `templates/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use kansa::load::ids::is_invisible;
use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::{kansa, outcome, root};

pub(crate) const DATE: &str = "2026-11-25";

/// The folder of a case, relative to the crate root (so messages name it the same everywhere).
pub(crate) fn case_dir(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures/hostile").join(name)
}

/// The command-line inputs of a committed case: its overlays (`answers*.csv`, `*.xlsx`), and its
/// `catalogue/` and `templates/` folders when it has them.
pub(crate) fn case_inputs(name: &str) -> Vec<String> {
    let dir = case_dir(name);
    let abs = root().join(&dir);
    assert!(abs.is_dir(), "no fixture folder {}", dir.display());
    let mut args = Vec::new();
    if abs.join("catalogue").is_dir() {
        args.extend([
            "--catalogue".into(),
            dir.join("catalogue").display().to_string(),
        ]);
    }
    if abs.join("templates").is_dir() {
        args.extend([
            "--templates".into(),
            dir.join("templates").display().to_string(),
        ]);
    }
    let mut overlays: Vec<String> = std::fs::read_dir(&abs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".csv") || f.ends_with(".xlsx"))
        .collect();
    overlays.sort();
    if overlays.is_empty() {
        // A catalogue or template trap without answers: a blank report, asked for explicitly.
        args.push("--no-answers".into());
    }
    for f in overlays {
        args.extend(["--answers".into(), dir.join(f).display().to_string()]);
    }
    args
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Files left in a directory, sorted (the output and any temporary file).
pub(crate) fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, relative to it.
pub(crate) fn walk(dir: &Path) -> BTreeSet<String> {
    fn go(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                go(base, &p, out);
            } else {
                out.insert(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = BTreeSet::new();
    go(dir, dir, &mut out);
    out
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// `report` into a fresh directory: (process output, the directory, the target file).
pub(crate) fn report_to_file(
    args: &[String],
    format: &str,
) -> (Output, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(format!("report.{format}"));
    let out = kansa()
        .args(["report", "--date", DATE, "-f", format])
        .args(args)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    (out, dir, target)
}

/// Assert a located error: exit 2, every needle in stderr, no raw control or invisible
/// character echoed to the terminal.
pub(crate) fn assert_located(case: &str, what: &str, out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{case} ({what}): {}",
        outcome(out)
    );
    for n in needles {
        assert!(
            err.contains(n),
            "{case} ({what}): {n:?} missing from stderr:\n{err}"
        );
    }
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{case} ({what}) panicked:\n{err}"
    );
    let raw = err
        .chars()
        .find(|c| (c.is_control() && *c != '\n') || is_invisible(*c));
    assert_eq!(raw, None, "{case} ({what}): raw character echoed:\n{err:?}");
}

/// Assert that a failed `report -o` left nothing: no output, no temporary file.
pub(crate) fn assert_nothing_written(case: &str, dir: &Path) {
    assert_eq!(
        listing(dir),
        Vec::<String>::new(),
        "{case}: files left behind"
    );
}

// ---------------------------------------------------------------------------------------------
// Located errors

pub(crate) struct ErrorCase {
    /// Folder under `tests/fixtures/hostile/`.
    name: &'static str,
    /// Arguments after the case's inputs.
    args: &'static [&'static str],
    /// Format of the `report -o` run.
    format: &'static str,
    /// Also run `validate` (not for template and PDF traps, which only rendering meets).
    validate: bool,
    /// Substrings stderr must hold: the located message, the value, the hint.
    expect: &'static [&'static str],
}

pub(crate) const fn err(name: &'static str, expect: &'static [&'static str]) -> ErrorCase {
    ErrorCase {
        name,
        args: &[],
        format: "html",
        validate: true,
        expect,
    }
}

pub(crate) const fn render_err(
    name: &'static str,
    format: &'static str,
    expect: &'static [&'static str],
) -> ErrorCase {
    ErrorCase {
        name,
        args: &[],
        format,
        validate: false,
        expect,
    }
}

pub(crate) const HINT: &str = "\n  hint: ";

/// Every error case of the corpus and what stderr must say.
const ERRORS: &[ErrorCase] = &[
    // Encoding traps.
    err(
        "enc-invalid-utf8",
        &[
            "enc-invalid-utf8/answers.csv:3:14: bytes that are not valid UTF-8 \"設2,partial,対策\u{FFFD}中\"",
            HINT,
            "--encoding",
        ],
    ),
    err(
        "enc-shift-jis-undecodable",
        &[
            "enc-shift-jis-undecodable/answers.csv:3:11: bytes that are not valid Shift_JIS \"設2,一部実施,対策\u{FFFD}中\"",
            HINT,
        ],
    ),
    err(
        "enc-bom-mid-header",
        &[
            "enc-bom-mid-header/answers.csv:3:1 (id): unknown id \"\\u{feff}id\"",
            "hint: this is a second header row (two files joined together?); delete it",
            "enc-bom-mid-header/answers.csv:3:2 (status): unknown status \"status\"",
        ],
    ),
    err(
        "enc-nul-bytes",
        &[
            "enc-nul-bytes/answers.csv:2:3: control character U+0000 at character 3 of the cell \"ok\\0\\0hidden\"",
            "hint: NUL bytes mean a binary file, or UTF-16 without a byte-order mark",
        ],
    ),
    ErrorCase {
        name: "enc-utf16-read-as-utf8",
        args: &["--encoding", "utf-8"],
        format: "md",
        validate: true,
        expect: &[
            "enc-utf16-read-as-utf8/answers.csv:2:3: bytes that are not valid UTF-8 \"\\0-\u{FFFD}1\\0,\\0i\\0m",
            "utf-16le",
        ],
    },
    err(
        "enc-bom-only",
        &["enc-bom-only/answers.csv:1:1: the file is empty", HINT],
    ),
    err(
        "enc-terminal-escapes",
        &[
            "enc-terminal-escapes/answers.csv:2:3: control character U+001B at character 1 of the cell \"\\u{1b}[31mred\\u{1b}[0m\\u{1b}]0;title\\u{7}\"",
            "hint: remove the control character",
        ],
    ),
    err(
        "enc-c1-controls",
        &[
            "enc-c1-controls/answers.csv:2:3: control character U+0085 at character 5 of the cell \"next\\u{85}line\"",
            HINT,
        ],
    ),
    // CSV traps.
    err(
        "csv-unterminated-quote",
        &[
            "csv-unterminated-quote/answers.csv:3:3: quoted field is never closed: it runs to the end of the file \"unterminated\\n設3,implemented,this row is …\"",
            "hint: end the field with a \"",
        ],
    ),
    err(
        "csv-ragged-rows",
        &[
            "csv-ragged-rows/answers.csv:3:3: found 2 fields instead of 3 in line 3 \"設2,partial\"",
            "csv-ragged-rows/answers.csv:4:4: found 4 fields instead of 3 in line 4 \"設3,planned,b,extra\"",
            "hint: every row needs one field per header column",
            "2 problems found",
        ],
    ),
    err(
        "csv-duplicate-columns",
        &[
            "csv-duplicate-columns/answers.csv:1:3 (対応状況): column given twice\n  hint: column 2 (status) means the same; keep one",
            "csv-duplicate-columns/answers.csv:1:5 (Notes): column given twice\n  hint: column 4 (notes) means the same; keep one",
            "csv-duplicate-columns/answers.csv:1:7 (cost): column given twice\n  hint: column 6 (cost) has the same name; keep one",
            "3 problems found",
        ],
    ),
    err(
        "csv-no-id-column",
        &[
            "csv-no-id-column/answers.csv:1:1: no id column \"control,status\"\n  hint: the header row needs a column named id (or 項番)",
        ],
    ),
    err(
        "csv-semicolons",
        &[
            "csv-semicolons/answers.csv:1:1: no id column \"id;status\"\n  hint: the file is separated by semicolons",
        ],
    ),
    err(
        "csv-empty-file",
        &["csv-empty-file/answers.csv:1:1: the file is empty", HINT],
    ),
    err(
        "csv-blank-lines-only",
        &[
            "csv-blank-lines-only/answers.csv:1:1: the file is empty",
            HINT,
        ],
    ),
    err(
        "csv-cr-line-endings",
        &[
            "csv-cr-line-endings/answers.csv:3:2 (status): unknown status \"bogus\"",
            HINT,
        ],
    ),
    err(
        "csv-quoted-newlines",
        &[
            "csv-quoted-newlines/answers.csv:4:3 (status): unknown status \"bogus\"",
            HINT,
        ],
    ),
    // Value traps.
    err(
        "val-unknown-ids",
        &[
            "val-unknown-ids/answers.csv:2:1 (id): unknown id \"設999\"",
            "val-unknown-ids/answers.csv:3:1 (id): unknown id \"XYZ-1\"\n  hint: no such control in fisc-2012",
            "val-unknown-ids/answers.csv:4:1 (id): unknown id \"設84\"\n  hint: did you mean 設83? (fisc-2012 has no 設84)",
            "val-unknown-ids/answers.csv:5:1 (id): unknown id \"運10-2\"\n  hint: did you mean 運10-1?",
            "4 problems found",
        ],
    ),
    err(
        "val-duplicate-after-normalisation",
        &[
            "val-duplicate-after-normalisation/answers.csv:3:1 (id): duplicate id \"設１\"\n  hint: 設1 is also answered on line 2",
            "val-duplicate-after-normalisation/answers.csv:4:1 (id): duplicate id \" 設 1 \"",
            "val-duplicate-after-normalisation/answers.csv:5:1 (id): duplicate id \"設\\u{200b}1\"",
            "val-duplicate-after-normalisation/answers.csv:6:1 (id): duplicate id \"\\u{feff}設1\"",
            "4 problems found",
        ],
    ),
    err(
        "val-bad-status",
        &[
            "val-bad-status/answers.csv:2:2 (status): unknown status \"done\"\n  hint: expected one of implemented, partial",
            "val-bad-status/answers.csv:3:2 (status): unknown status \"implemnted\"\n  hint: did you mean \"implemented\"?",
            ":4:2 (status): unknown status \"yes\"",
            ":5:2 (status): unknown status \"1\"",
            ":6:2 (status): unknown status \"実施\"\n  hint: did you mean \"実施済\"?",
            ":7:2 (status): unknown status \"TRUE\"",
            ":8:2 (status): unknown status \"<b>implemented</b>\"",
            ":9:2 (status): unknown status \"implemented; partial\"",
            // Line 10, full-width ｐａｒｔｉａｌ, is accepted.
            "8 problems found",
        ],
    ),
    err(
        "val-bad-responsibility",
        &[
            "val-bad-responsibility/answers.csv:2:3 (responsibility): unknown responsibility \"vendor\"\n  hint: expected one of provider, customer, shared",
            ":3:3 (responsibility): unknown responsibility \"provder\"\n  hint: did you mean \"provider\"?",
            ":4:3 (responsibility): unknown responsibility \"顧客様\"\n  hint: did you mean \"顧客\"?",
            ":5:3 (responsibility): unknown responsibility \"both\"",
            ":6:3 (responsibility): unknown responsibility \"=customer\"",
            "5 problems found",
        ],
    ),
    err(
        "val-bad-dates",
        &[
            "val-bad-dates/answers.csv:2:3 (due): no such date \"2026-02-30\"\n  hint: write dates as YYYY-MM-DD",
            ":3:3 (due): no such date \"2025-02-29\"",
            ":4:3 (due): no such date \"2026-13-01\"",
            ":5:3 (due): no such date \"2026-00-10\"",
            ":6:3 (due): not a date \"26-01-01\"",
            ":7:3 (due): not a date \"2026/1/1/1\"",
            ":8:3 (due): not a date \"next week\"",
            ":9:3 (due): not a date \"2026-01-01T00:00\"",
            ":10:3 (due): not a date \"令和8年1月1日\"",
            ":11:3 (due): not a date \"45000\"",
            ":12:3 (due): not a date \"2026-1-\"",
            ":13:3 (due): not a date \"20260101\"",
            ":14:4 (reviewed): no such date \"2026-04-31\"",
            "13 problems found",
        ],
    ),
    err(
        "val-missing-id",
        &[
            "val-missing-id/answers.csv:2:1 (id): missing id \",implemented,orphan answer\"\n  hint: every row needs the id of a control",
        ],
    ),
    // A character outside the PDF font: only the PDF meets it.
    render_err(
        "text-outside-pdf-font",
        "pdf",
        &[
            "text-outside-pdf-font/answers.csv:2 (answer): control 運24: characters missing from the PDF font: 😀 (U+1F600) \"対応中 😀 です\"",
            "text-outside-pdf-font/answers.csv:2 (notes): control 運24: characters missing from the PDF font: U+E000 \"[U+E000]\"",
            "hint: IPAex Gothic cannot draw these; pass --font",
        ],
    ),
    // Template traps.
    render_err(
        "tpl-syntax-error",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-syntax-error/templates/report.md:",
            "--> report.md:3:13",
            "{% for x in %}",
        ],
    ),
    render_err(
        "tpl-infinite-include",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-infinite-include/templates/report.md: Circular include detected for template 'report.md'",
        ],
    ),
    render_err(
        "tpl-include-cycle",
        "md",
        &[
            "tpl-include-cycle/templates/",
            "Circular include detected",
            "[\"report.md\", \"summary.md\", \"report.md\"]",
        ],
    ),
    render_err(
        "tpl-undefined-variable",
        "html",
        &[
            "template tests/fixtures/hostile/tpl-undefined-variable/templates/report.html:",
            "Variable `organisation_name` is not defined",
            "--> report.html:2:7",
        ],
    ),
    render_err(
        "tpl-undefined-field",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-undefined-field/templates/control.md:",
            "Field `no_such_field` is not defined",
            "--> control.md:2:6",
        ],
    ),
    render_err(
        "tpl-recursive-component",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-recursive-component/templates/report.md: Maximum render recursion depth for components exceeded.",
        ],
    ),
    render_err(
        "tpl-deep-nesting",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-deep-nesting/templates/report.md:",
            "The expression is too complex",
            "--> report.md:2:",
        ],
    ),
    render_err(
        "tpl-not-utf8",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-not-utf8/templates/report.md: not UTF-8; save templates as UTF-8",
        ],
    ),
];

pub(crate) fn run_error_case(case: &ErrorCase) {
    assert!(!case.expect.is_empty(), "{}: nothing expected", case.name);
    let mut args = case_inputs(case.name);
    args.extend(case.args.iter().map(|a| (*a).to_owned()));
    if case.validate {
        let out = kansa().arg("validate").args(&args).output().unwrap();
        assert_located(case.name, "validate", &out, case.expect);
        assert!(
            out.stdout.is_empty(),
            "{}: validate wrote to stdout",
            case.name
        );
    }
    let (out, dir, target) = report_to_file(&args, case.format);
    assert_located(case.name, "report", &out, case.expect);
    assert!(!target.exists(), "{}: output written", case.name);
    assert_nothing_written(case.name, dir.path());
}

#[test]
pub(crate) fn error_cases_are_located_and_write_nothing() {
    for case in ERRORS {
        run_error_case(case);
    }
}

// ---------------------------------------------------------------------------------------------
// Inert text

/// The outputs of one case, by format.
#[derive(Default)]
pub(crate) struct Outputs {
    md: Option<String>,
    html: Option<String>,
    json: Option<serde_json::Value>,
    pdf: Option<String>,
    xlsx: Option<PathBuf>,
    _keep: Vec<tempfile::TempDir>,
}

impl Outputs {
    fn md(&self) -> &str {
        self.md.as_deref().expect("md rendered")
    }
    fn html(&self) -> &str {
        self.html.as_deref().expect("html rendered")
    }
    fn json(&self) -> &serde_json::Value {
        self.json.as_ref().expect("json rendered")
    }
    fn pdf(&self) -> &str {
        self.pdf.as_deref().expect("pdf rendered")
    }
    /// A control of the JSON report.
    fn control(&self, id: &str) -> serde_json::Value {
        let v = self.json();
        for s in v["sections"].as_array().unwrap() {
            for m in s["majors"].as_array().unwrap() {
                for mid in m["middles"].as_array().unwrap() {
                    for c in mid["controls"].as_array().unwrap() {
                        if c["id"] == id {
                            return c.clone();
                        }
                    }
                }
            }
        }
        panic!("no control {id} in the JSON report");
    }
}

pub(crate) struct InertCase {
    name: &'static str,
    args: &'static [&'static str],
    formats: &'static [&'static str],
    check: fn(&Outputs),
}

/// Render a case in every format, asserting exit 0, one output file and the generic checks.
pub(crate) fn render_case(
    name: &str,
    inputs: &[String],
    formats: &[&str],
    baseline: &Baseline,
) -> Outputs {
    let mut outputs = Outputs::default();
    for format in formats {
        let (out, dir, target) = report_to_file(inputs, format);
        assert!(out.status.success(), "{name} ({format}): {}", outcome(&out));
        assert_eq!(
            listing(dir.path()),
            [format!("report.{format}")],
            "{name} ({format}): exactly the report is written"
        );
        let bytes = std::fs::read(&target).unwrap();
        match *format {
            "md" => {
                let md = String::from_utf8(bytes).unwrap();
                assert_markdown_is_inert(name, &md, baseline);
                outputs.md = Some(md);
            }
            "html" => {
                let html = String::from_utf8(bytes).unwrap();
                assert_html_is_inert(name, &html, baseline);
                outputs.html = Some(html);
            }
            "json" => {
                let text = String::from_utf8(bytes).unwrap();
                assert_no_invisible(name, "json", &text);
                outputs.json = Some(serde_json::from_str(&text).unwrap());
            }
            "pdf" => {
                assert!(bytes.starts_with(b"%PDF-"), "{name}: not a PDF");
                outputs.pdf = Some(pdf_extract::extract_text_from_mem(&bytes).unwrap());
            }
            "xlsx" => {
                assert!(bytes.starts_with(b"PK"), "{name}: not a workbook");
                outputs.xlsx = Some(target.clone());
            }
            other => panic!("unknown format {other}"),
        }
        outputs._keep.push(dir);
    }
    outputs
}

pub(crate) fn assert_no_invisible(name: &str, format: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| is_invisible(*c)) {
        panic!(
            "{name} ({format}): invisible character U+{:04X} in the output",
            c as u32
        );
    }
}

/// What the report of a catalogue looks like with no answers (given only `args`: catalogue,
/// organisation, title): its headings and the HTML tags and attributes its templates use.
pub(crate) struct Baseline {
    md_headings: Vec<String>,
    html_headings: BTreeMap<String, usize>,
    html_tags: BTreeSet<String>,
    html_attributes: BTreeSet<String>,
}

pub(crate) fn baseline_for(catalogue: &[String]) -> Baseline {
    let run = |format: &str| {
        let blank = (!catalogue.iter().any(|a| a == "--answers")).then_some("--no-answers");
        let out = kansa()
            .args(["report", "--date", DATE, "-f", format])
            .args(catalogue)
            .args(blank)
            .output()
            .unwrap();
        assert!(out.status.success(), "baseline: {}", outcome(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let (md, html) = (run("md"), run("html"));
    let mut html_tags = BTreeSet::new();
    let mut html_attributes = BTreeSet::new();
    for (tag, attrs) in html_elements(&html) {
        html_tags.insert(tag);
        html_attributes.extend(attrs.into_iter().map(|(a, _)| a));
    }
    // What answers add: the template's answer box, and what answer Markdown may produce.
    for t in [
        "div",
        "p",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    ] {
        html_tags.insert(t.to_owned());
    }
    for a in ["href", "title", "start", "style"] {
        html_attributes.insert(a.to_owned());
    }
    Baseline {
        md_headings: md_headings(&md),
        html_headings: html_heading_counts(&html),
        html_tags,
        html_attributes,
    }
}

pub(crate) fn fisc_baseline() -> &'static Baseline {
    static B: OnceLock<Baseline> = OnceLock::new();
    B.get_or_init(|| baseline_for(&[]))
}

/// Headings of a Markdown document as CommonMark sees them (level and text).
pub(crate) fn md_headings(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some(format!("{level:?} ")),
            Event::End(pulldown_cmark::TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// Pipes that separate table cells (not escaped by an odd run of backslashes).
pub(crate) fn cell_pipes(line: &str) -> usize {
    let (mut n, mut backslashes) = (0, 0);
    for c in line.chars() {
        if c == '|' && backslashes % 2 == 0 {
            n += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    n
}

pub(crate) fn assert_markdown_is_inert(name: &str, md: &str, baseline: &Baseline) {
    assert_no_invisible(name, "md", md);
    let headings = md_headings(md);
    if headings != baseline.md_headings {
        let at = headings
            .iter()
            .zip(&baseline.md_headings)
            .position(|(a, b)| a != b)
            .unwrap_or(headings.len().min(baseline.md_headings.len()));
        panic!(
            "{name}: the Markdown headings differ from the catalogue's at #{at}: {:?} instead of {:?}",
            headings.get(at),
            baseline.md_headings.get(at)
        );
    }
    // Links only to anchors, http(s) and mailto; no images; raw HTML only kansa's own anchors
    // and line breaks.
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let d = dest_url.to_ascii_lowercase();
                assert!(
                    ["#", "http://", "https://", "mailto:"]
                        .iter()
                        .any(|p| d.starts_with(p)),
                    "{name}: Markdown link to {dest_url}"
                );
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                panic!("{name}: Markdown image {dest_url}")
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let h = h.trim();
                assert!(
                    (h.starts_with("<a id=\"c-") && h.ends_with("\">") && !h[1..].contains('<'))
                        || h == "<br>"
                        || h == "</a>",
                    "{name}: raw HTML {h:?} in the Markdown"
                );
            }
            _ => {}
        }
    }
    // Every table row has as many cells as its header.
    let mut fence = false;
    let mut header: Option<usize> = None;
    for line in md.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            fence = !fence;
        }
        if fence || !line.starts_with('|') {
            header = None;
            continue;
        }
        let pipes = cell_pipes(line);
        match header {
            None => header = Some(pipes),
            Some(h) => assert_eq!(
                pipes, h,
                "{name}: table row with a different width:\n{line}"
            ),
        }
    }
}

/// The tags of an HTML document with their attributes (name, value), in order. Text that is
/// escaped (`&lt;script&gt;`) is not a tag.
pub(crate) fn html_elements(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(first) = rest.chars().next() else {
            break;
        };
        if !first.is_ascii_alphabetic() {
            continue; // </x>, <!DOCTYPE>, or a stray "<"
        }
        let end = rest.find('>').expect("unclosed tag");
        let inner = &rest[..end];
        rest = &rest[end..];
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut s = inner[name_end..].trim_start_matches('/').trim();
        while !s.is_empty() {
            let key_end = s
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(s.len());
            let key = s[..key_end].to_ascii_lowercase();
            s = s[key_end..].trim_start();
            let mut value = String::new();
            if let Some(v) = s.strip_prefix('=') {
                let v = v.trim_start();
                let (val, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q).expect("unclosed attribute value") + 1;
                        (&v[1..close], &v[close + 1..])
                    }
                    _ => {
                        let e = v.find(char::is_whitespace).unwrap_or(v.len());
                        (&v[..e], &v[e..])
                    }
                };
                value = val.to_owned();
                s = after.trim_start();
            }
            if !key.is_empty() && key != "/" {
                attrs.push((key, value));
            }
            s = s.trim_start_matches('/').trim_start();
        }
        out.push((name, attrs));
    }
    out
}

pub(crate) fn html_heading_counts(html: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (tag, _) in html_elements(html) {
        if matches!(tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            *counts.entry(tag).or_insert(0) += 1;
        }
    }
    counts
}

pub(crate) fn assert_html_is_inert(name: &str, html: &str, baseline: &Baseline) {
    assert_no_invisible(name, "html", html);
    for (tag, attrs) in html_elements(html) {
        assert!(
            baseline.html_tags.contains(&tag),
            "{name}: element <{tag}> from input"
        );
        for (attr, value) in attrs {
            assert!(
                !attr.starts_with("on") && baseline.html_attributes.contains(&attr),
                "{name}: attribute {attr}={value:?} on <{tag}>"
            );
            if attr == "href" || attr == "src" {
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    ["#", "http://", "https://", "mailto:"]
                        .iter()
                        .any(|p| v.starts_with(p)),
                    "{name}: <{tag} {attr}={value:?}>"
                );
            }
            if attr == "style" {
                assert!(
                    tag == "td" || tag == "th" || tag == "i" || tag == "div" || tag == "span",
                    "{name}: style on <{tag}>"
                );
                assert!(!value.contains("url("), "{name}: style {value:?}");
            }
        }
    }
    assert_eq!(
        html_heading_counts(html),
        baseline.html_headings,
        "{name}: headings differ from the catalogue's"
    );
    let lower = html.to_ascii_lowercase();
    assert_eq!(lower.matches("<script").count(), 0, "{name}: <script>");
    assert_eq!(
        lower.matches("<style").count(),
        1,
        "{name}: one <style>, the report's"
    );
}

/// Inert-text cases and what must be visible in each format.
const INERT: &[InertCase] = &[
    InertCase {
        name: "enc-utf16le-no-bom",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.json()["inputs"][0]["encoding"], "UTF-16LE");
            assert_eq!(o.control("運10-1")["owner"], "総務部");
            assert_eq!(o.control("設1")["status"], "implemented");
        },
    },
    InertCase {
        name: "enc-utf16be-no-bom",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.json()["inputs"][0]["encoding"], "UTF-16BE");
            assert_eq!(o.control("運10-1")["status"], "not_implemented");
        },
    },
    InertCase {
        name: "enc-bom-mid-row",
        args: &[],
        formats: &["json"],
        check: |o| assert_eq!(o.control("設2")["status"], "partial"),
    },
    InertCase {
        name: "csv-header-only",
        args: &[],
        formats: &["md", "json"],
        check: |o| {
            // A valid, empty overlay: every control unanswered.
            assert_eq!(o.json()["inputs"][0]["rows"], 0);
            assert_eq!(o.json()["summary"]["gaps"], 251);
        },
    },
    InertCase {
        name: "val-normalised-ids-ok",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.control("設83-1")["status"], "implemented");
            assert_eq!(o.control("運10-1")["status"], "partial");
            assert_eq!(o.control("技35-1")["status"], "planned");
            assert_eq!(o.control("設2")["status"], "implemented");
            assert_eq!(o.control("設3")["status"], "not_applicable");
        },
    },
    InertCase {
        name: "val-accepted-date-shapes",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.control("設1")["due"], "2028-02-29");
            assert_eq!(o.control("設1")["reviewed"], "2026-04-01");
            assert_eq!(o.control("設2")["due"], "2027-04-01");
        },
    },
    InertCase {
        name: "text-script-tags",
        args: &[
            "--org",
            "<script>alert(\"org\")</script>",
            "--title",
            "</title><script>alert(\"title\")</script>",
        ],
        formats: &["md", "html", "json", "pdf"],
        check: |o| {
            let html = o.html();
            for shown in [
                "&lt;script&gt;alert('answer')&lt;/script&gt;",
                "&lt;script&gt;alert(&quot;owner&quot;)&lt;&#x2F;script&gt;",
                "&lt;&#x2F;dd&gt;&lt;&#x2F;dl&gt;&lt;script&gt;alert(&quot;notes&quot;)",
                "&lt;script&gt;alert(&quot;col&quot;)&lt;&#x2F;script&gt;",
                "&lt;script&gt;alert(&quot;org&quot;)&lt;&#x2F;script&gt;",
                "&lt;&#x2F;title&gt;&lt;script&gt;alert(&quot;title&quot;)",
            ] {
                let plain = shown.replace("&#x2F;", "/");
                assert!(
                    html.contains(shown) || html.contains(&plain),
                    "not shown escaped: {plain}"
                );
            }
            let md = o.md();
            assert!(md.contains("&lt;script>alert('answer')&lt;/script>"));
            assert!(md.contains("&lt;script&gt;alert(\"owner\")&lt;/script&gt;"));
            assert!(md.starts_with("# \\</title\\>\\<script\\>alert(\"title\")"));
            assert!(!md.replace("\\<", "").contains("<script"), "only escaped");
            assert_eq!(
                o.control("運10-1")["answer"],
                "<script>alert('answer')</script>\n\n<SCRIPT>alert(2)</SCRIPT>",
                "JSON keeps the text as data"
            );
            let pdf: String = o.pdf().split_whitespace().collect();
            assert!(
                pdf.contains("<script>alert('answer')</script>"),
                "PDF shows the text"
            );
        },
    },
    InertCase {
        name: "text-event-handlers",
        args: &[],
        formats: &["md", "html"],
        check: |o| {
            let html = o.html();
            assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
            assert!(html.contains("&quot; onmouseover=&quot;alert(1)&quot; x=&quot;"));
            assert!(html.contains("&#39; autofocus onfocus=&#39;alert(2)"));
            assert!(html.contains("&lt;a href=\"#\" onclick=\"alert(4)\"&gt;click&lt;/a&gt;"));
            assert!(o.md().contains("&lt;img src=x onerror=alert(1)>"));
        },
    },
    InertCase {
        name: "text-javascript-links",
        args: &[],
        formats: &["md", "html"],
        check: |o| {
            let html = o.html();
            // Unsafe links and images are shown as written; safe images become links.
            for shown in [
                "[a](javascript:alert(1))",
                "[b](JaVaScRiPt:alert(1))",
                "[c](&amp;#106;avascript:alert(1))",
                "&lt;javascript:alert(1)&gt;",
                "[f](data:text/html;base64,PHNjcmlwdD4=)",
                "[g](vbscript:msgbox)",
                "[h](file:///etc/passwd)",
                "![i](javascript:alert(3))",
                "[e][r]",
                "[o](javascript:alert(1))",
            ] {
                assert!(html.contains(shown), "not shown as text: {shown}");
            }
            assert!(html.contains("<a href=\"https://tracker.example/p.gif\">track</a>"));
            assert!(html.contains("<a href=\"https://example.com/a?b=1&amp;c=2\">ok</a>"));
            assert!(html.contains("<a href=\"mailto:a@example.jp\">m</a>"));
            let md = o.md();
            assert!(
                md.contains("\\[a](javascript:alert(1))"),
                "escaped in Markdown"
            );
            assert!(md.contains("\\![track](https://tracker.example/p.gif)"));
            assert!(
                md.contains("\\[o\\](javascript:alert(1))"),
                "escaped in a cell"
            );
        },
    },
    InertCase {
        name: "text-html-comments-cdata",
        args: &[],
        formats: &["md", "html"],
        check: |o| {
            let html = o.html();
            assert!(html.contains("&lt;!-- hidden comment --&gt;"));
            assert!(html.contains("&lt;![CDATA[ &lt;script&gt;x&lt;/script&gt; ]]&gt;"));
            assert!(html.contains("&lt;?php echo 1; ?&gt;"));
            assert!(html.contains("&lt;!-- unclosed comment"));
            assert!(html.contains("--&gt; &lt;!--"));
            assert!(!html.contains("<!--"), "no comment opens in the HTML");
            assert!(o.md().contains("&lt;!-- hidden comment -->"));
        },
    },
    InertCase {
        name: "text-markdown-tables",
        args: &[],
        formats: &["md", "html"],
        check: |o| {
            let md = o.md();
            assert!(md.contains("| a \\| b \\| c |"), "pipes escaped in cells");
            assert!(md.contains("line1<br>line2 \\| x<br>\\| --- \\|"));
            // The answer's own table still renders.
            assert!(o.html().contains("<td>1</td><td>2</td>") || o.html().contains("<td>1</td>"));
        },
    },
    InertCase {
        name: "text-markdown-headings",
        args: &[],
        formats: &["md", "html"],
        check: |o| {
            let md = o.md();
            assert!(md.contains("\\# Injected H1"));
            assert!(md.contains("\\##### 設2 fake control heading"));
            assert!(md.contains("```\nunclosed fence swallowing the report\n```"));
            assert!(md.contains("~~~~\nanother unclosed fence\n~~~~"));
            let html = o.html();
            assert!(html.contains("<p><strong>Injected H1</strong></p>"));
            assert!(html.contains("&lt;h1&gt;html heading&lt;/h1&gt;"));
        },
    },
    InertCase {
        name: "text-bidi-overrides",
        args: &["--org", "\u{202E}行銀\u{202C}"],
        formats: &["md", "html", "json", "pdf"],
        check: |o| {
            // Markdown table cells escape the brackets: \[U+202E\] reads [U+202E].
            let md = o.md().replace("\\[", "[").replace("\\]", "]");
            for (format, text) in [("md", md.as_str()), ("html", o.html()), ("pdf", o.pdf())] {
                assert!(
                    text.contains("[U+202E]implemented[U+202C]"),
                    "{format}: override not shown"
                );
            }
            assert!(o.html().contains("[U+2067]abc[U+2069]"));
            assert!(o.html().contains("[U+202E]行銀[U+202C]"), "--org too");
            assert_eq!(
                o.control("運10-1")["answer"],
                "status: [U+202E]detnemelpmi[U+202C] and [U+2066]isolate[U+2069]"
            );
        },
    },
    InertCase {
        name: "text-zero-width",
        args: &[],
        formats: &["md", "html", "json", "pdf"],
        check: |o| {
            let md = o.md().replace("\\[", "[").replace("\\]", "]");
            for (format, text) in [("md", md.as_str()), ("html", o.html())] {
                assert!(text.contains("pass[U+200B]word"), "{format}");
                assert!(text.contains("ad[U+200D]min"), "{format}");
                assert!(text.contains("[U+2060]x[U+FEFF]y[U+00AD]z"), "{format}");
                assert!(text.contains("tag:[U+E0041][U+E0042]"), "{format}");
            }
            let pdf: String = o.pdf().split_whitespace().collect();
            assert!(pdf.contains("pass[U+200B]word"), "PDF shows them too");
        },
    },
    InertCase {
        name: "text-outside-pdf-font",
        args: &[],
        formats: &["md", "html"],
        check: |o| assert!(o.html().contains("対応中 😀 です")),
    },
    InertCase {
        name: "text-template-syntax",
        args: &[],
        formats: &["md", "html"],
        check: |o| {
            for text in [o.md(), o.html()] {
                assert!(text.contains("{{ 7*7 }}"), "template syntax shown as text");
                assert!(text.contains("{% include"), "template syntax shown as text");
                assert!(text.contains("{{ title }}"));
            }
            assert!(!o.md().contains(" 49 "));
        },
    },
    InertCase {
        name: "text-formula-injection",
        args: &[],
        formats: &["xlsx", "html"],
        check: |o| {
            use calamine::{Data, Reader, Xlsx, open_workbook};
            let mut wb: Xlsx<_> = open_workbook(o.xlsx.as_ref().unwrap()).unwrap();
            let mut seen = 0;
            for sheet in wb.sheet_names() {
                let formulas = wb.worksheet_formula(&sheet).unwrap();
                for f in formulas.used_cells() {
                    assert!(
                        !f.2.contains("HYPERLINK") && !f.2.contains("cmd"),
                        "formula from input in {sheet}: {}",
                        f.2
                    );
                }
                let range = wb.worksheet_range(&sheet).unwrap();
                for (_, _, cell) in range.used_cells() {
                    if let Data::String(s) = cell
                        && (s.starts_with("=HYPERLINK") || s.starts_with("+cmd"))
                    {
                        seen += 1;
                    }
                }
            }
            assert!(seen >= 2, "the formula text is kept as text ({seen})");
            assert!(
                o.html()
                    .contains("=HYPERLINK(&quot;http://evil.example&quot;")
            );
        },
    },
];

#[test]
pub(crate) fn inert_cases_render_hostile_text_as_text() {
    for case in INERT {
        assert!(
            !case.formats.is_empty(),
            "{}: no format to check",
            case.name
        );
        let args: Vec<String> = case.args.iter().map(|a| (*a).to_owned()).collect();
        let mut inputs = case_inputs(case.name);
        inputs.extend(args.iter().cloned());
        // The same report without answers (and with the same --org/--title) has the same
        // headings and uses the same tags.
        let own;
        let baseline = if args.is_empty() {
            fisc_baseline()
        } else {
            own = baseline_for(&args);
            &own
        };
        let outputs = render_case(case.name, &inputs, case.formats, baseline);
        (case.check)(&outputs);
    }
}

/// Every folder of the corpus is pinned by a table or a test below, and there are at least 40.
#[test]
pub(crate) fn every_case_folder_is_pinned() {
    let folders: BTreeSet<String> = listing(&root().join("tests/fixtures/hostile"))
        .into_iter()
        .filter(|f| root().join("tests/fixtures/hostile").join(f).is_dir())
        .collect();
    let mut pinned: BTreeSet<String> = ERRORS.iter().map(|c| c.name.to_owned()).collect();
    pinned.extend(INERT.iter().map(|c| c.name.to_owned()));
    pinned.extend(GENERATED.iter().map(|c| (*c).to_owned()));
    for area in crate::HOSTILE_AREAS {
        pinned.extend(area.iter().map(|c| (*c).to_owned()));
    }
    let unpinned: Vec<&String> = folders.difference(&pinned).collect();
    let missing: Vec<&String> = pinned.difference(&folders).collect();
    assert!(
        unpinned.is_empty(),
        "case folders without an expectation: {unpinned:?}"
    );
    assert!(
        missing.is_empty(),
        "expectations without a folder: {missing:?}"
    );
    assert!(folders.len() >= 40, "only {} cases", folders.len());
}

/// Cases pinned by their own tests below (generated inputs, packs).
const GENERATED: &[&str] = &[
    "csv-20k-columns",
    "csv-field-10mb",
    "csv-rows-200k-unknown",
    "csv-rows-200k-over-limit",
    "csv-rows-200k-custom-catalogue",
    "text-long-unbroken",
    "text-1mb-answer",
    "path-hostile-ids",
    "path-absolute-evidence",
    "path-special-inputs",
    "tpl-ticket-error",
    "xlsx-hostile-cells",
    "xlsx-over-limits",
    "xlsx-control-characters",
    "xlsx-zip-bomb",
    "xlsx-far-cell",
];

// ---------------------------------------------------------------------------------------------
// Generated inputs

/// `csv-field-10mb`: a 10 MB cell is refused at the default limit, accepted with a higher one.
#[test]
pub(crate) fn generated_10mb_field() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("answers.csv");
    let mut text = String::from("id,status,answer\n設1,partial,\"");
    text.push_str(&"x".repeat(10_000_000));
    text.push_str("\"\n");
    std::fs::write(&overlay, text).unwrap();
    let shown = overlay.display().to_string();
    let needles = [
        format!("{shown}:2:3: cell of 9.5 MiB (10000000 bytes) is over the limit of 4 MiB \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\""),
        "hint: shorten the cell (link to a document instead of pasting it), or raise the limit with --max-field-bytes (now 4194304)".to_owned(),
    ];
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    assert_located("csv-field-10mb", "validate", &out, &needles);
    assert!(stderr(&out).len() < 2000, "the 10 MB value is not echoed");
    let args = vec!["--answers".to_owned(), shown.clone()];
    let (out, out_dir, _) = report_to_file(&args, "html");
    assert_located("csv-field-10mb", "report", &out, &needles);
    assert_nothing_written("csv-field-10mb", out_dir.path());
    // The limit is configurable.
    let out = kansa()
        .args(["validate", "--max-field-bytes", "16MiB", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

pub(crate) fn write_rows(path: &Path, rows: usize, id: impl Fn(usize) -> String) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "id,status,answer").unwrap();
    for i in 0..rows {
        writeln!(f, "{},implemented,row {i}", id(i)).unwrap();
    }
}

/// `csv-rows-200k-unknown` and `csv-rows-200k-over-limit`.
#[test]
pub(crate) fn generated_200k_rows_of_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("answers.csv");
    write_rows(&overlay, 200_000, |i| format!("X{i}"));
    let shown = overlay.display().to_string();
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    let first = format!("{shown}:2:1 (id): unknown id \"X0\"");
    let last = format!("{shown}:1001:1 (id): unknown id \"X999\"");
    let more = format!(
        "{shown}: 199000 more problems not listed (only the first 1000 of a file are shown)"
    );
    assert_located(
        "csv-rows-200k-unknown",
        "validate",
        &out,
        &[
            &first,
            &last,
            &more,
            "hint: fix the problems above",
            "200000 problems found",
        ],
    );
    assert!(!stderr(&out).contains("\"X1000\""), "listing stops at 1000");

    let out = kansa()
        .args(["validate", "--max-rows", "100000", "--answers"])
        .arg(&overlay)
        .output()
        .unwrap();
    let at = format!("{shown}:100002:1: more than 100000 data rows");
    assert_located(
        "csv-rows-200k-over-limit",
        "validate",
        &out,
        &[
            &at,
            "hint: split the file, or raise the limit with --max-rows (now 100000)",
            "1 problem found",
        ],
    );
}

/// A catalogue of `n` controls, each in its own 中項目 when `own_middle`.
pub(crate) fn write_catalogue(dir: &Path, n: usize, own_middle: bool) {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("catalogue.toml"), "id = \"big\"\nname = \"Big\"\n").unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("controls.csv")).unwrap());
    writeln!(f, "id,section,major,middle,text").unwrap();
    for i in 0..n {
        let middle = if own_middle { i } else { i % 100 };
        writeln!(f, "C{i},S{},M{},m{middle},control {i}", i % 3, i % 30).unwrap();
    }
}

/// `csv-rows-200k-custom-catalogue`: 200,000 answered controls load; a catalogue in which every
/// control has its own 中項目 renders (this was quadratic).
#[test]
pub(crate) fn generated_200k_rows_against_a_large_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("big");
    write_catalogue(&catalogue, 200_000, false);
    let overlay = dir.path().join("answers.csv");
    write_rows(&overlay, 200_000, |i| format!("C{i}"));
    let out = kansa()
        .arg("validate")
        .arg("--catalogue")
        .arg(&catalogue)
        .arg("--answers")
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("(200000 rows, UTF-8)"),
        "{}",
        stderr(&out)
    );

    let own = dir.path().join("own-middles");
    write_catalogue(&own, 5_000, true);
    let out = kansa()
        .args([
            "report",
            "--no-answers",
            "-f",
            "json",
            "--date",
            DATE,
            "--catalogue",
        ])
        .arg(&own)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let middles: usize = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["majors"].as_array().unwrap())
        .map(|m| m["middles"].as_array().unwrap().len())
        .sum();
    assert_eq!(middles, 5_000);
}

/// `text-long-unbroken` and `text-1mb-answer`.
#[test]
pub(crate) fn generated_long_text() {
    let dir = tempfile::tempdir().unwrap();
    let long = "ｘ".repeat(10_000) + &"y".repeat(40_000);
    let overlay = dir.path().join("long.csv");
    std::fs::write(
        &overlay,
        format!("id,status,owner,answer\n設1,partial,{long},{long}\n"),
    )
    .unwrap();
    let inputs = vec!["--answers".to_owned(), overlay.display().to_string()];
    let o = render_case(
        "text-long-unbroken",
        &inputs,
        &["md", "html", "pdf"],
        fisc_baseline(),
    );
    assert!(o.md().contains(&long));
    assert_eq!(
        o.html().matches(long.as_str()).count(),
        3,
        "owner (details, gap list), answer"
    );
    // The PDF breaks the line and continues the row on the next pages (header repeated), but
    // keeps every character: owner (gap list, details) and answer.
    let pdf = o.pdf();
    assert_eq!(pdf.matches('ｘ').count(), 3 * 10_000, "every ｘ in the PDF");
    assert!(pdf.matches('y').count() >= 3 * 40_000, "every y in the PDF");

    let one_mb: String = "監査ログを保存し、".repeat(25_000) + &"a".repeat(1_000_000 - 25_000 * 27);
    assert_eq!(one_mb.len(), 1_000_000);
    let overlay = dir.path().join("mb.csv");
    std::fs::write(
        &overlay,
        format!("id,status,answer\n設1,partial,{one_mb}\n"),
    )
    .unwrap();
    let inputs = vec!["--answers".to_owned(), overlay.display().to_string()];
    let o = render_case(
        "text-1mb-answer",
        &inputs,
        &["md", "html", "json", "xlsx"],
        fisc_baseline(),
    );
    // Excel holds 32,767 characters per cell: the register cuts the answer and says so.
    {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let mut wb: Xlsx<_> = open_workbook(o.xlsx.as_ref().unwrap()).unwrap();
        let sheet = wb.sheet_names().last().unwrap().clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        let cut = range
            .used_cells()
            .find_map(|(_, _, c)| match c {
                Data::String(s) if s.starts_with("監査ログを保存し、") => Some(s.clone()),
                _ => None,
            })
            .expect("the answer in the register");
        assert_eq!(cut.encode_utf16().count(), 32_767);
        assert!(
            cut.ends_with(
                " … [cut: 550000 characters in all; Excel holds 32767. The HTML and JSON reports have the whole text]"
            ),
            "the cut is marked"
        );
    }
    let sheet = dir.path().join("sheet.xlsx");
    let out = kansa()
        .args(["init", "--from"])
        .arg(&overlay)
        .arg("-o")
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "init with a 1 MB answer: {}",
        outcome(&out)
    );
    assert_eq!(
        o.control("設1")["answer"].as_str().unwrap().len(),
        1_000_000
    );
    assert!(o.md().contains(&one_mb));
    assert!(o.html().contains(&one_mb));
}

/// `csv-20k-columns`: 20,000 custom columns load and render linearly; a workbook cannot hold
/// them, which is a clear error, not a failure deep in the writer.
#[test]
pub(crate) fn generated_20k_custom_columns() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("wide.csv");
    let n = 20_000;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&overlay).unwrap());
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    writeln!(f, "id,status,{}", names.join(",")).unwrap();
    for r in 1..=10 {
        let values: Vec<String> = (0..n).map(|i| format!("v{r}_{i}")).collect();
        writeln!(f, "設{r},partial,{}", values.join(",")).unwrap();
    }
    drop(f);
    let inputs = vec!["--answers".to_owned(), overlay.display().to_string()];
    let out = kansa().arg("validate").args(&inputs).output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let o = render_case("csv-20k-columns", &inputs, &["json"], fisc_baseline());
    assert_eq!(o.json()["extra_columns"].as_array().unwrap().len(), n);
    assert_eq!(o.control("設10")["extra"][n - 1]["value"], "v10_19999");
    let (out, out_dir, _) = report_to_file(&inputs, "xlsx");
    assert_located(
        "csv-20k-columns",
        "xlsx",
        &out,
        &[
            "cannot write workbook: it would need 40015 columns and Excel allows 16384 (the overlays have 20000 custom columns)",
            "hint: drop custom columns",
        ],
    );
    assert_nothing_written("csv-20k-columns", out_dir.path());
    let out = kansa()
        .args(["init", "--from"])
        .arg(&overlay)
        .arg("-o")
        .arg(dir.path().join("sheet.xlsx"))
        .output()
        .unwrap();
    assert_located(
        "csv-20k-columns",
        "init",
        &out,
        &["it would need 20023 columns"],
    );
    assert!(!dir.path().join("sheet.xlsx").exists());
}

// ---------------------------------------------------------------------------------------------
// Workbooks

pub(crate) fn workbook(path: &Path, rows: &[&[&str]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("運用").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
pub(crate) fn generated_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let header: &[&str] = &["項番", "対応状況", "回答", "担当"];

    // xlsx-hostile-cells
    let path = dir.path().join("hostile.xlsx");
    workbook(
        &path,
        &[
            header,
            &[
                "運10-1",
                "未実施",
                "<script>alert(1)</script> [x](javascript:alert(2))",
                "=HYPERLINK(\"http://evil.example\")",
            ],
        ],
    );
    let inputs = vec!["--answers".to_owned(), path.display().to_string()];
    let o = render_case(
        "xlsx-hostile-cells",
        &inputs,
        &["html", "md"],
        fisc_baseline(),
    );
    assert!(
        o.html()
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(2))")
    );
    assert!(
        o.html()
            .contains("=HYPERLINK(&quot;http://evil.example&quot;)")
    );

    // xlsx-over-limits
    let path = dir.path().join("answers.xlsx");
    let long = "長".repeat(2000);
    workbook(
        &path,
        &[
            header,
            &["運1", "実施済", &long, "a"],
            &["運2", "実施済", "", "b"],
        ],
    );
    let shown = path.display().to_string();
    let out = kansa()
        .args(["validate", "--max-field-bytes", "1KiB", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let cell = format!("{shown}!運用!C2: cell of 5.8 KiB (6000 bytes) is over the limit of 1 KiB");
    assert_located(
        "xlsx-over-limits",
        "cell",
        &out,
        &[&cell, "--max-field-bytes (now 1024)"],
    );
    let out = kansa()
        .args(["validate", "--max-rows", "1", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let rows = format!("{shown}!運用!A3: more than 1 data rows");
    assert_located(
        "xlsx-over-limits",
        "rows",
        &out,
        &[&rows, "--max-rows (now 1)"],
    );

    // xlsx-control-characters
    let path = dir.path().join("control.xlsx");
    workbook(&path, &[header, &["運1", "実施済", "ok", "\u{1b}[31mred"]]);
    let shown = path.display().to_string();
    let args = vec!["--answers".to_owned(), shown.clone()];
    let (out, out_dir, _) = report_to_file(&args, "html");
    let at = format!("{shown}!運用!D2: control character U+001B at character 1 of the cell");
    assert_located("xlsx-control-characters", "report", &out, &[&at, HINT]);
    assert_nothing_written("xlsx-control-characters", out_dir.path());

    // xlsx-zip-bomb
    let plain = dir.path().join("plain.xlsx");
    workbook(&plain, &[header, &["運1", "実施済", "ok", "a"]]);
    let path = dir.path().join("bomb.xlsx");
    with_padding(&plain, &path, 3 << 20);
    assert!(std::fs::metadata(&path).unwrap().len() < 64 << 10);
    let out = kansa()
        .args(["validate", "--max-file-bytes", "2MiB", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = path.display().to_string();
    assert_located(
        "xlsx-zip-bomb",
        "unpacked",
        &out,
        &[
            &format!("{shown}: the workbook unpacks to more than 2 MiB \"xl/media/padding.bin\""),
            "--max-file-bytes (now 2097152)",
        ],
    );
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

/// `xlsx-far-cell`: one stray cell at the far corner of a sheet.
#[test]
pub(crate) fn generated_far_cell() {
    let dir = tempfile::tempdir().unwrap();
    let far = |path: &Path, answers: u32| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("運用").unwrap();
        for (c, t) in ["項番", "対応状況", "回答", "担当"].iter().enumerate() {
            ws.write_string(0, c as u16, *t).unwrap();
        }
        for r in 1..=answers {
            ws.write_string(r, 0, format!("運{r}")).unwrap();
            ws.write_string(r, 1, "実施済").unwrap();
        }
        ws.write_string(1_048_000, 16_000, "far").unwrap();
        wb.save(path).unwrap();
    };
    let path = dir.path().join("far.xlsx");
    far(&path, 1);
    assert!(std::fs::metadata(&path).unwrap().len() < 16 << 10);
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = path.display().to_string();
    assert_located(
        "xlsx-far-cell",
        "one row",
        &out,
        &[&format!(
            "{shown}!運用!WQK1: values under an empty column header"
        )],
    );

    let path = dir.path().join("far-rows.xlsx");
    far(&path, 10);
    let out = kansa()
        .args(["validate", "--max-rows", "100", "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    let shown = path.display().to_string();
    assert_located(
        "xlsx-far-cell",
        "many rows",
        &out,
        &[
            &format!(
                "{shown}!運用!WQK1: the sheet spans 12 rows × 16001 columns, more than 3200 cells"
            ),
            "Ctrl+End",
            "--max-rows, now 100",
        ],
    );
}

/// Copy the workbook `from` to `to` with one more member of `zeros` zero bytes.
pub(crate) fn with_padding(from: &Path, to: &Path, zeros: usize) {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        out.raw_copy_file(archive.by_index_raw(i).unwrap()).unwrap();
    }
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/media/padding.bin", deflated).unwrap();
    out.write_all(&vec![0; zeros]).unwrap();
    out.finish().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Paths

/// `path-special-inputs`: a directory and an endless file as overlays.
#[test]
pub(crate) fn special_files_as_inputs() {
    let dir = case_dir("path-special-inputs");
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&dir)
        .output()
        .unwrap();
    let msg = format!("cannot read {}", dir.display());
    assert_located("path-special-inputs", "directory", &out, &[&msg]);
    #[cfg(unix)]
    {
        let (out, out_dir, _) = report_to_file(
            &[
                "--max-file-bytes".into(),
                "1MiB".into(),
                "--answers".into(),
                "/dev/zero".into(),
            ],
            "md",
        );
        assert_located(
            "path-special-inputs",
            "/dev/zero",
            &out,
            &[
                "/dev/zero: file of more than 1 MiB is over the limit of 1 MiB",
                "hint: split the file, or raise the limit with --max-file-bytes (now 1048576)",
            ],
        );
        assert_nothing_written("path-special-inputs", out_dir.path());
    }
}

/// `path-hostile-ids`: ids such as `../x`, `CON` and `a/b` and a pack named `../../escape` stay
/// inside the pack directory.
#[test]
pub(crate) fn pack_with_hostile_ids_stays_inside() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("path-hostile-ids")), &src);
    let before = walk(work.path());
    let out_root = work.path().join("out");
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(&out_root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let after = walk(work.path());
    let added: Vec<&String> = after.difference(&before).collect();
    assert!(
        added.iter().all(|f| f.starts_with("out/______escape/")),
        "files outside the pack: {added:?}"
    );
    let tickets: BTreeSet<String> = listing(&out_root.join("______escape/tickets"))
        .into_iter()
        .collect();
    let expected: BTreeSet<String> = [
        "gap-___x.md",
        "gap-______etc_passwd.md",
        "gap-_abs.md",
        "gap-CON.md",
        "gap-NUL.md",
        "gap-COM1_txt.md",
        "gap-a_b.md",
        "gap-a_b-2.md",
        "gap-a_b-3.md",
        "gap-gap__.md",
        "gap-gap_.md",
        "gap-x_y.md",
        "gap-_script_.md",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(tickets, expected);
    let html = std::fs::read_to_string(out_root.join("______escape/report.html")).unwrap();
    for anchor in [
        "id=\"c-a_b\"",
        "id=\"c-a_b-2\"",
        "id=\"c-a_b-3\"",
        "id=\"c-___x\"",
    ] {
        assert_eq!(html.matches(anchor).count(), 1, "{anchor} is unique");
    }
    assert!(html.contains("data-id=\"&lt;script&gt;\""));
    let baseline = baseline_for(&[
        "--catalogue".to_owned(),
        src.join("catalogue").display().to_string(),
    ]);
    assert_html_is_inert("path-hostile-ids", &html, &baseline);
    let md = std::fs::read_to_string(out_root.join("______escape/report.md")).unwrap();
    assert_markdown_is_inert("path-hostile-ids", &md, &baseline);
    let verify = kansa()
        .arg("verify")
        .arg(out_root.join("______escape"))
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", outcome(&verify));
}

/// `path-absolute-evidence`: absolute, drive, `..` and UNC evidence paths and a symbolic link
/// out of the root are reported (a warning; an error with --strict that writes no pack).
#[test]
pub(crate) fn evidence_paths_out_of_the_root_are_reported() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("path-absolute-evidence")), &src);
    #[cfg(unix)]
    std::os::unix::fs::symlink("../outside.txt", src.join("evidence/link.txt")).unwrap();
    let run = |strict: bool| {
        let mut cmd = kansa();
        cmd.arg("pack")
            .arg(src.join("kansa.toml"))
            .arg("--out")
            .arg(work.path().join("out"));
        if strict {
            cmd.arg("--strict");
        }
        cmd.output().unwrap()
    };
    let file = src.join("answers.csv").display().to_string();
    let leaves = |line: u32, value: &str| {
        format!("{file}:{line} (evidence): evidence path leaves the evidence root {value:?}")
    };
    let mut expected = vec![
        leaves(2, "/etc/passwd"),
        leaves(3, "C:\\Windows\\win.ini"),
        leaves(4, "..\\..\\secret.txt"),
        leaves(5, "../outside.txt"),
        leaves(6, "\\\\server\\share\\x.pdf"),
        format!("{file}:8 (evidence): evidence path is not a regular file \"sub/\""),
    ];
    if cfg!(unix) {
        expected.push(leaves(9, "link.txt"));
    }
    let needles: Vec<&str> = expected.iter().map(String::as_str).collect();

    let strict = run(true);
    assert_located("path-absolute-evidence", "--strict", &strict, &needles);
    assert!(!work.path().join("out").exists(), "--strict writes no pack");

    let out = run(false);
    assert!(out.status.success(), "{}", outcome(&out));
    let err = stderr(&out);
    for n in &needles {
        assert!(err.contains(n), "{n} missing:\n{err}");
    }
    assert!(!err.contains("policy.pdf"), "a URL is not a file: {err}");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(work.path().join("out/evidence/manifest.json")).unwrap(),
    )
    .unwrap();
    let found: Vec<&str> = manifest["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reference"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["ok.txt"], "only the file inside the root is hashed");
}

/// `tpl-ticket-error`: a broken ticket template fails the pack (exit 2) and writes nothing.
#[test]
pub(crate) fn pack_with_a_broken_ticket_template_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("tpl-ticket-error")), &src);
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(work.path().join("out"))
        .output()
        .unwrap();
    let template = format!("template {}:", src.join("templates/ticket.md").display());
    assert_located(
        "tpl-ticket-error",
        "pack",
        &out,
        &[
            &template,
            "Field `no_such_field` is not defined",
            "--> ticket.md:2:",
        ],
    );
    assert!(!work.path().join("out").exists());
}

/// `text-formula-injection` also as a pack: the CSV exports neutralise formulas.
#[test]
pub(crate) fn pack_csv_exports_neutralise_formulas() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("text-formula-injection")), &src);
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(work.path().join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let gaps = std::fs::read_to_string(work.path().join("out/formulas/gaps.csv")).unwrap();
    assert!(
        gaps.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{gaps}"
    );
    assert!(gaps.contains("'+cmd|' /C calc'!A0"), "{gaps}");
    assert!(gaps.contains("'@SUM(1+1)"), "{gaps}");
    assert!(gaps.contains("'-2+3"), "{gaps}");
}

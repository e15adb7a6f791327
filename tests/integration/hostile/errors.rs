//! Located errors: every committed case that must fail with a located message (exit 2) from
//! `validate` and `report -o`, and write nothing.

use super::{HINT, assert_located, assert_nothing_written, case_inputs, report_to_file};
use crate::kansa;

pub(crate) struct ErrorCase {
    /// Folder under `tests/fixtures/hostile/`.
    pub(crate) name: &'static str,
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

super::error_cases! {
/// Every error case of the corpus and what stderr must say.
pub(super) ERRORS = [
    // Encoding traps.
    enc_invalid_utf8: err(
        "enc-invalid-utf8",
        &[
            "enc-invalid-utf8/answers.csv:3:14: bytes that are not valid UTF-8 \"設2,partial,対策\u{FFFD}中\"",
            HINT,
            "--encoding",
        ],
    ),
    enc_shift_jis_undecodable: err(
        "enc-shift-jis-undecodable",
        &[
            "enc-shift-jis-undecodable/answers.csv:3:11: bytes that are not valid Shift_JIS \"設2,一部実施,対策\u{FFFD}中\"",
            HINT,
        ],
    ),
    enc_bom_mid_header: err(
        "enc-bom-mid-header",
        &[
            "enc-bom-mid-header/answers.csv:3:1 (id): unknown id \"\\u{feff}id\"",
            "hint: this is a second header row (two files joined together?); delete it",
            "enc-bom-mid-header/answers.csv:3:2 (status): unknown status \"status\"",
        ],
    ),
    enc_nul_bytes: err(
        "enc-nul-bytes",
        &[
            "enc-nul-bytes/answers.csv:2:3: control character U+0000 at character 3 of the cell \"ok\\0\\0hidden\"",
            "hint: NUL bytes mean a binary file, or UTF-16 without a byte-order mark",
        ],
    ),
    enc_utf16_read_as_utf8: ErrorCase {
        name: "enc-utf16-read-as-utf8",
        args: &["--encoding", "utf-8"],
        format: "md",
        validate: true,
        expect: &[
            "enc-utf16-read-as-utf8/answers.csv:2:3: bytes that are not valid UTF-8 \"\\0-\u{FFFD}1\\0,\\0i\\0m",
            "utf-16le",
        ],
    },
    enc_bom_only: err(
        "enc-bom-only",
        &["enc-bom-only/answers.csv:1:1: the file is empty", HINT],
    ),
    enc_terminal_escapes: err(
        "enc-terminal-escapes",
        &[
            "enc-terminal-escapes/answers.csv:2:3: control character U+001B at character 1 of the cell \"\\u{1b}[31mred\\u{1b}[0m\\u{1b}]0;title\\u{7}\"",
            "hint: remove the control character",
        ],
    ),
    enc_c1_controls: err(
        "enc-c1-controls",
        &[
            "enc-c1-controls/answers.csv:2:3: control character U+0085 at character 5 of the cell \"next\\u{85}line\"",
            HINT,
        ],
    ),
    // CSV traps.
    csv_unterminated_quote: err(
        "csv-unterminated-quote",
        &[
            "csv-unterminated-quote/answers.csv:3:3: quoted field is never closed: it runs to the end of the file \"unterminated\\n設3,implemented,this row is …\"",
            "hint: end the field with a \"",
        ],
    ),
    csv_ragged_rows: err(
        "csv-ragged-rows",
        &[
            "csv-ragged-rows/answers.csv:3:3: found 2 fields instead of 3 in line 3 \"設2,partial\"",
            "csv-ragged-rows/answers.csv:4:4: found 4 fields instead of 3 in line 4 \"設3,planned,b,extra\"",
            "hint: every row needs one field per header column",
            "2 problems found",
        ],
    ),
    csv_duplicate_columns: err(
        "csv-duplicate-columns",
        &[
            "csv-duplicate-columns/answers.csv:1:3 (対応状況): column given twice\n  hint: column 2 (status) means the same; keep one",
            "csv-duplicate-columns/answers.csv:1:5 (Notes): column given twice\n  hint: column 4 (notes) means the same; keep one",
            "csv-duplicate-columns/answers.csv:1:7 (cost): column given twice\n  hint: column 6 (cost) has the same name; keep one",
            "3 problems found",
        ],
    ),
    csv_no_id_column: err(
        "csv-no-id-column",
        &[
            "csv-no-id-column/answers.csv:1:1: no id column \"control,status\"\n  hint: the header row needs a column named id (or 項番)",
        ],
    ),
    csv_semicolons: err(
        "csv-semicolons",
        &[
            "csv-semicolons/answers.csv:1:1: no id column \"id;status\"\n  hint: the file is separated by semicolons",
        ],
    ),
    csv_empty_file: err(
        "csv-empty-file",
        &["csv-empty-file/answers.csv:1:1: the file is empty", HINT],
    ),
    csv_blank_lines_only: err(
        "csv-blank-lines-only",
        &[
            "csv-blank-lines-only/answers.csv:1:1: the file is empty",
            HINT,
        ],
    ),
    csv_cr_line_endings: err(
        "csv-cr-line-endings",
        &[
            "csv-cr-line-endings/answers.csv:3:2 (status): unknown status \"bogus\"",
            HINT,
        ],
    ),
    csv_quoted_newlines: err(
        "csv-quoted-newlines",
        &[
            "csv-quoted-newlines/answers.csv:4:3 (status): unknown status \"bogus\"",
            HINT,
        ],
    ),
    // Value traps.
    val_unknown_ids: err(
        "val-unknown-ids",
        &[
            "val-unknown-ids/answers.csv:2:1 (id): unknown id \"設999\"",
            "val-unknown-ids/answers.csv:3:1 (id): unknown id \"XYZ-1\"\n  hint: no such control in fisc-2012",
            "val-unknown-ids/answers.csv:4:1 (id): unknown id \"設84\"\n  hint: did you mean 設83? (fisc-2012 has no 設84)",
            "val-unknown-ids/answers.csv:5:1 (id): unknown id \"運10-2\"\n  hint: did you mean 運10-1?",
            "4 problems found",
        ],
    ),
    val_duplicate_after_normalisation: err(
        "val-duplicate-after-normalisation",
        &[
            "val-duplicate-after-normalisation/answers.csv:3:1 (id): duplicate id \"設１\"\n  hint: 設1 is also answered on line 2",
            "val-duplicate-after-normalisation/answers.csv:4:1 (id): duplicate id \" 設 1 \"",
            "val-duplicate-after-normalisation/answers.csv:5:1 (id): duplicate id \"設\\u{200b}1\"",
            "val-duplicate-after-normalisation/answers.csv:6:1 (id): duplicate id \"\\u{feff}設1\"",
            "4 problems found",
        ],
    ),
    val_bad_status: err(
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
    val_bad_responsibility: err(
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
    val_bad_dates: err(
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
    val_missing_id: err(
        "val-missing-id",
        &[
            "val-missing-id/answers.csv:2:1 (id): missing id \",implemented,orphan answer\"\n  hint: every row needs the id of a control",
        ],
    ),
    // A character outside the PDF font: only the PDF meets it.
    text_outside_pdf_font: render_err(
        "text-outside-pdf-font",
        "pdf",
        &[
            "text-outside-pdf-font/answers.csv:2 (answer): control 運24: characters missing from the PDF font: 😀 (U+1F600) \"対応中 😀 です\"",
            "text-outside-pdf-font/answers.csv:2 (notes): control 運24: characters missing from the PDF font: U+E000 \"[U+E000]\"",
            "hint: BIZ UDPGothic / IPAex Gothic cannot draw these; pass --font",
        ],
    ),
    // Template traps.
    tpl_syntax_error: render_err(
        "tpl-syntax-error",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-syntax-error/templates/report.md:",
            "--> report.md:3:13",
            "{% for x in %}",
        ],
    ),
    tpl_infinite_include: render_err(
        "tpl-infinite-include",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-infinite-include/templates/report.md: Circular include detected for template 'report.md'",
        ],
    ),
    tpl_include_cycle: render_err(
        "tpl-include-cycle",
        "md",
        &[
            "tpl-include-cycle/templates/",
            "Circular include detected",
            "[\"report.md\", \"summary.md\", \"report.md\"]",
        ],
    ),
    tpl_undefined_variable: render_err(
        "tpl-undefined-variable",
        "html",
        &[
            "template tests/fixtures/hostile/tpl-undefined-variable/templates/report.html:",
            "Variable `organisation_name` is not defined",
            "--> report.html:2:7",
        ],
    ),
    tpl_undefined_field: render_err(
        "tpl-undefined-field",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-undefined-field/templates/control.md:",
            "Field `no_such_field` is not defined",
            "--> control.md:2:6",
        ],
    ),
    tpl_recursive_component: render_err(
        "tpl-recursive-component",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-recursive-component/templates/report.md: Maximum render recursion depth for components exceeded.",
        ],
    ),
    tpl_deep_nesting: render_err(
        "tpl-deep-nesting",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-deep-nesting/templates/report.md:",
            "The expression is too complex",
            "--> report.md:2:",
        ],
    ),
    tpl_not_utf8: render_err(
        "tpl-not-utf8",
        "md",
        &[
            "template tests/fixtures/hostile/tpl-not-utf8/templates/report.md: not UTF-8; save templates as UTF-8",
        ],
    ),
]
}

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

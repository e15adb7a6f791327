//! Inert text: every committed case whose hostile text must come out as plain, visible text in
//! a correct report (exit 0), in every format its entry lists.

use std::path::PathBuf;

use kansa::model::text::is_invisible;

use super::baseline::{
    Baseline, assert_html_is_inert, assert_markdown_is_inert, baseline_for, fisc_baseline,
};
use super::{case_inputs, listing, report_to_file};
use crate::outcome;

/// The outputs of one case, by format.
#[derive(Default)]
pub(crate) struct Outputs {
    md: Option<String>,
    html: Option<String>,
    json: Option<serde_json::Value>,
    pdf: Option<String>,
    pub(crate) xlsx: Option<PathBuf>,
    _keep: Vec<tempfile::TempDir>,
}

impl Outputs {
    pub(crate) fn md(&self) -> &str {
        self.md.as_deref().expect("md rendered")
    }
    pub(crate) fn html(&self) -> &str {
        self.html.as_deref().expect("html rendered")
    }
    pub(crate) fn json(&self) -> &serde_json::Value {
        self.json.as_ref().expect("json rendered")
    }
    pub(crate) fn pdf(&self) -> &str {
        self.pdf.as_deref().expect("pdf rendered")
    }
    /// A control of the JSON report.
    pub(crate) fn control(&self, id: &str) -> serde_json::Value {
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
    pub(crate) name: &'static str,
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

super::inert_cases! {
/// Inert-text cases and what must be visible in each format.
pub(super) INERT = [
    enc_utf16le_no_bom: InertCase {
        name: "enc-utf16le-no-bom",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.json()["inputs"][0]["encoding"], "UTF-16LE");
            assert_eq!(o.control("運10-1")["owner"], "総務部");
            assert_eq!(o.control("設1")["status"], "implemented");
        },
    },
    enc_utf16be_no_bom: InertCase {
        name: "enc-utf16be-no-bom",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.json()["inputs"][0]["encoding"], "UTF-16BE");
            assert_eq!(o.control("運10-1")["status"], "not_implemented");
        },
    },
    enc_bom_mid_row: InertCase {
        name: "enc-bom-mid-row",
        args: &[],
        formats: &["json"],
        check: |o| assert_eq!(o.control("設2")["status"], "partial"),
    },
    csv_header_only: InertCase {
        name: "csv-header-only",
        args: &[],
        formats: &["md", "json"],
        check: |o| {
            // A valid, empty overlay: every control unanswered.
            assert_eq!(o.json()["inputs"][0]["rows"], 0);
            assert_eq!(o.json()["summary"]["gaps"], 251);
        },
    },
    val_normalised_ids_ok: InertCase {
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
    val_accepted_date_shapes: InertCase {
        name: "val-accepted-date-shapes",
        args: &[],
        formats: &["json"],
        check: |o| {
            assert_eq!(o.control("設1")["due"], "2028-02-29");
            assert_eq!(o.control("設1")["reviewed"], "2026-04-01");
            assert_eq!(o.control("設2")["due"], "2027-04-01");
        },
    },
    text_script_tags: InertCase {
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
    text_event_handlers: InertCase {
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
    text_javascript_links: InertCase {
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
    text_html_comments_cdata: InertCase {
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
    text_markdown_tables: InertCase {
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
    text_markdown_headings: InertCase {
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
    text_bidi_overrides: InertCase {
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
    text_zero_width: InertCase {
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
    text_outside_pdf_font: InertCase {
        name: "text-outside-pdf-font",
        args: &[],
        formats: &["md", "html"],
        check: |o| assert!(o.html().contains("対応中 😀 です")),
    },
    text_template_syntax: InertCase {
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
    text_formula_injection: InertCase {
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
]
}

/// Render one case in its formats and run its checks, against the report of the same
/// catalogue (and the same --org/--title) without answers.
pub(crate) fn run_inert_case(case: &InertCase) {
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

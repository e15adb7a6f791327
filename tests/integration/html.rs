//! The HTML report's static parts (issue 16): the one inline script and the CSP hash that
//! allows it, the page as it is without JavaScript (nothing hidden), fragments that land,
//! hostile text in the data attributes the script reads, less noise (sources, repeated
//! answers) and the responsibility chart. The browser side is `.ci/checks/html.sh`.

use sha2::{Digest, Sha256};

use crate::{example_report, kansa, outcome};

/// The built-in report.html, whose `script` block is the script every report carries.
const REPORT_HTML: &str = include_str!("../../templates/report.html");

/// The built-in script: the text of report.html's `{% set script %}` block.
fn builtin_script() -> &'static str {
    let start = REPORT_HTML.find("{%- set script %}").unwrap() + "{%- set script %}".len();
    let end = REPORT_HTML.find("{% endset -%}").unwrap();
    &REPORT_HTML[start..end]
}

fn example_html() -> String {
    String::from_utf8(example_report("html", &[])).unwrap()
}

/// Standard base64 with padding, written here again so the test does not check the code with
/// itself.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        let sextets = [n >> 18, n >> 12, n >> 6, n].map(|s| A[(s & 63) as usize] as char);
        out.extend(&sextets[..c.len() + 1]);
        out.extend(std::iter::repeat_n('=', 3 - c.len()));
    }
    out
}

/// The text of the page's one `<script>` element (asserting there is exactly one, at the end
/// of the body, with no attributes).
fn script_of(html: &str) -> &str {
    assert_eq!(html.matches("<script").count(), 1, "one script element");
    let start = html.find("<script>").expect("a plain <script>") + "<script>".len();
    let end = start + html[start..].find("</script>").unwrap();
    assert_eq!(&html[end..], "</script>\n</body>\n</html>\n", "at the end");
    &html[start..end]
}

/// `html` without kansa's own script element (the built-in script, byte for byte), for the
/// tests that check that nothing from the inputs became a script: what they find after this
/// is not kansa's.
pub fn without_kansa_script(html: &str) -> String {
    html.replacen(&format!("<script>{}</script>", builtin_script()), "", 1)
}

/// The page's Content-Security-Policy, from its meta element.
fn csp_of(html: &str) -> &str {
    let tag = "<meta http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html.find(tag).expect("a CSP") + tag.len();
    &html[start..start + html[start..].find('"').unwrap()]
}

#[test]
fn csp_allows_exactly_the_inline_script_by_its_hash() {
    let html = example_html();
    let script = script_of(&html);
    assert_eq!(script, builtin_script());
    let hash = base64(&Sha256::digest(script.as_bytes()));
    let csp = csp_of(&html);
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    assert_eq!(
        directives,
        [
            "default-src 'none'",
            "style-src 'unsafe-inline'",
            "img-src data:",
            &format!("script-src 'sha256-{hash}'"),
        ]
    );
    assert!(!csp.contains("unsafe-eval"));
    // The script reads the page only: no network, no eval, no HTML from strings.
    for banned in [
        "fetch(",
        "XMLHttpRequest",
        "WebSocket",
        "eval(",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "new Function",
        "import(",
    ] {
        assert!(!script.contains(banned), "{banned} in the script");
    }
    // Nothing in it the template engine or an HTML parser would take for its own.
    for marker in ["{{", "{%", "{#", "</", "<!--"] {
        assert!(!script.contains(marker), "{marker} in the script");
    }
}

/// A report.html of one's own (a `--templates` directory) gets its own script's hash: the CSP
/// always allows the script the page carries, and only it.
#[test]
fn an_overridden_script_gets_its_own_hash() {
    let dir = tempfile::tempdir().unwrap();
    let custom = "console.log(\"custom\");\n";
    let template = REPORT_HTML.replacen(builtin_script(), custom, 1);
    std::fs::write(dir.path().join("report.html"), template).unwrap();
    let templates = dir.path().to_str().unwrap();
    let html = String::from_utf8(example_report("html", &["--templates", templates])).unwrap();
    assert_eq!(script_of(&html), custom);
    let hash = base64(&Sha256::digest(custom.as_bytes()));
    assert!(csp_of(&html).ends_with(&format!("script-src 'sha256-{hash}'")));
}

/// Without JavaScript the page shows everything: no control, register row or group carries
/// `hidden`; only the filter form does (the script shows it).
#[test]
fn nothing_is_hidden_without_javascript() {
    let html = example_html();
    let hidden: Vec<&str> = html
        .split('<')
        .filter(|tag| {
            let tag = tag.split('>').next().unwrap_or("");
            tag.split_whitespace()
                .any(|a| a == "hidden" || a.starts_with("hidden="))
        })
        .map(|tag| &tag[..tag.find(' ').unwrap_or(tag.len())])
        .collect();
    assert_eq!(hidden, ["form"]);
    assert!(html.contains("<form id=\"filters\" class=\"filters\" role=\"search\""));
    assert_eq!(html.matches("<article class=\"control\"").count(), 251);
    assert_eq!(html.matches("<tr class=\"gap-row\">").count(), 24);
    assert!(html.contains("<input type=\"search\""));
}

/// Every in-page link lands on an element of the page (contents, register, "same as" links),
/// every control has its `#c-…` anchor, and the register's sortable columns are marked.
#[test]
fn every_fragment_lands() {
    let html = example_html();
    let ids: std::collections::HashSet<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let links: Vec<&str> = html
        .split("href=\"#")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(links.len() > 150, "{}", links.len());
    for link in &links {
        assert!(ids.contains(link), "#{link} lands nowhere");
    }
    assert!(ids.contains("c-運26") && ids.contains("section-2-1"));
    let sortable: Vec<&str> = html
        .split("<th data-sort=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(sortable, ["id", "risk", "status", "owner", "due"]);
}

/// The attributes the script filters by, for 運26 (a partial, overdue, high-risk gap of the
/// example bank).
#[test]
fn controls_carry_their_filter_values() {
    let html = example_html();
    assert!(html.contains(
        "<article class=\"control\" id=\"c-運26\" data-id=\"運26\" data-kind=\"gap\" \
         data-status=\"partial\" data-section=\"運用\" data-resp=\"customer\" \
         data-overdue=\"true\" data-risk=\"high\" \
         data-due=\"2026-06-30\" data-same=\"\">"
    ));
    assert!(html.contains(
        "<article class=\"control\" id=\"c-設3\" data-id=\"設3\" data-kind=\"met\" \
         data-status=\"inherited\" data-section=\"設備\" data-resp=\"provider\" data-overdue=\"false\" data-risk=\"\" data-due=\"\" data-same=\"c-設2\">"
    ));
}

/// Hostile text in every value that reaches a data attribute stays inside its quotes.
#[test]
fn hostile_text_stays_inside_data_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = r#""><script>alert(1)</script>' onmouseover='x' &amp;"#;
    let catalogue = format!(
        "id,section,major,middle,text\nA1,\"{s}\",M,m,one\n",
        s = bad.replace('"', "\"\"")
    );
    let answers = format!(
        "id,status,owner,risk,due\nA1,partial,\"{o}\",high,2026-01-31\n",
        o = bad.replace('"', "\"\"")
    );
    std::fs::write(dir.path().join("controls.csv"), catalogue).unwrap();
    std::fs::write(dir.path().join("answers.csv"), answers).unwrap();
    let out = kansa()
        .current_dir(dir.path())
        .args([
            "report",
            "--catalogue",
            "controls.csv",
            "--answers",
            "answers.csv",
        ])
        .args(["--date", "2026-11-25", "-f", "html"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let html = without_kansa_script(&String::from_utf8(out.stdout).unwrap());
    let escaped =
        "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &amp;amp;";
    let article = &html[html.find("<article").unwrap()..];
    let article = &article[..article.find('>').unwrap()];
    assert!(
        article.contains(&format!("data-section=\"{escaped}\"")),
        "{article}"
    );
    assert!(html.contains(&format!("<span class=\"t owner\">{escaped}</span>")));
    assert!(!html.to_lowercase().contains("<script"));
    // Each option of the section filter holds the text escaped too.
    assert!(html.contains(&format!("<option value=\"{escaped}\">")));
}

/// Same inputs, same bytes: the script and its hash included.
#[test]
fn html_is_deterministic() {
    assert_eq!(example_html(), example_html());
}

/// Less noise: a field names its source only where it differs from the status' source, and a
/// repeated answer is a link to the control that gave it.
#[test]
fn sources_once_and_repeated_answers_linked() {
    let html = example_html();
    let control = |id: &str| {
        let start = html.find(&format!("id=\"c-{id}\"")).unwrap();
        &html[start..start + html[start..].find("</article>").unwrap()]
    };
    // 設2: everything from the AWS answers: the source once, beside the status.
    assert_eq!(
        control("設2").matches("class=\"src\"").count(),
        2,
        "status, 回答 label"
    );
    assert_eq!(control("設2").matches("aws-2012/answers.csv").count(), 1);
    // 設3 repeats 設2's answer: a link, not the paragraphs.
    assert!(control("設3").contains(
        "<div class=\"answer same\"><p>（回答は <a href=\"#c-設2\">設2</a> と同じ）</p></div>"
    ));
    assert!(!control("設3").contains("<p>AWS"));
    // 運26: the bank's status, the provider's responsibility: that one source is named.
    let c = control("運26");
    assert_eq!(c.matches("aws-2012/answers.csv").count(), 1);
    assert!(c.contains("<dd>利用者<span class=\"src\">aws-2012/answers.csv</span></dd>"));
    assert_eq!(c.matches("example-bank/answers.csv").count(), 1);
}

/// The responsibility chart: one bar per responsibility, its green part as wide as the
/// coverage the table prints.
#[test]
fn responsibility_chart_bars_are_the_coverage() {
    let html = example_html();
    let json: serde_json::Value = serde_json::from_slice(&example_report("json", &[])).unwrap();
    let want: Vec<f64> = json["by_responsibility"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["totals"]["coverage"].as_f64().unwrap())
        .collect();
    let bars: Vec<f64> = html
        .split("class=\"rbar-met\" width=\"")
        .skip(1)
        .map(|s| s[..s.find("%\"").unwrap()].parse().unwrap())
        .collect();
    assert_eq!(bars, want);
    assert_eq!(want.len(), 3);
}

/// The print rules: A4, page numbers and a running header from the title (escaped as a CSS
/// string), the contents kept.
#[test]
fn print_rules() {
    let html = example_html();
    let style = &html[..html.find("</style>").unwrap()];
    assert!(style.contains("@page { size: A4;"));
    assert!(style.contains("@bottom-center { content: counter(page) \" / \" counter(pages);"));
    assert!(style.contains("@top-left { content: \"\\30ae \\30e3 "));
    let print = &style[style.find("@media print").unwrap()..];
    let hidden = &print[..print.find("{ display: none; }").unwrap()];
    let hidden = &hidden[hidden.rfind('\n').unwrap()..];
    assert_eq!(hidden.trim(), ".top, .filters", "the contents print");
    assert!(print.contains("nav.toc { columns: 3;"));
}

//! Tests of the Markdown and HTML escaping filters (`markdown.rs`), kept apart so the filters
//! read in one screenful.

/// The first implementations, kept as the reference the single-pass ones must match.
fn md_cell_reference(text: &str) -> String {
    let mut out = String::new();
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push_str("<br>"),
            '*' | '_' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn md_plain_reference(text: &str) -> String {
    let mut out = String::new();
    let text = text.trim().replace("\r\n", " ").replace(['\n', '\r'], " ");
    // A list or setext marker opening the text: `-`, `+`, `=`, or digits then `.` / `)`.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let marker = match text.chars().next() {
        Some('-' | '+' | '=') => Some(0),
        Some('0'..='9')
            if digits <= 9 && matches!(text[digits..].chars().next(), Some('.' | ')')) =>
        {
            Some(digits)
        }
        _ => None,
    };
    for (i, c) in text.chars().enumerate() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '$'
        ) || Some(i) == marker
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(2000))]
    #[test]
    fn single_pass_escapers_match_the_reference(
        text in "[ a-z0-9設\\r\\n\\t|`\\\\\\[\\]<>*_#~&$+=.)\\-\u{3000}]{0,40}"
    ) {
        proptest::prop_assert_eq!(md_cell(&text), md_cell_reference(&text));
        proptest::prop_assert_eq!(md_plain(&text), md_plain_reference(&text));
    }
}

/// `md_text(answer)` followed by the next control's heading, as in `control.md`: the
/// heading must still be a top-level heading, and no heading may come from the answer.
fn headings_after(answer: &str) -> Vec<String> {
    let md = format!("{}\n\n##### next\n", md_text(answer));
    let mut out = Vec::new();
    let mut depth = 0;
    let mut in_heading = false;
    for e in Parser::new_ext(&md, markdown_options()) {
        match e {
            Event::Start(Tag::Heading { .. }) if depth == 0 => {
                in_heading = true;
                out.push(String::new());
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Heading(_)) if depth == 1 => {
                in_heading = false;
                depth -= 1;
            }
            Event::End(_) => depth -= 1,
            Event::Text(t) if in_heading => out.last_mut().unwrap().push_str(&t),
            _ => {}
        }
    }
    out
}

#[test]
fn links_must_start_with_their_scheme() {
    let html = to_safe_html("[a](< https://example.org >) [b](https://example.org)");
    assert!(!html.contains("%20https"), "{html}");
    assert!(
        html.contains("[a](&lt; https://example.org &gt;)"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://example.org\">b</a>"),
        "{html}"
    );
}

#[test]
fn answers_cannot_swallow_or_add_headings() {
    for answer in [
        // A backtick run with a backtick in its "info string" is not a fence (found by the
        // answer_markdown fuzz target after the line scanner took it for one).
        "````\0\0`ja",
        // A fence inside a list item ends with the item; `# h` after it is top level.
        "- a\n\n  ```\n  code\n\n# h",
        "```\nopen fence",
        "~~~~\n# in code\n~~~",
        "text\n===",
        "> quote\n# h",
    ] {
        assert_eq!(headings_after(answer), vec!["next"], "{answer:?}");
    }
}
use super::*;

#[test]
fn cells_cannot_break_tables() {
    assert_eq!(
        md_cell(" a | b\nc `d` <x> \\ "),
        "a \\| b<br>c \\`d\\` &lt;x&gt; \\\\"
    );
}

#[test]
fn a_lone_carriage_return_cannot_end_a_table_row() {
    // Found by the property tests: a CR alone is a line ending in CommonMark, and it split
    // a gap-list row in two.
    assert_eq!(md_cell("a\rb\r\nc\nd"), "a<br>b<br>c<br>d");
    let table = format!("| h |\n|---|\n| {} |\n", md_cell("x\r| y"));
    let rows = pulldown_cmark::Parser::new_ext(&table, Options::ENABLE_TABLES)
        .filter(|e| matches!(e, Event::Start(Tag::TableRow)))
        .count();
    assert_eq!(rows, 1, "{table:?}");
}

#[test]
fn plain_text_stays_on_its_line() {
    let heading = format!("##### A1 {}\n", md_plain("first line\r\n---\rthird\nx"));
    assert_eq!(heading, "##### A1 first line --- third x\n");
    let blocks = Parser::new(&heading)
        .filter(|e| matches!(e, Event::Start(_)))
        .count();
    assert_eq!(blocks, 1, "one heading, nothing else: {heading:?}");
}

#[test]
fn an_open_code_fence_is_closed() {
    // Found by the property tests: an answer ending inside a fenced code block turned the
    // rest of the Markdown report into code.
    assert_eq!(md_text("a\n```\ncode"), "a\n```\ncode\n```");
    assert_eq!(md_text("~~~~ x\n~~~"), "~~~~ x\n~~~\n~~~~");
    assert_eq!(md_text("```"), "```\n```");
    // A lone CR ends a line (as in CommonMark); a tab-indented fence does not close.
    assert_eq!(md_text("```\rx\r```"), "```\nx\n```");
    assert_eq!(md_text("```\nx\n\t```"), "```\nx\n\t```\n```");
    for closed in [
        "```\ncode\n```",
        "~~~\nx\n   ~~~~",
        "- ```\n  x",
        "> ```",
        "`code`",
    ] {
        assert_eq!(md_text(closed), closed);
    }
    let doc = format!("{}\n\n# after\n", md_text("```js\n<x>"));
    let headings = Parser::new(&doc)
        .filter(|e| matches!(e, Event::Start(Tag::Heading { .. })))
        .count();
    assert_eq!(headings, 1, "{doc:?}");
}

#[test]
fn raw_html_becomes_text() {
    let html = to_safe_html("ok <script>alert(1)</script>\n\n<div onclick=\"x()\">hi</div>");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<div"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}

#[test]
fn only_safe_links_survive() {
    let html = to_safe_html(
        "[a](javascript:alert(1)) [b](https://example.com) [c](mailto:x@y.jp) ![i](http://t/x.png) ![j](javascript:x) <javascript:y>",
    );
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(
        html.starts_with("<p>[a](javascript:alert(1)) "),
        "shown as written: {html}"
    );
    assert!(
        html.contains("![j](javascript:x) &lt;javascript:y&gt;"),
        "{html}"
    );
    assert!(html.contains("<a href=\"http://t/x.png\">i</a>"), "{html}");
    assert!(
        html.contains("<a href=\"https://example.com\">b</a>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"mailto:x@y.jp\">c</a>"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains('i'), "{html}");
}

#[test]
fn answers_cannot_make_headings_or_swallow_the_report() {
    let md = md_text("# Heading\n  ## two\nTitle\n===\n---\n#hashtag\n```\n# in code\nunclosed");
    assert_eq!(
        md,
        "\\# Heading\n  \\## two\nTitle\n\\===\n\\---\n#hashtag\n```\n# in code\nunclosed\n```"
    );
    let html = to_safe_html("# Heading\n\nTitle\n===\n");
    assert_eq!(
        html,
        "<p><strong>Heading</strong></p>\n<p><strong>Title</strong></p>\n"
    );
    // A closed fence stays as it is; a longer one needs a closing fence as long.
    assert_eq!(md_text("```\nx\n```\nafter"), "```\nx\n```\nafter");
    assert_eq!(md_text("````\nx\n```"), "````\nx\n```\n````");
}

#[test]
fn unsafe_links_and_images_become_text_in_markdown() {
    let md = md_text(
        "[js](javascript:alert(1)) [ok](https://example.com) ![i](https://t.example/p.gif) [r][1] <javascript:x>\n\n[1]: JavaScript:alert(3)",
    );
    assert!(md.contains("\\[js](javascript:alert(1))"), "{md}");
    assert!(md.contains(" [ok](https://example.com)"), "{md}");
    assert!(md.contains("\\![i](https://t.example/p.gif)"), "{md}");
    assert!(md.contains("\\[r][1]"), "{md}");
    assert!(
        md.contains("[1]\\: JavaScript:alert(3)"),
        "definition made text: {md}"
    );
    // A definition elsewhere in the report cannot catch a reference here, and `]:` in code
    // stays as written.
    let doc = format!(
        "{}\n\n{}",
        md_text("[x]: javascript:alert(1)"),
        md_text("see [x]")
    );
    let html = to_safe_html(&doc);
    assert!(!html.contains("<a"), "{html}");
    assert_eq!(
        md_text("`a]:b`\n\n```\n[x]: y\n```"),
        "`a]:b`\n\n```\n[x]: y\n```"
    );
    assert!(md.contains("&lt;javascript:x>"), "{md}");
    let html = to_safe_html(&md).to_lowercase();
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("<img"), "{html}");
}

#[test]
fn plain_text_stays_on_one_line() {
    assert_eq!(md_plain("a\r\n# b\nc"), "a \\# b c");
    assert_eq!(md_cell("[x](javascript:y)"), "\\[x\\](javascript:y)");
}

#[test]
fn markdown_still_works() {
    assert_eq!(
        to_safe_html("**重要**: 対応済"),
        "<p><strong>重要</strong>: 対応済</p>\n"
    );
}

/// What a GFM reader makes of `md`: the text it shows, and the first element that is not
/// plain text, a paragraph or a table (emphasis, a link, code, a list, a heading, math ...).
fn shown_as(md: &str) -> (String, Option<String>) {
    let options = markdown_options() | Options::ENABLE_MATH | Options::ENABLE_GFM;
    let mut text = String::new();
    let mut markup = None;
    for e in Parser::new_ext(md, options) {
        match e {
            Event::Text(t) => text.push_str(&t),
            Event::Start(
                Tag::Paragraph | Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell,
            )
            | Event::End(_) => {}
            other => {
                markup.get_or_insert(format!("{other:?}"));
            }
        }
    }
    (text, markup)
}

/// Ids, section names and control texts are text, never Markdown: found when `*A*` came
/// out in italics. Every inline construct and every line-start marker stays literal, in a
/// table cell and in a line of its own.
#[test]
fn literal_text_stays_literal() {
    for text in [
        "*A*",
        "_a_",
        "__b__",
        "~~s~~",
        "~s~",
        "&lt;b&gt;",
        "A&amp;B",
        "&#x41;",
        "$x$",
        "$$y$$",
        "`c`",
        "[l](x)",
        "![i](x)",
        "<https://x>",
        "a\\*b",
        "- a",
        "+ a",
        "= a",
        "1. a",
        "12) a",
        "# h",
        "> q",
        "***",
        "A|B",
    ] {
        let cell = format!("| h |\n|---|\n| {} |\n", md_cell(text));
        assert_eq!(
            shown_as(&cell),
            (format!("h{text}"), None),
            "cell {text:?}: {cell}"
        );
        let line = format!("{}\n", md_plain(text));
        assert_eq!(
            shown_as(&line),
            (text.to_owned(), None),
            "line {text:?}: {line}"
        );
    }
    // Answers in PDF table cells keep their emphasis.
    assert_eq!(md_cell_markdown("**重要** a|b"), "**重要** a\\|b");
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(1000))]
    #[test]
    fn any_literal_text_reads_back_unchanged(
        text in "[a-z0-9設*_~&$`#|<>!+=.()\\-\\[\\]\\\\:;]{1,24}"
    ) {
        let cell = format!("| h |\n|---|\n| {} |\n", md_cell(&text));
        proptest::prop_assert_eq!(shown_as(&cell), (format!("h{text}"), None));
        let line = format!("{}\n", md_plain(&text));
        proptest::prop_assert_eq!(shown_as(&line), (text.clone(), None));
    }
}

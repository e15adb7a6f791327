//! Markdown in and out: escaping input text for GFM output, and turning answer Markdown into
//! HTML that can never carry active content.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Escape text for one GFM table cell: `|`, backticks, backslashes and angle brackets lose their
/// meaning, and line breaks (LF, CRLF and a lone CR, which Markdown also ends a line at) become
/// `<br>` so a multi-line answer stays in its row.
pub fn md_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// Prepare answer Markdown for a Markdown document: kept as Markdown, but `<` is escaped so no
/// raw HTML passes through to whatever renders the document.
pub fn md_text(text: &str) -> String {
    text.trim().replace("\r\n", "\n").replace('<', "&lt;")
}

/// Escape plain text (a control text, an owner) for Markdown body text.
pub fn md_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.trim().chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Render answer Markdown to HTML: raw HTML becomes text, images become their alt text, and
/// only http, https and mailto links survive (others keep their text, lose the link).
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // One flag per open link: was it kept?
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = safe_url(&dest_url);
            links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => links.pop().unwrap_or(false).then_some(event),
        Event::SoftBreak => Some(Event::Text(CowStr::Borrowed("\n"))),
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
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
    fn raw_html_becomes_text() {
        let html = to_safe_html("ok <script>alert(1)</script>\n\n<div onclick=\"x()\">hi</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_safe_links_survive() {
        let html = to_safe_html(
            "[a](javascript:alert(1)) [b](https://example.com) [c](mailto:x@y.jp) ![i](http://t/x.png)",
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com\">b</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"mailto:x@y.jp\">c</a>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains('i'), "{html}");
    }

    #[test]
    fn markdown_still_works() {
        assert_eq!(
            to_safe_html("**重要**: 対応済"),
            "<p><strong>重要</strong>: 対応済</p>\n"
        );
    }
}

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
/// raw HTML passes through to whatever renders the document, line breaks become LF, and a code
/// fence the answer leaves open is closed, so that it cannot swallow the rest of the document.
pub fn md_text(text: &str) -> String {
    let mut out = text
        .trim()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('<', "&lt;");
    if let Some(fence) = unclosed_fence(&out) {
        out.push('\n');
        out.push_str(&fence);
    }
    out
}

/// The closing fence for a fenced code block that runs to the end of `markdown`, if any.
fn unclosed_fence(markdown: &str) -> Option<String> {
    // Only a top-level block can run to the end of the text: one inside a container (a list
    // item, a block quote) ends with its container.
    let mut depth = 0usize;
    let mut last_top = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let fenced = matches!(
                        tag,
                        Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(_))
                    );
                    last_top = fenced.then(|| range.clone());
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let block = &markdown[last_top?];
    let mut lines = block.lines();
    let opening = lines.next()?.trim_start_matches(' ');
    let c = opening.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = opening.chars().take_while(|&x| x == c).count();
    // A closing fence: at most three spaces, at least as many fence characters, then only
    // spaces or tabs.
    let closed = lines.next_back().is_some_and(|last| {
        let rest = last.trim_start_matches(' ');
        let run = rest.trim_end_matches([' ', '\t']);
        last.len() - rest.len() <= 3 && run.chars().all(|x| x == c) && run.chars().count() >= n
    });
    (!closed).then(|| c.to_string().repeat(n))
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Escape plain text (a control text, an owner) for Markdown body text. Line breaks become
/// spaces: the text is used in headings and one-line contexts, where a line break would end the
/// heading (and `---` on the next line become a rule).
pub fn md_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let text = text.trim().replace("\r\n", " ").replace(['\r', '\n'], " ");
    for c in text.chars() {
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
    let options = markdown_options();
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

//! Markdown in and out: escaping input text for GFM output, and turning answer Markdown into
//! HTML that can never carry active content.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Inline Markdown that literal text (an id, a section name, a control text, an owner) must not
/// turn into formatting: emphasis (`*A*` would print as italics), strikethrough, entity
/// references (`&lt;` would print as `<`) and GitHub's `$math$`.
fn is_inline_markup(b: u8) -> bool {
    matches!(b, b'*' | b'_' | b'~' | b'&' | b'$')
}

/// Escape literal text for one GFM table cell: `|`, backticks, backslashes, brackets and angle
/// brackets lose their meaning (no raw HTML, no links or images), as do emphasis,
/// strikethrough, entity references and math; line breaks (LF, CRLF and a lone CR, which
/// Markdown also ends a line at) become `<br>` so a multi-line value stays in its row.
pub fn md_cell(text: &str) -> String {
    escape_cell(text, true)
}

/// Escape answer Markdown for one GFM table cell: as [`md_cell`], but emphasis, strikethrough
/// and entities keep their meaning (an answer's `**重要**` stays bold in the PDF).
pub fn md_cell_markdown(text: &str) -> String {
    escape_cell(text, false)
}

fn escape_cell(text: &str, literal: bool) -> String {
    let text = text.trim();
    let special = |b: u8| {
        matches!(
            b,
            b'|' | b'`' | b'\\' | b'[' | b']' | b'<' | b'>' | b'\r' | b'\n'
        ) || (literal && is_inline_markup(b))
    };
    // Every character escaped below is ASCII: a byte scan tells that most cells need none.
    if !text.bytes().any(special) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\\' => out.push_str("\\\\"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // CRLF is one break, as are a lone CR and a lone LF.
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if literal && c.is_ascii() && is_inline_markup(c as u8) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Would this line (outside code) make a heading: `# x` (ATX) or a setext underline `===`/`---`?
fn heading_start(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if (1..=6).contains(&hashes)
        && rest[hashes..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
    {
        return Some(indent);
    }
    let body = rest.trim_end();
    let underline =
        !body.is_empty() && (body.chars().all(|c| c == '=') || body.chars().all(|c| c == '-'));
    underline.then_some(indent)
}

/// Prepare answer Markdown for a Markdown document. It stays Markdown (emphasis, lists,
/// tables, code, http/https/mailto links), but it cannot reach outside its own block or carry
/// active content: `<` is escaped (no raw HTML, comments or CDATA), heading markers are escaped
/// (an answer cannot add a heading to the report), an unclosed code fence is closed (it would
/// swallow the rest of the report), and links or images to anything but http, https and mailto
/// are turned into text, images into links (no tracking pixels).
pub fn md_text(text: &str) -> String {
    let text = text
        .trim()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('<', "&lt;");
    // Code blocks as CommonMark sees them (fences in list items, info strings, indentation):
    // a line-by-line guess gets these wrong, and a heading it took for code would stay live.
    // Only needed when some line would make a heading: most answers have none.
    let code: Vec<std::ops::Range<usize>> = if text.split('\n').any(|l| heading_start(l).is_some())
    {
        Parser::new_ext(&text, markdown_options())
            .into_offset_iter()
            .filter(|(e, _)| matches!(e, Event::Start(Tag::CodeBlock(_))))
            .map(|(_, r)| r)
            .collect()
    } else {
        Vec::new()
    };
    let mut code = code.into_iter().peekable();
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        while code.next_if(|r| r.end <= pos).is_some() {}
        let in_code = code.peek().is_some_and(|r| r.start <= pos);
        match heading_start(line) {
            Some(at) if !in_code => {
                out.push_str(&line[..at]);
                out.push('\\');
                out.push_str(&line[at..]);
            }
            _ => out.push_str(line),
        }
        pos += line.len() + 1;
    }
    if let Some(fence) = unclosed_fence(&out) {
        out.push('\n');
        out.push_str(&fence);
    }
    neutralise_links(&out)
}

/// The closing fence for a fenced code block that runs to the end of `markdown`, if any.
fn unclosed_fence(markdown: &str) -> Option<String> {
    // No fence characters, no fenced block.
    if !markdown.contains("```") && !markdown.contains("~~~") {
        return None;
    }
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

/// Put a backslash before the `[` of every link whose target is not http, https or mailto
/// (it becomes text), and before the `!` of every image (it becomes a plain link, or text too
/// when its target is not safe either). Link reference definitions (`[r]: url`) are turned
/// into text as well (`]\:`): in the report they would be global, so a definition in one
/// answer could turn `[r]` in another answer into a link to anywhere.
fn neutralise_links(markdown: &str) -> String {
    // Links and images start with `[` (or `![`): without one, and without a `]:`, there is
    // nothing to neutralise.
    if !markdown.contains('[') && !markdown.contains("]:") {
        return markdown.to_owned();
    }
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let bytes = markdown.as_bytes();
    let starts_with = |at: usize, c: u8| bytes.get(at) == Some(&c);
    let mut at: Vec<usize> = Vec::new();
    let mut code: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. })
                if !safe_url(&dest_url) && starts_with(range.start, b'[') =>
            {
                at.push(range.start);
            }
            Event::Start(Tag::Image { dest_url, .. }) if starts_with(range.start, b'!') => {
                at.push(range.start);
                if !safe_url(&dest_url) && starts_with(range.start + 1, b'[') {
                    at.push(range.start + 1);
                }
            }
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => code.push(range),
            _ => {}
        }
    }
    // `]:` outside code: where a definition could start. Code ranges come in source order.
    let mut code = code.into_iter().peekable();
    for (i, _) in markdown.match_indices("]:") {
        while code.next_if(|r| r.end <= i).is_some() {}
        if code.peek().is_none_or(|r| r.start > i) {
            at.push(i + 1);
        }
    }
    if at.is_empty() {
        return markdown.to_owned();
    }
    at.sort_unstable();
    at.dedup();
    let mut out = String::with_capacity(markdown.len() + at.len());
    let mut from = 0;
    for i in at {
        out.push_str(&markdown[from..i]);
        out.push('\\');
        from = i;
    }
    out.push_str(&markdown[from..]);
    out
}

/// Escape plain text (a control text, an owner) for Markdown body text, on one line: newlines
/// become spaces, so a control text cannot end a heading and start a block of its own; inline
/// markup (emphasis, links, code, HTML, entities, math) is backslash-escaped, and so is a list,
/// quote or heading marker at the start (`- x`, `1. x`, `= x`), where the text may open a line.
pub fn md_plain(text: &str) -> String {
    let text = text.trim();
    let special = |b: u8| {
        matches!(
            b,
            b'\r' | b'\n' | b'\\' | b'`' | b'[' | b']' | b'<' | b'>' | b'#' | b'|'
        ) || is_inline_markup(b)
    };
    let marker = block_marker_end(text);
    if marker.is_none() && !text.bytes().any(special) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            // CRLF is one space, as are a lone CR and a lone LF.
            '\r' => {
                chars.next_if(|(_, c)| *c == '\n');
                out.push(' ');
            }
            '\n' => out.push(' '),
            c if c.is_ascii() && special(c as u8) => {
                out.push('\\');
                out.push(c);
            }
            _ if Some(i) == marker => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Where a line starting with `text` would open a list item or a setext underline: the byte
/// of `-`, `+` or `=` at the start, or of the `.` / `)` after up to nine leading digits.
fn block_marker_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.first()? {
        b'-' | b'+' | b'=' => Some(0),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            (digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')'))).then_some(digits)
        }
        _ => None,
    }
}

/// An http, https or mailto URL, scheme first: no leading space (`< https://x>` would be
/// written as the relative `%20https://x`; found by the answer_markdown fuzz target).
fn safe_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Render answer Markdown to HTML: raw HTML becomes text, headings become bold paragraphs (an
/// answer cannot add to the report's outline), images become links to the image (nothing is
/// loaded), and only http, https and mailto links survive: any other link or image is shown as
/// the Markdown it was written as, so the reader sees it and cannot follow it.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Vec::new();
    // Inside an unsafe link or image shown as its source: nesting depth still to skip.
    let mut skip = 0usize;
    // One flag per open image: did it become a link?
    let mut images: Vec<bool> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        if skip > 0 {
            match event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => skip += 1,
                Event::End(TagEnd::Link | TagEnd::Image) => skip -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Heading { .. }) => {
                events.push(Event::Start(Tag::Paragraph));
                events.push(Event::Start(Tag::Strong));
            }
            Event::End(TagEnd::Heading(_)) => {
                events.push(Event::End(TagEnd::Strong));
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
                if !safe_url(dest_url) =>
            {
                let source = markdown.get(range).unwrap_or_default();
                events.push(Event::Text(CowStr::from(source.to_owned())));
                skip = 1;
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                images.push(true);
                events.push(Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url,
                    title,
                    id: CowStr::Borrowed(""),
                }));
            }
            Event::End(TagEnd::Image) => {
                if images.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::SoftBreak => events.push(Event::Text(CowStr::Borrowed("\n"))),
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

#[cfg(test)]
mod tests {

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
        let md =
            md_text("# Heading\n  ## two\nTitle\n===\n---\n#hashtag\n```\n# in code\nunclosed");
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
                    Tag::Paragraph
                    | Tag::Table(_)
                    | Tag::TableHead
                    | Tag::TableRow
                    | Tag::TableCell,
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
}

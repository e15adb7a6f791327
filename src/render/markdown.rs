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
#[path = "markdown_tests.rs"]
mod tests;

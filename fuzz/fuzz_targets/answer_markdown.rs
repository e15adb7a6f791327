//! Answer Markdown → the HTML that reports embed. Must never panic, and the HTML may only hold
//! the elements and attributes Markdown itself produces: no `<script`, no element or attribute
//! spelled in the input, and no link other than http, https and mailto.
//!
//! Also answer Markdown → the Markdown report (`md_text`): no `<` passes, and the answer cannot
//! swallow what the report puts after it (the next control's heading).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Elements pulldown-cmark writes for CommonMark + tables + strikethrough, with the attributes
/// each may carry.
const ALLOWED: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("blockquote", &[]),
    ("br", &[]),
    ("code", &["class"]),
    ("del", &[]),
    ("em", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("li", &[]),
    ("ol", &["start"]),
    ("p", &[]),
    ("pre", &[]),
    ("strong", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["style"]),
    ("th", &["style"]),
    ("thead", &[]),
    ("tr", &[]),
    ("ul", &[]),
];

fuzz_target!(|data: &[u8]| {
    let markdown = String::from_utf8_lossy(data);
    let html = kansa::fuzzing::answer_html(&markdown);
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "script element in {html:?}"
    );
    check_tags(&html);

    let md = kansa::fuzzing::answer_markdown(&markdown);
    assert!(!md.contains('<'), "raw < in {md:?}");
    check_contained(&md);
});

/// In a document where the answer is followed by a blank line and a heading (as in
/// `control.md`), that heading is a top-level heading and the last block.
fn check_contained(md: &str) {
    let doc = format!("{md}\n\n##### next\n");
    let mut depth = 0usize;
    let mut last_top: Option<(bool, String)> = None;
    let mut in_heading = false;
    for event in Parser::new_ext(&doc, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let heading = matches!(
                        tag,
                        Tag::Heading {
                            level: HeadingLevel::H5,
                            ..
                        }
                    );
                    last_top = Some((heading, String::new()));
                    in_heading = heading;
                }
                depth += 1;
            }
            Event::End(end) => {
                depth -= 1;
                if matches!(end, TagEnd::Heading(_)) && depth == 0 {
                    in_heading = false;
                }
            }
            Event::Text(t) if in_heading => {
                if let Some((_, text)) = last_top.as_mut() {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        last_top,
        Some((true, "next".to_owned())),
        "the answer swallowed the next heading: {doc:?}"
    );
}

/// Every `<` of the output opens a tag (text has `<` escaped): check each tag's name and
/// attributes.
fn check_tags(html: &str) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if b.get(i) == Some(&b'/') {
            i += 1;
        }
        let name_len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let name = &html[i..i + name_len];
        i += name_len;
        let Some(&(_, attrs)) = ALLOWED.iter().find(|(n, _)| *n == name) else {
            panic!("unexpected element {name:?} in {html:?}");
        };
        loop {
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            match b.get(i) {
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                Some(_) => {}
                None => panic!("unterminated tag {name:?} in {html:?}"),
            }
            let attr_len = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                .count();
            let attr = &html[i..i + attr_len];
            i += attr_len;
            assert!(
                attrs.contains(&attr),
                "unexpected attribute {attr:?} on {name:?} in {html:?}"
            );
            assert!(
                html[i..].starts_with("=\""),
                "unquoted attribute in {html:?}"
            );
            i += 2;
            let end = html[i..].find('"').expect("closing quote") + i;
            let value = &html[i..end];
            assert!(
                !value.contains(['<', '>']),
                "raw angle bracket in {value:?}"
            );
            if attr == "href" {
                check_href(value, html);
            }
            i = end + 1;
        }
    }
}

/// A link may only lead to http, https or mailto: whatever a browser would take as the scheme
/// (after dropping whitespace and control characters, as URL parsers do) must be one of them.
fn check_href(value: &str, html: &str) {
    let cleaned: String = value
        .replace("&amp;", "&")
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(colon) = cleaned.find(':') {
        let scheme = &cleaned[..colon];
        let is_scheme = scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            assert!(
                matches!(scheme, "http" | "https" | "mailto"),
                "link with scheme {scheme:?} in {html:?}"
            );
        }
    }
    assert!(
        cleaned.starts_with("http://")
            || cleaned.starts_with("https://")
            || cleaned.starts_with("mailto:"),
        "link that is not http, https or mailto: {value:?} in {html:?}"
    );
}

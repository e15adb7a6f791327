//! What a report without answers looks like (its headings, the HTML tags and attributes its
//! templates use), and the checks that hostile text added nothing to it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::DATE;
use super::inert::assert_no_invisible;
use crate::{kansa, outcome};

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
                        || h == "</a>"
                        // The closing 以上, right-aligned: kansa's own label, no input text.
                        || h == "<p align=\"right\">以上</p>"
                        || h == "<p align=\"right\">End of document</p>",
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
    let lower = crate::html::without_kansa_script(html).to_ascii_lowercase();
    assert_eq!(lower.matches("<script").count(), 0, "{name}: <script>");
    assert_eq!(
        lower.matches("<style").count(),
        1,
        "{name}: one <style>, the report's"
    );
}

//! Markdown (pulldown-cmark events) to a small block tree.

use std::iter::Peekable;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::linebreak::is_cjk;
use super::model::{Align, Block, Doc, Span, Status, Style, Target};

pub(crate) fn parse(markdown: &str) -> Doc {
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut p = P {
        ev: Parser::new_ext(markdown, opts).peekable(),
        links: Vec::new(),
    };
    let blocks = p.blocks();
    Doc {
        blocks,
        links: p.links,
    }
}

struct P<'a> {
    ev: Peekable<Parser<'a>>,
    links: Vec<Target>,
}

fn is_inline(e: &Event) -> bool {
    match e {
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        ),
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        _ => false,
    }
}

impl P<'_> {
    /// Blocks until the end tag of the enclosing container (consumed) or EOF.
    fn blocks(&mut self) -> Vec<Block> {
        let mut out = Vec::new();
        while let Some(e) = self.ev.peek() {
            if is_inline(e) {
                // Tight list item: inline content without a paragraph.
                let inl = self.inlines(None);
                out.push(Block::Para(inl));
                continue;
            }
            let e = self.ev.next().unwrap_or(Event::Rule);
            match e {
                Event::End(_) => return out,
                Event::Start(Tag::Paragraph) => out.push(Block::Para(self.inlines(Some(())))),
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let id = id.map(|s| s.to_string());
                    out.push(Block::Heading {
                        level: heading_level(level),
                        id,
                        inl: self.inlines(Some(())),
                    });
                }
                Event::Start(Tag::List(start)) => out.push(self.list(start)),
                Event::Start(Tag::BlockQuote(_)) => out.push(Block::Quote(self.blocks())),
                Event::Start(Tag::CodeBlock(kind)) => out.push(self.code_block(&kind)),
                Event::Start(Tag::HtmlBlock) => {
                    let mut html = String::new();
                    for e in self.ev.by_ref() {
                        match e {
                            Event::Html(t) | Event::Text(t) => html.push_str(&t),
                            Event::End(_) => break,
                            _ => {}
                        }
                    }
                    html_block(&html, &mut out);
                }
                Event::Start(Tag::Table(al)) => out.push(self.table(al)),
                Event::Start(_) => out.extend(self.blocks()),
                Event::Rule => out.push(Block::Rule),
                Event::Html(t) => html_block(&t, &mut out),
                Event::Text(t) => out.push(Block::Para(vec![Span::Text(
                    t.to_string(),
                    Style::default(),
                )])),
                _ => {}
            }
        }
        out
    }

    /// A list: each item's blocks, up to the list's end tag.
    fn list(&mut self, start: Option<u64>) -> Block {
        let mut items = Vec::new();
        while let Some(e) = self.ev.next() {
            match e {
                Event::Start(Tag::Item) => items.push(self.blocks()),
                _ => break,
            }
        }
        Block::List { start, items }
    }

    /// A code block's text; a block fenced as `kansa-chart` is a chart.
    fn code_block(&mut self, kind: &CodeBlockKind) -> Block {
        let mut text = String::new();
        for e in self.ev.by_ref() {
            match e {
                Event::Text(t) => text.push_str(&t),
                Event::End(_) => break,
                _ => {}
            }
        }
        let chart = matches!(kind, CodeBlockKind::Fenced(info)
            if info.split_whitespace().next() == Some("kansa-chart"));
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default(),
            CodeBlockKind::Indented => "",
        };
        match info {
            _ if chart => Block::Chart(text),
            "kansa-signoff" => Block::SignOff(text),
            "kansa-right" => Block::Right(text),
            _ => Block::Code(text),
        }
    }

    fn table(&mut self, al: Vec<Alignment>) -> Block {
        let aligns = al
            .iter()
            .map(|a| match a {
                Alignment::Right => Align::Right,
                Alignment::Center => Align::Center,
                _ => Align::Left,
            })
            .collect();
        let (mut head, mut rows) = (Vec::new(), Vec::new());
        let mut row: Vec<Vec<Span>> = Vec::new();
        while let Some(e) = self.ev.next() {
            match e {
                Event::Start(Tag::TableCell) => row.push(self.inlines(Some(()))),
                Event::End(TagEnd::TableHead) => head = std::mem::take(&mut row),
                Event::End(TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        Block::Table { aligns, head, rows }
    }

    /// Inline content. With `until_end`, consumes events up to and including
    /// the container's end tag; otherwise stops before the first block event.
    fn inlines(&mut self, until_end: Option<()>) -> Vec<Span> {
        let mut run = InlineRun::default();
        loop {
            match self.ev.peek() {
                None => break,
                Some(e) if until_end.is_none() && !is_inline(e) && !closes_inline(e) => break,
                _ => {}
            }
            let Some(e) = self.ev.next() else { break };
            if run.event(e, &mut self.links) && until_end.is_some() {
                break;
            }
        }
        run.finish(&mut self.links)
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The end of an inline container: consumed with the inline content, not a block event.
fn closes_inline(e: &Event) -> bool {
    matches!(
        e,
        Event::End(
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        )
    )
}

/// Where a link goes: an anchor in the document, or a web or mail address; other links
/// (relative files) are drawn as text.
fn link_target(dest_url: &str) -> Option<Target> {
    if let Some(a) = dest_url.strip_prefix('#') {
        Some(Target::Anchor(a.to_string()))
    } else if ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| dest_url.starts_with(p))
    {
        Some(Target::Uri(dest_url.to_string()))
    } else {
        None
    }
}

/// The state of reading one run of inline content: the spans so far, the current style and
/// the nesting depths that set it, a status badge being read, and where the soft breaks are.
#[derive(Default)]
struct InlineRun {
    out: Vec<Span>,
    st: Style,
    em: i32,
    strong: i32,
    strike: i32,
    badge: Option<(String, Status)>,
    soft: Vec<usize>,
    /// The name of the `[](anchor:NAME)` being read (its text, if any, is dropped).
    anchor: Option<String>,
}

impl InlineRun {
    /// Text in style `st`, or the label of the badge being read.
    fn text(&mut self, t: &str, st: Style) {
        if self.anchor.is_some() {
            return;
        }
        if let Some((b, _)) = &mut self.badge {
            b.push_str(t);
        } else {
            self.out.push(Span::Text(t.to_string(), st));
        }
    }

    /// Takes one event; true for the end tag of a container (not of an inline element).
    fn event(&mut self, e: Event, links: &mut Vec<Target>) -> bool {
        let st = self.st;
        match e {
            Event::Text(t) => self.text(&t, st),
            Event::Code(t) => self.text(&t, Style { code: true, ..st }),
            Event::InlineMath(t) | Event::FootnoteReference(t) => self.text(&t, st),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, st),
            Event::SoftBreak => {
                self.soft.push(self.out.len());
                self.out.push(Span::Text(" ".into(), st));
            }
            Event::HardBreak => self.out.push(Span::Break),
            Event::InlineHtml(h) | Event::Html(h) => {
                let t = h.trim();
                let lower = t.to_ascii_lowercase().replace(' ', "");
                if matches!(lower.as_str(), "<br>" | "<br/>") {
                    self.out.push(Span::Break);
                } else if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    self.text(&h, st);
                }
            }
            Event::Start(Tag::Emphasis) => self.em += 1,
            Event::Start(Tag::Strong) => self.strong += 1,
            Event::Start(Tag::Strikethrough) => self.strike += 1,
            Event::End(TagEnd::Emphasis) => self.em -= 1,
            Event::End(TagEnd::Strong) => self.strong -= 1,
            Event::End(TagEnd::Strikethrough) => self.strike -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(s) = dest_url.strip_prefix("status:") {
                    self.badge = Some((String::new(), Status::from_key(s)));
                } else if let Some(name) = dest_url.strip_prefix("anchor:") {
                    self.anchor = Some(name.trim().to_string());
                } else {
                    self.st.link = link_target(&dest_url).map(|t| {
                        links.push(t);
                        links.len() - 1
                    });
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((t, s)) = self.badge.take() {
                    self.out.push(Span::Badge(t, s));
                }
                if let Some(name) = self.anchor.take() {
                    self.out.push(Span::Anchor(name));
                }
                self.st.link = None;
            }
            Event::End(TagEnd::Image | TagEnd::Superscript | TagEnd::Subscript) => {}
            Event::End(_) => return true,
            _ => {}
        }
        self.st.italic = self.em > 0;
        self.st.bold = self.strong > 0;
        self.st.strike = self.strike > 0;
        false
    }

    /// The spans; a soft break between two CJK characters is dropped, else it is a space.
    /// http(s) URLs in the text become links (see [`link_urls`]).
    fn finish(mut self, links: &mut Vec<Target>) -> Vec<Span> {
        for i in self.soft.into_iter().rev() {
            let prev = self.out[..i].iter().rev().find_map(last_char);
            let next = self.out[i + 1..].iter().find_map(first_char);
            if matches!((prev, next), (Some(a), Some(b)) if is_cjk(a) && is_cjk(b)) {
                self.out.remove(i);
            }
        }
        if self
            .out
            .iter()
            .any(|s| plain_text(s).is_some_and(|t| t.contains("http")))
        {
            self.out = link_urls(self.out, links);
        }
        self.out
    }
}

fn last_char(s: &Span) -> Option<char> {
    match s {
        Span::Text(t, _) | Span::Badge(t, _) => t.chars().last(),
        Span::Break | Span::Anchor(_) => None,
    }
}

fn first_char(s: &Span) -> Option<char> {
    match s {
        Span::Text(t, _) | Span::Badge(t, _) => t.chars().next(),
        Span::Break | Span::Anchor(_) => None,
    }
}

/// Whether text in style `st` may hold a bare URL: it is neither a link already nor code.
fn may_link(st: &Style) -> bool {
    st.link.is_none() && !st.code
}

/// The text of a span that may hold a bare URL.
fn plain_text(s: &Span) -> Option<&str> {
    match s {
        Span::Text(t, st) if may_link(st) => Some(t),
        _ => None,
    }
}

/// Bare `http://` and `https://` URLs in the text become URI links. Input text reaches the
/// PDF escaped (an answer cannot write a Markdown link), so a URL in it is plain text, and
/// the parser may have cut it into several text events (at `_`, `&`, escapes): adjacent
/// texts of one style are joined first.
fn link_urls(spans: Vec<Span>, links: &mut Vec<Target>) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    let mut run: Option<(String, Style)> = None;
    for sp in spans {
        match sp {
            Span::Text(t, st) if may_link(&st) => match &mut run {
                Some((buf, s)) if *s == st => buf.push_str(&t),
                _ => {
                    split_urls(run.take(), &mut out, links);
                    run = Some((t, st));
                }
            },
            other => {
                split_urls(run.take(), &mut out, links);
                out.push(other);
            }
        }
    }
    split_urls(run, &mut out, links);
    out
}

/// A run of text as spans, each URL in it a span linked to it.
fn split_urls(run: Option<(String, Style)>, out: &mut Vec<Span>, links: &mut Vec<Target>) {
    let Some((text, st)) = run else { return };
    let mut rest = text.as_str();
    while let Some(found) = find_url(rest) {
        if found.start > 0 {
            out.push(Span::Text(rest[..found.start].to_string(), st));
        }
        let url = &rest[found.clone()];
        links.push(Target::Uri(url.to_string()));
        let link = Some(links.len() - 1);
        out.push(Span::Text(url.to_string(), Style { link, ..st }));
        rest = &rest[found.end..];
    }
    if !rest.is_empty() {
        out.push(Span::Text(rest.to_string(), st));
    }
}

/// The first `http://` or `https://` URL in `text`: not preceded by a letter or digit, up to
/// the first space, non-ASCII character (Japanese text often follows a URL with no space) or
/// `<>"`, less trailing punctuation and an unbalanced closing parenthesis.
pub(crate) fn find_url(text: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(at) = text[from..].find("http").map(|i| from + i) {
        from = at + 4;
        let after = &text[at..];
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|p| after.starts_with(p));
        let word_before = text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let Some(scheme) = scheme.filter(|_| !word_before) else {
            continue;
        };
        let len = after
            .find(|c: char| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(after.len());
        let mut url = &after[..len];
        loop {
            let trimmed = url.trim_end_matches(['.', ',', ':', ';', '!', '?', '\'', '*', '_']);
            let unbalanced = trimmed.ends_with(')')
                && trimmed.matches(')').count() > trimmed.matches('(').count();
            url = if unbalanced {
                &trimmed[..trimmed.len() - 1]
            } else {
                trimmed
            };
            if !unbalanced {
                break;
            }
        }
        if url.len() > scheme.len() {
            return Some(at..at + url.len());
        }
    }
    None
}

/// An HTML block: the `toc` / `pagebreak` markers, other comments ignored,
/// anything else kept as literal text.
fn html_block(html: &str, out: &mut Vec<Block>) {
    let mut rest = html.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let (body, tail) = match after.find("-->") {
                Some(e) => (&after[..e], &after[e + 3..]),
                None => (after, ""),
            };
            match body.trim() {
                "toc" => out.push(Block::Toc),
                "pagebreak" => out.push(Block::PageBreak),
                _ => {}
            }
            rest = tail.trim_start();
        } else {
            let end = rest.find("<!--").unwrap_or(rest.len());
            let lit = rest[..end].trim();
            if !lit.is_empty() {
                out.push(Block::Para(vec![Span::Text(
                    lit.to_string(),
                    Style::default(),
                )]));
            }
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::plain;
    use super::*;

    #[test]
    fn markers_badges_links_and_breaks() {
        let md = "# T\n\n<!-- toc -->\n\n<!-- a comment -->\n\n<!-- pagebreak -->\n\n\
                  ## A {#sec-a}\n\n状態 [一部実施](status:partial) と [設1](#c-設1)\n\n\
                  | a | b |\n|---|--:|\n| x<br>y | <b>z</b> |\n\n<div>raw</div>\n";
        let d = parse(md);
        assert!(matches!(d.blocks[1], Block::Toc));
        assert!(matches!(d.blocks[2], Block::PageBreak));
        assert!(
            matches!(&d.blocks[3], Block::Heading { level: 2, id: Some(id), .. } if id == "sec-a")
        );
        let Block::Para(p) = &d.blocks[4] else {
            panic!()
        };
        assert!(p.contains(&Span::Badge("一部実施".into(), Status::Partial)));
        assert_eq!(d.links, vec![Target::Anchor("c-設1".into())]);
        let Block::Table { aligns, rows, .. } = &d.blocks[5] else {
            panic!()
        };
        assert_eq!(aligns[1], Align::Right);
        assert_eq!(rows[0][0][1], Span::Break);
        assert_eq!(plain(&rows[0][1]), "<b>z</b>");
        assert!(matches!(&d.blocks[6], Block::Para(p) if plain(p) == "<div>raw</div>"));
    }

    #[test]
    fn soft_breaks_between_cjk_vanish() {
        let d = parse("日本語の\n文章 and\nEnglish");
        let Block::Para(p) = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(plain(p), "日本語の文章 and English");
    }

    #[test]
    fn tight_lists_and_chart() {
        let d = parse("- one\n- two **b**\n  1. nested\n\n```kansa-chart\na\t1\t2\t3\tx\n```\n");
        let Block::List { items, start: None } = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1][1], Block::List { start: Some(1), .. }));
        assert!(matches!(&d.blocks[1], Block::Chart(t) if t.starts_with("a\t1")));
    }
}

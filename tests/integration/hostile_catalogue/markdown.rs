//! Markdown in catalogue text is literal in every output.

use super::*;

/// Every Markdown construct in `md` that is not a paragraph, heading, table, line break or
/// kansa's own anchor / code span (digests): emphasis, strikethrough, math, lists, quotes,
/// images, links other than to an anchor.
fn markup_from_input(md: &str) -> Vec<String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    let mut out = Vec::new();
    for e in Parser::new_ext(md, options) {
        match e {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('#') => {}
            Event::Start(
                t @ (Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Image { .. }
                | Tag::Link { .. }),
            ) => out.push(format!("{t:?}")),
            e @ (Event::InlineMath(_) | Event::DisplayMath(_)) => out.push(format!("{e:?}")),
            _ => {}
        }
    }
    out
}

/// `cat-markdown-ids`: ids, section / 基準大項目 / 中項目 names and control texts full of Markdown
/// (`*A*`, `_A_`, `~~B~~`, `$E$`, `**S**`, `- M`, `1. m`, `# M`, `&lt;b&gt;`) are text in the
/// Markdown report, the summary and the tickets (`*A*` printed in italics); HTML anchors stay
/// valid and unique (`*A*` and `_A_` both sanitise to `c-_A_`).
#[test]
fn markdown_in_catalogue_text_is_literal() {
    let case = "cat-markdown-ids";
    let md = text(case, "md");
    assert_eq!(markup_from_input(&md), Vec::<String>::new(), "{md}");
    let headings: BTreeSet<String> = md_headings(&md).into_iter().collect();
    for h in [
        "H3 **S**",
        "H3 `T`",
        "H3 = U",
        "H4 - M / 1. m",
        "H4 # M / > m",
        "H5 *A* _emphasised_ text with ~~strike~~ and $math$.",
        "H5 _A_ &lt;b&gt; and &amp; entities.",
        "H5 ~~B~~ [link](https://example.org) and ![img](https://example.org/x.png).",
        "H5 C&amp;D plain.",
        "H5 $E$ <b>bold</b> text.",
    ] {
        assert!(headings.contains(h), "heading {h:?} missing: {headings:?}");
    }
    for link in [
        "[\\*A\\*](#c-_A_)",
        "[\\_A\\_](#c-_A_-2)",
        "[\\~\\~B\\~\\~](#c-__B__)",
    ] {
        assert!(md.contains(link), "{link} in the gap list");
    }

    let html = text(case, "html");
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "HTML ids unique: {ids:?}");
    for id in &ids {
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_'),
            "HTML id {id:?}"
        );
    }
    for href in html.split("href=\"#").skip(1) {
        let target = href.split('"').next().unwrap();
        assert!(
            unique.contains(target),
            "link to a missing anchor #{target}"
        );
    }
    assert!(html.contains("<span class=\"id\">*A*</span>"));

    let (_work, pack) = pack_case(case);
    let summary = std::fs::read_to_string(pack.join("summary.md")).unwrap();
    let strong = markup_from_input(&summary)
        .into_iter()
        .filter(|m| m != "Strong" && m != "List(None)")
        .collect::<Vec<_>>();
    assert_eq!(
        strong,
        Vec::<String>::new(),
        "only kansa's own bold and list: {summary}"
    );
    // The summary's section table: names escaped in their cells (a `=` inside a table row is
    // no setext marker).
    assert!(
        summary.contains("| \\*\\*S\\*\\* | 2 | 0 | 2 | 0 | 2 | 0 | 0.0% |"),
        "{summary}"
    );
    assert!(
        summary.contains("| = U | 1 | 0 | 1 | 0 | 1 | 0 | 0.0% |"),
        "{summary}"
    );
    let tickets = listing(&pack.join("tickets"));
    assert_eq!(
        tickets,
        ["gap-_A_-2.md", "gap-_A_.md", "gap-_E_.md", "gap-__B__.md"]
    );
    for t in &tickets {
        let body = std::fs::read_to_string(pack.join("tickets").join(t)).unwrap();
        let markup: Vec<String> = markup_from_input(&body)
            .into_iter()
            .filter(|m| !m.starts_with("Link"))
            .collect();
        assert_eq!(markup, Vec::<String>::new(), "{t}:\n{body}");
        let first = md_headings(&body).into_iter().next().unwrap();
        assert!(first.starts_with("H1 [md-ids:"), "{t}: {first}");
    }
    let ticket = std::fs::read_to_string(pack.join("tickets/gap-_A_.md")).unwrap();
    assert!(
        md_headings(&ticket)[0]
            == "H1 [md-ids:*A*] *A* _emphasised_ text with ~~strike~~ and $math$.",
        "{ticket}"
    );
    assert!(
        ticket.contains("[report.html#c-\\_A\\_](../report.html#c-_A_)"),
        "{ticket}"
    );
}

//! Escaping text for WordprocessingML: XML 1.0 cannot hold most control characters at all, so
//! they are dropped rather than written as an unreadable part.

/// `s` as XML character data or an attribute value (`"` and `'` escaped too).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A text run's content: `<w:t>` pieces, with tabs as `<w:tab/>` and line ends as spaces.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::new();
    for (i, piece) in s.split('\t').enumerate() {
        if i > 0 {
            out.push_str("<w:tab/>");
        }
        if !piece.is_empty() {
            let piece = piece.replace(['\n', '\r'], " ");
            out.push_str("<w:t xml:space=\"preserve\">");
            out.push_str(&esc(&piece));
            out.push_str("</w:t>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_never_reach_the_xml() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{1}b\u{FFFF}c"), "abc");
        assert_eq!(
            text("a\tb\nc"),
            "<w:t xml:space=\"preserve\">a</w:t><w:tab/><w:t xml:space=\"preserve\">b c</w:t>"
        );
    }
}

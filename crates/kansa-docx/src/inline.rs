//! Inline spans as runs: styles, status badges (colour and words), links and bookmarks.

use kansa_pdf::model::{Span, Status, Style, Target};

use crate::body::Writer;
use crate::xml::{esc, text};

/// A status badge's fill and its dark text and border colour (as the PDF's badges).
pub(crate) fn badge_colors(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Good => ("DEF2E3", "14612E"),
        Status::Partial => ("FFF0C7", "7A4F00"),
        Status::Bad => ("FCE0DE", "9E1C17"),
        Status::Neutral => ("EBEBEB", "525252"),
    }
}

/// Run properties of a style, in the schema's order (Word rejects others).
fn rpr(st: &Style, hyperlink: bool, extra: &str) -> String {
    let mut p = String::new();
    if st.code {
        p.push_str("<w:rStyle w:val=\"VerbatimChar\"/>");
    } else if hyperlink {
        p.push_str("<w:rStyle w:val=\"Hyperlink\"/>");
    }
    if st.bold {
        p.push_str("<w:b/><w:bCs/>");
    }
    if st.italic {
        p.push_str("<w:i/><w:iCs/>");
    }
    if st.strike {
        p.push_str("<w:strike/>");
    }
    p.push_str(extra);
    if p.is_empty() {
        p
    } else {
        format!("<w:rPr>{p}</w:rPr>")
    }
}

impl Writer<'_> {
    /// `spans` as runs; `extra` is run properties every run gets (after the style's).
    pub(crate) fn runs(&mut self, spans: &[Span], extra: &str) -> String {
        let mut out = String::new();
        for sp in spans {
            match sp {
                Span::Text(t, st) => out.push_str(&self.text_run(t, st, extra)),
                Span::Badge(t, status) => {
                    let (fill, dark) = badge_colors(*status);
                    out.push_str(&format!(
                        "<w:r><w:rPr><w:b/><w:bCs/><w:color w:val=\"{dark}\"/><w:bdr w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"{dark}\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/></w:rPr>{}</w:r>",
                        text(&format!("\u{2009}{}\u{2009}", t.trim()))
                    ));
                }
                Span::Break => out.push_str("<w:r><w:br/></w:r>"),
                Span::Anchor(name) => {
                    let bm = self.bookmark(name);
                    out.push_str(&bm);
                }
            }
        }
        out
    }

    fn text_run(&mut self, t: &str, st: &Style, extra: &str) -> String {
        let target = st.link.and_then(|i| self.link(i));
        match target {
            Some(Target::Uri(u)) => {
                let rid = self.uri(u);
                format!(
                    "<w:hyperlink r:id=\"{rid}\" w:history=\"1\"><w:r>{}{}</w:r></w:hyperlink>",
                    rpr(st, true, extra),
                    text(t)
                )
            }
            Some(Target::Anchor(a)) if self.survey.names.contains(a) => format!(
                "<w:hyperlink w:anchor=\"{}\" w:history=\"1\"><w:r>{}{}</w:r></w:hyperlink>",
                esc(a),
                rpr(st, true, extra),
                text(t)
            ),
            _ => format!("<w:r>{}{}</w:r>", rpr(st, false, extra), text(t)),
        }
    }
}

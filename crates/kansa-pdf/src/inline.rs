//! Inline content: measuring spans into items, drawing a broken line
//! (styled runs, inline code, links, status badges).

use std::ops::Range;

use super::layout::{CODE_BG, Ctx, Draw, Rgb};
use super::linebreak::BOX;
use super::model::{Span, Status, Style};

const LINK: Rgb = Rgb(0.04, 0.34, 0.64);

/// One prepared inline item.
pub(crate) struct PItem {
    pub ch: char,
    pub w: f32,
    pub st: Style,
    pub badge: Option<usize>,
}

/// Inline content measured at one size.
pub(crate) struct Prep {
    pub items: Vec<PItem>,
    pub badges: Vec<(String, Status)>,
    pub size: f32,
}

impl Prep {
    pub(crate) fn pairs(&self) -> Vec<(char, f32)> {
        self.items.iter().map(|i| (i.ch, i.w)).collect()
    }
    pub(crate) fn width(&self, r: &Range<usize>) -> f32 {
        self.items[r.clone()].iter().map(|i| i.w).sum()
    }
}

impl Ctx<'_> {
    pub(crate) fn prep(&mut self, spans: &[Span], size: f32, base: Style) -> Prep {
        let mut p = Prep {
            items: Vec::new(),
            badges: Vec::new(),
            size,
        };
        for sp in spans {
            match sp {
                Span::Text(t, st) => {
                    let st = Style {
                        bold: st.bold || base.bold,
                        italic: st.italic || base.italic,
                        ..*st
                    };
                    for ch in t.chars() {
                        let ch = if ch == '\t' || ch == '\n' || ch == '\r' {
                            ' '
                        } else {
                            ch
                        };
                        let w = self.font.em(ch) * size;
                        p.items.push(PItem {
                            ch,
                            w,
                            st,
                            badge: None,
                        });
                    }
                }
                Span::Badge(t, s) => {
                    let w = self.font.width(t, size * 0.88) + size * 0.7 + 3.0;
                    p.items.push(PItem {
                        ch: BOX,
                        w,
                        st: base,
                        badge: Some(p.badges.len()),
                    });
                    p.badges.push((t.clone(), *s));
                }
                Span::Break => p.items.push(PItem {
                    ch: '\n',
                    w: 0.0,
                    st: base,
                    badge: None,
                }),
            }
        }
        p
    }

    /// Draws one line of `p`; `top` is the top of the line box.
    pub(crate) fn draw_line(
        &mut self,
        p: &Prep,
        r: Range<usize>,
        x: f32,
        top: f32,
        lh: f32,
        color: Rgb,
    ) {
        let size = p.size;
        let base = top + (lh - size) / 2.0 + size * 0.88;
        let (mut back, mut front, mut links) = (Vec::new(), Vec::new(), Vec::new());
        let mut cx = x;
        let mut i = r.start;
        while i < r.end {
            let it = &p.items[i];
            if let Some(b) = it.badge {
                let (text, status) = &p.badges[b];
                let (fill, dark) = badge_colors(*status);
                let bx = cx + 1.5;
                back.push(Draw::Rect {
                    x: bx,
                    y: base - size * 0.86,
                    w: it.w - 3.0,
                    h: size * 1.12,
                    fill: Some(fill),
                    stroke: Some(dark),
                });
                front.push(Draw::Text {
                    x: bx + size * 0.35,
                    y: base - size * 0.04,
                    size: size * 0.88,
                    text: text.clone(),
                    color: dark,
                    bold: false,
                    italic: false,
                });
                cx += it.w;
                i += 1;
                continue;
            }
            let st = it.st;
            let mut text = String::new();
            let mut w = 0.0;
            while i < r.end && p.items[i].badge.is_none() && p.items[i].st == st {
                text.push(p.items[i].ch);
                w += p.items[i].w;
                i += 1;
            }
            if st.code {
                back.push(Draw::Rect {
                    x: cx - 0.5,
                    y: base - size * 0.9,
                    w: w + 1.0,
                    h: size * 1.15,
                    fill: Some(CODE_BG),
                    stroke: None,
                });
            }
            let c = if st.link.is_some() { LINK } else { color };
            front.push(Draw::Text {
                x: cx,
                y: base,
                size,
                text,
                color: c,
                bold: st.bold,
                italic: st.italic,
            });
            if st.strike {
                let sy = base - size * 0.3;
                front.push(Draw::Line {
                    x1: cx,
                    y1: sy,
                    x2: cx + w,
                    y2: sy,
                    color: c,
                    width: 0.5,
                });
            }
            if let Some(t) = st.link.and_then(|l| self.links.get(l)) {
                links.push(Draw::Link {
                    x: cx,
                    y: top,
                    w,
                    h: lh,
                    target: t.clone(),
                });
            }
            cx += w;
        }
        for d in back.into_iter().chain(front).chain(links) {
            self.push(d);
        }
    }
}

fn badge_colors(s: Status) -> (Rgb, Rgb) {
    match s {
        Status::Good => (Rgb(0.87, 0.95, 0.89), Rgb(0.08, 0.38, 0.18)),
        Status::Partial => (Rgb(1.0, 0.94, 0.78), Rgb(0.48, 0.31, 0.0)),
        Status::Bad => (Rgb(0.99, 0.88, 0.87), Rgb(0.62, 0.11, 0.09)),
        Status::Neutral => (Rgb(0.92, 0.92, 0.92), Rgb(0.32, 0.32, 0.32)),
    }
}

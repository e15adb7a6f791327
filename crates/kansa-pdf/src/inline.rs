//! Inline content: measuring spans into items, drawing a broken line
//! (styled runs, inline code, links, status badges).

use std::ops::Range;

use super::font::{Font, Look};
use super::layout::{CODE_BG, Ctx, Draw, Rgb};
use super::linebreak::BOX;
use super::model::{Span, Status, Style, Target};
use super::tags::Role;

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
    /// The anchors named in the content (`[](anchor:NAME)`): they land where it is drawn.
    pub anchors: Vec<String>,
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
        prep(self.font, spans, size, base)
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
        let line = LineBox {
            top,
            lh,
            size,
            base: top + (lh - size) / 2.0 + size * 0.88,
            color,
        };
        let mut layers = LineLayers::default();
        let mut cx = x;
        let mut i = r.start;
        while i < r.end {
            let it = &p.items[i];
            if let Some(b) = it.badge {
                let (text, status) = &p.badges[b];
                layers.badge(&line, cx, it.w, text, *status);
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
            let link = st.link.and_then(|l| self.links.get(l));
            layers.run(&line, cx, w, text, st, link);
            cx += w;
        }
        for d in layers.back {
            self.push(d);
        }
        // Linked text is a `Link` element holding the text and its annotation.
        let mut open: Option<usize> = None;
        for (d, link) in layers.front {
            if link != open {
                if open.is_some() {
                    self.close();
                }
                if let Some(k) = link {
                    let elem = self.open(Role::Link);
                    if let Some(Draw::Link { elem: e, .. }) = layers.links.get_mut(k) {
                        *e = Some(elem);
                    }
                    if let Some(l) = layers.links.get(k) {
                        self.push(l.clone());
                    }
                }
                open = link;
            }
            self.push(d);
        }
        if open.is_some() {
            self.close();
        }
    }
}

/// `spans` measured at `size` (a free function: the survey measures tables before layout).
pub(crate) fn prep(font: &mut Font, spans: &[Span], size: f32, base: Style) -> Prep {
    let mut p = Prep {
        items: Vec::new(),
        badges: Vec::new(),
        size,
        anchors: Vec::new(),
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
                    let look = Look {
                        bold: st.bold,
                        mono: st.code,
                    };
                    let w = font.em_in(ch, look) * size;
                    p.items.push(PItem {
                        ch,
                        w,
                        st,
                        badge: None,
                    });
                }
            }
            Span::Badge(t, s) => {
                let w = font.width(t, size * 0.88) + size * 0.7 + 3.0;
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
            Span::Anchor(name) => p.anchors.push(name.clone()),
        }
    }
    p
}

/// Where a line's glyphs sit: the top and height of its box, the font size, the baseline, and
/// the text colour.
struct LineBox {
    top: f32,
    lh: f32,
    size: f32,
    base: f32,
    color: Rgb,
}

/// The draws of one line in the order they are painted: backgrounds (badges, code), then
/// text and rules (each with the index of its link area, if linked), and the link areas.
#[derive(Default)]
struct LineLayers {
    back: Vec<Draw>,
    front: Vec<(Draw, Option<usize>)>,
    links: Vec<Draw>,
}

impl LineLayers {
    /// A status badge of width `w` at `x`: a coloured box with its label.
    fn badge(&mut self, line: &LineBox, x: f32, w: f32, text: &str, status: Status) {
        let (size, base) = (line.size, line.base);
        let (fill, dark) = badge_colors(status);
        let bx = x + 1.5;
        self.back.push(Draw::Rect {
            x: bx,
            y: base - size * 0.86,
            w: w - 3.0,
            h: size * 1.12,
            fill: Some(fill),
            stroke: Some(dark),
        });
        self.front.push((
            Draw::Text {
                x: bx + size * 0.35,
                y: base - size * 0.04,
                size: size * 0.88,
                text: text.to_owned(),
                color: dark,
                bold: false,
                italic: false,
                mono: false,
            },
            None,
        ));
    }

    /// A run of text in one style, of width `w` at `x`: code gets a background, struck text a
    /// rule, linked text a link area over the line's height.
    fn run(
        &mut self,
        line: &LineBox,
        x: f32,
        w: f32,
        text: String,
        st: Style,
        link: Option<&Target>,
    ) {
        let (size, base) = (line.size, line.base);
        if st.code {
            self.back.push(Draw::Rect {
                x: x - 0.5,
                y: base - size * 0.9,
                w: w + 1.0,
                h: size * 1.15,
                fill: Some(CODE_BG),
                stroke: None,
            });
        }
        let c = if st.link.is_some() { LINK } else { line.color };
        let k = link.map(|t| {
            self.links.push(Draw::Link {
                x,
                y: line.top,
                w,
                h: line.lh,
                target: t.clone(),
                elem: None,
                alt: text.trim().to_owned(),
            });
            self.links.len() - 1
        });
        self.front.push((
            Draw::Text {
                x,
                y: base,
                size,
                text,
                color: c,
                bold: st.bold,
                italic: st.italic,
                mono: st.code,
            },
            k,
        ));
        if st.strike {
            let sy = base - size * 0.3;
            self.front.push((
                Draw::Line {
                    x1: x,
                    y1: sy,
                    x2: x + w,
                    y2: sy,
                    color: c,
                    width: 0.5,
                },
                k,
            ));
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

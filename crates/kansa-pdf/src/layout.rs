//! Page flow: blocks, paragraphs, headings, lists, TOC, charts, the cover.
//!
//! Coordinates are in points with the origin at the page's top-left corner
//! and y growing downwards; `doc.rs` flips them for PDF.

use std::collections::HashMap;

use super::font::Font;
use super::linebreak::break_lines;
use super::model::{Block, Span, Style, Target, plain};
use super::stream::{EncodedPage, GlyphMap, encode_page};
use super::tags::{Mark, Role, Tree};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

pub(crate) const TEXT: Rgb = Rgb(0.1, 0.1, 0.1);
pub(crate) const MUTED: Rgb = Rgb(0.35, 0.35, 0.38);
pub(crate) const HEAD: Rgb = Rgb(0.12, 0.23, 0.37);
pub(crate) const CODE_BG: Rgb = Rgb(0.94, 0.94, 0.95);

pub(crate) const BODY: f32 = 9.5;
pub(crate) const BODY_LH: f32 = 15.0;

/// A drawing command on one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Draw {
    /// Text run; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        color: Rgb,
        bold: bool,
        italic: bool,
        /// Set in the fixed-pitch face (code).
        mono: bool,
    },
    /// Rectangle with its top-left corner at (`x`, `y`).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    /// A link area over text; `elem` is its `Link` structure element, `alt` its description.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: Target,
        elem: Option<u32>,
        alt: String,
    },
    /// The start or end of a marked-content sequence (`tags.rs`).
    Mark(MarkOp),
    /// TOC page number with dotted leader, resolved once pages are known.
    TocNum {
        anchor: String,
        x0: f32,
        x1: f32,
        y: f32,
        size: f32,
    },
}

/// Marked-content operators (`BDC`/`BMC` … `EMC`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MarkOp {
    /// Real content of a structure element of type `role`, numbered `mcid` on its page.
    Tagged {
        role: Role,
        mcid: u32,
    },
    /// An artifact (`/Artifact BMC`).
    Artifact,
    /// The running header or footer (`/Artifact <</Type/Pagination>> BDC`).
    Pagination,
    End,
}

/// The page being laid out.
pub(crate) struct Page {
    pub draws: Vec<Draw>,
    /// Running header and footer (false on the cover).
    pub decorated: bool,
    /// The marked-content sequence open on the page.
    pub mark: Option<Mark>,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub level: u8,
    pub title: String,
    pub anchor: String,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Geom {
    pub w: f32,
    pub h: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

pub(crate) struct Ctx<'a> {
    pub font: &'a mut Font,
    /// Link targets of the chunk being laid out (`Style::link` indexes it).
    pub links: Vec<Target>,
    pub g: Geom,
    /// The page being laid out; finished pages are encoded into `done`.
    pub page: Option<Page>,
    pub done: Vec<EncodedPage>,
    pub glyphs: &'a mut GlyphMap,
    pub y: f32,
    pub anchors: HashMap<String, (usize, f32)>,
    pub outline: Vec<Entry>,
    pub toc: Vec<Entry>,
    pub ja: bool,
    pub decorate: bool,
    pub all_headings: Vec<Entry>,
    pub heading_no: usize,
    /// The mark that starts the part of a table row continued on the next page.
    pub continued: String,
    /// The shared column widths of tables with the same header (`tables.rs`).
    pub grids: super::tables::Grids,
    /// The structure tree (`tags.rs`).
    pub tags: Tree,
    /// While above zero, everything drawn is an artifact (repeated table headers).
    pub artifact: u32,
}

/// Anchor of every heading in document order (`id` or `h{n}`), level, title.
pub(crate) fn headings(blocks: &[Block], out: &mut Vec<Entry>) {
    for b in blocks {
        match b {
            Block::Heading { level, id, inl } => {
                let anchor = id.clone().unwrap_or_else(|| format!("h{}", out.len()));
                out.push(Entry {
                    level: *level,
                    title: plain(inl).trim().to_string(),
                    anchor,
                });
            }
            Block::List { items, .. } => items.iter().for_each(|i| headings(i, out)),
            Block::Quote(bs) => headings(bs, out),
            _ => {}
        }
    }
}

impl<'a> Ctx<'a> {
    /// The rule under a `##` heading (and the contents title), just below the current line.
    pub(crate) fn heading_rule(&mut self, x: f32, w: f32) {
        let y = self.y + 1.5;
        self.push(Draw::Line {
            x1: x,
            y1: y,
            x2: x + w,
            y2: y,
            color: HEAD,
            width: 0.8,
        });
    }

    pub(crate) fn new(font: &'a mut Font, glyphs: &'a mut GlyphMap, g: Geom, ja: bool) -> Self {
        Self {
            font,
            links: Vec::new(),
            g,
            page: None,
            done: Vec::new(),
            glyphs,
            y: g.top,
            anchors: HashMap::new(),
            outline: Vec::new(),
            toc: Vec::new(),
            ja,
            decorate: false,
            all_headings: Vec::new(),
            heading_no: 0,
            continued: String::new(),
            grids: super::tables::Grids::default(),
            tags: Tree::new(),
            artifact: 0,
        }
    }

    /// Names `anchors` the place at height `top` of the current page. The first place an
    /// anchor names is kept, so a name used twice still links to one place, the same each run.
    pub(crate) fn land_anchors(&mut self, anchors: &[String], top: f32) {
        let page = self.page_no();
        for a in anchors {
            self.anchors.entry(a.clone()).or_insert((page, top));
        }
    }

    pub(crate) fn push(&mut self, d: Draw) {
        if self.page.is_none() {
            self.new_page();
        }
        let top = self.tags.top();
        let mark = match d {
            Draw::Link { .. } | Draw::Mark(_) => None,
            _ if self.artifact > 0 => Some(Mark::Artifact),
            Draw::Text { .. } | Draw::TocNum { .. } => Some(Mark::Tagged(top)),
            // Lines and boxes are decoration, except the bars of a chart.
            Draw::Rect { .. } | Draw::Line { .. } => Some(match self.tags.role(top) {
                Role::Figure => Mark::Tagged(top),
                _ => Mark::Artifact,
            }),
        };
        if let Some(m) = mark {
            self.set_mark(m);
            if let (Mark::Tagged(n), Draw::Text { text, .. }) = (m, &d) {
                self.tags.note_text(n, text);
            }
        }
        if let Some(p) = self.page.as_mut() {
            p.draws.push(d);
        }
    }

    /// Makes `m` the open marked-content sequence of the current page.
    fn set_mark(&mut self, m: Mark) {
        let index = self.done.len();
        let Some(p) = self.page.as_mut() else {
            return;
        };
        if p.mark == Some(m) {
            return;
        }
        if p.mark.is_some() {
            p.draws.push(Draw::Mark(MarkOp::End));
        }
        let op = match m {
            Mark::Artifact => MarkOp::Artifact,
            Mark::Tagged(n) => MarkOp::Tagged {
                role: self.tags.role(n),
                mcid: self.tags.mark(index, n),
            },
        };
        p.draws.push(Draw::Mark(op));
        p.mark = Some(m);
    }

    /// Opens structure element `role` below the current one (see `tags.rs`).
    pub(crate) fn open(&mut self, role: Role) -> u32 {
        self.tags.open(role)
    }

    /// Closes the current structure element.
    pub(crate) fn close(&mut self) {
        self.tags.close();
    }

    /// Number of pages started so far: the 1-based number of the current page.
    pub(crate) fn page_no(&self) -> usize {
        self.done.len() + usize::from(self.page.is_some())
    }

    /// Whether no page has been started yet.
    pub(crate) fn no_pages(&self) -> bool {
        self.page_no() == 0
    }

    /// Encodes the current page, if any (see `stream.rs`).
    pub(crate) fn finish_page(&mut self) {
        if let Some(mut p) = self.page.take() {
            if p.mark.take().is_some() {
                p.draws.push(Draw::Mark(MarkOp::End));
            }
            let h = self.g.h;
            let encoded = encode_page(p.draws, p.decorated, self.font, self.glyphs, h);
            self.done.push(encoded);
        }
    }

    pub(crate) fn new_page(&mut self) {
        self.finish_page();
        self.page = Some(Page {
            draws: Vec::new(),
            decorated: self.decorate,
            mark: None,
        });
        self.y = self.g.top;
    }

    pub(crate) fn at_top(&self) -> bool {
        self.y <= self.g.top + 0.01
    }

    /// Starts a new page unless `h` more points fit on this one.
    pub(crate) fn ensure(&mut self, h: f32) {
        if self.no_pages() || (self.y + h > self.g.bottom + 0.01 && !self.at_top()) {
            self.new_page();
        }
    }

    /// Flows a paragraph at the current position, breaking pages as needed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn para(
        &mut self,
        spans: &[Span],
        x: f32,
        w: f32,
        size: f32,
        lh: f32,
        color: Rgb,
        base: Style,
        center: bool,
    ) {
        let p = self.prep(spans, size, base);
        for (i, r) in break_lines(&p.pairs(), w).into_iter().enumerate() {
            self.ensure(lh);
            let off = if center { (w - p.width(&r)) / 2.0 } else { 0.0 };
            let y = self.y;
            if i == 0 {
                self.land_anchors(&p.anchors, y);
            }
            self.draw_line(&p, r, x + off, y, lh, color);
            self.y += lh;
        }
    }

    pub(crate) fn blocks(&mut self, blocks: &[Block], x: f32, w: f32) {
        for b in blocks {
            self.block(b, x, w);
        }
    }

    fn block(&mut self, b: &Block, x: f32, w: f32) {
        match b {
            Block::Heading { level, inl, .. } => {
                self.open(Role::H(*level));
                self.heading(*level, inl, x, w);
                self.close();
            }
            Block::Para(inl) => {
                self.open(Role::P);
                self.para(inl, x, w, BODY, BODY_LH, TEXT, Style::default(), false);
                self.close();
                self.y += 4.0;
            }
            Block::List { start, items } => {
                self.open(Role::L);
                let indent = if start.is_some() { 18.0 } else { 13.0 };
                for (n, item) in items.iter().enumerate() {
                    let marker = match start {
                        Some(s) => format!("{}.", s + n as u64),
                        None => "•".to_string(),
                    };
                    self.ensure(BODY_LH);
                    self.open(Role::LI);
                    self.open(Role::Lbl);
                    let mw = self.font.width(&marker, BODY);
                    let base = self.y + (BODY_LH - BODY) / 2.0 + BODY * 0.88;
                    let mx = x + indent - mw - 4.0;
                    self.push(Draw::Text {
                        x: mx,
                        y: base,
                        size: BODY,
                        text: marker,
                        color: TEXT,
                        bold: false,
                        italic: false,
                        mono: false,
                    });
                    self.close();
                    self.open(Role::LBody);
                    self.blocks(item, x + indent, w - indent);
                    self.close();
                    self.close();
                }
                self.close();
                self.y += 2.0;
            }
            Block::Quote(bs) => {
                self.open(Role::BlockQuote);
                self.blocks(bs, x + 12.0, w - 12.0);
                self.close();
            }
            Block::Table { aligns, head, rows } => {
                super::tables::table(self, aligns, head, rows, x, w)
            }
            Block::Code(t) => {
                self.open(Role::Code);
                self.code(t, x, w);
                self.close();
            }
            Block::Chart(t) => self.chart(t, x, w),
            Block::Rule => {
                self.ensure(10.0);
                let y = self.y + 5.0;
                self.push(Draw::Line {
                    x1: x,
                    y1: y,
                    x2: x + w,
                    y2: y,
                    color: MUTED,
                    width: 0.5,
                });
                self.y += 10.0;
            }
            Block::Toc => self.toc_pages(x, w),
            Block::PageBreak => {
                if !self.at_top() {
                    self.new_page();
                }
            }
            Block::SignOff(t) => self.signoff(t, x, w),
            Block::Right(t) => self.right_lines(t, x, w),
        }
    }

    pub(crate) fn heading(&mut self, level: u8, inl: &[Span], x: f32, w: f32) {
        let n = self.heading_no;
        self.heading_no += 1;
        let anchor = match self.all_headings.get(n) {
            Some(e) => e.anchor.clone(),
            None => format!("h{n}"),
        };
        let (size, before, after) = match level {
            1 => (18.0, 8.0, 8.0),
            2 => (15.0, 0.0, 9.0),
            3 => (12.5, 10.0, 5.0),
            4 => (11.0, 8.0, 4.0),
            _ => (10.0, 7.0, 3.0),
        };
        if level == 2 {
            self.decorate = true;
            if !self.at_top() || self.no_pages() {
                self.new_page();
            }
        } else if !self.at_top() {
            self.y += before;
        }
        let lh = size * 1.35;
        let p = self.prep(
            inl,
            size,
            Style {
                bold: true,
                ..Style::default()
            },
        );
        let lines = break_lines(&p.pairs(), w);
        self.ensure(lines.len() as f32 * lh + after + 2.0 * BODY_LH);
        self.anchors
            .insert(anchor.clone(), (self.page_no(), self.y - 4.0));
        if level == 2 || level == 3 {
            let title = plain(inl).trim().to_string();
            self.outline.push(Entry {
                level,
                title,
                anchor,
            });
        }
        for r in lines {
            let y = self.y;
            self.draw_line(&p, r, x, y, lh, HEAD);
            self.y += lh;
        }
        if level == 2 {
            self.heading_rule(x, w);
        }
        self.y += after;
    }
}

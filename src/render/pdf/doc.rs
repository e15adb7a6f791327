//! PDF output with printpdf's low-level ops, then lopdf for what printpdf
//! cannot do deterministically or at all: nested outline, /Lang, document ID.

use std::collections::HashMap;

use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, FontId, HighlightingMode,
    Line, LineCapStyle, LineDashPattern, LinePoint, LinkAnnotation, Op, PaintMode, PdfDocument,
    PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
    TextRenderingMode, date,
};

use super::font::Font;
use super::layout::{Draw, Entry, Geom, MUTED, Page, Rgb};
use super::model::Target;
use super::{PdfError, PdfOptions};

/// Font resource name; its first six letters are the subset tag.
const FONT_ID: &str = "KANSAF";

struct Emit<'a> {
    ops: Vec<Op>,
    font: &'a mut Font,
    h: f32,
    in_text: bool,
    size: f32,
    fill: Option<Rgb>,
    stroke: Option<(Rgb, f32)>,
    bold: bool,
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

fn pt(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

impl Emit<'_> {
    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }
    fn fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: color(c) });
            self.fill = Some(c);
        }
    }
    fn stroke(&mut self, c: Rgb, w: f32) {
        if self.stroke != Some((c, w)) {
            self.ops.push(Op::SetOutlineColor { col: color(c) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(w) });
            self.stroke = Some((c, w));
        }
    }
    /// Shows `s` at baseline (`x`, `y`); `look` is (colour, bold, italic).
    fn text(&mut self, x: f32, y: f32, size: f32, s: &str, look: (Rgb, bool, bool)) {
        let (c, bold, italic) = look;
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
            self.size = 0.0;
        }
        if self.size != size {
            let font = PdfFontHandle::External(FontId(FONT_ID.into()));
            self.ops.push(Op::SetFont {
                font,
                size: Pt(size),
            });
            self.size = size;
        }
        self.fill(c);
        if bold {
            // IPAex has no bold face: fill and stroke the outlines.
            self.stroke(c, size * 0.035);
        }
        if bold != self.bold {
            let mode = if bold {
                TextRenderingMode::FillStroke
            } else {
                TextRenderingMode::Fill
            };
            self.ops.push(Op::SetTextRenderingMode { mode });
            self.bold = bold;
        }
        let skew = if italic { 0.2 } else { 0.0 };
        let matrix = TextMatrix::Raw([1.0, 0.0, skew, 1.0, x, self.h - y]);
        self.ops.push(Op::SetTextMatrix { matrix });
        // Glyph ids from our own cache (printpdf would look every character
        // up in the cmap again); the character is kept for /ToUnicode.
        let glyphs = s
            .chars()
            .map(|c| Codepoint::with_cid(self.font.glyph(c).0, 0.0, c.to_string()))
            .collect();
        self.ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(glyphs)],
        });
    }
    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, c: Rgb, w: f32) {
        self.end_text();
        self.stroke(c, w);
        let line = Line {
            points: vec![pt(x1, self.h - y1), pt(x2, self.h - y2)],
            is_closed: false,
        };
        self.ops.push(Op::DrawLine { line });
    }
    fn draw(&mut self, d: &Draw, anchors: &HashMap<String, (usize, f32)>) {
        match d {
            Draw::Text {
                x,
                y,
                size,
                text,
                color,
                bold,
                italic,
            } => self.text(*x, *y, *size, text, (*color, *bold, *italic)),
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                self.end_text();
                if let Some(f) = fill {
                    self.fill(*f);
                }
                if let Some(s) = stroke {
                    self.stroke(*s, 0.5);
                }
                let mode = match (fill, stroke) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (None, _) => PaintMode::Stroke,
                    _ => PaintMode::Fill,
                };
                let mut rectangle = Rect::from_xywh(Pt(*x), Pt(self.h - y - h), Pt(*w), Pt(*h));
                rectangle.mode = Some(mode);
                self.ops.push(Op::DrawRectangle { rectangle });
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
            } => self.line(*x1, *y1, *x2, *y2, *color, *width),
            Draw::Link { x, y, w, h, target } => {
                let actions = match target {
                    Target::Uri(u) => Actions::uri(u.clone()),
                    Target::Anchor(a) => match anchors.get(a) {
                        Some(&(page, top)) => Actions::go_to(Destination::Xyz {
                            page,
                            left: Some(0.0),
                            top: Some(self.h - top),
                            zoom: None,
                        }),
                        None => return,
                    },
                };
                let rect = Rect::from_xywh(Pt(*x), Pt(self.h - y - h), Pt(*w), Pt(*h));
                let link = LinkAnnotation::new(
                    rect,
                    actions,
                    Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                    Some(ColorArray::Transparent),
                    Some(HighlightingMode::Invert),
                );
                self.ops.push(Op::LinkAnnotation { link });
            }
            Draw::TocNum {
                anchor,
                x0,
                x1,
                y,
                size,
            } => {
                let Some(&(page, _)) = anchors.get(anchor) else {
                    return;
                };
                let num = page.to_string();
                let nw = self.font.width(&num, *size);
                self.text(
                    x1 - nw,
                    *y,
                    *size,
                    &num,
                    (super::layout::TEXT, false, false),
                );
                // Dotted leader on a 3 pt grid so the dots line up vertically.
                let (start, end) = ((x0 / 3.0).ceil() * 3.0, x1 - nw - 4.0);
                if end > start {
                    self.end_text();
                    self.ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[0.0, 3.0]),
                    });
                    self.ops.push(Op::SetLineCapStyle {
                        cap: LineCapStyle::Round,
                    });
                    self.line(start, *y, end, *y, MUTED, 0.9);
                    self.ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::solid(),
                    });
                    self.ops.push(Op::SetLineCapStyle {
                        cap: LineCapStyle::Butt,
                    });
                }
            }
        }
    }
}

/// Running header (title left, organisation right, rule) and `n / N` footer.
fn decorations(font: &mut Font, g: &Geom, o: &PdfOptions, n: usize, total: usize) -> Vec<Draw> {
    let size = 7.5;
    let w = g.right - g.left;
    let y = g.top - 19.0;
    let title = font.clip(&o.title, size, w * 0.6);
    let author = font.clip(&o.author, size, w * 0.36);
    let aw = font.width(&author, size);
    let foot = format!("{n} / {total}");
    let fw = font.width(&foot, size + 0.5);
    let t = |x: f32, y: f32, size: f32, text: String| Draw::Text {
        x,
        y,
        size,
        text,
        color: MUTED,
        bold: false,
        italic: false,
    };
    vec![
        t(g.left, y, size, title),
        t(g.right - aw, y, size, author),
        Draw::Line {
            x1: g.left,
            y1: y + 4.0,
            x2: g.right,
            y2: y + 4.0,
            color: MUTED,
            width: 0.4,
        },
        t((g.w - fw) / 2.0, g.h - 24.0, size + 0.5, foot),
    ]
}

/// Renders the laid-out pages to PDF bytes.
pub(crate) fn write(
    pages: &[Page],
    anchors: &HashMap<String, (usize, f32)>,
    outline: &[Entry],
    mut font: Font,
    g: &Geom,
    o: &PdfOptions,
    digest: [u64; 2],
) -> Result<Vec<u8>, PdfError> {
    let total = pages.len();
    let mut pdf_pages = Vec::with_capacity(total);
    for (i, page) in pages.iter().enumerate() {
        let mut em = Emit {
            ops: Vec::new(),
            font: &mut font,
            h: g.h,
            in_text: false,
            size: 0.0,
            fill: None,
            stroke: None,
            bold: false,
        };
        for d in &page.draws {
            em.draw(d, anchors);
        }
        if page.decorated {
            for d in decorations(em.font, g, o, i + 1, total) {
                em.draw(&d, anchors);
            }
        }
        em.end_text();
        let media = Rect::from_wh(Pt(g.w), Pt(g.h));
        pdf_pages.push(PdfPage {
            media_box: media.clone(),
            trim_box: media.clone(),
            crop_box: media,
            ops: em.ops,
        });
    }

    let mut doc = PdfDocument::new(&o.title);
    let (y, m, d) = o.date;
    let when = date::DateTime {
        date: date::Date {
            year: i32::from(y),
            month: m.clamp(1, 12) as u8,
            day: d.clamp(1, 31) as u8,
        },
        time: date::Time {
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        offset: date::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    };
    let info = &mut doc.metadata.info;
    info.author = o.author.clone();
    info.subject = o.subject.clone();
    info.creator = o.creator.clone();
    info.producer = o.creator.clone();
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    doc.resources
        .fonts
        .map
        .insert(FontId(FONT_ID.into()), PdfFont::new(font.parsed));
    doc.pages = pdf_pages;

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    lo.version = "1.7".into();

    super::finish::finish(lo, anchors, outline, g, o, digest)
}

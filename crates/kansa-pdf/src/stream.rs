//! Page content streams, written as soon as a page is laid out.
//!
//! Large reports have tens of thousands of pages. Holding every page's
//! drawing commands (or printpdf operations, one heap string per glyph) until
//! the end cost ~45 KB per control; instead each finished page is encoded
//! to PDF operators here and deflated at once, so memory grows with the
//! compressed output. Only what depends on the final page count waits: the
//! running footer (`n / N`), TOC page numbers and links to anchors that may
//! lie ahead.

use std::io::Write;

use flate2::Compression;

use super::font::{Font, Look, Slot};
use super::layout::{Draw, MarkOp, Rgb};
use super::model::Target;

/// Font resource names in every page's /Resources, one per face ([`Slot`] order); each
/// name is also the face's six-letter subset tag.
pub(crate) const FONT_RES: [&str; 4] = ["KANSAR", "KANSAB", "KANSAM", "KANSAF"];

/// A link area (PDF coordinates, origin bottom-left) and its target.
#[derive(Debug, Clone)]
pub(crate) struct LinkArea {
    pub rect: [f32; 4],
    pub target: Target,
    /// Its `Link` structure element, if tagged.
    pub elem: Option<u32>,
    /// What the link says (the annotation's `/Contents`).
    pub alt: String,
}

/// A laid-out page in its final, compact form.
pub(crate) struct EncodedPage {
    /// The page's drawing operators, zlib-compressed; `None` when the
    /// page waits for the final page numbers.
    pub content: Option<Vec<u8>>,
    /// Link annotations, resolved when the document is written.
    pub links: Vec<LinkArea>,
    /// A page with TOC numbers keeps its draws, in order (so text
    /// extraction reads each entry with its number), until the end.
    pub late: Vec<Draw>,
    /// Running header and footer (false on the cover).
    pub decorated: bool,
}

/// Maps each face's original glyph ids to the ids in its embedded subset.
pub(crate) struct GlyphMap {
    new_ids: [Vec<u16>; 4],
    /// Glyphs drawn that were in no subset (a bug: drawn as .notdef).
    pub misses: usize,
}

impl GlyphMap {
    /// `subsets[slot]` lists the original glyph ids kept of that face, ascending, starting
    /// with 0 (.notdef): the subset renumbers glyph `subset[i]` to `i`.
    pub(crate) fn new(subsets: &[Vec<u16>; 4]) -> Self {
        let new_ids = std::array::from_fn(|slot| {
            let subset = &subsets[slot];
            if subset.len() <= 1 {
                return Vec::new();
            }
            let mut ids = vec![0u16; usize::from(u16::MAX) + 1];
            for (i, &gid) in subset.iter().enumerate() {
                ids[usize::from(gid)] = i as u16;
            }
            ids
        });
        Self { new_ids, misses: 0 }
    }

    /// The subset id of glyph `gid` of the face in `slot`, if the subset has it.
    fn lookup(&self, slot: Slot, gid: u16) -> Option<u16> {
        let id = *self.new_ids[slot as usize].get(usize::from(gid))?;
        (id != 0).then_some(id)
    }
}

/// Writes PDF content operators, skipping redundant state changes.
pub(crate) struct Encoder<'a> {
    out: Vec<u8>,
    font: &'a mut Font,
    glyphs: &'a mut GlyphMap,
    /// Page height: layout has y growing downwards, PDF upwards.
    h: f32,
    in_text: bool,
    size: f32,
    /// The face selected with `Tf` (kept across text objects, as the size).
    face: Option<Slot>,
    /// Where the current text object's line matrix puts its origin, in thousandths of a point
    /// (as written, so relative moves never drift); `None` after a slanted (italic) matrix.
    origin: Option<(i64, i64)>,
    fill: Option<Rgb>,
    stroke: Option<(Rgb, f32)>,
    bold: bool,
}

/// Appends `v` with at most three decimals and no trailing zeros.
fn num(out: &mut Vec<u8>, v: f32) {
    milli(out, thousandths(v));
}

/// `v` in thousandths, rounded.
fn thousandths(v: f32) -> i64 {
    if v.is_finite() {
        (v * 1000.0).round() as i64
    } else {
        0
    }
}

/// Appends `m` thousandths as a decimal number without trailing zeros (integer arithmetic:
/// float formatting was a visible share of the run).
fn milli(out: &mut Vec<u8>, m: i64) {
    if m < 0 {
        out.push(b'-');
    }
    let m = m.unsigned_abs();
    out.extend_from_slice((m / 1000).to_string().as_bytes());
    let mut frac = m % 1000;
    if frac != 0 {
        let mut digits = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        write!(out, ".{frac:0digits$}").ok();
    }
}

impl<'a> Encoder<'a> {
    pub(crate) fn new(font: &'a mut Font, glyphs: &'a mut GlyphMap, h: f32) -> Self {
        // Each stream saves and restores the graphics state (`q` … `Q`), so
        // a page's second stream (footer) starts from the defaults it assumes.
        let mut out = Vec::with_capacity(16 * 1024);
        out.extend_from_slice(b"q\n");
        Self {
            out,
            font,
            glyphs,
            h,
            in_text: false,
            size: 0.0,
            face: None,
            origin: None,
            fill: None,
            stroke: None,
            bold: false,
        }
    }

    /// The font, e.g. to measure text before drawing it.
    pub(crate) fn font_mut(&mut self) -> &mut Font {
        self.font
    }

    fn nums(&mut self, vs: &[f32], op: &str) {
        for v in vs {
            num(&mut self.out, *v);
            self.out.push(b' ');
        }
        self.out.extend_from_slice(op.as_bytes());
        self.out.push(b'\n');
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.out.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
    }

    fn fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.nums(&[c.0, c.1, c.2], "rg");
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, c: Rgb, w: f32) {
        if self.stroke != Some((c, w)) {
            self.nums(&[c.0, c.1, c.2], "RG");
            self.nums(&[w], "w");
            self.stroke = Some((c, w));
        }
    }

    /// Shows `s` at baseline (`x`, `y`); `look` is (colour, bold, italic, fixed pitch). Each
    /// character is set in the face that has it (`Font::pick`); bold in a face without a bold
    /// cut is drawn by filling and stroking the outlines.
    fn text(&mut self, x: f32, y: f32, size: f32, s: &str, look: (Rgb, bool, bool, bool)) {
        let (c, bold, italic, mono) = look;
        if !self.in_text {
            self.out.extend_from_slice(b"BT\n");
            self.in_text = true;
            // The font and size are text state, which outlives the text object (ISO 32000-1,
            // 9.3.1): only the text matrix starts afresh.
            self.origin = Some((0, 0));
        }
        self.fill(c);
        self.move_to(x, self.h - y, italic);
        let mut run: Option<(Slot, bool)> = None;
        let want = Look { bold, mono };
        for ch in s.chars() {
            let (mut slot, gid, _) = self.font.pick(ch, want);
            let mut id = self.glyphs.lookup(slot, gid);
            if id.is_none() && slot != Slot::Regular {
                // Not in that face's subset (bold text the survey did not foresee): the body
                // face draws it.
                let (s2, g2, _) = self.font.pick(ch, Look::default());
                slot = s2;
                id = self.glyphs.lookup(slot, g2);
            }
            let id = id.unwrap_or_else(|| {
                if gid != 0 {
                    self.glyphs.misses += 1;
                }
                0
            });
            let fake_bold = bold && slot != Slot::Bold;
            if run != Some((slot, fake_bold)) {
                if run.is_some() {
                    self.out.extend_from_slice(b") Tj\n");
                }
                self.select(slot, size, fake_bold, c);
                self.out.push(b'(');
                run = Some((slot, fake_bold));
            }
            // A literal string of the two-byte codes: half the bytes of hex, and it deflates
            // better; `(`, `)`, `\` and a carriage return (read as a line end) are escaped.
            for b in id.to_be_bytes() {
                match b {
                    b'(' | b')' | b'\\' => self.out.extend_from_slice(&[b'\\', b]),
                    b'\r' => self.out.extend_from_slice(b"\\r"),
                    _ => self.out.push(b),
                }
            }
        }
        if run.is_some() {
            self.out.extend_from_slice(b") Tj\n");
        }
    }

    /// Starts text at (`x`, `y`) (PDF coordinates): a move relative to the last start
    /// (`Td`: short numbers, often 0, that compress well), or a full matrix (`Tm`) for slanted
    /// text and the first upright text after it.
    fn move_to(&mut self, x: f32, y: f32, italic: bool) {
        let (mx, my) = (thousandths(x), thousandths(y));
        match self.origin {
            Some((ox, oy)) if !italic => {
                milli(&mut self.out, mx - ox);
                self.out.push(b' ');
                milli(&mut self.out, my - oy);
                self.out.extend_from_slice(b" Td\n");
                self.origin = Some((mx, my));
            }
            _ => {
                let skew = if italic { 0.2 } else { 0.0 };
                self.nums(&[1.0, 0.0, skew, 1.0, x, y], "Tm");
                self.origin = (!italic).then_some((mx, my));
            }
        }
    }

    /// Selects the face in `slot` at `size` and the text render mode (fill, or fill and
    /// stroke for a drawn bold), skipping what is already set.
    fn select(&mut self, slot: Slot, size: f32, fake_bold: bool, c: Rgb) {
        if self.size != size || self.face != Some(slot) {
            self.out.extend_from_slice(b"/");
            self.out
                .extend_from_slice(FONT_RES[slot as usize].as_bytes());
            self.out.push(b' ');
            self.nums(&[size], "Tf");
            self.size = size;
            self.face = Some(slot);
        }
        if fake_bold {
            self.stroke(c, size * 0.035);
        }
        if fake_bold != self.bold {
            self.out
                .extend_from_slice(if fake_bold { b"2 Tr\n" } else { b"0 Tr\n" });
            self.bold = fake_bold;
        }
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), c: Rgb, w: f32) {
        self.end_text();
        self.stroke(c, w);
        self.nums(&[from.0, self.h - from.1], "m");
        self.nums(&[to.0, self.h - to.1], "l");
        self.out.extend_from_slice(b"S\n");
    }

    /// Encodes one draw; links are returned to the caller, TOC numbers need
    /// `page_of` (the page number of an anchor).
    pub(crate) fn draw(&mut self, d: &Draw, page_of: &dyn Fn(&str) -> Option<usize>) {
        match d {
            Draw::Text {
                x,
                y,
                size,
                text,
                color,
                bold,
                italic,
                mono,
            } => self.text(*x, *y, *size, text, (*color, *bold, *italic, *mono)),
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => self.rect((*x, *y, *w, *h), *fill, *stroke),
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
            } => self.line((*x1, *y1), (*x2, *y2), *color, *width),
            Draw::Link { .. } => {}
            Draw::Mark(op) => self.mark(op),
            Draw::TocNum {
                anchor,
                x0,
                x1,
                y,
                size,
            } => {
                if let Some(page) = page_of(anchor) {
                    self.toc_num(page, (*x0, *x1), *y, *size);
                }
            }
        }
    }

    /// A marked-content operator. Sequences never cross a text object (`BT` … `ET`).
    fn mark(&mut self, op: &MarkOp) {
        self.end_text();
        match op {
            MarkOp::Tagged { role, mcid } => {
                writeln!(self.out, "/{} <</MCID {mcid}>> BDC", role.name()).ok();
            }
            MarkOp::Artifact => self.out.extend_from_slice(b"/Artifact BMC\n"),
            MarkOp::Pagination => self
                .out
                .extend_from_slice(b"/Artifact <</Type /Pagination>> BDC\n"),
            MarkOp::End => self.out.extend_from_slice(b"EMC\n"),
        }
    }

    /// A rectangle (x, y, w, h from the top of the page), filled, stroked or both.
    fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), fill: Option<Rgb>, stroke: Option<Rgb>) {
        self.end_text();
        if let Some(f) = fill {
            self.fill(f);
        }
        if let Some(s) = stroke {
            self.stroke(s, 0.5);
        }
        let op = match (fill, stroke) {
            (Some(_), Some(_)) => "B",
            (None, _) => "S",
            _ => "f",
        };
        let bottom = self.h - y - h;
        self.nums(&[x, bottom, w, h], "re");
        self.out.extend_from_slice(op.as_bytes());
        self.out.push(b'\n');
    }

    /// A TOC entry's page number, right-aligned at `x1`, with a dotted leader from `x0`.
    fn toc_num(&mut self, page: usize, (x0, x1): (f32, f32), y: f32, size: f32) {
        let label = page.to_string();
        let nw = self.font.width(&label, size);
        let look = (super::layout::TEXT, false, false, false);
        self.text(x1 - nw, y, size, &label, look);
        // Dotted leader on a 3 pt grid so the dots line up vertically.
        let (start, end) = ((x0 / 3.0).ceil() * 3.0, x1 - nw - 4.0);
        if end > start {
            self.end_text();
            self.out.extend_from_slice(b"[0 3] 0 d\n1 J\n");
            self.line((start, y), (end, y), super::layout::MUTED, 0.9);
            self.out.extend_from_slice(b"[] 0 d\n0 J\n");
        }
    }

    /// The operators written so far, zlib-compressed.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.end_text();
        self.out.extend_from_slice(b"Q\n");
        deflate(&self.out)
    }
}

thread_local! {
    /// One compressor per thread, reset for each stream: a new one allocates and clears its
    /// window and hash tables (a third of a megabyte), which for a hundred streams was most
    /// of the run's system time.
    static COMPRESSOR: std::cell::RefCell<Option<flate2::Compress>> =
        const { std::cell::RefCell::new(None) };
}

/// zlib (FlateDecode) at a fixed level, so output is deterministic (the same bytes as a fresh
/// `ZlibEncoder` at that level).
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let z = cell.get_or_insert_with(|| flate2::Compress::new(Compression::new(6), true));
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 128);
        loop {
            let consumed = z.total_in() as usize;
            let status = z
                .compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish)
                .expect("compressing into memory cannot fail");
            if status == flate2::Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(4096));
        }
    })
}

/// Encodes a finished page, unless it has TOC numbers; links are kept
/// apart for the annotations.
pub(crate) fn encode_page(
    draws: Vec<Draw>,
    decorated: bool,
    font: &mut Font,
    glyphs: &mut GlyphMap,
    h: f32,
) -> EncodedPage {
    let waits = draws.iter().any(|d| matches!(d, Draw::TocNum { .. }));
    let mut links = Vec::new();
    let mut rest = Vec::with_capacity(draws.len());
    for d in draws {
        match d {
            Draw::Link {
                x,
                y,
                w,
                h: lh,
                target,
                elem,
                alt,
            } => links.push(LinkArea {
                rect: [x, h - y - lh, x + w, h - y],
                target,
                elem,
                alt,
            }),
            _ => rest.push(d),
        }
    }
    if waits {
        return EncodedPage {
            content: None,
            links,
            late: rest,
            decorated,
        };
    }
    let mut enc = Encoder::new(font, glyphs, h);
    for d in &rest {
        enc.draw(d, &|_| None);
    }
    EncodedPage {
        content: Some(enc.finish()),
        links,
        late: Vec::new(),
        decorated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FontSource;
    use crate::layout::TEXT;

    fn inflate(data: &[u8]) -> String {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_string(&mut s)
            .expect("valid zlib");
        s
    }

    #[test]
    fn numbers_are_short_and_stable() {
        let mut out = Vec::new();
        for v in [0.0, -0.0001, 1.5, 12.34567, -3.0, 595.2756, -0.05, 10.1] {
            num(&mut out, v);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 0 1.5 12.346 -3 595.276 -0.05 10.1 "
        );
    }

    #[test]
    fn glyph_map_renumbers_each_face() {
        let m = GlyphMap::new(&[vec![0, 7, 300], vec![0, 8], vec![], vec![]]);
        assert_eq!(
            (m.lookup(Slot::Regular, 7), m.lookup(Slot::Regular, 300)),
            (Some(1), Some(2))
        );
        assert_eq!(m.lookup(Slot::Bold, 8), Some(1));
        assert_eq!(
            m.lookup(Slot::Regular, 8),
            None,
            "not in that face's subset"
        );
        assert_eq!(m.lookup(Slot::Mono, 7), None, "an empty subset");
    }

    #[test]
    fn pages_are_encoded_at_once_unless_they_wait_for_page_numbers() {
        let mut font = Font::load(&FontSource::builtin()).unwrap();
        let bold = Look {
            bold: true,
            mono: false,
        };
        let (slot, a, _) = font.pick('A', bold);
        assert_eq!(slot, Slot::Bold, "the built-in family has a real bold");
        let (_, b, _) = font.pick('B', Look::default());
        let regular_a = font.pick('A', Look::default()).1;
        // Bold 'A' is in the bold subset; bold 'B' is not (the survey missed it), so the
        // body face draws it, stroked.
        let mut map = GlyphMap::new(&[vec![0, regular_a, b], vec![0, a], vec![], vec![]]);
        let text = Draw::Text {
            x: 10.0,
            y: 20.0,
            size: 9.5,
            text: "AAB".into(),
            color: TEXT,
            bold: true,
            italic: false,
            mono: false,
        };
        let link = Draw::Link {
            x: 1.0,
            y: 2.0,
            w: 3.0,
            h: 4.0,
            target: Target::Uri("https://example.org".into()),
            elem: None,
            alt: String::new(),
        };
        let page = encode_page(vec![text.clone(), link], true, &mut font, &mut map, 100.0);
        let content = inflate(page.content.as_ref().expect("encoded"));
        // Balanced graphics state; y flipped; subset ids; the bold face, then the body face
        // filled and stroked.
        assert!(
            content.starts_with("q\n") && content.ends_with("ET\nQ\n"),
            "{content}"
        );
        assert!(
            content.contains("10 80 Td\n/KANSAB 9.5 Tf\n(\0\u{1}\0\u{1}) Tj\n/KANSAR 9.5 Tf\n"),
            "{content}"
        );
        assert!(content.contains("2 Tr\n(\0\u{2}) Tj\n"), "{content:?}");
        assert_eq!(page.links.len(), 1);
        assert_eq!(page.links[0].rect, [1.0, 94.0, 4.0, 98.0]);
        assert!(page.late.is_empty() && map.misses == 0);

        let toc = Draw::TocNum {
            anchor: "x".into(),
            x0: 0.0,
            x1: 100.0,
            y: 10.0,
            size: 9.5,
        };
        let page = encode_page(vec![text, toc], true, &mut font, &mut map, 100.0);
        assert!(page.content.is_none());
        assert_eq!(page.late.len(), 2, "the whole page waits, in order");
    }
}

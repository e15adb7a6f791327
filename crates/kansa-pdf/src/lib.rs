//! kansa-pdf: the PDF typesetter behind `kansa report -o report.pdf`.
//!
//! **Input:** report Markdown (a CommonMark subset with GFM tables,
//! strikethrough and heading attributes, plus the conventions below) and
//! [`PdfOptions`] (paper, orientation, metadata, date, font). **Output:** the
//! bytes of a paginated, searchable PDF ([`typeset`], or [`typeset_to`] a
//! writer), or a [`PdfError`] naming what could not be drawn.
//!
//! It does: parse the Markdown with pulldown-cmark, lay it out (Japanese line
//! breaking with kinsoku, tables sized from their content, a cover page,
//! table of contents, bar charts, status badges, running header and footer),
//! embed the fonts as subsets with ToUnicode maps (built in: Morisawa BIZ
//! UDPGothic regular and bold, BIZ UDGothic for code spans, IPAex Gothic for
//! what they lack; or any .ttf/.otf/.ttc given as a [`FontSource`] for the
//! body face), tag the structure for screen readers (PDF/UA, `tags.rs`), and
//! add bookmarks, links and metadata. The file is PDF/A-3b (ISO 19005-3): XMP
//! with the `pdfaid` claim, an sRGB output intent, and the
//! [`PdfOptions::attachments`] embedded as associated files (`archive.rs`;
//! [`embedded_file`] reads one back). Layout is done here; each page is encoded to PDF
//! operators and compressed as soon as it is full (`stream.rs`), so memory
//! grows with the compressed output, not with the page count; printpdf
//! subsets and embeds the font and writes the metadata (`doc.rs`), lopdf
//! assembles the pages and the outline.
//!
//! It does not: know about catalogues, overlays or gaps (kansa renders those
//! into Markdown through its `report.pdf.md` template first), read files or
//! the clock (the caller passes the font and the date), fall back to system
//! fonts, draw images (only their alt text is set) or render raw HTML (it is
//! set as literal text). It is a crate of its own so that the compiler keeps
//! it a leaf: it cannot reach into kansa's modules.
//!
//! # Markdown conventions
//!
//! - **Cover page**: everything before the first `## ` heading. The `# `
//!   heading is set large and centred; the rest (typically a key/value table
//!   of organisation, catalogue, edition, report date, kansa version and input
//!   digests) follows below it. The cover has no running header or footer.
//! - `<!-- toc -->` on its own line: a table of contents on a new page, with
//!   one entry per `##` and `###` heading after the marker, dotted leaders,
//!   right-aligned page numbers and a link to each heading.
//! - `<!-- pagebreak -->`: start a new page. Every `##` heading also starts a
//!   new page. Other HTML comments are ignored; other raw HTML is set as
//!   literal text, except `<br>` (a line break, e.g. inside table cells).
//! - A fenced code block with info string `kansa-chart` is a horizontal
//!   stacked bar chart, one bar per line:
//!   `label<TAB>met%<TAB>gap%<TAB>caption<TAB>aside`. The bar stands for
//!   what the percentages are shares of (kansa: the applicable items), so
//!   the green part is `met%` of it and the red part `gap%` (a sum over 100
//!   is scaled down); a number that is not one (`—`) is an empty part. The
//!   label is set left, the caption right-aligned after the bar, the aside
//!   (optional, muted; kansa: the not-applicable count) after the caption,
//!   outside the bar. An optional first line `#legend<TAB>met<TAB>gap` sets
//!   the legend texts.
//! - A fenced code block with info string `kansa-signoff` is a row of stamp
//!   boxes (作成 / 確認 / 承認), right-aligned, one per line
//!   `label<TAB>name<TAB>date`; an empty name and date still draw the box,
//!   with 25 mm of stamp space (`signoff.rs`).
//! - A fenced code block with info string `kansa-right` sets each line flush
//!   right (a handling class above the title, the closing 以上).
//! - `[text](status:KEY)` is a status badge, not a link: the text in a tinted
//!   box with a dark border and dark text (readable in black and white).
//!   `implemented`/`inherited` are green, `partial`/`planned` amber,
//!   `not_implemented`/`unanswered` red, anything else (`not_applicable`) grey.
//! - Headings may carry an id, `##### 設1 text {#c-設1}`; `[設1](#c-設1)` is then
//!   an internal link to it. `[](anchor:NAME)` names any other place (a table
//!   row: the link goes to the row's first part); the first place a name is
//!   given wins, and a link to a name given nowhere is text with no link.
//!   `http(s):` and `mailto:` links become URI links, and so do bare
//!   `http(s)://` URLs in text; other destinations are set as plain text.
//! - The PDF outline (bookmarks) has one entry per `##` heading with the
//!   `###` headings nested below it.
//!
//! Also supported: `#`–`#####` headings, paragraphs, bullet and numbered
//! lists (nested), emphasis (slanted), strong (the bold face; drawn by stroking
//! the outlines for a `--font`, which has none), strikethrough, inline code (shaded), code blocks, block quotes
//! (indented), horizontal rules, soft and hard breaks.
//!
//! # Layout
//!
//! A4 portrait by default (Letter and landscape via [`PdfOptions`]), 18 mm
//! margins, body 9.5 pt, tables 9 pt. Pages after the cover carry the
//! title (left), organisation and classification (boxed, right; see
//! [`PdfOptions::classification`]) in a running header and `n / N` in
//! the footer. Lines break with kinsoku shori (see `linebreak.rs`); a run of
//! 32 or more hex digits (a digest) breaks only between groups of 16. Table
//! columns are sized from their content, over every table with the same
//! header row (one grid for the details of all sections); the header row is
//! repeated on every page a table continues on; rows of four or more lines
//! that do not fit are split across pages (at least two lines on each side,
//! the continued part starting with [`PdfOptions::continued`]), shorter rows
//! move to the next page whole, and rows taller than a page always split.
//!
//! The output is byte-for-byte deterministic for identical inputs: no clock,
//! no random ids (the document /ID is a hash of the input and options).

#![forbid(unsafe_code)]

mod archive;
#[cfg(test)]
mod details_tests;
mod doc;
mod finish;
mod font;
#[doc(hidden)]
pub mod fuzzing;
mod inline;
mod layout;
mod linebreak;
pub mod model;
mod parse;
mod save;
mod signoff;
mod special;
mod stream;
mod tables;
mod tags;
#[cfg(test)]
mod tests;
mod unhint;
mod xmp;

pub use archive::{Attachment, embedded_file};
pub use font::{FontSource, missing_glyphs};
pub use special::{Bar, parse_chart};

use layout::{Ctx, Geom, headings};
use model::{Block, plain};

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

/// Options for [`typeset`].
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Paper size (A4 by default).
    pub paper: Paper,
    /// Landscape orientation.
    pub landscape: bool,
    /// Document title (metadata and running header).
    pub title: String,
    /// Organisation (metadata author and running header); may be empty.
    pub author: String,
    /// Metadata subject.
    pub subject: String,
    /// Creating application, e.g. `kansa 0.1.0` (also used as producer).
    pub creator: String,
    /// Document language for /Lang: `ja` or `en`.
    pub lang: String,
    /// Creation and modification date (year, month, day), 00:00:00 UTC.
    pub date: (i16, i8, i8),
    /// The font used for all text.
    pub font: FontSource,
    /// Handling class (e.g. 社外秘), boxed at the right of every running header; may be empty.
    pub classification: String,
    /// The mark that starts the part of a table row continued on the next page, in the
    /// document's language (kansa: "(続き)" / "(continued)"); empty for none.
    pub continued: String,
    /// Files embedded in the PDF as PDF/A-3 associated files (`/AF`, `/AFRelationship /Data`)
    /// and listed as attachments (kansa: `assessment.json` and `gaps.csv`), in this order;
    /// [`embedded_file`] reads one back. Empty for none.
    pub attachments: Vec<Attachment>,
}

impl Default for PdfOptions {
    fn default() -> Self {
        Self {
            paper: Paper::A4,
            landscape: false,
            title: String::new(),
            author: String::new(),
            subject: String::new(),
            creator: String::new(),
            lang: "ja".into(),
            date: (1970, 1, 1),
            font: FontSource::builtin(),
            classification: String::new(),
            continued: "(continued)".into(),
            attachments: Vec::new(),
        }
    }
}

/// Errors from [`typeset`] and [`missing_glyphs`].
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The font could not be parsed.
    #[error("font error: {0}")]
    Font(String),
    /// The text uses characters the font cannot draw.
    #[error("the font has no glyph for {list} (in \"{context}\")", list = char_list(.chars))]
    MissingGlyphs {
        /// Nearest heading, or the first cell of the table row, containing
        /// the first missing character.
        context: String,
        /// Every distinct missing character of the document, in order.
        chars: Vec<char>,
    },
    /// Writing the PDF failed.
    #[error("PDF output error: {0}")]
    Pdf(String),
    /// The writer given to [`typeset_to`] failed (disk full, closed pipe).
    #[error("cannot write the PDF: {0}")]
    Output(std::io::Error),
}

fn char_list(chars: &[char]) -> String {
    let v: Vec<String> = chars
        .iter()
        .map(|c| format!("'{c}' (U+{:04X})", *c as u32))
        .collect();
    v.join(", ")
}

const MM: f32 = 72.0 / 25.4;

fn geometry(o: &PdfOptions) -> Geom {
    let (mut w, mut h) = match o.paper {
        Paper::A4 => (210.0 * MM, 297.0 * MM),
        Paper::Letter => (612.0, 792.0),
    };
    if o.landscape {
        std::mem::swap(&mut w, &mut h);
    }
    let m = 18.0 * MM;
    Geom {
        w,
        h,
        left: m,
        right: w - m,
        top: m,
        bottom: h - m,
    }
}

/// Text the typesetter adds itself (TOC title, page numbers, list markers,
/// ellipsis, chart legend defaults).
const TYPESETTER_TEXT: &str = "目次Contents0123456789 /.…•充足ギャップ対象外MetGapN/A\u{a0}";

/// A set of characters (a bit per code point, so any text can be added cheaply).
struct CharSet(Vec<u64>);

impl CharSet {
    fn new() -> Self {
        Self(vec![0u64; (char::MAX as usize + 1).div_ceil(64)])
    }

    fn add(&mut self, text: &str) {
        for c in text.chars() {
            self.0[c as usize / 64] |= 1 << (c as usize % 64);
        }
    }

    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.iter().enumerate().flat_map(|(w, bits)| {
            let mut bits = *bits;
            std::iter::from_fn(move || {
                while bits != 0 {
                    let c = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if let Some(c) = char::from_u32(c as u32) {
                        return Some(c);
                    }
                }
                None
            })
        })
    }
}

/// The characters set in bold (headings, strong text, table headers, the classification) and
/// in the fixed-pitch face (code), as the survey finds them: their glyphs of those faces are
/// embedded. What it misses is drawn in the body face (`stream.rs`), never lost.
struct Styled {
    bold: CharSet,
    mono: CharSet,
}

/// The glyphs to embed, per face: every glyph of every character that can be drawn (the
/// Markdown source, the running header and the typesetter's own text) in the body face or,
/// where it lacks one, the fallback; and the glyphs of the bold and fixed-pitch faces for
/// the characters [`Styled`] found in those styles. Each maps original glyph id → the
/// character it stands for (the lowest such character, for /ToUnicode). A superset of what
/// is drawn, known before layout, so pages can be encoded as soon as they are full.
fn glyph_subset(
    font: &mut font::Font,
    markdown: &str,
    o: &PdfOptions,
    styled: &Styled,
) -> doc::Subsets {
    let mut all = CharSet::new();
    for t in [
        markdown,
        &o.title,
        &o.author,
        TYPESETTER_TEXT,
        &o.continued,
        &o.classification,
    ] {
        all.add(t);
    }
    let mut subsets: doc::Subsets = Default::default();
    let mut put = |slot: font::Slot, gid: u16, c: char| {
        if gid != 0 {
            subsets[slot as usize]
                .entry(gid)
                .or_insert_with(|| c.to_string());
        }
    };
    for c in all.chars() {
        let (slot, gid, _) = font.pick(c, font::Look::default());
        put(slot, gid, c);
    }
    for (set, look, face) in [
        (
            &styled.bold,
            font::Look {
                bold: true,
                mono: false,
            },
            font::Slot::Bold,
        ),
        (
            &styled.mono,
            font::Look {
                bold: false,
                mono: true,
            },
            font::Slot::Mono,
        ),
    ] {
        for c in set.chars() {
            let (slot, gid, _) = font.pick(c, look);
            if slot == face {
                put(slot, gid, c);
            }
        }
    }
    subsets
}

/// Adds the characters of `blocks` set in bold or fixed pitch to `styled`.
fn survey_styles(styled: &mut Styled, blocks: &[Block]) {
    let spans = |styled: &mut Styled, inl: &[model::Span], all_bold: bool| {
        for sp in inl {
            if let model::Span::Text(t, st) = sp {
                if st.bold || all_bold {
                    styled.bold.add(t);
                }
                if st.code {
                    styled.mono.add(t);
                }
            }
        }
    };
    for b in blocks {
        match b {
            Block::Heading { inl, .. } => spans(styled, inl, true),
            Block::Para(inl) => spans(styled, inl, false),
            Block::List { items, .. } => items.iter().for_each(|i| survey_styles(styled, i)),
            Block::Quote(bs) => survey_styles(styled, bs),
            Block::Table { head, rows, .. } => {
                head.iter().for_each(|c| spans(styled, c, true));
                rows.iter().flatten().for_each(|c| spans(styled, c, false));
            }
            _ => {}
        }
    }
}

/// Collects the characters the font lacks, with the context of the first
/// one (nearest heading, or the first cell of the table row), over the
/// document's chunks in order.
struct GlyphCheck {
    first: Option<String>,
    chars: Vec<char>,
    heading: String,
}

impl GlyphCheck {
    fn new() -> Self {
        Self {
            first: None,
            chars: Vec::new(),
            heading: String::new(),
        }
    }

    fn add(&mut self, font: &mut font::Font, text: &str, ctx: Option<&str>) {
        for c in font::missing_in(font, text) {
            if !self.chars.contains(&c) {
                self.chars.push(c);
            }
            if self.first.is_none() {
                self.first = Some(ctx.unwrap_or(&self.heading).to_string());
            }
        }
    }

    fn walk(&mut self, font: &mut font::Font, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Heading { inl, .. } => {
                    self.heading = plain(inl).trim().to_string();
                    let h = self.heading.clone();
                    self.add(font, &h, None);
                }
                Block::Para(inl) => self.add(font, &plain(inl), None),
                Block::List { items, .. } => items.iter().for_each(|i| self.walk(font, i)),
                Block::Quote(i) => self.walk(font, i),
                Block::Table { head, rows, .. } => {
                    for row in std::iter::once(head).chain(rows) {
                        let ctx = row
                            .first()
                            .map(|c| plain(c).trim().to_string())
                            .unwrap_or_default();
                        for cell in row {
                            self.add(font, &plain(cell), Some(&ctx));
                        }
                    }
                }
                Block::Code(t) | Block::Chart(t) | Block::SignOff(t) | Block::Right(t) => {
                    self.add(font, t, None)
                }
                Block::Rule | Block::Toc | Block::PageBreak => {}
            }
        }
    }

    fn finish(self) -> Result<(), PdfError> {
        match self.first {
            Some(context) => Err(PdfError::MissingGlyphs {
                context,
                chars: self.chars,
            }),
            None => Ok(()),
        }
    }
}

/// Splits report Markdown into chunks that parse to the same blocks as the
/// whole: before each `## ` line, and each `### ` line after the first
/// `## `, that follows a blank line outside fenced code and HTML comments.
/// Parsing chunk by chunk keeps only one chunk's syntax tree in memory.
fn chunks(md: &str) -> Vec<&str> {
    fn atx(t: &str, level: usize) -> bool {
        t.len() >= level
            && t.as_bytes()[..level].iter().all(|b| *b == b'#')
            && matches!(t.as_bytes().get(level), None | Some(b' ' | b'\t'))
    }
    let mut out = Vec::new();
    let (mut start, mut pos) = (0, 0);
    let mut fence: Option<(u8, usize)> = None;
    let (mut comment, mut prev_blank, mut seen_h2) = (false, true, false);
    for line in md.split_inclusive('\n') {
        let t = line.trim_end_matches(['\n', '\r']);
        let body = t.trim_start_matches(' ');
        let indent = t.len() - body.len();
        let run = |c: u8| body.bytes().take_while(|b| *b == c).count();
        if let Some((c, n)) = fence {
            let closes = indent <= 3 && run(c) >= n;
            if closes && body.trim_start_matches(c as char).trim().is_empty() {
                fence = None;
            }
        } else if comment {
            comment = !t.contains("-->");
        } else {
            let (h2, h3) = (atx(t, 2), atx(t, 3));
            if prev_blank && pos > start && (h2 || (h3 && seen_h2)) {
                out.push(&md[start..pos]);
                start = pos;
            }
            seen_h2 |= h2;
            if indent <= 3 && (run(b'`') >= 3 || run(b'~') >= 3) {
                let c = if run(b'`') >= 3 { b'`' } else { b'~' };
                fence = Some((c, run(c)));
            } else if body.starts_with("<!--") && !body.contains("-->") {
                comment = true;
            }
        }
        prev_blank = t.trim().is_empty();
        pos += line.len();
    }
    out.push(&md[start..]);
    out
}

/// A 128-bit FNV-1a hash of the input, for the document /ID.
fn digest(markdown: &str, o: &PdfOptions) -> [u64; 2] {
    let meta = format!(
        "{:?}|{}|{}|{}|{}|{}|{}|{:?}|{}|{}",
        o.paper,
        o.landscape,
        o.title,
        o.author,
        o.subject,
        o.creator,
        o.lang,
        o.date,
        o.font.bytes.len(),
        o.continued
    );
    let mut h = [0xcbf2_9ce4_8422_2325u64, 0x6c62_272e_07bb_0142u64];
    for b in markdown.bytes().chain([0]).chain(meta.bytes()) {
        for (i, x) in h.iter_mut().enumerate() {
            *x ^= u64::from(b) + i as u64;
            *x = x.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// What the first pass finds: every heading (anchors, TOC), the index of the first heading
/// after the `[TOC]` marker, if there is one, and the column grids of the tables.
struct Survey {
    headings: Vec<layout::Entry>,
    toc_from: Option<usize>,
    grids: tables::Grids,
    styled: Styled,
}

/// First pass: every character checked against the font (an error names those it cannot
/// draw), every heading collected, every table measured into the grid of its header.
fn survey(font: &mut font::Font, parts: &[&str], options: &PdfOptions) -> Result<Survey, PdfError> {
    let mut check = GlyphCheck::new();
    check.add(font, &options.title, Some("running header"));
    check.add(font, &options.author, Some("running header"));
    check.add(font, &options.classification, Some("running header"));
    check.add(font, &options.continued, Some("continued row mark"));
    let mut all_headings = Vec::new();
    let mut toc_from = None;
    let mut grids = tables::Grids::default();
    let mut styled = Styled {
        bold: CharSet::new(),
        mono: CharSet::new(),
    };
    styled.bold.add(&options.classification);
    styled.bold.add("目次Contents");
    for part in parts {
        let md = parse::parse(part);
        check.walk(font, &md.blocks);
        survey_styles(&mut styled, &md.blocks);
        grids.survey(font, &md.blocks);
        for b in &md.blocks {
            if matches!(b, Block::Toc) && toc_from.is_none() {
                toc_from = Some(all_headings.len());
            }
            headings(std::slice::from_ref(b), &mut all_headings);
        }
    }
    check.add(font, TYPESETTER_TEXT, Some("typesetter"));
    check.finish()?;
    Ok(Survey {
        headings: all_headings,
        toc_from,
        grids,
        styled,
    })
}

/// Second pass: lay out chunk by chunk. Everything before the first `##` heading is the cover.
fn lay_out(cx: &mut Ctx, parts: &[&str]) {
    let g = cx.g;
    for (i, part) in parts.iter().enumerate() {
        let md = parse::parse(part);
        cx.links = md.links;
        let body = if i == 0 {
            let split = md
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Heading { level: 2, .. }));
            let (cover, body) = md.blocks.split_at(split.unwrap_or(md.blocks.len()));
            if !cover.is_empty() {
                cx.cover(cover);
            }
            cx.decorate = true;
            body
        } else {
            &md.blocks
        };
        cx.blocks(body, g.left, g.right - g.left);
    }
}

/// Parses report Markdown (the conventions above) into the model the PDF is laid out from.
pub fn parse_markdown(markdown: &str) -> model::Doc {
    parse::parse(markdown)
}

/// Typesets report Markdown (see the crate documentation for the
/// conventions) into PDF bytes.
///
/// Every character is checked against the font first: characters it cannot
/// draw give [`PdfError::MissingGlyphs`] instead of empty boxes.
pub fn typeset(markdown: &str, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    typeset_to(markdown.to_owned(), options, &mut out)?;
    Ok(out)
}

/// [`typeset`] written to `out`, taking the Markdown by value: it is freed once the pages are
/// laid out, and the file is serialized straight to `out`, so neither the source nor the
/// finished file sits in memory beside the document's objects (large catalogues). Nothing is
/// written unless typesetting succeeded; only a failing writer can leave part of a file.
pub fn typeset_to(
    markdown: String,
    options: &PdfOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), PdfError> {
    let mut font = font::Font::load(&options.font)?;
    let digest = digest(&markdown, options);
    let parts = chunks(&markdown);
    let Survey {
        headings: all_headings,
        toc_from,
        grids,
        styled,
    } = survey(&mut font, &parts, options)?;
    let subset = glyph_subset(&mut font, &markdown, options, &styled);
    drop(styled);
    let ids: [Vec<u16>; 4] = std::array::from_fn(|slot| {
        std::iter::once(0)
            .chain(subset[slot].keys().copied().filter(|g| *g != 0))
            .collect()
    });
    let mut glyphs = stream::GlyphMap::new(&ids);
    let g = geometry(options);
    let ja = options.lang.starts_with("ja");
    let mut cx = Ctx::new(&mut font, &mut glyphs, g, ja);
    if let Some(t) = toc_from {
        cx.toc = all_headings[t..]
            .iter()
            .filter(|e| e.level == 2 || e.level == 3)
            .cloned()
            .collect();
    }
    cx.all_headings = all_headings;
    cx.grids = grids;
    cx.continued = options.continued.clone();
    lay_out(&mut cx, &parts);
    debug_assert!(cx.tags.balanced(), "a structure element left open");
    if cx.no_pages() {
        cx.new_page();
    }
    cx.finish_page();
    drop(parts);
    drop(markdown);
    let Ctx {
        done,
        anchors,
        outline,
        tags,
        ..
    } = cx;
    doc::write(
        doc::LaidOut {
            pages: done,
            font,
            glyphs,
            subset,
            tags,
            finishing: finish::Finishing {
                anchors,
                outline,
                geom: g,
                options,
                digest,
            },
        },
        out,
    )
}

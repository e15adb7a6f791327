//! PDF typesetter for gap-analysis reports.
//!
//! [`typeset`] turns the report Markdown (CommonMark + GFM tables,
//! strikethrough and heading attributes, parsed with pulldown-cmark) into a
//! paginated PDF with the bundled IPAex Gothic font (subset-embedded, with a
//! ToUnicode map so text can be searched and copied). Layout is done here;
//! printpdf only writes the page operators.
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
//!   `label<TAB>met%<TAB>gap%<TAB>na%<TAB>caption`, drawn green / red / grey
//!   with the label left and the caption right. An optional first line
//!   `#legend<TAB>met<TAB>gap<TAB>n/a` sets the legend texts.
//! - `[text](status:KEY)` is a status badge, not a link: the text in a tinted
//!   box with a dark border and dark text (readable in black and white).
//!   `implemented`/`inherited` are green, `partial`/`planned` amber,
//!   `not_implemented`/`unanswered` red, anything else (`not_applicable`) grey.
//! - Headings may carry an id, `##### 設1 text {#c-設1}`; `[設1](#c-設1)` is then
//!   an internal link to it. `http(s):` and `mailto:` links become URI links;
//!   other destinations are set as plain text.
//! - The PDF outline (bookmarks) has one entry per `##` heading with the
//!   `###` headings nested below it.
//!
//! Also supported: `#`–`#####` headings, paragraphs, bullet and numbered
//! lists (nested), emphasis (slanted), strong (fake bold: IPAex has no bold
//! face), strikethrough, inline code (shaded), code blocks, block quotes
//! (indented), horizontal rules, soft and hard breaks.
//!
//! # Layout
//!
//! A4 portrait by default (Letter and landscape via [`PdfOptions`]), 18 mm
//! margins, body 9.5 pt, tables 8.25 pt. Pages after the cover carry the
//! title (left) and organisation (right) in a running header and `n / N` in
//! the footer. Lines break with kinsoku shori (see `linebreak.rs`). Table
//! columns are sized from their content; the header row is repeated on every
//! page a table continues on; rows of four or more lines that do not fit are
//! split across pages (at least two lines on each side), shorter rows move
//! to the next page whole, and rows taller than a page always split.
//!
//! The output is byte-for-byte deterministic for identical inputs: no clock,
//! no random ids (the document /ID is a hash of the input and options).

mod doc;
mod finish;
mod font;
mod inline;
mod layout;
pub(crate) mod linebreak;
mod model;
mod parse;
mod special;
mod tables;
#[cfg(test)]
mod tests;
mod unhint;

pub use font::{FontSource, missing_glyphs};

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

/// Finds missing glyphs with the context they occur in.
fn check_glyphs(font: &mut font::Font, blocks: &[Block], o: &PdfOptions) -> Result<(), PdfError> {
    let mut first: Option<String> = None;
    let mut chars: Vec<char> = Vec::new();
    let mut heading = String::new();
    let mut add = |text: &str, ctx: &str, chars: &mut Vec<char>| {
        for c in font::missing_in(font, text) {
            if !chars.contains(&c) {
                chars.push(c);
            }
            first.get_or_insert_with(|| ctx.to_string());
        }
    };
    fn walk(
        bs: &[Block],
        heading: &mut String,
        add: &mut dyn FnMut(&str, &str, &mut Vec<char>),
        chars: &mut Vec<char>,
    ) {
        for b in bs {
            match b {
                Block::Heading { inl, .. } => {
                    *heading = plain(inl).trim().to_string();
                    add(&heading.clone(), &heading.clone(), chars);
                }
                Block::Para(inl) => add(&plain(inl), heading, chars),
                Block::List { items, .. } => {
                    items.iter().for_each(|i| walk(i, heading, add, chars))
                }
                Block::Quote(i) => walk(i, heading, add, chars),
                Block::Table { head, rows, .. } => {
                    for row in std::iter::once(head).chain(rows) {
                        let ctx = row
                            .first()
                            .map(|c| plain(c).trim().to_string())
                            .unwrap_or_default();
                        for cell in row {
                            add(&plain(cell), &ctx, chars);
                        }
                    }
                }
                Block::Code(t) | Block::Chart(t) => add(t, heading, chars),
                Block::Rule | Block::Toc | Block::PageBreak => {}
            }
        }
    }
    add(&o.title, "running header", &mut chars);
    add(&o.author, "running header", &mut chars);
    walk(blocks, &mut heading, &mut add, &mut chars);
    // Text the typesetter adds itself.
    add(
        "目次Contents0123456789 /.…•充足ギャップ対象外MetGapN/A",
        "typesetter",
        &mut chars,
    );
    match first {
        Some(context) => Err(PdfError::MissingGlyphs { context, chars }),
        None => Ok(()),
    }
}

/// A 128-bit FNV-1a hash of the input, for the document /ID.
fn digest(markdown: &str, o: &PdfOptions) -> [u64; 2] {
    let meta = format!(
        "{:?}|{}|{}|{}|{}|{}|{}|{:?}|{}",
        o.paper,
        o.landscape,
        o.title,
        o.author,
        o.subject,
        o.creator,
        o.lang,
        o.date,
        o.font.bytes.len()
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

/// Typesets report Markdown (see the module documentation for the
/// conventions) into PDF bytes.
///
/// Every character is checked against the font first: characters it cannot
/// draw give [`PdfError::MissingGlyphs`] instead of empty boxes.
pub fn typeset(markdown: &str, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    let mut font = font::Font::load(&options.font)?;
    let md = parse::parse(markdown);
    check_glyphs(&mut font, &md.blocks, options)?;
    let g = geometry(options);
    let mut cx = Ctx::new(&mut font, &md.links, g, options.lang.starts_with("ja"));
    headings(&md.blocks, &mut cx.all_headings);
    if let Some(t) = md.blocks.iter().position(|b| matches!(b, Block::Toc)) {
        let mut before = Vec::new();
        headings(&md.blocks[..t], &mut before);
        cx.toc = cx.all_headings[before.len()..]
            .iter()
            .filter(|e| e.level == 2 || e.level == 3)
            .cloned()
            .collect();
    }
    let split = md
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 2, .. }));
    let (cover, body) = md.blocks.split_at(split.unwrap_or(md.blocks.len()));
    if !cover.is_empty() {
        cx.cover(cover);
    }
    cx.decorate = true;
    cx.blocks(body, g.left, g.right - g.left);
    if cx.pages.is_empty() {
        cx.new_page();
    }
    let Ctx {
        pages,
        anchors,
        outline,
        ..
    } = cx;
    doc::write(
        &pages,
        &anchors,
        &outline,
        font,
        &g,
        options,
        digest(markdown, options),
    )
}

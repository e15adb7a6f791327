//! The PDF document: printpdf embeds the font subset (widths, /ToUnicode,
//! descriptor) and writes the metadata; the pages are kansa's own content
//! streams from `stream.rs`, added with lopdf.

use std::collections::{BTreeMap, HashMap};

use lopdf::{Dictionary, Object, ObjectId, Stream};
use printpdf::{
    Codepoint, FontId, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect,
    TextItem, date,
};

use super::finish::Finishing;
use super::font::{Font, Slot};
use super::layout::{Draw, Geom, MUTED, MarkOp};
use super::model::Target;
use super::stream::{EncodedPage, Encoder, FONT_RES, GlyphMap};
use super::tags::LinkAnnot;
use super::{PdfError, PdfOptions};

/// Running header (title left, organisation and classification right, rule) and `n / N`
/// footer.
fn decorations(font: &mut Font, g: &Geom, o: &PdfOptions, n: usize, total: usize) -> Vec<Draw> {
    let size = 7.5;
    let w = g.right - g.left;
    let y = g.top - 19.0;
    let (mark, mark_w) = super::signoff::classification_mark(font, &o.classification, g.right, y);
    let title = font.clip(&o.title, size, w * 0.6);
    let author = font.clip(&o.author, size, w * 0.36 - mark_w);
    let aw = font.width(&author, size) + mark_w;
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
        mono: false,
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
    .into_iter()
    .chain(mark)
    .collect()
}

fn pdf_date(o: &PdfOptions) -> date::DateTime {
    let (y, m, d) = o.date;
    date::DateTime {
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
    }
}

/// printpdf's document with the font subset and metadata, and a single
/// page that shows every glyph of `subset` once (so printpdf subsets and
/// maps exactly those glyphs); the page is replaced by the real ones.
fn skeleton(mut font: Font, subsets: &Subsets, g: &Geom, o: &PdfOptions) -> lopdf::Document {
    let mut doc = PdfDocument::new(&o.title);
    let when = pdf_date(o);
    let info = &mut doc.metadata.info;
    info.author = o.author.clone();
    info.subject = o.subject.clone();
    info.creator = o.creator.clone();
    info.producer = o.creator.clone();
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    let mut ops = Vec::new();
    for (slot, face) in Slot::ALL.into_iter().zip(font.take_faces()) {
        let subset = &subsets[slot as usize];
        let Some(face) = face.filter(|_| subset.keys().any(|g| *g != 0)) else {
            continue;
        };
        let id = FontId(FONT_RES[slot as usize].into());
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(face.parsed));
        let glyphs = subset
            .iter()
            .filter(|(gid, _)| **gid != 0)
            .map(|(gid, ch)| Codepoint::with_cid(*gid, 0.0, ch.clone()))
            .collect();
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(10.0),
            },
            Op::ShowText {
                items: vec![TextItem::GlyphIds(glyphs)],
            },
            Op::EndTextSection,
        ]);
    }
    let media = Rect::from_wh(Pt(g.w), Pt(g.h));
    doc.pages = vec![PdfPage {
        media_box: media.clone(),
        trim_box: media.clone(),
        crop_box: media,
        ops,
    }];
    let opts = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    doc.to_lopdf_document(&opts, &mut warnings)
}

/// The glyph ids the skeleton page shows, in order: how printpdf numbered
/// the subset. Checked against [`GlyphMap`]'s numbering.
fn shown_glyphs(lo: &lopdf::Document, page: ObjectId) -> Result<Vec<u16>, PdfError> {
    let content = lo.get_page_content(page);
    let ops = lopdf::content::Content::decode(&content)
        .map_err(|e| PdfError::Pdf(format!("font subset page: {e}")))?;
    let mut ids = Vec::new();
    let mut collect = |o: &Object| {
        if let Object::String(b, _) = o {
            ids.extend(b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])));
        }
    };
    for op in &ops.operations {
        for operand in &op.operands {
            match operand {
                Object::Array(items) => items.iter().for_each(&mut collect),
                other => collect(other),
            }
        }
    }
    Ok(ids)
}

/// Per face ([`Slot`] order): original glyph id → the character it stands for.
pub(crate) type Subsets = [BTreeMap<u16, String>; 4];

/// The laid-out document, ready to be written: its pages, the font with the subset of glyphs
/// it embeds (and their new numbering), and what the finishing touches need.
pub(crate) struct LaidOut<'a> {
    pub(crate) pages: Vec<EncodedPage>,
    pub(crate) font: Font,
    pub(crate) glyphs: GlyphMap,
    pub(crate) subset: Subsets,
    pub(crate) finishing: Finishing<'a>,
    /// The structure tree (`tags.rs`).
    pub(crate) tags: super::tags::Tree,
}

/// Assembles the document: font and metadata from printpdf, then the pages.
pub(crate) fn write(mut doc: LaidOut, out: &mut dyn std::io::Write) -> Result<(), PdfError> {
    let lates = late_streams(&mut doc);
    if doc.glyphs.misses > 0 {
        return Err(PdfError::Pdf(format!(
            "{} glyphs drawn outside the embedded subset",
            doc.glyphs.misses
        )));
    }
    let LaidOut {
        pages,
        font,
        subset,
        finishing,
        tags,
        ..
    } = doc;
    let (g, o) = (&finishing.geom, finishing.options);
    let mut lo = skeleton(font, &subset, g, o);
    lo.version = "1.7".into();
    let frame = take_skeleton_page(&mut lo, &subset)?;
    let total = pages.len();
    let ids: Vec<ObjectId> = (0..total).map(|_| lo.new_object_id()).collect();
    let mut writer = PageWriter {
        lo: &mut lo,
        frame: &frame,
        ids: &ids,
        anchors: &finishing.anchors,
        g,
        annots: Vec::new(),
    };
    for (index, ((page, late), &id)) in pages.into_iter().zip(lates).zip(&ids).enumerate() {
        writer.add_page(page, late, id, index);
    }
    let annots = writer.annots;
    let pages_dict = lo
        .get_dictionary_mut(frame.pages_id)
        .map_err(|e| PdfError::Pdf(e.to_string()))?;
    pages_dict.set(
        "Kids",
        Object::Array(ids.iter().map(|id| Object::Reference(*id)).collect()),
    );
    pages_dict.set("Count", total as i64);

    super::finish::finish(lo, &ids, &finishing, tags, &annots, out)
}

/// Each page's last content stream: its late draws (TOC numbers) and the running header and
/// footer, which needed the final page count.
fn late_streams(doc: &mut LaidOut) -> Vec<Vec<u8>> {
    let total = doc.pages.len();
    let f = &doc.finishing;
    let page_of = |a: &str| f.anchors.get(a).map(|p| p.0);
    let mut lates = Vec::with_capacity(total);
    for (i, page) in doc.pages.iter().enumerate() {
        let mut enc = Encoder::new(&mut doc.font, &mut doc.glyphs, f.geom.h);
        for d in &page.late {
            enc.draw(d, &page_of);
        }
        if page.decorated {
            enc.draw(&Draw::Mark(MarkOp::Pagination), &page_of);
            for d in decorations(enc.font_mut(), &f.geom, f.options, i + 1, total) {
                enc.draw(&d, &page_of);
            }
            enc.draw(&Draw::Mark(MarkOp::End), &page_of);
        }
        lates.push(enc.finish());
    }
    lates
}

/// What every page shares, taken from printpdf's skeleton page: the resources (the font) and
/// the page tree the pages hang from.
struct PageFrame {
    resources: Object,
    pages_id: ObjectId,
}

/// Checks that printpdf numbered the subset as [`GlyphMap`] does, keeps the skeleton page's
/// resources and parent, and removes the page itself.
fn take_skeleton_page(lo: &mut lopdf::Document, subsets: &Subsets) -> Result<PageFrame, PdfError> {
    let skeleton_page = *lo
        .get_pages()
        .get(&1)
        .ok_or_else(|| PdfError::Pdf("printpdf wrote no page".into()))?;
    // Each face's glyphs, renumbered from 1 in its own subset, one face after the other.
    let expected: Vec<u16> = subsets
        .iter()
        .flat_map(|subset| 1..=subset.keys().filter(|k| **k != 0).count() as u16)
        .collect();
    if shown_glyphs(lo, skeleton_page)? != expected {
        return Err(PdfError::Pdf(
            "font subset numbering differs from the expected one".into(),
        ));
    }
    let page_dict = lo
        .get_dictionary(skeleton_page)
        .map_err(|e| PdfError::Pdf(e.to_string()))?
        .clone();
    let resources = page_dict
        .get(b"Resources")
        .map_err(|e| PdfError::Pdf(format!("font subset page: {e}")))?
        .clone();
    let resources = match resources {
        Object::Dictionary(d) => Object::Reference(lo.add_object(d)),
        other => other,
    };
    let pages_id = page_dict
        .get(b"Parent")
        .and_then(Object::as_reference)
        .map_err(|e| PdfError::Pdf(e.to_string()))?;
    if let Ok(Object::Reference(c)) = page_dict.get(b"Contents") {
        lo.objects.remove(c);
    }
    lo.objects.remove(&skeleton_page);
    Ok(PageFrame {
        resources,
        pages_id,
    })
}

/// Adds the real pages to the document, each under the object id reserved for it (links
/// between pages need every page's id before the first is written).
struct PageWriter<'a> {
    lo: &'a mut lopdf::Document,
    frame: &'a PageFrame,
    ids: &'a [ObjectId],
    anchors: &'a HashMap<String, (usize, f32)>,
    g: &'a Geom,
    /// The tagged link annotations written so far.
    annots: Vec<LinkAnnot>,
}

impl PageWriter<'_> {
    /// One page: its content streams (the late one last), its link annotations, its dictionary.
    /// Page `index` (0-based) is key `index` of the structure parent tree; link annotations
    /// get the keys after all pages'.
    fn add_page(&mut self, page: EncodedPage, late: Vec<u8>, id: ObjectId, index: usize) {
        let mut contents = Vec::with_capacity(2);
        for data in page.content.into_iter().chain([late]) {
            let mut dict = Dictionary::new();
            dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            contents.push(Object::Reference(
                self.lo.add_object(Stream::new(dict, data)),
            ));
        }
        let mut annots = Vec::new();
        for link in page.links {
            let Some(action) = self.link_action(&link.target) else {
                continue;
            };
            let rect = link.rect.iter().map(|v| Object::Real(*v)).collect();
            let mut annot = Dictionary::from_iter([
                ("Type", Object::Name(b"Annot".to_vec())),
                ("Subtype", Object::Name(b"Link".to_vec())),
                ("Rect", Object::Array(rect)),
                ("Border", Object::Array(vec![0.into(), 0.into(), 0.into()])),
                ("H", Object::Name(b"I".to_vec())),
                // Printed (PDF/A), and described for screen readers (PDF/UA).
                ("F", Object::Integer(4)),
                ("Contents", super::finish::utf16(&link.alt)),
                ("P", Object::Reference(id)),
                ("A", Object::Dictionary(action)),
            ]);
            let key = (self.ids.len() + self.annots.len()) as u32;
            if link.elem.is_some() {
                annot.set("StructParent", i64::from(key));
            }
            let annot_id = self.lo.add_object(annot);
            if let Some(elem) = link.elem {
                self.annots.push(LinkAnnot {
                    elem,
                    annot: annot_id,
                    page: id,
                    key,
                });
            }
            annots.push(Object::Reference(annot_id));
        }
        let media = Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(self.g.w),
            Object::Real(self.g.h),
        ]);
        let mut dict = Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(self.frame.pages_id)),
            ("MediaBox", media),
            ("Resources", self.frame.resources.clone()),
            ("Contents", Object::Array(contents)),
            ("StructParents", Object::Integer(index as i64)),
            // Tab order follows the structure (PDF/UA, pages with annotations).
            ("Tabs", Object::Name(b"S".to_vec())),
        ]);
        if !annots.is_empty() {
            dict.set("Annots", Object::Array(annots));
        }
        self.lo.objects.insert(id, Object::Dictionary(dict));
    }

    /// What a link does: open a URI, or go to the page and height where its anchor landed;
    /// `None` for an anchor that landed nowhere.
    fn link_action(&self, target: &Target) -> Option<Dictionary> {
        let action = match target {
            Target::Uri(u) => Dictionary::from_iter([
                ("S", Object::Name(b"URI".to_vec())),
                ("URI", Object::string_literal(u.as_str())),
            ]),
            Target::Anchor(a) => match self.anchors.get(a) {
                Some(&(p, top)) if p >= 1 && p <= self.ids.len() => Dictionary::from_iter([
                    ("S", Object::Name(b"GoTo".to_vec())),
                    (
                        "D",
                        Object::Array(vec![
                            Object::Reference(self.ids[p - 1]),
                            "XYZ".into(),
                            0.into(),
                            Object::Real(self.g.h - top),
                            Object::Null,
                        ]),
                    ),
                ]),
                _ => return None,
            },
        };
        Some(action)
    }
}

//! Finishing touches with lopdf, for what printpdf cannot do (or not
//! deterministically): the nested outline,
//! /Lang, viewer preferences and an input-derived document /ID.

use std::collections::HashMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::layout::{Entry, Geom};
use super::{PdfError, PdfOptions};

/// A text string object (UTF-16BE with a byte order mark).
pub(crate) fn utf16(s: &str) -> Object {
    Object::String(super::save::utf16_bom(s), StringFormat::Hexadecimal)
}

/// Replace every embedded TrueType program (`FontFile2`) by its unhinted form (see
/// [`super::unhint`]); a font that cannot be processed stays as it is.
fn unhint_fonts(lo: &mut lopdf::Document) {
    let ids: Vec<ObjectId> = lo
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"FontFile2").ok())
        .filter_map(|o| o.as_reference().ok())
        .collect();
    for id in ids {
        let Ok(Object::Stream(stream)) = lo.get_object_mut(id) else {
            continue;
        };
        let Ok(font) = stream.decompressed_content() else {
            continue;
        };
        if let Some(stripped) = super::unhint::strip_hints(&font) {
            stream.dict.remove(b"Filter");
            stream
                .dict
                .set("Length1", Object::Integer(stripped.len() as i64));
            stream.set_plain_content(stripped);
        }
    }
}

/// What the finishing touches need besides the document: where each anchor landed (page,
/// distance from the top), the outline entries, the page geometry, the options (/Lang) and
/// the input digest the document /ID is made from.
pub(crate) struct Finishing<'a> {
    pub(crate) anchors: HashMap<String, (usize, f32)>,
    pub(crate) outline: Vec<Entry>,
    pub(crate) geom: Geom,
    pub(crate) options: &'a PdfOptions,
    pub(crate) digest: [u64; 2],
}

/// Post-processes printpdf's document and serializes it to `out`.
pub(crate) fn finish(
    mut lo: lopdf::Document,
    page_ids: &[ObjectId],
    f: &Finishing,
    tags: super::tags::Tree,
    annots: &[super::tags::LinkAnnot],
    out: &mut dyn std::io::Write,
) -> Result<(), PdfError> {
    let root = lo.new_object_id();
    let (top_ids, count) = add_outline(&mut lo, page_ids, f, root);
    let catalog = lo.catalog_mut().map_err(|e| PdfError::Pdf(e.to_string()))?;
    catalog.set("Lang", Object::string_literal(f.options.lang.as_str()));
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", true);
    catalog.set("ViewerPreferences", prefs);
    if let (Some(first), Some(last)) = (top_ids.first(), top_ids.last()) {
        catalog.set("Outlines", Object::Reference(root));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        let mut od = Dictionary::new();
        od.set("Type", Object::Name(b"Outlines".to_vec()));
        od.set("First", Object::Reference(*first));
        od.set("Last", Object::Reference(*last));
        od.set("Count", count);
        lo.set_object(root, od);
    }
    // A document ID derived from the input instead of printpdf's random one.
    let id = format!("{:016x}{:016x}", f.digest[0], f.digest[1]);
    let id = Object::String(id.into_bytes(), StringFormat::Literal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));

    clean_info(&mut lo);
    let metadata = lo.add_object(super::xmp::stream(f.options));
    lo.catalog_mut()
        .map_err(|e| PdfError::Pdf(e.to_string()))?
        .set("Metadata", Object::Reference(metadata));
    super::archive::add(&mut lo, f.options)?;
    unhint_fonts(&mut lo);
    lo.compress();
    // The structure tree: its objects are numbered after lopdf's and never become lopdf
    // objects (`tags.rs`).
    let first = lo.max_id + 1;
    let count = tags.len() as u32 + 2;
    let structure = super::tags::serialize(tags, first, page_ids, annots, &f.options.lang);
    let catalog = lo.catalog_mut().map_err(|e| PdfError::Pdf(e.to_string()))?;
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter([("Marked", Object::Boolean(true))]),
    );
    catalog.set("StructTreeRoot", Object::Reference((structure.root, 0)));
    // Straight to the caller's writer: the finished file never sits in memory a second time
    // beside the document's objects (tens of megabytes for a 200,000-control report).
    super::save::save(&lo, structure.objects.into_iter(), count, out).map_err(PdfError::Output)
}

/// Keys printpdf writes into the document information dictionary that claim what the file is
/// not: an empty `GTS_PDFXVersion` makes tools report PDF/X, and an empty `Identifier` or
/// `Keywords` says nothing. Removed (issue 14: archival PDF).
const EMPTY_INFO_KEYS: [&[u8]; 3] = [b"GTS_PDFXVersion", b"Identifier", b"Keywords"];

/// Removes the [`EMPTY_INFO_KEYS`] that are empty from the information dictionary.
fn clean_info(lo: &mut lopdf::Document) {
    let Ok(id) = lo.trailer.get(b"Info").and_then(Object::as_reference) else {
        return;
    };
    let Ok(info) = lo.get_dictionary_mut(id) else {
        return;
    };
    for key in EMPTY_INFO_KEYS {
        let empty = match info.get(key) {
            Ok(Object::String(text, _)) => text.is_empty(),
            Ok(Object::Name(name)) => name.is_empty(),
            _ => false,
        };
        if empty {
            info.remove(key);
        }
    }
}

/// A top-level outline item (`##`) and the items nested below it (`###`).
type OutlineTop = (ObjectId, Vec<ObjectId>);

/// Adds the document outline below `root`: `##` at the top level, `###` nested below.
/// Returns the top-level items and the number of items in all.
fn add_outline(
    lo: &mut lopdf::Document,
    page_ids: &[ObjectId],
    f: &Finishing,
    root: ObjectId,
) -> (Vec<ObjectId>, i64) {
    let (tops, dicts) = outline_items(lo, page_ids, f, root);
    let mut by_id: HashMap<ObjectId, Dictionary> = dicts.into_iter().collect();
    let top_ids: Vec<_> = tops.iter().map(|t| t.0).collect();
    link_siblings(&top_ids, &mut by_id);
    for (parent, kids) in &tops {
        link_siblings(kids, &mut by_id);
        if let (Some(f), Some(l), Some(d)) = (kids.first(), kids.last(), by_id.get_mut(parent)) {
            d.set("First", Object::Reference(*f));
            d.set("Last", Object::Reference(*l));
            d.set("Count", kids.len() as i64);
        }
    }
    let count = by_id.len() as i64;
    let mut ids: Vec<_> = by_id.keys().copied().collect();
    ids.sort();
    for id in ids {
        if let Some(d) = by_id.remove(&id) {
            lo.set_object(id, d);
        }
    }
    (top_ids, count)
}

/// One outline item per outline entry whose anchor landed on a page, with its title,
/// destination and parent; the items are numbered but not yet added to the document.
fn outline_items(
    lo: &mut lopdf::Document,
    page_ids: &[ObjectId],
    f: &Finishing,
    root: ObjectId,
) -> (Vec<OutlineTop>, Vec<(ObjectId, Dictionary)>) {
    let mut tops: Vec<OutlineTop> = Vec::new();
    let mut dicts: Vec<(ObjectId, Dictionary)> = Vec::new();
    for e in &f.outline {
        let Some(&(page, top)) = f.anchors.get(&e.anchor) else {
            continue;
        };
        let Some(&page_id) = page.checked_sub(1).and_then(|i| page_ids.get(i)) else {
            continue;
        };
        let id = lo.new_object_id();
        let mut dict = Dictionary::new();
        dict.set("Title", utf16(&e.title));
        let dest = vec![
            Object::Reference(page_id),
            "XYZ".into(),
            0.into(),
            Object::Real(f.geom.h - top),
            Object::Null,
        ];
        dict.set("Dest", Object::Array(dest));
        match tops.last_mut() {
            Some((parent, kids)) if e.level > 2 => {
                dict.set("Parent", Object::Reference(*parent));
                kids.push(id);
            }
            _ => {
                dict.set("Parent", Object::Reference(root));
                tops.push((id, Vec::new()));
            }
        }
        dicts.push((id, dict));
    }
    (tops, dicts)
}

/// Links a list of outline items to each other (/Prev, /Next).
fn link_siblings(ids: &[ObjectId], by_id: &mut HashMap<ObjectId, Dictionary>) {
    for (i, id) in ids.iter().enumerate() {
        if let Some(d) = by_id.get_mut(id) {
            if i > 0 {
                d.set("Prev", Object::Reference(ids[i - 1]));
            }
            if let Some(n) = ids.get(i + 1) {
                d.set("Next", Object::Reference(*n));
            }
        }
    }
}

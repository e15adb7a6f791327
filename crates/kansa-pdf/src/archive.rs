//! What makes the report a PDF/A-3b file (ISO 19005-3) besides its XMP claim (`xmp.rs`): the
//! sRGB output intent, the machine-readable files embedded as associated files, and the print
//! flag on every annotation. Also the way back: [`embedded_file`] reads an embedded file out of
//! a PDF, so a report that travelled alone still gives its data (`--baseline report.pdf`).
//!
//! The attachments are listed twice, as PDF/A-3 asks: in the catalogue's `/AF` (the files the
//! document is *about*, `/AFRelationship /Data`) and in the `/EmbeddedFiles` name tree (what
//! readers show in their attachment panel and `pdfdetach` lists). Everything is built from the
//! options (the date is the report date, no clock), so the bytes stay deterministic.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::{PdfError, PdfOptions};

/// The sRGB profile of the output intent (see `assets/README.md` for source and licence).
const SRGB_ICC: &[u8] = include_bytes!("../assets/sRGB.icc");

/// The output condition the profile stands for, as the ICC registry names it.
const SRGB_NAME: &str = "sRGB IEC61966-2.1";

/// Annotation flag *Print* (PDF 32000-1, 12.5.3): PDF/A wants every annotation printed.
const PRINT: i64 = 4;
/// Annotation flags PDF/A forbids: Invisible (1), Hidden (2), ToggleNoView (256), NoView (32).
const HIDING: i64 = 1 | 2 | 32 | 256;

/// A file embedded in the PDF (see [`PdfOptions::attachments`]): the data the report is about,
/// so that whoever receives only the PDF still has it. Held compressed: a 100,000-control
/// assessment is a quarter of a gigabyte of JSON, a few percent of that compressed, and the
/// typesetter's own memory is most of the budget ([`Attachment::written`] never holds the
/// file whole).
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name, e.g. `assessment.json` (the name tree's key, `/F` and `/UF`).
    pub name: String,
    /// MIME type, e.g. `application/json` (the embedded file's `/Subtype`).
    pub mime: String,
    /// What the file holds, shown by PDF readers (`/Desc`).
    pub description: String,
    /// The file's bytes, zlib-compressed (the stream's `/FlateDecode` data).
    deflated: Vec<u8>,
    /// The file's size in bytes (`/Params /Size`).
    size: u64,
}

impl Attachment {
    /// An attachment of `bytes`.
    pub fn new(name: &str, mime: &str, description: &str, bytes: &[u8]) -> Self {
        let mut d = Deflater::new();
        // Writing into memory cannot fail.
        let _ = d.write_all(bytes);
        Self::of(name, mime, description, d)
    }

    /// An attachment of what `write` writes, compressed as it is written.
    pub fn written(
        name: &str,
        mime: &str,
        description: &str,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<Self> {
        let mut d = Deflater::new();
        {
            // Serializers write a few bytes at a time; the compressor wants blocks.
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut d);
            write(&mut w)?;
            w.flush()?;
        }
        Ok(Self::of(name, mime, description, d))
    }

    fn of(name: &str, mime: &str, description: &str, d: Deflater) -> Self {
        let size = d.size;
        Self {
            name: name.to_owned(),
            mime: mime.to_owned(),
            description: description.to_owned(),
            deflated: d.finish(),
            size,
        }
    }

    /// The file's size in bytes, uncompressed.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// Name, type and sizes, not the (megabytes of) compressed bytes.
impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("description", &self.description)
            .field("size", &self.size)
            .field("deflated", &self.deflated.len())
            .finish()
    }
}

/// Up to this size a file is compressed at the best level (as lopdf compresses the other
/// streams: 7% smaller for the example's assessment.json than the default level, which keeps
/// the example under 350 KB); a larger one at the fast level, which keeps a 100,000-control
/// assessment to seconds.
const BEST_UP_TO: usize = 32 << 20;

/// A zlib writer that holds the first [`BEST_UP_TO`] bytes and compresses them at the best
/// level at the end, or, once more arrives, streams everything at the fast level.
struct Deflater {
    head: Vec<u8>,
    fast: Option<ZlibEncoder<Vec<u8>>>,
    size: u64,
}

impl Deflater {
    fn new() -> Self {
        Self {
            head: Vec::new(),
            fast: None,
            size: 0,
        }
    }

    /// The compressed bytes.
    fn finish(self) -> Vec<u8> {
        let z = match self.fast {
            Some(z) => z,
            None => {
                let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
                let _ = z.write_all(&self.head);
                z
            }
        };
        // Compressing into memory cannot fail.
        z.finish().unwrap_or_default()
    }
}

impl Write for Deflater {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.size += buf.len() as u64;
        if self.fast.is_none() && self.head.len() + buf.len() > BEST_UP_TO {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
            z.write_all(&std::mem::take(&mut self.head))?;
            self.fast = Some(z);
        }
        match &mut self.fast {
            Some(z) => z.write_all(buf)?,
            None => self.head.extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Makes the document PDF/A-3b apart from the XMP: output intent, associated files, printable
/// annotations, PDF 1.7 header (the version PDF/A-3 is based on).
pub(crate) fn add(lo: &mut Document, options: &PdfOptions) -> Result<(), PdfError> {
    lo.version = "1.7".to_owned();
    let intent = output_intent(lo);
    let files = embed(lo, &options.attachments, options.date);
    print_annotations(lo);
    drop_empty_resources(lo);
    let catalog = lo.catalog_mut().map_err(|e| PdfError::Pdf(e.to_string()))?;
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Dictionary(intent)]),
    );
    if files.is_empty() {
        return Ok(());
    }
    let af = files.iter().map(|(_, id)| Object::Reference(*id)).collect();
    catalog.set("AF", Object::Array(af));
    // The name tree's keys sorted by their bytes, as PDF 32000-1 7.9.6 requires.
    let mut sorted = files;
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names = Vec::with_capacity(sorted.len() * 2);
    for (name, id) in sorted {
        names.push(Object::String(name.into_bytes(), StringFormat::Literal));
        names.push(Object::Reference(id));
    }
    let mut tree = Dictionary::new();
    tree.set("Names", Object::Array(names));
    let mut name_dict = Dictionary::new();
    name_dict.set("EmbeddedFiles", Object::Dictionary(tree));
    catalog.set("Names", Object::Dictionary(name_dict));
    Ok(())
}

/// The `/GTS_PDFA1` output intent with the sRGB profile (three components).
fn output_intent(lo: &mut Document) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("N", Object::Integer(3));
    let profile = lo.add_object(Stream::new(dict, SRGB_ICC.to_vec()));
    Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        (
            "OutputConditionIdentifier",
            Object::string_literal(SRGB_NAME),
        ),
        ("Info", Object::string_literal(SRGB_NAME)),
        (
            "RegistryName",
            Object::string_literal("http://www.color.org"),
        ),
        ("DestOutputProfile", Object::Reference(profile)),
    ])
}

/// `D:YYYYMMDD000000+00'00'`: the report date as the information dictionary writes it.
fn pdf_date((y, m, d): (i16, i8, i8)) -> String {
    format!(
        "D:{y:04}{:02}{:02}000000+00'00'",
        m.clamp(1, 12),
        d.clamp(1, 31)
    )
}

/// `text` as a PDF text string: literal when ASCII, else UTF-16BE with a byte order mark.
fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::string_literal(text);
    }
    super::finish::utf16(text)
}

/// One embedded file stream and its file specification per attachment, in the given order:
/// (name, filespec id).
fn embed(lo: &mut Document, files: &[Attachment], date: (i16, i8, i8)) -> Vec<(String, ObjectId)> {
    let date = pdf_date(date);
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let params = Dictionary::from_iter([
            ("Size", Object::Integer(file.size as i64)),
            ("ModDate", Object::string_literal(date.as_str())),
        ]);
        let dict = Dictionary::from_iter([
            ("Type", Object::Name(b"EmbeddedFile".to_vec())),
            ("Subtype", Object::Name(file.mime.as_bytes().to_vec())),
            ("Params", Object::Dictionary(params)),
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ]);
        let stream = Stream::new(dict, file.deflated.clone()).with_compression(false);
        let stream = lo.add_object(stream);
        let ef = Dictionary::from_iter([
            ("F", Object::Reference(stream)),
            ("UF", Object::Reference(stream)),
        ]);
        let spec = Dictionary::from_iter([
            ("Type", Object::Name(b"Filespec".to_vec())),
            ("F", text_string(&file.name)),
            ("UF", text_string(&file.name)),
            ("Desc", text_string(&file.description)),
            ("AFRelationship", Object::Name(b"Data".to_vec())),
            ("EF", Object::Dictionary(ef)),
        ]);
        out.push((file.name.clone(), lo.add_object(spec)));
    }
    out
}

/// Sets the Print flag, and clears the hiding flags, on every annotation of every page.
fn print_annotations(lo: &mut Document) {
    let mut annots: Vec<ObjectId> = Vec::new();
    for page in lo.get_pages().into_values() {
        let Ok(list) = lo
            .get_dictionary(page)
            .and_then(|d| d.get(b"Annots"))
            .and_then(|a| lo.dereference(a))
            .and_then(|(_, a)| a.as_array())
        else {
            continue;
        };
        annots.extend(list.iter().filter_map(|a| a.as_reference().ok()));
    }
    for id in annots {
        if let Ok(annot) = lo.get_dictionary_mut(id) {
            let flags = annot.get(b"F").and_then(Object::as_i64).unwrap_or(0);
            annot.set("F", Object::Integer((flags | PRINT) & !HIDING));
        }
    }
}

/// Resource categories printpdf writes even when empty. An empty `/Shading` names no shading,
/// but validators that approve only what they know (pikepdf's PDF/A checker) stop at it.
const OPTIONAL_RESOURCES: [&[u8]; 5] = [
    b"Shading",
    b"XObject",
    b"ExtGState",
    b"Pattern",
    b"Properties",
];

/// Removes the [`OPTIONAL_RESOURCES`] that are empty dictionaries (inline, or objects of their
/// own, which printpdf writes) from every page's resources.
fn drop_empty_resources(lo: &mut Document) {
    let mut shared: Vec<ObjectId> = Vec::new();
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    for page in &pages {
        match lo.get_dictionary(*page).and_then(|d| d.get(b"Resources")) {
            Ok(Object::Reference(id)) => shared.push(*id),
            Ok(Object::Dictionary(_)) => shared.push(*page),
            _ => {}
        }
    }
    shared.sort();
    shared.dedup();
    for id in shared {
        let empty: Vec<&[u8]> = {
            let Ok(dict) = lo.get_dictionary(id) else {
                continue;
            };
            let res = match dict.get(b"Resources") {
                Ok(Object::Dictionary(inline)) if pages.contains(&id) => inline,
                _ => dict,
            };
            OPTIONAL_RESOURCES
                .into_iter()
                .filter(|key| {
                    let value = res.get(key).and_then(|v| lo.dereference(v));
                    matches!(value, Ok((_, Object::Dictionary(d))) if d.is_empty())
                })
                .collect()
        };
        let Ok(dict) = lo.get_dictionary_mut(id) else {
            continue;
        };
        let res = match dict.get_mut(b"Resources") {
            Ok(Object::Dictionary(inline)) => inline,
            _ => dict,
        };
        for key in empty {
            res.remove(key);
        }
    }
}

/// How deep [`embedded_file`] follows a name tree's `/Kids` (kansa writes one level; a
/// hostile file cannot send it round in circles).
const MAX_TREE_DEPTH: usize = 16;

/// The bytes of the file embedded under `name` in the PDF `pdf` (looked up in the
/// `/EmbeddedFiles` name tree, then in the catalogue's `/AF`), or `None` when the PDF embeds
/// no such file. An error when `pdf` cannot be read as a PDF, is encrypted, or a stream would
/// decompress to more than `max_bytes` (a small file must not fill the memory).
pub fn embedded_file(
    pdf: &[u8],
    name: &str,
    max_bytes: usize,
) -> Result<Option<Vec<u8>>, PdfError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(max_bytes),
        ..Default::default()
    };
    let lo =
        Document::load_mem_with_options(pdf, options).map_err(|e| PdfError::Pdf(e.to_string()))?;
    if lo.is_encrypted() {
        return Err(PdfError::Pdf("the PDF is encrypted".to_owned()));
    }
    let catalog = lo.catalog().map_err(|e| PdfError::Pdf(e.to_string()))?;
    let mut specs = Vec::new();
    if let Ok(tree) = catalog
        .get_deref(b"Names", &lo)
        .and_then(Object::as_dict)
        .and_then(|n| n.get_deref(b"EmbeddedFiles", &lo))
        .and_then(Object::as_dict)
    {
        name_tree_values(&lo, tree, name, 0, &mut specs);
    }
    if let Ok(af) = catalog.get_deref(b"AF", &lo).and_then(Object::as_array) {
        specs.extend(
            af.iter()
                .filter_map(|s| lo.dereference(s).ok())
                .filter_map(|(_, s)| s.as_dict().ok())
                .filter(|s| spec_name(s).as_deref() == Some(name)),
        );
    }
    for spec in specs {
        let Ok(ef) = spec.get_deref(b"EF", &lo).and_then(Object::as_dict) else {
            continue;
        };
        let file = ef
            .get_deref(b"UF", &lo)
            .or_else(|_| ef.get_deref(b"F", &lo));
        if let Ok(stream) = file.and_then(Object::as_stream) {
            return stream
                .decompressed_content_with_limit(max_bytes)
                .map(Some)
                .map_err(|e| PdfError::Pdf(format!("embedded {name}: {e}")));
        }
    }
    Ok(None)
}

/// The file specifications stored under key `name` in a name tree node and its kids.
fn name_tree_values<'a>(
    lo: &'a Document,
    node: &'a Dictionary,
    name: &str,
    depth: usize,
    out: &mut Vec<&'a Dictionary>,
) {
    if depth > MAX_TREE_DEPTH {
        return;
    }
    if let Ok(pairs) = node.get_deref(b"Names", lo).and_then(Object::as_array) {
        for pair in pairs.chunks(2) {
            let [key, value] = pair else { continue };
            let key = key.as_str().ok().map(decode_text);
            if key.as_deref() == Some(name)
                && let Ok((_, spec)) = lo.dereference(value)
                && let Ok(spec) = spec.as_dict()
            {
                out.push(spec);
            }
        }
    }
    if let Ok(kids) = node.get_deref(b"Kids", lo).and_then(Object::as_array) {
        for kid in kids {
            if let Ok((_, Object::Dictionary(kid))) = lo.dereference(kid) {
                name_tree_values(lo, kid, name, depth + 1, out);
            }
        }
    }
}

/// A file specification's file name: `/UF`, else `/F`.
fn spec_name(spec: &Dictionary) -> Option<String> {
    let name = spec.get(b"UF").or_else(|_| spec.get(b"F")).ok()?;
    name.as_str().ok().map(decode_text)
}

/// A PDF text string as text: UTF-16BE after a byte order mark, else (PDFDocEncoding, which
/// agrees with Latin-1 for the names kansa writes) byte by byte.
fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No limit to speak of, for the tests that are not about it.
    const MAX: usize = 1 << 30;
    const GAPS: &[u8] = b"\xEF\xBB\xBFkey,id\r\n";
    const JSON: &[u8] = br#"{"schema_version":1}"#;

    fn options() -> PdfOptions {
        PdfOptions {
            title: "報告書".into(),
            date: (2026, 11, 25),
            attachments: vec![
                Attachment::new("gaps.csv", "text/csv", "ギャップ一覧", GAPS),
                Attachment::new(
                    "assessment.json",
                    "application/json",
                    "Assessment (kansa JSON)",
                    JSON,
                ),
            ],
            ..PdfOptions::default()
        }
    }

    fn typeset(o: &PdfOptions) -> Vec<u8> {
        crate::typeset("# 表紙\n\n## 一\n\n[リンク](https://example.com)\n", o).unwrap()
    }

    /// The catalogue of `pdf`, loaded, and a dereferencing getter.
    fn load(pdf: &[u8]) -> Document {
        Document::load_mem(pdf).unwrap()
    }

    #[test]
    fn the_attachments_come_back_byte_for_byte() {
        let o = options();
        let pdf = typeset(&o);
        for (name, bytes) in [("gaps.csv", GAPS), ("assessment.json", JSON)] {
            assert_eq!(
                embedded_file(&pdf, name, MAX).unwrap().as_deref(),
                Some(bytes)
            );
        }
        assert_eq!(embedded_file(&pdf, "report.md", MAX).unwrap(), None);
        let none = typeset(&PdfOptions::default());
        assert_eq!(embedded_file(&none, "assessment.json", MAX).unwrap(), None);
        assert!(embedded_file(b"%PDF-1.7\nnot a pdf", "assessment.json", MAX).is_err());
        let small = JSON.len() - 1;
        assert!(
            embedded_file(&pdf, "assessment.json", small).is_err(),
            "over the limit"
        );
    }

    #[test]
    fn the_catalogue_lists_associated_files_and_a_sorted_name_tree() {
        let pdf = typeset(&options());
        let lo = load(&pdf);
        let cat = lo.catalog().unwrap();
        let af = cat.get(b"AF").unwrap().as_array().unwrap();
        assert_eq!(af.len(), 2);
        for spec in af {
            let spec = lo.get_dictionary(spec.as_reference().unwrap()).unwrap();
            assert_eq!(
                spec.get(b"AFRelationship").unwrap().as_name().unwrap(),
                b"Data"
            );
            assert_eq!(spec.get(b"F").unwrap(), spec.get(b"UF").unwrap());
            assert!(spec.get(b"Desc").is_ok());
            let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
            let file = lo.get_object(ef.get(b"F").unwrap().as_reference().unwrap());
            let file = file.unwrap().as_stream().unwrap();
            assert_eq!(
                file.dict.get(b"Type").unwrap().as_name().unwrap(),
                b"EmbeddedFile"
            );
            let params = file.dict.get(b"Params").unwrap().as_dict().unwrap();
            assert_eq!(
                params.get(b"ModDate").unwrap().as_str().unwrap(),
                b"D:20261125000000+00'00'"
            );
            let size = params.get(b"Size").unwrap().as_i64().unwrap();
            assert_eq!(size as usize, file.decompressed_content().unwrap().len());
        }
        let names = cat.get(b"Names").unwrap().as_dict().unwrap();
        let tree = names.get(b"EmbeddedFiles").unwrap().as_dict().unwrap();
        let keys: Vec<&[u8]> = tree.get(b"Names").unwrap().as_array().unwrap()[..]
            .chunks(2)
            .map(|p| p[0].as_str().unwrap())
            .collect();
        assert_eq!(keys, [&b"assessment.json"[..], b"gaps.csv"], "sorted");
        let mime = |name: &str| {
            let id = tree.get(b"Names").unwrap().as_array().unwrap()[..]
                .chunks(2)
                .find(|p| p[0].as_str().unwrap() == name.as_bytes())
                .map(|p| p[1].as_reference().unwrap())
                .unwrap();
            let spec = lo.get_dictionary(id).unwrap();
            let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
            let file = lo.get_object(ef.get(b"F").unwrap().as_reference().unwrap());
            file.unwrap()
                .as_stream()
                .unwrap()
                .dict
                .get(b"Subtype")
                .unwrap()
                .as_name()
                .unwrap()
                .to_vec()
        };
        assert_eq!(mime("assessment.json"), b"application/json");
        assert_eq!(mime("gaps.csv"), b"text/csv");
    }

    #[test]
    fn the_output_intent_is_srgb_and_annotations_print() {
        let pdf = typeset(&options());
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let lo = load(&pdf);
        let cat = lo.catalog().unwrap();
        let intents = cat.get(b"OutputIntents").unwrap().as_array().unwrap();
        assert_eq!(intents.len(), 1);
        let intent = intents[0].as_dict().unwrap();
        assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
        let icc = intent
            .get(b"DestOutputProfile")
            .unwrap()
            .as_reference()
            .unwrap();
        let icc = lo.get_object(icc).unwrap().as_stream().unwrap();
        assert_eq!(icc.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
        assert_eq!(icc.decompressed_content().unwrap(), SRGB_ICC);
        let mut links = 0;
        for page in lo.get_pages().into_values() {
            let dict = lo.get_dictionary(page).unwrap();
            let res = lo.get_dict_in_dict(dict, b"Resources").unwrap();
            assert!(res.get(b"Font").is_ok());
            for key in OPTIONAL_RESOURCES {
                assert!(
                    res.get(key).is_err(),
                    "empty {} left",
                    String::from_utf8_lossy(key)
                );
            }
            for a in dict
                .get(b"Annots")
                .and_then(Object::as_array)
                .into_iter()
                .flatten()
            {
                let a = lo.get_dictionary(a.as_reference().unwrap()).unwrap();
                assert_eq!(a.get(b"F").unwrap().as_i64().unwrap(), PRINT);
                links += 1;
            }
        }
        assert!(links > 0, "the test document has a link");
        assert!(!String::from_utf8_lossy(&pdf).contains("GTS_PDFX"));
    }

    #[test]
    fn the_same_options_give_the_same_bytes() {
        let o = options();
        assert_eq!(typeset(&o), typeset(&o));
        let mut other = options();
        other.attachments[1] = Attachment::new("assessment.json", "application/json", "", b"{}");
        assert_ne!(typeset(&o), typeset(&other));
    }

    /// Past [`BEST_UP_TO`] the writer switches to streaming at the fast level; the bytes come
    /// back whole, written in one piece or in many, and the same writes give the same bytes.
    #[test]
    fn large_files_stream_and_come_back_whole() {
        use std::io::Read;
        let line = "{\"id\": \"設1\", \"status\": \"implemented\"},\n".as_bytes();
        let big: Vec<u8> = line
            .iter()
            .copied()
            .cycle()
            .take(BEST_UP_TO + 4096)
            .collect();
        let piecewise = Attachment::written("a.json", "application/json", "", |w| {
            big.chunks(1000).try_for_each(|c| w.write_all(c))
        })
        .unwrap();
        let whole = Attachment::new("a.json", "application/json", "", &big);
        for a in [&piecewise, &whole] {
            assert_eq!(a.size(), big.len() as u64);
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&a.deflated[..])
                .read_to_end(&mut back)
                .unwrap();
            assert!(back == big, "round trip");
        }
        // The same writes give the same bytes. (Different chunkings may not: with flate2's
        // zlib-rs backend, which the workspace build selects, block boundaries follow them.)
        let again = Attachment::written("a.json", "application/json", "", |w| {
            big.chunks(1000).try_for_each(|c| w.write_all(c))
        })
        .unwrap();
        assert_eq!(piecewise, again, "deterministic");
        assert_eq!(
            whole,
            Attachment::new("a.json", "application/json", "", &big)
        );
        let small = Attachment::new("s", "text/plain", "", &big[..1000]);
        assert_eq!(small.size(), 1000);
        assert!(format!("{small:?}").contains("size: 1000"), "{small:?}");
    }

    #[test]
    fn names_decode_from_either_encoding() {
        assert_eq!(decode_text(b"gaps.csv"), "gaps.csv");
        let Object::String(utf16, _) = text_string("監査.json") else {
            panic!("a string")
        };
        assert_eq!(decode_text(&utf16), "監査.json");
        assert_eq!(pdf_date((2026, 1, 2)), "D:20260102000000+00'00'");
    }
}

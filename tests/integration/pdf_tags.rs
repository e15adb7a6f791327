//! The example PDF's logical structure (issue 14: tagged PDF, PDF/UA-1), read back from the
//! file: the structure tree is walked with lopdf and each element's text is taken from the
//! marked content it points at (MCIDs on its pages, decoded through the font's ToUnicode map).

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::example_report;

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Per font resource name: glyph id → text, from the font's ToUnicode CMap (`bfchar`
/// entries, as printpdf writes them).
type FontMaps = HashMap<Vec<u8>, HashMap<u16, String>>;

fn to_unicode(doc: &Document) -> FontMaps {
    let first = *doc.get_pages().values().next().unwrap();
    let mut maps = FontMaps::new();
    for (name, font) in doc.get_page_fonts(first).unwrap() {
        let tu = font
            .get(b"ToUnicode")
            .and_then(Object::as_reference)
            .unwrap();
        let stream = doc.get_object(tu).unwrap().as_stream().unwrap();
        let cmap = String::from_utf8(stream.decompressed_content().unwrap()).unwrap();
        let mut map = HashMap::new();
        let mut in_chars = false;
        for line in cmap.lines() {
            if line.ends_with("beginbfchar") {
                in_chars = true;
            } else if line == "endbfchar" {
                in_chars = false;
            } else if in_chars {
                let hexes: Vec<&str> = line
                    .split(['<', '>', ' '])
                    .filter(|s| !s.is_empty())
                    .collect();
                let gid = u16::from_str_radix(hexes[0], 16).unwrap();
                let units: Vec<u16> = hexes[1]
                    .as_bytes()
                    .chunks(4)
                    .map(|c| u16::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                    .collect();
                map.insert(gid, String::from_utf16(&units).unwrap());
            }
        }
        assert!(!map.is_empty(), "no ToUnicode map");
        maps.insert(name, map);
    }
    maps
}

/// The text of each page: per MCID, what artifacts show, and what is shown outside any
/// marked content.
#[derive(Default)]
struct PageText {
    tagged: HashMap<i64, String>,
    artifact: String,
    unmarked: String,
}

fn page_texts(doc: &Document, fonts: &FontMaps) -> (Vec<ObjectId>, Vec<PageText>) {
    let ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let mut texts = Vec::new();
    for &id in &ids {
        let content = Content::decode(&doc.get_page_content(id)).unwrap();
        let mut page = PageText::default();
        // The open marked-content sequences: Some(mcid) for tagged content, None for artifacts.
        let mut marks: Vec<Option<i64>> = Vec::new();
        let mut font: &[u8] = b"";
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap(),
                "BDC" | "BMC" => {
                    let artifact =
                        op.operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact");
                    let mcid = op
                        .operands
                        .get(1)
                        .and_then(|o| o.as_dict().ok())
                        .and_then(|d| d.get(b"MCID").ok())
                        .and_then(|m| m.as_i64().ok());
                    marks.push(if artifact { None } else { mcid });
                }
                "EMC" => {
                    marks.pop().expect("EMC without BDC/BMC");
                }
                "Tj" => {
                    let Some(Object::String(bytes, _)) = op.operands.first() else {
                        continue;
                    };
                    let text: String = bytes
                        .chunks_exact(2)
                        .map(|c| {
                            fonts[font]
                                .get(&u16::from_be_bytes([c[0], c[1]]))
                                .cloned()
                                .unwrap_or_default()
                        })
                        .collect();
                    match marks.last() {
                        Some(Some(mcid)) => page.tagged.entry(*mcid).or_default().push_str(&text),
                        Some(None) => page.artifact.push_str(&text),
                        None => page.unmarked.push_str(&text),
                    }
                }
                _ => {}
            }
        }
        assert!(
            marks.is_empty(),
            "unbalanced marked content on page {}",
            texts.len() + 1
        );
        texts.push(page);
    }
    (ids, texts)
}

/// A structure element read back: its type, text (in structure order), alternate text and
/// child elements.
struct Elem {
    role: String,
    lang: Option<Vec<u8>>,
    text: String,
    alt: Option<String>,
    kids: Vec<usize>,
    parent: Option<usize>,
}

struct Walk<'a> {
    doc: &'a Document,
    page_index: HashMap<ObjectId, usize>,
    texts: &'a [PageText],
    elems: Vec<Elem>,
}

impl Walk<'_> {
    fn element(&mut self, dict: &Dictionary, parent: Option<usize>) -> usize {
        let n = self.elems.len();
        let role = String::from_utf8(dict.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap();
        let alt = dict.get(b"Alt").ok().map(|a| {
            let bytes = a.as_str().unwrap();
            let units: Vec<u16> = bytes[2..]
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        });
        let lang = dict.get(b"Lang").ok().map(|l| l.as_str().unwrap().to_vec());
        self.elems.push(Elem {
            role,
            lang,
            text: String::new(),
            alt,
            kids: Vec::new(),
            parent,
        });
        let page = dict.get(b"Pg").ok().and_then(|p| p.as_reference().ok());
        let kids = match dict.get(b"K") {
            Ok(Object::Array(items)) => items.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            let text = self.kid(&kid, page, n);
            self.elems[n].text.push_str(&text);
        }
        n
    }

    /// A kid's text (an MCID, a marked-content reference or a child element).
    fn kid(&mut self, kid: &Object, page: Option<ObjectId>, parent: usize) -> String {
        match kid {
            Object::Integer(mcid) => self.content(page.expect("MCID without /Pg"), *mcid),
            Object::Reference(id) => {
                let dict = self.doc.get_dictionary(*id).unwrap().clone();
                let child = self.element(&dict, Some(parent));
                self.elems[parent].kids.push(child);
                self.elems[child].text.clone()
            }
            Object::Dictionary(d) => match d.get(b"Type").and_then(Object::as_name) {
                Ok(b"MCR") => {
                    let pg = d.get(b"Pg").unwrap().as_reference().unwrap();
                    self.content(pg, d.get(b"MCID").unwrap().as_i64().unwrap())
                }
                Ok(b"OBJR") => String::new(),
                _ => panic!("unexpected kid {kid:?}"),
            },
            other => panic!("unexpected kid {other:?}"),
        }
    }

    fn content(&self, page: ObjectId, mcid: i64) -> String {
        let i = self.page_index[&page];
        self.texts[i]
            .tagged
            .get(&mcid)
            .cloned()
            .unwrap_or_else(|| panic!("page {} has no MCID {mcid}", i + 1))
    }
}

#[test]
fn structure_tree_holds_every_control_in_a_table_cell_and_charts_have_alt_text() {
    let pdf = example_report("pdf", &[]);
    let doc = Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let marked = catalog
        .get(b"MarkInfo")
        .and_then(Object::as_dict)
        .and_then(|m| m.get(b"Marked"));
    assert!(marked.unwrap().as_bool().unwrap(), "MarkInfo /Marked true");
    let cmap = to_unicode(&doc);
    let (ids, texts) = page_texts(&doc, &cmap);

    // Nothing is shown outside marked content: real content or an artifact.
    for (i, t) in texts.iter().enumerate() {
        assert!(
            t.unmarked.is_empty(),
            "page {}: untagged text {:?}",
            i + 1,
            t.unmarked
        );
    }
    // The running header (title) and footer (n / N) are artifacts on every page after the cover.
    let total = texts.len();
    for (i, t) in texts.iter().enumerate().skip(1) {
        let artifact = squeeze(&t.artifact);
        assert!(
            artifact.contains("ギャップ分析報告書"),
            "page {}: header is not an artifact",
            i + 1
        );
        assert!(
            artifact.contains(&format!("{}/{total}", i + 1)),
            "page {}: footer is not an artifact",
            i + 1
        );
    }

    let root_id = catalog
        .get(b"StructTreeRoot")
        .unwrap()
        .as_reference()
        .unwrap();
    let root = doc.get_dictionary(root_id).unwrap();
    let top = match root.get(b"K").unwrap() {
        Object::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    assert_eq!(top.len(), 1, "one Document element");
    let document = doc
        .get_dictionary(top[0].as_reference().unwrap())
        .unwrap()
        .clone();
    let mut walk = Walk {
        doc: &doc,
        page_index: ids.iter().enumerate().map(|(i, id)| (*id, i)).collect(),
        texts: &texts,
        elems: Vec::new(),
    };
    walk.element(&document, None);
    let elems = walk.elems;
    assert_eq!(elems[0].role, "Document");

    // Every MCID of every page belongs to exactly one element (the parent tree agrees).
    let tagged: usize = texts.iter().map(|t| t.tagged.len()).sum();
    assert!(tagged > 1000, "{tagged} tagged sequences");

    // Every control id is the whole text of a TD in a TR of a table body, with its
    // requirement in the next cell of the row (the details table).
    let parent_role = |e: &Elem| e.parent.map(|p| elems[p].role.as_str());
    let mut cells_by_text: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, e) in elems.iter().enumerate() {
        if e.role == "TD" {
            cells_by_text.entry(squeeze(&e.text)).or_default().push(n);
        }
    }
    let catalogue = kansa::load::load_catalogue("fisc-2012").unwrap();
    let mut missing = Vec::new();
    for c in &catalogue.controls {
        let found = cells_by_text
            .get(&squeeze(&c.id))
            .into_iter()
            .flatten()
            .any(|&td| {
                let tr = elems[td].parent.unwrap();
                let row = &elems[tr];
                let next = row
                    .kids
                    .iter()
                    .position(|k| *k == td)
                    .and_then(|i| row.kids.get(i + 1));
                parent_role(&elems[td]) == Some("TR")
                    && parent_role(row).is_some_and(|r| r == "TBody")
                    && next.is_some_and(|n| squeeze(&elems[*n].text).starts_with(&squeeze(&c.text)))
            });
        if !found {
            missing.push(c.id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "controls not in a TD of a TR with their text: {missing:?}"
    );

    // Header cells say what their column is.
    let ths: Vec<&Elem> = elems.iter().filter(|e| e.role == "TH").collect();
    let heads: Vec<&str> = ths.iter().map(|e| e.text.as_str()).collect();
    assert!(
        heads.contains(&"項番"),
        "an ID (項番) column header: {heads:?}"
    );

    // Every chart is a Figure with its numbers in words.
    let figures: Vec<&Elem> = elems.iter().filter(|e| e.role == "Figure").collect();
    assert!(figures.len() >= 2, "{} figures", figures.len());
    for f in &figures {
        let alt = f.alt.as_deref().unwrap_or_default();
        assert!(
            alt.contains('%') && alt.contains(':'),
            "figure alt text: {alt:?}"
        );
    }

    // Text in English in the Japanese report says so (/Lang en, UTF-16BE).
    let en: Vec<u8> = [0xfe, 0xff, 0, b'e', 0, b'n'].to_vec();
    let english: Vec<&Elem> = elems
        .iter()
        .filter(|e| e.lang.as_ref() == Some(&en))
        .collect();
    assert!(
        english.iter().any(|e| e.text.contains("aws.amazon.com")),
        "the AWS URL is marked English"
    );
    assert!(
        english
            .iter()
            .all(|e| e.text.chars().all(|c| (c as u32) < 0x3000))
    );

    // Headings: the title, the sections, the TOC as a TOC of TOCIs holding links.
    assert!(
        elems
            .iter()
            .any(|e| e.role == "H1" && e.text.contains("ギャップ分析報告書"))
    );
    assert!(elems.iter().filter(|e| e.role == "H2").count() >= 4);
    let tocis: Vec<&Elem> = elems.iter().filter(|e| e.role == "TOCI").collect();
    assert!(
        !tocis.is_empty()
            && tocis
                .iter()
                .all(|e| e.kids.iter().any(|k| elems[*k].role == "Link"))
    );
}

#[test]
fn link_annotations_belong_to_link_elements_and_say_where_they_go() {
    let pdf = example_report("pdf", &[]);
    let doc = Document::load_mem(&pdf).unwrap();
    let root = doc
        .catalog()
        .unwrap()
        .get(b"StructTreeRoot")
        .unwrap()
        .as_reference()
        .unwrap();
    let root = doc.get_dictionary(root).unwrap();
    let parent_tree = doc
        .get_dictionary(root.get(b"ParentTree").unwrap().as_reference().unwrap())
        .unwrap();
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let keys: HashMap<i64, &Object> = nums
        .chunks(2)
        .map(|kv| (kv[0].as_i64().unwrap(), &kv[1]))
        .collect();
    let mut links = 0;
    for (i, (_, page)) in doc.get_pages().iter().enumerate() {
        let page = doc.get_dictionary(*page).unwrap();
        assert_eq!(
            page.get(b"StructParents").unwrap().as_i64().unwrap(),
            i as i64
        );
        assert_eq!(page.get(b"Tabs").unwrap().as_name().unwrap(), b"S");
        let Ok(annots) = page.get(b"Annots").and_then(Object::as_array) else {
            continue;
        };
        for a in annots {
            let annot = doc.get_dictionary(a.as_reference().unwrap()).unwrap();
            assert!(!annot.get(b"Contents").unwrap().as_str().unwrap().is_empty());
            assert_eq!(annot.get(b"F").unwrap().as_i64().unwrap(), 4, "printable");
            let key = annot.get(b"StructParent").unwrap().as_i64().unwrap();
            let elem = doc
                .get_dictionary(keys[&key].as_reference().unwrap())
                .unwrap();
            assert_eq!(elem.get(b"S").unwrap().as_name().unwrap(), b"Link");
            links += 1;
        }
    }
    assert!(links > 30, "{links} links");
    assert_eq!(
        root.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap() as usize,
        keys.len()
    );
}

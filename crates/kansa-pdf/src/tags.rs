//! The logical structure of the PDF (tagged PDF, PDF/UA-1, ISO 14289-1).
//!
//! Layout opens and closes structure elements as it goes ([`Tree::open`], [`Tree::close`]):
//! a paragraph is a `P`, a table `Table`/`THead`/`TBody`/`TR`/`TH`/`TD`, a chart a `Figure`
//! with its numbers in words as alternate text. Each draw is marked with the element on top
//! of the stack (`layout.rs`, `Ctx::push`): text as real content (`BDC` with an MCID),
//! rules, backgrounds, repeated table headers and the running header and footer as
//! artifacts. So screen readers and text extraction in structure order read the report
//! control by control, not column by column.
//!
//! The tree is kept compact (a role and a parent per element, one flat list of children)
//! because a 100k-control report has about 700,000 elements; it is serialized straight into
//! object streams at the end (`save.rs`), never as lopdf objects.

use std::io::Write;

use lopdf::ObjectId;

/// The standard structure types kansa uses (ISO 32000-1, 14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Document,
    /// A heading, `H1`…`H6`.
    H(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    BlockQuote,
    Table,
    THead,
    TBody,
    TR,
    TH,
    TD,
    Link,
    Figure,
    Code,
    Toc,
    Toci,
}

impl Role {
    /// The structure type's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::H(1) => "H1",
            Role::H(2) => "H2",
            Role::H(3) => "H3",
            Role::H(4) => "H4",
            Role::H(5) => "H5",
            Role::H(_) => "H6",
            Role::P => "P",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::BlockQuote => "BlockQuote",
            Role::Table => "Table",
            Role::THead => "THead",
            Role::TBody => "TBody",
            Role::TR => "TR",
            Role::TH => "TH",
            Role::TD => "TD",
            Role::Link => "Link",
            Role::Figure => "Figure",
            Role::Code => "Code",
            Role::Toc => "TOC",
            Role::Toci => "TOCI",
        }
    }
}

/// What a draw on a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Real content of structure element `n`.
    Tagged(u32),
    /// Decoration (rules, backgrounds, repeated headers).
    Artifact,
}

/// One child of a structure element, in reading order.
#[derive(Debug, Clone, Copy)]
enum Kid {
    Elem(u32),
    /// Marked content `mcid` on page `page` (0-based).
    Content {
        page: u32,
        mcid: u32,
    },
}

/// The structure tree being built. Element 0 is the `Document`.
pub(crate) struct Tree {
    roles: Vec<Role>,
    parents: Vec<u32>,
    /// (parent, child) in the order the children were added.
    kids: Vec<(u32, Kid)>,
    /// Alternate descriptions (figures).
    alt: Vec<(u32, String)>,
    /// Per element, the scripts of the text it holds itself ([`CJK`], [`LATIN`]).
    scripts: Vec<u8>,
    stack: Vec<u32>,
    /// For each page, the element each MCID belongs to (the MCID is the index).
    pub(crate) page_marks: Vec<Vec<u32>>,
}

impl Tree {
    pub(crate) fn new() -> Self {
        Self {
            roles: vec![Role::Document],
            parents: vec![u32::MAX],
            kids: Vec::new(),
            alt: Vec::new(),
            scripts: vec![0],
            stack: vec![0],
            page_marks: Vec::new(),
        }
    }

    /// The element on top of the stack.
    pub(crate) fn top(&self) -> u32 {
        self.stack.last().copied().unwrap_or(0)
    }

    pub(crate) fn role(&self, n: u32) -> Role {
        self.roles[n as usize]
    }

    /// A new element below `parent` (not entered).
    pub(crate) fn child(&mut self, parent: u32, role: Role) -> u32 {
        let n = self.roles.len() as u32;
        self.roles.push(role);
        self.parents.push(parent);
        self.scripts.push(0);
        self.kids.push((parent, Kid::Elem(n)));
        n
    }

    /// A new element below the top one, entered.
    pub(crate) fn open(&mut self, role: Role) -> u32 {
        let n = self.child(self.top(), role);
        self.stack.push(n);
        n
    }

    /// Enters an existing element (a table cell continued on the next page).
    pub(crate) fn enter(&mut self, n: u32) {
        self.stack.push(n);
    }

    /// Leaves the top element (opened or entered).
    pub(crate) fn close(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    /// Gives element `n` an alternate description.
    pub(crate) fn set_alt(&mut self, n: u32, alt: String) {
        self.alt.push((n, alt));
    }

    /// The next MCID on `page` (0-based), for content of element `n`.
    pub(crate) fn mark(&mut self, page: usize, n: u32) -> u32 {
        if self.page_marks.len() <= page {
            self.page_marks.resize_with(page + 1, Vec::new);
        }
        let marks = &mut self.page_marks[page];
        let mcid = marks.len() as u32;
        marks.push(n);
        self.kids.push((
            n,
            Kid::Content {
                page: page as u32,
                mcid,
            },
        ));
        mcid
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        self.roles.len()
    }

    /// Notes the scripts of `text`, drawn as content of element `n` (for its `/Lang`).
    pub(crate) fn note_text(&mut self, n: u32, text: &str) {
        let s = &mut self.scripts[n as usize];
        for c in text.chars() {
            if c.is_ascii_alphabetic() {
                *s |= LATIN;
            } else if is_cjk(c) {
                *s |= CJK;
            }
        }
    }

    /// Whether every element opened has been closed.
    pub(crate) fn balanced(&self) -> bool {
        self.stack == [0]
    }
}

/// The element holds Japanese text (kana, kanji, CJK punctuation and full-width forms).
const CJK: u8 = 1;
/// The element holds Latin letters.
const LATIN: u8 = 2;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}' | '\u{20000}'..='\u{3ffff}')
}

/// The `/Lang` of an element whose text is in another language than the document's: Latin
/// letters and no Japanese in a Japanese document are English (an AWS product name, a URL, an
/// English answer), Japanese in an English document is Japanese. `None` for the document's
/// own language, mixed text and text without letters (dates, numbers).
fn span_lang(scripts: u8, doc_lang: &str) -> Option<&'static str> {
    let ja = doc_lang.starts_with("ja");
    match scripts {
        LATIN if ja => Some("en"),
        CJK if !ja => Some("ja"),
        _ => None,
    }
}

/// A link annotation that belongs to a `Link` element.
pub(crate) struct LinkAnnot {
    pub(crate) elem: u32,
    pub(crate) annot: ObjectId,
    pub(crate) page: ObjectId,
    /// Its `/StructParent` key in the parent tree.
    pub(crate) key: u32,
}

/// The serialized structure: the objects (numbered from `first`) and the number of the
/// `StructTreeRoot`.
pub(crate) struct Serialized {
    pub(crate) objects: Vec<(u32, Vec<u8>)>,
    pub(crate) root: u32,
}

/// Serializes `tree` as structure element objects numbered from `first` (element `n` is
/// object `first + n`), the `StructTreeRoot` and its `ParentTree`. `pages` are the page
/// objects in order; every page's `/StructParents` is its index, every link annotation's
/// `/StructParent` its [`LinkAnnot::key`].
pub(crate) fn serialize(
    tree: Tree,
    first: u32,
    pages: &[ObjectId],
    annots: &[LinkAnnot],
    lang: &str,
) -> Serialized {
    let Tree {
        roles,
        parents,
        mut kids,
        alt,
        page_marks,
        scripts,
        ..
    } = tree;
    let count = roles.len() as u32;
    let root = first + count;
    let parent_tree = root + 1;
    let id = |n: u32| first + n;
    // Children grouped by parent, each group in insertion (reading) order.
    kids.sort_by_key(|(p, _)| *p);
    let mut alt_of: Vec<Option<String>> = vec![None; roles.len()];
    for (n, a) in alt {
        alt_of[n as usize] = Some(a);
    }
    let mut annots_of: Vec<Vec<&LinkAnnot>> = vec![Vec::new(); roles.len()];
    for a in annots {
        annots_of[a.elem as usize].push(a);
    }
    let mut objects = Vec::with_capacity(roles.len() + 2);
    let mut at = 0;
    for n in 0..count {
        let start = at;
        while at < kids.len() && kids[at].0 == n {
            at += 1;
        }
        let mine = &kids[start..at];
        let mut o = Vec::with_capacity(64);
        // `/Type /StructElem` is optional (ISO 32000-1, table 323): left out of all of them.
        o.extend_from_slice(b"<</S/");
        o.extend_from_slice(roles[n as usize].name().as_bytes());
        let parent = parents[n as usize];
        let p = if parent == u32::MAX { root } else { id(parent) };
        write!(o, "/P {p} 0 R").ok();
        // A single page for all of the element's content: /Pg once, MCIDs as integers.
        // (One pass, no allocation: this runs for each of up to ~700,000 elements.)
        let mut content_pages = mine.iter().filter_map(|(_, k)| match k {
            Kid::Content { page, .. } => Some(*page),
            Kid::Elem(_) => None,
        });
        let one_page = content_pages
            .next()
            .filter(|p0| content_pages.all(|p| p == *p0));
        if let Some(pg) = one_page.and_then(|p| pages.get(p as usize)) {
            write!(o, "/Pg {} 0 R", pg.0).ok();
        }
        match roles[n as usize] {
            Role::TH => o.extend_from_slice(b"/A<</O/Table/Scope/Column>>"),
            Role::Document => {
                o.extend_from_slice(b"/Lang");
                super::save::text_string(&mut o, lang);
            }
            _ => {}
        }
        if let Some(l) = span_lang(scripts[n as usize], lang) {
            o.extend_from_slice(b"/Lang");
            super::save::text_string(&mut o, l);
        }
        if let Some(a) = &alt_of[n as usize] {
            o.extend_from_slice(b"/Alt");
            super::save::text_string(&mut o, a);
        }
        // One kid is written bare (most elements: smaller, and some checkers read only that).
        let mut k = Vec::with_capacity(16);
        let mut kids_n = 0;
        for (_, kid) in mine {
            kids_n += 1;
            match *kid {
                Kid::Elem(c) => write!(k, "{} 0 R ", id(c)).ok(),
                Kid::Content { mcid, .. } if one_page.is_some() => write!(k, "{mcid} ").ok(),
                Kid::Content { page, mcid } => match pages.get(page as usize) {
                    Some(pg) => write!(k, "<</Type/MCR/Pg {} 0 R/MCID {mcid}>> ", pg.0).ok(),
                    None => Some(()),
                },
            };
        }
        for a in &annots_of[n as usize] {
            kids_n += 1;
            write!(
                k,
                "<</Type/OBJR/Obj {} 0 R/Pg {} 0 R>> ",
                a.annot.0, a.page.0
            )
            .ok();
        }
        k.pop();
        match kids_n {
            0 => {}
            1 => {
                o.extend_from_slice(b"/K ");
                o.extend_from_slice(&k);
            }
            _ => {
                o.extend_from_slice(b"/K[");
                o.extend_from_slice(&k);
                o.push(b']');
            }
        }
        o.extend_from_slice(b">>");
        objects.push((id(n), o));
    }
    let next_key = pages.len() as u32 + annots.len() as u32;
    let mut o = Vec::with_capacity(128);
    write!(
        o,
        "<</Type/StructTreeRoot/K[{} 0 R]/ParentTree {parent_tree} 0 R/ParentTreeNextKey {next_key}>>",
        id(0)
    )
    .ok();
    objects.push((root, o));
    // The parent tree: for each page, the element of each MCID; for each annotation, its
    // Link element. One node: a flat /Nums array in key order.
    let mut o = Vec::with_capacity(64 + page_marks.iter().map(Vec::len).sum::<usize>() * 8);
    o.extend_from_slice(b"<</Nums[");
    for (i, _) in pages.iter().enumerate() {
        write!(o, "{i}[").ok();
        for n in page_marks.get(i).into_iter().flatten() {
            write!(o, "{} 0 R ", id(*n)).ok();
        }
        o.extend_from_slice(b"] ");
    }
    let mut by_key: Vec<&LinkAnnot> = annots.iter().collect();
    by_key.sort_by_key(|a| a.key);
    for a in by_key {
        write!(o, "{} {} 0 R ", a.key, id(a.elem)).ok();
    }
    o.extend_from_slice(b"]>>");
    objects.push((parent_tree, o));
    Serialized { objects, root }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_the_other_language_gets_its_own_lang() {
        let mut t = Tree::new();
        let (en, ja, mixed, date) = (
            t.open(Role::P),
            t.child(0, Role::P),
            t.child(0, Role::P),
            t.child(0, Role::P),
        );
        t.note_text(en, "http://aws.amazon.com/security");
        t.note_text(ja, "設備の管理");
        t.note_text(mixed, "AWSの設備");
        t.note_text(date, "2026-11-25");
        t.close();
        let s = serialize(t, 1, &[], &[], "ja");
        let lang = |n: usize| String::from_utf8_lossy(&s.objects[n].1).contains("/Lang");
        assert!(lang(0), "the Document carries the document's language");
        assert_eq!(
            (lang(1), lang(2), lang(3), lang(4)),
            (true, false, false, false)
        );
        assert_eq!(span_lang(CJK, "en"), Some("ja"));
        assert_eq!(span_lang(LATIN, "en"), None);
    }

    #[test]
    fn elements_serialize_with_their_content_and_parents() {
        let mut t = Tree::new();
        let table = t.open(Role::Table);
        assert_eq!(t.role(table), Role::Table);
        let tr = t.open(Role::TR);
        let th = t.open(Role::TH);
        assert_eq!(t.mark(0, th), 0);
        t.close();
        let td = t.child(tr, Role::TD);
        assert_eq!(t.mark(0, td), 1);
        assert_eq!(t.mark(1, td), 0, "MCIDs count per page");
        t.close();
        t.close();
        let fig = t.open(Role::Figure);
        t.set_alt(fig, "運用: 83.7%".into());
        t.mark(1, fig);
        t.close();
        assert_eq!((t.top(), t.len()), (0, 6));
        let pages = [(10, 0), (11, 0)];
        let annots = [];
        let s = serialize(t, 100, &pages, &annots, "ja");
        let text: Vec<String> = s
            .objects
            .iter()
            .map(|(n, b)| format!("{n}: {}", String::from_utf8_lossy(b)))
            .collect();
        assert_eq!(s.root, 106);
        assert!(text[1].starts_with("101: <</S/Table/P 100 0 R"), "{text:?}");
        assert!(
            text[3].contains("/S/TH")
                && text[3].contains("/Pg 10 0 R")
                && text[3].contains("/Scope/Column")
                && text[3].ends_with("/K 0>>"),
            "{text:?}"
        );
        assert!(
            text[4].contains("/K[<</Type/MCR/Pg 10 0 R/MCID 1>> <</Type/MCR/Pg 11 0 R/MCID 0>>]"),
            "a cell on two pages: {text:?}"
        );
        assert!(
            text[5].contains("/S/Figure") && text[5].contains("/Alt<FEFF"),
            "{text:?}"
        );
        assert!(
            text[6].contains("/StructTreeRoot/K[100 0 R]/ParentTree 107 0 R/ParentTreeNextKey 2")
        );
        assert_eq!(
            text[7],
            "107: <</Nums[0[103 0 R 104 0 R ] 1[104 0 R 105 0 R ] ]>>"
        );
    }
}

//! The document body: the parsed Markdown's blocks as WordprocessingML paragraphs and tables.
//!
//! `##` is Word's Heading 1 (so the navigation pane and Word's own contents work), `###`
//! Heading 2, and so on; the `#` title is the Title style. Every heading is a bookmark (its
//! `{#id}`, else a hidden `_Toc…` name) for the contents' links; `[](anchor:NAME)` is a
//! bookmark too, so `#NAME` links become internal hyperlinks.

use std::collections::{BTreeMap, BTreeSet};

use kansa_pdf::model::{Block, Doc, Span, Target, plain};

use crate::xml::{esc, text};

/// A heading as the table of contents lists it.
pub(crate) struct TocEntry {
    pub level: u8,
    pub text: String,
    pub bookmark: String,
}

/// What the first pass finds: the names links may go to, each heading's bookmark, the
/// contents' entries and the column grid of each table header.
#[derive(Default)]
pub(crate) struct Survey {
    pub names: BTreeSet<String>,
    pub heading_marks: Vec<String>,
    pub toc: Vec<TocEntry>,
    /// Table header (its cells' text) → the widest line of each column, in half-width units.
    pub grids: BTreeMap<String, Vec<usize>>,
}

impl Survey {
    pub(crate) fn of(doc: &Doc) -> Survey {
        let mut s = Survey::default();
        let mut toc_on = false;
        s.walk(&doc.blocks, &mut toc_on);
        s
    }

    fn walk(&mut self, blocks: &[Block], toc_on: &mut bool) {
        for b in blocks {
            match b {
                Block::Heading { level, id, inl } => {
                    let mark = match id {
                        Some(id) if !self.names.contains(id) => id.clone(),
                        _ => format!("_Toc{:08}", self.heading_marks.len() + 1),
                    };
                    self.names.insert(mark.clone());
                    if *toc_on && (*level == 2 || *level == 3) {
                        self.toc.push(TocEntry {
                            level: *level,
                            text: plain(inl).trim().to_owned(),
                            bookmark: mark.clone(),
                        });
                    }
                    self.heading_marks.push(mark);
                    self.spans(inl);
                }
                Block::Para(inl) => self.spans(inl),
                Block::List { items, .. } => items.iter().for_each(|i| self.walk(i, toc_on)),
                Block::Quote(inner) => self.walk(inner, toc_on),
                Block::Table { head, rows, .. } => {
                    let key = header_key(head);
                    let mut widths = self.grids.remove(&key).unwrap_or_default();
                    for row in std::iter::once(head).chain(rows) {
                        if widths.len() < row.len() {
                            widths.resize(row.len(), 0);
                        }
                        for (i, cell) in row.iter().enumerate() {
                            self.spans(cell);
                            widths[i] = widths[i].max(widest_line(cell));
                        }
                    }
                    self.grids.insert(key, widths);
                }
                Block::Toc => *toc_on = true,
                _ => {}
            }
        }
    }

    fn spans(&mut self, spans: &[Span]) {
        for sp in spans {
            if let Span::Anchor(name) = sp {
                self.names.insert(name.clone());
            }
        }
    }
}

/// Tables with the same header row share one grid (the details of every section line up).
pub(crate) fn header_key(head: &[Vec<Span>]) -> String {
    head.iter().map(|c| plain(c)).collect::<Vec<_>>().join("\t")
}

/// Width of `s` in half-width units: East Asian wide characters count two.
pub(crate) fn units(s: &str) -> usize {
    s.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

fn wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The widest line of a cell (lines end at its breaks), in half-width units.
pub(crate) fn widest_line(cell: &[Span]) -> usize {
    lines(cell).iter().map(|l| units(l)).max().unwrap_or(0)
}

/// A cell's lines as plain text.
pub(crate) fn lines(cell: &[Span]) -> Vec<String> {
    let mut out = vec![String::new()];
    for sp in cell {
        match sp {
            Span::Text(t, _) | Span::Badge(t, _) => out.last_mut().unwrap().push_str(t),
            Span::Break => out.push(String::new()),
            Span::Anchor(_) => {}
        }
    }
    out
}

/// Builds `word/document.xml`'s body.
pub(crate) struct Writer<'a> {
    pub out: String,
    pub survey: &'a Survey,
    links: &'a [Target],
    /// Bookmarks already placed (the first place a name is given wins).
    placed: BTreeSet<String>,
    next_id: u32,
    headings: usize,
    /// External addresses, in order of first use: relationship `rIdLink{n}` is `uris[n - 1]`.
    pub uris: Vec<String>,
    /// Usable width between the margins, in twentieths of a point.
    pub text_width: u32,
    pub ja: bool,
    /// Left indent (list and quote depth), in twips.
    pub indent: u32,
    /// The marker the next paragraph starts with (a list item's bullet or number).
    marker: Option<String>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(doc: &'a Doc, survey: &'a Survey, text_width: u32, ja: bool) -> Self {
        Writer {
            out: String::new(),
            survey,
            links: &doc.links,
            placed: BTreeSet::new(),
            next_id: 1,
            headings: 0,
            uris: Vec::new(),
            text_width,
            ja,
            indent: 0,
            marker: None,
        }
    }

    pub(crate) fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading { level, inl, .. } => self.heading(*level, inl),
            Block::Para(inl) => self.para(inl, None),
            Block::List { start, items } => self.list(*start, items),
            Block::Quote(inner) => {
                self.indent += 360;
                self.blocks(inner);
                self.indent -= 360;
            }
            Block::Table { aligns, head, rows } => self.table(aligns, head, rows),
            Block::Code(t) => {
                for line in t.trim_end_matches('\n').split('\n') {
                    let p = format!("<w:pPr><w:pStyle w:val=\"SourceCode\"/>{}</w:pPr>", self.ind());
                    self.out.push_str(&format!("<w:p>{p}<w:r>{}</w:r></w:p>", text(line)));
                }
            }
            Block::Chart(t) => self.chart(t),
            Block::SignOff(t) => self.signoff(t),
            Block::Right(t) => {
                for line in t.lines().filter(|l| !l.trim().is_empty()) {
                    self.out.push_str(&format!(
                        "<w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r>{}</w:r></w:p>",
                        text(line.trim())
                    ));
                }
            }
            Block::Rule => self.out.push_str(
                "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"999999\"/></w:pBdr></w:pPr></w:p>",
            ),
            Block::Toc => self.toc(),
            Block::PageBreak => self
                .out
                .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
        }
    }

    fn ind(&self) -> String {
        if self.indent == 0 {
            String::new()
        } else {
            format!("<w:ind w:left=\"{}\"/>", self.indent)
        }
    }

    fn heading(&mut self, level: u8, inl: &[Span]) {
        let style = match level {
            1 => "Title".to_owned(),
            l => format!("Heading{}", (l - 1).min(4)),
        };
        let mark = self.survey.heading_marks[self.headings].clone();
        self.headings += 1;
        let runs = self.runs(inl, "");
        let bm = self.bookmark(&mark);
        self.out.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{bm}{runs}</w:p>"
        ));
    }

    /// A paragraph; `style` defaults to Normal. A pending list marker starts it.
    pub(crate) fn para(&mut self, inl: &[Span], style: Option<&str>) {
        let mut ppr = String::new();
        if let Some(s) = style {
            ppr.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
        }
        let mut runs = String::new();
        match self.marker.take() {
            Some(m) => {
                ppr.push_str(&format!(
                    "<w:ind w:left=\"{}\" w:hanging=\"360\"/>",
                    self.indent
                ));
                runs.push_str(&format!("<w:r>{}<w:tab/></w:r>", text(&m)));
            }
            None => ppr.push_str(&self.ind()),
        }
        runs.push_str(&self.runs(inl, ""));
        let ppr = if ppr.is_empty() {
            ppr
        } else {
            format!("<w:pPr>{ppr}</w:pPr>")
        };
        self.out.push_str(&format!("<w:p>{ppr}{runs}</w:p>"));
    }

    fn list(&mut self, start: Option<u64>, items: &[Vec<Block>]) {
        self.indent += 360;
        for (i, item) in items.iter().enumerate() {
            self.marker = Some(match start {
                Some(n) => format!("{}.", n + i as u64),
                None => "•".to_owned(),
            });
            self.blocks(item);
            if self.marker.take().is_some() {
                // An item with no paragraph of its own (an empty item) still shows its marker.
                self.para(&[], None);
            }
        }
        self.indent -= 360;
    }

    /// A bookmark at this point, unless the name was placed already.
    pub(crate) fn bookmark(&mut self, name: &str) -> String {
        if !self.placed.insert(name.to_owned()) {
            return String::new();
        }
        let id = self.next_id;
        self.next_id += 1;
        format!(
            "<w:bookmarkStart w:id=\"{id}\" w:name=\"{}\"/><w:bookmarkEnd w:id=\"{id}\"/>",
            esc(name)
        )
    }

    /// The relationship id of an external address.
    pub(crate) fn uri(&mut self, uri: &str) -> String {
        let n = match self.uris.iter().position(|u| u == uri) {
            Some(i) => i + 1,
            None => {
                self.uris.push(uri.to_owned());
                self.uris.len()
            }
        };
        format!("rIdLink{n}")
    }

    pub(crate) fn link(&self, i: usize) -> Option<&'a Target> {
        self.links.get(i)
    }

    /// The contents: Word's TOC field (headings 1–2, i.e. `##` and `###`), its result filled
    /// with a linked entry per heading so it reads before Word updates it (page numbers come
    /// with the update, which settings.xml asks for on opening).
    fn toc(&mut self) {
        let title = if self.ja { "目次" } else { "Contents" };
        self.out.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/></w:pPr><w:r>{}</w:r></w:p>",
            text(title)
        ));
        let begin = "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>";
        let end = "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
        let entries = &self.survey.toc;
        if entries.is_empty() {
            self.out.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"TOC1\"/></w:pPr>{begin}{end}</w:p>"
            ));
            return;
        }
        let tab = format!(
            "<w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"{}\"/></w:tabs>",
            self.text_width
        );
        for (i, e) in entries.iter().enumerate() {
            let style = if e.level == 2 { "TOC1" } else { "TOC2" };
            let mark = esc(&e.bookmark);
            let first = if i == 0 { begin } else { "" };
            let last = if i + 1 == entries.len() { end } else { "" };
            self.out.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{tab}</w:pPr>{first}<w:hyperlink w:anchor=\"{mark}\" w:history=\"1\"><w:r>{}</w:r><w:r><w:tab/></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGEREF {mark} \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t></w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:hyperlink>{last}</w:p>",
                text(&e.text)
            ));
        }
    }
}

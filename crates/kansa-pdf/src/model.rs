//! The document model the Markdown is parsed into: what the PDF is laid out from, and (public
//! through [`crate::parse_markdown`]) what other writers such as kansa's DOCX build from, so
//! one template customises every paged format.

/// Inline style flags.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Style {
    /// Strong (`**…**`).
    pub bold: bool,
    /// Emphasis (`*…*`).
    pub italic: bool,
    /// Inline code.
    pub code: bool,
    /// Strikethrough (`~~…~~`).
    pub strike: bool,
    /// Index into [`Doc::links`].
    pub link: Option<usize>,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// An `http(s):` or `mailto:` address.
    Uri(String),
    /// A place in the document: a heading id or an `[](anchor:NAME)` (without the `#`).
    Anchor(String),
}

/// Status badge colour class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Status {
    /// Met: `implemented`, `inherited` (green).
    Good,
    /// Under way: `partial`, `planned` (amber).
    Partial,
    /// A gap: `not_implemented`, `unanswered` (red).
    Bad,
    /// Anything else, e.g. `not_applicable` (grey).
    Neutral,
}

impl Status {
    /// The colour class of a status key (`status:KEY` links).
    pub fn from_key(key: &str) -> Self {
        match key.trim() {
            "implemented" | "inherited" => Status::Good,
            "partial" | "planned" => Status::Partial,
            "not_implemented" | "unanswered" => Status::Bad,
            _ => Status::Neutral,
        }
    }
}

/// An inline piece of text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Text in one style.
    Text(String, Style),
    /// A status badge (`[text](status:KEY)`): the text, in the colour of its class.
    Badge(String, Status),
    /// Hard line break (`\` / two spaces / `<br>`).
    Break,
    /// A link target named here (`[](anchor:NAME)`): draws nothing; a link to `#NAME` goes
    /// to the line (or table row) that holds it.
    Anchor(String),
}

/// A table column's alignment.
#[derive(Debug, Clone, PartialEq)]
pub enum Align {
    /// Flush left (the default).
    Left,
    /// Centred.
    Center,
    /// Flush right (numbers).
    Right,
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `#` to `#####`.
    Heading {
        /// 1 to 6.
        level: u8,
        /// The `{#id}` attribute, a link target.
        id: Option<String>,
        /// The heading's text.
        inl: Vec<Span>,
    },
    /// A paragraph.
    Para(Vec<Span>),
    /// A bullet list, or a numbered one.
    List {
        /// The first number of a numbered list; `None` for bullets.
        start: Option<u64>,
        /// The items, each a sequence of blocks.
        items: Vec<Vec<Block>>,
    },
    /// A block quote.
    Quote(Vec<Block>),
    /// A GFM table.
    Table {
        /// One alignment per column.
        aligns: Vec<Align>,
        /// The header row's cells.
        head: Vec<Vec<Span>>,
        /// The body rows, each a list of cells.
        rows: Vec<Vec<Vec<Span>>>,
    },
    /// A fenced or indented code block (its text).
    Code(String),
    /// A `kansa-chart` block (its lines, see the crate documentation).
    Chart(String),
    /// A horizontal rule.
    Rule,
    /// The `<!-- toc -->` marker.
    Toc,
    /// The `<!-- pagebreak -->` marker.
    PageBreak,
    /// A `kansa-signoff` block: stamp boxes (`signoff.rs`).
    SignOff(String),
    /// A `kansa-right` block: lines set flush right (`signoff.rs`).
    Right(String),
}

/// A parsed document.
pub struct Doc {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
    /// Link targets, indexed by [`Style::link`].
    pub links: Vec<Target>,
}

/// Plain text of inline spans (badges included).
pub fn plain(spans: &[Span]) -> String {
    let mut s = String::new();
    for sp in spans {
        match sp {
            Span::Text(t, _) | Span::Badge(t, _) => s.push_str(t),
            Span::Break => s.push(' '),
            Span::Anchor(_) => {}
        }
    }
    s
}

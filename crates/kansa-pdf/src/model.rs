//! The document model the Markdown is parsed into.

/// Inline style flags.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub strike: bool,
    /// Index into [`Doc::links`].
    pub link: Option<usize>,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Uri(String),
    Anchor(String),
}

/// Status badge colour class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Status {
    Good,
    Partial,
    Bad,
    Neutral,
}

impl Status {
    pub(crate) fn from_key(key: &str) -> Self {
        match key.trim() {
            "implemented" | "inherited" => Status::Good,
            "partial" | "planned" => Status::Partial,
            "not_implemented" | "unanswered" => Status::Bad,
            _ => Status::Neutral,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Span {
    Text(String, Style),
    Badge(String, Status),
    /// Hard line break (`\` / two spaces / `<br>`).
    Break,
    /// A link target named here (`[](anchor:NAME)`): draws nothing; a link to `#NAME` goes
    /// to the line (or table row) that holds it.
    Anchor(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading {
        level: u8,
        id: Option<String>,
        inl: Vec<Span>,
    },
    Para(Vec<Span>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Table {
        aligns: Vec<Align>,
        head: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
    },
    Code(String),
    Chart(String),
    Rule,
    Toc,
    PageBreak,
    /// A `kansa-signoff` block: stamp boxes (`signoff.rs`).
    SignOff(String),
    /// A `kansa-right` block: lines set flush right (`signoff.rs`).
    Right(String),
}

pub(crate) struct Doc {
    pub blocks: Vec<Block>,
    pub links: Vec<Target>,
}

/// Plain text of inline spans (badges included).
pub(crate) fn plain(spans: &[Span]) -> String {
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

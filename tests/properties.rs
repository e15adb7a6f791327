//! Property tests over generated answer overlays (issue 6): every format renders, the output is
//! deterministic, the HTML holds no element or attribute from input, the Markdown gap table has
//! one row per gap, the PDF text has every control id, and merging follows a simple model.
//!
//! Overlays are CSV text over a subset of the shipped FISC catalogue, with statuses,
//! responsibilities and dates spelled in every accepted way and free text full of HTML and
//! Markdown metacharacters. Case counts are chosen to keep a debug `cargo test` short; see
//! `docs/robustness.md`.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jiff::civil::Date;
use kansa::analyse::{Analysis, analyse};
use kansa::load::{EncodingChoice, parse_overlay};
use kansa::merge::{MergedAnswer, merge};
use kansa::model::{Catalogue, Overlay, Responsibility, Status};
use kansa::render::{Format, ReportOptions, Templates, render};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

// ---------------------------------------------------------------------------------------------
// The catalogue: the first controls of each section of FISC, and a few hyphenated ids.

/// The built-in templates, parsed once for every case.
static TEMPLATES: LazyLock<Templates> =
    LazyLock::new(|| Templates::builtin().expect("built-in templates parse"));

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let fisc = kansa::load::load_catalogue("fisc-2012").unwrap();
    let mut picked = Vec::new();
    for section in ["設備", "運用", "技術"] {
        picked.extend(
            fisc.controls
                .iter()
                .filter(|c| c.section == section)
                .take(4)
                .cloned(),
        );
    }
    for id in ["設83-1", "運10-1", "運44-1"] {
        picked.push(fisc.controls[fisc.position(id).unwrap()].clone());
    }
    // In catalogue order: sections, 大項目 and 中項目 stay contiguous.
    picked.sort_by_key(|c| fisc.position(&c.id));
    Catalogue::new(fisc.meta.clone(), picked)
});

fn ids() -> Vec<String> {
    CATALOGUE.controls.iter().map(|c| c.id.clone()).collect()
}

fn date() -> Date {
    Date::new(2026, 4, 1).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Generated overlays.

/// The fields of an overlay, one per column kansa knows (besides the id), plus a custom one.
const FIELDS: [(&str, &str); 9] = [
    ("status", "対応状況"),
    ("responsibility", "責任区分"),
    ("answer", "回答"),
    ("evidence", "証跡"),
    ("owner", "担当"),
    ("due", "期限"),
    ("reviewed", "確認日"),
    ("notes", "備考"),
    ("cost centre", "cost centre"),
];
const STATUS: usize = 0;
const RESPONSIBILITY: usize = 1;
const EVIDENCE: usize = 3;
const OWNER: usize = 4;
const DUE: usize = 5;
const REVIEWED: usize = 6;
const NOTES: usize = 7;
const CUSTOM: usize = 8;

/// One cell as written, and what the loader must make of it.
#[derive(Debug, Clone)]
enum Cell {
    Status(String, Status),
    Responsibility(String, Responsibility),
    Date(String, Date),
    /// Free text; the loader keeps it trimmed, with CRLF as LF, and drops it when blank.
    Text(String),
}

impl Cell {
    fn written(&self) -> &str {
        match self {
            Cell::Status(s, _) | Cell::Responsibility(s, _) | Cell::Date(s, _) | Cell::Text(s) => s,
        }
    }
}

/// What the loader keeps of a text cell.
fn kept_text(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.replace("\r\n", "\n"))
}

#[derive(Debug, Clone)]
struct Row {
    id: String,
    /// How the id is spelled in the file (full-width digits, other dashes, spaces).
    spelled: String,
    /// One optional cell per [`FIELDS`] entry.
    cells: Vec<Option<Cell>>,
}

#[derive(Debug, Clone)]
struct OverlaySpec {
    japanese_headers: bool,
    /// Which of [`FIELDS`] are columns of the file.
    columns: Vec<usize>,
    rows: Vec<Row>,
}

impl OverlaySpec {
    fn csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(Vec::new());
        let mut header = vec![if self.japanese_headers {
            "項番"
        } else {
            "id"
        }];
        for &f in &self.columns {
            header.push(if self.japanese_headers {
                FIELDS[f].1
            } else {
                FIELDS[f].0
            });
        }
        w.write_record(&header).unwrap();
        for row in &self.rows {
            let mut record = vec![row.spelled.clone()];
            for &f in &self.columns {
                // As kansa writes CSV: a would-be formula behind an apostrophe, which the
                // reader strips again (so `'` + `=SUM(A1)` round-trips too).
                let cell = row.cells[f].as_ref().map_or("", Cell::written);
                record.push(kansa::model::text::neutralise_formula(cell));
            }
            w.write_record(&record).unwrap();
        }
        w.into_inner().unwrap()
    }
}

/// Fragments that mean something to HTML, Markdown, CSV, spreadsheets or the PDF typesetter.
const FRAGMENTS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<div onclick=\"x()\">",
    "</td></tr></table>",
    "<!-- c -->",
    "<br>",
    "&amp;",
    "&lt;b&gt;",
    "\"quoted\"",
    "'",
    "|",
    "| a | b |\n|---|---|\n| c | d |",
    "*",
    "**太字**",
    "_",
    "#",
    "## 見出し",
    "`",
    "```",
    "~~~",
    "\\",
    "[x](javascript:alert(1))",
    "[y](JAVASCRIPT:alert(1))",
    "[z](<  javascript:x>)",
    "[ok](https://example.com/a?b=1&c=2)",
    "[m](mailto:a@b.jp)",
    "![i](http://t/x.png)",
    "<javascript:alert(1)>",
    "<https://auto.link>",
    "[r]\n\n[r]: javascript:alert(1)",
    "{#id}",
    "\n",
    "\r\n",
    "\n\n",
    "- ",
    "1. ",
    "> ",
    "    ",
    "\t",
    "=SUM(A1)",
    "+1",
    "@x",
    "情報セキュリティ",
    "実施済",
    "（附属書）「管理策」。",
    "ー・",
    "ABC-123/x.y",
];

/// Free text: fragments, words and arbitrary characters (no C0 controls but tab, LF and CR:
/// HTML parsers rewrite those, so the text could not be found again).
fn any_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => select(FRAGMENTS).prop_map(str::to_owned),
        2 => "[a-zA-Z0-9 ]{1,8}",
        1 => any::<char>()
            .prop_filter("no control characters", |c| !c.is_control())
            .prop_map(String::from),
        1 => Just("\r".to_owned()),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

/// Text the PDF font has: ASCII, kana, the kanji of the fragments.
fn pdf_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => select(FRAGMENTS).prop_map(str::to_owned),
        2 => "[ -~]{1,12}",
        1 => "[ぁ-ゖァ-ヺ]{1,6}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn status_cell() -> impl Strategy<Value = Cell> {
    let spellings: Vec<(&str, Status)> = vec![
        ("implemented", Status::Implemented),
        ("実施済", Status::Implemented),
        ("実施済み", Status::Implemented),
        ("Partial", Status::Partial),
        ("一部実施", Status::Partial),
        ("planned", Status::Planned),
        ("計画中", Status::Planned),
        ("not_implemented", Status::NotImplemented),
        ("not implemented", Status::NotImplemented),
        ("not-implemented", Status::NotImplemented),
        ("未実施", Status::NotImplemented),
        ("not_applicable", Status::NotApplicable),
        ("N/A", Status::NotApplicable),
        ("対象外", Status::NotApplicable),
        ("該当なし", Status::NotApplicable),
        ("inherited", Status::Inherited),
        (" 継承 ", Status::Inherited),
    ];
    select(spellings).prop_map(|(s, v)| Cell::Status(s.to_owned(), v))
}

fn responsibility_cell() -> impl Strategy<Value = Cell> {
    let spellings: Vec<(&str, Responsibility)> = vec![
        ("provider", Responsibility::Provider),
        ("事業者", Responsibility::Provider),
        ("customer", Responsibility::Customer),
        ("利用者", Responsibility::Customer),
        ("顧客", Responsibility::Customer),
        ("SHARED", Responsibility::Shared),
        ("共同", Responsibility::Shared),
        ("共有", Responsibility::Shared),
    ];
    select(spellings).prop_map(|(s, v)| Cell::Responsibility(s.to_owned(), v))
}

fn date_cell() -> impl Strategy<Value = Cell> {
    (2020i16..2031, 1i8..=12, 1i8..=28, any::<bool>()).prop_map(|(y, m, d, slash)| {
        let written = if slash {
            format!("{y}/{m}/{d}")
        } else {
            format!("{y}-{m:02}-{d:02}")
        };
        Cell::Date(written, Date::new(y, m, d).unwrap())
    })
}

/// A cell for field `f`, or none; `text` generates free text.
fn cell(f: usize, text: fn() -> BoxedStrategy<String>) -> BoxedStrategy<Option<Cell>> {
    let value: BoxedStrategy<Cell> = match f {
        STATUS => status_cell().boxed(),
        RESPONSIBILITY => responsibility_cell().boxed(),
        DUE | REVIEWED => date_cell().boxed(),
        _ => text().prop_map(Cell::Text).boxed(),
    };
    prop::option::weighted(0.6, value).boxed()
}

/// An id as a person might type it: full-width digits, another dash, spaces around.
fn spelled(id: &str, wide: bool, dash: usize, pad: bool) -> String {
    let mut s: String = id
        .chars()
        .map(|c| match c {
            '0'..='9' if wide => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap(),
            '-' => ['-', '－', '‐', '−'][dash % 4],
            c => c,
        })
        .collect();
    if pad {
        s = format!(" {s} ");
    }
    s
}

fn row(id: String, text: fn() -> BoxedStrategy<String>) -> impl Strategy<Value = Row> {
    let cells: Vec<_> = (0..FIELDS.len()).map(|f| cell(f, text)).collect();
    (cells, any::<bool>(), 0usize..4, any::<bool>()).prop_map(move |(cells, wide, dash, pad)| Row {
        spelled: spelled(&id, wide, dash, pad),
        id: id.clone(),
        cells,
    })
}

fn overlay_with(text: fn() -> BoxedStrategy<String>) -> impl Strategy<Value = OverlaySpec> {
    let n = ids().len();
    (
        any::<bool>(),
        subsequence((0..FIELDS.len()).collect::<Vec<_>>(), 0..=FIELDS.len()),
        subsequence(ids(), 1..=n).prop_shuffle(),
    )
        .prop_flat_map(move |(japanese_headers, columns, chosen)| {
            let rows: Vec<_> = chosen.into_iter().map(|id| row(id, text)).collect();
            (Just(japanese_headers), Just(columns), rows)
        })
        .prop_map(|(japanese_headers, columns, rows)| OverlaySpec {
            japanese_headers,
            columns,
            rows,
        })
}

fn overlay() -> impl Strategy<Value = OverlaySpec> {
    overlay_with(|| any_text().boxed())
}

fn overlays() -> impl Strategy<Value = Vec<OverlaySpec>> {
    prop::collection::vec(overlay(), 1..=3)
}

// ---------------------------------------------------------------------------------------------
// The pipeline, in process from bytes (as benches/pipeline.rs runs it).

fn load(specs: &[OverlaySpec]) -> Vec<Overlay> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let bytes = spec.csv();
            parse_overlay(
                &format!("layer{i}/answers.csv"),
                &bytes,
                EncodingChoice::Auto,
                &CATALOGUE,
            )
            .unwrap_or_else(|e| {
                panic!(
                    "generated overlay does not validate: {e:?}\n{}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        })
        .collect()
}

fn analysis(specs: &[OverlaySpec]) -> Analysis<'static> {
    analyse(merge(&CATALOGUE, &load(specs)), date())
}

fn options(organisation: Option<String>) -> ReportOptions {
    ReportOptions {
        organisation,
        ..ReportOptions::default()
    }
}

/// The whole pipeline from the overlays' bytes to one format.
fn pipeline(specs: &[OverlaySpec], format: Format, organisation: &Option<String>) -> Vec<u8> {
    render(
        &analysis(specs),
        format,
        &options(organisation.clone()),
        &TEMPLATES,
    )
    .unwrap_or_else(|e| panic!("{format:?} does not render: {e}"))
}

fn gap_count(specs: &[OverlaySpec]) -> usize {
    let json: serde_json::Value =
        serde_json::from_slice(&pipeline(specs, Format::Json, &None)).unwrap();
    let gaps = json["summary"]["gaps"].as_u64().unwrap() as usize;
    assert_eq!(json["gaps"].as_array().unwrap().len(), gaps);
    gaps
}

// ---------------------------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Markdown, HTML, JSON and xlsx render without error, and twice give the same bytes.
    #[test]
    fn every_format_renders_and_is_deterministic(
        specs in overlays(),
        organisation in prop::option::of(any_text()),
    ) {
        for format in [Format::Md, Format::Html, Format::Json, Format::Xlsx] {
            let first = pipeline(&specs, format, &organisation);
            let second = pipeline(&specs, format, &organisation);
            prop_assert!(first == second, "{format:?} differs between two runs");
        }
    }
}

/// Element and attribute names of a document, and every `href`.
fn html_names(html: &str) -> (BTreeSet<String>, BTreeSet<String>, Vec<String>) {
    let doc = scraper::Html::parse_document(html);
    let (mut elements, mut attributes, mut hrefs) = (BTreeSet::new(), BTreeSet::new(), vec![]);
    for node in doc.tree.nodes() {
        if let Some(e) = node.value().as_element() {
            elements.insert(e.name().to_owned());
            for (name, value) in e.attrs() {
                attributes.insert(name.to_owned());
                if name == "href" {
                    hrefs.push(value.to_owned());
                }
            }
        }
    }
    (elements, attributes, hrefs)
}

/// What the template produces for a benign overlay with every field set, plus what answer
/// Markdown may produce (CommonMark, tables, strikethrough).
static ALLOWED_HTML: LazyLock<(BTreeSet<String>, BTreeSet<String>)> = LazyLock::new(|| {
    let mut csv = String::from(
        "id,status,responsibility,answer,evidence,owner,due,reviewed,notes,cost centre\n",
    );
    for (i, c) in CATALOGUE.controls.iter().enumerate() {
        let status = ["implemented", "partial", "not_applicable", "planned"][i % 4];
        csv.push_str(&format!(
            "{},{status},shared,\"回答 **a**\",doc,山田,2026-01-01,2026-01-01,n,c\n",
            c.id
        ));
    }
    let overlay = parse_overlay(
        "b/answers.csv",
        csv.as_bytes(),
        EncodingChoice::Auto,
        &CATALOGUE,
    )
    .unwrap();
    let a = analyse(merge(&CATALOGUE, &[overlay]), date());
    let html = render(&a, Format::Html, &options(Some("org".into())), &TEMPLATES).unwrap();
    let (mut elements, mut attributes, _) = html_names(&String::from_utf8(html).unwrap());
    for e in [
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ] {
        elements.insert(e.to_owned());
    }
    for a in ["href", "title", "start", "class", "style"] {
        attributes.insert(a.to_owned());
    }
    (elements, attributes)
});

/// The text a browser would show for `html`'s document (all text nodes).
fn html_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    doc.root_element().text().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The HTML report holds only elements and attributes the template and Markdown make, no
    /// link but to an anchor, http, https or mailto, and the plain-text fields appear as text.
    #[test]
    fn html_has_no_element_or_attribute_from_input(
        specs in overlays(),
        organisation in prop::option::of(any_text()),
    ) {
        let html = String::from_utf8(pipeline(&specs, Format::Html, &organisation)).unwrap();
        let (elements, attributes, hrefs) = html_names(&html);
        let (allowed_elements, allowed_attributes) = &*ALLOWED_HTML;
        let extra: Vec<_> = elements.difference(allowed_elements).collect();
        prop_assert!(extra.is_empty(), "elements from input: {extra:?}");
        let extra: Vec<_> = attributes.difference(allowed_attributes).collect();
        prop_assert!(extra.is_empty(), "attributes from input: {extra:?}");
        for href in &hrefs {
            let lower = href.trim().to_ascii_lowercase();
            prop_assert!(
                ["#", "http://", "https://", "mailto:"].iter().any(|p| lower.starts_with(p)),
                "link to {href:?}"
            );
        }
        // The effective plain-text fields (evidence, owner, notes, the custom column) are
        // shown verbatim (HTML parsing turns a lone CR into LF), invisible characters that
        // could hide or reorder text as a visible `[U+200B]` (`view::visible`).
        let text = html_text(&html).replace("\r\n", "\n").replace('\r', "\n");
        for (i, fields) in model(&specs).iter().enumerate() {
            for f in [EVIDENCE, OWNER, NOTES, CUSTOM] {
                if let Some((value, _)) = &fields[f] {
                    let shown = kansa::model::text::visible(value)
                        .replace("\r\n", "\n")
                        .replace('\r', "\n");
                    prop_assert!(
                        text.contains(&shown),
                        "{:?} of {} not shown as text", value, CATALOGUE.controls[i].id
                    );
                }
            }
        }
    }

    /// The Markdown report parses (pulldown-cmark, GFM tables) to a findings register with
    /// exactly one row per gap, each row naming its control, in the register's order.
    #[test]
    fn markdown_gap_table_has_one_row_per_gap(
        specs in overlays(),
        organisation in prop::option::of(any_text()),
    ) {
        let md = String::from_utf8(pipeline(&specs, Format::Md, &organisation)).unwrap();
        let gaps = gap_count(&specs);
        let rows = gap_table_rows(&md);
        prop_assert_eq!(rows.len(), gaps, "gap table rows of\n{}", md);
        // In the findings register's order: the view's `gaps` (the order itself is tested
        // in `render::view::order`).
        let view = kansa::render::view::build(&analysis(&specs), &options(organisation.clone()));
        let expected: Vec<&str> = view.gaps.iter().map(|g| g.id.as_str()).collect();
        let first_cells: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        prop_assert_eq!(first_cells, expected);
        // Whatever the answers hold, every control keeps its heading in the details (an open
        // code fence in an answer once turned the rest of the document into code).
        let headings = h5_headings(&md);
        for c in &CATALOGUE.controls {
            let start = format!("{} ", c.id);
            prop_assert!(
                headings.iter().any(|h| h.starts_with(&start)),
                "no heading for {} in\n{}", c.id, md
            );
        }
    }
}

/// The body rows (cells as text) of the table that follows the "指摘事項一覧" heading, or none
/// when the section says there are no gaps.
fn gap_table_rows(md: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut in_heading = false;
    let mut heading = String::new();
    let mut in_gap_section = false;
    let mut table_done = false;
    let (mut in_table, mut in_head) = (false, false);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H2 => {
                in_heading = true;
                heading.clear();
                in_gap_section = false;
            }
            Event::End(TagEnd::Heading(level)) if level <= HeadingLevel::H2 => {
                in_heading = false;
                in_gap_section = heading.trim() == "指摘事項一覧";
            }
            Event::Start(Tag::Table(_)) if in_gap_section && !table_done => in_table = true,
            Event::End(TagEnd::Table) if in_table => {
                in_table = false;
                table_done = true;
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) if in_table && !in_head => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) if in_table && !in_head => {
                if let Some(r) = rows.last_mut() {
                    r.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    heading.push_str(&t);
                } else if in_table
                    && !in_head
                    && let Some(cell) = rows.last_mut().and_then(|r| r.last_mut())
                {
                    cell.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

/// The text of every level-5 heading (one per control in the details).
fn h5_headings(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H5,
                ..
            }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H5)) => out.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `text` holds `id` as a whole id (not followed by a digit or `-digit`).
fn has_id(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(at, _)| {
        let rest = &text[at + id.len()..];
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if c.is_ascii_digit() => false,
            Some('-') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
            _ => true,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The PDF renders (text within the font), twice to the same bytes, and its extracted text
    /// holds every control id.
    #[test]
    fn pdf_text_has_every_control_id(
        specs in prop::collection::vec(overlay_with(|| pdf_text().boxed()), 1..=2),
    ) {
        let none = None;
        let pdf = pipeline(&specs, Format::Pdf, &none);
        prop_assert!(pdf == pipeline(&specs, Format::Pdf, &none), "PDF differs between two runs");
        let text = squeeze(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
        for c in &CATALOGUE.controls {
            prop_assert!(has_id(&text, &c.id), "{} not in the PDF text", c.id);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// With any text, the PDF either renders or fails with input problems that each name
    /// characters missing from the font (never another error, never a panic). Half the cases
    /// use text the font has, half any text.
    #[test]
    fn pdf_with_any_text_renders_or_names_missing_glyphs(
        specs in prop_oneof![
            prop::collection::vec(overlay_with(|| pdf_text().boxed()), 1..=2),
            prop::collection::vec(overlay(), 1..=2),
        ],
        organisation in prop::option::of(any_text()),
    ) {
        let result = render(&analysis(&specs), Format::Pdf, &options(organisation), &TEMPLATES);
        match result {
            Ok(pdf) => prop_assert!(pdf.starts_with(b"%PDF-")),
            Err(kansa::Error::Input(problems)) => {
                prop_assert!(!problems.is_empty());
                for d in &problems.0 {
                    prop_assert!(
                        d.message.contains("characters missing from the PDF font"),
                        "{}", d
                    );
                }
            }
            Err(e) => prop_assert!(false, "PDF failed: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Merge against a model.

/// The model of one field after merging: the value and the index of the overlay that set it.
type Slot = Option<(String, usize)>;

/// Later overlays win per field; an empty (blank) cell or a missing column keeps the earlier
/// value. Values are compared through their `Debug` spelling (statuses, dates) or text.
fn model(specs: &[OverlaySpec]) -> Vec<Vec<Slot>> {
    let mut out = vec![vec![None; FIELDS.len()]; CATALOGUE.controls.len()];
    for (layer, spec) in specs.iter().enumerate() {
        for row in &spec.rows {
            let pos = CATALOGUE.position(&row.id).unwrap();
            for &f in &spec.columns {
                let value = match &row.cells[f] {
                    None => None,
                    Some(Cell::Status(_, s)) => Some(format!("{s:?}")),
                    Some(Cell::Responsibility(_, r)) => Some(format!("{r:?}")),
                    Some(Cell::Date(_, d)) => Some(d.to_string()),
                    Some(Cell::Text(t)) => kept_text(t),
                };
                if let Some(v) = value {
                    out[pos][f] = Some((v, layer));
                }
            }
        }
    }
    out
}

/// The merged answer in the model's terms.
fn observed(m: &MergedAnswer, extra_columns: &[String]) -> Vec<Slot> {
    fn slot<T>(s: &Option<kansa::merge::Sourced<T>>, show: impl Fn(&T) -> String) -> Slot {
        s.as_ref().map(|s| (show(&s.value), s.layer))
    }
    let custom = extra_columns
        .iter()
        .position(|c| c == "cost centre")
        .and_then(|i| m.extra[i].as_ref())
        .map(|s| (s.value.clone(), s.layer));
    vec![
        slot(&m.status, |s| format!("{s:?}")),
        slot(&m.responsibility, |r| format!("{r:?}")),
        slot(&m.answer, String::clone),
        slot(&m.evidence, String::clone),
        slot(&m.owner, String::clone),
        slot(&m.due, Date::to_string),
        slot(&m.reviewed, Date::to_string),
        slot(&m.notes, String::clone),
        custom,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// For 2–3 overlays over the same ids with random columns and blanks, the merged answer of
    /// every control equals the model: per field, the last overlay with a non-blank value wins
    /// and is named as the source.
    #[test]
    fn merge_is_order_correct(specs in prop::collection::vec(overlay(), 2..=3)) {
        let overlays = load(&specs);
        let merged = merge(&CATALOGUE, &overlays);
        let want = model(&specs);
        for (i, c) in CATALOGUE.controls.iter().enumerate() {
            let got = observed(&merged.answers[i], &merged.extra_columns);
            prop_assert_eq!(&got, &want[i], "control {}", c.id);
        }
        // Each control lists the lines that answered it, in overlay order.
        for (i, c) in CATALOGUE.controls.iter().enumerate() {
            let layers: Vec<usize> = merged.answers[i].rows.iter().map(|r| r.0).collect();
            let expected: Vec<usize> = specs
                .iter()
                .enumerate()
                .filter(|(_, s)| s.rows.iter().any(|r| r.id == c.id))
                .map(|(l, _)| l)
                .collect();
            prop_assert_eq!(layers, expected, "rows of {}", c.id);
        }
    }
}

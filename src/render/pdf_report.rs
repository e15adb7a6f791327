//! The PDF format: `report.pdf.md` (a Tera template, with one `control.pdf.md` /
//! `gap_row.pdf.md` partial per control and gap, so no template context holds every control)
//! rendered to Markdown, then typeset by [`kansa_pdf::typeset_to`] with the
//! report's metadata and written straight to the output.
//!
//! Characters the font cannot draw would come out as empty boxes, so every text of the report
//! is checked against the font first and each missing character is reported with the control
//! (and the file) it comes from.

use std::borrow::Cow;
use std::path::PathBuf;

use kansa_pdf::{Attachment, FontSource, Paper, PdfError, PdfOptions};

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::model::fields::Field;
use crate::render::labels::Label;
use crate::render::view::{ControlView, Report};
use crate::render::{Templates, WriteError};

/// Page and font settings for PDF output (`--paper`, `--landscape`, `--font`, `--font-index`).
#[derive(Debug, Clone, Default)]
pub struct PdfSettings {
    /// A4 (default) or Letter.
    pub paper: Paper,
    /// Landscape pages.
    pub landscape: bool,
    /// A .ttf/.otf/.ttc file for the body text instead of the built-in BIZ UDPGothic.
    pub font: Option<PathBuf>,
    /// Face index within a .ttc collection.
    pub font_index: u32,
    /// The .docx whose styles, page set-up, header and footer a Word report takes
    /// (`--reference-docx`); not used by the PDF.
    pub reference_docx: Option<PathBuf>,
}

fn font(settings: &PdfSettings) -> Result<FontSource> {
    match &settings.font {
        None => Ok(FontSource::builtin()),
        Some(path) => Ok(FontSource {
            bytes: Cow::Owned(crate::fs::read(path)?),
            index: settings.font_index,
        }),
    }
}

/// The input texts of a control the PDF draws: (field, text, the overlay that set it; `None`
/// for the catalogue's texts). A custom column's header and value come from the overlay that
/// set the value, not the catalogue.
fn control_texts(c: &ControlView) -> Vec<(&'static str, &str, Option<&str>)> {
    let mut out = vec![
        ("id", c.id.as_str(), None),
        ("text", c.text.as_str(), None),
        ("major", c.major.as_str(), None),
        ("middle", c.middle.as_str(), None),
    ];
    for field in Field::texts() {
        if let Some(v) = c.fields.get(field) {
            out.push((field.key(), v, c.sources.get(field)));
        }
    }
    for x in &c.extra {
        out.push((CUSTOM_HEADER, &x.name, Some(&*x.source)));
        out.push(("custom column", x.value.as_str(), Some(&*x.source)));
    }
    out
}

/// The field name of a custom column's header in [`control_texts`].
const CUSTOM_HEADER: &str = "custom column header";

/// Characters that show as nothing, change the text around them, or have no
/// agreed look (private use) are named by their code point only.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE000..=0xF8FF | 0xE0000..=0x10FFFF)
}

/// Up to 20 characters either side of the first `c` in `text`, with
/// invisible characters written as `[U+XXXX]`.
fn excerpt(text: &str, c: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = chars.iter().position(|x| *x == c).unwrap_or(0);
    let (from, to) = (at.saturating_sub(20), (at + 21).min(chars.len()));
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    for x in &chars[from..to] {
        if invisible(*x) && *x != ' ' {
            out.push_str(&format!("[U+{:04X}]", *x as u32));
        } else {
            out.push(*x);
        }
    }
    if to < chars.len() {
        out.push('…');
    }
    out
}

/// Report every character of the report's input text that `font` lacks, by control.
fn check_glyphs(report: &Report, font: &FontSource, font_name: &str) -> Result<()> {
    let mut header = vec![
        report.title.as_str(),
        report.organisation.as_deref().unwrap_or(""),
        &report.catalogue.name,
        &report.catalogue.publisher,
    ];
    header.extend(report.document.texts());
    let mut all = String::new();
    for c in report.controls() {
        for (_, t, _) in control_texts(c) {
            all.push_str(t);
        }
    }
    all.extend(header.iter().copied());
    let missing = kansa_pdf::missing_glyphs(font, &all).map_err(|e| Error::InputFile {
        file: font_name.to_owned(),
        message: e.to_string(),
    })?;
    if missing.is_empty() {
        return Ok(());
    }
    let lacking = MissingGlyphs {
        report,
        hint: format!(
            "{font_name} cannot draw these; pass --font with a font that has them, or replace the characters"
        ),
        missing,
    };
    let mut problems = lacking.in_controls();
    for text in header {
        let here = lacking.found_in(text);
        if !here.is_empty() {
            problems.push(lacking.in_header(text, &here));
        }
    }
    Err(Error::Input(problems))
}

/// The characters of a report the PDF font lacks, and how to tell where each one is.
struct MissingGlyphs<'a> {
    report: &'a Report,
    /// The characters, as the font check gave them.
    missing: Vec<char>,
    /// The hint every problem gives.
    hint: String,
}

impl MissingGlyphs<'_> {
    /// The missing characters that `text` holds.
    fn found_in(&self, text: &str) -> Vec<char> {
        self.missing
            .iter()
            .copied()
            .filter(|m| text.contains(*m))
            .collect()
    }

    /// One problem per control text holding a missing character, located in the file (and
    /// row) that gave the text; a custom column's header once, however many controls show it.
    fn in_controls(&self) -> Diagnostics {
        let report = self.report;
        let mut problems = Diagnostics::default();
        let mut headers_told = std::collections::HashSet::new();
        for c in report.controls() {
            for (field, text, source) in control_texts(c) {
                let here = self.found_in(text);
                if here.is_empty() {
                    continue;
                }
                // The overlay row that set the field, or the catalogue.
                let layer = source.and_then(|s| report.inputs.iter().position(|i| i.label == s));
                if field != CUSTOM_HEADER {
                    problems.push(self.in_control(c, field, text, layer, &here));
                } else if headers_told.insert(text) {
                    problems.push(self.in_custom_header(text, layer, &here));
                }
            }
        }
        problems
    }

    /// A custom column's header: one cell of its file, named once (not once per control).
    fn in_custom_header(&self, text: &str, layer: Option<usize>, here: &[char]) -> Diagnostic {
        let report = self.report;
        let input = layer.map(|l| &report.inputs[l]);
        let file = input.map_or_else(|| report.catalogue.id.clone(), |i| i.given_path.clone());
        let cell = input
            .and_then(|i| i.header_cells.iter().find(|(name, _)| name == text))
            .map(|(_, cell)| cell.clone())
            .unwrap_or_default();
        Diagnostic::new(
            &file,
            cell.line,
            cell.column,
            format!(
                "custom column header: characters missing from the PDF font: {}",
                describe_chars(here)
            ),
        )
        .in_sheet(cell.sheet.as_deref())
        .value(excerpt(text, here[0]))
        .hint(self.hint.clone())
    }

    /// A text of control `c` (field `field`), located at the overlay row that set it, or in
    /// the catalogue.
    fn in_control(
        &self,
        c: &ControlView,
        field: &str,
        text: &str,
        layer: Option<usize>,
        here: &[char],
    ) -> Diagnostic {
        let report = self.report;
        let (file, line) = match layer {
            Some(l) => (
                report.inputs[l].given_path.clone(),
                c.origins.iter().rev().find(|o| o.0 == l).map_or(0, |o| o.1),
            ),
            None => (report.catalogue.id.clone(), 0),
        };
        Diagnostic::new(
            &file,
            line,
            0,
            format!(
                "control {}: characters missing from the PDF font: {}",
                c.id,
                describe_chars(here)
            ),
        )
        .column_name(field)
        .value(excerpt(text, here[0]))
        .hint(self.hint.clone())
    }

    /// A text of the report's header (title, organisation, catalogue name or publisher).
    fn in_header(&self, text: &str, here: &[char]) -> Diagnostic {
        Diagnostic::new(
            "report",
            0,
            0,
            format!(
                "{text:?}: characters missing from the PDF font: {}",
                describe_chars(here)
            ),
        )
        .hint(self.hint.clone())
    }
}

/// Missing characters as a message lists them: `字 (U+5B57)`, or the code point alone for a
/// character that shows as nothing ([`invisible`]).
fn describe_chars(chars: &[char]) -> String {
    chars
        .iter()
        .map(|c| {
            if invisible(*c) {
                format!("U+{:04X}", *c as u32)
            } else {
                format!("{c} (U+{:04X})", *c as u32)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The files the PDF carries (PDF/A-3 associated files): `assessment.json` and `gaps.csv`,
/// the very bytes a pack writes beside it ([`super::json`], [`super::exports::gaps_csv`]), so
/// a regulator who receives only the PDF still has the data, and `--baseline report.pdf`
/// reads the assessment back.
fn attachments(report: &Report) -> Result<Vec<Attachment>> {
    let ja = report.lang == crate::model::Lang::Ja;
    let describe =
        |ja_text: &'static str, en_text: &'static str| if ja { ja_text } else { en_text };
    // The JSON is compressed as it is serialized: it never sits in memory whole (a quarter of a
    // gigabyte at 100,000 controls) beside the typesetter's pages.
    let json = Attachment::written(
        "assessment.json",
        "application/json",
        describe(
            "評価結果（kansa JSON：全管理策の回答と判定）",
            "The assessment (kansa JSON: every control with its answers and outcome)",
        ),
        |w| super::write_json(report, w),
    )
    .map_err(|e| Error::Internal(format!("assessment.json for the PDF: {e}")))?;
    let gaps = Attachment::new(
        "gaps.csv",
        "text/csv",
        describe("ギャップ一覧（CSV、UTF-8）", "The gaps (CSV, UTF-8)"),
        &super::exports::gaps_csv(report),
    );
    Ok(vec![json, gaps])
}

/// Render the PDF of a report.
pub fn render_pdf(
    report: &Report,
    templates: &Templates,
    settings: &PdfSettings,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_pdf(report, templates, settings, &mut out).map_err(WriteError::in_memory)?;
    Ok(out)
}

/// [`render_pdf`] streamed to `out`: the report Markdown is handed to the typesetter, which
/// frees it once the pages are laid out, and the file goes to `out` as it is serialized, so a
/// 200,000-control PDF never sits in memory whole. Nothing is written unless the report
/// rendered and typeset; only a failing writer stops it part-way.
pub fn write_pdf(
    report: &Report,
    templates: &Templates,
    settings: &PdfSettings,
    out: &mut dyn std::io::Write,
) -> std::result::Result<(), WriteError> {
    let font = font(settings)?;
    let font_name = settings
        .font
        .as_ref()
        .map_or("BIZ UDPGothic / IPAex Gothic".to_owned(), |p| {
            p.display().to_string()
        });
    check_glyphs(report, &font, &font_name)?;
    let markdown = super::render_pdf_markdown(report, templates)?;
    let date = report.report_date;
    let options = PdfOptions {
        paper: settings.paper,
        landscape: settings.landscape,
        title: report.title.clone(),
        author: report.organisation.clone().unwrap_or_default(),
        subject: format!("{} {}", report.catalogue.name, report.catalogue.edition),
        creator: format!("kansa {}", report.kansa_version),
        lang: report.lang.code().to_owned(),
        date: (date.year(), date.month(), date.day()),
        font,
        classification: report.document.classification.clone().unwrap_or_default(),
        continued: Label::Continued.text(report.lang).to_owned(),
        attachments: attachments(report)?,
    };
    kansa_pdf::typeset_to(markdown, &options, out).map_err(|e| match e {
        PdfError::MissingGlyphs { .. } => WriteError::Render(Error::Template {
            name: "report.pdf.md".to_owned(),
            message: format!("{e}; the template itself uses characters the font lacks"),
        }),
        PdfError::Font(m) => WriteError::Render(Error::InputFile {
            file: font_name,
            message: m,
        }),
        PdfError::Pdf(m) => WriteError::Render(Error::Output(m)),
        PdfError::Output(io) => WriteError::Output(io),
    })
}

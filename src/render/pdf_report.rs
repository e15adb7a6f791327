//! The PDF format: `report.pdf.md` (a Tera template) rendered to Markdown, then typeset by
//! [`pdf::typeset`](super::pdf::typeset) with the report's metadata.
//!
//! Characters the font cannot draw would come out as empty boxes, so every text of the report
//! is checked against the font first and each missing character is reported with the control
//! (and the file) it comes from.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::render::pdf::{self, FontSource, Paper, PdfError, PdfOptions};
use crate::render::view::{ControlView, Report};

/// Page and font settings for PDF output (`--paper`, `--landscape`, `--font`, `--font-index`).
#[derive(Debug, Clone, Default)]
pub struct PdfSettings {
    /// A4 (default) or Letter.
    pub paper: Paper,
    /// Landscape pages.
    pub landscape: bool,
    /// A .ttf/.otf/.ttc file instead of the built-in IPAex Gothic.
    pub font: Option<PathBuf>,
    /// Face index within a .ttc collection.
    pub font_index: u32,
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

/// Every input text of one control, with the field it is in.
fn control_texts(c: &ControlView) -> Vec<(&'static str, &str)> {
    let mut out = vec![
        ("id", c.id.as_str()),
        ("text", c.text.as_str()),
        ("major", c.major.as_str()),
        ("middle", c.middle.as_str()),
    ];
    for (field, value) in [
        ("answer", &c.answer),
        ("evidence", &c.evidence),
        ("owner", &c.owner),
        ("notes", &c.notes),
    ] {
        if let Some(v) = value {
            out.push((field, v.as_str()));
        }
    }
    for x in &c.extra {
        out.push(("custom column", &x.name));
        out.push(("custom column", x.value.as_str()));
    }
    out
}

/// Report every character of the report's input text that `font` lacks, by control.
fn check_glyphs(report: &Report, font: &FontSource, font_name: &str) -> Result<()> {
    let mut all = String::new();
    for c in report.controls() {
        for (_, t) in control_texts(c) {
            all.push_str(t);
        }
    }
    let header = [
        report.title.as_str(),
        report.organisation.as_deref().unwrap_or(""),
        &report.catalogue.name,
        &report.catalogue.publisher,
    ];
    all.extend(header);
    let missing =
        pdf::missing_glyphs(font, &all).map_err(|e| Error::Usage(format!("{font_name}: {e}")))?;
    if missing.is_empty() {
        return Ok(());
    }
    let describe = |chars: Vec<char>| {
        chars
            .iter()
            .map(|c| format!("{c} (U+{:04X})", *c as u32))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let hint = format!(
        "{font_name} cannot draw these; pass --font with a font that has them, or replace the characters"
    );
    let mut problems = Diagnostics::default();
    for c in report.controls() {
        for (field, text) in control_texts(c) {
            let here: Vec<char> = missing
                .iter()
                .copied()
                .filter(|m| text.contains(*m))
                .collect();
            if here.is_empty() {
                continue;
            }
            let source = match field {
                "answer" => c.sources.answer.clone(),
                "evidence" => c.sources.evidence.clone(),
                "owner" => c.sources.owner.clone(),
                "notes" => c.sources.notes.clone(),
                _ => None,
            };
            let file = source.map_or_else(|| report.catalogue.id.clone(), |s| s.to_string());
            problems.push(
                Diagnostic::new(
                    &file,
                    0,
                    0,
                    format!(
                        "control {} ({field}): characters missing from the PDF font: {}",
                        c.id,
                        describe(here)
                    ),
                )
                .hint(hint.clone()),
            );
        }
    }
    for text in header {
        let here: Vec<char> = missing
            .iter()
            .copied()
            .filter(|m| text.contains(*m))
            .collect();
        if !here.is_empty() {
            problems.push(
                Diagnostic::new(
                    "report",
                    0,
                    0,
                    format!(
                        "{text:?}: characters missing from the PDF font: {}",
                        describe(here)
                    ),
                )
                .hint(hint.clone()),
            );
        }
    }
    Err(Error::Input(problems))
}

/// Render the PDF of a report.
pub fn render_pdf(
    report: &Report,
    templates: Option<&Path>,
    settings: &PdfSettings,
) -> Result<Vec<u8>> {
    let font = font(settings)?;
    let font_name = settings
        .font
        .as_ref()
        .map_or("IPAex Gothic".to_owned(), |p| p.display().to_string());
    check_glyphs(report, &font, &font_name)?;
    let markdown = super::render_report_markdown(report, "report.pdf.md", templates)?;
    let date = crate::load::values::parse_date(&report.report_date)
        .map_err(|e| Error::Usage(e.message))?;
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
    };
    pdf::typeset(&markdown, &options).map_err(|e| match e {
        PdfError::MissingGlyphs { .. } => Error::Template {
            name: "report.pdf.md".to_owned(),
            message: format!("{e}; the template itself uses characters the font lacks"),
        },
        PdfError::Font(m) => Error::Usage(format!("{font_name}: {m}")),
        PdfError::Pdf(m) => Error::Output(m),
    })
}

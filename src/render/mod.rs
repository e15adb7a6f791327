//! Stage 4, render: an [`Analysis`] into the bytes of one document.
//!
//! Markdown, HTML and the PDF's Markdown go through Tera templates over the [`view::Report`];
//! JSON is the same view serialised (labels left out), so every format shows the same numbers.
//! Renderers read no files: they take the run's [`Templates`], built once by the caller (the
//! cli per run, a pack per pack), and every template sees the one context of [`context`].

pub mod context;
pub mod docx;
pub mod exports;
pub mod labels;
pub mod markdown;
pub mod pdf_report;
pub mod templates;
pub mod view;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use crate::analyse::Analysis;
use crate::error::{Error, Result};

pub use crate::model::Lang;
pub use pdf_report::PdfSettings;
pub use templates::Templates;
pub use view::ReportOptions;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// GitHub-flavoured Markdown.
    Md,
    /// One self-contained HTML file.
    Html,
    /// The full analysis as JSON (`docs/json-schema.md`).
    Json,
    /// An Excel gap register: summary with chart, gap list, all controls with provenance.
    Xlsx,
    /// A PDF typeset from `report.pdf.md` with the embedded Japanese font.
    Pdf,
    /// A Word document written from the same `report.pdf.md` Markdown as the PDF.
    Docx,
}

impl Format {
    /// Guess from a file extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Md),
            "html" | "htm" => Some(Format::Html),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
}

/// Render `analysis` as `format` with the run's templates (see [`Templates::load`]).
pub fn render(
    analysis: &Analysis<'_>,
    format: Format,
    options: &ReportOptions,
    templates: &Templates,
) -> Result<Vec<u8>> {
    render_report(
        &view::build(analysis, options),
        format,
        templates,
        &options.pdf,
    )
}

/// Render an already built view (packs render one view into several formats).
pub fn render_report(
    report: &view::Report,
    format: Format,
    templates: &Templates,
    pdf: &PdfSettings,
) -> Result<Vec<u8>> {
    match format {
        Format::Json => json(report),
        Format::Xlsx => Ok(crate::render::xlsx::gap_register(report)?),
        Format::Pdf => pdf_report::render_pdf(report, templates, pdf),
        Format::Docx => docx::render_docx(report, templates, pdf),
        Format::Md => split(report, &MARKDOWN, templates),
        Format::Html => split(report, &HTML, templates),
    }
}

/// The JSON wire format: the view, serialised directly (no intermediate value tree).
pub fn json(report: &view::Report) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    // Serialising the view into memory fails only on a bug (a map with non-string keys).
    write_json(report, &mut bytes).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(bytes)
}

/// [`json`] streamed to a writer: a 100,000-control assessment is a quarter of a gigabyte of
/// JSON, which then never sits in memory.
pub fn write_json(report: &view::Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

const MARKDOWN: context::TemplateSet = context::TemplateSet {
    report: "report.md",
    control: "control.md",
    gap_row: "gap_row.md",
};

const HTML: context::TemplateSet = context::TemplateSet {
    report: "report.html",
    control: "control.html",
    gap_row: "gap_row.html",
};

/// The PDF's Markdown: like [`MARKDOWN`], so the typesetter's input is made without turning
/// every control into a template value at once (1.5 GB for 200,000 controls before).
const PDF_MARKDOWN: context::TemplateSet = context::TemplateSet {
    report: "report.pdf.md",
    control: "control.pdf.md",
    gap_row: "gap_row.pdf.md",
};

/// The report Markdown the PDF typesetter lays out, rendered with per-control partials.
pub fn render_pdf_markdown(report: &view::Report, templates: &Templates) -> Result<String> {
    let bytes = split(report, &PDF_MARKDOWN, templates)?;
    String::from_utf8(bytes).map_err(|e| Error::Template {
        name: PDF_MARKDOWN.report.to_owned(),
        message: e.to_string(),
    })
}

/// Markdown and HTML: the document with per-control partials (see [`context::write_split`]).
fn split(
    report: &view::Report,
    set: &context::TemplateSet,
    templates: &Templates,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_split(report, set, templates, &mut bytes).map_err(WriteError::in_memory)?;
    Ok(bytes)
}

fn write_split(
    report: &view::Report,
    set: &context::TemplateSet,
    templates: &Templates,
    out: &mut dyn Write,
) -> std::result::Result<(), WriteError> {
    let mut out = KeepError::new(out);
    context::write_split(report, templates.tera(), set, &mut out).map_err(|e| {
        match out.error.take() {
            Some(io) => WriteError::Output(io),
            None => WriteError::Render(templates.error(set.report, e)),
        }
    })
}

/// Why [`write_view`] stopped: the report could not be rendered, or the output not written.
#[derive(Debug)]
pub enum WriteError {
    /// A template or typesetting problem.
    Render(Error),
    /// The writer failed (disk full, closed pipe): the caller names the output.
    Output(std::io::Error),
}

impl WriteError {
    /// The error of a render into memory, where the writer cannot fail (short of allocation,
    /// which aborts).
    pub(crate) fn in_memory(self) -> Error {
        match self {
            WriteError::Render(e) => e,
            WriteError::Output(source) => Error::Internal(source.to_string()),
        }
    }
}

impl From<Error> for WriteError {
    fn from(e: Error) -> Self {
        WriteError::Render(e)
    }
}

/// Render `report` as `format` into `out`. Markdown, HTML and JSON are streamed (a
/// 100,000-control report never sits in memory as one string); a PDF is serialized to `out`
/// once typeset, an xlsx workbook or a docx written once complete (a zip needs a seekable
/// writer).
pub fn write_view(
    report: &view::Report,
    format: Format,
    templates: &Templates,
    pdf: &PdfSettings,
    out: &mut dyn Write,
) -> std::result::Result<(), WriteError> {
    match format {
        Format::Json => write_json(report, out).map_err(WriteError::Output),
        Format::Md => write_split(report, &MARKDOWN, templates, out),
        Format::Html => write_split(report, &HTML, templates, out),
        Format::Pdf => pdf_report::write_pdf(report, templates, pdf, out),
        Format::Xlsx | Format::Docx => {
            let bytes = render_report(report, format, templates, pdf)?;
            out.write_all(&bytes).map_err(WriteError::Output)
        }
    }
}

/// A writer that remembers its first error: Tera turns I/O errors into its own, which keep
/// only the kind, and the caller must tell "disk full" from "template broken".
struct KeepError<'w> {
    inner: &'w mut dyn Write,
    error: Option<std::io::Error>,
}

impl<'w> KeepError<'w> {
    fn new(inner: &'w mut dyn Write) -> Self {
        KeepError { inner, error: None }
    }

    fn keep<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        r.map_err(|e| {
            let kind = e.kind();
            let message = e.to_string();
            self.error.get_or_insert(e);
            std::io::Error::new(kind, message)
        })
    }
}

impl Write for KeepError<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.keep(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let r = self.inner.write_all(buf);
        self.keep(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.keep(r)
    }
}

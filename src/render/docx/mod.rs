//! The Word format: the same Markdown the PDF is typeset from (`report.pdf.md` with its
//! per-control partials), parsed into the same blocks and written as WordprocessingML by
//! [`kansa_docx`], so customising the template customises both. `--reference-docx` (pack key
//! `reference_docx`) gives the styles, page set-up, header and footer of an organisation's own
//! document, as pandoc's `--reference-doc` does.

use std::path::Path;

use kansa_docx::{DocxError, DocxOptions, Reference};

use crate::error::{Error, Result};
use crate::render::view::Report;
use crate::render::{PdfSettings, Templates};

/// Reads and checks a reference docx: an unreadable file, or one that is not a Word document,
/// is an input error (exit 2) naming the file and what is wrong.
pub fn load_reference(path: &Path) -> Result<Reference> {
    let bytes = crate::fs::read(path)?;
    Reference::from_docx(&bytes).map_err(|e| Error::InputFile {
        file: path.display().to_string(),
        message: format!(
            "cannot use it as a reference docx: {e}\n  hint: give a .docx saved by Word or LibreOffice, e.g. the one `kansa templates export DIR` writes"
        ),
    })
}

/// Render the report as a .docx.
pub fn render_docx(
    report: &Report,
    templates: &Templates,
    settings: &PdfSettings,
) -> Result<Vec<u8>> {
    let reference = match &settings.reference_docx {
        Some(path) => Some(load_reference(path)?),
        None => None,
    };
    let markdown = super::render_pdf_markdown(report, templates)?;
    let date = report.report_date;
    let options = DocxOptions {
        title: report.title.clone(),
        author: report.organisation.clone().unwrap_or_default(),
        subject: format!("{} {}", report.catalogue.name, report.catalogue.edition),
        creator: format!("kansa {}", report.kansa_version),
        lang: report.lang.code().to_owned(),
        date: (date.year(), date.month(), date.day()),
        classification: report.document.classification.clone().unwrap_or_default(),
        reference,
    };
    kansa_docx::write_docx(&markdown, &options).map_err(|e| match e {
        DocxError::Reference(m) => Error::Output(m),
        DocxError::Zip(m) => Error::Output(m),
    })
}

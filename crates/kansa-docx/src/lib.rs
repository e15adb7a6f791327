//! kansa-docx: the Word writer behind `kansa report -o report.docx`.
//!
//! **Input:** the report Markdown the PDF is typeset from (kansa renders it through
//! `report.pdf.md`), parsed by kansa-pdf into the same blocks ([`kansa_pdf::parse_markdown`]),
//! so a customised template customises both; and [`DocxOptions`]. **Output:** the bytes of a
//! `.docx` (WordprocessingML in a zip), or a [`DocxError`].
//!
//! The WordprocessingML is written here directly, with the `zip` crate for the package: the
//! parts are small and fixed, a reference document's styles, page set-up, header and footer
//! are copied into the package verbatim (a docx builder crate would re-model them), and every
//! byte is under control (fixed timestamps, fixed part order), so the same input gives the same
//! file.
//!
//! What the document has: the cover (everything before the first `##`: title, the document
//! control table, the sign-off boxes as a table), Word's TOC field, the built-in heading styles
//! (`##` → Heading 1 … `#####` → Heading 4), tables whose header rows repeat on every page
//! (`w:tblHeader`) and whose short rows are not split (`w:cantSplit`), status badges in colour
//! and words, bar charts as native tables of shaded cells, a bookmark for every `{#id}` and
//! `[](anchor:NAME)` with `#NAME` links as internal hyperlinks, external links as hyperlinks,
//! one font for Latin and East Asian text (`w:eastAsia`) and Japanese language tags, the
//! running header (title, organisation, classification) and `n / N` in the footer, A4 portrait
//! with the PDF's 18 mm margins — or the page set-up of a [`Reference`].

#![forbid(unsafe_code)]

mod body;
mod inline;
mod parts;
mod reference;
mod special;
mod tables;
#[cfg(test)]
mod tests;
mod xml;

use std::io::{Cursor, Write};

pub use reference::Reference;

use body::{Survey, Writer};
use parts::{FOOTER_TYPE, HEADER_TYPE, Rel};

/// Options for [`write_docx`].
#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// Document title (properties and running header).
    pub title: String,
    /// Organisation (properties author and running header); may be empty.
    pub author: String,
    /// Properties subject.
    pub subject: String,
    /// Creating application, e.g. `kansa 0.1.0`.
    pub creator: String,
    /// Document language: `ja` or `en` (Japanese stays the East Asian language either way).
    pub lang: String,
    /// Creation and modification date (year, month, day), 00:00:00 UTC.
    pub date: (i16, i8, i8),
    /// Handling class (e.g. 社外秘), boxed at the right of the running header; may be empty.
    pub classification: String,
    /// Styles, page set-up, header and footer from an organisation's own document.
    pub reference: Option<Reference>,
}

/// Errors from [`write_docx`] and [`Reference::from_docx`].
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The reference docx cannot be used.
    #[error("{0}")]
    Reference(String),
    /// Writing the package failed.
    #[error("cannot write the docx: {0}")]
    Zip(String),
}

/// Writes report Markdown (kansa-pdf's conventions) as a Word document.
pub fn write_docx(markdown: &str, options: &DocxOptions) -> Result<Vec<u8>, DocxError> {
    let doc = kansa_pdf::parse_markdown(markdown);
    let survey = Survey::of(&doc);
    let reference = options.reference.as_ref();
    let text_width = reference.map_or(parts::PAGE_W - 2 * parts::MARGIN, |r| r.text_width);
    let mut w = Writer::new(&doc, &survey, text_width, options.lang.starts_with("ja"));
    w.blocks(&doc.blocks);
    let (body, uris) = (std::mem::take(&mut w.out), std::mem::take(&mut w.uris));
    let sect_pr = reference.map_or_else(parts::default_sect_pr, |r| r.sect_pr.clone());
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {}><w:body>{body}{sect_pr}</w:body></w:document>",
        parts::W_NS
    );
    let mut rels = vec![
        rel("rIdStyles", "styles", "styles.xml"),
        rel("rIdSettings", "settings", "settings.xml"),
    ];
    let mut extra: Vec<(String, Vec<u8>, Option<&str>)> = Vec::new();
    let styles = match reference {
        Some(r) => {
            rels.extend(r.rels.iter().cloned());
            extra.extend(r.parts.iter().cloned());
            parts::merge_styles(&r.styles)
        }
        None => {
            rels.push(rel("rIdHeader", "header", "header1.xml"));
            rels.push(rel("rIdFooter", "footer", "footer1.xml"));
            extra.push((
                "word/header1.xml".into(),
                parts::header(options).into_bytes(),
                Some(HEADER_TYPE),
            ));
            extra.push((
                "word/footer1.xml".into(),
                parts::footer().into_bytes(),
                Some(FOOTER_TYPE),
            ));
            parts::default_styles(&options.lang)
        }
    };
    for (i, u) in uris.iter().enumerate() {
        rels.push(Rel {
            id: format!("rIdLink{}", i + 1),
            kind: "hyperlink",
            target: u.clone(),
            external: true,
        });
    }
    let overrides: Vec<(String, &str)> = extra
        .iter()
        .filter_map(|(n, _, t)| Some((n.clone(), (*t)?)))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "[Content_Types].xml".into(),
            parts::content_types(&overrides).into_bytes(),
        ),
        ("_rels/.rels".into(), parts::root_rels().into_bytes()),
        (
            "docProps/core.xml".into(),
            parts::core(options).into_bytes(),
        ),
        ("docProps/app.xml".into(), parts::app(options).into_bytes()),
        (
            "docProps/custom.xml".into(),
            parts::custom(options).into_bytes(),
        ),
        ("word/document.xml".into(), document.into_bytes()),
        (
            "word/_rels/document.xml.rels".into(),
            parts::document_rels(&rels).into_bytes(),
        ),
        ("word/styles.xml".into(), styles.into_bytes()),
        (
            "word/settings.xml".into(),
            parts::settings(&options.lang).into_bytes(),
        ),
    ];
    files.extend(extra.into_iter().map(|(n, b, _)| (n, b)));
    package(&files)
}

fn rel(id: &str, kind: &'static str, target: &str) -> Rel {
    Rel {
        id: id.into(),
        kind,
        target: target.into(),
        external: false,
    }
}

/// The zip, in the given part order, every entry dated 1980-01-01 (the zip epoch) with fixed
/// permissions: nothing of the machine or the clock gets in.
fn package(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, DocxError> {
    let err = |e: zip::result::ZipError| DocxError::Zip(e.to_string());
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        z.start_file(name.as_str(), opts).map_err(err)?;
        z.write_all(bytes)
            .map_err(|e| DocxError::Zip(e.to_string()))?;
    }
    Ok(z.finish().map_err(err)?.into_inner())
}

/// The default reference document (`kansa templates export`): every style the report uses,
/// shown on a short sample, with the default page set-up, header and footer. Edit its styles
/// in Word and pass it back with `--reference-docx`.
pub fn default_reference(lang: &str) -> Vec<u8> {
    let ja = lang.starts_with("ja");
    let sample = if ja { SAMPLE_JA } else { SAMPLE_EN };
    let options = DocxOptions {
        title: if ja {
            "参照文書"
        } else {
            "Reference document"
        }
        .into(),
        lang: lang.into(),
        date: (1980, 1, 1),
        creator: "kansa".into(),
        ..Default::default()
    };
    // The sample is fixed text with no reference: writing it into memory cannot fail.
    write_docx(sample, &options).unwrap_or_default()
}

const SAMPLE_JA: &str = "# 表題 (Title)\n\n<!-- toc -->\n\n## 見出し 1 (Heading 1)\n\n本文 (Normal)。[内部リンク](#a)、`コード`。\n\n### 見出し 2 (Heading 2)\n\n| 表見出し (Table Heading) | 件数 |\n|---|---:|\n| [](anchor:a)表本文 (Table Text) [実施済](status:implemented) | 1 |\n\n#### 見出し 3 (Heading 3)\n\n##### 見出し 4 (Heading 4)\n\n```kansa-chart\n全体\t60%\t40%\t60%\n```\n";
const SAMPLE_EN: &str = "# Title\n\n<!-- toc -->\n\n## Heading 1\n\nNormal text. [An internal link](#a), `code`.\n\n### Heading 2\n\n| Table Heading | Count |\n|---|---:|\n| [](anchor:a)Table Text [implemented](status:implemented) | 1 |\n\n#### Heading 3\n\n##### Heading 4\n\n```kansa-chart\nOverall\t60%\t40%\t60%\n```\n";

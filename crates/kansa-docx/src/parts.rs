//! The package's fixed parts: content types, relationships, the default styles, settings,
//! header, footer and document properties. Everything here is a pure function of the options,
//! so the same report gives the same bytes.

use crate::DocxOptions;
use crate::xml::{esc, text};

pub(crate) const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(crate) const HEADER_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml";
pub(crate) const FOOTER_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml";
pub(crate) const THEME_TYPE: &str = "application/vnd.openxmlformats-officedocument.theme+xml";

/// The font of the default styles, for Latin and Japanese text: BIZ UDGothic ships with
/// Windows 10 and later and Office, and is free (Morisawa, SIL OFL) elsewhere.
pub(crate) const FONT: &str = "BIZ UDGothic";

/// A4 portrait, 18 mm margins (the PDF's), header and footer 10 mm from the edge.
pub(crate) const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
pub(crate) const MARGIN: u32 = 1020;

/// `[Content_Types].xml`: `overrides` are the extra parts (name without the leading `/`,
/// content type).
pub(crate) fn content_types(overrides: &[(String, &str)]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    );
    for (ext, t) in [
        ("png", "image/png"),
        ("jpeg", "image/jpeg"),
        ("jpg", "image/jpeg"),
        ("gif", "image/gif"),
        ("bmp", "image/bmp"),
        ("tif", "image/tiff"),
        ("tiff", "image/tiff"),
        ("emf", "image/x-emf"),
        ("wmf", "image/x-wmf"),
        ("svg", "image/svg+xml"),
    ] {
        x.push_str(&format!(
            "<Default Extension=\"{ext}\" ContentType=\"{t}\"/>"
        ));
    }
    let fixed = [
        (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        (
            "word/styles.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
        ),
        (
            "word/settings.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
        ),
        (
            "docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml",
        ),
        (
            "docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
        (
            "docProps/custom.xml",
            "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        ),
    ];
    for (name, t) in fixed
        .iter()
        .map(|(n, t)| (n.to_string(), *t))
        .chain(overrides.iter().cloned())
    {
        x.push_str(&format!(
            "<Override PartName=\"/{}\" ContentType=\"{t}\"/>",
            esc(&name)
        ));
    }
    x.push_str("</Types>");
    x
}

pub(crate) fn root_rels() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"{REL}/extended-properties\" Target=\"docProps/app.xml\"/><Relationship Id=\"rId4\" Type=\"{REL}/custom-properties\" Target=\"docProps/custom.xml\"/></Relationships>"
    )
}

/// One relationship of `word/document.xml`: id, type (after `…/relationships/`), target, and
/// whether the target is outside the package.
pub(crate) struct Rel {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub external: bool,
}

pub(crate) fn document_rels(rels: &[Rel]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for r in rels {
        let mode = if r.external {
            " TargetMode=\"External\""
        } else {
            ""
        };
        x.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{REL}/{}\" Target=\"{}\"{mode}/>",
            r.id,
            r.kind,
            esc(&r.target)
        ));
    }
    x.push_str("</Relationships>");
    x
}

/// The default section: A4 portrait, the PDF's margins, no header or footer on the cover. No
/// line grid (`w:type="lines"` would snap every table line to 18 pt and double the pages).
pub(crate) fn default_sect_pr() -> String {
    format!(
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/><w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/><w:cols w:space=\"425\"/><w:titlePg/><w:docGrid w:linePitch=\"360\"/></w:sectPr>"
    )
}

/// A field with its current result: Word and LibreOffice recompute it (`TITLE` and `AUTHOR`
/// read the document properties, so a header taken into a reference docx stays right).
fn field(instr: &str, result: &str, rpr: &str) -> String {
    format!(
        "<w:fldSimple w:instr=\" {instr} \"><w:r>{rpr}{}</w:r></w:fldSimple>",
        text(result)
    )
}

/// The running header: title left; organisation and the boxed classification right.
pub(crate) fn header(o: &DocxOptions) -> String {
    let mut runs = field("TITLE", &o.title, "");
    runs.push_str("<w:r><w:tab/></w:r>");
    runs.push_str(&field("AUTHOR", &o.author, ""));
    // Always there (empty when there is no class), so a header taken into a reference docx
    // shows each report's own class.
    runs.push_str("<w:r><w:t xml:space=\"preserve\">  </w:t></w:r>");
    runs.push_str(&field(
        "DOCPROPERTY Classification",
        &o.classification,
        "<w:rPr><w:b/><w:bdr w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"333333\"/></w:rPr>",
    ));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:tabs><w:tab w:val=\"clear\" w:pos=\"4252\"/><w:tab w:val=\"clear\" w:pos=\"8504\"/><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs></w:pPr>{runs}</w:p></w:hdr>",
        PAGE_W - 2 * MARGIN
    )
}

/// The footer: `n / N`, centred.
pub(crate) fn footer() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>{}<w:r><w:t xml:space=\"preserve\"> / </w:t></w:r>{}</w:p></w:ftr>",
        field("PAGE", "1", ""),
        field("NUMPAGES", "1", "")
    )
}

/// Settings: fields (the contents' page numbers) are updated when Word opens the file;
/// Japanese line breaking and the East Asian theme language. Elements in the schema's order
/// (Word refuses a file with them out of order).
pub(crate) fn settings(lang: &str) -> String {
    let val = if lang.starts_with("ja") {
        "ja-JP"
    } else {
        "en-US"
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings {W_NS}><w:defaultTabStop w:val=\"840\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/><w:updateFields w:val=\"true\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat><w:themeFontLang w:val=\"{val}\" w:eastAsia=\"ja-JP\"/></w:settings>"
    )
}

fn w3cdtf(date: (i16, i8, i8)) -> String {
    format!("{:04}-{:02}-{:02}T00:00:00Z", date.0, date.1, date.2)
}

pub(crate) fn core(o: &DocxOptions) -> String {
    let d = w3cdtf(o.date);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:language>{}</dc:language><dcterms:created xsi:type=\"dcterms:W3CDTF\">{d}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{d}</dcterms:modified></cp:coreProperties>",
        esc(&o.title),
        esc(&o.subject),
        esc(&o.author),
        esc(&o.lang)
    )
}

pub(crate) fn app(o: &DocxOptions) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>{}</Application></Properties>",
        esc(&o.creator)
    )
}

/// The custom property the header's classification field reads.
pub(crate) fn custom(o: &DocxOptions) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"2\" name=\"Classification\"><vt:lpwstr>{}</vt:lpwstr></property></Properties>",
        esc(&o.classification)
    )
}

/// Run fonts: one font for every script, East Asian included.
fn fonts() -> String {
    format!(
        "<w:rFonts w:ascii=\"{FONT}\" w:eastAsia=\"{FONT}\" w:hAnsi=\"{FONT}\" w:cs=\"{FONT}\"/>"
    )
}

/// The default styles, by style id: built-in names (Title, Heading1–4, TOC1–2, Hyperlink,
/// Header, Footer) so Word's navigation pane, contents and style gallery know them, and
/// kansa's own for tables, charts and code. A reference docx's styles replace these; those it
/// lacks are added from here.
pub(crate) fn styles() -> Vec<(&'static str, String)> {
    let para = |id: &str, name: &str, extra: &str| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>{extra}</w:style>"
        )
    };
    let heading = |n: u8, size: u8, page: bool| {
        let brk = if page { "<w:pageBreakBefore/>" } else { "" };
        para(
            &format!("Heading{n}"),
            &format!("heading {n}"),
            &format!(
                "<w:pPr><w:keepNext/><w:keepLines/>{brk}<w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val=\"1F3864\"/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr>",
                n - 1
            ),
        )
    };
    vec![
        ("Normal", format!("<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:widowControl w:val=\"0\"/><w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/><w:spacing w:after=\"80\" w:line=\"276\" w:lineRule=\"auto\"/><w:jc w:val=\"both\"/></w:pPr><w:rPr>{}</w:rPr></w:style>", fonts())),
        ("Title", para("Title", "Title", "<w:pPr><w:spacing w:before=\"2400\" w:after=\"480\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr>")),
        ("Heading1", heading(1, 30, true)),
        ("Heading2", heading(2, 24, false)),
        ("Heading3", heading(3, 21, false)),
        ("Heading4", heading(4, 19, false)),
        ("TOCHeading", para("TOCHeading", "TOC Heading", "<w:pPr><w:keepNext/><w:pageBreakBefore/><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/></w:rPr>")),
        ("TOC1", para("TOC1", "toc 1", "<w:pPr><w:spacing w:after=\"60\"/></w:pPr>")),
        ("TOC2", para("TOC2", "toc 2", "<w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"420\"/></w:pPr>")),
        ("TableText", para("TableText", "Table Text", "<w:pPr><w:spacing w:before=\"30\" w:after=\"30\" w:line=\"252\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr>")),
        ("TableHeading", para("TableHeading", "Table Heading", "<w:pPr><w:keepNext/><w:spacing w:before=\"30\" w:after=\"30\" w:line=\"252\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr>")),
        ("TableGap", para("TableGap", "Table Gap", "<w:pPr><w:spacing w:after=\"0\" w:line=\"120\" w:lineRule=\"exact\"/></w:pPr><w:rPr><w:sz w:val=\"8\"/><w:szCs w:val=\"8\"/></w:rPr>")),
        ("ChartText", para("ChartText", "Chart Text", "<w:pPr><w:spacing w:after=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/></w:rPr>")),
        ("SourceCode", para("SourceCode", "Source Code", "<w:pPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F3F3F3\"/><w:spacing w:after=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/></w:rPr>")),
        ("Header", para("Header", "header", "<w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"999999\"/></w:pBdr><w:spacing w:after=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"15\"/><w:szCs w:val=\"15\"/></w:rPr>")),
        ("Footer", para("Footer", "footer", "<w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"15\"/><w:szCs w:val=\"15\"/></w:rPr>")),
        ("Hyperlink", "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:rPr><w:color w:val=\"0A57A3\"/><w:u w:val=\"single\"/></w:rPr></w:style>".to_owned()),
        ("VerbatimChar", "<w:style w:type=\"character\" w:styleId=\"VerbatimChar\"><w:name w:val=\"Verbatim Char\"/><w:rPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F3F3F3\"/></w:rPr></w:style>".to_owned()),
        ("KansaTable", "<w:style w:type=\"table\" w:styleId=\"KansaTable\"><w:name w:val=\"Kansa Table\"/><w:basedOn w:val=\"TableNormal\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"8C8C8C\"/></w:tblBorders><w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/><w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>".to_owned()),
        ("TableNormal", "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>".to_owned()),
    ]
}

/// `word/styles.xml` of the default look: Japanese (`ja-JP`) as the East Asian language,
/// BIZ UDGothic for every script, 9.5 pt body text (the PDF's). Normal turns off the automatic
/// space between Japanese and Latin text or digits: `運1` stays `運1` (as written, as in the
/// PDF, and as text search and copy find it), not `運 1`.
pub(crate) fn default_styles(lang: &str) -> String {
    let val = if lang.starts_with("ja") {
        "ja-JP"
    } else {
        "en-US"
    };
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles {W_NS}><w:docDefaults><w:rPrDefault><w:rPr>{}<w:kern w:val=\"2\"/><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/><w:lang w:val=\"{val}\" w:eastAsia=\"ja-JP\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>",
        fonts()
    );
    for (_, s) in styles() {
        x.push_str(&s);
    }
    x.push_str("</w:styles>");
    x
}

/// A reference's styles with every default style it does not define added, so the document
/// never names a style that is not there.
pub(crate) fn merge_styles(reference: &str) -> String {
    let Some(end) = reference.rfind("</w:styles>") else {
        return reference.to_owned();
    };
    let mut x = reference[..end].to_owned();
    for (id, s) in styles() {
        if !reference.contains(&format!("w:styleId=\"{id}\"")) {
            x.push_str(&s);
        }
    }
    x.push_str(&reference[end..]);
    x
}

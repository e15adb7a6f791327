//! The gap register: the report as an Excel workbook (findings register, summary with chart,
//! all controls with provenance), and the helpers every kansa workbook shares (sheet names, cell
//! limits, print setup, document properties).
//!
//! Answer workbooks to fill in are [`crate::workbook`]'s; reading them back is
//! [`crate::load::xlsx`]'s.
//!
//! Every value that comes from input is written with `write_string`: a cell never becomes a
//! formula, whatever it starts with. Timestamps come from the caller's date, so identical
//! inputs give byte-identical files.

mod cells;
mod register;
mod summary;

pub use register::gap_register;

/// A workbook could not be built.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// rust_xlsxwriter refused a value or could not assemble the file.
    #[error("cannot write workbook: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    /// The gap register's list sheets go through a temporary file, and none could be made.
    #[error(
        "cannot write workbook: cannot create a temporary file in {}: {source}\n  hint: large \
         sheets are written row by row through a temporary file; set TMPDIR to a writable \
         directory",
        dir.display()
    )]
    TempFile {
        /// The temporary directory (`TMPDIR`).
        dir: std::path::PathBuf,
        /// Why the file could not be created.
        source: std::io::Error,
    },
    /// The overlays have more custom columns than a sheet can hold.
    #[error(
        "cannot write workbook: it would need {needed} columns and Excel allows {EXCEL_COLUMNS} \
         (the overlays have {custom} custom columns)\n  hint: drop custom columns from the overlays, \
         or write another format than .xlsx"
    )]
    TooManyColumns {
        /// Columns the sheet would need.
        needed: usize,
        /// Custom columns of the overlays.
        custom: usize,
    },
}

/// Columns of an Excel sheet.
pub const EXCEL_COLUMNS: usize = 16_384;

/// Excel's longest cell text, in UTF-16 code units.
const MAX_CELL_TEXT: usize = 32_767;

/// Text as one cell can hold it: a longer text (a 1 MB answer) is cut, and says so, instead of
/// failing the whole workbook; the HTML, Markdown and JSON reports keep it whole.
pub(crate) fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    // A UTF-8 string has at least as many bytes as UTF-16 units.
    if text.len() <= MAX_CELL_TEXT || text.encode_utf16().count() <= MAX_CELL_TEXT {
        return text.into();
    }
    let note = format!(
        " … [cut: {} characters in all; Excel holds {MAX_CELL_TEXT}. The HTML and JSON reports have the whole text]",
        text.chars().count()
    );
    let budget = MAX_CELL_TEXT - note.encode_utf16().count();
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > budget
        })
        .map_or(text.len(), |(i, _)| i);
    format!("{}{note}", &text[..end]).into()
}

/// Fail early, with a clear message, when a sheet would need more columns than Excel has.
pub(crate) fn check_columns(needed: usize, custom: usize) -> Result<(), XlsxError> {
    if needed > EXCEL_COLUMNS {
        return Err(XlsxError::TooManyColumns { needed, custom });
    }
    Ok(())
}

impl From<XlsxError> for crate::error::Error {
    /// A workbook that cannot be written is a failed output (exit 1); one the overlays' custom
    /// columns cannot fit asks for another format (exit 2, as bad usage).
    fn from(e: XlsxError) -> Self {
        use crate::error::Error;
        match e {
            XlsxError::Write(_) | XlsxError::TempFile { .. } => Error::Output(e.to_string()),
            XlsxError::TooManyColumns { .. } => Error::Usage(e.to_string()),
        }
    }
}

/// Excel's longest sheet name, in characters.
const MAX_SHEET_NAME: usize = 31;

/// A sheet name Excel accepts, distinct (ignoring case, as Excel does) from every name in
/// `taken`, which it joins. Excel forbids `[]:*?/\`, leading or trailing apostrophes, names
/// over 31 characters and the reserved name "History".
pub(crate) fn sheet_name(raw: &str, taken: &mut Vec<String>) -> String {
    // Invisible and bidi characters are shown as `(U+202E)`, as the reports show `[U+202E]`
    // (brackets are not allowed in sheet names): two tabs must not look alike, nor one read
    // backwards.
    let cleaned: String = raw
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => "_".to_owned(),
            c if crate::model::text::is_invisible(c) => format!("(U+{:04X})", c as u32),
            c if c.is_control() => " ".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base = match cleaned {
        "" => "Sheet".to_owned(),
        s if s.eq_ignore_ascii_case("history") => format!("{s}_"),
        s => s.to_owned(),
    };
    let is_taken = |name: &str| {
        taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
    };
    let mut name: String = base.chars().take(MAX_SHEET_NAME).collect();
    let mut n = 2;
    while is_taken(&name) {
        let suffix = format!(" ({n})");
        let keep = MAX_SHEET_NAME - suffix.chars().count();
        name = base.chars().take(keep).collect::<String>() + &suffix;
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// An Excel date for a calendar date; `None` before 1900, which Excel cannot show as a date.
pub(crate) fn excel_date(date: jiff::civil::Date) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let year = u16::try_from(date.year()).ok().filter(|y| *y >= 1900)?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

/// Document properties whose timestamp is `date`: rust_xlsxwriter otherwise stamps the current
/// time, and the same inputs would not give the same bytes.
pub(crate) fn properties(title: &str, date: jiff::civil::Date) -> rust_xlsxwriter::DocProperties {
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(title)
        .set_author("kansa")
        .set_comment(concat!("kansa ", env!("CARGO_PKG_VERSION")));
    match excel_date(date) {
        Some(d) => props.set_creation_datetime(&d),
        None => props.set_creation_datetime(
            &rust_xlsxwriter::ExcelDateTime::from_ymd(1980, 1, 1).expect("valid date"),
        ),
    }
}

/// A4 landscape, one page wide, header row on every page.
pub(crate) fn print_setup(ws: &mut rust_xlsxwriter::Worksheet) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_footer("&A — &P / &N");
    Ok(())
}

/// Characters of the classification the printed page header shows: Excel's header holds 255
/// in all, and a longer one would be dropped with a warning on stderr.
const MAX_HEADER_CLASSIFICATION: usize = 100;

/// The document's classification (社外秘 …) at the right of every printed page's header, as
/// the PDF and the printed HTML show it; no header when none is given. `&` is Excel's header
/// code character, so it is doubled.
pub(crate) fn classification_header(
    ws: &mut rust_xlsxwriter::Worksheet,
    classification: Option<&str>,
) {
    let Some(text) = classification.filter(|c| !c.trim().is_empty()) else {
        return;
    };
    let text: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_HEADER_CLASSIFICATION)
        .collect();
    ws.set_header(format!("&R{}", text.replace('&', "&&")));
}

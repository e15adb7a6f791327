//! Stage 1, load: bytes → [`Catalogue`](crate::model::Catalogue) and
//! [`Overlay`](crate::model::Overlay)s, with every problem of every file collected.

pub mod catalogue;
pub mod decode;
pub mod ids;
pub mod overlay;
pub mod table;
pub mod values;

use std::path::Path;

use crate::diag::Diagnostics;
use crate::error::{Error, Result};
use crate::model::{Catalogue, Overlay};

pub use catalogue::{BUILTINS, load_catalogue};
pub use decode::EncodingChoice;
pub use overlay::parse_overlay;

/// Read and validate every overlay (CSV, or `.xlsx` workbooks restricted to `sheets` when that
/// is not empty); problems of all files are reported together.
pub fn load_overlays(
    paths: &[impl AsRef<Path>],
    encoding: EncodingChoice,
    sheets: &[String],
    catalogue: &Catalogue,
) -> Result<Vec<Overlay>> {
    let mut overlays = Vec::with_capacity(paths.len());
    let mut problems = Diagnostics::default();
    for path in paths {
        let path = path.as_ref();
        let bytes = crate::fs::read(path)?;
        let shown = path.display().to_string();
        let is_workbook = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
        let parsed = if is_workbook {
            crate::xlsx::read_overlay(&shown, &bytes, sheets, catalogue)
        } else {
            parse_overlay(&shown, &bytes, encoding, catalogue)
        };
        match parsed {
            Ok(o) => overlays.push(o),
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(overlays)
    } else {
        Err(Error::Input(problems))
    }
}

//! Stage 1, load: bytes → [`Catalogue`](crate::model::Catalogue) and
//! [`Overlay`](crate::model::Overlay)s, with every problem of every file collected.

pub mod catalogue;
pub mod decode;
pub mod ids;
pub mod limits;
pub mod overlay;
pub mod table;
pub mod values;

use std::path::Path;

use crate::diag::Diagnostics;
use crate::error::{Error, Result};
use crate::model::{Catalogue, Overlay};

pub use catalogue::{BUILTINS, load_catalogue, load_catalogue_with};
pub use decode::EncodingChoice;
pub use limits::Limits;
pub use overlay::{parse_overlay, parse_overlay_with};

/// Read and validate every overlay (CSV, or `.xlsx` workbooks restricted to `sheets` when that
/// is not empty); problems of all files are reported together.
pub fn load_overlays(
    paths: &[impl AsRef<Path>],
    encoding: EncodingChoice,
    sheets: &[String],
    catalogue: &Catalogue,
) -> Result<Vec<Overlay>> {
    load_overlays_with(paths, encoding, sheets, catalogue, &Limits::default())
}

/// [`load_overlays`] with explicit input limits (`--max-file-bytes`, `--max-field-bytes`,
/// `--max-rows`).
pub fn load_overlays_with(
    paths: &[impl AsRef<Path>],
    encoding: EncodingChoice,
    sheets: &[String],
    catalogue: &Catalogue,
    limits: &Limits,
) -> Result<Vec<Overlay>> {
    let mut overlays = Vec::with_capacity(paths.len());
    let mut problems = Diagnostics::default();
    for path in paths {
        let path = path.as_ref();
        let bytes = match crate::fs::read_limited(path, limits.max_file_bytes) {
            Ok(b) => b,
            Err(Error::Input(d)) => {
                problems.extend(d);
                continue;
            }
            Err(e) => return Err(e),
        };
        let shown = path.display().to_string();
        let is_workbook = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
        let parsed = if is_workbook {
            crate::xlsx::read_overlay_with(&shown, &bytes, sheets, catalogue, limits)
        } else {
            parse_overlay_with(&shown, &bytes, encoding, catalogue, limits)
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

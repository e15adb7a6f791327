//! Stage 1, load: bytes → [`crate::model::Catalogue`] and [`crate::model::Overlay`]s, with
//! every problem of every file collected.

pub mod catalogue;
pub mod decode;
pub mod ids;
pub mod labels;
pub mod overlay;
pub mod prefill;
pub mod table;
pub mod values;
pub mod xlsx;

use std::path::Path;

use rayon::prelude::*;

use crate::diag::Diagnostics;
use crate::error::{Error, Result};
use crate::model::{Catalogue, Overlay};
use table::Table;

pub use crate::model::limits::Limits;
pub use catalogue::{BUILTINS, load_catalogue, load_catalogue_with};
pub use decode::EncodingChoice;
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
    let paths: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
    let read = read_overlay_files(&paths, encoding, sheets, limits);
    check_overlay_files(read, catalogue)
}

/// The catalogue and every overlay, loaded at once: the overlay files are read and parsed on
/// other cores while the catalogue loads, then checked against it (one core per file).
/// Problems come in the order the files were given; a catalogue that cannot be loaded is
/// reported alone, as it would be on its own.
pub fn load_inputs_with(
    catalogue: &str,
    paths: &[impl AsRef<Path>],
    encoding: EncodingChoice,
    sheets: &[String],
    limits: &Limits,
) -> Result<(Catalogue, Vec<Overlay>)> {
    let paths: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
    let (catalogue, read) = rayon::join(
        || load_catalogue_with(catalogue, limits),
        || read_overlay_files(&paths, encoding, sheets, limits),
    );
    let catalogue = catalogue?;
    let overlays = check_overlay_files(read, &catalogue)?;
    Ok((catalogue, overlays))
}

/// An overlay file read into tables, not yet checked against a catalogue.
struct ReadFile {
    /// The path as shown in messages.
    shown: String,
    /// SHA-256 of the whole file (the bytes themselves are dropped once parsed).
    sha256: String,
    /// `UTF-8`, `Shift_JIS`, ... or `xlsx`.
    encoding: &'static str,
    tables: Vec<Table>,
    /// Problems already found (a workbook's bad sheets); the tables are still checked.
    problems: Diagnostics,
}

/// Read and parse every file, in parallel, keeping their order.
fn read_overlay_files(
    paths: &[&Path],
    encoding: EncodingChoice,
    sheets: &[String],
    limits: &Limits,
) -> Vec<Result<ReadFile>> {
    paths
        .par_iter()
        .map(|path| read_overlay_file(path, encoding, sheets, limits))
        .collect()
}

/// One overlay file: a CSV, or an `.xlsx`/`.xlsm` workbook, as tables.
fn read_overlay_file(
    path: &Path,
    encoding: EncodingChoice,
    sheets: &[String],
    limits: &Limits,
) -> Result<ReadFile> {
    let bytes = crate::fs::read_limited(path, limits.max_file_bytes)?;
    let shown = path.display().to_string();
    let is_workbook = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
    let sha256 = overlay::digest(&bytes);
    if is_workbook {
        let (tables, problems) =
            crate::load::xlsx::read_tables(&shown, &bytes, sheets, limits).map_err(Error::Input)?;
        return Ok(ReadFile {
            shown,
            sha256,
            encoding: "xlsx",
            tables,
            problems,
        });
    }
    let (table, encoding) =
        overlay::csv_table(&shown, &bytes, encoding, limits).map_err(Error::Input)?;
    Ok(ReadFile {
        encoding,
        shown,
        sha256,
        tables: vec![table],
        problems: Diagnostics::default(),
    })
}

/// Check the files read against the catalogue, in parallel; every file's problems are
/// reported together, in the order the files were given.
fn check_overlay_files(read: Vec<Result<ReadFile>>, catalogue: &Catalogue) -> Result<Vec<Overlay>> {
    let results: Vec<Result<(Overlay, Vec<prefill::PrefilledCell>)>> = read
        .into_par_iter()
        .map(|file| {
            let f = file?;
            overlay::check_tables_prefilled(
                &f.shown, f.sha256, f.encoding, f.tables, f.problems, catalogue,
            )
            .map_err(Error::Input)
        })
        .collect();
    let mut overlays = Vec::with_capacity(results.len());
    let mut prefilled = Vec::with_capacity(results.len());
    let mut problems = Diagnostics::default();
    for result in results {
        match result {
            Ok((o, p)) => {
                overlays.push(o);
                prefilled.push(p);
            }
            Err(Error::Input(d)) => problems.extend(d),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let paths: Vec<&str> = overlays.iter().map(|o| o.path.as_str()).collect();
    let labels = labels::unique_labels(&paths);
    for (overlay, label) in overlays.iter_mut().zip(labels) {
        overlay.label = label;
    }
    prefill::credit_earlier_layers(&mut overlays, &prefilled);
    Ok(overlays)
}

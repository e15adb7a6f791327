//! What the report was made from: the catalogue's metadata and each overlay file.

use serde::Serialize;

use super::shown;
use crate::model::{Catalogue, Lang};

/// Catalogue metadata as shown.
#[derive(Debug, Serialize)]
pub struct CatalogueView {
    /// Machine name.
    pub id: String,
    /// Title in the report language.
    pub name: String,
    /// Edition.
    pub edition: String,
    /// Publisher in the report language.
    pub publisher: String,
    /// Where the text comes from.
    pub source: String,
    /// Copyright line.
    pub copyright: String,
    /// SHA-256 of the controls file.
    pub sha256: String,
    /// Number of controls.
    pub controls: usize,
}

/// One overlay file.
#[derive(Debug, Serialize)]
pub struct InputView {
    /// Provenance label: the file name, with just enough of the folders above it to tell
    /// overlays of the same name apart (`load::labels`); never absolute, never a local path.
    pub label: String,
    /// The file as documents name it: the same as `label` (kept for JSON readers of schema
    /// 1; a path as typed, which may be a local absolute path, never reaches an output).
    pub path: String,
    /// The path exactly as given, for messages only: documents show `path`.
    #[serde(skip)]
    pub given_path: String,
    /// Where each extra column's header is in the file, for messages only.
    #[serde(skip)]
    pub header_cells: Vec<(String, crate::model::HeaderCell)>,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Encoding it was read with.
    pub encoding: String,
    /// Data rows.
    pub rows: usize,
}

/// The catalogue's metadata as the report shows it, in the report's language where the
/// catalogue has an English text.
pub(super) fn catalogue_view(catalogue: &Catalogue, lang: Lang) -> CatalogueView {
    let meta = &catalogue.meta;
    CatalogueView {
        id: shown(&meta.id),
        name: shown(&pick(lang, &meta.name, &meta.name_en)),
        edition: shown(&meta.edition),
        publisher: shown(&pick(lang, &meta.publisher, &meta.publisher_en)),
        source: shown(&meta.source),
        copyright: shown(&meta.copyright),
        sha256: catalogue.sha256.clone(),
        controls: catalogue.controls.len(),
    }
}

/// The English of a catalogue text for an English report when the catalogue has one, else
/// the text as written.
fn pick(lang: Lang, native: &str, en: &Option<String>) -> String {
    match (lang, en) {
        (Lang::En, Some(e)) => e.clone(),
        _ => native.to_owned(),
    }
}

/// One overlay file as the report lists it.
pub(super) fn input_view(o: &crate::merge::LayerInfo) -> InputView {
    InputView {
        label: shown(&o.label),
        path: shown(&o.label),
        given_path: o.path.clone(),
        header_cells: o.header_cells.clone(),
        sha256: o.sha256.clone(),
        encoding: o.encoding.clone(),
        rows: o.rows,
    }
}

//! kansa (監査): gap analysis and regulator reports from a security-controls catalogue and
//! layered answer overlays.
//!
//! # Steps
//!
//! 1. **Load** ([`load::load_catalogue`], [`load::load_overlays`]): decode bytes (UTF-8, BOM,
//!    Shift_JIS/CP932, UTF-16) or read a workbook ([`load::xlsx`]), parse CSV, normalise ids,
//!    check every cell, and collect *every* problem as a located [`diag::Diagnostic`].
//! 2. **Merge** ([`merge::merge`]): stack the overlays in order; per field the last non-empty
//!    value wins and remembers which overlay set it.
//! 3. **Analyse** ([`analyse::analyse`]): statuses, gaps, overdue items and totals per
//!    section, 基準大項目, 中項目 and responsibility, and the outline every output shows, in
//!    catalogue order.
//! 4. **Diff** ([`diff::compare`]): what changed since a baseline (a previous pack's
//!    `assessment.json`): opened and closed gaps, regressions, new owners and due dates.
//! 5. **Render** ([`render::render`]): build the serialize-only [`render::view::Report`] and
//!    turn it into Markdown, HTML or PDF (the `kansa_pdf` typesetter, a crate of the workspace)
//!    through Tera templates, into JSON, or into the Excel gap register ([`render::xlsx`]).
//! 6. **Pack** ([`pack::build_pack`]): a submission pack per `kansa.toml` entry: every
//!    document, exports, evidence, a manifest and `SHA256SUMS`, published atomically;
//!    [`pack::verify::verify`] checks one.
//!
//! # Modules, lowest first
//!
//! Each module uses only the modules above it in this list, never one below
//! (`tests/integration/layering.rs` fails on an import against it, naming file and line):
//!
//! | module | holds |
//! |---|---|
//! | [`model`] | domain types (catalogue, control, answer, status), [`Lang`](model::Lang) and the names of statuses, dates, limits, small text helpers |
//! | [`diag`] | located problems and the per-file cap on them |
//! | [`error`] | the error type; the exit code derives from its kind |
//! | [`fs`] | reading inputs within limits, writing files atomically |
//! | [`load`] | bytes → [`model::Catalogue`] and [`model::Overlay`] (CSV, xlsx) |
//! | [`merge`] | overlays stacked, provenance per field |
//! | [`analyse`] | statuses, gaps, totals, the outline |
//! | [`diff`] | changes since a baseline |
//! | [`render`] | the view model and every document format |
//! | [`workbook`] | answer sheets to fill in (`kansa init`): CSV and protected xlsx |
//! | [`pack`] | submission packs: config, exports, evidence, manifest, publish, verify |
//! | [`cli`] | the command line; the only module that prints |
//!
//! Stages are functions over plain data. Files are read through [`fs`] (by [`load`], and by
//! [`pack`] for configs, evidence and baselines) and written through it (by [`pack`]'s publish
//! step and the [`cli`]).
//!
//! ```
//! let catalogue = kansa::load::load_catalogue("fisc-2012").unwrap();
//! let overlay = kansa::load::parse_overlay(
//!     "answers.csv",
//!     "id,status\n設1,implemented\n".as_bytes(),
//!     kansa::load::EncodingChoice::Auto,
//!     &catalogue,
//! )
//! .unwrap();
//! let merged = kansa::merge::merge(&catalogue, &[overlay]);
//! let date = jiff::civil::Date::new(2026, 4, 1).unwrap();
//! let analysis = kansa::analyse::analyse(merged, date);
//! assert_eq!(analysis.totals.met(), 1);
//! let md = kansa::render::render(
//!     &analysis,
//!     kansa::render::Format::Md,
//!     &kansa::render::ReportOptions::default(),
//!     &kansa::render::Templates::builtin().unwrap(),
//! )
//! .unwrap();
//! assert!(String::from_utf8(md).unwrap().contains("設1"));
//! ```

#![forbid(unsafe_code)]

/// `eprintln!` that cannot panic: a closed or broken standard error (`kansa … 2>&1 | head -1`)
/// must not turn a report into a crash (exit 101); the message is dropped instead.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod analyse;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod error;
pub mod fs;
#[doc(hidden)]
pub mod fuzzing;
pub mod load;
pub mod merge;
pub mod model;
pub mod pack;
pub mod render;
pub mod workbook;

pub use error::{Error, Result};

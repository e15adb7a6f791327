//! Hostile cases for catalogue input, grouping of sections / 基準大項目 / 中項目, and how every format shows them.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &[];

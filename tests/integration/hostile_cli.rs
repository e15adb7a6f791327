//! Hostile cases for the command line: verify, usage errors, help texts, messages, thread caps, template overrides.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &[];

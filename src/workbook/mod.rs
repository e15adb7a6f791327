//! Answer sheets for people to fill in: a CSV sheet ([`answer_sheet`]) and an Excel workbook
//! ([`answer_workbook`]) with one protected sheet per section, dropdowns and date checks, so
//! that only the answer cells can be edited and only accepted values typed. `kansa init` writes
//! them, blank or pre-filled from earlier overlays (the provider's answers).
//!
//! Reading a filled-in workbook back is the loader's job ([`crate::load::xlsx`]); the gap
//! register, a report, is the renderer's ([`crate::render::xlsx`]). This module sits above both
//! (a pre-filled sheet shows merged answers in the report's language), so its tests check the
//! round trips.

mod answer_sheet;
mod cover;
mod sheet;

#[cfg(test)]
mod tests;

pub(crate) use answer_sheet::{answer_fields, answer_values, prefill_marks, sheet_cell};
pub use answer_sheet::{answer_sheet, catalogue_listing};
pub use sheet::answer_workbook;

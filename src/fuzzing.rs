//! Entry points for the cargo-fuzz targets in `fuzz/` (not a stable API).
//!
//! Each function is a thin wrapper over the code the CLI runs, so that a fuzz target reaches
//! it with plain bytes or text; the one private function reached here is the PDF line breaker.

use std::ops::Range;
use std::sync::LazyLock;

use crate::load::EncodingChoice;
use crate::model::{Catalogue, Overlay};

/// The shipped FISC catalogue, loaded once.
pub fn fisc() -> &'static Catalogue {
    static FISC: LazyLock<Catalogue> =
        LazyLock::new(|| crate::load::load_catalogue("fisc-2012").expect("built-in catalogue"));
    &FISC
}

/// The encoding choices: detection (the CLI default) first, then each `--encoding` value.
pub const ENCODINGS: [EncodingChoice; 5] = [
    EncodingChoice::Auto,
    EncodingChoice::Utf8,
    EncodingChoice::ShiftJis,
    EncodingChoice::Utf16Le,
    EncodingChoice::Utf16Be,
];

/// CSV bytes → overlay over the FISC catalogue, as `kansa report --answers FILE.csv` loads
/// it; an overlay that loads is also merged and analysed. Returns whether it loaded.
pub fn overlay_csv(bytes: &[u8], encoding: EncodingChoice) -> bool {
    let catalogue = fisc();
    loaded(
        catalogue,
        crate::load::parse_overlay("fuzz/answers.csv", bytes, encoding, catalogue),
    )
}

/// What a loader gave: an overlay is merged and analysed; an error must carry at least one
/// diagnostic, and every diagnostic renders (as the CLI prints them). Returns whether it loaded.
fn loaded(catalogue: &Catalogue, result: Result<Overlay, crate::diag::Diagnostics>) -> bool {
    match result {
        Ok(overlay) => {
            analyse_one(catalogue, overlay);
            true
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "an error carries a diagnostic");
            for d in &problems.0 {
                let _ = d.to_string();
            }
            false
        }
    }
}

/// `.xlsx` bytes → overlay over the FISC catalogue, as `--answers FILE.xlsx` loads it (every
/// sheet with an id column); an overlay that loads is also merged and analysed.
pub fn xlsx_overlay(bytes: &[u8]) -> bool {
    let catalogue = fisc();
    loaded(
        catalogue,
        crate::load::xlsx::read_overlay("fuzz/answers.xlsx", bytes, &[], catalogue),
    )
}

fn analyse_one(catalogue: &Catalogue, overlay: Overlay) {
    let merged = crate::merge::merge(catalogue, &[overlay]);
    let date = jiff::civil::Date::new(2026, 4, 1).expect("valid date");
    let analysis = crate::analyse::analyse(merged, date);
    assert!(analysis.totals.met() <= catalogue.controls.len());
}

/// Answer Markdown → the HTML the reports embed (raw HTML neutralised, only safe links).
pub fn answer_html(markdown: &str) -> String {
    crate::render::markdown::to_safe_html(markdown)
}

/// Answer Markdown → what the Markdown report embeds (`md_text`).
pub fn answer_markdown(markdown: &str) -> String {
    crate::render::markdown::md_text(markdown)
}

/// The PDF typesetter's line breaker: (character, advance width) items and a line width →
/// the index range of each line (spaces around breaks excluded).
pub fn break_lines(items: &[(char, f32)], max: f32) -> Vec<Range<usize>> {
    kansa_pdf::fuzzing::break_lines(items, max)
}

/// Whether the line breaker may break between two characters (outside emergency breaks of
/// over-long tokens): spaces, hard breaks, CJK, minus kinsoku.
pub fn can_break_between(prev: char, cur: char) -> bool {
    kansa_pdf::fuzzing::can_break_between(prev, cur)
}

/// The characters the line breaker drops at breaks (and at the start and end).
pub fn is_break_space(c: char) -> bool {
    kansa_pdf::fuzzing::is_break_space(c)
}

//! `.xlsx` bytes → answers overlay (the workbook reader behind `--answers FILE.xlsx`), over the
//! FISC catalogue; loaded overlays are merged and analysed too. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kansa::fuzzing::xlsx_overlay(data);
});

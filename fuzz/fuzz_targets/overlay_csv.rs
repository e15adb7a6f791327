//! CSV bytes → answers overlay (the loader `kansa report --answers FILE.csv` runs), over the
//! FISC catalogue; loaded overlays are merged and analysed too. Must never panic.
#![no_main]

use kansa::fuzzing::{ENCODINGS, overlay_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI default (detect the encoding) ...
    overlay_csv(data, ENCODINGS[0]);
    // ... and one forced encoding (`--encoding`), chosen by the input's length.
    overlay_csv(data, ENCODINGS[1 + data.len() % 4]);
});

//! `.xlsx` bytes → answers overlay (the workbook reader behind `--answers FILE.xlsx`), over the
//! FISC catalogue; loaded overlays are merged and analysed too. Must never panic.
//!
//! kansa catches a panic inside calamine (or the zip and XML readers under it) and reports the
//! file as damaged; libFuzzer's panic hook would abort on such a caught panic all the same, so
//! panics located in a dependency are let through to kansa's handler here. A panic in kansa's
//! own code, or one that escapes `read_overlay`, still aborts and is a crash.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;

fn allow_caught_dependency_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_dependency = info
                .location()
                .is_some_and(|l| l.file().contains("/.cargo/registry/"));
            if !in_dependency {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    allow_caught_dependency_panics();
    kansa::fuzzing::xlsx_overlay(data);
});

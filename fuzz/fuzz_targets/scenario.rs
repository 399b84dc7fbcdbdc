//! Scenario parser and validator, then the simulation and exposure of whatever validates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainsight::Run;
use plainsight::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(sc) = Scenario::parse(text, "fuzz.ron") {
        // Keep each input cheap: skip scenes that would seal to hundreds of devices.
        if sc.messages.iter().map(|m| m.routes.len()).sum::<usize>() <= 64 {
            let _ = Run::new(sc, None);
        }
    }
});

//! Any bytes as Graph's error body: decoded or refused, never a panic; its summary prints.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(error) = serde_json::from_slice::<crosstenant::models::v1::ODataError>(data) {
        let _ = error.to_string();
        let _ = serde_json::to_vec(&error);
    }
});

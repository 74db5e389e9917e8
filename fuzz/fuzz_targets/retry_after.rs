//! Any `Retry-After` and `Date` header values: a wait or none, never a panic or overflow.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Option<&str>)| {
    let (value, date) = input;
    if let Some(wait) = crosstenant::fuzzing::retry_after(value, date) {
        // A number of seconds reads as that many (or "longer than anyone waits").
        if let Ok(seconds) = value.trim().parse::<u64>() {
            assert_eq!(wait.as_secs(), seconds);
        }
    }
});

//! What the fuzz targets in `fuzz/` reach of the crate's private parsers (feature `fuzzing`,
//! not a public API).

use std::time::{Duration, SystemTime};

/// `Retry-After` read as the client reads it, with the response's `Date` if it has one.
pub fn retry_after(value: &str, date: Option<&str>) -> Option<Duration> {
    let date: Option<SystemTime> = date.and_then(|d| httpdate::parse_http_date(d).ok());
    crate::error::parse_retry_after(value, date)
}

/// Whether a pager would follow `link` from a client on `base`.
pub fn next_link_is_under(base: &str, link: &str) -> bool {
    crate::send::next_link_is_under(base, link)
}

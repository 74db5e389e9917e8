//! Any next link against a client's base URL: followed only when it is on the same scheme,
//! host and port, under the base path, and without credentials.

#![no_main]

use libfuzzer_sys::fuzz_target;

const BASE: &str = "https://graph.example.com/graph";

fuzz_target!(|link: &str| {
    if crosstenant::fuzzing::next_link_is_under(BASE, link) {
        // The URL reqwest would request, parsed as it parses it.
        let url = url::Url::parse(link).expect("a followed link parses");
        assert_eq!(url.scheme(), "https", "{link}");
        assert_eq!(url.host_str(), Some("graph.example.com"), "{link}");
        assert_eq!(url.port_or_known_default(), Some(443), "{link}");
        assert!(url.username().is_empty() && url.password().is_none(), "{link}");
        assert!(url.path() == "/graph" || url.path().starts_with("/graph/"), "{link}");
    }
});

use std::fmt;

/// A Microsoft Graph API version; each is a separate store in the mock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// The stable endpoint, path segment `v1.0`.
    V1,
    /// The preview endpoint, path segment `beta`.
    Beta,
}

impl ApiVersion {
    /// Both versions, in a fixed order.
    pub const ALL: [ApiVersion; 2] = [ApiVersion::V1, ApiVersion::Beta];

    /// The URL path segment: `v1.0` or `beta`.
    pub fn segment(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment())
    }
}

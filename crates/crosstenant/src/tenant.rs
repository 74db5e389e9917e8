//! Tenant ids, checked before they go into a URL.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::Error;

/// A Microsoft Entra tenant id: a GUID such as `9c5d131d-b1c3-4fc4-9e3f-c6557947d551`.
///
/// Partner configurations are keyed by the partner's tenant id, so only GUIDs are accepted (a
/// domain name is not a key Graph knows here); being a GUID, it cannot alter the request path.
///
/// ```
/// use crosstenant::TenantId;
///
/// let tenant: TenantId = "9C5D131D-B1C3-4FC4-9E3F-C6557947D551".parse()?;
/// assert_eq!(tenant.to_string(), "9c5d131d-b1c3-4fc4-9e3f-c6557947d551");
/// assert!("contoso.com".parse::<TenantId>().is_err());
/// assert!("../../users".parse::<TenantId>().is_err());
/// # Ok::<(), crosstenant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(Uuid);

impl TenantId {
    /// The id as a UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for TenantId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

impl FromStr for TenantId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let trimmed = s.trim();
        // Only the hyphenated form Entra shows; uuid also reads braces, URNs and bare hex.
        let hyphenated = trimmed.len() == 36 && trimmed.as_bytes().get(8) == Some(&b'-');
        match Uuid::try_parse(trimmed) {
            Ok(id) if hyphenated => Ok(Self(id)),
            _ => Err(Error::InvalidArgument {
                what: "tenant id",
                why: format!(
                    "{s:?} is not a tenant id; expected a GUID such as \
                     9c5d131d-b1c3-4fc4-9e3f-c6557947d551 (Microsoft Entra admin center > Overview > Tenant ID)"
                ),
            }),
        }
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

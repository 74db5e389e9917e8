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
/// # Ok::<(), crosstenant::ParseTenantIdError>(())
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
    type Err = ParseTenantIdError;

    fn from_str(s: &str) -> Result<Self, ParseTenantIdError> {
        let trimmed = s.trim();
        // Only the hyphenated form Entra shows, the one form of 36 characters; uuid also reads
        // braces, URNs and bare hex.
        match Uuid::try_parse(trimmed) {
            Ok(id) if trimmed.len() == 36 => Ok(Self(id)),
            _ => Err(ParseTenantIdError {
                input: s.chars().take(64).collect(),
            }),
        }
    }
}

/// A string that is not a tenant id (a GUID in its hyphenated form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTenantIdError {
    /// The input, cut at 64 characters.
    input: String,
}

impl fmt::Display for ParseTenantIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a tenant id; expected a GUID such as \
             9c5d131d-b1c3-4fc4-9e3f-c6557947d551 (Microsoft Entra admin center > Overview > Tenant ID)",
            self.input
        )
    }
}

impl std::error::Error for ParseTenantIdError {}

/// So `?` on a parse works in functions returning the crate's [`Error`].
impl From<ParseTenantIdError> for Error {
    fn from(e: ParseTenantIdError) -> Self {
        Error::InvalidArgument {
            what: "tenant id",
            why: e.to_string(),
        }
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FABRIKAM: &str = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551";

    #[test]
    fn reads_the_hyphenated_form_in_any_case_and_writes_it_lowercase()
    -> Result<(), ParseTenantIdError> {
        let tenant: TenantId = " 9C5D131D-B1C3-4FC4-9E3F-C6557947D551\n".parse()?;
        assert_eq!(tenant.to_string(), FABRIKAM);
        assert_eq!(tenant.as_uuid().to_string(), FABRIKAM);
        assert_eq!(TenantId::from(tenant.as_uuid()), tenant);
        Ok(())
    }

    #[test]
    fn other_uuid_forms_and_non_uuids_are_refused() {
        for bad in [
            "{9c5d131d-b1c3-4fc4-9e3f-c6557947d551}",
            "urn:uuid:9c5d131d-b1c3-4fc4-9e3f-c6557947d551",
            "9c5d131db1c34fc49e3fc6557947d551",
            "9c5d131d-b1c3-4fc4-9e3f-c6557947d55g",
            "contoso.com",
            "",
        ] {
            let err = bad.parse::<TenantId>().err().map(|e| e.to_string());
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.contains("is not a tenant id")),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn a_long_input_is_cut_in_the_message() {
        let long = "x".repeat(10_000);
        let err = long
            .parse::<TenantId>()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.len() < 300, "{}", err.len());
        let as_error = Error::from(
            long.parse::<TenantId>()
                .err()
                .unwrap_or(ParseTenantIdError {
                    input: String::new(),
                }),
        );
        assert!(matches!(
            as_error,
            Error::InvalidArgument {
                what: "tenant id",
                ..
            }
        ));
    }
}

//! Microsoft's clouds (national deployments): where Graph is, what to ask a token for, and
//! which operations each one offers.

use std::fmt;
use std::str::FromStr;

/// A Microsoft Graph deployment.
///
/// ```
/// use crosstenant::Cloud;
///
/// assert_eq!(Cloud::UsGovernmentL5.graph_url(), "https://dod-graph.microsoft.us");
/// assert_eq!(Cloud::UsGovernmentL5.scope(), "https://dod-graph.microsoft.us/.default");
/// assert_eq!(Cloud::China.authority(), "https://login.chinacloudapi.cn");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service, `graph.microsoft.com`.
    #[default]
    Global,
    /// US Government L4 (GCC High), `graph.microsoft.us`.
    UsGovernmentL4,
    /// US Government L5 (DoD), `dod-graph.microsoft.us`.
    UsGovernmentL5,
    /// China, operated by 21Vianet, `microsoftgraph.chinacloudapi.cn`.
    China,
}

impl Cloud {
    /// Every cloud, for listing and tests.
    pub const ALL: [Cloud; 4] = [
        Cloud::Global,
        Cloud::UsGovernmentL4,
        Cloud::UsGovernmentL5,
        Cloud::China,
    ];

    /// Graph's root URL in this cloud (the API version follows it).
    pub fn graph_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovernmentL4 => "https://graph.microsoft.us",
            Cloud::UsGovernmentL5 => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The scope to request an app-only token for: `{graph_url}/.default`.
    pub fn scope(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com/.default",
            Cloud::UsGovernmentL4 => "https://graph.microsoft.us/.default",
            Cloud::UsGovernmentL5 => "https://dod-graph.microsoft.us/.default",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn/.default",
        }
    }

    /// The Microsoft Entra login host that issues tokens for this cloud.
    pub fn authority(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovernmentL4 | Cloud::UsGovernmentL5 => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// Microsoft's name for the deployment.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Global => "the global service",
            Cloud::UsGovernmentL4 => "US Government L4",
            Cloud::UsGovernmentL5 => "US Government L5 (DoD)",
            Cloud::China => "China operated by 21Vianet",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads the names `GRAPH_CLOUD` and `spec/operations.toml` use: `global`, `usgov-l4`,
/// `usgov-l5`, `china` (any case).
///
/// ```
/// use crosstenant::Cloud;
///
/// assert_eq!("usgov-l5".parse::<Cloud>()?, Cloud::UsGovernmentL5);
/// assert!("germany".parse::<Cloud>().is_err());
/// # Ok::<(), crosstenant::ParseCloudError>(())
/// ```
impl FromStr for Cloud {
    type Err = ParseCloudError;

    fn from_str(s: &str) -> Result<Self, ParseCloudError> {
        let name = s.trim();
        Cloud::ALL
            .into_iter()
            .find(|cloud| cloud.short_name().eq_ignore_ascii_case(name))
            .ok_or_else(|| ParseCloudError {
                input: name.chars().take(64).collect(),
            })
    }
}

impl Cloud {
    /// The short name [`FromStr`] reads: `global`, `usgov-l4`, `usgov-l5`, `china`.
    pub fn short_name(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGovernmentL4 => "usgov-l4",
            Cloud::UsGovernmentL5 => "usgov-l5",
            Cloud::China => "china",
        }
    }
}

/// A cloud name that is none of `global`, `usgov-l4`, `usgov-l5`, `china`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseCloudError {
    input: String,
}

impl fmt::Display for ParseCloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a cloud; use global, usgov-l4, usgov-l5 or china",
            self.input
        )
    }
}

impl std::error::Error for ParseCloudError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cloud_reads_back_from_its_short_name() -> Result<(), ParseCloudError> {
        for cloud in Cloud::ALL {
            assert_eq!(cloud.short_name().parse::<Cloud>()?, cloud);
            assert_eq!(cloud.short_name().to_uppercase().parse::<Cloud>()?, cloud);
        }
        Ok(())
    }

    #[test]
    fn an_unknown_name_says_which_are_known() {
        let err = "gcc-high".parse::<Cloud>().err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("\"gcc-high\" is not a cloud; use global, usgov-l4, usgov-l5 or china")
        );
    }

    #[test]
    fn each_cloud_has_its_own_graph_scope_and_authority() {
        for cloud in Cloud::ALL {
            assert_eq!(cloud.scope(), format!("{}/.default", cloud.graph_url()));
            assert!(cloud.authority().starts_with("https://login."));
            assert_eq!(cloud.to_string(), cloud.name());
        }
        assert_eq!(
            Cloud::UsGovernmentL4.graph_url(),
            "https://graph.microsoft.us"
        );
        assert_eq!(Cloud::China.authority(), "https://login.chinacloudapi.cn");
        assert_eq!(
            Cloud::UsGovernmentL5.authority(),
            "https://login.microsoftonline.us"
        );
    }
}

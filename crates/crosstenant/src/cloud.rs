//! Microsoft's clouds (national deployments): where Graph is, what to ask a token for, and
//! which operations each one offers.

use std::fmt;

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

/// Where an operation exists, from the national-cloud table of its Graph reference page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Availability(pub(crate) &'static [Cloud]);

impl Availability {
    /// Partner identity synchronization: global service and US Government (L4, L5).
    pub(crate) const GLOBAL_AND_US_GOVERNMENT: Availability =
        Availability(&[Cloud::Global, Cloud::UsGovernmentL4, Cloud::UsGovernmentL5]);
    /// The multitenant organization template: the global service only.
    pub(crate) const GLOBAL_ONLY: Availability = Availability(&[Cloud::Global]);

    pub(crate) fn contains(self, cloud: Cloud) -> bool {
        self.0.contains(&cloud)
    }

    pub(crate) fn describe(self) -> String {
        self.0
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

//! `spec/operations.toml`: which upstream operations the trim keeps, and our own words for them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// A Graph API version the SDK covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Version {
    V1,
    Beta,
}

impl Version {
    pub(crate) const ALL: [Version; 2] = [Version::V1, Version::Beta];

    /// The path segment Graph serves the version under, and how upstream documents name it.
    pub(crate) fn segment(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::Beta => "beta",
        }
    }

    /// Suffix of generated operation names (`get_x_v1`).
    pub(crate) fn op_suffix(self) -> &'static str {
        match self {
            Version::V1 => "v1",
            Version::Beta => "beta",
        }
    }

    /// Prefix of a generated type whose schema differs between versions (`V1Partner`).
    pub(crate) fn type_prefix(self) -> &'static str {
        match self {
            Version::V1 => "V1",
            Version::Beta => "Beta",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment())
    }
}

impl FromStr for Version {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "v1.0" => Ok(Version::V1),
            "beta" => Ok(Version::Beta),
            other => bail!("unknown API version {other:?}: expected \"v1.0\" or \"beta\""),
        }
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// HTTP methods an OpenAPI path item can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
}

impl FromStr for Method {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "PUT" => Method::Put,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            "PATCH" => Method::Patch,
            _ => bail!("unsupported HTTP method {s:?}"),
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        })
    }
}

/// The whole of `spec/operations.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Operations {
    pub(crate) info: Info,
    pub(crate) operations: BTreeMap<String, OperationSpec>,
    #[serde(default)]
    pub(crate) schemas: BTreeMap<String, SchemaSpec>,
}

/// What operations.toml says of a schema (keyed by Microsoft's name): our one-line doc, and
/// optionally the names the facade's `models::v1` / `models::beta` give it and its `$select`
/// enum. Written as a plain string, it is the doc alone.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, from = "SchemaSpecForm")]
pub(crate) struct SchemaSpec {
    pub(crate) doc: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) field: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SchemaSpecForm {
    Doc(String),
    Full {
        doc: Option<String>,
        name: Option<String>,
        field: Option<String>,
    },
}

impl From<SchemaSpecForm> for SchemaSpec {
    fn from(form: SchemaSpecForm) -> Self {
        match form {
            SchemaSpecForm::Doc(doc) => SchemaSpec {
                doc: Some(doc),
                ..SchemaSpec::default()
            },
            SchemaSpecForm::Full { doc, name, field } => SchemaSpec { doc, name, field },
        }
    }
}

/// A Microsoft cloud, as operations.toml and `GRAPH_CLOUD` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub(crate) enum CloudName {
    #[serde(rename = "global")]
    Global,
    #[serde(rename = "usgov-l4")]
    UsGovernmentL4,
    #[serde(rename = "usgov-l5")]
    UsGovernmentL5,
    #[serde(rename = "china")]
    China,
}

impl CloudName {
    /// The facade's `Cloud` variant.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            CloudName::Global => "Global",
            CloudName::UsGovernmentL4 => "UsGovernmentL4",
            CloudName::UsGovernmentL5 => "UsGovernmentL5",
            CloudName::China => "China",
        }
    }
}

/// The trimmed document's `info`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Info {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) doc: String,
}

/// One kept operation, as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationSpec {
    pub(crate) op: String,
    pub(crate) versions: Vec<Version>,
    /// Query and header parameters to keep; path parameters are always kept.
    #[serde(default)]
    pub(crate) query: Vec<String>,
    pub(crate) doc: Option<String>,
    /// The navigation properties `$expand` may name (with `"$expand"` in `query`).
    #[serde(default)]
    pub(crate) expand: Vec<String>,
    /// The clouds Microsoft offers it in (the API page's national-cloud table).
    #[serde(default)]
    pub(crate) clouds: Vec<CloudName>,
    /// The least-privileged permission (for the 403 hint).
    pub(crate) permission: Option<String>,
    /// The least-privileged directory role a signed-in user needs (for the 403 hint).
    pub(crate) role: Option<String>,
    /// What a 404 most likely means for this operation (for the 404 hint).
    pub(crate) not_found: Option<String>,
}

impl OperationSpec {
    /// Splits `op` into its method and path template.
    pub(crate) fn method_and_path(&self) -> Result<(Method, &str)> {
        let (method, path) = self
            .op
            .split_once(' ')
            .with_context(|| format!("op {:?}: expected \"METHOD /path\"", self.op))?;
        let path = path.trim();
        if !path.starts_with('/') {
            bail!("op {:?}: the path must start with '/'", self.op);
        }
        Ok((method.parse()?, path))
    }
}

impl Operations {
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let ops: Operations = toml::from_str(text).context("spec/operations.toml is not valid")?;
        for (name, spec) in &ops.operations {
            let valid_name = name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid_name || name.is_empty() {
                bail!("operation name {name:?}: use snake_case ASCII (it names a Rust method)");
            }
            if spec.versions.is_empty() {
                bail!("operation {name}: list at least one version");
            }
            spec.method_and_path()
                .with_context(|| format!("operation {name}"))?;
        }
        Ok(ops)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_file_parses() -> Result<()> {
        let text = std::fs::read_to_string(crate::workspace_root().join("spec/operations.toml"))?;
        let ops = Operations::parse(&text)?;
        assert!(ops.operations.contains_key("partner_identity_sync"));
        assert!(ops.operations.contains_key("mto_identity_sync_template"));
        Ok(())
    }

    #[test]
    fn rejects_names_that_are_not_rust_identifiers() {
        let err = parse_error(r#"Get-Thing = { op = "GET /x", versions = ["v1.0"] }"#);
        assert!(err.contains("use snake_case ASCII"), "{err}");
    }

    fn parse_error(operations: &str) -> String {
        let text = format!(
            "[info]\ntitle = \"t\"\nversion = \"1\"\ndoc = \"d\"\n[operations]\n{operations}"
        );
        Operations::parse(&text)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_else(|| "parsed".into())
    }

    #[test]
    fn rejects_an_unknown_version_naming_the_ones_it_knows() {
        let err = parse_error(r#"get_x = { op = "GET /x", versions = ["v2.0"] }"#);
        assert!(
            err.contains(r#"unknown API version "v2.0": expected "v1.0" or "beta""#),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_misspelt_key_naming_it() {
        let err =
            parse_error(r#"get_x = { op = "GET /x", versions = ["v1.0"], qeury = ["$select"] }"#);
        assert!(err.contains("unknown field `qeury`"), "{err}");
    }

    #[test]
    fn rejects_an_op_without_a_method_or_a_rooted_path() {
        let err = parse_error(r#"get_x = { op = "/x", versions = ["v1.0"] }"#);
        assert!(err.contains(r#"expected "METHOD /path""#), "{err}");
        let err = parse_error(r#"get_x = { op = "GET x", versions = ["v1.0"] }"#);
        assert!(err.contains("the path must start with '/'"), "{err}");
        let err = parse_error(r#"get_x = { op = "FETCH /x", versions = ["v1.0"] }"#);
        assert!(err.contains(r#"unsupported HTTP method "FETCH""#), "{err}");
    }

    #[test]
    fn rejects_an_operation_with_no_version() {
        let err = parse_error(r#"get_x = { op = "GET /x", versions = [] }"#);
        assert!(err.contains("list at least one version"), "{err}");
    }
}

//! Reading Microsoft's published OpenAPI documents: one module file, several, or the whole
//! Graph document, for v1.0 and beta.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use openapiv3::{OpenAPI, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};

use crate::operations::Version;

/// Everything the upstream documents of one API version define, merged and looked up by name.
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    /// Path items keyed by their shape (parameter names blanked), with the upstream template.
    pub(crate) paths: BTreeMap<String, (String, PathItem)>,
    pub(crate) schemas: IndexMap<String, ReferenceOr<Schema>>,
    pub(crate) parameters: IndexMap<String, ReferenceOr<Parameter>>,
    pub(crate) responses: IndexMap<String, ReferenceOr<Response>>,
    pub(crate) request_bodies: IndexMap<String, ReferenceOr<RequestBody>>,
    /// The files read, for error messages.
    pub(crate) files: Vec<PathBuf>,
}

/// The definitions of each API version found.
pub(crate) type Upstream = BTreeMap<Version, Definitions>;

/// `/a/{x-id}/b` and `/a/{id}/b` are the same path; compare them with the names blanked.
pub(crate) fn path_shape(template: &str) -> String {
    let mut shape = String::with_capacity(template.len());
    let mut depth = 0usize;
    for c in template.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    shape.push_str("{}");
                }
            }
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => shape.push(c),
            _ => {}
        }
    }
    shape
}

/// Reads every document under `sources` (files, or directories searched recursively for
/// `.yml`, `.yaml` and `.json`) and files each under the API version its server URL names.
pub(crate) fn load(sources: &[PathBuf]) -> Result<Upstream> {
    let mut files = Vec::new();
    for source in sources {
        collect_files(source, &mut files)?;
    }
    files.sort();
    if files.is_empty() {
        bail!("no OpenAPI documents (.yml, .yaml, .json) found in {sources:?}");
    }
    let mut upstream = Upstream::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let doc = parse(&file, &text)?;
        let version = version_of(&doc)
            .with_context(|| format!("{}: which API version is this?", file.display()))?;
        upstream.entry(version).or_default().add(file, doc);
    }
    Ok(upstream)
}

/// Parses one document; JSON is read with serde_json, which is much faster on the whole-Graph
/// document than any YAML parser.
pub(crate) fn parse(file: &Path, text: &str) -> Result<OpenAPI> {
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(text)
            .with_context(|| format!("{} is not an OpenAPI 3 JSON document", file.display()))
    } else {
        serde_norway::from_str(text)
            .with_context(|| format!("{} is not an OpenAPI 3 YAML document", file.display()))
    }
}

fn collect_files(source: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta =
        std::fs::metadata(source).with_context(|| format!("cannot read {}", source.display()))?;
    if meta.is_file() {
        out.push(source.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(source)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yml" | "yaml" | "json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Graph documents name their version in the server URL (`https://graph.microsoft.com/beta/`).
fn version_of(doc: &OpenAPI) -> Result<Version> {
    let url = doc
        .servers
        .first()
        .map(|s| s.url.trim_end_matches('/'))
        .context("the document lists no server URL")?;
    let segment = url.rsplit('/').next().unwrap_or_default();
    segment
        .parse()
        .with_context(|| format!("server URL {url:?} does not end in /v1.0 or /beta"))
}

impl Definitions {
    /// Merges one document in; where two documents define the same name, the first one read wins.
    fn add(&mut self, file: PathBuf, doc: OpenAPI) {
        for (template, item) in doc.paths.paths {
            if let ReferenceOr::Item(item) = item {
                self.paths
                    .entry(path_shape(&template))
                    .or_insert((template, item));
            }
        }
        if let Some(components) = doc.components {
            merge(&mut self.schemas, components.schemas);
            merge(&mut self.parameters, components.parameters);
            merge(&mut self.responses, components.responses);
            merge(&mut self.request_bodies, components.request_bodies);
        }
        self.files.push(file);
    }
}

fn merge<T>(into: &mut IndexMap<String, T>, from: IndexMap<String, T>) {
    for (name, value) in from {
        into.entry(name).or_insert(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_shapes_ignore_parameter_names() {
        assert_eq!(
            path_shape("/partners/{crossTenantAccessPolicyConfigurationPartner-tenantId}/x"),
            path_shape("/partners/{tenantId}/x"),
        );
        assert_ne!(path_shape("/partners/{id}/x"), path_shape("/partners/x"));
        assert_eq!(path_shape("/a/{b}/c/{d}"), "/a/{}/c/{}");
    }

    #[test]
    fn the_shared_upstream_documents_load_under_both_versions() -> Result<()> {
        let dir = crate::shared_upstream()?;
        let upstream = load(&[dir])?;
        assert_eq!(upstream.keys().copied().collect::<Vec<_>>(), Version::ALL);
        let beta = &upstream[&Version::Beta];
        assert!(
            beta.schemas
                .contains_key("microsoft.graph.crossTenantGroupSyncInbound")
        );
        Ok(())
    }
}

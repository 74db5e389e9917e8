//! The facade's per-operation layer, from `spec/operations.toml` and the trimmed spec:
//! `crates/crosstenant/src/generated.rs`.
//!
//! For each line of operations.toml it writes a marker type in `operations` with its
//! `OperationInfo` (clouds, permission, role, 404 meaning) and one `Operation<V>` impl per API
//! version (the types it returns and takes, and the call through the generated client), a
//! `Select<V>` impl where it keeps `$select`, and the client method named by the line's key.
//! For each version it writes `v1` / `beta`: every model the version's operations reach, under
//! the names `[schemas]` gives (or their own). The hand-written facade holds only what every
//! operation shares (`crates/crosstenant/src/{request,send,operation}.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use crate::generate::{ODATA_ERROR_KEY, Schemas, generated_header, index, rust_path, variant_name};
use crate::operations::{CloudName, OperationSpec, Operations, Version};
use crate::trim::{
    EXPAND_KEY_SUFFIX, PROPERTY_KEY_SUFFIX, collect_refs, note_refs, operation_of, page_item,
    ref_key, short_name, split_key,
};

/// Writes the facade's `generated.rs`.
pub(crate) fn generate(spec_text: &str, operations_text: &str, ops: &Operations) -> Result<String> {
    let spec: OpenAPI =
        serde_norway::from_str(spec_text).context("spec/crosstenant.yaml is not valid OpenAPI")?;
    let schemas = index(&spec)?;

    let mut markers = String::new();
    let mut supports = String::new();
    let mut methods = String::new();
    let mut common = Vec::new();
    for (key, op) in &ops.operations {
        let versions = op_versions(&spec, &schemas, key, op)
            .with_context(|| format!("operation {key} in spec/operations.toml"))?;
        markers.push_str(&marker(key, op)?);
        supports.push_str(&supports_impls(key, op, &versions)?);
        methods.push_str(&client_method(key, op, &versions)?);
        common.extend(common_bounds(key, &versions));
    }
    let common = if common.is_empty() {
        String::new()
    } else {
        format!(": {}", common.join(" + "))
    };

    let mut models = String::new();
    for version in Version::ALL {
        let reached = reached_schemas(&spec, version)?;
        if reached.is_empty() {
            continue;
        }
        models.push_str(&models_module(version, &reached, &schemas, ops)?);
    }

    let mut error_bodies = String::new();
    for (name, entry) in &schemas {
        if entry.key == ODATA_ERROR_KEY {
            write!(
                error_bodies,
                "impl From<crosstenant_api::types::{name}> for GraphErrorBody {{
                    fn from(body: crosstenant_api::types::{name}) -> Self {{
                        let error = body.error;
                        GraphErrorBody {{
                            code: error.code,
                            message: error.message,
                            target: error.target,
                            details: error.details.into_iter().map(|d| (d.code, d.message)).collect(),
                            inner_error: error.inner_error.map(|inner| inner.0).unwrap_or_default(),
                        }}
                    }}
                }}\n"
            )?;
        }
    }

    let code = format!(
        "// Which of these a given operations.toml needs varies.
        #[allow(unused_imports)]
        use std::future::Future;
        #[allow(unused_imports)]
        use crate::error::{{GraphErrorBody, with_graph_error_body}};
        #[allow(unused_imports)]
        use crate::operation::{{ApiResult, Expand, Filter, Operation, OperationInfo, Paged, Query, Select, Supports, Top, private::Sealed}};
        #[allow(unused_imports)]
        use crate::{{ApiVersion, Beta, Client, Cloud, Request, TenantId, V1}};

        /// The operations, one marker type each, named after the client method that builds
        /// their [`Request`]. Their [`Operation`] impls say, per API version, what the
        /// operation returns and takes; [`Operation::INFO`] where Microsoft offers it and what
        /// it needs.
        pub mod operations {{
            use super::*;
            {markers}

            /// The operations every API version has (with `$select` where every version
            /// takes it): each [`ApiVersion`] has this trait, so code generic over the version
            /// can make these calls.
            pub trait Common{common} {{}}
            impl Common for V1 {{}}
            impl Common for Beta {{}}
        }}
        pub(crate) use operations::Common;
        {supports}
        {methods}
        {models}
        {error_bodies}"
    );
    let file: syn::File = syn::parse_str(&code).with_context(|| {
        format!("the facade code generated from spec/operations.toml is invalid Rust:\n{code}")
    })?;
    let header = generated_header(
        &[
            ("spec/crosstenant.yaml", spec_text),
            ("spec/operations.toml", operations_text),
        ],
        "xtask/src/facade.rs",
    );
    Ok(format!("{header}\n{}", prettyplease::unparse(&file)))
}

/// What one version of an operation looks like in the spec.
#[derive(Debug)]
struct VersionOp {
    version: Version,
    /// The generated client's method.
    operation_id: String,
    /// What a success returns.
    output: Output,
    /// The `$select` item schema name, if it keeps `$select`.
    select: Option<String>,
    /// The `$expand` item schema name, if it keeps `$expand`.
    expand: Option<String>,
    /// Whether it keeps `$filter` and `$top`.
    filter: bool,
    top: bool,
    /// The request body's schema name, if it takes one.
    body: Option<String>,
    /// For a collection: the item schema name.
    page_item: Option<String>,
    /// Graph's error body schema name in this version.
    error: String,
}

impl VersionOp {
    /// The query-option traits, each with whether this version of the operation has it.
    fn query_traits(&self) -> [(&'static str, bool); 4] {
        [
            ("Select", self.select.is_some()),
            ("Expand", self.expand.is_some()),
            ("Filter", self.filter),
            ("Top", self.top),
        ]
    }
}

/// What a success returns.
#[derive(Debug)]
enum Output {
    /// No body.
    Nothing,
    /// This model.
    Model(String),
    /// This model, or nothing (a write Graph may answer with 204).
    Optional(String),
}

impl Output {
    fn rust(&self) -> String {
        match self {
            Output::Nothing => "()".into(),
            Output::Model(name) => format!("crosstenant_api::types::{name}"),
            Output::Optional(name) => {
                format!("::std::option::Option<crosstenant_api::types::{name}>")
            }
        }
    }
}

/// The operation's path parameters: `(name in the path, Rust argument, Rust type)`.
fn path_params(template: &str) -> Result<Vec<(String, String, &'static str)>> {
    let mut out = Vec::new();
    for rest in template.split('{').skip(1) {
        let Some((name, _)) = rest.split_once('}') else {
            bail!("unclosed {{ in {template}");
        };
        let rust_type = match name {
            "tenantId" => "TenantId",
            other => bail!(
                "path parameter {{{other}}} has no Rust type yet: teach path_params in \
                 xtask/src/facade.rs (a checked type, as TenantId is, keeps the path safe)"
            ),
        };
        out.push((
            name.to_string(),
            heck::ToSnakeCase::to_snake_case(name),
            rust_type,
        ));
    }
    Ok(out)
}

fn op_versions(
    spec: &OpenAPI,
    schemas: &Schemas,
    key: &str,
    op: &OperationSpec,
) -> Result<Vec<VersionOp>> {
    if op.clouds.is_empty() {
        bail!(
            "say where Microsoft offers it: clouds = [\"global\", …] (the API page's \
             national-cloud table)"
        );
    }
    if op.permission.is_none() {
        bail!("name its least-privileged permission: permission = \"Policy.Read.All\"");
    }
    let (method, template) = op.method_and_path()?;
    let mut out = Vec::new();
    for &version in &op.versions {
        let path = format!("/{}{template}", version.segment());
        let item = spec
            .paths
            .paths
            .get(&path)
            .and_then(|item| match item {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            })
            .with_context(|| {
                format!("{path} is not in spec/crosstenant.yaml: run `cargo xtask trim`")
            })?;
        let operation = operation_of(item, method).with_context(|| {
            format!("{method} {path} is not in spec/crosstenant.yaml: run `cargo xtask trim`")
        })?;
        let operation_id = operation
            .operation_id
            .clone()
            .with_context(|| format!("{method} {path} has no operationId"))?;
        if operation_id != format!("{key}_{}", version.op_suffix()) {
            bail!("{method} {path} is {operation_id} in the spec: run `cargo xtask trim`");
        }
        let select = list_item(operation, "$select")?;
        let expand = list_item(operation, "$expand")?;
        for (name, kept) in [("$select", select.is_some()), ("$expand", expand.is_some())] {
            if kept != op.query.iter().any(|q| q == name) {
                bail!("{name} in the spec and in operations.toml disagree: run `cargo xtask trim`");
            }
        }
        let output = success_output(operation);
        if let Output::Model(name) | Output::Optional(name) = &output
            && !schemas.contains_key(name)
        {
            bail!("{method} {path} returns {name}, which the spec does not define");
        }
        let page_item = match &output {
            Output::Model(name) => collection_item(spec, name),
            _ => None,
        };
        let error = schema_ref(
            operation
                .responses
                .default
                .as_ref()
                .and_then(|r| match r {
                    ReferenceOr::Item(r) => r.content.get("application/json"),
                    ReferenceOr::Reference { .. } => None,
                })
                .and_then(|m| m.schema.as_ref()),
        )
        .with_context(|| format!("{method} {path} has no Graph error body"))?;
        let body = schema_ref(
            operation
                .request_body
                .as_ref()
                .and_then(|b| match b {
                    ReferenceOr::Item(b) => b.content.get("application/json"),
                    ReferenceOr::Reference { .. } => None,
                })
                .and_then(|m| m.schema.as_ref()),
        );
        let has = |name: &str| {
            operation.parameters.iter().any(|p| {
                matches!(p, ReferenceOr::Item(Parameter::Query { parameter_data, .. }) if parameter_data.name == name)
            })
        };
        out.push(VersionOp {
            version,
            operation_id,
            output,
            select,
            expand,
            filter: has("$filter"),
            top: has("$top"),
            body,
            page_item,
            error,
        });
    }
    Ok(out)
}

/// The schema name of the items of a comma-separated list parameter (`$select`, `$expand`).
fn list_item(operation: &Operation, name: &str) -> Result<Option<String>> {
    for param in &operation.parameters {
        let ReferenceOr::Item(Parameter::Query { parameter_data, .. }) = param else {
            continue;
        };
        if parameter_data.name != name {
            continue;
        }
        let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &parameter_data.format
        else {
            bail!("{name} has no inline list schema");
        };
        let mut refs = BTreeSet::new();
        collect_refs(schema, &mut refs);
        return refs
            .into_iter()
            .next()
            .map(Some)
            .with_context(|| format!("{name} lists no named item schema"));
    }
    Ok(None)
}

fn success_output(operation: &Operation) -> Output {
    let schema = match operation.responses.responses.get(&StatusCode::Range(2)) {
        Some(ReferenceOr::Item(response)) => response
            .content
            .get("application/json")
            .and_then(|m| m.schema.as_ref()),
        _ => None,
    };
    match schema {
        None => Output::Nothing,
        Some(ReferenceOr::Reference { .. }) => {
            schema_ref(schema).map_or(Output::Nothing, Output::Model)
        }
        // `allOf: [$ref]` + nullable: the trim's optional success body of a write.
        Some(ReferenceOr::Item(item)) => match &item.schema_kind {
            openapiv3::SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let inner = all_of.first();
                schema_ref(inner).map_or(Output::Nothing, Output::Optional)
            }
            _ => Output::Nothing,
        },
    }
}

fn schema_ref(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> Option<String> {
    ref_key(schema?).map(str::to_string)
}

/// The item schema of a collection response (`value: [$ref]` beside `@odata.nextLink`).
fn collection_item(spec: &OpenAPI, name: &str) -> Option<String> {
    let schema = spec.components.as_ref()?.schemas.get(name)?;
    let ReferenceOr::Item(schema) = schema else {
        return None;
    };
    page_item(schema)
}

fn marker(key: &str, op: &OperationSpec) -> Result<String> {
    let marker = type_name(key);
    let info = key.to_ascii_uppercase();
    let (method, template) = op.method_and_path()?;
    let params = path_params(template)?;
    let clouds: Vec<String> = op
        .clouds
        .iter()
        .map(|c| format!("Cloud::{}", c.variant()))
        .collect();
    let text = |value: &Option<String>| match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".into(),
    };
    Ok(format!(
        "/// `{method} {template}`: {doc}
        ///
        /// Built by [`Client::{key}`](crate::Client::{key}).
        #[derive(Clone, Copy, Debug)]
        pub struct {marker};
        impl Sealed for {marker} {{}}
        static {info}: OperationInfo = OperationInfo {{
            name: {name:?},
            method: {method_str:?},
            path: {template:?},
            clouds: &[{clouds}],
            permission: {permission},
            role: {role},
            not_found: {not_found},
        }};
        impl Operation for {marker} {{
            type Args = {args_type};
            const INFO: &'static OperationInfo = &{info};
        }}
        ",
        doc = op.doc.as_deref().unwrap_or("a Graph operation."),
        name = format!("{method} {template}"),
        method_str = method.to_string(),
        clouds = clouds.join(", "),
        permission = text(&op.permission),
        role = text(&op.role),
        not_found = text(&op.not_found),
        args_type = args_type(&params),
    ))
}

/// `impl Supports<X> for V1 { … }` (and the query option and paging traits) for each version
/// the operation has.
fn supports_impls(key: &str, op: &OperationSpec, versions: &[VersionOp]) -> Result<String> {
    let marker = type_name(key);
    let (_, template) = op.method_and_path()?;
    let params = path_params(template)?;
    let to_builder: String = params
        .iter()
        .enumerate()
        .map(|(i, (_, arg, _))| {
            let value = if params.len() == 1 {
                "args".to_string()
            } else {
                format!("args.{i}")
            };
            format!(".{arg}({value}.to_string())")
        })
        .collect();
    let args_name = if params.is_empty() { "_args" } else { "args" };
    let mut out = String::new();
    for v in versions {
        let version_type = v.version.type_prefix();
        let named = |item: &Option<String>| match item {
            Some(item) => format!("crosstenant_api::types::{item}"),
            None => "crate::operation::NoField".to_string(),
        };
        let (field, expand) = (named(&v.select), named(&v.expand));
        let body_type = match &v.body {
            Some(name) => format!("crosstenant_api::writes::{name}"),
            None => "()".into(),
        };
        let uses_query = v.query_traits().iter().any(|(_, has)| *has);
        let query_name = if uses_query { "query" } else { "_query" };
        let body_name = if v.body.is_some() { "body" } else { "_body" };
        let mut call = format!("api.{}(){to_builder}", v.operation_id);
        if v.body.is_some() {
            call.push_str(".body(body.clone())");
        }
        if v.select.is_some() {
            call.push_str(".select(query.select())");
        }
        if v.expand.is_some() {
            call.push_str(".expand(query.expand())");
        }
        let mut options = String::new();
        if v.filter {
            options.push_str(
                "if let Some(filter) = &query.filter { call = call.filter(filter.clone()); }\n",
            );
        }
        if v.top {
            options.push_str("if let Some(top) = query.top { call = call.top(u64::from(top)); }\n");
        }
        let mutable = if options.is_empty() { "" } else { "mut " };
        write!(
            out,
            "impl Supports<operations::{marker}> for {version_type} {{
                type Output = {output};
                type Field = {field};
                type Expand = {expand};
                type Body = {body_type};
                fn attempt<'a>(
                    api: crosstenant_api::Client,
                    {args_name}: &'a <operations::{marker} as Operation>::Args,
                    {body_name}: &'a Self::Body,
                    {query_name}: &'a Query<Self::Field, Self::Expand>,
                ) -> impl Future<Output = ApiResult<Self::Output>> + Send + 'a {{
                    async move {{
                        let {mutable}call = {call};
                        {options}
                        call.send().await.map_err(with_graph_error_body)
                    }}
                }}
            }}
            ",
            output = v.output.rust(),
        )?;
        for (trait_name, has) in v.query_traits() {
            if has {
                writeln!(
                    out,
                    "impl {trait_name}<operations::{marker}> for {version_type} {{}}"
                )?;
            }
        }
        if let Some(item) = &v.page_item {
            write!(
                out,
                "impl Paged<operations::{marker}> for {version_type} {{
                    type Item = crosstenant_api::types::{item};
                    fn into_page(output: Self::Output) -> (Vec<Self::Item>, Option<String>) {{
                        (output.value, output.odata_next_link)
                    }}
                    fn follow<'a>(
                        api: crosstenant_api::Client,
                        link: &'a str,
                    ) -> impl Future<Output = ApiResult<Self::Output>> + Send + 'a {{
                        crate::send::follow::<Self::Output, crosstenant_api::types::{error}>(api, link)
                    }}
                }}
                ",
                error = v.error,
            )?;
        }
    }
    Ok(out)
}

/// The traits of `operations::Common` an operation adds: those every version has.
fn common_bounds(key: &str, versions: &[VersionOp]) -> Vec<String> {
    let marker = type_name(key);
    if versions.len() != Version::ALL.len() {
        return Vec::new();
    }
    // Stating that an operation takes no body lets generic code build its request with `()`.
    // (And that a model it returns has the `Display` every model has, so generic code can
    // print it.)
    let mut associated = Vec::new();
    if versions.iter().all(|v| v.body.is_none()) {
        associated.push("Body = ()");
    }
    if versions
        .iter()
        .all(|v| matches!(v.output, Output::Model(_)))
    {
        associated.push("Output: ::std::fmt::Display");
    }
    let bound = if associated.is_empty() {
        format!("Supports<{marker}>")
    } else {
        format!("Supports<{marker}, {}>", associated.join(", "))
    };
    let mut bounds = vec![bound];
    let every = |i: usize| versions.iter().all(|v| v.query_traits()[i].1);
    for (i, (name, _)) in versions[0].query_traits().into_iter().enumerate() {
        if every(i) {
            bounds.push(format!("{name}<{marker}>"));
        }
    }
    if versions.iter().all(|v| v.page_item.is_some()) {
        bounds.push(format!("Paged<{marker}>"));
    }
    bounds
}

fn args_type(params: &[(String, String, &'static str)]) -> String {
    tuple(params.iter().map(|(_, _, rust_type)| *rust_type))
}

/// `()`, the one item, or `(a, b, …)`: the form of a tuple of path arguments or their types.
fn tuple<'a>(items: impl ExactSizeIterator<Item = &'a str>) -> String {
    if items.len() == 1 {
        items.collect()
    } else {
        format!("({})", items.collect::<Vec<_>>().join(", "))
    }
}

fn client_method(key: &str, op: &OperationSpec, versions: &[VersionOp]) -> Result<String> {
    let marker = type_name(key);
    let (method, template) = op.method_and_path()?;
    let params = path_params(template)?;
    let mut signature: Vec<String> = params
        .iter()
        .map(|(_, arg, ty)| format!("{arg}: {ty}"))
        .collect();
    let args_value = tuple(params.iter().map(|(_, arg, _)| arg.as_str()));
    let only: Vec<Version> = versions.iter().map(|v| v.version).collect();
    let has_body = versions.iter().any(|v| v.body.is_some());
    if has_body {
        let body_type = if only.len() == 1 {
            format!(
                "<{} as Supports<operations::{marker}>>::Body",
                only[0].type_prefix()
            )
        } else {
            format!("<V as Supports<operations::{marker}>>::Body")
        };
        signature.push(format!("body: {body_type}"));
    }
    let body_value = if has_body { "body" } else { "()" };
    let version_names: Vec<&str> = only.iter().map(|v| v.segment()).collect();
    let clouds: Vec<&str> = op.clouds.iter().map(|c| cloud_name(*c)).collect();
    let needs = match (&op.permission, &op.role) {
        (Some(p), Some(r)) => {
            format!(" Needs `{p}`; a signed-in user also needs the {r} role (or one above it).")
        }
        (Some(p), None) => format!(" Needs `{p}`."),
        _ => String::new(),
    };
    let example_client = if only == [Version::Beta] {
        "crosstenant::Client<crosstenant::Beta>"
    } else {
        "crosstenant::Client"
    };
    let mut example_args: Vec<&str> = params.iter().map(|(_, arg, _)| arg.as_str()).collect();
    if has_body {
        example_args.push("Default::default()");
    }
    let example_args = example_args.join(", ");
    let example_parse: String = params
        .iter()
        .map(|(_, arg, _)| {
            format!(
                "/// let {arg}: crosstenant::TenantId = \"9c5d131d-b1c3-4fc4-9e3f-c6557947d551\".parse()?;\n"
            )
        })
        .collect();
    let doc = format!(
        "/// {doc}
        ///
        /// `{method} {template}` on Graph {versions}. Offered in {clouds}.{needs}
        ///
        /// ```no_run
        /// # async fn run(client: {example_client}) -> Result<(), crosstenant::Error> {{
        {example_parse}/// let answer = client.{key}({example_args}).await?;
        /// println!(\"{{answer:?}}\");
        /// # Ok(()) }}
        /// ```",
        doc = op.doc.as_deref().unwrap_or("A Graph operation."),
        versions = version_names.join(" and "),
        clouds = clouds.join(", "),
    );
    let signature = signature.join(", ");
    Ok(if only.len() == 1 {
        let version = only[0].type_prefix();
        format!(
            "impl Client<{version}> {{
                {doc}
                pub fn {key}(&self, {signature}) -> Request<operations::{marker}, {version}> {{
                    Request::new(self.clone(), {args_value}, {body_value})
                }}
            }}\n"
        )
    } else {
        format!(
            "impl<V: ApiVersion> Client<V> {{
                {doc}
                pub fn {key}(&self, {signature}) -> Request<operations::{marker}, V> {{
                    Request::new(self.clone(), {args_value}, {body_value})
                }}
            }}\n"
        )
    })
}

fn cloud_name(cloud: CloudName) -> &'static str {
    match cloud {
        CloudName::Global => "the global service",
        CloudName::UsGovernmentL4 => "US Government L4",
        CloudName::UsGovernmentL5 => "US Government L5 (DoD)",
        CloudName::China => "China operated by 21Vianet",
    }
}

/// Every schema name the operations of `version` reach, directly or through other schemas.
fn reached_schemas(spec: &OpenAPI, version: Version) -> Result<BTreeSet<String>> {
    let prefix = format!("/{}/", version.segment());
    let mut todo: Vec<String> = Vec::new();
    for (path, item) in &spec.paths.paths {
        let (true, ReferenceOr::Item(item)) = (path.starts_with(&prefix), item) else {
            continue;
        };
        for (_, op) in item.iter() {
            let mut refs = BTreeSet::new();
            for param in &op.parameters {
                if let ReferenceOr::Item(param) = param
                    && let ParameterSchemaOrContent::Schema(schema) =
                        &param.parameter_data_ref().format
                {
                    note_refs(schema, &mut refs);
                }
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body {
                for media in body.content.values() {
                    if let Some(schema) = &media.schema {
                        note_refs(schema, &mut refs);
                    }
                }
            }
            for response in op.responses.responses.values().chain(&op.responses.default) {
                if let ReferenceOr::Item(response) = response {
                    for media in response.content.values() {
                        if let Some(schema) = &media.schema {
                            note_refs(schema, &mut refs);
                        }
                    }
                }
            }
            todo.extend(refs);
        }
    }
    let components = spec
        .components
        .as_ref()
        .map(|c| &c.schemas)
        .context("the spec has no schemas")?;
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(ReferenceOr::Item(schema)) = components.get(&name) {
            let mut refs = BTreeSet::new();
            collect_refs(schema, &mut refs);
            todo.extend(refs);
        }
    }
    Ok(seen)
}

/// `pub mod v1 { pub use crosstenant_api::types::V1X as FriendlyX; … }`.
fn models_module(
    version: Version,
    reached: &BTreeSet<String>,
    schemas: &Schemas,
    ops: &Operations,
) -> Result<String> {
    let mut lines: BTreeMap<String, String> = BTreeMap::new();
    for name in reached {
        let Some(entry) = schemas.get(name) else {
            continue;
        };
        let friendly = match split_key(&entry.key) {
            (resource, Some(PROPERTY_KEY_SUFFIX)) => {
                let spec = ops.schemas.get(resource);
                match spec.and_then(|s| s.field.clone()) {
                    Some(field) => field,
                    None => format!("{}Field", friendly_name(resource, ops)),
                }
            }
            (resource, Some(EXPAND_KEY_SUFFIX)) => {
                format!("{}Expand", friendly_name(resource, ops))
            }
            (resource, Some(_)) => format!("{}Write", friendly_name(resource, ops)),
            (key, None) => friendly_name(key, ops),
        };
        let path = rust_path(schemas, name, "crosstenant_api");
        let line = if path.rsplit("::").next() == Some(friendly.as_str()) {
            format!("pub use {path};")
        } else {
            format!("pub use {path} as {friendly};")
        };
        if let Some(other) = lines.insert(friendly.clone(), line) {
            bail!(
                "two {version} schemas would both be models::{}::{friendly} ({other}): give one \
                 another `name` in [schemas] of spec/operations.toml",
                version.op_suffix()
            );
        }
    }
    let (module, what) = match version {
        Version::V1 => ("v1", "Graph v1.0, the stable API"),
        Version::Beta => ("beta", "Graph beta: newer properties, subject to change"),
    };
    Ok(format!(
        "/// The models of {what}: every type its operations return or reach, under the
        /// names `spec/operations.toml` gives them. A type that is the same in both versions
        /// is the same type under both modules.
        pub mod {module} {{ {} }}\n",
        lines.into_values().collect::<Vec<_>>().join("\n")
    ))
}

/// The facade's name for a schema: `[schemas]`'s `name`, or its own.
fn friendly_name(key: &str, ops: &Operations) -> String {
    ops.schemas
        .get(key)
        .and_then(|s| s.name.clone())
        .unwrap_or_else(|| short_name(key))
}

/// `partner_identity_sync` → `PartnerIdentitySync`.
fn type_name(key: &str) -> String {
    variant_name(key)
}

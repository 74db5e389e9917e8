//! Routing, the per-request pipeline (record, fault, auth) and the handlers.

use axum::Router;
use axum::extract::{Extension, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::ApiVersion;
use crate::fault::Outcome;
use crate::graph_error::{RequestIds, graph_error, json_response};
use crate::resources::{Resource, find, unknown_segment};
use crate::store::{RecordedRequest, Store};

/// Enum members the fake treats as newer than `unknownFutureValue`: Graph sends them only to
/// a client that asks with `Prefer: include-unknown-enum-members`, and `unknownFutureValue`
/// to others. (Fictional members, for tests.)
pub const NEWER_ENUM_MEMBERS: &[&str] = &["guestPartners", "blockedExternally"];

/// Every request goes to one handler, which finds its resource in the table.
pub(crate) fn router(store: Store) -> Router {
    Router::new()
        .fallback(resource)
        .layer(middleware::from_fn_with_state(store.clone(), pipeline))
        .with_state(store)
}

/// Recording comes first so tests see every attempt, including those answered
/// by a fault or rejected for auth.
async fn pipeline(State(store): State<Store>, mut request: Request, next: Next) -> Response {
    store.record(RecordedRequest::new(
        request.method(),
        request.uri(),
        request.headers(),
    ));
    let ids = RequestIds::for_request(request.headers());
    request.extensions_mut().insert(ids.clone());

    let fault = store.pop_fault().map(|f| f.outcome(&ids));
    let mut response = match fault {
        Some(Outcome::Respond(response)) => response,
        Some(Outcome::Delay(duration)) => {
            tokio::time::sleep(duration).await;
            authorized(request, next, &ids).await
        }
        None => authorized(request, next, &ids).await,
    };

    let headers = response.headers_mut();
    for (name, value) in [
        ("request-id", &ids.request_id),
        ("client-request-id", &ids.client_request_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now()))
    {
        headers.insert(header::DATE, date);
    }
    response
}

async fn authorized(request: Request, next: Next, ids: &RequestIds) -> Response {
    match check_bearer(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(message) => {
            let mut response = graph_error(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                message,
                ids,
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#,
                ),
            );
            response
        }
    }
}

/// Any non-empty bearer token is accepted: the mock checks that a client
/// authenticates, not who it is.
fn check_bearer(headers: &HeaderMap) -> Result<(), &'static str> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err("Access token is empty.");
    };
    let value = value
        .to_str()
        .map_err(|_| "Access token validation failure.")?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err("Access token validation failure.");
    }
    if token.trim().is_empty() {
        return Err("Access token is empty.");
    }
    Ok(())
}

/// The resource the path names, in the version it names, answered by its method.
async fn resource(
    State(store): State<Store>,
    Extension(ids): Extension<RequestIds>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let path = uri.path();
    let found = path
        .strip_prefix('/')
        .and_then(|p| p.split_once('/'))
        .and_then(|(segment, rest)| {
            let version = ApiVersion::ALL
                .into_iter()
                .find(|v| v.segment() == segment)?;
            let rest = format!("/{rest}");
            let (resource, key) = find(&rest)?;
            let properties = resource.properties(version)?;
            Some((version, resource, key, properties))
        });
    let Some((version, resource, key, properties)) = found else {
        let message = format!(
            "Resource not found for the segment '{}'.",
            unknown_segment(path)
        );
        return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &message, &ids);
    };
    if !resource.methods.contains(&method.as_str()) {
        return method_not_allowed(resource, &ids);
    }
    let select = match selection(query.as_deref(), resource, properties) {
        Ok(select) => select,
        Err(message) => return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &message, &ids),
    };
    let Some(body) = store.get(resource, version, &key) else {
        let message = if key.is_empty() {
            let last = resource.path.rsplit('/').next().unwrap_or_default();
            format!("Resource '{last}' does not exist.")
        } else {
            format!(
                "Resource '{key}' does not exist or one of its queried reference-property objects are not present."
            )
        };
        return graph_error(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            &message,
            &ids,
        );
    };
    let body = if asks_for_newer_members(&headers) {
        body
    } else {
        without_newer_members(body)
    };
    entity(version, &resource.odata_path(&key), body, select.as_deref())
}

fn asks_for_newer_members(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| {
            p.trim()
                .eq_ignore_ascii_case("include-unknown-enum-members")
        })
}

/// The body as Graph shows it to a client that did not ask for newer enum members: each such
/// member (alone, or in a comma-separated flags value) reads `unknownFutureValue`.
fn without_newer_members(body: Value) -> Value {
    match body {
        Value::String(text)
            if text
                .split(',')
                .any(|m| NEWER_ENUM_MEMBERS.contains(&m.trim())) =>
        {
            let mut members: Vec<&str> = Vec::new();
            for member in text.split(',').map(str::trim) {
                let shown = if NEWER_ENUM_MEMBERS.contains(&member) {
                    "unknownFutureValue"
                } else {
                    member
                };
                if !members.contains(&shown) {
                    members.push(shown);
                }
            }
            Value::String(members.join(","))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_newer_members).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_newer_members(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The `$select` list, validated against the resource's properties the way
/// Graph does it. The client percent-encodes the `$`, so the key is decoded
/// before comparing.
fn selection(
    query: Option<&str>,
    resource: &Resource,
    known: &[&str],
) -> Result<Option<Vec<String>>, String> {
    let mut values = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(key, _)| key == "$select")
        .map(|(_, value)| value.into_owned());
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err("Query option '$select' was specified more than once, but it must be specified at most once.".to_owned());
    }
    let names: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = names.iter().find(|name| !known.contains(&name.as_str())) {
        return Err(format!(
            "Could not find a property named '{unknown}' on type '{}'.",
            resource.type_name
        ));
    }
    Ok((!names.is_empty()).then_some(names))
}

/// A success body: `@odata.context` first, then the stored properties in their
/// stored order, narrowed to `select` if given. Like Graph, a selection is
/// reflected in the context URL.
fn entity(version: ApiVersion, path: &str, body: Value, select: Option<&[String]>) -> Response {
    let Value::Object(properties) = body else {
        return json_response(StatusCode::OK, body.to_string());
    };
    let projection = select
        .map(|names| format!("({})", names.join(",")))
        .unwrap_or_default();
    let context =
        format!("https://graph.microsoft.com/{version}/$metadata#{path}{projection}/$entity");
    let mut out = Map::new();
    out.insert("@odata.context".to_owned(), Value::String(context));
    out.extend(
        properties
            .into_iter()
            .filter(|(name, _)| select.is_none_or(|names| names.iter().any(|n| n == name))),
    );
    json_response(StatusCode::OK, Value::Object(out).to_string())
}

fn method_not_allowed(resource: &Resource, ids: &RequestIds) -> Response {
    let mut response = graph_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "BadRequest",
        "Specified HTTP method is not allowed for the request target.",
        ids,
    );
    if let Ok(allow) = HeaderValue::from_str(&resource.methods.join(", ")) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

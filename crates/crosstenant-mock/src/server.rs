//! Routing, the per-request pipeline (record, fault, auth) and the handlers.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::ApiVersion;
use crate::fault::{Mark, Outcome};
use crate::graph_error::{RequestIds, graph_error, json_response};
use crate::resources::{Kind, Resource, by_path, find, unknown_segment};
use crate::store::{RecordedRequest, Store};

/// Enum members the fake treats as newer than `unknownFutureValue`: Graph sends them only to
/// a client that asks with `Prefer: include-unknown-enum-members`, and `unknownFutureValue`
/// to others. (Fictional members, for tests.)
pub const NEWER_ENUM_MEMBERS: &[&str] = &["guestPartners", "blockedExternally"];

/// The largest request body the fake reads.
const MAX_REQUEST_BODY: usize = 1 << 20;

/// Every request goes to one handler, which finds its resource in the table.
pub(crate) fn router(store: Store) -> Router {
    Router::new()
        .fallback(resource)
        .layer(middleware::from_fn_with_state(store.clone(), pipeline))
        .with_state(store)
}

/// Recording comes first so tests see every attempt, including those answered
/// by a fault or rejected for auth.
async fn pipeline(State(store): State<Store>, request: Request, next: Next) -> Response {
    // Bodies are small policies; one read here serves both the record and the handler.
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY)
        .await
        .unwrap_or_default();
    store.record(RecordedRequest::new(
        &parts.method,
        &parts.uri,
        &parts.headers,
        &body,
    ));
    let mut request = Request::from_parts(parts, axum::body::Body::from(body));
    let ids = RequestIds::for_request(request.headers());
    request.extensions_mut().insert(ids.clone());

    let fault = store.pop_fault().map(|f| f.outcome(&ids));
    let mut response = match fault {
        Some(Outcome::Respond(response)) => response,
        Some(Outcome::Delay(duration)) => {
            tokio::time::sleep(duration).await;
            authorized(request, next, &ids).await
        }
        Some(Outcome::Mark(mark)) => {
            request.extensions_mut().insert(mark);
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

/// One request, as the handlers see it.
struct Call<'a> {
    store: &'a Store,
    version: ApiVersion,
    resource: &'static Resource,
    key: String,
    properties: &'static [&'static str],
    query: Option<String>,
    headers: &'a HeaderMap,
    /// The client asked for enum members newer than `unknownFutureValue`.
    newer_members: bool,
    mark: Mark,
}

/// The resource the path names, in the version it names, answered by its method.
async fn resource(State(store): State<Store>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let ids = parts
        .extensions
        .get::<RequestIds>()
        .cloned()
        .unwrap_or_else(|| RequestIds::for_request(&parts.headers));
    let mark = parts.extensions.get::<Mark>().cloned().unwrap_or_default();
    // The pipeline read the body already; this takes it from memory.
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY)
        .await
        .unwrap_or_default();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let query = uri.query().map(str::to_string);
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
    let call = Call {
        store: &store,
        version,
        resource,
        key,
        properties,
        query,
        headers: &headers,
        newer_members: asks_for_newer_members(&headers),
        mark,
    };
    let answer = match (&resource.kind, method.as_str()) {
        (Kind::Entity { .. }, "GET") => call.read(),
        (Kind::Entity { parent }, "PUT") => call.put(*parent, &body),
        (Kind::Entity { .. }, "PATCH") => call.patch(&body),
        (Kind::Entity { .. }, "DELETE") => call.delete(),
        (Kind::Collection { item, expand }, "GET") => call.list(item, expand),
        (Kind::Reset { target }, "POST") => call.reset(target),
        (Kind::Restore { target }, "POST") => call.restore(target),
        _ => return method_not_allowed(resource, &ids),
    };
    answer.unwrap_or_else(|(status, code, message)| graph_error(status, code, &message, &ids))
}

/// A Graph error: status, code, message.
type Refusal = (StatusCode, &'static str, String);

fn bad_request(message: impl Into<String>) -> Refusal {
    (StatusCode::BAD_REQUEST, "BadRequest", message.into())
}

fn not_found(resource: &Resource, key: &str) -> Refusal {
    let message = if key.is_empty() {
        let last = resource.path.rsplit('/').next().unwrap_or_default();
        format!("Resource '{last}' does not exist.")
    } else {
        format!(
            "Resource '{key}' does not exist or one of its queried reference-property objects are not present."
        )
    };
    (StatusCode::NOT_FOUND, "Request_ResourceNotFound", message)
}

impl Call<'_> {
    /// The body as this client may see it: newer enum members only if it asked for them.
    fn shown(&self, body: Value) -> Value {
        if self.newer_members {
            body
        } else {
            without_newer_members(body)
        }
    }

    /// One entity of `resource` (this call's key) as a response, `$select` applied.
    fn entity_of(&self, resource: &Resource, body: Value, select: Option<&[String]>) -> Response {
        let path = resource.odata_path(&self.key);
        entity(self.version, &path, self.shown(body), select)
    }

    fn read(&self) -> Result<Response, Refusal> {
        let select = selection(self.query.as_deref(), self.resource, self.properties)
            .map_err(bad_request)?;
        let body = self
            .store
            .get(self.resource, self.version, &self.key)
            .ok_or_else(|| not_found(self.resource, &self.key))?;
        Ok(self.entity_of(self.resource, body, select.as_deref()))
    }

    /// What a write answers: 204, or 200 with the object when a fault says so.
    fn written(&self, body: Option<Value>) -> Response {
        match body {
            Some(body) if self.mark.write_with_body => self.entity_of(self.resource, body, None),
            _ => StatusCode::NO_CONTENT.into_response(),
        }
    }

    /// A request body: a JSON object whose every property this version has.
    fn write_body(&self, body: &[u8]) -> Result<Map<String, Value>, Refusal> {
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
            return Err(bad_request("Empty Payload. JSON content expected."));
        };
        if let Some(unknown) = object
            .keys()
            .find(|k| !self.properties.contains(&k.as_str()))
        {
            return Err(bad_request(format!(
                "Property '{unknown}' does not exist on type '{}'.",
                self.resource.type_name
            )));
        }
        Ok(object)
    }

    fn put(&self, parent: Option<&'static str>, body: &[u8]) -> Result<Response, Refusal> {
        let mut object = self.write_body(body)?;
        if let Some(parent) = parent.and_then(by_path)
            && self.store.get(parent, self.version, &self.key).is_none()
        {
            return Err(not_found(parent, &self.key));
        }
        if let Some(key) = self.resource.key_property {
            object.insert(key.to_string(), Value::String(self.key.clone()));
        }
        let stored = Value::Object(object);
        self.store.put(
            self.resource,
            self.version,
            self.key.clone(),
            stored.clone(),
        );
        Ok(self.written(Some(stored)))
    }

    fn patch(&self, body: &[u8]) -> Result<Response, Refusal> {
        let changes = self.write_body(body)?;
        let merged = self
            .store
            .change(self.resource, self.version, &self.key, |current, _| {
                let current = current.as_mut()?;
                merge(current, Value::Object(changes));
                Some(current.clone())
            })
            .ok_or_else(|| not_found(self.resource, &self.key))?;
        Ok(self.written(Some(merged)))
    }

    fn delete(&self) -> Result<Response, Refusal> {
        let removed = self.store.change(
            self.resource,
            self.version,
            &self.key,
            |current, deleted| {
                let body = current.take()?;
                *deleted = Some(body);
                Some(())
            },
        );
        removed.ok_or_else(|| not_found(self.resource, &self.key))?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    fn reset(&self, target: &'static str) -> Result<Response, Refusal> {
        let target = by_path(target).ok_or_else(|| bad_request("no target"))?;
        let seed = (target.seeds)(self.version)
            .into_iter()
            .next()
            .ok_or_else(|| not_found(target, ""))?;
        self.store.put(target, self.version, String::new(), seed);
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    fn restore(&self, target: &'static str) -> Result<Response, Refusal> {
        let target = by_path(target).ok_or_else(|| bad_request("no target"))?;
        let restored = self
            .store
            .change(target, self.version, &self.key, |current, deleted| {
                let body = deleted.take()?;
                *current = Some(body.clone());
                Some(body)
            })
            .ok_or_else(|| not_found(target, &self.key))?;
        Ok(self.entity_of(target, restored, None))
    }

    fn list(
        &self,
        item: &'static str,
        expand: &'static [(&'static str, &'static str)],
    ) -> Result<Response, Refusal> {
        let item = by_path(item).ok_or_else(|| bad_request("no item"))?;
        let options = ListOptions::parse(
            self.query.as_deref(),
            self.resource,
            self.properties,
            expand,
        )?;
        let mut items: Vec<(String, Value)> = self.store.all(item, self.version);
        if let Some((name, wanted)) = &options.filter {
            // Graph compares strings case-insensitively (GUIDs above all).
            items.retain(
                |(_, body)| match (body.get(name).unwrap_or(&Value::Null), wanted) {
                    (Value::String(have), Value::String(want)) => have.eq_ignore_ascii_case(want),
                    (have, want) => have == want,
                },
            );
        }
        let total = items.len();
        let page: Vec<Value> = items
            .into_iter()
            .skip(options.skip)
            .take(options.top)
            .map(|(key, body)| {
                let Value::Object(mut body) = body else {
                    return body;
                };
                if let Some(select) = &options.select {
                    body.retain(|name, _| select.contains(name));
                }
                for (name, path) in &options.expand {
                    let related = by_path(path)
                        .and_then(|r| self.store.get(r, self.version, &key))
                        .unwrap_or(Value::Null);
                    body.insert((*name).to_string(), related);
                }
                self.shown(Value::Object(body))
            })
            .collect();
        let mut out = Map::new();
        out.insert(
            "@odata.context".into(),
            Value::String(format!(
                "https://graph.microsoft.com/{}/$metadata#{}",
                self.version,
                self.resource.path.trim_start_matches('/')
            )),
        );
        out.insert("value".into(), Value::Array(page));
        let next = options.skip + options.top;
        if next < total {
            let base = match &self.mark.next_link_base {
                Some(base) => base.clone(),
                None => format!(
                    "http://{}",
                    self.headers
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("127.0.0.1")
                ),
            };
            let kept: Vec<String> =
                form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
                    .filter(|(k, _)| k != "$skiptoken")
                    .map(|(k, v)| format!("{k}={}", urlencoded(&v)))
                    .collect();
            let mut query = kept.join("&");
            if !query.is_empty() {
                query.push('&');
            }
            let link = format!(
                "{base}/{}{}?{query}$skiptoken={next}",
                self.version, self.resource.path
            );
            out.insert("@odata.nextLink".into(), Value::String(link));
        }
        Ok(json_response(
            StatusCode::OK,
            Value::Object(out).to_string(),
        ))
    }
}

fn urlencoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Applies a PATCH: a property set to an object is merged into the object there, any other
/// value (`null` included) replaces what was there.
fn merge(current: &mut Value, changes: Value) {
    match (current, changes) {
        (Value::Object(current), Value::Object(changes)) => {
            for (name, change) in changes {
                match current.get_mut(&name) {
                    Some(existing @ Value::Object(_)) if change.is_object() => {
                        merge(existing, change)
                    }
                    _ => {
                        current.insert(name, change);
                    }
                }
            }
        }
        (current, changes) => *current = changes,
    }
}

/// The query options of a list, checked.
struct ListOptions {
    select: Option<Vec<String>>,
    expand: Vec<(&'static str, &'static str)>,
    filter: Option<(String, Value)>,
    top: usize,
    skip: usize,
}

/// A page when the client does not say (`$top`).
const DEFAULT_PAGE_SIZE: usize = 100;

impl ListOptions {
    fn parse(
        query: Option<&str>,
        resource: &Resource,
        properties: &'static [&'static str],
        expandable: &'static [(&'static str, &'static str)],
    ) -> Result<Self, Refusal> {
        let select = selection(query, resource, properties).map_err(bad_request)?;
        let value = |name: &str| {
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let number = |name: &str| -> Result<Option<usize>, Refusal> {
            value(name)
                .map(|v| {
                    v.parse::<usize>()
                        .map_err(|_| bad_request(format!("Invalid value '{v}' for {name}.")))
                })
                .transpose()
        };
        let top = number("$top")?.unwrap_or(DEFAULT_PAGE_SIZE).max(1);
        let skip = number("$skiptoken")?.unwrap_or(0);
        let mut expand = Vec::new();
        for name in value("$expand")
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
        {
            let found = expandable.iter().find(|(n, _)| *n == name).ok_or_else(|| {
                bad_request(format!(
                    "Could not find a property named '{name}' on type '{}'.",
                    resource.type_name
                ))
            })?;
            expand.push(*found);
        }
        let filter = value("$filter")
            .map(|f| parse_filter(&f, properties))
            .transpose()?;
        Ok(Self {
            select,
            expand,
            filter,
            top,
            skip,
        })
    }
}

/// `name eq 'text'`, `name eq true`, `name eq false`, `name eq null`: what the fake filters by.
fn parse_filter(filter: &str, properties: &[&str]) -> Result<(String, Value), Refusal> {
    let invalid = || bad_request(format!("Invalid filter clause: {filter}"));
    let (name, value) = filter.split_once(" eq ").ok_or_else(invalid)?;
    let name = name.trim();
    if !properties.contains(&name) {
        return Err(bad_request(format!(
            "Could not find a property named '{name}' on type the list holds."
        )));
    }
    let value = value.trim();
    let value = match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        quoted if quoted.len() >= 2 && quoted.starts_with('\'') && quoted.ends_with('\'') => {
            Value::String(quoted[1..quoted.len() - 1].to_string())
        }
        _ => return Err(invalid()),
    };
    Ok((name.to_string(), value))
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

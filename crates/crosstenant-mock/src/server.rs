//! Routing, the per-request pipeline (record, fault, auth) and the handlers.

use axum::Router;
use axum::extract::{Extension, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value};

use crate::ApiVersion;
use crate::fault::Outcome;
use crate::graph_error::{RequestIds, graph_error, json_response};
use crate::schema::{Resource, unknown_segment};
use crate::store::{RecordedRequest, Store};

const PARTNER_PATH: &str =
    "/policies/crossTenantAccessPolicy/partners/{tenant_id}/identitySynchronization";
const TEMPLATE_PATH: &str =
    "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization";

pub(crate) fn router(store: Store) -> Router {
    let mut router = Router::new();
    for version in ApiVersion::ALL {
        let api = Router::new()
            .route(PARTNER_PATH, get(partner).fallback(method_not_allowed))
            .route(TEMPLATE_PATH, get(template).fallback(method_not_allowed))
            .layer(Extension(version));
        router = router.nest(&format!("/{}", version.segment()), api);
    }
    router
        .fallback(not_found)
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

async fn partner(
    State(store): State<Store>,
    Extension(version): Extension<ApiVersion>,
    Extension(ids): Extension<RequestIds>,
    Path(tenant_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let select = match selection(query.as_deref(), Resource::Partner, version) {
        Ok(select) => select,
        Err(message) => return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &message, &ids),
    };
    let Some(body) = store.partner(version, &tenant_id) else {
        let message = format!(
            "Resource '{tenant_id}' does not exist or one of its queried reference-property objects are not present."
        );
        return graph_error(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            &message,
            &ids,
        );
    };
    let path =
        format!("policies/crossTenantAccessPolicy/partners('{tenant_id}')/identitySynchronization");
    entity(version, &path, body, select.as_deref())
}

async fn template(
    State(store): State<Store>,
    Extension(version): Extension<ApiVersion>,
    Extension(ids): Extension<RequestIds>,
    RawQuery(query): RawQuery,
) -> Response {
    let select = match selection(query.as_deref(), Resource::Template, version) {
        Ok(select) => select,
        Err(message) => return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &message, &ids),
    };
    let Some(body) = store.template(version) else {
        let message = "Resource 'multiTenantOrganizationIdentitySynchronization' does not exist.";
        return graph_error(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            message,
            &ids,
        );
    };
    let path = TEMPLATE_PATH.trim_start_matches('/');
    entity(version, path, body, select.as_deref())
}

/// The `$select` list, validated against the resource's properties the way
/// Graph does it. The client percent-encodes the `$`, so the key is decoded
/// before comparing.
fn selection(
    query: Option<&str>,
    resource: Resource,
    version: ApiVersion,
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
    let known = resource.properties(version);
    if let Some(unknown) = names.iter().find(|name| !known.contains(&name.as_str())) {
        return Err(format!(
            "Could not find a property named '{unknown}' on type '{}'.",
            resource.type_name()
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

async fn not_found(Extension(ids): Extension<RequestIds>, uri: Uri) -> Response {
    let message = format!(
        "Resource not found for the segment '{}'.",
        unknown_segment(uri.path())
    );
    graph_error(StatusCode::NOT_FOUND, "BadRequest", &message, &ids)
}

async fn method_not_allowed(Extension(ids): Extension<RequestIds>) -> Response {
    let mut response = graph_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "BadRequest",
        "Specified HTTP method is not allowed for the request target.",
        &ids,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

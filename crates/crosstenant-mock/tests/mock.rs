//! Black-box tests: a real HTTP client against the mock on loopback.

use std::error::Error;
use std::time::{Duration, Instant, SystemTime};

use crosstenant_mock::{ApiVersion, Fault, MockGraph, RetryAfter, seeds};
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn Error>>;

/// Upper bound for any single network step, so a broken server fails fast.
const LIMIT: Duration = Duration::from_secs(5);

const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

fn partner_url(mock: &MockGraph, version: ApiVersion, tenant_id: &str) -> String {
    format!(
        "{}/{version}/policies/crossTenantAccessPolicy/partners/{tenant_id}/identitySynchronization",
        mock.base_url()
    )
}

fn template_url(mock: &MockGraph, version: ApiVersion) -> String {
    format!(
        "{}/{version}/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization",
        mock.base_url()
    )
}

fn partner_context(version: ApiVersion, tenant_id: &str) -> String {
    format!(
        "https://graph.microsoft.com/{version}/$metadata#policies/crossTenantAccessPolicy/partners('{tenant_id}')/identitySynchronization/$entity"
    )
}

fn template_context(version: ApiVersion) -> String {
    format!(
        "https://graph.microsoft.com/{version}/$metadata#policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization/$entity"
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn send(request: RequestBuilder) -> Result<Response, Box<dyn Error>> {
    Ok(tokio::time::timeout(LIMIT, request.send()).await??)
}

async fn get(url: &str) -> Result<Response, Box<dyn Error>> {
    send(client().get(url).bearer_auth("token")).await
}

async fn text(response: Response) -> Result<String, Box<dyn Error>> {
    Ok(tokio::time::timeout(LIMIT, response.text()).await??)
}

async fn json_body(response: Response) -> Result<Value, Box<dyn Error>> {
    Ok(serde_json::from_str(&text(response).await?)?)
}

/// `@odata.context` followed by the stored body, in order.
fn with_context(context: String, body: Value) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("@odata.context".into(), Value::String(context));
    if let Value::Object(properties) = body {
        out.extend(properties);
    }
    Value::Object(out)
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Asserts a Graph error envelope and returns its message.
async fn graph_error(
    response: Response,
    status: StatusCode,
    code: &str,
) -> Result<String, Box<dyn Error>> {
    assert_eq!(response.status(), status);
    assert_eq!(header(&response, "content-type"), JSON_CONTENT_TYPE);
    let request_id = header(&response, "request-id").to_owned();
    let body = json_body(response).await?;
    assert_eq!(body["error"]["code"], code, "{body}");
    assert_eq!(
        body["error"]["innerError"]["request-id"],
        request_id.as_str()
    );
    Ok(body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

async fn assert_fabrikam(mock: &MockGraph) -> TestResult {
    let response = get(&partner_url(
        mock,
        ApiVersion::V1,
        seeds::FABRIKAM_TENANT_ID,
    ))
    .await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_body(response).await?["displayName"], "Fabrikam");
    Ok(())
}

#[tokio::test]
async fn serves_seeded_partners_in_both_versions() -> TestResult {
    let mock = MockGraph::start().await?;
    let cases = [
        (
            ApiVersion::V1,
            seeds::FABRIKAM_TENANT_ID,
            seeds::partner_fabrikam(),
        ),
        (
            ApiVersion::Beta,
            seeds::FABRIKAM_TENANT_ID,
            seeds::partner_fabrikam(),
        ),
        (
            ApiVersion::V1,
            seeds::CONTOSO_TENANT_ID,
            seeds::partner_contoso_v1(),
        ),
        (
            ApiVersion::Beta,
            seeds::CONTOSO_TENANT_ID,
            seeds::partner_contoso_beta(),
        ),
        (
            ApiVersion::V1,
            seeds::WOODGROVE_TENANT_ID,
            seeds::partner_woodgrove(),
        ),
        (
            ApiVersion::Beta,
            seeds::WOODGROVE_TENANT_ID,
            seeds::partner_woodgrove(),
        ),
    ];
    for (version, tenant_id, stored) in cases {
        let response = get(&partner_url(&mock, version, tenant_id)).await?;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "content-type"), JSON_CONTENT_TYPE);
        let body = json_body(response).await?;
        let expected = with_context(partner_context(version, tenant_id), stored);
        assert_eq!(body, expected);
        assert_eq!(keys(&body), keys(&expected), "property order is kept");
    }
    assert_eq!(
        seeds::partner_fabrikam(),
        json!({"tenantId": "9c5d131d-b1c3-4fc4-9e3f-c6557947d551", "displayName": "Fabrikam", "userSyncInbound": {"isSyncAllowed": true}})
    );
    mock.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn serves_the_template_in_both_versions() -> TestResult {
    let mock = MockGraph::start().await?;
    for version in [ApiVersion::V1, ApiVersion::Beta] {
        let body = json_body(get(&template_url(&mock, version)).await?).await?;
        assert_eq!(body["@odata.context"], template_context(version));
        assert_eq!(
            keys(&body),
            [
                "@odata.context",
                "templateApplicationLevel",
                "id",
                "userSyncInbound"
            ]
        );
        assert_eq!(body["id"], seeds::UNCONFIGURED_TEMPLATE_ID);
        assert_eq!(body["userSyncInbound"]["isSyncAllowed"], Value::Null);
    }
    mock.set_template(ApiVersion::Beta, seeds::template_configured());
    let beta = json_body(get(&template_url(&mock, ApiVersion::Beta)).await?).await?;
    assert_eq!(
        beta,
        with_context(
            template_context(ApiVersion::Beta),
            seeds::template_configured()
        )
    );
    let v1 = json_body(get(&template_url(&mock, ApiVersion::V1)).await?).await?;
    assert_eq!(v1["id"], seeds::UNCONFIGURED_TEMPLATE_ID);
    Ok(())
}

#[tokio::test]
async fn select_narrows_the_body_in_encoded_and_plain_form() -> TestResult {
    let mock = MockGraph::start().await?;
    let base = partner_url(&mock, ApiVersion::Beta, seeds::CONTOSO_TENANT_ID);
    for query in [
        "%24select=tenantId%2CdisplayName",
        "$select=displayName, tenantId",
    ] {
        let body = json_body(get(&format!("{base}?{query}")).await?).await?;
        assert_eq!(
            keys(&body),
            ["@odata.context", "tenantId", "displayName"],
            "{query}"
        );
        assert_eq!(body["displayName"], "Contoso");
    }
    let body = json_body(get(&format!("{base}?%24select=groupSyncInbound")).await?).await?;
    assert_eq!(body["groupSyncInbound"]["isSyncAllowed"], false);
    assert!(
        body["@odata.context"]
            .as_str()
            .is_some_and(|c| c.ends_with("/identitySynchronization(groupSyncInbound)/$entity"))
    );

    let template = template_url(&mock, ApiVersion::V1);
    let body = json_body(get(&format!("{template}?%24select=id")).await?).await?;
    assert_eq!(keys(&body), ["@odata.context", "id"]);
    Ok(())
}

#[tokio::test]
async fn select_of_an_unknown_property_is_a_bad_request() -> TestResult {
    let mock = MockGraph::start().await?;
    let v1 = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let response = get(&format!("{v1}?%24select=tenantId%2CgroupSyncInbound")).await?;
    let message = graph_error(response, StatusCode::BAD_REQUEST, "BadRequest").await?;
    assert_eq!(
        message,
        "Could not find a property named 'groupSyncInbound' on type 'microsoft.graph.crossTenantIdentitySyncPolicyPartner'."
    );

    let template = template_url(&mock, ApiVersion::Beta);
    let response = get(&format!("{template}?$select=tenantId")).await?;
    let message = graph_error(response, StatusCode::BAD_REQUEST, "BadRequest").await?;
    assert_eq!(
        message,
        "Could not find a property named 'tenantId' on type 'microsoft.graph.multiTenantOrganizationIdentitySyncPolicyTemplate'."
    );
    Ok(())
}

#[tokio::test]
async fn repeated_select_is_a_bad_request() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let response = get(&format!("{url}?%24select=tenantId&$select=displayName")).await?;
    let message = graph_error(response, StatusCode::BAD_REQUEST, "BadRequest").await?;
    assert_eq!(
        message,
        "Query option '$select' was specified more than once, but it must be specified at most once."
    );
    Ok(())
}

#[tokio::test]
async fn requests_without_a_bearer_token_are_unauthorized() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let missing = send(client().get(&url)).await?;
    assert!(header(&missing, "www-authenticate").starts_with("Bearer "));
    let message = graph_error(
        missing,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    )
    .await?;
    assert_eq!(message, "Access token is empty.");

    let empty = send(client().get(&url).header("authorization", "Bearer ")).await?;
    graph_error(
        empty,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    )
    .await?;
    let basic = send(client().get(&url).basic_auth("user", Some("pass"))).await?;
    graph_error(
        basic,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn unknown_partner_is_not_found() -> TestResult {
    let mock = MockGraph::start().await?;
    let tenant_id = "00000000-0000-0000-0000-000000000001";
    let response = get(&partner_url(&mock, ApiVersion::Beta, tenant_id)).await?;
    let message = graph_error(response, StatusCode::NOT_FOUND, "Request_ResourceNotFound").await?;
    assert_eq!(
        message,
        format!(
            "Resource '{tenant_id}' does not exist or one of its queried reference-property objects are not present."
        )
    );

    let upper = seeds::FABRIKAM_TENANT_ID.to_ascii_uppercase();
    let response = get(&partner_url(&mock, ApiVersion::V1, &upper)).await?;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "GUIDs match case-insensitively"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_paths_and_methods_get_graph_errors() -> TestResult {
    let mock = MockGraph::start().await?;
    let response = get(&format!(
        "{}/v1.0/policies/crossTenantAccessPolicy/nope",
        mock.base_url()
    ))
    .await?;
    // Graph answers an unknown segment with 400, not 404.
    let message = graph_error(response, StatusCode::BAD_REQUEST, "BadRequest").await?;
    assert_eq!(message, "Resource not found for the segment 'nope'.");

    let response = get(&format!("{}/v2.0/policies", mock.base_url())).await?;
    let message = graph_error(response, StatusCode::BAD_REQUEST, "BadRequest").await?;
    assert_eq!(message, "Resource not found for the segment 'v2.0'.");

    let url = partner_url(&mock, ApiVersion::Beta, seeds::FABRIKAM_TENANT_ID);
    let response = send(client().patch(&url).bearer_auth("token").body("{}")).await?;
    assert_eq!(header(&response, "allow"), "GET, PUT, DELETE");
    graph_error(response, StatusCode::METHOD_NOT_ALLOWED, "BadRequest").await?;
    Ok(())
}

#[tokio::test]
async fn correlation_headers_are_set_and_echoed() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);

    let response = get(&url).await?;
    let request_id = header(&response, "request-id");
    assert_eq!(request_id.len(), 36);
    assert_eq!(header(&response, "client-request-id"), request_id);
    httpdate::parse_http_date(header(&response, "date"))?;

    let echoed = "6f1bd3a0-5e57-4a0b-9d38-3f0c9a1f2b77";
    let request = client().get(&url).header("client-request-id", echoed);
    let response = send(request).await?;
    assert_eq!(header(&response, "client-request-id"), echoed);
    let request_id = header(&response, "request-id").to_owned();
    assert_ne!(request_id, echoed);
    let body = json_body(response).await?;
    let inner = &body["error"]["innerError"];
    assert_eq!(inner["client-request-id"], echoed);
    assert_eq!(inner["request-id"], request_id.as_str());
    let date = inner["date"].as_str().unwrap_or_default();
    assert_eq!(date.len(), "2026-11-24T22:30:00".len(), "{date}");
    assert_eq!(&date[10..11], "T");
    Ok(())
}

#[tokio::test]
async fn throttling_faults_carry_retry_after_once() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_559_400);
    mock.push_fault(Fault::TooManyRequests {
        retry_after: Some(RetryAfter::Seconds(7)),
    });
    mock.push_fault(Fault::ServiceUnavailable {
        retry_after: Some(RetryAfter::Date(at)),
    });
    mock.push_fault(Fault::TooManyRequests { retry_after: None });
    mock.push_fault(Fault::GatewayTimeout);

    let response = get(&url).await?;
    assert_eq!(header(&response, "retry-after"), "7");
    assert!(!header(&response, "request-id").is_empty());
    graph_error(response, StatusCode::TOO_MANY_REQUESTS, "TooManyRequests").await?;

    let response = get(&url).await?;
    assert_eq!(
        header(&response, "retry-after"),
        "Tue, 24 Nov 2026 22:30:00 GMT"
    );
    graph_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
    )
    .await?;

    let response = get(&url).await?;
    assert!(response.headers().get("retry-after").is_none());
    graph_error(response, StatusCode::TOO_MANY_REQUESTS, "TooManyRequests").await?;

    let response = get(&url).await?;
    graph_error(response, StatusCode::GATEWAY_TIMEOUT, "GatewayTimeout").await?;

    assert_fabrikam(&mock).await
}

#[tokio::test]
async fn faults_apply_before_the_auth_check() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    mock.push_fault(Fault::GatewayTimeout);
    let response = send(client().get(&url)).await?;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    let response = send(client().get(&url)).await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn delay_waits_then_serves_normally() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let delay = Duration::from_millis(100);
    mock.push_faults(Fault::Delay(delay), 2);

    let started = Instant::now();
    let response = get(&url).await?;
    assert!(started.elapsed() >= delay);
    assert_eq!(json_body(response).await?["displayName"], "Fabrikam");

    let started = Instant::now();
    let response = send(client().get(&url)).await?;
    assert!(started.elapsed() >= delay);
    graph_error(
        response,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    )
    .await?;

    // The two delays are used up; the next request is served as usual (no upper bound on
    // its time: this machine is shared, and a slow answer here would not be a fault).
    assert_fabrikam(&mock).await?;
    Ok(())
}

#[tokio::test]
async fn body_faults_break_the_payload_once() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);

    mock.push_fault(Fault::MalformedJson);
    let response = get(&url).await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), JSON_CONTENT_TYPE);
    let body = text(response).await?;
    assert_eq!(body, r#"{"tenantId": "9c5d"#);
    assert!(serde_json::from_str::<Value>(&body).is_err());

    mock.push_fault(Fault::WrongType);
    let response = get(&url).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_body(response).await?;
    assert!(body["tenantId"].is_number());
    assert_eq!(body["userSyncInbound"]["isSyncAllowed"], "yes");

    mock.push_fault(Fault::EmptyOk);
    let response = get(&url).await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await?, "");

    mock.push_fault(Fault::HtmlBadGateway);
    let response = get(&url).await?;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(header(&response, "content-type").starts_with("text/html"));
    assert!(text(response).await?.contains("<html>"));

    assert_fabrikam(&mock).await
}

#[tokio::test]
async fn oversized_bodies_are_exact_with_or_without_length() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let bytes = 3 * 1024 * 1024 + 17;
    for chunked in [false, true] {
        mock.push_fault(Fault::Oversized { bytes, chunked });
        let response = get(&url).await?;
        assert_eq!(response.status(), StatusCode::OK);
        if chunked {
            assert!(response.headers().get("content-length").is_none());
            assert_eq!(header(&response, "transfer-encoding"), "chunked");
        } else {
            assert_eq!(header(&response, "content-length"), bytes.to_string());
        }
        let body = text(response).await?;
        assert_eq!(body.len(), bytes);
        let value: Value = serde_json::from_str(&body)?;
        assert_eq!(value["tenantId"], seeds::FABRIKAM_TENANT_ID);
    }
    assert_fabrikam(&mock).await
}

#[tokio::test]
async fn redirect_fault_points_elsewhere_once() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    let target = "http://127.0.0.1:9/elsewhere";
    mock.push_fault(Fault::RedirectTo(target.to_owned()));
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = send(no_follow.get(&url).bearer_auth("token")).await?;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(header(&response, "location"), target);
    assert_fabrikam(&mock).await
}

#[tokio::test]
async fn push_faults_repeats_then_resumes() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::Beta, seeds::WOODGROVE_TENANT_ID);
    mock.push_faults(Fault::ServiceUnavailable { retry_after: None }, 3);
    for _ in 0..3 {
        assert_eq!(get(&url).await?.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(get(&url).await?.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn every_request_is_recorded_with_headers() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    mock.push_fault(Fault::GatewayTimeout);
    send(
        client()
            .get(format!("{url}?%24select=tenantId"))
            .bearer_auth("t1")
            .header("client-request-id", "abc"),
    )
    .await?;
    send(client().get(&url)).await?;
    get(&format!("{}/nowhere", mock.base_url())).await?;

    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    let first = &requests[0];
    assert_eq!(first.method, "GET");
    assert_eq!(
        first.path,
        format!(
            "/v1.0/policies/crossTenantAccessPolicy/partners/{}/identitySynchronization",
            seeds::FABRIKAM_TENANT_ID
        )
    );
    assert_eq!(first.query.as_deref(), Some("%24select=tenantId"));
    let has = |name: &str, value: &str| first.headers.iter().any(|(n, v)| n == name && v == value);
    assert!(has("authorization", "Bearer t1"), "{:?}", first.headers);
    assert!(has("client-request-id", "abc"));
    assert!(
        first
            .headers
            .iter()
            .all(|(n, _)| *n == n.to_ascii_lowercase())
    );
    assert_eq!(requests[1].query, None);
    assert!(
        requests[1]
            .headers
            .iter()
            .all(|(n, _)| n != "authorization")
    );
    assert_eq!(requests[2].path, "/nowhere");
    assert_eq!(serde_json::to_value(first)?["query"], "%24select=tenantId");

    mock.clear_requests();
    assert!(mock.requests().is_empty());
    Ok(())
}

#[tokio::test]
async fn partners_can_be_inserted_replaced_and_removed() -> TestResult {
    let mock = MockGraph::start().await?;
    let tenant_id = "5a4e3c2b-1d0f-4e9a-8b7c-6d5e4f3a2b1c";
    let partner = json!({"tenantId": tenant_id, "displayName": "Litware", "userSyncInbound": {"isSyncAllowed": true}});
    mock.insert_partner(ApiVersion::Beta, partner.clone());

    let beta = json_body(get(&partner_url(&mock, ApiVersion::Beta, tenant_id)).await?).await?;
    assert_eq!(
        beta,
        with_context(partner_context(ApiVersion::Beta, tenant_id), partner)
    );
    let v1 = get(&partner_url(&mock, ApiVersion::V1, tenant_id)).await?;
    assert_eq!(v1.status(), StatusCode::NOT_FOUND);

    let renamed = json!({"tenantId": seeds::FABRIKAM_TENANT_ID, "displayName": "Fabrikam Renamed", "userSyncInbound": {"isSyncAllowed": false}});
    mock.insert_partner(ApiVersion::V1, renamed);
    let body = json_body(
        get(&partner_url(
            &mock,
            ApiVersion::V1,
            seeds::FABRIKAM_TENANT_ID,
        ))
        .await?,
    )
    .await?;
    assert_eq!(body["displayName"], "Fabrikam Renamed");

    assert!(mock.remove_partner(ApiVersion::Beta, tenant_id));
    assert!(!mock.remove_partner(ApiVersion::Beta, tenant_id));
    let gone = get(&partner_url(&mock, ApiVersion::Beta, tenant_id)).await?;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    assert_eq!(get(&url).await?.status(), StatusCode::OK);
    mock.shutdown().await;
    assert!(get(&url).await.is_err());

    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    assert_eq!(get(&url).await?.status(), StatusCode::OK);
    drop(mock);
    tokio::task::yield_now().await;
    assert!(get(&url).await.is_err());
    Ok(())
}

#[tokio::test]
async fn recording_can_be_turned_off_for_load() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    mock.set_recording(false);
    assert_eq!(get(&url).await?.status(), 200);
    assert!(mock.requests().is_empty());
    mock.set_recording(true);
    assert_eq!(get(&url).await?.status(), 200);
    assert_eq!(mock.requests().len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_broken_body_sends_its_head_then_drops() -> TestResult {
    let mock = MockGraph::start().await?;
    let url = partner_url(&mock, ApiVersion::V1, seeds::FABRIKAM_TENANT_ID);
    mock.push_fault(Fault::BrokenBody {
        status: 503,
        retry_after: Some(RetryAfter::Seconds(2)),
    });
    let response = get(&url).await?;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "retry-after"), "2");
    assert!(
        tokio::time::timeout(LIMIT, response.bytes())
            .await?
            .is_err()
    );
    assert_eq!(get(&url).await?.status(), 200, "served normally after");
    Ok(())
}

#[tokio::test]
async fn bodies_are_put_read_and_removed_by_path() -> TestResult {
    let mock = MockGraph::start().await?;
    let path = "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization";
    assert!(mock.put(ApiVersion::V1, path, json!({ "id": "t1" })));
    assert_eq!(mock.get(ApiVersion::V1, path), Some(json!({ "id": "t1" })));
    assert!(
        mock.get(ApiVersion::Beta, path) != mock.get(ApiVersion::V1, path),
        "each version has its own store"
    );
    assert!(mock.remove(ApiVersion::V1, path));
    let response = get(&format!("{}/v1.0{path}", mock.base_url())).await?;
    let message = graph_error(response, StatusCode::NOT_FOUND, "Request_ResourceNotFound").await?;
    assert_eq!(
        message,
        "Resource 'multiTenantOrganizationIdentitySynchronization' does not exist."
    );
    assert!(
        !mock.put(ApiVersion::V1, "/policies/nope", json!({})),
        "no such resource"
    );
    Ok(())
}

#[tokio::test]
async fn newer_enum_members_are_sent_only_to_clients_that_ask() -> TestResult {
    let mock = MockGraph::start().await?;
    mock.set_template(
        ApiVersion::V1,
        json!({ "templateApplicationLevel": "newPartners,guestPartners" }),
    );
    let url = template_url(&mock, ApiVersion::V1);
    let plain = json_body(get(&url).await?).await?;
    assert_eq!(
        plain["templateApplicationLevel"],
        "newPartners,unknownFutureValue"
    );
    let asked = send(
        client()
            .get(&url)
            .bearer_auth("token")
            .header("prefer", "include-unknown-enum-members"),
    )
    .await?;
    assert_eq!(
        json_body(asked).await?["templateApplicationLevel"],
        "newPartners,guestPartners"
    );
    Ok(())
}

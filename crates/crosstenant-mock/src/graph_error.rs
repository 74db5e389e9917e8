//! Graph's response conventions: correlation IDs, the OData JSON content type
//! and the error envelope.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What Graph sends as `Content-Type` for JSON bodies, errors included.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// The correlation IDs of one request, shared by its headers and error body.
#[derive(Clone, Debug)]
pub(crate) struct RequestIds {
    pub(crate) request_id: String,
    pub(crate) client_request_id: String,
}

impl RequestIds {
    /// A fresh `request-id`; `client-request-id` echoes the caller's, as Graph does.
    pub(crate) fn for_request(headers: &HeaderMap) -> Self {
        let request_id = uuid::Uuid::new_v4().to_string();
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| request_id.clone(), str::to_owned);
        RequestIds {
            request_id,
            client_request_id,
        }
    }
}

/// A response with Graph's JSON content type.
pub(crate) fn json_response(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, JSON_CONTENT_TYPE)],
        body.into(),
    )
        .into_response()
}

/// A Graph error envelope: `{"error":{"code","message","innerError":{..}}}`.
pub(crate) fn graph_error(
    status: StatusCode,
    code: &str,
    message: &str,
    ids: &RequestIds,
) -> Response {
    let body = json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": graph_date(SystemTime::now()),
                "request-id": ids.request_id,
                "client-request-id": ids.client_request_id,
            }
        }
    });
    json_response(status, body.to_string())
}

/// `innerError.date` as Graph writes it: UTC, whole seconds, no zone designator.
pub(crate) fn graph_date(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let sod = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm, restricted to dates after 1970.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::graph_date;

    #[test]
    fn formats_like_graph() {
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(graph_date(UNIX_EPOCH), "1970-01-01T00:00:00");
        assert_eq!(graph_date(at(1_795_559_400)), "2026-11-24T22:30:00");
        assert_eq!(graph_date(at(1_709_208_000)), "2024-02-29T12:00:00");
        assert_eq!(graph_date(at(1_709_251_199)), "2024-02-29T23:59:59");
        assert_eq!(graph_date(at(1_709_251_200)), "2024-03-01T00:00:00");
    }
}

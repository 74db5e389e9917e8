use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{HeaderMap, Method, Uri};
use serde::Serialize;
use serde_json::Value;

use crate::{ApiVersion, Fault, seeds};

/// One request as the mock received it, before any fault or auth check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The path as sent (still percent-encoded), without the query.
    pub path: String,
    /// The raw query string as sent, without the `?`.
    pub query: Option<String>,
    /// Header names (lowercase) and values, in arrival order.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    pub(crate) fn new(method: &Method, uri: &Uri, headers: &HeaderMap) -> Self {
        RecordedRequest {
            method: method.to_string(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            headers: headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    partners: HashMap<(ApiVersion, String), Value>,
    templates: HashMap<ApiVersion, Value>,
    faults: VecDeque<Fault>,
    requests: Vec<RecordedRequest>,
    /// Off under load, where recording every request would grow without bound.
    not_recording: bool,
}

/// The mock's state, shared by the server task and the test's handle.
#[derive(Clone, Debug, Default)]
pub(crate) struct Store(Arc<Mutex<State>>);

impl Store {
    pub(crate) fn seeded() -> Self {
        let store = Store::default();
        for version in ApiVersion::ALL {
            store.insert_partner(version, seeds::partner_fabrikam());
            store.insert_partner(version, seeds::partner_woodgrove());
            store.set_template(version, seeds::template_unconfigured());
        }
        store.insert_partner(ApiVersion::V1, seeds::partner_contoso_v1());
        store.insert_partner(ApiVersion::Beta, seeds::partner_contoso_beta());
        store
    }

    /// Locks the state; a panic in another holder cannot leave it half-updated
    /// (every update is a single insert or push), so poisoning is ignored.
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut state)
    }

    pub(crate) fn insert_partner(&self, version: ApiVersion, body: Value) {
        let key = partner_key(&body);
        self.with(|s| s.partners.insert((version, key), body));
    }

    pub(crate) fn remove_partner(&self, version: ApiVersion, tenant_id: &str) -> bool {
        let key = tenant_id.to_ascii_lowercase();
        self.with(|s| s.partners.remove(&(version, key)).is_some())
    }

    pub(crate) fn partner(&self, version: ApiVersion, tenant_id: &str) -> Option<Value> {
        let key = tenant_id.to_ascii_lowercase();
        self.with(|s| s.partners.get(&(version, key)).cloned())
    }

    pub(crate) fn set_template(&self, version: ApiVersion, body: Value) {
        self.with(|s| s.templates.insert(version, body));
    }

    pub(crate) fn template(&self, version: ApiVersion) -> Option<Value> {
        self.with(|s| s.templates.get(&version).cloned())
    }

    pub(crate) fn push_faults(&self, fault: Fault, times: usize) {
        self.with(|s| s.faults.extend(std::iter::repeat_n(fault, times)));
    }

    pub(crate) fn pop_fault(&self) -> Option<Fault> {
        self.with(|s| s.faults.pop_front())
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        self.with(|s| {
            if !s.not_recording {
                s.requests.push(request);
            }
        });
    }

    pub(crate) fn set_recording(&self, on: bool) {
        self.with(|s| s.not_recording = !on);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.with(|s| s.requests.clone())
    }

    pub(crate) fn clear_requests(&self) {
        self.with(|s| s.requests.clear());
    }
}

/// Tenant IDs are GUIDs, which Graph compares case-insensitively. A non-string
/// `tenantId` is keyed by its JSON text so tests can still serve such bodies.
fn partner_key(body: &Value) -> String {
    match &body["tenantId"] {
        Value::String(id) => id.to_ascii_lowercase(),
        other => other.to_string(),
    }
}

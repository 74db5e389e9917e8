use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{HeaderMap, Method, Uri};
use serde::Serialize;
use serde_json::Value;

use crate::resources::{RESOURCES, Resource};
use crate::{ApiVersion, Fault};

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

/// A stored body: which resource, which version, which key (empty for a singleton).
type Slot = (&'static str, ApiVersion, String);

#[derive(Debug, Default)]
struct State {
    bodies: HashMap<Slot, Value>,
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
        for resource in RESOURCES {
            for version in ApiVersion::ALL {
                if resource.properties(version).is_none() {
                    continue;
                }
                for body in (resource.seeds)(version) {
                    store.put(resource, version, resource.key_of(&body), body);
                }
            }
        }
        store
    }

    /// Locks the state; a panic in another holder cannot leave it half-updated
    /// (every update is a single insert or push), so poisoning is ignored.
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut state)
    }

    pub(crate) fn put(
        &self,
        resource: &'static Resource,
        version: ApiVersion,
        key: String,
        body: Value,
    ) {
        self.with(|s| s.bodies.insert((resource.path, version, key), body));
    }

    pub(crate) fn get(&self, resource: &Resource, version: ApiVersion, key: &str) -> Option<Value> {
        self.with(|s| {
            s.bodies
                .get(&(resource.path, version, key.to_string()))
                .cloned()
        })
    }

    pub(crate) fn remove(&self, resource: &Resource, version: ApiVersion, key: &str) -> bool {
        self.with(|s| {
            s.bodies
                .remove(&(resource.path, version, key.to_string()))
                .is_some()
        })
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

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
    /// The body (lossy UTF-8), if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl RecordedRequest {
    pub(crate) fn new(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Self {
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
            body: (!body.is_empty()).then(|| String::from_utf8_lossy(body).into_owned()),
        }
    }
}

/// A stored body: which resource, which version, which key (empty for a singleton).
type Slot = (&'static str, ApiVersion, String);

#[derive(Debug, Default)]
struct State {
    bodies: HashMap<Slot, Value>,
    /// Objects a DELETE removed, which a restore can bring back.
    deleted: HashMap<Slot, Value>,
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
                    store.insert(resource, version, body);
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

    /// Stores `body` under the key it carries (its `tenantId` for a partner).
    pub(crate) fn insert(&self, resource: &'static Resource, version: ApiVersion, body: Value) {
        self.put(resource, version, resource.key_of(&body), body);
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

    /// Runs `change` on the stored object and the deleted one (each `None` if there is none)
    /// under the lock, so that concurrent writes never interleave.
    pub(crate) fn change<R>(
        &self,
        resource: &'static Resource,
        version: ApiVersion,
        key: &str,
        change: impl FnOnce(&mut Option<Value>, &mut Option<Value>) -> R,
    ) -> R {
        let slot = (resource.path, version, key.to_string());
        self.with(|s| {
            let mut current = s.bodies.remove(&slot);
            let mut deleted = s.deleted.remove(&slot);
            let out = change(&mut current, &mut deleted);
            if let Some(body) = current {
                s.bodies.insert(slot.clone(), body);
            }
            if let Some(body) = deleted {
                s.deleted.insert(slot, body);
            }
            out
        })
    }

    /// Every stored object of a resource in a version, by key.
    pub(crate) fn all(&self, resource: &Resource, version: ApiVersion) -> Vec<(String, Value)> {
        let mut all: Vec<(String, Value)> = self.with(|s| {
            s.bodies
                .iter()
                .filter(|((path, v, _), _)| *path == resource.path && *v == version)
                .map(|((_, _, key), body)| (key.clone(), body.clone()))
                .collect()
        });
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
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

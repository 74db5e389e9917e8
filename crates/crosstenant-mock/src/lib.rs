//! An in-process fake of the Microsoft Graph endpoints for cross-tenant
//! identity-synchronization policies, for testing clients without a tenant.
//!
//! [`MockGraph::start`] serves, on a loopback port, under `/v1.0` and `/beta`, the
//! resources of one table, [`RESOURCES`]: each one's path, Graph type, properties per version,
//! methods and seeds. Adding a resource to the fake is adding a row there.
//!
//! It behaves like Graph where clients notice: bearer-token check, `$select`
//! with Graph's validation errors, Graph's error envelope, `request-id` and
//! `client-request-id` headers and OData content type. The store starts with
//! the bodies in [`seeds`] and can be changed while the server runs; a queue of
//! [`Fault`]s makes the next responses misbehave; every request is recorded.
//!
//! ```
//! use crosstenant_mock::{Fault, MockGraph, RetryAfter, seeds};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockGraph::start().await?;
//! let url = format!(
//!     "{}/v1.0/policies/crossTenantAccessPolicy/partners/{}/identitySynchronization",
//!     mock.base_url(),
//!     seeds::FABRIKAM_TENANT_ID,
//! );
//! let client = reqwest::Client::new();
//!
//! mock.push_fault(Fault::TooManyRequests { retry_after: Some(RetryAfter::Seconds(1)) });
//! let throttled = client.get(&url).bearer_auth("any-token").send().await?;
//! assert_eq!(throttled.status(), 429);
//!
//! let ok = client.get(&url).bearer_auth("any-token").send().await?;
//! let body: serde_json::Value = ok.json().await?;
//! assert_eq!(body["displayName"], "Fabrikam");
//! assert_eq!(mock.requests().len(), 2);
//!
//! mock.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod fault;
mod graph_error;
pub mod resources;
pub mod seeds;
mod server;
mod store;
mod threaded;
mod version;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fault::{Fault, RetryAfter};
pub use resources::{RESOURCES, Resource};
pub use server::NEWER_ENUM_MEMBERS;
pub use store::RecordedRequest;
pub use threaded::ThreadedMockGraph;
pub use version::ApiVersion;

use store::Store;

/// How long [`MockGraph::shutdown`] lets open connections finish before
/// cutting them off, so a stuck client cannot hang a test.
const GRACEFUL_SHUTDOWN_LIMIT: Duration = Duration::from_secs(5);

/// A running fake Graph server; dropping it stops the server.
#[derive(Debug)]
pub struct MockGraph {
    addr: SocketAddr,
    base_url: String,
    store: Store,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockGraph {
    /// Starts a seeded server on `127.0.0.1` with a free port.
    pub async fn start() -> std::io::Result<MockGraph> {
        MockGraph::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a seeded server on `addr` (port 0 picks a free port).
    ///
    /// Must be called inside a Tokio runtime; the server runs as a task on it.
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<MockGraph> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let store = Store::seeded();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = server::router(store.clone());
        let task = tokio::spawn(async move {
            // Accept errors are retried inside axum, so this only ends on shutdown.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(MockGraph {
            addr,
            base_url: format!("http://{addr}"),
            store,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The server's root, e.g. `http://127.0.0.1:41234`, without a trailing
    /// slash or version segment.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stores (or replaces) the body served at `path` (under the version segment, such as
    /// `/policies/crossTenantAccessPolicy/default`) in `version`. Returns `false`, storing
    /// nothing, when no resource of the table has that path.
    pub fn put(&self, version: ApiVersion, path: &str, body: Value) -> bool {
        match resources::find(path) {
            Some((resource, key)) => {
                self.store.put(resource, version, key, body);
                true
            }
            None => false,
        }
    }

    /// The body stored at `path` in `version`, if any.
    pub fn get(&self, version: ApiVersion, path: &str) -> Option<Value> {
        let (resource, key) = resources::find(path)?;
        self.store.get(resource, version, &key)
    }

    /// Removes the body stored at `path` in `version`; returns whether there was one.
    pub fn remove(&self, version: ApiVersion, path: &str) -> bool {
        resources::find(path)
            .is_some_and(|(resource, key)| self.store.remove(resource, version, &key))
    }

    /// Stores (or replaces) a partner's identity synchronization policy, keyed by its
    /// `tenantId`.
    ///
    /// Tenant IDs match case-insensitively, as GUIDs do in Graph. A body whose
    /// `tenantId` is not a string is served under its JSON text (e.g. `42`), so
    /// wrongly typed bodies can be served too.
    pub fn insert_partner(&self, version: ApiVersion, body: Value) {
        if let Some(partner) = resources::by_path(resources::PARTNER_SYNC) {
            self.store.insert(partner, version, body);
        }
    }

    /// Removes a partner's policy; returns whether it existed.
    pub fn remove_partner(&self, version: ApiVersion, tenant_id: &str) -> bool {
        resources::by_path(resources::PARTNER_SYNC).is_some_and(|partner| {
            self.store
                .remove(partner, version, &tenant_id.to_ascii_lowercase())
        })
    }

    /// Replaces the multitenant-organization template (without `@odata.context`,
    /// which is added when responding).
    pub fn set_template(&self, version: ApiVersion, body: Value) {
        self.put(version, resources::TEMPLATE_SYNC, body);
    }

    /// Turns the recording of requests on (the default) or off; off for load tests and
    /// benchmarks, where the record would grow with every request.
    pub fn set_recording(&self, on: bool) {
        self.store.set_recording(on);
    }

    /// Makes the next response this fault (after any already queued).
    pub fn push_fault(&self, fault: Fault) {
        self.store.push_faults(fault, 1);
    }

    /// Makes the next `times` responses this fault (after any already queued).
    pub fn push_faults(&self, fault: Fault, times: usize) {
        self.store.push_faults(fault, times);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.store.requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.store.clear_requests();
    }

    /// Stops accepting connections and waits for open ones to finish (at most
    /// a few seconds, after which they are cut off).
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(GRACEFUL_SHUTDOWN_LIMIT, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for MockGraph {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

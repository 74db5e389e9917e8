//! A typed, retrying, cloud-aware Rust client for the Microsoft Graph cross-tenant identity
//! synchronization policies of multitenant organizations (MTO): the policy each partner tenant
//! applies to users synchronized in, and the template new and existing partners get.
//!
//! ```
//! use crosstenant::{Client, StaticToken, TenantId};
//! use crosstenant::models::Nullable;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A fake Graph on loopback; drop `.base_url(..)` to talk to Microsoft.
//! let graph = crosstenant_mock::MockGraph::start().await?;
//! let client = Client::builder()
//!     .credential(StaticToken::new("any token the fake accepts"))
//!     .base_url(graph.base_url())
//!     .build()?;
//!
//! let fabrikam: TenantId = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551".parse()?;
//! let partner = client.partner_identity_sync(fabrikam).send().await?;
//! assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
//!
//! let template = client.mto_identity_sync_template().send().await?;
//! let allowed = template.user_sync_inbound.as_ref().map(|inbound| inbound.is_sync_allowed);
//! assert_eq!(allowed, Some(Nullable::Null)); // not configured: neither true nor false
//! println!("{partner}\n{template}");
//! # Ok(()) }
//! ```
//!
//! - [`Client`] is built once ([`Client::builder`]) and cloned freely; clones share
//!   connections and the token cache. Its type parameter is the API version ([`V1`] or
//!   [`Beta`]), which decides the [`models`] calls return.
//! - [`Cloud`] picks Graph's URL, the token scope and which operations exist; a call the cloud
//!   does not offer fails with [`Error::UnsupportedInCloud`] before anything is sent.
//! - [`credential`]: where tokens come from ([`StaticToken`], your own [`TokenCredential`], or
//!   with the `azure-identity` feature any `azure_identity` credential).
//! - [`RetryPolicy`]: throttling (429) and busy (503, 504) answers are retried, honoring
//!   `Retry-After`, within a bounded number of retries and time.
//! - [`Error`]: one error type with Graph's code and message, the HTTP status and the
//!   `request-id`/`client-request-id` to quote to Microsoft support.
//!
//! Every request carries a `client-request-id` (one per call, the same across retries) and a
//! `User-Agent` naming this crate, runs in a `tracing` span (`graph`: method, path, status,
//! attempts, request id), and never shows its token in logs or `Debug` output.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "azure-identity")]
mod azure;
mod client;
mod cloud;
pub mod credential;
mod error;
// Formatted by prettyplease when generated; rustfmt must not reformat it, or `--check` would fail.
// The attempts spell out `impl Future + Send`, the trait's contract, rather than `async fn`.
#[rustfmt::skip]
#[allow(clippy::manual_async_fn)]
mod generated;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod models;
mod operation;
mod request;
mod retry;
mod send;
mod tenant;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
mod token_cache;
mod version;

pub use client::{Client, ClientBuilder};
pub use cloud::{Cloud, ParseCloudError};
pub use credential::{StaticToken, TokenCredential};
pub use error::{Error, GraphError, ResponseInfo};
pub use generated::operations;
pub use operation::{NoField, Operation, OperationInfo, Query, Select};
pub use request::{Request, Response};
pub use retry::RetryPolicy;
pub use tenant::{ParseTenantIdError, TenantId};
pub use uuid::Uuid;
pub use version::{ApiVersion, Beta, V1};

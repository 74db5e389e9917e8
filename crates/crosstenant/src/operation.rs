//! What the facade knows of an operation, and the contract between the generated
//! per-operation code (`generated.rs`, written by `cargo xtask generate` from
//! `spec/operations.toml`) and the hand-written code every operation shares.

use std::fmt;
use std::future::Future;

use crosstenant_api::{CommaSeparated, ResponseValue};

use crate::Cloud;
use crate::error::GraphErrorBody;

/// What a generated call returns before the facade maps its error.
pub(crate) type ApiResult<T> = Result<ResponseValue<T>, crosstenant_api::Error<GraphErrorBody>>;

/// A Graph operation, whatever the API version: a marker type in [`crate::operations`], one
/// per line of `spec/operations.toml`, implemented by generated code only. The client's
/// method of the same name builds a [`Request`](crate::Request) for it.
pub trait Operation: private::Sealed + Send + Sync + 'static {
    /// The path parameters ([`TenantId`](crate::TenantId), or `()` for none).
    type Args: Clone + fmt::Debug + Send + Sync + 'static;

    /// Where Microsoft offers it, what it needs, what its errors most likely mean.
    const INFO: &'static OperationInfo;
}

/// That API version `Self` ([`V1`](crate::V1), [`Beta`](crate::Beta)) has operation `O`:
/// what the call returns there, and how the generated client makes it. Implemented by
/// generated code only. An operation both versions have is part of every [`ApiVersion`], so
/// code generic over the version can call it without naming this trait.
pub trait Supports<O: Operation>: private::Sealed + Sized + 'static {
    /// What a success returns: the model; `Option<model>` for a write, which Graph may answer
    /// with 204 and no body; `()` where Graph sends none.
    type Output: fmt::Debug + Send + 'static;
    /// The property names `$select` takes ([`NoField`] where the operation has no `$select`).
    type Field: Clone + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// The navigation properties `$expand` takes ([`NoField`] where it has no `$expand`).
    type Expand: Clone + fmt::Debug + PartialEq + Send + Sync + 'static;
    /// The request body (a write model of [`crate::models`]), or `()`.
    type Body: Clone + fmt::Debug + Send + Sync + 'static;

    /// One attempt through the generated client.
    #[doc(hidden)]
    fn attempt<'a>(
        api: crosstenant_api::Client,
        args: &'a O::Args,
        body: &'a Self::Body,
        query: &'a Query<Self::Field, Self::Expand>,
    ) -> impl Future<Output = ApiResult<Self::Output>> + Send + 'a;
}

/// That operation `O` takes `$select` in API version `Self`.
pub trait Select<O: Operation>: Supports<O> {}

/// That operation `O` takes `$expand` in API version `Self`.
pub trait Expand<O: Operation>: Supports<O> {}

/// That operation `O` takes `$filter` in API version `Self`.
pub trait Filter<O: Operation>: Supports<O> {}

/// That operation `O` takes `$top` in API version `Self`.
pub trait Top<O: Operation>: Supports<O> {}

/// That operation `O` answers a page of a collection in API version `Self`, with a link to
/// the next one.
pub trait Paged<O: Operation>: Supports<O> {
    /// One member of the collection.
    type Item: fmt::Debug + Send + 'static;

    /// The page's members and its `@odata.nextLink`.
    #[doc(hidden)]
    fn into_page(output: Self::Output) -> (Vec<Self::Item>, Option<String>);

    /// One attempt at fetching the page a next link names.
    #[doc(hidden)]
    fn follow<'a>(
        api: crosstenant_api::Client,
        link: &'a str,
    ) -> impl Future<Output = ApiResult<Self::Output>> + Send + 'a;
}

/// The `$select` of an operation that has none: no value of it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoField {}

impl fmt::Display for NoField {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

/// The OData query options of one call.
#[derive(Clone, Debug)]
pub struct Query<F, E = NoField> {
    pub(crate) select: Vec<F>,
    pub(crate) expand: Vec<E>,
    /// `$filter`, as given.
    #[doc(hidden)]
    pub filter: Option<String>,
    /// `$top`: the page size.
    #[doc(hidden)]
    pub top: Option<u32>,
}

impl<F, E> Default for Query<F, E> {
    fn default() -> Self {
        Self {
            select: Vec::new(),
            expand: Vec::new(),
            filter: None,
            top: None,
        }
    }
}

impl<F: Clone + PartialEq, E: Clone + PartialEq> Query<F, E> {
    /// `$select` as the generated client takes it (each name once, comma-joined).
    #[doc(hidden)]
    pub fn select(&self) -> CommaSeparated<F> {
        self.select.iter().cloned().collect()
    }

    /// `$expand` as the generated client takes it.
    #[doc(hidden)]
    pub fn expand(&self) -> CommaSeparated<E> {
        self.expand.iter().cloned().collect()
    }
}

/// What `spec/operations.toml` says of an operation beyond the OpenAPI document.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationInfo {
    /// `GET /policies/…`, for messages.
    pub name: &'static str,
    /// `GET`, `PUT`, …
    pub method: &'static str,
    /// The path under the API version, as Graph documents it.
    pub path: &'static str,
    /// The clouds Microsoft offers it in.
    pub clouds: &'static [Cloud],
    /// The least-privileged permission.
    pub permission: Option<&'static str>,
    /// The least-privileged directory role a signed-in user needs.
    pub role: Option<&'static str>,
    /// What a 404 most likely means.
    pub not_found: Option<&'static str>,
}

impl OperationInfo {
    /// Whether sending it twice has the effect of sending it once: every method but POST
    /// (Graph's actions).
    pub fn idempotent(&self) -> bool {
        self.method != "POST"
    }

    pub(crate) fn available_in(&self, cloud: Cloud) -> bool {
        self.clouds.contains(&cloud)
    }

    /// The clouds, by name: `the global service, US Government L4`.
    pub(crate) fn describe_clouds(&self) -> String {
        self.clouds
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(crate) mod private {
    /// Only this crate implements [`Operation`](super::Operation), [`Supports`](super::Supports)
    /// and [`ApiVersion`](crate::ApiVersion): the generated operations and the two versions.
    pub trait Sealed {}
}

//! One request type for every operation: `client.operation(args).select(..).await`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use uuid::Uuid;

use crate::operation::{Operation, Query, Select, Supports};
use crate::{ApiVersion, Client, Error, ResponseInfo};

/// A call to operation `O` on API version `V`, built by the client's method of the same name
/// (such as [`Client::partner_identity_sync`]); nothing is sent until it is awaited.
///
/// It holds its own handle on the client, so it can be cloned, stored, or spawned as it is
/// (`tokio::spawn(client.partner_identity_sync(tenant).into_future())`).
///
/// ```no_run
/// use std::time::Duration;
/// use crosstenant::models::v1::PartnerField;
///
/// # async fn run(client: crosstenant::Client, tenant: crosstenant::TenantId) -> Result<(), crosstenant::Error> {
/// // Awaiting the request sends it and returns the model.
/// let policy = client.partner_identity_sync(tenant).await?;
///
/// // The options every request has, and $select where the operation takes it.
/// let response = client
///     .partner_identity_sync(tenant)
///     .select([PartnerField::TenantId, PartnerField::UserSyncInbound])
///     .timeout(Duration::from_secs(5))
///     .client_request_id(uuid::Uuid::new_v4())
///     .send_with_response()
///     .await?;
/// println!("{} (request-id {:?})", response.body, response.info.request_id);
/// # let _ = policy; Ok(()) }
/// ```
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<O: Operation, V: ApiVersion + Supports<O>> {
    pub(crate) client: Client<V>,
    pub(crate) args: O::Args,
    pub(crate) query: Query<<V as Supports<O>>::Field>,
    pub(crate) options: CallOptions,
}

/// What a caller may set on one call.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CallOptions {
    /// Overrides the client's per-attempt timeout.
    pub(crate) timeout: Option<Duration>,
    /// Sent instead of a fresh random id.
    pub(crate) client_request_id: Option<Uuid>,
}

/// A success with what its response said about itself.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub body: T,
    /// The status and headers (`request-id`, `client-request-id`, `Date`).
    pub info: ResponseInfo,
}

impl<O: Operation, V: ApiVersion + Supports<O>> Request<O, V> {
    pub(crate) fn new(client: Client<V>, args: O::Args) -> Self {
        Self {
            client,
            args,
            query: Query::default(),
            options: CallOptions::default(),
        }
    }

    /// The longest one attempt of this call may take, instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Sends this `client-request-id` (the same on every attempt) instead of a fresh random
    /// one, to tie the call to your own logs. Graph echoes it and logs it with its own
    /// `request-id`.
    pub fn client_request_id(mut self, id: Uuid) -> Self {
        self.options.client_request_id = Some(id);
        self
    }

    /// Sends the request (retrying as the client's policy says) and decodes the answer.
    pub async fn send(self) -> Result<<V as Supports<O>>::Output, Error> {
        let response = self
            .client
            .execute::<O>(&self.args, &self.query, self.options)
            .await?;
        Ok(response.into_inner())
    }

    /// Like [`send`](Self::send), and also returns what the response said about itself.
    pub async fn send_with_response(self) -> Result<Response<<V as Supports<O>>::Output>, Error> {
        let response = self
            .client
            .execute::<O>(&self.args, &self.query, self.options)
            .await?;
        let info = ResponseInfo::from_headers(response.status(), response.headers());
        Ok(Response {
            body: response.into_inner(),
            info,
        })
    }
}

impl<O: Operation, V: ApiVersion + Select<O>> Request<O, V> {
    /// Returns only these properties (`$select`); the others come back absent. Each is sent
    /// once, in the order first given.
    pub fn select(mut self, fields: impl IntoIterator<Item = <V as Supports<O>>::Field>) -> Self {
        self.query.select.extend(fields);
        self
    }
}

impl<O: Operation, V: ApiVersion + Supports<O>> IntoFuture for Request<O, V> {
    type Output = Result<<V as Supports<O>>::Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<O: Operation, V: ApiVersion + Supports<O>> Clone for Request<O, V> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            args: self.args.clone(),
            query: self.query.clone(),
            options: self.options,
        }
    }
}

impl<O: Operation, V: ApiVersion + Supports<O>> fmt::Debug for Request<O, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &O::INFO.name)
            .field("api_version", &V::SEGMENT)
            .field("args", &self.args)
            .field("select", &self.query.select)
            .field("timeout", &self.options.timeout)
            .field("client_request_id", &self.options.client_request_id)
            .finish_non_exhaustive()
    }
}

//! One request type for every operation: `client.operation(args).select(..).await`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use futures_util::Stream;
use uuid::Uuid;

use crate::operation::{Expand, Filter, Operation, Paged, Query, Select, Supports, Top};
use crate::send::Answer;
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
    pub(crate) body: <V as Supports<O>>::Body,
    pub(crate) query: Query<<V as Supports<O>>::Field, <V as Supports<O>>::Expand>,
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
    pub(crate) fn new(client: Client<V>, args: O::Args, body: <V as Supports<O>>::Body) -> Self {
        Self {
            client,
            args,
            body,
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

    /// The call, with the answer's status and headers.
    async fn execute(&self) -> Result<Answer<<V as Supports<O>>::Output>, Error> {
        self.client
            .execute::<O>(&self.args, &self.body, &self.query, self.options)
            .await
    }

    /// Sends the request (retrying as the client's policy says) and decodes the answer.
    pub async fn send(self) -> Result<<V as Supports<O>>::Output, Error> {
        Ok(self.execute().await?.body)
    }

    /// Like [`send`](Self::send), and also returns what the response said about itself.
    pub async fn send_with_response(self) -> Result<Response<<V as Supports<O>>::Output>, Error> {
        let answer = self.execute().await?;
        let info = ResponseInfo::from_headers(answer.status, &answer.headers);
        Ok(Response {
            body: answer.body,
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

impl<O: Operation, V: ApiVersion + Expand<O>> Request<O, V> {
    /// Includes these related objects (`$expand`), each once.
    pub fn expand(mut self, related: impl IntoIterator<Item = <V as Supports<O>>::Expand>) -> Self {
        self.query.expand.extend(related);
        self
    }
}

impl<O: Operation, V: ApiVersion + Filter<O>> Request<O, V> {
    /// Returns only the items that match an OData filter (`$filter`), such as
    /// `tenantId eq '9c5d131d-b1c3-4fc4-9e3f-c6557947d551'`.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.query.filter = Some(filter.into());
        self
    }
}

impl<O: Operation, V: ApiVersion + Top<O>> Request<O, V> {
    /// Asks for pages of at most `size` items (`$top`); Graph may send fewer.
    pub fn top(mut self, size: u32) -> Self {
        self.query.top = Some(size);
        self
    }
}

impl<O: Operation, V: ApiVersion + Paged<O>> Request<O, V> {
    /// The pages, one call each, fetched as you ask: `pager.next_page().await?` until `None`.
    pub fn pages(self) -> Pager<O, V> {
        Pager {
            state: PagerState::First(Box::new(self)),
        }
    }

    /// Every item of every page, as a lazy stream: a page is fetched when the items before it
    /// are used up. An error ends the stream.
    pub fn stream(self) -> impl Stream<Item = Result<<V as Paged<O>>::Item, Error>> + Send {
        futures_util::stream::try_unfold(
            (self.pages(), std::collections::VecDeque::new()),
            |(mut pager, mut items)| async move {
                loop {
                    if let Some(item) = items.pop_front() {
                        return Ok(Some((item, (pager, items))));
                    }
                    match pager.next_page().await? {
                        Some(page) => items.extend(page.items),
                        None => return Ok(None),
                    }
                }
            },
        )
    }

    /// Every item of every page, in one `Vec` (`ceil(items / page size)` calls).
    pub async fn collect_all(self) -> Result<Vec<<V as Paged<O>>::Item>, Error> {
        let mut pager = self.pages();
        let mut all = Vec::new();
        while let Some(page) = pager.next_page().await? {
            all.extend(page.items);
        }
        Ok(all)
    }
}

/// One page of a collection: its items, and where the next one is.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Graph's `@odata.nextLink`, if there is a next page.
    pub next_link: Option<String>,
}

/// The pages of a paged request, fetched one call at a time; see [`Request::pages`].
///
/// A next link is followed only when it is on the client's own Graph (scheme, host, port and
/// path prefix), so the token never goes anywhere else.
#[must_use = "a pager does nothing until .next_page().await"]
pub struct Pager<O: Operation, V: ApiVersion + Paged<O>> {
    state: PagerState<O, V>,
}

enum PagerState<O: Operation, V: ApiVersion + Paged<O>> {
    First(Box<Request<O, V>>),
    Next(Box<Request<O, V>>, String),
    Done,
}

impl<O: Operation, V: ApiVersion + Paged<O>> Pager<O, V> {
    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Page<<V as Paged<O>>::Item>>, Error> {
        let (request, output) = match std::mem::replace(&mut self.state, PagerState::Done) {
            PagerState::Done => return Ok(None),
            PagerState::First(request) => {
                let output = request.execute().await?;
                (request, output)
            }
            PagerState::Next(request, link) => {
                request.client.check_next_link(&link)?;
                let output = request.client.follow::<O>(&link, request.options).await?;
                (request, output)
            }
        };
        let (items, next_link) = <V as Paged<O>>::into_page(output.body);
        if let Some(link) = &next_link {
            self.state = PagerState::Next(request, link.clone());
        }
        Ok(Some(Page { items, next_link }))
    }
}

impl<O: Operation, V: ApiVersion + Paged<O>> fmt::Debug for Pager<O, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            PagerState::First(_) => "first page next",
            PagerState::Next(..) => "following a next link",
            PagerState::Done => "done",
        };
        f.debug_struct("Pager")
            .field("operation", &O::INFO.name)
            .field("state", &state)
            .finish()
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
            body: self.body.clone(),
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
            .field("body", &self.body)
            .field("query", &self.query)
            .field("timeout", &self.options.timeout)
            .field("client_request_id", &self.options.client_request_id)
            .finish_non_exhaustive()
    }
}

//! The client and its builder.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::{Url, redirect};

use crate::credential::TokenCredential;
use crate::token_cache::TokenCache;
use crate::{ApiVersion, Beta, Cloud, Error, RetryPolicy, V1};

/// The only header naming the SDK. Microsoft's own SDKs also send `SdkVersion`
/// (`graph-dotnet/5.x`), which feeds Microsoft's telemetry of *their* SDKs; a third-party SDK
/// has no place in it (see docs/ARCHITECTURE.md).
const USER_AGENT: &str = concat!("crosstenant/", env!("CARGO_PKG_VERSION"));

/// A Microsoft Graph client for the cross-tenant identity synchronization policies.
///
/// Cheap to clone: clones share one connection pool and one token cache. `V` is the API
/// version ([`V1`] by default, or [`Beta`]); it decides the models calls return.
///
/// ```no_run
/// use crosstenant::{Client, Cloud, StaticToken};
///
/// # async fn run() -> Result<(), crosstenant::Error> {
/// let client = Client::builder()
///     .cloud(Cloud::Global)
///     .credential(StaticToken::new(std::env::var("GRAPH_ACCESS_TOKEN").unwrap_or_default()))
///     .build()?;
/// let partner = client.partner_identity_sync("9c5d131d-b1c3-4fc4-9e3f-c6557947d551".parse()?).send().await?;
/// println!("{partner}");
/// # Ok(()) }
/// ```
pub struct Client<V: ApiVersion = V1> {
    pub(crate) shared: Arc<Shared>,
    version: PhantomData<V>,
}

/// What the clones of a client share.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) cloud: Cloud,
    pub(crate) tokens: TokenCache,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// The timeout each request carries by itself: the client's, when the reqwest client is
    /// the caller's (which the SDK's timeout is not set on); none otherwise.
    pub(crate) request_timeout: Option<Duration>,
}

impl<V: ApiVersion> Clone for Client<V> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            version: PhantomData,
        }
    }
}

impl<V: ApiVersion> fmt::Debug for Client<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_version", &V::SEGMENT)
            .field("cloud", &self.shared.cloud)
            .field("base_url", &self.shared.base_url)
            .field("retry", &self.shared.retry)
            .field("timeout", &self.shared.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a v1.0 client for the global cloud.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl<V: ApiVersion> Client<V> {
    /// The cloud the client talks to.
    pub fn cloud(&self) -> Cloud {
        self.shared.cloud
    }

    /// The API version's path segment (`v1.0` or `beta`).
    pub fn api_version(&self) -> &'static str {
        V::SEGMENT
    }

    /// Graph's root URL for this client (the cloud's, or the custom base URL).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The same client on another API version, sharing connections and tokens.
    #[must_use]
    pub fn with_api_version<W: ApiVersion>(&self, _version: W) -> Client<W> {
        Client {
            shared: Arc::clone(&self.shared),
            version: PhantomData,
        }
    }

    /// The same client on Graph v1.0.
    #[must_use]
    pub fn v1(&self) -> Client<V1> {
        self.with_api_version(V1)
    }

    /// The same client on Graph beta.
    #[must_use]
    pub fn beta(&self) -> Client<Beta> {
        self.with_api_version(Beta)
    }
}

/// Builds a [`Client`]. Only a credential is required.
///
/// ```
/// use std::time::Duration;
/// use crosstenant::{Beta, Client, Cloud, RetryPolicy, StaticToken};
///
/// let client = Client::builder()
///     .cloud(Cloud::UsGovernmentL4)
///     .api_version(Beta)
///     .credential(StaticToken::new("eyJ0eXAi..."))
///     .timeout(Duration::from_secs(20))
///     .retry(RetryPolicy::default().max_retries(5))
///     .user_agent_suffix("mto-sync/2.1")
///     .build()?;
/// assert_eq!(client.base_url(), "https://graph.microsoft.us");
/// assert_eq!(client.api_version(), "beta");
/// # Ok::<(), crosstenant::Error>(())
/// ```
#[must_use = "a builder does nothing until .build()"]
pub struct ClientBuilder<V: ApiVersion = V1> {
    cloud: Cloud,
    base_url: Option<String>,
    credential: Option<Arc<dyn TokenCredential>>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent_suffix: Option<String>,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
    version: PhantomData<V>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            cloud: Cloud::Global,
            base_url: None,
            credential: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent_suffix: None,
            max_response_bytes: crosstenant_api::hooks::DEFAULT_MAX_BODY_BYTES,
            http_client: None,
            version: PhantomData,
        }
    }
}

impl<V: ApiVersion> fmt::Debug for ClientBuilder<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_version", &V::SEGMENT)
            .field("cloud", &self.cloud)
            .field("base_url", &self.base_url)
            .field("credential", &self.credential)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("own_http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

impl<V: ApiVersion> ClientBuilder<V> {
    /// The cloud: Graph's URL, the token scope and which operations exist (default: global).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The API version: [`V1`] (default) or [`Beta`].
    pub fn api_version<W: ApiVersion>(self, _version: W) -> ClientBuilder<W> {
        ClientBuilder {
            cloud: self.cloud,
            base_url: self.base_url,
            credential: self.credential,
            retry: self.retry,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent_suffix: self.user_agent_suffix,
            max_response_bytes: self.max_response_bytes,
            http_client: self.http_client,
            version: PhantomData,
        }
    }

    /// Where tokens come from (required).
    pub fn credential(mut self, credential: impl TokenCredential + 'static) -> Self {
        self.credential = Some(Arc::new(credential));
        self
    }

    /// A credential already shared with other code.
    pub fn shared_credential(mut self, credential: Arc<dyn TokenCredential>) -> Self {
        self.credential = Some(credential);
        self
    }

    /// Sends requests here instead of the cloud's Graph URL (a proxy, or a fake Graph in
    /// tests). It must be `https`, except on loopback (`127.0.0.1`, `[::1]`, `localhost`).
    /// The cloud still decides the token scope and which operations exist.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How calls are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The time one attempt may take, from connecting to the last byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time a connection may take to open (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Appended to the `User-Agent` header (`crosstenant/0.1.0 <suffix>`), to name your tool.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The largest response body read, in bytes (default 1 MiB); larger ones are an
    /// [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends through your own `reqwest::Client` (reqwest 0.13): for a proxy, a custom CA, or a
    /// connection pool you share.
    ///
    /// The SDK still sets each request's headers (token, `client-request-id`), its timeout
    /// ([`timeout`](Self::timeout)), retries, and the response size limit. It no longer
    /// controls what the `reqwest::Client` decides: TLS and certificate checks, proxies, the
    /// connect timeout (so [`connect_timeout`](Self::connect_timeout) is not used), the
    /// `User-Agent` (nor [`user_agent_suffix`](Self::user_agent_suffix)), logging, and
    /// **redirects**: reqwest follows up to 10 by default, keeping the token on same-host
    /// redirects; build yours with `.redirect(reqwest::redirect::Policy::none())` so that a
    /// redirect is reported as [`Error::Redirect`] and the token goes nowhere else.
    ///
    /// ```
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = crosstenant::Client::builder()
    ///     .credential(crosstenant::StaticToken::new("eyJ0eXAi..."))
    ///     .http_client(http)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client<V>, Error> {
        let credential = self.credential.ok_or_else(|| Error::InvalidArgument {
            what: "client",
            why: "no credential: call .credential(StaticToken::new(token)) or pass another TokenCredential".into(),
        })?;
        let base_url = match &self.base_url {
            Some(url) => checked_base_url(url)?,
            None => self.cloud.graph_url().to_string(),
        };
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_string(),
        };
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| Error::InvalidArgument {
            what: "user agent suffix",
            why: "it has characters an HTTP header cannot carry".into(),
        })?;
        checked_timeout("timeout", self.timeout)?;
        checked_timeout("connect timeout", self.connect_timeout)?;
        let request_timeout = self.http_client.is_some().then_some(self.timeout);
        let http = match self.http_client {
            Some(http) => http,
            None => with_tls(reqwest::Client::builder(), &base_url)?
                .user_agent(user_agent)
                // A redirect could carry the token to another host; Graph does not redirect
                // these calls.
                .redirect(redirect::Policy::none())
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                // Azure's front doors drop connections idle for about 4 minutes; closing ours
                // well before that keeps requests off connections the server is closing.
                .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                .build()
                .map_err(|e| Error::InvalidArgument {
                    what: "HTTP client",
                    why: e.to_string(),
                })?,
        };
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                cloud: self.cloud,
                tokens: TokenCache::new(credential, self.cloud.scope(), self.timeout),
                retry: self.retry,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                request_timeout,
            }),
            version: PhantomData,
        })
    }
}

/// With `rustls-ring`, gives the HTTP client rustls with the ring provider and the platform's
/// certificate store, and makes ring the process default if there is none, so other reqwest
/// clients in the program keep working.
#[cfg(feature = "rustls-ring")]
fn with_tls(
    builder: reqwest::ClientBuilder,
    _base_url: &str,
) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let invalid = |e: rustls::Error| Error::InvalidArgument {
        what: "TLS configuration",
        why: e.to_string(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // Fails only when a provider is installed already, which is what is wanted.
    let _ =
        rustls::crypto::CryptoProvider::install_default(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_platform_verifier()
        .map_err(invalid)?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// With `rustls` or `native-tls`, reqwest configures TLS itself.
#[cfg(all(
    any(feature = "rustls", feature = "native-tls"),
    not(feature = "rustls-ring")
))]
fn with_tls(
    builder: reqwest::ClientBuilder,
    _base_url: &str,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

/// Without a TLS feature only plain-http loopback (a fake Graph) can be reached; say so at
/// build time rather than at the first request.
#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
fn with_tls(
    builder: reqwest::ClientBuilder,
    base_url: &str,
) -> Result<reqwest::ClientBuilder, Error> {
    if base_url.starts_with("https:") {
        return Err(Error::InvalidArgument {
            what: "client",
            why: format!(
                "{base_url} needs TLS: enable the crosstenant feature `rustls` (default), \
                 `rustls-ring` or `native-tls`"
            ),
        });
    }
    Ok(builder)
}

/// How long an idle pooled connection is kept (reqwest's default, stated: well under the
/// ~4 minutes after which Azure closes idle connections).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The longest timeout a client accepts: a call that may hang for longer is a mistake.
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

fn checked_timeout(what: &'static str, timeout: Duration) -> Result<(), Error> {
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err(Error::InvalidArgument {
            what,
            why: format!(
                "{timeout:?} is not a usable timeout; give one above zero and at most an hour \
                 (the default is 30 s for a call, 10 s to connect)"
            ),
        });
    }
    Ok(())
}

/// A custom base URL: absolute, no credentials, query or fragment; `https`, or `http` on
/// loopback only (a token must never cross a network in clear text); Graph's root, not a
/// version under it.
fn checked_base_url(raw: &str) -> Result<String, Error> {
    let invalid = |why: String| Error::InvalidArgument {
        what: "base URL",
        why,
    };
    let url = Url::parse(raw).map_err(|e| invalid(format!("{raw:?} is not a URL ({e})")))?;
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid(format!(
            "{raw:?} must not carry credentials, a query or a fragment"
        )));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(invalid(format!(
                "{raw:?} is plain http; use https (http is allowed on loopback only)"
            )));
        }
        other => return Err(invalid(format!("{raw:?} has scheme {other}; use https"))),
    }
    let last = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()));
    if let Some(version) =
        last.filter(|s| s.eq_ignore_ascii_case("v1.0") || s.eq_ignore_ascii_case("beta"))
    {
        return Err(invalid(format!(
            "{raw:?} ends in the API version {version}; give Graph's root (such as \
             https://graph.microsoft.com): the client adds the version itself, v1.0 by default, \
             beta with .api_version(Beta) or client.beta()"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_base_urls_are_normalized_without_a_trailing_slash() {
        for (given, normalized) in [
            ("https://graph.example.com", "https://graph.example.com"),
            ("https://graph.example.com/", "https://graph.example.com"),
            (
                "HTTPS://Graph.Example.COM:443/",
                "https://graph.example.com",
            ),
            (
                "https://proxy.example.com/graph/",
                "https://proxy.example.com/graph",
            ),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://[::1]:9/", "http://[::1]:9"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://LOCALHOST:3000", "http://localhost:3000"),
        ] {
            assert_eq!(
                checked_base_url(given).ok().as_deref(),
                Some(normalized),
                "{given}"
            );
        }
    }

    #[test]
    fn base_urls_must_be_https_except_on_loopback() {
        for (bad, why) in [
            ("http://graph.microsoft.com", "is plain http"),
            ("http://10.0.0.1", "is plain http"),
            ("http://localhost.example.com", "is plain http"),
            ("ftp://127.0.0.1", "has scheme ftp"),
            ("graph.microsoft.com", "is not a URL"),
        ] {
            let err = checked_base_url(bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn a_base_url_ending_in_a_version_says_how_to_choose_the_version() {
        for bad in [
            "https://graph.microsoft.com/v1.0",
            "https://graph.microsoft.com/beta/",
            "http://127.0.0.1:8080/V1.0",
            "https://proxy.example.com/graph/beta",
        ] {
            let err = checked_base_url(bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains("ends in the API version") && err.contains("client.beta()"),
                "{bad}: {err}"
            );
        }
        assert!(checked_base_url("https://proxy.example.com/beta-graph").is_ok());
    }

    #[test]
    fn a_zero_or_absurd_timeout_is_refused_at_build() {
        let builder = || {
            Client::builder()
                .credential(crate::StaticToken::new("t"))
                .base_url("http://127.0.0.1:9")
        };
        for (build, what) in [
            (builder().timeout(Duration::ZERO).build(), "timeout"),
            (
                builder().timeout(Duration::from_secs(86_400)).build(),
                "timeout",
            ),
            (
                builder().connect_timeout(Duration::ZERO).build(),
                "connect timeout",
            ),
        ] {
            assert!(
                matches!(&build, Err(Error::InvalidArgument { what: w, .. }) if *w == what),
                "{build:?}"
            );
        }
        assert!(builder().timeout(Duration::from_secs(3600)).build().is_ok());
    }

    #[test]
    fn base_urls_with_credentials_a_query_or_a_fragment_are_refused_each_alone() {
        for bad in [
            "https://user@graph.example.com",
            "https://:pw@graph.example.com",
            "https://graph.example.com/?x=1",
            "https://graph.example.com/#top",
        ] {
            let err = checked_base_url(bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains("must not carry credentials, a query or a fragment"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn debug_output_names_the_credential_but_never_shows_the_token() -> Result<(), Error> {
        let builder = Client::builder()
            .cloud(Cloud::UsGovernmentL4)
            .credential(crate::StaticToken::new("s3cr3t-token"));
        let shown = format!("{builder:?}");
        assert!(
            shown.contains("StaticToken") && shown.contains("UsGovernmentL4"),
            "{shown}"
        );
        assert!(!shown.contains("s3cr3t"), "{shown}");
        let client = builder.base_url("http://127.0.0.1:9").build()?;
        let shown = format!("{client:?}");
        assert!(
            shown.contains("UsGovernmentL4") && shown.contains("http://127.0.0.1:9"),
            "{shown}"
        );
        assert!(!shown.contains("s3cr3t"), "{shown}");
        Ok(())
    }

    #[test]
    fn a_client_reports_the_settings_it_was_built_with() -> Result<(), Error> {
        // Loopback, so that the test runs without a TLS feature too.
        let client = Client::builder()
            .cloud(Cloud::UsGovernmentL5)
            .credential(crate::StaticToken::new("t"))
            .base_url("http://127.0.0.1:9/")
            .build()?;
        assert_eq!(client.cloud(), Cloud::UsGovernmentL5);
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        assert_eq!(client.api_version(), "v1.0");
        assert_eq!(client.beta().api_version(), "beta");
        assert_eq!(client.beta().v1().cloud(), Cloud::UsGovernmentL5);
        Ok(())
    }

    #[test]
    fn https_needs_a_tls_feature() {
        let https = Client::builder()
            .credential(crate::StaticToken::new("t"))
            .build();
        let tls = cfg!(any(
            feature = "rustls",
            feature = "rustls-ring",
            feature = "native-tls"
        ));
        assert_eq!(https.is_ok(), tls, "{https:?}");
        let loopback = Client::builder()
            .credential(crate::StaticToken::new("t"))
            .base_url("http://127.0.0.1:1")
            .build();
        assert!(loopback.is_ok());
    }

    #[test]
    fn a_credential_is_required() {
        assert!(matches!(
            Client::builder().build(),
            Err(Error::InvalidArgument { what: "client", .. })
        ));
    }
}

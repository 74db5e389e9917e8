//! Faults below HTTP, from a raw TCP server on loopback that misbehaves on purpose: closes at
//! every point of a response, sends what is not HTTP, lies about its length, trickles, stalls,
//! resets. Each call ends in a typed error within the client's timeout (or succeeds on a retry
//! where retrying is right), nothing panics, and the client works afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crosstenant::{Client, Error, RetryPolicy, StaticToken, TenantId};
use crosstenant_mock::seeds;
use crosstenant_tests::{STEP, TEST_TOKEN, TestResult, failure, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection, after reading the request head.
#[derive(Clone, Copy, Debug)]
enum Misbehave {
    /// Closes without a byte: a pooled connection the server was closing.
    CloseAtOnce,
    /// Resets the connection (RST, not FIN).
    Reset,
    /// Sends half a header block, then closes.
    CloseMidHeaders,
    /// Sends the status line only, then closes.
    CloseAfterStatusLine,
    /// Sends a head and one chunk of a chunked body, then closes.
    CloseMidChunk,
    /// Sends something that is not HTTP.
    InvalidStatusLine,
    /// Declares more bytes than it sends, then closes.
    LengthLongerThanBody,
    /// Declares fewer bytes than the body has.
    LengthShorterThanBody,
    /// Sends a valid response one byte a second.
    Trickle,
    /// Reads the request and never answers.
    Silent,
    /// Answers properly.
    Answer,
}

fn partner_body() -> String {
    seeds::partner_fabrikam().to_string()
}

fn head(length: usize) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: 11111111-2222-3333-4444-555555555555\r\ncontent-length: {length}\r\n\r\n"
    )
}

async fn read_head(socket: &mut TcpStream) -> std::io::Result<()> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        seen.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

async fn misbehave(mut socket: TcpStream, how: Misbehave) -> std::io::Result<()> {
    read_head(&mut socket).await?;
    let body = partner_body();
    match how {
        Misbehave::CloseAtOnce => {}
        // Zero linger: dropping the socket sends RST instead of FIN.
        Misbehave::Reset => socket.set_zero_linger()?,
        Misbehave::CloseMidHeaders => socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-ty").await?,
        Misbehave::CloseAfterStatusLine => socket.write_all(b"HTTP/1.1 200 OK\r\n").await?,
        Misbehave::CloseMidChunk => {
            let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n10\r\n{\"tenantId\":\"9c5d";
            socket.write_all(start.as_bytes()).await?;
        }
        Misbehave::InvalidStatusLine => socket.write_all(b"SMTP 220 ready\r\n\r\n").await?,
        Misbehave::LengthLongerThanBody => {
            socket.write_all(head(body.len() + 100).as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
        }
        Misbehave::LengthShorterThanBody => {
            socket.write_all(head(10).as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
        }
        Misbehave::Trickle => {
            let response = format!("{}{body}", head(body.len()));
            for byte in response.as_bytes() {
                socket.write_all(&[*byte]).await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Misbehave::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
        Misbehave::Answer => {
            socket.write_all(head(body.len()).as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
            // Keep the connection open for reuse until the client drops it.
            let mut rest = [0u8; 64];
            while socket.read(&mut rest).await.unwrap_or(0) > 0 {}
        }
    }
    Ok(())
}

/// A raw server whose first connections misbehave as `script` says, one each; later ones
/// answer properly. It counts the connections it accepted.
struct RawServer {
    url: String,
    connections: Arc<AtomicUsize>,
}

async fn raw_server(script: Vec<Misbehave>) -> std::io::Result<RawServer> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let n = count.fetch_add(1, Ordering::SeqCst);
            let how = script.get(n).copied().unwrap_or(Misbehave::Answer);
            tokio::spawn(misbehave(socket, how));
        }
    });
    Ok(RawServer { url, connections })
}

fn client(url: &str, retry: RetryPolicy) -> Result<Client, Error> {
    Client::builder()
        .credential(StaticToken::new(TEST_TOKEN))
        .base_url(url)
        .timeout(Duration::from_millis(1500))
        .retry(retry.initial_backoff(Duration::from_millis(1)))
        .build()
}

fn fabrikam() -> Result<TenantId, Error> {
    Ok(seeds::FABRIKAM_TENANT_ID.parse()?)
}

/// The error of one call that meets `how` once, with retries off; then the same client's
/// next call (on a fresh connection) succeeds.
async fn once_without_retry(how: Misbehave) -> Result<Error, Box<dyn std::error::Error>> {
    let server = raw_server(vec![how]).await?;
    let client = client(&server.url, RetryPolicy::disabled())?;
    let err = failure(client.partner_identity_sync(fabrikam()?).send()).await?;
    let partner = within(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    Ok(err)
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_retried_on_a_fresh_one() -> TestResult {
    let server = raw_server(vec![Misbehave::CloseAtOnce]).await?;
    let client = client(&server.url, RetryPolicy::default())?;
    let partner = within(client.partner_identity_sync(fabrikam()?).send()).await?;
    assert_eq!(partner.display_name.as_deref(), Some("Fabrikam"));
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
    Ok(())
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_says_graph_may_have_received_it() -> TestResult {
    let err = once_without_retry(Misbehave::CloseAtOnce).await?;
    let Error::Transport {
        response: None,
        attempts: 1,
        ..
    } = &err
    else {
        return Err(format!("expected a transport error, got {err:?}").into());
    };
    let text = err.to_string();
    assert!(
        text.contains("the connection closed before Graph answered")
            && text.contains("Graph may have received the request"),
        "{text}"
    );
    assert!(
        !text.contains("check the network"),
        "the request did reach the server: {text}"
    );
    Ok(())
}

#[tokio::test]
async fn a_reset_is_a_transport_error_and_retried() -> TestResult {
    let err = once_without_retry(Misbehave::Reset).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_transient());
    Ok(())
}

#[tokio::test]
async fn a_close_mid_headers_is_a_transport_error() -> TestResult {
    let err = once_without_retry(Misbehave::CloseMidHeaders).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_close_after_the_status_line_is_a_transport_error() -> TestResult {
    let err = once_without_retry(Misbehave::CloseAfterStatusLine).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_close_mid_chunk_keeps_the_status_and_is_retried() -> TestResult {
    let err = once_without_retry(Misbehave::CloseMidChunk).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.is_transient());

    let server = raw_server(vec![Misbehave::CloseMidChunk]).await?;
    let retrying = client(&server.url, RetryPolicy::default())?;
    within(retrying.partner_identity_sync(fabrikam()?).send()).await?;
    Ok(())
}

#[tokio::test]
async fn a_response_that_is_not_http_is_a_transport_error() -> TestResult {
    let err = once_without_retry(Misbehave::InvalidStatusLine).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_length_longer_than_the_body_is_a_broken_body() -> TestResult {
    let err = once_without_retry(Misbehave::LengthLongerThanBody).await?;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    Ok(())
}

#[tokio::test]
async fn a_length_shorter_than_the_body_is_a_decode_error() -> TestResult {
    let err = once_without_retry(Misbehave::LengthShorterThanBody).await?;
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!err.is_transient());
    Ok(())
}

#[tokio::test]
async fn a_trickling_answer_ends_in_a_timeout() -> TestResult {
    let err = once_without_retry(Misbehave::Trickle).await?;
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(1500)),
        "{err:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_silent_server_ends_in_a_timeout() -> TestResult {
    let err = once_without_retry(Misbehave::Silent).await?;
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn every_fault_in_a_row_ends_within_the_budget() -> TestResult {
    // All of them on one client, retried by the default policy: the call ends (either way)
    // well within STEP, and the client still works.
    let script = vec![
        Misbehave::CloseAtOnce,
        Misbehave::Reset,
        Misbehave::CloseMidHeaders,
        Misbehave::CloseAfterStatusLine,
        Misbehave::CloseMidChunk,
        Misbehave::InvalidStatusLine,
        Misbehave::LengthLongerThanBody,
    ];
    let server = raw_server(script).await?;
    let client = client(&server.url, RetryPolicy::default().max_retries(10))?;
    let outcome =
        tokio::time::timeout(STEP, client.partner_identity_sync(fabrikam()?).send()).await?;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 8);
    Ok(())
}

//! A load generator: many GETs through one client, with latency percentiles and errors.
//!
//! ```text
//! cargo run --release --example loadgen -- --requests 20000 --concurrency 64
//! cargo run --release --example loadgen -- --base-url http://127.0.0.1:8080 --client both --json
//! ```
//!
//! Without `--base-url` it starts the embedded fake Graph (on its own threads). `--client raw`
//! sends the same requests with plain reqwest + serde_json into the same model, as a baseline;
//! `--client both` alternates the two in rounds within one run, so their ratio is fair on a
//! noisy machine. Point `--base-url` at any Graph-compatible server to compare other clients on
//! the same server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use crosstenant::models::v1::TemplateIdentitySync;
use crosstenant::models::{beta, v1};
use crosstenant::{Beta, Client, RetryPolicy, StaticToken, TenantId, V1};
use serde::Serialize;

#[path = "../benches/common/raw.rs"]
mod raw;
use raw::RawClient;

#[derive(Debug, Parser)]
#[command(about = "Load-test a Graph-compatible server through the crosstenant client")]
struct Args {
    /// The server's root URL (no version); default: the embedded fake Graph.
    #[arg(long)]
    base_url: Option<String>,
    /// Requests to send in all.
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Which operation to call.
    #[arg(long, value_enum, default_value_t = Endpoint::Partner)]
    endpoint: Endpoint,
    /// Graph API version.
    #[arg(long, default_value = "v1.0", value_parser = ["v1.0", "beta"])]
    api: String,
    /// Bearer token to send.
    #[arg(long, default_value = "loadgen")]
    token: String,
    /// The partner tenant to read.
    #[arg(long, default_value = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551")]
    tenant: String,
    /// The crosstenant client, plain reqwest, or both in alternating rounds.
    #[arg(long, value_enum, default_value_t = Which::Facade)]
    client: Which,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
enum Endpoint {
    Partner,
    Template,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
enum Which {
    Facade,
    Raw,
    Both,
}

/// How the requests of one client went.
#[derive(Debug, Default, Serialize)]
struct Report {
    client: &'static str,
    requests: usize,
    errors: usize,
    first_error: Option<String>,
    seconds: f64,
    requests_per_second: f64,
    p50_us: f64,
    p90_us: f64,
    p99_us: f64,
}

/// Both clients' reports, and the process's memory.
#[derive(Debug, Serialize)]
struct Summary {
    endpoint: Endpoint,
    api: String,
    concurrency: usize,
    reports: Vec<Report>,
    /// Resident memory before the load and at its peak (Linux `VmRSS` / `VmHWM`), in KiB.
    rss_before_kib: Option<u64>,
    rss_peak_kib: Option<u64>,
}

/// One way of sending the request: returns an error message on failure.
#[derive(Clone)]
enum Sender {
    FacadeV1(Client<V1>),
    FacadeBeta(Client<Beta>),
    Raw { client: RawClient, beta: bool },
}

impl Sender {
    async fn send(&self, endpoint: Endpoint, tenant: TenantId) -> Result<(), String> {
        let done = match (self, endpoint) {
            (Sender::FacadeV1(c), Endpoint::Partner) => {
                c.partner_identity_sync(tenant).send().await.map(drop)
            }
            (Sender::FacadeV1(c), Endpoint::Template) => {
                c.mto_identity_sync_template().send().await.map(drop)
            }
            (Sender::FacadeBeta(c), Endpoint::Partner) => {
                c.partner_identity_sync(tenant).send().await.map(drop)
            }
            (Sender::FacadeBeta(c), Endpoint::Template) => {
                c.mto_identity_sync_template().send().await.map(drop)
            }
            // The raw client decodes into the same models the facade returns.
            (
                Sender::Raw {
                    client,
                    beta: false,
                },
                Endpoint::Partner,
            ) => {
                return client
                    .partner::<v1::PartnerIdentitySync>(&tenant.to_string())
                    .await
                    .map(drop);
            }
            (Sender::Raw { client, beta: true }, Endpoint::Partner) => {
                return client
                    .partner::<beta::PartnerIdentitySync>(&tenant.to_string())
                    .await
                    .map(drop);
            }
            (Sender::Raw { client, .. }, Endpoint::Template) => {
                return client.template::<TemplateIdentitySync>().await.map(drop);
            }
        };
        done.map_err(|e| e.to_string())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let tenant: TenantId = args.tenant.parse()?;
    // The embedded fake Graph runs on its own threads, so this runtime measures only the client.
    let _server;
    let base_url = match &args.base_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let server = crosstenant_mock::ThreadedMockGraph::start()?;
            server.set_recording(false);
            let url = server.base_url().to_string();
            _server = server;
            url
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let summary = runtime.block_on(run(&args, &base_url, tenant))?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_text(&summary);
    }
    Ok(())
}

async fn run(
    args: &Args,
    base_url: &str,
    tenant: TenantId,
) -> Result<Summary, Box<dyn std::error::Error>> {
    let beta = args.api == "beta";
    let facade = Client::builder()
        .credential(StaticToken::new(args.token.clone()))
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .build()?;
    let facade = if beta {
        Sender::FacadeBeta(facade.beta())
    } else {
        Sender::FacadeV1(facade)
    };
    let raw = Sender::Raw {
        client: RawClient::new(base_url, &args.api, &args.token)?,
        beta,
    };
    let mut clients: Vec<(&'static str, Sender)> = match args.client {
        Which::Facade => vec![("facade", facade)],
        Which::Raw => vec![("raw", raw)],
        Which::Both => vec![("facade", facade), ("raw", raw)],
    };

    // Measured before the warm-up, so the connections the load opens count as its memory.
    let rss_before_kib = proc_status_kib("VmRSS");
    // Warm up: connections open, the token is cached, code paths are hot.
    for (_, sender) in &clients {
        drive(
            sender,
            args.endpoint,
            tenant,
            args.concurrency.min(64) * 4,
            args.concurrency,
        )
        .await;
    }

    // With both clients, alternate in rounds so drift in the machine's load hits both alike.
    let rounds = if clients.len() > 1 { 10 } else { 1 };
    let per_round = args.requests.div_ceil(rounds);
    let mut measured: Vec<(Vec<Duration>, Vec<String>, Duration)> =
        clients.iter().map(|_| Default::default()).collect();
    for round in 0..rounds {
        // Start with a different client each round.
        if round > 0 {
            clients.rotate_left(1);
            measured.rotate_left(1);
        }
        for ((_, sender), (latencies, errors, elapsed)) in clients.iter().zip(measured.iter_mut()) {
            let started = Instant::now();
            let (l, e) = drive(sender, args.endpoint, tenant, per_round, args.concurrency).await;
            *elapsed += started.elapsed();
            latencies.extend(l);
            errors.extend(e);
        }
    }
    let mut reports: Vec<Report> = clients
        .iter()
        .zip(measured)
        .map(|((name, _), (latencies, errors, elapsed))| report(name, latencies, errors, elapsed))
        .collect();
    reports.sort_by_key(|r| r.client);
    Ok(Summary {
        endpoint: args.endpoint,
        api: args.api.clone(),
        concurrency: args.concurrency,
        reports,
        rss_before_kib,
        rss_peak_kib: proc_status_kib("VmHWM"),
    })
}

/// Sends `requests` requests, `concurrency` at a time; returns each latency and each error.
async fn drive(
    sender: &Sender,
    endpoint: Endpoint,
    tenant: TenantId,
    requests: usize,
    concurrency: usize,
) -> (Vec<Duration>, Vec<String>) {
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let sender = sender.clone();
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(requests / concurrency.max(1) + 1);
                let mut errors = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let started = Instant::now();
                    let outcome = sender.send(endpoint, tenant).await;
                    latencies.push(started.elapsed());
                    if let Err(e) = outcome {
                        errors.push(e);
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests);
    let mut errors = Vec::new();
    for worker in workers {
        match worker.await {
            Ok((l, e)) => {
                latencies.extend(l);
                errors.extend(e);
            }
            Err(e) => errors.push(format!("worker failed: {e}")),
        }
    }
    (latencies, errors)
}

fn report(
    client: &'static str,
    mut latencies: Vec<Duration>,
    errors: Vec<String>,
    elapsed: Duration,
) -> Report {
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1].as_secs_f64() * 1e6
    };
    Report {
        client,
        requests: latencies.len(),
        errors: errors.len(),
        first_error: errors.first().cloned(),
        seconds: elapsed.as_secs_f64(),
        requests_per_second: latencies.len() as f64 / elapsed.as_secs_f64().max(f64::EPSILON),
        p50_us: percentile(50.0),
        p90_us: percentile(90.0),
        p99_us: percentile(99.0),
    }
}

fn print_text(summary: &Summary) {
    println!(
        "{:?} on Graph {}, {} in flight",
        summary.endpoint, summary.api, summary.concurrency
    );
    for r in &summary.reports {
        println!(
            "  {:<6} {:>8} requests in {:>6.2} s: {:>9.0} req/s; p50 {:>7.1} µs, p90 {:>7.1} µs, p99 {:>7.1} µs; {} errors{}",
            r.client,
            r.requests,
            r.seconds,
            r.requests_per_second,
            r.p50_us,
            r.p90_us,
            r.p99_us,
            r.errors,
            r.first_error
                .as_deref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        );
    }
    if let [facade, raw] = summary.reports.as_slice() {
        println!(
            "  facade/raw: p50 {:.3}, p99 {:.3}, throughput {:.3}",
            facade.p50_us / raw.p50_us,
            facade.p99_us / raw.p99_us,
            facade.requests_per_second / raw.requests_per_second
        );
    }
    if let (Some(before), Some(peak)) = (summary.rss_before_kib, summary.rss_peak_kib) {
        println!("  memory: {before} KiB resident before the load, {peak} KiB at the peak");
    }
}

/// A field of `/proc/self/status` in KiB (Linux only).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

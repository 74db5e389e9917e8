//! Reads a partner's identity synchronization policy and the multitenant organization's
//! template, and prints them.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With nothing set it starts the embedded fake Graph and reads the examples from Microsoft's
//! documentation. To read your own tenant, set `PARTNER_TENANT_ID` and either
//! `GRAPH_ACCESS_TOKEN` (e.g. from `az account get-access-token --resource-type ms-graph`) or,
//! built with `--features azure-identity`, `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and
//! `AZURE_CLIENT_SECRET`. `GRAPH_CLOUD` picks the cloud: global (default), usgov-l4, usgov-l5,
//! china. `GRAPH_API_VERSION=beta` reads beta.

#[path = "common/env.rs"]
mod env;

use std::process::ExitCode;

use crosstenant::{ApiVersion, Client, StaticToken, TenantId};

/// The partner in Microsoft's documentation example (Fabrikam).
const EXAMPLE_PARTNER: &str = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    env::exit(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let Some(credential) = env::credential()? else {
        let graph = crosstenant_mock::MockGraph::start().await?;
        println!(
            "No GRAPH_ACCESS_TOKEN or AZURE_* credentials set: reading the embedded fake Graph at {}.",
            graph.base_url()
        );
        println!("Set PARTNER_TENANT_ID and GRAPH_ACCESS_TOKEN to read your own tenant.\n");
        let client = Client::builder()
            .credential(StaticToken::new("quickstart"))
            .base_url(graph.base_url())
            .build()?;
        show(&client, EXAMPLE_PARTNER.parse()?).await?;
        println!();
        show(&client.beta(), EXAMPLE_PARTNER.parse()?).await?;
        graph.shutdown().await;
        return Ok(());
    };
    let partner: TenantId = std::env::var("PARTNER_TENANT_ID")
        .map_err(|_| "set PARTNER_TENANT_ID to the partner tenant's id (a GUID)")?
        .parse()?;
    let cloud = env::cloud()?;
    let client = Client::builder()
        .cloud(cloud)
        .shared_credential(credential)
        .user_agent_suffix("quickstart")
        .build()?;
    println!(
        "Reading {} (Graph {}).\n",
        client.base_url(),
        client.api_version()
    );
    if std::env::var("GRAPH_API_VERSION").as_deref() == Ok("beta") {
        show(&client.beta(), partner).await?;
    } else {
        show(&client, partner).await?;
    }
    Ok(())
}

/// Prints the partner's policy and the template, each on its own line.
async fn show<V: ApiVersion>(
    client: &Client<V>,
    partner: TenantId,
) -> Result<(), crosstenant::Error> {
    println!("Graph {}", client.api_version());
    let policy = client.partner_identity_sync(partner).await?;
    println!("  partner:  {policy}");
    match client.mto_identity_sync_template().await {
        Ok(template) => println!("  template: {template}"),
        // The template exists in the global service only; say so instead of failing.
        Err(e @ crosstenant::Error::UnsupportedInCloud { .. }) => println!("  template: {e}"),
        Err(e) => return Err(e),
    }
    Ok(())
}

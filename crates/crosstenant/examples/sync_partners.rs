//! Finds the partners whose inbound user synchronization is not set, and sets it.
//!
//! ```text
//! cargo run --example sync_partners                  # dry run: says what it would change
//! cargo run --example sync_partners -- --apply       # changes it
//! cargo run --example sync_partners -- --apply --block   # sets "blocked" instead of "allowed"
//! ```
//!
//! It lists every partner configuration with `$expand=identitySynchronization` (one call per
//! page), prints tenant, name and inbound user sync, then for each partner whose policy is
//! missing or has `isSyncAllowed` unset (`null`), puts a policy with it set, keeping the
//! policy's display name. With nothing set it runs against the embedded fake Graph (where
//! Woodgrove's setting is unset); with the quickstart's environment variables
//! (`GRAPH_ACCESS_TOKEN`, or `AZURE_*` with `--features azure-identity`; `GRAPH_CLOUD`) it
//! reads and changes your own tenant.

#[path = "common/env.rs"]
mod env;

use std::process::ExitCode;

use crosstenant::models::v1::{
    PartnerConfiguration, PartnerConfigurationExpand, PartnerIdentitySyncWrite,
};
use crosstenant::models::{Nullable, UserSyncInbound};
use crosstenant::{Client, StaticToken, TenantId};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    env::exit(run().await)
}

/// What to set where the setting is missing.
struct Options {
    apply: bool,
    allow: bool,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        apply: false,
        allow: true,
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--apply" => options.apply = true,
            "--block" => options.allow = false,
            "--allow" => options.allow = true,
            other => {
                return Err(format!(
                    "unknown argument {other}; use --apply, and --allow (default) or --block"
                ));
            }
        }
    }
    Ok(options)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let options = options()?;
    match env::credential()? {
        Some(credential) => {
            let client = Client::builder()
                .cloud(env::cloud()?)
                .shared_credential(credential)
                .user_agent_suffix("sync_partners")
                .build()?;
            println!("Partners of your tenant at {}:\n", client.base_url());
            sync(&client, &options).await
        }
        None => {
            let graph = crosstenant_mock::MockGraph::start().await?;
            println!(
                "No GRAPH_ACCESS_TOKEN or AZURE_* credentials set: using the embedded fake Graph at {}.\n",
                graph.base_url()
            );
            let client = Client::builder()
                .credential(StaticToken::new("sync_partners"))
                .base_url(graph.base_url())
                .build()?;
            sync(&client, &options).await?;
            graph.shutdown().await;
            Ok(())
        }
    }
}

async fn sync(client: &Client, options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let partners = client
        .list_partners()
        .expand([PartnerConfigurationExpand::IdentitySynchronization])
        .collect_all()
        .await?;
    println!("{:<38}  {:<24}  inbound user sync", "tenant", "name");
    let mut missing = Vec::new();
    for partner in &partners {
        let (name, setting) = describe(partner);
        let tenant = partner.tenant_id.as_deref().unwrap_or("?");
        println!("{tenant:<38}  {name:<24}  {setting}");
        if setting == "not configured" {
            missing.push(partner);
        }
    }
    let value = if options.allow { "allowed" } else { "blocked" };
    println!();
    if missing.is_empty() {
        println!("Every partner's inbound user sync is configured; nothing to change.");
        return Ok(());
    }
    for partner in missing {
        let Some(tenant) = partner.tenant_id.as_deref() else {
            continue;
        };
        let (name, _) = describe(partner);
        if !options.apply {
            println!(
                "would set {tenant} ({name}) to {value}  (dry run: pass --apply to change it)"
            );
            continue;
        }
        let tenant: TenantId = tenant.parse()?;
        // PUT replaces the whole policy: keep its display name.
        let policy = PartnerIdentitySyncWrite {
            display_name: match partner
                .identity_synchronization
                .as_ref()
                .and_then(|p| p.display_name.clone())
            {
                Some(name) => Nullable::Value(name),
                None => Nullable::Absent,
            },
            user_sync_inbound: Nullable::Value(UserSyncInbound {
                is_sync_allowed: Nullable::Value(options.allow),
                ..UserSyncInbound::default()
            }),
            ..PartnerIdentitySyncWrite::default()
        };
        client.put_partner_identity_sync(tenant, policy).await?;
        println!("set {tenant} ({name}) to {value}");
    }
    Ok(())
}

/// The partner's name and inbound user sync, as the table shows them.
fn describe(partner: &PartnerConfiguration) -> (String, &'static str) {
    let Some(policy) = &partner.identity_synchronization else {
        return ("(no sync policy)".into(), "not configured");
    };
    let name = policy
        .display_name
        .clone()
        .unwrap_or_else(|| "(unnamed)".into());
    let setting = match policy.user_sync_inbound.as_ref().map(|u| u.is_sync_allowed) {
        Some(Nullable::Value(true)) => "allowed",
        Some(Nullable::Value(false)) => "blocked",
        _ => "not configured",
    };
    (name, setting)
}

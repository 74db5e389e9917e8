//! Runs the fake Graph server until Ctrl-C, for trying clients by hand.

use std::error::Error;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Parser;
use crosstenant_mock::{MockGraph, seeds};

/// Serve the fake Microsoft Graph cross-tenant identity-synchronization API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Do not record requests (for load tests: the record grows with every request).
    #[arg(long)]
    no_record: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    let mock = MockGraph::start_on(SocketAddr::new(args.host, args.port)).await?;
    mock.set_recording(!args.no_record);
    let base = mock.base_url();
    println!("crosstenant-mock listening on {base} (v1.0 and beta)");
    println!(
        "try: curl -H 'Authorization: Bearer anything' {base}/v1.0/policies/crossTenantAccessPolicy/partners/{}/identitySynchronization",
        seeds::FABRIKAM_TENANT_ID
    );
    tokio::signal::ctrl_c().await?;
    mock.shutdown().await;
    Ok(())
}

//! What the examples read from the environment: the credential and the cloud.

use std::env;
use std::process::ExitCode;
use std::sync::Arc;

use crosstenant::{Cloud, StaticToken, TokenCredential};

/// The credential the environment names (`GRAPH_ACCESS_TOKEN`, or with the `azure-identity`
/// feature `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`), if any.
pub(crate) fn credential() -> Result<Option<Arc<dyn TokenCredential>>, Box<dyn std::error::Error>> {
    if let Ok(token) = env::var("GRAPH_ACCESS_TOKEN") {
        return Ok(Some(Arc::new(StaticToken::new(token))));
    }
    if env::var("AZURE_CLIENT_SECRET").is_err() {
        return Ok(None);
    }
    client_secret_credential().map(Some)
}

/// `GRAPH_CLOUD` (global, usgov-l4, usgov-l5, china), global by default.
pub(crate) fn cloud() -> Result<Cloud, Box<dyn std::error::Error>> {
    Ok(match env::var("GRAPH_CLOUD") {
        Ok(name) => name.parse().map_err(|e| format!("GRAPH_CLOUD: {e}"))?,
        Err(_) => Cloud::Global,
    })
}

#[cfg(feature = "azure-identity")]
fn client_secret_credential() -> Result<Arc<dyn TokenCredential>, Box<dyn std::error::Error>> {
    let var = |name: &str| env::var(name).map_err(|_| format!("{name} is not set"));
    let azure = crosstenant::credential::azure_identity::ClientSecretCredential::new(
        &var("AZURE_TENANT_ID")?,
        var("AZURE_CLIENT_ID")?,
        var("AZURE_CLIENT_SECRET")?.into(),
        None,
    )?;
    Ok(Arc::new(
        crosstenant::credential::AzureIdentityCredential::new(azure),
    ))
}

#[cfg(not(feature = "azure-identity"))]
fn client_secret_credential() -> Result<Arc<dyn TokenCredential>, Box<dyn std::error::Error>> {
    Err(
        "AZURE_CLIENT_SECRET is set, but signing in with it needs the azure-identity feature: \
         cargo run --example <name> --features azure-identity (or set GRAPH_ACCESS_TOKEN)"
            .into(),
    )
}

/// What `main` returns: success, or the error printed.
pub(crate) fn exit(outcome: Result<(), Box<dyn std::error::Error>>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

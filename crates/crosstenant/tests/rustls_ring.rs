//! With the `rustls-ring` feature, reqwest is built without a crypto provider of its own, so a
//! plain `reqwest::Client` in the same program cannot be built until one is installed; the first
//! crosstenant client installs ring as the process default. (`cargo test -p crosstenant
//! --no-default-features --features rustls-ring --test rustls_ring`; one test, because the
//! provider is process-wide.)

#![cfg(feature = "rustls-ring")]
#![forbid(unsafe_code)]

#[test]
fn other_reqwest_clients_work_once_a_crosstenant_client_is_built()
-> Result<(), Box<dyn std::error::Error>> {
    let before = std::panic::catch_unwind(|| reqwest::Client::builder().build().is_ok());
    assert!(
        !matches!(before, Ok(true)),
        "without a provider a plain client cannot be built; if it can, this test proves nothing"
    );

    let client = crosstenant::Client::builder()
        .credential(crosstenant::StaticToken::new("t"))
        .build()?;
    assert_eq!(client.base_url(), "https://graph.microsoft.com");

    let plain = reqwest::Client::builder().build()?;
    let _ = (plain, reqwest::Client::new());
    Ok(())
}

//! One GET of each endpoint through the facade and through raw reqwest + serde_json, against
//! the same fake Graph (on its own threads) in the same run.

mod common {
    pub(crate) mod raw;
}

use criterion::{Criterion, criterion_group, criterion_main};
use crosstenant::models::v1;
use crosstenant::models::v1::TemplateIdentitySync;
use crosstenant::{Client, RetryPolicy, StaticToken, TenantId};
use crosstenant_mock::{ThreadedMockGraph, seeds};

use common::raw::RawClient;

fn loopback(c: &mut Criterion) {
    let Ok(graph) = ThreadedMockGraph::start() else {
        eprintln!("could not start the fake Graph");
        return;
    };
    graph.set_recording(false);
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let facade = Client::builder()
        .credential(StaticToken::new("bench"))
        .base_url(graph.base_url())
        .retry(RetryPolicy::disabled())
        .build();
    let raw = RawClient::new(graph.base_url(), "v1.0", "bench");
    let (Ok(facade), Ok(raw), Ok(tenant)) =
        (facade, raw, seeds::FABRIKAM_TENANT_ID.parse::<TenantId>())
    else {
        eprintln!("could not build the clients");
        return;
    };
    let tenant_text = tenant.to_string();

    let mut group = c.benchmark_group("loopback/partner");
    group.bench_function("facade", |b| {
        b.to_async(&runtime)
            .iter(|| async { facade.partner_identity_sync(tenant).send().await.map(drop) })
    });
    group.bench_function("raw", |b| {
        b.to_async(&runtime).iter(|| async {
            raw.partner::<v1::PartnerIdentitySync>(&tenant_text)
                .await
                .map(drop)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("loopback/template");
    group.bench_function("facade", |b| {
        b.to_async(&runtime)
            .iter(|| async { facade.mto_identity_sync_template().send().await.map(drop) })
    });
    group.bench_function("raw", |b| {
        b.to_async(&runtime)
            .iter(|| async { raw.template::<TemplateIdentitySync>().await.map(drop) })
    });
    group.finish();
}

criterion_group!(benches, loopback);
criterion_main!(benches);

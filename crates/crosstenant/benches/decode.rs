//! Decoding the seed bodies: into the models, and into `serde_json::Value` for reference; and
//! the flags parser. (The facade returns the generated models themselves, re-exported under
//! `crosstenant::models`, so "facade model" and "generated model" are one measurement.)

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crosstenant::models::v1::TemplateIdentitySync;
use crosstenant::models::{TemplateApplicationLevel, v1};
use crosstenant_mock::seeds;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A seed body as Graph sends it: `@odata.context` first, then the documented example.
fn body(context: &str, seed: Value) -> Vec<u8> {
    let mut object = serde_json::Map::new();
    object.insert("@odata.context".into(), Value::String(context.into()));
    if let Value::Object(fields) = seed {
        object.extend(fields);
    }
    serde_json::to_vec(&Value::Object(object)).unwrap_or_default()
}

fn bench_body<T: DeserializeOwned>(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let mut group = c.benchmark_group(format!("decode/{name}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("model", |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(bytes)).map(drop))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).map(drop))
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let partner = "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners('9c5d131d-b1c3-4fc4-9e3f-c6557947d551')/identitySynchronization/$entity";
    let template = "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization/$entity";
    bench_body::<v1::PartnerIdentitySync>(c, "partner", &body(partner, seeds::partner_fabrikam()));
    bench_body::<TemplateIdentitySync>(
        c,
        "template_unconfigured",
        &body(template, seeds::template_unconfigured()),
    );
    bench_body::<TemplateIdentitySync>(
        c,
        "template_configured",
        &body(template, seeds::template_configured()),
    );
}

fn flags(c: &mut Criterion) {
    let mut group = c.benchmark_group("flags");
    group.bench_function("parse", |b| {
        b.iter(|| black_box("newPartners,existingPartners").parse::<TemplateApplicationLevel>())
    });
    let level: TemplateApplicationLevel =
        "newPartners,existingPartners".parse().unwrap_or_default();
    group.bench_function("display", |b| b.iter(|| black_box(&level).to_string()));
    group.finish();
}

criterion_group!(benches, decode, flags);
criterion_main!(benches);

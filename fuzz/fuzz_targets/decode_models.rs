//! Any bytes, decoded into each response model of each version: an error or a model, never a
//! panic; a model that decodes writes back to JSON that decodes to the same model.

#![no_main]

use crosstenant::models::{beta, v1};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug + std::fmt::Display>(data: &[u8]) {
    let Ok(model) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let _ = model.to_string();
    let written = serde_json::to_vec(&model).expect("a decoded model serializes");
    let again: T = serde_json::from_slice(&written).expect("what was written decodes");
    assert_eq!(format!("{model:?}"), format!("{again:?}"));
}

fuzz_target!(|data: &[u8]| {
    round_trip::<v1::PartnerIdentitySync>(data);
    round_trip::<beta::PartnerIdentitySync>(data);
    round_trip::<v1::TemplateIdentitySync>(data);
    round_trip::<v1::CrossTenantAccessPolicyConfigurationDefault>(data);
    round_trip::<beta::CrossTenantAccessPolicyConfigurationDefault>(data);
    round_trip::<v1::PartnerConfigurationPage>(data);
    round_trip::<beta::PartnerConfigurationPage>(data);
});

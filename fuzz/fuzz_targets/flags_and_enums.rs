//! Any text as a flags value and as an open enum member: the flags parse or refuse without a
//! panic, and what parses writes back to what parses the same; an enum member always decodes
//! and writes back exactly.

#![no_main]

use crosstenant::models::TemplateApplicationLevel;
use crosstenant::models::v1::CrossTenantAccessPolicyTargetConfigurationAccessType as Access;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(level) = text.parse::<TemplateApplicationLevel>() {
        let written = level.to_string();
        let again: TemplateApplicationLevel = written.parse().expect("written flags parse");
        assert_eq!(again, level);
        assert_eq!(again.to_string(), written);
    }
    let json = serde_json::to_string(text).expect("a string serializes");
    let member: Access = serde_json::from_str(&json).expect("any string is a member");
    assert_eq!(member.as_str(), text);
    assert_eq!(serde_json::to_string(&member).expect("serializes"), json);
});

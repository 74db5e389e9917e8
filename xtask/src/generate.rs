//! `cargo xtask generate`: progenitor, run as a library on `spec/crosstenant.yaml`, for
//! `crates/crosstenant-api/src/generated.rs`; and the facade's per-operation layer
//! (`xtask/src/facade.rs`) for `crates/crosstenant/src/generated.rs`.
//!
//! Every generator setting lives here, in one place:
//! - builder-style calls (`client.op().param(x).send()`), one merged `Client`;
//! - hooks are expected: `crates/crosstenant-api/src/hooks.rs` implements them for the
//!   generated `Client` with an `Arc<RequestContext>` as its inner value (headers per request,
//!   response limits, no `api-version` header);
//! - [`SUBSTITUTES`]: hand-written types where the generated one would be wrong on the wire;
//! - every Graph enum is generated here, not by typify, as an *open* enum: known members are
//!   variants, and a member newer than the SDK decodes into `Other(name)` and is written back
//!   as it came (typify's closed enums would fail to decode it);
//! - every model gets a one-line `Display`, written by `crosstenant-api/src/display.rs` from
//!   its upstream schema name, so no hand-written code names a generated type;
//! - every `style: form, explode: false` array query parameter (`$select`) is typed
//!   `CommaSeparated<T>`, which serializes to the one comma-joined value Graph expects
//!   (progenitor would repeat the parameter, which Graph rejects).
//!
//! Schemas are found by the upstream key the trim writes on each (`x-crosstenant-key`), so a
//! schema that splits into `V1X` and `BetaX` keeps its substitute, summary and facade names.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, SchemaKind, Type,
};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use sha2::{Digest, Sha256};

use crate::trim::{
    EXPAND_KEY_SUFFIX, PROPERTY_KEY_SUFFIX, SCHEMA_KEY_EXTENSION, WRITE_KEY_SUFFIX, short_name,
    split_key,
};

/// A hand-written type used instead of a generated one.
pub(crate) struct Substitute {
    /// The upstream schema it replaces (in every version it is generated for).
    pub(crate) key: &'static str,
    /// The hand-written type, as generated code names it.
    pub(crate) rust: &'static str,
    /// Traits it implements that generated code may rely on.
    pub(crate) impls: &'static [TypeImpl],
    /// What the hand-written type knows of the schema: its property names, or for an enum its
    /// values. Generation fails when the spec gains one, so the substitute is extended rather
    /// than silently outdated.
    pub(crate) covers: &'static [&'static str],
    /// Why the generated type would be wrong.
    pub(crate) why: &'static str,
}

pub(crate) const SUBSTITUTES: &[Substitute] = &[
    Substitute {
        key: "microsoft.graph.templateApplicationLevel",
        rust: "crate::flags::TemplateApplicationLevel",
        impls: &[TypeImpl::Default, TypeImpl::Display, TypeImpl::FromStr],
        covers: &[
            "none",
            "newPartners",
            "existingPartners",
            "unknownFutureValue",
        ],
        why: "a Graph flags enum (x-ms-enum-flags): a comma-separated set on the wire, \
              which a plain enum cannot read",
    },
    Substitute {
        key: "microsoft.graph.crossTenantUserSyncInbound",
        rust: "crate::sync::CrossTenantUserSyncInbound",
        impls: &[TypeImpl::Default],
        covers: &["isSyncAllowed"],
        why: "isSyncAllowed is tri-state (true, false, null = not configured) and absent is not \
              null; typify folds null and absent into one None",
    },
];

/// The upstream key of Graph's error body, whose generated forms the facade maps.
pub(crate) const ODATA_ERROR_KEY: &str = "microsoft.graph.ODataErrors.ODataError";

/// What generation needs to know of one schema of the spec.
#[derive(Debug)]
pub(crate) struct SchemaEntry {
    /// The upstream key (`microsoft.graph.x`, `microsoft.graph.x#property`).
    pub(crate) key: String,
    pub(crate) shape: Shape,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Shape {
    /// An object: its property names.
    Object(BTreeSet<String>),
    /// A request body (a derived write schema): what may be sent of an object.
    Write(openapiv3::ObjectType),
    /// A Graph enum: its members.
    Enum(Vec<String>),
    /// A Graph flags enum (`x-ms-enum-flags`): its members.
    Flags(Vec<String>),
    /// A derived `$select` enum of a resource's property names: sent, never received.
    Select,
    Other,
}

/// Every schema of the spec by generated name.
pub(crate) type Schemas = BTreeMap<String, SchemaEntry>;

pub(crate) fn index(spec: &OpenAPI) -> Result<Schemas> {
    let components = spec
        .components
        .as_ref()
        .map(|c| &c.schemas)
        .context("the spec has no schemas")?;
    let mut out = Schemas::new();
    for (name, schema) in components {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let key = schema
            .schema_data
            .extensions
            .get(SCHEMA_KEY_EXTENSION)
            .and_then(serde_json::Value::as_str)
            .unwrap_or(name)
            .to_string();
        let is_flags = schema
            .schema_data
            .extensions
            .get("x-ms-enum-flags")
            .and_then(|v| v.get("isFlags"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let shape = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if key.ends_with(WRITE_KEY_SUFFIX) => {
                Shape::Write(o.clone())
            }
            SchemaKind::Type(Type::Object(o)) => {
                Shape::Object(o.properties.keys().cloned().collect())
            }
            SchemaKind::Type(Type::String(t)) if !t.enumeration.is_empty() => {
                let members = t.enumeration.iter().flatten().cloned().collect();
                if key.ends_with(PROPERTY_KEY_SUFFIX) || key.ends_with(EXPAND_KEY_SUFFIX) {
                    Shape::Select
                } else if is_flags {
                    Shape::Flags(members)
                } else {
                    Shape::Enum(members)
                }
            }
            _ => Shape::Other,
        };
        out.insert(name.clone(), SchemaEntry { key, shape });
    }
    Ok(out)
}

/// The Rust path of a generated schema name, from inside the generated crate (`crate`) or
/// from outside it (`crosstenant_api`).
pub(crate) fn rust_path(schemas: &Schemas, name: &str, krate: &str) -> String {
    let Some(entry) = schemas.get(name) else {
        return format!("{krate}::types::{name}");
    };
    // A substitute serves reads and writes alike (they are tri-state and open already).
    if let Some(s) = substitute_of(&entry.key) {
        return s.rust.replacen("crate", krate, 1);
    }
    match entry.shape {
        Shape::Enum(_) => format!("{krate}::enums::{name}"),
        Shape::Write(_) => format!("{krate}::writes::{name}"),
        _ => format!("{krate}::types::{name}"),
    }
}

/// The substitute of a schema key, or of the schema a write schema is derived from.
fn substitute_of(key: &str) -> Option<&'static Substitute> {
    let base = match split_key(key) {
        (base, Some(WRITE_KEY_SUFFIX)) => base,
        _ => key,
    };
    SUBSTITUTES.iter().find(|s| s.key == base)
}

/// Generates the client crate's `generated.rs` from the spec text.
pub(crate) fn generate(spec_text: &str) -> Result<String> {
    let spec: OpenAPI =
        serde_norway::from_str(spec_text).context("spec/crosstenant.yaml is not valid OpenAPI")?;
    let schemas = index(&spec)?;
    check_substitutes(&schemas)?;

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(tokens("::std::sync::Arc<crate::hooks::RequestContext>")?);
    for (name, entry) in &schemas {
        if let Some(s) = substitute_of(&entry.key) {
            settings.with_replacement(name, s.rust, s.impls.iter().cloned());
        } else if matches!(entry.shape, Shape::Enum(_)) {
            settings.with_replacement(
                name,
                rust_path(&schemas, name, "crate"),
                [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
            );
        } else if matches!(entry.shape, Shape::Write(_)) {
            settings.with_replacement(
                name,
                rust_path(&schemas, name, "crate"),
                [TypeImpl::Default].into_iter(),
            );
        }
    }
    for (schema, item_type) in comma_separated_params(&spec)? {
        settings.with_conversion(
            schema,
            format!("crate::CommaSeparated<crate::types::{item_type}>"),
            std::iter::empty(),
        );
    }

    let tokens = Generator::new(&settings)
        .generate_tokens(&spec)
        .context("progenitor could not generate a client from spec/crosstenant.yaml")?;
    let mut file: syn::File = syn::parse2(tokens).context("progenitor produced invalid Rust")?;
    let extras: syn::File = syn::parse_str(&extras(&schemas)?)
        .context("the open enums and summaries are invalid Rust")?;
    file.items.extend(extras.items);
    let mut header = generated_header(
        &[("spec/crosstenant.yaml", spec_text)],
        "xtask/src/generate.rs",
    );
    header.push_str("//\n// Hand-written substitutes (xtask/src/generate.rs, SUBSTITUTES):\n");
    for s in SUBSTITUTES {
        let short = short_name(s.key);
        header.push_str(&format!("// - {short} is {}: {}\n", s.rust, s.why));
    }
    Ok(format!("{header}\n{}", prettyplease::unparse(&file)))
}

/// The `@generated` header both generated files start with: the inputs, `(path, text)`, by
/// path and by the hash of their texts (joined by newlines), and the generator.
pub(crate) fn generated_header(inputs: &[(&str, &str)], generator: &str) -> String {
    let texts: Vec<&str> = inputs.iter().map(|(_, text)| *text).collect();
    let hash = Sha256::digest(texts.join("\n").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let paths: Vec<&str> = inputs.iter().map(|(path, _)| *path).collect();
    let of_all = match inputs.len() {
        1 => "",
        2 => " of both",
        _ => " of all",
    };
    format!(
        "// @generated by `cargo xtask generate` from {}\n\
         // (sha256{of_all} {hex}). Do not edit: change the spec, spec/operations.toml or {generator} and regenerate.\n",
        paths.join(" and ")
    )
}

fn tokens(s: &str) -> Result<proc_macro2::TokenStream> {
    s.parse()
        .map_err(|e| anyhow::anyhow!("invalid Rust tokens {s:?}: {e}"))
}

/// Every substitute's schema is in the spec, in each version no more than what the
/// hand-written type covers, and in all versions together no less; every flags enum has a
/// substitute.
fn check_substitutes(schemas: &Schemas) -> Result<()> {
    for s in SUBSTITUTES {
        let variants: Vec<(&String, &SchemaEntry)> =
            schemas.iter().filter(|(_, e)| e.key == s.key).collect();
        if variants.is_empty() {
            bail!(
                "the spec has no schema {} any more: update SUBSTITUTES in xtask/src/generate.rs",
                s.key
            );
        }
        let covered: BTreeSet<String> = s.covers.iter().map(|c| c.to_string()).collect();
        let mut seen = BTreeSet::new();
        for (name, entry) in &variants {
            let names: BTreeSet<String> = match &entry.shape {
                Shape::Object(properties) => properties.clone(),
                Shape::Enum(members) | Shape::Flags(members) => members.iter().cloned().collect(),
                Shape::Write(object) => object.properties.keys().cloned().collect(),
                _ => bail!("schema {} is neither an object nor a string enum", s.key),
            };
            let new: Vec<_> = names.difference(&covered).collect();
            if !new.is_empty() {
                bail!(
                    "schema {} changed{} (new: {new:?}); its hand-written type {} must learn \
                     them (then update `covers` in xtask/src/generate.rs)",
                    s.key,
                    version_of_name(name),
                    s.rust
                );
            }
            seen.extend(names);
        }
        let gone: Vec<_> = covered.difference(&seen).collect();
        if !gone.is_empty() {
            bail!(
                "schema {} changed (gone: {gone:?}); its hand-written type {} must drop them \
                 (then update `covers` in xtask/src/generate.rs)",
                s.key,
                s.rust
            );
        }
    }
    for (name, entry) in schemas {
        if matches!(entry.shape, Shape::Flags(_)) && !SUBSTITUTES.iter().any(|s| s.key == entry.key)
        {
            bail!(
                "schema {name} is a flags enum (x-ms-enum-flags); a generated enum cannot read \
                 its comma-separated values: give it a hand-written set type in SUBSTITUTES"
            );
        }
    }
    Ok(())
}

/// ` in beta` for `BetaX`, ` in v1.0` for `V1X`, nothing for a schema both versions share.
fn version_of_name(name: &str) -> &'static str {
    if name.starts_with("Beta") {
        " in beta"
    } else if name.starts_with("V1") {
        " in v1.0"
    } else {
        ""
    }
}

/// The code generated beside progenitor's: the open enums, and a `Display` for each model.
fn extras(schemas: &Schemas) -> Result<String> {
    let mut enums = String::new();
    let mut writes = String::new();
    let mut summaries = String::new();
    for (name, entry) in schemas {
        if substitute_of(&entry.key).is_some() {
            continue;
        }
        match &entry.shape {
            Shape::Enum(members) => enums.push_str(&open_enum(name, &entry.key, members)?),
            Shape::Write(object) => writes.push_str(
                &write_struct(name, &entry.key, object, schemas)
                    .with_context(|| format!("the write model {name}"))?,
            ),
            Shape::Object(_) | Shape::Other => {
                let key = &entry.key;
                write!(
                    summaries,
                    "impl ::std::fmt::Display for types::{name} {{
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{
                            crate::display::summary(f, {key:?}, self)
                        }}
                    }}\n"
                )?;
            }
            Shape::Flags(_) | Shape::Select => {}
        }
    }
    Ok(format!(
        "/// Graph's enums, open: known members are variants, and a member newer than this SDK
        /// is kept by name in `Other` and written back exactly as it came.
        pub mod enums {{ {enums} }}
        /// What requests send: each property absent (left as it is, the default), `null`
        /// (cleared) or a value (set); read-only properties are not here.
        pub mod writes {{ {writes} }}
        {summaries}"
    ))
}

/// A request body model: every property a `Nullable`, skipped when absent.
fn write_struct(
    name: &str,
    key: &str,
    object: &openapiv3::ObjectType,
    schemas: &Schemas,
) -> Result<String> {
    use heck::ToSnakeCase;
    let mut fields = String::new();
    for (property, schema) in &object.properties {
        let field = property
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
            .to_snake_case();
        let field = if syn::parse_str::<syn::Ident>(&field).is_ok() {
            field
        } else {
            format!("{field}_")
        };
        let rust = write_type(schema, schemas).with_context(|| format!("property {property}"))?;
        write!(
            fields,
            "/// `{property}`: absent leaves it as it is, `Null` clears it.
            #[serde(rename = {property:?}, default, skip_serializing_if = \"crate::Nullable::is_absent\")]
            pub {field}: crate::Nullable<{rust}>,
            "
        )?;
    }
    let base = short_name(split_key(key).0);
    Ok(format!(
        "/// What a request may send of `{base}`.
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct {name} {{
            {fields}
            /// Properties this SDK does not know yet, sent as they are.
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }}
        "
    ))
}

/// The Rust type a write model gives a property's value.
fn write_type(schema: &ReferenceOr<Box<openapiv3::Schema>>, schemas: &Schemas) -> Result<String> {
    use openapiv3::{IntegerFormat, StringFormat, VariantOrUnknownOrEmpty};
    let schema = match schema {
        ReferenceOr::Reference { reference } => return reference_type(reference, schemas),
        ReferenceOr::Item(schema) => schema,
    };
    Ok(match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => reference_type(reference, schemas)?,
            ReferenceOr::Item(_) => "::serde_json::Value".into(),
        },
        SchemaKind::Type(Type::String(t)) => match &t.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                "::chrono::DateTime<::chrono::offset::Utc>".into()
            }
            _ => "::std::string::String".into(),
        },
        SchemaKind::Type(Type::Boolean(_)) => "bool".into(),
        SchemaKind::Type(Type::Integer(t)) => match &t.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => "i32".into(),
            _ => "i64".into(),
        },
        SchemaKind::Type(Type::Number(_)) => "f64".into(),
        SchemaKind::Type(Type::Array(array)) => {
            let item = match &array.items {
                Some(item) => write_type(item, schemas)?,
                None => "::serde_json::Value".into(),
            };
            format!("::std::vec::Vec<{item}>")
        }
        _ => "::serde_json::Value".into(),
    })
}

fn reference_type(reference: &str, schemas: &Schemas) -> Result<String> {
    let name = reference
        .strip_prefix(crate::trim::SCHEMA_REF)
        .with_context(|| format!("unsupported reference {reference}"))?;
    Ok(rust_path(schemas, name, "crate"))
}

/// One open enum: a variant per member, `Other(name)` for members newer than the spec.
fn open_enum(name: &str, key: &str, members: &[String]) -> Result<String> {
    let mut variants = String::new();
    let mut as_str = String::new();
    let mut parse = String::new();
    let mut seen = BTreeSet::new();
    for member in members {
        let variant = variant_name(member);
        if variant == "Other" || !seen.insert(variant.clone()) {
            bail!("enum {key}: member {member:?} would generate the variant {variant} twice");
        }
        writeln!(variants, "/// `{member}`\n{variant},")?;
        writeln!(as_str, "Self::{variant} => {member:?},")?;
        writeln!(parse, "{member:?} => Self::{variant},")?;
    }
    let short = short_name(key);
    Ok(format!(
        "/// Graph's `{short}`: a member per variant; [`Self::Other`] keeps a member this SDK
        /// does not know yet.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum {name} {{
            {variants}
            /// A member newer than this SDK, as Graph wrote it.
            Other(::std::string::String),
        }}
        impl {name} {{
            /// The member's name on the wire.
            pub fn as_str(&self) -> &str {{
                match self {{ {as_str} Self::Other(name) => name }}
            }}
        }}
        impl ::std::fmt::Display for {name} {{
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{
                f.write_str(self.as_str())
            }}
        }}
        impl ::std::str::FromStr for {name} {{
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {{
                Ok(match value {{ {parse} other => Self::Other(other.to_string()) }})
            }}
        }}
        impl ::serde::Serialize for {name} {{
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {{
                serializer.serialize_str(self.as_str())
            }}
        }}
        impl<'de> ::serde::Deserialize<'de> for {name} {{
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {{
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                let Ok(parsed) = value.parse();
                Ok(parsed)
            }}
        }}
"
    ))
}

/// `unknownFutureValue` → `UnknownFutureValue`, `office-365` → `Office365`: heck's
/// PascalCase, as typify names variants, made a valid identifier.
pub(crate) fn variant_name(member: &str) -> String {
    use heck::ToPascalCase;
    let out = member.to_pascal_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{out}")
    } else {
        out
    }
}

/// The schema of every `style: form, explode: false` array query parameter, with its item
/// type's name. The schema is given to typify as JSON Schema, the form progenitor converts
/// parameter schemas to before typify looks them up.
fn comma_separated_params(spec: &OpenAPI) -> Result<Vec<(schemars::schema::SchemaObject, String)>> {
    let mut found: Vec<(schemars::schema::SchemaObject, String)> = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            for param in &op.parameters {
                let ReferenceOr::Item(Parameter::Query {
                    parameter_data,
                    style,
                    ..
                }) = param
                else {
                    continue;
                };
                let explode = parameter_data
                    .explode
                    .unwrap_or(matches!(style, QueryStyle::Form));
                let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                    &parameter_data.format
                else {
                    continue;
                };
                let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind else {
                    continue;
                };
                if explode || !matches!(style, QueryStyle::Form) {
                    continue;
                }
                let Some(ReferenceOr::Reference { reference }) = &array.items else {
                    bail!(
                        "{path}: {} is a comma-separated list of inline items; give the items a \
                         named schema so the list can be typed",
                        parameter_data.name
                    );
                };
                let item_type = reference
                    .rsplit('/')
                    .next()
                    .context("empty $ref")?
                    .to_string();
                let json = serde_json::to_value(schema)?;
                let object: schemars::schema::SchemaObject = serde_json::from_value(json)?;
                if !found.iter().any(|(o, _)| o == &object) {
                    found.push((object, item_type));
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use openapiv3::Schema;

    use super::*;

    fn checked_in_spec() -> Result<String> {
        Ok(std::fs::read_to_string(
            crate::workspace_root().join(crate::SPEC),
        )?)
    }

    #[test]
    fn generation_is_deterministic() -> Result<()> {
        let spec = checked_in_spec()?;
        assert_eq!(generate(&spec)?, generate(&spec)?);
        Ok(())
    }

    #[test]
    fn progenitor_still_adds_an_api_version_header_for_the_hooks_to_remove() -> Result<()> {
        // progenitor sends `api-version: <info.version>` on every request and has no setting
        // to stop it; crosstenant-api/src/hooks.rs removes it (tests/seeds.rs checks that none
        // reaches the wire). Should progenitor stop adding it, this fails and the removal can go.
        let code = generate(&checked_in_spec()?)?;
        assert!(code.contains("HeaderName::from_static(\"api-version\")"));
        Ok(())
    }

    #[test]
    fn select_is_typed_comma_separated() -> Result<()> {
        // prettyplease breaks long types over lines; compare without whitespace.
        let code: String = generate(&checked_in_spec()?)?.split_whitespace().collect();
        assert!(code.contains(
            "crate::CommaSeparated<crate::types::V1CrossTenantIdentitySyncPolicyPartnerProperty>"
        ));
        assert!(!code.contains("Vec<types::V1CrossTenantIdentitySyncPolicyPartnerProperty>"));
        Ok(())
    }

    fn checked_in_schemas(
        spec: &mut OpenAPI,
    ) -> Result<&mut IndexMap<String, ReferenceOr<Schema>>> {
        Ok(&mut spec.components.as_mut().context("components")?.schemas)
    }

    #[test]
    fn a_flags_enum_without_a_substitute_is_refused() -> Result<()> {
        // Another flags enum beside the one that has a substitute: only the flags guard can
        // refuse it (every substitute's own schema is still there and unchanged).
        let mut spec: OpenAPI = serde_norway::from_str(&checked_in_spec()?)?;
        let schemas = checked_in_schemas(&mut spec)?;
        let mut flags = schemas
            .get("TemplateApplicationLevel")
            .context("no TemplateApplicationLevel")?
            .clone();
        if let ReferenceOr::Item(flags) = &mut flags {
            flags.schema_data.extensions.insert(
                SCHEMA_KEY_EXTENSION.into(),
                "microsoft.graph.partnerApplicationLevel".into(),
            );
        }
        schemas.insert("PartnerApplicationLevel".into(), flags);
        let err = check_substitutes(&index(&spec)?)
            .err()
            .map(|e| format!("{e:#}"));
        let err = err.context("a second flags enum must be refused")?;
        assert!(
            err.starts_with("schema PartnerApplicationLevel is a flags enum"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn a_flags_enum_that_gained_a_value_is_refused() -> Result<()> {
        let mut spec: OpenAPI = serde_norway::from_str(&checked_in_spec()?)?;
        let schemas = checked_in_schemas(&mut spec)?;
        let Some(ReferenceOr::Item(schema)) = schemas.get_mut("TemplateApplicationLevel") else {
            bail!("no TemplateApplicationLevel");
        };
        let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind else {
            bail!("not a string enum")
        };
        string.enumeration.insert(3, Some("guestPartners".into()));
        let err = check_substitutes(&index(&spec)?)
            .err()
            .map(|e| format!("{e:#}"));
        let err = err.context("a new flag value must be refused")?;
        assert!(
            err.contains(r#"new: ["guestPartners"]"#)
                && err.contains("crate::flags::TemplateApplicationLevel"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn a_substitute_whose_schema_grew_is_refused() -> Result<()> {
        let mut spec: OpenAPI = serde_norway::from_str(&checked_in_spec()?)?;
        let schemas = checked_in_schemas(&mut spec)?;
        let Some(ReferenceOr::Item(schema)) = schemas.get_mut("CrossTenantUserSyncInbound") else {
            bail!("no CrossTenantUserSyncInbound");
        };
        let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
            bail!("not an object")
        };
        let extra = object.properties["isSyncAllowed"].clone();
        object.properties.insert("isSyncScheduled".into(), extra);
        let err = check_substitutes(&index(&spec)?)
            .err()
            .map(|e| format!("{e:#}"));
        let err = err.context("a new property must be refused")?;
        assert!(
            err.contains(r#"new: ["isSyncScheduled"]"#)
                && err.contains("crate::sync::CrossTenantUserSyncInbound"),
            "{err}"
        );
        Ok(())
    }
}

//! A property that can be absent, `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A property that can be absent, `null`, or a value: three states that Graph tells apart.
///
/// On `isSyncAllowed`, `null` means "not configured" (the template's reset state), which is
/// neither `true` nor `false`; and when a policy is written back, an absent property is left
/// alone while `null` resets it. `Option<T>` cannot hold the difference.
///
/// A field of this type is declared `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`,
/// so absence round-trips as absence. Both halves matter: without `default` serde reads an
/// absent property as `Null`, and without `skip_serializing_if` an absent one is written as
/// `null`.
///
/// ```
/// use crosstenant_api::Nullable;
///
/// let configured: Nullable<bool> = serde_json::from_str("true")?;
/// let unset: Nullable<bool> = serde_json::from_str("null")?;
/// assert_eq!(configured, Nullable::Value(true));
/// assert_eq!(unset, Nullable::Null);
/// assert_eq!(unset.value(), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The property was not in the JSON object.
    #[default]
    Absent,
    /// The property was `null`.
    Null,
    /// The property had a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property was absent; used to skip it when serializing.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// The value, if there was one.
    pub fn value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value by reference, if there was one.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent fields are skipped by their `skip_serializing_if`; standing alone (in a list,
            // say) absence has no JSON form but null.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only present properties reach here; absent ones take the `#[serde(default)]`.
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Nullable::Null,
            Some(v) => Nullable::Value(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_value_has_a_value() {
        assert_eq!(Nullable::Value(3).value(), Some(3));
        assert_eq!(Nullable::<u8>::Null.value(), None);
        assert_eq!(Nullable::<u8>::Absent.value(), None);
        assert_eq!(Nullable::from(true), Nullable::Value(true));
        assert_eq!(Nullable::Value(3).as_ref(), Nullable::Value(&3));
        assert!(Nullable::<u8>::Absent.is_absent() && !Nullable::<u8>::Null.is_absent());
    }
}

//! A list sent as one comma-separated query value.

use std::fmt;

use serde::{Serialize, Serializer};

/// A list sent as one comma-joined query value, as Graph reads `$select`
/// (`$select=tenantId,displayName`), where progenitor would repeat the parameter.
///
/// Duplicates are dropped, keeping the first; an empty list sends no parameter at all.
///
/// ```
/// use crosstenant_api::CommaSeparated;
/// use crosstenant_api::types::V1CrossTenantIdentitySyncPolicyPartnerProperty as Field;
///
/// let select = CommaSeparated::from([Field::TenantId, Field::DisplayName, Field::TenantId]);
/// assert_eq!(select.to_string(), "tenantId,displayName");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommaSeparated<T>(Vec<T>);

impl<T> CommaSeparated<T> {
    /// The items, in the order given.
    pub fn items(&self) -> &[T] {
        &self.0
    }

    /// Whether the list is empty (and so sends no parameter).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: PartialEq> FromIterator<T> for CommaSeparated<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut items = Vec::new();
        for item in iter {
            if !items.contains(&item) {
                items.push(item);
            }
        }
        Self(items)
    }
}

impl<T: PartialEq> From<Vec<T>> for CommaSeparated<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T: PartialEq, const N: usize> From<[T; N]> for CommaSeparated<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: fmt::Display> fmt::Display for CommaSeparated<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

impl<T: fmt::Display> Serialize for CommaSeparated<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            serializer.serialize_none()
        } else {
            serializer.collect_str(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_once_and_keeps_order() {
        let list = CommaSeparated::from(vec!["b", "a", "b", "c"]);
        assert_eq!(list.to_string(), "b,a,c");
        assert_eq!(list.items(), ["b", "a", "c"]);
        assert!(!list.is_empty());
        assert!(CommaSeparated::<&str>::from([]).is_empty());
    }

    #[test]
    fn serializes_as_one_query_value() -> Result<(), serde_urlencoded_check::Error> {
        // What reqwest's `.query()` does with the generated parameter.
        let query =
            serde_urlencoded_check::to_string([("$select", CommaSeparated::from(["a", "b"]))])?;
        assert_eq!(query, "%24select=a%2Cb");
        Ok(())
    }

    /// serde_urlencoded is what reqwest serializes queries with; reach it through reqwest.
    mod serde_urlencoded_check {
        pub(super) type Error = reqwest::Error;
        pub(super) fn to_string<T: serde::Serialize>(query: T) -> Result<String, Error> {
            let request = reqwest::Client::new()
                .get("http://127.0.0.1/")
                .query(&query)
                .build()?;
            Ok(request.url().query().unwrap_or_default().to_string())
        }
    }
}

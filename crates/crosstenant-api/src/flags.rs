//! `templateApplicationLevel`: a Graph flags enum, written on the wire as one comma-separated
//! string (`"newPartners,existingPartners"`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One member of a [`TemplateApplicationLevel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ApplicationLevel {
    /// The template applies to partners added to the multitenant organization from now on.
    NewPartners,
    /// The template applies to partners already in the multitenant organization.
    ExistingPartners,
    /// Graph's marker for members newer than the client; real newer members are kept by name.
    UnknownFutureValue,
}

impl ApplicationLevel {
    /// Every member, in Graph's order (ascending flag value: 1, 2, 4).
    pub const ALL: [ApplicationLevel; 3] = [
        ApplicationLevel::NewPartners,
        ApplicationLevel::ExistingPartners,
        ApplicationLevel::UnknownFutureValue,
    ];

    /// The member's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationLevel::NewPartners => "newPartners",
            ApplicationLevel::ExistingPartners => "existingPartners",
            ApplicationLevel::UnknownFutureValue => "unknownFutureValue",
        }
    }

    fn bit(self) -> u8 {
        match self {
            ApplicationLevel::NewPartners => 1,
            ApplicationLevel::ExistingPartners => 2,
            ApplicationLevel::UnknownFutureValue => 4,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

impl fmt::Display for ApplicationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which partners a multitenant organization's template applies to: a set of
/// [`ApplicationLevel`]s (Graph's flags enum `templateApplicationLevel`).
///
/// On the wire it is one string: the members' names joined by commas in Graph's order, or
/// `"none"` for the empty set. Members this SDK does not know yet are kept by name and written
/// back unchanged.
///
/// ```
/// use crosstenant_api::flags::{ApplicationLevel, TemplateApplicationLevel};
///
/// let level: TemplateApplicationLevel = "newPartners,existingPartners".parse()?;
/// assert!(level.contains(ApplicationLevel::NewPartners));
/// assert!(level.contains(ApplicationLevel::ExistingPartners));
/// assert_eq!(level.to_string(), "newPartners,existingPartners");
///
/// let future: TemplateApplicationLevel = "newPartners,guestPartners".parse()?;
/// assert_eq!(future.unknown().collect::<Vec<_>>(), ["guestPartners"]);
/// assert_eq!(future.to_string(), "newPartners,guestPartners");
/// # Ok::<(), crosstenant_api::flags::ParseLevelError>(())
/// ```
#[derive(Clone, Default)]
pub struct TemplateApplicationLevel {
    known: u8,
    unknown: Vec<String>,
}

impl TemplateApplicationLevel {
    /// The empty set (`"none"` on the wire).
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether `level` is in the set.
    pub fn contains(&self, level: ApplicationLevel) -> bool {
        self.known & level.bit() != 0
    }

    /// Adds `level` to the set.
    pub fn insert(&mut self, level: ApplicationLevel) {
        self.known |= level.bit();
    }

    /// Removes `level` from the set.
    pub fn remove(&mut self, level: ApplicationLevel) {
        self.known &= !level.bit();
    }

    /// The known members, in Graph's order.
    pub fn iter(&self) -> impl Iterator<Item = ApplicationLevel> + '_ {
        ApplicationLevel::ALL
            .into_iter()
            .filter(|l| self.contains(*l))
    }

    /// Members this SDK does not know, by name, in the order received.
    pub fn unknown(&self) -> impl Iterator<Item = &str> + '_ {
        self.unknown.iter().map(String::as_str)
    }

    /// Whether the set is empty (`"none"`).
    pub fn is_none(&self) -> bool {
        self.known == 0 && self.unknown.is_empty()
    }
}

/// Set equality: the order unknown members arrived in does not matter.
impl PartialEq for TemplateApplicationLevel {
    fn eq(&self, other: &Self) -> bool {
        self.known == other.known
            && self.unknown.len() == other.unknown.len()
            && self.unknown.iter().all(|u| other.unknown.contains(u))
    }
}

impl Eq for TemplateApplicationLevel {}

impl std::hash::Hash for TemplateApplicationLevel {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.known.hash(state);
        let mut unknown: Vec<&String> = self.unknown.iter().collect();
        unknown.sort();
        unknown.hash(state);
    }
}

/// Shows the set: `{NewPartners, ExistingPartners, "guestPartners"}` (unknown members quoted).
impl fmt::Debug for TemplateApplicationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter())
            .entries(self.unknown())
            .finish()
    }
}

impl From<ApplicationLevel> for TemplateApplicationLevel {
    fn from(level: ApplicationLevel) -> Self {
        Self {
            known: level.bit(),
            unknown: Vec::new(),
        }
    }
}

impl FromIterator<ApplicationLevel> for TemplateApplicationLevel {
    fn from_iter<I: IntoIterator<Item = ApplicationLevel>>(iter: I) -> Self {
        let mut set = Self::none();
        iter.into_iter().for_each(|l| set.insert(l));
        set
    }
}

/// A `templateApplicationLevel` string that is not a comma-separated list of member names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLevelError {
    input: String,
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid templateApplicationLevel {:?}: expected member names separated by commas, \
             such as \"newPartners,existingPartners\", or \"none\"",
            self.input
        )
    }
}

impl std::error::Error for ParseLevelError {}

impl FromStr for TemplateApplicationLevel {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut set = Self::none();
        if s.trim().is_empty() {
            return Ok(set);
        }
        for name in s.split(',').map(str::trim) {
            let is_name =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !is_name {
                return Err(ParseLevelError {
                    input: s.to_string(),
                });
            }
            match ApplicationLevel::from_name(name) {
                Some(level) => set.insert(level),
                None if name == "none" => {}
                None if set.unknown.iter().any(|u| u == name) => {}
                None => set.unknown.push(name.to_string()),
            }
        }
        Ok(set)
    }
}

impl fmt::Display for TemplateApplicationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            return f.write_str("none");
        }
        let names = self.iter().map(|l| l.as_str()).chain(self.unknown());
        for (i, name) in names.enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl Serialize for TemplateApplicationLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TemplateApplicationLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_and_writes_the_seed_value_exactly() -> Result<(), serde_json::Error> {
        let level: TemplateApplicationLevel =
            serde_json::from_str(r#""newPartners,existingPartners""#)?;
        assert_eq!(
            level.iter().collect::<Vec<_>>(),
            [
                ApplicationLevel::NewPartners,
                ApplicationLevel::ExistingPartners
            ]
        );
        assert_eq!(
            serde_json::to_string(&level)?,
            r#""newPartners,existingPartners""#
        );
        Ok(())
    }

    #[test]
    fn none_is_the_empty_set() -> Result<(), ParseLevelError> {
        let none: TemplateApplicationLevel = "none".parse()?;
        assert!(none.is_none());
        assert_eq!(none.to_string(), "none");
        assert_eq!("".parse::<TemplateApplicationLevel>()?, none);
        Ok(())
    }

    #[test]
    fn equality_is_set_equality() -> Result<(), ParseLevelError> {
        let a: TemplateApplicationLevel = "newPartners,guestPartners,hostPartners".parse()?;
        let b: TemplateApplicationLevel = "hostPartners,newPartners,guestPartners".parse()?;
        assert_eq!(a, b);
        let state = std::hash::RandomState::new();
        assert_eq!(
            std::hash::BuildHasher::hash_one(&state, &a),
            std::hash::BuildHasher::hash_one(&state, &b)
        );
        assert_ne!(a, "newPartners,guestPartners".parse()?);
        Ok(())
    }

    #[test]
    fn sets_with_other_members_are_unequal_and_hash_apart() -> Result<(), ParseLevelError> {
        let state = std::hash::RandomState::new();
        let hash = |s: &TemplateApplicationLevel| std::hash::BuildHasher::hash_one(&state, s);
        for (a, b) in [
            ("newPartners", "existingPartners"),
            (
                "newPartners,guestPartners",
                "existingPartners,guestPartners",
            ),
            ("newPartners,guestPartners", "newPartners,hostPartners"),
        ] {
            let (a, b): (TemplateApplicationLevel, TemplateApplicationLevel) =
                (a.parse()?, b.parse()?);
            assert_ne!(a, b);
            assert_ne!(hash(&a), hash(&b), "{a:?} and {b:?}");
        }
        Ok(())
    }

    #[test]
    fn insert_and_remove_change_only_their_member() {
        let mut set: TemplateApplicationLevel = ApplicationLevel::NewPartners.into();
        assert!(set.contains(ApplicationLevel::NewPartners));
        assert!(!set.contains(ApplicationLevel::ExistingPartners));
        set.insert(ApplicationLevel::ExistingPartners);
        set.remove(ApplicationLevel::NewPartners);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [ApplicationLevel::ExistingPartners]
        );
        set.remove(ApplicationLevel::NewPartners);
        assert_eq!(
            set.to_string(),
            "existingPartners",
            "removing an absent member"
        );
        set.remove(ApplicationLevel::ExistingPartners);
        assert!(set.is_none());
    }

    #[test]
    fn an_unknown_member_named_twice_is_kept_once() -> Result<(), ParseLevelError> {
        let set: TemplateApplicationLevel = "guestPartners,newPartners,guestPartners".parse()?;
        assert_eq!(set.unknown().collect::<Vec<_>>(), ["guestPartners"]);
        assert_eq!(set.to_string(), "newPartners,guestPartners");
        Ok(())
    }

    #[test]
    fn members_and_errors_print_their_wire_names() {
        let names: Vec<String> = ApplicationLevel::ALL
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(
            names,
            ["newPartners", "existingPartners", "unknownFutureValue"]
        );
        let err = "new Partners".parse::<TemplateApplicationLevel>().err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some(
                "invalid templateApplicationLevel \"new Partners\": expected member names separated \
                 by commas, such as \"newPartners,existingPartners\", or \"none\""
            )
        );
    }

    #[test]
    fn malformed_strings_are_errors() {
        for bad in [
            "newPartners,",
            ",",
            "new Partners",
            "newPartners;existingPartners",
        ] {
            assert!(
                bad.parse::<TemplateApplicationLevel>().is_err(),
                "{bad:?} parsed"
            );
        }
        assert!(serde_json::from_str::<TemplateApplicationLevel>("3").is_err());
    }

    fn member_name() -> impl Strategy<Value = String> {
        "[a-z][a-zA-Z0-9]{0,15}".prop_filter("a known name", |n| {
            n != "none" && ApplicationLevel::from_name(n).is_none()
        })
    }

    fn level_set() -> impl Strategy<Value = TemplateApplicationLevel> {
        (0u8..8, proptest::collection::vec(member_name(), 0..4)).prop_map(|(known, names)| {
            let mut set = TemplateApplicationLevel {
                known,
                unknown: Vec::new(),
            };
            for n in names {
                if !set.unknown.contains(&n) {
                    set.unknown.push(n);
                }
            }
            set
        })
    }

    proptest! {
        #[test]
        fn any_set_round_trips_through_its_wire_form(set in level_set()) {
            let wire = serde_json::to_string(&set).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: TemplateApplicationLevel = serde_json::from_str(&wire).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, set);
        }

        #[test]
        fn canonical_strings_are_written_back_unchanged(set in level_set()) {
            let wire = set.to_string();
            let reparsed: TemplateApplicationLevel = wire.parse().map_err(|e: ParseLevelError| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(reparsed.to_string(), wire);
        }

        #[test]
        fn parsing_never_panics(s in ".*") {
            let _ = s.parse::<TemplateApplicationLevel>();
        }

        #[test]
        fn member_order_on_input_does_not_matter(mut levels in proptest::sample::subsequence(ApplicationLevel::ALL.to_vec(), 0..=3)) {
            let forward: TemplateApplicationLevel = levels.iter().copied().collect();
            levels.reverse();
            let joined = levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(",");
            let parsed: TemplateApplicationLevel = joined.parse().map_err(|e: ParseLevelError| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parsed, forward);
        }
    }
}

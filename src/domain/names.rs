//! Stable snake_case names for enums that are stored in a database or typed on the command line.
//!
//! The [`stable_names!`] macro gives an enum `ALL`, `as_str()`, `Display`, `FromStr` (accepting
//! `kebab-case` too, for the command line) and serde (de)serialisation through the very same names,
//! so the stored spelling cannot drift from the serialised one.

use std::fmt;

/// A name that is not one of the enum's stable names. Its message lists the valid names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: Vec<&'static str>,
}

impl UnknownName {
    pub fn new(
        what: &'static str,
        given: &str,
        expected: impl IntoIterator<Item = &'static str>,
    ) -> Self {
        UnknownName {
            what,
            given: given.to_string(),
            expected: expected.into_iter().collect(),
        }
    }
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}` (expected one of: {})",
            self.what,
            self.given,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// Normalises a user-typed name: trims, lower-cases and accepts `-` for `_`.
pub fn normalise(given: &str) -> String {
    given.trim().to_ascii_lowercase().replace('-', "_")
}

macro_rules! stable_names {
    ($ty:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stable snake_case name stored in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::domain::names::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = $crate::domain::names::normalise(s);
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        $crate::domain::names::UnknownName::new(
                            $what,
                            s,
                            Self::ALL.iter().map(|v| v.as_str()),
                        )
                    })
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use stable_names;

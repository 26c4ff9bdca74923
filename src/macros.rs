//! The two macros the vocabulary of the crate is written with: `wire_enum!` (a closed set of
//! names with its JSON wire names, printed by `Display` and parsed by `FromStr`) and `bit_set!`
//! (a `Copy` set of such names in one word).

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $wire:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        pub enum $name {
            $($(#[$vm])* #[cfg_attr(feature = "serde", serde(rename = $wire))] $v),*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// Every wire name, in declaration order (what `FromStr` accepts).
            const WIRE_NAMES: &'static [&'static str] = &[$($wire),*];

            /// The JSON wire name.
            pub const fn wire_name(self) -> &'static str {
                match self { $($name::$v => $wire),* }
            }
        }

        /// Prints the wire name, as JSON writes it.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.wire_name())
            }
        }

        /// Parses the wire name, exactly as JSON spells it (no trimming, no case folding).
        impl std::str::FromStr for $name {
            type Err = crate::error::parse_name::ParseNameError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($wire => Ok($name::$v),)*
                    _ => Err(crate::error::parse_name::ParseNameError::new(
                        stringify!($name),
                        Self::WIRE_NAMES,
                        text,
                    )),
                }
            }
        }

        impl From<$name> for crate::engine::Value {
            fn from(v: $name) -> Self {
                crate::engine::Value::Text(std::borrow::Cow::Borrowed(v.wire_name()))
            }
        }
    };
}
pub(crate) use wire_enum;

macro_rules! bit_set {
    ($(#[$m:meta])* $name:ident of $elem:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The empty set.
            pub const EMPTY: $name = $name(0);

            /// A set of the given elements.
            pub fn of(items: &[$elem]) -> Self {
                items.iter().fold(Self::EMPTY, |s, i| s.with(*i))
            }

            /// This set with `item` added.
            #[must_use]
            pub const fn with(self, item: $elem) -> Self {
                $name(self.0 | (1 << item as u32))
            }

            /// Whether `item` is in the set.
            pub const fn contains(self, item: $elem) -> bool {
                self.0 & (1 << item as u32) != 0
            }

            /// Whether the set is empty.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Number of elements.
            pub const fn len(self) -> usize {
                self.0.count_ones() as usize
            }

            /// The elements of either set.
            #[must_use]
            pub const fn union(self, other: $name) -> Self {
                $name(self.0 | other.0)
            }

            /// The elements of both sets.
            #[must_use]
            pub const fn intersection(self, other: $name) -> Self {
                $name(self.0 & other.0)
            }

            /// The elements of this set that are not in `other`.
            #[must_use]
            pub const fn difference(self, other: $name) -> Self {
                $name(self.0 & !other.0)
            }

            /// The elements, in declaration order.
            pub fn iter(self) -> impl Iterator<Item = $elem> {
                $elem::ALL.iter().copied().filter(move |e| self.contains(*e))
            }
        }

        impl FromIterator<$elem> for $name {
            fn from_iter<I: IntoIterator<Item = $elem>>(iter: I) -> Self {
                iter.into_iter().fold(Self::EMPTY, |s, i| s.with(i))
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.iter())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a list of ", stringify!($elem), " names"))
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<$name, A::Error> {
                        let mut set = $name::EMPTY;
                        while let Some(item) = a.next_element::<$elem>()? {
                            // A set lists each name once (the schema says `uniqueItems`): a
                            // repeated name is more likely a slip for another than a harmless echo.
                            if set.contains(item) {
                                return Err(serde::de::Error::custom(format_args!(
                                    "`{item}` is listed twice"
                                )));
                            }
                            set = set.with(item);
                        }
                        Ok(set)
                    }
                }
                d.deserialize_seq(V)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("A set of `", stringify!($elem), "` names, each listed once."),
                    "type": "array",
                    "items": g.subschema_for::<$elem>(),
                    "uniqueItems": true,
                })
            }
        }
    };
}

pub(crate) use bit_set;

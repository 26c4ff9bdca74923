//! A strict reading of JSON: a [`serde::Deserializer`] adapter around serde_json's that accepts
//! exactly what the committed JSON Schemas accept, whatever the types it reads.
//!
//! serde's derived impls are lenient in ways a JSON Schema is not. This adapter, applied at every
//! level of the document, changes four things and keeps every other behaviour:
//!
//! - a struct is read only from an object: the array form (fields in declaration order) is
//!   rejected;
//! - an enum is read only from a string naming a variant: the object form
//!   `{"variant": null}` is rejected (every enum of the contract is a closed set of names);
//! - an integer may be written as any number with no fractional part (`1.0`, `-0`, `1e2`), as
//!   JSON Schema's `integer` allows;
//! - errors raised on a scalar (an unknown field or name, a value of the wrong type) quote the
//!   input only as a bounded, escaped prefix ([`crate::error::ECHO_LIMIT`]), and an unknown
//!   field is recorded structurally, so no message has to be parsed to find its name.
//!
//! Scalars are read through `deserialize_any`, so serde_json hands a string in the wrong place to
//! the visitor (which reports it through [`Bounded`]) instead of quoting it whole itself.

use std::cell::RefCell;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Expected, MapAccess, SeqAccess, Unexpected,
    Visitor,
};

use crate::error::{echo, Reason};

/// An error raised on a scalar, kept with its structure: its message crosses serde_json as
/// text, the reason is looked up here by that text.
#[derive(Debug)]
pub(crate) struct Recorded {
    /// The message handed to serde_json.
    pub message: String,
    /// The reason.
    pub reason: Reason,
    /// The key the error is about, below the path where serde reports it.
    pub child: String,
}

/// Where the last structured error is recorded.
pub(crate) type Slot = RefCell<Option<Recorded>>;

/// What the value being read is, as far as strictness goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Anything: only the bounded errors apply.
    Any,
    /// A struct: an object, never an array.
    Struct,
    /// An integer: integral floats are integers.
    Int,
}

/// The strict deserializer around `de`.
pub(crate) struct Strict<'s, D> {
    de: D,
    slot: &'s Slot,
}

impl<'s, D> Strict<'s, D> {
    pub(crate) fn new(de: D, slot: &'s Slot) -> Self {
        Strict { de, slot }
    }

    fn wrap<V>(&self, v: V, mode: Mode) -> Wrap<'s, V> {
        Wrap {
            v,
            slot: self.slot,
            mode,
        }
    }
}

macro_rules! through_any {
    ($mode:expr => $($method:ident),*) => {
        $(
            fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
                let w = self.wrap(v, $mode);
                self.de.deserialize_any(w)
            }
        )*
    };
}

impl<'de, 's, D: Deserializer<'de>> Deserializer<'de> for Strict<'s, D> {
    type Error = D::Error;

    through_any!(Mode::Any => deserialize_any, deserialize_bool, deserialize_f32, deserialize_f64,
        deserialize_char, deserialize_str, deserialize_string, deserialize_bytes,
        deserialize_byte_buf, deserialize_unit, deserialize_seq, deserialize_map);
    through_any!(Mode::Int => deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64,
        deserialize_i128, deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64,
        deserialize_u128);

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Any);
        self.de.deserialize_option(w)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Any);
        self.de.deserialize_any(w)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Any);
        self.de.deserialize_newtype_struct(name, w)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Any);
        self.de.deserialize_any(w)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Any);
        self.de.deserialize_any(w)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Struct);
        self.de.deserialize_any(w)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.de.deserialize_str(Names { v, slot: self.slot })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        let w = self.wrap(v, Mode::Any);
        self.de.deserialize_identifier(w)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_ignored_any(v)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor that applies the mode and hands scalars to the inner visitor with the
/// [`Bounded`] error type.
struct Wrap<'s, V> {
    v: V,
    slot: &'s Slot,
    mode: Mode,
}

impl<'s, V> Wrap<'s, V> {
    /// Runs a scalar visit with the bounded error type and turns its error into `E`.
    fn scalar<T, E: de::Error>(self, f: impl FnOnce(V) -> Result<T, Bounded>) -> Result<T, E> {
        let slot = self.slot;
        f(self.v).map_err(|b| b.into_error(slot))
    }
}

macro_rules! scalars {
    ($($method:ident($t:ty)),*) => {
        $(
            fn $method<E: de::Error>(self, x: $t) -> Result<V::Value, E> {
                self.scalar(|v| v.$method(x))
            }
        )*
    };
}

/// 2^63 and 2^64 as floats: the integral floats that fit `i64` and `u64`.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

impl<'de, 's, V: Visitor<'de>> Visitor<'de> for Wrap<'s, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.v.expecting(f)
    }

    scalars!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>)
    );

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<V::Value, E> {
        // JSON Schema's `integer` is any number with no fractional part: `1.0`, `-0`, `1e2`.
        if self.mode == Mode::Int && x.fract() == 0.0 {
            if (0.0..TWO_64).contains(&x) {
                return self.scalar(|v| v.visit_u64(x as u64));
            }
            if (-TWO_63..0.0).contains(&x) {
                return self.scalar(|v| v.visit_i64(x as i64));
            }
        }
        self.scalar(|v| v.visit_f64(x))
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.scalar(|v| v.visit_none())
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.scalar(|v| v.visit_unit())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.v.visit_some(Strict::new(d, self.slot))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.v.visit_newtype_struct(Strict::new(d, self.slot))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<V::Value, A::Error> {
        if self.mode == Mode::Struct {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        self.v.visit_seq(Seq { a, slot: self.slot })
    }

    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<V::Value, A::Error> {
        self.v.visit_map(Map { a, slot: self.slot })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, a: A) -> Result<V::Value, A::Error> {
        // serde_json calls this only from `deserialize_enum`, which this adapter never calls.
        self.v.visit_enum(a)
    }
}

/// Reads an enum from a string only.
struct Names<'s, V> {
    v: V,
    slot: &'s Slot,
}

impl<'de, 's, V: Visitor<'de>> Visitor<'de> for Names<'s, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.v.expecting(f)
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<V::Value, E> {
        let slot = self.slot;
        self.v
            .visit_enum(BorrowedStrDeserializer::<Bounded>::new(s))
            .map_err(|b| b.into_error(slot))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<V::Value, E> {
        let slot = self.slot;
        self.v
            .visit_enum(StrDeserializer::<Bounded>::new(s))
            .map_err(|b| b.into_error(slot))
    }
}

struct Seq<'s, A> {
    a: A,
    slot: &'s Slot,
}

impl<'de, 's, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'s, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.a.next_element_seed(Seed {
            seed,
            slot: self.slot,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.a.size_hint()
    }
}

struct Map<'s, A> {
    a: A,
    slot: &'s Slot,
}

impl<'de, 's, A: MapAccess<'de>> MapAccess<'de> for Map<'s, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.a.next_key_seed(Seed {
            seed,
            slot: self.slot,
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.a.next_value_seed(Seed {
            seed,
            slot: self.slot,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.a.size_hint()
    }
}

struct Seed<'s, S> {
    seed: S,
    slot: &'s Slot,
}

impl<'de, 's, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'s, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Strict::new(d, self.slot))
    }
}

/// The error type scalar visits run with: its messages quote input only through [`echo`].
#[derive(Debug)]
pub(crate) struct Bounded {
    message: String,
    recorded: Option<(Reason, String)>,
}

impl Bounded {
    fn plain(message: String) -> Self {
        Bounded {
            message,
            recorded: None,
        }
    }

    /// The error as `E`, recording the structured reason (if any) in the slot.
    fn into_error<E: de::Error>(self, slot: &Slot) -> E {
        if let Some((reason, child)) = self.recorded {
            *slot.borrow_mut() = Some(Recorded {
                message: self.message.clone(),
                reason,
                child,
            });
        }
        E::custom(self.message)
    }
}

impl fmt::Display for Bounded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Bounded {}

/// `Unexpected`, with any string it carries cut and escaped.
fn unexpected(u: &Unexpected<'_>) -> String {
    match u {
        Unexpected::Str(s) => format!("string \"{}\"", echo(s)),
        Unexpected::Bytes(_) => "byte array".to_owned(),
        Unexpected::Char(c) => format!("character `{}`", echo(c.encode_utf8(&mut [0; 4]))),
        Unexpected::Other(s) => echo(s),
        other => other.to_string(),
    }
}

/// A list of names as serde writes it: `a`, `a` or `b`, one of `a`, `b`, `c`.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "there are no variants".to_owned(),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

impl de::Error for Bounded {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Bounded::plain(crate::error::clean_message(&msg))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Bounded::plain(format!(
            "invalid type: {}, expected {exp}",
            unexpected(&unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Bounded::plain(format!(
            "invalid value: {}, expected {exp}",
            unexpected(&unexp)
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Bounded::plain(format!(
            "unknown variant `{}`, expected {}",
            echo(variant),
            one_of(expected)
        ))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        let name = echo(field);
        Bounded {
            message: format!("unknown field `{name}`"),
            recorded: Some((
                Reason::UnknownField {
                    name: name.clone().into(),
                },
                name,
            )),
        }
    }
}

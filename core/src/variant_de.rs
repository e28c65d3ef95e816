//! The requests' unit enums (an input kind, an operation kind, a pool's mode or OS …) read
//! by one shared visitor and each enum's table of names: serde's derived `Deserialize`, in
//! a form that costs the modules less.
//!
//! The derive gives each enum a field visitor and an enum visitor of its own, and core's
//! JSON reader then compiles its enum reading once per enum (six in the calculator module;
//! reading them this way took 1 KB gzip off it). Here every enum is read by [`variant`],
//! which answers the variant's index in the enum's table, and [`read_variants!`] maps the
//! index to the variant.
//!
//! The same values and errors as the derive's, at the same places (`unknown variant`, with
//! the names expected; `invalid type: …, expected enum InputKind`; a variant given as
//! `{"pem": null}`, which serde_json also reads): `tests.rs` compares the two on every
//! enum, through both JSON readers and postcard (which writes a variant's index).

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Unexpected, VariantAccess, Visitor,
};

/// Read a unit variant of the enum `name` (`"InputKind"`) whose variants are `names`,
/// worded `expecting` (`"enum InputKind"`) when another value is found: its index in
/// `names`.
pub(crate) fn variant<'de, D: Deserializer<'de>>(
    d: D,
    name: &'static str,
    names: &'static [&'static str],
    expecting: &'static str,
) -> Result<usize, D::Error> {
    d.deserialize_enum(name, names, UnitVariant { names, expecting })
}

struct UnitVariant {
    names: &'static [&'static str],
    expecting: &'static str,
}

impl<'de> Visitor<'de> for UnitVariant {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (i, v) = data.variant_seed(VariantIndex(self.names))?;
        v.unit_variant()?;
        Ok(i)
    }
}

/// A variant's name (JSON) or index (postcard) → its index in the table.
struct VariantIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

/// `variant index 0 <= i < 13`, as the derive words an index out of range.
struct IndexBelow(usize);

impl de::Expected for IndexBelow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "variant index 0 <= i < {}", self.0)
    }
}

impl<'de> Visitor<'de> for VariantIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(
                Unexpected::Unsigned(v),
                &IndexBelow(self.0.len()),
            )),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        match self.0.iter().position(|n| n.as_bytes() == v) {
            Some(i) => Ok(i),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(v), self.0)),
        }
    }
}

/// `Deserialize` for a unit enum, from its variants in declaration order with the name
/// each has in JSON:
///
/// ```ignore
/// read_variants! {
///     PoolMode;
///     "System" => System,
///     "User" => User,
/// }
/// ```
///
/// or, for an enum that already lists its variants and names them, from those:
///
/// ```ignore
/// read_variants! { InputKind, all: InputKind::ALL, name: InputKind::name }
/// ```
macro_rules! read_variants {
    ($ty:ident, all: $all:path, name: $name:path) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                static NAMES: [&str; $all.len()] = {
                    let mut names = [""; $all.len()];
                    let mut i = 0;
                    while i < names.len() {
                        names[i] = $name($all[i]);
                        i += 1;
                    }
                    names
                };
                let i = $crate::variant_de::variant(d, stringify!($ty), &NAMES, concat!("enum ", stringify!($ty)))?;
                // `variant` answers an index into the same table.
                $all.get(i).copied().ok_or_else(|| {
                    <D::Error as serde::de::Error>::custom("variant index out of range")
                })
            }
        }
    };
    ($ty:ident; $($json:literal => $variant:ident,)*) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const ALL: &[$ty] = &[$($ty::$variant),*];
                let i = $crate::variant_de::variant(d, stringify!($ty), &[$($json),*], concat!("enum ", stringify!($ty)))?;
                // `variant` answers an index into the same table.
                ALL.get(i).copied().ok_or_else(|| {
                    <D::Error as serde::de::Error>::custom("variant index out of range")
                })
            }
        }
    };
}

pub(crate) use read_variants;

#[cfg(test)]
mod tests;

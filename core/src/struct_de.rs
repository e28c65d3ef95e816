//! The requests' structs, read field by field into a value that starts blank: serde's
//! derived `Deserialize`, in a form that costs the modules less.
//!
//! The derive keeps each field in an `Option` until the object ends, checks each for a
//! duplicate, then unwraps each or takes its default, with the drop code of every partly
//! read field on every error path; its field-name visitor is a function of its own per
//! struct. For the seven structs a request is made of (the policy, the cluster facts and
//! the report, what-if and inspect requests) that was 13 KB of the calculator module.
//! Here a struct starts as [`ReadFields::blank`] (its defaults, and placeholders for the
//! fields it requires), each field read is written into it, one bit per field marks it
//! seen, and the field names are looked up in the struct's table by one shared visitor.
//!
//! What a user sees is the derive's: the same values, and the same errors at the same
//! places (`unknown field`, `duplicate field`, `missing field` for the first one missing
//! in declaration order, `invalid type: …, expected struct Policy`). `tests.rs` compares
//! each struct with a mirror that keeps the derive, through both JSON readers, on the
//! requests of the JSON reader's tests and every one-byte edit of them (the policy, whose
//! mirror would repeat its 29 defaults, field by field instead), and checks each table
//! against its struct's own `Serialize`: the same names, in the same order.
//!
//! A struct is read from a map (JSON) or from a sequence of its fields in order (as
//! postcard writes it, and as serde_json reads one too): a field the sequence ends before
//! keeps its default, and a required one is `invalid length`, as with the derive.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A struct read by [`deserialize`]. Implemented by [`read_fields!`].
pub(crate) trait ReadFields: Sized {
    /// What another value is told it should have been: `struct Policy`.
    const EXPECTING: &'static str;
    /// Each field's name as JSON spells it, in declaration order (at most 64).
    const FIELDS: &'static [&'static str];
    /// Bit `i` set: field `i` has no default, and an object without it is refused.
    const REQUIRED: u64;

    /// The value before any field is read: every default, and a placeholder for each
    /// required field (always overwritten, or the struct is refused).
    fn blank() -> Self;

    /// Read field `i`'s value (the map's next value) into `self`.
    fn read_field<'de, A: MapAccess<'de>>(&mut self, i: usize, map: &mut A)
    -> Result<(), A::Error>;
}

/// Read a `T`, as its derived `Deserialize` would.
pub(crate) fn deserialize<'de, T: ReadFields, D: Deserializer<'de>>(
    d: D,
    name: &'static str,
) -> Result<T, D::Error> {
    d.deserialize_struct(name, T::FIELDS, StructVisitor(PhantomData))
}

/// The bits of a struct's required fields, from one flag per field in order.
pub(crate) const fn required_bits(flags: &[bool]) -> u64 {
    let mut bits = 0u64;
    let mut i = 0;
    while i < flags.len() {
        if flags[i] {
            bits |= 1 << i;
        }
        i += 1;
    }
    bits
}

/// A field's name, for a message; `i` always comes from the table itself.
fn name(fields: &'static [&'static str], i: usize) -> &'static str {
    fields.get(i).copied().unwrap_or("")
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: ReadFields> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::blank();
        let mut seen = 0u64;
        while let Some(i) = map.next_key_seed(FieldIndex(T::FIELDS))? {
            let bit = 1u64 << i;
            if seen & bit != 0 {
                return Err(de::Error::duplicate_field(name(T::FIELDS, i)));
            }
            seen |= bit;
            value.read_field(i, &mut map)?;
        }
        let missing = T::REQUIRED & !seen;
        if missing != 0 {
            let first = missing.trailing_zeros() as usize;
            return Err(de::Error::missing_field(name(T::FIELDS, first)));
        }
        Ok(value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        let mut value = T::blank();
        let mut fields = InOrder { seq, ended: false };
        for i in 0..T::FIELDS.len() {
            if !fields.ended {
                match value.read_field(i, &mut fields) {
                    Ok(()) => continue,
                    Err(e) if !fields.ended => return Err(e),
                    // The sequence ended: this field and the rest keep their defaults.
                    Err(_) => {}
                }
            }
            if T::REQUIRED & (1 << i) != 0 {
                let expected = Elements(T::EXPECTING, T::FIELDS.len());
                return Err(de::Error::invalid_length(i, &expected));
            }
        }
        Ok(value)
    }
}

/// A field name → its index in the struct's table; any other name is `unknown field`
/// (every request struct refuses unknown fields).
struct FieldIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|f| *f == v)
            .ok_or_else(|| E::unknown_field(v, self.0))
    }
}

/// A sequence's elements as the values of fields 0, 1, … (a struct as postcard writes it,
/// and as serde_json also reads one). When it ends, `ended` is set and the field's reading
/// fails; [`StructVisitor::visit_seq`] then refuses the first required field left, as the
/// derive does.
struct InOrder<A> {
    seq: A,
    ended: bool,
}

/// `struct Policy with 29 elements`, as the derive words a short sequence.
struct Elements(&'static str, usize);

impl de::Expected for Elements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} with {} elements", self.0, self.1)
    }
}

impl<'de, A: SeqAccess<'de>> MapAccess<'de> for InOrder<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        // Never called: `visit_seq` asks for each field's value by its index.
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.seq.next_element_seed(seed)? {
            Some(value) => Ok(value),
            None => {
                self.ended = true;
                Err(de::Error::custom("the sequence ended"))
            }
        }
    }
}

/// `ReadFields` and `Deserialize` for a struct, from its JSON field names in declaration
/// order, each with whether it is required (no `#[serde(default)]`), and its blank value:
///
/// ```ignore
/// read_fields! {
///     KubeconfigHolder, KubeconfigHolder { holder: String::new(), fetched: None, admin: false };
///     "holder" => holder: true,
///     "fetched" => fetched: false,
///     "admin" => admin: false,
/// }
/// ```
macro_rules! read_fields {
    ($ty:ident, $blank:expr; $($json:literal => $field:ident: $required:literal,)*) => {
        impl $crate::struct_de::ReadFields for $ty {
            const EXPECTING: &'static str = concat!("struct ", stringify!($ty));
            const FIELDS: &'static [&'static str] = &[$($json),*];
            const REQUIRED: u64 = $crate::struct_de::required_bits(&[$($required),*]);

            fn blank() -> Self {
                $blank
            }

            fn read_field<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                i: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                let mut k = 0usize;
                $(
                    if i == k {
                        self.$field = map.next_value()?;
                        return Ok(());
                    }
                    k += 1;
                )*
                let _ = k;
                Ok(())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::struct_de::deserialize(d, stringify!($ty))
            }
        }

        // A reading marks each field seen with one bit of a `u64`.
        const _: () = assert!([$($json),*].len() <= 64, "read_fields!: more than 64 fields");
    };
}

pub(crate) use read_fields;

#[cfg(test)]
mod tests;

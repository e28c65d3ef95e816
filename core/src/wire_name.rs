//! The name a unit enum variant has in JSON, read from its own `Serialize` impl.
//!
//! The serde attributes (`rename_all = "camelCase"`, `rename = "…"`) are where a variant's
//! wire name is written; text outputs (the CLI's tables, `Display`, sort keys) need the same
//! name without building JSON. [`wire_name`] runs the value's `Serialize` into a serializer
//! that accepts only a unit variant and hands back the `&'static str` serde passes it, so
//! no name is ever written twice and nothing is allocated.

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The JSON name of a unit enum variant (`AksRole::ClusterCa` → `"clusterCa"`); `None` for
/// anything else (a variant with data, a struct, a number, a string built at run time).
pub fn wire_name<T: Serialize + ?Sized>(value: &T) -> Option<&'static str> {
    value.serialize(UnitVariantName).ok()
}

/// The serializer behind [`wire_name`].
struct UnitVariantName;

/// Why [`UnitVariantName`] gave up: the value is not a unit variant.
#[derive(Debug, thiserror::Error)]
#[error("not a unit enum variant")]
struct NotAUnitVariant;

impl ser::Error for NotAUnitVariant {
    fn custom<T: core::fmt::Display>(_: T) -> Self {
        NotAUnitVariant
    }
}

type No = Impossible<&'static str, NotAUnitVariant>;

/// Every `serialize_*` but `serialize_unit_variant` (and the newtype wrapper) refuses.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, NotAUnitVariant> {
            Err(NotAUnitVariant)
        })*
    };
}

impl ser::Serializer for UnitVariantName {
    type Ok = &'static str;
    type Error = NotAUnitVariant;
    type SerializeSeq = No;
    type SerializeTuple = No;
    type SerializeTupleStruct = No;
    type SerializeTupleVariant = No;
    type SerializeMap = No;
    type SerializeStruct = No;
    type SerializeStructVariant = No;

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotAUnitVariant> {
        Ok(variant)
    }

    refuse! {
        serialize_bool(bool) -> &'static str;
        serialize_i8(i8) -> &'static str;
        serialize_i16(i16) -> &'static str;
        serialize_i32(i32) -> &'static str;
        serialize_i64(i64) -> &'static str;
        serialize_u8(u8) -> &'static str;
        serialize_u16(u16) -> &'static str;
        serialize_u32(u32) -> &'static str;
        serialize_u64(u64) -> &'static str;
        serialize_f32(f32) -> &'static str;
        serialize_f64(f64) -> &'static str;
        serialize_char(char) -> &'static str;
        serialize_str(&str) -> &'static str;
        serialize_bytes(&[u8]) -> &'static str;
        serialize_none() -> &'static str;
        serialize_unit() -> &'static str;
        serialize_unit_struct(&'static str) -> &'static str;
        serialize_seq(Option<usize>) -> No;
        serialize_tuple(usize) -> No;
        serialize_tuple_struct(&'static str, usize) -> No;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> No;
        serialize_map(Option<usize>) -> No;
        serialize_struct(&'static str, usize) -> No;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> No;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<&'static str, NotAUnitVariant> {
        // A newtype around an enum names what the enum names.
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }
}

#[cfg(test)]
mod tests {
    use super::wire_name;
    use crate::inspect::AksRole;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Sample {
        FirstOne,
        #[serde(rename = "other-name")]
        Renamed,
        WithData(u8),
    }

    #[test]
    fn a_unit_variant_is_named_as_serde_writes_it() {
        assert_eq!(wire_name(&Sample::FirstOne), Some("firstOne"));
        assert_eq!(wire_name(&Sample::Renamed), Some("other-name"));
        assert_eq!(wire_name(&AksRole::ClusterCa), Some("clusterCa"));
        for role in [AksRole::ClusterCa, AksRole::FrontProxyCa, AksRole::EtcdCa] {
            let json = serde_json::to_string(&role).unwrap_or_default();
            assert_eq!(Some(json.trim_matches('"')), wire_name(&role));
        }
    }

    #[test]
    fn anything_else_has_no_name() {
        assert_eq!(wire_name(&Sample::WithData(1)), None);
        assert_eq!(wire_name("text"), None);
        assert_eq!(wire_name(&3u8), None);
        assert_eq!(wire_name(&Some(Sample::FirstOne)), None);
    }
}

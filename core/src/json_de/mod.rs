//! The JSON reader behind every request: a serde `Deserializer` over JSON text that
//! accepts exactly what serde_json accepts and answers with the same values, messages,
//! lines and columns — built small, because it ships in every WebAssembly module.
//!
//! serde_json's deserializer inlines its scanning into each type's visitor: in the
//! calculator module it and what it pulled in (std's float formatting, reached only from
//! its `invalid type: floating point` message) were the largest single part, ~120 KB of
//! ~570 KB (benches/README.md, "Module size"). Here the scanning is a handful of plain
//! functions on [`Reader`] ([`read`]), and each serde method only dispatches on the next
//! byte and calls the visitor, so a type's visitor costs little more than itself.
//!
//! What "the same" means, and where it is checked (`tests.rs` compares both readers on
//! every request the test data holds, on every one-byte edit of them, and on generated
//! text): the same value or the same error message at the same line and column, with
//! serde_json's default features (no `arbitrary_precision`, no `float_roundtrip`: a
//! number with a fraction or exponent is `significand × 10^exponent` computed in `f64`,
//! as serde_json does). Nesting is limited to 127 levels, as in serde_json; a value
//! skipped as unknown is not, as in serde_json.
//!
//! One difference is by design: a struct is read from a JSON object only. serde_json also
//! reads one from an array of its fields in order (`["2026-01-01T00:00:00Z", …]`), which
//! no akscert document is; here that is `invalid type: sequence, expected struct …`, and
//! the modules carry no array reader for each struct (12 KB of the calculator).
//!
//! Two of serde_json's readings no request needs are left out, and refused as type
//! errors: map keys that are numbers or booleans (serde_json reads `"1"` into a `u32`
//! key; here a key is a string), and 128-bit integers beyond 64 bits.

mod pow10;
mod read;
#[cfg(test)]
pub(crate) mod tests;

use std::fmt::{self, Display};

use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

pub(crate) use read::plain_len;
use read::{Number, Reader, Text};

/// A JSON syntax or type error, at a line and column of the text (both 1-based; the column
/// counts bytes from the start of the line, as serde_json's does).
#[derive(Debug, Clone, PartialEq)]
pub struct Error(Box<ErrorImpl>);

#[derive(Debug, Clone, PartialEq)]
struct ErrorImpl {
    message: String,
    /// 0 until the error is placed (a visitor's error is placed by the reader it passes
    /// through, as serde_json does).
    line: usize,
    column: usize,
}

impl Error {
    fn new(message: String) -> Error {
        Error(Box::new(ErrorImpl {
            message,
            line: 0,
            column: 0,
        }))
    }

    /// The line of the error (1-based).
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// The column of the error (1-based, in bytes).
    pub fn column(&self) -> usize {
        self.0.column
    }

    /// What is wrong, without the position.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.line == 0 {
            f.write_str(&self.0.message)
        } else {
            write!(
                f,
                "{} at line {} column {}",
                self.0.message, self.0.line, self.0.column
            )
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    #[cold]
    fn custom<T: Display>(msg: T) -> Error {
        Error::new(msg.to_string())
    }

    #[cold]
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
        Error::new(format!("invalid type: {}, expected {exp}", Shown(unexp)))
    }

    #[cold]
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Error {
        Error::new(format!("invalid value: {}, expected {exp}", Shown(unexp)))
    }
}

/// An unexpected value worded as serde_json words it (`null`, floats as JSON writes them).
/// Written here rather than through serde's own `Display`, which formats floats with
/// std's float printer: that alone was 17 KB of every module.
struct Shown<'a>(Unexpected<'a>);

impl Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            Unexpected::Float(x) => write!(f, "floating point `{}`", float_text(x)),
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// A float as serde_json's messages show it: JSON's shortest form (`1.5`, `1e20`).
fn float_text(x: f64) -> String {
    if let Some(text) = crate::json_ser::shortest(x, x.is_finite()) {
        text
    } else if x.is_nan() {
        "NaN".into()
    } else if x > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Read one `T` that is all of `text` (only whitespace may follow it).
pub fn from_str<'a, T: de::Deserialize<'a>>(text: &'a str) -> Result<T> {
    let mut de = Deserializer::new(text);
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A deserializer over JSON text, for a caller that reads a value and then checks the end
/// itself ([`Deserializer::end`]) to tell the two errors apart.
pub struct Deserializer<'a> {
    r: Reader<'a>,
}

impl<'a> Deserializer<'a> {
    /// A deserializer at the start of `text`.
    pub fn new(text: &'a str) -> Deserializer<'a> {
        Deserializer {
            r: Reader::new(text),
        }
    }

    /// Only whitespace is left: anything else is `trailing characters`.
    pub fn end(&mut self) -> Result<()> {
        match self.r.whitespace() {
            Some(_) => Err(self.r.peek_error(read::TRAILING_CHARACTERS)),
            None => Ok(()),
        }
    }

    /// The next byte after whitespace, or `EOF while parsing a value`.
    fn value_start(&mut self) -> Result<u8> {
        self.r
            .whitespace()
            .ok_or_else(|| self.r.peek_error(read::EOF_VALUE))
    }

    /// A visitor's answer with its error, if any, placed where the reader stands.
    fn placed<T>(&self, result: Result<T>) -> Result<T> {
        match result {
            Ok(value) => Ok(value),
            Err(e) => Err(self.r.place(e)),
        }
    }

    /// The elements of an array whose `[` is next.
    fn seq<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        self.r.enter()?;
        let ret = visitor.visit_seq(SeqAccess {
            de: self,
            first: true,
        });
        self.r.leave();
        let end = self.r.end_seq();
        ret.and_then(|v| end.map(|()| v))
    }

    /// The members of an object whose `{` is next.
    fn map<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        self.r.enter()?;
        let ret = visitor.visit_map(MapAccess {
            de: self,
            first: true,
        });
        self.r.leave();
        let end = self.r.end_map();
        ret.and_then(|v| end.map(|()| v))
    }

    /// A number whose first byte (a digit or `-`) is next.
    fn number<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        match self.r.number()? {
            Number::U64(n) => visitor.visit_u64(n),
            Number::I64(n) => visitor.visit_i64(n),
            Number::F64(x) => visitor.visit_f64(x),
        }
    }

    /// A string whose `"` is next.
    fn string<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        self.r.eat();
        match self.r.string()? {
            Text::Borrowed(s) => visitor.visit_borrowed_str(s),
            Text::Copied(s) => visitor.visit_str(s),
        }
    }
}

/// `deserialize_*` methods that read a number as `deserialize_i64` does.
macro_rules! forward_numbers {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
            self.deserialize_i64(visitor)
        }
    )*};
}

impl<'a> de::Deserializer<'a> for &mut Deserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'n' => self.r.literal(b"null").and_then(|()| visitor.visit_unit()),
            b't' => self
                .r
                .literal(b"true")
                .and_then(|()| visitor.visit_bool(true)),
            b'f' => self
                .r
                .literal(b"false")
                .and_then(|()| visitor.visit_bool(false)),
            b'-' | b'0'..=b'9' => self.number(visitor),
            b'"' => self.string(visitor),
            b'[' => self.seq(visitor),
            b'{' => self.map(visitor),
            _ => Err(self.r.peek_error(read::EXPECTED_VALUE)),
        };
        self.placed(ret)
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b't' => self
                .r
                .literal(b"true")
                .and_then(|()| visitor.visit_bool(true)),
            b'f' => self
                .r
                .literal(b"false")
                .and_then(|()| visitor.visit_bool(false)),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_i64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'-' | b'0'..=b'9' => self.number(visitor),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    // Every number is read alike; the visitor takes the kind it wants.
    forward_numbers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64
    );

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'"' => self.string(visitor),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }
    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }
    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'"' => {
                self.r.eat();
                match self.r.string()? {
                    Text::Borrowed(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
                    Text::Copied(s) => visitor.visit_bytes(s.as_bytes()),
                }
            }
            b'[' => self.seq(visitor),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.r.whitespace() {
            Some(b'n') => {
                self.r.literal(b"null")?;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'n' => self.r.literal(b"null").and_then(|()| visitor.visit_unit()),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'[' => self.seq(visitor),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let ret = match self.value_start()? {
            b'{' => self.map(visitor),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // An object only: serde_json also reads a struct from an array of its fields in
        // order, which no akscert document is and every struct's visitor would carry.
        let ret = match self.value_start()? {
            b'{' => self.map(visitor),
            _ => Err(self.r.invalid_type(&visitor)),
        };
        self.placed(ret)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.r.whitespace() {
            Some(b'{') => {
                self.r.enter()?;
                let ret = visitor.visit_enum(VariantAccess { de: self });
                self.r.leave();
                let value = ret?;
                self.r.enum_end()?;
                Ok(value)
            }
            Some(b'"') => visitor.visit_enum(UnitVariantAccess { de: self }),
            Some(_) => Err(self.r.peek_error(read::EXPECTED_VALUE)),
            None => Err(self.r.peek_error(read::EOF_VALUE)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.r.skip_value()?;
        visitor.visit_unit()
    }
}

/// The elements of an array.
struct SeqAccess<'d, 'a> {
    de: &'d mut Deserializer<'a>,
    first: bool,
}

impl<'a> de::SeqAccess<'a> for SeqAccess<'_, 'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.de.r.has_next_element(&mut self.first)? {
            seed.deserialize(&mut *self.de).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// The members of an object.
struct MapAccess<'d, 'a> {
    de: &'d mut Deserializer<'a>,
    first: bool,
}

impl<'a> de::MapAccess<'a> for MapAccess<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.de.r.has_next_key(&mut self.first)? {
            seed.deserialize(MapKey { de: &mut *self.de }).map(Some)
        } else {
            Ok(None)
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        self.de.r.colon()?;
        seed.deserialize(&mut *self.de)
    }
}

/// An enum written as `{"variant": value}`.
struct VariantAccess<'d, 'a> {
    de: &'d mut Deserializer<'a>,
}

impl<'a> de::EnumAccess<'a> for VariantAccess<'_, 'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        self.de.r.variant_key()?;
        let variant = seed
            .deserialize(MapKey { de: &mut *self.de })
            .map_err(|e| self.de.r.place(e))?;
        self.de.r.colon()?;
        Ok((variant, self))
    }
}

impl<'a> de::VariantAccess<'a> for VariantAccess<'_, 'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self.de)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self.de)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self.de, visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self.de, "", fields, visitor)
    }
}

/// An enum written as its variant's name, a string.
struct UnitVariantAccess<'d, 'a> {
    de: &'d mut Deserializer<'a>,
}

impl<'a> de::EnumAccess<'a> for UnitVariantAccess<'_, 'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.de)?;
        Ok((variant, self))
    }
}

impl<'a> de::VariantAccess<'a> for UnitVariantAccess<'_, 'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

/// An object's key, whose `"` is next: always read as a string.
struct MapKey<'d, 'a> {
    de: &'d mut Deserializer<'a>,
}

impl<'de> de::Deserializer<'de> for MapKey<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // A key is never null.
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_enum(self.de, name, variants, visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_bytes(self.de, visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_bytes(self.de, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string unit
        unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

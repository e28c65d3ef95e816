//! The JSON writer behind every answer: a serde `Serializer` that writes exactly the
//! compact text serde_json writes (the same escapes, numbers and order), built small.
//!
//! serde_json's struct writer is its map writer, whose member method is compiled again for
//! every field type with the key's escaping and punctuation inlined (112 copies in the
//! calculator module). Here a member is one plain call for the key
//! (`Writer::key`) and the value's own `serialize`; only floats go through serde_json's
//! float printer, so that they read as serde_json writes them (`1.0`, `1e20`).
//! `tests.rs` compares both writers byte for byte on the model's documents and on values
//! at the edges.

#[cfg(test)]
mod tests;

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Serialize};

/// Why a value cannot be written: a map key that is not a string, a number or a unit
/// variant, or a type's own `Serialize` failing.
///
/// One pointer wide: every `?` of every type's `Serialize` moves it (as a `String` it
/// was 18 KB more of the calculator module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Message>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Message(String);

impl Error {
    #[cold]
    fn new(message: String) -> Error {
        Error(Box::new(Message(message)))
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    #[cold]
    fn custom<T: Display>(msg: T) -> Error {
        Error::new(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Error>;

/// A finite float in the shortest text that reads back as it (`1.0`, `1e20`), as serde_json
/// prints it; `None` for NaN and the infinities. The one place akscert turns a float into
/// text: answers, map keys, the reader's messages and `explain::number` come here.
pub(crate) fn shortest<F: Serialize>(x: F, finite: bool) -> Option<String> {
    finite.then(|| serde_json::to_string(&x).ok()).flatten()
}

/// Digits of every base akscert writes, lowercase (hexadecimal escapes and address groups).
const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Append the two lowercase hex digits of `b` (`\u00XX` escapes, serials, escaped control
/// characters in names).
pub(crate) fn push_hex_byte(out: &mut String, b: u8) {
    out.push(char::from(DIGITS[usize::from(b >> 4)]));
    out.push(char::from(DIGITS[usize::from(b & 0xf)]));
}

/// Append `v` in base `radix` (10 or 16, lowercase, no leading zeros): answers' integers
/// (what itoa writes for serde_json), OID arcs and IP address groups. Not through
/// `core::fmt`, whose `u128` printer (1.5 KB of WebAssembly) only the rare OID arc beyond
/// 64 bits would need (`2.25.` + a UUID): 32-bit limbs divided with 64-bit arithmetic,
/// leading zero limbs skipped (every answer's integer and most arcs fit one or two).
pub(crate) fn push_digits(out: &mut String, v: u128, radix: u64) {
    let mut limbs = [
        (v >> 96) as u32,
        (v >> 64) as u32,
        (v >> 32) as u32,
        v as u32,
    ];
    let mut digits = [0u8; 39]; // u128::MAX has 39 decimal digits
    let mut at = digits.len();
    let mut top = limbs.iter().position(|&l| l != 0).unwrap_or(3);
    loop {
        let mut rem = 0u64;
        for limb in &mut limbs[top..] {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / radix) as u32;
            rem = cur % radix;
        }
        at -= 1;
        digits[at] = DIGITS[rem as usize];
        while limbs[top] == 0 && top < 3 {
            top += 1;
        }
        if limbs[top] == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// `value` as compact JSON text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut w = Writer { out: String::new() };
    value.serialize(&mut w)?;
    Ok(w.out)
}

/// The text written so far.
struct Writer {
    out: String,
}

impl Writer {
    /// `s` as a JSON string: `"`, `\` and control characters escaped as serde_json does
    /// (`\b \t \n \f \r`, others `\u00xx`), everything else as it is.
    fn string(&mut self, s: &str) {
        self.out.push('"');
        self.escaped(s);
        self.out.push('"');
    }

    /// The content of a JSON string, escaped.
    fn escaped(&mut self, s: &str) {
        let mut rest = s;
        loop {
            let plain = crate::json_de::plain_len(rest.as_bytes());
            self.out.push_str(&rest[..plain]);
            let Some(&b) = rest.as_bytes().get(plain) else {
                return;
            };
            rest = &rest[plain + 1..];
            let short = match b {
                b'"' => b'"',
                b'\\' => b'\\',
                0x08 => b'b',
                0x09 => b't',
                0x0a => b'n',
                0x0c => b'f',
                0x0d => b'r',
                _ => b'u',
            };
            self.out.push('\\');
            self.out.push(char::from(short));
            if short == b'u' {
                self.out.push_str("00");
                push_hex_byte(&mut self.out, b);
            }
        }
    }

    /// `n` in decimal, `-` first if `negative` (what itoa writes for serde_json).
    fn integer(&mut self, negative: bool, n: u64) {
        if negative {
            self.out.push('-');
        }
        push_digits(&mut self.out, u128::from(n), 10);
    }

    /// A 128-bit integer (no akscert document has one; std's printer is enough).
    fn wide_integer(&mut self, n: impl Display) {
        // Writing into a String cannot fail.
        let _ = write!(self.out, "{n}");
    }

    /// The separator before a member or element: a comma unless it is the first.
    fn separator(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.out.push(',');
        }
    }

    /// A struct member's key and its colon.
    fn key(&mut self, first: &mut bool, key: &str) {
        self.separator(first);
        self.string(key);
        self.out.push(':');
    }

    /// A float's [`shortest`] text, `null` if it has none.
    fn float(&mut self, text: Option<String>) {
        self.out.push_str(text.as_deref().unwrap_or("null"));
    }
}

/// A `fmt::Write` that escapes what it is given into a JSON string's content.
struct Escaping<'w>(&'w mut Writer);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.escaped(s);
        Ok(())
    }
}

/// An array or object being written; `close` is its closing bracket(s).
struct Compound<'w> {
    w: &'w mut Writer,
    first: bool,
    close: &'static str,
}

impl<'w> Compound<'w> {
    fn open(w: &'w mut Writer, open: &str, close: &'static str) -> Compound<'w> {
        w.out.push_str(open);
        Compound {
            w,
            first: true,
            close,
        }
    }

    /// A tuple or struct variant, `{"variant":` then the array or object `open` begins.
    fn variant(w: &'w mut Writer, variant: &str, open: &str, close: &'static str) -> Self {
        w.out.push('{');
        w.string(variant);
        Compound::open(w, open, close)
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.w.separator(&mut self.first);
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<()> {
        self.w.key(&mut self.first, key);
        value.serialize(&mut *self.w)
    }

    fn close(self) -> Result<()> {
        self.w.out.push_str(self.close);
        Ok(())
    }
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.integer(v < 0, v.unsigned_abs());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.wide_integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.integer(false, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.wide_integer(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.float(shortest(v, v.is_finite()));
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.float(shortest(v, v.is_finite()));
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.string(v);
        Ok(())
    }
    /// An array from an iterator, without the sequence state serde's default goes through:
    /// this is compiled once per element type (31 in the calculator module).
    fn collect_seq<I>(self, iter: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        self.out.push('[');
        let mut first = true;
        for item in iter {
            self.separator(&mut first);
            item.serialize(&mut *self)?;
        }
        self.out.push(']');
        Ok(())
    }

    /// Written as it is formatted, escaped on the way: no string of it is built first
    /// (instants, spans and versions are written this way, as serde_json does).
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<()> {
        self.out.push('"');
        let _ = write!(Escaping(self), "{value}");
        self.out.push('"');
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        let mut seq = Compound::open(self, "[", "]");
        for b in v {
            seq.element(b)?;
        }
        seq.close()
    }
    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        let mut map = Compound::open(self, "{", "}");
        map.field(variant, value)?;
        map.close()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w>> {
        Ok(Compound::open(self, "[", "]"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w>> {
        Ok(Compound::open(self, "[", "]"))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w>> {
        Ok(Compound::open(self, "[", "]"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>> {
        Ok(Compound::variant(self, variant, ":[", "]}"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w>> {
        Ok(Compound::open(self, "{", "}"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w>> {
        Ok(Compound::open(self, "{", "}"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>> {
        Ok(Compound::variant(self, variant, ":{", "}}"))
    }
}

/// The four ways serde writes a sequence: each an array's elements.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }
            fn end(self) -> Result<()> {
                self.close()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.w.separator(&mut self.first);
        key.serialize(MapKey { w: &mut *self.w })
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.w.out.push(':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        self.close()
    }
}

/// A struct's and a struct variant's members: an object's.
macro_rules! members {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<()> {
                self.field(key, value)
            }
            fn end(self) -> Result<()> {
                self.close()
            }
        }
    )*};
}

members!(SerializeStruct, SerializeStructVariant);

/// A map's key: a string, or what serde_json writes as one (a unit variant's name, a
/// number or a boolean in quotes, `Some` of one).
struct MapKey<'w> {
    w: &'w mut Writer,
}

impl MapKey<'_> {
    fn quoted(self, text: impl Display) -> Result<()> {
        let _ = write!(self.w.out, "\"{text}\"");
        Ok(())
    }

    /// A float key, its [`shortest`] text quoted; NaN and infinities are refused.
    fn float(self, text: Option<String>) -> Result<()> {
        match text {
            Some(t) => self.quoted(t),
            None => Err(Error::new(
                "float key must be finite (got NaN or +/-inf)".into(),
            )),
        }
    }
}

/// The error for a key JSON cannot have.
#[cold]
fn not_a_key() -> Error {
    Error::new("key must be a string".into())
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.w.string(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.w.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.w.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.quoted(v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.float(shortest(v, v.is_finite()))
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.float(shortest(v, v.is_finite()))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(not_a_key())
    }
}

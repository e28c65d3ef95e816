//! The scanning half of the JSON reader: whitespace, literals, numbers, strings, skipping
//! a value, and the punctuation between members — plain functions, compiled once. Each
//! error is placed as serde_json places it: at the byte just read ([`Reader::error`]) or
//! at the one looked at ([`Reader::peek_error`]).

use serde::de::Expected;

use super::Error;
use super::pow10::pow10;

pub(super) const EOF_LIST: &str = "EOF while parsing a list";
pub(super) const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
pub(super) const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA_OR_END: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA_OR_END: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
pub(super) const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const NUMBER_OUT_OF_RANGE: &str = "number out of range";
const INVALID_UNICODE: &str = "invalid unicode code point";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_MUST_BE_A_STRING: &str = "key must be a string";
const LONE_LEADING_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
pub(super) const TRAILING_CHARACTERS: &str = "trailing characters";
const UNEXPECTED_END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// Arrays and objects nest at most this deep less one, as in serde_json.
const MAX_DEPTH: u8 = 128;

/// A number as JSON text gives it: serde_json's three kinds.
pub(super) enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
}

/// A string's content: a slice of the text when it has no escapes, else decoded.
pub(super) enum Text<'a, 's> {
    Borrowed(&'a str),
    Copied(&'s str),
}

/// Whether `digit` appended to `n` would pass `max` (serde_json's `overflow!`).
fn overflows<T: Into<u64>>(n: T, digit: T, max: T) -> bool {
    let (n, digit, max) = (n.into(), digit.into(), max.into());
    n >= max / 10 && (n > max / 10 || digit > max % 10)
}

/// A byte that ends a run of plain string content.
fn is_escape(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// How many bytes from the start of `bytes` are plain string content (no `"`, `\\` or
/// control character). Eight bytes at a time while none of them can be one (serde_json's
/// scan), then byte by byte; reading and writing strings both spend most time here.
pub(crate) fn plain_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // The high bit of each byte of the word below `n`, or of each byte that is 0.
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w;
    let mut i = 0;
    while let Some(&chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(chunk);
        let control = below(w, 0x20);
        let quote = below(w ^ (ONES * u64::from(b'"')), 1);
        let backslash = below(w ^ (ONES * u64::from(b'\\')), 1);
        if (control | quote | backslash) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !is_escape(bytes[i]) {
        i += 1;
    }
    i
}

/// The cursor over the text.
pub(super) struct Reader<'a> {
    text: &'a str,
    index: usize,
    /// Levels of nesting left (the limit counts down to 0).
    depth: u8,
    /// A string with escapes, decoded.
    scratch: Vec<u8>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            index: 0,
            depth: MAX_DEPTH,
            scratch: Vec::new(),
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes().get(self.index).copied()
    }

    fn peek_or_null(&self) -> u8 {
        self.peek().unwrap_or(0)
    }

    pub(super) fn eat(&mut self) {
        self.index += 1;
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.index += 1;
        Some(b)
    }

    /// `message` at byte offset `at`: line, and column counted in bytes from the line's start.
    #[cold]
    #[inline(never)]
    fn error_at(&self, at: usize, message: &str) -> Error {
        let mut e = Error::new(message.to_string());
        (e.0.line, e.0.column) = self.position(at);
        e
    }

    fn position(&self, at: usize) -> (usize, usize) {
        let before = &self.bytes()[..at.min(self.bytes().len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count();
        (line, at - line_start)
    }

    /// An error about the byte just read.
    pub(super) fn error(&self, message: &str) -> Error {
        self.error_at(self.index, message)
    }

    /// An error about the byte looked at (the next one).
    pub(super) fn peek_error(&self, message: &str) -> Error {
        self.error_at((self.index + 1).min(self.bytes().len()), message)
    }

    /// `e` placed where the reader stands, unless it has a place already.
    #[cold]
    pub(super) fn place(&self, mut e: Error) -> Error {
        if e.0.line == 0 {
            (e.0.line, e.0.column) = self.position(self.index);
        }
        e
    }

    /// The next byte that is not whitespace (not consumed).
    pub(super) fn whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.index += 1;
        }
        self.peek()
    }

    /// `word`, whose first byte is next (`null`, `true`, `false`).
    pub(super) fn literal(&mut self, word: &[u8]) -> Result<(), Error> {
        self.eat();
        for &expected in &word[1..] {
            match self.next() {
                None => return Err(self.error(EOF_VALUE)),
                Some(b) if b != expected => return Err(self.error(EXPECTED_IDENT)),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// One level deeper, past the `[` or `{` that is next.
    pub(super) fn enter(&mut self) -> Result<(), Error> {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            return Err(self.peek_error(RECURSION_LIMIT));
        }
        self.eat();
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth += 1;
    }

    /// Whether the array has another element (past its comma).
    pub(super) fn has_next_element(&mut self, first: &mut bool) -> Result<bool, Error> {
        let peek = self.whitespace().ok_or_else(|| self.peek_error(EOF_LIST))?;
        if peek == b']' {
            Ok(false)
        } else if *first {
            *first = false;
            Ok(true)
        } else if peek == b',' {
            self.eat();
            match self.whitespace() {
                Some(b']') => Err(self.peek_error(TRAILING_COMMA)),
                Some(_) => Ok(true),
                None => Err(self.peek_error(EOF_VALUE)),
            }
        } else {
            Err(self.peek_error(EXPECTED_LIST_COMMA_OR_END))
        }
    }

    /// Whether the object has another member (past its comma; its key's `"` is next).
    pub(super) fn has_next_key(&mut self, first: &mut bool) -> Result<bool, Error> {
        let peek = self
            .whitespace()
            .ok_or_else(|| self.peek_error(EOF_OBJECT))?;
        if peek == b'}' {
            Ok(false)
        } else if *first {
            *first = false;
            if peek == b'"' {
                Ok(true)
            } else {
                Err(self.peek_error(KEY_MUST_BE_A_STRING))
            }
        } else if peek == b',' {
            self.eat();
            match self.whitespace() {
                Some(b'"') => Ok(true),
                Some(b'}') => Err(self.peek_error(TRAILING_COMMA)),
                Some(_) => Err(self.peek_error(KEY_MUST_BE_A_STRING)),
                None => Err(self.peek_error(EOF_VALUE)),
            }
        } else {
            Err(self.peek_error(EXPECTED_OBJECT_COMMA_OR_END))
        }
    }

    /// The key of an enum written as an object: its `"` is next.
    pub(super) fn variant_key(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b'"') => Ok(()),
            Some(b'}') => Err(self.peek_error(EXPECTED_VALUE)),
            Some(_) => Err(self.peek_error(KEY_MUST_BE_A_STRING)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    /// The `}` after an enum's one member.
    pub(super) fn enum_end(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b'}') => {
                self.eat();
                Ok(())
            }
            Some(_) => Err(self.error(EXPECTED_VALUE)),
            None => Err(self.error(EOF_OBJECT)),
        }
    }

    pub(super) fn colon(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b':') => {
                self.eat();
                Ok(())
            }
            Some(_) => Err(self.peek_error(EXPECTED_COLON)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    pub(super) fn end_seq(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b']') => {
                self.eat();
                Ok(())
            }
            Some(b',') => {
                self.eat();
                match self.whitespace() {
                    Some(b']') => Err(self.peek_error(TRAILING_COMMA)),
                    _ => Err(self.peek_error(TRAILING_CHARACTERS)),
                }
            }
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Err(self.peek_error(EOF_LIST)),
        }
    }

    pub(super) fn end_map(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b'}') => {
                self.eat();
                Ok(())
            }
            Some(b',') => Err(self.peek_error(TRAILING_COMMA)),
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    /// The value that is next, read for a message that it is not what `exp` wanted
    /// (serde_json's `peek_invalid_type`: scalars are read, to be quoted).
    #[cold]
    #[inline(never)]
    pub(super) fn invalid_type(&mut self, exp: &dyn Expected) -> Error {
        use serde::de::{Error as _, Unexpected};
        let e = match self.peek_or_null() {
            b'n' => match self.literal(b"null") {
                Ok(()) => Error::invalid_type(Unexpected::Unit, exp),
                Err(e) => return e,
            },
            b't' => match self.literal(b"true") {
                Ok(()) => Error::invalid_type(Unexpected::Bool(true), exp),
                Err(e) => return e,
            },
            b'f' => match self.literal(b"false") {
                Ok(()) => Error::invalid_type(Unexpected::Bool(false), exp),
                Err(e) => return e,
            },
            b'-' | b'0'..=b'9' => match self.number() {
                Ok(Number::U64(n)) => Error::invalid_type(Unexpected::Unsigned(n), exp),
                Ok(Number::I64(n)) => Error::invalid_type(Unexpected::Signed(n), exp),
                Ok(Number::F64(x)) => Error::invalid_type(Unexpected::Float(x), exp),
                Err(e) => return e,
            },
            b'"' => {
                self.eat();
                match self.string() {
                    Ok(text) => {
                        let s = match text {
                            Text::Borrowed(s) => s,
                            Text::Copied(s) => s,
                        };
                        Error::invalid_type(Unexpected::Str(s), exp)
                    }
                    Err(e) => return e,
                }
            }
            b'[' => Error::invalid_type(Unexpected::Seq, exp),
            b'{' => Error::invalid_type(Unexpected::Map, exp),
            _ => return self.peek_error(EXPECTED_VALUE),
        };
        self.place(e)
    }

    /// The number whose first byte (`-` or a digit) is next.
    pub(super) fn number(&mut self) -> Result<Number, Error> {
        let positive = self.peek() != Some(b'-');
        if !positive {
            self.eat();
        }
        let first = self.next().ok_or_else(|| self.error(EOF_VALUE))?;
        let mut significand = match first {
            b'0' => {
                // Only one leading zero.
                if self.peek_or_null().is_ascii_digit() {
                    return Err(self.peek_error(INVALID_NUMBER));
                }
                0
            }
            b'1'..=b'9' => u64::from(first - b'0'),
            _ => return Err(self.error(INVALID_NUMBER)),
        };
        if first != b'0' {
            while let c @ b'0'..=b'9' = self.peek_or_null() {
                let digit = u64::from(c - b'0');
                if overflows(significand, digit, u64::MAX) {
                    // Too long for u64: the further digits only scale it.
                    let mut exponent = 0;
                    while self.peek_or_null().is_ascii_digit() {
                        self.eat();
                        exponent += 1;
                    }
                    return self
                        .fraction(positive, significand, exponent)
                        .map(Number::F64);
                }
                self.eat();
                significand = significand * 10 + digit;
            }
        }
        match self.peek_or_null() {
            b'.' | b'e' | b'E' => self.fraction(positive, significand, 0).map(Number::F64),
            _ if positive => Ok(Number::U64(significand)),
            _ => {
                // `-0` and what does not fit i64 become floats.
                let negated = (significand as i64).wrapping_neg();
                Ok(if negated >= 0 {
                    Number::F64(-(significand as f64))
                } else {
                    Number::I64(negated)
                })
            }
        }
    }

    /// The fraction and exponent after an integer part, if any: the float
    /// `significand × 10^exponent`, in serde_json's arithmetic.
    fn fraction(
        &mut self,
        positive: bool,
        mut significand: u64,
        exponent: i32,
    ) -> Result<f64, Error> {
        let mut exponent = exponent;
        if self.peek_or_null() == b'.' {
            self.eat();
            let mut fraction_digits = 0;
            while let c @ b'0'..=b'9' = self.peek_or_null() {
                let digit = u64::from(c - b'0');
                if overflows(significand, digit, u64::MAX) {
                    // The rest of the digits no longer count.
                    while self.peek_or_null().is_ascii_digit() {
                        self.eat();
                    }
                    fraction_digits = -1;
                    break;
                }
                self.eat();
                significand = significand * 10 + digit;
                exponent -= 1;
                fraction_digits += 1;
            }
            if fraction_digits == 0 {
                return Err(match self.peek() {
                    Some(_) => self.peek_error(INVALID_NUMBER),
                    None => self.peek_error(EOF_VALUE),
                });
            }
        }
        if let b'e' | b'E' = self.peek_or_null() {
            self.eat();
            let positive_exp = match self.peek_or_null() {
                b'+' => {
                    self.eat();
                    true
                }
                b'-' => {
                    self.eat();
                    false
                }
                _ => true,
            };
            let mut exp = match self.next() {
                None => return Err(self.error(EOF_VALUE)),
                Some(c @ b'0'..=b'9') => i32::from(c - b'0'),
                Some(_) => return Err(self.error(INVALID_NUMBER)),
            };
            while let c @ b'0'..=b'9' = self.peek_or_null() {
                self.eat();
                let digit = i32::from(c - b'0');
                if overflows(exp as u32, digit as u32, i32::MAX as u32) {
                    if significand != 0 && positive_exp {
                        return Err(self.error(NUMBER_OUT_OF_RANGE));
                    }
                    while self.peek_or_null().is_ascii_digit() {
                        self.eat();
                    }
                    return Ok(if positive { 0.0 } else { -0.0 });
                }
                exp = exp * 10 + digit;
            }
            exponent = if positive_exp {
                exponent.saturating_add(exp)
            } else {
                exponent.saturating_sub(exp)
            };
        }
        self.float_from_parts(positive, significand, exponent)
    }

    fn float_from_parts(
        &self,
        positive: bool,
        significand: u64,
        mut exponent: i32,
    ) -> Result<f64, Error> {
        let mut f = significand as f64;
        loop {
            match pow10(exponent.unsigned_abs()) {
                Some(pow) => {
                    if exponent >= 0 {
                        f *= pow;
                        if f.is_infinite() {
                            return Err(self.error(NUMBER_OUT_OF_RANGE));
                        }
                    } else {
                        f /= pow;
                    }
                    break;
                }
                None => {
                    if f == 0.0 {
                        break;
                    }
                    if exponent >= 0 {
                        return Err(self.error(NUMBER_OUT_OF_RANGE));
                    }
                    f /= 1e308;
                    exponent += 308;
                }
            }
        }
        Ok(if positive { f } else { -f })
    }

    /// Past the next byte that ends plain string content, or to the end.
    fn skip_plain(&mut self) {
        let rest = &self.bytes()[self.index..];
        self.index += rest
            .iter()
            .position(|&b| is_escape(b))
            .unwrap_or(rest.len());
    }

    /// The string whose opening `"` was just read.
    pub(super) fn string(&mut self) -> Result<Text<'a, '_>, Error> {
        self.scratch.clear();
        let mut start = self.index;
        loop {
            self.skip_plain();
            let Some(b) = self.peek() else {
                return Err(self.error(EOF_STRING));
            };
            match b {
                b'"' => {
                    let plain = self.text.get(start..self.index).unwrap_or_default();
                    self.index += 1;
                    if self.scratch.is_empty() {
                        return Ok(Text::Borrowed(plain));
                    }
                    self.scratch.extend_from_slice(plain.as_bytes());
                    return match std::str::from_utf8(&self.scratch) {
                        Ok(s) => Ok(Text::Copied(s)),
                        Err(_) => Err(self.error(INVALID_UNICODE)),
                    };
                }
                b'\\' => {
                    let plain = self.text.get(start..self.index).unwrap_or_default();
                    self.scratch.extend_from_slice(plain.as_bytes());
                    self.index += 1;
                    self.escape()?;
                    start = self.index;
                }
                _ => {
                    self.index += 1;
                    return Err(self.error(CONTROL_CHARACTER));
                }
            }
        }
    }

    /// The escape after a `\`, decoded into the scratch string.
    fn escape(&mut self) -> Result<(), Error> {
        let decoded = match self.next().ok_or_else(|| self.error(EOF_STRING))? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(),
            _ => return Err(self.error(INVALID_ESCAPE)),
        };
        self.scratch.push(decoded);
        Ok(())
    }

    /// The four hex digits after `\u`.
    fn hex_escape(&mut self) -> Result<u16, Error> {
        let Some(digits) = self.bytes().get(self.index..self.index + 4) else {
            self.index = self.bytes().len();
            return Err(self.error(EOF_STRING));
        };
        self.index += 4;
        let mut n = 0u16;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.error(INVALID_ESCAPE)),
            };
            n = n << 4 | u16::from(v);
        }
        Ok(n)
    }

    /// A `\u` escape, and the second half of a surrogate pair after it.
    fn unicode_escape(&mut self) -> Result<(), Error> {
        let n = self.hex_escape()?;
        let code = match n {
            0xDC00..=0xDFFF => return Err(self.error(LONE_LEADING_SURROGATE)),
            0xD800..=0xDBFF => {
                for expected in [b'\\', b'u'] {
                    let b = self.peek().ok_or_else(|| self.error(EOF_STRING))?;
                    self.eat();
                    if b != expected {
                        return Err(self.error(UNEXPECTED_END_OF_HEX_ESCAPE));
                    }
                }
                let low = self.hex_escape()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error(LONE_LEADING_SURROGATE));
                }
                (((u32::from(n) - 0xD800) << 10) | (u32::from(low) - 0xDC00)) + 0x1_0000
            }
            _ => u32::from(n),
        };
        let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut buf = [0u8; 4];
        self.scratch
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    /// Past the string whose opening `"` was just read, without decoding it.
    fn skip_string(&mut self) -> Result<(), Error> {
        loop {
            self.skip_plain();
            match self.peek() {
                None => return Err(self.error(EOF_STRING)),
                Some(b'"') => {
                    self.eat();
                    return Ok(());
                }
                Some(b'\\') => {
                    self.eat();
                    match self.next().ok_or_else(|| self.error(EOF_STRING))? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            self.hex_escape()?;
                        }
                        _ => return Err(self.error(INVALID_ESCAPE)),
                    }
                }
                Some(_) => return Err(self.error(CONTROL_CHARACTER)),
            }
        }
    }

    /// Past the integer whose first byte (`-` or a digit) is next, and any fraction and
    /// exponent, without computing it (serde_json's `ignore_integer` and what follows).
    fn skip_number(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'-') {
            self.eat();
        }
        match self.next() {
            Some(b'0') => {
                if self.peek_or_null().is_ascii_digit() {
                    return Err(self.peek_error(INVALID_NUMBER));
                }
            }
            Some(b'1'..=b'9') => {
                while self.peek_or_null().is_ascii_digit() {
                    self.eat();
                }
            }
            _ => return Err(self.error(INVALID_NUMBER)),
        }
        if self.peek_or_null() == b'.' {
            self.eat();
            let start = self.index;
            while self.peek_or_null().is_ascii_digit() {
                self.eat();
            }
            if self.index == start {
                return Err(self.peek_error(INVALID_NUMBER));
            }
        }
        if let b'e' | b'E' = self.peek_or_null() {
            self.eat();
            if let b'+' | b'-' = self.peek_or_null() {
                self.eat();
            }
            if !self.next().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error(INVALID_NUMBER));
            }
            while self.peek_or_null().is_ascii_digit() {
                self.eat();
            }
        }
        Ok(())
    }

    /// Past the value that is next, however deep, with no limit on nesting (as serde_json
    /// skips an unknown member's value): the open arrays and objects are a byte each.
    pub(super) fn skip_value(&mut self) -> Result<(), Error> {
        let mut open: Vec<u8> = Vec::new();
        let mut enclosing = None;
        loop {
            let peek = self
                .whitespace()
                .ok_or_else(|| self.peek_error(EOF_VALUE))?;
            let frame = match peek {
                b'n' => {
                    self.literal(b"null")?;
                    None
                }
                b't' => {
                    self.literal(b"true")?;
                    None
                }
                b'f' => {
                    self.literal(b"false")?;
                    None
                }
                b'-' | b'0'..=b'9' => {
                    self.skip_number()?;
                    None
                }
                b'"' => {
                    self.eat();
                    self.skip_string()?;
                    None
                }
                frame @ (b'[' | b'{') => {
                    open.extend(enclosing.take());
                    self.eat();
                    Some(frame)
                }
                _ => return Err(self.peek_error(EXPECTED_VALUE)),
            };
            let (mut accept_comma, mut frame) = match frame {
                Some(frame) => (false, frame),
                None => match enclosing.take().or_else(|| open.pop()) {
                    Some(frame) => (true, frame),
                    None => return Ok(()),
                },
            };
            loop {
                match self.whitespace() {
                    Some(b',') if accept_comma => {
                        self.eat();
                        break;
                    }
                    Some(b']') if frame == b'[' => {}
                    Some(b'}') if frame == b'{' => {}
                    Some(_) if accept_comma => {
                        return Err(self.peek_error(if frame == b'[' {
                            EXPECTED_LIST_COMMA_OR_END
                        } else {
                            EXPECTED_OBJECT_COMMA_OR_END
                        }));
                    }
                    Some(_) => break,
                    None => {
                        return Err(self.peek_error(if frame == b'[' {
                            EOF_LIST
                        } else {
                            EOF_OBJECT
                        }));
                    }
                }
                self.eat();
                match open.pop() {
                    Some(outer) => frame = outer,
                    None => return Ok(()),
                }
                accept_comma = true;
            }
            if frame == b'{' {
                match self.whitespace() {
                    Some(b'"') => self.eat(),
                    Some(_) => return Err(self.peek_error(KEY_MUST_BE_A_STRING)),
                    None => return Err(self.peek_error(EOF_OBJECT)),
                }
                self.skip_string()?;
                self.colon()?;
            }
            enclosing = Some(frame);
        }
    }
}

//! The text to inspect, taken out of an inspect request and handed to the core as bytes.
//!
//! Through the general path (`js.rs`), a request's `input` is escaped into JSON text by
//! `JSON.stringify`, copied into the module by the glue's per-character loop, and read
//! back by the core's JSON reader: for a CA bundle, a fifth of `inspectBundle`'s time
//! (benches/README.md). Here the platform's `TextEncoder` writes the string's UTF-8 (one
//! native pass, then one copy into linear memory), and only the rest of the request is
//! JSON. The answer is the general path's, byte for byte: whenever this path could
//! differ, it declines and the general path runs (see [`input_apart`]).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (WHATWG Encoding; Node ≥ 11, every current browser).
    type TextEncoder;

    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;

    /// The UTF-8 of string `text`; a lone surrogate becomes U+FFFD.
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsValue) -> Vec<u8>;
}

/// Inputs larger than this go the general way. Below it, the request's JSON text could
/// never pass the core's request limit (`api::MAX_REQUEST_BYTES`, 64 MiB), even with
/// every byte escaped as `\u00XX`; so neither path can answer `inputTooLarge` where the
/// other would not.
const MAX_APART_BYTES: usize = akscert_core::api::MAX_REQUEST_BYTES / 8;

/// U+FFFD REPLACEMENT CHARACTER in UTF-8: what `TextEncoder` writes for a lone surrogate.
const REPLACEMENT: [u8; 3] = [0xEF, 0xBF, 0xBD];

/// The request without its text, and the text: for a string argument that is the text
/// itself, an empty request and the string; for a plain object whose own enumerable
/// `input` is a string, a shallow copy of it without `input`, and that string.
///
/// `None` (the general path decides) for anything else, and wherever the two paths could
/// answer differently: a string that may be a request's JSON text (its first non-blank
/// character is `{`), an object with a `toJSON` method (`JSON.stringify` would call it)
/// or with an inherited or non-enumerable `now` ([`hidden_now`]),
/// a text holding U+FFFD (it may stand for a lone surrogate, which the general path
/// refuses by name), and a text over [`MAX_APART_BYTES`].
pub(crate) fn input_apart(request: &JsValue) -> Option<(Object, String)> {
    let key = JsValue::from_str("input");
    let (rest, text) = if request.is_string() {
        (Object::new(), request.clone())
    } else if request.is_object() && !request.is_array() {
        let object: &Object = request.unchecked_ref();
        if !object.property_is_enumerable(&key) || has_to_json(request) || hidden_now(object) {
            return None;
        }
        // The copy first, then its `input`: a getter runs once, as under JSON.stringify.
        let rest = Object::assign(&Object::new(), object);
        let text = Reflect::get(&rest, &key).ok()?;
        if !text.is_string() {
            return None;
        }
        Reflect::delete_property(&rest, &key).ok()?;
        (rest, text)
    } else {
        return None;
    };
    let bytes = TextEncoder::new().encode(&text);
    let declines = bytes.len() > MAX_APART_BYTES
        || (!bytes.is_ascii() && holds_replacement(&bytes))
        || (request.is_string() && bytes.trim_ascii_start().first() == Some(&b'{'));
    if declines {
        return None;
    }
    String::from_utf8(bytes).ok().map(|text| (rest, text))
}

/// Whether `object` has a `now` that its shallow copy would lose (inherited or not
/// enumerable): the general path sees it and leaves it unset, so the core refuses the
/// request for lacking one, where the copy would be given the current instant.
fn hidden_now(object: &Object) -> bool {
    let now = JsValue::from_str("now");
    Reflect::has(object, &now).unwrap_or(true) && !object.property_is_enumerable(&now)
}

/// Whether `value` has a `toJSON` method of its own or inherited (a `Date` does).
fn has_to_json(value: &JsValue) -> bool {
    Reflect::get(value, &JsValue::from_str("toJSON")).is_ok_and(|f| f.is_function())
}

/// Whether UTF-8 `bytes` hold U+FFFD.
fn holds_replacement(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == REPLACEMENT[0] && bytes.get(i + 1..i + 3) == Some(&REPLACEMENT[1..]))
}

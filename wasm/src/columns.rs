//! `CertificateColumns` as JS values without JSON text: one array per column, a
//! `Uint8Array` for the 0/1 columns. A conversion, no logic: every value is the core's.
//! Built only for the boundary benchmark (`--features boundary-bench`): JSON text read by
//! `JSON.parse` measured faster, and ships.

use akscert_core::inspect::CertificateColumns;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

/// A JS array of strings, or `null`s for `None`.
fn strings<'a>(values: impl ExactSizeIterator<Item = Option<&'a str>>) -> JsValue {
    let array = Array::new_with_length(values.len() as u32);
    for (i, v) in values.enumerate() {
        array.set(i as u32, v.map_or(JsValue::NULL, JsValue::from_str));
    }
    array.into()
}

/// The JS text of a serde unit enum value (`ok`, `clusterCa`), as the JSON face writes it.
fn name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The columns as a plain JS object with the JSON face's field names.
pub fn to_js(c: &CertificateColumns) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    };
    set("apiVersion", JsValue::from_str(&c.api_version));
    set("kind", JsValue::from_str(&c.kind));
    set("source", JsValue::from_str(&c.source));
    set("now", JsValue::from_str(&c.now.to_string()));
    set("count", JsValue::from_f64(c.count as f64));
    set(
        "location",
        strings(c.location.iter().map(|s| Some(s.as_str()))),
    );
    set(
        "subject",
        strings(c.subject.iter().map(|s| Some(s.as_str()))),
    );
    set(
        "subjectCn",
        strings(c.subject_cn.iter().map(Option::as_deref)),
    );
    set(
        "issuerCn",
        strings(c.issuer_cn.iter().map(Option::as_deref)),
    );
    let instants = |v: &[akscert_core::Instant]| {
        let text: Vec<String> = v.iter().map(ToString::to_string).collect();
        strings(text.iter().map(|s| Some(s.as_str())))
    };
    set("notBefore", instants(&c.not_before));
    set("notAfter", instants(&c.not_after));
    let days = Array::new_with_length(c.days_left.len() as u32);
    for (i, d) in c.days_left.iter().enumerate() {
        days.set(i as u32, JsValue::from_f64(*d as f64));
    }
    set("daysLeft", days.into());
    let status: Vec<String> = c.status.iter().map(name).collect();
    set("status", strings(status.iter().map(|s| Some(s.as_str()))));
    set("isCa", Uint8Array::from(c.is_ca.as_slice()).into());
    set(
        "selfIssued",
        Uint8Array::from(c.self_issued.as_slice()).into(),
    );
    let roles: Vec<String> = c.role.iter().map(name).collect();
    set("role", strings(roles.iter().map(|s| Some(s.as_str()))));
    set("sha256", strings(c.sha256.iter().map(|s| Some(s.as_str()))));
    // Errors are rare and nested: the JSON face's text, parsed, is exact and small.
    let errors = serde_json::to_string(&c.errors).unwrap_or_else(|_| "[]".into());
    set(
        "errors",
        js_sys::JSON::parse(&errors).unwrap_or_else(|_| Array::new().into()),
    );
    object.into()
}

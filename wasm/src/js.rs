//! The JS face (first cut): `version()`.

use wasm_bindgen::prelude::*;

/// The API version, core version and operations, as a plain object.
#[wasm_bindgen]
pub fn version() -> Result<JsValue, JsValue> {
    let json =
        akscert_core::api::call("version", "").map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys_parse(&json)
}

fn js_sys_parse(json: &str) -> Result<JsValue, JsValue> {
    Ok(JsValue::from_str(json))
}

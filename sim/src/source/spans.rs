//! Where each value of a document sits: a map from JSON paths (`clusters[0].operations[2].at`,
//! the form akscert-core and serde_path_to_error use) to 1-based line and column, for TOML,
//! YAML and JSON. Built only when an error needs a position.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

/// 1-based line and column (in characters).
pub type Position = (usize, usize);

/// Paths to positions.
pub type PathMap = HashMap<String, Position>;

fn key_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn index_path(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Line and column of byte `offset` in `text`.
pub fn position_of(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Positions of every value of a TOML document (empty if it does not parse).
pub fn toml(text: &str) -> PathMap {
    let mut map = PathMap::new();
    if let Ok(root) = toml::de::DeTable::parse(text) {
        map.insert(String::new(), position_of(text, root.span().start));
        walk_toml_table(text, "", root.get_ref(), &mut map);
    }
    map
}

fn walk_toml_table(text: &str, path: &str, table: &toml::de::DeTable<'_>, map: &mut PathMap) {
    for (key, value) in table {
        let p = key_path(path, key.get_ref());
        // A scalar points at its value; a table at its key (its header or first line).
        let at = match value.get_ref() {
            toml::de::DeValue::Table(_) => key.span().start,
            _ => value.span().start,
        };
        map.insert(p.clone(), position_of(text, at));
        walk_toml_value(text, &p, value.get_ref(), map);
    }
}

fn walk_toml_value(text: &str, path: &str, value: &toml::de::DeValue<'_>, map: &mut PathMap) {
    match value {
        toml::de::DeValue::Table(t) => walk_toml_table(text, path, t, map),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = index_path(path, i);
                map.insert(p.clone(), position_of(text, item.span().start));
                walk_toml_value(text, &p, item.get_ref(), map);
            }
        }
        _ => {}
    }
}

/// A YAML node, kept only for the positions of its children.
enum YamlNode {
    Leaf,
    Seq(Vec<serde_saphyr::Spanned<YamlNode>>),
    Map(Vec<(String, serde_saphyr::Spanned<YamlNode>)>),
}

struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = YamlNode;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_i128<E: de::Error>(self, _: i128) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_u128<E: de::Error>(self, _: u128) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_unit<E: de::Error>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_none<E: de::Error>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Leaf)
            }
            fn visit_some<D2: de::Deserializer<'de>>(self, d: D2) -> Result<YamlNode, D2::Error> {
                YamlNode::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlNode, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(YamlNode::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<YamlNode, A::Error> {
                let mut entries = Vec::new();
                while let Some(KeyText(k)) = m.next_key()? {
                    entries.push((k, m.next_value()?));
                }
                Ok(YamlNode::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// Positions of every value of a YAML document (empty if it does not parse).
pub fn yaml(text: &str) -> PathMap {
    let mut map = PathMap::new();
    if let Ok(root) = serde_saphyr::from_str::<serde_saphyr::Spanned<YamlNode>>(text) {
        walk_yaml("", &root, &mut map);
    }
    map
}

fn walk_yaml(path: &str, node: &serde_saphyr::Spanned<YamlNode>, map: &mut PathMap) {
    let loc = node.referenced;
    if loc.line() > 0 {
        map.insert(
            path.to_string(),
            (loc.line() as usize, loc.column() as usize),
        );
    }
    match &node.value {
        YamlNode::Leaf => {}
        YamlNode::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_yaml(&index_path(path, i), item, map);
            }
        }
        YamlNode::Map(entries) => {
            for (k, v) in entries {
                walk_yaml(&key_path(path, k), v, map);
            }
        }
    }
}

/// Positions of every value of a JSON document (as much as could be scanned).
pub fn json(text: &str) -> PathMap {
    let mut scanner = JsonScanner {
        text: text.as_bytes(),
        src: text,
        at: 0,
        map: PathMap::new(),
    };
    scanner.value(String::new(), 0);
    scanner.map
}

/// A small JSON walker that records where each value starts. It never fails: on
/// anything unexpected it stops, keeping what it found.
struct JsonScanner<'a> {
    text: &'a [u8],
    src: &'a str,
    at: usize,
    map: PathMap,
}

impl JsonScanner<'_> {
    fn ws(&mut self) {
        while self
            .text
            .get(self.at)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.at += 1;
        }
    }

    fn value(&mut self, path: String, depth: usize) -> bool {
        self.ws();
        if depth > 256 {
            return false;
        }
        let Some(&b) = self.text.get(self.at) else {
            return false;
        };
        self.map
            .insert(path.clone(), position_of(self.src, self.at));
        match b {
            b'{' => {
                self.at += 1;
                loop {
                    self.ws();
                    match self.text.get(self.at) {
                        Some(b'}') => {
                            self.at += 1;
                            return true;
                        }
                        Some(b',') => self.at += 1,
                        Some(b'"') => {
                            let Some(key) = self.string() else {
                                return false;
                            };
                            self.ws();
                            if self.text.get(self.at) != Some(&b':') {
                                return false;
                            }
                            self.at += 1;
                            if !self.value(key_path(&path, &key), depth + 1) {
                                return false;
                            }
                        }
                        _ => return false,
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    match self.text.get(self.at) {
                        Some(b']') => {
                            self.at += 1;
                            return true;
                        }
                        Some(b',') => self.at += 1,
                        Some(_) => {
                            if !self.value(index_path(&path, i), depth + 1) {
                                return false;
                            }
                            i += 1;
                        }
                        None => return false,
                    }
                }
            }
            b'"' => self.string().is_some(),
            _ => {
                while self
                    .text
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                true
            }
        }
    }

    /// A string starting at the current `"`; returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.text.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    let raw = self.src.get(start..self.at)?;
                    return serde_json::from_str(raw).ok();
                }
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_formats_agree_on_paths() {
        let j = json("{\n  \"a\": [1, {\"b\": true}],\n  \"c\": \"x\"\n}");
        assert_eq!(j["a[1].b"], (2, 18));
        assert_eq!(j["c"], (3, 8));
        let t = toml("c = \"x\"\n[[a]]\nb = true\n[[a]]\nb = false\n");
        assert_eq!(t["c"], (1, 5));
        assert_eq!(t["a[1].b"], (5, 5));
        let y = yaml("a:\n  - b: true\n  - b: false\nc: x\n");
        assert_eq!(y["a[1].b"], (3, 8));
        assert_eq!(y["c"], (4, 4));
    }
}

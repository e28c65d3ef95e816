//! Input files — scenarios, cluster facts, fleet inventories — in TOML, YAML or JSON, read
//! with a size limit and parsed into akscert-core's types. Every error points at
//! `file:line:col`: syntax and type errors by the parser's own position, semantic errors
//! (overlapping operations, dates before creation …) by mapping akscert-core's JSON path
//! to the value's place in the file.

pub mod spans;

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

/// Largest input file accepted: akscert-core's JSON input limit (64 MiB, about six times
/// a 10,000-cluster fleet). Bigger fleets run in shards (`--shard`).
pub const MAX_FILE_BYTES: u64 = akscert_core::api::MAX_REQUEST_BYTES as u64;

/// The syntax of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (the primary scenario format).
    Toml,
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

impl Format {
    /// By extension, else by a look at the first meaningful character or line.
    pub fn detect(name: &str, text: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".toml") {
            return Format::Toml;
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Format::Yaml;
        }
        if lower.ends_with(".json") {
            return Format::Json;
        }
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        if first.starts_with('{') || first.starts_with('[') && !first.ends_with(']') {
            Format::Json
        } else if first.starts_with('[') || first.contains(" = ") || first.contains("=\"") {
            Format::Toml
        } else {
            Format::Yaml
        }
    }
}

/// Why an input could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Missing, unreadable, a directory …
    #[error("cannot read {name}: {source}")]
    Read {
        /// The file.
        name: String,
        /// Why.
        source: std::io::Error,
    },
    /// Over [`MAX_FILE_BYTES`].
    #[error(
        "{name} is {}. Split the fleet into several files, or run it in shards (--shard I/N)",
        size.map_or_else(|| format!("larger than the limit of {limit} bytes"), |s| format!("{s} bytes; the limit is {limit} bytes"))
    )]
    TooLarge {
        /// The file.
        name: String,
        /// Its size, when known (a pipe or device is read only up to the limit).
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8 text.
    #[error("{name}: not UTF-8 text (invalid byte at offset {offset})")]
    NotText {
        /// The file.
        name: String,
        /// First bad byte.
        offset: usize,
    },
    /// Something wrong at a place in the file.
    #[error("{}", located(name, *position, path.as_deref(), message))]
    Invalid {
        /// The file.
        name: String,
        /// Line and column, when known.
        position: Option<spans::Position>,
        /// JSON path of the value, when known.
        path: Option<String>,
        /// What is wrong.
        message: String,
    },
}

fn located(
    name: &str,
    position: Option<spans::Position>,
    path: Option<&str>,
    message: &str,
) -> String {
    let place = match position {
        Some((line, col)) => format!("{name}:{line}:{col}"),
        None => name.to_string(),
    };
    match path {
        Some(p) if !p.is_empty() && p != "." => format!("{place}: {p}: {message}"),
        _ => format!("{place}: {message}"),
    }
}

/// A file's text, name and syntax.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name used in messages (the path as given, `<stdin>`, or a bundled name).
    pub name: String,
    /// The text.
    pub text: String,
    /// Its syntax.
    pub format: Format,
}

impl Source {
    /// A text already in memory.
    pub fn from_text(name: &str, text: String) -> Source {
        Source {
            format: Format::detect(name, &text),
            name: name.to_string(),
            text,
        }
    }

    /// Read `path` (`-` = stdin), refusing more than [`MAX_FILE_BYTES`] before reading it
    /// all.
    pub fn read(path: &str) -> Result<Source, SourceError> {
        let name = if path == "-" { "<stdin>" } else { path };
        let read_err = |source| SourceError::Read {
            name: name.to_string(),
            source,
        };
        let mut bytes = Vec::new();
        if path == "-" {
            std::io::stdin()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(read_err)?;
        } else {
            let file = std::fs::File::open(Path::new(path)).map_err(read_err)?;
            let meta = file.metadata().map_err(read_err)?;
            if meta.is_dir() {
                return Err(read_err(std::io::Error::other("it is a directory")));
            }
            if meta.len() > MAX_FILE_BYTES {
                return Err(SourceError::TooLarge {
                    name: name.to_string(),
                    size: Some(meta.len()),
                    limit: MAX_FILE_BYTES,
                });
            }
            file.take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(read_err)?;
        }
        if bytes.len() as u64 > MAX_FILE_BYTES {
            // Read only up to the limit: the real size is unknown.
            return Err(SourceError::TooLarge {
                name: name.to_string(),
                size: None,
                limit: MAX_FILE_BYTES,
            });
        }
        let text = String::from_utf8(bytes).map_err(|e| SourceError::NotText {
            name: name.to_string(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        Ok(Source::from_text(name, text))
    }

    /// Parse as `T`, with the place of any problem.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        match self.format {
            Format::Json => self.parse_json(),
            Format::Toml => self.parse_toml(),
            Format::Yaml => self.parse_yaml(),
        }
    }

    /// Parse a document that may carry akscert's header (`apiVersion = "akscert/v1"`,
    /// `kind = KIND`) although `T` has no such fields (cluster facts): the header is
    /// checked and set aside, the rest parsed as `T`.
    pub fn parse_with_header<T: DeserializeOwned>(&self, kind: &str) -> Result<T, SourceError> {
        let mut value: serde_json::Value = self.parse()?;
        if let Some(map) = value.as_object_mut() {
            for (field, expected) in [
                ("apiVersion", akscert_core::engine::API_VERSION),
                ("kind", kind),
            ] {
                match map.get(field) {
                    None => {}
                    Some(serde_json::Value::String(s)) if s == expected => {
                        map.remove(field);
                    }
                    Some(other) => {
                        return Err(
                            self.error_at(field, format!("expected `{expected}`, found {other}"))
                        );
                    }
                }
            }
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            self.invalid(None, path, e.into_inner().to_string())
        })
    }

    /// An error about the value at JSON `path` (as akscert-core names it).
    pub fn error_at(&self, path: &str, message: impl Into<String>) -> SourceError {
        SourceError::Invalid {
            name: self.name.clone(),
            position: self.locate(path),
            path: Some(path.to_string()),
            message: message.into(),
        }
    }

    /// The line and column of the value at `path`, or of its closest ancestor that is in
    /// the file (a missing field points at the table that lacks it).
    pub fn locate(&self, path: &str) -> Option<spans::Position> {
        self.locate_in(&self.spans(), path)
    }

    fn spans(&self) -> spans::PathMap {
        match self.format {
            Format::Json => spans::json(&self.text),
            Format::Toml => spans::toml(&self.text),
            Format::Yaml => spans::yaml(&self.text),
        }
    }

    fn locate_in(&self, map: &spans::PathMap, path: &str) -> Option<spans::Position> {
        let mut p = path.trim_start_matches('.');
        loop {
            if let Some(pos) = map.get(p) {
                return Some(*pos);
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind(['.', '[']) {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    fn invalid(
        &self,
        position: Option<spans::Position>,
        path: String,
        message: String,
    ) -> SourceError {
        let path = (!path.is_empty() && path != "?").then_some(path);
        // The start of the value the path names, when it is in the file (parsers differ on
        // where they notice a problem); else where the parser noticed it; else the closest
        // ancestor.
        let map = path.as_ref().map(|_| self.spans()).unwrap_or_default();
        let exact = path
            .as_deref()
            .and_then(|p| map.get(p.trim_start_matches('.')).copied());
        let position = exact
            .or(position)
            .or_else(|| path.as_deref().and_then(|p| self.locate_in(&map, p)));
        SourceError::Invalid {
            name: self.name.clone(),
            position,
            path,
            message: self.hint(message),
        }
    }

    /// YAML and TOML read `1.28` as a number; a version must be quoted.
    fn hint(&self, message: String) -> String {
        if self.format != Format::Json && message.contains("floating point") {
            format!("{message} (a version such as 1.28 must be quoted: \"1.28\")")
        } else {
            message
        }
    }

    fn parse_json<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        let mut de = serde_json::Deserializer::from_str(&self.text);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let position = (inner.line() > 0).then(|| (inner.line(), inner.column()));
            self.invalid(position, path, strip_json_position(&inner.to_string()))
        })?;
        de.end().map_err(|e| {
            self.invalid(
                Some((e.line(), e.column())),
                String::new(),
                strip_json_position(&e.to_string()),
            )
        })?;
        Ok(value)
    }

    /// TOML goes through a JSON value: TOML's native dates (`created = 2021-03-01`)
    /// become the strings akscert-core reads, and every error has a path.
    fn parse_toml<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        let table: toml::Table = toml::from_str(&self.text).map_err(|e| {
            let position = e.span().map(|s| spans::position_of(&self.text, s.start));
            self.invalid(position, String::new(), e.message().trim().to_string())
        })?;
        let value = toml_to_json(toml::Value::Table(table));
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            self.invalid(None, path, e.into_inner().to_string())
        })
    }

    fn parse_yaml<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        let mut path = String::new();
        let result = serde_saphyr::with_deserializer_from_str(&self.text, |de| {
            serde_path_to_error::deserialize(de).map_err(|e| {
                path = e.path().to_string();
                e.into_inner()
            })
        });
        result.map_err(|e| {
            let position = e
                .location()
                .filter(|l| l.line() > 0)
                .map(|l| (l.line() as usize, l.column() as usize));
            self.invalid(position, path, yaml_message(&e))
        })
    }
}

/// A TOML value as JSON; dates and times become their RFC 3339 text.
fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// serde_json appends " at line L column C"; the place is reported separately.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// serde-saphyr's message without its source snippet and position suffix, in the
/// user's words rather than the library's.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    user_words(first)
}

/// The YAML library speaks to programmers ("set DuplicateKeyPolicy in Options", "budget
/// breached: AliasAnchorRatio { aliases: 1000, anchors: 1 }"); say what is wrong with the
/// file instead.
fn user_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("duplicate mapping key") {
        let key = rest
            .strip_prefix(": ")
            .and_then(|r| r.split_once(", set DuplicateKeyPolicy"))
            .map(|(k, _)| k.trim());
        return match key {
            Some(k) => format!("key `{k}` appears twice in one mapping; keep one"),
            None => "a key appears twice in one mapping; keep one".into(),
        };
    }
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        // `Name { field: n, … }` (the breach's Debug form) or a bare `Name`.
        let (name, fields) = match breach.split_once(" {") {
            Some((n, f)) => (n.trim(), f.trim_end_matches('}').trim()),
            None => (breach.trim(), ""),
        };
        let numbers: Vec<&str> = fields
            .split(',')
            .filter_map(|f| f.split_once(':').map(|(_, v)| v.trim()))
            .collect();
        return match (name, numbers.as_slice()) {
            ("AliasAnchorRatio", [aliases, anchors]) => format!(
                "the YAML uses its anchors too often ({aliases} aliases of {anchors} anchor(s)): akscert refuses documents that could expand far beyond their size; write the repeated values out"
            ),
            ("Depth" | "InclusionDepth" | "PropertyExpansionDepth", numbers) => format!(
                "the YAML is nested too deeply{} for akscert to read it safely; flatten it",
                numbers
                    .first()
                    .map_or(String::new(), |n| format!(" ({n} levels)"))
            ),
            ("SequenceUnbalanced", _) => {
                "the YAML's structure is unbalanced (is the file cut short?)".into()
            }
            (name, numbers) => {
                let what = match name {
                    "Aliases" => "aliases (*name)",
                    "Anchors" => "anchors (&name)",
                    "Documents" => "documents",
                    "Nodes" | "Events" => "values",
                    "ScalarBytes" | "InputBytes" => "bytes of text",
                    "MergeKeys" => "merge keys (<<)",
                    _ => "repeated structures",
                };
                format!(
                    "the YAML has too many {what}{} for akscert to read it safely; simplify it",
                    numbers.first().map_or(String::new(), |n| format!(" ({n})"))
                )
            }
        };
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::user_words;

    #[test]
    fn yaml_library_texts_become_user_words() {
        assert_eq!(
            user_words(
                "duplicate mapping key: seed, set DuplicateKeyPolicy in Options if acceptable"
            ),
            "key `seed` appears twice in one mapping; keep one"
        );
        let bomb = user_words("budget breached: AliasAnchorRatio { aliases: 1000, anchors: 1 }");
        assert!(bomb.contains("1000 aliases of 1 anchor(s)"), "{bomb}");
        assert!(!bomb.contains("AliasAnchorRatio"), "{bomb}");
        let deep = user_words("budget breached: Depth { depth: 2000 }");
        assert_eq!(
            deep,
            "the YAML is nested too deeply (2000 levels) for akscert to read it safely; flatten it"
        );
        let many = user_words("budget breached: Aliases { aliases: 99 }");
        assert!(many.contains("too many aliases (*name) (99)"), "{many}");
        assert_eq!(user_words("missing field `seed`"), "missing field `seed`");
    }
}

//! The JSON path of an error position: which key or element of the input a reading error
//! is about (`clusters[0].operations[1].at`).
//!
//! The reader ([`crate::json_de`], which places its errors where serde_json does) reports
//! only a line and a column. Wrapping every deserializer to track the
//! path as it goes (what `serde_path_to_error` does) costs time on every field of every
//! good input and about a tenth of the WebAssembly module; this finds the path afterwards,
//! for bad input only, by scanning the text up to the error position. The scan is linear
//! in the text before the error and allocates one string per open level.

/// One open level of the document at the position.
enum Level {
    /// An object; `key` is the key whose value is being read (or was just read).
    Object { key: Option<String>, start: usize },
    /// An array; `index` is the element being read, `started` whether one has begun.
    Array {
        index: usize,
        started: bool,
        start: usize,
    },
}

/// The path of a reading error in `text`, refined by its `message`: the reader places
/// some errors from a value's own checks at the end of the enclosing object; when the
/// message quotes the offending value (`` `latest` is not … ``) and exactly one member of
/// that object holds it, the path names that member.
pub(crate) fn error_path(text: &str, line: usize, column: usize, message: &str) -> String {
    let (mut path, closed) = scan(text, line, column);
    // A missing field is the object's own fault, whatever the message quotes.
    let quoted = quoted_value(message).filter(|_| !message.starts_with("missing field"));
    if let (Some((start, end)), Some(quoted)) = (closed, quoted)
        && let Some(key) = member_holding(&text[start..end], quoted)
    {
        if path == "." {
            path.clear();
        } else {
            path.push('.');
        }
        path.push_str(&key);
    }
    path
}

/// The first `` `…` `` in a message.
fn quoted_value(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// The key of the only top-level member of the object text `object` whose value is the
/// string `value`.
fn member_holding(object: &str, value: &str) -> Option<String> {
    let b = object.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let (mut depth, mut i, mut key, mut expect_key) = (0usize, 0usize, None::<String>, false);
    let mut found: Option<String> = None;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1 && b[i] == b'{';
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expect_key = true,
            b'"' => {
                let end = string_end(b, i);
                let inner = unescape(&object[i + 1..end.saturating_sub(1).max(i + 1)]);
                if depth == 1 && expect_key {
                    key = Some(inner);
                    expect_key = false;
                } else if depth == 1 && inner == value {
                    if found.is_some() {
                        return None; // two members hold it: say no more than the object
                    }
                    found.clone_from(&key);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The path (`a.b[2].c`, `.` for the document itself) of the value at the error position
/// the reader gave as 1-based `line` and `column` (`column` counts bytes; the reader, as
/// serde_json, points at the last byte it read).
#[cfg(test)]
pub(crate) fn path_at(text: &str, line: usize, column: usize) -> String {
    scan(text, line, column).0
}

/// The path at a position, and the byte span of the container that closed last before it
/// when nothing but white space follows that close.
fn scan(text: &str, line: usize, column: usize) -> (String, Option<(usize, usize)>) {
    let offset = offset_of(text, line, column);
    let mut closed: Option<(usize, usize)> = None;
    let b = text.as_bytes();
    let mut stack: Vec<Level> = Vec::new();
    // In an object: whether the next string is a key (true) or a value.
    let mut expect_key = false;
    let mut i = 0;
    while i < offset {
        match b[i] {
            b'{' => {
                start_value(&mut stack);
                stack.push(Level::Object {
                    key: None,
                    start: i,
                });
                expect_key = true;
            }
            b'[' => {
                start_value(&mut stack);
                stack.push(Level::Array {
                    index: 0,
                    started: false,
                    start: i,
                });
                expect_key = false;
            }
            b'}' | b']' => {
                closed = match stack.pop() {
                    Some(Level::Object { start, .. } | Level::Array { start, .. }) => {
                        Some((start, i + 1))
                    }
                    None => None,
                };
                expect_key = false;
                i += 1;
                continue;
            }
            b':' => expect_key = false,
            b',' => match stack.last_mut() {
                Some(Level::Object { key, .. }) => {
                    *key = None;
                    expect_key = true;
                }
                Some(Level::Array { index, started, .. }) => {
                    if *started {
                        *index += 1;
                    }
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                let end = string_end(b, i).min(offset);
                if expect_key {
                    if let Some(Level::Object { key, .. }) = stack.last_mut() {
                        *key = Some(unescape(&text[i + 1..end.saturating_sub(1).max(i + 1)]));
                    }
                    expect_key = false;
                } else {
                    start_value(&mut stack);
                }
                i = end;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => start_value(&mut stack),
        }
        closed = None;
        i += 1;
    }
    let mut path = String::new();
    for level in &stack {
        match level {
            Level::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Level::Array {
                index,
                started: true,
                ..
            } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            _ => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    (path, closed)
}

/// A value begins in the innermost level: in an array, that is its current element.
fn start_value(stack: &mut [Level]) {
    if let Some(Level::Array { started, .. }) = stack.last_mut() {
        *started = true;
    }
}

/// The byte offset just past line `line`, column `column` (both 1-based), clamped.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// The offset just past the string that starts at `at` (or the end of the text).
fn string_end(b: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// A key's text with the common escapes resolved (keys are plain in practice).
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push('\u{fffd}'),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path the reader's error position leads to, for `T`.
    fn path_of<T: serde::de::DeserializeOwned + core::fmt::Debug>(text: &str) -> String {
        let e = crate::json_de::from_str::<T>(text).unwrap_err();
        path_at(text, e.line(), e.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Op {
        at: String,
        #[serde(default)]
        n: u32,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Cluster {
        name: String,
        #[serde(default)]
        operations: Vec<Op>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        clusters: Vec<Cluster>,
    }

    #[test]
    fn paths_of_type_errors_unknown_and_missing_fields() {
        let t = "{\"clusters\": [{\"name\": \"a\"}, {\"name\": \"b\", \"operations\": [{\"at\": \"x\"}, {\"at\": 5}]}]}";
        assert_eq!(path_of::<Doc>(t), "clusters[1].operations[1].at");
        let t = "{\"clusters\": [{\"name\": \"a\", \"colour\": 1}]}";
        assert_eq!(path_of::<Doc>(t), "clusters[0].colour");
        let t = "{\"clusters\": [{\"name\": \"a\"}, {\"operations\": []}]}";
        assert_eq!(path_of::<Doc>(t), "clusters[1]");
        assert_eq!(path_of::<Doc>("{}"), ".");
        assert_eq!(path_of::<Doc>("{\"clusters\": 5}"), "clusters");
        let t = "{\n  \"clusters\": [\n    {\"name\": [1, 2]}\n  ]\n}";
        assert_eq!(path_of::<Doc>(t), "clusters[0].name");
        let t = "{\"clusters\": [{\"name\": \"a\", \"operations\": [{\"at\": \"x\", \"n\": -1}]}]}";
        assert_eq!(path_of::<Doc>(t), "clusters[0].operations[0].n");
    }

    #[test]
    fn an_error_placed_after_its_object_is_pinned_to_the_member_it_quotes() {
        let t = r#"{"pools":[{"name":"p","image":"latest"}]}"#;
        let end = t.find('}').unwrap() + 1;
        assert_eq!(
            error_path(t, 1, end, "`latest` is not an AKS node image version"),
            "pools[0].image"
        );
        // Two members with that value: the object, no guess.
        let t = r#"{"pools":[{"name":"latest","image":"latest"}]}"#;
        let end = t.find('}').unwrap() + 1;
        assert_eq!(error_path(t, 1, end, "`latest` is bad"), "pools[0]");
        // A missing field: the object, even when a member's value is the field's name.
        assert_eq!(error_path(t, 1, end, "missing field `latest`"), "pools[0]");
    }
}

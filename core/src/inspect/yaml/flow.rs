//! Flow collections (`[a, b]`, `{k: v}`: JSON is one) and quoted scalars.

use super::{MAX_DEPTH, Node, error, plain};
use crate::inspect::error::InspectError;

/// Whether every `[`/`{` in `t` (outside quotes) is closed.
pub(super) fn balanced(t: &str) -> bool {
    let b = t.as_bytes();
    let mut depth = 0i64;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => match quoted_end(&t[i..], b[i]) {
                Some(n) => i += n - 1,
                None => return false,
            },
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth <= 0 {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    depth <= 0
}

/// The byte offset just past the quoted scalar that `t` starts with.
pub(super) fn quoted_end(t: &str, quote: u8) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = 1;
    while i < b.len() {
        if quote == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The text of a quoted scalar (with its quotes), escapes resolved and line breaks
/// folded as YAML folds them.
pub(super) fn unquote(q: &str, line: usize, column: usize) -> Result<String, InspectError> {
    let quote = q.as_bytes()[0];
    let inner = &q[1..q.len().saturating_sub(1).max(1)];
    let folded = fold_lines(inner);
    if quote == b'\'' {
        return Ok(crate::substring::replace(&folded, "''", "'"));
    }
    let mut out = String::with_capacity(folded.len());
    let mut chars = folded.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let bad = || {
            error(
                line,
                column + 1,
                "an invalid escape in a double-quoted string",
            )
        };
        match chars.next().ok_or_else(bad)? {
            'n' => out.push('\n'),
            't' | '\t' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            ' ' => out.push(' '),
            '"' => out.push('"'),
            '/' => out.push('/'),
            '\\' => out.push('\\'),
            'e' => out.push('\u{1b}'),
            'N' => out.push('\u{85}'),
            '_' => out.push('\u{a0}'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\n' => {}
            e @ ('x' | 'u' | 'U') => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(n).collect();
                let code = u32::from_str_radix(&hex, 16).map_err(|_| bad())?;
                out.push(char::from_u32(code).ok_or_else(bad)?);
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// Line breaks inside a quoted scalar: one break becomes a space, n breaks n−1 newlines.
fn fold_lines(inner: &str) -> String {
    if !inner.contains('\n') {
        return inner.to_string();
    }
    let parts: Vec<&str> = inner.split('\n').collect();
    let mut out = String::new();
    let mut breaks = 0;
    for (i, p) in parts.iter().enumerate() {
        let p = if i == 0 { p.trim_end() } else { p.trim() };
        if i > 0 {
            if p.is_empty() && i + 1 < parts.len() {
                breaks += 1;
                continue;
            }
            if breaks == 0 {
                out.push(' ');
            } else {
                out.extend(core::iter::repeat_n('\n', breaks));
            }
            breaks = 0;
        }
        out.push_str(p);
    }
    out
}

/// A flow collection reader over joined text.
pub(super) struct Flow<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    column: usize,
    depth: usize,
    pub(super) nodes: usize,
}

impl<'a> Flow<'a> {
    pub(super) fn new(text: &'a str, line: usize, column: usize, depth: usize) -> Flow<'a> {
        Flow {
            text,
            at: 0,
            line,
            column,
            depth,
            nodes: 0,
        }
    }

    fn err(&self, reason: &str) -> InspectError {
        // The line within the joined text, for a value that spans lines.
        let before = &self.text[..self.at.min(self.text.len())];
        let extra = before.matches('\n').count();
        let col = if extra == 0 {
            self.column + self.at + 1
        } else {
            before.len() - before.rfind('\n').unwrap_or(0)
        };
        error(self.line + extra, col, reason)
    }

    fn skip_ws(&mut self) {
        let b = self.text.as_bytes();
        while self.at < b.len() {
            match b[self.at] {
                b' ' | b'\t' | b'\n' | b'\r' => self.at += 1,
                b'#' => {
                    while self.at < b.len() && b[self.at] != b'\n' {
                        self.at += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    pub(super) fn end(&mut self) -> Result<(), InspectError> {
        self.skip_ws();
        if self.at < self.text.len() {
            return Err(self.err("text after a flow collection"));
        }
        Ok(())
    }

    pub(super) fn value(&mut self) -> Result<Node, InspectError> {
        self.skip_ws();
        self.nodes += 1;
        match self.peek() {
            Some(b'[') => self.collection(b']'),
            Some(b'{') => self.collection(b'}'),
            Some(b'*' | b'&') => Err(self.err("anchors and aliases inside `[…]` or `{…}`")),
            Some(q @ (b'"' | b'\'')) => {
                let rest = &self.text[self.at..];
                let end =
                    quoted_end(rest, q).ok_or_else(|| self.err("an unclosed quoted string"))?;
                let s = unquote(&rest[..end], self.line, self.column + self.at)?;
                self.at += end;
                Ok(Node::Scalar(s))
            }
            Some(_) => {
                let rest = &self.text[self.at..];
                let b = rest.as_bytes();
                let mut end = 0;
                while end < b.len() {
                    match b[end] {
                        b',' | b']' | b'}' | b'\n' => break,
                        b':' if end + 1 == b.len() || matches!(b[end + 1], b' ' | b',' | b'\n') => {
                            break;
                        }
                        _ => end += 1,
                    }
                }
                self.at += end;
                Ok(plain(&rest[..end]))
            }
            None => Ok(Node::Null),
        }
    }

    fn collection(&mut self, close: u8) -> Result<Node, InspectError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.at += 1;
        let is_map = close == b'}';
        let mut seq = Vec::new();
        let mut map = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.at += 1;
                break;
            }
            let first = self.value()?;
            self.skip_ws();
            let pair = if self.peek() == Some(b':') {
                self.at += 1;
                Some(self.value()?)
            } else {
                None
            };
            if is_map {
                let key = match first {
                    Node::Scalar(s) => s,
                    Node::Null => String::new(),
                    _ => return Err(self.err("a collection as a mapping key")),
                };
                map.push((key, pair.unwrap_or(Node::Null)));
            } else {
                seq.push(match pair {
                    // `[k: v]` is a one-entry map inside a sequence.
                    Some(v) => Node::Map(vec![(scalar_text(first), v)]),
                    None => first,
                });
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(c) if c == close => {}
                _ => return Err(self.err("expected `,` or the end of a flow collection")),
            }
        }
        self.depth -= 1;
        Ok(if is_map {
            Node::Map(map)
        } else {
            Node::Seq(seq)
        })
    }
}

fn scalar_text(n: Node) -> String {
    match n {
        Node::Scalar(s) => s,
        _ => String::new(),
    }
}

//! PEM scanning: any number of blocks, with text around and between them, CRLF line ends,
//! indentation and odd line lengths. Private-key blocks are recognised by their label and
//! their contents are never decoded or copied.

use super::error::InspectError;
use super::text::{decode_canonical, decode_compact, is_base64_byte};
use crate::substring::contains;

/// One `-----BEGIN X-----` … `-----END X-----` block.
#[derive(Debug)]
pub(crate) struct PemBlock<'a> {
    /// The label (`CERTIFICATE`, `RSA PRIVATE KEY`, …), borrowed from the input.
    pub label: &'a str,
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// The decoded contents, or why they could not be decoded. Always `Ok(empty)` for
    /// secret blocks, which are not decoded.
    pub data: Result<Vec<u8>, InspectError>,
}

impl PemBlock<'_> {
    /// Whether the label names a private key (never decoded, never shown).
    pub fn is_secret(&self) -> bool {
        is_secret_label(self.label)
    }
}

/// Labels whose contents are secret.
pub(crate) fn is_secret_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY") || contains(label, "SECRET")
}

/// Labels that hold an X.509 certificate.
pub(crate) fn is_certificate_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

fn begin_label(line: &str) -> Option<&str> {
    // Body lines hold no `-`: reject them without a substring search.
    if !line.as_bytes().contains(&b'-') {
        return None;
    }
    let rest = after(line, "-----BEGIN ")?;
    let end = find_marker(rest, "-----")?;
    Some(rest[..end].trim())
}

fn end_label(line: &str) -> Option<&str> {
    if !line.as_bytes().contains(&b'-') {
        return None;
    }
    let rest = after(line, "-----END ")?;
    let end = find_marker(rest, "-----").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Where `marker` (which starts with `-`) first occurs in `line`: `str::find` without
/// building a substring searcher for every line of a bundle (they cost more than the
/// search on lines this short).
fn find_marker(line: &str, marker: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes.get(from..)?.iter().position(|&b| b == b'-') {
        let at = from + i;
        if bytes[at..].starts_with(marker.as_bytes()) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// What follows the first `marker` in `line`.
fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    find_marker(line, marker).map(|at| &line[at + marker.len()..])
}

/// Whether the text holds at least one BEGIN line.
pub(crate) fn has_pem(text: &str) -> bool {
    contains(text, "-----BEGIN ")
}

/// The input's lines with their 1-based numbers and where each ends, as `text.split('\n')`
/// yields them (a trailing `\r` removed), able to jump ahead after a block read in bulk.
struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the next line; `None` once the last line was yielded.
    pos: Option<usize>,
    /// Number of the next line.
    number: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text,
            pos: Some(0),
            number: 1,
        }
    }

    /// The next line, its number and the offset after it, without consuming it.
    fn peek(&self) -> Option<(usize, &'a str, Option<usize>)> {
        let pos = self.pos?;
        let rest = &self.text[pos..];
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], Some(pos + i + 1)),
            None => (rest, None),
        };
        Some((self.number, line.strip_suffix('\r').unwrap_or(line), next))
    }

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let (n, line, next) = self.peek()?;
        self.pos = next;
        self.number += 1;
        Some((n, line))
    }
}

/// Find every PEM block. Linear in the input: each line is looked at once, and a block's
/// body at most twice (in bulk, then line by line when the bulk read finds anything odd).
pub(crate) fn scan(text: &str) -> Vec<PemBlock<'_>> {
    scan_with(text, true)
}

fn scan_with(text: &str, bulk: bool) -> Vec<PemBlock<'_>> {
    let mut blocks = Vec::new();
    let mut lines = Lines::new(text);
    // One buffer for every bulk-read body: a bundle has hundreds of blocks.
    let mut body = Vec::new();
    while let Some((line_no, line)) = lines.next() {
        let Some(label) = begin_label(line) else {
            continue;
        };
        let secret = is_secret_label(label);
        let bulk = match lines.pos {
            Some(start) if bulk && !secret => read_plain_body(text, start, label, &mut body),
            _ => None,
        };
        let data = match bulk {
            Some((der, next, newlines)) => {
                lines.pos = next;
                lines.number += newlines;
                Ok(der)
            }
            None => read_body_by_line(&mut lines, line_no, label, secret),
        };
        blocks.push(PemBlock {
            label,
            line: line_no,
            data,
        });
    }
    blocks
}

/// The common block read in bulk: nothing but base64 lines (LF or CRLF) up to an END line
/// with the same label at the start of a line, decoding canonically. Returns the data, the
/// offset after the END line and the number of lines read (END included); `None` when
/// anything is unusual, and [`read_body_by_line`] then decides, so the answer is the same.
/// `body` is scratch space for the base64 text (its contents on entry are dropped).
fn read_plain_body(
    text: &str,
    start: usize,
    label: &str,
    body: &mut Vec<u8>,
) -> Option<(Vec<u8>, Option<usize>, usize)> {
    let bytes = text.as_bytes();
    // Base64 holds no `-`: the first one after the BEGIN line must open the END line.
    let dash = start + text[start..].find('-')?;
    if (dash > start && bytes[dash - 1] != b'\n') || !bytes[dash..].starts_with(b"-----END ") {
        return None;
    }
    let end = Lines {
        text,
        pos: Some(dash),
        number: 0,
    };
    let (_, end_line, next) = end.peek()?;
    if begin_label(end_line).is_some() || end_label(end_line) != Some(label) {
        return None;
    }
    let region = &bytes[start..dash];
    body.clear();
    body.reserve(region.len());
    // Lines read so far, the END line included.
    let mut newlines = 1;
    let mut rest = region;
    while !rest.is_empty() {
        // PEM writers break lines at 64 characters: look there first, search otherwise.
        let eol = match rest.get(64) {
            Some(b'\n') => 64,
            _ => rest.iter().position(|&b| b == b'\n')?,
        };
        let line = &rest[..eol];
        body.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        newlines += 1;
        rest = &rest[eol + 1..];
    }
    // An empty body is an error the careful reader words.
    if body.is_empty() {
        return None;
    }
    let der = decode_canonical(body)?;
    Some((der, next, newlines))
}

/// A block's body line by line, as far as its END line (or the next BEGIN line, which is
/// left for the caller): headers, whitespace, bad characters and mismatched labels.
fn read_body_by_line(
    lines: &mut Lines<'_>,
    line_no: usize,
    label: &str,
    secret: bool,
) -> Result<Vec<u8>, InspectError> {
    // Base64 characters only, checked as they are collected, decoded once at the end.
    let mut body: Vec<u8> = Vec::with_capacity(2048);
    let mut ended = false;
    let mut error: Option<InspectError> = None;
    let mut in_headers = true;
    while let Some((n, l, _)) = lines.peek() {
        // The common line: base64 characters only. It holds no `-` (neither BEGIN nor
        // END), no `:` (no header) and no whitespace, so it is collected whole.
        if !secret && !l.is_empty() && l.bytes().all(is_base64_byte) {
            lines.next();
            body.extend_from_slice(l.as_bytes());
            in_headers = false;
            continue;
        }
        // Body lines (no `-`) skip the BEGIN/END checks entirely.
        let dashed = l.as_bytes().contains(&b'-');
        if dashed && begin_label(l).is_some() {
            // Another block starts before this one ended: truncated.
            break;
        }
        lines.next();
        if let Some(end) = dashed.then(|| end_label(l)).flatten() {
            if end != label && error.is_none() {
                error = Some(InspectError::Pem {
                    line: line_no,
                    label: label.to_string(),
                    reason: format!(
                        "ends with `-----END {end}-----` at line {n}: the labels differ"
                    ),
                });
            }
            ended = true;
            break;
        }
        if secret {
            continue;
        }
        let t = l.trim();
        // RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) come first, then a blank line.
        if in_headers && t.contains(':') {
            continue;
        }
        if !t.is_empty() {
            in_headers = false;
        }
        // One pass: collect base64 characters, skip whitespace, stop at anything else.
        let before = body.len();
        let mut bad = None;
        for (pos, b) in t.bytes().enumerate() {
            if is_base64_byte(b) {
                body.push(b);
            } else if !b.is_ascii_whitespace() {
                bad = Some(pos);
                break;
            }
        }
        if bad.is_some() {
            body.truncate(before);
        }
        if error.is_none()
            && let Some(pos) = bad
        {
            error = Some(InspectError::Pem {
                line: line_no,
                label: label.to_string(),
                reason: format!(
                    "line {n}, column {}: not a base64 character",
                    l.len() - l.trim_start().len() + pos + 1
                ),
            });
        }
    }
    if let Some(e) = error {
        Err(e)
    } else if !ended {
        Err(InspectError::Pem {
            line: line_no,
            label: label.to_string(),
            reason: "no END line: the block is truncated".into(),
        })
    } else if secret {
        Ok(Vec::new())
    } else {
        decode_compact(&body, &|| format!("PEM block `{label}` at line {line_no}")).map_err(|e| {
            InspectError::Pem {
                line: line_no,
                label: label.to_string(),
                reason: match e {
                    InspectError::Base64 { reason, .. } => format!("base64: {reason}"),
                    other => other.to_string(),
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_with_text_crlf_and_indentation() {
        let text = "subject=CN = x\r\n  -----BEGIN CERTIFICATE-----\r\n  QUJD\r\n  REVG\r\n  -----END CERTIFICATE-----\r\ntrailing\n-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n";
        let blocks = scan(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].line, 2);
        assert_eq!(blocks[0].data.as_ref().unwrap(), b"ABCDEF");
        assert!(blocks[1].is_secret());
        assert!(
            blocks[1].data.as_ref().unwrap().is_empty(),
            "secret bodies are not decoded"
        );
    }

    proptest::proptest! {
        /// The marker search is `str::find`, on lines made of dashes, marker pieces and
        /// other text (multi-byte characters included).
        #[test]
        fn marker_search_is_str_find(line in "(-|--|-----|BEGIN |END |-----BEGIN |x|é| )*") {
            for marker in ["-----BEGIN ", "-----END ", "-----"] {
                proptest::prop_assert_eq!(find_marker(&line, marker), line.find(marker));
            }
        }
    }

    /// Reading in bulk gives exactly what reading line by line gives, on every shape of
    /// block: CRLF, blank lines, headers, whitespace, mid-line END, nested BEGIN, bad
    /// padding, mismatched or missing END, text around.
    #[test]
    fn bulk_reading_answers_as_line_by_line_reading_does() {
        let pieces = [
            "-----BEGIN CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\r\n",
            "QUJD\n",
            "QUJD\r\n",
            "QUI=\n",
            "QQ==\n",
            "QR==\n",
            "QUJ\n",
            "\n",
            "\r\r\n",
            "  QUJD\n",
            "QU JD\n",
            "QU*D\n",
            "Proc-Type: 4,ENCRYPTED\n",
            "QUJD-----END CERTIFICATE-----\n",
            "-----END CERTIFICATE-----\n",
            "-----END CERTIFICATE-----",
            "-----END CERTIFICATE-----\r\n",
            "-----END X509 CRL-----\n",
            "-----END CERTIFICATE----------BEGIN CERTIFICATE-----\n",
            " -----END CERTIFICATE-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\n",
            "-----END RSA PRIVATE KEY-----\n",
            "text between\n",
        ];
        let show = |blocks: Vec<PemBlock>| -> Vec<String> {
            blocks
                .into_iter()
                .map(|b| format!("{} {} {:?}", b.label, b.line, b.data))
                .collect()
        };
        // Every sequence of up to four pieces, and some longer ones built from them.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let mut longer = Vec::new();
            for t in &texts {
                for p in pieces {
                    longer.push(format!("{t}{p}"));
                }
            }
            texts.extend(longer);
            texts.dedup();
        }
        assert!(texts.len() > 300_000);
        for t in &texts {
            assert_eq!(show(scan_with(t, true)), show(scan_with(t, false)), "{t:?}");
        }
    }

    #[test]
    fn truncated_mislabelled_and_bad_characters() {
        let b = scan("-----BEGIN CERTIFICATE-----\nQUJD\n");
        assert!(
            matches!(&b[0].data, Err(InspectError::Pem { reason, .. }) if reason.contains("truncated"))
        );
        let b = scan("-----BEGIN CERTIFICATE-----\nQUJD\n-----END X509 CRL-----\n");
        assert!(
            matches!(&b[0].data, Err(InspectError::Pem { reason, .. }) if reason.contains("differ"))
        );
        let b = scan("-----BEGIN CERTIFICATE-----\nQU*D\n-----END CERTIFICATE-----\n");
        assert!(
            matches!(&b[0].data, Err(InspectError::Pem { reason, .. }) if reason.contains("line 2, column 3"))
        );
        let b = scan(
            "-----BEGIN CERTIFICATE-----\nQUJD\n-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
        );
        assert_eq!(b.len(), 2);
        assert!(b[0].data.is_err() && b[1].data.is_ok());
    }
}

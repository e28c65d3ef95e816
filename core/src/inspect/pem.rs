//! PEM scanning: any number of blocks, with text around and between them, CRLF line ends,
//! indentation and odd line lengths. Private-key blocks are recognised by their label and
//! their contents are never decoded or copied.

use super::error::InspectError;
use super::text::{decode_compact, is_base64_byte, numbered_lines};

/// One `-----BEGIN X-----` … `-----END X-----` block.
#[derive(Debug)]
pub(crate) struct PemBlock {
    /// The label (`CERTIFICATE`, `RSA PRIVATE KEY`, …).
    pub label: String,
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// The decoded contents, or why they could not be decoded. Always `Ok(empty)` for
    /// secret blocks, which are not decoded.
    pub data: Result<Vec<u8>, InspectError>,
}

impl PemBlock {
    /// Whether the label names a private key (never decoded, never shown).
    pub fn is_secret(&self) -> bool {
        is_secret_label(&self.label)
    }
}

/// Labels whose contents are secret.
pub(crate) fn is_secret_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY") || label.contains("SECRET")
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
    let start = line.find("-----BEGIN ")? + "-----BEGIN ".len();
    let rest = &line[start..];
    let end = rest.find("-----")?;
    Some(rest[..end].trim())
}

fn end_label(line: &str) -> Option<&str> {
    if !line.as_bytes().contains(&b'-') {
        return None;
    }
    let start = line.find("-----END ")? + "-----END ".len();
    let rest = &line[start..];
    let end = rest.find("-----").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Whether the text holds at least one BEGIN line.
pub(crate) fn has_pem(text: &str) -> bool {
    text.contains("-----BEGIN ")
}

/// Find every PEM block. Linear in the input: each line is looked at once.
pub(crate) fn scan(text: &str) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    let mut lines = numbered_lines(text).peekable();
    while let Some((line_no, line)) = lines.next() {
        let Some(label) = begin_label(line) else {
            continue;
        };
        let label = label.to_string();
        let secret = is_secret_label(&label);
        // Base64 characters only, checked as they are collected, decoded once at the end.
        let mut body: Vec<u8> = Vec::with_capacity(2048);
        let mut ended = false;
        let mut error: Option<InspectError> = None;
        let mut in_headers = true;
        while let Some(&(n, l)) = lines.peek() {
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
                        label: label.clone(),
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
                    label: label.clone(),
                    reason: format!(
                        "line {n}, column {}: not a base64 character",
                        l.len() - l.trim_start().len() + pos + 1
                    ),
                });
            }
        }
        let data = if let Some(e) = error {
            Err(e)
        } else if !ended {
            Err(InspectError::Pem {
                line: line_no,
                label: label.clone(),
                reason: "no END line: the block is truncated".into(),
            })
        } else if secret {
            Ok(Vec::new())
        } else {
            decode_compact(&body, &|| format!("PEM block `{label}` at line {line_no}")).map_err(
                |e| InspectError::Pem {
                    line: line_no,
                    label: label.clone(),
                    reason: match e {
                        InspectError::Base64 { reason, .. } => format!("base64: {reason}"),
                        other => other.to_string(),
                    },
                },
            )
        };
        blocks.push(PemBlock {
            label,
            line: line_no,
            data,
        });
    }
    blocks
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

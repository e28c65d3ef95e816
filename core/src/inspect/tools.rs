//! Text printed by the seed's check commands: `openssl x509 -text` (whole, or as
//! `grep -A2 Validity` leaves it), `openssl x509 -noout -dates|-enddate|-startdate`,
//! `curl -v` (the server-certificate block, or just `| grep expire`), and
//! `kubeadm certs check-expiration`.
//!
//! Formats, as published outputs of these commands show them: OpenSSL pads single-digit days with a space
//! (`Dec  8`), prints `Not After :` with a space before the colon, and may print fractional
//! seconds (`06:07:08.999`); curl indents with two spaces (`*  expire date:`) or, in older
//! NSS builds, a tab.

use super::Builder;
use super::classify::{AksRole, Hint};
use super::error::InspectError;
use super::model::{Status, Tool, ValidityReport};
use super::text::numbered_lines;
use crate::substring::contains;
use crate::time::Instant;

/// Parse an OpenSSL date, dropping fractional seconds (`Dec  1 06:07:08.999 2057 GMT`).
/// Returns the instant and whether a fraction was dropped.
pub(crate) fn openssl_date(s: &str) -> Option<(Instant, bool)> {
    let mut had_fraction = false;
    let cleaned: Vec<String> = s
        .split_whitespace()
        .map(|w| {
            if w.contains(':')
                && let Some((hms, frac)) = w.split_once('.')
                && frac.chars().all(|c| c.is_ascii_digit())
            {
                had_fraction = true;
                return hms.to_string();
            }
            w.to_string()
        })
        .collect();
    Instant::parse_openssl(&cleaned.join(" "))
        .ok()
        .map(|i| (i, had_fraction))
}

fn blank(location: String, tool: Tool) -> ValidityReport {
    ValidityReport {
        index: 0,
        location,
        tool,
        name: None,
        subject: None,
        issuer: None,
        serial: None,
        is_ca: None,
        not_before: None,
        not_after: None,
        days_left: None,
        status: Status::Unknown,
        role: AksRole::Unknown,
        role_reason: String::new(),
        next_rotation: None,
        detail: None,
        warnings: Vec::new(),
    }
}

/// `Not Before:` / `Not After :` / `notBefore=` / `notAfter=` with the date part.
fn date_field(line: &str) -> Option<(bool, &str)> {
    let l = line.trim();
    for (prefix, before) in [
        ("Not Before:", true),
        ("Not Before :", true),
        ("Not After :", false),
        ("Not After:", false),
        ("notBefore=", true),
        ("notAfter=", false),
    ] {
        if let Some(rest) = l.strip_prefix(prefix) {
            return Some((before, rest.trim()));
        }
    }
    None
}

/// Whether the text is `openssl x509 -text` output (or its Validity excerpt).
pub(crate) fn looks_like_openssl_text(t: &str) -> bool {
    t.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("Not After :")
            || l.starts_with("Not After:")
            || l.starts_with("Not Before:")
            || l == "Validity"
    })
}

/// Whether the text is `openssl x509 -noout -dates` style output (or openssl's failure
/// to load the certificate).
pub(crate) fn looks_like_openssl_dates(t: &str) -> bool {
    t.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("notAfter=") || l.starts_with("notBefore=") || openssl_failure(l)
    })
}

/// OpenSSL's messages when it cannot load a certificate.
fn openssl_failure(l: &str) -> bool {
    let l = l.trim();
    l == "Unable to load certificate"
        || l.starts_with("Could not read certificate from")
        || l.starts_with("Could not open file or uri for loading certificate")
}

/// Read `openssl x509` text: `-text` blocks and `-noout -dates|-enddate|-startdate|-subject|
/// -issuer|-serial` lines, several certificates' worth in one input.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_openssl(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let mut cur: Option<ValidityReport> = None;
    let mut cur_tool = Tool::OpensslDates;
    let mut serial_next = false;
    let flush = |cur: &mut Option<ValidityReport>, b: &mut Builder<'_>| {
        if let Some(v) = cur.take() {
            b.add_validity(v, Hint::None);
        }
    };
    for (n, line) in numbered_lines(t) {
        let l = line.trim();
        if serial_next {
            serial_next = false;
            if let Some(v) = cur.as_mut()
                && !l.is_empty()
                && l.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
            {
                v.serial = Some(l.to_string());
                continue;
            }
        }
        if l == "CA:TRUE" || l.starts_with("CA:TRUE,") || l == "CA:FALSE" {
            if let Some(v) = cur.as_mut() {
                v.is_ca = Some(l.starts_with("CA:TRUE"));
            }
            continue;
        }
        if l.starts_with("Certificate:") {
            flush(&mut cur, b);
            cur = Some(blank(format!("line {n}"), Tool::OpensslText));
            cur_tool = Tool::OpensslText;
            continue;
        }
        let field = date_field(l)
            .map(|(before, d)| (if before { "nb" } else { "na" }, d))
            .or_else(|| l.strip_prefix("Subject:").map(|r| ("subject", r.trim())))
            .or_else(|| l.strip_prefix("subject=").map(|r| ("subject", r.trim())))
            .or_else(|| l.strip_prefix("Issuer:").map(|r| ("issuer", r.trim())))
            .or_else(|| l.strip_prefix("issuer=").map(|r| ("issuer", r.trim())))
            .or_else(|| {
                l.strip_prefix("Serial Number:")
                    .map(|r| ("serial", r.trim()))
            })
            .or_else(|| l.strip_prefix("serial=").map(|r| ("serial", r.trim())));
        let Some((key, value)) = field else { continue };
        let tool = if l.contains('=') && !l.starts_with("Subject:") && !l.starts_with("Issuer:") {
            Tool::OpensslDates
        } else {
            Tool::OpensslText
        };
        // A field seen twice starts the next certificate's output.
        let repeat = cur.as_ref().is_some_and(|v| match key {
            "nb" => v.not_before.is_some(),
            "na" => v.not_after.is_some(),
            "subject" => v.subject.is_some(),
            "issuer" => v.issuer.is_some(),
            _ => v.serial.is_some(),
        });
        if cur.is_none() || repeat {
            flush(&mut cur, b);
            cur = Some(blank(format!("line {n}"), tool));
            cur_tool = tool;
        }
        let v = cur.as_mut().ok_or_else(|| InspectError::ToolOutput {
            tool: "openssl x509".into(),
            line: n,
            reason: "internal: no current row".into(),
        })?;
        v.tool = cur_tool;
        match key {
            "nb" | "na" => {
                let (instant, frac) =
                    openssl_date(value).ok_or_else(|| InspectError::ToolOutput {
                        tool: "openssl x509".into(),
                        line: n,
                        reason: format!(
                            "`{value}` is not an OpenSSL date like `May 12 08:15:47 2049 GMT`"
                        ),
                    })?;
                if frac {
                    v.warnings.push(format!("line {n}: fractional seconds in `{value}` (the certificate's time has a fraction; truncated)"));
                }
                if key == "nb" {
                    v.not_before = Some(instant);
                } else {
                    v.not_after = Some(instant);
                }
            }
            "subject" => v.subject = Some(value.to_string()),
            "issuer" => v.issuer = Some(value.to_string()),
            _ => {
                if value.is_empty() {
                    serial_next = true;
                } else {
                    v.serial = Some(value.to_string());
                }
            }
        }
    }
    flush(&mut cur, b);
    if b.doc_mut().validities.is_empty()
        && let Some((n, l)) = numbered_lines(t).find(|(_, l)| openssl_failure(l))
    {
        // openssl's own failure output: the fact is that the certificate could not be read.
        b.attention(format!(
            "openssl could not load the certificate (line {n}: `{}`)",
            l.trim()
        ));
        return Ok(());
    }
    if b.doc_mut().validities.is_empty() {
        return Err(InspectError::ToolOutput {
            tool: "openssl x509".into(),
            line: 1,
            reason: "no `Not Before`/`Not After` or `notBefore=`/`notAfter=` line".into(),
        });
    }
    Ok(())
}

/// Whether the text is `curl -v` output.
pub(crate) fn looks_like_curl(t: &str) -> bool {
    [
        "expire date:",
        "Server certificate:",
        "SSL certificate problem",
        "SSL certificate verify",
    ]
    .iter()
    .any(|marker| contains(t, marker))
}

/// `*  expire date: …` with curl's `*`, optional leading space and tab/space indentation.
fn curl_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let l = line.trim_start().strip_prefix('*')?.trim_start();
    l.strip_prefix(key).map(str::trim)
}

/// Read `curl -v` output: each `Server certificate:` block (or lone `expire date:` lines)
/// becomes a row; verification results and `SSL certificate problem` lines are kept.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_curl(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let mut cur: Option<ValidityReport> = None;
    let mut problem: Option<(usize, String)> = None;
    let mut verify_failures: Vec<String> = Vec::new();
    let flush = |cur: &mut Option<ValidityReport>, b: &mut Builder<'_>| {
        if let Some(v) = cur.take() {
            b.add_validity(v, Hint::None);
        }
    };
    for (n, line) in numbered_lines(t) {
        if line.trim_start().trim_start_matches('*').trim() == "Server certificate:" {
            flush(&mut cur, b);
            cur = Some(blank(format!("line {n}"), Tool::Curl));
            continue;
        }
        if let Some(p) = line
            .trim_start()
            .strip_prefix("* SSL certificate problem:")
            .or_else(|| {
                line.trim_start()
                    .strip_prefix("curl: (60) SSL certificate problem:")
            })
        {
            problem.get_or_insert((n, p.trim().to_string()));
            continue;
        }
        for key in [
            "subject:",
            "issuer:",
            "start date:",
            "expire date:",
            "SSL certificate verify",
            "subjectAltName:",
        ] {
            let Some(value) = curl_field(line, key) else {
                continue;
            };
            if cur.is_none()
                || (key == "expire date:" && cur.as_ref().is_some_and(|v| v.not_after.is_some()))
            {
                flush(&mut cur, b);
                cur = Some(blank(format!("line {n}"), Tool::Curl));
            }
            let Some(v) = cur.as_mut() else { break };
            match key {
                "subject:" => v.subject = Some(value.to_string()),
                "issuer:" => v.issuer = Some(value.to_string()),
                "start date:" | "expire date:" => {
                    let (instant, _) =
                        openssl_date(value).ok_or_else(|| InspectError::ToolOutput {
                            tool: "curl -v".into(),
                            line: n,
                            reason: format!(
                                "`{value}` is not a date like `Aug  4 13:23:07 2025 GMT`"
                            ),
                        })?;
                    if key == "start date:" {
                        v.not_before = Some(instant);
                    } else {
                        v.not_after = Some(instant);
                    }
                }
                "subjectAltName:" => {}
                _ => {
                    // `verify result: … (20), continuing anyway` (curl -k) is a failure
                    // curl was told to ignore; the certificate is still not trusted.
                    if !value.starts_with("ok")
                        && !value.contains("certificate has expired")
                        && !value.contains("(0)")
                    {
                        verify_failures.push(format!(
                            "curl could not verify the server certificate (line {n}): SSL certificate verify {value}"
                        ));
                    }
                    v.detail = Some(format!("SSL certificate verify {value}"));
                }
            }
            break;
        }
    }
    flush(&mut cur, b);
    if problem.is_none() {
        for f in verify_failures {
            b.attention(f);
        }
    }
    if let Some((n, p)) = problem {
        // curl stops before printing the certificate when verification fails.
        let mut v = blank(format!("line {n}"), Tool::Curl);
        v.status = if p.contains("expired") {
            Status::Expired
        } else {
            Status::Unknown
        };
        v.detail = Some(format!("SSL certificate problem: {p}"));
        // An expired certificate is flagged by its status; any other verification failure
        // (unknown issuer, self-signed chain, name mismatch) is a failure too.
        if v.status != Status::Expired {
            b.attention(format!(
                "curl could not verify the server certificate (line {n}): SSL certificate problem: {p}"
            ));
        }
        if b.doc_mut().validities.is_empty() {
            b.add_validity(v, Hint::None);
        } else if let Some(last) = b.doc_mut().validities.last_mut() {
            last.detail = v.detail;
        }
    }
    if b.doc_mut().validities.is_empty() {
        return Err(InspectError::ToolOutput {
            tool: "curl -v".into(),
            line: 1,
            reason: "no `expire date:` line and no SSL certificate problem".into(),
        });
    }
    Ok(())
}

/// Whether the text is `kubeadm certs check-expiration` output: its header, or two rows.
///
/// A row is recognised by its shape alone ([`kubeadm_row_words`]); whether its date is a
/// real one is the reader's question. Every build runs this sniffer (the calculator, which
/// does not read kubeadm output, names it in its error), and parsing the dates here linked
/// OpenSSL's date parser into that build: 1.2 KB gzip of the calculator (benches/README.md).
pub(crate) fn looks_like_kubeadm(t: &str) -> bool {
    t.lines()
        .any(|l| contains(l, "EXPIRES") && contains(l, "RESIDUAL TIME"))
        || t.lines().filter(|l| kubeadm_row_words(l).is_some()).count() >= 2
}

/// The words of a line shaped like a kubeadm row, `name  Mon DD, YYYY HH:MM UTC  residual
/// [ca]  [externally managed]`: at least six, the sixth `UTC`, and the date's words of the
/// right characters (a month's name, `DD,`, `YYYY`, `HH:MM`). The date is not parsed.
fn kubeadm_row_words(line: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let digits = |w: &str, most: usize| {
        (1..=most).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit())
    };
    let shaped = words.len() >= 6
        && crate::time::month_number(words[1]).is_some()
        && words[2].strip_suffix(',').is_some_and(|d| digits(d, 2))
        && digits(words[3], 4)
        && words[4]
            .split_once(':')
            .is_some_and(|(h, m)| digits(h, 2) && digits(m, 2))
        && words[5] == "UTC";
    shaped.then_some(words)
}

/// `name  Mon DD, YYYY HH:MM UTC  residual  [ca]  [externally managed]`: the name, the
/// expiry and the words after it, if the line has that shape and its date is a real one.
fn kubeadm_row(line: &str) -> Option<(String, Instant, Vec<String>)> {
    let words = kubeadm_row_words(line)?;
    let (name, mon, day, year, hm) = (
        words[0],
        words[1],
        words[2].trim_end_matches(','),
        words[3],
        words[4],
    );
    let text = format!("{mon} {day} {hm}:00 {year} GMT");
    let instant = Instant::parse_openssl(&text).ok()?;
    Some((
        name.to_string(),
        instant,
        words[6..].iter().map(|s| (*s).to_string()).collect(),
    ))
}

/// Read `kubeadm certs check-expiration`: one row per certificate and per CA.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_kubeadm(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let mut in_ca_table = false;
    for (n, line) in numbered_lines(t) {
        if line.starts_with("CERTIFICATE AUTHORITY") {
            in_ca_table = true;
            continue;
        }
        if line.starts_with("CERTIFICATE ") {
            in_ca_table = false;
            continue;
        }
        if let Some(missing) = line.trim().strip_prefix("!MISSING!") {
            b.note(format!(
                "line {n}: kubeadm reports {} missing",
                missing.trim()
            ));
            continue;
        }
        let Some((name, expires, rest)) = kubeadm_row(line) else {
            continue;
        };
        let mut v = blank(format!("line {n}"), Tool::Kubeadm);
        v.name = Some(name.clone());
        v.not_after = Some(expires);
        let residual = rest.first().cloned().unwrap_or_default();
        let ca = if in_ca_table {
            None
        } else {
            rest.get(1)
                .filter(|s| !matches!(s.as_str(), "no" | "yes" | "false" | "true"))
                .cloned()
        };
        v.detail = Some(match ca {
            Some(ca) => format!("kubeadm residual time {residual}, signed by {ca}"),
            None => format!("kubeadm residual time {residual}"),
        });
        let hint_name = name.clone();
        b.add_validity(v, Hint::KubeadmName(&hint_name));
    }
    if b.doc_mut().validities.is_empty() {
        return Err(InspectError::ToolOutput {
            tool: "kubeadm certs check-expiration".into(),
            line: 1,
            reason: "no row like `apiserver  Dec 30, 2020 23:36 UTC  364d  ca  no`".into(),
        });
    }
    Ok(())
}

//! Why an input could not be inspected.
//!
//! Every variant says *what* was wrong and *where* (a byte offset into the decoded bytes,
//! or a 1-based line of the text). No variant ever carries input text that could be a
//! secret: private keys, tokens and passwords are never copied into an error.

use serde::{Deserialize, Serialize};

use super::InputKind;

/// An input, or a part of one, that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(
    tag = "error",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum InspectError {
    /// Nothing to inspect.
    #[error("the input is empty")]
    Empty,
    /// The host could not read the input (core performs no I/O; hosts such as the CLI use
    /// this to report a missing or unreadable file in the same document).
    #[error("cannot read the input: {reason}")]
    Io {
        /// The operating system's reason.
        reason: String,
    },
    /// Over the documented size limit ([`super::MAX_INSPECT_BYTES`]).
    #[error("the input is {size} bytes, over the {limit}-byte limit for one input")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The bytes are not text in a supported encoding and not DER either.
    #[error("the input is not UTF-8/UTF-16 text or DER: {reason} (at byte {offset})")]
    Encoding {
        /// Byte offset of the first bad byte.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// Nothing recognisable was found.
    #[error(
        "no certificate, kubeconfig, or known tool output found{hint} (accepted: PEM, DER, base64 DER, kubeconfig YAML, openssl x509 -text/-dates/-enddate, curl -v, az vm|vmss run-command invoke, kubectl get csr, kubectl get nodes -L, kubeadm certs check-expiration, az aks show/list -o json)"
    )]
    Unrecognized {
        /// A hint about what the input looked like, starting with `: ` or empty.
        hint: String,
    },
    /// A PEM block is malformed.
    #[error("PEM block `{label}` starting at line {line}: {reason}")]
    Pem {
        /// 1-based line of the BEGIN line.
        line: usize,
        /// The block's label (never a secret).
        label: String,
        /// What is wrong.
        reason: String,
    },
    /// Base64 text could not be decoded.
    #[error("{what} is not valid base64: {reason}")]
    Base64 {
        /// Which field or region (e.g. "line 4" or "user `admin` client-certificate-data").
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A DER structure is malformed.
    #[error("{what}: malformed DER at byte {offset}: {reason}")]
    Der {
        /// Which structure (e.g. "certificate 1", "TBSCertificate.validity").
        what: String,
        /// Byte offset within the DER bytes of that certificate.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// Decoded data is not a certificate (e.g. a kubeconfig field holding a placeholder).
    #[error("{what} does not hold a certificate: {reason}")]
    NotACertificate {
        /// Which field or region.
        what: String,
        /// What it holds instead.
        reason: String,
    },
    /// PEM blocks were found, but none of them is a certificate.
    #[error("no CERTIFICATE block found; the input has {found}")]
    NoCertificate {
        /// Human list of the labels found (never their contents).
        found: String,
    },
    /// YAML syntax error (kubeconfig).
    #[error("YAML at line {line}, column {column}: {reason}")]
    Yaml {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message, with any secret value removed.
        reason: String,
    },
    /// JSON syntax error (az output).
    #[error("JSON at line {line}, column {column}: {reason}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        reason: String,
    },
    /// A recognised tool output that is malformed.
    #[error("{tool} output at line {line}: {reason}")]
    ToolOutput {
        /// Which tool's output (e.g. "kubectl get csr").
        tool: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The input is of a kind this build does not read ([`InputKind::available`]): a
    /// build without the `tool-output` feature reads certificates only.
    #[error(
        "input kind `{kind}` is not read by this build of akscert, which reads {read}",
        kind = kind.name(),
        read = InputKind::read_by_every_build()
    )]
    NotInThisBuild {
        /// The kind recognised (or asked for).
        kind: InputKind,
    },
    /// The input is structurally fine but has content the inspector will not process
    /// (e.g. too many certificates).
    #[error("{what}: {reason}")]
    Limit {
        /// Which limit.
        what: String,
        /// Details.
        reason: String,
    },
}

impl InspectError {
    /// Prefix the `what`/`reason` of this error with where it was found (used for errors
    /// found inside kubeconfig fields or nested tool output).
    pub(crate) fn within(self, context: &str) -> InspectError {
        match self {
            InspectError::Der {
                what,
                offset,
                reason,
            } => InspectError::Der {
                what: format!("{context}: {what}"),
                offset,
                reason,
            },
            InspectError::Base64 { what, reason } => InspectError::Base64 {
                what: format!("{context}: {what}"),
                reason,
            },
            InspectError::NotACertificate { what, reason } => InspectError::NotACertificate {
                what: format!("{context}: {what}"),
                reason,
            },
            other => other,
        }
    }
}

//! The outcome of a signature check, shared by the build with signature checks
//! (`signature.rs`) and the one without (`signature_unavailable.rs`).

/// The outcome of one signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigCheck {
    /// The signature verifies.
    Valid,
    /// It does not; the text is Go's error for it.
    #[cfg_attr(not(feature = "verify"), allow(dead_code))]
    Invalid(String),
    /// The algorithm or key type is not supported; the text says which.
    Unsupported(String),
    /// Not verified: the certificate names another issuer, so this CA cannot have signed
    /// it (Go does not even try it). The text says why.
    NotTried(String),
    /// Not verified: the names match but the key identifiers show another key signed it,
    /// so verification could only fail; the text is the error Go prints for that failure.
    Predicted(String),
}

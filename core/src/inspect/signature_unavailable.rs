//! Signature checks in a build without the `verify` feature (the calculator module): the
//! same interface as `signature.rs`, answering that the check is not in this build. Only
//! requests that ask for verification reach it; the API refuses those first, so this is
//! the honest answer of last resort, never a guess.

/// The outcome of one signature check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigCheck {
    /// The signature verifies (never, here).
    #[allow(dead_code)]
    Valid,
    /// It does not (never, here).
    #[allow(dead_code)]
    Invalid(String),
    /// The check was not made; the text says why.
    Unsupported(String),
}

/// What `signature::verify_signature` says in a build without signature checks.
pub(crate) fn verify_signature(
    _issuer_spki: &[u8],
    _sig_alg: &[u8],
    _tbs: &[u8],
    _signature: &[u8],
) -> SigCheck {
    SigCheck::Unsupported(
        "signature checks are not in this build of akscert (the calculator module); the full module and the CLI make them".into(),
    )
}

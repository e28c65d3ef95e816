//! Signature checks in a build without the `verify` feature (the calculator and full
//! modules): the same interface as `signature.rs`, answering that the check is not in this
//! build. The API refuses the requests that need one (`inspectSet`, `checkTrust`,
//! `verify: true`) before they get here, so this is the honest answer of last resort,
//! never a guess.

pub(crate) use super::sig_check::SigCheck;

/// Why nothing is verified here.
pub(crate) const UNAVAILABLE: &str = "signature checks are not in this build of akscert; the trust module (akscert/trust) and the CLI make them";

/// An issuer's public key; this build keeps nothing of it.
pub(crate) struct IssuerKey<'a> {
    _spki: core::marker::PhantomData<&'a [u8]>,
}

impl<'a> IssuerKey<'a> {
    /// Accepts any key: there is nothing to decode it for.
    pub(crate) fn parse(_spki: &'a [u8]) -> Option<IssuerKey<'a>> {
        Some(IssuerKey {
            _spki: core::marker::PhantomData,
        })
    }

    /// Not verified in this build.
    pub(crate) fn verify(
        &self,
        _sig_alg: &[u8],
        _tbs: &[u8],
        _signature: &[u8],
        _dry: bool,
    ) -> SigCheck {
        SigCheck::Unsupported(UNAVAILABLE.into())
    }
}

/// Not verified in this build.
pub(crate) fn verify_signature(
    _issuer_spki: &[u8],
    _sig_alg: &[u8],
    _tbs: &[u8],
    _signature: &[u8],
) -> SigCheck {
    SigCheck::Unsupported(UNAVAILABLE.into())
}

//! How an [`Inspection`](super::Inspection) part that only other tools' readers fill
//! (`validities`, `kubeconfig`, `csrs`, `nodes`, `clusters`, `operations`, `runCommand`;
//! `trust`, which only signature checks fill) is written by a build without them — the
//! calculator module, where nothing can fill it.
//!
//! The derived `Serialize` would link each part's row serializers (and the list writer
//! instantiated for each) though they never run: 1.7 KB gzip of the calculator module
//! (benches/README.md, "Module size"). These write the empty value, `[]` or `null`, as the
//! derived code writes an empty part, and refuse a filled one rather than drop its rows.

use serde::Serializer;
use serde::ser::{Error, SerializeSeq};

/// Why a part could not be written: it holds rows this build has no writer for.
const FILLED: &str = "an inspection part this build does not read was filled";

/// An empty list as `[]`; a filled one is an error.
pub(crate) fn list<T, S: Serializer>(rows: &[T], s: S) -> Result<S::Ok, S::Error> {
    if !rows.is_empty() {
        return Err(S::Error::custom(FILLED));
    }
    s.serialize_seq(Some(0))?.end()
}

/// `None` as `null`; a value is an error.
#[cfg(not(feature = "tool-output"))]
pub(crate) fn option<T, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    if value.is_some() {
        return Err(S::Error::custom(FILLED));
    }
    s.serialize_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written as the derived code writes an empty part, through both JSON writers.
    #[test]
    fn an_empty_part_is_written_as_the_derive_writes_it_and_a_filled_one_is_refused() {
        let empty: Vec<String> = Vec::new();
        let mut out = Vec::new();
        list(&empty, &mut serde_json::Serializer::new(&mut out)).expect("written");
        assert_eq!(out, serde_json::to_vec(&empty).expect("derive"));
        let filled = vec!["row".to_string()];
        let e =
            list(&filled, &mut serde_json::Serializer::new(&mut Vec::new())).expect_err("refused");
        assert_eq!(e.to_string(), FILLED);
        #[cfg(not(feature = "tool-output"))]
        {
            let none: Option<String> = None;
            let mut out = Vec::new();
            option(&none, &mut serde_json::Serializer::new(&mut out)).expect("written");
            assert_eq!(out, serde_json::to_vec(&none).expect("derive"));
            let e = option(&Some(1), &mut serde_json::Serializer::new(&mut Vec::new()))
                .expect_err("refused");
            assert_eq!(e.to_string(), FILLED);
        }
    }
}

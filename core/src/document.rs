//! Reading akscert's documents back.
//!
//! Every document akscert writes — [`Timeline`](crate::engine::Timeline) and
//! [`ClusterTimeline`](crate::engine::ClusterTimeline),
//! [`ExpiryReport`](crate::report::ExpiryReport), [`WhatIf`](crate::report::WhatIf),
//! [`Inspection`](crate::inspect::Inspection) and
//! [`InspectionSet`](crate::inspect::InspectionSet), the error document — deserialises into
//! the very type that wrote it, and writing the value read gives the same bytes (a
//! property test holds every face of akscert to that). Other programs (and akscert's own
//! CLI) therefore read results with these types rather than with hand-written mirrors.
//!
//! What a reader accepts is decided by one rule: **`apiVersion` is the compatibility
//! contract.**
//!
//! - *Unknown fields are ignored* (no `deny_unknown_fields` on output types). Within
//!   `akscert/v1` a newer akscert may add fields — an extra fact on an event, a new
//!   summary count — and a program built against an older akscert-core must keep reading
//!   its documents. (A value read that way writes back without the new fields, so the
//!   byte-for-byte round trip holds for documents of the reader's own version.) Input
//!   types — scenarios, requests, policies — are the opposite: they refuse unknown fields,
//!   because there an unknown field is almost always a typo that would otherwise be
//!   silently ignored.
//! - *Unknown values are refused.* A new event `type`, certificate role, status or
//!   operation changes what a document means; a reader that does not know it cannot
//!   interpret it and says so (`unknown variant …`, with the JSON path when read through
//!   [`api::parse`](crate::api::parse)) instead of guessing.
//! - *`apiVersion` and `kind` are checked.* A top-level document must say
//!   `apiVersion: "akscert/v1"` and its own `kind` (`Timeline`, `ExpiryReport` …): a
//!   document of another version may mean something else by the same field names, and a
//!   document of another kind is the wrong file. The fields are kept as written
//!   (`Cow<'static, str>` or `String`), so that serialising is unchanged.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::time::Duration;

/// The `apiVersion` of every document akscert reads or writes.
pub const API_VERSION: &str = "akscert/v1";

/// Kind and message of an error: in the error document every face prints, and wherever a
/// document reports one part's failure (an `aksFacts` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct ErrorBody {
    /// Stable kind.
    pub kind: String,
    /// Message naming what and where.
    pub message: String,
}

/// Expects one exact string.
struct Exactly {
    field: &'static str,
    expected: &'static str,
}

impl Visitor<'_> for Exactly {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the string `{}`", self.expected)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v == self.expected {
            Ok(())
        } else if self.field == "apiVersion" {
            Err(E::custom(format!(
                "apiVersion `{v}` is not supported: this reader knows `{}`",
                self.expected
            )))
        } else {
            Err(E::custom(format!(
                "{} `{v}` is not `{}`",
                self.field, self.expected
            )))
        }
    }
}

fn exactly<'de, D: Deserializer<'de>, T: From<&'static str>>(
    d: D,
    field: &'static str,
    expected: &'static str,
) -> Result<T, D::Error> {
    d.deserialize_str(Exactly { field, expected })?;
    Ok(T::from(expected))
}

/// `apiVersion`: exactly [`API_VERSION`].
pub(crate) fn api_version<'de, D: Deserializer<'de>, T: From<&'static str>>(
    d: D,
) -> Result<T, D::Error> {
    exactly(d, "apiVersion", API_VERSION)
}

/// A `kind` field that must be exactly `$kind`, as a `deserialize_with` function.
macro_rules! kinds {
    ($($name:ident $kind:literal;)*) => {$(
        #[doc = concat!("`kind`: exactly `", $kind, "`.")]
        pub(crate) fn $name<'de, D: Deserializer<'de>, T: From<&'static str>>(
            d: D,
        ) -> Result<T, D::Error> {
            exactly(d, "kind", $kind)
        }
    )*};
}

kinds! {
    timeline_kind "Timeline";
    expiry_report_kind "ExpiryReport";
    what_if_kind "WhatIf";
    inspection_kind "Inspection";
    inspection_set_kind "InspectionSet";
    error_kind "Error";
}

/// The warning window a request has when it names none (`warnWithin`): 30 days. The one
/// place it is written: requests name it in `#[serde(default = …)]` and in the blank
/// values their readers start from, and `InspectOptions::new` takes it too.
pub(crate) fn thirty_days() -> Duration {
    Duration::days(30)
}

/// `true`: serde's default for the document flags that are on unless turned off
/// (`#[serde(default = "crate::document::yes")]`).
pub(crate) fn yes() -> bool {
    true
}

//! Kubernetes versions (`1.27`, `v1.27.3`) and AKS node image versions
//! (`AKSUbuntu-2204gen2containerd-202405.27.0`), parsed and ordered.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a version string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Not `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (an optional leading `v` is accepted).
    #[error("`{text}` is not a Kubernetes version (expected e.g. 1.30 or 1.30.4)")]
    Kubernetes {
        /// The offending text.
        text: String,
    },
    /// No `YYYYMM.DD.PATCH`, `YYYY.MM.DD` or Windows `BUILD.REV.YYMMDD` date inside.
    #[error(
        "`{text}` is not an AKS node image version (expected e.g. AKSUbuntu-2204gen2containerd-202405.27.0 or 202501.12.0)"
    )]
    NodeImage {
        /// The offending text.
        text: String,
    },
}

/// A Kubernetes version. A missing patch compares as `.0`, so `1.27` = `1.27.0`.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub struct KubernetesVersion {
    /// Major version (always 1 so far).
    pub major: u16,
    /// Minor version, the one AKS features are gated on.
    pub minor: u16,
    /// Patch version, when given.
    pub patch: Option<u16>,
}

impl KubernetesVersion {
    /// `major.minor` with no patch.
    pub const fn new(major: u16, minor: u16) -> KubernetesVersion {
        KubernetesVersion {
            major,
            minor,
            patch: None,
        }
    }

    /// Parse `1.27`, `1.27.3` or `v1.27.3`.
    pub fn parse(text: &str) -> Result<KubernetesVersion, VersionError> {
        let bad = || VersionError::Kubernetes {
            text: text.to_string(),
        };
        let t = text.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let mut parts = t.split('.');
        let num = |p: Option<&str>| -> Result<u16, VersionError> {
            let p = p.ok_or_else(bad)?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let major = num(parts.next())?;
        let minor = num(parts.next())?;
        let patch = match parts.next() {
            None => None,
            some => Some(num(some)?),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(KubernetesVersion {
            major,
            minor,
            patch,
        })
    }

    /// The same major and minor with the minor increased by one (no patch).
    pub fn next_minor(self) -> KubernetesVersion {
        KubernetesVersion::new(self.major, self.minor.saturating_add(1))
    }

    fn key(self) -> (u16, u16, u16) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }
}

impl PartialEq for KubernetesVersion {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for KubernetesVersion {}

impl std::hash::Hash for KubernetesVersion {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl Ord for KubernetesVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for KubernetesVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        Ok(())
    }
}

impl FromStr for KubernetesVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KubernetesVersion::parse(s)
    }
}

impl Serialize for KubernetesVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for KubernetesVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = String::deserialize(d)?;
        KubernetesVersion::parse(&t).map_err(serde::de::Error::custom)
    }
}

/// An AKS node image version. Compared by the build date (and patch) it encodes, which is
/// what the "snapshot based on a node image older than `202501.12.0`" rule is about; the
/// distro prefix is kept for display.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub struct NodeImageVersion {
    raw: String,
    /// (year, month, day, patch) of the image build.
    date: (u16, u8, u8, u32),
}

impl NodeImageVersion {
    /// Parse any of the shapes AKS prints:
    /// `AKSUbuntu-2204gen2containerd-202405.27.0` and bare `202501.12.0` (`YYYYMM.DD.PATCH`),
    /// the node-label form with a security-patch suffix (`…-202410.27.0-2024.12.01`),
    /// older `AKSUbuntu-1804gen2containerd-2022.04.27` and `AKSUbuntu:1604:2020.03.11`
    /// (`YYYY.MM.DD`), and Windows `AKSWindows-2022-containerd-20348.2340.240313`
    /// (`BUILD.REV.YYMMDD`).
    pub fn parse(text: &str) -> Result<NodeImageVersion, VersionError> {
        let bad = || VersionError::NodeImage {
            text: text.to_string(),
        };
        let raw = text.trim();
        if raw.is_empty() || raw.len() > 200 {
            return Err(bad());
        }
        // Candidates are dot-separated numeric triples; the first one that is a date wins
        // (the label form's trailing security-patch date comes second and is ignored).
        for token in raw.split(['-', ':', '_', ' ']) {
            if let Some(date) = triple_date(token) {
                return Ok(NodeImageVersion {
                    raw: raw.to_string(),
                    date,
                });
            }
        }
        Err(bad())
    }

    /// A version known at compile time, from its text and its already-decoded build.
    pub(crate) fn known(raw: &str, date: (u16, u8, u8, u32)) -> NodeImageVersion {
        NodeImageVersion {
            raw: raw.to_string(),
            date,
        }
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The build date and patch the version encodes.
    pub fn build(&self) -> (u16, u8, u8, u32) {
        self.date
    }
}

fn triple_date(token: &str) -> Option<(u16, u8, u8, u32)> {
    let mut it = token.split('.');
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|x| x.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    let n = |s: &str| s.parse::<u32>().ok();
    let valid = |y: u32, m: u32, d: u32| {
        (2000..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
    };
    if a.len() == 6 && b.len() <= 2 {
        // YYYYMM.DD.PATCH
        let (y, m, d, p) = (n(&a[..4])?, n(&a[4..])?, n(b)?, n(c)?);
        valid(y, m, d).then_some((y as u16, m as u8, d as u8, p))
    } else if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        // YYYY.MM.DD
        let (y, m, d) = (n(a)?, n(b)?, n(c)?);
        valid(y, m, d).then_some((y as u16, m as u8, d as u8, 0))
    } else if c.len() == 6 {
        // Windows BUILD.REV.YYMMDD
        let (y, m, d) = (2000 + n(&c[..2])?, n(&c[2..4])?, n(&c[4..])?);
        valid(y, m, d).then_some((y as u16, m as u8, d as u8, 0))
    } else {
        None
    }
}

impl Ord for NodeImageVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.date
            .cmp(&other.date)
            .then_with(|| self.raw.cmp(&other.raw))
    }
}

impl PartialOrd for NodeImageVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for NodeImageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl FromStr for NodeImageVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NodeImageVersion::parse(s)
    }
}

impl Serialize for NodeImageVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for NodeImageVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = String::deserialize(d)?;
        NodeImageVersion::parse(&t).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_versions() {
        let v = KubernetesVersion::parse("v1.27.3").unwrap();
        assert_eq!(v.to_string(), "1.27.3");
        assert!(
            KubernetesVersion::parse("1.27").unwrap()
                == KubernetesVersion::parse("1.27.0").unwrap()
        );
        assert!(KubernetesVersion::parse("1.26.15").unwrap() < KubernetesVersion::new(1, 27));
        for bad in ["", "1", "1.x", "1.27.3.4", "1..2", "one.two", "1.99999"] {
            assert!(KubernetesVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn node_image_versions_in_every_documented_shape() {
        let floor = NodeImageVersion::parse("202501.12.0").unwrap();
        let cases = [
            ("AKSUbuntu-2204gen2containerd-202405.27.0", (2024, 5, 27, 0)),
            ("AKSAzureContainerLinux-202606.01.0", (2026, 6, 1, 0)),
            ("AKSFlatcar-flatcargen2-202508.06.0", (2025, 8, 6, 0)),
            (
                "AKSUbuntu-2204gen2containerd-202410.27.0-2024.12.01",
                (2024, 10, 27, 0),
            ),
            ("AKSUbuntu-1804gen2containerd-2022.04.27", (2022, 4, 27, 0)),
            ("AKSUbuntu:1604:2020.03.11", (2020, 3, 11, 0)),
            (
                "AKSWindows-2022-containerd-20348.2340.240313",
                (2024, 3, 13, 0),
            ),
        ];
        for (text, date) in cases {
            assert_eq!(
                NodeImageVersion::parse(text).unwrap().build(),
                date,
                "{text}"
            );
        }
        assert!(
            NodeImageVersion::parse("AKSUbuntu-2204gen2containerd-202412.20.0").unwrap() < floor
        );
        assert!(
            NodeImageVersion::parse("AKSUbuntu-2204gen2containerd-202501.12.1").unwrap() > floor
        );
        for bad in ["", "latest", "AKSUbuntu-2204", "202513.01.0"] {
            assert!(NodeImageVersion::parse(bad).is_err(), "{bad}");
        }
    }
}

//! Instants and durations: whole seconds in UTC, parsed from and printed in the formats
//! that people and tools use (RFC 3339, OpenSSL's `May 12 08:15:47 2049 GMT`, X.509 times,
//! friendly durations such as `30m` or `730d`).
//!
//! "Now" is never read here: every instant is a value handed in by the caller.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod duration;
pub use duration::Duration;
pub(crate) use duration::signed as signed_duration;

/// Why a date, time or duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text is not a date or time in any accepted format.
    #[error(
        "`{text}` is not a date-time (expected RFC 3339 like 2024-05-01T12:00:00Z, or a date like 2024-05-01)"
    )]
    BadInstant {
        /// The offending text.
        text: String,
    },
    /// The text is not a duration in any accepted format.
    #[error(
        "`{text}` is not a duration (expected e.g. 30m, 1h30m, 730d, 10y or ISO 8601 P10Y / PT30M): {why}"
    )]
    BadDuration {
        /// The offending text.
        text: String,
        /// What exactly is wrong with it.
        why: &'static str,
    },
    /// A duration that must not be negative was negative.
    #[error("duration `{text}` is negative")]
    NegativeDuration {
        /// The offending text.
        text: String,
    },
    /// An instant outside the years 1 to 9999.
    #[error("{seconds} seconds since 1970 is outside the supported years 0001-9999")]
    OutOfRange {
        /// Seconds since the Unix epoch.
        seconds: i64,
    },
}

/// Earliest supported instant (0001-01-01T00:00:00Z).
const MIN_SECONDS: i64 = -62_135_596_800;
/// Latest supported instant (9999-12-31T23:59:59Z), the end of X.509 GeneralizedTime.
const MAX_SECONDS: i64 = 253_402_300_799;

/// A point in time: whole seconds since 1970-01-01T00:00:00Z, always UTC.
///
/// Serialised as an RFC 3339 string (`2049-05-12T08:15:47Z`) so that JSON stays readable
/// and byte-identical on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub struct Instant(i64);

impl Instant {
    /// The earliest supported instant.
    pub const MIN: Instant = Instant(MIN_SECONDS);
    /// The latest supported instant (9999-12-31T23:59:59Z).
    pub const MAX: Instant = Instant(MAX_SECONDS);

    /// An instant from seconds since the Unix epoch, if within years 0001–9999.
    pub fn from_unix(seconds: i64) -> Result<Instant, TimeError> {
        if (MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            Ok(Instant(seconds))
        } else {
            Err(TimeError::OutOfRange { seconds })
        }
    }

    /// Midnight UTC of a calendar date; invalid dates are rejected.
    pub fn from_date(year: i16, month: i8, day: i8) -> Result<Instant, TimeError> {
        Instant::from_civil(year, month, day, 0, 0, 0)
    }

    /// A UTC calendar date and time of day; invalid dates (Feb 30) are rejected.
    pub fn from_civil(
        year: i16,
        month: i8,
        day: i8,
        hour: i8,
        minute: i8,
        second: i8,
    ) -> Result<Instant, TimeError> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(i64::from(year), i64::from(month))
            && (0..=23).contains(&hour)
            && (0..=59).contains(&minute)
            && (0..=59).contains(&second);
        if !valid {
            return Err(TimeError::BadInstant {
                text: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
            });
        }
        let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        Instant::from_unix(
            days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second),
        )
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// `self + d`, clamped to the supported range.
    pub fn saturating_add(self, d: Duration) -> Instant {
        Instant(
            self.0
                .saturating_add(d.as_seconds())
                .clamp(MIN_SECONDS, MAX_SECONDS),
        )
    }

    /// `self - d`, clamped to the supported range.
    pub fn saturating_sub(self, d: Duration) -> Instant {
        Instant(
            self.0
                .saturating_sub(d.as_seconds())
                .clamp(MIN_SECONDS, MAX_SECONDS),
        )
    }

    /// The signed duration from `earlier` to `self`.
    pub fn since(self, earlier: Instant) -> Duration {
        Duration::seconds(self.0 - earlier.0)
    }

    /// The instant at `fraction` (0.0–1.0) of the way from `self` to `end`, rounded down to
    /// the second. Used for "rotate at 80 % of the lifetime".
    pub fn fraction_towards(self, end: Instant, fraction: f64) -> Instant {
        let span = (end.0 - self.0) as f64;
        // f64 holds every second count of years 0001–9999 exactly (< 2^53).
        Instant((self.0 as f64 + (span * fraction).floor()) as i64)
    }

    fn civil(self) -> Civil {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: secs / 3_600,
            minute: secs % 3_600 / 60,
            second: secs % 60,
        }
    }

    /// Parse RFC 3339 (`2024-05-01T12:00:00Z`, any fixed offset, fractional seconds
    /// truncated, a leap second read as :59, `T`, `t` or a space between date and time,
    /// seconds optional) or a bare date (`2024-05-01`, midnight UTC). A local time without
    /// an offset is refused: the model has no time zone to guess.
    pub fn parse(text: &str) -> Result<Instant, TimeError> {
        let t = text.trim();
        let bad = || TimeError::BadInstant {
            text: text.to_string(),
        };
        // The form akscert writes, read without the general parser (every instant of a
        // timeline goes through here when it is read back).
        if let Some(i) = Instant::parse_canonical(t) {
            return Ok(i);
        }
        let fields = rfc3339::parse(t).ok_or_else(bad)?;
        let local = Instant::from_civil(
            fields.year,
            fields.month,
            fields.day,
            fields.hour,
            fields.minute,
            fields.second,
        )
        .map_err(|_| bad())?;
        Instant::from_unix(local.0 - fields.offset).map_err(|_| bad())
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` exactly, with a valid date and time; `None` for anything
    /// else (which the general parser then reads or refuses, with its message).
    fn parse_canonical(t: &str) -> Option<Instant> {
        let b = t.as_bytes();
        let shape = b.len() == 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[19] == b'Z';
        if !shape {
            return None;
        }
        let num = |at: usize, len: usize| -> Option<i64> {
            b[at..at + len].iter().try_fold(0i64, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
            })
        };
        let small = |at: usize| num(at, 2).and_then(|n| i8::try_from(n).ok());
        let year = num(0, 4).and_then(|n| i16::try_from(n).ok())?;
        Instant::from_civil(
            year,
            small(5)?,
            small(8)?,
            small(11)?,
            small(14)?,
            small(17)?,
        )
        .ok()
    }

    /// The RFC 3339 form [`Display`](fmt::Display) prints, `2049-05-12T08:15:47Z`, in a
    /// stack buffer (no formatter machinery: timelines print millions of these).
    fn rfc3339(self) -> [u8; 20] {
        let c = self.civil();
        let mut out = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, c.year);
        put(5, 2, c.month);
        put(8, 2, c.day);
        put(11, 2, c.hour);
        put(14, 2, c.minute);
        put(17, 2, c.second);
        out
    }

    /// Parse OpenSSL's text form, `May 12 08:15:47 2049 GMT` (day may be space-padded,
    /// as in `Dec  8 13:44:37 2019 GMT`). Surrounding whitespace is ignored.
    pub fn parse_openssl(text: &str) -> Result<Instant, TimeError> {
        let bad = || TimeError::BadInstant {
            text: text.to_string(),
        };
        let mut parts = text.split_whitespace();
        let (Some(mon), Some(day), Some(hms), Some(year)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        match parts.next() {
            None | Some("GMT") | Some("UTC") | Some("Z") => {}
            Some(_) => return Err(bad()),
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        let month = month_number(mon).ok_or_else(bad)?;
        let day: i8 = day.parse().map_err(|_| bad())?;
        let year: i16 = year.parse().map_err(|_| bad())?;
        let mut hms = hms.split(':');
        let mut field =
            || -> Result<i8, TimeError> { hms.next().ok_or_else(bad)?.parse().map_err(|_| bad()) };
        let (h, m, s) = (field()?, field()?, field()?);
        Instant::from_civil(year, month, day, h, m, s).map_err(|_| bad())
    }

    /// OpenSSL's text form: `May 12 08:15:47 2049 GMT`.
    pub fn to_openssl(self) -> String {
        let c = self.civil();
        format!(
            "{} {:>2} {:02}:{:02}:{:02} {} GMT",
            MONTHS[(c.month - 1) as usize],
            c.day,
            c.hour,
            c.minute,
            c.second,
            c.year
        )
    }

    /// The calendar date, `2049-05-12`.
    pub fn date_string(self) -> String {
        let c = self.civil();
        format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
    }

    /// Whole days from `self` until `later`, rounded towards negative infinity
    /// (so a certificate that expired an hour ago has -1 days left).
    pub fn days_until(self, later: Instant) -> i64 {
        (later.0 - self.0).div_euclid(86_400)
    }
}

/// A broken-down UTC time. Years are 1–9999 by construction of [`Instant`].
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible
/// low-level date algorithms"): exact for every year, no tables.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days in `month` of `year` (proleptic Gregorian).
pub(crate) fn days_in_month(year: i64, month: i64) -> i8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// RFC 3339 timestamps, read by hand: the model needs one format, not a time library.
mod rfc3339 {
    /// The fields of a timestamp, the offset in seconds east of UTC.
    pub(super) struct Fields {
        pub(super) year: i16,
        pub(super) month: i8,
        pub(super) day: i8,
        pub(super) hour: i8,
        pub(super) minute: i8,
        pub(super) second: i8,
        pub(super) offset: i64,
    }

    /// `YYYY-MM-DD`, or that followed by `THH:MM[:SS[.frac]]` and `Z` or `±HH[:MM]`.
    /// Ranges are checked by the caller.
    pub(super) fn parse(t: &str) -> Option<Fields> {
        let b = t.as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let digits = b.get(from..from + len)?;
            digits.iter().try_fold(0i64, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
            })
        };
        let small = |v: i64| i8::try_from(v).ok();
        let year = i16::try_from(num(0, 4)?).ok()?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let (month, day) = (small(num(5, 2)?)?, small(num(8, 2)?)?);
        let mut f = Fields {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            offset: 0,
        };
        if b.len() == 10 {
            return Some(f);
        }
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
            return None;
        }
        f.hour = small(num(11, 2)?)?;
        f.minute = small(num(14, 2)?)?;
        let mut at = 16;
        if b.get(at) == Some(&b':') {
            // A leap second (:60) is read as :59, as Go and most parsers do.
            f.second = small(num(at + 1, 2)?.min(59))?;
            at += 3;
            if matches!(b.get(at), Some(b'.' | b',')) {
                at += 1;
                let start = at;
                while b.get(at).is_some_and(u8::is_ascii_digit) {
                    at += 1;
                }
                if at == start {
                    return None;
                }
            }
        }
        f.offset = match b.get(at)? {
            b'Z' | b'z' if at + 1 == b.len() => 0,
            sign @ (b'+' | b'-') => {
                let hours = num(at + 1, 2)?;
                let minutes = match b.len() - (at + 3) {
                    0 => 0,
                    3 if b[at + 3] == b':' => num(at + 4, 2)?,
                    2 => num(at + 3, 2)?,
                    _ => return None,
                };
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let seconds = hours * 3_600 + minutes * 60;
                if *sign == b'-' { -seconds } else { seconds }
            }
            _ => return None,
        };
        Some(f)
    }
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The month (1–12) `word` names as OpenSSL and kubeadm print it (`Jan` … `Dec`, any
/// case): what [`Instant::parse_openssl`] reads, and the kubeadm sniffer looks for.
pub(crate) fn month_number(word: &str) -> Option<i8> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(word))
        .map(|i| i as i8 + 1)
}

impl fmt::Display for Instant {
    /// RFC 3339 in UTC with a `Z`, as Go prints times in x509 errors: `2021-05-20T11:08:45Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.rfc3339();
        // Always ASCII digits and separators.
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Instant {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Instant::parse(s)
    }
}

impl Serialize for Instant {
    /// RFC 3339 text in JSON; seconds since the Unix epoch in a binary format (not
    /// human-readable: the host ABI's packed answers).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.serialize_i64(self.0);
        }
        let text = self.rfc3339();
        s.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than `String::deserialize`: no allocation per instant read.
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Instant;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Instant, E> {
                Instant::parse(v).map_err(E::custom)
            }
        }
        if !d.is_human_readable() {
            let seconds = i64::deserialize(d)?;
            return Instant::from_unix(seconds).map_err(serde::de::Error::custom);
        }
        d.deserialize_str(Text)
    }
}

impl std::ops::Add<Duration> for Instant {
    type Output = Instant;
    /// Saturating: clamps to the supported range rather than overflowing.
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl std::ops::Sub<Duration> for Instant {
    type Output = Instant;
    /// Saturating: clamps to the supported range rather than overflowing.
    fn sub(self, d: Duration) -> Instant {
        self.saturating_sub(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_fast_path_agrees_with_the_general_parser() {
        for text in [
            "2019-05-20T08:05:47Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2024-02-29T12:00:00Z",
        ] {
            let t = Instant::parse_canonical(text).expect(text);
            assert_eq!(t.to_string(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
        }
        // Not canonical or not valid: left to the general parser and its message.
        for text in [
            "2023-02-29T12:00:00Z",
            "2019-13-20T08:05:47Z",
            "2019-05-20T08:05:60Z",
            "2019-05-20T08:05:47+02:00",
            "2019-05-2OT08:05:47Z",
            "0000-01-01T00:00:00Z",
        ] {
            assert_eq!(Instant::parse_canonical(text), None, "{text}");
        }
        assert!(Instant::parse("2023-02-29T12:00:00Z").is_err());
        let e = serde_json::from_str::<Instant>("5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a string"), "{e}");
    }

    #[test]
    fn rfc3339_round_trip_and_date_only() {
        let t = Instant::parse("2019-05-20T08:05:47Z").unwrap();
        assert_eq!(t.to_string(), "2019-05-20T08:05:47Z");
        assert_eq!(
            Instant::parse("2019-05-20").unwrap().to_string(),
            "2019-05-20T00:00:00Z"
        );
        assert_eq!(
            Instant::parse("2019-05-20T10:05:47+02:00").unwrap(),
            t,
            "fixed offsets are converted to UTC"
        );
        assert!(
            Instant::parse("2019-05-20T08:05:47").is_err(),
            "no offset: ambiguous"
        );
        assert!(Instant::parse("yesterday").is_err());
    }

    #[test]
    fn rfc3339_forms_tools_print() {
        let at = |t: &str| Instant::parse(t).map(|i| i.to_string());
        let want = Ok("2024-05-01T12:00:00Z".to_string());
        // az prints microseconds and +00:00; kubectl prints Z; people type a space.
        assert_eq!(at("2024-05-01T12:00:00.123456+00:00"), want);
        assert_eq!(at("2024-05-01t12:00:00z"), want);
        assert_eq!(at("2024-05-01 12:00:00Z"), want);
        assert_eq!(at("2024-05-01T12:00Z"), want);
        assert_eq!(at("2024-05-01T17:30:00+0530"), want);
        assert_eq!(at("2024-05-01T17:30:00+05:30"), want);
        assert_eq!(at("2024-05-01T07:00:00-05"), want);
        assert_eq!(at("2016-12-31T23:59:60Z").unwrap(), "2016-12-31T23:59:59Z");
        for bad in [
            "2024-13-01T00:00:00Z",
            "2024-04-31",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:60:00Z",
            "2024-05-01T12:00:00+24:00",
            "2024-05-01T12:00:00Z[Europe/Paris]",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00Zjunk",
            "0000-01-01",
            "+2024-05-01",
            "2024-5-1",
        ] {
            assert!(Instant::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn openssl_dates_from_real_aks_certificates() {
        // MicrosoftDocs/azure-docs#75678: a real AKS cluster CA.
        let nb = Instant::parse_openssl("May 20 08:05:47 2019 GMT").unwrap();
        let na = Instant::parse_openssl("May 12 08:15:47 2049 GMT").unwrap();
        assert_eq!(na.since(nb), Duration::days(10_950) + Duration::minutes(10));
        let padded = Instant::parse_openssl("Dec  8 13:44:37 2019 GMT").unwrap();
        assert_eq!(padded.to_openssl(), "Dec  8 13:44:37 2019 GMT");
        assert_eq!(na.to_openssl(), "May 12 08:15:47 2049 GMT");
        assert!(Instant::parse_openssl("Foo 12 08:15:47 2049 GMT").is_err());
        assert!(Instant::parse_openssl("May 32 08:15:47 2049 GMT").is_err());
    }

    #[test]
    fn out_of_range_instants_are_errors() {
        assert!(Instant::from_unix(i64::MAX).is_err());
        assert_eq!(Instant::MAX.to_string(), "9999-12-31T23:59:59Z");
        assert_eq!(Instant::MAX + Duration::years(10), Instant::MAX);
        assert_eq!(
            Instant::parse("9999-12-31T23:59:59Z").unwrap(),
            Instant::MAX
        );
        assert_eq!(Instant::MIN.to_string(), "0001-01-01T00:00:00Z");
        assert!(Instant::parse("2023-02-29").is_err(), "not a leap year");
        assert_eq!(Instant::parse("2024-02-29").unwrap().unix(), 1_709_164_800);
    }

    #[test]
    #[cfg(feature = "simulate")] // postcard comes with the simulator
    fn in_a_binary_format_an_instant_is_seconds_since_the_epoch_within_range() {
        let t = Instant::parse("2049-05-12T08:15:47Z").expect("an instant");
        let bytes = postcard::to_allocvec(&t).expect("writes");
        assert_eq!(bytes, postcard::to_allocvec(&t.0).expect("writes"));
        assert_eq!(postcard::from_bytes::<Instant>(&bytes), Ok(t));
        for edge in [Instant::MIN, Instant::MAX] {
            let bytes = postcard::to_allocvec(&edge).expect("writes");
            assert_eq!(postcard::from_bytes::<Instant>(&bytes), Ok(edge));
        }
        let past_the_end = postcard::to_allocvec(&(MAX_SECONDS + 1)).expect("writes");
        assert!(postcard::from_bytes::<Instant>(&past_the_end).is_err());
    }
}

//! [`Duration`]: a span in whole seconds, read from friendly text (`30m`, `1h30m`, `10y`),
//! ISO 8601 (`P30Y`, `PT30M`) or seconds, and written in the friendly form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::TimeError;

/// A span of time in whole seconds. Years are 365 days (AKS's "30 years" is 30×365 days).
///
/// Serialised as a friendly string (`730d`, `30m`, `1d12h`); read from such a string, from
/// ISO 8601 (`P30Y`, `PT30M`), or from a plain number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub struct Duration(i64);

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration(0);

    /// A duration of `n` seconds.
    pub const fn seconds(n: i64) -> Duration {
        Duration(n)
    }
    /// A duration of `n` minutes.
    pub const fn minutes(n: i64) -> Duration {
        Duration(n * 60)
    }
    /// A duration of `n` hours.
    pub const fn hours(n: i64) -> Duration {
        Duration(n * 3_600)
    }
    /// A duration of `n` days of 24 hours.
    pub const fn days(n: i64) -> Duration {
        Duration(n * 86_400)
    }
    /// A duration of `n` years of 365 days.
    pub const fn years(n: i64) -> Duration {
        Duration(n * 365 * 86_400)
    }
    /// Length in seconds.
    pub const fn as_seconds(self) -> i64 {
        self.0
    }
    /// Whether the duration is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }
    /// The duration scaled by a fraction, rounded down to the second.
    pub fn mul_f64(self, fraction: f64) -> Duration {
        Duration((self.0 as f64 * fraction).floor() as i64)
    }

    /// Parse a friendly (`1h30m`, `730d`, `10y`, `2 weeks`) or ISO 8601 (`P10Y`, `PT30M`,
    /// `P1DT12H`) duration. Months are refused: they have no fixed length.
    pub fn parse(text: &str) -> Result<Duration, TimeError> {
        let t = text.trim();
        if t.starts_with('-') {
            return Err(TimeError::NegativeDuration {
                text: text.to_string(),
            });
        }
        let bad = |why| TimeError::BadDuration {
            text: text.to_string(),
            why,
        };
        if t.is_empty() {
            return Err(bad("it is empty"));
        }
        if let Some(iso) = t.strip_prefix('P').or_else(|| t.strip_prefix('p')) {
            return parse_iso(iso).map_err(bad);
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            return t.parse().map(Duration).map_err(|_| bad("number too large"));
        }
        parse_friendly(t).map_err(bad)
    }
}

fn unit_seconds(unit: &str) -> Option<i64> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "wk" | "week" | "weeks" => 7 * 86_400,
        "y" | "yr" | "yrs" | "year" | "years" => 365 * 86_400,
        _ => return None,
    })
}

fn accumulate(total: i64, n: &str, unit_secs: i64) -> Result<i64, &'static str> {
    let n: i64 = n.parse().map_err(|_| "number too large")?;
    n.checked_mul(unit_secs)
        .and_then(|v| total.checked_add(v))
        .ok_or("duration too large")
}

fn parse_friendly(t: &str) -> Result<Duration, &'static str> {
    let mut total = 0i64;
    let mut rest = t.trim_start();
    if rest.is_empty() {
        return Err("it is empty");
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err("expected a number");
        }
        let (n, after) = rest.split_at(digits);
        let after = after.trim_start();
        let letters = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters == 0 {
            return Err("a number needs a unit (s, m, h, d, w, y)");
        }
        let (unit, after) = after.split_at(letters);
        if unit.eq_ignore_ascii_case("mo") || unit.to_ascii_lowercase().starts_with("month") {
            return Err("months have no fixed length; use days");
        }
        let secs = unit_seconds(unit).ok_or("unknown unit (use s, m, h, d, w, y)")?;
        total = accumulate(total, n, secs)?;
        rest = after.trim_start_matches([' ', ',']);
    }
    Ok(Duration(total))
}

fn parse_iso(iso: &str) -> Result<Duration, &'static str> {
    let mut total = 0i64;
    let mut in_time = false;
    let mut n = String::new();
    let mut any = false;
    for ch in iso.chars() {
        match ch.to_ascii_uppercase() {
            'T' if !in_time && n.is_empty() => in_time = true,
            d if d.is_ascii_digit() => n.push(d),
            unit => {
                if n.is_empty() {
                    return Err("expected a number before each ISO 8601 unit");
                }
                let secs = match (in_time, unit) {
                    (false, 'Y') => 365 * 86_400,
                    (false, 'W') => 7 * 86_400,
                    (false, 'D') => 86_400,
                    (false, 'M') => return Err("months have no fixed length; use days"),
                    (true, 'H') => 3_600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return Err("unknown ISO 8601 unit"),
                };
                total = accumulate(total, &n, secs)?;
                n.clear();
                any = true;
            }
        }
    }
    if !n.is_empty() {
        return Err("a number needs a unit");
    }
    if !any {
        return Err("no components");
    }
    Ok(Duration(total))
}

impl fmt::Display for Duration {
    /// Compact friendly form: `730d10m`, `30m`, `0s`; negative durations get a leading `-`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        if self.0 < 0 {
            f.write_str("-")?;
        }
        let mut rest = self.0.unsigned_abs();
        for (unit, secs) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
            let n = rest / secs;
            if n > 0 {
                write!(f, "{n}{unit}")?;
                rest -= n * secs;
            }
        }
        Ok(())
    }
}

impl FromStr for Duration {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Duration::parse(s)
    }
}

impl Serialize for Duration {
    /// Text (`730d10m`) in JSON; whole seconds in a binary format.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.serialize_i64(self.0);
        }
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        seconds(d, false)
    }
}

/// Reads a span measured between two instants, which may be negative (`-5d`: a
/// certificate whose notAfter precedes its notBefore), as a document prints it: for
/// `#[serde(deserialize_with)]`. A setting (a policy's, a request's) never takes a
/// negative duration; [`Duration`]'s own `Deserialize` refuses one.
pub(crate) fn signed<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    seconds(d, true)
}

/// A span as a document holds it: in JSON, seconds or text (`30d`); in a binary format
/// (not human-readable: the host ABI's packed answers), whole seconds, which is what
/// [`Duration`]'s `Serialize` writes there. Negative only when `signed`.
fn seconds<'de, D: Deserializer<'de>>(d: D, signed: bool) -> Result<Duration, D::Error> {
    if d.is_human_readable() {
        d.deserialize_any(Seconds { signed })
    } else {
        d.deserialize_i64(Seconds { signed })
    }
}

// A visitor rather than an untagged enum of the two forms: serde buffers an untagged
// value before trying each form, which compiled its buffering code into the modules for
// every type holding a duration, and failed with "data did not match any variant".
struct Seconds {
    signed: bool,
}

impl serde::de::Visitor<'_> for Seconds {
    type Value = Duration;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration: whole seconds, or text such as `30d` or `1y`")
    }
    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Duration, E> {
        if n < 0 && !self.signed {
            let text = n.to_string();
            return Err(E::custom(TimeError::NegativeDuration { text }));
        }
        Ok(Duration(n))
    }
    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Duration, E> {
        i64::try_from(n).map(Duration).map_err(|_| {
            let (text, why) = (n.to_string(), "too large");
            E::custom(TimeError::BadDuration { text, why })
        })
    }
    fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<Duration, E> {
        match t.trim().strip_prefix('-') {
            // `--5d` stays an error: the rest is parsed as an unsigned duration.
            Some(rest) if self.signed => Duration::parse(rest).map(|d| Duration(-d.0)),
            _ => Duration::parse(t),
        }
        .map_err(E::custom)
    }
}

impl std::ops::Add for Duration {
    type Output = Duration;
    fn add(self, o: Duration) -> Duration {
        Duration(self.0.saturating_add(o.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measured_span_reads_back_negative_as_printed_a_setting_never() {
        #[derive(serde::Deserialize)]
        struct Span(#[serde(deserialize_with = "signed")] Duration);
        let span = |json: &str| serde_json::from_str::<Span>(json).map(|s| s.0);
        let backwards = Duration(-(3653 * 86_400 + 61));
        assert_eq!(backwards.to_string(), "-3653d1m1s");
        assert_eq!(span("\"-3653d1m1s\"").ok(), Some(backwards));
        assert_eq!(span("-5").ok(), Some(Duration(-5)));
        assert_eq!(span("\"30d\"").ok(), Some(Duration::days(30)));
        assert!(span("\"--5d\"").is_err());
        assert!(serde_json::from_str::<Duration>("\"-3653d1m1s\"").is_err());
    }

    #[test]
    fn a_duration_reads_from_seconds_or_text_and_says_what_is_wrong() {
        let read = |json: &str| serde_json::from_str::<Duration>(json).map_err(|e| e.to_string());
        assert_eq!(read("90"), Ok(Duration(90)));
        assert_eq!(read("\"30d\""), Ok(Duration::days(30)));
        assert_eq!(
            read("-5"),
            Err("duration `-5` is negative at line 1 column 2".into())
        );
        let too_large = read("18446744073709551615").unwrap_err();
        assert!(
            too_large.starts_with("`18446744073709551615` is not a duration"),
            "{too_large}"
        );
        assert!(
            read("\"soon\"")
                .unwrap_err()
                .contains("`soon` is not a duration")
        );
        let float = read("1.5").unwrap_err();
        assert!(
            float.starts_with("invalid type: floating point `1.5`, expected a duration"),
            "{float}"
        );
    }

    #[test]
    fn durations_friendly_iso_and_errors() {
        assert_eq!(Duration::parse("30m").unwrap(), Duration::minutes(30));
        assert_eq!(Duration::parse("1h30m").unwrap(), Duration::minutes(90));
        assert_eq!(Duration::parse("2 weeks").unwrap(), Duration::days(14));
        assert_eq!(Duration::parse("10y").unwrap(), Duration::days(3_650));
        assert_eq!(Duration::parse("P30Y").unwrap(), Duration::years(30));
        assert_eq!(Duration::parse("PT30M").unwrap(), Duration::minutes(30));
        assert_eq!(Duration::parse("P1DT12H").unwrap(), Duration::hours(36));
        assert_eq!(Duration::parse("600").unwrap(), Duration::minutes(10));
        assert!(matches!(
            Duration::parse("-5d"),
            Err(TimeError::NegativeDuration { .. })
        ));
        assert!(Duration::parse("3 months").is_err());
        assert!(Duration::parse("P1M").is_err());
        assert!(Duration::parse("5").is_ok());
        assert!(Duration::parse("5 fortnights").is_err());
        assert!(Duration::parse("99999999999999999999y").is_err());
        assert_eq!(Duration::days(730).to_string(), "730d");
        assert_eq!(
            (Duration::days(730) + Duration::minutes(10)).to_string(),
            "730d10m"
        );
    }

    #[test]
    #[cfg(feature = "simulate")] // postcard comes with the simulator
    fn in_a_binary_format_a_span_is_whole_seconds_and_never_negative() {
        let d = Duration::days(730) + Duration::minutes(10);
        let bytes = postcard::to_allocvec(&d).expect("writes");
        assert_eq!(
            bytes,
            postcard::to_allocvec(&d.as_seconds()).expect("writes")
        );
        assert_eq!(postcard::from_bytes::<Duration>(&bytes), Ok(d));
        let negative = postcard::to_allocvec(&-5i64).expect("writes");
        let e = postcard::from_bytes::<Duration>(&negative).expect_err("refused");
        assert!(matches!(e, postcard::Error::SerdeDeCustom), "{e}");
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Span(#[serde(deserialize_with = "super::signed")] Duration);
        assert_eq!(
            postcard::from_bytes::<Span>(&negative),
            Ok(Span(Duration::seconds(-5)))
        );
    }
}

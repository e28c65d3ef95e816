//! A tiny deterministic random number generator (SplitMix64).
//!
//! Seeds are arguments; the same seed gives the same stream on every platform, which is
//! what makes simulations byte-reproducible. We do not use the `rand` crate here: its
//! streams may change between versions, and it would pull `getrandom` into wasm builds.

/// SplitMix64 (Steele, Lea, Flood 2014): 64-bit state, passes BigCrush, trivially seedable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose stream is fully determined by `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)` with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform float in `[low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_f64()
    }

    /// A uniform integer in `[low, high]` (inclusive), `low` when the range is empty.
    pub fn range_inclusive(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = (high - low) as u64 + 1;
        low + (self.next_u64() % span) as i64
    }

    /// `true` with probability `p` (clamped to 0–1).
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p.clamp(0.0, 1.0)
    }
}

/// A seed for an independent stream, derived from a base seed and a label (such as a
/// cluster name), so that each cluster's randomness does not depend on which other
/// clusters run, or in what order — a sharded fleet run equals a single run.
pub fn derive_seed(seed: u64, label: &str) -> u64 {
    derive_seed_parts(seed, &[label])
}

/// [`derive_seed`] of the concatenation of `parts` (`["machine/", name]` is the label
/// `machine/<name>`), without building the string.
pub fn derive_seed_parts(seed: u64, parts: &[&str]) -> u64 {
    // FNV-1a over the label, then mixed with the base seed through one SplitMix64 step.
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in parts.iter().flat_map(|p| p.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    SplitMix64::new(seed ^ h).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_fixed_for_a_seed() {
        // Reference values of SplitMix64 for seed 1234567 (from the published C code).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn a_label_in_parts_seeds_like_the_whole_label() {
        assert_eq!(
            derive_seed_parts(42, &["machine/", "aks-1"]),
            derive_seed(42, "machine/aks-1")
        );
        assert_ne!(
            derive_seed(42, "machine/aks-1"),
            derive_seed(42, "faults/aks-1")
        );
    }

    #[test]
    fn uniform_stays_in_range_and_labels_separate_streams() {
        let mut r = SplitMix64::new(9);
        for _ in 0..10_000 {
            let x = r.uniform(0.7, 0.9);
            assert!((0.7..0.9).contains(&x));
            let n = r.range_inclusive(3, 5);
            assert!((3..=5).contains(&n));
        }
        assert_ne!(derive_seed(1, "a"), derive_seed(1, "b"));
        assert_eq!(derive_seed(1, "a"), derive_seed(1, "a"));
    }
}

//! Powers of ten as correctly rounded `f64`s, for the float reading serde_json does:
//! `significand × 10^exponent` by one multiplication or division.
//!
//! Computed rather than tabled: serde_json's table of the 309 powers is 2.4 KB of data
//! that gzip cannot shrink (2.3 KB of every module), and floats are rare in akscert's
//! requests (the policy's fractions), so the few microseconds a large power takes here
//! cost nothing that matters.

/// Limbs of 5^308, the largest power needed: 716 bits.
const LIMBS: usize = 23;

/// 10^`i` correctly rounded (round half to even), for `i` in 0..=308; `None` above.
pub(super) fn pow10(i: u32) -> Option<f64> {
    if i > 308 {
        return None;
    }
    if i <= 22 {
        // Every power up to 10^22 is exact in an f64, so each product is too.
        let mut f = 1.0;
        for _ in 0..i {
            f *= 10.0;
        }
        return Some(f);
    }
    // 10^i = 5^i × 2^i: 5^i as a big integer (little-endian limbs), rounded to 53 bits;
    // the 2^i goes to the exponent.
    let mut limbs = [0u32; LIMBS];
    limbs[0] = 1;
    let mut len = 1;
    let mut left = i;
    while left > 0 {
        // 5^13 is the largest power of five in a limb.
        let step = left.min(13);
        left -= step;
        let factor = 5u32.pow(step);
        let mut carry = 0u64;
        for limb in &mut limbs[..len] {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            limbs[len] = carry as u32;
            len += 1;
        }
    }
    // The top 64 bits (the highest one at bit 63), and whether any bit below them is set.
    let shift = limbs[len - 1].leading_zeros();
    let bits = 32 * len as u32 - shift;
    let word = |k: usize| u64::from(limbs[k]);
    let (top, sticky) = if len >= 3 {
        let next = word(len - 3);
        // `next` is below 2^32, so with no shift nothing of it moves up.
        let top = (word(len - 1) << 32 | word(len - 2)) << shift | next >> (32 - shift);
        let below =
            next & ((1 << (32 - shift)) - 1) != 0 || limbs[..len - 3].iter().any(|&l| l != 0);
        (top, below)
    } else {
        ((word(1) << 32 | word(0)) << (64 - bits), false)
    };
    // Round the 64 bits to 53, half to even.
    let mut mantissa = top >> 11;
    let rest = top & 0x7ff;
    if rest > 0x400 || (rest == 0x400 && (sticky || mantissa & 1 == 1)) {
        mantissa += 1;
    }
    let mut exponent = bits - 1 + i;
    if mantissa == 1 << 53 {
        mantissa >>= 1;
        exponent += 1;
    }
    let biased = u64::from(exponent + 1023);
    Some(f64::from_bits(biased << 52 | (mantissa & ((1 << 52) - 1))))
}

#[cfg(test)]
mod tests {
    use super::pow10;

    #[test]
    fn every_power_is_std_s_correctly_rounded_one() {
        for i in 0..=308u32 {
            let want: f64 = format!("1e{i}").parse().expect("a float");
            assert_eq!(pow10(i), Some(want), "10^{i}");
        }
        assert_eq!(pow10(309), None);
        assert_eq!(pow10(u32::MAX), None);
    }
}

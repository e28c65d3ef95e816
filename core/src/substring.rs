//! Finding a literal in text, for the model's sniffers and messages.
//!
//! `str::contains`, `find` and `replace` with a `&str` pattern run std's Two-Way searcher,
//! 4 KB of each WebAssembly module (2 KB gzip) and compiled by a browser on a page's first
//! inspection. Every needle the calculator module looks for is a short literal (or, when
//! secrets are scrubbed from a message, a value looked for in a message of a line or two),
//! so in the modules Horspool's simple skipping search serves: linear in the text for a
//! needle of bounded length, and fast where it matters (a marker looked for in a large
//! bundle). Natively these functions are std's (`contains` has a SIMD path on x86-64;
//! `find` is Two-Way there too). Code only the tool-output builds run keeps std's methods.

/// The byte offset of the first occurrence of `needle` in `hay` (0 for an empty needle).
/// Natively std's search (no code-size concern there); in WebAssembly [`horspool`].
#[cfg(target_family = "wasm")]
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    horspool(hay, needle)
}

/// The byte offset of the first occurrence of `needle` in `hay` (0 for an empty needle).
#[cfg(not(target_family = "wasm"))]
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    hay.find(needle)
}

/// [`find`] by Boyer–Moore–Horspool: the window's last byte decides how far to move, so a
/// sniffer that looks for a 16-byte marker in a 200 KB PEM bundle reads about one byte
/// in ten (a byte-by-byte scan made a bundle's inspection 30 % slower in the module).
/// Shifts are capped at 255; at worst a text is compared at every position,
/// `needle.len()` bytes each.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))] // natively, its tests call it
fn horspool(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&last, head)) = needle.split_last() else {
        return Some(0);
    };
    let cap = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
    let mut shift = [cap(needle.len()); 256];
    for (i, &b) in head.iter().enumerate() {
        shift[usize::from(b)] = cap(head.len() - i);
    }
    let mut at = 0;
    while let Some(window) = hay.get(at..at + needle.len()) {
        let end = window[head.len()];
        if end == last && window[..head.len()] == *head {
            return Some(at);
        }
        at += usize::from(shift[usize::from(end)]);
    }
    None
}

/// Whether `needle` occurs in `hay`.
#[cfg(target_family = "wasm")]
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    horspool(hay, needle).is_some()
}

/// Whether `needle` occurs in `hay`: std's `contains`, whose SIMD path `find` lacks (it
/// runs the Two-Way searcher; a bundle's sniffing took 4 % of its inspection that way).
#[cfg(not(target_family = "wasm"))]
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    hay.contains(needle)
}

/// `hay` with every occurrence of `from` (non-empty), left to right and not overlapping,
/// replaced by `to`.
pub(crate) fn replace(hay: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(&rest[..i]);
        out.push_str(to);
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn needles_longer_than_the_shift_cap() {
        let needle = format!("{}b{}", "a".repeat(300), "c".repeat(10));
        let hay = format!("{}{needle}{}", "a".repeat(500), "ab".repeat(50));
        assert_eq!(super::horspool(&hay, &needle), Some(500));
        assert_eq!(super::horspool(&hay[1..510], &needle), None);
    }

    proptest! {
        /// The same answers as std's methods, on text and needles over a small alphabet
        /// (so that near-misses and overlaps are common), multi-byte characters included.
        #[test]
        fn answers_as_std(hay in "[ab\u{e9}-]{0,300}", needle in "[ab\u{e9}-]{0,4}|[ab]{250,300}", to in "[xy]{0,2}") {
            prop_assert_eq!(super::horspool(&hay, &needle), hay.find(needle.as_str()));
            prop_assert_eq!(super::find(&hay, &needle), hay.find(needle.as_str()));
            prop_assert_eq!(super::contains(&hay, &needle), hay.contains(needle.as_str()));
            if !needle.is_empty() {
                prop_assert_eq!(super::replace(&hay, &needle, &to), hay.replace(needle.as_str(), &to));
            }
        }
    }
}

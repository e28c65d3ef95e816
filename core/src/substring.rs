//! Finding a literal in text, for the model's sniffers and messages.
//!
//! `str::contains`, `find` and `replace` with a `&str` pattern run std's Two-Way searcher,
//! 5 KB of each WebAssembly module (2 KB gzip) and compiled by a browser on a page's first
//! inspection. Every needle the calculator module looks for is a short literal (or, when
//! secrets are scrubbed from a message, a value looked for in a message of a line or two),
//! so a plain scan — the needle's first byte, then the rest — costs the same: linear in
//! the text for a needle of bounded length. Code only the tool-output builds run keeps
//! std's methods.

/// The byte offset of the first occurrence of `needle` in `hay` (0 for an empty needle).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| hay[i] == first && hay[i + 1..i + needle.len()] == *rest)
}

/// Whether `needle` occurs in `hay`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
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

    proptest! {
        /// The same answers as std's methods, on text and needles over a small alphabet
        /// (so that near-misses and overlaps are common), multi-byte characters included.
        #[test]
        fn answers_as_std(hay in "[ab\u{e9}-]{0,40}", needle in "[ab\u{e9}-]{0,4}", to in "[xy]{0,2}") {
            prop_assert_eq!(super::find(&hay, &needle), hay.find(needle.as_str()));
            prop_assert_eq!(super::contains(&hay, &needle), hay.contains(needle.as_str()));
            if !needle.is_empty() {
                prop_assert_eq!(super::replace(&hay, &needle, &to), hay.replace(needle.as_str(), &to));
            }
        }
    }
}

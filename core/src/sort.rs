//! The model's one sort.
//!
//! Every `slice::sort_by` call with its own element type or closure compiles its own copy
//! of std's sort (driftsort: ~5 KB of WebAssembly each, and the small-sort networks with
//! it); the calculator module carried thirteen of them, 64 KB. Here one merge sort is
//! compiled once, over a permutation of indices with the comparison behind
//! `&mut dyn FnMut`; each caller adds only a short in-place permutation. Stable, O(n log n) comparisons and O(n)
//! moves, like `sort_by`. `core/clippy.toml` points the slice sorts here.

use std::cmp::Ordering;

/// Sort `v` stably by `compare` (as `slice::sort_by`).
pub(crate) fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &mut |a, b| compare(&v[a], &v[b]));
    permute(v, &mut order);
}

/// Sort `v` stably by the key `key` gives (as `slice::sort_by_key`).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sort `v` stably in its natural order (as `slice::sort`).
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The position of the first item whose key an earlier item already had (what inserting
/// each key into a set in turn finds first), in O(n log n).
pub(crate) fn first_repeat<K: Ord>(keys: impl IntoIterator<Item = K>) -> Option<usize> {
    let mut keyed: Vec<(K, usize)> = keys.into_iter().zip(0..).collect();
    sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    // Stable: within equal keys positions ascend, so each run's second entry is its repeat.
    keyed
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| w[1].1)
        .min()
}

/// The one sort: a bottom-up merge sort of indices, compared through a trait object.
/// Stable (a tie takes the left run's index first), O(n log n) comparisons, and O(n) for
/// input already in order (two runs in order are not merged). Not std's sort: its
/// driftsort and small-sort networks were ~4 KB of each WebAssembly module.
#[inline(never)]
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    let n = order.len();
    let mut merged = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start + width < n {
            let (mid, end) = (start + width, (start + 2 * width).min(n));
            if compare(order[mid - 1], order[mid]) == Ordering::Greater {
                let (left, right) = order[start..end].split_at(width);
                let out = &mut merged[start..end];
                let (mut i, mut j) = (0, 0);
                for slot in out.iter_mut() {
                    let take_right =
                        i == left.len() || (j < right.len() && compare(right[j], left[i]).is_lt());
                    *slot = if take_right {
                        j += 1;
                        right[j - 1]
                    } else {
                        i += 1;
                        left[i - 1]
                    };
                }
                order[start..end].copy_from_slice(out);
            }
            start = end;
        }
        width *= 2;
    }
}

/// Rearrange `v` so that `v[i]` becomes the old `v[order[i]]`, following each cycle of the
/// permutation with swaps; `order` is consumed (every entry ends as its own index, which is
/// also how a finished cycle is recognised).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            order[at] = at;
            v.swap(at, from);
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Same order as std's stable sort, ties kept in input order.
        #[test]
        fn agrees_with_the_std_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut ours = v.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            let mut theirs = v;
            #[allow(clippy::disallowed_methods)]
            theirs.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(ours, theirs);
        }
    }

    proptest! {
        /// `first_repeat` finds what inserting into a set in turn finds.
        #[test]
        fn first_repeat_is_the_first_failed_set_insert(keys in proptest::collection::vec(0u8..40, 0..60)) {
            let mut seen = std::collections::BTreeSet::new();
            let expected = keys.iter().position(|k| !seen.insert(*k));
            prop_assert_eq!(first_repeat(keys.iter()), expected);
        }
    }

    #[test]
    fn comparisons_are_n_log_n_and_linear_for_sorted_input() {
        let count = |v: &mut Vec<u32>| {
            let mut n = 0usize;
            sort_by(v, |a, b| {
                n += 1;
                a.cmp(b)
            });
            n
        };
        let mut sorted: Vec<u32> = (0..4096).collect();
        assert_eq!(count(&mut sorted), 4095);
        let mut reversed: Vec<u32> = (0..4096).rev().collect();
        assert!(count(&mut reversed) <= 4096 * 12);
        assert!(reversed.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn sorts_owned_values_without_cloning() {
        let mut v: Vec<String> = ["d", "a", "c", "b", "a"].map(String::from).to_vec();
        sort(&mut v);
        assert_eq!(v, ["a", "a", "b", "c", "d"]);
    }
}

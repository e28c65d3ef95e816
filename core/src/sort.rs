//! The model's one sort.
//!
//! Every `slice::sort_by` call with its own element type or closure compiles its own copy
//! of std's sort (driftsort: ~5 KB of WebAssembly each, and the small-sort networks with
//! it); the calculator module carried thirteen of them, 64 KB. Here std's sort is compiled
//! once, over a permutation of indices with the comparison behind `&mut dyn FnMut`; each
//! caller adds only a short in-place permutation. Stable, O(n log n) comparisons and O(n)
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

/// The one instantiation of std's sort: indices, compared through a trait object.
#[inline(never)]
#[allow(clippy::disallowed_methods)] // the one place the std sort is meant to be used
fn sort_indices(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
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
        fn agrees_with_the_std_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
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
    fn sorts_owned_values_without_cloning() {
        let mut v: Vec<String> = ["d", "a", "c", "b", "a"].map(String::from).to_vec();
        sort(&mut v);
        assert_eq!(v, ["a", "a", "b", "c", "d"]);
    }
}

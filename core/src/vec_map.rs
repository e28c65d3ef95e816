//! A small ordered map kept as a sorted vector: the model's working state, and the maps
//! in its public documents (tags, labels, counts by kind).
//!
//! Each `BTreeMap<K, V>` compiles its own node code (search, insertion with splits,
//! removal with merges and steals: 5–7 KB of WebAssembly) for every key and value type; the
//! calculator module carried eighteen of them, and the last four (in the documents) still
//! cost it 4.9 KB gzip. The maps the model works with are small (the outages and actions
//! open in one cluster, a pool's tags) or built once and then only read (a bundle's
//! certificates indexed by name): a sorted vector with binary search is smaller and, at
//! these sizes, faster. Inserting or removing in the middle moves the entries after it,
//! so a map that grows one entry at a time is only for the small kind; a map read from
//! input or collected from an iterator is built in one step (one sort, O(n log n)), and
//! indexes over the input are built the same way as [`Groups`].

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ordered map as a vector of `(key, value)` sorted by key, keys unique: what
/// `BTreeMap` gives a reader (lookups, iteration, JSON and postcard in key order, the last
/// of repeated keys kept when reading), without its code per key and value type. Inserting
/// one entry moves the entries after it: for maps of tens of entries, as in the
/// documents; collecting or deserializing builds any size in O(n log n).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

/// `{k: v, …}` in key order, as `BTreeMap` prints.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value stored under `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map holds `key`.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Whether a key compares equal under `cmp` (which orders keys as `K`'s `Ord` does:
    /// for a key that cannot be borrowed as `K`, such as a tuple holding a `&str`).
    pub(crate) fn contains_by(&self, mut cmp: impl FnMut(&K) -> std::cmp::Ordering) -> bool {
        self.entries.binary_search_by(|(k, _)| cmp(k)).is_ok()
    }

    /// Take out the entry whose key `cmp` finds (`cmp` orders a key against the one
    /// sought, as in [`VecMap::contains_by`]): for keys holding a `String`, the lookup
    /// needs no owned copy of the one sought.
    pub(crate) fn remove_by(&mut self, mut cmp: impl FnMut(&K) -> std::cmp::Ordering) -> Option<V> {
        let i = self.entries.binary_search_by(|(k, _)| cmp(k)).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// Store `value` under `key`, returning the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Store `value` under `key` unless the key is present; whether it was stored.
    pub fn insert_new(&mut self, key: K, value: V) -> bool {
        match self.find(&key) {
            Ok(_) => false,
            Err(i) => {
                self.entries.insert(i, (key, value));
                true
            }
        }
    }

    /// The value under `key`, inserting `make()` first when there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The value under `key`, inserting `V::default()` first when there is none (as
    /// `BTreeMap`'s `entry(key).or_default()`).
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }

    /// Take the entry under `key` out of the map.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, moved out.
    pub fn into_values(self) -> impl Iterator<Item = V> {
        self.entries.into_iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// The pairs in key order; of pairs with one key, the last (as collecting into a
    /// `BTreeMap` keeps). One stable sort: O(n log n) however the keys arrive.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut entries: Vec<(K, V)> = pairs.into_iter().collect();
        crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        // Stable: within a run of equal keys the input order holds; keep each run's last.
        let mut kept: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match kept.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => kept.push((k, v)),
            }
        }
        VecMap { entries: kept }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    /// The pairs in key order, the last of repeated keys kept (as `BTreeMap::from`).
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    /// The entries in key order.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    /// The entries in key order, moved out.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    /// The value under `key`; panics when there is none, as `BTreeMap`'s index does (for
    /// tests and known keys: use [`VecMap::get`] on anything read from input).
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry for the key in the VecMap"),
        }
    }
}

/// A map in key order, as `BTreeMap` writes one.
impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Any map, as `BTreeMap` reads one (the last of repeated keys kept), sorted once.
impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for VecMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(Pairs(PhantomData))
    }
}

/// Reads a map's entries in input order.
struct Pairs<K, V>(PhantomData<(K, V)>);

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Pairs<K, V> {
    type Value = VecMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The size hint is the input's claim: capped, as serde caps its own.
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(pair) = map.next_entry()? {
            pairs.push(pair);
        }
        Ok(pairs.into_iter().collect())
    }
}

/// Items indexed by key, built in one step (one stable sort, O(n log n) however the keys
/// arrive): the keys sorted and unique, each key's items contiguous and in input order.
/// A map of vectors would allocate one vector per key — per certificate, for a bundle
/// indexed by subject; this allocates the same four times whatever the count.
#[derive(Debug, Clone)]
pub(crate) struct Groups<K, T> {
    keys: Vec<K>,
    /// `ends[i]`: one past the last of key `i`'s items in `items`.
    ends: Vec<usize>,
    items: Vec<T>,
}

impl<K: Ord, T> Groups<K, T> {
    /// Index `pairs` by key.
    pub(crate) fn new(pairs: impl IntoIterator<Item = (K, T)>) -> Self {
        let mut pairs: Vec<(K, T)> = pairs.into_iter().collect();
        crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut keys: Vec<K> = Vec::new();
        let mut ends = Vec::new();
        let mut items = Vec::with_capacity(pairs.len());
        for (k, item) in pairs {
            if keys.last() != Some(&k) {
                if !keys.is_empty() {
                    ends.push(items.len());
                }
                keys.push(k);
            }
            items.push(item);
        }
        if !keys.is_empty() {
            ends.push(items.len());
        }
        Groups { keys, ends, items }
    }

    /// The items of `key` in input order; empty when it has none.
    pub(crate) fn get<Q>(&self, key: &Q) -> &[T]
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.keys.binary_search_by(|k| k.borrow().cmp(key)) {
            Ok(i) => &self.items[self.start(i)..self.ends[i]],
            Err(_) => &[],
        }
    }

    /// Each key with its items, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &[T])> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k, &self.items[self.start(i)..self.ends[i]]))
    }

    fn start(&self, i: usize) -> usize {
        i.checked_sub(1).map_or(0, |j| self.ends[j])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Step {
        Insert(u8, u16),
        InsertNew(u8, u16),
        Bump(u8),
        Remove(u8),
        RemoveBy(u8),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u8..24, any::<u16>()).prop_map(|(k, v)| Step::Insert(k, v)),
            (0u8..24, any::<u16>()).prop_map(|(k, v)| Step::InsertNew(k, v)),
            (0u8..24).prop_map(Step::Bump),
            (0u8..24).prop_map(Step::Remove),
            (0u8..24).prop_map(Step::RemoveBy),
        ]
    }

    proptest! {
        /// Every operation answers as BTreeMap's does, and iteration is in key order.
        #[test]
        fn behaves_like_a_btree_map(steps in proptest::collection::vec(step(), 0..300)) {
            let mut ours = VecMap::new();
            let mut theirs = BTreeMap::new();
            for s in steps {
                match s {
                    Step::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), theirs.insert(k, v)),
                    Step::InsertNew(k, v) => {
                        let absent = !theirs.contains_key(&k);
                        if absent {
                            theirs.insert(k, v);
                        }
                        prop_assert_eq!(ours.insert_new(k, v), absent);
                    }
                    // Wrapping: an inserted value may already be u16::MAX.
                    Step::Bump(k) => {
                        let v = ours.get_or_insert_with(k, || 0);
                        *v = v.wrapping_add(1);
                        let w = theirs.entry(k).or_insert(0);
                        *w = w.wrapping_add(1);
                    }
                    Step::Remove(k) => prop_assert_eq!(ours.remove(&k), theirs.remove(&k)),
                    Step::RemoveBy(k) => {
                        prop_assert_eq!(ours.remove_by(|q| q.cmp(&k)), theirs.remove(&k))
                    }
                }
                prop_assert_eq!(ours.is_empty(), theirs.is_empty());
            }
            let a: Vec<(u8, u16)> = ours.iter().map(|(k, v)| (*k, *v)).collect();
            let b: Vec<(u8, u16)> = theirs.iter().map(|(k, v)| (*k, *v)).collect();
            prop_assert_eq!(a, b);
            for k in 0..24 {
                prop_assert_eq!(ours.get(&k), theirs.get(&k));
            }
        }

        /// The case that once overflowed the test's own counter: a value at u16::MAX bumped.
        #[test]
        fn bump_after_max_value_wraps_like_the_reference(k in 0u8..24) {
            let mut ours = VecMap::new();
            ours.insert(k, u16::MAX);
            let v = ours.get_or_insert_with(k, || 0);
            *v = v.wrapping_add(1);
            prop_assert_eq!(ours.get(&k), Some(&0));
        }

        /// `Groups` holds what pushing each pair in turn into a BTreeMap of vectors holds,
        /// and answers every key (present or not) as that map does.
        #[test]
        fn groups_keep_input_order_within_a_key(pairs in proptest::collection::vec((0u8..16, any::<u16>()), 0..300)) {
            let ours = Groups::new(pairs.iter().copied());
            let mut theirs: BTreeMap<u8, Vec<u16>> = BTreeMap::new();
            for (k, v) in pairs {
                theirs.entry(k).or_default().push(v);
            }
            let a: Vec<_> = ours.iter().map(|(k, v)| (*k, v.to_vec())).collect();
            let b: Vec<_> = theirs.clone().into_iter().collect();
            prop_assert_eq!(a, b);
            for k in 0u8..=16 {
                prop_assert_eq!(ours.get(&k), theirs.get(&k).map_or(&[][..], Vec::as_slice));
            }
        }

        /// Collected, serialized and read back, a map is the `BTreeMap` of the same pairs:
        /// the same entries in the same order, the same JSON, and of repeated keys the last.
        #[test]
        fn collects_writes_and_reads_as_a_btree_map(pairs in proptest::collection::vec((0u8..16, any::<u16>()), 0..100)) {
            // String keys, as the documents' maps have (or enums written as strings).
            let pairs: Vec<(String, u16)> = pairs.into_iter().map(|(k, v)| (format!("k{k}"), v)).collect();
            let ours: VecMap<String, u16> = pairs.iter().cloned().collect();
            let theirs: BTreeMap<String, u16> = pairs.iter().cloned().collect();
            prop_assert!(ours.iter().eq(theirs.iter()));
            prop_assert!((&ours).into_iter().eq(theirs.iter()));
            prop_assert_eq!(ours.len(), theirs.len());
            prop_assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
            let json = serde_json::to_string(&ours).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&theirs).unwrap());
            prop_assert_eq!(&crate::json_ser::to_string(&ours).unwrap(), &json);
            // An object with every pair, repeats included, in input order.
            let object = format!(
                "{{{}}}",
                pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(",")
            );
            let read: VecMap<String, u16> = serde_json::from_str(&object).unwrap();
            prop_assert_eq!(&read, &ours);
            let read_by_core: VecMap<String, u16> = crate::json_de::from_str(&object).unwrap();
            prop_assert_eq!(&read_by_core, &ours);
        }
    }
}

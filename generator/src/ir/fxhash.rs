//! A fast, non-cryptographic hasher for the IR builder's lookup tables (pointers, wire
//! names). The standard SipHash showed up in profiles of GitHub's spec; these keys come
//! from the document being converted, not from an adversary in a long-running service.
//!
//! Only for lookups: a map that is iterated on an output path must stay a `BTreeMap`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hash over 8-byte words.
#[derive(Clone, Copy, Default)]
pub(crate) struct FastHasher {
    state: u64,
}

/// An odd constant with well-mixed bits (from the golden ratio).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl FastHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.state = (self.state.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.mix(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown takes its control bits from the top and its bucket from the bottom:
        // fold the well-mixed high half into the low one.
        self.state ^ (self.state >> 32)
    }
}

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash>(t: T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(t)
    }

    #[test]
    fn distinct_keys_hash_apart() {
        assert_ne!(hash("a"), hash("a\0"));
        assert_ne!(hash("/paths/~1a/get"), hash("/paths/~1b/get"));
        assert_ne!(hash("12345678"), hash("123456789"));
        assert_eq!(hash("same"), hash("same"));
    }

    #[test]
    fn map_works() {
        let mut m: FastMap<String, usize> = FastMap::default();
        for i in 0..1000 {
            m.insert(format!("/components/schemas/s{i}/properties/p"), i);
        }
        for i in 0..1000 {
            assert_eq!(
                m.get(&format!("/components/schemas/s{i}/properties/p")),
                Some(&i)
            );
        }
        assert_eq!(m.get("/components/schemas/s1000/properties/p"), None);
    }
}

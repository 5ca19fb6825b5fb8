//! A set of catalog operations as a bit set (16,677 operations: 2 KB a set), so that "does
//! this rule name this operation" is one bit test at evaluation time.

/// A set of operation indices.
#[derive(Clone, PartialEq, Eq)]
pub struct OpSet {
    words: Box<[u64]>,
}

impl OpSet {
    /// The empty set over `n` operations.
    pub fn empty(n: usize) -> OpSet {
        OpSet {
            words: vec![0; n.div_ceil(64)].into_boxed_slice(),
        }
    }

    /// Every operation of `0..n`.
    pub fn full(n: usize) -> OpSet {
        let mut s = OpSet::empty(n);
        for i in 0..n {
            s.insert(i as u32);
        }
        s
    }

    pub fn insert(&mut self, op: u32) {
        let i = op as usize;
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub fn contains(&self, op: u32) -> bool {
        let i = op as usize;
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &OpSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a |= *b;
        }
    }

    /// Keeps only the members of `other`.
    pub fn intersect_with(&mut self, other: &OpSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a &= *b;
        }
    }

    /// The members, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros();
                w &= w - 1;
                Some((wi * 64) as u32 + bit)
            })
        })
    }
}

impl std::fmt::Debug for OpSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpSet({} operations)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_contains_iterate() {
        let mut s = OpSet::empty(130);
        assert!(s.is_empty());
        for i in [0, 63, 64, 129] {
            s.insert(i);
        }
        s.insert(500); // out of range: ignored
        assert!(s.contains(63) && s.contains(64) && !s.contains(65) && !s.contains(500));
        assert_eq!(s.iter().collect::<Vec<_>>(), [0, 63, 64, 129]);
        assert_eq!(s.len(), 4);
        let mut t = OpSet::full(130);
        assert_eq!(t.len(), 130);
        t.intersect_with(&s);
        assert_eq!(t, s);
        let mut u = OpSet::empty(130);
        u.union_with(&s);
        assert_eq!(u, s);
    }
}

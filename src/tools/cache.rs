//! A small byte-bounded LRU cache of serialised tool replies, keyed by operation index.
//!
//! Agents ask for the same operation's schema again and again; keeping the reply as compact
//! JSON text (shared through an [`Arc`]) makes a repeat call cost a reference count instead of a
//! render, a deep copy and a serialisation. The cache holds at most `budget` bytes of text: the
//! least recently used replies are dropped first, and a reply larger than the whole budget is
//! not kept at all.

use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug)]
struct Entry {
    text: Arc<str>,
    last_used: u64,
}

/// Serialised replies, least recently used evicted first once over `budget` bytes.
#[derive(Debug)]
pub struct ReplyCache {
    entries: HashMap<u32, Entry>,
    budget: usize,
    bytes: usize,
    clock: u64,
}

impl ReplyCache {
    pub fn new(budget: usize) -> Self {
        ReplyCache {
            entries: HashMap::new(),
            budget,
            bytes: 0,
            clock: 0,
        }
    }

    /// The reply cached for `key`, marked as just used.
    pub fn get(&mut self, key: u32) -> Option<Arc<str>> {
        self.clock += 1;
        let entry = self.entries.get_mut(&key)?;
        entry.last_used = self.clock;
        Some(Arc::clone(&entry.text))
    }

    /// Keeps `text` for `key`, evicting the least recently used replies to stay in budget.
    pub fn insert(&mut self, key: u32, text: Arc<str>) {
        if text.len() > self.budget {
            return;
        }
        if let Some(old) = self.entries.remove(&key) {
            self.bytes -= old.text.len();
        }
        while self.bytes + text.len() > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(e) = self.entries.remove(&oldest) {
                self.bytes -= e.text.len();
            }
        }
        self.clock += 1;
        self.bytes += text.len();
        self.entries.insert(
            key,
            Entry {
                text,
                last_used: self.clock,
            },
        );
    }
}

#[cfg(test)]
impl ReplyCache {
    fn bytes(&self) -> usize {
        self.bytes
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: usize) -> Arc<str> {
        "x".repeat(n).into()
    }

    #[test]
    fn keeps_within_budget_dropping_the_least_recently_used() {
        let mut c = ReplyCache::new(100);
        c.insert(1, text(40));
        c.insert(2, text(40));
        assert!(c.get(1).is_some()); // 2 is now the least recently used
        c.insert(3, text(40));
        assert_eq!(c.len(), 2);
        assert!(c.get(2).is_none());
        assert_eq!(c.get(1).as_deref().map(str::len), Some(40));
        assert!(c.get(3).is_some());
        assert_eq!(c.bytes(), 80);
    }

    #[test]
    fn replacing_a_key_and_oversized_replies() {
        let mut c = ReplyCache::new(100);
        c.insert(1, text(30));
        c.insert(1, text(50));
        assert_eq!((c.len(), c.bytes()), (1, 50));
        c.insert(2, text(101));
        assert!(c.get(2).is_none());
        assert_eq!(c.bytes(), 50);
        c.insert(3, text(100));
        assert_eq!((c.len(), c.bytes()), (1, 100));
    }
}

//! Rate caps: at most N calls per window (a minute or an hour) per counter.
//!
//! Counting is a sliding log: a counter remembers when each admitted call ran and forgets it
//! one window later, so "5 per minute" never lets a sixth call through in any 60 seconds, and
//! a refused call is told exactly when the oldest call leaves the window.
//!
//! Only calls that run are counted: [`RateStore::check`] looks without recording (validation,
//! a call waiting for confirmation), [`RateStore::admit`] records, for all of a call's counters
//! or none. The counters are ephemeral state behind a trait: [`InMemoryRates`] for one process;
//! a shared store (Redis...) can implement it for several replicas.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// One counter a call counts against: which rule and what it is counted per, with the rule's
/// cap.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RateKey {
    /// The rule's line plus the `per` values of the call (`12|ec2:RunInstances`).
    pub id: String,
    pub limit: u32,
    pub window: Duration,
}

/// Counters of admitted calls.
pub trait RateStore: Send + Sync + fmt::Debug {
    /// Whether a call counted against `keys` would be admitted at `now` (monotonic time): `Err`
    /// with the wait until it would be. Records nothing.
    fn check(&self, keys: &[RateKey], now: Duration) -> Result<(), Duration>;
    /// Records a call against every key when all have room; otherwise records nothing and
    /// returns the wait.
    fn admit(&self, keys: &[RateKey], now: Duration) -> Result<(), Duration>;
}

/// Counters in this process's memory.
#[derive(Debug, Default)]
pub struct InMemoryRates {
    logs: Mutex<HashMap<String, VecDeque<Duration>>>,
}

impl InMemoryRates {
    pub fn new() -> InMemoryRates {
        InMemoryRates::default()
    }

    /// The longest wait among full counters (after forgetting calls older than their window),
    /// or `None` when all have room.
    fn wait(
        logs: &mut HashMap<String, VecDeque<Duration>>,
        keys: &[RateKey],
        now: Duration,
    ) -> Option<Duration> {
        let mut wait: Option<Duration> = None;
        for key in keys {
            if key.limit == 0 {
                wait = Some(wait.map_or(key.window, |cur| cur.max(key.window)));
                continue;
            }
            let Some(log) = logs.get_mut(&key.id) else {
                continue;
            };
            while log.front().is_some_and(|t| *t + key.window <= now) {
                log.pop_front();
            }
            if log.len() >= key.limit as usize {
                // The call that frees a slot is the one `limit` places from the end.
                let idx = log.len() - key.limit as usize;
                let free_at = log.get(idx).map_or(now, |t| *t + key.window);
                let w = free_at.saturating_sub(now);
                wait = Some(wait.map_or(w, |cur| cur.max(w)));
            }
        }
        wait
    }
}

impl RateStore for InMemoryRates {
    fn check(&self, keys: &[RateKey], now: Duration) -> Result<(), Duration> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut logs = self.logs.lock().unwrap_or_else(|p| p.into_inner());
        match InMemoryRates::wait(&mut logs, keys, now) {
            Some(w) => Err(w),
            None => Ok(()),
        }
    }

    fn admit(&self, keys: &[RateKey], now: Duration) -> Result<(), Duration> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut logs = self.logs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = InMemoryRates::wait(&mut logs, keys, now) {
            return Err(w);
        }
        for key in keys {
            logs.entry(key.id.clone()).or_default().push_back(now);
        }
        // Counters of callers gone quiet are dropped now and then, so that per-principal
        // counters do not pile up in a long-running HTTP server.
        if logs.len() > 10_000 {
            logs.retain(|_, log| {
                log.back()
                    .is_some_and(|t| *t + Duration::from_secs(3600) > now)
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, limit: u32) -> RateKey {
        RateKey {
            id: id.to_string(),
            limit,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn sliding_window_admits_n_per_window_and_says_when() {
        let store = InMemoryRates::new();
        let k = [key("a", 2)];
        let s = Duration::from_secs;
        assert_eq!(store.admit(&k, s(0)), Ok(()));
        assert_eq!(store.admit(&k, s(10)), Ok(()));
        // Full: the first call leaves the window at 60 s.
        assert_eq!(store.check(&k, s(15)), Err(s(45)));
        assert_eq!(store.admit(&k, s(15)), Err(s(45)));
        // Refused calls are not counted: at 60 s one slot is free again.
        assert_eq!(store.admit(&k, s(60)), Ok(()));
        assert_eq!(store.check(&k, s(61)), Err(s(9)));
        assert_eq!(store.check(&k, s(70)), Ok(()));
    }

    #[test]
    fn check_records_nothing_and_admit_is_all_or_nothing() {
        let store = InMemoryRates::new();
        let s = Duration::from_secs;
        for _ in 0..10 {
            assert_eq!(store.check(&[key("a", 1)], s(0)), Ok(()));
        }
        assert_eq!(store.admit(&[key("b", 1)], s(0)), Ok(()));
        // `b` is full, so the call is refused and `a` is not counted either.
        assert_eq!(store.admit(&[key("a", 1), key("b", 1)], s(1)), Err(s(59)));
        assert_eq!(store.admit(&[key("a", 1)], s(2)), Ok(()));
    }
}

//! Time, injected: code that counts or expires things asks a [`Clock`] instead of the system,
//! so that tests can move time by hand ([`ManualClock`]) instead of sleeping.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A source of time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Monotonic time since an arbitrary origin fixed for the clock's life: for windows and
    /// time-outs (it never goes back when the wall clock is set).
    fn monotonic(&self) -> Duration;
    /// Wall-clock time: for what is shown to people or compared across processes.
    fn now(&self) -> SystemTime;
}

/// The system's clocks.
#[derive(Debug)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.origin.elapsed()
    }

    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to (tests).
#[derive(Debug)]
pub struct ManualClock {
    /// Time since the origin.
    elapsed: Mutex<Duration>,
    /// The wall-clock time at the origin.
    wall_origin: SystemTime,
}

impl ManualClock {
    /// A clock at its origin; its wall time starts at `wall_origin`.
    pub fn new(wall_origin: SystemTime) -> ManualClock {
        ManualClock {
            elapsed: Mutex::new(Duration::ZERO),
            wall_origin,
        }
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: Duration) {
        let mut e = self.elapsed.lock().unwrap_or_else(|p| p.into_inner());
        *e += d;
    }
}

impl Clock for ManualClock {
    fn monotonic(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> SystemTime {
        self.wall_origin + self.monotonic()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_when_told() {
        let c = ManualClock::new(SystemTime::UNIX_EPOCH);
        assert_eq!(c.monotonic(), Duration::ZERO);
        c.advance(Duration::from_secs(61));
        assert_eq!(c.monotonic(), Duration::from_secs(61));
        assert_eq!(
            c.now().duration_since(SystemTime::UNIX_EPOCH).unwrap(),
            Duration::from_secs(61)
        );
        let s = SystemClock::new();
        assert!(s.monotonic() <= s.monotonic());
    }
}

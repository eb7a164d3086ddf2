//! Time as the store sees it: whole milliseconds since the Unix epoch.
//!
//! The clock is a seam so that tests (and the conformance suite) can expire sessions without
//! sleeping. Production code uses [`SystemClock`].

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

/// A source of the current time, in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    /// The current time in milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// The wall clock. A clock set before 1970 reads as 0.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that moves only when told to. Clones share one time.
///
/// ```
/// use std::time::Duration;
/// use actix_session_sled::{Clock, ManualClock};
///
/// let clock = ManualClock::new(1_000);
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.now_ms(), 3_000);
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// A clock that reads `start_ms` until advanced.
    pub fn new(start_ms: u64) -> Self {
        Self(Arc::new(AtomicU64::new(start_ms)))
    }

    /// A clock that starts at the current wall-clock time.
    pub fn starting_now() -> Self {
        Self::new(SystemClock.now_ms())
    }

    /// Moves the clock forward (saturating at `u64::MAX` milliseconds).
    pub fn advance(&self, by: Duration) {
        let by_ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(by_ms))
            });
    }

    /// Sets the clock to an absolute time (it may move backwards).
    pub fn set_ms(&self, now_ms: u64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The expiry time of a session given a TTL: `now + ttl`, where a zero or negative TTL means
/// "already expired" (expiry = now) and a TTL too large to represent saturates at `u64::MAX`.
pub(crate) fn expiry_after(now_ms: u64, ttl: &time::Duration) -> u64 {
    if ttl.is_negative() || ttl.is_zero() {
        return now_ms;
    }
    let ttl_ms = u64::try_from(ttl.whole_milliseconds()).unwrap_or(u64::MAX);
    now_ms.saturating_add(ttl_ms)
}

#[cfg(test)]
mod tests {
    use time::Duration as TtlDuration;

    use super::*;

    #[test]
    fn expiry_edges() {
        assert_eq!(expiry_after(500, &TtlDuration::ZERO), 500);
        assert_eq!(expiry_after(500, &TtlDuration::seconds(-10)), 500);
        assert_eq!(expiry_after(500, &TtlDuration::MIN), 500);
        assert_eq!(expiry_after(500, &TtlDuration::seconds(2)), 2_500);
        assert_eq!(expiry_after(500, &TtlDuration::MAX), u64::MAX);
        assert_eq!(
            expiry_after(u64::MAX - 1, &TtlDuration::seconds(1)),
            u64::MAX
        );
    }
}

//! What the client knows of each session: its cookie and the counter it must hold.
//!
//! Sessions are split among the workers, each owning its share outright, so a session is never
//! in two requests at once and what the client expects of it is always exact.

use super::compact_cookie::CompactCookie;

/// One session as the client sees it: 32 bytes and the cookie's compact form, because a run
/// keeps up to 10,000,000 of them (the user name is derived from the index, not stored).
#[derive(Debug, Clone)]
pub struct ClientSession {
    /// The current value of the session cookie.
    pub cookie: CompactCookie,
    /// The counter the server must report.
    pub counter: u64,
    /// The session's identity; the server echoes `u{index}` back in every answer.
    pub index: u32,
}

impl ClientSession {
    /// A session just logged in as `u{index}`, holding `cookie` and a counter of 0.
    pub fn new(index: u32, cookie: &str) -> Self {
        ClientSession {
            cookie: CompactCookie::new(cookie),
            counter: 0,
            index,
        }
    }

    /// The user name the session logged in as.
    pub fn user(&self) -> String {
        user_name(self.index)
    }
}

/// The user name of session `index`, as the client logs it in and the server echoes it.
pub fn user_name(index: u32) -> String {
    format!("u{index}")
}

/// The sessions `0..total` that worker `worker` of `workers` owns.
pub fn share(total: u64, workers: u64, worker: u64) -> impl Iterator<Item = u64> {
    (worker..total).step_by(workers as usize)
}

/// How many sessions worker `worker` of `workers` owns (so its list is allocated once, exactly).
pub fn share_len(total: u64, workers: u64, worker: u64) -> usize {
    usize::try_from(total.saturating_sub(worker).div_ceil(workers.max(1))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{share, share_len, ClientSession};

    #[test]
    fn shares_cover_every_session_once() {
        let mut all: Vec<u64> = (0..7).flat_map(|w| share(100, 7, w)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn each_share_knows_its_length() {
        for (total, workers) in [(100, 7), (3, 8), (0, 4), (64, 64), (10_000_000, 64)] {
            for worker in 0..workers {
                assert_eq!(
                    share_len(total, workers, worker),
                    share(total, workers, worker).count(),
                    "{total} sessions, worker {worker} of {workers}"
                );
            }
        }
    }

    #[test]
    fn a_session_is_32_bytes_beside_its_cookie() {
        assert_eq!(std::mem::size_of::<ClientSession>(), 32);
        assert_eq!(ClientSession::new(42, "c").user(), "u42");
    }
}

//! What the client knows of each session: its cookie and the counter it must hold.
//!
//! Sessions are split among the workers, each owning its share outright, so a session is never
//! in two requests at once and what the client expects of it is always exact.

/// One session as the client sees it.
#[derive(Debug, Clone)]
pub struct ClientSession {
    /// The session's identity (its index); the server echoes it back in every answer.
    pub user: String,
    /// The current value of the session cookie.
    pub cookie: String,
    /// The counter the server must report.
    pub counter: u64,
}

/// The sessions `0..total` that worker `worker` of `workers` owns.
pub fn share(total: u64, workers: u64, worker: u64) -> impl Iterator<Item = u64> {
    (worker..total).step_by(workers as usize)
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_cover_every_session_once() {
        let mut all: Vec<u64> = (0..7).flat_map(|w| share(100, 7, w)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }
}

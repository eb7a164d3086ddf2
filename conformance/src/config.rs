//! How hard the suite tries: every cost knob, for stores that are slow per operation.

use std::time::Duration;

/// The suite's cost knobs. `SuiteConfig::default()` reads each from the environment variable
/// named beside it, falling back to the default shown. A harness for a slow store can lower
/// any of them in [`Harness::config`](crate::Harness::config).
///
/// | knob | variable | default | what it costs |
/// |---|---|---|---|
/// | `cases` | `PROPTEST_CASES` | 256 | generated cases in `model_based` and `state_round_trip`; a fresh store each |
/// | `max_ops` | `CONFORMANCE_MAX_OPS` | 50 | longest generated operation sequence |
/// | `keys` | `CONFORMANCE_KEYS` | 100,000 | sessions saved by `keys` (sequentially) |
/// | `sessions` | `CONFORMANCE_SESSIONS` | 100,000 | live sessions saved, then loaded, by `capacity` |
/// | `in_flight` | `CONFORMANCE_IN_FLIGHT` | 64 | futures polled at once on one thread (`capacity`, `interleaving`) |
/// | `race_rounds` | `CONFORMANCE_RACE_ROUNDS` | 40 | racing pairs per kind of race in `races` |
/// | `wait_budget` | `CONFORMANCE_WAIT_BUDGET_MS` | 4,000 ms | real waiting allowed to `model_based` on a real clock (`expiry` and `http_expiry` wait about 2.5 s more each) |
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// Generated cases per generated property.
    pub cases: u32,
    /// Longest generated operation sequence.
    pub max_ops: usize,
    /// Fresh keys drawn by `keys`.
    pub keys: usize,
    /// Live sessions saved by `capacity`.
    pub sessions: usize,
    /// Futures polled at once on one thread.
    pub in_flight: usize,
    /// Racing pairs per kind of race.
    pub race_rounds: usize,
    /// Real waiting allowed to `model_based` for a store on the real clock.
    pub wait_budget: Duration,
}

impl Default for SuiteConfig {
    fn default() -> Self {
        fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
            std::env::var(name).ok().and_then(|v| v.parse().ok())
        }
        Self {
            cases: env("PROPTEST_CASES").unwrap_or(256),
            max_ops: env("CONFORMANCE_MAX_OPS").unwrap_or(50),
            keys: env("CONFORMANCE_KEYS").unwrap_or(100_000),
            sessions: env("CONFORMANCE_SESSIONS").unwrap_or(100_000),
            in_flight: env("CONFORMANCE_IN_FLIGHT").unwrap_or(64).max(1),
            race_rounds: env("CONFORMANCE_RACE_ROUNDS").unwrap_or(40).max(1),
            wait_budget: Duration::from_millis(env("CONFORMANCE_WAIT_BUDGET_MS").unwrap_or(4_000)),
        }
    }
}

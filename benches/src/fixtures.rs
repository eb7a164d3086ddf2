//! What every benchmark shares: realistic session states, well-spread keys, the numbers of live
//! sessions measured.

use std::collections::HashMap;

use actix_web::cookie::time::Duration as Ttl;

/// A session's state as actix-session hands it to a store.
pub type State = HashMap<String, String>;

/// The TTL of live sessions.
pub const DAY: Ttl = Ttl::days(1);

/// The numbers of live sessions benchmarked, capped by `BENCH_MAX_N` for a quick run. Only the
/// sled store and the in-memory map go past [`PEER_MAX_N`].
pub fn session_counts() -> Vec<usize> {
    let cap = std::env::var("BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
        .into_iter()
        .filter(|&n| n <= cap)
        .collect()
}

/// The largest N for every store but the sled store and the in-memory map (and for the designs
/// whose sweep reads every record): their growth to 1,000,000 is already plain, and filling
/// them with ten million sessions would take most of a run.
pub const PEER_MAX_N: usize = 1_000_000;

/// From this N on, the sweep is also measured with 100,000 expired sessions.
pub const LARGE_SWEEP_FROM_N: usize = 1_000_000;

/// A realistic state: a handful of JSON values, about 230 bytes of keys and values.
pub fn realistic_state(i: u64) -> State {
    HashMap::from([
        ("user_id".to_owned(), format!("\"{i}\"")),
        ("csrf_token".to_owned(), format!("\"{:064x}\"", mix(i))),
        ("role".to_owned(), "\"member\"".to_owned()),
        ("counter".to_owned(), (i % 1000).to_string()),
        (
            "cart".to_owned(),
            format!("[{},{},{}]", i % 97, i % 89, i % 83),
        ),
        ("locale".to_owned(), "\"en-GB\"".to_owned()),
        (
            "last_seen".to_owned(),
            format!("\"2026-11-24T00:{:02}:{:02}Z\"", i % 60, (i / 60) % 60),
        ),
        (
            "flash".to_owned(),
            "\"Welcome back! Your settings were saved.\"".to_owned(),
        ),
    ])
}

/// A large state: one 16 KiB value beside the realistic ones.
pub fn large_state(i: u64) -> State {
    let mut state = realistic_state(i);
    state.insert(
        "history".to_owned(),
        format!("\"{}\"", "x".repeat(16 * 1024)),
    );
    state
}

/// Bytes of payload in a state: the lengths of its keys and values.
pub fn state_bytes(state: &State) -> usize {
    state.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// A cheap, well-spread 64-bit mix (splitmix64), for keys and tokens that are not sequential.
pub fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 64-character, well-spread key for raw sled inserts, cheaper to make than a CSPRNG key.
pub fn raw_key(i: u64) -> [u8; 64] {
    let mut key = [0u8; 64];
    let text = format!(
        "{:016x}{:016x}{:016x}{:016x}",
        mix(i),
        mix(i ^ 1),
        mix(i ^ 2),
        mix(i ^ 3)
    );
    key.copy_from_slice(text.as_bytes());
    key
}

/// Runs a store future to completion on this thread.
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}

/// Bytes a directory takes on disk: its files' allocated blocks, recursively.
pub fn dir_bytes(path: &std::path::Path) -> anyhow::Result<u64> {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.blocks() * 512
        };
    }
    Ok(total)
}

//! Fresh keys are distinct and look random; bogus keys load nothing, never another session.

use std::collections::{HashMap, HashSet};

use actix_session::storage::SessionStore;

use super::{block_on, seen, session_key, ttl_secs, Outcome, Seen, SuiteConfig};
use crate::harness::{Harness, KeyShape};

pub(super) fn check<H: Harness>(
    harness: &H,
    config: &SuiteConfig,
    runtime: &tokio::runtime::Runtime,
) -> Outcome {
    match block_on(runtime, run(harness, config.keys)) {
        Ok(Ok(())) => Outcome::Pass { cases: 1 },
        Ok(Err(e)) | Err(e) => Outcome::Fail(e),
    }
}

async fn run<H: Harness>(harness: &H, count: usize) -> Result<(), String> {
    let shape = harness.capabilities().key_shape;
    let subject = harness
        .fresh()
        .await
        .map_err(|e| format!("could not make a store: {e:#}"))?;
    let store = &*subject.store;
    let mut keys = Vec::with_capacity(count);
    for i in 0..count {
        let state = HashMap::from([("i".to_owned(), i.to_string())]);
        let key = store
            .save(state, &ttl_secs(86_400))
            .await
            .map_err(|e| format!("save #{i} failed: {e:#}"))?;
        keys.push(String::from(key));
    }
    let distinct: HashSet<&str> = keys.iter().map(String::as_str).collect();
    if distinct.len() != keys.len() {
        return Err(format!(
            "{} of {count} fresh keys were duplicates",
            keys.len() - distinct.len()
        ));
    }
    if let Some(shape) = &shape {
        check_shape(&keys, shape)?;
    }
    check_bogus_keys(store, &keys, shape.is_some()).await
}

/// Length, alphabet, and two cheap signs of a predictable generator: characters used unevenly,
/// and consecutive keys that share a long prefix.
fn check_shape(keys: &[String], shape: &KeyShape) -> Result<(), String> {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for key in keys {
        if key.len() != shape.len {
            return Err(format!(
                "a key is {} bytes long, expected {}",
                key.len(),
                shape.len
            ));
        }
        for c in key.chars() {
            if !shape.alphabet.contains(c) {
                return Err(format!(
                    "a key contains {c:?}, outside the alphabet {:?}",
                    shape.alphabet
                ));
            }
            *counts.entry(c).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    let symbols = shape.alphabet.chars().count();
    if keys.len() * shape.len >= 100 * symbols {
        let expected = total as f64 / symbols as f64;
        for c in shape.alphabet.chars() {
            let seen = counts.get(&c).copied().unwrap_or(0) as f64;
            if (seen - expected).abs() > 0.2 * expected + 5.0 * expected.sqrt() {
                return Err(format!(
                    "keys use {c:?} {seen} times, expected about {expected:.0}: the generator is not uniform"
                ));
            }
        }
    }
    for pair in keys.windows(2) {
        let shared = pair[0]
            .chars()
            .zip(pair[1].chars())
            .take_while(|(a, b)| a == b)
            .count();
        if shared >= 8 {
            return Err(format!(
                "consecutive keys share a {shared}-character prefix: the generator is predictable"
            ));
        }
    }
    Ok(())
}

/// Keys the store never issued, some of them near misses of real ones.
async fn check_bogus_keys<S: SessionStore>(
    store: &S,
    keys: &[String],
    opaque: bool,
) -> Result<(), String> {
    let mut bogus = vec![
        ("empty".to_owned(), String::new()),
        ("4064 bytes".to_owned(), "a".repeat(4064)),
        ("non-ASCII".to_owned(), "ключ-🔑-\u{0}-\u{202e}".to_owned()),
    ];
    // Near misses only mean something when keys are opaque credentials.
    if opaque {
        for real in keys.iter().take(20) {
            let chars: Vec<char> = real.chars().collect();
            for position in [0, chars.len() / 2, chars.len() - 1] {
                let mut changed = chars.clone();
                changed[position] = if changed[position] == 'a' { 'b' } else { 'a' };
                bogus.push((
                    format!("one character changed at {position}"),
                    changed.into_iter().collect(),
                ));
            }
            bogus.push(("a prefix".to_owned(), real[..real.len() - 1].to_owned()));
            bogus.push(("half a key".to_owned(), real[..real.len() / 2].to_owned()));
            bogus.push(("a key with a suffix".to_owned(), format!("{real}x")));
            bogus.push(("upper-cased".to_owned(), real.to_uppercase()));
        }
    }
    let issued: HashSet<&str> = keys.iter().map(String::as_str).collect();
    for (what, key) in bogus {
        if issued.contains(key.as_str()) {
            continue; // the mutation happened to produce a real key
        }
        match seen(store.load(&session_key(&key)).await) {
            Seen::Nothing => {}
            Seen::State(state) => {
                return Err(format!("a bogus key ({what}) loaded a session: {state:?}"))
            }
            Seen::Error(e) => return Err(format!("a bogus key ({what}) made load fail: {e}")),
        }
    }
    Ok(())
}

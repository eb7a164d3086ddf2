//! Arbitrary states come back exactly; an oversized one is refused and changes nothing.

use std::collections::HashMap;

use actix_session::storage::SessionStore;
use proptest::{prelude::*, test_runner::TestCaseError};

use super::{block_on, seen, ttl_secs, Outcome, Seen, SuiteConfig};
use crate::{harness::Harness, model::State};

const LONG_TTL_S: i64 = 86_400;

/// Unicode keys and values (any printable character), empty strings and many entries.
fn arbitrary_state() -> impl Strategy<Value = State> {
    prop_oneof![
        4 => prop::collection::hash_map("\\PC{0,12}", "\\PC{0,40}", 0..12),
        1 => prop::collection::hash_map("[a-z]{1,8}", ".{0,4}", 50..200),
        1 => Just(HashMap::from([(String::new(), String::new())])),
    ]
}

pub(super) fn check<H: Harness>(
    harness: &H,
    config: &SuiteConfig,
    runtime: &tokio::runtime::Runtime,
) -> Outcome {
    let caps = harness.capabilities();
    let mut runner = super::runner(config);
    let generated = runner.run(&arbitrary_state(), |state| {
        let fits = caps
            .max_state_bytes
            .is_none_or(|limit| serde_json::to_string(&state).map_or(0, |s| s.len()) <= limit);
        prop_assume!(fits);
        block_on(runtime, round_trip(harness, state))
            .map_err(TestCaseError::fail)?
            .map_err(TestCaseError::fail)
    });
    if let Err(e) = generated {
        return Outcome::Fail(format!("{e}"));
    }
    // One value as large as the store promises to keep (64 KiB when it names no limit), less
    // room for the field the round trip's update adds.
    let limit = caps.max_state_bytes.unwrap_or(64 * 1024);
    let big = HashMap::from([("big".to_owned(), "é".repeat(limit.saturating_sub(48) / 2))]);
    match block_on(runtime, round_trip(harness, big)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Outcome::Fail(format!("state at the declared limit: {e}")),
        Err(e) => return Outcome::Fail(e),
    }
    if let Some(limit) = caps.max_state_bytes {
        match block_on(runtime, oversized_changes_nothing(harness, limit)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Outcome::Fail(e),
            Err(e) => return Outcome::Fail(e),
        }
    }
    Outcome::Pass {
        cases: config.cases + 2,
    }
}

async fn round_trip<H: Harness>(harness: &H, state: State) -> Result<(), String> {
    let subject = harness
        .fresh()
        .await
        .map_err(|e| format!("could not make a store: {e:#}"))?;
    let store = &*subject.store;
    let key = store
        .save(state.clone(), &ttl_secs(LONG_TTL_S))
        .await
        .map_err(|e| format!("save failed: {e:#}"))?;
    match seen(store.load(&key).await) {
        Seen::State(got) if got == state => {}
        other => return Err(format!("saved {state:?}, loaded {other:?}")),
    }
    let mut changed = state.clone();
    changed.insert("second".to_owned(), "ñ".to_owned());
    let key = store
        .update(key, changed.clone(), &ttl_secs(LONG_TTL_S))
        .await
        .map_err(|e| format!("update failed: {e:#}"))?;
    match seen(store.load(&key).await) {
        Seen::State(got) if got == changed => Ok(()),
        other => Err(format!("updated to {changed:?}, loaded {other:?}")),
    }
}

/// A state twice the limit: `save` and `update` fail, and the stored session is untouched.
async fn oversized_changes_nothing<H: Harness>(harness: &H, limit: usize) -> Result<(), String> {
    let subject = harness
        .fresh()
        .await
        .map_err(|e| format!("could not make a store: {e:#}"))?;
    let store = &*subject.store;
    let original = HashMap::from([("n".to_owned(), "1".to_owned())]);
    let key = store
        .save(original.clone(), &ttl_secs(LONG_TTL_S))
        .await
        .map_err(|e| format!("save failed: {e:#}"))?;
    let huge = HashMap::from([("huge".to_owned(), "x".repeat(limit * 2))]);
    if let Ok(key) = store.save(huge.clone(), &ttl_secs(LONG_TTL_S)).await {
        return Err(format!(
            "save accepted a state of twice the declared limit ({} bytes), under a key of {} bytes",
            limit * 2,
            key.as_ref().len()
        ));
    }
    let same: actix_session::storage::SessionKey = super::session_key(key.as_ref());
    if store
        .update(same, huge, &ttl_secs(LONG_TTL_S))
        .await
        .is_ok()
    {
        return Err("update accepted a state of twice the declared limit".to_owned());
    }
    match seen(store.load(&key).await) {
        Seen::State(got) if got == original => Ok(()),
        other => Err(format!(
            "after a refused oversized update the session loads {other:?}"
        )),
    }
}

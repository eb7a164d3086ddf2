//! Zero, negative and huge TTLs: no panic, no overflow, zero or less means expired.

use std::collections::HashMap;

use actix_session::storage::SessionStore;
use actix_web::cookie::time::Duration as Ttl;

use super::{block_on, seen, Outcome, Seen};
use crate::harness::Harness;

pub(super) fn check<H: Harness>(harness: &H, runtime: &tokio::runtime::Runtime) -> Outcome {
    match block_on(runtime, run(harness)) {
        Ok(Ok(())) => Outcome::Pass { cases: 1 },
        Ok(Err(e)) | Err(e) => Outcome::Fail(e),
    }
}

async fn run<H: Harness>(harness: &H) -> Result<(), String> {
    let caps = harness.capabilities();
    let subject = harness
        .fresh()
        .await
        .map_err(|e| format!("could not make a store: {e:#}"))?;
    let store = &*subject.store;
    let state = HashMap::from([("k".to_owned(), "v".to_owned())]);
    let huge = [
        Ttl::MAX,
        Ttl::seconds(i64::MAX / 1000),
        Ttl::weeks(52 * 10_000),
    ];
    let expired = [Ttl::ZERO, Ttl::seconds(-1), Ttl::MIN];

    for ttl in expired {
        let key = store.save(state.clone(), &ttl).await.map_err(|e| {
            format!("save with TTL {ttl} failed instead of storing an expired session: {e:#}")
        })?;
        if caps.enforces_ttl && seen(store.load(&key).await) != Seen::Nothing {
            return Err(format!(
                "a session saved with TTL {ttl} loaded; zero or less means expired"
            ));
        }
    }
    for ttl in huge {
        let key = store
            .save(state.clone(), &ttl)
            .await
            .map_err(|e| format!("save with TTL {ttl} failed: {e:#}"))?;
        if seen(store.load(&key).await) != Seen::State(state.clone()) {
            return Err(format!("a session saved with TTL {ttl} did not load"));
        }
        let key = store
            .update(key, state.clone(), &ttl)
            .await
            .map_err(|e| format!("update with TTL {ttl} failed: {e:#}"))?;
        store
            .update_ttl(&key, &ttl)
            .await
            .map_err(|e| format!("update_ttl with TTL {ttl} failed: {e:#}"))?;
        if seen(store.load(&key).await) != Seen::State(state.clone()) {
            return Err(format!("a session updated with TTL {ttl} did not load"));
        }
    }
    for ttl in expired {
        let key = store
            .save(state.clone(), &Ttl::days(1))
            .await
            .map_err(|e| format!("save failed: {e:#}"))?;
        store
            .update_ttl(&key, &ttl)
            .await
            .map_err(|e| format!("update_ttl with TTL {ttl} failed: {e:#}"))?;
        if caps.enforces_ttl && caps.invalidates && seen(store.load(&key).await) != Seen::Nothing {
            return Err(format!("update_ttl with TTL {ttl} left the session live"));
        }
    }
    Ok(())
}

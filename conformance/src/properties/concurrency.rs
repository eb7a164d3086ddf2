//! Many threads at once: distinct sessions lose nothing; racing updates of one session leave
//! exactly one of the written states, never a mix.

use std::{collections::HashMap, sync::Arc};

use actix_session::storage::SessionStore;

use super::{block_on, seen, session_key, ttl_secs, Outcome, Seen};
use crate::{harness::Harness, model::State};

const THREADS: usize = 4;
const SESSIONS_PER_THREAD: usize = 50;
const UPDATES: usize = 5;
const RACING_UPDATES: usize = 50;
const FIELDS: usize = 8;

pub(super) fn check<H: Harness>(harness: &H, runtime: &tokio::runtime::Runtime) -> Outcome {
    let caps = harness.capabilities();
    let subject = match block_on(runtime, harness.fresh()) {
        Ok(Ok(subject)) => subject,
        Ok(Err(e)) => return Outcome::Fail(format!("could not make a store: {e:#}")),
        Err(e) => return Outcome::Fail(e),
    };
    if let Err(e) = distinct_sessions(&subject.store, runtime) {
        return Outcome::Fail(e);
    }
    if !caps.update_keeps_key {
        return Outcome::Pass { cases: 1 }; // racing updates of one key need a key that stays
    }
    match one_session(&subject.store, runtime) {
        Ok(()) => Outcome::Pass { cases: 2 },
        Err(e) => Outcome::Fail(e),
    }
}

/// Runs `work(thread)` on `THREADS` blocking threads, each driving its own futures on the
/// shared runtime (store futures need not be `Send`).
fn on_threads<S, T, F, Fut>(
    store: &Arc<S>,
    runtime: &tokio::runtime::Runtime,
    work: F,
) -> Result<Vec<T>, String>
where
    S: Send + Sync + 'static,
    T: Send + 'static,
    F: Fn(Arc<S>, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let store = store.clone();
            let work = work.clone();
            let handle = runtime.handle().clone();
            runtime.spawn_blocking(move || handle.block_on(work(store, thread)))
        })
        .collect();
    runtime.block_on(async {
        let mut results = Vec::new();
        for handle in handles {
            results.push(
                handle
                    .await
                    .map_err(|e| format!("a worker thread panicked: {e}"))??,
            );
        }
        Ok(results)
    })
}

fn distinct_sessions<S: SessionStore + Send + Sync + 'static>(
    store: &Arc<S>,
    runtime: &tokio::runtime::Runtime,
) -> Result<(), String> {
    let written = on_threads(store, runtime, |store, thread| async move {
        let mut finals = Vec::new();
        for i in 0..SESSIONS_PER_THREAD {
            let mut state: State = HashMap::from([("owner".to_owned(), format!("{thread}/{i}"))]);
            let mut key = store
                .save(state.clone(), &ttl_secs(86_400))
                .await
                .map_err(|e| format!("save failed: {e:#}"))?;
            for round in 0..UPDATES {
                state.insert("round".to_owned(), round.to_string());
                key = store
                    .update(key, state.clone(), &ttl_secs(86_400))
                    .await
                    .map_err(|e| format!("update failed: {e:#}"))?;
            }
            finals.push((String::from(key), state));
        }
        Ok(finals)
    })?;
    let written: Vec<_> = written.into_iter().flatten().collect();
    runtime.block_on(async {
        for (key, state) in &written {
            match seen(store.load(&session_key(key)).await) {
                Seen::State(got) if &got == state => {}
                other => {
                    return Err(format!(
                        "after concurrent writes a session holds {other:?}, expected {state:?}"
                    ))
                }
            }
        }
        Ok(())
    })
}

/// Whether `state` is exactly `uniform_state(w, r)` for some writer `w` and round `r`.
fn written_whole(state: &State) -> bool {
    let Some((writer, round)) = state
        .get("field0")
        .and_then(|v| v.split_once('-'))
        .and_then(|(w, r)| Some((w.parse().ok()?, r.parse().ok()?)))
    else {
        return false;
    };
    *state == uniform_state(writer, round)
}

fn uniform_state(writer: usize, round: usize) -> State {
    (0..FIELDS)
        .map(|f| (format!("field{f}"), format!("{writer}-{round}")))
        .chain([("writer".to_owned(), writer.to_string())])
        .collect()
}

fn one_session<S: SessionStore + Send + Sync + 'static>(
    store: &Arc<S>,
    runtime: &tokio::runtime::Runtime,
) -> Result<(), String> {
    let key = runtime
        .block_on(store.save(uniform_state(99, 0), &ttl_secs(86_400)))
        .map_err(|e| format!("save failed: {e:#}"))?;
    let shared = String::from(key);
    let key_for_threads = shared.clone();
    on_threads(store, runtime, move |store, thread| {
        let key = key_for_threads.clone();
        async move {
            for round in 0..RACING_UPDATES {
                let returned = store
                    .update(
                        session_key(&key),
                        uniform_state(thread, round),
                        &ttl_secs(86_400),
                    )
                    .await
                    .map_err(|e| format!("update failed: {e:#}"))?;
                if returned.as_ref() != key {
                    return Err("a racing update of a live session changed its key".to_owned());
                }
                // Read while the others write: every state seen must be one writer's whole write.
                match seen(store.load(&session_key(&key)).await) {
                    Seen::State(state) if written_whole(&state) => {}
                    other => {
                        return Err(format!(
                            "during racing updates a reader saw {other:?}, which no writer wrote"
                        ))
                    }
                }
            }
            Ok(())
        }
    })?;
    let written: Vec<State> = (0..THREADS)
        .flat_map(|t| (0..RACING_UPDATES).map(move |r| uniform_state(t, r)))
        .collect();
    match runtime.block_on(async { seen(store.load(&session_key(&shared)).await) }) {
        Seen::State(got) if written.contains(&got) => Ok(()),
        other => Err(format!(
            "after racing updates the session holds {other:?}, which no writer wrote"
        )),
    }
}

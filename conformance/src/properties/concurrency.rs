//! Many threads at once: distinct sessions lose nothing; racing updates of one session leave
//! exactly one of the written states, never a mix.

use std::collections::HashMap;

use crate::front::Ecosystem;

use super::call::{self, Seen};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    harness::Harness,
    model::State,
    Outcome,
};

const THREADS: usize = 4;
const SESSIONS_PER_THREAD: usize = 50;
const UPDATES: usize = 5;
const RACING_UPDATES: usize = 50;
const FIELDS: usize = 8;

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let keeps_key = ctx.caps.update_keeps_key;
    let result = ctx.with_store(async |subject| {
        let runtime = tokio::runtime::Handle::current();
        let store = &subject.store;
        let handles = || (0..THREADS).map(|_| subject.handle()).collect();
        distinct_sessions(store, handles(), &runtime)
            .await
            .map_err(|f| {
                f.at(format_args!(
                    "{THREADS} threads, each writing {SESSIONS_PER_THREAD} sessions of its own"
                ))
            })?;
        if !keeps_key {
            return Ok(1); // racing updates of one key need a key that stays
        }
        one_session(store, handles(), &runtime).await.map_err(|f| {
            f.at(format_args!(
                "{THREADS} threads racing {RACING_UPDATES} updates each on one session"
            ))
        })?;
        Ok(2)
    });
    match result {
        Ok(cases) => Outcome::Pass { cases },
        Err(failure) if ctx.excused(&failure) => Outcome::Pass { cases: 0 },
        Err(failure) => Outcome::Fail(failure),
    }
}

/// Runs `work(handle, thread)` on one blocking thread per handle, each driving its own futures
/// on the runtime (store futures need not be `Send`).
async fn on_threads<S, T, F, Fut>(
    handles: Vec<S>,
    runtime: &tokio::runtime::Handle,
    work: F,
) -> Result<Vec<T>, Failure>
where
    S: Send + 'static,
    T: Send + 'static,
    F: Fn(S, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let handles: Vec<_> = handles
        .into_iter()
        .enumerate()
        .map(|(thread, store)| {
            let work = work.clone();
            let handle = runtime.clone();
            runtime.spawn_blocking(move || handle.block_on(work(store, thread)))
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        let result = handle.await.map_err(|e| {
            Failure::new(Violation::Panic, format!("a worker thread panicked: {e}"))
        })?;
        results.push(result?);
    }
    Ok(results)
}

async fn distinct_sessions<S: Ecosystem + Send + 'static>(
    store: &S,
    handles: Vec<S>,
    runtime: &tokio::runtime::Handle,
) -> Result<(), Failure> {
    let written = on_threads(handles, runtime, |store, thread| async move {
        let mut finals = Vec::new();
        for i in 0..SESSIONS_PER_THREAD {
            let mut state: State =
                HashMap::from([("owner".to_owned(), format!("\"{thread}/{i}\""))]);
            let mut key = call::save(&store, state.clone(), call::secs(86_400)).await?;
            for round in 0..UPDATES {
                state.insert("round".to_owned(), round.to_string());
                key = call::update(&store, &key, state.clone(), call::secs(86_400)).await?;
            }
            finals.push((key, state));
        }
        Ok(finals)
    })
    .await?;
    for (key, state) in written.iter().flatten() {
        call::expect_state(
            store,
            key,
            state,
            "after concurrent writes on distinct sessions",
        )
        .await?;
    }
    Ok(())
}

/// Whether `state` is exactly `uniform_state(w, r)` for some writer `w` and round `r`.
fn written_whole(state: &State) -> bool {
    let Some((writer, round)) = state
        .get("field0")
        .and_then(|v| v.trim_matches('"').split_once('-'))
        .and_then(|(w, r)| Some((w.parse().ok()?, r.parse().ok()?)))
    else {
        return false;
    };
    *state == uniform_state(writer, round)
}

fn uniform_state(writer: usize, round: usize) -> State {
    (0..FIELDS)
        .map(|f| (format!("field{f}"), format!("\"{writer}-{round}\"")))
        .chain([("writer".to_owned(), writer.to_string())])
        .collect()
}

async fn one_session<S: Ecosystem + Send + 'static>(
    store: &S,
    handles: Vec<S>,
    runtime: &tokio::runtime::Handle,
) -> Result<(), Failure> {
    let shared = call::save(store, uniform_state(99, 0), call::secs(86_400)).await?;
    let key_for_threads = shared.clone();
    on_threads(handles, runtime, move |store, thread| {
        let key = key_for_threads.clone();
        async move {
            for round in 0..RACING_UPDATES {
                let returned =
                    call::update(&store, &key, uniform_state(thread, round), call::secs(86_400))
                        .await?;
                if returned != key {
                    return Err(Failure::new(
                        Violation::LiveKeyChanged,
                        "a racing update of a live session changed its key",
                    ));
                }
                // Read while the others write: every state seen must be one writer's whole write.
                match call::load(&store, &key).await? {
                    Seen::State(state) if written_whole(&state) => {}
                    other => {
                        return Err(Failure::new(
                            Violation::WrongState,
                            format!("during racing updates a reader saw {other:?}, which no writer wrote whole"),
                        ))
                    }
                }
            }
            Ok(())
        }
    })
    .await?;
    match call::load(store, &shared).await? {
        Seen::State(got) if written_whole(&got) => Ok(()),
        other => Err(Failure::new(
            Violation::WrongState,
            format!(
                "after racing updates the session holds {other:?}, which no writer wrote whole"
            ),
        )),
    }
}

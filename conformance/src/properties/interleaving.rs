//! Many requests' futures on one thread, as actix runs them on a worker: each on its own session,
//! with a load right after every write, their starts staggered by a few yields. A store that keeps per-thread scratch state across an
//! `.await`, or whose batching loses, delays or re-applies writes, fails.

use futures_util::future::join_all;

use super::call;
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    harness::Harness,
    Outcome, State,
};

/// Updates per session after its save.
const ROUNDS: usize = 5;

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let keeps_key = ctx.caps.update_keeps_key;
    let tasks = ctx.config.in_flight;
    let result = ctx.with_store(async |subject| {
        // Every future below is polled by this one thread: `join_all` is not `spawn`.
        let finals = join_all((0..tasks).map(|task| {
            let store = &subject.store;
            async move {
                let mut state = session_state(task, 0);
                stagger(task).await;
                let mut key = call::save(store, state.clone(), call::secs(86_400)).await?;
                call::expect_state(store, &key, &state, "right after save").await?;
                for round in 1..=ROUNDS {
                    stagger(task + round).await;
                    state = session_state(task, round);
                    let new = call::update(store, &key, state.clone(), call::secs(86_400)).await?;
                    if keeps_key && new != key {
                        return Err(Failure::new(
                            Violation::LiveKeyChanged,
                            format!("task {task}, update {round}: a live session got a new key"),
                        ));
                    }
                    key = new;
                    call::expect_state(store, &key, &state, "right after update")
                        .await
                        .map_err(|f| f.at(format_args!("task {task}, update {round}")))?;
                }
                Ok::<_, Failure>((key, state))
            }
        }))
        .await;
        let finals: Vec<(String, State)> = finals.into_iter().collect::<Result<_, _>>()?;
        // Once everything has settled, no older write may have been applied over a newer one.
        for (key, state) in &finals {
            call::expect_state(&subject.store, key, state, "once every task was done").await?;
        }
        Ok(())
    });
    match result {
        Ok(()) => Outcome::Pass { cases: 1 },
        Err(failure) if ctx.excused(&failure) => Outcome::Pass { cases: 1 },
        Err(failure) => Outcome::Fail(failure.at(format_args!("{tasks} sessions on one thread"))),
    }
}

/// Yields 0 to 3 times, so that the sessions' operations do not move in lockstep: one
/// session's write then lands while another's is in flight, at every point of it.
async fn stagger(n: usize) {
    for _ in 0..n % 4 {
        tokio::task::yield_now().await;
    }
}

fn session_state(task: usize, round: usize) -> State {
    State::from([
        ("task".to_owned(), task.to_string()),
        ("round".to_owned(), round.to_string()),
    ])
}

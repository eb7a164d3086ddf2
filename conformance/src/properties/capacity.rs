//! After many live sessions are saved, every one still loads with its own state: a store that
//! evicts live sessions past some bound (an LRU standing in for storage) fails.

use futures_util::{stream, StreamExt as _};

use super::call::{self, Seen};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    harness::Harness,
    Outcome, State,
};

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let sessions = ctx.config.sessions;
    let in_flight = ctx.config.in_flight;
    let result = ctx.with_store(async |subject| {
        let store = &subject.store;
        let state = |i: usize| State::from([("session".to_owned(), i.to_string())]);
        // Saved `in_flight` at a time on this thread, as a busy worker would.
        let saved: Vec<Result<(usize, String), Failure>> = stream::iter(0..sessions)
            .map(|i| async move {
                call::save(store, state(i), call::secs(86_400))
                    .await
                    .map(|key| (i, key))
                    .map_err(|f| f.at(format_args!("save #{i}")))
            })
            .buffer_unordered(in_flight)
            .collect()
            .await;
        let saved: Vec<(usize, String)> = saved.into_iter().collect::<Result<_, _>>()?;
        let seen: Vec<(usize, Result<Seen, Failure>)> = stream::iter(saved.iter())
            .map(|(i, key)| async move { (*i, call::load(store, key).await) })
            .buffer_unordered(in_flight)
            .collect()
            .await;
        let mut lost = Vec::new();
        for (i, seen) in seen {
            match seen? {
                Seen::State(got) if got == state(i) => {}
                Seen::State(got) => {
                    return Err(Failure::new(
                        Violation::CrossedSession,
                        format!("session #{i} of {sessions} loaded {got:?}"),
                    ))
                }
                Seen::Error(why) => {
                    return Err(Failure::new(
                        Violation::Error,
                        format!("load of session #{i}: {why}"),
                    ))
                }
                Seen::Nothing | Seen::Undecodable(_) => lost.push(i),
            }
        }
        if let Some(first) = lost.iter().min() {
            return Err(Failure::new(
                Violation::LostSession,
                format!(
                    "{} of {sessions} live sessions loaded nothing once all were saved \
                     (the earliest saved among them: #{first})",
                    lost.len()
                ),
            ));
        }
        Ok(())
    });
    match result {
        Ok(()) => Outcome::Pass { cases: 1 },
        Err(failure) if ctx.excused(&failure) => Outcome::Pass { cases: 1 },
        Err(failure) => Outcome::Fail(failure),
    }
}

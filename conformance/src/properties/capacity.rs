//! After many live sessions are saved, every one still loads with its own state: a store that
//! evicts live sessions past some bound (an LRU standing in for storage) fails.

use futures_util::{stream, StreamExt as _, TryStreamExt as _};

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
        // Saved `in_flight` at a time on this thread, as a busy worker would. The first save
        // that fails ends the property at once: the saves still queued are never started.
        let saved: Vec<(usize, String)> = stream::iter(0..sessions)
            .map(|i| async move {
                call::save(store, state(i), call::secs(86_400))
                    .await
                    .map(|key| (i, key))
                    .map_err(|f| f.at(format_args!("saving {sessions} sessions: save #{i}")))
            })
            .buffer_unordered(in_flight)
            .try_collect()
            .await?;
        // Loaded back the same way. A load that fails or crosses ends it at once; a session
        // that loads nothing is counted, so the failure says how many were lost.
        let lost: Vec<usize> = stream::iter(saved.iter())
            .map(|(i, key)| async move {
                let loading = format!("loading the {sessions} sessions back: session #{i}");
                match call::load(store, key).await.map_err(|f| f.at(&loading))? {
                    Seen::State(got) if got == state(*i) => Ok(None),
                    Seen::State(got) => Err(Failure::new(
                        Violation::CrossedSession,
                        format!("{loading} loaded {got:?}"),
                    )),
                    Seen::Error(why) => Err(Failure::new(
                        Violation::Error,
                        format!("{loading}: load failed: {why}"),
                    )),
                    Seen::Nothing | Seen::Undecodable(_) => Ok(Some(*i)),
                }
            })
            .buffer_unordered(in_flight)
            .try_filter_map(|lost| async move { Ok(lost) })
            .try_collect()
            .await?;
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

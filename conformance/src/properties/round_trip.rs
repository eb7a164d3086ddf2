//! States as the middleware makes them come back exactly, through `save` and `update`; states it
//! cannot make are probed and reported as advisories.

use crate::front::Ecosystem;

use super::call::{self, Seen};
use crate::{
    check::Ctx,
    failure::Failure,
    generate::{middleware_state, one_field},
    harness::Harness,
    Outcome, State,
};

const DAY: i64 = 86_400;

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let limit = ctx.caps.max_state;
    let outcome = ctx.generated(middleware_state(), |state| {
        // A state over the declared limit belongs to `size_limits`.
        if limit.is_some_and(|l| l.measure.of(&with_second(&state)) > l.bytes) {
            return Ok(());
        }
        ctx.with_store(async |subject| round_trip(&subject.store, &state).await)
    });
    if !matches!(outcome, Outcome::Pass { .. }) {
        return outcome;
    }
    // No declared limit: the store must keep a large state (64 KiB of JSON text).
    if limit.is_none() {
        let big = one_field("big", &"é".repeat(32 * 1024));
        if let Err(failure) = ctx.with_store(async |subject| round_trip(&subject.store, &big).await)
        {
            return Outcome::Fail(failure.at("a state of 64 KiB (the store declares no limit)"));
        }
    }
    if ctx.contract().text_values {
        probe_beyond_middleware(ctx);
    }
    Outcome::Pass {
        cases: ctx.config.cases + 1,
    }
}

/// `state` with one more field, as `round_trip`'s update writes it.
fn with_second(state: &State) -> State {
    let mut changed = state.clone();
    changed.insert("second".to_owned(), "\"ñ\"".to_owned());
    changed
}

async fn round_trip<S: Ecosystem>(store: &S, state: &State) -> Result<(), Failure> {
    let key = call::save(store, state.clone(), call::secs(DAY)).await?;
    call::expect_state(store, &key, state, "after save").await?;
    let changed = with_second(state);
    let key = call::update(store, &key, changed.clone(), call::secs(DAY)).await?;
    call::expect_state(store, &key, &changed, "after update").await
}

/// States the middleware cannot produce: field names with control characters are possible only
/// if an application names a field so; raw values that are not JSON text, never.
fn probe_beyond_middleware<H: Harness>(ctx: &Ctx<'_, H>) {
    let probes = [
        (
            "field names with control characters (NUL, U+0001, a line break), which only an \
             application that names a session field so can produce",
            State::from([
                ("a\u{0}b".to_owned(), "1".to_owned()),
                ("\u{1}".to_owned(), "2".to_owned()),
                ("line\nbreak".to_owned(), "3".to_owned()),
            ]),
        ),
        (
            "a raw value that is not JSON text (with a NUL byte), which the middleware never \
             writes",
            State::from([("raw".to_owned(), "\u{0}not json".to_owned())]),
        ),
    ];
    for (probe, state) in probes {
        let observed = ctx.with_store(async |subject| {
            let store = &subject.store;
            Ok(
                match call::save(store, state.clone(), call::secs(DAY)).await {
                    Err(failure) => Some(format!("refused: {}", failure.detail)),
                    Ok(key) => match call::load(store, &key).await? {
                        Seen::State(got) if got == state => None,
                        other => Some(format!("saved, then loaded {other:?}")),
                    },
                },
            )
        });
        match observed {
            Ok(Some(what)) => ctx.advise(probe, what),
            Ok(None) => {}
            Err(failure) => ctx.advise(probe, failure.to_string()),
        }
    }
}

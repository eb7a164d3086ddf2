//! The declared size limit holds in bytes: a state at the limit is stored, the smallest state
//! over it is refused and changes nothing, through `save` and `update`, in ASCII and in 2-, 3-
//! and 4-byte UTF-8 (where a limit counted in characters, or in UTF-16 units, gives way).

use crate::front::Ecosystem;

use super::call;
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    generate::one_field,
    harness::{Harness, StateLimit},
    Outcome, State,
};

const DAY: i64 = 86_400;

/// Characters of each UTF-8 width.
const FILLERS: [(char, &str); 4] = [
    ('a', "ASCII"),
    ('é', "2-byte UTF-8"),
    ('€', "3-byte UTF-8"),
    ('😀', "4-byte UTF-8"),
];

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let Some(limit) = ctx.caps.max_state else {
        return Outcome::NotApplicable(
            "the store declares no size limit (`state_round_trip` stores 64 KiB)".to_owned(),
        );
    };
    let result = ctx.with_store(async |subject| {
        let store = &subject.store;
        let mut steps = ctx.steps();
        for (filler, name) in FILLERS {
            let (at, over) = at_and_over(limit, filler);
            steps
                .run(&format!("save, {name}"), by_save(store, limit, &at, &over))
                .await?;
            steps
                .run(
                    &format!("update, {name}"),
                    by_update(store, limit, &at, &over),
                )
                .await?;
        }
        Ok(steps.count())
    });
    super::steps_outcome(result)
}

/// A state holding `bytes` bytes of text: as many `filler` characters as fit, then ASCII.
fn state_of(bytes: usize, filler: char) -> State {
    let width = filler.len_utf8();
    let mut text = filler.to_string().repeat(bytes / width);
    text.push_str(&"a".repeat(bytes % width));
    one_field("blob", &text)
}

/// The largest state within the limit and the smallest over it, in `filler` characters.
fn at_and_over(limit: StateLimit, filler: char) -> (State, State) {
    let fits = |bytes: usize| limit.measure.of(&state_of(bytes, filler)) <= limit.bytes;
    // Binary search for the most text that fits; the measure grows with the text.
    let (mut low, mut high) = (0, limit.bytes + 1);
    while low + 1 < high {
        let middle = (low + high) / 2;
        if fits(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    (state_of(low, filler), state_of(low + 1, filler))
}

fn size(limit: StateLimit, state: &State) -> String {
    format!(
        "{} bytes ({} characters of text; the limit is {} bytes by {:?})",
        limit.measure.of(state),
        state.values().map(|v| v.chars().count()).sum::<usize>(),
        limit.bytes,
        limit.measure
    )
}

async fn by_save<S: Ecosystem>(
    store: &S,
    limit: StateLimit,
    at: &State,
    over: &State,
) -> Result<(), Failure> {
    let key = call::save(store, at.clone(), call::secs(DAY))
        .await
        .map_err(|f| {
            Failure::new(
                Violation::SizeLimit,
                format!("a state of {} was refused: {}", size(limit, at), f.detail),
            )
        })?;
    call::expect_state(store, &key, at, "a state at the limit").await?;
    if let Ok(key) = call::save(store, over.clone(), call::secs(DAY)).await {
        return Err(Failure::new(
            Violation::SizeLimit,
            format!(
                "a state of {}, one byte over the limit, was accepted (under a key of {} bytes)",
                size(limit, over),
                key.len()
            ),
        ));
    }
    Ok(())
}

async fn by_update<S: Ecosystem>(
    store: &S,
    limit: StateLimit,
    at: &State,
    over: &State,
) -> Result<(), Failure> {
    let key = call::save(store, one_field("n", "small"), call::secs(DAY)).await?;
    let key = call::update(store, &key, at.clone(), call::secs(DAY))
        .await
        .map_err(|f| {
            Failure::new(
                Violation::SizeLimit,
                format!(
                    "update to a state of {} was refused: {}",
                    size(limit, at),
                    f.detail
                ),
            )
        })?;
    call::expect_state(store, &key, at, "after update to a state at the limit").await?;
    if call::update(store, &key, over.clone(), call::secs(DAY))
        .await
        .is_ok()
    {
        return Err(Failure::new(
            Violation::SizeLimit,
            format!(
                "update to a state of {}, one byte over the limit, was accepted",
                size(limit, over)
            ),
        ));
    }
    call::expect_state(
        store,
        &key,
        at,
        "after a refused update (it must change nothing)",
    )
    .await
}

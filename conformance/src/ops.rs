//! The operations `model_based` generates, drawn so that a failure shrinks to a few readable
//! steps: small states, keys by position, TTLs and clock moves in whole seconds.

use proptest::prelude::*;

use crate::{generate::small_state, harness::Capabilities, model::State};

/// How many clones of the store (handles) a sequence spreads its operations over: actix-web
/// gives each worker its own clone, and clones must share their sessions.
pub(crate) const HANDLES: usize = 3;

/// Which key an operation uses.
#[derive(Debug, Clone)]
pub(crate) enum KeyRef {
    /// The n-th key issued so far (modulo how many were issued).
    Issued(usize),
    /// A key the store never issued.
    NeverIssued,
}

/// One step of a generated sequence, on one of the store's handles.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Save {
        handle: usize,
        state: State,
        ttl_s: i64,
    },
    Load {
        handle: usize,
        key: KeyRef,
    },
    Update {
        handle: usize,
        key: KeyRef,
        state: State,
        ttl_s: i64,
    },
    UpdateTtl {
        handle: usize,
        key: KeyRef,
        ttl_s: i64,
    },
    Delete {
        handle: usize,
        key: KeyRef,
    },
    /// Moves a controlled clock forward.
    AdvanceClock {
        secs: u64,
    },
    /// Waits in real time (a store on the real clock), within the property's wait budget.
    Wait {
        ms: u64,
    },
    /// Runs the store's sweep, if it has one (otherwise nothing happens).
    Sweep,
}

fn key_ref() -> impl Strategy<Value = KeyRef> {
    prop_oneof![9 => (0usize..64).prop_map(KeyRef::Issued), 1 => Just(KeyRef::NeverIssued)]
}

fn handle() -> impl Strategy<Value = usize> {
    0..HANDLES
}

/// TTLs in whole multiples of the store's resolution. With a controlled clock: short ones (zero
/// included) that the sequence outlives. With the real clock: mostly hours, sometimes one or two
/// resolutions, which a wait can outlive.
fn ttl(caps: &Capabilities) -> BoxedStrategy<i64> {
    let unit = caps.ttl_secs_at_least(1);
    if caps.clock.is_controlled() {
        prop_oneof![1 => Just(0i64), 9 => (1i64..=120).prop_map(move |n| n * unit)].boxed()
    } else {
        prop_oneof![
            1 => Just(0i64),
            2 => (1i64..=2).prop_map(move |n| n * unit),
            7 => (1i64..=24).prop_map(move |n| n * caps_hour(unit)),
        ]
        .boxed()
    }
}

/// An hour, rounded up to the resolution.
fn caps_hour(unit: i64) -> i64 {
    (3_600 + unit - 1) / unit * unit
}

/// One operation, weighted towards the common ones.
fn op(caps: &Capabilities, update_ttl: bool) -> BoxedStrategy<Op> {
    let mut choices: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (
            3,
            (handle(), small_state(), ttl(caps))
                .prop_map(|(handle, state, ttl_s)| Op::Save {
                    handle,
                    state,
                    ttl_s,
                })
                .boxed(),
        ),
        (
            4,
            (handle(), key_ref())
                .prop_map(|(handle, key)| Op::Load { handle, key })
                .boxed(),
        ),
        (
            3,
            (handle(), key_ref(), small_state(), ttl(caps))
                .prop_map(|(handle, key, state, ttl_s)| Op::Update {
                    handle,
                    key,
                    state,
                    ttl_s,
                })
                .boxed(),
        ),
        (
            1,
            (handle(), key_ref())
                .prop_map(|(handle, key)| Op::Delete { handle, key })
                .boxed(),
        ),
        (1, Just(Op::Sweep).boxed()),
    ];
    if update_ttl {
        choices.push((
            2,
            (handle(), key_ref(), ttl(caps))
                .prop_map(|(handle, key, ttl_s)| Op::UpdateTtl { handle, key, ttl_s })
                .boxed(),
        ));
    }
    if caps.clock.is_controlled() {
        choices.push((
            2,
            (1u64..=150)
                .prop_map(|secs| Op::AdvanceClock { secs })
                .boxed(),
        ));
    } else if caps.enforces_ttl {
        let unit_ms = u64::try_from(caps.ttl_secs_at_least(1)).unwrap_or(1) * 1000;
        choices.push((
            1,
            (unit_ms..=2 * unit_ms + 300)
                .prop_map(|ms| Op::Wait { ms })
                .boxed(),
        ));
    }
    prop::strategy::Union::new_weighted(choices).boxed()
}

/// A sequence of up to `max_len` operations; `update_ttl` says whether the store has that
/// operation.
pub(crate) fn sequence(
    caps: &Capabilities,
    update_ttl: bool,
    max_len: usize,
) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(caps, update_ttl), 1..=max_len)
}

impl Op {
    /// The key the step uses, if it uses one.
    pub(crate) fn key(&self) -> Option<&KeyRef> {
        match self {
            Op::Load { key, .. }
            | Op::Update { key, .. }
            | Op::UpdateTtl { key, .. }
            | Op::Delete { key, .. } => Some(key),
            Op::Save { .. } | Op::AdvanceClock { .. } | Op::Wait { .. } | Op::Sweep => None,
        }
    }

    /// The key the step uses, to change it.
    pub(crate) fn key_mut(&mut self) -> Option<&mut KeyRef> {
        match self {
            Op::Load { key, .. }
            | Op::Update { key, .. }
            | Op::UpdateTtl { key, .. }
            | Op::Delete { key, .. } => Some(key),
            Op::Save { .. } | Op::AdvanceClock { .. } | Op::Wait { .. } | Op::Sweep => None,
        }
    }
}

/// A step as a reader of a failure wants it: the operation, the handle, the key by when it was
/// issued ("the 2nd key issued"), the state and the TTL.
pub(crate) struct StepText<'a> {
    op: &'a Op,
    key: Option<&'a str>,
}

impl<'a> StepText<'a> {
    /// `op`, whose key (if it has one) is called `key`.
    pub fn new(op: &'a Op, key: Option<&'a str>) -> Self {
        Self { op, key }
    }

    /// "the 1st key issued", "the 2nd key issued", ... for the key at `index` (from 0).
    pub fn issued(index: usize) -> String {
        let n = index + 1;
        let suffix = match (n % 10, n % 100) {
            (1, 11) | (2, 12) | (3, 13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!("the {n}{suffix} key issued")
    }
}

impl std::fmt::Display for StepText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = self.key.unwrap_or("a key never issued");
        match self.op {
            Op::Save {
                handle,
                state,
                ttl_s,
            } => write!(
                f,
                "save {state:?} with a TTL of {ttl_s} s, on handle {handle}"
            ),
            Op::Load { handle, .. } => write!(f, "load {key}, on handle {handle}"),
            Op::Update {
                handle,
                state,
                ttl_s,
                ..
            } => write!(
                f,
                "update {key} to {state:?} with a TTL of {ttl_s} s, on handle {handle}"
            ),
            Op::UpdateTtl { handle, ttl_s, .. } => {
                write!(f, "update_ttl of {key} to {ttl_s} s, on handle {handle}")
            }
            Op::Delete { handle, .. } => write!(f, "delete {key}, on handle {handle}"),
            Op::AdvanceClock { secs } => write!(f, "move the clock {secs} s on"),
            Op::Wait { ms } => write!(f, "wait {ms} ms"),
            Op::Sweep => f.write_str("sweep"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StepText;

    #[test]
    fn keys_are_named_by_when_they_were_issued() {
        let names: Vec<String> = [0, 1, 2, 3, 10, 11, 12, 20, 21, 101, 111]
            .into_iter()
            .map(StepText::issued)
            .collect();
        assert_eq!(
            names,
            [
                "the 1st key issued",
                "the 2nd key issued",
                "the 3rd key issued",
                "the 4th key issued",
                "the 11th key issued",
                "the 12th key issued",
                "the 13th key issued",
                "the 21st key issued",
                "the 22nd key issued",
                "the 102nd key issued",
                "the 112th key issued",
            ]
        );
    }
}

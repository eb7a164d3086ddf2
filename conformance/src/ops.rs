//! Operations the model-based property generates, and how they are generated.

use proptest::prelude::*;

use crate::{harness::Capabilities, model::State};

/// Which key an operation uses.
#[derive(Debug, Clone)]
pub enum KeyRef {
    /// The n-th key issued so far (modulo how many were issued).
    Issued(usize),
    /// A key the store never issued.
    NeverIssued,
}

/// One step of a generated sequence. TTLs and clock moves are in whole seconds.
#[derive(Debug, Clone)]
pub enum Op {
    Save {
        state: State,
        ttl_s: i64,
    },
    Load {
        key: KeyRef,
    },
    Update {
        key: KeyRef,
        state: State,
        ttl_s: i64,
    },
    UpdateTtl {
        key: KeyRef,
        ttl_s: i64,
    },
    Delete {
        key: KeyRef,
    },
    AdvanceClock {
        secs: u64,
    },
    Sweep,
}

/// Small states: short keys and values, so that a failure prints readably.
pub fn small_state() -> impl Strategy<Value = State> {
    prop::collection::hash_map("[a-c]{1,2}", "[a-z0-9\"]{0,4}", 0..4)
}

fn key_ref() -> impl Strategy<Value = KeyRef> {
    prop_oneof![9 => (0usize..64).prop_map(KeyRef::Issued), 1 => Just(KeyRef::NeverIssued)]
}

/// TTLs the store can be tested with: with a controlled clock short ones (zero included) that
/// the sequence can outlive; otherwise long ones that outlive the sequence.
fn ttl(caps: &Capabilities) -> BoxedStrategy<i64> {
    if caps.controlled_clock {
        prop_oneof![1 => Just(0i64), 9 => 1i64..=120].boxed()
    } else {
        (3_600i64..=86_400).boxed()
    }
}

/// One operation, weighted towards the common ones.
pub fn op(caps: &Capabilities) -> BoxedStrategy<Op> {
    let mut choices: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (
            3,
            (small_state(), ttl(caps))
                .prop_map(|(state, ttl_s)| Op::Save { state, ttl_s })
                .boxed(),
        ),
        (4, key_ref().prop_map(|key| Op::Load { key }).boxed()),
        (
            3,
            (key_ref(), small_state(), ttl(caps))
                .prop_map(|(key, state, ttl_s)| Op::Update { key, state, ttl_s })
                .boxed(),
        ),
        (
            2,
            (key_ref(), ttl(caps))
                .prop_map(|(key, ttl_s)| Op::UpdateTtl { key, ttl_s })
                .boxed(),
        ),
        (1, key_ref().prop_map(|key| Op::Delete { key }).boxed()),
    ];
    if caps.controlled_clock {
        choices.push((
            2,
            (1u64..=150)
                .prop_map(|secs| Op::AdvanceClock { secs })
                .boxed(),
        ));
    }
    if caps.sweep {
        choices.push((1, Just(Op::Sweep).boxed()));
    }
    prop::strategy::Union::new_weighted(choices).boxed()
}

/// A sequence of up to `max_len` operations.
pub fn sequence(caps: &Capabilities, max_len: usize) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(caps), 1..=max_len)
}

//! Shrinking a failing sequence to the fewest steps. Steps refer to keys by their place among
//! the keys issued so far, so removing a step that issued a key would silently point every
//! later reference at another key; here references are first pinned to the key each step
//! really used, and renumbered when a step that issued a key goes.

use crate::{
    failure::Failure,
    ops::{KeyRef, Op},
};

/// Which issued key a step used, and which it issued.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct StepKeys {
    /// The place among the keys issued of the key the step used (`None`: a key never issued,
    /// or no key).
    pub used: Option<usize>,
    /// The place of the key the step issued, if it issued a new one.
    pub issued: Option<usize>,
}

/// What a run of a sequence did with keys, step by step, and where it failed.
#[derive(Debug, Clone, Default)]
pub(super) struct Trace {
    pub steps: Vec<StepKeys>,
    pub failed_at: Option<usize>,
}

/// Runs a sequence: its result and trace.
type RunFn<'a> = dyn Fn(&[Op]) -> (Result<(), Failure>, Trace) + 'a;

/// Shrinks the failing `ops` until no single step can be removed with the failure remaining,
/// and returns the failure of the shortest sequence (`None` if `ops` no longer fails: a
/// failure that depends on real time).
pub(super) fn steps(
    ops: Vec<Op>,
    run: impl Fn(&[Op]) -> (Result<(), Failure>, Trace),
) -> Option<Failure> {
    let run: &RunFn<'_> = &run;
    let (result, trace) = run(&ops);
    let mut failure = result.err()?;
    let mut ops = pinned(ops, &trace);
    let mut trace = trace;
    'shorter: loop {
        for i in (0..ops.len()).rev() {
            let shorter = without(&ops, &trace, i);
            if shorter.is_empty() {
                continue;
            }
            let (result, shorter_trace) = run(&shorter);
            if let Err(shorter_failure) = result {
                ops = pinned(shorter, &shorter_trace);
                trace = shorter_trace;
                failure = shorter_failure;
                continue 'shorter;
            }
        }
        return Some(failure);
    }
}

/// `ops` up to the failing step, each reference pinned to the key the run used.
fn pinned(mut ops: Vec<Op>, trace: &Trace) -> Vec<Op> {
    if let Some(failed) = trace.failed_at {
        ops.truncate(failed + 1);
    }
    for (op, keys) in ops.iter_mut().zip(&trace.steps) {
        if let Some(key) = op.key_mut() {
            *key = keys.used.map_or(KeyRef::NeverIssued, KeyRef::Issued);
        }
    }
    ops
}

/// `ops` without step `i`; if that step issued a key, later references to it become a key
/// never issued and references to keys issued after it move down by one.
fn without(ops: &[Op], trace: &Trace, i: usize) -> Vec<Op> {
    let issued = trace.steps.get(i).and_then(|keys| keys.issued);
    let mut shorter = ops.to_vec();
    shorter.remove(i);
    if let Some(gone) = issued {
        for op in &mut shorter {
            if let Some(key) = op.key_mut() {
                if let KeyRef::Issued(n) = *key {
                    if n == gone {
                        *key = KeyRef::NeverIssued;
                    } else if n > gone {
                        *key = KeyRef::Issued(n - 1);
                    }
                }
            }
        }
    }
    shorter
}

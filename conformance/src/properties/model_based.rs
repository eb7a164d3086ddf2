//! Random operation sequences against the reference model; a failure shrinks to a short one.

use actix_session::storage::SessionStore;
use proptest::test_runner::TestCaseError;

use super::{block_on, seen, session_key, ttl_secs, Outcome, Seen, SuiteConfig};
use crate::{
    harness::{Capabilities, Harness, Subject},
    model::{Expect, Model},
    ops::{sequence, KeyRef, Op},
};

const NEVER_ISSUED: &str = "never-issued-0000000000000000000000000000000000000000000000000000";

pub(super) fn check<H: Harness>(
    harness: &H,
    config: &SuiteConfig,
    runtime: &tokio::runtime::Runtime,
) -> Outcome {
    let caps = harness.capabilities();
    let mut runner = super::runner(config);
    let result = runner.run(&sequence(&caps, config.max_ops), |ops| {
        let subject = block_on(runtime, harness.fresh())
            .map_err(TestCaseError::fail)?
            .map_err(|e| TestCaseError::fail(format!("could not make a store: {e:#}")))?;
        let mut model = Model::new(caps.enforces_ttl, caps.invalidates);
        for (step, op) in ops.iter().enumerate() {
            block_on(runtime, apply(&subject, &mut model, op, &caps))
                .map_err(TestCaseError::fail)?
                .map_err(|e| TestCaseError::fail(format!("step {step} ({op:?}): {e}")))?;
        }
        Ok(())
    });
    match result {
        Ok(()) => Outcome::Pass {
            cases: config.cases,
        },
        Err(e) => Outcome::Fail(format!("{e}")),
    }
}

fn resolve(model: &Model, key: &KeyRef) -> String {
    match key {
        KeyRef::Issued(n) if !model.issued.is_empty() => {
            model.issued[n % model.issued.len()].clone()
        }
        _ => NEVER_ISSUED.to_owned(),
    }
}

/// Applies one operation to store and model and compares what the store said.
async fn apply<S: SessionStore>(
    subject: &Subject<S>,
    model: &mut Model,
    op: &Op,
    caps: &Capabilities,
) -> Result<(), String> {
    // Stores whose keys are credentials issue each key once; stores whose keys carry the state
    // (the cookie store) give equal states equal keys.
    let unique_keys = caps.key_shape.is_some();
    let store = &*subject.store;
    match op {
        Op::Save { state, ttl_s } => {
            let key = store
                .save(state.clone(), &ttl_secs(*ttl_s))
                .await
                .map_err(|e| format!("save failed: {e:#}"))?;
            let key = key.as_ref();
            if unique_keys && model.was_issued(key) {
                return Err("save returned a key it had issued before".to_owned());
            }
            model.saved(key, state.clone(), ttl_s * 1000);
        }
        Op::Load { key } => {
            let key = resolve(model, key);
            let got = seen(store.load(&session_key(&key)).await);
            let ok = match (model.expect_load(&key), &got) {
                (Expect::State(want), Seen::State(got)) => &want == got,
                (Expect::Absent, Seen::Nothing) => true,
                (Expect::AbsentOr(_), Seen::Nothing) => true,
                (Expect::AbsentOr(want), Seen::State(got)) => &want == got,
                _ => false,
            };
            if !ok {
                return Err(format!(
                    "load: expected {:?}, store gave {got:?}",
                    model.expect_load(&key)
                ));
            }
        }
        Op::Update { key, state, ttl_s } => {
            let old = resolve(model, key);
            let in_place = model.update_in_place(&old);
            let new = store
                .update(session_key(&old), state.clone(), &ttl_secs(*ttl_s))
                .await
                .map_err(|e| format!("update failed: {e:#}"))?;
            let new = new.as_ref();
            if in_place && caps.update_keeps_key && new != old {
                return Err("update of a live session changed its key".to_owned());
            }
            if !in_place && new == old && caps.invalidates {
                return Err("update of a dead session reused its key (resurrection)".to_owned());
            }
            if unique_keys && new != old && model.was_issued(new) {
                return Err("update moved the session to a key issued before".to_owned());
            }
            model.updated(&old, new, state.clone(), ttl_s * 1000);
        }
        Op::UpdateTtl { key, ttl_s } => {
            let key = resolve(model, key);
            store
                .update_ttl(&session_key(&key), &ttl_secs(*ttl_s))
                .await
                .map_err(|e| format!("update_ttl failed: {e:#}"))?;
            model.ttl_updated(&key, ttl_s * 1000);
        }
        Op::Delete { key } => {
            let key = resolve(model, key);
            store
                .delete(&session_key(&key))
                .await
                .map_err(|e| format!("delete failed: {e:#}"))?;
            model.deleted(&key);
        }
        Op::AdvanceClock { secs } => {
            let advance = subject.advance_clock.as_ref().ok_or("no clock control")?;
            advance(std::time::Duration::from_secs(*secs));
            model.advance(secs * 1000);
        }
        Op::Sweep => {
            let sweep = subject.sweep.as_ref().ok_or("no sweep")?;
            let removed = sweep().map_err(|e| format!("sweep failed: {e:#}"))?;
            let expected = model.swept();
            if removed != expected {
                return Err(format!(
                    "sweep removed {removed} sessions, {expected} had expired"
                ));
            }
        }
    }
    Ok(())
}

//! Random operation sequences, spread over several clones of the store, against the reference
//! model; a failure shrinks to the fewest steps that still show it, each key named by when it
//! was issued.

mod fewest;
mod run;

use std::{cell::Cell, time::Duration};

use self::{fewest::Trace, run::Run};
use crate::{
    check::{Ctx, Found},
    failure::{Failure, Violation},
    harness::{Capabilities, Harness},
    ops::{sequence, Op, HANDLES},
    Outcome,
};

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    let caps = ctx.caps.clone();
    let waited = Cell::new(Duration::ZERO);
    let run = |ops: &[Op]| run_case(ctx, &caps, &waited, ops);
    let strategy = sequence(&caps, ctx.contract().update_ttl, ctx.config.max_ops);
    match ctx.search(strategy, |ops| run(&ops).0) {
        Ok(cases) => Outcome::Pass { cases },
        Err(Found::Aborted(failure)) => Outcome::Fail(failure),
        Err(Found::Counterexample(failure, ops)) => {
            // proptest removes steps without regard to the keys later steps refer to by
            // position, so steps that matter to no one stay. Removing one step at a time, with
            // the references renumbered, leaves only steps the failure needs. A shorter
            // sequence counts only if it shows the same kind of failure, not excused: it must
            // not drift to a known finding or another bug.
            let violation = failure.violation;
            let same = |ops: &[Op]| {
                let (result, trace) = run(ops);
                let result = match result {
                    Err(f) if f.violation != violation || ctx.excused(&f) => Ok(()),
                    other => other,
                };
                (result, trace)
            };
            match fewest::steps(ops, same) {
                Some(failure) => Outcome::Fail(failure),
                // A real-clock failure that did not come back: report what proptest found.
                None => Outcome::Fail(failure),
            }
        }
    }
}

/// Runs one sequence on a fresh store: the result (a failure carries the steps as they ran,
/// each key named by when it was issued), and which keys each step used and issued.
fn run_case<H: Harness>(
    ctx: &Ctx<'_, H>,
    caps: &Capabilities,
    waited: &Cell<Duration>,
    ops: &[Op],
) -> (Result<(), Failure>, Trace) {
    let excused = |failure: &Failure| ctx.excused(failure);
    let mut trace = Trace::default();
    let result = ctx.with_store(async |subject| {
        let handles = (0..HANDLES).map(|_| subject.handle()).collect();
        let mut run = Run::new(&excused, caps, handles, waited, ctx.config.wait_budget);
        for (step, op) in ops.iter().enumerate() {
            match run.apply(subject, op).await {
                // An operation that failed changed nothing: when a known finding excuses the
                // failure, the sequence goes on without it, as a web app would after a 500.
                Err(failure) if failure.violation == Violation::Error && ctx.excused(&failure) => {}
                Err(failure) => {
                    trace = std::mem::take(&mut run.trace);
                    trace.failed_at = Some(step);
                    return Err(Failure {
                        detail: format!(
                            "step {} of {}: {}\nthe steps, each key named by when it was issued:\n{}",
                            step + 1,
                            ops.len(),
                            failure.detail,
                            run.steps.join("\n")
                        ),
                        ..failure
                    });
                }
                Ok(()) => {}
            }
        }
        trace = std::mem::take(&mut run.trace);
        Ok(())
    });
    (result, trace)
}

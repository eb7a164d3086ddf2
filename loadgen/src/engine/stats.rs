//! Per-worker measurements, merged at the end: HDR histograms of latency (corrected for
//! coordinated omission and not), a histogram per second for the timeline, status counts and
//! failures. Workers also bump a few shared atomics for the live progress bar; nothing is sent
//! per request.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicU64, AtomicU8, Ordering::Relaxed},
        Arc, Mutex, OnceLock,
    },
    time::Instant,
};

use hdrhistogram::Histogram;
use serde::Serialize;

use super::checks::{Failed, Failure};

/// Latencies are recorded in microseconds up to a minute.
const MAX_LATENCY_US: u64 = 60_000_000;
/// Violation examples kept per worker.
const EXAMPLES: usize = 5;

/// Where the run is; workers record latencies only while `MEASURE`.
pub const WARMUP: u8 = 0;
pub const MEASURE: u8 = 1;
pub const STOP: u8 = 2;

/// Shared between the controller and the workers.
#[derive(Debug)]
pub struct Shared {
    pub phase: AtomicU8,
    pub measure_start: OnceLock<Instant>,
    pub requests: AtomicU64,
    pub errors: AtomicU64,
    pub violations: AtomicU64,
    /// The measured phase second by second, all workers together. Each worker folds its current
    /// second in when the next one starts: a lock per worker per second, never per request, and
    /// memory for one histogram per second, not one per worker per second.
    pub timeline: Mutex<Vec<Second>>,
}

impl Default for Shared {
    fn default() -> Self {
        Self::new()
    }
}

impl Shared {
    /// Everything at zero, in the warm-up phase.
    pub fn new() -> Self {
        Self {
            phase: AtomicU8::new(WARMUP),
            measure_start: OnceLock::new(),
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            violations: AtomicU64::new(0),
            timeline: Mutex::new(Vec::new()),
        }
    }

    fn fold_second(&self, index: usize, second: &Second) {
        let mut timeline = self.timeline.lock().unwrap_or_else(|p| p.into_inner());
        while timeline.len() <= index {
            timeline.push(Second::new());
        }
        timeline[index].requests += second.requests;
        let _ = timeline[index].latency.add(&second.latency);
    }
}

/// One second of the measured phase.
#[derive(Debug, Clone)]
pub struct Second {
    pub requests: u64,
    pub latency: Histogram<u64>,
}

impl Second {
    fn new() -> Self {
        Self {
            requests: 0,
            latency: histogram(2),
        }
    }
}

/// What one worker saw.
#[derive(Debug)]
pub struct Recorder {
    shared: Arc<Shared>,
    pub corrected: Histogram<u64>,
    pub uncorrected: Histogram<u64>,
    /// The second being recorded now (index from the measured start), not yet folded in.
    current: Option<(usize, Second)>,
    pub status: BTreeMap<u16, u64>,
    pub failures: BTreeMap<Failure, u64>,
    pub examples: Vec<String>,
    pub requests: u64,
}

fn histogram(significant_figures: u8) -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_LATENCY_US, significant_figures)
        .expect("valid histogram bounds")
}

impl Recorder {
    pub fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            corrected: histogram(3),
            uncorrected: histogram(3),
            current: None,
            status: BTreeMap::new(),
            failures: BTreeMap::new(),
            examples: Vec::new(),
            requests: 0,
        }
    }

    /// Records a completed request: latency from its intended start and from its sending.
    pub fn latency(&mut self, intended: Instant, sent: Instant, done: Instant, status: u16) {
        self.shared.requests.fetch_add(1, Relaxed);
        if self.shared.phase.load(Relaxed) != MEASURE {
            return;
        }
        let Some(start) = self.shared.measure_start.get() else {
            return;
        };
        let micros = |from: Instant| {
            (done.saturating_duration_since(from).as_micros() as u64).clamp(1, MAX_LATENCY_US)
        };
        self.corrected.saturating_record(micros(intended));
        self.uncorrected.saturating_record(micros(sent));
        self.requests += 1;
        *self.status.entry(status).or_default() += 1;
        let index = done.saturating_duration_since(*start).as_secs() as usize;
        if self.current.as_ref().is_some_and(|(i, _)| *i != index) {
            self.fold_second();
        }
        let (_, second) = self.current.get_or_insert_with(|| (index, Second::new()));
        second.requests += 1;
        second.latency.saturating_record(micros(intended));
    }

    /// Folds the second being recorded into the shared timeline (also done when dropped).
    pub fn fold_second(&mut self) {
        if let Some((index, second)) = self.current.take() {
            self.shared.fold_second(index, &second);
        }
    }

    /// Records a failed operation, in every phase.
    pub fn failure(&mut self, (failure, detail): Failed) {
        *self.failures.entry(failure).or_default() += 1;
        if failure.is_violation() {
            self.shared.violations.fetch_add(1, Relaxed);
            if self.examples.len() < EXAMPLES {
                self.examples.push(format!("{}: {detail}", failure.name()));
            }
        } else {
            self.shared.errors.fetch_add(1, Relaxed);
        }
    }

    /// Folds another worker's recorder into this one.
    pub fn merge(&mut self, other: &Recorder) {
        let _ = self.corrected.add(&other.corrected);
        let _ = self.uncorrected.add(&other.uncorrected);
        for (status, n) in &other.status {
            *self.status.entry(*status).or_default() += n;
        }
        for (failure, n) in &other.failures {
            *self.failures.entry(*failure).or_default() += n;
        }
        self.examples.extend(other.examples.iter().cloned());
        self.requests += other.requests;
    }

    pub fn count(&self, violations: bool) -> u64 {
        self.failures
            .iter()
            .filter(|(f, _)| f.is_violation() == violations)
            .map(|(_, n)| n)
            .sum()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.fold_second();
    }
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize)]
pub struct Percentiles {
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
}

impl Percentiles {
    pub fn of(h: &Histogram<u64>) -> Self {
        Self {
            p50: h.value_at_quantile(0.5),
            p90: h.value_at_quantile(0.9),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }
}

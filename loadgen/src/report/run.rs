//! What a run found: the JSON record (`run-<backend>-<unix time>.json`) and the Markdown
//! summary (`latest.md`). Read back by the reliability summary, so older runs' files must still
//! parse: fields added since default.

use std::{collections::BTreeMap, fmt::Write as _, time::Duration};

use serde::{Deserialize, Serialize};

use crate::{
    cli::LoadArgs,
    engine::stats::{Percentiles, Recorder, Second},
};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    Interrupted,
    ServerDied,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Latency {
    /// From each request's intended start (coordinated omission corrected).
    pub corrected: Percentiles,
    /// From the moment each request was sent.
    pub uncorrected: Percentiles,
}

/// The server's resident memory at one moment.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RssSample {
    /// Second of the measured phase; negative during the warm-up.
    pub second: f64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Point {
    pub second: usize,
    pub requests: u64,
    pub p50_us: u64,
    pub p99_us: u64,
}

/// One run, as written to `<results>/run-<backend>-<unix time>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    /// The store, as its harness names it; `target URL` for `--target`.
    #[serde(default)]
    pub store: String,
    /// The built-in backend (`sled`, ...), `custom` for a binary of one's own, `target`.
    pub backend: String,
    pub target: Option<String>,
    pub sessions: u64,
    pub logged_in: u64,
    pub concurrency: u64,
    pub mix: String,
    pub mode: String,
    pub rate: Option<f64>,
    pub warmup_s: f64,
    pub duration_s: f64,
    pub requests: u64,
    pub throughput_rps: f64,
    pub latency_us: Option<Latency>,
    pub status_counts: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub violations: BTreeMap<String, u64>,
    pub violation_examples: Vec<String>,
    pub total_errors: u64,
    pub total_violations: u64,
    pub distinct_sessions: u64,
    pub login_s: f64,
    pub login_rate: f64,
    pub client_cpu_s: f64,
    pub client_max_rss_bytes: u64,
    pub server_rss_bytes: Option<u64>,
    /// One sample a second from the start of the warm-up.
    pub server_rss_samples: Vec<RssSample>,
    /// (max - min) / min of the server's RSS over the measured phase.
    pub server_rss_spread: Option<f64>,
    /// The most `server_rss_spread` may be for the run to count as clean (`--max-rss-spread`).
    pub max_rss_spread: Option<f64>,
    pub server_exit: Option<String>,
    pub timeline: Vec<Point>,
    pub outcome: Outcome,
    pub build_profile: String,
    pub machine: String,
    pub date: String,
    pub command: String,
}

impl RunReport {
    /// A report of a run of `args` against the store named `store` (of built-in `backend`).
    pub fn new(args: &LoadArgs, store: &str, backend: &str) -> Self {
        let provenance = reports::Provenance::now(std::env::args().collect::<Vec<_>>().join(" "));
        Self {
            store: store.to_owned(),
            backend: backend.to_owned(),
            target: args.target.clone(),
            sessions: args.sessions,
            logged_in: 0,
            concurrency: args.concurrency,
            mix: args.mix.to_string(),
            mode: if args.rate.is_some() {
                "open loop"
            } else {
                "closed loop"
            }
            .to_owned(),
            rate: args.rate,
            warmup_s: args.warmup,
            duration_s: 0.0,
            requests: 0,
            throughput_rps: 0.0,
            latency_us: None,
            status_counts: BTreeMap::new(),
            errors: BTreeMap::new(),
            violations: BTreeMap::new(),
            violation_examples: Vec::new(),
            total_errors: 0,
            total_violations: 0,
            distinct_sessions: 0,
            login_s: 0.0,
            login_rate: 0.0,
            client_cpu_s: 0.0,
            client_max_rss_bytes: 0,
            server_rss_bytes: None,
            server_rss_samples: Vec::new(),
            server_rss_spread: None,
            max_rss_spread: args.max_rss_spread.map(|percent| percent / 100.0),
            server_exit: None,
            timeline: Vec::new(),
            outcome: Outcome::Completed,
            build_profile: provenance.build,
            machine: provenance.machine,
            date: provenance.date,
            command: provenance.command,
        }
    }

    /// What the run is called in reports: the store's name (the backend's, for older runs).
    pub fn label(&self) -> &str {
        if self.store.is_empty() {
            &self.backend
        } else {
            &self.store
        }
    }

    /// Where the run came from.
    pub fn provenance(&self) -> reports::Provenance {
        reports::Provenance {
            command: self.command.clone(),
            build: self.build_profile.clone(),
            machine: self.machine.clone(),
            date: self.date.clone(),
        }
    }

    pub fn login(&mut self, took: Duration, logged_in: u64) {
        self.login_s = took.as_secs_f64();
        self.logged_in = logged_in;
        self.login_rate = logged_in as f64 / self.login_s.max(1e-9);
    }

    pub fn client(&mut self, cpu_s: f64, max_rss: u64) {
        self.client_cpu_s = cpu_s;
        self.client_max_rss_bytes = max_rss;
    }

    /// Records the server's RSS at `second` of the measured phase (negative in the warm-up).
    pub fn sample_server_rss(&mut self, second: f64, rss: Option<u64>) {
        if let Some(bytes) = rss {
            // One sample a second for up to two hours.
            if self.server_rss_samples.len() < 7_200 {
                self.server_rss_samples.push(RssSample { second, bytes });
            }
            self.server_rss_bytes = self.server_rss_bytes.max(Some(bytes));
        }
    }

    /// The measured phase's RSS samples: (first, min, max, last), in bytes.
    pub fn measured_rss(&self) -> Option<(u64, u64, u64, u64)> {
        let measured: Vec<u64> = self
            .server_rss_samples
            .iter()
            .filter(|s| s.second >= 0.0)
            .map(|s| s.bytes)
            .collect();
        let (first, last) = (*measured.first()?, *measured.last()?);
        let min = measured.iter().copied().min()?;
        let max = measured.iter().copied().max()?;
        Some((first, min, max, last))
    }

    /// Fills in what the merged recorder saw.
    pub fn finish(
        &mut self,
        recorder: &Recorder,
        timeline: &[Second],
        outcome: Outcome,
        measured: Duration,
    ) {
        self.outcome = outcome;
        self.requests = recorder.requests;
        // Requests recorded while measuring, over exactly how long that lasted.
        self.duration_s = measured.as_secs_f64();
        if self.duration_s > 0.0 {
            self.throughput_rps = recorder.requests as f64 / self.duration_s;
        }
        if recorder.requests > 0 {
            self.latency_us = Some(Latency {
                corrected: Percentiles::of(&recorder.corrected),
                uncorrected: Percentiles::of(&recorder.uncorrected),
            });
        }
        self.status_counts = recorder
            .status
            .iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect();
        for (failure, n) in &recorder.failures {
            let into = if failure.is_violation() {
                &mut self.violations
            } else {
                &mut self.errors
            };
            into.insert(failure.name().to_owned(), *n);
        }
        self.violation_examples = recorder.examples.clone();
        self.server_rss_spread = self
            .measured_rss()
            .map(|(_, min, max, _)| (max - min) as f64 / min.max(1) as f64);
        self.total_errors = recorder.count(false);
        self.total_violations = recorder.count(true);
        self.timeline = timeline
            .iter()
            .enumerate()
            .map(|(second, s)| Point {
                second,
                requests: s.requests,
                p50_us: s.latency.value_at_quantile(0.5),
                p99_us: s.latency.value_at_quantile(0.99),
            })
            .collect();
    }

    /// Whether the run is clean: completed, no error, no violation, every session verified,
    /// memory within its limit (see [`RunReport::verdict`]).
    pub fn clean(&self) -> bool {
        self.verdict().is_ok()
    }

    /// Whether the server's memory stayed within `--max-rss-spread` (true when no limit is set;
    /// false when one is set but nothing was measured).
    pub fn rss_within_limit(&self) -> bool {
        match self.max_rss_spread {
            None => true,
            Some(limit) => self.server_rss_spread.is_some_and(|spread| spread <= limit),
        }
    }

    /// The Markdown summary (`latest.md`).
    pub fn markdown(&self, plot: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Load run: {}\n", self.label());
        let _ = writeln!(md, "{}\n", self.provenance().markdown());
        if self.build_profile == "debug" {
            let _ = writeln!(md, "**These figures come from an unoptimised build; use `--release` for figures worth comparing.**\n");
        }
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| outcome | {:?} |", self.outcome);
        let _ = writeln!(
            md,
            "| sessions (logged in / verified distinct at the end) | {} ({} / {}) |",
            self.sessions, self.logged_in, self.distinct_sessions
        );
        let _ = writeln!(
            md,
            "| login phase | {:.1} s, {:.0} sessions/s |",
            self.login_s, self.login_rate
        );
        let _ = writeln!(
            md,
            "| mix, mode | {}, {}{} |",
            self.mix,
            self.mode,
            self.rate
                .map_or(String::new(), |r| format!(" at {r:.0} req/s"))
        );
        let _ = writeln!(md, "| connections | {} |", self.concurrency);
        let _ = writeln!(
            md,
            "| measured | {:.0} s after {:.0} s warm-up, {} requests |",
            self.duration_s, self.warmup_s, self.requests
        );
        let _ = writeln!(md, "| throughput | {:.0} req/s |", self.throughput_rps);
        if let Some(l) = &self.latency_us {
            let _ = writeln!(
                md,
                "| latency, corrected (µs) | p50 {} · p90 {} · p99 {} · p99.9 {} · max {} |",
                l.corrected.p50,
                l.corrected.p90,
                l.corrected.p99,
                l.corrected.p999,
                l.corrected.max
            );
            let _ = writeln!(
                md,
                "| latency, uncorrected (µs) | p50 {} · p90 {} · p99 {} · p99.9 {} · max {} |",
                l.uncorrected.p50,
                l.uncorrected.p90,
                l.uncorrected.p99,
                l.uncorrected.p999,
                l.uncorrected.max
            );
        }
        let _ = writeln!(md, "| status counts | {} |", join(&self.status_counts));
        let _ = writeln!(
            md,
            "| errors | {} ({}) |",
            self.total_errors,
            join(&self.errors)
        );
        let _ = writeln!(
            md,
            "| violations | {} ({}) |",
            self.total_violations,
            join(&self.violations)
        );
        let _ = writeln!(
            md,
            "| client CPU during the measured phase | {:.1} s |",
            self.client_cpu_s
        );
        let _ = writeln!(
            md,
            "| client peak memory | {:.0} MB |",
            self.client_max_rss_bytes as f64 / 1e6
        );
        let _ = writeln!(
            md,
            "| server peak memory | {} |",
            self.server_rss_bytes
                .map_or("not measured".to_owned(), |b| format!(
                    "{:.0} MB",
                    b as f64 / 1e6
                ))
        );
        if let Some((first, min, max, last)) = self.measured_rss() {
            let mb = |b: u64| b as f64 / 1e6;
            let _ = writeln!(
                md,
                "| server memory over the measured phase (RSS, {} samples) | first {:.0} MB · min {:.0} · max {:.0} · last {:.0}; spread (max − min) / min {:.1} %{} |",
                self.server_rss_samples.iter().filter(|s| s.second >= 0.0).count(),
                mb(first),
                mb(min),
                mb(max),
                mb(last),
                self.server_rss_spread.unwrap_or(0.0) * 100.0,
                self.max_rss_spread.map_or(String::new(), |limit| format!(
                    " (limit {:.0} %: {})",
                    limit * 100.0,
                    if self.rss_within_limit() { "within" } else { "**exceeded**" }
                ))
            );
        }
        for example in &self.violation_examples {
            let _ = writeln!(md, "\n- {example}");
        }
        let _ = writeln!(md, "\n![throughput and latency over time]({plot})");
        md
    }
}

fn join(map: &BTreeMap<String, u64>) -> String {
    if map.is_empty() {
        return "none".to_owned();
    }
    map.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

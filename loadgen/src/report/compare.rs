//! `--compare`: the same workload on several backends, back to back, and the ratios
//! between them (each a ratio of two figures of this one run).

use std::fmt::Write as _;

use reports::{Bound, Ratio, Table};
use serde::{Deserialize, Serialize};

use super::RunReport;

#[derive(Debug, Serialize, Deserialize)]
pub struct Comparison {
    pub runs: Vec<RunReport>,
    pub ratios: Vec<Ratio>,
    /// Backends not run, and why.
    pub skipped: Vec<String>,
}

fn throughput(runs: &[RunReport], backend: &str) -> Option<f64> {
    runs.iter()
        .find(|r| r.backend == backend)
        .map(|r| r.throughput_rps)
}

impl Comparison {
    pub fn new(runs: Vec<RunReport>, skipped: Vec<String>) -> Self {
        let of = |backend: &str| throughput(&runs, backend);
        let login = runs
            .iter()
            .find(|r| r.backend == "sled")
            .map(|r| r.login_rate);
        let ran = |backend: &str| runs.iter().any(|r| r.backend == backend);
        let mut ratios = Vec::new();
        if ran("sled") {
            ratios.extend(Self::actix_ratios(&of, login));
        }
        if ran("tower-sled") {
            ratios.extend(Self::tower_ratios(&of));
        }
        Self {
            runs,
            ratios,
            skipped,
        }
    }

    /// The sled store against actix-session's other backends.
    fn actix_ratios(of: &impl Fn(&str) -> Option<f64>, login: Option<f64>) -> Vec<Ratio> {
        vec![
            Ratio::of(
                "S1",
                "sled / memory throughput (the in-memory map is the ceiling of a server-side store)",
                of("sled"),
                of("memory"),
                Bound::AtLeast(0.8),
            ),
            Ratio::of(
                "P5",
                "sled / cookie throughput",
                of("sled"),
                of("cookie"),
                Bound::AtLeast(0.75),
            ),
            Ratio::of(
                "P6",
                "sled / redis throughput",
                of("sled"),
                of("redis"),
                Bound::AtLeast(1.5),
            ),
            Ratio::new(
                "P8",
                "login phase, sled backend (sessions/s)",
                login,
                Bound::AtLeast(20_000.0),
            ),
        ]
    }

    /// The sled store's tower front against tower-sessions' other backends: the S1 target
    /// through the other middleware, and the published sled store, which the store must not
    /// trail for what it adds (the expiry check, the index, crash-safe order).
    fn tower_ratios(of: &impl Fn(&str) -> Option<f64>) -> Vec<Ratio> {
        vec![
            Ratio::of(
                "S1t",
                "tower-sled / tower-memory throughput (tower-sessions' MemoryStore is the ceiling)",
                of("tower-sled"),
                of("tower-memory"),
                Bound::AtLeast(0.8),
            ),
            Ratio::of(
                "P6t",
                "tower-sled / tower-sled-seed throughput (the published tower-sessions-sled-store)",
                of("tower-sled"),
                of("tower-sled-seed"),
                Bound::AtLeast(1.0),
            ),
            Ratio::of(
                "P7t",
                "tower-sled / tower-sqlite throughput (the other embedded store)",
                of("tower-sled"),
                of("tower-sqlite"),
                Bound::AtLeast(1.0),
            ),
        ]
    }

    pub fn markdown(&self, plot: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Backends compared\n");
        if let Some(first) = self.runs.first() {
            let _ = writeln!(
                md,
                "{} Each backend ran the same workload back to back: {} sessions, {} connections, \
                 mix {}, {} ({:.0} s measured after {:.0} s warm-up).\n",
                first.provenance().markdown(),
                first.sessions,
                first.concurrency,
                first.mix,
                first.mode,
                first.duration_s,
                first.warmup_s
            );
        }
        let mut table = Table::new([
            "store",
            "throughput (req/s)",
            "p50 (µs)",
            "p99 (µs)",
            "p99.9 (µs)",
            "login (sessions/s)",
            "errors",
            "violations",
            "sessions verified",
            "server peak RSS (MB)",
            "client CPU (s)",
        ]);
        for r in &self.runs {
            let (p50, p99, p999) = r.latency_us.as_ref().map_or((0, 0, 0), |l| {
                (l.corrected.p50, l.corrected.p99, l.corrected.p999)
            });
            table.row([
                r.label().to_owned(),
                format!("{:.0}", r.throughput_rps),
                p50.to_string(),
                p99.to_string(),
                p999.to_string(),
                format!("{:.0}", r.login_rate),
                r.total_errors.to_string(),
                r.total_violations.to_string(),
                format!("{} / {}", r.distinct_sessions, r.sessions),
                r.server_rss_bytes
                    .map_or("—".to_owned(), |b| format!("{:.0}", b as f64 / 1e6)),
                format!("{:.1}", r.client_cpu_s),
            ]);
        }
        let _ = writeln!(md, "{}", table.markdown());
        let _ = writeln!(md, "{}", reports::ratio_table(&self.ratios));
        for skipped in &self.skipped {
            let _ = writeln!(md, "Not run: {skipped}\n");
        }
        let _ = writeln!(md, "![throughput and p99 by backend]({plot})");
        md
    }
}

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
    /// Rounds of the comparison (`--repeat`); each ratio is the median of its rounds.
    #[serde(default = "one")]
    pub rounds: usize,
}

fn one() -> usize {
    1
}

/// A backend's figure in each round it ran, in order.
fn per_round(runs: &[RunReport], backend: &str, figure: impl Fn(&RunReport) -> f64) -> Vec<f64> {
    runs.iter()
        .filter(|r| r.backend == backend)
        .map(figure)
        .collect()
}

/// `numerator / denominator` of two backends' throughputs, round by round.
type Of<'a> = dyn Fn(&str, &str, &str, &str, Bound) -> Ratio + 'a;

impl Comparison {
    pub fn new(runs: Vec<RunReport>, skipped: Vec<String>, rounds: usize) -> Self {
        let of = |id: &str, description: &str, numerator: &str, denominator: &str, bound| {
            Ratio::of_rounds(
                id,
                description,
                &per_round(&runs, numerator, |r| r.throughput_rps),
                &per_round(&runs, denominator, |r| r.throughput_rps),
                bound,
            )
        };
        let logins = per_round(&runs, "sled", |r| r.login_rate);
        let login = Ratio::of_rounds(
            "P8",
            "login phase, sled backend (sessions/s)",
            &logins,
            &vec![1.0; logins.len()],
            Bound::AtLeast(20_000.0),
        );
        let ran = |backend: &str| runs.iter().any(|r| r.backend == backend);
        let mut ratios = Vec::new();
        if ran("sled") {
            ratios.extend(Self::actix_ratios(&of));
            ratios.push(login);
        }
        if ran("tower-sled") {
            ratios.extend(Self::tower_ratios(&of));
        }
        Self {
            runs,
            ratios,
            skipped,
            rounds,
        }
    }

    /// The sled store against actix-session's other backends.
    fn actix_ratios(of: &Of<'_>) -> Vec<Ratio> {
        vec![
            of(
                "S1",
                "sled / memory throughput (the in-memory map is the ceiling of a server-side store)",
                "sled",
                "memory",
                Bound::AtLeast(0.85),
            ),
            of(
                "P5",
                "sled / cookie throughput",
                "sled",
                "cookie",
                Bound::AtLeast(0.9),
            ),
            of(
                "P6",
                "sled / redis throughput",
                "sled",
                "redis",
                Bound::AtLeast(1.5),
            ),
        ]
    }

    /// The sled store's tower front against tower-sessions' other backends: the S1 target
    /// through the other middleware, and the published sled store, which the store must not
    /// trail for what it adds (the expiry check, the index, crash-safe order).
    fn tower_ratios(of: &Of<'_>) -> Vec<Ratio> {
        vec![
            of(
                "S1t",
                "tower-sled / tower-memory throughput (tower-sessions' MemoryStore is the ceiling)",
                "tower-sled",
                "tower-memory",
                Bound::AtLeast(0.8),
            ),
            of(
                "P6t",
                "tower-sled / tower-sled-seed throughput (the published tower-sessions-sled-store)",
                "tower-sled",
                "tower-sled-seed",
                Bound::AtLeast(1.0),
            ),
            of(
                "P7t",
                "tower-sled / tower-sqlite throughput (the other embedded store)",
                "tower-sled",
                "tower-sqlite",
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
        if self.rounds > 1 {
            let _ = writeln!(
                md,
                "{} rounds in one sitting, the backends' order reversed every other round; each \
                 ratio is the median of its rounds, with their lowest and highest value, and is \
                 undecided where that spread exceeds its distance to the target.\n",
                self.rounds
            );
        }
        let mut table = Table::new([
            "round",
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
        let mut seen = std::collections::HashMap::new();
        for r in &self.runs {
            let round = seen.entry(r.backend.clone()).or_insert(0usize);
            *round += 1;
            let (p50, p99, p999) = r.latency_us.as_ref().map_or((0, 0, 0), |l| {
                (l.corrected.p50, l.corrected.p99, l.corrected.p999)
            });
            table.row([
                round.to_string(),
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

//! `--compare`: the same workload on every backend, and the ratios between them.

use std::fmt::Write as _;

use serde::Serialize;

use crate::report::RunReport;

#[derive(Debug, Serialize)]
pub struct Ratio {
    pub id: &'static str,
    pub description: &'static str,
    pub value: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
}

impl Ratio {
    /// A ratio that must be at least `bound`.
    fn at_least(
        id: &'static str,
        description: &'static str,
        value: Option<f64>,
        bound: f64,
    ) -> Self {
        Self {
            id,
            description,
            value,
            target: format!("≥ {bound}"),
            met: value.map(|v| v >= bound),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Comparison {
    pub runs: Vec<RunReport>,
    pub ratios: Vec<Ratio>,
    pub skipped: Vec<String>,
}

fn throughput(runs: &[RunReport], backend: &str) -> Option<f64> {
    runs.iter()
        .find(|r| r.backend == backend)
        .map(|r| r.throughput_rps)
}

impl Comparison {
    pub fn new(runs: Vec<RunReport>, skipped: Vec<String>) -> Self {
        let sled = throughput(&runs, "sled");
        let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b.max(1e-9));
        let login = runs
            .iter()
            .find(|r| r.backend == "sled")
            .map(|r| r.login_rate);
        let ratios = vec![
            Ratio::at_least(
                "P5",
                "sled / cookie throughput, same mix",
                ratio(sled, throughput(&runs, "cookie")),
                0.85,
            ),
            Ratio::at_least(
                "P6",
                "sled / redis throughput, same mix",
                ratio(sled, throughput(&runs, "redis")),
                1.5,
            ),
            Ratio::at_least(
                "P8",
                "login phase, sled backend (sessions/s)",
                login,
                20_000.0,
            ),
        ];
        Self {
            runs,
            ratios,
            skipped,
        }
    }

    pub fn markdown(&self, plot: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Backends compared\n");
        if let Some(first) = self.runs.first() {
            let _ = writeln!(
                md,
                "Command: `{}`. Build: {}. Machine: {}. Date: {}. Each backend ran the same workload back to back: {} sessions, {} connections, mix {}, {} ({:.0} s measured after {:.0} s warm-up).\n",
                first.command, first.build_profile, first.machine, first.date, first.sessions, first.concurrency, first.mix, first.mode, first.duration_s, first.warmup_s
            );
        }
        let _ = writeln!(md, "| backend | throughput (req/s) | p50 (µs) | p99 (µs) | p99.9 (µs) | login (sessions/s) | errors | violations | sessions verified | server peak RSS (MB) | client CPU (s) |");
        let _ = writeln!(md, "|---|---|---|---|---|---|---|---|---|---|---|");
        for r in &self.runs {
            let (p50, p99, p999) = r.latency_us.as_ref().map_or((0, 0, 0), |l| {
                (l.corrected.p50, l.corrected.p99, l.corrected.p999)
            });
            let _ = writeln!(
                md,
                "| {} | {:.0} | {p50} | {p99} | {p999} | {:.0} | {} | {} | {} / {} | {} | {:.1} |",
                r.backend,
                r.throughput_rps,
                r.login_rate,
                r.total_errors,
                r.total_violations,
                r.distinct_sessions,
                r.sessions,
                r.server_rss_bytes
                    .map_or("—".to_owned(), |b| format!("{:.0}", b as f64 / 1e6)),
                r.client_cpu_s
            );
        }
        let _ = writeln!(
            md,
            "\n| id | ratio | value | target | met |\n|---|---|---|---|---|"
        );
        for r in &self.ratios {
            let value = r
                .value
                .map_or("not measured".to_owned(), |v| format!("{v:.2}"));
            let met = r.met.map_or("—", |m| if m { "yes" } else { "**no**" });
            let _ = writeln!(
                md,
                "| {} | {} | {value} | {} | {met} |",
                r.id, r.description, r.target
            );
        }
        let p5_missed = self
            .ratios
            .iter()
            .any(|r| r.id == "P5" && r.met == Some(false));
        if let (true, Some(memory), Some(cookie)) = (
            p5_missed,
            throughput(&self.runs, "memory"),
            throughput(&self.runs, "cookie"),
        ) {
            let _ = writeln!(
                md,
                "\nP5 missed: every request to a server-side store reads the store (and every change \
                 writes it), work the cookie store does not do. The in-memory map, the cheapest \
                 server-side store there is, reaches {:.2} of the cookie store's throughput in this \
                 run; sled adds a B-tree read of about 2 µs per request at 100,000 sessions (see \
                 results/bench.md). What would close the gap: a bounded in-process cache of decoded \
                 states in front of sled (one process owns a sled database, so it can stay coherent).",
                memory / cookie.max(1e-9)
            );
        }
        for skipped in &self.skipped {
            let _ = writeln!(md, "\nNot run: {skipped}");
        }
        let _ = writeln!(md, "\n![throughput and p99 by backend]({plot})");
        md
    }
}

//! The benchmark report: the table of operations by N, the target ratios and the write-protocol
//! comparison, gathered from criterion's output and the benches' extra measurements.

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

use serde::Serialize;

use crate::{estimates::median_ns, output::Extra};

/// One row of the table: an operation on one implementation, in µs per operation by N.
#[derive(Debug, Serialize)]
pub struct Row {
    pub operation: String,
    pub implementation: String,
    pub micros: BTreeMap<usize, f64>,
    /// Measured once, independent of N (the cookie store); shown under every N.
    pub independent_of_n: bool,
}

/// A target ratio and whether this run met it.
#[derive(Debug, Serialize)]
pub struct Ratio {
    pub id: &'static str,
    pub description: String,
    pub value: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
    pub note: String,
}

/// Saves per second by number of threads, per write protocol.
#[derive(Debug, Serialize)]
pub struct Throughput {
    pub protocol: &'static str,
    pub saves_per_second: BTreeMap<usize, f64>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub command: String,
    pub machine: String,
    pub date: String,
    pub session_counts: Vec<usize>,
    pub rows: Vec<Row>,
    pub ratios: Vec<Ratio>,
    pub concurrent_saves: Vec<Throughput>,
    pub disk_bytes_per_session: BTreeMap<usize, f64>,
    pub state_bytes: usize,
    pub record_bytes: usize,
    pub redis_skipped: Option<String>,
}

/// (operation, implementation, criterion group, criterion id with `{n}` for N).
const ROWS: &[(&str, &str, &str, &str)] = &[
    ("load (live)", "sled store", "load_hit", "store/{n}"),
    (
        "load (live)",
        "raw sled get + decode",
        "raw_get_decode",
        "sled/{n}",
    ),
    ("load (live)", "redis store", "redis_store", "load/{n}"),
    ("load (live)", "cookie store", "cookie_store", "load"),
    ("load (missing)", "sled store", "load_miss", "store/{n}"),
    (
        "load (expired, unswept)",
        "sled store",
        "load_expired",
        "store/{n}",
    ),
    ("save", "sled store", "save", "store/{n}"),
    ("save", "raw sled insert", "raw_insert", "sled/{n}"),
    ("save", "redis store", "redis_store", "save/{n}"),
    ("save", "cookie store", "cookie_store", "save"),
    ("update", "sled store", "update", "store/{n}"),
    ("update", "redis store", "redis_store", "update/{n}"),
    ("update_ttl", "sled store", "update_ttl", "store/{n}"),
    ("delete", "sled store", "delete", "store/{n}"),
    ("sweep 100 expired", "sled store", "sweep_100", "store/{n}"),
    (
        "sweep 1,000 expired",
        "sled store",
        "sweep_1000",
        "store/{n}",
    ),
    (
        "sweep 1,000 expired",
        "full scan (tower-sessions-sled-store design)",
        "full_scan_sweep_1000",
        "full_scan/{n}",
    ),
    (
        "load, 16 KiB state",
        "sled store",
        "large_state",
        "load/{n}",
    ),
    (
        "save, 16 KiB state",
        "sled store",
        "large_state",
        "save/{n}",
    ),
    (
        "update, 16 KiB state",
        "sled store",
        "large_state",
        "update/{n}",
    ),
];

fn rows(dir: &Path, counts: &[usize]) -> Vec<Row> {
    ROWS.iter()
        .map(|(operation, implementation, group, id)| {
            let micros = counts
                .iter()
                .filter_map(|&n| {
                    median_ns(dir, group, &id.replace("{n}", &n.to_string()))
                        .map(|ns| (n, ns / 1e3))
                })
                .collect();
            Row {
                operation: (*operation).to_owned(),
                implementation: (*implementation).to_owned(),
                micros,
                independent_of_n: !id.contains("{n}"),
            }
        })
        .filter(|row| !row.micros.is_empty())
        .collect()
}

fn lookup(rows: &[Row], operation: &str, implementation: &str, n: usize) -> Option<f64> {
    rows.iter()
        .find(|r| r.operation == operation && r.implementation == implementation)
        .and_then(|r| r.micros.get(&n).copied())
}

fn ratio(
    id: &'static str,
    description: String,
    value: Option<f64>,
    target: (&str, f64),
    note: String,
) -> Ratio {
    let (op, bound) = target;
    let met = value.map(|v| if op == "<=" { v <= bound } else { v >= bound });
    Ratio {
        id,
        description,
        value,
        target: format!("{} {bound}", if op == "<=" { "≤" } else { "≥" }),
        met,
        note,
    }
}

fn ratios(rows: &[Row], extra: &Extra, counts: &[usize]) -> Vec<Ratio> {
    let big = counts.iter().copied().max().unwrap_or(0);
    let small = if counts.contains(&10_000) {
        10_000
    } else {
        counts.iter().copied().min().unwrap_or(0)
    };
    let div = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
    let at = |n: usize| {
        if n == 1_000_000 {
            String::new()
        } else {
            format!("measured at N = {n}; the target is set at 1M. ")
        }
    };
    let per_session = extra
        .disk_bytes
        .get(&big)
        .map(|&bytes| bytes as f64 / big as f64);
    vec![
        ratio(
            "P1",
            format!("store load / raw sled get + decode, N = {big}"),
            div(lookup(rows, "load (live)", "sled store", big), lookup(rows, "load (live)", "raw sled get + decode", big)),
            ("<=", 1.5),
            at(big),
        ),
        ratio(
            "P2",
            format!("store save / raw sled insert, N = {big}"),
            div(lookup(rows, "save", "sled store", big), lookup(rows, "save", "raw sled insert", big)),
            ("<=", 2.5),
            format!("{}save writes an index entry and the record, and draws a key from a CSPRNG.", at(big)),
        ),
        ratio(
            "P3",
            format!("sweep of 1,000 expired among {big} live / among {small} live"),
            div(lookup(rows, "sweep 1,000 expired", "sled store", big), lookup(rows, "sweep 1,000 expired", "sled store", small)),
            ("<=", 2.0),
            format!(
                "{}The sweep visits only the expired entries at every N (the full scan grows {:.0}× over the \
                 same range), but each visit is a read, a compare-and-swap and an index removal in trees {}× \
                 larger, and sled's own cost per operation grows with them: a raw get + decode costs {:.2}× as \
                 much at N = {big} as at N = {small}, a delete {:.2}×. What would fix it: fewer tree operations \
                 per expired session (for example index entries that carry what the sweep needs, so that it \
                 can skip reading the record), not a different algorithm.",
                at(big),
                div(
                    lookup(rows, "sweep 1,000 expired", "full scan (tower-sessions-sled-store design)", big),
                    lookup(rows, "sweep 1,000 expired", "full scan (tower-sessions-sled-store design)", small),
                )
                .unwrap_or(0.0),
                big / small.max(1),
                div(
                    lookup(rows, "load (live)", "raw sled get + decode", big),
                    lookup(rows, "load (live)", "raw sled get + decode", small),
                )
                .unwrap_or(0.0),
                div(lookup(rows, "delete", "sled store", big), lookup(rows, "delete", "sled store", small)).unwrap_or(0.0),
            ),
        ),
        ratio(
            "P4",
            format!("full-scan sweep / store sweep, 1,000 expired among {big} live"),
            div(
                lookup(rows, "sweep 1,000 expired", "full scan (tower-sessions-sled-store design)", big),
                lookup(rows, "sweep 1,000 expired", "sled store", big),
            ),
            (">=", 100.0),
            at(big),
        ),
        ratio(
            "P9",
            format!("disk bytes per session / state bytes, N = {big}"),
            per_session.map(|b| b / extra.state_bytes as f64),
            ("<=", 4.0),
            format!(
                "{}{:.0} bytes on disk per session (allocated blocks after a flush) for {} bytes of keys and \
                 values. Logically a session is {} bytes (a {}-byte record under a 64-byte key, and a 72-byte \
                 index entry); sled's log-structured pages take {:.1}× that on disk. What would fix it: sled's \
                 zstd page compression (its `compression` feature; session state is mostly JSON text), or index \
                 entries keyed by a short hash of the session key.",
                at(big),
                per_session.unwrap_or(0.0),
                extra.state_bytes,
                extra.record_bytes + 64 + 72,
                extra.record_bytes,
                per_session.unwrap_or(0.0) / (extra.record_bytes + 64 + 72).max(1) as f64
            ),
        ),
    ]
}

fn throughputs(dir: &Path) -> Vec<Throughput> {
    ["store", "ordered_writes", "transaction"]
        .into_iter()
        .map(|protocol| Throughput {
            protocol,
            saves_per_second: [1, 2, 4]
                .into_iter()
                .filter_map(|t| {
                    median_ns(dir, "concurrent_save", &format!("{protocol}/{t}"))
                        .map(|ns| (t, 1e9 / ns))
                })
                .collect(),
        })
        .collect()
}

impl Report {
    /// Gathers what the last `cargo bench` run left in `criterion_dir`.
    pub fn gather(criterion_dir: &Path, command: &str, machine: String, date: String) -> Self {
        let extra = Extra::load();
        let counts: Vec<usize> = extra.disk_bytes.keys().copied().collect();
        let rows = rows(criterion_dir, &counts);
        Report {
            command: command.to_owned(),
            machine,
            date,
            ratios: ratios(&rows, &extra, &counts),
            rows,
            concurrent_saves: throughputs(criterion_dir),
            disk_bytes_per_session: extra
                .disk_bytes
                .iter()
                .map(|(&n, &b)| (n, b as f64 / n as f64))
                .collect(),
            state_bytes: extra.state_bytes,
            record_bytes: extra.record_bytes,
            redis_skipped: extra.redis_skipped.clone(),
            session_counts: counts,
        }
    }

    /// The Markdown report.
    pub fn markdown(&self, plot_file: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Benchmarks\n");
        let _ = writeln!(
            md,
            "Command: `{}`. Machine: {}. Date: {}.",
            self.command, self.machine, self.date
        );
        let _ = writeln!(md, "Figures are criterion medians, µs per operation, all from one run; ratios compare figures of that run.\n");
        let _ = writeln!(
            md,
            "## Targets\n\n| id | ratio | value | target | met |\n|---|---|---|---|---|"
        );
        for r in &self.ratios {
            let value = r
                .value
                .map_or("not measured".to_owned(), |v| format!("{v:.2}"));
            let met = match r.met {
                Some(true) => "yes".to_owned(),
                Some(false) => format!("**no** — {}", r.note),
                None => "—".to_owned(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {value} | {} | {met} |",
                r.id, r.description, r.target
            );
        }
        let notes: Vec<&Ratio> = self
            .ratios
            .iter()
            .filter(|r| r.met != Some(false) && !r.note.is_empty())
            .collect();
        for r in notes {
            let _ = writeln!(md, "\n{}: {}", r.id, r.note);
        }
        let _ = writeln!(md, "\n![cost against N]({plot_file})\n");
        let _ = write!(
            md,
            "## Operations (µs per operation)\n\n| operation | implementation |"
        );
        for n in &self.session_counts {
            let _ = write!(md, " N = {n} |");
        }
        let _ = writeln!(
            md,
            "\n|---|---|{}",
            "---|".repeat(self.session_counts.len())
        );
        for row in &self.rows {
            let _ = write!(md, "| {} | {} |", row.operation, row.implementation);
            for n in &self.session_counts {
                let cell = row
                    .micros
                    .get(n)
                    .or_else(|| row.micros.values().next().filter(|_| row.independent_of_n));
                let _ = write!(
                    md,
                    " {} |",
                    cell.map_or("—".to_owned(), |v| format!("{v:.2}"))
                );
            }
            let _ = writeln!(md);
        }
        let _ = writeln!(md, "\nThe cookie store keeps nothing server-side; its single figure is shown under every N. Redis runs up to N = 100,000 (a loopback round trip per operation, independent of N). The 16 KiB-state rows run at N = 10,000.");
        if let Some(why) = &self.redis_skipped {
            let _ = writeln!(md, "\nRedis was not measured in this run: {why}.");
        }
        let _ = writeln!(md, "\n## Concurrent saves (saves per second)\n\n| protocol | 1 thread | 2 threads | 4 threads |\n|---|---|---|---|");
        for t in &self.concurrent_saves {
            let cells: Vec<String> = [1, 2, 4]
                .iter()
                .map(|n| {
                    t.saves_per_second
                        .get(n)
                        .map_or("—".to_owned(), |v| format!("{v:.0}"))
                })
                .collect();
            let _ = writeln!(md, "| {} | {} |", t.protocol, cells.join(" | "));
        }
        let _ = writeln!(md, "\n`store` is `SledSessionStore::save`; `ordered_writes` is its write protocol alone (index insert, then record compare-and-swap); `transaction` writes the same two entries in one sled transaction, which sled 0.34 serialises process-wide.");
        let _ = writeln!(md, "\n## Disk\n\n| N | bytes per session |\n|---|---|");
        for (n, b) in &self.disk_bytes_per_session {
            let _ = writeln!(md, "| {n} | {b:.0} |");
        }
        md
    }
}

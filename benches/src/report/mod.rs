//! The benchmark report: each operation by store and N, sled's floors beside it, the target
//! ratios, concurrent saves and the write protocols, gathered from criterion's output and the
//! benches' extra measurements. Every figure comes from one `cargo bench` run.

use std::{collections::BTreeMap, path::Path};

use reports::{Bound, Provenance, Ratio};
use serde::Serialize;

use crate::{estimates::median_ns, growth::Growth, output::Extra};

mod markdown;

/// One row of the table: an operation on one implementation, in µs per operation by N.
#[derive(Debug, Serialize)]
pub struct Row {
    pub operation: String,
    pub implementation: String,
    pub micros: BTreeMap<usize, f64>,
    /// How the cost grows from the smallest N measured to the largest.
    pub growth: Option<Growth>,
}

/// Operations per second by number of threads.
#[derive(Debug, Serialize)]
pub struct Throughput {
    pub who: String,
    pub per_second: BTreeMap<usize, f64>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub provenance: Provenance,
    /// The stores measured: (label, name).
    pub stores: Vec<(String, String)>,
    pub session_counts: Vec<usize>,
    pub rows: Vec<Row>,
    pub ratios: Vec<Ratio>,
    pub concurrent_saves: Vec<Throughput>,
    pub write_protocols: Vec<Throughput>,
    pub disk_bytes_per_session: BTreeMap<usize, f64>,
    pub state_bytes: usize,
    pub record_bytes: usize,
    /// Stores not measured, and why.
    pub skipped: BTreeMap<String, String>,
}

/// The operations of the generic groups: (criterion group, operation as the report names it).
const OPERATIONS: [(&str, &str); 9] = [
    ("load_live", "load (live)"),
    ("load_missing", "load (missing)"),
    ("load_expired", "load (expired, unswept)"),
    ("save", "save"),
    ("update", "update"),
    ("update_ttl", "update_ttl"),
    ("delete", "delete"),
    ("sweep_1000", "sweep 1,000 expired"),
    ("sweep_100000", "sweep 100,000 expired"),
];

/// The rows of sled's floors: the raw sled operations the store's `load`, `save` and sweep
/// cannot avoid.
const RAW_GET: &str = "raw sled get + decode";
const RAW_INSERT: &str = "raw sled insert";
const SWEEP_FLOOR: &str = "raw floor: a get and two removes per expired session";

/// Each operation's floor among the rows: (operation, implementation).
const FLOORS: [(&str, &str); 3] = [
    ("load (live)", RAW_GET),
    ("save", RAW_INSERT),
    ("sweep 1,000 expired", SWEEP_FLOOR),
];

/// sled's floors and the designs it is measured against: (operation, implementation, group,
/// id with `{n}` for N).
const SLED_ONLY: [(&str, &str, &str, &str); 9] = [
    ("load (live)", RAW_GET, "raw_get_decode", "sled/{n}"),
    ("save", RAW_INSERT, "raw_insert", "sled/{n}"),
    (
        "sweep 1,000 expired",
        SWEEP_FLOOR,
        "raw_sweep_floor_1000",
        "sled/{n}",
    ),
    (
        "sweep 1,000 expired",
        "full scan (tower-sessions-sled-store design)",
        "full_scan_sweep_1000",
        "full_scan/{n}",
    ),
    (
        "sweep 1,000 expired",
        "tower-sessions-sled-store 0.2.0 as published (delete_expired)",
        "tower_sweep_1000",
        "seed/{n}",
    ),
    (
        "sweep 1,000 expired",
        "sled store, tower front (delete_expired)",
        "tower_sweep_1000",
        "ours/{n}",
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

/// The implementation name of a store's rows.
pub(crate) fn store_row_name(name: &str) -> String {
    format!("{name} store")
}

fn rows(dir: &Path, extra: &Extra, counts: &[usize]) -> Vec<Row> {
    let row = |operation: &str, implementation: String, group: &str, id: &str| {
        let micros: BTreeMap<usize, f64> = counts
            .iter()
            .filter_map(|&n| {
                median_ns(dir, group, &id.replace("{n}", &n.to_string())).map(|ns| (n, ns / 1e3))
            })
            .collect();
        Row {
            operation: operation.to_owned(),
            implementation,
            growth: Growth::of(&micros),
            micros,
        }
    };
    let mut rows = Vec::new();
    for (group, operation) in OPERATIONS {
        for (label, _) in &extra.stores {
            rows.push(row(
                operation,
                store_row_name(label),
                group,
                &format!("{label}/{{n}}"),
            ));
        }
        for (op, implementation, group, id) in SLED_ONLY {
            if op == operation {
                rows.push(row(op, implementation.to_owned(), group, id));
            }
        }
    }
    // The rows of operations the generic groups do not have (the 16 KiB state).
    for (op, implementation, group, id) in SLED_ONLY.into_iter().skip(6) {
        rows.push(row(op, implementation.to_owned(), group, id));
    }
    rows.retain(|r| !r.micros.is_empty());
    rows
}

fn lookup(rows: &[Row], operation: &str, implementation: &str, n: usize) -> Option<f64> {
    rows.iter()
        .find(|r| r.operation == operation && r.implementation == implementation)
        .and_then(|r| r.micros.get(&n).copied())
}

/// The largest N at which both implementations of `operation` were measured, and their costs.
fn largest_common(
    rows: &[Row],
    operation: &str,
    a: &str,
    b: &str,
) -> (String, Option<f64>, Option<f64>) {
    let find = |imp: &str| {
        rows.iter()
            .find(|r| r.operation == operation && r.implementation == imp)
    };
    let both = find(a).zip(find(b)).and_then(|(x, y)| {
        x.micros
            .iter()
            .rev()
            .find_map(|(n, &cost)| y.micros.get(n).map(|&other| (n, cost, other)))
    });
    match both {
        Some((n, cost, other)) => (n.to_string(), Some(cost), Some(other)),
        None => (
            "the largest N measured on both sides".to_owned(),
            None,
            None,
        ),
    }
}

fn ratios(rows: &[Row], extra: &Extra, big: usize) -> Vec<Ratio> {
    let sled = store_row_name("sled");
    let at = |op: &str, imp: &str| lookup(rows, op, imp, big);
    let sweep = at("sweep 1,000 expired", &sled);
    let floor = at("sweep 1,000 expired", SWEEP_FLOOR);
    // The full-scan designs are measured to PEER_MAX_N only: their ratios at the largest N
    // measured on both sides.
    let (scan_n, scan, scan_sweep) = largest_common(
        rows,
        "sweep 1,000 expired",
        "full scan (tower-sessions-sled-store design)",
        &sled,
    );
    let (seed_n, seed_sweep, tower_sweep) = largest_common(
        rows,
        "sweep 1,000 expired",
        "tower-sessions-sled-store 0.2.0 as published (delete_expired)",
        "sled store, tower front (delete_expired)",
    );
    let per_session = extra
        .disk_bytes
        .get(&big)
        .map(|&bytes| bytes as f64 / big as f64);
    let logical = extra.record_bytes + 64 + 72;
    vec![
        Ratio::of(
            "P1",
            format!("store load / raw sled get + decode, N = {big}"),
            at("load (live)", &sled),
            at("load (live)", RAW_GET),
            Bound::AtMost(1.5),
        ),
        Ratio::of(
            "P2",
            format!("store save / raw sled insert, N = {big}"),
            at("save", &sled),
            at("save", RAW_INSERT),
            Bound::AtMost(2.5),
        ),
        Ratio::of(
            "P3",
            format!(
                "sweep cost per expired session / its raw floor (a get and two removes), N = {big}"
            ),
            sweep,
            floor,
            Bound::AtMost(1.5),
        )
        .with_note(format!(
            "per expired session: the sweep {:.2} µs, the floor {:.2} µs (N = {big}).",
            sweep.unwrap_or(f64::NAN) / 1e3,
            floor.unwrap_or(f64::NAN) / 1e3
        )),
        Ratio::of(
            "P4",
            format!("full-scan sweep / store sweep, 1,000 expired among {scan_n} live"),
            scan,
            scan_sweep,
            Bound::AtLeast(100.0),
        ),
        Ratio::of(
            "P4t",
            format!(
                "published tower-sessions-sled-store sweep / the sled store's tower-front sweep, \
                 1,000 expired among {seed_n} live (`delete_expired`, same run)"
            ),
            seed_sweep,
            tower_sweep,
            Bound::AtLeast(100.0),
        ),
        Ratio::new(
            "P9",
            format!("disk bytes per session / state bytes, N = {big}"),
            per_session.map(|b| b / extra.state_bytes.max(1) as f64),
            Bound::AtMost(4.0),
        )
        .with_note(format!(
            "{:.0} bytes on disk per session (allocated blocks after a flush) for {} bytes of keys \
             and values; logically a session is {logical} bytes (a {}-byte record under a \
             64-byte key, and a 72-byte index entry), so sled's pages take {:.1}× that.",
            per_session.unwrap_or(0.0),
            extra.state_bytes,
            extra.record_bytes,
            per_session.unwrap_or(0.0) / logical.max(1) as f64
        )),
    ]
}

fn throughputs(dir: &Path, group: &str, who: &[(String, String)]) -> Vec<Throughput> {
    who.iter()
        .map(|(id, name)| Throughput {
            who: name.clone(),
            per_second: [1, 2, 4]
                .into_iter()
                .filter_map(|t| median_ns(dir, group, &format!("{id}/{t}")).map(|ns| (t, 1e9 / ns)))
                .collect(),
        })
        .filter(|t| !t.per_second.is_empty())
        .collect()
}

impl Report {
    /// Gathers what the last `cargo bench` run left in `criterion_dir`.
    pub fn gather(criterion_dir: &Path, command: &str) -> Self {
        let extra = Extra::load();
        let counts: Vec<usize> = extra.disk_bytes.keys().copied().collect();
        let rows = rows(criterion_dir, &extra, &counts);
        let big = counts.iter().copied().max().unwrap_or(0);
        let stores: Vec<(String, String)> = extra
            .stores
            .iter()
            .map(|(label, _)| (label.clone(), store_row_name(label)))
            .collect();
        let protocols = [
            (
                "ordered_writes".to_owned(),
                "ordered writes (the store's protocol)".to_owned(),
            ),
            ("transaction".to_owned(), "one sled transaction".to_owned()),
        ];
        let mut provenance = Provenance::now(command);
        // The figures come from `cargo bench`, built with the bench profile (release's), not
        // from this report's own build.
        provenance.build = "bench profile, optimised".to_owned();
        Report {
            stores: extra.stores.clone(),
            provenance,
            ratios: ratios(&rows, &extra, big),
            rows,
            concurrent_saves: throughputs(criterion_dir, "concurrent_save", &stores),
            write_protocols: throughputs(criterion_dir, "write_protocol", &protocols),
            disk_bytes_per_session: extra
                .disk_bytes
                .iter()
                .map(|(&n, &b)| (n, b as f64 / n as f64))
                .collect(),
            state_bytes: extra.state_bytes,
            record_bytes: extra.record_bytes,
            skipped: extra.skipped.clone(),
            session_counts: counts,
        }
    }
}

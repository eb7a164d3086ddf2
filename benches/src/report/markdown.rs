//! The Markdown form of a [`Report`].

use std::fmt::Write as _;

use reports::Table;

use super::{store_row_name, Report, Row, Throughput, FLOORS};

impl Report {
    /// The Markdown report.
    pub fn markdown(&self, plot_file: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Benchmarks\n\n{}", self.provenance.markdown());
        let _ = writeln!(md, "Figures are criterion medians, µs per operation, all from one run; ratios compare figures of that run.\n");
        let _ = writeln!(md, "## Targets\n\n{}", reports::ratio_table(&self.ratios));
        let _ = writeln!(md, "![cost against N]({plot_file})\n");
        let mut header = vec!["operation".to_owned(), "implementation".to_owned()];
        header.extend(self.session_counts.iter().map(|n| format!("N = {n}")));
        header.push("growth, smallest to largest N".to_owned());
        let mut table = Table::new(header);
        for row in &self.rows {
            let mut cells = vec![row.operation.clone(), row.implementation.clone()];
            cells.extend(self.session_counts.iter().map(|n| {
                row.micros
                    .get(n)
                    .map_or("—".to_owned(), |v| format!("{v:.2}"))
            }));
            cells.push(row.growth.map_or("—".to_owned(), |g| g.cell()));
            table.row(cells);
        }
        let _ = writeln!(
            md,
            "## Operations (µs per operation)\n\n{}\nEach store's operations are timed in a loop of calls \
             inside one `block_on`, its inputs made beforehand: the figure is the store's cost per \
             call. The cookie store keeps nothing server-side and is measured at N = 1,000 only. \
             Redis and PostgreSQL run on servers started on loopback (no persistence, `fsync` \
             off) up to N = 100,000: a round trip per operation, whatever N. The 16 KiB-state \
             rows run at N = 10,000.\n",
            table.markdown()
        );
        let _ = writeln!(md, "{}", self.growth_section());
        let names: Vec<String> = self
            .stores
            .iter()
            .map(|(label, name)| format!("{label}: {name}"))
            .collect();
        let _ = writeln!(md, "The stores: {}.\n", names.join("; "));
        for (store, why) in &self.skipped {
            let _ = writeln!(md, "{store} was not measured in this run: {why}.\n");
        }
        let per_second = |rows: &[Throughput], first: &str| {
            let mut table = Table::new([first, "1 thread", "2 threads", "4 threads"]);
            for t in rows {
                let mut cells = vec![t.who.clone()];
                cells.extend([1, 2, 4].iter().map(|n| {
                    t.per_second
                        .get(n)
                        .map_or("—".to_owned(), |v| format!("{v:.0}"))
                }));
                table.row(cells);
            }
            table.markdown()
        };
        let _ = writeln!(
            md,
            "## Concurrent saves (saves per second)\n\n{}\nEach thread saves through its own handle on the store.\n",
            per_second(&self.concurrent_saves, "store")
        );
        let _ = writeln!(
            md,
            "## sled's write protocols (writes per second)\n\n{}\n`ordered writes` is the store's \
             protocol alone (index insert, then record compare-and-swap); `one sled transaction` \
             writes the same two entries in one transaction, which sled 0.34 serialises \
             process-wide.\n",
            per_second(&self.write_protocols, "protocol")
        );
        let mut disk = Table::new(["N", "bytes per session"]);
        for (n, b) in &self.disk_bytes_per_session {
            disk.row([n.to_string(), format!("{b:.0}")]);
        }
        let _ = writeln!(md, "## Disk (sled)\n\n{}", disk.markdown());
        md
    }

    /// The rule behind the growth column, and each cost that grows faster than log N beside
    /// its floor measured in the same run.
    fn growth_section(&self) -> String {
        let mut md = String::from(
            "## How each cost grows with N\n\nThe growth column compares the cost at the \
             smallest and the largest N measured: **flat** within ×1.25, **log N** within \
             1.5 · ln(N_max) / ln(N_min) (×3.5 from 1,000 to 10,000,000), otherwise **faster \
             than log N**, with the power of N it grows like.\n\n",
        );
        let faster: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.growth.is_some_and(|g| g.is_faster()))
            .collect();
        if faster.is_empty() {
            md.push_str("No cost grows faster than log N.\n");
            return md;
        }
        md.push_str("Faster than log N, each beside its floor (the raw sled operations it cannot avoid, same run):\n\n");
        let sled = store_row_name("sled");
        for row in faster {
            // The floors are sled's: only the sled store's rows are set beside them.
            let floor = FLOORS
                .iter()
                .find(|(op, _)| row.implementation == sled && *op == row.operation)
                .and_then(|(op, imp)| {
                    self.rows
                        .iter()
                        .find(|r| r.operation == *op && r.implementation == *imp)
                });
            let _ = write!(
                md,
                "- {}, {}: {}",
                row.operation,
                row.implementation,
                row.growth.map_or(String::new(), |g| g.cell())
            );
            match floor.and_then(|f| f.growth.map(|g| (f, g))) {
                Some((floor, growth)) => {
                    let _ = writeln!(
                        md,
                        "; its floor ({}): {}.",
                        floor.implementation,
                        growth.cell()
                    );
                }
                _ => md.push_str(".\n"),
            }
        }
        md
    }
}

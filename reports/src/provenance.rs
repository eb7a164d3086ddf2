//! Where a result came from: the command, the build, the machine and the date.

use serde::{Deserialize, Serialize};

/// The provenance of a result, written beside it in every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The command that produced it.
    pub command: String,
    /// `release` or `debug`.
    pub build: String,
    /// See [`machine_summary`].
    pub machine: String,
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
}

impl Provenance {
    /// The provenance of a result produced now by `command`, in this build.
    pub fn now(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            build: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_owned(),
            machine: machine_summary(),
            date: today_utc(),
        }
    }

    /// The provenance line of a Markdown report.
    pub fn markdown(&self) -> String {
        format!(
            "Command: `{}` ({} build). Machine: {}. Date: {}.",
            self.command, self.build, self.machine, self.date
        )
    }
}

/// CPU model, cores, memory, OS, architecture and rustc version, e.g.
/// `AMD EPYC, 2 cores, 24 GiB, linux x86_64; rustc 1.95.0 (59807616e 2026-04-14)`.
pub fn machine_summary() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or_else(|| "unknown CPU".to_owned(), |s| s.trim().to_owned());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map_or(String::new(), |kib| {
            format!(", {:.0} GiB", kib / 1024.0 / 1024.0)
        });
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!(
        "{cpu}, {} cores{memory_gib}, {} {}; {rustc}",
        online_cpus(),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The machine's online CPUs, whatever this process's affinity mask (which
/// `std::thread::available_parallelism` follows, so it reads 1 in a pinned process).
pub fn online_cpus() -> usize {
    let listed = std::fs::read_to_string("/proc/cpuinfo")
        .map(|info| info.lines().filter(|l| l.starts_with("processor")).count())
        .unwrap_or(0);
    if listed > 0 {
        listed
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

//! A one-line description of the machine a result came from, for every report this project
//! writes (conformance matrix, benchmarks, load runs).

/// CPU model, cores, OS, architecture and rustc version, e.g.
/// `AMD EPYC, 2 cores, linux x86_64; rustc 1.95.0 (59807616e 2026-04-14)`.
pub fn machine_summary() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = cpu_count();
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
        "{cpu}, {cores} cores{memory_gib}, {} {}; {rustc}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    actix_web::cookie::time::OffsetDateTime::now_utc()
        .date()
        .to_string()
}

/// A seed from the clock, for runs that print the seed they used so a failure can be replayed.
pub fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
}

/// Pins the calling thread (and every thread it creates afterwards) to one CPU core. Unlike
/// helpers that only accept the cores of the current affinity mask, this moves a thread that
/// inherited a mask excluding `core` (a child of a pinned process) onto it.
pub fn pin_to_core(core: usize) -> std::io::Result<()> {
    // SAFETY: `cpu_set_t` is plain data that CPU_SET writes within; sched_setaffinity only
    // reads it. Both are async-signal-safe, so this may also run in a `pre_exec` hook.
    let result = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The machine's online CPUs, whatever this process's affinity mask (which
/// `std::thread::available_parallelism` follows, so it reads 1 in a pinned process).
pub fn cpu_count() -> usize {
    // SAFETY: sysconf only reads a system setting.
    let online = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(online)
        .ok()
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The message of a caught panic (`catch_unwind`'s payload), or `(no message)`.
pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

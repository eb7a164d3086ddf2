//! The machine's CPUs, and pinning a process to one of them, so a load test can keep client and
//! server apart.

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

/// The message of a caught panic (`catch_unwind`'s payload), or `(no message)`.
pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// A seed from the clock, for runs that print the seed they used so a failure can be replayed.
pub fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
}

//! The example server as a child process of the loadgen's own binary, so that client and
//! server are separate processes (and, on two or more cores, pinned apart).

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use super::{builtin::Backend, cookies::Security};

/// A running `serve`: this binary, started again as the server.
pub struct ServerChild {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The store's name, as the server announced it.
    pub store: String,
    /// Whether the store invalidates sessions, as the server announced it.
    pub invalidates: bool,
}

/// How to start it.
pub struct ServerSpec {
    /// The built-in backend; `None` for the store of a binary of one's own.
    pub backend: Option<Backend>,
    pub data_dir: Option<PathBuf>,
    /// `--sled-cache-mib` for the sled backend.
    pub sled_cache_mib: Option<u64>,
    pub redis_url: Option<String>,
    pub postgres_url: Option<String>,
    pub workers: usize,
    pub pin_core: Option<usize>,
    /// The cookie signing key's file (default: the server generates a key).
    pub key_file: Option<PathBuf>,
    /// How the session cookie is protected.
    pub security: Security,
    /// `--durability every-write` for the sled backend (default: periodic).
    pub every_write: bool,
    /// Where the server's stderr (its logs) goes, at which `RUST_LOG` (default: inherited).
    pub log: Option<(PathBuf, String)>,
}

impl ServerSpec {
    /// A built-in backend's plain server: a generated key, logs to this process's stderr.
    pub fn builtin(backend: Backend) -> Self {
        Self {
            backend: Some(backend),
            ..Self::custom()
        }
    }

    /// The plain server of a binary of one's own.
    pub fn custom() -> Self {
        Self {
            backend: None,
            data_dir: None,
            sled_cache_mib: None,
            redis_url: None,
            postgres_url: None,
            workers: 1,
            pin_core: None,
            key_file: None,
            every_write: false,
            security: Security::Private,
            log: None,
        }
    }

    fn name(&self) -> &'static str {
        self.backend.map_or("own", Backend::name)
    }
}

/// What the server announced on stdout: `listening on ADDR invalidates=BOOL store=NAME`.
fn announcement(line: &str) -> Option<(String, bool, String)> {
    let rest = line.strip_prefix("listening on ")?;
    let (addr, rest) = rest.split_once(' ')?;
    let (invalidates, store) = rest.split_once(' ')?;
    let invalidates = invalidates.strip_prefix("invalidates=")?.parse().ok()?;
    let store = store.strip_prefix("store=")?;
    Some((addr.to_owned(), invalidates, store.to_owned()))
}

impl ServerChild {
    /// Starts the server on a free loopback port and waits for it to say where it listens.
    pub fn spawn(spec: &ServerSpec) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let mut command = Command::new(exe);
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(["--workers", &spec.workers.to_string()])
            .stdout(Stdio::piped());
        if let Some(backend) = spec.backend {
            command.args(["--backend", backend.name()]);
        }
        match &spec.log {
            Some((path, filter)) => {
                command
                    .stderr(std::fs::File::create(path)?)
                    .env("RUST_LOG", filter);
            }
            None => {
                command.stderr(Stdio::inherit());
            }
        }
        command.args(["--cookie-security", spec.security.name()]);
        if spec.every_write {
            command.args(["--durability", "every-write"]);
        }
        if let Some(path) = &spec.key_file {
            command.arg("--key-file").arg(path);
        }
        if let Some(dir) = &spec.data_dir {
            command.arg("--data-dir").arg(dir);
        }
        if let Some(mib) = spec.sled_cache_mib {
            command.args(["--sled-cache-mib", &mib.to_string()]);
        }
        if let Some(url) = &spec.redis_url {
            command.args(["--redis-url", url]);
        }
        if let Some(url) = &spec.postgres_url {
            command.args(["--postgres-url", url]);
        }
        if let Some(core) = spec.pin_core {
            command.args(["--pin-core", &core.to_string()]);
        }
        let mut child = command.spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout from the server"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if let Some(announced) = announcement(line.trim()) {
                    let _ = tx.send(announced);
                }
            }
        });
        let mut server = ServerChild {
            child,
            base_url: String::new(),
            store: String::new(),
            invalidates: true,
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok((addr, invalidates, store)) => {
                server.base_url = format!("http://{addr}");
                server.invalidates = invalidates;
                server.store = store;
            }
            Err(_) => {
                let status = server.exited();
                anyhow::bail!(
                    "the {} server did not start{}",
                    spec.name(),
                    status.map_or(String::new(), |s| format!(" (it exited with {s})"))
                );
            }
        }
        Ok(server)
    }

    /// The exit status, if it has died.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Resident memory now, from `/proc`.
    pub fn rss_bytes(&self) -> Option<u64> {
        rss_of(self.child.id())
    }

    /// Asks it to stop (SIGTERM: actix shuts down and the store flushes), then kills it.
    pub fn stop(&mut self) {
        if self.exited().is_some() {
            return;
        }
        // SAFETY: `kill` with a pid we own and a valid signal number has no memory effects.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.exited().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        self.stop();
    }
}

/// VmRSS of a process, in bytes.
pub fn rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU seconds (user + system) this process has used, and its peak resident memory in bytes.
pub fn own_usage() -> (f64, u64) {
    // SAFETY: getrusage writes into the zeroed struct we pass and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
        usage.ru_maxrss as u64 * 1024,
    )
}

#[cfg(test)]
mod tests {
    use super::announcement;

    #[test]
    fn reads_the_announcement() {
        assert_eq!(
            announcement("listening on 127.0.0.1:4000 invalidates=true store=postgres (x 0.3)"),
            Some((
                "127.0.0.1:4000".to_owned(),
                true,
                "postgres (x 0.3)".to_owned()
            ))
        );
        assert_eq!(announcement("listening on 127.0.0.1:4000"), None);
    }
}

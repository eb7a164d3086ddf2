//! A throwaway PostgreSQL server on a free loopback port, stopped when dropped.
//!
//! PostgreSQL refuses to run as root, so when this process is root the server runs as the
//! unprivileged `postgres` user that Debian's package creates; its data and socket directories
//! live in a temp dir owned by that user. Authentication is `trust`, on 127.0.0.1 only.
//! Durability is off (`fsync`, `synchronous_commit`, `full_page_writes`): the data is thrown
//! away with the server, as Redis here runs without persistence.

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use super::{free_port, Unavailable};

/// A running PostgreSQL server.
#[derive(Debug)]
pub struct PostgresServer {
    child: Child,
    port: u16,
    // Dropped after the server has stopped (see `Drop`).
    _dir: tempfile::TempDir,
}

/// The user the server runs as.
struct RunAs {
    uid: u32,
    gid: u32,
}

impl PostgresServer {
    /// Starts a server on a free port of 127.0.0.1 and waits until it accepts connections.
    pub fn start() -> Result<Self, Unavailable> {
        Self::start_on(None)
    }

    /// Like [`PostgresServer::start`], with the server pinned to one CPU core.
    pub fn start_on(core: Option<usize>) -> Result<Self, Unavailable> {
        let bin = bin_dir().ok_or(Unavailable::NotInstalled(
            "PostgreSQL's initdb and postgres were not found under /usr/lib/postgresql/*/bin \
             (apt-get install postgresql) nor in POSTGRES_BIN_DIR",
        ))?;
        let run_as = run_as()?;
        let dir = tempfile::Builder::new()
            .prefix("testbed-postgres-")
            .tempdir()
            .map_err(|e| Unavailable::Failed(format!("temp dir: {e}")))?;
        if let Some(user) = &run_as {
            chown(dir.path(), user)?;
        }
        let data = dir.path().join("data");
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
            .args(["--locale=C"]);
        run(as_user(&mut initdb, run_as.as_ref()), "initdb")?;
        let mut last_error = String::new();
        // A free port can be taken between our probe and the server's bind: try a few.
        for _ in 0..5 {
            let port = free_port().map_err(|e| Unavailable::Failed(e.to_string()))?;
            let log = File::create(dir.path().join("server.log"))
                .map_err(|e| Unavailable::Failed(format!("server log: {e}")))?;
            if let Some(user) = &run_as {
                chown(&dir.path().join("server.log"), user)?;
            }
            let mut command = Command::new(bin.join("postgres"));
            command
                .arg("-D")
                .arg(&data)
                .arg("-p")
                .arg(port.to_string())
                .arg("-k")
                .arg(dir.path())
                .args(["-c", "listen_addresses=127.0.0.1"])
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off", "-c", "max_connections=300"])
                .stdout(Stdio::null())
                .stderr(log);
            as_user(&mut command, run_as.as_ref());
            if let Some(core) = core {
                use std::os::unix::process::CommandExt;
                // SAFETY: the hook only makes the sched_setaffinity system call.
                unsafe {
                    command.pre_exec(move || crate::machine::pin_to_core(core));
                }
            }
            let mut child = command
                .spawn()
                .map_err(|e| Unavailable::Failed(format!("postgres: {e}")))?;
            match wait_ready(&mut child, &bin, port, dir.path()) {
                Ok(()) => {
                    return Ok(PostgresServer {
                        child,
                        port,
                        _dir: dir,
                    })
                }
                Err(e) => {
                    last_error = e;
                    stop(&mut child);
                }
            }
        }
        Err(Unavailable::Failed(last_error))
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Waits until the server accepts connections, for at most 30 s.
fn wait_ready(child: &mut Child, bin: &Path, port: u16, dir: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            return Err(format!("postgres exited with {status}: {}", log.trim()));
        }
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("the server did not accept connections within 30 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Fast shutdown (SIGINT: roll back, disconnect, stop), then SIGKILL if it lingers.
fn stop(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill only sends a signal to our own child.
        unsafe {
            libc::kill(pid, libc::SIGINT);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The directory of `initdb` and `postgres`: `POSTGRES_BIN_DIR`, or the newest
/// `/usr/lib/postgresql/<major>/bin`.
fn bin_dir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("POSTGRES_BIN_DIR").map(PathBuf::from) {
        return has_server(&dir).then_some(dir);
    }
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_server(bin))
        .collect();
    majors.sort();
    majors.pop().map(|(_, bin)| bin)
}

/// As root, the `postgres` user; otherwise this process's own user.
fn run_as() -> Result<Option<RunAs>, Unavailable> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    // SAFETY: getpwnam returns a pointer into static storage or null; we copy out at once.
    let user = unsafe {
        let entry = libc::getpwnam(c"postgres".as_ptr());
        if entry.is_null() {
            None
        } else {
            Some(RunAs {
                uid: (*entry).pw_uid,
                gid: (*entry).pw_gid,
            })
        }
    };
    user.map(Some).ok_or_else(|| {
        Unavailable::Failed(
            "this process is root, PostgreSQL refuses to run as root, and there is no \
             `postgres` user to run it as"
                .to_owned(),
        )
    })
}

fn as_user<'a>(command: &'a mut Command, user: Option<&RunAs>) -> &'a mut Command {
    if let Some(user) = user {
        use std::os::unix::process::CommandExt;
        command.uid(user.uid).gid(user.gid).env("HOME", "/tmp");
    }
    command.env("LC_ALL", "C")
}

fn chown(path: &Path, user: &RunAs) -> Result<(), Unavailable> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
        .map_err(|e| Unavailable::Failed(format!("chown {}: {e}", path.display())))
}

fn run(command: &mut Command, what: &str) -> Result<(), Unavailable> {
    let output = command
        .output()
        .map_err(|e| Unavailable::Failed(format!("{what}: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Unavailable::Failed(format!(
            "{what} exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

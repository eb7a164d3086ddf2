//! A throwaway `redis-server` on a free loopback port, stopped when dropped. Shared by the
//! conformance tests, the benchmarks and the load generator.

use std::{
    io::{Read, Write},
    net::{Ipv4Addr, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use super::{free_port, Unavailable};

/// A running `redis-server` child process with persistence off.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts a server on a free port of 127.0.0.1 and waits until it answers `PING`.
    pub fn start() -> Result<Self, Unavailable> {
        Self::start_on(None)
    }

    /// Like [`RedisServer::start`], with the server pinned to one CPU core (a load test puts it
    /// beside the server under test, away from the client).
    pub fn start_on(core: Option<usize>) -> Result<Self, Unavailable> {
        let mut last_error = String::new();
        // A free port can be taken between our probe and the server's bind: try a few.
        for _ in 0..5 {
            let port = free_port().map_err(|e| Unavailable::Failed(e.to_string()))?;
            let mut command = Command::new("redis-server");
            command
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if let Some(core) = core {
                use std::os::unix::process::CommandExt;
                // SAFETY: the hook only makes the sched_setaffinity system call.
                unsafe {
                    command.pre_exec(move || crate::machine::pin_to_core(core));
                }
            }
            let child = command.spawn();
            let child = match child {
                Ok(child) => child,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Unavailable::NotInstalled(
                        "redis-server is not on the PATH (apt-get install redis-server)",
                    ))
                }
                Err(e) => return Err(Unavailable::Failed(e.to_string())),
            };
            let mut server = RedisServer { child, port };
            match server.wait_ready(Duration::from_secs(5)) {
                Ok(()) => return Ok(server),
                Err(e) => last_error = e,
            }
        }
        Err(Unavailable::Failed(last_error))
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited with {status}"));
            }
            if ping(self.port).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("no answer to PING within 5 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ping(port: u16) -> std::io::Result<()> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(Duration::from_millis(200)))?;
    stream.write_all(b"PING\r\n")?;
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply)?;
    if &reply == b"+PONG\r\n" {
        Ok(())
    } else {
        Err(std::io::Error::other("unexpected reply"))
    }
}

//! How long a sled store holding N sessions takes to open again: after kill -9 (sled recovers
//! from its log) and after a clean stop. Writes `reopen.md` and `reopen.json`:
//!
//! ```text
//! cargo run --release -p benches --bin reopen -- --sessions 10000000 --results results/reopen
//! ```
//!
//! A child process (this binary with `--fill`) opens the store as a server would
//! (`SledSessionStore::open`, default options), saves N realistic sessions, flushes, and then
//! keeps updating sessions, as a live server does, until it is killed with SIGKILL two seconds
//! later. This process then times the open after the kill, checks the store with `verify()`,
//! closes it cleanly and times the open after that clean stop.

use std::{
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use actix_session::storage::{SessionKey, SessionStore as _};
use actix_session_sled::SledSessionStore;
use benches::fixtures::{dir_bytes, mix, realistic_state, run, DAY};
use clap::Parser;
use reports::{Provenance, Table};
use serde::Serialize;

#[derive(Parser)]
#[command(about = "Time to open a sled store of N sessions after kill -9 and after a clean stop")]
struct Args {
    /// Sessions in the store.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    sessions: u64,
    /// Where to write reopen.md and reopen.json.
    #[arg(long, default_value = "target/reopen")]
    results: PathBuf,
    /// The child's part: fill this directory, then write until killed.
    #[arg(long, hide = true)]
    fill: Option<PathBuf>,
}

#[derive(Serialize)]
struct Reopen {
    provenance: Provenance,
    sessions: u64,
    fill_seconds: f64,
    open_after_kill_seconds: f64,
    verify_seconds: f64,
    records: u64,
    faults: u64,
    open_after_clean_stop_seconds: f64,
    disk_bytes: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(dir) = &args.fill {
        return fill_then_write(dir, args.sessions);
    }
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("db");

    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--sessions", &args.sessions.to_string(), "--fill"])
        .arg(&data)
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let filled = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line == "filled");
    anyhow::ensure!(
        filled,
        "the filling process stopped before it had filled the store"
    );
    let fill_seconds = started.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(2));
    child.kill()?;
    child.wait()?;

    let (store, open_after_kill_seconds) = timed(|| SledSessionStore::open(&data))?;
    let (report, verify_seconds) = timed(|| store.verify())?;
    drop(store);
    let (store, open_after_clean_stop_seconds) = timed(|| SledSessionStore::open(&data))?;
    drop(store);

    let result = Reopen {
        provenance: Provenance::now(format!(
            "cargo run --release -p benches --bin reopen -- --sessions {}",
            args.sessions
        )),
        sessions: args.sessions,
        fill_seconds,
        open_after_kill_seconds,
        verify_seconds,
        records: report.records,
        faults: report.faults(),
        open_after_clean_stop_seconds,
        disk_bytes: dir_bytes(&data)?,
    };
    let markdown = markdown(&result);
    reports::write_report(&args.results, "reopen", &result, &markdown)?;
    println!("{markdown}");
    anyhow::ensure!(
        result.faults == 0,
        "verify() found {} faults",
        result.faults
    );
    Ok(())
}

/// The child: N sessions saved and flushed, then updates until SIGKILL.
fn fill_then_write(dir: &Path, sessions: u64) -> anyhow::Result<()> {
    let store = SledSessionStore::open(dir)?;
    let mut keys = Vec::with_capacity(usize::try_from(sessions)?);
    for i in 0..sessions {
        keys.push(String::from(run(store.save(realistic_state(i), &DAY))?));
        if (i + 1) % 1_000_000 == 0 {
            eprintln!("reopen: {} sessions saved", i + 1);
        }
    }
    store.flush()?;
    println!("filled");
    for i in 0.. {
        let key = SessionKey::try_from(keys[(mix(i) % sessions) as usize].clone())?;
        run(store.update(key, realistic_state(i), &DAY))?;
    }
    Ok(())
}

fn timed<T, E: Into<anyhow::Error>>(f: impl FnOnce() -> Result<T, E>) -> anyhow::Result<(T, f64)> {
    let started = Instant::now();
    let value = f().map_err(Into::into)?;
    Ok((value, started.elapsed().as_secs_f64()))
}

fn markdown(r: &Reopen) -> String {
    let mut table = Table::new(["", ""]);
    table.row(["sessions".to_owned(), r.sessions.to_string()]);
    table.row([
        "filled (saves, one at a time, then a flush)".to_owned(),
        format!("{:.1} s", r.fill_seconds),
    ]);
    table.row([
        "open after kill -9 (sled recovers from its log)".to_owned(),
        format!("{:.2} s", r.open_after_kill_seconds),
    ]);
    table.row([
        "verify() after the kill".to_owned(),
        format!(
            "{:.1} s: {} records, {} faults",
            r.verify_seconds, r.records, r.faults
        ),
    ]);
    table.row([
        "open after a clean stop".to_owned(),
        format!("{:.2} s", r.open_after_clean_stop_seconds),
    ]);
    table.row([
        "disk (allocated blocks)".to_owned(),
        format!(
            "{:.2} GB, {:.0} bytes per session",
            r.disk_bytes as f64 / 1e9,
            r.disk_bytes as f64 / r.sessions as f64
        ),
    ]);
    format!(
        "# Opening a sled store of {} sessions\n\n{}\n\n{}\nThe writer opened the store as a \
         server does (`SledSessionStore::open`), saved the sessions, flushed, then kept updating \
         random sessions until SIGKILL two seconds later. The files were still in the OS page \
         cache when reopened: a cold start after a reboot reads them from disk as well.\n",
        r.sessions,
        r.provenance.markdown(),
        table.markdown()
    )
}

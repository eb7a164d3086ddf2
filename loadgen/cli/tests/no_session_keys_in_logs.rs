//! Session keys are bearer credentials: they must never reach a log. This runs the example
//! server and a load run against it, both at `RUST_LOG=trace` (every log line of every crate),
//! captures both logs, and searches them for the keys the server holds at the end (read from its
//! sled directory) and for anything shaped like a session key (64 alphanumerics in a row, which
//! also covers keys retired by renew and logout during the run).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

const LOADGEN: &str = env!("CARGO_BIN_EXE_loadgen");

#[test]
fn a_trace_level_load_run_logs_no_session_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("db");
    let server_log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
    let mut server = Command::new(LOADGEN)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(server_log)
        .spawn()
        .expect("start the server");
    let stdout = server.stdout.take().expect("server stdout");
    let addr = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            // `listening on ADDR invalidates=BOOL store=NAME`
            let rest = line.strip_prefix("listening on ")?;
            rest.split_whitespace().next().map(str::to_owned)
        })
        .expect("the server says where it listens");

    // Renews and relogins retire keys mid-run, so the logs see old and new keys alike.
    let run = Command::new(LOADGEN)
        .args(["--target", &format!("http://{addr}")])
        .args(["--sessions", "300", "--duration", "2", "--warmup", "0.5"])
        .args(["--concurrency", "8", "--rate", "3000", "--no-pin"])
        .args([
            "--mix",
            "read=40,increment=30,renew=15,relogin=15",
            "--results",
        ])
        .arg(dir.path().join("results"))
        .env("RUST_LOG", "trace")
        .output()
        .expect("run the load generator");
    assert!(
        run.status.success(),
        "the load run failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );

    // SIGTERM: actix stops, the store flushes, the directory can be opened here.
    // SAFETY: kill with our own child's pid and a valid signal has no memory effects.
    unsafe {
        libc::kill(server.id() as libc::pid_t, libc::SIGTERM);
    }
    let _ = server.wait();
    std::thread::sleep(Duration::from_millis(100));

    let db = actix_session_sled::sled_config(&data_dir)
        .open()
        .expect("open the server's sled directory");
    let tree = db
        .open_tree(actix_session_sled::DEFAULT_DATA_TREE)
        .expect("data tree");
    let keys: Vec<String> = tree
        .iter()
        .keys()
        .map(|k| String::from_utf8_lossy(&k.expect("a key")).into_owned())
        .collect();
    assert!(
        keys.len() >= 300,
        "expected the run's sessions in the store, found {}",
        keys.len()
    );

    let server_log = std::fs::read_to_string(dir.path().join("server.log")).expect("server log");
    let client_log = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(
        server_log.lines().count() > 1_000 && server_log.contains("TRACE"),
        "the server logged too little at trace level for this test to mean anything ({} lines)",
        server_log.lines().count()
    );
    for (name, log) in [("server", &server_log), ("load generator", &client_log)] {
        let exact = keys.iter().filter(|k| log.contains(k.as_str())).count();
        assert_eq!(
            exact, 0,
            "{exact} live session keys appear in the {name}'s log"
        );
        let shaped = key_shaped_tokens(log);
        assert!(
            shaped.is_empty(),
            "the {name}'s log holds {} key-shaped tokens, e.g. one of {} characters",
            shaped.len(),
            shaped.first().map_or(0, |t| t.len())
        );
    }
}

/// Runs of 64 or more ASCII alphanumerics: the shape of actix-session's keys.
fn key_shaped_tokens(log: &str) -> Vec<&str> {
    log.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|token| token.len() >= 64)
        .collect()
}

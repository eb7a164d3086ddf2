//! Every flag refuses nonsense before anything runs: one line on stderr that names the flag and
//! what it accepts, nothing on stdout, exit status 2. No panic, no backtrace, no run of 0 s.

use std::process::Command;

const LOADGEN: &str = env!("CARGO_BIN_EXE_loadgen");

/// `(arguments, text the one line must contain)`.
const BAD: &[(&[&str], &str)] = &[
    (
        &["--duration", "0"],
        "'--duration <DURATION>': expected seconds above 0",
    ),
    (&["--duration", "-5"], "'--duration <DURATION>'"),
    (&["--duration", "nan"], "'--duration <DURATION>'"),
    (&["--duration", "inf"], "'--duration <DURATION>'"),
    (
        &["--warmup", "-1"],
        "'--warmup <WARMUP>': expected seconds from 0",
    ),
    (
        &["--rate", "0"],
        "'--rate <RATE>': expected requests per second above 0",
    ),
    (&["--rate", "NaN"], "'--rate <RATE>'"),
    (
        &["--sessions", "-5"],
        "'--sessions <SESSIONS>': expected a whole number from 1",
    ),
    (&["--sessions", "0"], "'--sessions <SESSIONS>'"),
    (&["--concurrency", "0"], "'--concurrency <CONCURRENCY>'"),
    (
        &["--server-workers", "0"],
        "'--server-workers <SERVER_WORKERS>'",
    ),
    (
        &["--max-rss-spread", "-1"],
        "'--max-rss-spread <MAX_RSS_SPREAD>'",
    ),
    (
        &["--target", "127.0.0.1:8080"],
        "'--target <TARGET>': expected a URL like http://HOST:PORT",
    ),
    (&["--redis-url", "localhost"], "'--redis-url <REDIS_URL>'"),
    (
        &["--postgres-url", "redis://db"],
        "'--postgres-url <POSTGRES_URL>'",
    ),
    (&["--mix", "read=50"], "the mix adds up to 50%"),
    (
        &["--backend", "own"],
        "[possible values: sled, memory, cookie, redis, postgres, tower-sled, tower-memory, \
         tower-moka, tower-sqlite, tower-postgres, tower-sled-seed]",
    ),
    (
        &["--compare", "--ecosystem", "rust"],
        "[possible values: actix, tower, both]",
    ),
    (&["--compare", "--repeat", "0"], "'--repeat <REPEAT>'"),
    (&["--compare", "--repeat", "101"], "'--repeat <REPEAT>'"),
    (
        &["--compare", "--backends", "own"],
        "`own` names the store of a binary of one's own",
    ),
    (
        &["--results", "/proc/loadgen-cannot-write-here"],
        "--results /proc/loadgen-cannot-write-here: cannot write there",
    ),
    (&["crash", "--cycles", "0"], "'--cycles <CYCLES>'"),
    (&["hostile", "--requests", "0"], "'--requests <REQUESTS>'"),
    (
        &["hostile", "--results", "/proc/loadgen-cannot-write-here"],
        "--results /proc/loadgen-cannot-write-here",
    ),
    (
        &["serve", "--addr", "nonsense"],
        "'--addr <ADDR>': expected HOST:PORT",
    ),
    (&["serve", "--workers", "0"], "'--workers <WORKERS>'"),
];

#[test]
fn every_bad_value_is_one_line_and_exit_status_2() {
    for (args, expected) in BAD {
        let output = Command::new(LOADGEN)
            .args(*args)
            .output()
            .expect("run loadgen");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?} printed on stdout");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{args:?}: not one line: {stderr}"
        );
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected {expected:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    }
}

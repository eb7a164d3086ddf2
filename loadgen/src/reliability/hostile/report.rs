//! What the hostile-input test saw, per kind of attack, and the verdict.

use std::{collections::BTreeMap, fmt::Write as _, time::Duration};

use serde::{Deserialize, Serialize};

use super::attacks::Probe;
use crate::{cli::HostileArgs, reliability::wire::Reply, server::cookies::Security};

/// Violation examples kept.
const EXAMPLES: usize = 10;

/// The answers to one kind of attack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AttackOutcomes {
    pub requests: u64,
    /// Status code (or `closed`, `timeout`, `unreadable`) → count.
    pub outcomes: BTreeMap<String, u64>,
    /// Answers carrying the data of a session whose intact cookie the request did not hold.
    pub crossed_sessions: u64,
}

/// Counts kept by each sending task, merged at the end.
#[derive(Debug, Default)]
pub struct Tally {
    /// By `"<cookie protection> <attack>"`.
    by_attack: BTreeMap<String, AttackOutcomes>,
    connect_errors: u64,
    examples: Vec<String>,
}

/// The part of an answer's body that names a session.
#[derive(Deserialize)]
struct Body {
    user: Option<String>,
}

impl Tally {
    /// Counts one answer; `owns(user)` says whether `user`'s intact cookie was in the request.
    pub fn record(
        &mut self,
        security: Security,
        probe: &Probe,
        reply: &Reply,
        owns: impl Fn(&str) -> bool,
    ) {
        let name = format!("{} {:?}", security.name(), probe.attack);
        let entry = self.by_attack.entry(name).or_default();
        entry.requests += 1;
        *entry.outcomes.entry(reply.outcome()).or_default() += 1;
        let Reply::Answer { status, body } = reply else {
            return;
        };
        // Whatever the status: a body naming a session must name one the request owned.
        let named = serde_json::from_slice::<Body>(body)
            .ok()
            .and_then(|b| b.user);
        let crossed = match &named {
            Some(user) => !owns(user),
            // A 200 always names its session; one that names none served something unowned.
            None => *status == 200,
        };
        if crossed {
            entry.crossed_sessions += 1;
            if self.examples.len() < EXAMPLES {
                self.examples.push(format!(
                    "{} {:?}: status {status} served session {:?}, which the request did not hold",
                    security.name(),
                    probe.attack,
                    named
                ));
            }
        }
    }

    pub fn connect_error(&mut self, e: &std::io::Error) {
        self.connect_errors += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(format!("could not connect: {e}"));
        }
    }

    pub fn merge(&mut self, other: Tally) {
        for (attack, theirs) in other.by_attack {
            let mine = self.by_attack.entry(attack).or_default();
            mine.requests += theirs.requests;
            mine.crossed_sessions += theirs.crossed_sessions;
            for (outcome, n) in theirs.outcomes {
                *mine.outcomes.entry(outcome).or_default() += n;
            }
        }
        self.connect_errors += other.connect_errors;
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }
}

/// What one server (one cookie protection) went through.
pub struct ModeResult {
    pub security: Security,
    pub tally: Tally,
    pub alive: bool,
    pub sessions: u64,
    pub intact: u64,
    pub keys_in_log: u64,
    pub log: String,
}

/// `hostile.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostileReport {
    pub backend: String,
    pub cookie_security: Vec<Security>,
    pub seed: u64,
    pub requests: u64,
    /// Real sessions, over all servers.
    pub real_sessions: u64,
    pub concurrency: u64,
    pub took_s: f64,
    /// By `"<cookie protection> <attack>"`.
    pub by_attack: BTreeMap<String, AttackOutcomes>,
    pub server_errors: u64,
    pub crossed_sessions: u64,
    pub timeouts: u64,
    pub unreadable: u64,
    pub connect_errors: u64,
    pub examples: Vec<String>,
    /// Lines of the server's log that report a panic.
    pub panics: Vec<String>,
    /// Lines the servers logged (at `warn`), by message.
    pub server_log_messages: BTreeMap<String, u64>,
    /// Real session keys found in the servers' logs.
    pub session_keys_in_logs: u64,
    /// Every server still answered afterwards.
    pub server_alive_after: bool,
    /// Real sessions that still read exactly their own state afterwards.
    pub sessions_intact: u64,
    pub provenance: String,
}

impl HostileReport {
    pub fn new(args: &HostileArgs, seed: u64, modes: Vec<ModeResult>, took: Duration) -> Self {
        let mut tally = Tally::default();
        let mut log = String::new();
        for mode in &modes {
            log.push_str(&mode.log);
        }
        let alive = modes.iter().all(|m| m.alive);
        let intact = modes.iter().map(|m| m.intact).sum();
        let real_sessions = modes.iter().map(|m| m.sessions).sum();
        let session_keys_in_logs = modes.iter().map(|m| m.keys_in_log).sum();
        let cookie_security = modes.iter().map(|m| m.security).collect();
        for mode in modes {
            tally.merge(mode.tally);
        }
        let sum = |pick: &dyn Fn(&AttackOutcomes) -> u64| tally.by_attack.values().map(pick).sum();
        let outcome = |name: &'static str| {
            move |o: &AttackOutcomes| o.outcomes.get(name).copied().unwrap_or(0)
        };
        Self {
            backend: args.backend.name().to_owned(),
            cookie_security,
            seed,
            requests: sum(&|o| o.requests),
            real_sessions,
            concurrency: args.concurrency,
            took_s: took.as_secs_f64(),
            server_errors: sum(&|o| {
                o.outcomes
                    .iter()
                    .filter(|(status, _)| status.starts_with('5'))
                    .map(|(_, n)| n)
                    .sum()
            }),
            crossed_sessions: sum(&|o| o.crossed_sessions),
            timeouts: sum(&outcome("timeout")),
            unreadable: sum(&outcome("unreadable")),
            connect_errors: tally.connect_errors,
            examples: tally.examples,
            by_attack: tally.by_attack,
            panics: log
                .lines()
                .filter(|line| line.contains("panicked"))
                .map(str::to_owned)
                .collect(),
            server_log_messages: messages(&log),
            session_keys_in_logs,
            server_alive_after: alive,
            sessions_intact: intact,
            provenance: crate::reliability::provenance(),
        }
    }

    /// No 5xx, no crossed session, no hang, no panic, no key logged; the servers are up and
    /// lost nothing.
    pub fn clean(&self) -> bool {
        self.server_errors == 0
            && self.crossed_sessions == 0
            && self.timeouts == 0
            && self.unreadable == 0
            && self.connect_errors == 0
            && self.panics.is_empty()
            && self.session_keys_in_logs == 0
            && self.server_alive_after
            && self.sessions_intact == self.real_sessions
    }

    /// A few lines for the terminal.
    pub fn summary(&self) -> String {
        format!(
            "{} hostile requests in {:.1} s: {} 5xx, {} crossed sessions, {} timeouts, {} panics; server {}; {} of {} real sessions intact: {}\n",
            self.requests,
            self.took_s,
            self.server_errors,
            self.crossed_sessions,
            self.timeouts,
            self.panics.len(),
            if self.server_alive_after { "up" } else { "DOWN" },
            self.sessions_intact,
            self.real_sessions,
            if self.clean() { "PASS" } else { "FAIL" }
        )
    }

    /// `Ok` when clean, else what broke.
    pub fn verdict(&self) -> Result<String, String> {
        if self.clean() {
            return Ok(format!(
                "{} hostile requests: no 5xx, no crossed session, no hang, no panic, no key \
                 logged; all {} real sessions intact",
                self.requests, self.real_sessions
            ));
        }
        Err(format!(
            "{} 5xx, {} crossed sessions, {} timeouts, {} unreadable answers, {} connection \
             errors, {} panics, {} session keys in logs, server {}, {} of {} real sessions intact",
            self.server_errors,
            self.crossed_sessions,
            self.timeouts,
            self.unreadable,
            self.connect_errors,
            self.panics.len(),
            self.session_keys_in_logs,
            if self.server_alive_after {
                "up"
            } else {
                "DOWN"
            },
            self.sessions_intact,
            self.real_sessions
        ))
    }

    /// The report's Markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Hostile input over HTTP\n");
        let _ = writeln!(md, "{}\n", self.provenance);
        let _ = writeln!(
            md,
            "{} backend; one server per cookie protection ({}), each with its real sessions logged in first ({} in all); {} connections; seed {}. Verdict: **{}**.\n",
            self.backend,
            self.cookie_security
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", "),
            self.real_sessions,
            self.concurrency,
            self.seed,
            if self.clean() { "pass" } else { "FAIL" }
        );
        let _ = writeln!(md, "| attack | requests | outcomes | crossed sessions |");
        let _ = writeln!(md, "|---|---|---|---|");
        for (attack, o) in &self.by_attack {
            let outcomes: Vec<String> = o
                .outcomes
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let _ = writeln!(
                md,
                "| {attack} | {} | {} | {} |",
                o.requests,
                outcomes.join(", "),
                o.crossed_sessions
            );
        }
        let _ = writeln!(md, "\nOwnership is decided by opening each cookie with the server's key: a changed cookie that still opens to the same session (`%3D` changed to `%3d`, or non-ASCII bytes that happen to be valid UTF-8 beside an intact cookie) may be answered with that session's data; any other session's data counts as crossed. 400 is actix-http refusing a header with control bytes; an 80 KB `Cookie` header is accepted.");
        let _ = writeln!(md, "\n| check | result |\n|---|---|");
        let _ = writeln!(
            md,
            "| requests sent | {} in {:.1} s |",
            self.requests, self.took_s
        );
        let _ = writeln!(md, "| 5xx answers | {} |", self.server_errors);
        let _ = writeln!(
            md,
            "| answers with another session's data | {} |",
            self.crossed_sessions
        );
        let _ = writeln!(
            md,
            "| timeouts / unreadable answers / failed connects | {} / {} / {} |",
            self.timeouts, self.unreadable, self.connect_errors
        );
        let _ = writeln!(md, "| panics in the server's log | {} |", self.panics.len());
        let _ = writeln!(md, "| server up afterwards | {} |", self.server_alive_after);
        let _ = writeln!(
            md,
            "| real sessions intact afterwards | {} of {} |",
            self.sessions_intact, self.real_sessions
        );
        let _ = writeln!(
            md,
            "| real session keys in the servers' logs | {} |",
            self.session_keys_in_logs
        );
        let _ = writeln!(
            md,
            "\nWhat the servers logged (at `warn`):\n\n| lines | message |\n|---|---|"
        );
        for (message, n) in &self.server_log_messages {
            let _ = writeln!(md, "| {n} | {message} |");
        }
        for example in self.examples.iter().chain(&self.panics) {
            let _ = writeln!(md, "\n- {example}");
        }
        md
    }
}

/// At most this many distinct messages are listed; the rest are counted together.
const MESSAGES: usize = 50;

/// Log lines by message: the timestamp dropped, long messages cut at 160 characters.
fn messages(log: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in log.lines() {
        let message = line.split_once(' ').map_or(line, |(_, rest)| rest).trim();
        let mut message: String = message.chars().take(160).collect();
        if out.len() >= MESSAGES && !out.contains_key(&message) {
            message = "(other messages)".to_owned();
        }
        *out.entry(message).or_insert(0) += 1;
    }
    out
}

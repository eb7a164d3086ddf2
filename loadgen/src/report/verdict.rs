//! How a command ends: the paths of the reports it wrote, then one line, `PASS: ...` or
//! `FAIL: ...`, with the reason.

use std::path::PathBuf;

use super::{compare::Comparison, Outcome, RunReport};

impl RunReport {
    /// `Ok(what held)` for a clean run, else `Err(the first thing that broke)`.
    pub fn verdict(&self) -> Result<String, String> {
        let label = self.label();
        match self.outcome {
            Outcome::Completed => {}
            Outcome::Interrupted => return Err(format!("{label}: interrupted")),
            Outcome::ServerDied => {
                return Err(format!(
                    "{label}: the server died ({})",
                    self.server_exit.as_deref().unwrap_or("exit status unknown")
                ))
            }
        }
        if self.total_violations > 0 {
            return Err(format!(
                "{label}: {} violations (answers that broke a session's contract)",
                self.total_violations
            ));
        }
        if self.total_errors > 0 {
            return Err(format!("{label}: {} errors", self.total_errors));
        }
        if self.distinct_sessions != self.sessions {
            return Err(format!(
                "{label}: {} of {} sessions verified at the end",
                self.distinct_sessions, self.sessions
            ));
        }
        if !self.rss_within_limit() {
            return Err(format!(
                "{label}: the server's memory spread by {} over the measured phase, more than \
                 --max-rss-spread allows",
                self.server_rss_spread
                    .map_or("an unmeasured amount".to_owned(), |s| format!(
                        "{:.1} %",
                        s * 100.0
                    ))
            ));
        }
        Ok(format!(
            "{label}: {:.0} req/s, all {} sessions verified, 0 errors, 0 violations",
            self.throughput_rps, self.sessions
        ))
    }
}

impl Comparison {
    /// `Ok` when every backend ran clean, else the first that did not.
    pub fn verdict(&self) -> Result<String, String> {
        let mut held = Vec::new();
        for run in &self.runs {
            held.push(run.verdict()?);
        }
        if held.is_empty() {
            return Err("no backend ran".to_owned());
        }
        let skipped = if self.skipped.is_empty() {
            String::new()
        } else {
            format!(" (skipped: {})", self.skipped.join("; "))
        };
        Ok(format!(
            "{} backends ran clean, every session verified{skipped}",
            held.len()
        ))
    }
}

/// Prints where the reports went and the closing verdict line.
pub fn close(written: &[PathBuf], verdict: &Result<String, String>) {
    for path in written {
        eprintln!("wrote {}", path.display());
    }
    match verdict {
        Ok(why) => eprintln!("PASS: {why}"),
        Err(why) => eprintln!("FAIL: {why}"),
    }
}

//! Checks on every command-line value: a value out of range or malformed is refused while the
//! command line is parsed, with one line that names the flag and what it accepts, and the
//! process exits with status 2. Nothing runs on nonsense.

use std::{fmt, path::Path, process::ExitCode};

/// Parses the command line of `C`; on a bad value prints clap's first paragraph as one line
/// (it names the flag, and lists the values a choice accepts) and exits with 2. Help and
/// version print in full and exit 0.
pub fn parse<C: clap::Parser>() -> C {
    match C::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                e.exit();
            }
            let text = e.to_string();
            let first: Vec<&str> = text
                .lines()
                .take_while(|line| !line.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{}", first.join(" "));
            std::process::exit(2);
        }
    }
}

/// A whole number from `min` to `max` (`u64` or `usize`).
pub fn count<T>(min: T, max: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy + Send + Sync,
{
    move |text| {
        text.trim()
            .parse::<T>()
            .ok()
            .filter(|n| *n >= min && *n <= max)
            .ok_or_else(|| format!("expected a whole number from {min} to {max}"))
    }
}

/// A finite number above `above` (exclusive) and at most `max`, in `unit`.
pub fn number(
    above: f64,
    max: f64,
    unit: &'static str,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync {
    finite(
        move |x| x > above && x <= max,
        move || format!("expected {unit} above {above} and at most {max}"),
    )
}

/// A finite number from `min` (inclusive) to `max`, in `unit`.
pub fn number_from(
    min: f64,
    max: f64,
    unit: &'static str,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync {
    finite(
        move |x| x >= min && x <= max,
        move || format!("expected {unit} from {min} to {max}"),
    )
}

/// A finite number that `accept` takes; else the message `expected` makes.
fn finite(
    accept: impl Fn(f64) -> bool + Clone + Send + Sync,
    expected: impl Fn() -> String + Clone + Send + Sync,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync {
    move |text| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && accept(*x))
            .ok_or_else(&expected)
    }
}

/// A URL with one of `schemes`, a host and (where `port` says so) a port, without spaces.
pub fn url(
    schemes: &'static [&'static str],
    port: bool,
) -> impl Fn(&str) -> Result<String, String> + Clone + Send + Sync {
    move |text| {
        let example = if port {
            format!("{}://HOST:PORT", schemes[0])
        } else {
            format!("{}://HOST", schemes[0])
        };
        let refuse = || match schemes {
            [_] => format!("expected a URL like {example}"),
            _ => format!(
                "expected a URL like {example} ({}://)",
                schemes.join(":// or ")
            ),
        };
        let (scheme, rest) = text.split_once("://").ok_or_else(refuse)?;
        if !schemes.contains(&scheme) || rest.is_empty() || text.contains(char::is_whitespace) {
            return Err(refuse());
        }
        let authority = rest.split('/').next().unwrap_or_default();
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        let has_port = host_port
            .rsplit_once(':')
            .is_some_and(|(host, p)| !host.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0));
        if host_port.is_empty() || (port && !has_port) {
            return Err(refuse());
        }
        Ok(text.trim_end_matches('/').to_owned())
    }
}

/// Makes `dir` and checks that a file can be written in it; the error names the flag and the
/// directory.
pub fn writable_dir(flag: &str, dir: &Path) -> Result<(), String> {
    let fail =
        |e: std::io::Error| format!("error: {flag} {}: cannot write there: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(".loadgen-write-probe");
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Prints `message` and returns exit status 2: a value the command line let through but the
/// machine refuses (a directory that cannot be written, say).
pub fn refuse(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_numbers_refuse_what_is_out_of_range() {
        let sessions = count(1u64, 10);
        assert_eq!(sessions("10"), Ok(10));
        for bad in ["0", "11", "-5", "x", "1.5", ""] {
            assert!(sessions(bad).is_err(), "{bad}");
        }
        let seconds = number(0.0, 60.0, "seconds");
        assert_eq!(seconds("0.5"), Ok(0.5));
        for bad in ["0", "-1", "nan", "NaN", "inf", "-inf", "61", "x"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        let warmup = number_from(0.0, 60.0, "seconds");
        assert_eq!(warmup("0"), Ok(0.0));
        assert!(warmup("-0.1").is_err());
    }

    #[test]
    fn urls_need_their_scheme_host_and_port() {
        let target = url(&["http"], true);
        assert_eq!(
            target("http://127.0.0.1:8080/"),
            Ok("http://127.0.0.1:8080".to_owned())
        );
        for bad in [
            "127.0.0.1:8080",
            "https://127.0.0.1:8080",
            "http://",
            "http://127.0.0.1",
            "http://:80",
            "http://host:0",
            "http://host:99999",
        ] {
            assert!(target(bad).is_err(), "{bad}");
        }
        let postgres = url(&["postgres", "postgresql"], false);
        assert!(postgres("postgres://postgres@127.0.0.1:5432/postgres").is_ok());
        assert!(postgres("postgresql://db").is_ok());
        assert!(postgres("redis://db").is_err());
    }
}

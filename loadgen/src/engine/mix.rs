//! The request mix: which operation each request of the measured phase is.

use std::str::FromStr;

/// One operation of the measured phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `GET /counter`: the counter and user must be what the client expects.
    Read,
    /// `POST /counter`: the new value must be one more than expected.
    Increment,
    /// `POST /renew`: a new cookie, same state; the old cookie must then be dead.
    Renew,
    /// `POST /logout`, a check that the old cookie is dead, then `POST /login` again.
    Relogin,
}

/// Percentages of each operation, summing to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    pub read: u32,
    pub increment: u32,
    pub renew: u32,
    pub relogin: u32,
}

impl Mix {
    /// The operation for a uniform draw in `0..100`.
    pub fn pick(&self, draw: u32) -> Op {
        if draw < self.read {
            Op::Read
        } else if draw < self.read + self.increment {
            Op::Increment
        } else if draw < self.read + self.increment + self.renew {
            Op::Renew
        } else {
            Op::Relogin
        }
    }
}

impl std::fmt::Display for Mix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read={},increment={},renew={},relogin={}",
            self.read, self.increment, self.renew, self.relogin
        )
    }
}

impl FromStr for Mix {
    type Err = String;

    /// `read=70,increment=25,renew=3,relogin=2`; missing names are 0; the sum must be 100.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut mix = Mix {
            read: 0,
            increment: 0,
            renew: 0,
            relogin: 0,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not NAME=PERCENT"))?;
            let value: u32 = value
                .trim()
                .parse()
                .map_err(|_| format!("`{value}` is not a whole percentage"))?;
            match name.trim() {
                "read" => mix.read = value,
                "increment" => mix.increment = value,
                "renew" => mix.renew = value,
                "relogin" => mix.relogin = value,
                other => {
                    return Err(format!(
                        "unknown operation `{other}` (read, increment, renew, relogin)"
                    ))
                }
            }
        }
        let total = mix.read + mix.increment + mix.renew + mix.relogin;
        if total != 100 {
            return Err(format!("the mix adds up to {total}%, not 100%"));
        }
        Ok(mix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_picks() {
        let mix: Mix = "read=70,increment=25,renew=3,relogin=2".parse().unwrap();
        assert_eq!(mix.pick(0), Op::Read);
        assert_eq!(mix.pick(69), Op::Read);
        assert_eq!(mix.pick(70), Op::Increment);
        assert_eq!(mix.pick(95), Op::Renew);
        assert_eq!(mix.pick(98), Op::Relogin);
        assert_eq!(mix.to_string().parse::<Mix>().unwrap(), mix);
        assert_eq!("read=100".parse::<Mix>().unwrap().pick(99), Op::Read);
    }

    #[test]
    fn rejects_bad_mixes() {
        assert!("read=70".parse::<Mix>().unwrap_err().contains("70%"));
        assert!("write=100".parse::<Mix>().unwrap_err().contains("unknown"));
        assert!("read".parse::<Mix>().is_err());
        assert!("read=x".parse::<Mix>().is_err());
    }
}

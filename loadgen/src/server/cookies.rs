//! Session cookies, opened and sealed with the server's key: how the hostile-input and
//! disk-fault tests reach the session key behind a cookie and forge a valid cookie for a key of
//! their choosing. Only a test that holds the server's key can do this; that is the point of it.

use actix_session::config::CookieContentSecurity;
use actix_web::cookie::{Cookie, CookieJar, Key};

/// actix-session's cookie name.
pub const NAME: &str = "id";

/// How the example server protects its cookie (actix-session's `CookieContentSecurity`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Encrypted and authenticated (actix-session's default).
    Private,
    /// Signed: the session key is readable in the cookie, behind an HMAC.
    Signed,
}

impl Security {
    pub fn name(self) -> &'static str {
        match self {
            Security::Private => "private",
            Security::Signed => "signed",
        }
    }
}

impl From<Security> for CookieContentSecurity {
    fn from(s: Security) -> Self {
        match s {
            Security::Private => CookieContentSecurity::Private,
            Security::Signed => CookieContentSecurity::Signed,
        }
    }
}

/// The session key inside a cookie value as it travels in a `Cookie` header (percent-decoded
/// first, as actix-web does), if the cookie is authentic.
pub fn session_key(cookie: &str, key: &Key, security: Security) -> Option<String> {
    let parsed = Cookie::parse_encoded(format!("{NAME}={cookie}")).ok()?;
    let mut jar = CookieJar::new();
    jar.add_original(parsed.into_owned());
    let opened = match security {
        Security::Private => jar.private(key).get(NAME),
        Security::Signed => jar.signed(key).get(NAME),
    };
    opened.map(|c| c.value().to_owned())
}

/// A cookie value carrying `session_key`, sealed as the server would seal it.
pub fn seal(session_key: &str, key: &Key, security: Security) -> String {
    let mut jar = CookieJar::new();
    let cookie = Cookie::new(NAME, session_key.to_owned());
    match security {
        Security::Private => jar.private_mut(key).add(cookie),
        Security::Signed => jar.signed_mut(key).add(cookie),
    }
    jar.get(NAME)
        .map(|c| c.encoded().stripped().to_string())
        .and_then(|pair| pair.strip_prefix(&format!("{NAME}=")).map(str::to_owned))
        .unwrap_or_default()
}

/// Writes a new key file only its owner can read, for `loadgen serve --key-file`.
pub fn write_key_file(path: &std::path::Path, key: &Key) -> std::io::Result<()> {
    use std::{io::Write as _, os::unix::fs::OpenOptionsExt as _};
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(key.master())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_cookie_opens_and_a_changed_one_does_not() {
        for security in [Security::Private, Security::Signed] {
            let key = Key::generate();
            let cookie = seal("abc", &key, security);
            assert_eq!(session_key(&cookie, &key, security).as_deref(), Some("abc"));
            let mut tampered = cookie.into_bytes();
            tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(tampered).unwrap_or_default();
            assert_eq!(session_key(&tampered, &key, security), None);
            let other_key = Key::generate();
            assert_eq!(
                session_key(&seal("abc", &key, security), &other_key, security),
                None
            );
        }
    }
}

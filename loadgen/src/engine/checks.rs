//! The checks on every answer: what a correct server and store must have said, given what the
//! client knows of the session. A failure is an error (no usable answer) or a violation (an
//! answer a correct server never gives).

use hyper::StatusCode;
use serde::Deserialize;

use super::sessions::ClientSession;

/// Why an operation did not go as it must.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Failure {
    // Errors: the request did not get a usable answer.
    Connect,
    Timeout,
    ServerError,
    UnexpectedStatus,
    BadBody,
    // Violations: an answer that a correct server and store never give.
    LostUpdate,
    CrossedSession,
    Resurrected,
    UnexpectedNewSession,
}

impl Failure {
    pub fn is_violation(self) -> bool {
        matches!(
            self,
            Failure::LostUpdate
                | Failure::CrossedSession
                | Failure::Resurrected
                | Failure::UnexpectedNewSession
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Failure::Connect => "connect",
            Failure::Timeout => "timeout",
            Failure::ServerError => "5xx",
            Failure::UnexpectedStatus => "unexpected_status",
            Failure::BadBody => "bad_body",
            Failure::LostUpdate => "lost_update",
            Failure::CrossedSession => "crossed_session",
            Failure::Resurrected => "resurrected_session",
            Failure::UnexpectedNewSession => "unexpected_new_session",
        }
    }
}

/// A failure and what was seen (never a cookie or session key).
pub type Failed = (Failure, String);

/// The example server's answer body.
#[derive(Debug, Deserialize)]
pub struct Body {
    pub user: Option<String>,
    pub counter: Option<u64>,
}

/// What one request got back.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Option<Body>,
    /// The value of the session cookie the server set, if any.
    pub cookie: Option<String>,
}

/// Takes a new cookie value, if the answer set one, into the session.
pub fn adopt_cookie(s: &mut ClientSession, cookie: Option<String>) {
    if let Some(cookie) = cookie.filter(|c| !c.is_empty()) {
        s.cookie.set(&cookie);
    }
}

/// The answer must be 200 and show `user` with `counter`.
pub fn expect_state(answer: &Answer, user: &str, counter: u64, what: &str) -> Result<(), Failed> {
    if answer.status == StatusCode::UNAUTHORIZED {
        return Err((
            Failure::UnexpectedNewSession,
            format!("{what} of {user}: the server had no session"),
        ));
    }
    if answer.status != StatusCode::OK {
        return Err((
            Failure::UnexpectedStatus,
            format!("{what} of {user}: status {}", answer.status),
        ));
    }
    let Some(body) = &answer.body else {
        return Err((
            Failure::BadBody,
            format!("{what} of {user}: the body is not the expected JSON"),
        ));
    };
    if body.user.as_deref() != Some(user) {
        return Err((
            Failure::CrossedSession,
            format!("{what} of {user}: answered for {:?}", body.user),
        ));
    }
    if body.counter != Some(counter) {
        return Err((
            Failure::LostUpdate,
            format!(
                "{what} of {user}: counter {:?}, expected {counter}",
                body.counter
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: Option<(&str, u64)>) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).expect("a status"),
            body: body.map(|(user, counter)| Body {
                user: Some(user.to_owned()),
                counter: Some(counter),
            }),
            cookie: None,
        }
    }

    fn kind(result: Result<(), Failed>) -> Option<Failure> {
        result.err().map(|(failure, _)| failure)
    }

    #[test]
    fn the_right_session_with_the_right_counter_passes() {
        assert_eq!(
            kind(expect_state(&answer(200, Some(("u1", 3))), "u1", 3, "read")),
            None
        );
    }

    #[test]
    fn each_wrong_answer_is_named() {
        let cases = [
            (answer(401, None), Failure::UnexpectedNewSession),
            (answer(404, None), Failure::UnexpectedStatus),
            (answer(200, None), Failure::BadBody),
            (answer(200, Some(("u2", 3))), Failure::CrossedSession),
            (answer(200, Some(("u1", 2))), Failure::LostUpdate),
            (answer(200, Some(("u1", 4))), Failure::LostUpdate),
        ];
        for (answer, expected) in cases {
            assert_eq!(
                kind(expect_state(&answer, "u1", 3, "read")),
                Some(expected),
                "{answer:?}"
            );
        }
    }

    #[test]
    fn violations_and_errors_are_told_apart() {
        for failure in [
            Failure::LostUpdate,
            Failure::CrossedSession,
            Failure::Resurrected,
            Failure::UnexpectedNewSession,
        ] {
            assert!(failure.is_violation(), "{failure:?}");
        }
        for failure in [
            Failure::Connect,
            Failure::Timeout,
            Failure::ServerError,
            Failure::UnexpectedStatus,
            Failure::BadBody,
        ] {
            assert!(!failure.is_violation(), "{failure:?}");
        }
    }

    #[test]
    fn a_new_cookie_replaces_the_old_one_and_no_cookie_keeps_it() {
        let mut session = ClientSession::new(1, "old");
        adopt_cookie(&mut session, None);
        assert_eq!(session.cookie.text(), "old");
        adopt_cookie(&mut session, Some(String::new()));
        assert_eq!(session.cookie.text(), "old");
        adopt_cookie(&mut session, Some("new".to_owned()));
        assert_eq!(session.cookie.text(), "new");
        adopt_cookie(&mut session, Some("longer".to_owned()));
        assert_eq!(session.cookie.text(), "longer");
    }
}

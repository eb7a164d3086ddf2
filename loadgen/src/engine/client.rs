//! Connections to the server and the requests a session goes through; each answer is judged by
//! `checks.rs`.
//!
//! Each client task owns one keep-alive HTTP/1 connection ([`Conn`]), so a run uses exactly
//! `--concurrency` connections and every request carries its session's cookie explicitly. The
//! connection is hyper's own client connection, with no pool, URL parsing or redirect logic in
//! the way: measured against wrk on the same server (P7), reqwest's request machinery cost the
//! client about a third of its throughput.

use std::{net::SocketAddr, time::Duration};

use actix_web::cookie::Cookie;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::{
    client::conn::http1::SendRequest,
    header::{HeaderValue, COOKIE, HOST, SET_COOKIE},
    Method, Request, StatusCode,
};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::{
    checks::{adopt_cookie, expect_state, Answer, Failed, Failure},
    sessions::ClientSession,
    stats::Recorder,
};

/// The session cookie's name (actix-session's default).
const COOKIE_NAME: &str = "id";
/// How long one request may take before it counts as a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the server is and what it can do; shared by every client task.
#[derive(Debug, Clone)]
pub struct Target {
    addr: SocketAddr,
    host: HeaderValue,
    /// Whether the server's store can invalidate sessions (so old cookies must be dead).
    pub invalidates: bool,
}

impl Target {
    /// A target at `base` (`http://HOST:PORT`).
    pub fn new(base: &str, invalidates: bool) -> anyhow::Result<Self> {
        let authority = base
            .strip_prefix("http://")
            .ok_or_else(|| anyhow::anyhow!("the target must be an http:// URL, got {base}"))?
            .trim_end_matches('/');
        let addr = std::net::ToSocketAddrs::to_socket_addrs(authority)?
            .next()
            .ok_or_else(|| anyhow::anyhow!("{authority} does not resolve"))?;
        Ok(Self {
            addr,
            host: HeaderValue::from_str(authority)?,
            invalidates,
        })
    }

    /// The server's socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A connection of one's own (opened on first use, reopened after a failure).
    pub fn connect(&self) -> Conn {
        Conn {
            target: self.clone(),
            sender: None,
        }
    }
}

/// One keep-alive connection and the operations a session goes through.
pub struct Conn {
    target: Target,
    sender: Option<SendRequest<Empty<Bytes>>>,
}

impl Conn {
    async fn sender(&mut self) -> Result<&mut SendRequest<Empty<Bytes>>, Failed> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = TcpStream::connect(self.target.addr)
                .await
                .map_err(|e| (Failure::Connect, format!("connect: {e}")))?;
            let _ = stream.set_nodelay(true);
            let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| (Failure::Connect, format!("handshake: {e}")))?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        let sender = self
            .sender
            .as_mut()
            .ok_or((Failure::Connect, "no connection".to_owned()))?;
        sender
            .ready()
            .await
            .map_err(|e| (Failure::Connect, format!("connection: {e}")))?;
        Ok(sender)
    }

    /// Sends one request, records its latency from `intended` (corrected) and from the moment
    /// it was sent (uncorrected), and reads the answer.
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        recorder: &mut Recorder,
        intended: std::time::Instant,
    ) -> Result<Answer, Failed> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.target.host.clone());
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, format!("{COOKIE_NAME}={cookie}"));
        }
        let request = request.body(Empty::<Bytes>::new()).map_err(|e| {
            (
                Failure::BadBody,
                format!("{path}: cannot build the request: {e}"),
            )
        })?;
        let sender = self.sender().await?;
        let sent = std::time::Instant::now();
        let exchange = async {
            let response = sender.send_request(request).await?;
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await?.to_bytes();
            Ok::<_, hyper::Error>((parts, bytes))
        };
        let (parts, bytes) = match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
            Ok(Ok(done)) => done,
            Ok(Err(e)) => {
                self.sender = None;
                return Err((Failure::Connect, format!("{path}: {e}")));
            }
            Err(_) => {
                self.sender = None;
                return Err((
                    Failure::Timeout,
                    format!("{path}: no answer in {REQUEST_TIMEOUT:?}"),
                ));
            }
        };
        recorder.latency(
            intended,
            sent,
            std::time::Instant::now(),
            parts.status.as_u16(),
        );
        if parts.status.is_server_error() {
            return Err((
                Failure::ServerError,
                format!("{path}: status {}", parts.status),
            ));
        }
        let cookie = parts
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Cookie::parse(v).ok())
            .find(|c| c.name() == COOKIE_NAME)
            .map(|c| c.value().to_owned());
        Ok(Answer {
            status: parts.status,
            body: serde_json::from_slice(&bytes).ok(),
            cookie,
        })
    }

    /// Logs `user` in; returns the new session's cookie.
    pub async fn login(
        &mut self,
        user: &str,
        recorder: &mut Recorder,
        intended: std::time::Instant,
    ) -> Result<String, Failed> {
        let answer = self
            .send(
                Method::POST,
                &format!("/login?user={user}"),
                None,
                recorder,
                intended,
            )
            .await?;
        expect_state(&answer, user, 0, "login")?;
        answer.cookie.ok_or((
            Failure::UnexpectedNewSession,
            format!("login of {user} set no cookie"),
        ))
    }

    /// `GET /counter`: must show this session's user and expected counter.
    pub async fn read(
        &mut self,
        s: &mut ClientSession,
        recorder: &mut Recorder,
        intended: std::time::Instant,
    ) -> Result<(), Failed> {
        let answer = self
            .send(
                Method::GET,
                "/counter",
                Some(&s.cookie.text()),
                recorder,
                intended,
            )
            .await?;
        expect_state(&answer, &s.user(), s.counter, "read")?;
        adopt_cookie(s, answer.cookie);
        Ok(())
    }

    /// `POST /counter`: the new value must be exactly one more.
    pub async fn increment(
        &mut self,
        s: &mut ClientSession,
        recorder: &mut Recorder,
        intended: std::time::Instant,
    ) -> Result<(), Failed> {
        let answer = self
            .send(
                Method::POST,
                "/counter",
                Some(&s.cookie.text()),
                recorder,
                intended,
            )
            .await?;
        expect_state(&answer, &s.user(), s.counter + 1, "increment")?;
        s.counter += 1;
        adopt_cookie(s, answer.cookie);
        Ok(())
    }

    /// `POST /renew`: a new cookie with the same state; the old cookie must then be dead.
    pub async fn renew(
        &mut self,
        s: &mut ClientSession,
        recorder: &mut Recorder,
        intended: std::time::Instant,
    ) -> Result<(), Failed> {
        let answer = self
            .send(
                Method::POST,
                "/renew",
                Some(&s.cookie.text()),
                recorder,
                intended,
            )
            .await?;
        let user = s.user();
        expect_state(&answer, &user, s.counter, "renew")?;
        let fresh = answer.cookie.ok_or((
            Failure::UnexpectedStatus,
            format!("renew of {user} set no cookie"),
        ))?;
        let old = s.cookie.text().into_owned();
        adopt_cookie(s, Some(fresh));
        self.expect_dead(&old, &user, "renewed", recorder).await
    }

    /// `POST /logout`, the old cookie must be dead, then `POST /login` as the same user.
    pub async fn relogin(
        &mut self,
        s: &mut ClientSession,
        recorder: &mut Recorder,
        intended: std::time::Instant,
    ) -> Result<(), Failed> {
        let answer = self
            .send(
                Method::POST,
                "/logout",
                Some(&s.cookie.text()),
                recorder,
                intended,
            )
            .await?;
        if answer.status != StatusCode::OK {
            return Err((
                Failure::UnexpectedStatus,
                format!("logout gave {}", answer.status),
            ));
        }
        let user = s.user();
        let old = s.cookie.text().into_owned();
        self.expect_dead(&old, &user, "logged-out", recorder)
            .await?;
        let fresh = self
            .login(&user, recorder, std::time::Instant::now())
            .await?;
        adopt_cookie(s, Some(fresh));
        s.counter = 0;
        Ok(())
    }

    /// A cookie that renew or logout retired must not be served a session, where the store can
    /// invalidate at all.
    async fn expect_dead(
        &mut self,
        cookie: &str,
        user: &str,
        what: &str,
        recorder: &mut Recorder,
    ) -> Result<(), Failed> {
        if !self.target.invalidates {
            return Ok(());
        }
        let answer = self
            .send(
                Method::GET,
                "/counter",
                Some(cookie),
                recorder,
                std::time::Instant::now(),
            )
            .await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            return Ok(());
        }
        Err((
            Failure::Resurrected,
            format!(
                "the {what} cookie of {user} still loads a session (status {})",
                answer.status
            ),
        ))
    }
}

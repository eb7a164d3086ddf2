//! A client that sends each request on a fresh connection to one of the two servers and
//! carries the session cookie by hand, so it can replay old, tampered or garbage cookies.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper::{
    header::{HeaderValue, COOKIE, HOST, SET_COOKIE},
    Request,
};
use hyper_util::rt::TokioIo;
use tower_sessions::cookie::Cookie;

use super::server::COOKIE as NAME;

/// What one request showed.
#[derive(Debug)]
pub(super) struct Reply {
    pub status: u16,
    pub user: Option<String>,
    pub counter: Option<i64>,
    /// The session cookie the server set (or removed), if any.
    pub set_cookie: Option<Cookie<'static>>,
    /// The body, when it is not the state (an error's message).
    pub body: String,
}

impl Reply {
    /// The new cookie's value, if the server set one that is not a removal.
    pub fn cookie(&self) -> Option<String> {
        self.set_cookie
            .as_ref()
            .filter(|c| !is_removal(c))
            .map(|c| c.value().to_owned())
    }
}

/// Whether `cookie` tells the browser to forget it.
pub(super) fn is_removal(cookie: &Cookie<'_>) -> bool {
    cookie.max_age() == Some(time::Duration::ZERO)
        || cookie
            .expires_datetime()
            .is_some_and(|at| at <= time::OffsetDateTime::now_utc())
}

/// Sends `method path` to `server`, with `cookie` as the session cookie's value.
pub(super) async fn send(
    server: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
) -> Result<Reply, String> {
    let stream = tokio::net::TcpStream::connect(server)
        .await
        .map_err(|e| format!("cannot connect to the test server: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake: {e}"))?;
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, "localhost");
    if let Some(value) = cookie {
        let header = HeaderValue::from_str(&format!("{NAME}={value}"))
            .map_err(|e| format!("bad test cookie: {e}"))?;
        request = request.header(COOKIE, header);
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| format!("cannot build {method} {path}: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("{method} {path}: request failed: {e}"))?;
    let status = response.status().as_u16();
    let set_cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| Cookie::parse(v.to_owned()).ok())
        .find(|c| c.name() == NAME);
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{method} {path}: body: {e}"))?
        .to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    Ok(Reply {
        status,
        user: json["user"].as_str().map(str::to_owned),
        counter: json["counter"].as_i64(),
        set_cookie,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

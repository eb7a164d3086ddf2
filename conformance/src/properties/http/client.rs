//! A client that holds one keep-alive connection to each server worker, so a scenario can move
//! one session between workers, and that carries the session cookie by hand, so it can replay
//! old, tampered or garbage cookies.

use std::{collections::HashMap, net::SocketAddr};

use actix_web::cookie::Cookie;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper::{
    client::conn::http1::SendRequest,
    header::{HeaderValue, COOKIE, HOST, SET_COOKIE},
    Request,
};
use hyper_util::rt::TokioIo;

use super::server::{WORKERS, WORKER_HEADER};

/// How many connections to open, at most, to reach one particular worker.
const MAX_CONNECT_ATTEMPTS: usize = 50;

/// What one request showed.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub user_id: Option<String>,
    pub counter: Option<i64>,
    /// The session cookie the server set, if any.
    pub set_cookie: Option<Cookie<'static>>,
}

pub(crate) struct Client {
    addr: SocketAddr,
    cookie_name: &'static str,
    /// One open connection per worker.
    workers: HashMap<usize, SendRequest<Empty<Bytes>>>,
}

impl Client {
    /// Connects until it holds a connection to every worker.
    pub async fn connect(addr: SocketAddr, cookie_name: &'static str) -> Result<Self, String> {
        let mut client = Self {
            addr,
            cookie_name,
            workers: HashMap::new(),
        };
        for worker in 0..WORKERS {
            client.reach(worker).await?;
        }
        Ok(client)
    }

    /// Opens connections until one is served by `worker` (actix hands connections to its
    /// workers in turn, so this takes one or two).
    async fn reach(&mut self, worker: usize) -> Result<(), String> {
        for _ in 0..MAX_CONNECT_ATTEMPTS {
            let mut sender = self.open().await?;
            let response = sender
                .send_request(request("GET", "/worker", None)?)
                .await
                .map_err(|e| format!("GET /worker: {e}"))?;
            let served_by = response
                .headers()
                .get(WORKER_HEADER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok());
            let _ = response.into_body().collect().await;
            if let Some(served_by) = served_by {
                self.workers.entry(served_by).or_insert(sender);
            }
            if self.workers.contains_key(&worker) {
                return Ok(());
            }
        }
        Err(format!(
            "no connection reached server worker {worker} in {MAX_CONNECT_ATTEMPTS} attempts"
        ))
    }

    async fn open(&self) -> Result<SendRequest<Empty<Bytes>>, String> {
        let stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("cannot connect to the test server: {e}"))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake: {e}"))?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Sends `method path` to `worker`, with `cookie` as the raw value of the session cookie.
    pub async fn send(
        &mut self,
        worker: usize,
        method: &str,
        path: &str,
        cookie: Option<&[u8]>,
    ) -> Result<Reply, String> {
        if self.workers.get(&worker).is_none_or(SendRequest::is_closed) {
            self.workers.remove(&worker);
            self.reach(worker).await?;
        }
        let cookie_header = match cookie {
            Some(value) => {
                let mut header = format!("{}=", self.cookie_name).into_bytes();
                header.extend_from_slice(value);
                Some(
                    HeaderValue::from_bytes(&header)
                        .map_err(|e| format!("bad test cookie: {e}"))?,
                )
            }
            None => None,
        };
        let sender = self
            .workers
            .get_mut(&worker)
            .ok_or_else(|| format!("no connection to worker {worker}"))?;
        sender
            .ready()
            .await
            .map_err(|e| format!("{method} {path} on worker {worker}: {e}"))?;
        let response = sender
            .send_request(request(method, path, cookie_header)?)
            .await
            .map_err(|e| format!("{method} {path} on worker {worker}: request failed: {e}"))?;
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Cookie::parse(v.to_owned()).ok())
            .find(|c| c.name() == self.cookie_name);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{method} {path}: body: {e}"))?
            .to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        Ok(Reply {
            status,
            user_id: json["user_id"].as_str().map(str::to_owned),
            counter: json["counter"].as_i64(),
            set_cookie,
        })
    }
}

fn request(
    method: &str,
    path: &str,
    cookie: Option<HeaderValue>,
) -> Result<Request<Empty<Bytes>>, String> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, "localhost");
    if let Some(cookie) = cookie {
        builder = builder.header(COOKIE, cookie);
    }
    builder
        .body(Empty::new())
        .map_err(|e| format!("cannot build {method} {path}: {e}"))
}

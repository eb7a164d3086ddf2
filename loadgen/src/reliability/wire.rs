//! Byte-exact HTTP/1.1 exchanges, for the hostile-input and disk-fault tests.
//!
//! A well-behaved client (hyper, reqwest) refuses to send what this test must send: control
//! bytes in a header, bare CR or LF, a header far over any sane limit. So requests are written to
//! the socket as raw bytes, and only the answer is parsed, by `httparse`.

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// How long one exchange may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an answer this client reads; the example server's answers are tiny.
const MAX_ANSWER: usize = 1 << 20;

/// What came back for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A complete answer.
    Answer { status: u16, body: Vec<u8> },
    /// The server closed the connection without answering (or while the request was still
    /// being written, which is how an over-long header can be refused).
    Closed,
    /// No answer within the timeout.
    Timeout,
    /// Bytes that are not an HTTP/1.1 answer this client can read.
    Unreadable,
}

impl Reply {
    /// The outcome's name in a report: the status, or what happened instead.
    pub fn outcome(&self) -> String {
        match self {
            Reply::Answer { status, .. } => status.to_string(),
            Reply::Closed => "closed".to_owned(),
            Reply::Timeout => "timeout".to_owned(),
            Reply::Unreadable => "unreadable".to_owned(),
        }
    }
}

/// One keep-alive connection, reopened when the server closes it.
pub struct RawConn {
    addr: std::net::SocketAddr,
    stream: Option<TcpStream>,
    buffer: Vec<u8>,
}

impl RawConn {
    /// Drops the connection: the next exchange opens a fresh one. For a request that may have
    /// been read as two (a bare CR or LF can end its head early), whose second answer would
    /// otherwise be taken for the answer to the next request.
    pub fn close(&mut self) {
        self.stream = None;
    }

    pub fn new(addr: std::net::SocketAddr) -> Self {
        Self {
            addr,
            stream: None,
            buffer: Vec::with_capacity(4096),
        }
    }

    /// Sends `request` (a whole HTTP/1.1 request, head and body) and reads the answer. A
    /// kept-alive connection the server has meanwhile closed (as it does after a 400) is not
    /// held against this request: it is sent again once on a fresh connection.
    pub async fn exchange(&mut self, request: &[u8]) -> std::io::Result<Reply> {
        let reused = self.stream.is_some();
        let reply = self.exchange_once(request).await?;
        if reused && reply == Reply::Closed {
            return self.exchange_once(request).await;
        }
        Ok(reply)
    }

    async fn exchange_once(&mut self, request: &[u8]) -> std::io::Result<Reply> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
            self.buffer.clear();
        }
        let reply = match tokio::time::timeout(TIMEOUT, self.round_trip(request)).await {
            Ok(reply) => reply,
            Err(_) => Reply::Timeout,
        };
        let keep = matches!(&reply, Reply::Answer { .. }) && self.stream.is_some();
        if !keep {
            self.stream = None;
        }
        Ok(reply)
    }

    async fn round_trip(&mut self, request: &[u8]) -> Reply {
        let Some(stream) = self.stream.as_mut() else {
            return Reply::Closed;
        };
        // A failed write is not the end: the server may have answered before refusing the rest.
        let _ = stream.write_all(request).await;
        self.read_answer().await.unwrap_or(Reply::Closed)
    }

    /// Reads one answer; `None` when the connection ends first.
    async fn read_answer(&mut self) -> Option<Reply> {
        let stream = self.stream.as_mut()?;
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut response = httparse::Response::new(&mut headers);
            match response.parse(&self.buffer) {
                Ok(httparse::Status::Complete(head_len)) => {
                    let (Some(status), Some(length)) =
                        (response.code, content_length(response.headers))
                    else {
                        return Some(Reply::Unreadable);
                    };
                    let closes = response.headers.iter().any(|h| {
                        h.name.eq_ignore_ascii_case("connection")
                            && h.value.eq_ignore_ascii_case(b"close")
                    });
                    let total = head_len.saturating_add(length);
                    if total > MAX_ANSWER {
                        return Some(Reply::Unreadable);
                    }
                    while self.buffer.len() < total {
                        if read_more(stream, &mut self.buffer).await? == 0 {
                            return None;
                        }
                    }
                    let body = self.buffer[head_len..total].to_vec();
                    self.buffer.drain(..total);
                    if closes {
                        self.stream = None;
                    }
                    return Some(Reply::Answer { status, body });
                }
                Ok(httparse::Status::Partial) if self.buffer.len() > MAX_ANSWER => {
                    return Some(Reply::Unreadable)
                }
                Ok(httparse::Status::Partial) => {
                    if read_more(stream, &mut self.buffer).await? == 0 {
                        return None;
                    }
                }
                Err(_) => return Some(Reply::Unreadable),
            }
        }
    }
}

/// The body length an answer declares: none declared means 0 (an error page from actix's codec);
/// a chunked answer is not expected from the example server and reads as `None`.
fn content_length(headers: &[httparse::Header<'_>]) -> Option<usize> {
    if headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("transfer-encoding"))
    {
        return None;
    }
    match headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
    {
        Some(h) => std::str::from_utf8(h.value).ok()?.trim().parse().ok(),
        None => Some(0),
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<usize> {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk).await.ok()?;
    buffer.extend_from_slice(&chunk[..n]);
    Some(n)
}

/// A request with the given method, path and raw `Cookie` header values (each becomes one
/// `Cookie:` line, bytes as given).
pub fn request(method: &str, path: &str, cookies: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + cookies.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n").as_bytes());
    for cookie in cookies {
        out.extend_from_slice(b"cookie: ");
        out.extend_from_slice(cookie);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"content-length: 0\r\n\r\n");
    out
}

//! A client that carries the session cookie by hand, so a test can replay old, tampered or
//! garbage cookies.

use std::net::SocketAddr;

use actix_web::cookie::Cookie;
use reqwest::header::{HeaderValue, COOKIE, SET_COOKIE};

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
    http: reqwest::Client,
    base: String,
    cookie_name: &'static str,
}

impl Client {
    pub fn new(addr: SocketAddr, cookie_name: &'static str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        Ok(Self {
            http,
            base: format!("http://{addr}"),
            cookie_name,
        })
    }

    /// Sends `method path` with `cookie` as the raw value of the session cookie.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&[u8]>,
    ) -> Result<Reply, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(value) = cookie {
            let mut header = format!("{}=", self.cookie_name).into_bytes();
            header.extend_from_slice(value);
            let header =
                HeaderValue::from_bytes(&header).map_err(|e| format!("bad test cookie: {e}"))?;
            request = request.header(COOKIE, header);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{path}: request failed: {e}"))?;
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Cookie::parse(v.to_owned()).ok())
            .find(|c| c.name() == self.cookie_name);
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("{path}: body: {e}"))?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        Ok(Reply {
            status,
            user_id: json["user_id"].as_str().map(str::to_owned),
            counter: json["counter"].as_i64(),
            set_cookie,
        })
    }
}

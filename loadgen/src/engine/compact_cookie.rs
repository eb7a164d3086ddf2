//! A session cookie's value as the client keeps it between requests, in as few bytes as it can
//! be given back exactly: a run holds ten million of them.
//!
//! actix-session's private cookies (and the cookie store's) are standard base64 with padding, in
//! a `Set-Cookie` with `/` and `=` percent-encoded (`%2F`, `%3D`): those are kept as the bytes
//! they encode, three quarters of their length. Any other value (a signed cookie, a
//! tower-sessions id, a store of one's own) is kept as its text. Either way the value given back
//! is byte for byte the one the server set.

use std::borrow::Cow;

use base64::{engine::general_purpose::STANDARD, Engine as _};

/// The first byte of the stored form: how the rest is to be read.
const TEXT: u8 = 0;
/// Standard base64, as is.
const BASE64: u8 = 1;
/// Standard base64 with `/` and `=` percent-encoded, as the cookie crate sends it.
const BASE64_ESCAPED: u8 = 2;

/// A cookie value, stored compactly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CompactCookie(Box<[u8]>);

impl CompactCookie {
    /// Keeps `value`.
    pub fn new(value: &str) -> Self {
        CompactCookie(compact(value).into_boxed_slice())
    }

    /// The value exactly as the server set it.
    pub fn text(&self) -> Cow<'_, str> {
        match self.0.split_first() {
            Some((&BASE64, bytes)) => Cow::Owned(STANDARD.encode(bytes)),
            Some((&BASE64_ESCAPED, bytes)) => Cow::Owned(escape(&STANDARD.encode(bytes))),
            Some((_, text)) => String::from_utf8_lossy(text),
            None => Cow::Borrowed(""),
        }
    }

    /// Replaces the value; in place when the stored form has the same length (the usual case:
    /// a backend's cookies have one length), so that a long run does not fragment the heap.
    pub fn set(&mut self, value: &str) {
        let stored = compact(value);
        if stored.len() == self.0.len() {
            self.0.copy_from_slice(&stored);
        } else {
            self.0 = stored.into_boxed_slice();
        }
    }

    /// Bytes kept on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.0.len()
    }
}

/// The stored form: base64 decoded when it encodes back to the very same text.
fn compact(value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + value.len());
    let unescaped = value.replace("%2F", "/").replace("%3D", "=");
    let (form, base64) = if unescaped.len() == value.len() {
        (BASE64, value)
    } else {
        (BASE64_ESCAPED, unescaped.as_str())
    };
    match STANDARD.decode(base64) {
        Ok(bytes) if !bytes.is_empty() && decoded_text(form, &bytes) == value => {
            out.push(form);
            out.extend_from_slice(&bytes);
        }
        _ => {
            out.push(TEXT);
            out.extend_from_slice(value.as_bytes());
        }
    }
    out
}

/// The text a base64 form gives back.
fn decoded_text(form: u8, bytes: &[u8]) -> String {
    let text = STANDARD.encode(bytes);
    if form == BASE64_ESCAPED {
        escape(&text)
    } else {
        text
    }
}

/// `/` and `=` percent-encoded, as in a `Set-Cookie` of the cookie crate.
fn escape(base64: &str) -> String {
    base64.replace('/', "%2F").replace('=', "%3D")
}

#[cfg(test)]
mod tests {
    use super::CompactCookie;

    #[test]
    fn every_value_comes_back_exactly() {
        let values = [
            // A private cookie's shape: standard base64 with padding.
            "q83vEjRWeJCrze8SNFZ4kA+/q83vEjRWeJCrze8SNFZ4kA==",
            // The same as actix-session sends it, `/` and `=` percent-encoded.
            "q83vEjRWeJCrze8SNFZ4kA+%2Fq83vEjRWeJCrze8SNFZ4kA%3D%3D",
            // Escapes in lower case, or of other characters, are kept as text.
            "q83vEjRWeJCrze8SNFZ4kA+%2fq83vEjRWeJCrze8SNFZ4kA%3d%3d",
            "q83vEjRWeJCrze8SNFZ4kA+%2Fq83vEjRWeJCrze8SNFZ4kA==",
            // A signed cookie: base64 MAC then the raw value (not base64 as a whole).
            "dGhpcyBpcyBhIG1hYw==SESSIONKEY0123456789abcdef",
            // Base64 that decodes but would not encode back the same (no padding).
            "YWJj ZA",
            "YWJjZA",
            // A tower-sessions id (base64url, no padding) and plain text.
            "8dj1kZq-Xb2_aHAGzC0w1Q",
            "hello world",
            "é",
            "",
        ];
        for value in values {
            assert_eq!(CompactCookie::new(value).text(), value, "{value:?}");
        }
    }

    #[test]
    fn base64_is_kept_as_its_bytes() {
        let value = "q83vEjRWeJCrze8SNFZ4kA+/q83vEjRWeJCrze8SNFZ4kA==";
        // 34 bytes encoded in 48 characters, and the byte that says how.
        assert_eq!(CompactCookie::new(value).heap_bytes(), 35);
        let escaped = "q83vEjRWeJCrze8SNFZ4kA+%2Fq83vEjRWeJCrze8SNFZ4kA%3D%3D";
        assert_eq!(CompactCookie::new(escaped).heap_bytes(), 35);
    }

    #[test]
    fn a_new_value_replaces_the_old_whatever_its_length() {
        let mut cookie = CompactCookie::new("AAAA");
        cookie.set("BBBB");
        assert_eq!(cookie.text(), "BBBB");
        cookie.set("not base64 at all");
        assert_eq!(cookie.text(), "not base64 at all");
        cookie.set("AAAA");
        assert_eq!(cookie.text(), "AAAA");
    }
}

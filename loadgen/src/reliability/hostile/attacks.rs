//! The hostile requests: what each kind sends, and which sessions' data its answer may carry.
//!
//! Every probe knows the real sessions whose authentic cookie it contains (its `owners`). A
//! correct server answers it with one of those sessions' data or with none; data of any other
//! session is a violation, whatever the status. Whether a changed cookie is still authentic is
//! decided by opening it with the server's key, not assumed: `%3D` changed to `%3d` is the same
//! cookie.

use std::collections::HashMap;

use actix_web::cookie::Key;
use rand::{rngs::SmallRng, Rng};
use serde::Serialize;

use crate::{
    reliability::wire,
    server::cookies::{self, Security, NAME},
};
/// Length of the base64 HMAC the cookie crate puts in front of a signed value.
const SIGNATURE_LEN: usize = 44;
/// Length of the base64 of an encrypted cookie's 16-byte authentication tag, at its end (with
/// the `%3D` of its padding, percent-encoded).
const TAG_LEN: usize = 24;
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The kinds of hostile request, with how often each is sent (weights out of 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// Random printable bytes, `;`, `=`, quotes and spaces, with or without an `id=`.
    Garbage,
    /// A real cookie with one character of its signature (signed) or authentication tag
    /// (private) changed.
    TamperedSignature,
    /// A real cookie with one character of its session key (signed) or ciphertext (private)
    /// changed, the signature or tag left as it was.
    KeyOneCharChanged,
    /// A real session key with one character changed, then sealed with the server's own key:
    /// the cookie is authentic, so the store itself must find nothing under the key.
    KeyOneCharChangedResealed,
    /// A real cookie beside a 4–8 KB cookie.
    Over4K,
    /// A real cookie beside a 64–80 KB cookie.
    Over64K,
    /// Bytes 0x80–0xFF in the cookie header, around or inside a real cookie.
    NonUtf8,
    /// NUL, other control bytes, DEL, a bare CR or LF in the cookie header.
    ControlBytes,
    /// 1,000–4,000 cookies in one header, a real one among them.
    ThousandsOfCookies,
    /// Two real sessions' cookies in one header.
    TwoSessionCookies,
    /// A real cookie with its name's case changed (`ID=`, `Id=`).
    WrongNameCase,
}

impl Attack {
    pub const ALL: [(Attack, u32); 11] = [
        (Attack::Garbage, 12),
        (Attack::TamperedSignature, 12),
        (Attack::KeyOneCharChanged, 12),
        (Attack::KeyOneCharChangedResealed, 14),
        (Attack::Over4K, 8),
        (Attack::Over64K, 2),
        (Attack::NonUtf8, 10),
        (Attack::ControlBytes, 10),
        (Attack::ThousandsOfCookies, 3),
        (Attack::TwoSessionCookies, 9),
        (Attack::WrongNameCase, 8),
    ];

    fn pick(rng: &mut SmallRng) -> Attack {
        let total: u32 = Self::ALL.iter().map(|(_, w)| w).sum();
        let mut roll = rng.random_range(0..total);
        for (attack, weight) in Self::ALL {
            if roll < weight {
                return attack;
            }
            roll -= weight;
        }
        Attack::Garbage
    }
}

/// One hostile request and the real sessions whose cookie it carries intact.
pub struct Probe {
    pub attack: Attack,
    pub request: Vec<u8>,
    pub owners: Vec<usize>,
}

impl Probe {
    /// Whether the server may read this request as two (a bare CR or LF ends its head early and
    /// the rest reads as another request), so its connection must not carry the next probe.
    pub fn may_split(&self) -> bool {
        self.attack == Attack::ControlBytes
    }
}

/// The real sessions the probes are made from, and the server's cookie key.
pub struct Material {
    /// Each real session's cookie value, as the server set it.
    cookies: Vec<String>,
    /// Each real session's key, the session's index by key.
    keys: Vec<String>,
    index: HashMap<String, usize>,
    key: Key,
    security: Security,
}

impl Material {
    /// Fails if a cookie the server set does not open with its key (the test would then be
    /// testing nothing).
    pub fn new(cookies: Vec<String>, key: Key, security: Security) -> anyhow::Result<Self> {
        let keys = cookies
            .iter()
            .map(|c| cookies::session_key(c, &key, security))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| anyhow::anyhow!("a cookie the server set does not open with its key"))?;
        let index = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        Ok(Self {
            cookies,
            keys,
            index,
            key,
            security,
        })
    }

    /// The real session keys (to search the server's log for).
    pub fn session_keys(&self) -> &[String] {
        &self.keys
    }

    /// The real session a cookie value opens to, if any.
    fn owner_of(&self, value: &[u8]) -> Vec<usize> {
        std::str::from_utf8(value)
            .ok()
            .and_then(|v| cookies::session_key(v, &self.key, self.security))
            .and_then(|k| self.index.get(&k).copied())
            .into_iter()
            .collect()
    }

    /// A random probe.
    pub fn probe(&self, rng: &mut SmallRng) -> Probe {
        let attack = Attack::pick(rng);
        let i = rng.random_range(0..self.cookies.len());
        let real = self.cookies[i].as_bytes();
        let cookie = |value: &[u8]| [NAME.as_bytes(), b"=", value].concat();
        let (headers, owners): (Vec<Vec<u8>>, Vec<usize>) = match attack {
            Attack::Garbage => {
                let junk = garbage(rng, 0..300);
                let value = if rng.random_bool(0.5) {
                    cookie(&junk)
                } else {
                    junk
                };
                (vec![value], vec![])
            }
            Attack::TamperedSignature | Attack::KeyOneCharChanged => {
                let (signature, rest) = match self.security {
                    Security::Signed => (0..SIGNATURE_LEN, SIGNATURE_LEN..real.len()),
                    Security::Private => {
                        let tag = real.len().saturating_sub(TAG_LEN);
                        (tag..real.len(), 0..tag)
                    }
                };
                let range = if attack == Attack::TamperedSignature {
                    signature
                } else {
                    rest
                };
                let changed = change_one(rng, real, range, BASE64);
                let owners = self.owner_of(&changed);
                (vec![cookie(&changed)], owners)
            }
            Attack::KeyOneCharChangedResealed => {
                let changed = change_one(
                    rng,
                    self.keys[i].as_bytes(),
                    0..self.keys[i].len(),
                    ALPHANUMERIC,
                );
                let forged =
                    cookies::seal(&String::from_utf8_lossy(&changed), &self.key, self.security);
                let owners = self.owner_of(forged.as_bytes());
                (vec![cookie(forged.as_bytes())], owners)
            }
            Attack::Over4K => {
                let pad = vec![b'x'; rng.random_range(4_097..8_192)];
                (
                    vec![[cookie(real), b"; pad=".to_vec(), pad].concat()],
                    vec![i],
                )
            }
            Attack::Over64K => {
                let pad = vec![b'y'; rng.random_range(65_537..81_920)];
                (
                    vec![[b"pad=".to_vec(), pad, b"; ".to_vec(), cookie(real)].concat()],
                    vec![i],
                )
            }
            Attack::NonUtf8 => {
                let high: Vec<u8> = (0..rng.random_range(1..40))
                    .map(|_| rng.random_range(0x80..=0xFF))
                    .collect();
                if rng.random_bool(0.5) {
                    // Inside the value: the cookie is no longer the real one.
                    let at = rng.random_range(0..=real.len());
                    let value = [&real[..at], &high[..], &real[at..]].concat();
                    let owners = self.owner_of(&value);
                    (vec![cookie(&value)], owners)
                } else {
                    let header = [b"x=".to_vec(), high, b"; ".to_vec(), cookie(real)].concat();
                    (vec![header], vec![i])
                }
            }
            Attack::ControlBytes => {
                let bad = [0x00u8, 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x7F, b'\r', b'\n'];
                let mut value = cookie(real);
                let at = rng.random_range(0..=value.len());
                value.insert(at, bad[rng.random_range(0..bad.len())]);
                // Inside the value, the changed value decides; before it, the name is broken.
                let owners = match value.strip_prefix(b"id=") {
                    Some(inner) if at >= 3 => self.owner_of(inner),
                    _ => vec![],
                };
                (vec![value], owners)
            }
            Attack::ThousandsOfCookies => {
                let n = rng.random_range(1_000..4_000);
                let at = rng.random_range(0..n);
                let mut header = Vec::with_capacity(n * 12);
                for k in 0..n {
                    if k == at {
                        header.extend_from_slice(&cookie(real));
                    } else {
                        header.extend_from_slice(format!("c{k}=v{k}").as_bytes());
                    }
                    header.extend_from_slice(b"; ");
                }
                (vec![header], vec![i])
            }
            Attack::TwoSessionCookies => {
                let j = rng.random_range(0..self.cookies.len());
                let other = self.cookies[j].as_bytes();
                let header = [cookie(real), b"; ".to_vec(), cookie(other)].concat();
                (vec![header], vec![i, j])
            }
            Attack::WrongNameCase => {
                let name: &[u8] = if rng.random_bool(0.5) { b"ID=" } else { b"Id=" };
                (vec![[name, real].concat()], vec![])
            }
        };
        // Reads most of the time; an increment with no intact cookie exercises the write path.
        let method = if owners.is_empty() && rng.random_bool(0.3) {
            "POST"
        } else {
            "GET"
        };
        Probe {
            attack,
            request: wire::request(method, "/counter", &headers),
            owners,
        }
    }
}

/// `value` with one byte in `range` replaced by a different one from `alphabet`.
fn change_one(
    rng: &mut SmallRng,
    value: &[u8],
    range: std::ops::Range<usize>,
    alphabet: &[u8],
) -> Vec<u8> {
    let mut out = value.to_vec();
    if range.is_empty() || range.end > out.len() {
        out.push(b'!');
        return out;
    }
    let at = rng.random_range(range);
    let mut with = alphabet[rng.random_range(0..alphabet.len())];
    while with == out[at] {
        with = alphabet[rng.random_range(0..alphabet.len())];
    }
    out[at] = with;
    out
}

/// Printable junk with the separators a cookie parser must survive.
fn garbage(rng: &mut SmallRng, length: std::ops::Range<usize>) -> Vec<u8> {
    const SET: &[u8] = b"abcXYZ019=;=; \"\\,%$+/-_.~!'()*=;";
    (0..rng.random_range(length))
        .map(|_| SET[rng.random_range(0..SET.len())])
        .collect()
}

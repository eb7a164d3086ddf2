//! Harnesses for the stores this project certifies (feature `certified-stores`, on by default):
//! our sled store, actix-session's cookie and Redis stores. The reference in-memory store's
//! harness is [`crate::MemoryHarness`].

mod cookie;
mod redis;
mod sled;

pub use self::{
    cookie::CookieHarness,
    redis::{RedisHarness, REDIS_KNOWN_FINDINGS},
    sled::SledHarness,
};

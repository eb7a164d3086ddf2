//! A property-based conformance suite for web session stores: any actix-session
//! `SessionStore` (0.11, and 0.10 or 0.9 through [`compat`]) and any tower-sessions
//! `SessionStore` (0.15, and 0.14 through [`compat`]), at the store level and behind the
//! ecosystem's middleware on a real server.
//!
//! actix-session's own store tests are private to that crate, so a store author has had nothing
//! to run. This crate is that suite. A verdict means something only if the properties produce
//! the situations real bugs need, and never fail on what actix-session cannot produce, so:
//! - every property drives the store as the middleware does: states are field names mapped to
//!   JSON text, keys arrive from visible-ASCII cookies, the store is cloned once per actix
//!   worker and many requests' futures run interleaved on one thread;
//! - inputs beyond that (a NUL in a key) are probed and reported as [`Advisory`]s, not failures;
//! - every failure names the broken promise ([`Violation`]), the store's error with all its
//!   causes, and for generated cases the smallest input that still fails.
//!
//! # The properties
//! | property | what must hold |
//! |---|---|
//! | `model_based` | random sequences of every operation, spread over three clones of the store, with clock moves, real waits or sweeps, agree with a reference model; shrinks to a few steps |
//! | `lifecycle` | each clause of the contract, every run: update / update_ttl / delete of live, deleted and never-issued keys |
//! | `expiry` | live one resolution before the TTL, gone at it, for TTLs from 1 s to 30 years set by save, update or update_ttl; an expired session stays dead whatever touches it; a sweep removes exactly the expired |
//! | `ttl_edges` | zero, negative and huge TTLs: no panic, no overflow; zero or less means expired |
//! | `state_round_trip` | states as the middleware makes them come back exactly through save and update |
//! | `size_limits` | the declared limit holds in bytes, at and one byte over it, for save and update, in ASCII and 2-, 3-, 4-byte UTF-8 |
//! | `keys` | 100,000 fresh keys are distinct, well-formed and evenly spread; never-issued and near-miss keys load nothing |
//! | `capacity` | after 100,000 live sessions are saved, every one loads with its own state |
//! | `interleaving` | 64 sessions' futures on one thread, a load right after every write: nothing lost, delayed or re-applied |
//! | `races` | update racing update_ttl keeps the update's state; update racing delete leaves the key dead; every interleaving of the store's `.await`s, then on two threads |
//! | `concurrency` | threads on distinct sessions lose nothing; racing updates of one session never mix |
//! | `damaged_records` | a damaged record loads as nothing, never a panic, a 500 or another session; its owner starts afresh |
//! | `http_workflow` | behind the middleware on two workers, each with its own clone: actix-session's acceptance scenarios (login, guard, changes, renew, logout, cookie attributes, both TTL policies, Signed and Private), each session moving between workers, plus tampered cookies and an oversized state |
//! | `http_expiry` | behind the middleware: an expired session starts fresh on either worker |
//! | `http_session_update` | behind the middleware: a change made only with `Session::update` is saved |
//!
//! A property that needs a promise or a control the store lacks is "not applicable", with the
//! reason, never passed silently.
//!
//! # Certify your store in five minutes
//! 1. Add the suite as a dev-dependency:
//!    `session-store-conformance = "0.1"` (with feature `actix-session-0_10` or
//!    `actix-session-0_9` if your store is built on that release; see [`compat`]).
//! 2. Write a [`Harness`] in `tests/conformance.rs`: how to make a fresh, empty store, what it
//!    promises ([`Capabilities`]), and the controls you can give the suite (a clock it can move,
//!    a sweep, a hook that damages a record, a teardown). If a load binary will share it
//!    (`session-store-loadgen`'s `main_with`), put it in your library or a `publish = false`
//!    crate instead: a binary cannot see a test's dev-dependencies.
//! 3. `session_store_conformance::conformance_tests!(YourHarness::new());` makes one `#[test]`
//!    per property. A store that needs a server uses the `server` form with a harness that
//!    starts it ([`fixtures`]): the tests then skip visibly when the server is missing, or
//!    fail when `CONFORMANCE_REQUIRE` names it.
//! 4. `cargo test`. Every verdict but a plain pass prints one line on the terminal, without
//!    `--nocapture`: "not applicable" with the reason, a known finding with its id, an
//!    advisory, a skip. A failure says which promise broke, in which phase, and how. A bug you
//!    cannot fix today (one in a dependency, say) becomes a [`KnownFinding`]: printed on every
//!    run, excusing only that failure, and failing the test once it stops reproducing.
//! 5. `CONFORMANCE_REPORT=target/conformance cargo test` also writes the certification report,
//!    `conformance.md` and `conformance.json` in that directory ([`matrix`]), for your README.
//!
//! The worked example is a harness for `actix-session-sqlx-postgres` (a published store on
//! actix-session 0.10, used as published): a schema per fresh store on a PostgreSQL server the
//! harness starts (or the one `CONFORMANCE_POSTGRES_URL` names), the store built from a pool
//! whose connections use that schema, a damage hook that rewrites a row, and a teardown that
//! drops the schema. About forty lines:
//!
//! ```no_run
//! use std::sync::{atomic::{AtomicU64, Ordering}, Arc};
//!
//! use actix_session_sqlx_postgres::SqlxPostgresqlSessionStore;
//! use session_store_conformance::{
//!     compat::V0_10, fixtures::{self, Backend, Unavailable}, Capabilities, Damage, Harness,
//!     KnownFinding, Property, Subject, Violation,
//! };
//! use sqlx::{postgres::{PgConnectOptions, PgPoolOptions}, Connection as _, PgConnection};
//!
//! struct PostgresHarness { backend: Backend, next: AtomicU64 }
//!
//! impl PostgresHarness {
//!     fn start() -> Result<Self, Unavailable> {
//!         Ok(Self { backend: fixtures::postgres()?, next: AtomicU64::new(0) })
//!     }
//! }
//!
//! impl Harness for PostgresHarness {
//!     type Store = V0_10<SqlxPostgresqlSessionStore>; // a 0.10 store, certified as 0.11
//!
//!     fn name(&self) -> String { "postgres".into() }
//!
//!     fn capabilities(&self) -> Capabilities {
//!         // The defaults: invalidates, enforces TTLs, keeps keys, actix's key generator, the
//!         // real clock, TTLs in whole seconds, no size limit.
//!         Capabilities::default()
//!     }
//!
//!     async fn fresh(&self) -> anyhow::Result<Subject<Self::Store>> {
//!         let n = self.next.fetch_add(1, Ordering::SeqCst);
//!         let schema = format!("p{}_case{n}", std::process::id());
//!         let options: PgConnectOptions = self.backend.url().parse()?;
//!         let mut admin = PgConnection::connect_with(&options).await?;
//!         sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut admin).await?;
//!         sqlx::query(&format!(
//!             "CREATE TABLE {schema}.sessions (key TEXT PRIMARY KEY NOT NULL, \
//!              session_state JSONB, expires TIMESTAMP WITH TIME ZONE NOT NULL)"
//!         ))
//!         .execute(&mut admin)
//!         .await?;
//!         let pool = PgPoolOptions::new()
//!             .connect_lazy_with(options.options([("search_path", schema.as_str())]));
//!         let store = SqlxPostgresqlSessionStore::from_pool(Arc::new(pool.clone()));
//!         Ok(Subject::new(V0_10(store))
//!             .with_damage(move |key, how| {
//!                 let pool = pool.clone();
//!                 async move {
//!                     let value = match how {
//!                         Damage::Overwritten => "'\"not a session\"'::jsonb",
//!                         Damage::Truncated => "NULL",
//!                     };
//!                     let sql = format!("UPDATE sessions SET session_state = {value} WHERE key = $1");
//!                     sqlx::query(&sql).bind(key).execute(&pool).await?;
//!                     Ok(())
//!                 }
//!             })
//!             .with_teardown(move || async move {
//!                 let sql = format!("DROP SCHEMA {schema} CASCADE");
//!                 sqlx::query(&sql).execute(&mut admin).await?;
//!                 Ok(())
//!             }))
//!     }
//! }
//!
//! /// One of the findings this store has (all of them: `stores::POSTGRES_KNOWN_FINDINGS`).
//! const KNOWN: &[KnownFinding] = &[KnownFinding {
//!     id: "P1",
//!     property: Property::Lifecycle,
//!     violation: Violation::DeadKeyReturned,
//!     observed: "the write is lost",
//!     explanation: "`update` of a key with no row returns the key as if the state were saved",
//!     consequence: "a change racing a logout is answered as saved and silently lost",
//! }];
//!
//! session_store_conformance::conformance_tests!(
//!     server "postgres", PostgresHarness::start(), KNOWN
//! );
//! # fn main() {}
//! ```
//! The harness this project certifies the store with, with every finding, is
//! `stores::PostgresHarness` (feature `sqlx-postgres-store`); the findings are in
//! `results/conformance.md` of this project's repository.
//!
//! # What the suite needs from a harness
//! - [`Harness::fresh`]: an empty store, each time; see its docs for how often and from where it
//!   is called. Stores may share a backend as long as each fresh one starts empty (a key prefix,
//!   a schema, a temp dir).
//! - [`Capabilities::clock`]: [`Clock::Controlled`] if you can move your store's time (then the
//!   suite checks expiry to the millisecond and TTLs of decades), else [`Clock::Real`] (the
//!   suite waits out TTLs of a resolution or two, a few seconds per property in all).
//! - Optional controls on the [`Subject`]: [`Subject::with_sweep`],
//!   [`Subject::with_damage`], [`Subject::with_teardown`].
//! - [`Harness::config`]: the cost knobs ([`SuiteConfig`]) for a store that is slow per call.
//!   Against a real PostgreSQL on loopback the whole suite takes a few minutes with the defaults.
//!
//! # tower-sessions
//! The same properties certify a tower-sessions store (feature `tower`; with
//! `default-features = false` nothing of actix-session is compiled): wrap it in `Tower`
//! (its docs state the tower contract), declare [`Capabilities::tower`], and use the same
//! `conformance_tests!`. The HTTP properties then run behind tower-sessions'
//! `SessionManagerLayer` on two axum servers. A store on tower-sessions 0.14 goes through
//! `compat::V0_14` (feature `tower-sessions-0_14`).
//!
//! # Checking one property from code
//! [`check`] runs one property and returns a [`Report`]: the [`Outcome`], the known findings it
//! met, the advisories, the time taken; [`Report::verdict`] turns it into pass / known / fail.

pub mod compat;
#[cfg(target_os = "linux")]
pub mod fixtures;
pub mod matrix;
pub mod stores;

mod certify;
mod check;
mod clock;
mod config;
mod failure;
mod front;
mod generate;
mod harness;
mod known;
#[cfg(feature = "actix")]
mod memory;
mod model;
mod ops;
mod properties;

pub use certify::{assert_property, assert_property_on_server};
pub use check::{check, Advisory, Observed, Outcome, Report, Verdict};
#[cfg(feature = "tower")]
pub use front::Tower;
pub use front::{ActixFront, Ecosystem, TowerFront};

/// The engine's types that [`Ecosystem`]'s hidden methods name: not part of the API.
#[doc(hidden)]
pub mod engine {
    pub use crate::{
        check::Ctx,
        front::{Contract, HttpScenario, Seen},
    };
}
pub use clock::ManualClock;
pub use config::SuiteConfig;
pub use failure::{causes, Failure, Violation};
pub use harness::{
    Capabilities, Clock, Damage, Harness, KeyShape, LocalFuture, Measure, StateLimit, Subject,
};
pub use known::{KnownFinding, MIDDLEWARE_KNOWN_FINDINGS};
#[cfg(feature = "actix")]
pub use memory::{memory_capabilities, MemoryHarness, MemoryStore, MEMORY_MAX_STATE_BYTES};
pub use model::State;
pub use properties::Property;

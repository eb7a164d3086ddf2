//! One example server per ecosystem, chosen by the store's type: an actix-session store is
//! served by actix-web behind `SessionMiddleware`, a tower-sessions store (the suite's `Tower`)
//! by axum behind `SessionManagerLayer`. [`Served`] is what `serve` and `main_with` ask of a
//! harness's store; it holds for every store of either ecosystem.
//!
//! The choice goes through the suite's `Ecosystem::Front` marker: a blanket impl per ecosystem
//! would overlap (coherence cannot rule out that `Tower<S>` is an actix-session store).

use actix_session::storage::SessionStore as ActixStore;
use session_store_conformance::{ActixFront, Ecosystem, Harness, Tower, TowerFront};
use tower_sessions_core::SessionStore as TowerStore;

use super::{actix_app, builtin::EcosystemChoice, tower_app, ServeOptions};

/// A store the example server can serve: any actix-session store, any tower-sessions store.
pub trait Served: Ecosystem {
    /// Which ecosystem the store belongs to.
    const ECOSYSTEM: EcosystemChoice;

    /// Serves a fresh store of the harness `open` makes until the server is stopped (SIGTERM,
    /// SIGINT), then tears the store down. Blocks; runs the ecosystem's own runtime.
    fn serve<H: Harness<Store = Self>>(
        open: impl FnOnce() -> anyhow::Result<H>,
        options: ServeOptions,
    ) -> anyhow::Result<()>;
}

impl<S: Ecosystem> Served for S
where
    S::Front: FrontServer<S>,
{
    const ECOSYSTEM: EcosystemChoice = S::Front::ECOSYSTEM;

    fn serve<H: Harness<Store = Self>>(
        open: impl FnOnce() -> anyhow::Result<H>,
        options: ServeOptions,
    ) -> anyhow::Result<()> {
        S::Front::serve(open, options)
    }
}

/// The example server of one front (implemented by the suite's front markers).
pub trait FrontServer<S: Ecosystem> {
    const ECOSYSTEM: EcosystemChoice;

    fn serve<H: Harness<Store = S>>(
        open: impl FnOnce() -> anyhow::Result<H>,
        options: ServeOptions,
    ) -> anyhow::Result<()>;
}

/// The line the load generator waits for (see [`super::child`]).
fn announce(bound: &str, harness: &impl Harness) {
    println!(
        "listening on {bound} invalidates={} store={}",
        harness.capabilities().invalidates,
        harness.name()
    );
}

impl<S: ActixStore + Ecosystem> FrontServer<S> for ActixFront {
    const ECOSYSTEM: EcosystemChoice = EcosystemChoice::Actix;

    fn serve<H: Harness<Store = S>>(
        open: impl FnOnce() -> anyhow::Result<H>,
        options: ServeOptions,
    ) -> anyhow::Result<()> {
        actix_web::rt::System::new().block_on(async move {
            let harness = open()?;
            let subject = harness.fresh().await?;
            let handle = subject.handles();
            let ServeOptions {
                addr,
                workers,
                key,
                security,
            } = options;
            let server =
                actix_web::HttpServer::new(move || actix_app::app(handle(), key.clone(), security))
                    .workers(workers)
                    .bind(&addr)?;
            let bound = server
                .addrs()
                .first()
                .map_or_else(|| addr.clone(), ToString::to_string);
            announce(&bound, &harness);
            let served = server.run().await;
            let torn_down = subject.tear_down().await;
            served?;
            torn_down
        })
    }
}

impl<S: TowerStore + Clone> FrontServer<Tower<S>> for TowerFront {
    const ECOSYSTEM: EcosystemChoice = EcosystemChoice::Tower;

    fn serve<H: Harness<Store = Tower<S>>>(
        open: impl FnOnce() -> anyhow::Result<H>,
        options: ServeOptions,
    ) -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(options.workers)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let harness = open()?;
            let subject = harness.fresh().await?;
            let store = subject.handles()().store().clone();
            // actix-web's key and tower-sessions' are the same 64 bytes in two `cookie` versions.
            let key = tower_sessions::cookie::Key::from(options.key.master());
            let listener = tokio::net::TcpListener::bind(&options.addr).await?;
            announce(&listener.local_addr()?.to_string(), &harness);
            let app = tower_app::app(store, key, options.security);
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(stopped())
                .await;
            let torn_down = subject.tear_down().await;
            served?;
            torn_down
        })
    }
}

/// SIGTERM or SIGINT, as actix-web stops on them.
async fn stopped() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        // Without signal handlers the server runs until it is killed.
        _ => std::future::pending().await,
    }
}

//! The three phases of a run: log every session in, load the server, check every session.

use std::{
    sync::{atomic::Ordering::Relaxed, Arc},
    time::{Duration, Instant},
};

use rand::{rngs::SmallRng, Rng, SeedableRng};
use tokio::task::JoinSet;

use super::{
    client::Target,
    mix::{Mix, Op},
    sessions::{share, share_len, user_name, ClientSession},
    stats::{Recorder, Shared, STOP},
};

/// Logs in every session of every worker's share; a failed login is retried once, then the
/// session is left out (and counted as an error).
pub async fn login(
    target: &Target,
    sessions: u64,
    workers: u64,
    shared: &Arc<Shared>,
) -> (Vec<Vec<ClientSession>>, Recorder) {
    let mut tasks = JoinSet::new();
    for worker in 0..workers {
        let target = target.clone();
        let shared = shared.clone();
        tasks.spawn(async move {
            let mut recorder = Recorder::new(shared);
            let mut conn = target.connect();
            let mut mine = Vec::with_capacity(share_len(sessions, workers, worker));
            for index in share(sessions, workers, worker) {
                // The command line caps sessions at 10,000,000, so every index fits.
                let Ok(index) = u32::try_from(index) else {
                    break;
                };
                let user = user_name(index);
                let mut attempt = conn.login(&user, &mut recorder, Instant::now()).await;
                if attempt.is_err() {
                    attempt = conn.login(&user, &mut recorder, Instant::now()).await;
                }
                match attempt {
                    Ok(cookie) => mine.push(ClientSession::new(index, &cookie)),
                    Err(failed) => recorder.failure(failed),
                }
            }
            (worker, mine, recorder)
        });
    }
    collect(tasks, shared).await
}

/// What a load worker does until the phase is `STOP`.
pub struct Load {
    pub mix: Mix,
    /// Open loop: time between this worker's intended request starts.
    pub interval: Option<Duration>,
}

/// One worker of the measured phase over its own sessions.
pub async fn work(
    target: Target,
    load: Arc<Load>,
    mut sessions: Vec<ClientSession>,
    shared: Arc<Shared>,
    seed: u64,
) -> (Vec<ClientSession>, Recorder) {
    let mut recorder = Recorder::new(shared.clone());
    let mut conn = target.connect();
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut next = Instant::now();
    while shared.phase.load(Relaxed) != STOP && !sessions.is_empty() {
        let intended = match load.interval {
            Some(interval) => {
                tokio::time::sleep_until(next.into()).await;
                let intended = next;
                next += interval;
                intended
            }
            None => Instant::now(),
        };
        let index = rng.random_range(0..sessions.len());
        let session = &mut sessions[index];
        let result = match load.mix.pick(rng.random_range(0..100)) {
            Op::Read => conn.read(session, &mut recorder, intended).await,
            Op::Increment => conn.increment(session, &mut recorder, intended).await,
            Op::Renew => conn.renew(session, &mut recorder, intended).await,
            Op::Relogin => conn.relogin(session, &mut recorder, intended).await,
        };
        if let Err(failed) = result {
            recorder.failure(failed);
        }
    }
    (sessions, recorder)
}

/// Reads every session once more; returns those that hold exactly what the client expects.
pub async fn verify(
    target: &Target,
    shares: Vec<Vec<ClientSession>>,
    shared: &Arc<Shared>,
) -> (Vec<Vec<ClientSession>>, Recorder) {
    let mut tasks = JoinSet::new();
    for (worker, mut mine) in shares.into_iter().enumerate() {
        let target = target.clone();
        let shared = shared.clone();
        tasks.spawn(async move {
            let mut recorder = Recorder::new(shared);
            let mut conn = target.connect();
            // Checked in place, the failures then dropped: a second list would double the
            // client's memory at the very end of a 10,000,000-session run.
            let mut intact = Vec::with_capacity(mine.len());
            for session in &mut mine {
                match conn.read(session, &mut recorder, Instant::now()).await {
                    Ok(()) => intact.push(true),
                    Err(failed) => {
                        recorder.failure(failed);
                        intact.push(false);
                    }
                }
            }
            let mut verdicts = intact.into_iter();
            mine.retain(|_| verdicts.next().unwrap_or(false));
            (worker as u64, mine, recorder)
        });
    }
    collect(tasks, shared).await
}

/// How many of the sessions read back exactly (each share checked by its own task).
pub async fn count_intact(
    target: &Target,
    shares: Vec<Vec<ClientSession>>,
    shared: &Arc<Shared>,
) -> u64 {
    let (good, _) = verify(target, shares, shared).await;
    good.iter().map(Vec::len).sum::<usize>() as u64
}

/// Joins the tasks, keeping each worker's sessions in worker order.
async fn collect(
    mut tasks: JoinSet<(u64, Vec<ClientSession>, Recorder)>,
    shared: &Arc<Shared>,
) -> (Vec<Vec<ClientSession>>, Recorder) {
    let mut shares = Vec::new();
    let mut merged = Recorder::new(shared.clone());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((worker, sessions, recorder)) => {
                merged.merge(&recorder);
                shares.push((worker, sessions));
            }
            Err(e) => tracing::error!(%e, "a client task failed"),
        }
    }
    shares.sort_by_key(|(worker, _)| *worker);
    (shares.into_iter().map(|(_, s)| s).collect(), merged)
}

//! A quick, single-run measurement of the store beside raw sled, used to choose the state
//! encoding and the write protocol. The criterion suite in `benches/` is the careful version.
//!
//! ```text
//! cargo run --release -p actix-session-sled --example quick_measure [-- SESSIONS]
//! ```
//! Each figure is a mean over SESSIONS operations (default 100,000) on one thread unless it
//! says otherwise; every comparison is made in the same process, on the same data, back to back.

use std::{collections::HashMap, time::Instant};

use actix_session::storage::{generate_session_key, SessionStore};
use actix_session_sled::{ManualClock, SledSessionStore};
use actix_web::cookie::time::Duration as Ttl;
use sled::Transactional;

fn realistic_state(i: usize) -> HashMap<String, String> {
    HashMap::from([
        ("user_id".to_owned(), format!("\"{i}\"")),
        ("counter".to_owned(), "17".to_owned()),
        (
            "csrf".to_owned(),
            format!("\"{}\"", generate_session_key().as_ref()),
        ),
        ("role".to_owned(), "\"member\"".to_owned()),
    ])
}

fn per_op_us(start: Instant, ops: usize) -> f64 {
    start.elapsed().as_secs_f64() * 1e6 / ops as f64
}

fn encodings(n: usize) {
    let state = realistic_state(7);
    let json = serde_json::to_vec(&state).unwrap();
    let post = postcard::to_allocvec(&state).unwrap();
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(serde_json::to_vec(std::hint::black_box(&state)).unwrap());
    }
    let json_enc = per_op_us(t, n);
    let t = Instant::now();
    for _ in 0..n {
        let s: HashMap<String, String> =
            serde_json::from_slice(std::hint::black_box(&json)).unwrap();
        std::hint::black_box(s);
    }
    let json_dec = per_op_us(t, n);
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(postcard::to_allocvec(std::hint::black_box(&state)).unwrap());
    }
    let post_enc = per_op_us(t, n);
    let t = Instant::now();
    for _ in 0..n {
        let s: HashMap<String, String> = postcard::from_bytes(std::hint::black_box(&post)).unwrap();
        std::hint::black_box(s);
    }
    let post_dec = per_op_us(t, n);
    println!(
        "encoding  json:     {:>4} bytes  encode {json_enc:.3} us  decode {json_dec:.3} us",
        json.len()
    );
    println!(
        "encoding  postcard: {:>4} bytes  encode {post_enc:.3} us  decode {post_dec:.3} us",
        post.len()
    );
}

fn raw_sled(n: usize, keys: &[String], record: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let db = actix_session_sled::sled_config(dir.path()).open().unwrap();
    let t = Instant::now();
    for key in keys {
        db.insert(key.as_bytes(), record).unwrap();
    }
    let insert = per_op_us(t, n);
    let t = Instant::now();
    for key in keys {
        std::hint::black_box(db.get(key.as_bytes()).unwrap());
    }
    let get = per_op_us(t, n);
    let t = Instant::now();
    for key in keys {
        let bytes = db.get(key.as_bytes()).unwrap().unwrap();
        let s: HashMap<String, String> = postcard::from_bytes(&bytes[17..]).unwrap();
        std::hint::black_box(s);
    }
    let get_decode = per_op_us(t, n);
    println!("raw sled  insert {insert:.2} us   get {get:.2} us   get+decode {get_decode:.2} us");
}

async fn store_ops(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::starting_now();
    let db = actix_session_sled::sled_config(dir.path()).open().unwrap();
    let store = SledSessionStore::builder(db)
        .clock(clock.clone())
        .build()
        .unwrap();
    let day = Ttl::days(1);
    let states: Vec<_> = (0..n).map(realistic_state).collect();
    let t = Instant::now();
    let mut keys = Vec::with_capacity(n);
    for state in &states {
        keys.push(store.save(state.clone(), &day).await.unwrap());
    }
    let save = per_op_us(t, n);
    let t = Instant::now();
    for key in &keys {
        std::hint::black_box(store.load(key).await.unwrap());
    }
    let load = per_op_us(t, n);
    let t = Instant::now();
    for (key, state) in keys.iter().zip(&states) {
        let same: actix_session::storage::SessionKey = key.as_ref().to_owned().try_into().unwrap();
        store.update(same, state.clone(), &day).await.unwrap();
    }
    let update = per_op_us(t, n);
    println!(
        "store     save {save:.2} us   load {load:.2} us   update {update:.2} us   ({n} live)"
    );

    let expired = n / 10;
    for state in states.iter().take(expired) {
        store.save(state.clone(), &Ttl::seconds(1)).await.unwrap();
    }
    clock.advance(std::time::Duration::from_secs(2));
    let t = Instant::now();
    let removed = store.sweep_expired().unwrap();
    let sweep = per_op_us(t, removed);
    assert_eq!(removed, expired);
    println!(
        "store     sweep {sweep:.2} us per expired session ({removed} expired among {n} live)"
    );
}

/// The two crash-safe write protocols for "record + index entry", on `threads` threads.
fn write_protocols(n: usize, threads: usize, transactional: bool) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let db = actix_session_sled::sled_config(dir.path()).open().unwrap();
    let data = db.open_tree("data").unwrap();
    let index = db.open_tree("index").unwrap();
    let record = vec![1u8; 120];
    let per_thread = n / threads;
    let t = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for i in 0..per_thread {
                    let key = generate_session_key();
                    let mut entry = (i as u64).to_be_bytes().to_vec();
                    entry.extend_from_slice(key.as_ref().as_bytes());
                    if transactional {
                        (&data, &index)
                            .transaction(|(d, x)| {
                                x.insert(entry.as_slice(), &[])?;
                                d.insert(key.as_ref().as_bytes(), record.as_slice())?;
                                Ok::<_, sled::transaction::ConflictableTransactionError<()>>(())
                            })
                            .unwrap();
                    } else {
                        index.insert(&entry, &[]).unwrap();
                        data.compare_and_swap(
                            key.as_ref().as_bytes(),
                            None::<&[u8]>,
                            Some(record.as_slice()),
                        )
                        .unwrap()
                        .unwrap();
                    }
                }
            });
        }
    });
    (per_thread * threads) as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    println!(
        "quick_measure: {n} sessions, release={}",
        !cfg!(debug_assertions)
    );
    encodings(n);
    let keys: Vec<String> = (0..n).map(|_| generate_session_key().into()).collect();
    let record = {
        let mut r = vec![1u8; 17];
        r.extend(postcard::to_allocvec(&realistic_state(7)).unwrap());
        r
    };
    raw_sled(n, &keys, &record);
    actix_rt::System::new().block_on(store_ops(n));
    // Plain operations first: sled switches every later operation in the process onto its global
    // lock after the first transaction, so the order of these lines matters.
    for threads in [1, 2] {
        let plain = write_protocols(n, threads, false);
        println!("write protocol, {threads} thread(s): ordered writes {plain:.0} saves/s");
    }
    for threads in [1, 2] {
        let tx = write_protocols(n, threads, true);
        println!("write protocol, {threads} thread(s): transaction    {tx:.0} saves/s");
    }
    let after = write_protocols(n, 2, false);
    println!("write protocol, 2 thread(s): ordered writes {after:.0} saves/s (after a transaction ran in this process)");
}

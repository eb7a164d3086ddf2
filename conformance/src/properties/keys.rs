//! Fresh keys are distinct and look random; keys the store never issued load nothing, never
//! another session. Keys a cookie cannot carry (NUL, non-ASCII) are probed as advisories.

use std::collections::{HashMap, HashSet};

use super::call::{self, Seen};
use crate::{
    check::Ctx,
    failure::{Failure, Violation},
    generate::reachable_key,
    harness::{Harness, KeyShape},
    Outcome, State,
};

pub(super) fn check<H: Harness>(ctx: &Ctx<'_, H>) -> Outcome {
    // Where the middleware draws keys (tower-sessions), their shape and spread are not the
    // store's; it must still keep them apart and load nothing for keys it never saw.
    let draws = ctx.contract().store_draws_keys;
    let shape = ctx.caps.key_shape.clone().filter(|_| draws);
    let opaque = shape.is_some() || !draws;
    let count = ctx.config.keys;
    let result = ctx.with_store(async |subject| {
        let store = &subject.store;
        let mut keys = Vec::with_capacity(count);
        for i in 0..count {
            let state = State::from([("i".to_owned(), i.to_string())]);
            keys.push(
                call::save(store, state, call::secs(86_400))
                    .await
                    .map_err(|f| f.at(format_args!("drawing {count} fresh keys: save #{i}")))?,
            );
        }
        let distinct: HashSet<&str> = keys.iter().map(String::as_str).collect();
        if distinct.len() != keys.len() {
            return Err(Failure::new(
                Violation::WeakKeys,
                format!(
                    "{count} fresh keys: {} of them were issued before",
                    keys.len() - distinct.len()
                ),
            ));
        }
        if let Some(shape) = &shape {
            check_shape(&keys, shape)
                .map_err(|f| f.at(format_args!("the shape of {count} fresh keys")))?;
        }
        check_bogus_keys(ctx, store, &keys, opaque)
            .await
            .map_err(|f| f.at("keys the store never issued"))
    });
    match result {
        Ok(()) => Outcome::Pass { cases: 1 },
        Err(failure) if ctx.excused(&failure) => Outcome::Pass { cases: 1 },
        Err(failure) => Outcome::Fail(failure),
    }
}

/// Length, alphabet, and two cheap signs of a predictable generator: characters used unevenly,
/// and consecutive keys that share a long prefix.
fn check_shape(keys: &[String], shape: &KeyShape) -> Result<(), Failure> {
    let weak = |detail: String| Failure::new(Violation::WeakKeys, detail);
    let mut counts: HashMap<char, usize> = HashMap::new();
    for key in keys {
        if key.len() != shape.len {
            return Err(weak(format!(
                "a key is {} bytes long, expected {}",
                key.len(),
                shape.len
            )));
        }
        for c in key.chars() {
            if !shape.alphabet.contains(c) {
                return Err(weak(format!(
                    "a key contains {c:?}, outside the alphabet {:?}",
                    shape.alphabet
                )));
            }
            *counts.entry(c).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    let symbols = shape.alphabet.chars().count();
    if keys.len() * shape.len >= 100 * symbols {
        let expected = total as f64 / symbols as f64;
        for c in shape.alphabet.chars() {
            let seen = counts.get(&c).copied().unwrap_or(0) as f64;
            if (seen - expected).abs() > 0.2 * expected + 5.0 * expected.sqrt() {
                return Err(weak(format!(
                    "keys use {c:?} {seen} times, expected about {expected:.0}: the generator is not uniform"
                )));
            }
        }
    }
    for pair in keys.windows(2) {
        let shared = pair[0]
            .chars()
            .zip(pair[1].chars())
            .take_while(|(a, b)| a == b)
            .count();
        if shared >= 8 {
            return Err(weak(format!(
                "consecutive keys share a {shared}-character prefix: the generator is predictable"
            )));
        }
    }
    Ok(())
}

/// Keys the store never issued, some of them near misses of real ones.
async fn check_bogus_keys<H: Harness>(
    ctx: &Ctx<'_, H>,
    store: &H::Store,
    keys: &[String],
    opaque: bool,
) -> Result<(), Failure> {
    let mut bogus = vec![
        ("an empty key".to_owned(), String::new()),
        ("a key of 4064 bytes".to_owned(), "a".repeat(4064)),
        ("a key with a NUL byte".to_owned(), "key\u{0}nul".to_owned()),
        ("a non-ASCII key".to_owned(), "ключ-🔑-\u{202e}".to_owned()),
    ];
    // Near misses only mean something when keys are opaque credentials.
    if opaque {
        for real in keys.iter().take(20) {
            let chars: Vec<char> = real.chars().collect();
            for position in [0, chars.len() / 2, chars.len() - 1] {
                let mut changed = chars.clone();
                changed[position] = if changed[position] == 'a' { 'b' } else { 'a' };
                bogus.push((
                    format!("a key with one character changed at {position}"),
                    changed.into_iter().collect(),
                ));
            }
            bogus.push((
                "a prefix of a key".to_owned(),
                real[..real.len() - 1].to_owned(),
            ));
            bogus.push(("half a key".to_owned(), real[..real.len() / 2].to_owned()));
            bogus.push(("a key with a suffix".to_owned(), format!("{real}x")));
            bogus.push(("an upper-cased key".to_owned(), real.to_uppercase()));
        }
    }
    let issued: HashSet<&str> = keys.iter().map(String::as_str).collect();
    for (what, key) in bogus {
        if issued.contains(key.as_str()) {
            continue; // the mutation happened to produce a real key
        }
        let problem = match call::load(store, &key).await? {
            Seen::Nothing | Seen::Undecodable(_) => continue,
            Seen::State(state) => Failure::new(
                Violation::CrossedSession,
                format!("{what}, never issued, loaded a session: {state:?}"),
            ),
            Seen::Error(e) => Failure::new(Violation::Error, format!("{what} made load fail: {e}")),
        };
        if reachable_key(&key) {
            return Err(problem);
        }
        ctx.advise(
            format!("load of {what}, which no cookie can carry (cookie values are visible ASCII)"),
            problem.to_string(),
        );
    }
    Ok(())
}

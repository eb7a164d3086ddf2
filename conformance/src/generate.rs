//! Inputs shaped as actix-session's middleware produces them, so that a failure is always
//! something a web application can reach.
//!
//! - A state maps field names (any string a handler passes to `Session::insert`) to values the
//!   middleware wrote with `serde_json::to_string`: JSON text, in which control characters of
//!   the original value appear escaped (`\u0000`), never raw.
//! - A session key reaches a store from a cookie value, which HTTP limits to visible ASCII, and
//!   only after the cookie's signature or encryption checked out.
//!
//! Inputs beyond that are probed by some properties and reported as advisories.

use proptest::prelude::*;
use serde_json::Value;

use crate::model::State;

/// Field names as handlers write them: any text without control characters.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_]{1,12}",
        1 => "\\PC{0,12}",
    ]
}

/// A JSON value a handler might keep in a session: numbers of every kind serde_json holds
/// (negative and `u64` integers beyond `i64`, floats of any magnitude), booleans, text with
/// any character (control characters included: serde_json escapes them), small arrays and
/// objects with any keys.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(Value::from(i64::MIN)),
        (-1e9f64..1e9).prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |x| x.is_finite())
            .prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        "\\PC{0,24}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The middleware's value for `value`: its JSON text.
pub(crate) fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// States as the middleware hands them to a store: up to a dozen fields, sometimes hundreds,
/// sometimes an empty field name.
pub(crate) fn middleware_state() -> impl Strategy<Value = State> {
    let value = || json_value().prop_map(|v| json_text(&v));
    prop_oneof![
        6 => prop::collection::hash_map(field_name(), value(), 0..12),
        1 => prop::collection::hash_map("[a-z]{1,8}", value(), 50..200),
        1 => Just(State::from([(String::new(), "\"\"".to_owned())])),
    ]
}

/// Small states that print readably in a shrunk failure: a few one- or two-letter fields
/// holding a number or a short string, as JSON text.
pub(crate) fn small_state() -> impl Strategy<Value = State> {
    let value = prop_oneof![
        (0i64..100).prop_map(|n| n.to_string()),
        "[a-z]{0,3}".prop_map(|s| json_text(&Value::String(s))),
    ];
    prop::collection::hash_map("[a-c]{1,2}", value, 0..4)
}

/// A state with one field `name` holding `text` as a JSON string.
pub(crate) fn one_field(name: &str, text: &str) -> State {
    State::from([(name.to_owned(), json_text(&Value::String(text.to_owned())))])
}

/// Whether a session key could arrive from a cookie: visible ASCII only.
pub(crate) fn reachable_key(key: &str) -> bool {
    key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

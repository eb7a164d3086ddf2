//! `cargo run -p loadgen`: this repository's name for `session-store-loadgen` (the published
//! crate, whose binary is the same `main`). See `examples/postgres.rs` for a binary of one's
//! own store.

fn main() -> std::process::ExitCode {
    session_store_loadgen::main()
}

//! `loadgen`: the load generator over its built-in backends. Everything is in the library; see
//! its docs, and `examples/postgres.rs` for a binary of one's own store.

fn main() -> std::process::ExitCode {
    loadgen::main()
}

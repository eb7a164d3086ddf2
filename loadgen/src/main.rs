//! `session-store-loadgen`: the load generator over its built-in backends, and the reliability
//! tools. Everything is in the library; see its docs for a binary of one's own store.

fn main() -> std::process::ExitCode {
    session_store_loadgen::main()
}

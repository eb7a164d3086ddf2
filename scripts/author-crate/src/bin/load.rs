fn main() -> std::process::ExitCode {
    session_store_loadgen::main_with(|| Ok(my_session_store::MyHarness))
}

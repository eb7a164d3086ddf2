//! This project's test bed, kept out of the public suite: real servers on free loopback ports
//! (Redis, PostgreSQL), a tmpfs to fill, CPU pinning, the harnesses of the stores the project
//! certifies, and the deliberately broken stores that prove the suite's teeth. The conformance
//! suite's own tests, the benchmarks and the load generator depend on it; it depends on the
//! suite, never the reverse.

pub mod certified;
pub mod machine;
pub mod mutants;
pub mod servers;
pub mod tmpfs;

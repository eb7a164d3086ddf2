//! This project's test bed, kept out of the published crates: the harnesses of the stores only
//! this project certifies (its sled store, actix-session 0.9's cookie store), the deliberately
//! broken stores that prove the suite's teeth, and the binary that writes the certification
//! matrix. The certification tests (`conformance/certify`) and the benchmarks depend on it; it
//! depends on the suite, never the reverse, and nothing published depends on it.

pub mod catch;
pub mod certified;
pub mod mutants;
pub mod sound;
pub mod tower_mutants;

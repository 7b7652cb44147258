//! Integration tests: one binary, so that the throwaway PostgreSQL cluster
//! (see `harness`) is started once and shared by every test.

mod embedded;
mod events;
mod harness;
mod import;
mod migrate;
mod schema;

//! Integration tests: one binary, so that the throwaway PostgreSQL cluster
//! (see `harness`) is started once and shared by every test.

mod brevo;
mod campaigns;
mod demo;
mod embedded;
mod events;
mod harness;
mod import;
mod mcp;
mod migrate;
mod outreach;
mod readme;
mod report;
mod report_html;
mod report_models;
mod schema;
mod summary;
mod unattended;

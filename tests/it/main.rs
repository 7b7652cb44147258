//! Integration tests: one binary, so that the throwaway PostgreSQL cluster
//! (see `harness`) is started once and shared by every test.

mod brevo;
mod brevo_listen;
mod brevo_marketing;
mod campaigns;
mod demo;
mod embedded;
mod events;
mod everyday;
mod hardening;
mod harness;
mod import;
mod listing_out;
mod mcp;
mod migrate;
mod outreach;
mod readme;
mod report;
mod report_html;
mod report_models;
mod report_width;
mod schema;
mod summary;
mod terminal;
mod times;
mod unattended;
mod undo;

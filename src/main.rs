//! The `attrib` binary: parse the command line, hand it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    attrib::run(attrib::cli::Cli::parse())
}

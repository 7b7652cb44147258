//! The `attrib` binary: parse the command line, hand it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    match attrib::cli::Cli::try_parse() {
        Ok(cli) => attrib::run(cli),
        Err(e) => {
            // clap's own message (or --help, --version), then a hint for
            // a command line that is almost right.
            let _ = e.print();
            if e.use_stderr() {
                let args: Vec<String> = std::env::args_os()
                    .skip(1)
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect();
                if let Some(hint) = attrib::cli::hint(&args) {
                    attrib::ui::stderr_line(format_args!("\n{hint}"));
                }
            }
            std::process::ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}

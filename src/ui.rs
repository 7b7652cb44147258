//! How attrib talks to a person: colours and progress bars only on a
//! terminal, nothing but results (stdout) and problems (stderr) under cron.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What the output may contain, decided once at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// `--quiet`: print results only; no notes, summaries or progress.
    pub quiet: bool,
    /// Colours and bold titles on stdout.
    pub color: bool,
    /// Progress bars and spinners on stderr.
    pub progress: bool,
    /// Width of the terminal, for tables.
    pub width: Option<u16>,
}

impl Ui {
    pub fn detect(quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = no_color();
        let color = stdout_tty && !no_color && !quiet;
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(stderr_tty && !no_color);
        let width = stdout_tty
            .then(|| console::Term::stdout().size_checked().map(|(_, w)| w))
            .flatten();
        Ui {
            quiet,
            color,
            progress: stderr_tty && !quiet,
            width,
        }
    }

    /// For tests and library callers: plain output, no terminal.
    pub fn plain() -> Ui {
        Ui {
            quiet: false,
            color: false,
            progress: false,
            width: None,
        }
    }

    /// A progress bar over `total` units (bytes, rows), drawn on stderr only
    /// when it is a terminal.
    pub fn progress_bar(&self, total: u64, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar
    }

    /// A spinner for work of unknown length.
    pub fn spinner(&self, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A note for a person at a terminal (stderr), suppressed by `--quiet`.
    pub fn note(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            stderr_line(format_args!("{text}"));
        }
    }

    /// A warning: always shown, on stderr.
    pub fn warn(&self, text: impl std::fmt::Display) {
        stderr_line(format_args!(
            "{} {text}",
            console::style("warning:").yellow().bold().for_stderr()
        ));
    }

    /// A section title for stdout: bold only when this `Ui` has colours
    /// (a `Ui::plain()` rendering for a file never gets escape codes, even
    /// when stdout is a terminal).
    pub fn title(&self, text: &str) -> String {
        // Titles hold event and campaign names: no control characters.
        let text = &*crate::output::visible(text);
        if self.color {
            console::style(text).bold().force_styling(true).to_string()
        } else {
            text.to_string()
        }
    }
}

/// The user asked for no colours: `NO_COLOR` set and not empty
/// (no-color.org), or a dumb terminal.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// Writes to stdout and flushes, returning the error instead of panicking as
/// `print!` does: a closed pipe (`attrib who ... | head -1`) is then an
/// ordinary error that `app::finish` turns into a quiet exit 0.
pub fn stdout_write(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.flush()
}

/// Writes one line to stderr. A closed or full stderr is ignored: there is
/// nowhere left to say so, and `eprintln!` would panic.
pub fn stderr_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// `println!` that returns an `io::Result` instead of panicking on a closed
/// pipe: `outln!("{x}")?`.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::ui::stdout_write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::ui::stdout_write(format_args!("{}\n", format_args!($($arg)*)))
    };
}
